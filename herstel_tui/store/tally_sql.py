"""The overview's tallies in SQL: their keys, the triggers that keep them, their counts and fill.

Plain strings and one function (no imports at run time): ``store/schema.py`` builds migration 15 from
them; ``store/bulk.py`` (the demo) and ``store/tallies.py`` (a rebuild's large batches) keep the
tallies themselves while the triggers are off; ``store/overview.py`` checks them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the quick paths import this module (store.schema): no typing at run time
if TYPE_CHECKING:  # pragma: no cover
    import sqlite3
    from collections.abc import Callable

# Issue 18: the overview counts (services/overview.py) as tallies kept by triggers, so the report reads
# a few thousand rows instead of every case and every termijn. Every writer of cases, case_summary and
# case_deadlines keeps them (event save, import, rebuild, check-in, deletion) through these triggers;
# the demo's bulk load (store/bulk.py) and a rebuild's large batches (store/tallies.py) drop them and
# keep the tallies themselves. A tally row whose count fell to 0 stays (the reports read n > 0).
#
# overview_groups: cases alike in all the overview counts them by, keyed by the JSON array of
# (track, current_step, outcome, open, year opened, caseworker, urgency, casuistiekoverleg); a
# case_summary row is counted while its case exists (as the JOIN of the old query counted it).
# overview_deadlines: termijnen alike in all the overview's termijnen figures depend on, keyed by
# (rule, kind, stopped_by, due while not stopped, stopped after due once stopped).
OVERVIEW_TALLIES = ("overview_groups", "overview_deadlines")


def _group_key(s: str, c: str) -> str:
    return (
        f"json_array({c}.track, {s}.current_step, {s}.outcome, {s}.closed = 0 AND {c}.closed IS NULL, "
        f"substr({c}.opened, 1, 4), {c}.caseworker, {c}.urgency, {c}.casuistiekoverleg)"
    )


def _deadline_key(d: str) -> str:
    return (
        f"json_array({d}.rule, {d}.kind, {d}.stopped_by, CASE WHEN {d}.stopped IS NULL THEN {d}.due END, "
        f"CASE WHEN {d}.stopped IS NOT NULL THEN {d}.stopped > {d}.due END)"
    )


def _deadline_row(d: str) -> str:
    return (
        f"{_deadline_key(d)}, {d}.rule, {d}.kind, {d}.stopped_by, CASE WHEN {d}.stopped IS NULL THEN {d}.due END, "
        f"CASE WHEN {d}.stopped IS NOT NULL THEN {d}.stopped > {d}.due END"
    )


def _add_group(s: str, c: str, source: str) -> str:
    return (
        f"INSERT INTO overview_groups (grp, n) SELECT {_group_key(s, c)}, 1 {source} "
        "ON CONFLICT (grp) DO UPDATE SET n = n + 1;"
    )


def _sub_group(s: str, c: str, source: str) -> str:
    return f"UPDATE overview_groups SET n = n - 1 WHERE grp = (SELECT {_group_key(s, c)} {source});"


def _add_deadline(d: str) -> str:
    return (
        f"INSERT INTO overview_deadlines (grp, rule, kind, stopped_by, due, late, n) VALUES ({_deadline_row(d)}, 1) "
        "ON CONFLICT (grp) DO UPDATE SET n = n + 1;"
    )


def _sub_deadline(d: str, source: str = "") -> str:
    key = f"(SELECT {_deadline_key(d)} {source})" if source else _deadline_key(d)
    return f"UPDATE overview_deadlines SET n = n - 1 WHERE grp = {key};"


_GROUP_COLUMNS = ("current_step", "outcome", "closed", "case_id")
_CASE_COLUMNS = ("id", "track", "opened", "closed", "caseworker", "urgency", "casuistiekoverleg")
_DEADLINE_COLUMNS = ("case_id", "seq", "rule", "kind", "due", "stopped", "stopped_by")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


def _trigger(name: str, event: str, *body: str, when: str | None = None) -> tuple[str, str]:
    """(name, CREATE TRIGGER statement) running the body's statements on the event."""
    condition = f"\nWHEN {when}" if when else ""
    statements = "".join(f"\n    {b}" for b in body)
    return name, f"CREATE TRIGGER IF NOT EXISTS {name} {event}{condition} BEGIN{statements}\nEND"


def _kept(
    prefix: str,
    table: str,
    add: Callable[[str], str],
    sub: Callable[[str], str],
    columns: tuple[str, ...],
    *,
    delete: str = "AFTER",
) -> list[tuple[str, str]]:
    """The triggers that keep a tally as rows of ``table`` come, change (in ``columns``) and go:
    ``add``/``sub`` give the statement that counts the row named new/old in or out."""
    return [
        _trigger(f"{prefix}_insert", f"AFTER INSERT ON {table}", add("new")),
        _trigger(f"{prefix}_update", f"AFTER UPDATE ON {table}", sub("old"), add("new"), when=_changed(columns)),
        _trigger(f"{prefix}_delete", f"{delete} DELETE ON {table}", sub("old")),
    ]


# name -> CREATE TRIGGER statement. INSERT OR REPLACE deletes the row it replaces without firing
# delete triggers: the "replace" triggers take it off first.
OVERVIEW_TRIGGERS = dict(
    [
        _trigger(
            "overview_groups_summary_replace",
            "BEFORE INSERT ON case_summary",
            _sub_group("s", "c", "FROM case_summary s JOIN cases c ON c.id = s.case_id WHERE s.case_id = new.case_id"),
        ),
        *_kept(
            "overview_groups_summary",
            "case_summary",
            lambda r: _add_group(r, "c", f"FROM cases c WHERE c.id = {r}.case_id"),
            lambda r: _sub_group(r, "c", f"FROM cases c WHERE c.id = {r}.case_id"),
            _GROUP_COLUMNS,
        ),
        *_kept(
            "overview_groups_case",
            "cases",
            lambda r: _add_group("s", r, f"FROM case_summary s WHERE s.case_id = {r}.id"),
            lambda r: _sub_group("s", r, f"FROM case_summary s WHERE s.case_id = {r}.id"),
            _CASE_COLUMNS,
            delete="BEFORE",
        ),
        _trigger(
            "overview_deadlines_replace",
            "BEFORE INSERT ON case_deadlines",
            _sub_deadline("d", "FROM case_deadlines d WHERE d.case_id = new.case_id AND d.seq = new.seq"),
        ),
        *_kept("overview_deadlines", "case_deadlines", _add_deadline, _sub_deadline, _DEADLINE_COLUMNS),
    ]
)

# Each tally: its columns, what a row is keyed and counted by, the rows it counts and the column that
# names their case.
_TALLY_PARTS = {
    "overview_groups": ("grp, n", _group_key("s", "c"), "FROM cases c JOIN case_summary s ON s.case_id = c.id", "c.id"),
    "overview_deadlines": (
        "grp, rule, kind, stopped_by, due, late, n",
        _deadline_row("d"),
        "FROM case_deadlines d",
        "d.case_id",
    ),
}
# Each tally: its columns, and the count of the rows it tallies (what the triggers keep it equal to).
OVERVIEW_COUNTS = {
    table: (columns, f"SELECT {key}, count(*) {rows} GROUP BY 1")
    for table, (columns, key, rows, _case) in _TALLY_PARTS.items()
}
# The tallies counted afresh from the rows (the migration; after a bulk load), one statement each.
OVERVIEW_FILL = (
    *(f"DELETE FROM {table}" for table in OVERVIEW_COUNTS),
    *(f"INSERT INTO {table} ({columns}) {count}" for table, (columns, count) in OVERVIEW_COUNTS.items()),
)
# The same counts for the cases whose id is between two parameters, added to what the tallies hold (a
# bulk load counts each batch of new cases as it is written: a sort of one batch instead of every row).
_ADD_RANGE = {
    table: f"INSERT INTO {table} ({columns}) SELECT {key}, count(*) {rows} WHERE {case} BETWEEN ? AND ? GROUP BY 1"
    " ON CONFLICT (grp) DO UPDATE SET n = n + excluded.n"
    for table, (columns, key, rows, case) in _TALLY_PARTS.items()
}
OVERVIEW_ADD_RANGE = tuple(_ADD_RANGE.values())


def fill_tallies(conn: sqlite3.Connection) -> None:
    """Count the overview's tallies afresh from the rows (inside the caller's transaction)."""
    for statement in OVERVIEW_FILL:
        conn.execute(statement)


def tally_triggers(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER text as SQLite kept it) of the tally triggers on ``tables``, in the
    order they were made: what a bulk writer drops for its block and makes again after it."""
    return conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({','.join('?' * len(OVERVIEW_TRIGGERS))})"
        f" AND tbl_name IN ({','.join('?' * len(tables))}) ORDER BY rowid",
        (*OVERVIEW_TRIGGERS, *tables),
    ).fetchall()
