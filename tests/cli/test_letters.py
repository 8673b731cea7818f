"""`herstel brief SOORT ZAAK` and `herstel brieven` through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import data_file, open_store
from tests.support.data import TODAY
from tests.support.letters import bsns  # the conftest pins the clock: the CLI writes letters dated TODAY

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY

STAMP = f"{TODAY:%Y%m%d}"


@pytest.fixture
def env(tmp_path):
    db = tmp_path / "c.db"
    export = tmp_path / "export"
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'gemeente = "Gemeente Proefstad"\nmedewerker = "A. de Vries"\nexportmap = "{export}"\n', encoding="utf-8"
    )
    ids = iter(bsns())
    with open_store(db, "t.tester") as s:
        anna = s.persons.add(
            Person(
                bsn=next(ids),
                given_names="Anna",
                surname="Jansen",
                street="Kerkstraat",
                house_number="12",
                postcode="3011 AB",
                city="Rotterdam",
                birth_date=date(1980, 2, 3),
            )
        )
        bo = s.cases.open(anna.id, "brede_ondersteuning", opened=TODAY - timedelta(days=40))
        s.cases.record_event(bo.id, "aanmelding_gemeente", TODAY - timedelta(days=40))
        sa = s.cases.open(anna.id, "schuldenaanpak", opened=TODAY - timedelta(days=90))
        for step, days, outcome in [
            ("aanvraag_herbeoordeling", 90, None),
            ("start_pauzeknop", 80, None),
            ("eerste_toets", 60, "gedupeerd"),
            ("eerste_betaling", 30, None),
            ("aanvang_moratorium", 30, None),
        ]:
            s.cases.record_event(sa.id, step, TODAY - timedelta(days=days), outcome=outcome)
        piet = s.persons.add(Person(bsn=next(ids), given_names="Piet", surname="Bakker"))
        bare = s.cases.open(piet.id, "brede_ondersteuning", opened=TODAY)
    return {
        "db": db,
        "cfg": cfg,
        "export": export,
        "bo": bo.zaaknummer,
        "sa": sa.zaaknummer,
        "bare": bare.zaaknummer,
        "bsn": anna.bsn,
    }


def run(env, *args):
    return CliRunner().invoke(
        main, ["--db", str(env["db"]), "--config", str(env["cfg"]), *args], catch_exceptions=False
    )


def audit_actions(env):
    with open_store(env["db"], "x") as s:
        return [a.action for a in s.audit.entries()]


def test_brief_writes_docx_and_txt_and_reports_what_it_recorded(env):
    r = run(env, "brief", "bevestiging", env["bo"], "--datum", "3-3-2027")
    assert r.exit_code == 0, r.output
    docx_name = f"brief-bevestiging-{env['bo']}-{STAMP}.docx"
    assert f"Brief gemaakt: Bevestiging datum eerste gesprek, zaak {env['bo']}." in r.stdout
    assert str(env["export"] / docx_name) in r.stdout
    assert "Vastgelegd op de tijdlijn: Datum eerste gesprek vastgelegd en meegedeeld" in r.stdout
    assert "eerste gesprek op 03-03-2027" in r.stdout
    assert (env["export"] / docx_name).exists()
    txt = (env["export"] / docx_name.replace(".docx", ".txt")).read_text(encoding="utf-8")
    assert "woensdag 3 maart 2027" in txt and "Gemeente Proefstad" in txt and env["bsn"] not in txt
    assert audit_actions(env)[-3:] == ["vastgelegd", "vastgelegd", "brief"]


def test_brief_by_bsn_picks_the_track_of_the_letter(env):
    # the person has two cases; the confirmation belongs to brede ondersteuning only
    r = run(env, "brief", "bevestiging", env["bsn"], "--datum", "3-3-2027", "--droog")
    assert r.exit_code == 0, r.output
    assert env["bo"] in r.stdout
    # a letter for both tracks needs --spoor
    r = run(env, "brief", "moratorium", env["bsn"], "--droog")
    assert r.exit_code == 2 and "kies met --spoor" in r.stderr
    r = run(env, "brief", "moratorium", env["bsn"], "--spoor", "schuldenaanpak", "--droog")
    assert r.exit_code == 0 and env["sa"] in r.stdout


def test_droog_writes_nothing_but_audits_the_look(env):
    before = audit_actions(env)
    r = run(env, "brief", "schuldeiser", env["sa"], "--schuldeiser", "CJIB", "--droog")
    assert r.exit_code == 0, r.output
    assert "Betreft: wettelijk moratorium van kracht voor Anna Jansen" in r.stdout
    assert "er is niets geschreven of op de zaak vastgelegd" in r.stderr
    assert not env["export"].exists()
    assert audit_actions(env) == before + ["bekeken"]


def test_explicit_paths(env, tmp_path):
    r = run(env, "brief", "contact", env["bo"], "--docx", str(tmp_path / "x.docx"), "--txt", str(tmp_path / "x.txt"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "x.docx").exists() and (tmp_path / "x.txt").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["brief", "onzin", "ZAAK"], "onbekende brief 'onzin'"),
        (["brief", "bevestiging", "ZAAK"], "datum van het eerste gesprek ontbreekt"),
        (["brief", "contact", "ZAAK", "--datum", "1-1-2026"], "--datum hoort bij"),
        (["brief", "contact", "ZAAK", "--schuldeiser", "CJIB"], "--schuldeiser hoort bij"),
        (["brief", "contact", "ZAAK", "--droog", "--docx", "x.docx"], "--droog schrijft geen bestanden"),
        (["brief", "bevestiging", "ZAAK", "--datum", "32-1-2026"], "klopt niet; gebruik dd-mm-jjjj"),
        (["brief", "schuldeiser", "SA"], "geef de naam van de schuldeiser"),
    ],
)
def test_input_errors_exit_2_and_change_nothing(env, args, message):
    before = audit_actions(env)
    args = [env["bo"] if a == "ZAAK" else env["sa"] if a == "SA" else a for a in args]
    r = run(env, *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert audit_actions(env) == before
    assert not env["export"].exists() or not list(env["export"].iterdir())


def test_refusal_by_the_engine(env):
    r = run(env, "brief", "bevestiging", env["bare"], "--datum", "1-12-2030")
    assert r.exit_code == 2
    assert "de brief is niet gemaakt en niets is vastgelegd" in r.stderr and "kan pas na" in r.stderr


def test_unknown_case_exits_1(env):
    r = run(env, "brief", "contact", "HKO-2020-999999")
    assert r.exit_code == 1 and "bestaat niet" in r.stderr


def test_template_with_unknown_field_names_file_and_field(env, tmp_path):
    d = tmp_path / "sjablonen"
    shutil.copytree(data_file("letters"), d)
    (d / "contact.txt").write_text("Beste {{ouder.voornaam}}\n", encoding="utf-8")
    r = run(env, "brief", "contact", env["bo"], "--sjablonen", str(d))
    assert r.exit_code == 2
    assert str(d / "contact.txt") in r.stderr and "onbekend veld 'ouder.voornaam' op regel 1" in r.stderr
    r = run(env, "brieven", "--sjablonen", str(d))
    assert r.exit_code == 2 and "ouder.voornaam" in r.stderr


def test_brieven_lists_the_kinds(env):
    r = run(env, "brieven")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Soort", "Sp", "Titel"]
    assert [line.split()[0] for line in lines[1:]] == [
        "contact",
        "bevestiging",
        "schuldeiser",
        "moratorium",
        "aangemeld",
        "pauzeknop",
    ]
    data = json.loads(run(env, "brieven", "--json").stdout)
    assert data[1]["vastgelegd_als"] == "datum_eerste_gesprek_gecommuniceerd" and data[2]["sporen"] == "SA/BO"
    fields = json.loads(run(env, "brieven", "--velden", "--json").stdout)
    names = [f["veld"] for f in fields]
    assert "{{eerste_gesprek.datum}}" in names and "{{contact.serviceteam_uht.telefoon}}" in names
    assert not [n for n in names if "bsn" in n]
