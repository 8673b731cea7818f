"""`herstel plan | kosten | spuk` through click's CliRunner: output, exit codes, files."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from tests.support.plan import AGREED, ME, add_case

# These histories carry fixed dates (2025): the clock says TODAY (01-06-2026), so they hold on any
# date the suite runs (a real clock before April 2025 put their facts in the future).
pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def env(tmp_path):
    db = tmp_path / "x.db"
    with open_store(db, ME) as s:
        case = add_case(s, 0)
        add_case(s, 1, track="schuldenaanpak")
        plans = s.plans
        v = plans.start_concept(case.id)
        plans.set_area_text(v.id, "financien", "hulpvraag", "Schulden in kaart")
        g = plans.add_goal(v.id, "financien", "Schuldenvrij")
        a = plans.add_action(v.id, "financien", what="Aanmelden Kredietbank", who="extern", party="Kredietbank")
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'gemeente = "Gemeente Proefstad"\nmedewerker = "{ME}"\nexportmap = "{tmp_path / "export"}"\n', encoding="utf-8"
    )
    return {"db": db, "cfg": cfg, "case": case, "goal": g, "action": a, "tmp": tmp_path}


def run(env, *args, input=None):
    return CliRunner().invoke(main, ["--db", str(env["db"]), "--config", str(env["cfg"]), *args], input=input)


ZAAK = "HKO-2025-000001"


def test_plan_toon_and_default_command(env):
    r = run(env, "plan", ZAAK)
    assert r.exit_code == 0, r.output
    assert "Gemeente Proefstad" in r.output and "FINANCIËN" in r.output and "1. [Open] Schuldenvrij" in r.output
    assert "Status:         Concept" in r.output
    assert run(env, "plan", "toon", ZAAK).output == r.output
    j = json.loads(run(env, "plan", "toon", ZAAK, "--json").output)
    assert j["zaaknummer"] == ZAAK and j["status"] == "concept" and j["goals"][0]["text"] == "Schuldenvrij"
    with open_store(env["db"], ME) as s:
        assert any(e.action == "bekeken" and e.entity == "plan" for e in s.audit.entries())


def test_plan_not_found_and_wrong_track(env):
    r = run(env, "plan", "HKO-2025-000009")
    assert r.exit_code == 1 and "bestaat niet" in r.output
    r = run(env, "plan", "HKO-2025-000002")
    assert r.exit_code == 2 and "brede schuldenaanpak" in r.output
    with open_store(env["db"], ME) as s:
        add_case(s, 2)
    r = run(env, "plan", "HKO-2025-000003")
    assert r.exit_code == 1 and "nog geen plan van aanpak" in r.output
    r = run(env, "plan", ZAAK, "--versie", "4")
    assert r.exit_code == 1 and "Versie 4 bestaat niet" in r.output


def test_vaststellen_records_the_milestone_or_refuses(env):
    r = run(
        env, "plan", "vaststellen", ZAAK, "--niveau", "volledig", "--datum", "14-04-2999", "--instemming", "mondeling"
    )
    assert r.exit_code == 2 and "Fout: de datum van de afspraak ligt in de toekomst" in r.output
    r = run(
        env,
        "plan",
        "vaststellen",
        ZAAK,
        "--niveau",
        "hoofdlijnen",
        "--datum",
        "01-03-2025",
        "--instemming",
        "mondeling",
    )
    assert r.exit_code == 2 and "Fout:" in r.output  # before the eerste gesprek: the routekaart refuses
    r = run(
        env,
        "plan",
        "vaststellen",
        ZAAK,
        "--niveau",
        "hoofdlijnen",
        "--datum",
        "14-04-2025",
        "--instemming",
        "ondertekend",
        "--toelichting",
        "aan de keukentafel",
    )
    assert r.exit_code == 0, r.output
    assert r.output == f"Plan van aanpak {ZAAK} versie 1: vastgesteld op hoofdlijnen op 14-04-2025.\n"
    r = run(env, "plan", "versies", ZAAK)
    assert "Versie 1  Vastgesteld op hoofdlijnen" in r.output and "instemming: plan ondertekend" in r.output
    r = run(
        env, "plan", "vaststellen", ZAAK, "--niveau", "volledig", "--datum", "15-04-2025", "--instemming", "mondeling"
    )
    assert r.exit_code == 2 and "al vastgesteld" in r.output


def test_nazorg_refused_while_goals_are_open(env):
    run(
        env,
        "plan",
        "vaststellen",
        ZAAK,
        "--niveau",
        "hoofdlijnen",
        "--datum",
        "14-04-2025",
        "--instemming",
        "mondeling",
    )
    r = run(env, "plan", "nazorg", ZAAK, "--datum", "01-09-2025")
    assert r.exit_code == 2 and "nog niet alle doelen zijn behaald: 'Schuldenvrij'" in r.output


def test_print_writes_docx_and_text(env):
    r = run(env, "plan", "print", ZAAK)
    assert r.exit_code == 0, r.output
    files = sorted((env["tmp"] / "export").iterdir())
    assert [f.suffix for f in files] == [".docx", ".txt"]
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    out = env["tmp"] / "eigen.docx"
    r = run(env, "plan", "print", ZAAK, "--docx", str(out))
    assert r.exit_code == 0 and r.output == f"Geschreven: {out}\n"
    r = run(env, "plan", "print", ZAAK, "--docx", str(env["tmp"] / "fout.pdf"))
    assert r.exit_code == 2 and ".docx" in r.output


def test_kosten_nieuw_toon_verwijder(env):
    uid = env["action"].uid
    r = run(
        env,
        "kosten",
        "nieuw",
        ZAAK,
        "--datum",
        "02-05-2025",
        "--component",
        "c",
        "--omschrijving",
        "Budgetbegeleiding",
        "--uren",
        "1,25",
        "--tarief",
        "85,50",
        "--actie",
        str(uid),
    )
    assert r.exit_code == 0, r.output
    assert r.output == f"Kostenpost 1 vastgelegd voor {ZAAK}: C 1,25 uur × € 85,50 = € 106,88.\n"
    r = run(
        env,
        "kosten",
        "nieuw",
        ZAAK,
        "--datum",
        "03-05-2025",
        "--component",
        "C",
        "--omschrijving",
        "Factuur Kredietbank",
        "--bedrag",
        "1.234,56",
    )
    assert r.exit_code == 0, r.output
    for bad, msg in [
        (["--bedrag", "12,5", "--uren", "1"], "precies één"),
        (["--bedrag", "1,234"], "meer dan 2 decimalen"),
        (["--bedrag", "12", "--component", "E"], "onbekende SPUK-component 'E'"),
        (["--uren", "1"], "vul prijs in"),
    ]:
        args = ["kosten", "nieuw", ZAAK, "--omschrijving", "x", "--component", "C", *bad]
        if bad.count("--component") == 1:
            args = ["kosten", "nieuw", ZAAK, "--omschrijving", "x", *bad]
        r = run(env, *args)
        assert r.exit_code == 2 and msg in r.output, (bad, r.output)
    r = run(env, "kosten", ZAAK)
    assert r.exit_code == 0
    assert "€ 1.234,56" in r.output and "€ 106,88" in r.output and "€ 1.341,44" in r.output
    assert f"actie {uid}: Financiën: Aanmelden" in r.output
    j = json.loads(run(env, "kosten", "toon", ZAAK, "--json").output)
    assert j["totaal"] == {"bedrag": "1341.44", "centen": 134144}
    assert j["posten"][1]["aantal"] == "1.25" and j["posten"][1]["bedrag"] == "106.88"
    r = run(env, "kosten", "verwijder", ZAAK, "1", input="n\n")
    assert "Niets verwijderd" in r.output
    r = run(env, "kosten", "verwijder", ZAAK, "1", "--ja")
    assert r.exit_code == 0 and "verwijderd" in r.output
    assert json.loads(run(env, "kosten", ZAAK, "--json").output)["totaal"]["centen"] == 123456
    r = run(env, "kosten", ZAAK, "--jaar", "2020")
    assert r.exit_code == 1


def test_spuk_year_report_and_xlsx(env):
    run(
        env,
        "kosten",
        "nieuw",
        ZAAK,
        "--datum",
        "02-05-2025",
        "--component",
        "B",
        "--omschrijving",
        "Gesprek",
        "--uren",
        "0,25",
        "--tarief",
        "72,50",
    )
    r = run(env, "spuk", "2025")
    assert r.exit_code == 0, r.output
    assert "SPUK-verantwoording 2025 · Gemeente Proefstad" in r.output and "€ 18,13" in r.output
    assert "in aanmerking voor ondersteuning in 2025: 1" in r.output
    j = json.loads(run(env, "spuk", "2025", "--json").output)
    assert j["totaal"] == {"bedrag": "18.13", "centen": 1813}
    assert j["personen_in_aanmerking"] == 1 and j["personen_in_aanmerking_cumulatief"] == 1
    r = run(env, "spuk", "2025", "--xlsx")
    assert r.exit_code == 0, r.output
    (path,) = (env["tmp"] / "export").glob("SPUK-jaaroverzicht_2025_*.xlsx")
    assert path.name == f"SPUK-jaaroverzicht_2025_{clock.today():%Y%m%d}.xlsx"
    assert f"Geschreven: {path}" in r.output
    r = run(env, "spuk", "2025", "--xlsx", str(env["tmp"] / "x.csv"))
    assert r.exit_code == 2 and ".xlsx" in r.output


def test_the_commands_do_not_load_textual(env):
    import subprocess
    import sys

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom herstel_tui.cli.main import main\n"
        f"r = CliRunner().invoke(main, ['--db', r'{env['db']}', 'plan', '{ZAAK}'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(main, ['--db', r'{env['db']}', 'spuk', '2025', '--xlsx', r'{env['tmp']}'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert AGREED
