"""Compare two databases table by table: the same demo built by two versions, or the same portal list
imported by two versions into two copies of one database (issue 18: a faster wrong answer is a defect).

    python bench/compare_databases.py A.db B.db

Prints, per table, the row count and whether the rows are the same; times of day (``recorded_at``,
the audit's ``at``), the database's own id and SQLite's statistics are left out, as is the search
index's internal layout (its rows are compared). Exit 0 when everything is the same.

How the figures of issue 18 were made (old code unpacked with ``git archive`` into OLD):

    HERSTEL_VANDAAG=2026-12-02 PYTHONPATH=OLD python -m herstel_tui demo --cases 100000 --db old.db
    HERSTEL_VANDAAG=2026-12-02 python -m herstel_tui demo --cases 100000 --db new.db
    cp demo.db a.db; cp demo.db b.db
    PYTHONPATH=OLD python -m herstel_tui --db a.db portaal lijst aanmeldingen lijst.xlsx
    python -m herstel_tui --db b.db portaal lijst aanmeldingen lijst.xlsx
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

QUERIES = {
    "persons": "SELECT * FROM persons ORDER BY id",
    "households": "SELECT * FROM households ORDER BY id",
    "household_members": "SELECT * FROM household_members ORDER BY 1, 2, 3",
    "cases": "SELECT * FROM cases ORDER BY id",
    "events": "SELECT id, case_id, step, outcome, fact_date, recorded_by, note, correction, reason FROM events"
    " ORDER BY id",
    "case_summary": "SELECT * FROM case_summary ORDER BY case_id",
    "case_deadlines": "SELECT * FROM case_deadlines ORDER BY case_id, seq",
    "overview_groups": "SELECT * FROM overview_groups ORDER BY grp",
    "overview_deadlines": "SELECT * FROM overview_deadlines ORDER BY grp",
    "contact_notes": "SELECT id, case_id, date, channel, text, by FROM contact_notes ORDER BY id",
    "case_search": "SELECT rowid, body FROM case_search ORDER BY rowid",
    "portal_files": "SELECT id, kind, direction, name, sha256, rows, summary, status FROM portal_files ORDER BY id",
    "portal_import_rows": "SELECT * FROM portal_import_rows ORDER BY 1, 2",
    "audit (without times)": "SELECT id, who, action, entity, entity_id, person_id, case_id,"
    " CASE WHEN action = 'schema' THEN NULL ELSE detail END FROM audit ORDER BY id",
    "audit actions": "SELECT action, count(*) FROM audit GROUP BY action ORDER BY action",
    "meta": "SELECT key, value FROM meta WHERE key NOT IN ('database_id') ORDER BY key",
    "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
    " ORDER BY type, name",
}


def digest(path: str, query: str) -> tuple[int, str, list]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(query).fetchall()
    finally:
        conn.close()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest(), rows


def main() -> int:
    a, b = sys.argv[1:3]
    different = 0
    for name, query in QUERIES.items():
        (na, ha, rows), (nb, hb, _) = digest(a, query), digest(b, query)
        same = (na, ha) == (nb, hb)
        different += not same
        print(f"{name:24} {na:>10} rows  {'same' if same else f'DIFFERENT ({nb} rows in {b})'}")
        if name == "audit actions":
            print("   ", ", ".join(f"{action} {n}" for action, n in rows))
    print("everything the same" if not different else f"{different} tables differ")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
