"""Writing a vraagbestand of 10,000 BSNs: our export next to bare openpyxl, in the same run.

    python bench/bench_vraagbestand.py [--runs 7] [--n 10000]

Prints medians over the runs of:
  - bare openpyxl, normal workbook: ``ws.append([bsn])`` for the same cells, ``wb.save``;
  - bare openpyxl, write-only workbook (what our writer uses underneath);
  - ``portal.vraagbestand.write_vraagbestand``: the same file plus what the portal needs from us
    (every BSN checked again with the 11-check, duplicates refused, a temporary file moved into
    place without overwriting, mode 0600, sha256 of the file);
  - the full export ``portal.service.export_vraagbestand`` on a database with the children, which
    also records one request per child, a contact note on the cases concerned and the audit trail
    (the test range holds 9,091 valid BSNs, so that part runs with those: the figure is per run,
    and the per-BSN cost is printed too);
and the ratios against bare openpyxl. Every file written is checked with
the project's portal rules (tests/portal/portal_rules.py) once. Runs by hand, not in CI.

BSNs: the 9,091 valid numbers of the test range 9999xxxxx do not reach 10,000, so the file-writing
part adds 909 numbers from 99980xxxx that pass the 11-check. They only ever exist in a temporary
folder that is removed at the end and carry no other data.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from herstel_tui.settings.resources import open_store

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
PORTAL_ID = "GPB12AB"


def bsns(n: int) -> list[str]:
    from stdnum.nl import bsn

    test = [f"9999{i:05d}" for i in range(100_000) if bsn.is_valid(f"9999{i:05d}")]
    extra = [f"9998{i:05d}" for i in range(100_000) if bsn.is_valid(f"9998{i:05d}")]
    return (test + extra)[:n]


def bare_normal(path: Path, values: list[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BSN"])
    for v in values:
        ws.append([v])
    wb.save(path)


def bare_write_only(path: Path, values: list[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Blad1")
    ws.append(["BSN"])
    for v in values:
        ws.append([v])
    wb.save(path)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def check(path: Path) -> str:
    from tests.support.portal_rules import check_vraagbestand

    problems, count = check_vraagbestand(path)
    return "REFUSED: " + "; ".join(problems) if problems else f"ok: {count} BSNs"


def children_db(folder: Path):
    """A store with one household per child (a parent with a case and one child with a BSN)."""
    from stdnum.nl import bsn

    store = open_store(folder / "bench.db", "bench")
    test = [f"9999{i:05d}" for i in range(100_000) if bsn.is_valid(f"9999{i:05d}")]
    kids = test[: len(test) // 2 * 2]
    today = date.today().isoformat()
    with store.transaction() as conn:
        persons, households, members, cases = [], [], [], []
        for i in range(0, len(kids), 2):
            pid_parent, pid_kid, hid = i + 1, i + 2, i // 2 + 1
            persons += [(pid_parent, kids[i], "Ouder", f"Bench{i}"), (pid_kid, kids[i + 1], "Kind", f"Bench{i}")]
            households.append((hid,))
            members += [(hid, pid_parent, "aanvrager"), (hid, pid_kid, "kind")]
            cases.append((hid, f"HKO-2026-{hid:06d}", pid_parent, "brede_ondersteuning", "bench", today))
        conn.executemany("INSERT INTO persons (id, bsn, given_names, surname) VALUES (?,?,?,?)", persons)
        conn.executemany("INSERT INTO households (id) VALUES (?)", households)
        conn.executemany("INSERT INTO household_members (household_id, person_id, role) VALUES (?,?,?)", members)
        conn.executemany(
            "INSERT INTO cases (id, zaaknummer, person_id, track, caseworker, opened) VALUES (?,?,?,?,?,?)", cases
        )
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--n", type=int, default=10_000)
    a = ap.parse_args()

    from herstel_tui.files.vraagbestand import write_vraagbestand
    from herstel_tui.services.portal import export_vraagbestand
    from herstel_tui.settings.config import Config
    from herstel_tui.store import portal as sp

    values = bsns(a.n)
    assert len(values) == a.n == len(set(values))
    work = Path(tempfile.mkdtemp(prefix="bench-vk-"))
    try:
        times: dict[str, list[float]] = {"normal": [], "write_only": [], "ours": [], "export": []}
        checked: dict[str, str] = {}
        bare_write_only(work / "warm.xlsx", values[:10])  # import openpyxl outside the timings
        for run in range(a.runs):
            day = date(2026, 1, 1 + run)
            order = ["normal", "write_only", "ours"] if run % 2 == 0 else ["ours", "write_only", "normal"]
            for kind in order:
                target = work / kind / f"VK-{PORTAL_ID}-Kindregeling_{day:%Y%m%d}.xlsx"
                target.parent.mkdir(exist_ok=True)
                if kind == "normal":
                    times[kind].append(timed(lambda: bare_normal(target, values)))
                elif kind == "write_only":
                    times[kind].append(timed(lambda: bare_write_only(target, values)))
                else:
                    times[kind].append(timed(lambda: write_vraagbestand(target.parent, PORTAL_ID, values, day=day)))
                if run == 0:
                    checked[kind] = check(target)
        cfg = Config(portaal_id=PORTAL_ID, exportmap=work / "export")
        kids = 0
        for run in range(a.runs):
            folder = work / f"db{run}"
            folder.mkdir()
            store = children_db(folder)
            children = sp.children_to_verify(store)
            kids = len(children)
            day = date(2026, 2, 1 + run)
            t = timed(lambda: export_vraagbestand(store, cfg, children, directory=folder, today=day))
            times["export"].append(t)
            store.close()
            shutil.rmtree(folder)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"vraagbestand with {a.n:,} BSNs, median of {a.runs} runs (Python {sys.version.split()[0]})")
        print(f"  bare openpyxl, normal workbook     {med['normal'] * 1000:8.1f} ms   {checked['normal']}")
        print(f"  bare openpyxl, write-only          {med['write_only'] * 1000:8.1f} ms   {checked['write_only']}")
        print(f"  write_vraagbestand (ours)          {med['ours'] * 1000:8.1f} ms   {checked['ours']}")
        print(f"  ratio ours / bare normal           {med['ours'] / med['normal']:8.2f}")
        print(f"  ratio ours / bare write-only       {med['ours'] / med['write_only']:8.2f}")
        print(f"full export with recording, {kids:,} children (file + requests + notes + audit):")
        print(
            f"  export_vraagbestand                {med['export'] * 1000:8.1f} ms   "
            f"({med['export'] / kids * 1e6:.0f} µs per child)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
