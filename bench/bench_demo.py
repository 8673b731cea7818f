"""Demo build: `herstel demo --cases N` as a caseworker runs it, next to a floor measured in the same run.

    python bench/bench_demo.py [--cases 100000] [--src CHECKOUT]

Runs the real command in a child process (a new file, so the bulk path of ``make_demo``) and reports
its wall time and peak memory (the child's maximum resident set size, as ``/usr/bin/time -v``
shows it). The floor is the bare cost of writing the same number of rows (persons, cases, events)
with executemany into an empty database, without stories, the routekaart engine or indexes.
Prints the seconds of both and the ratio demo / floor. --src runs the command from another
checkout (e.g. main before a change) to compare. Runs by hand, not in CI; on a shared machine
the figures are noisy (run it twice).

Issue 18's targets: 1,000,000 cases in at most 120 s and 1 GB.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def floor(path: Path, persons: int, cases: int, events: int) -> float:
    """Writing the rows only: the least any demo of this size costs."""
    t0 = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT)")
    conn.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c TEXT, d TEXT)")
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c TEXT, d TEXT)")
    conn.executemany(
        "INSERT INTO p VALUES (?,?,?,?,?)", ((i, "Anna", "Jansen", "1980-01-01", "x") for i in range(persons))
    )
    conn.executemany("INSERT INTO c VALUES (?,?,?,?,?)", ((i, "HKO", i, "bo", "2025-01-01") for i in range(cases)))
    conn.executemany(
        "INSERT INTO e VALUES (?,?,?,?,?)", ((i, i % cases, "stap", None, "2025-01-01") for i in range(events))
    )
    conn.commit()
    conn.close()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--src", default=str(ROOT), help="checkout whose herstel_tui runs the command")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text('medewerker = "bench"\n')  # the same for every run, whatever the user's config
        env = {**os.environ, "PYTHONPATH": args.src, "HERSTEL_CONFIG": str(config)}
        db = Path(tmp) / "demo.db"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "herstel_tui", "demo", "--cases", str(args.cases), "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
        )
        demo = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
        if run.returncode:
            sys.exit(f"herstel demo failed: {run.stderr.strip()[-500:]}")
        counts = sqlite3.connect(db).execute(
            "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM cases), (SELECT count(*) FROM events)"
        )
        persons, cases, events = counts.fetchone()
        base = floor(Path(tmp) / "floor.db", persons, cases, events)
    took = re.search(r"\(([\d.]+) s\)", run.stdout)
    print(f"herstel demo --cases {args.cases} (src {args.src}): {demo:.1f} s wall", end="")
    print(f" ({took.group(1)} s inside), {events} gebeurtenissen" if took else "")
    mem = f"{peak_mb:.0f} MB" + (" (an earlier child was bigger)" if before > peak_mb * 1024 else "")
    print(f"peak memory (max RSS): {mem}")
    print(f"floor (rows only): {base:.1f} s")
    print(f"ratio demo/floor: {demo / base:.1f}")


if __name__ == "__main__":
    main()
