"""Issue 16: `herstel stap` records a step through the desk's engine; `zoek`/`toon` find a household
member without a case of their own, and the short zaaknummer the list shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain import clock
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from tests.support.data import BSN_A, BSN_B


@pytest.fixture
def db(tmp_path):
    today = clock.today()
    path = tmp_path / "s.db"
    with open_store(path, "t.tester") as s:
        a = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        kid = s.persons.add(Person(bsn=BSN_B, given_names="Noor", surname="Jansen"))
        s.persons.create_household([(a.id, "aanvrager"), (kid.id, "kind")])
        bo = s.cases.open(a.id, "brede_ondersteuning", opened=today - timedelta(days=60))
        s.cases.record_event(bo.id, "aanmelding_gemeente", today - timedelta(days=50))
    return path


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def events(db) -> list[tuple]:
    with open_store(db, "x") as s:
        case = s.cases.of_person(s.persons.find_by_bsn(BSN_A).id)[0]
        return [(e.step, e.outcome, e.correction) for e in s.cases.events(case.id)]


def zaak(db) -> str:
    with open_store(db, "x") as s:
        return s.cases.of_person(s.persons.find_by_bsn(BSN_A).id)[0].zaaknummer


def test_stap_records_through_the_engine(db):
    day = clock.today() - timedelta(days=40)
    r = run(db, "stap", zaak(db), "datum_eerste_gesprek_gecommuniceerd", "--datum", f"{day:%d-%m-%Y}")
    assert r.exit_code == 0, r.output
    assert "Vastgelegd bij HKO-" in r.output and "Datum eerste gesprek vastgelegd en meegedeeld" in r.output
    r = run(db, "stap", BSN_A, "eerste_gesprek", "--notitie", "thuis, crisischeck gedaan")
    assert r.exit_code == 0, r.output
    assert events(db)[-1] == ("eerste_gesprek", None, False)


def test_stap_refused_exits_2_with_the_engines_reason_and_changes_nothing(db):
    before = events(db)
    # "Als de doelen uit het plan van aanpak behaald zijn, is er ruimte voor nazorg."
    r = run(db, "stap", zaak(db), "nazorg")
    assert r.exit_code == 2
    assert "niet vastgelegd: Nazorg kan pas na" in r.stderr
    r = run(db, "stap", zaak(db), "bestaat_niet")
    assert r.exit_code == 2 and "Nu mogelijk:" in r.stderr and "eerste_gesprek" in r.stderr
    r = run(db, "stap", zaak(db), "eerste_gesprek", "--datum", f"{clock.today() + timedelta(days=1):%d-%m-%Y}")
    assert r.exit_code == 2 and "toekomst" in r.stderr
    r = run(db, "stap", zaak(db), "eerste_gesprek", "--reden", "x")
    assert r.exit_code == 2 and "--reden hoort bij --correctie" in r.stderr
    assert events(db) == before


def test_stap_correction_needs_a_reason(db):
    run(db, "stap", zaak(db), "afzien_brede_ondersteuning")
    r = run(db, "stap", zaak(db), "afzien_brede_ondersteuning", "--correctie")
    assert r.exit_code == 2 and "Geef een reden voor de correctie." in r.stderr
    r = run(db, "stap", zaak(db), "afzien_brede_ondersteuning", "--correctie", "--reden", "verkeerde zaak")
    assert r.exit_code == 0 and "Correctie vastgelegd" in r.output
    assert events(db)[-1] == ("afzien_brede_ondersteuning", None, True)


def test_toon_and_zoek_a_household_member_without_a_case(db):
    r = run(db, "toon", BSN_B)
    assert r.exit_code == 0, r.stderr
    assert "Jansen" in r.output and "Geen eigen zaak" in r.output and zaak(db) in r.output
    assert BSN_B not in r.output  # masked
    r = run(db, "zoek", BSN_B)
    assert r.exit_code == 0 and zaak(db)[4:] in r.output


def test_the_short_zaaknummer_the_list_shows_is_searchable(db):
    short = zaak(db)[4:]  # "2026-000001", as the list shows it at 80 columns
    r = run(db, "zoek", short)
    assert r.exit_code == 0 and "Jansen, Anna" in r.output
    r = run(db, "toon", short)
    assert r.exit_code == 0 and zaak(db) in r.output
    r = run(db, "stap", short, "eerste_gesprek")
    assert r.exit_code == 0, r.stderr


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_toon_marks_a_late_registration_and_the_aanvragers_facts(tmp_path, test_bsns):
    # R: "Aanmelden kan tot 1 januari 2024." and "De gedupeerde ouder en toeslagpartner ..."
    from datetime import date

    path = tmp_path / "t.db"
    with open_store(path, "t.tester") as s:
        a = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        p = s.persons.add(Person(bsn=BSN_B, given_names="Kees", surname="Jansen"))
        s.persons.create_household([(a.id, "aanvrager"), (p.id, "toeslagpartner")])
        mine = s.cases.open(a.id, "schuldenaanpak", opened=date(2024, 2, 1))
        theirs = s.cases.open(p.id, "schuldenaanpak", opened=date(2024, 2, 1))
        for case in (mine, theirs):
            s.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2024, 2, 1))  # after the cut-off
            s.cases.record_event(case.id, "start_pauzeknop", date(2024, 2, 8))
        s.cases.record_event(mine.id, "eerste_toets", date(2024, 6, 1), outcome="gedupeerd")
        zaak_p = theirs.zaaknummer
    r = run(path, "toon", zaak_p)
    assert r.exit_code == 0, r.stderr
    assert "Eerste toets: Gedupeerd (van de aanvrager)" in r.output
    assert "let op: Aanmelden bij UHT kon tot 1 januari 2024" in r.output


def test_stap_records_a_uht_outcome_and_names_the_childs_case_it_contradicts(db):
    """UHT's outcome on Anna's case is recorded (exit 0) though her daughter Noor's case holds
    ondersteuning aan kinderen after its date; the output names Noor's case, as the desk does."""
    today = clock.today()
    with open_store(db, "x") as s:
        noor = s.persons.find_by_bsn(BSN_B)
        case = s.cases.open(noor.id, "brede_ondersteuning", opened=today - timedelta(days=40))
        s.cases.record_event(case.id, "aanmelding_gemeente", today - timedelta(days=40))
        s.cases.record_event(case.id, "ondersteuning_kinderen", today - timedelta(days=5))
        noors = case.zaaknummer
        annas = s.cases.of_person(s.persons.find_by_bsn(BSN_A).id)[0]
        s.cases.record_event(annas.id, "aanvraag_herbeoordeling", today - timedelta(days=45))
    r = run(
        db,
        "stap",
        zaak(db),
        "eerste_toets",
        "--uitkomst",
        "niet_gedupeerd",
        "--datum",
        f"{today - timedelta(days=20):%d-%m-%Y}",
    )
    assert r.exit_code == 0, r.output
    assert events(db)[-1] == ("eerste_toets", "niet_gedupeerd", False)
    assert f"Let op: zaak {noors} van Noor Jansen: Ondersteuning aan kinderen van " in r.output
    assert r.output.rstrip().endswith("Controleer die zaak.")
