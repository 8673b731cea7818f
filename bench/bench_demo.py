"""Demo build: `herstel demo --cases N` as a caseworker runs it, next to a floor measured in the same run.

    python bench/bench_demo.py [--cases 100000] [--src CHECKOUT] [--phases]

Runs the real command in a child process (a new file, so the bulk path of ``make_demo``) and reports
its wall time and peak memory (the child's maximum resident set size, as ``/usr/bin/time -v``
shows it). The floor is the bare cost of writing the same number of rows (persons, cases, events)
with executemany into an empty database, without stories, the routekaart engine or indexes.
Prints the seconds of both and the ratio demo / floor. --src runs the command from another
checkout (e.g. main before a change) to compare. Runs by hand, not in CI; on a shared machine
the figures are noisy (run it twice).

--phases builds the demo once more, in a child process that times every SQL statement the build sends
(by the statement's text; an executemany is one entry per batch): wall seconds and the CPU seconds of
the thread that ran it (SQLite's sorting helper thread of PRAGMA threads is not in them), with the
count of calls, then the time outside SQL (making the rows in Python), the main thread's CPU (what a
second core cannot take over) and the process's. Statements on the bulk load's second thread
(store/bulk.py) overlap the main thread's work: their wall seconds are not a part of the total.

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
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

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


class _TimedConnection:
    """A connection whose execute and executemany are timed per statement text (wall, thread CPU, calls)."""

    def __init__(self, conn: sqlite3.Connection, times: dict[str, list[float]]) -> None:
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_times", times)

    def _timed(self, key: str, call: Any, *args: Any) -> Any:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return call(*args)
        finally:
            row = self._times[f"{key} {' '.join(args[0].split())[:64]}"]
            row[0] += time.perf_counter() - t0
            row[1] += time.thread_time() - c0
            row[2] += 1
            row[3] = max(row[3], threading.current_thread() is not threading.main_thread())

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed("    ", self._conn.execute, sql, *args)

    def executemany(self, sql: str, rows: Any) -> Any:
        return self._timed("many", self._conn.executemany, sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._conn, name, value)


def phases_inside(cases: int, path: Path) -> None:
    """Run make_demo in this process with every statement timed, and print the table (--phases)."""
    import herstel_tui.services.demo as demo
    from herstel_tui.settings.resources import default_routekaart
    from herstel_tui.store.db import Store

    times: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])

    class TimedStore(Store):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.conn = _TimedConnection(self.conn, times)  # type: ignore[assignment]

    demo.Store = TimedStore  # type: ignore[misc]
    routekaart = default_routekaart()
    t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
    demo.make_demo(path, cases, routekaart=routekaart, me="bench")
    wall, cpu, main_cpu = time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0
    print(f"{'wall s':>8} {'cpu s':>8} {'calls':>6}  statement (* on the bulk load's second thread)")
    for key, (w, c, n, other) in sorted(times.items(), key=lambda kv: -kv[1][0]):
        if w >= 0.05:
            print(f"{w:8.2f} {c:8.2f} {n:6d} {'*' if other else ' '}{key}")
    in_main = sum(w for w, _c, _n, other in times.values() if not other)
    print(
        f"total {wall:.1f} s wall: SQL on the main thread {in_main:.1f} s, outside SQL (Python) {wall - in_main:.1f} s"
    )
    print(
        f"CPU: main thread {main_cpu:.1f} s, process {cpu:.1f} s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--src", default=str(ROOT), help="checkout whose herstel_tui runs the command")
    ap.add_argument("--phases", action="store_true", help="then time each SQL statement of a build in a child")
    ap.add_argument("--inside-phases", metavar="DB", help=argparse.SUPPRESS)  # the child of --phases
    args = ap.parse_args()
    if args.inside_phases:
        phases_inside(args.cases, Path(args.inside_phases))
        return
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
    if args.phases:
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "config.toml"
            config.write_text('medewerker = "bench"\n')
            env = {**os.environ, "PYTHONPATH": args.src, "HERSTEL_CONFIG": str(config)}
            inside = [
                sys.executable,
                __file__,
                "--cases",
                str(args.cases),
                "--inside-phases",
                str(Path(tmp) / "demo.db"),
            ]
            subprocess.run(inside, check=True, env=env, cwd=tmp)


if __name__ == "__main__":
    main()
