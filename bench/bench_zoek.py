#!/usr/bin/env python3
"""`herstel zoek <BSN>` against the floor: a bare `python3 -c` that opens the same file with
sqlite3 and runs the same lookup. Both are started as processes, alternately, in one run.

    python bench/bench_zoek.py --db /tmp/d100k.db [--runs 30]

Build the database first: `herstel demo --cases 100000 --db /tmp/d100k.db`.
Prints medians in ms and the ratio. Target (issue 7): ratio <= 3.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from common import compile_package, herstel_command, timed


def main() -> None:
    compile_package()
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    # a copy: every `herstel zoek` (and the second floor) writes an audit row into the file
    tmp = tempfile.TemporaryDirectory()
    db = str(Path(tmp.name) / "bench.db")
    shutil.copyfile(Path(a.db).resolve(), db)
    conn = sqlite3.connect(db)
    bsn = conn.execute(
        "SELECT p.bsn FROM persons p JOIN cases c ON c.person_id = p.id "
        "WHERE p.bsn IS NOT NULL ORDER BY p.id DESC LIMIT 1"
    ).fetchone()[0]
    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    conn.close()
    python = sys.executable
    herstel = herstel_command()
    # The same lookup: the case rows of the person with this BSN, joined to the summary.
    floor_sql = (
        "SELECT c.zaaknummer, p.surname, p.given_names, p.bsn, c.track, s.current_title, s.next_due "
        "FROM cases c JOIN persons p ON p.id = c.person_id JOIN case_summary s ON s.case_id = c.id "
        f"WHERE c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH '\"{bsn}\"')"
    )
    floor = [python, "-c", f"import sqlite3; c = sqlite3.connect({db!r}); print(c.execute({floor_sql!r}).fetchall())"]
    # A second floor: the same lookup plus what `herstel zoek` must do besides reading, an audit row
    # written durably (BEGIN IMMEDIATE, INSERT, COMMIT; SQLite then checkpoints the WAL when the
    # last connection closes). It shows how much of the gap is the audit trail, not the code.
    audited = (
        f"import sqlite3; c = sqlite3.connect({db!r}, isolation_level=None); r = c.execute({floor_sql!r}).fetchall(); "
        "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO audit (at, who, action, entity, detail) "
        "VALUES (datetime('now'), 'bench-vloer', 'gezocht', 'zoekopdracht', '{}')\"); c.execute('COMMIT'); "
        "print(r); c.close()"
    )
    floor_audited = [python, "-c", audited]
    ours = [herstel, "--db", db, "zoek", bsn]
    for _ in range(3):  # warm the page cache and .pyc files
        timed(floor), timed(floor_audited), timed(ours)
    f, fa, o = [], [], []
    for _ in range(a.runs):
        f.append(timed(floor))
        fa.append(timed(floor_audited))
        o.append(timed(ours))
    fm, fam, om = statistics.median(f), statistics.median(fa), statistics.median(o)
    print(f"database: {cases} zaken; BSN ******{bsn[-3:]}; {a.runs} runs each, alternating")
    print(f"floor  python3 -c sqlite3 lookup : median {fm:6.1f} ms  (min {min(f):.1f})")
    print(f"floor  + audit row written       : median {fam:6.1f} ms  (min {min(fa):.1f})")
    print(f"herstel zoek <BSN>               : median {om:6.1f} ms  (min {min(o):.1f})")
    print(f"ratio to the lookup              : {om / fm:.2f}x  (target <= 2x, issue 18)")
    print(f"ratio to lookup + audit row      : {om / fam:.2f}x")


if __name__ == "__main__":
    main()
