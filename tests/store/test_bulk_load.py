"""The demo's bulk load (store/bulk.py) fills the search rows and the overview's tallies per batch of
cases on a second thread: the database is the same whatever the batches, or with none announced; an
error in the block or in a batch's fill leaves nothing behind."""

from __future__ import annotations

import sqlite3

import pytest

import herstel_tui.services.demo as demo
from herstel_tui.domain import clock
from herstel_tui.services.demo import DEMO_KEPT_INDEXES, DEMO_TABLES, build_demo
from herstel_tui.settings.resources import open_store
from herstel_tui.store.bulk import BulkLoad, bulk_load
from herstel_tui.store.overview import tallies_differ
from tests.support.data import TODAY
from tests.support.tables import TABLES, table_rows


def built(path, cases=120) -> dict[str, list]:
    with clock.fixed(TODAY), open_store(path, "demo") as store:
        build_demo(store, cases, seed=11, me="t.tester", today=TODAY)
        assert tallies_differ(store.conn) == []
        return table_rows(store.conn)


def test_batches_of_any_size_give_the_same_database(tmp_path, monkeypatch):
    whole = built(tmp_path / "whole.db")  # one batch: every case announced at the end
    monkeypatch.setattr(demo, "BATCH_CASES", 7)  # 18 batches, each filled on the second thread
    batched = built(tmp_path / "batched.db")
    assert whole == batched
    assert len(batched["case_search"]) == 120 and batched["overview_deadlines"]


def test_cases_never_announced_are_filled_when_the_block_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "BATCH_CASES", 7)
    expected = built(tmp_path / "a.db")
    monkeypatch.setattr(BulkLoad, "written", lambda self, last: None)
    assert built(tmp_path / "b.db") == expected


def test_an_error_in_the_block_leaves_the_database_as_it_was(tmp_path):
    with clock.fixed(TODAY), open_store(tmp_path / "x.db", "demo") as store:
        before = store.conn.execute(TABLES["schema"]).fetchall()
        with pytest.raises(RuntimeError), store.transaction() as conn, bulk_load(conn, DEMO_TABLES) as load:
            conn.execute("INSERT INTO persons (id, given_names, surname) VALUES (1, 'Anna', 'Jansen')")
            conn.execute(
                "INSERT INTO cases (id, zaaknummer, person_id, track, opened) "
                "VALUES (1, 'HKO-2026-000001', 1, 'brede_ondersteuning', '2026-01-05')"
            )
            load.written(1)  # its fill may still run when the block raises
            raise RuntimeError("stop")
        assert store.conn.execute(TABLES["schema"]).fetchall() == before
        for table in ("persons", "cases", "case_search", "overview_groups"):
            assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_an_error_in_a_batch_fill_is_raised_to_the_caller():
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    load = BulkLoad(conn, ["INSERT INTO t SELECT ? WHERE ? > 0", "INSERT INTO nowhere VALUES (?, ?)"])
    load.written(5)
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        load.wait()
    load.wait()  # raised once
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        load.finish()


def test_a_kept_index_stays_through_the_block_and_the_others_are_made_again(tmp_path):
    index_names = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    with clock.fixed(TODAY), open_store(tmp_path / "x.db", "demo") as store:
        before = store.conn.execute(TABLES["schema"]).fetchall()
        names = {name for (name,) in store.conn.execute(index_names)}
        assert set(DEMO_KEPT_INDEXES) <= names  # (a renamed index would silently be sorted again)
        with store.transaction() as conn, bulk_load(conn, DEMO_TABLES, keep=DEMO_KEPT_INDEXES):
            during = {name for (name,) in conn.execute(index_names)}
            assert "events_case" in during and "persons_name" not in during
            conn.execute("INSERT INTO persons (id, given_names, surname) VALUES (1, 'Anna', 'Jansen')")
            conn.execute(
                "INSERT INTO cases (id, zaaknummer, person_id, track, opened) "
                "VALUES (1, 'HKO-2026-000001', 1, 'brede_ondersteuning', '2026-01-05')"
            )
            conn.execute(
                "INSERT INTO events (id, case_id, step, fact_date, recorded_at, recorded_by) "
                "VALUES (1, 1, 'aanmelding', '2026-01-05', '2026-01-05T09:00:00', 'demo')"
            )
        assert store.conn.execute(TABLES["schema"]).fetchall() == before
        assert store.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE case_id = 1").fetchall()
        assert "events_case" in str(plan)


def test_the_demo_brings_each_kept_index_s_leading_key_in_row_order(tmp_path):
    """A kept index (DEMO_KEPT_INDEXES) is filled entry by entry during the load: worth it only while its
    leading key never goes back as the rows come in (each entry lands at the end of its B-tree, or next to it);
    one that does is left to the sorted build after the rows."""
    built(tmp_path / "x.db", cases=300)
    conn = sqlite3.connect(tmp_path / "x.db")
    leading = {"events_case": ("events", "case_id"), "contact_notes_case": ("contact_notes", "case_id")}
    leading["household_members_person"] = ("household_members", "person_id")
    assert set(leading) == set(DEMO_KEPT_INDEXES)
    for table, column in leading.values():
        keys = [key for (key,) in conn.execute(f"SELECT {column} FROM {table} ORDER BY rowid")]
        assert len(keys) > 300 and keys == sorted(keys), table
    conn.close()
