"""Every table of the register as rows, without what two equal runs never share (the times of day
something was recorded, the database's own id, the file name in the schema's audit row): the one way
tests see that two databases hold the same. (``bench/compare_databases.py`` keeps a copy of these
queries for comparing files from two checkouts: a bench never imports the tests.)"""

from __future__ import annotations

import sqlite3

TABLES = {
    "persons": "SELECT * FROM persons ORDER BY id",
    "households": "SELECT * FROM households ORDER BY id",
    "household_members": "SELECT * FROM household_members ORDER BY 1, 2, 3",
    "cases": "SELECT * FROM cases ORDER BY id",
    # (recorded_at: the time it was written)
    "events": "SELECT id, case_id, step, outcome, fact_date, recorded_by, note, correction, reason FROM events"
    " ORDER BY id",
    "contact_notes": "SELECT id, case_id, date, channel, text, by FROM contact_notes ORDER BY id",
    "case_summary": "SELECT * FROM case_summary ORDER BY case_id",
    "case_deadlines": "SELECT * FROM case_deadlines ORDER BY case_id, seq",
    "case_search": "SELECT rowid, body FROM case_search ORDER BY rowid",
    "overview_groups": "SELECT * FROM overview_groups ORDER BY grp",
    "overview_deadlines": "SELECT * FROM overview_deadlines ORDER BY grp",
    "portal_files": "SELECT id, kind, direction, name, sha256, rows, summary, status FROM portal_files ORDER BY id",
    "portal_import_rows": "SELECT * FROM portal_import_rows ORDER BY 1, 2",
    # (at: the time; the schema row's detail names the file)
    "audit": "SELECT id, who, action, entity, entity_id, person_id, case_id,"
    " CASE WHEN action = 'schema' THEN NULL ELSE detail END FROM audit ORDER BY id",
    "meta": "SELECT key, value FROM meta WHERE key <> 'database_id' ORDER BY key",
    "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
    " ORDER BY type, name",
}


def table_rows(conn: sqlite3.Connection, *names: str) -> dict[str, list[tuple]]:
    """The rows of ``names`` (every table of :data:`TABLES` when none is named)."""
    return {name: conn.execute(TABLES[name]).fetchall() for name in names or TABLES}


def index_rows(conn: sqlite3.Connection, case_id: int) -> tuple[list[tuple], list[tuple]]:
    """One case's index rows: its ``case_summary`` row and its ``case_deadlines`` rows."""
    return (
        conn.execute("SELECT * FROM case_summary WHERE case_id = ?", (case_id,)).fetchall(),
        conn.execute("SELECT * FROM case_deadlines WHERE case_id = ? ORDER BY seq", (case_id,)).fetchall(),
    )
