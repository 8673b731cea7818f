"""A whole rebuild into an emptied index (a database from before migration 12, or ``leeg``): the
index tables' secondary indexes are dropped for it and made again at its end, the same as before;
stopped half-way, the next open's whole rebuild makes them again (issue 18)."""

from __future__ import annotations

import sqlite3

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import default_routekaart, open_store
from herstel_tui.store import Store
from herstel_tui.store.index_batch import DROPPED_INDEXES
from herstel_tui.store.overview import tallies_differ
from tests.store.test_case_deadlines import nine_weeks, recomputed
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures

demo_file, demo = demo_fixtures("emptied", cases=120, seed=31)

_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
_INDEXES = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ? ORDER BY name"


class _Stopped(Exception):
    pass


def _emptied(demo, tables: tuple[str, ...], *, forget: bool = True) -> list[tuple]:
    """The demo's index tables emptied and (``forget``) its marks taken away, as a migration leaves
    them; the schema before."""
    conn = sqlite3.connect(demo)
    schema = conn.execute(_SCHEMA).fetchall()
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
    if forget:
        conn.execute("DELETE FROM meta WHERE key = 'routekaart_hash'")
    conn.commit()
    conn.close()
    return schema


@pytest.mark.parametrize("tables", [("case_deadlines",), ("case_summary", "case_deadlines")])
def test_an_emptied_index_is_written_without_its_indexes_and_they_come_back_the_same(demo, tables):
    schema = _emptied(demo, tables)
    during: list[list[str]] = []

    def progress(done: int, total: int) -> None:
        if done:  # (after the first batch: the rows written without the emptied tables' indexes)
            during.append([r[0] for t in tables for r in conn.execute(_INDEXES, (t,))])

    conn = sqlite3.connect(demo)
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart(), progress=progress) as store:
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []
        assert store.meta(DROPPED_INDEXES) is None
    assert during and during[0] == []  # dropped while the rows were written
    assert conn.execute(_SCHEMA).fetchall() == schema  # made again, the same
    conn.close()


def test_a_full_index_keeps_its_indexes_through_a_rebuild(demo):
    conn = sqlite3.connect(demo)
    conn.execute("DELETE FROM meta WHERE key = 'routekaart_hash'")
    conn.commit()
    kept: list[list[str]] = []

    def progress(done: int, total: int) -> None:
        kept.append([r[0] for r in conn.execute(_INDEXES, ("case_deadlines",))])

    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart(), progress=progress):
        pass
    assert kept and all(names == kept[0] != [] for names in kept)
    conn.close()


def test_a_rebuild_of_an_emptied_index_stopped_half_way_brings_its_indexes_back_on_the_next_open(demo, monkeypatch):
    schema = _emptied(demo, ("case_summary", "case_deadlines"), forget=False)
    monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 10)

    def stop(done: int, total: int) -> None:
        if done > 0:
            raise _Stopped

    with clock.fixed(TODAY), open_store(demo, "t") as store:  # (taken for current: the marks kept)
        previous = store.routekaart
        store.routekaart = nine_weeks()  # a routekaart change, its rebuild stopped after 10 cases
        with pytest.raises(_Stopped):
            store.cases.rebuild_summaries(TODAY, progress=stop)
        assert store.meta(DROPPED_INDEXES) is not None
        assert store.conn.execute(_INDEXES, ("case_deadlines",)).fetchall() == []
    with clock.fixed(TODAY), Store(demo, "t", routekaart=previous) as store:
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []
        assert store.meta(DROPPED_INDEXES) is None
        assert store.meta("routekaart_hash") == previous.fingerprint
    conn = sqlite3.connect(demo)
    assert conn.execute(_SCHEMA).fetchall() == schema
    conn.close()
