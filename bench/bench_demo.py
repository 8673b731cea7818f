"""Demo build time: `build_demo` for N cases next to a floor measured in the same run.

    python bench/bench_demo.py [--cases 100000]

The floor is the bare cost of writing the same number of rows (persons, cases, events,
summaries) with executemany into an empty database, without stories or the routekaart engine.
Prints the seconds of both and the ratio demo / floor. Runs by hand, not in CI; on a shared machine
the figures are noisy (run it twice).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from herstel_tui.services.demo import build_demo
from herstel_tui.settings.resources import open_store


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
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with open_store(Path(tmp) / "demo.db", "bench") as store:
            result = build_demo(store, args.cases)
        demo = time.perf_counter() - t0
        base = floor(Path(tmp) / "floor.db", result["personen"], result["zaken"], result["gebeurtenissen"])
    print(f"demo {args.cases} zaken: {demo:.1f} s ({result['gebeurtenissen']} gebeurtenissen)")
    print(f"floor (rows only): {base:.1f} s")
    print(f"ratio demo/floor: {demo / base:.1f}")


if __name__ == "__main__":
    main()
