"""Store.transaction(deferred=True): a plain BEGIN (the demo's builder reads shard files their workers still
write); otherwise the same transaction: nesting joins it, a rollback on error, SQLite's errors in Dutch."""

import sqlite3

import pytest

from herstel_tui.store.base import StoreError


def test_a_deferred_transaction_takes_the_write_lock_only_when_it_writes(store, db_path):
    other = sqlite3.connect(db_path, timeout=0)
    try:
        with store.transaction(deferred=True) as conn:
            other.execute("INSERT INTO meta (key, value) VALUES ('ander', '1')")  # no lock held yet
            other.commit()
            conn.execute("INSERT INTO meta (key, value) VALUES ('wij', '1')")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO meta (key, value) VALUES ('ander2', '1')")
            other.rollback()
            with store.transaction() as inner:  # nested use joins it
                assert inner is conn and conn.in_transaction
        assert store.meta("wij") == "1" and store.meta("ander") == "1"
        with store.transaction() as conn:  # (the default: the write lock at once)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO meta (key, value) VALUES ('ander3', '1')")
            other.rollback()
    finally:
        other.close()


def test_a_deferred_transaction_rolls_back_with_a_dutch_error(store):
    with pytest.raises(StoreError) as err:
        with store.transaction(deferred=True) as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('weg', '1')")
            conn.execute("INSERT INTO geen_tabel VALUES (1)")
    assert isinstance(err.value.__cause__, sqlite3.OperationalError)
    assert not store.conn.in_transaction and store.meta("weg") is None
