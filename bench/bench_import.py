"""A 50,000-row portal list (aanmeldingen) read, planned and applied, next to bare openpyxl reading
the same file, in the same run.

    python bench/bench_import.py [--rows 50000] [--runs 3] [--phases] [--base DB]

Prints medians over the runs of:
  - bare openpyxl, read-only mode: every cell value of the sheet (the floor);
  - herstel's reading of the file (``read_table``: header, limits, the rows by files/xlsx_rows);
  - herstel's dry run (``import_list(..., dry_run=True)``) and the apply on an empty database;
and their ratios to the floor. The test range holds 9,091 valid BSNs, so the rows repeat them: each
BSN first creates a person, household and case, later rows are skipped or update the phone number.
``--base DB``: the list planned and applied on a copy of DB (a register, e.g. the 100,000-case demo,
whose persons hold those BSNs), as in the field, instead of on an empty database.
Runs by hand, not in CI.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from herstel_tui.settings.resources import open_store

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def bare_read(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    n = sum(1 for row in wb.active.iter_rows(values_only=True) for _ in row)
    wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--phases", action="store_true", help="also time the dry run's reading, parsing and applying")
    ap.add_argument("--base", type=Path, help="apply to a copy of this database (never written), not an empty one")
    a = ap.parse_args()

    from stdnum.nl import bsn

    from herstel_tui.domain import clock
    from herstel_tui.files.portal_reader import read_table
    from herstel_tui.services.portal import import_list
    from herstel_tui.services.portal_lists import columns_for
    from herstel_tui.settings.config import Config
    from tests.services.test_portal_large import list_rows
    from tests.support.portal import write_xlsx

    bsns = [f"9999{n:05d}" for n in range(100_000) if bsn.is_valid(f"9999{n:05d}")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_xlsx(folder / "aanmeldingen.xlsx", list_rows(a.rows, bsns))
        cfg = Config(exportmap=folder / "export", medewerker="bench")
        floor, reads, dry, apply = [], [], [], []
        for run in range(a.runs):
            t0 = time.perf_counter()
            bare_read(path)
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            columns, required = columns_for("aanmeldingen", cfg.portaal_kolommen)
            read_table(path, columns, required, limits=cfg.grenzen.read_limits())
            reads.append(time.perf_counter() - t0)
            if a.base:
                # SQLite's backup: a consistent copy, the base only read; both closed before the store opens it
                with closing(sqlite3.connect(f"file:{a.base}?mode=ro", uri=True)) as src:
                    with closing(sqlite3.connect(folder / f"run{run}.db")) as dst:
                        src.backup(dst)
            with open_store(folder / f"run{run}.db", "bench") as store:
                t0 = time.perf_counter()
                plan = import_list(store, cfg, "aanmeldingen", path, dry_run=True, today=clock.today())
                dry.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                done = import_list(store, cfg, "aanmeldingen", path, dry_run=False, today=clock.today())
                apply.append(time.perf_counter() - t0)
                assert plan.counts == done.counts, (plan.counts, done.counts)
            if a.phases:  # the dry run's parts: reading, parsing, applying (on a private copy)
                from herstel_tui.files.portal_common import file_meta
                from herstel_tui.services.portal_import import apply_import
                from herstel_tui.services.portal_lists import parse_table

                with open_store(folder / f"phases{run}.db", "bench") as store:
                    t0 = time.perf_counter()
                    table = read_table(path, columns, required, limits=cfg.grenzen.read_limits())
                    t1 = time.perf_counter()
                    parsed = parse_table("aanmeldingen", table, cfg.portaal_kolommen, clock.today())
                    t2 = time.perf_counter()
                    apply_import(store, parsed, file_meta(path), dry_run=True, today=clock.today())
                    t3 = time.perf_counter()
                print(
                    f"  run {run + 1}: dry run = read {t1 - t0:.2f} s + parse {t2 - t1:.2f} s + apply {t3 - t2:.2f} s"
                )
        f, r, d, ap_ = (statistics.median(x) for x in (floor, reads, dry, apply))
        print(f"portal list of {a.rows:,} rows, median of {a.runs} runs ({done.summary})")
        print(f"  bare openpyxl read-only, all cells   {f * 1000:9.0f} ms")
        print(f"  herstel reading the file (read_table) {r * 1000:8.0f} ms   ratio {r / f:5.1f}")
        print(f"  herstel dry run                      {d * 1000:9.0f} ms   ratio {d / f:5.1f}")
        where = f"on a copy of {a.base.name}" if a.base else "(empty database)"
        print(f"  herstel apply {where:22s} {ap_ * 1000:9.0f} ms   ratio {ap_ / f:5.1f}")


if __name__ == "__main__":
    main()
