#!/usr/bin/env python3
"""Where a rebuild split over two processes (store/index_split.py) starts to pay: SPLIT_FROM.

    python bench/bench_split.py --db /tmp/m100k.db [--sizes 5000,10000,20000,40000] [--runs 3]

On a copy of the file (never written), with the index current (nothing to write: the ``vergeten``
case of bench_reindex.py), rebuilds the ranges of the first N cases, alternating in one sequence:
``alone`` (this process), ``split`` (a child from the back whatever the machine's load) and
``auto`` (as shipped: split only with a core to spare, FREE_CORE). Prints medians of wall clock
and CPU seconds (this process + its child), the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--sizes", default="5000,10000,20000,40000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", default="alone,split,auto")
    a = ap.parse_args()

    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import index_split
    from herstel_tui.store.base import collector_paused
    from herstel_tui.store.cases import REBUILD_BATCH
    from herstel_tui.store.index_batch import Batch

    today = date(2026, 12, 2)
    modes = a.modes.split(",")
    sizes = [int(n) for n in a.sizes.split(",")]
    real_free = index_split.free_cores
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        shutil.copyfile(a.db, db)
        with open_store(db, "bench") as store:  # migrated, index current
            ids = [r[0] for r in store.conn.execute("SELECT id FROM cases ORDER BY id")]
            wall: dict[tuple[int, str], list[float]] = {(n, m): [] for n in sizes for m in modes}
            cpu: dict[tuple[int, str], list[float]] = {(n, m): [] for n in sizes for m in modes}
            for _ in range(a.runs):
                for n in sizes:
                    ranges = [
                        Batch(ids[s], ids[min(s + REBUILD_BATCH, n) - 1], min(REBUILD_BATCH, n - s))
                        for s in range(0, n, REBUILD_BATCH)
                    ]
                    for mode in modes:
                        index_split.free_cores = (lambda before, cores: 9.0) if mode == "split" else real_free
                        t0, c0 = time.perf_counter(), _cpu()
                        with collector_paused():
                            if mode == "alone":
                                for first, last, *_ in ranges:
                                    with store.cases.transaction():
                                        store.cases.write_range(today, first, last)
                            else:
                                index_split.rebuild_split(store.cases, ranges, today, lambda done: None)
                        wall[n, mode].append(time.perf_counter() - t0)
                        cpu[n, mode].append(_cpu() - c0)
    print(f"load average after: {os.getloadavg()}; {a.runs} runs, medians")
    for n in sizes:
        print(
            f"{n:>7} cases: "
            + "   ".join(
                f"{m} {statistics.median(wall[n, m]):5.2f} s (cpu {statistics.median(cpu[n, m]):5.2f} s)" for m in modes
            )
        )


if __name__ == "__main__":
    sys.exit(main())
