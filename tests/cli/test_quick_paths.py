"""`herstel zoek` and `herstel termijnen` answer without the full Store when it would change
nothing, and give then exactly the full command line's answer; when the case index is not
current (a period ran out since it was written) they leave it to the full path, which brings the
index up to date first (issue 18: a faster wrong answer is a defect)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from herstel_tui import entry
from herstel_tui.cli.base import Ctx
from herstel_tui.cli.main import main
from herstel_tui.domain import clock
from herstel_tui.services.lookup import quick_search
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
