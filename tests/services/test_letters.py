"""Issue 9, letters: templates in data/letters, rendered to text and .docx, recorded on the case."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.dates import long_date, weekday_date
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.files import atomic
from herstel_tui.services import letters as L
from herstel_tui.settings.resources import data_file, default_routekaart, open_store
from tests.support.data import TODAY
from tests.support.letters import GEMEENTE, MEDEWERKER

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY


def docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- Dutch dates ------------------------------------------------------------------------------------


def test_dutch_dates_without_locale():
    assert weekday_date(date(2026, 3, 3)) == "dinsdag 3 maart 2026"
    assert long_date(date(2026, 1, 31)) == "31 januari 2026"
    assert [long_date(date(2026, m, 1)).split()[1] for m in range(1, 13)] == [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert [weekday_date(date(2026, 6, d)).split()[0] for d in range(1, 8)] == [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ]


# -- the shipped index and templates ----------------------------------------------------------------


def test_shipped_letters_load_and_name_their_routekaart_formats():
    letters = L.load_letters(None, default_routekaart())
    assert list(letters.kinds) == [
        "contact",
        "bevestiging",
        "schuldeiser",
        "moratorium",
        "aangemeld",
        "pauzeknop",
    ]
    rk = default_routekaart()
    for k in letters.kinds.values():
        assert k.routekaart in rk.letters
        assert k.template.parent == data_file("letters")
    assert letters.get("bevestiging").records == "datum_eerste_gesprek_gecommuniceerd"
    assert {k.records for k in letters.kinds.values() if k.id != "bevestiging"} == {"brief_verzonden"}
    assert letters.get("brief_schuldeiser_moratorium").id == "schuldeiser"  # the format id works too
    with pytest.raises(L.LetterError, match="onbekende brief 'onzin'"):
        letters.get("onzin")


def test_no_template_can_reach_a_full_bsn():
    assert not [f for f in L.known_fields(default_routekaart()) if "bsn" in f]


# -- each letter for a demo case ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from herstel_tui.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with clock.fixed(TODAY), open_store(path, "t.tester") as s:
        build_demo(s, cases=400, seed=99, me="t.tester", today=TODAY)
    return path


def _find(store, want) -> int:
    for (cid,) in store.conn.execute("SELECT id FROM cases ORDER BY id"):
        view = store.cases.view(cid, TODAY)
        if want(store.cases.get(cid), view):
            return cid
    raise AssertionError("no demo case fits")


def _running_moratorium(view):
    return next((d for d in view.running if d.rule == "wettelijk_moratorium"), None)


def test_each_letter_for_a_demo_case(demo, tmp_path):
    from dateutil.relativedelta import relativedelta

    from herstel_tui.settings.config import Config

    work = tmp_path / "demo.db"
    shutil.copy(demo, work)
    letter_config = Config(
        gemeente=GEMEENTE,
        medewerker=MEDEWERKER,
        exportmap=tmp_path / "export",
        ondertekening="A. de Vries, consulent",
        gemeente_contact="Postbus 1, 9999 ZZ Voorbeeld · telefoon 14 099",
    )
    with open_store(work, "t.tester") as store:
        melding = _find(
            store,
            lambda c, v: (
                c.track.value == "brede_ondersteuning"
                and any(d.step in ("aanmelding_gemeente", "ontvangst_gegevens") for d in v.done)
                # a talk still to come: a date is communicated before the talk it announces
                and not any(d.step == "eerste_gesprek" for d in v.done)
                and any(n.step == "datum_eerste_gesprek_gecommuniceerd" for n in v.next_steps)
            ),
        )
        moratorium = _find(store, lambda c, v: _running_moratorium(v) is not None)
        plain_bo = _find(store, lambda c, v: c.track.value == "brede_ondersteuning")
        jobs = [
            ("contact", plain_bo, {}),
            ("bevestiging", melding, {"first_talk": date(2026, 6, 9)}),
            ("schuldeiser", moratorium, {"creditor": "CJIB"}),
            ("moratorium", moratorium, {}),
        ]
        for kind, cid, extra in jobs:
            case = store.cases.get(cid)
            person = store.persons.get(case.person_id)
            result = L.produce(store, letter_config, cid, kind, today=TODAY, **extra)
            text = docx_text(result.docx)
            assert result.docx.name == f"brief-{kind}-{case.zaaknummer}-20260601.docx"
            assert result.txt.read_text(encoding="utf-8").rstrip("\n") == result.text.rstrip("\n")
            for must in (person.name, case.zaaknummer, GEMEENTE, "1 juni 2026"):
                assert must in text, (kind, must)
                assert must in result.text
            if person.bsn:
                assert person.bsn not in text and person.bsn not in result.text
            # issue 17: signed with the caseworker's name as configured, the municipality's contact under it
            ending = result.text.rstrip("\n").splitlines()[-3:]
            assert ending == ["A. de Vries, consulent", GEMEENTE, "Postbus 1, 9999 ZZ Voorbeeld · telefoon 14 099"]
            if kind == "bevestiging":
                assert "dinsdag 9 juni 2026" in text
            if kind in ("schuldeiser", "moratorium"):
                view = store.cases.view(cid, TODAY)
                start = _running_moratorium(view).start
                assert f"van {long_date(start)} tot {long_date(start + relativedelta(years=1))}" in text
            if kind == "schuldeiser":
                assert "CJIB" in text and person.birth_date and long_date(person.birth_date) in text


# -- what producing a letter writes -----------------------------------------------------------------


def test_confirmation_records_the_milestone_a_note_and_three_audit_rows(cases, letter_config, export_dir):
    s = cases.store
    before = s.counts()
    audit_before = len(s.audit.entries(case_id=cases.bo.id))
    talk = TODAY + timedelta(days=14)  # a confirmation announces a talk to come
    result = L.produce(s, letter_config, cases.bo.id, "bevestiging", today=TODAY, first_talk=talk)
    after = s.counts()
    assert after["events"] == before["events"] + 1
    assert after["contact_notes"] == before["contact_notes"] + 1
    assert after["audit"] == before["audit"] + 3

    event = s.cases.events(cases.bo.id)[-1]
    assert (event.step, event.fact_date, event.recorded_by) == (
        "datum_eerste_gesprek_gecommuniceerd",
        TODAY,
        "t.tester",
    )
    assert weekday_date(talk) in event.note
    note = s.cases.notes(cases.bo.id)[0]
    assert (note.channel.value, note.date) == ("brief", TODAY)
    assert "Bevestiging datum eerste gesprek" in note.text and result.docx.name in note.text
    trail = s.audit.entries(case_id=cases.bo.id)[audit_before:]
    assert [(a.action, a.entity) for a in trail] == [
        ("vastgelegd", "gebeurtenis"),
        ("vastgelegd", "contactmoment"),
        ("brief", "zaak"),
    ]
    assert trail[0].detail["stap"] == "datum_eerste_gesprek_gecommuniceerd"
    assert trail[2].detail == {"brief": "bevestiging", "bestand": result.docx.name, "tekst": result.txt.name}
    assert trail[2].person_id == cases.anna.id and trail[2].who == "t.tester"

    # The statutory termijn "datum eerste gesprek meedelen" is stopped by the letter.
    view = s.cases.view(cases.bo.id, TODAY)
    dl = next(d for d in view.deadlines if d.rule == "datum_eerste_gesprek_meedelen")
    assert dl.stopped == TODAY
    text = result.text
    assert f"Het eerste gesprek is op {weekday_date(talk)}." in text
    assert "Geachte A.M. de Vries," in text and "Dorpsstraat 12" in text and "3011 AB Rotterdam" in text
    assert MEDEWERKER in text and cases.anna.bsn not in text

    # files: owner-only, nothing else left in the directory
    assert sorted(p.name for p in export_dir.iterdir()) == sorted([result.docx.name, result.txt.name])
    assert mode(result.docx) == 0o600 and mode(result.txt) == 0o600
    assert docx_text(result.docx).startswith(GEMEENTE)


def test_other_letters_record_brief_verzonden_with_the_title(cases, letter_config):
    s = cases.store
    result = L.produce(s, letter_config, cases.sa.id, "schuldeiser", today=TODAY, creditor="Belastingdienst")
    event = s.cases.events(cases.sa.id)[-1]
    assert event.step == "brief_verzonden" and event.fact_date == TODAY
    assert event.note == "Brief aan schuldeiser: moratorium van kracht (aan Belastingdienst)"
    assert result.event_title == "Brief verzonden"
    view = s.cases.view(cases.sa.id, TODAY)
    assert view.current.step == "eerste_betaling"  # an anytime milestone does not move the case
    assert "van 2 februari 2026 tot 2 februari 2027" in result.text
    assert "Wij schrijven u over Sevda Kaya, geboren op 1 december 1979" in result.text


def test_confirmation_never_announces_a_past_talk(cases, letter_config):
    s = cases.store
    s.cases.record_event(cases.bo.id, "eerste_gesprek", date(2026, 3, 3))
    # the recorded talk is past: it is not prefilled, and a past date is refused
    with pytest.raises(L.LetterError, match="datum van het eerste gesprek ontbreekt"):
        L.prepare(s, letter_config, cases.bo.id, "bevestiging", today=TODAY)
    with pytest.raises(L.LetterError, match="ligt in het verleden"):
        L.prepare(s, letter_config, cases.bo.id, "bevestiging", today=TODAY, first_talk=date(2026, 3, 4))
    talk = TODAY + timedelta(days=7)
    assert (
        weekday_date(talk) in L.prepare(s, letter_config, cases.bo.id, "bevestiging", today=TODAY, first_talk=talk).text
    )


def test_confirmation_refused_by_the_engine_writes_nothing(cases, letter_config, export_dir):
    s = cases.store
    before = s.counts()
    with pytest.raises(TransitionRefused, match="kan pas na"):
        L.produce(s, letter_config, cases.bo_new.id, "bevestiging", today=TODAY, first_talk=date(2026, 6, 9))
    assert s.counts() == before
    assert not export_dir.exists() or list(export_dir.iterdir()) == []


def test_missing_values_say_what_to_supply(cases, letter_config):
    s = cases.store
    with pytest.raises(L.LetterError, match="datum van het eerste gesprek ontbreekt"):
        L.prepare(s, letter_config, cases.bo.id, "bevestiging", today=TODAY)
    with pytest.raises(L.LetterError, match="geef de naam van de schuldeiser"):
        L.prepare(s, letter_config, cases.sa.id, "schuldeiser", today=TODAY)
    with pytest.raises(L.LetterError, match="moratorium is voor deze zaak niet begonnen"):
        L.prepare(s, letter_config, cases.bo.id, "moratorium", today=TODAY)
    with pytest.raises(L.LetterError, match="liep af op 3 maart 2026"):
        L.prepare(s, letter_config, cases.sa_old.id, "schuldeiser", today=TODAY, creditor="CJIB")
    with pytest.raises(L.LetterError, match="hoort niet bij het spoor Brede schuldenaanpak"):
        L.prepare(s, letter_config, cases.sa.id, "bevestiging", today=TODAY, first_talk=TODAY)


def test_values_are_put_in_literally_never_read_as_a_template(cases, letter_config):
    s = cases.store
    from herstel_tui.domain.models import Person

    p = s.persons.add(Person(given_names="{{gemeente}}", surname="{medewerker} %s {{0}}"))
    c = s.cases.open(p.id, "brede_ondersteuning", opened=date(2026, 1, 1))
    text = L.prepare(s, letter_config, c.id, "contact", today=TODAY).text
    assert "{{gemeente}} {medewerker} %s {{0}}" in text


def test_preview_must_match_what_is_written(cases, letter_config, export_dir):
    s = cases.store
    before = s.counts()
    with pytest.raises(L.LetterError, match="intussen gewijzigd"):
        L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY, expect_text="een ander voorbeeld")
    assert s.counts() == before
    shown = L.prepare(s, letter_config, cases.bo.id, "contact", today=TODAY).text
    assert L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY, expect_text=shown).text == shown


def test_second_letter_the_same_day_gets_its_own_files(cases, letter_config):
    s = cases.store
    a = L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY)
    b = L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY)
    assert a.docx != b.docx and b.docx.name.endswith("-20260601-2.docx") and b.txt.name.endswith("-2.txt")
    assert a.docx.exists() and b.docx.exists()
    assert [e.step for e in s.cases.events(cases.bo.id)].count("brief_verzonden") == 2


def test_explicit_paths(cases, letter_config, tmp_path):
    s = cases.store
    r = L.produce(
        s,
        letter_config,
        cases.bo.id,
        "contact",
        today=TODAY,
        docx_path=tmp_path / "a.docx",
        txt_path=tmp_path / "a.txt",
    )
    assert r.docx == tmp_path / "a.docx" and mode(r.docx) == 0o600 and "Piet" not in r.text
    with pytest.raises(L.LetterError, match="bestaat niet"):
        L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY, docx_path=tmp_path / "nergens" / "b.docx")


def test_a_failing_file_move_records_nothing_and_leaves_no_file(cases, letter_config, export_dir, monkeypatch):
    s = cases.store
    before = s.counts()
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OSError):
        L.produce(s, letter_config, cases.bo.id, "contact", today=TODAY)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert s.counts() == before
    assert list(export_dir.iterdir()) == []


# -- templates a municipality changes ---------------------------------------------------------------


def copy_letters(tmp_path: Path) -> Path:
    target = tmp_path / "sjablonen"
    shutil.copytree(data_file("letters"), target)
    return target


def test_unknown_field_names_the_template_and_the_field(tmp_path):
    d = copy_letters(tmp_path)
    tpl = d / "contact.txt"
    tpl.write_text(tpl.read_text(encoding="utf-8") + "\nUw BSN: {{ ouder.bsn }}\n", encoding="utf-8")
    with pytest.raises(L.LetterTemplateError) as info:
        L.load_letters(d, default_routekaart())
    msg = str(info.value)
    assert str(tpl) in msg and "onbekend veld 'ouder.bsn'" in msg and "op regel" in msg
    assert info.value.fields == ["ouder.bsn"] and info.value.path == tpl


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("{{ ouder naam }}", "ongeldig veld '{{ ouder naam }}'"),
        ("Beste {{ouder.naam}", "'{{' zonder bijbehorende '}}'"),
        ("Beste ouder.naam}}", "'}}' zonder bijbehorende '{{'"),
        ("{{__class__}}", "ongeldig veld '{{__class__}}'"),
        ("{{ouder.naam.__class__}}", "ongeldig veld"),
    ],
)
def test_malformed_fields_are_refused(tmp_path, bad, expected):
    d = copy_letters(tmp_path)
    (d / "moratorium.txt").write_text(f"regel een\n{bad}\n", encoding="utf-8")
    with pytest.raises(L.LetterTemplateError, match="moratorium.txt") as info:
        L.load_letters(d, default_routekaart())
    assert expected in str(info.value) and "regel 2" in str(info.value)


def test_changed_wording_is_used_without_code(tmp_path, cases, letter_config):
    d = copy_letters(tmp_path)
    (d / "contact.txt").write_text(
        "{{gemeente}}\nBeste {{ouder.naam}}, tot ziens. {{contact.vng_hersteloperatie.email}}\n", encoding="utf-8"
    )
    letters = L.load_letters(d, default_routekaart())
    text = L.prepare(cases.store, letter_config, cases.bo.id, "contact", today=TODAY, letters=letters).text
    assert text == f"{GEMEENTE}\nBeste Anna Maria de Vries, tot ziens. hersteloperatie@vng.nl\n"


@pytest.mark.parametrize(
    "change, expected",
    [
        (('template = "contact.txt"', 'template = "weg.txt"'), "weg.txt: sjabloon van brief 'contact' niet gevonden"),
        (('records = "brief_verzonden"', 'records = "iets"'), "sleutel 'records'"),
        (('step = "contact_ouder"', 'step = "bestaat_niet"'), "onbekende stap 'bestaat_niet'"),
        (('routekaart = "schriftelijk_contact_ouders"', 'routekaart = "x"'), "onbekend format 'x'"),
        (('recipient = "ouder"', 'recipient = "ouder"\nkleur = "rood"'), "sleutel 'kleur': onbekende sleutel"),
        (('template = "contact.txt"', 'template = "../contact.txt"'), "naast letters.toml"),
    ],
)
def test_index_faults_name_the_file(tmp_path, change, expected):
    d = copy_letters(tmp_path)
    index = d / "letters.toml"
    index.write_text(index.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(L.LetterTemplateError) as info:
        L.load_letters(d, default_routekaart())
    assert expected in str(info.value)
    assert str(d) in str(info.value)
