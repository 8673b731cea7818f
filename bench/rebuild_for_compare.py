#!/usr/bin/env python3
"""Rebuild the case index of a database in place, for comparing two versions' rebuilds with
``compare_databases.py`` (issue 18: a faster rebuild must leave the same index).

    cp d100k.db a.db; cp d100k.db b.db
    PYTHONPATH=OLD python bench/rebuild_for_compare.py a.db --change termijn
    python bench/rebuild_for_compare.py b.db --change termijn
    python bench/compare_databases.py a.db b.db

``--change``: ``termijn`` (the first-talk termijn 9 weeks instead of 8: every case recomputed, the
rows that differ rewritten), ``leeg`` (the shipped routekaart, the index emptied first: every row
written), ``vergeten`` (the shipped routekaart, its fingerprint forgotten: every case recomputed).
``--vandaag`` pins the day (default 2026-12-02), as the index's next dates depend on it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--change", choices=("termijn", "leeg", "vergeten"), default="termijn")
    ap.add_argument("--vandaag", default="2026-12-02")
    a = ap.parse_args()
    os.environ["HERSTEL_VANDAAG"] = a.vandaag

    from herstel_tui.domain.routekaart import parse_routekaart
    from herstel_tui.settings.resources import ROUTEKAART_FILE, data_file
    from herstel_tui.store import Store

    source = data_file(ROUTEKAART_FILE).read_bytes()
    if a.change == "termijn":
        source = source.replace(b'period = "8 weken"', b'period = "9 weken"', 1)
    rk = parse_routekaart(source, data_file(ROUTEKAART_FILE))
    conn = sqlite3.connect(a.db)
    if a.change == "leeg":
        conn.execute("DELETE FROM case_deadlines")
        conn.execute("DELETE FROM case_summary")
    conn.execute("DELETE FROM meta WHERE key IN ('routekaart_hash', 'index_hash')")
    conn.commit()
    conn.close()
    t0 = time.perf_counter()
    Store(a.db, "bench", routekaart=rk).close()  # opens and rebuilds
    print(f"{a.db}: rebuilt ({a.change}) in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
