"""The vraagbestand kindregeling: name, content the portal accepts, selection, recording."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest

from herstel_tui.files.portal_common import NothingToDo, PortalError
from herstel_tui.files.vraagbestand import check_bsns, vraagbestand_name, write_vraagbestand
from herstel_tui.services.portal import export_vraagbestand, resolve_children
from herstel_tui.settings.config import Config
from herstel_tui.store.portal import PortalLedger
from tests.support.portal import PORTAL_ID, TEST_BSNS, TODAY, ZERO_BSN, dump, portal_reads


def test_name_follows_the_portal():
    assert vraagbestand_name("GPB12AB", date(2022, 11, 4)) == "VK-GPB12AB-Kindregeling_20221104.xlsx"


@pytest.mark.parametrize("pid", [None, ""])
def test_no_export_without_portal_id(pid):
    with pytest.raises(PortalError, match="geen portaal-id ingesteld"):
        vraagbestand_name(pid, date(2022, 11, 4))


def test_written_file_is_exactly_what_the_portal_reads(tmp_path):
    bsns = [TEST_BSNS[0], ZERO_BSN, TEST_BSNS[1]]
    path, digest = write_vraagbestand(tmp_path, PORTAL_ID, bsns, day=date(2026, 1, 5))
    assert path.name == "VK-GPB12AB-Kindregeling_20260105.xlsx"
    assert portal_reads(path, portal_id=PORTAL_ID, date="20260105") == ([], 3)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert len(wb.worksheets) == 1
    cells = [(c.coordinate, c.value, c.data_type) for row in wb.active.iter_rows() for c in row]
    assert cells == [("A1", "BSN", "s"), ("A2", TEST_BSNS[0], "s"), ("A3", ZERO_BSN, "s"), ("A4", TEST_BSNS[1], "s")]
    assert ZERO_BSN.startswith("0")  # the leading zero is kept: the cell is text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_second_file_the_same_day_is_refused_and_nothing_overwritten(tmp_path):
    first, _ = write_vraagbestand(tmp_path, PORTAL_ID, TEST_BSNS[:2], day=date(2026, 1, 5))
    before = first.read_bytes()
    with pytest.raises(PortalError, match="bestaat al.*één vraagbestand per dag"):
        write_vraagbestand(tmp_path, PORTAL_ID, TEST_BSNS[2:4], day=date(2026, 1, 5))
    assert first.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]


def test_check_bsns_drops_duplicates_and_lists_every_offender():
    ok, offenders, dropped = check_bsns(
        [
            ("a", TEST_BSNS[0]),
            ("b", "123456789"),
            ("c", TEST_BSNS[0]),
            ("d", 99990006),
            ("e", "12345678"),
            ("f", TEST_BSNS[1]),
        ]
    )
    assert ok == [TEST_BSNS[0], TEST_BSNS[1]]
    assert dropped == 1
    assert [str(o) for o in offenders] == [
        "b: ******789: klopt niet (elfproef)",
        "d: *****006: geen tekst (een BSN is tekst)",
        "e: *****678: geen negen cijfers",
    ]


def test_writer_refuses_an_invalid_bsn_and_writes_nothing(tmp_path):
    with pytest.raises(PortalError) as exc:
        write_vraagbestand(tmp_path, PORTAL_ID, [TEST_BSNS[0], "999900007"], day=TODAY)
    assert exc.value.problems == ["nr. 2: ******007: klopt niet (elfproef)"]
    assert list(tmp_path.iterdir()) == []


# -- selection and recording ---------------------------------------------------------------------


def test_default_selection_is_children_without_answer_or_open_request(store, family):
    parent, (noah, emma) = family.household("Anna", "Jansen", ["Noah", "Emma"], kid_case="Noah")
    family.household("Piet", "Bakker", [])  # a parent without children
    nobsn = family.person("Zonder", "Bsn", bsn=None)
    store.persons.join_household_of(parent.id, nobsn.id, "kind")  # a child without a BSN cannot be asked for
    got = store.portal.children_to_verify()
    assert [(c.name, c.status) for c in got] == [
        ("Emma Jansen", "nog niet geverifieerd"),
        ("Noah Jansen", "nog niet geverifieerd"),
    ]


def test_export_records_request_notes_and_masked_audit(store, family, config, tmp_path):
    parent, (noah, emma) = family.household("Anna", "Jansen", ["Noah", "Emma"], kid_case="Noah")
    children = store.portal.children_to_verify()
    result = export_vraagbestand(store, config, children, today=TODAY)
    assert result.path == tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{TODAY:%Y%m%d}.xlsx"
    assert portal_reads(result.path, portal_id=PORTAL_ID)[0] == []
    assert result.count == 2 and result.notes_written == 2
    # Each child now has an open request; the default selection is empty.
    assert store.portal.children_to_verify() == []
    assert [c.name for c in store.portal.children_to_verify(include_open=True)] == ["Emma Jansen", "Noah Jansen"]
    assert store.portal.verifications_of(noah.id) == [
        {
            "aangevraagd": TODAY,
            "vraagbestand": result.path.name,
            "beantwoord": None,
            "antwoordbestand": None,
            "behoort": None,
        }
    ]
    # Noah has a case of his own; Emma has none, so her request is noted on her parent's case.
    when = TODAY.strftime("%d-%m-%Y")
    (noah_case,) = store.cases.of_person(noah.id)
    (parent_case,) = store.cases.of_person(parent.id)
    assert [n.text for n in store.cases.notes(noah_case.id)] == [
        f"Verificatie kindregeling aangevraagd op {when} (bestand {result.path.name})."
    ]
    assert [n.text for n in store.cases.notes(parent_case.id)] == [
        f"Verificatie kindregeling aangevraagd op {when} voor kind Emma ({emma.bsn_masked}) "
        f"(bestand {result.path.name})."
    ]
    assert {n.channel.value for n in store.cases.notes(parent_case.id)} == {"bericht"}
    (export_audit,) = [a for a in store.audit.entries() if a.entity == "vraagbestand"]
    assert export_audit.detail == {"bestand": result.path.name, "aantal": 2, "bsn": [emma.bsn_masked, noah.bsn_masked]}
    per_child = [a for a in store.audit.entries() if a.entity == "kindverificatie"]
    assert {a.person_id for a in per_child} == {noah.id, emma.id}
    text = dump(store)
    audit_text = "\n".join(str(a.detail) for a in store.audit.entries())
    assert noah.bsn not in audit_text and emma.bsn not in audit_text
    assert noah.bsn in text  # the request itself keeps the BSN as sent


def test_export_without_portal_id_writes_and_records_nothing(store, family, tmp_path):
    family.household("Anna", "Jansen", ["Noah"])
    before = dump(store)
    with pytest.raises(PortalError, match="geen portaal-id"):
        export_vraagbestand(store, Config(exportmap=tmp_path / "export"), store.portal.children_to_verify())
    assert dump(store) == before
    assert not (tmp_path / "export").exists()


def test_nothing_to_export(store, config):
    with pytest.raises(NothingToDo):
        export_vraagbestand(store, config, [])


def test_a_failing_record_removes_the_file_and_leaves_the_database(store, family, config, tmp_path, monkeypatch):
    family.household("Anna", "Jansen", ["Noah", "Emma"])
    children = store.portal.children_to_verify()
    before = dump(store)

    def boom(*a, **kw):
        raise RuntimeError("schijf weg")

    monkeypatch.setattr(PortalLedger, "note_on_cases", boom)
    with pytest.raises(RuntimeError):
        export_vraagbestand(store, config, children, today=TODAY)
    assert dump(store) == before
    assert list((tmp_path / "export").iterdir()) == []


def test_existing_file_refused_before_anything_is_recorded(store, family, config, tmp_path):
    family.household("Anna", "Jansen", ["Noah"])
    target = tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{TODAY:%Y%m%d}.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"eerder bestand")
    before = dump(store)
    with pytest.raises(PortalError, match="bestaat al"):
        export_vraagbestand(store, config, store.portal.children_to_verify(), today=TODAY)
    assert dump(store) == before
    assert target.read_bytes() == b"eerder bestand"


def test_resolve_children_lists_all_offenders(store, family):
    parent, (noah,) = family.household("Anna", "Jansen", ["Noah"])
    stranger = next(family.bsns)  # valid, not in the register
    children, offenders, dropped = resolve_children(
        store,
        [
            ("--bsn 1", noah.bsn),
            ("--bsn 2", "1234.56.789"),
            ("--bsn 3", noah.bsn),
            ("--bsn 4", parent.bsn),
            ("--bsn 5", stranger),
            ("--bsn 6", "12ab"),
            ("--bsn 7", "1234567"),
        ],
    )
    assert [c.person_id for c in children] == [noah.id]
    assert dropped == 1
    assert [str(o) for o in offenders] == [
        "--bsn 2: ********789: klopt niet (elfproef)",
        f"--bsn 4: {parent.bsn_masked}: is in geen huishouden als kind ingeschreven",
        f"--bsn 5: ******{stranger[-3:]}: staat niet in het register",
        "--bsn 6: *2ab: bevat andere tekens dan cijfers",
        "--bsn 7: ****567: heeft 7 cijfers; een BSN heeft er 9",
    ]


def test_eleven_check_agrees_with_stdnum_and_the_portal_check():
    from stdnum.nl import bsn as stdnum_bsn

    from herstel_tui.files.vraagbestand import eleven_check
    from tests.support import portal_rules as checker

    samples = [f"{n:09d}" for n in range(0, 1_000_000_000, 7_919_993)] + TEST_BSNS[:200] + [ZERO_BSN, "000000000"]
    for s in samples:
        assert eleven_check(s) == checker.bsn_ok(s), s
        if s != "000000000":
            assert eleven_check(s) == stdnum_bsn.is_valid(s), s
