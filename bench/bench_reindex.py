#!/usr/bin/env python3
"""The case index rebuild after a routekaart change (case_summary + case_deadlines) against a
floor in the same run: a bare sqlite3 read of every event of the same file (what any rebuild
must at least do).

    python bench/bench_reindex.py --db /tmp/d100k.db [--runs 3]

The file is copied first (never written). Three rebuilds, each timed in this process:

- ``tekst``: only a text the index does not hold changed (a phone number): its index
  fingerprint is the same, nothing is recomputed;
- ``vergeten``: the fingerprint forgotten (as a migration does when the index's code changed):
  every case recomputed, no row differs, none written;
- ``termijn``: the first-talk termijn runs 9 weeks instead of 8: the cases holding that termijn
  recomputed (a change in a rule's own fields alone: ``index_batch.changed_rules``; every case
  before stop 30), the rows that differ rewritten;
- ``vullen``: case_deadlines empty (a database from before migration 12): every termijn written
  (its two partial indexes dropped first and made again in the last transaction:
  ``index_batch.drop_indexes``).

Prints medians in s (and this process's CPU time, steadier on a shared machine, and its child's:
a rebuild of 40,000 cases or more is split over two processes when a core is free,
``store/index_split.py``) and the ratio to the floor. Target (issue 18): <= 2 s at 100,000 cases,
with progress shown (``Zaakindex bijwerken: …`` on stderr; see ``herstel controle --herbouw``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path


def floor_read(db: str) -> float:
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("SELECT case_id, step, outcome, fact_date, correction, reason, id FROM events").fetchall()
    conn.close()
    return time.perf_counter() - t0


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (a split rebuild's child)."""
    got = resource.getrusage(resource.RUSAGE_CHILDREN)
    return got.ru_utime + got.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()

    from herstel_tui.domain.routekaart import parse_routekaart
    from herstel_tui.settings.resources import ROUTEKAART_FILE, data_file
    from herstel_tui.store import Store
    from herstel_tui.store.index_batch import index_marks

    source = data_file(ROUTEKAART_FILE).read_bytes()
    texts = {
        "tekst": source.replace(b"0800-2358358", b"0800-2358359", 1),
        "termijn": source.replace(b'period = "8 weken"', b'period = "9 weken"', 1),  # eerste_gesprek_voeren
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        shutil.copyfile(a.db, db)
        original = parse_routekaart(source, data_file(ROUTEKAART_FILE))
        Store(db, "bench", routekaart=original).close()  # migrated, index current
        # as every writer of a whole index leaves it (a demo built before index_hash has none: its
        # first ``tekst`` would be a whole rebuild, and the median of two runs half of one)
        with sqlite3.connect(db) as conn:
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", index_marks(original))
        conn.close()
        cases = sqlite3.connect(db).execute("SELECT count(*) FROM cases").fetchone()[0]
        floors: list[float] = []
        results: dict[str, list[float]] = {name: [] for name in ("tekst", "vergeten", "termijn", "vullen")}
        cpu: dict[str, list[float]] = {name: [] for name in results}  # this process's CPU time (shared machine)
        child: dict[str, list[float]] = {name: [] for name in results}  # its child's (a split rebuild)
        for _ in range(a.runs):
            for name in results:
                floors.append(floor_read(db))
                rk = parse_routekaart(texts[name], data_file(ROUTEKAART_FILE)) if name in texts else original
                store = Store(db, "bench", routekaart=original)  # current index first
                if name in ("vergeten", "vullen"):  # as a migration leaves it (12: no termijnen yet)
                    with store.transaction() as conn:
                        if name == "vullen":
                            conn.execute("DELETE FROM case_deadlines")
                        conn.execute("DELETE FROM meta WHERE key = 'routekaart_hash'")
                store.close()
                t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
                store = Store(db, "bench", routekaart=rk)  # opens and rebuilds
                results[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
                child[name].append(_children_cpu() - k0)
                store.close()
                if name in texts:  # back to the shipped routekaart for the next scenario
                    Store(db, "bench", routekaart=original).close()
        fm = statistics.median(floors)
        print(f"database: {cases} zaken; {a.runs} runs each; load average now {os.getloadavg()[0]:.2f}")
        print(f"floor  sqlite3 read of every event : median {fm:6.2f} s")
        for name, times in results.items():
            m = statistics.median(times)
            c, k = statistics.median(cpu[name]), statistics.median(child[name])
            print(
                f"rebuild {name:<8} (open + rebuild)  : median {m:6.2f} s (cpu {c:5.2f} s + child {k:5.2f} s)"
                f"  ratio {m / fm:5.1f}  (target <= 2 s)"
            )


if __name__ == "__main__":
    sys.exit(main())
