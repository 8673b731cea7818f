"""One portal list applied to an empty register (or planned: --dry-run) for instruction counts:
the import's batches are timed, so under valgrind they would be other batches than on the
machine; here one transaction, or (--batch-rows N) transactions of exactly N rows each, old and new
code alike.

    valgrind --tool=callgrind --callgrind-out-file=cg.out \\
        python bench/callgrind_import.py LIST.xlsx [--dry-run] [--batch-rows 8000] [--base DB]

LIST.xlsx: e.g. the list of bench_import.py (tests.services.test_portal_large.list_rows written with
tests.support.portal.write_xlsx). ``--base DB``: on a copy of DB (e.g. the 100,000-case demo; never
written), as bench_import.py --base does, instead of an empty register. Runs by hand, not in CI.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.services import portal_import
from herstel_tui.services.portal import import_list
from herstel_tui.settings.config import Config
from herstel_tui.settings.resources import open_store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list", type=Path)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--base", type=Path, help="on a copy of this database (never written), not an empty one")
    ap.add_argument("--batch-rows", type=int, default=0, help="rows per transaction (0: one transaction)")
    a = ap.parse_args()
    if a.batch_rows:  # exactly BATCH_MIN_ROWS rows per transaction, whatever valgrind's pace
        portal_import.BATCH_SECONDS = 0.0
        portal_import.BATCH_MIN_ROWS = a.batch_rows
    else:  # one transaction
        portal_import.BATCH_SECONDS = 1e9
    portal_import.PAUSE_SECONDS = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cfg = Config(exportmap=folder / "export", medewerker="bench")
        if a.base:  # SQLite's backup: the base only read, both closed before the store opens the copy
            with closing(sqlite3.connect(f"file:{a.base}?mode=ro", uri=True)) as src:
                with closing(sqlite3.connect(folder / "r.db")) as dst:
                    src.backup(dst)
        with open_store(folder / "r.db", "bench") as store:
            report = import_list(store, cfg, "aanmeldingen", a.list, dry_run=a.dry_run, today=clock.today())
            print(report.summary)


if __name__ == "__main__":
    main()
