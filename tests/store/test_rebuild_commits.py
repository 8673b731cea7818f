"""A rebuild's ranges commit without waiting for the disk (WAL, ``synchronous = NORMAL``) with a larger
page cache; the transaction that writes the index's marks, and everything after the rebuild, commits
as before (FULL, the default cache), also when the rebuild stops half-way. In rollback mode (a
network drive) every commit stays FULL."""

from __future__ import annotations

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from herstel_tui.store import cases as cases_module
from herstel_tui.store.cases import REBUILD_CACHE_KB
from tests.store.test_case_deadlines import nine_weeks
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures

demo_file, demo = demo_fixtures("commits", cases=60, seed=31)


def _pragmas(conn) -> tuple[int, int]:
    return conn.execute("PRAGMA synchronous").fetchone()[0], conn.execute("PRAGMA cache_size").fetchone()[0]


class _Stopped(Exception):
    pass


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("stopped", [False, True])
def test_the_ranges_commit_unsynced_and_the_marks_synced(demo, monkeypatch, journal, stopped):
    monkeypatch.setattr(cases_module, "REBUILD_BATCH", 20)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        conn = store.conn
        if journal == "delete":
            conn.execute("PRAGMA journal_mode = DELETE")
        before = _pragmas(conn)
        assert before == (2, -2000)  # FULL, SQLite's default cache
        seen: list[tuple[int, int]] = []
        marks = cases_module.index_marks

        def marks_written(rk):  # (inside the marks' transaction)
            seen.append(("marks", _pragmas(conn)))
            return marks(rk)

        monkeypatch.setattr(cases_module, "index_marks", marks_written)

        def progress(done: int, total: int) -> None:
            seen.append((done, _pragmas(conn)))
            if stopped and done > 0:
                raise _Stopped

        store.routekaart = nine_weeks()
        if stopped:
            with pytest.raises(_Stopped):
                store.cases.rebuild_summaries(TODAY, progress)
        else:
            store.cases.rebuild_summaries(TODAY, progress)
        assert _pragmas(conn) == before
    during = {pragmas for done, pragmas in seen if done != "marks" and done > 0}
    assert during == {(1 if journal == "wal" else 2, -REBUILD_CACHE_KB)}
    assert [pragmas for done, pragmas in seen if done == "marks"] == ([] if stopped else [before])
