"""A rebuild's ranges are written with a larger page cache (``REBUILD_CACHE_KB``); every commit of it
stays synced as before (FULL), and the cache is SQLite's default again afterwards, also when the
rebuild stops half-way."""

from __future__ import annotations

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from herstel_tui.store import cases as cases_module
from herstel_tui.store.cases import REBUILD_CACHE_KB
from tests.store.test_case_deadlines import nine_weeks
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures

demo_file, demo = demo_fixtures("page_cache", cases=60, seed=31)


def _pragmas(conn) -> tuple[int, int]:
    return conn.execute("PRAGMA synchronous").fetchone()[0], conn.execute("PRAGMA cache_size").fetchone()[0]


class _Stopped(Exception):
    pass


@pytest.mark.parametrize("stopped", [False, True])
def test_the_ranges_have_a_larger_cache_and_it_is_put_back(demo, monkeypatch, stopped):
    monkeypatch.setattr(cases_module, "REBUILD_BATCH", 20)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        conn = store.conn
        before = _pragmas(conn)
        assert before == (2, -2000)  # FULL, SQLite's default cache
        seen: list[tuple[int, int]] = []

        def progress(done: int, total: int) -> None:
            seen.append(_pragmas(conn))
            if stopped and done > 0:
                raise _Stopped

        store.routekaart = nine_weeks()
        if stopped:
            with pytest.raises(_Stopped):
                store.cases.rebuild_summaries(TODAY, progress)
        else:
            store.cases.rebuild_summaries(TODAY, progress)
        assert _pragmas(conn) == before
    assert set(seen[1:]) == {(2, -REBUILD_CACHE_KB)}  # (after each range; the first before any)
