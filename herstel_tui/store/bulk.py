"""Filling an empty database in one go (the demo): rows first, indexes after.

Inserting a million rows into tables that already carry their secondary indexes and the
search trigger costs a B-tree insert per index per row, in random key order. Inside
:func:`bulk_load` those indexes and the trigger that keeps ``case_search`` current are
dropped; when the block ends (in the same transaction) each index is made again from the
SQL SQLite kept for it (one sorted build), and ``case_search`` is filled in one statement:
the trigger's own INSERT for every case at once. The triggers that keep the overview's tallies
(``store/schema.OVERVIEW_TRIGGERS``) are dropped too, and the tallies counted once at the end. The
schema afterwards is the same (the same
SQL in ``sqlite_master``). Should the block raise, the caller's transaction rolls back, and the
dropped indexes and triggers with it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from herstel_tui.store.schema import OVERVIEW_TRIGGERS, fill_tallies

SEARCH_TRIGGER = "case_search_insert"  # AFTER INSERT ON cases: the new case's search row
# The trigger's statement, limited to the new case; without that limit it fills every case.
_PER_CASE = re.compile(r"BEGIN\s+(INSERT INTO case_search .*)\s+WHERE c\.id = new\.id;\s*END$", re.DOTALL)


def _search_fill(trigger_sql: str | None) -> str | None:
    """The statement that writes every case's search row, from the trigger's SQL (which follows
    the columns' current names); None when the trigger has another shape (it then stays)."""
    m = _PER_CASE.search(trigger_sql or "")
    return m.group(1) if m else None


@contextmanager
def bulk_load(conn: sqlite3.Connection, tables: tuple[str, ...]) -> Iterator[None]:
    """Inside an open transaction on a database whose ``tables`` are empty: drop their explicit
    indexes (and the search trigger when ``cases`` is among them), run the block, make them again."""
    assert conn.in_transaction, "a bulk load lives inside a transaction"
    marks = ",".join("?" * len(tables))
    indexes = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
        " ORDER BY rowid",
        tables,
    ).fetchall()
    trigger = fill = None
    if "cases" in tables:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (SEARCH_TRIGGER,))
        trigger = (row.fetchone() or (None,))[0]
        fill = _search_fill(trigger)
    # the overview's tallies (store/schema.OVERVIEW_TRIGGERS): counted once after the rows
    tallies = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({','.join('?' * len(OVERVIEW_TRIGGERS))})"
        f" AND tbl_name IN ({marks}) ORDER BY rowid",
        (*OVERVIEW_TRIGGERS, *tables),
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    if fill:
        conn.execute(f'DROP TRIGGER "{SEARCH_TRIGGER}"')
    for name, _sql in tallies:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in indexes:
        conn.execute(sql)
    if fill and trigger:
        conn.execute(fill)
        conn.execute(trigger)
    if tallies:
        fill_tallies(conn)
        for _name, sql in tallies:
            conn.execute(sql)
