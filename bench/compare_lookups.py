#!/usr/bin/env python3
"""`herstel termijnen`, `toon` and `zoek` by two versions of the code, on copies of one database,
for several peildatums (HERSTEL_VANDAAG): prints same/DIFF per output and compares the audit rows
both wrote (every look at a person is audited), exit 1 on any difference.

    python bench/compare_lookups.py --db /tmp/d100k.db --old /path/to/old/checkout [--new .]

Each version runs as `python -m herstel_tui` (the console script's router first) with PYTHONPATH
at its checkout, on its own copy of the file, the same commands in the same order. On each date
termijnen runs first: on a new date a period may have run out, and the first command brings the
case index up to date (a quick path must then leave it to the full one); toon and zoek follow.
Issue 18: a faster lookup must give the same answer and write the same audit rows.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_reports import TERMIJNEN, arguments, run, two_sides

DATES = ["2026-12-02", "2026-12-09", "2027-01-15", "2027-06-30", "2025-09-30"]
AUDIT = "SELECT who, action, entity, entity_id, person_id, case_id, detail FROM audit ORDER BY id"


def pick(db: Path) -> tuple[list[str], list[str]]:
    """(toon arguments, zoek terms) that reach every kind of answer."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    n = one("SELECT max(id) FROM cases")
    zaken = [one(f"SELECT zaaknummer FROM cases WHERE id >= {n * k // 4} ORDER BY id LIMIT 1") for k in (1, 2, 3)]
    zaken += [
        one("SELECT zaaknummer FROM cases WHERE closed IS NOT NULL ORDER BY id LIMIT 1"),
        one("SELECT c.zaaknummer FROM cases c JOIN case_summary s ON s.case_id = c.id WHERE s.closed = 1 LIMIT 1"),
        one("SELECT zaaknummer FROM cases WHERE urgency IS NOT NULL OR casuistiekoverleg = 1 ORDER BY id LIMIT 1"),
        one("SELECT zaaknummer FROM cases WHERE id IN (SELECT case_id FROM contact_notes) ORDER BY id DESC LIMIT 1"),
        one(
            "SELECT c.zaaknummer FROM cases c JOIN household_members m ON m.person_id = c.person_id "
            "WHERE m.household_id IN (SELECT household_id FROM household_members GROUP BY 1 HAVING count(*) > 2) "
            "ORDER BY c.id DESC LIMIT 1"
        ),
    ]
    two_cases = one(
        "SELECT p.bsn FROM persons p JOIN cases c ON c.person_id = p.id WHERE p.bsn IS NOT NULL GROUP BY p.id HAVING count(*) > 1 LIMIT 1"
    )
    child = one("SELECT bsn FROM persons WHERE bsn IS NOT NULL AND id NOT IN (SELECT person_id FROM cases) LIMIT 1")
    toon = [*zaken, zaken[0][4:], two_cases, child, "HKO-2026-999999", "12345"]
    street = one("SELECT street FROM persons WHERE street IS NOT NULL ORDER BY id LIMIT 1")
    bsn = one(
        "SELECT bsn FROM persons WHERE bsn IS NOT NULL AND id IN (SELECT person_id FROM cases) ORDER BY id DESC LIMIT 1"
    )
    zoek = [bsn, f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}", "jansen", zaken[1], zaken[1][4:], street, "zzzzqq"]
    conn.close()
    return toon, zoek


def main() -> int:
    a = arguments(__doc__)
    toon, zoek = pick(Path(a.db))
    fail = False
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        env, dbs, srcs = two_sides(Path(tmp), a)
        for day in DATES:
            env["HERSTEL_VANDAAG"] = day
            checks = [["termijnen", *o] for o in TERMIJNEN]
            checks += [["toon", z, *f] for z in toon for f in ([], ["--json"])]
            checks += [["toon", toon[-4], "--spoor", "schuldenaanpak"]]
            checks += [["zoek", z, *f] for z in zoek for f in ([], ["--json"], ["--csv"])]
            for args in checks:
                got = {s: run(srcs[s], ["-m", "herstel_tui", "--db", str(dbs[s]), *args], env) for s in srcs}
                same = got["old"] == got["new"]
                fail |= not same
                count += 1
                lines = len(got["new"][1].splitlines())
                print(
                    f"{day} {' '.join(args)[:60]:<60} {'same' if same else 'DIFF'} ({lines} lines, exit {got['new'][0]})"
                )
        audit = {}
        for side, path in dbs.items():
            with sqlite3.connect(path) as conn:
                audit[side] = conn.execute(AUDIT).fetchall()
        same = audit["old"] == audit["new"]
        fail |= not same
        print(f"audit rows: old {len(audit['old'])}, new {len(audit['new'])}: {'same' if same else 'DIFF'}")
    print(json.dumps({"uitvoer": count, "verschillen": fail}))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
