"""The overview's tallies kept by hand during a rebuild's write of many index rows.

The triggers of ``store/tally_sql.OVERVIEW_TRIGGERS`` keep ``overview_groups`` and
``overview_deadlines`` with every row written, two or three statements per row: for a rebuild that
writes 320,000 termijnen that was more than a third of its time (issue 18). A rebuild knows every
row it replaces (it read the stored rows back to compare) and every row it writes, so inside its
write transaction :func:`tallies_by_hand` drops the triggers on ``case_summary`` and
``case_deadlines``, the rows are written, the tallies moved on by the difference (one statement per
group whose count changes, the group's key made by the same SQL as the triggers make it), and the
triggers made again from the SQL SQLite kept for them, in that same transaction: no other
connection ever sees the schema without them (and should the block raise, the transaction rolls
back, the triggers with it). The tallies end as the triggers would have left them: a count moved
by the same amount, a group no row had before inserted, a group whose count falls to 0 kept.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import compress
from operator import itemgetter, ne
from typing import NamedTuple

from herstel_tui.store.tally_sql import OVERVIEW_TRIGGERS, _deadline_key, _deadline_row, _group_key, tally_triggers

# The tables whose writes the rebuild takes over from the triggers (not ``cases``: not written).
INDEX_TABLES = ("case_summary", "case_deadlines")
# The tally triggers on those tables (by the table each names after ON).
_ON_INDEX = [name for name, sql in OVERVIEW_TRIGGERS.items() if re.findall(r"\bON (\w+)", sql)[0] in INDEX_TABLES]
# Fewer rows than this to write: the triggers keep the tallies (no schema change for a few rows).
BY_HAND_FROM = 200

# The group of a case_summary row: ?1..?6 the case's (track, opened, closed, caseworker, urgency,
# casuistiekoverleg) as read by _CASE_PART, ?7..?9 the row's (current_step, outcome, closed); through
# the trigger's own expression (_group_key) over named columns. _CASE_PART reads the case's opened
# and closed as far as that expression looks at them (the year: substr of substr is the same; closed
# or not: NULL or 1), so the cases of a group come together in Python first.
_CASE_PART = (
    "SELECT id, track, substr(opened, 1, 4), nullif(closed IS NOT NULL, 0), caseworker, urgency, casuistiekoverleg"
    " FROM cases WHERE id BETWEEN ? AND ?"
)
# The same for a list of cases (a JSON array of ids): the few that moved (an import's batch's lie anywhere).
_CASES_PART = _CASE_PART.replace("BETWEEN ? AND ?", "IN (SELECT value FROM json_each(?))")
_GROUP_SOURCE = (
    "FROM (SELECT ?1 AS track, ?2 AS opened, ?3 AS closed, ?4 AS caseworker, ?5 AS urgency, "
    "?6 AS casuistiekoverleg) c, (SELECT ?7 AS current_step, ?8 AS outcome, ?9 AS closed) s"
)
_GROUP_ADD = (
    f"INSERT INTO overview_groups (grp, n) SELECT {_group_key('s', 'c')}, ?10 {_GROUP_SOURCE} WHERE true "
    "ON CONFLICT (grp) DO UPDATE SET n = n + excluded.n"
)
_GROUP_SUB = f"UPDATE overview_groups SET n = n + ?10 WHERE grp = (SELECT {_group_key('s', 'c')} {_GROUP_SOURCE})"
# The group of a case_deadlines row from its (rule, kind, stopped_by, due, stopped): the trigger's
# expression (_deadline_row) over named columns.
_GROUP_PART = itemgetter(0, 1, 3, 7)  # of a case_summary row: case_id, current_step, outcome, closed
_DEADLINE_PART = itemgetter(2, 3, 8, 6, 7)  # of a case_deadlines row: rule, kind, stopped_by, due, stopped
_DEADLINE_SOURCE = "FROM (SELECT ?1 AS rule, ?2 AS kind, ?3 AS stopped_by, ?4 AS due, ?5 AS stopped) d"
_DEADLINE_ADD = (
    "INSERT INTO overview_deadlines (grp, rule, kind, stopped_by, due, late, n) "
    f"SELECT {_deadline_row('d')}, ?6 {_DEADLINE_SOURCE} WHERE true "
    "ON CONFLICT (grp) DO UPDATE SET n = n + excluded.n"
)
_DEADLINE_SUB = f"UPDATE overview_deadlines SET n = n + ?6 WHERE grp = (SELECT {_deadline_key('d')} {_DEADLINE_SOURCE})"


@contextmanager
def tallies_by_hand(conn: sqlite3.Connection) -> Iterator[bool]:
    """Inside an open transaction: the tally triggers on ``case_summary`` and ``case_deadlines``
    dropped for the block and made again after it, unchanged; the block keeps the tallies itself
    (:func:`tally_moves`, :func:`apply_tallies`) when told True. False when some of those triggers are missing (a
    database someone changed by hand; ``herstel controle`` names it): then none is dropped and the
    tallies are left to whatever triggers there are, as a write without this block leaves them."""
    assert conn.in_transaction, "the tallies are kept by hand inside a transaction"
    triggers = tally_triggers(conn, INDEX_TABLES)
    if len(triggers) != len(_ON_INDEX):
        yield False
        return
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield True
    for _name, sql in triggers:
        conn.execute(sql)


class TallyMoves(NamedTuple):
    """How the tallies move on by some index rows (:func:`tally_moves`): the parameters of
    :data:`_GROUP_ADD`/:data:`_GROUP_SUB` and of :data:`_DEADLINE_ADD`/:data:`_DEADLINE_SUB`, one
    per group whose count changes (the change last)."""

    groups: list[tuple]
    deadlines: list[tuple]


def tally_moves(
    conn: sqlite3.Connection,
    first: int,
    last: int,
    summaries: tuple[Iterable[tuple], Iterable[tuple]],
    deadlines: tuple[Iterable[tuple], Iterable[tuple]],
) -> TallyMoves:
    """How the tallies move on by index rows of the cases ``first`` to ``last`` (an import's
    batch: the first and last of its cases) that were replaced or taken away (``summaries[0]``,
    ``deadlines[0]``: as stored) and written (``[1]``), each row as in the table (starting with
    the case id): what the triggers would have done row by row, for :func:`apply_tallies`. Read
    on ``conn`` (the cases whose group moved): by a rebuild's child in its snapshot too."""
    gone, written = summaries
    groups = Counter(map(_GROUP_PART, written))  # (case id, current_step, outcome, closed)
    groups.subtract(map(_GROUP_PART, gone))
    by_group: Counter[tuple] = Counter()
    moved_cases = sorted({k[0] for k, n in groups.items() if n})
    if moved_cases:  # their cases' part of the group: a range read when most of its cases moved
        few = 2 * len(moved_cases) <= last - first
        query = (_CASES_PART, (json.dumps(moved_cases),)) if few else (_CASE_PART, (first, last))
        cases = {r[0]: r[1:] for r in conn.execute(*query)}
        for (cid, step, outcome, closed), n in groups.items():
            if n and cid in cases:  # (a summary without its case is in no group, as in the triggers' join)
                by_group[(*cases[cid], step, outcome, closed)] += n
    gone, written = deadlines
    gone, written = list(gone), list(written)
    try:  # by the group's key as _deadline_key makes it: the due date while not stopped, else whether
        # stopped after it (the dates are text, str > str ordering as SQLite's BINARY collation does)
        keys_gone, keys_written = _termijn_groups(gone), _termijn_groups(written)
        row_of: Callable[[tuple], tuple] = _group_row
    except TypeError:  # a date that is not text (not written by this application): each row on its own
        keys_gone, keys_written = list(map(_DEADLINE_PART, gone)), list(map(_DEADLINE_PART, written))
        row_of = _same
    if len(keys_gone) == len(keys_written):  # a row replaced by one of the same group moves nothing
        moves = list(map(ne, keys_gone, keys_written))  # (pairs of any two rows: counts are counts)
        keys_gone, keys_written = list(compress(keys_gone, moves)), list(compress(keys_written, moves))
    counts, taken = Counter(keys_written), Counter(keys_gone)
    moved = {k: n for k in counts.keys() | taken.keys() if (n := counts[k] - taken[k])}
    return TallyMoves([(*k, n) for k, n in by_group.items() if n], [(*row_of(k), n) for k, n in moved.items()])


def apply_tallies(conn: sqlite3.Connection, moves: TallyMoves) -> None:
    """Write :func:`tally_moves`' moves: a count that grew added (a group no row had before
    inserted), one that fell taken off (as a trigger takes one off: an UPDATE, never an insert)."""
    for params, add, sub in ((moves.groups, _GROUP_ADD, _GROUP_SUB), (moves.deadlines, _DEADLINE_ADD, _DEADLINE_SUB)):
        conn.executemany(add, [p for p in params if p[-1] > 0])
        conn.executemany(sub, [p for p in params if p[-1] < 0])


def _group_row(group: tuple) -> tuple:
    """For a termijn group as :func:`_termijn_groups` makes it, (rule, kind, stopped_by, due,
    stopped) of which :data:`_DEADLINE_SOURCE`'s SQL makes that group: a running group's own due
    date and no stop; for a stopped one, ``late`` (True/False: 1/0 in SQL) as the stop after a
    due of 0 (1 > 0, 0 > 0: whether it was late), and no due date (NULL while stopped)."""
    rule, kind, stopped_by, due, late = group
    return group if late is None else (rule, kind, stopped_by, 0, late)


def _same(part: tuple) -> tuple:
    return part


def _termijn_groups(rows: list[tuple]) -> list[tuple]:
    """The overview_deadlines group of each case_deadlines row, as a tuple (see _deadline_key);
    TypeError when a stopped row's dates are text against a blob or NULL (TEXT columns hold only
    those; text > text and bytes > bytes order as SQLite's BINARY collation does)."""
    return [(r[2], r[3], r[8], r[6], None) if r[7] is None else (r[2], r[3], r[8], None, r[7] > r[6]) for r in rows]
