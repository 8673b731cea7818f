#!/usr/bin/env python3
"""Rebuild the case index of a database in place, for comparing two versions' rebuilds with
``compare_databases.py`` (issue 18: a faster rebuild must leave the same index).

    cp d100k.db a.db; cp d100k.db b.db
    PYTHONPATH=OLD python bench/rebuild_for_compare.py a.db --change termijn
    python bench/rebuild_for_compare.py b.db --change termijn
    python bench/compare_databases.py a.db b.db

``--change``: ``termijn`` (the first-talk termijn 9 weeks instead of 8: every case recomputed, the
rows that differ rewritten), ``nazorg`` (the nazorg period 12 months instead of 24: cases in nazorg
whose only running termijn now has run out are closed), ``uht`` (the Brede Hulpteam's answer owed
by the municipality: no longer waited on), ``leeg`` (the shipped routekaart, the index emptied
first: every row written), ``vergeten`` (the shipped routekaart, its fingerprint forgotten: every
case recomputed).
``--vandaag`` pins the day (default 2026-12-02), as the index's next dates depend on it.

``--merken``: the index first made current with the shipped routekaart and its marks written as
every writer of a whole index leaves them (by the code under test), then opened with the change:
as in the field, where a change in a rule's own fields (``termijn``) recomputes only the cases
holding it (``index_batch.changed_rules``; a version before that recomputes every case). Use a
``--vandaag`` on or after the day the demo was built (the index's rows of the other cases were
brought up to that day; ``nazorg`` and ``uht`` are such changes too). ``--split``: the rebuild
split over two processes whatever the machine's load (``store/index_split.py``), the ranges the
child computed counted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time

# A change in one rule's own fields: the first occurrence of this text in the shipped file replaced.
CHANGES = {
    "termijn": (b'period = "8 weken"', b'period = "9 weken"'),  # eerste_gesprek_voeren
    "nazorg": (b'period = "24 maanden"', b'period = "12 maanden"'),  # nazorgperiode
    "uht": (b'owed_by = "uht"\n', b""),  # antwoord_brede_hulpteam: the default, the municipality
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--change", choices=(*CHANGES, "leeg", "vergeten"), default="termijn")
    ap.add_argument("--vandaag", default="2026-12-02")
    ap.add_argument("--merken", action="store_true")
    ap.add_argument("--split", action="store_true")
    a = ap.parse_args()
    if a.merken and a.change not in CHANGES:
        ap.error("--merken is for a change in a rule (leeg and vergeten remove the marks)")
    os.environ["HERSTEL_VANDAAG"] = a.vandaag

    from herstel_tui.domain.routekaart import parse_routekaart
    from herstel_tui.settings.resources import ROUTEKAART_FILE, data_file
    from herstel_tui.store import Store

    source = data_file(ROUTEKAART_FILE).read_bytes()
    if a.merken:
        from herstel_tui.store.index_batch import index_marks

        shipped = parse_routekaart(source, data_file(ROUTEKAART_FILE))
        Store(a.db, "bench", routekaart=shipped).close()  # current with the shipped file
        with sqlite3.connect(a.db) as conn:
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", index_marks(shipped))
        conn.close()
    from_child: list[int] = []
    if a.split:
        from herstel_tui.store import index_split

        index_split.free_cores = lambda before, cores: float(cores)  # type: ignore[assignment]
        index_split.MEASURE_FOR = 0.0
        write_diff = index_split.write_diff

        def counted(conn, first, last, diff):  # type: ignore[no-untyped-def]
            from_child.append(first)
            return write_diff(conn, first, last, diff)

        index_split.write_diff = counted  # type: ignore[assignment]
    if a.change in CHANGES:
        source = source.replace(*CHANGES[a.change], 1)
    rk = parse_routekaart(source, data_file(ROUTEKAART_FILE))
    conn = sqlite3.connect(a.db)
    if a.change == "leeg":
        conn.execute("DELETE FROM case_deadlines")
        conn.execute("DELETE FROM case_summary")
    if not a.merken:
        conn.execute("DELETE FROM meta WHERE key IN ('routekaart_hash', 'index_hash')")
    conn.commit()
    conn.close()
    t0 = time.perf_counter()
    Store(a.db, "bench", routekaart=rk).close()  # opens and rebuilds
    split = f"; the child computed {len(from_child)} ranges" if a.split else ""
    print(f"{a.db}: rebuilt ({a.change}) in {time.perf_counter() - t0:.2f} s{split}")


if __name__ == "__main__":
    sys.exit(main())
