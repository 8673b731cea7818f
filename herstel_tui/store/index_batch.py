"""The case index of a range of cases in one pass: a rebuild after a routekaart change.

Each case's events come out of SQLite as two strings (steps and dates, in evaluation order: the
``events_case`` index is ordered by case, fact date and id), not as 750,000 Python objects; the
engine judges each *shape* once (:mod:`herstel_tui.domain.routekaart.shape`) and the case's own
dates are laid over it here: due dates by calendar arithmetic, what still runs on ``today``, the
next date. The rows are those :func:`herstel_tui.store.cases.case_index` makes for the case; cases
with a correction (superseded by record order) are left to it (``slow``). Then only the rows that
differ from the stored ones are written (:func:`index_diff`, :func:`write_diff`), compared in key order.

After a change in some rules' own fields alone (a period, a kind, who owes it: :func:`changed_rules`)
only the cases holding one of them are recomputed, from their stored rows instead of their events
(:func:`rules_diff`, :func:`restamped`): such a change moves no start or stop.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import chain, compress, filterfalse, groupby
from operator import eq, itemgetter, ne
from typing import NamedTuple

from herstel_tui.domain import clock
from herstel_tui.domain.routekaart import RecordedEvent, Routekaart
from herstel_tui.domain.routekaart.shape import INHERITED, Shapes
from herstel_tui.store.bulk import drop_indexes as drop_table_indexes
from herstel_tui.store.bulk import insert_many
from herstel_tui.store.tallies import BY_HAND_FROM, TallyMoves, apply_tallies, tallies_by_hand, tally_moves

# One row per case with events: steps ("step[:outcome]") and fact dates in evaluation order (by
# fact date, then record order: the events_case index, so SQLite feeds the aggregate in that order
# and sorts nothing), and whether any is a correction (or a step id with a colon, which the
# routekaart's ids never have: left to the engine too).
# (A step without an outcome, nine events in ten, is taken as it is: one concatenation less each.)
EVENTS_BY_CASE = (
    "SELECT case_id, group_concat(CASE WHEN outcome IS NULL THEN step ELSE step || ':' || outcome END, ' '), "
    "group_concat(fact_date, ' '), max(correction OR instr(step, ':')) FROM events INDEXED BY events_case "
    "WHERE case_id BETWEEN ? AND ? GROUP BY case_id"
)
# The same rows for a list of cases (a JSON array of ids; IN_JSON: in a JSON array): one seek per
# case into events_case, so the aggregate is fed in the same order.
IN_JSON = "IN (SELECT value FROM json_each(?))"
EVENTS_OF_CASES = EVENTS_BY_CASE.replace("BETWEEN ? AND ?", IN_JSON)
# The cases that hold a termijn of one of the rules in a JSON array, as stored, by id.
HOLDING_RULES = (
    "SELECT id FROM cases WHERE id IN "
    "(SELECT case_id FROM case_deadlines WHERE rule IN (SELECT value FROM json_each(?))) ORDER BY id"
)
SUMMARY_COLS = "current_step, current_title, outcome, next_due, next_rule, next_kind, closed, last_event"
DEADLINE_COLS = "seq, rule, kind, own, start, due, stopped, stopped_by"
# The stored rows of some cases (``{where}``: what follows ``case_id``), in key order.
_STORED_SUMMARIES = f"SELECT case_id, {SUMMARY_COLS} FROM case_summary WHERE case_id {{where}} ORDER BY case_id"
_STORED_TERMIJNEN = f"SELECT case_id, {DEADLINE_COLS} FROM case_deadlines WHERE case_id {{where}} ORDER BY case_id, seq"
# a row whose key no stored row has: a plain INSERT (INSERT OR REPLACE of 320,000 termijn rows into
# an empty case_deadlines took ~1.5x the CPU on its own; a whole rebuild into it ~5% less)
_SUMMARY_INSERT = f"INSERT INTO case_summary (case_id, {SUMMARY_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
_DEADLINE_INSERT = f"INSERT INTO case_deadlines (case_id, {DEADLINE_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
# a stored row rewritten in place (only the indexes on its changed columns follow), from the same tuple
_SUMMARY_UPDATE = (
    "UPDATE case_summary SET "
    + ", ".join(f"{c} = ?{n}" for n, c in enumerate(SUMMARY_COLS.split(", "), 2))
    + " WHERE case_id = ?1"
)
_DEADLINE_UPDATE = (
    "UPDATE case_deadlines SET "
    + ", ".join(f"{c} = ?{n}" for n, c in enumerate(DEADLINE_COLS.split(", ")[1:], 3))
    + " WHERE case_id = ?1 AND seq = ?2"
)
# A whole rebuild that writes most rows afresh (an index emptied by a migration: 320,000 termijn rows
# at 100,000 cases) drops the index tables' secondary indexes in the transaction that takes the marks
# away and makes them again, one sorted build each, in the one that writes the marks: a B-tree insert
# per row in due-date order took more of that write than the rows themselves (issue 18). Meanwhile
# their SQL is kept in ``meta`` under this key, so that a rebuild interrupted in between (followed
# by a whole rebuild: the marks are gone) leaves them to the next one. Not above DROP_INDEXES_UP_TO
# cases: the last transaction's lock grows with the rows (both tables emptied, 100,000 cases: 0.9 s
# of CPU on a machine at load 12, as long as the longest batch's then; the termijnen alone: less).
DROPPED_INDEXES = "index_dropped"
DROP_INDEXES_UP_TO = 150_000
_INDEX_TABLES = ("case_summary", "case_deadlines")


def drop_indexes(conn: sqlite3.Connection, cases: int) -> None:
    """Inside a rebuild's first transaction: the secondary indexes of each index table holding
    fewer than half a row per case (of ``cases``) dropped, their SQL kept (:data:`DROPPED_INDEXES`)."""
    if cases > DROP_INDEXES_UP_TO:
        return
    dropped = [
        index
        for table in _INDEX_TABLES
        if conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] < cases // 2
        for index in drop_table_indexes(conn, (table,))
    ]
    if not dropped:
        return
    kept = conn.execute("SELECT value FROM meta WHERE key = ?", (DROPPED_INDEXES,)).fetchone()
    earlier = [tuple(pair) for pair in json.loads(kept[0])] if kept else []  # (a rebuild interrupted before)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (DROPPED_INDEXES, json.dumps(earlier + dropped))
    )


def restore_indexes(conn: sqlite3.Connection) -> None:
    """Inside a whole rebuild's last transaction: the indexes :func:`drop_indexes` dropped (in this
    rebuild or an interrupted one) made again from their SQL, as SQLite kept it."""
    kept = conn.execute("SELECT value FROM meta WHERE key = ?", (DROPPED_INDEXES,)).fetchone()
    if not kept:
        return
    for name, sql in json.loads(kept[0]):
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone():
            conn.execute(sql)
    conn.execute("DELETE FROM meta WHERE key = ?", (DROPPED_INDEXES,))


_key = itemgetter(0, 1)  # (case id, seq) of a termijn row
_id = itemgetter(0)  # the case id of a row
_day = itemgetter(0)  # the ISO day of a (day, token) pair


class Batch(NamedTuple):
    """A rebuild's range of cases: ids ``first`` to ``last``, ``n`` cases; ``cases`` None: every
    case in it, else a JSON array of the ids recomputed (only those); ``rules`` None: every termijn
    compared, else a JSON array of the rules whose termijnen alone are (:func:`index_diff`)."""

    first: int
    last: int
    n: int
    cases: str | None = None
    rules: str | None = None


def index_marks(rk: Routekaart) -> list[tuple[str, str]]:
    """The ``meta`` rows that say the case index was computed with ``rk``: its fingerprint, and
    ``index_hash`` (what the index depends on, with the file it was written with), by which a later
    change in texts alone keeps the index (``CaseRepository.refresh_derived``); and ``index_rules``
    (:func:`changed_rules`). Written by every writer of a whole index: a rebuild, a new database,
    the demo."""
    marks = [("routekaart_hash", rk.fingerprint), ("index_hash", f"{rk.index_fingerprint} {rk.fingerprint}")]
    if rk.route_fingerprint:
        kept = {"routekaart": rk.fingerprint, "route": rk.route_fingerprint, "rules": rk.rule_fingerprints}
        marks.append(("index_rules", json.dumps(kept, sort_keys=True)))
    return marks


def changed_rules(rk: Routekaart, stored_hash: str | None, index_rules: str | None) -> list[str] | None:
    """The rules whose own fields alone (a period, a kind, who owes it: the loader's ``_RULE_OWN``)
    differ between the routekaart the stored index was computed with and ``rk``, or None when
    anything else may differ or it is not known: then every case is recomputed. ``stored_hash`` and
    ``index_rules`` are the ``meta`` rows as stored (:func:`index_marks`); ``index_rules`` counts
    only when it names the file of ``stored_hash`` (it was written with that index, not left by an
    earlier one). Such a change changes only the rows of the cases holding a termijn of one of
    these rules: which termijnen a case holds, and in which order, depends on the rest."""
    if not stored_hash or not index_rules or not rk.route_fingerprint:
        return None
    try:
        kept = json.loads(index_rules)
    except ValueError:
        return None
    if not isinstance(kept, dict) or kept.get("routekaart") != stored_hash or kept.get("route") != rk.route_fingerprint:
        return None
    rules = kept.get("rules")
    if not isinstance(rules, dict) or rules.keys() != rk.rule_fingerprints.keys():
        return None
    return sorted(rule for rule, own in rk.rule_fingerprints.items() if rules[rule] != own)


def shaped_index(
    rk: Routekaart,
    tracks: dict[int, str],
    events: Iterable[tuple[int, str, str, int]],
    shared: Mapping[int, Sequence[RecordedEvent]],
    today: str,
) -> tuple[list[tuple], list[tuple], list[int]]:
    """(case_summary rows, case_deadlines rows, ids of the cases left to the engine) of the cases
    in ``tracks`` (id → track), from :data:`EVENTS_BY_CASE` rows and the facts each shares with
    the household's aanvrager (in their record order); ``today`` in ISO form. Rows start with the
    case id, as :func:`herstel_tui.store.cases.case_index` makes them after it."""
    summaries: list[tuple] = []
    rows: list[tuple] = []
    slow: list[int] = []
    shapes = {track: rk.shapes(track) for track in set(tracks.values())}
    left = dict(tracks)

    def without_events() -> Iterator[tuple[int, str, str, int]]:
        yield from ((cid, "", "", 0) for cid in list(left))  # (what the events left: read when reached)

    for cid, steps, dates, corrected in chain(events, without_events()):
        track = left.pop(cid)
        facts = shared.get(cid)
        if corrected or (facts and any(e.correction for e in facts)):
            slow.append(cid)  # superseded by record order: the engine itself
            continue
        days = dates.split(" ") if dates else []
        if len(days) != (steps.count(" ") + 1 if steps else 0) or (dates and len(dates) != 11 * len(days) - 1):
            slow.append(cid)  # not one step per ISO day (written otherwise than the application does)
            continue
        if facts:
            steps, days = _with_shared(steps, days, facts)
        summaries.append(index_rows(shapes[track], cid, steps, days, today, rows))
    return summaries, rows, slow


def index_rows(shapes: Shapes, cid: int, steps: str, days: list[str], today: str, rows: list[tuple]) -> tuple:
    """One case without corrections: its events in evaluation order as ``steps`` (see
    :meth:`Routekaart.shapes`) and their days (ISO); returns its ``case_summary`` row and appends
    its ``case_deadlines`` rows to ``rows`` (both starting with ``cid``). What
    :func:`herstel_tui.store.cases.case_index` gives, with the shape's termijnen on the case's days."""
    distinct = list(dict.fromkeys(days))  # in order: the days are sorted
    shape = shapes[(steps, None if len(distinct) == len(days) else tuple(map(eq, days, days[1:])))]
    best = wait = None  # (due, termijn) of the soonest own / waited-on termijn running today
    for seq, t in enumerate(shape.termijnen):
        rule, kind, own, first, period, stop, stopped_by, dues = t
        start = distinct[first]
        due = dues.get(start) or period.add_iso(start)
        if stop is not None:
            rows.append((cid, seq, rule, kind, own, start, due, distinct[stop], stopped_by))
            continue
        rows.append((cid, seq, rule, kind, own, start, due, None, None))
        if kind == "period" and today >= due:
            continue  # ran out by itself: stored as not stopped, no longer running
        if own:
            if best is None or due < best[0]:
                best = (due, t)
        elif wait is None or due < wait[0]:
            wait = (due, t)
    # the caseworker's own next date; a date another party owes only when nothing of the case's
    # own runs (case_index: the engine's next_deadline, else the first running one waited on)
    nxt = best or wait
    last = distinct[-1] if distinct else None
    if nxt is None:
        return (cid, shape.current_step, shape.current_title, shape.outcome, None, None, None, int(shape.ended), last)
    return (cid, shape.current_step, shape.current_title, shape.outcome, nxt[0], nxt[1].rule, nxt[1].kind, 0, last)


def _with_shared(steps: str, days: list[str], facts: Sequence[RecordedEvent]) -> tuple[str, list[str]]:
    """The case's own events (in evaluation order) merged with the aanvrager's facts it shares."""
    return evaluation_order(
        list(zip(days, steps.split(" ") if steps else ())),
        [(e.fact_date.isoformat(), token(e.step, e.outcome, inherited=True)) for e in facts],
    )


def evaluation_order(own: Sequence[tuple[str, str]], shared: Sequence[tuple[str, str]] = ()) -> tuple[str, list[str]]:
    """(steps, days) of a case from its own events and the facts it shares with the household's
    aanvrager, each (ISO day, :func:`token`) in record order: as the engine orders them, by day
    (stably) with the shared facts first in record order."""
    merged = sorted([*shared, *own], key=_day) if shared else sorted(own, key=_day)
    return " ".join([t for _, t in merged]), [d for d, _ in merged]


def token(step: str, outcome: str | None, *, inherited: bool = False) -> str:
    """An event in a shape's steps: ``step[:outcome]``, ``^`` first for a shared fact."""
    return (INHERITED if inherited else "") + step + ("" if outcome is None else ":" + outcome)


class IndexDiff(NamedTuple):
    """What a rebuild writes for a range of cases (:func:`index_diff`), each row as in the table:
    keys to delete, rows to update in place and to insert, per table; with ``by_hand`` how the
    tallies move on by them (:func:`.tallies.tally_moves`: computed with the rows, by a rebuild's
    child too, so that the writer only writes), else None. ``cases``: the cases with a difference."""

    gone: list[tuple]
    summaries_changed: list[tuple]
    new_summaries: list[tuple]
    changed: list[tuple]
    new_rows: list[tuple]
    by_hand: bool  # as many rows as BY_HAND_FROM or more: the tallies kept by hand
    tallies: TallyMoves | None  # with by_hand
    cases: int


def index_diff(
    conn: sqlite3.Connection,
    first: int,
    last: int,
    summaries: list[tuple],
    rows: list[tuple],
    cases: str | None = None,
    rules: str | None = None,
) -> IndexDiff | None:
    """What differs between the computed index rows of the cases ``first`` to ``last`` (only those
    in ``cases``, a JSON array of ids, when given) and the stored ones, as read on ``conn`` (None:
    nothing): a summary row, a termijn row (by case and seq; a key stored already is updated, a new
    one inserted), termijnen a case no longer has. With ``rules`` (a JSON array: the rules whose own
    fields alone changed, :func:`changed_rules`) only the termijnen of these rules are read and
    compared: the others, of the same events and rules, are the same (most of the termijn rows)."""
    where, args = ("BETWEEN ? AND ?", (first, last)) if cases is None else (IN_JSON, (cases,))
    stored_summaries = conn.execute(_STORED_SUMMARIES.format(where=where), args).fetchall()
    if rules is not None:
        where, args = f"{where} AND rule {IN_JSON}", (*args, rules)
        wanted = set(json.loads(rules))
        rows = [r for r in rows if r[2] in wanted]
    stored_rows = conn.execute(_STORED_TERMIJNEN.format(where=where), args).fetchall()
    return rows_diff(conn, first, last, (stored_summaries, summaries), (stored_rows, rows))


def rules_diff(
    conn: sqlite3.Connection,
    rk: Routekaart,
    first: int,
    last: int,
    today: date,
    cases: str,
    rules: str,
    from_events: Callable[[str], tuple[list[tuple], list[tuple]]],
) -> IndexDiff | None:
    """:func:`index_diff` with ``rules`` for the cases in ``cases`` (ids ``first`` to ``last``),
    their rows computed from their stored index (:func:`restamped`) rather than their events: those
    it leaves by ``from_events`` (a JSON array of ids → their rows as :func:`shaped_index` makes
    them)."""
    stored_summaries = conn.execute(_STORED_SUMMARIES.format(where=IN_JSON), (cases,)).fetchall()
    # (a stopped termijn of another rule plays no part: about half the rows)
    running_or_changed = f"{IN_JSON} AND (stopped IS NULL OR rule {IN_JSON})"
    stored_rows = conn.execute(_STORED_TERMIJNEN.format(where=running_or_changed), (cases, rules)).fetchall()
    wanted = set(json.loads(rules))
    summaries, rows, left = restamped(rk, stored_summaries, stored_rows, wanted, today.isoformat())
    if left:
        more, more_rows = from_events(json.dumps(left))
        summaries += more
        rows += [r for r in more_rows if r[2] in wanted]
    stored_rows = [r for r in stored_rows if r[2] in wanted]
    return rows_diff(conn, first, last, (stored_summaries, summaries), (stored_rows, rows))


def restamped(
    rk: Routekaart, summaries: list[tuple], rows: list[tuple], rules: set[str], today: str
) -> tuple[list[tuple], list[tuple], list[int]]:
    """After a change in the own fields of ``rules`` alone (a period, a kind, who owes it:
    :func:`changed_rules`): the cases' ``case_summary`` rows and their termijn rows of those rules
    as :func:`index_rows` makes them, from their stored ``summaries`` and ``rows`` (every termijn of
    these cases of those rules, and every other one not stopped; both in key order) rather than from
    their events; and the ids of the cases left to their events.

    Such a change moves no start or stop of any termijn, nor the current step, its title, the
    outcome or the last event (the engine judges those without the rules' own fields): a termijn
    of one of these rules takes the rule's kind, whether the municipality owes it and the due date
    of its period from its start; the next date is chosen again over every termijn of the case on
    ``today``, as :func:`index_rows` chooses it. A case is closed when an end step was recorded and
    no termijn runs: while one runs, 0; when none ran as stored either, closed as stored (it then
    said whether an end step was); a case that ran one as stored and runs none now, or that has no
    stored summary, is left to its events (whether an end step was recorded is not stored)."""
    fields = {rule: (r.kind, int(r.waiting_on is None), r.period) for rule in rules for r in [rk.rules[rule]]}
    termijnen = {cid: list(group) for cid, group in groupby(rows, _id)}
    out: list[tuple] = []
    out_rows: list[tuple] = []
    left: list[int] = []
    for summary in summaries:
        cid = summary[0]
        best = wait = None  # (due, rule, kind) of the soonest own / waited-on termijn running today
        mine = []
        for _, seq, rule, kind, own, start, due, stopped, stopped_by in termijnen.pop(cid, ()):
            new = fields.get(rule)
            if new is not None:
                kind, own, period = new
                due = period.iso_dues.get(start) or period.add_iso(start)
                mine.append((cid, seq, rule, kind, own, start, due, stopped, stopped_by))
            if stopped is not None or (kind == "period" and today >= due):
                continue
            if own:
                if best is None or due < best[0]:
                    best = (due, rule, kind)
            elif wait is None or due < wait[0]:
                wait = (due, rule, kind)
        nxt = best or wait
        if nxt is not None:
            out.append((*summary[:4], *nxt, 0, summary[8]))
        elif summary[4] is None:
            out.append((*summary[:4], None, None, None, summary[7], summary[8]))
        else:
            left.append(cid)
            continue
        out_rows.extend(mine)
    return out, out_rows, sorted([*left, *termijnen])


def rows_diff(
    conn: sqlite3.Connection,
    first: int,
    last: int,
    summaries: tuple[list[tuple], list[tuple]],
    rows: tuple[list[tuple], list[tuple]],
) -> IndexDiff | None:
    """What :func:`index_diff` returns, from the rows of both tables (each: stored, computed) of
    the cases ``first`` to ``last``; the stored ones in key order, read on ``conn`` (its cases'
    groups for the tallies are read there too).

    Both sides in key order: mostly every row is the same (one comparison of two lists), or the
    same keys in the same places with some rows changed (compared pairwise); otherwise compared as
    sets of rows."""
    stored_summaries, computed_summaries = summaries
    stored_rows, computed_rows = rows
    if stored_summaries == computed_summaries and stored_rows == computed_rows:  # mostly, when nothing changed
        return None
    summaries_changed, old_summaries, other_summaries, _ = _differing(
        stored_summaries, sorted(computed_summaries, key=_id), _id
    )
    if stored_rows:
        changed, old_rows, other_rows, gone = _differing(stored_rows, sorted(computed_rows, key=_key), _key)
    else:  # (an emptied index: every row new)
        changed, old_rows, other_rows, gone = [], [], sorted(computed_rows, key=_key), []
    replaced, new_summaries = _stored_or_new(stored_summaries, other_summaries, _id)
    summaries_changed += replaced
    replaced_rows, new_rows = _stored_or_new(stored_rows, other_rows, _key)
    changed += replaced_rows
    differing = len({r[0] for r in chain(summaries_changed, new_summaries, changed, new_rows, gone)})
    if not differing:
        return None
    by_hand = len(gone) + len(summaries_changed) + len(new_summaries) + len(changed) + len(new_rows) >= BY_HAND_FROM
    tallies = None
    if by_hand:  # the stored rows these replace or take away, in their order
        if old_summaries is None:
            old_summaries = _stored(stored_summaries, summaries_changed, _id)
        if old_rows is None:
            old_rows = _stored(stored_rows, chain(changed, gone), _key)
        tallies = tally_moves(
            conn,
            first,
            last,
            (old_summaries, chain(summaries_changed, new_summaries)),
            (old_rows, chain(changed, new_rows)),
        )
    return IndexDiff(gone, summaries_changed, new_summaries, changed, new_rows, by_hand, tallies, differing)


def write_diff(conn: sqlite3.Connection, first: int, last: int, diff: IndexDiff | None) -> int:
    """Write what :func:`index_diff` found for the cases ``first`` to ``last``, read in this
    transaction (or in a snapshot of the same rows: see ``CaseRepository.rebuild_summaries``), the
    tallies kept by the triggers or, for many rows, by hand. Returns the number of cases written."""
    if diff is None:
        return 0
    rows = diff.gone, diff.summaries_changed, diff.new_summaries, diff.changed, diff.new_rows
    if not diff.by_hand:
        _write(conn, *rows)  # the triggers keep the tallies
    else:
        with tallies_by_hand(conn) as by_hand:
            _write(conn, *rows)
            if by_hand:
                assert diff.tallies is not None
                apply_tallies(conn, diff.tallies)
    return diff.cases


def _write(
    conn: sqlite3.Connection,
    gone: list[tuple],
    summaries_changed: list[tuple],
    new_summaries: list[tuple],
    changed: list[tuple],
    new_rows: list[tuple],
) -> None:
    conn.executemany("DELETE FROM case_deadlines WHERE case_id = ? AND seq = ?", gone)
    conn.executemany(_SUMMARY_UPDATE, summaries_changed)
    # new rows as statements of many rows (store.bulk): an emptied index's 318,391 termijnen at
    # 100,000 cases took 0.61 -> 0.51 s of CPU
    insert_many(conn, _SUMMARY_INSERT, new_summaries)
    conn.executemany(_DEADLINE_UPDATE, changed)
    insert_many(conn, _DEADLINE_INSERT, new_rows)


def _stored_or_new(
    stored: list[tuple], rows: list[tuple], key: Callable[[tuple], object]
) -> tuple[list[tuple], list[tuple]]:
    """(the ``rows`` whose key a stored row has: updated in place, the others: inserted). Both
    were read in this transaction for the same range of cases, so an inserted key is free."""
    if not rows or not stored:
        return [], rows
    keys = set(map(key, stored))
    return [r for r in rows if key(r) in keys], [r for r in rows if key(r) not in keys]


def _differing(
    stored: list[tuple], computed: list[tuple], key: Callable[[tuple], object]
) -> tuple[list[tuple], list[tuple] | None, list[tuple], list[tuple]]:
    """(computed rows that differ from the stored row of their key, those stored rows in the same
    order when found on the way (else None), other computed rows no stored row equals, the keys of
    stored rows no computed row has), all in ``key`` order (unique keys)."""
    if stored == computed:
        return [], [], [], []
    if len(stored) == len(computed):  # the same keys in the same places (the rows that differ
        # have: equal rows have equal keys)? then compared pairwise
        differ = list(map(ne, stored, computed))
        old, changed = list(compress(stored, differ)), list(compress(computed, differ))
        if list(map(key, old)) == list(map(key, changed)):
            return changed, old, [], []
    stored_set = set(stored)
    changed = list(filterfalse(stored_set.__contains__, computed))
    gone: list = []
    if len(stored) > len(computed) - len(changed):  # stored rows that no computed row equals:
        # each is replaced by a changed row of its key, or gone
        gone = sorted(set(map(key, stored_set.difference(computed))).difference(map(key, changed)))
    return [], None, changed, gone


def _stored(stored: list[tuple], rows: Iterable[tuple], key: Callable[[tuple], object]) -> list[tuple]:
    """The stored row of each of ``rows``' keys (of a row, or a key itself), in their order."""
    by_key = dict(zip(map(key, stored), stored))
    return [by_key[key(r)] for r in rows]


_ISO: dict[date, str] = {}  # date -> ISO text: a rebuild writes a million dates, of a few thousand days


def _iso(d: date) -> str:
    if len(_ISO) > 100_000:
        _ISO.clear()
    text = _ISO[d] = d.isoformat()
    return text


def case_index(
    rk: Routekaart, track: str, events: Sequence[RecordedEvent], today: date | None = None
) -> tuple[tuple, list[tuple]]:
    """The case's rows of the derived index: its ``case_summary`` row (current_step, current_title,
    outcome, next_due, next_rule, next_kind, closed, last_event; a due date does not depend on today,
    whether a period still runs does, so ``refresh_derived`` revisits rows whose period has come due) and
    its ``case_deadlines`` rows ``(seq, rule, kind, own, start, due, stopped, stopped_by)``, one per
    termijn in the engine's order. A termijn row does not depend on ``today``: a period that ran
    out by itself is stored as not stopped (its due date says when it ended)."""
    view = rk.summarize(track, events, today or clock.today())
    # The caseworker's own next date; a date another party owes (WAITING_RULES) only when the case
    # has nothing of its own running: then the list shows it as waiting on them.
    nxt = view.next_deadline or next((d for d in view.running if d.waiting_on is not None), None)
    summary = (
        view.current_step,
        view.current_title,
        view.outcome,
        nxt.due.isoformat() if nxt else None,
        nxt.rule if nxt else None,
        nxt.kind if nxt else None,
        int(view.closed),
        max(e.fact_date for e in events).isoformat() if events else None,
    )
    iso = _ISO.get
    deadlines = [
        (
            seq,
            d.rule,
            d.kind,
            int(d.waiting_on is None),
            iso(d.start) or _iso(d.start),
            iso(d.due) or _iso(d.due),
            None if d.elapsed or d.stopped is None else (iso(d.stopped) or _iso(d.stopped)),
            None if d.elapsed else d.stopped_by,
        )
        for seq, d in enumerate(view.deadlines)
    ]
    return summary, deadlines
