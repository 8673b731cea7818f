"""Issue 7: zoek / toon / termijnen / notitie from the shell."""

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from tests.support.child import child_env
from tests.support.data import BSN_A, BSN_B

TODAY = date.today()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path, "t.tester") as s:
        a = s.persons.add(
            Person(
                bsn=BSN_A,
                given_names="Anna",
                surname="Jansen",
                street="Kerkstraat",
                house_number="12",
                postcode="3011 AB",
                city="Rotterdam",
                phone="06-12345678",
            )
        )
        kid = s.persons.add(Person(bsn=BSN_B, given_names="Noor", surname="Jansen", birth_date=date(2008, 4, 1)))
        s.persons.create_household([(a.id, "aanvrager"), (kid.id, "kind")])
        bo = s.cases.open(a.id, "brede_ondersteuning", opened=TODAY - timedelta(days=60), caseworker="t.tester")
        s.cases.open(a.id, "schuldenaanpak", opened=TODAY - timedelta(days=60), caseworker="m.kaya")
        s.cases.record_event(bo.id, "aanmelding_gemeente", TODAY - timedelta(days=50), note="Zelf gemeld aan de balie")
        s.cases.add_note(bo.id, "Gebeld, afspraak gemaakt", on=TODAY - timedelta(days=40))
    return path


def run(db, *args, env=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False, env=env)


def audit(db):
    with open_store(db, "x") as s:
        return s.audit.entries()


def test_zoek_plain(db):
    r = run(db, "zoek", "jansen")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].split() == ["Zaak", "Naam", "BSN", "Sp", "Stap", "Termijn"]
    assert len(lines) == 3 and all(len(line) <= 80 for line in lines)
    assert "******006" in r.output and BSN_A not in r.output
    assert "\x1b[" not in r.output  # piped: no colour codes


def test_zoek_by_bsn_and_address(db):
    assert run(db, "zoek", "9999.00.006").exit_code == 0
    assert "Jansen, Anna" in run(db, "zoek", "kerkstraat").output


def test_zoek_json_and_csv(db):
    data = json.loads(run(db, "zoek", "jansen", "--json").output)
    assert {d["spoor"] for d in data} == {"BO", "SA"}
    assert all(d["bsn"] == "******006" for d in data)
    rows = list(csv.DictReader(io.StringIO(run(db, "zoek", "--csv", "jansen").output)))
    assert len(rows) == 2 and rows[0]["zaaknummer"].startswith("HKO-")


def test_zoek_nothing_found_exit_1(db):
    r = run(db, "zoek", "pietersen")
    assert r.exit_code == 1 and "Niets gevonden" in r.output


def test_zoek_is_audited_without_full_bsn(db):
    run(db, "zoek", BSN_A)
    last = audit(db)[-1]
    assert last.action == "gezocht" and last.who
    assert BSN_A not in json.dumps(last.detail) and last.detail["term"].endswith("006")
    assert len(last.detail["zaken"]) == 2


def test_toon_by_zaaknummer(db):
    zaak = json.loads(run(db, "zoek", "jansen", "--json").output)
    bo = next(z["zaaknummer"] for z in zaak if z["spoor"] == "BO")
    r = run(db, "toon", bo)
    assert r.exit_code == 0, r.output
    out = r.output
    assert "Anna Jansen  BSN ******006" in out
    assert "Kind" in out and "Noor Jansen" in out
    assert "Melding bij de gemeente" in out or "Tijdlijn" in out
    assert "Lopende termijnen" in out and "Eerste gesprek voeren" in out
    assert "Gebeld, afspraak gemaakt" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    last = audit(db)[-1]
    assert (last.action, last.case_id is not None) == ("bekeken", True)


def test_toon_json(db):
    zaak = json.loads(run(db, "zoek", "jansen", "--json").output)[0]["zaaknummer"]
    card = json.loads(run(db, "toon", zaak, "--json").output)
    assert card["zaaknummer"] == zaak and card["persoon"]["bsn"] == "******006"


def test_toon_shows_a_steps_note(db):
    """Issue 17 point 4: a step's note (events.note) is on the card, in text and JSON."""
    zaak = next(z["zaaknummer"] for z in json.loads(run(db, "zoek", "jansen", "--json").output) if z["spoor"] == "BO")
    out = run(db, "toon", zaak).output
    lines = out.splitlines()
    i = lines.index("Tijdlijn") + 1
    assert "Aanmelding bij de gemeente" in lines[i]
    assert lines[i + 1].strip() == "notitie: Zelf gemeld aan de balie"
    card = json.loads(run(db, "toon", zaak, "--json").output)
    assert [t["notitie"] for t in card["tijdlijn"]] == ["Zelf gemeld aan de balie"]


def test_toon_bsn_with_two_cases_needs_spoor(db):
    r = run(db, "toon", BSN_A)
    assert r.exit_code == 2 and "--spoor" in r.output
    r = run(db, "toon", BSN_A, "--spoor", "schuldenaanpak")
    assert r.exit_code == 0 and "Brede schuldenaanpak" in r.output


@pytest.mark.parametrize(
    "ref, code, text",
    [
        ("HKO-2020-999999", 1, "bestaat niet"),
        ("999900031", 1, "Geen zaak gevonden"),
        ("12345", 2, "geen geldig BSN"),
    ],
)
def test_toon_errors(db, ref, code, text):
    r = run(db, "toon", ref)
    assert r.exit_code == code and text in r.output


def test_termijnen(db):
    r = run(db, "termijnen", "--binnen", "8w")
    assert r.exit_code == 0, r.output
    assert "Eerste gesprek voeren" in r.output
    due = (TODAY - timedelta(days=50)) + timedelta(weeks=8)
    assert due.strftime("%d-%m-%Y") in r.output
    data = json.loads(run(db, "termijnen", "--binnen", "8w", "--json").output)
    assert [d["dagen"] for d in data] == sorted(d["dagen"] for d in data)


def test_termijnen_mine_and_empty(db, tmp_path):
    assert run(db, "termijnen", "--binnen", "1d").exit_code == 1
    cfg = tmp_path / "config.toml"
    cfg.write_text('medewerker = "t.tester"\n')
    r = run(db, "--config", str(cfg), "termijnen", "--binnen", "8w", "--mijn")
    assert r.exit_code == 0 and "Eerste gesprek" in r.output
    cfg.write_text('medewerker = "m.kaya"\n')  # m.kaya holds only the SA case, which has no running dates
    r = run(db, "--config", str(cfg), "termijnen", "--binnen", "8w", "--mijn")
    assert r.exit_code == 1 and "Geen termijnen" in r.output


def test_termijnen_bad_period(db):
    r = run(db, "termijnen", "--binnen", "veertien")
    assert r.exit_code == 2 and "klopt niet" in r.output


def test_notitie(db):
    zaak = json.loads(run(db, "zoek", "jansen", "--json").output)[0]["zaaknummer"]
    r = run(db, "notitie", zaak, "Teruggebeld over de woning", "--kanaal", "telefoon")
    assert r.exit_code == 0 and zaak in r.output
    with open_store(db, "x") as s:
        case = s.cases.find(zaak)
        assert s.cases.notes(case.id)[0].text == "Teruggebeld over de woning"
    assert audit(db)[-1].entity == "contactmoment"


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["HKO-2020-999999", "x"], 1, "bestaat niet"),
        (["{zaak}", "   "], 2, "leeg"),
        (["{zaak}", "x", "--datum", "31-02-2025"], 2, "klopt niet"),
        (["{zaak}", "x", "--kanaal", "duif"], 2, "duif"),
    ],
)
def test_notitie_errors_change_nothing(db, args, code, text):
    zaak = json.loads(run(db, "zoek", "jansen", "--json").output)[0]["zaaknummer"]
    with open_store(db, "x") as s:
        before = s.counts()["contact_notes"]
    r = run(db, "notitie", *[a.replace("{zaak}", zaak) for a in args])
    assert r.exit_code == code and text in r.output
    with open_store(db, "x") as s:
        assert s.counts()["contact_notes"] == before


def test_quick_path_gives_the_same_answer(db, tmp_path):
    """`herstel zoek` through the quick entry point prints what the click command prints."""
    env = child_env(tmp_path)
    code = (
        "import sys; sys.argv=['herstel','--db',sys.argv[1],'zoek','jansen']\n"
        "from herstel_tui.entry import route; from herstel_tui.services.lookup import quick_search; import sys as s2\n"
        "q = route(sys.argv[1:]); rc = quick_search(q.db, q.config, q.term, q.fmt)\n"
        "print('RC', rc); print('CLICK' if 'click' in s2.modules else 'NOCLICK')\n"
        "print('PYDANTIC' if 'pydantic' in s2.modules else 'NOPYDANTIC')"
    )
    r = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=env)
    assert "RC 0" in r.stdout and "NOCLICK" in r.stdout and "NOPYDANTIC" in r.stdout, r.stdout + r.stderr
    quick = r.stdout.split("RC 0")[0]
    assert quick == run(db, "zoek", "jansen").output


def test_quick_path_falls_back_on_unvalidated_config(db, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("onbekend = 1\n")
    r = subprocess.run(
        [sys.executable, "-m", "herstel_tui", "--config", str(cfg), "--db", str(db), "zoek", "jansen"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "onbekende sleutel" in r.stderr
