"""The verificatiecode file: name, content, validity, storing and the current code."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.files.portal_common import AlreadyImported, PortalFileError
from herstel_tui.files.verificatiecode import read_code_file
from herstel_tui.services.portal import import_verification_code
from herstel_tui.settings.config import Config
from tests.support.portal import PORTAL_ID, dump, write_xlsx

NAME = f"VC-{PORTAL_ID}-verificatiecode_Gemeentedesk_20260115.xlsx"


def test_labelled_code_and_six_months(tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Verificatiecode Gemeentedesk"], ["Verificatiecode", "AB12-CD34"]])
    cf = read_code_file(p, PORTAL_ID, today=date(2026, 2, 1))
    assert (cf.code, cf.portal_id, cf.file_date, cf.valid_from, cf.valid_until) == (
        "AB12-CD34",
        PORTAL_ID,
        date(2026, 1, 15),
        date(2026, 1, 15),
        date(2026, 7, 15),
    )
    assert cf.notes == [
        "code gevonden bij het label 'Verificatiecode' (werkblad 'Blad1')",
        "geldigheid: datum in de naam + 6 maanden",
    ]


def test_code_below_the_label_and_dates_from_the_file(tmp_path):
    p = write_xlsx(
        tmp_path / NAME,
        [["Verificatiecode:", "Geldig vanaf", "Geldig tot"], ["X7Y8Z9", date(2026, 1, 20), date(2026, 7, 19)]],
    )
    cf = read_code_file(p, PORTAL_ID)
    assert cf.code == "X7Y8Z9"
    assert (cf.valid_from, cf.valid_until) == (date(2026, 1, 20), date(2026, 7, 19))
    assert cf.notes[-1] == "geldigheid uit het bestand"


def test_code_in_the_label_cell_itself(tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Verificatiecode: 4711-0815"]])
    assert read_code_file(p, PORTAL_ID).code == "4711-0815"


def test_unlabelled_code_is_the_first_code_like_cell(tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Gemeentedesk"], ["15-01-2026"], [None, "QW12ER34"]])
    cf = read_code_file(p, PORTAL_ID)
    assert cf.code == "QW12ER34"
    assert cf.notes[0] == "geen label 'Verificatiecode'; de eerste code-achtige cel genomen (Blad1!B3)"


def test_no_code_at_all(tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Gemeentedesk"], ["Geen code deze keer"]])
    with pytest.raises(PortalFileError, match="geen verificatiecode gevonden"):
        read_code_file(p, PORTAL_ID)


@pytest.mark.parametrize(
    "name, message",
    [
        ("verificatiecode.xlsx", "de naam wijkt af van VC-GPB????-verificatiecode_Gemeentedesk_jjjjmmdd.xlsx"),
        ("VC-GPB12AB-Verificatiecode_Gemeentedesk_20260115.xlsx", "de naam wijkt af"),
        (
            "VC-GPB99ZZ-verificatiecode_Gemeentedesk_20260115.xlsx",
            "is voor portaal-id GPB99ZZ, maar de configuratie zegt GPB12AB",
        ),
        ("VC-GPB12AB-verificatiecode_Gemeentedesk_20261315.xlsx", "20261315 in de naam is geen datum"),
    ],
)
def test_names_are_checked(tmp_path, name, message):
    p = write_xlsx(tmp_path / name, [["Verificatiecode", "AB12CD"]])
    with pytest.raises(PortalFileError, match=message.replace("?", r"\?").replace(".", r"\.")):
        read_code_file(p, PORTAL_ID)


def test_portal_id_not_checked_when_not_configured(tmp_path):
    p = write_xlsx(tmp_path / NAME.replace(PORTAL_ID, "GPB99ZZ"), [["Verificatiecode", "AB12CD"]])
    assert read_code_file(p, None).portal_id == "GPB99ZZ"


def test_not_an_xlsx_and_empty(tmp_path):
    (tmp_path / NAME).write_text("Verificatiecode;AB12CD\n")
    with pytest.raises(PortalFileError, match="geen Excel-bestand"):
        read_code_file(tmp_path / NAME, PORTAL_ID)
    (tmp_path / NAME).write_bytes(b"")
    with pytest.raises(PortalFileError, match=r"leeg \(0 bytes\)"):
        read_code_file(tmp_path / NAME, PORTAL_ID)


def test_store_and_current_code(store, config, tmp_path):
    assert store.codes.current(date(2026, 2, 1)) is None
    old = write_xlsx(tmp_path / NAME.replace("20260115", "20250715"), [["Verificatiecode", "OLD111"]])
    new = write_xlsx(tmp_path / NAME, [["Verificatiecode", "NEW222"]])
    first = import_verification_code(store, config, old, today=date(2025, 8, 1))
    assert first.new and first.code.code == "OLD111" and not first.code.expired
    second = import_verification_code(store, config, new, today=date(2026, 2, 1))
    assert second.new and second.code.code == "NEW222"
    now = store.codes.current(date(2026, 2, 1))
    assert (now.code, now.valid_from, now.valid_until, now.expired, now.days_left) == (
        "NEW222",
        date(2026, 1, 15),
        date(2026, 7, 15),
        False,
        164,
    )
    # Before the new code was in force, the old one counts; after both, the newest, marked expired.
    assert store.codes.current(date(2026, 1, 10)).code == "OLD111"
    assert store.codes.current(date(2026, 1, 10)).expired is False
    late = store.codes.current(date(2026, 7, 16))
    assert (late.code, late.expired) == ("NEW222", True)
    # The code never enters the audit trail in full.
    details = [a.detail for a in store.audit.entries() if a.entity == "verificatiecode"]
    assert [d["code"] for d in details] == ["****11", "****22"]


def test_same_file_twice_and_same_code_in_another_file(store, config, tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Verificatiecode", "AB12CD"]])
    import_verification_code(store, config, p, today=date(2026, 2, 1))
    before = dump(store)
    with pytest.raises(AlreadyImported):
        import_verification_code(store, config, p, today=date(2026, 2, 1))
    assert dump(store) == before
    # The portal's file saved again (other bytes, same code): the file is noted, the code not doubled.
    copy = write_xlsx(tmp_path / NAME, [["Verificatiecode", "AB12CD"]], title="Blad 1")
    again = import_verification_code(store, config, copy, today=date(2026, 2, 1))
    assert not again.new
    assert store.conn.execute("SELECT count(*) FROM verification_codes").fetchone()[0] == 1


def test_future_file_date_is_refused(store, tmp_path):
    p = write_xlsx(tmp_path / NAME, [["Verificatiecode", "AB12CD"]])
    with pytest.raises(PortalFileError, match="ligt in de toekomst"):
        import_verification_code(store, Config(portaal_id=PORTAL_ID), p, today=date(2026, 1, 1))
