"""A look from the shell while another process holds the write lock past the busy timeout (a
desk in the middle of a save, a stuck process): `herstel zoek` and `herstel toon` say in Dutch
that the file is busy and exit 2, with nothing written and no traceback, after one wait: the quick
path does not hand over to the full path, which would wait as long again and say the same."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from herstel_tui import entry
from herstel_tui.cli import main as cli_main
from herstel_tui.cli.base import Ctx
from herstel_tui.domain import clock
from herstel_tui.services.lookup import search
from herstel_tui.store import base
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of

HOLD = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('vast', flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_demo_file(tmp_path_factory.mktemp("busy"), cases=40, seed=18)


@pytest.fixture
def locked(template, tmp_path, monkeypatch):
    """A copy of the demo whose write lock another process holds (not this one: a second
    connection to the file in this process would lose its POSIX locks when ours closes)."""
    db = copy_of(template, tmp_path)
    monkeypatch.setattr(base, "BUSY_TIMEOUT_MS", 200)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "vast\n"
    yield db
    holder.communicate("")


def _audit_rows(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def _zaak(db) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT zaaknummer FROM cases ORDER BY id LIMIT 1").fetchone()[0]


def no_second_wait(*_a, **_k):
    raise AssertionError("the full path was tried after the quick path found the file busy")


def test_quick_zoek_on_a_busy_file_says_so_once(locked, capsys, monkeypatch):
    before = _audit_rows(locked)
    monkeypatch.setattr(cli_main, "main", no_second_wait)
    with clock.fixed(TODAY), pytest.raises(SystemExit) as stop:
        entry.main(["--db", str(locked), "zoek", "jansen"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert f"Fout: {locked} is bezet door een andere gebruiker; probeer het zo opnieuw" in err
    assert "Traceback" not in err
    assert _audit_rows(locked) == before


def test_toon_on_a_busy_file_says_so_once(locked, monkeypatch):
    before = _audit_rows(locked)
    monkeypatch.setattr(Ctx, "open_store", no_second_wait)
    with clock.fixed(TODAY):
        r = CliRunner().invoke(cli_main.main, ["--db", str(locked), "toon", _zaak(locked)])
    assert r.exit_code == 2, r.output
    assert "is bezet door een andere gebruiker" in r.stderr
    assert _audit_rows(locked) == before


def test_the_full_paths_search_on_a_busy_file_raises_the_dutch_error(locked):
    # (what `herstel zoek` runs after opening the full Store, which reads without the lock)
    before = _audit_rows(locked)
    conn = base.connect(locked)
    try:
        with clock.fixed(TODAY), pytest.raises(base.BusyError, match="is bezet door een andere gebruiker"):
            search(conn, "t", "jansen")
        assert not conn.in_transaction
    finally:
        conn.close()
    assert _audit_rows(locked) == before
