#!/usr/bin/env python3
"""Where a whole-index rebuild's CPU goes, per phase, in one process (no child): issue 18.

    python bench/profile_reindex.py --db /tmp/m100k.db --change vergeten|termijn|leeg

On a copy of the file (never written), the rebuild's ranges (REBUILD_BATCH cases) as
``CaseRepository.write_range`` computes them, each phase timed with time.process_time (CPU
seconds: steadier than the wall clock on a shared machine): the cases' tracks and the facts they
share with their household's aanvrager, the events read (one row a case), the shapes laid over
each case (the engine judging each new shape), the cases with a correction (the engine itself),
the stored rows read back and compared, the write. ``--change`` as in rebuild_for_compare.py.
``--partial`` (with ``--change termijn``): only the cases holding the changed rule, as a rebuild
after that change chooses them (``index_batch.changed_rules``), computed the events' way (the
rebuild itself takes their rows from the stored ones since: ``index_batch.rules_diff``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--change", choices=("termijn", "leeg", "vergeten"), default="vergeten")
    ap.add_argument("--partial", action="store_true")
    a = ap.parse_args()
    if a.partial and a.change != "termijn":
        ap.error("--partial is for --change termijn")

    from herstel_tui.domain.routekaart import parse_routekaart
    from herstel_tui.settings.resources import ROUTEKAART_FILE, data_file
    from herstel_tui.store import Store
    from herstel_tui.store.base import collector_paused
    from herstel_tui.store.cases import REBUILD_BATCH
    from herstel_tui.store.index_batch import (
        EVENTS_BY_CASE,
        EVENTS_OF_CASES,
        HOLDING_RULES,
        IN_JSON,
        case_index,
        changed_rules,
        index_diff,
        index_marks,
        shaped_index,
        write_diff,
    )

    source = data_file(ROUTEKAART_FILE).read_bytes()
    shipped = parse_routekaart(source, data_file(ROUTEKAART_FILE))
    if a.change == "termijn":
        source = source.replace(b'period = "8 weken"', b'period = "9 weken"', 1)
    rk = parse_routekaart(source, data_file(ROUTEKAART_FILE))
    today = date(2026, 12, 2)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "profile.db")
        shutil.copyfile(a.db, db)
        Store(db, "bench", routekaart=shipped).close()  # migrated, index current
        if a.change == "leeg":
            with sqlite3.connect(db) as conn:
                conn.execute("DELETE FROM case_deadlines")
                conn.execute("DELETE FROM case_summary")
            conn.close()
        store = Store(db, "bench", routekaart=shipped)
        store.routekaart = rk  # (computed with the changed routekaart, without a rebuild on opening)
        repo, conn = store.cases, store.conn
        cpu = time.process_time
        s0 = cpu()
        if a.partial:
            marks = dict(index_marks(shipped))
            only = json.dumps(changed_rules(rk, marks["routekaart_hash"], marks["index_rules"]))
            ids = [r[0] for r in conn.execute(HOLDING_RULES, (only,))]
        else:
            only = None
            ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")]
        selected = cpu() - s0
        phases = dict.fromkeys(
            ("tracks+shared", "events read", "shapes", "corrections", "read back+compare", "write"), 0.0
        )
        c0, w0 = cpu(), time.perf_counter()
        with collector_paused():
            for start in range(0, len(ids), REBUILD_BATCH):
                first, last = ids[start], ids[min(start + REBUILD_BATCH, len(ids)) - 1]
                cases = json.dumps(ids[start : start + REBUILD_BATCH]) if a.partial else None
                where, args = ("BETWEEN ? AND ?", [first, last]) if cases is None else (IN_JSON, [cases])
                with repo.transaction():
                    t0 = cpu()
                    tracks = dict(conn.execute(f"SELECT id, track FROM cases WHERE id {where}", args))
                    shared = repo._shared_facts(tracks, where, args)
                    t1 = cpu()
                    events = conn.execute(EVENTS_BY_CASE if cases is None else EVENTS_OF_CASES, args).fetchall()
                    t2 = cpu()
                    summaries, rows, slow = shaped_index(rk, tracks, events, shared, today.isoformat())
                    t3 = cpu()
                    for cid, (track, evs) in repo.all_recorded(slow).items() if slow else ():
                        summary, deadlines = case_index(rk, track, evs, today)
                        summaries.append((cid, *summary))
                        rows.extend((cid, *row) for row in deadlines)
                    t4 = cpu()
                    diff = index_diff(conn, first, last, summaries, rows, cases, only)
                    t5 = cpu()
                    write_diff(conn, first, last, diff)
                    t6 = cpu()
                for name, took in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                    phases[name] += took
        total, wall = cpu() - c0, time.perf_counter() - w0
        store.close()
    print(f"{len(ids)} zaken, --change {a.change}; load average {os.getloadavg()[0]:.2f}")
    if a.partial:
        print(f"the cases selected in {selected:.2f} s of CPU (besides the total)")
    print(f"cpu {total:.2f} s (wall {wall:.2f} s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))


if __name__ == "__main__":
    sys.exit(main())
