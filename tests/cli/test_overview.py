"""`herstel overzicht [--xlsx [PAD]] [--json]` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.settings.resources import open_store
from tests.support.data import TODAY
from tests.support.overview import copy_of_hand

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY

STAMP = f"{TODAY:%Y%m%d}"  # the conftest pins the clock to TODAY


@pytest.fixture
def env(hand_template, tmp_path):
    db, _ = copy_of_hand(hand_template, tmp_path, "o.db")
    cfg = tmp_path / "config.toml"
    export = tmp_path / "export"
    cfg.write_text(f'gemeente = "Gemeente Proefstad"\nexportmap = "{export}"\n', encoding="utf-8")
    return {"db": db, "cfg": cfg, "export": export, "tmp": tmp_path}


def run(env, *args):
    return CliRunner().invoke(
        main, ["--db", str(env["db"]), "--config", str(env["cfg"]), *args], catch_exceptions=False
    )


def test_text(env):
    r = run(env, "overzicht")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith(f"Overzicht Gemeente Proefstad · peildatum {TODAY:%d-%m-%Y} · 33 zaken")
    for title in (
        "Zaken per spoor",
        "Zaken per huidige stap",
        "Zaken per uitkomst tot nu toe",
        "Wettelijke termijnen: gehaald en niet gehaald (alle zaken)",
        "Urgent, nazorg en afbouw (open zaken)",
        "Open zaken per medewerker",
    ):
        assert f"\n{title}\n" in out
    assert "Berekend in" in r.stderr
    assert all(len(line) <= 100 for line in out.splitlines())
    assert not env["export"].exists()


def test_json_is_the_computed_overview(env):
    from herstel_tui.services.overview import compute_overview

    r = run(env, "overzicht", "--json")
    assert r.exit_code == 0
    got = json.loads(r.stdout)
    with open_store(env["db"], "x") as s:
        want = compute_overview(s, TODAY, "Gemeente Proefstad").as_dict()
    got.pop("rekentijd_s"), want.pop("rekentijd_s")
    assert got == want
    assert got["zaken"] == 33 and got["per_spoor"][0]["zaken"] == 23


def test_xlsx_in_the_export_dir(env):
    r = run(env, "overzicht", "--xlsx")
    assert r.exit_code == 0, r.output
    path = env["export"] / f"overzicht-{STAMP}.xlsx"
    assert path.exists() and f"Overzicht opgeslagen: {path}" in r.stdout
    with open_store(env["db"], "x") as s:
        last = s.audit.entries()[-1]
    assert (last.action, last.entity, last.detail["bestand"]) == ("geëxporteerd", "overzicht", path.name)


def test_xlsx_to_a_directory_or_file(env):
    target = env["tmp"] / "maand"
    target.mkdir()
    assert run(env, "overzicht", "--xlsx", str(target), "--json").exit_code == 0
    assert (target / f"overzicht-{STAMP}.xlsx").exists()
    assert run(env, "overzicht", "--xlsx", str(target / "mei.xlsx")).exit_code == 0
    assert (target / "mei.xlsx").exists()


@pytest.mark.parametrize("arg, message", [("nergens/x.xlsx", "bestaat niet"), ("rapport.pdf", "bestandsnaam op .xlsx")])
def test_bad_xlsx_target(env, arg, message):
    r = run(env, "overzicht", "--xlsx", str(env["tmp"] / arg))
    assert r.exit_code == 2 and message in r.stderr


def test_the_quick_path_answers_as_the_full_one(env, monkeypatch):
    """On screen and as JSON: the second run (config validated, index current) takes the quick path
    (no full Store, no pydantic), with the same output as the full path."""
    import herstel_tui.services.overview as service

    first = [run(env, "overzicht", *a) for a in ((), ("--json",))]  # full: validates the config
    taken = []
    quick = service.quick_overview
    monkeypatch.setattr(service, "quick_overview", lambda *a: taken.append(quick(*a)) or taken[-1])
    again = [run(env, "overzicht", *a) for a in ((), ("--json",))]
    assert all(t is not None for t in taken) and len(taken) == 2
    monkeypatch.setattr(service, "quick_overview", lambda *a: None)
    full = [run(env, "overzicht", *a) for a in ((), ("--json",))]

    def same(r):
        return [line for line in r.stdout.splitlines() if '"rekentijd_s"' not in line]

    assert [same(r) for r in again] == [same(r) for r in full] == [same(r) for r in first]
    assert all(r.exit_code == 0 for r in first + again + full)


def test_no_quick_path_for_a_changed_config(env):
    from herstel_tui.services.overview import quick_overview

    assert run(env, "overzicht").exit_code == 0
    assert quick_overview(str(env["db"]), str(env["cfg"]), TODAY) is not None
    env["cfg"].write_text('gemeente = "Gemeente Anders"\n', encoding="utf-8")
    assert quick_overview(str(env["db"]), str(env["cfg"]), TODAY) is None
    assert run(env, "overzicht").stdout.startswith("Overzicht Gemeente Anders")
