#!/usr/bin/env python3
"""`herstel overzicht` (the statutory-dates overview) against a floor in the same run: a bare
`python3 -c` that opens the same file with sqlite3 and counts the cases per track and step.

    python bench/bench_overzicht.py --db /tmp/d100k.db [--runs 5]

Build the database first: `herstel demo --cases 100000 --db /tmp/d100k.db`. Both are started as
processes, alternately. Prints medians in ms and the ratio. Target (issue 18): overzicht <= 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import compile_package, herstel_command, timed


def main() -> None:
    compile_package()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    python = sys.executable
    herstel = herstel_command()
    with tempfile.TemporaryDirectory() as tmp:  # a copy: the file given is never written
        a.db = str(Path(tmp) / "bench.db")
        shutil.copyfile(ap.parse_args().db, a.db)
        timed([herstel, "--db", a.db, "overzicht"])  # migrated and the case index current first
        run(a, python, herstel)


def run(a: argparse.Namespace, python: str, herstel: str) -> None:
    floor_code = (
        "import sqlite3; c = sqlite3.connect(" + repr(a.db) + "); "
        "print(c.execute('SELECT c.track, s.current_step, count(*) FROM cases c "
        "JOIN case_summary s ON s.case_id = c.id GROUP BY 1, 2').fetchall())"
    )
    floor, ours = [], []
    for _ in range(a.runs):
        floor.append(timed([python, "-c", floor_code]))
        ours.append(timed([herstel, "--db", a.db, "overzicht"]))
    fm, om = statistics.median(floor), statistics.median(ours)
    print(f"{a.runs} runs each, alternating")
    print(f"floor  sqlite3 count per track and step : median {fm:7.1f} ms")
    print(f"herstel overzicht                       : median {om:7.1f} ms  ratio {om / fm:5.1f}  (target <= 1000 ms)")


if __name__ == "__main__":
    main()
