"""Filling an empty database in one go (the demo): rows first, indexes after.

Inserting a million rows into tables that already carry their secondary indexes and the
search trigger costs a B-tree insert per index per row, in random key order. Inside
:func:`bulk_load` those indexes and the trigger that keeps ``case_search`` current are
dropped; when the block ends (in the same transaction) each index is made again from the
SQL SQLite kept for it (one sorted build). An index whose keys the rows bring in their own order (``keep``)
stays: each entry then goes to the end of its B-tree, which costs less than sorting them all again when the
block ends (a million-case demo's 7.4 million events: ``events_case`` kept, 21 CPU seconds of copy and
sorted build became 14 of copy alone), and that work is done while the rows come in, not after them. The triggers that keep the overview's tallies
(``store/tally_sql.OVERVIEW_TRIGGERS``) are dropped too.

``case_search`` and the tallies are filled per batch of cases: the block tells the :class:`BulkLoad` it
is given which cases it has written (:meth:`BulkLoad.written`, the cases with their persons, summaries
and termijnen), and their search rows (the trigger's own INSERT, for a range of cases) and their counts
(``tally_sql.OVERVIEW_ADD_RANGE``) are written on a second thread while the block makes its next batch:
each is one statement, and SQLite runs a statement without Python's GIL, so the two use two cores. A
count per batch sorts one batch; counting a million cases at the end sorted every row through the page
cache. What the block did not announce is filled when it ends, so the result is the same as filling
everything at once. The schema afterwards is the same (the same SQL in ``sqlite_master``). Should the
block raise, the second thread's statement is waited for, and the caller's transaction rolls back with
the dropped indexes and triggers.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from itertools import chain
from typing import Any

from herstel_tui.store.tally_sql import OVERVIEW_ADD_RANGE, OVERVIEW_TALLIES, tally_triggers

SEARCH_TRIGGER = "case_search_insert"  # AFTER INSERT ON cases: the new case's search row
# The trigger's statement, limited to the new case; without that limit it fills every case.
_PER_CASE = re.compile(r"BEGIN\s+(INSERT INTO case_search .*)\s+WHERE c\.id = new\.id;\s*END$", re.DOTALL)


def _search_fill(trigger_sql: str | None) -> str | None:
    """The statement that writes every case's search row, from the trigger's SQL (which follows
    the columns' current names); None when the trigger has another shape (it then stays)."""
    m = _PER_CASE.search(trigger_sql or "")
    return m.group(1) if m else None


# A plain INSERT's rows sent as statements of many rows each (``VALUES (…), (…), …``), not one statement
# per row (executemany): a statement step per 70 to 300 rows instead of per row, and inside a transaction
# each statement that may abort halfway (a trigger, a constraint) copies every page it changes to a
# statement journal first, so one row per statement copies the same pages again for every row (the
# 55,845 audit rows of a 50,000-row import, each with its trigger: 0.31 s of CPU, in statements of 100
# rows 0.18 s; the demo's rows: a fifth less time). SQLite fires a trigger per row in the rows' order
# either way and gives the same rowids; a failing row fails the call either way. At most MAX_PARAMS
# parameters per statement: the lowest SQLITE_MAX_VARIABLE_NUMBER a build may have (999 before 3.32).
MAX_PARAMS = 999


@cache
def _many_rows(sql: str) -> tuple[str, str, int]:
    """(head up to ``VALUES``, one row's ``(?,…)``, rows per statement) of a plain INSERT."""
    head, one = sql.split(" VALUES ")
    return f"{head} VALUES ", one, max(1, MAX_PARAMS // one.count("?"))


def insert_many(conn: sqlite3.Connection | Any, sql: str, rows: Sequence[tuple]) -> None:
    """``conn.executemany(sql, rows)`` of a plain ``INSERT … VALUES (?,…)``, as statements of many rows
    each (see above): the same rows in the same order."""
    head, one, per = _many_rows(sql)
    full = ""
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        if len(part) == per:
            full = full or head + ", ".join([one] * per)  # (the same text each time: SQLite's statement cache)
            statement = full
        else:
            statement = head + ", ".join([one] * len(part))
        conn.execute(statement, list(chain.from_iterable(part)))


FIRST_ID = -(2**63)  # the lowest rowid SQLite allows: the first range covers every case before it
LAST_ID = 2**63 - 1


class BulkLoad:
    """Fills what a bulk load writes after the rows (search rows, tallies) for each batch of cases
    written, on a second thread; one statement at a time runs on the connection."""

    def __init__(self, conn: sqlite3.Connection, statements: Sequence[str]) -> None:
        self._conn = conn
        self._statements = tuple(statements)  # each with two parameters: the first and last case id
        self._done = FIRST_ID - 1  # cases up to this id are filled (or being filled)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def written(self, last: int) -> None:
        """Every case up to id ``last`` is written, with its person, summary and termijnen: fill their
        search rows and tallies while the caller goes on (it waits, :meth:`wait`, before it next
        writes; :meth:`written` waits itself for the previous batch)."""
        self.wait()
        if last <= self._done or not self._statements:
            return
        first, self._done = self._done + 1, last
        self._thread = threading.Thread(target=self._fill, args=(first, last), name="bulk-fill", daemon=True)
        self._thread.start()

    def join(self) -> None:
        """Until the batch being filled is done (the connection is the caller's again)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self) -> None:
        """:meth:`join`, then raise the error the batch's fill met, if any."""
        self.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def finish(self) -> None:
        """Fill every case not announced yet (all of them when the block announced none)."""
        self.wait()
        if self._done < LAST_ID:
            self._fill(self._done + 1, LAST_ID)
            self._done = LAST_ID
            self.wait()  # (raises what _fill caught)

    def _fill(self, first: int, last: int) -> None:
        try:
            for statement in self._statements:
                self._conn.execute(statement, (first, last))
        except BaseException as exc:  # raised in the caller's thread by wait()
            self._error = exc


def drop_indexes(
    conn: sqlite3.Connection, tables: tuple[str, ...], *, keep: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """Drop the explicit indexes of ``tables`` (but those named in ``keep``); returns their (name, SQL)
    as SQLite kept it, in the order they were made, for making them again (``conn.execute(sql)``)."""
    marks = ",".join("?" * len(tables))
    indexes = [
        (name, sql)
        for name, sql in conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
            " ORDER BY rowid",
            tables,
        )
        if name not in keep
    ]
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return indexes


@contextmanager
def bulk_load(conn: sqlite3.Connection, tables: tuple[str, ...], *, keep: tuple[str, ...] = ()) -> Iterator[BulkLoad]:
    """Inside an open transaction on a database whose ``tables`` are empty: drop their explicit
    indexes but those named in ``keep`` (and the search trigger when ``cases`` is among them), run the
    block, make them again. The block may call ``written`` on what it is given after each batch (see the
    module's text)."""
    assert conn.in_transaction, "a bulk load lives inside a transaction"
    indexes = drop_indexes(conn, tables, keep=keep)
    trigger = fill = None
    if "cases" in tables:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (SEARCH_TRIGGER,))
        trigger = (row.fetchone() or (None,))[0]
        fill = _search_fill(trigger)
    # the overview's tallies (store/tally_sql.OVERVIEW_TRIGGERS): counted per batch of cases, after their rows
    tallies = tally_triggers(conn, tables)
    if fill:
        conn.execute(f'DROP TRIGGER "{SEARCH_TRIGGER}"')
    for name, _sql in tallies:
        conn.execute(f'DROP TRIGGER "{name}"')
    if tallies:
        for table in OVERVIEW_TALLIES:  # counted afresh, as tally_sql.fill_tallies does
            conn.execute(f"DELETE FROM {table}")
    statements = ([f"{fill} WHERE c.id BETWEEN ? AND ?"] if fill else []) + (
        list(OVERVIEW_ADD_RANGE) if tallies else []
    )
    load = BulkLoad(conn, statements)
    try:
        yield load
    except BaseException:
        load.join()  # the block's error: the second thread's statement ends before the rollback
        raise
    load.finish()
    for _name, sql in indexes:
        conn.execute(sql)
    if fill and trigger:
        conn.execute(trigger)
    for _name, sql in tallies:
        conn.execute(sql)
