"""`herstel zoek` and `herstel termijnen` answer without the full Store when it would change
nothing, and give then exactly the full command line's answer; when the case index is not
current (a period ran out since it was written) they leave it to the full path, which brings the
index up to date first (issue 18: a faster wrong answer is a defect)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from herstel_tui import entry
from herstel_tui.cli.base import Ctx
from herstel_tui.cli.main import main
from herstel_tui.domain import clock
from herstel_tui.services.lookup import quick_due, quick_search
from tests.support.child import child_env
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of

TERMIJNEN = [["termijnen"], ["termijnen", "--binnen", "3w", "--json"], ["termijnen", "--binnen", "2m", "--csv"]]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_demo_file(tmp_path_factory.mktemp("quick"), cases=300, seed=18)


def _audit_rows(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def _full(db, args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return r.exit_code, r.stdout


def _console(db, args: list[str], capsys) -> tuple[int, str]:
    """As the console script runs: the quick router first, click after."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        entry.main(["--db", str(db), *args])
    return stop.value.code or 0, capsys.readouterr().out


def _period_case(db) -> tuple[str, date]:
    """A case whose next date is a period, and that date."""
    with sqlite3.connect(db) as conn:
        zaak, due = conn.execute(
            "SELECT c.zaaknummer, s.next_due FROM case_summary s JOIN cases c ON c.id = s.case_id "
            "WHERE s.next_kind = 'period' AND s.closed = 0 ORDER BY s.next_due, c.id LIMIT 1"
        ).fetchone()
    return zaak, date.fromisoformat(due)


def test_on_a_current_index_the_quick_paths_answer_as_the_full_command_line(template, tmp_path, capsys, monkeypatch):
    quick, full = copy_of(template, tmp_path, "quick.db"), copy_of(template, tmp_path, "full.db")
    zaak, _ = _period_case(template)
    with clock.fixed(TODAY):
        for args in (["zoek", zaak], ["zoek", "jansen", "--json"], ["zoek", "de", "--csv"]):
            before = _audit_rows(quick)
            assert _console(quick, args, capsys) == _full(full, args)
            assert _audit_rows(quick) == before + 1  # every look is audited, on the quick path too
        assert quick_search(str(quick), None, zaak, "text") == 0  # (it was the quick path that answered)
        capsys.readouterr()

        def no_full_store(*_a, **_k):
            raise AssertionError("termijnen opened the full Store on a current index")

        with monkeypatch.context() as m:
            m.setattr(Ctx, "open_store", no_full_store)
            answers = [_full(quick, args) for args in TERMIJNEN]
        assert answers == [_full(full, args) for args in TERMIJNEN]
        assert answers[0][0] == 0 and len(answers[0][1].splitlines()) > 2


def _full_err(db, args: list[str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_the_quick_termijnen_answers_without_click_as_the_command_line(template, tmp_path, capsys, monkeypatch):
    """`herstel termijnen` through the console script's router (services.lookup.quick_due): the
    same lines, messages and exit codes as through click, on a current index; a period it does not
    read, or one past the calendar, it leaves to click."""
    quick, full = copy_of(template, tmp_path, "quick.db"), copy_of(template, tmp_path, "full.db")
    cases = [
        *TERMIJNEN,
        ["termijnen", "--mijn", "--binnen", "400d"],
        ["termijnen", "--binnen=0d", "--json"],
        ["termijnen", "--binnen", " 2 W "],
        ["termijnen", "--binnen", "1j", "--csv"],
    ]
    with clock.fixed(TODAY):
        for args in cases:
            call = entry.route(["--db", str(quick), *args])
            assert call is not None and call.command == entry.DUE_COMMAND
            capsys.readouterr()
            code = quick_due(call.db, call.config, call.binnen, call.mijn, call.fmt)
            out = capsys.readouterr()
            assert (code, out.out, out.err) == _full_err(full, args), args
        assert code == 0 and len(out.out.splitlines()) > 2
        # nothing due on a day without periods: the message on stderr, exit 1
        with sqlite3.connect(quick) as conn:
            conn.execute("UPDATE cases SET caseworker = 'niemand'")
        with sqlite3.connect(full) as conn:
            conn.execute("UPDATE cases SET caseworker = 'niemand'")
        args = ["termijnen", "--mijn"]
        capsys.readouterr()
        code = quick_due(str(quick), None, "14d", True, None)
        out = capsys.readouterr()
        assert (code, out.out, out.err) == _full_err(full, args) == (1, "", "Geen termijnen in deze periode.\n")
        for bad in ("x", "14 dagen", "-5d", "", "99999999j"):
            assert quick_due(str(quick), None, bad, False, None) is None
        assert capsys.readouterr().out == ""


def test_after_a_period_ran_out_the_full_path_answers_with_the_index_brought_up_to_date(template, tmp_path, capsys):
    quick, full = copy_of(template, tmp_path, "quick.db"), copy_of(template, tmp_path, "full.db")
    zaak, due = _period_case(template)
    with clock.fixed(due + timedelta(days=3)):
        # the stored row still names the period, three days "late": the quick path must not show it
        assert quick_search(str(quick), None, zaak, "text") is None
        for args in (["zoek", zaak], *TERMIJNEN):
            assert _console(quick, args, capsys) == _full(full, args)
        shown = _console(quick, ["zoek", zaak], capsys)[1]
        assert "3d laat" not in shown  # what the stale row would have said


def _last_audit(db) -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT who, action, entity, entity_id, person_id, case_id, detail FROM audit ORDER BY id DESC LIMIT 1"
        ).fetchone()


def test_with_a_config_file_the_quick_path_answers_and_audits_as_the_full_one(template, tmp_path, capsys):
    """The usual setup: a config file naming the database and the caseworker, validated once (and
    so cached): the quick path finds both without pydantic or pathlib, and writes the same row."""
    from herstel_tui.settings.config import load_config

    quick, full = copy_of(template, tmp_path, "quick.db"), copy_of(template, tmp_path, "full.db")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'medewerker = "a.bakker"\ndatabase = "{tmp_path}/./quick.db"\n', encoding="utf-8")
    load_config(str(cfg))
    zaak, _ = _period_case(template)
    with clock.fixed(TODAY):
        for term in (zaak, "jansen", "9999"):
            capsys.readouterr()
            assert quick_search(None, str(cfg), term, "text") in (0, 1)  # the quick path answered
            quick_out = capsys.readouterr()
            r = CliRunner().invoke(main, ["--config", str(cfg), "--db", str(full), "zoek", term])
            assert quick_out.out == r.stdout
            assert _last_audit(quick) == _last_audit(full)
            assert _last_audit(quick)[:3] == ("a.bakker", "gezocht", "zoekopdracht")


def test_quick_target_is_what_the_full_loader_resolves(tmp_path, monkeypatch):
    from pathlib import Path

    from herstel_tui.settings.cache import quick_settings, quick_target
    from herstel_tui.settings.config import load_config, resolve_db_path
    from herstel_tui.settings.paths import default_db_path, login

    cfg = tmp_path / "config.toml"
    cfg.write_text('medewerker = "a.bakker"\ndatabase = "~/data//h.db"\n', encoding="utf-8")
    config, _ = load_config(str(cfg))  # validated: cached for the quick paths
    for db_arg, env in ((None, None), ("/srv/./elders.db", None), (None, "~/uit-env.db"), ("", "/e.db")):
        if env is None:
            monkeypatch.delenv("HERSTEL_DB", raising=False)
        else:
            monkeypatch.setenv("HERSTEL_DB", env)
        full = resolve_db_path(db_arg, config)
        assert quick_target(db_arg, str(cfg)) == (str(full), config.medewerker)
        assert quick_settings(db_arg, str(cfg)) == (full, config.medewerker)
    monkeypatch.delenv("HERSTEL_DB")
    cfg.write_text('medewerker = "c.de.vries"\n', encoding="utf-8")  # changed since it was validated
    assert quick_target(None, str(cfg)) is None
    assert quick_target(None, str(tmp_path / "bestaat-niet.toml")) is None  # only the full loader's error
    assert quick_target("~geen_gebruiker_zo/h.db", None) is None  # pathlib cannot expand it either
    assert quick_target(None, None) == (str(default_db_path()), login())  # no config file: the defaults
    assert quick_settings(None, None) == (default_db_path(), login())
    assert Path(quick_target(None, None)[0]) == default_db_path()


def test_the_quick_zoek_loads_neither_pathlib_nor_the_enums(template, tmp_path):
    """What the quick path leaves out (issue 18): click, pathlib with urllib.parse and ipaddress,
    the enum classes of domain.enums, getpass. (Checked against what Python had loaded before.)"""
    import subprocess
    import sys

    db = copy_of(template, tmp_path, "quick.db")
    zaak, _ = _period_case(template)
    watch = ("click", "pathlib", "urllib.parse", "ipaddress", "herstel_tui.domain.enums", "getpass", "dataclasses")
    watch += ("typing",)  # (~40 M instructions: store.tally_sql once imported it through store.schema)
    code = (
        "import sys\nbefore = set(sys.modules)\nfrom herstel_tui import entry\n"
        f"try:\n    entry.main(['--db', {str(db)!r}, 'zoek', {zaak!r}])\nexcept SystemExit as stop:\n"
        "    print('RC', stop.code)\n"
        f"print(sorted(m for m in {watch!r} if m in sys.modules and m not in before))"
    )
    env = child_env(tmp_path, HERSTEL_VANDAAG=TODAY.isoformat())
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # the password database's name, as in the bench
        env.pop(name, None)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    lines = r.stdout.strip().splitlines()
    assert lines[-2:] == ["RC 0", "[]"], r.stdout + r.stderr
    assert zaak in r.stdout


def test_the_quick_termijnen_loads_neither_the_routekaart_nor_dateutil(template, tmp_path):
    """After the first start (which loads the routekaart and keeps its rules' titles), `herstel
    termijnen` prints the titles without the routekaart's classes, the engine, pickle or dateutil,
    and without click (the console script's router), pathlib, dataclasses or the enum classes
    (issue 18), with the same lines as the first start."""
    import subprocess
    import sys

    db = copy_of(template, tmp_path, "quick.db")
    watch = ("herstel_tui.domain.routekaart", "herstel_tui.domain.routekaart.engine", "pickle", "dateutil")
    watch += ("pathlib", "dataclasses", "herstel_tui.domain.enums", "click", "typing")  # (nor click: entry's router)
    code = (
        "import sys\nfrom herstel_tui import entry\n"
        f"try:\n    entry.main(['--db', {str(db)!r}, 'termijnen', '--binnen', '4w'])\nexcept SystemExit as stop:\n"
        "    print('RC', stop.code)\n"
        f"print(sorted(m for m in {watch!r} if m in sys.modules))"
    )
    env = child_env(tmp_path, HERSTEL_VANDAAG=TODAY.isoformat())
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)]
    runs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path))
    first, second = (r.stdout.strip().splitlines() for r in runs)
    assert second[-2:] == ["RC 0", "[]"], runs[1].stdout + runs[1].stderr
    assert first[:-2] == second[:-2] and len(second) > 4
    assert "herstel_tui.domain.routekaart" in first[-1]


def test_the_brief_due_termijnen_are_the_full_ones_four_columns(template):
    from herstel_tui.store.caselist import due_termijnen

    conn = sqlite3.connect(template)
    try:
        for days, worker in ((0, None), (30, None), (90, None), (400, None), (90, "a.bakker")):
            until = TODAY + timedelta(days=days)
            full = due_termijnen(conn, TODAY, until, caseworker=worker)
            brief = due_termijnen(conn, TODAY, until, caseworker=worker, brief=True)
            assert brief == [(r[0], r[1], r[2], r[4]) for r in full]
        assert due_termijnen(conn, TODAY, TODAY + timedelta(days=400))
    finally:
        conn.close()


@pytest.mark.parametrize(
    "args",
    [["zoek", "ZAAK"], ["zoek", "ZAAK", "--json"], ["toon", "ZAAK"], ["termijnen", "--binnen", "2m"], ["overzicht"]],
)
def test_an_answer_nobody_reads_ends_with_a_dutch_line_not_a_traceback(template, tmp_path, args):
    """`herstel zoek … | head -0`: the reader is gone before the answer is written. Twice: the
    first run takes the command line (no settings validated yet), the second the quick path."""
    db = copy_of(template, tmp_path)
    with sqlite3.connect(db) as conn:
        zaak = conn.execute("SELECT zaaknummer FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    env = child_env(tmp_path, HERSTEL_VANDAAG=TODAY.isoformat())
    cmd = [sys.executable, "-m", "herstel_tui", "--db", str(db), *(zaak if a == "ZAAK" else a for a in args)]
    for _ in range(2):
        read, write = os.pipe()
        os.close(read)  # nobody reads
        try:
            r = subprocess.run(cmd, env=env, stdout=write, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        finally:
            os.close(write)
        assert (r.returncode, r.stderr) == (2, "Fout: de uitvoer: werd niet meer gelezen (bijvoorbeeld | head)\n")
