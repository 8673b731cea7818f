"""Time reading and parsing a portal list in a warm process: ``read_table`` (xlsx -> rows) and
``ListParser(...).all()`` (rows -> records), as ``services.portal.import_list`` calls them (the
cycle collector paused), after one warm-up of each. Prints the median of --runs runs of each, in seconds.

    PYTHONPATH=TREE python bench/bench_list_read.py [LIST.xlsx] [--kind aanmeldingen] [--runs 5]

LIST.xlsx: e.g. the 50,000-row list of bench_import.py (default /tmp/imp34/l50k.xlsx). Run it for
the old and the new tree in turn (alternating: the machine's speed drifts). Instructions:
``valgrind --tool=callgrind python bench/bench_list_read.py --runs 0`` (one read and parse), less
``--read 0`` (the modules only). Runs by hand, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.files.portal_reader import read_table
from herstel_tui.services.portal_lists import ListParser, columns_for
from herstel_tui.settings.config import Config
from herstel_tui.store.base import collector_paused


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list", type=Path, nargs="?", default=Path("/tmp/imp34/l50k.xlsx"))
    ap.add_argument("--kind", default="aanmeldingen")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--read", type=int, default=1, help="0: import the modules only (a baseline for valgrind)")
    ap.add_argument("--parse", type=int, default=1, help="0: read the list only")
    a = ap.parse_args()
    mapping = Config(exportmap=Path("/tmp"), medewerker="bench").portaal_kolommen
    columns, required = columns_for(a.kind, mapping)
    today = clock.today()
    if not a.read:
        import defusedxml.common  # type: ignore[import-untyped]  # noqa: F401
        import openpyxl.reader.excel  # noqa: F401  (as read_table imports them)

        return
    reads, parses = [], []
    for run in range(a.runs + 1 if a.runs else 1):  # the first: a warm-up (--runs 0: that one only, for valgrind)
        with collector_paused():  # (as import_list reads and parses)
            t0 = time.perf_counter()
            table = read_table(a.list, columns, required)
            t1 = time.perf_counter()
            parsed = ListParser(a.kind, table, mapping, today).all() if a.parse else None
            t2 = time.perf_counter()
        if run or not a.runs:
            reads.append(t1 - t0)
            parses.append(t2 - t1)
    read, parse = statistics.median(reads), statistics.median(parses)
    print(
        f"read_table {read:.3f} s  parse {parse:.3f} s  both {read + parse:.3f} s  "
        f"({len(table.rows)} rows, {len(parsed.records) if parsed else '-'} records, "
        f"{len(parsed.outcomes) if parsed else '-'} outcomes)"
    )


if __name__ == "__main__":
    main()
