"""The same portal lists imported by two versions of herstel into two copies of one database, and
the results compared: the command's report line by line and every table (``compare_databases``).
Issue 18: a faster import that writes something else is a defect.

    python bench/compare_import.py OLD_SRC [--base DB] [--rows 50000] [--date 2026-12-02]

OLD_SRC is a checkout of the old code (e.g. ``git archive main | tar -x -C /tmp/old``); the new code
is this checkout. --base is copied twice (never written); without it both start from an empty
register. Three lists are imported one after the other with ``herstel portaal lijst``, each first
with ``--droog`` (the dry run's report is compared too, and the tables show it changed nothing): an
invordering list (start and einde of the pauzeknop, new persons), a mixed aanmeldingen list
(toeslagpartners, rows without names, a date before the last registration day, persons of the first
list) and the aanmeldingen list of bench_import.py (--rows rows, the 9,091 test BSNs repeated). Times are printed but not the point (the old code's
run can take minutes on a large base).
Exit 0 when the reports and every table are the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))


def test_numbers() -> list[str]:
    """The 9,091 valid BSNs of the test range."""
    from stdnum.nl import bsn

    return [f"9999{n:05d}" for n in range(100_000) if bsn.is_valid(f"9999{n:05d}")]


def collector_list(folder: Path, numbers: list[str], day: date) -> Path:
    """The invordering list: start and einde of the pauzeknop, new persons."""
    from tests.support.portal import write_xlsx

    collect = [["BSN", "Voornamen", "Achternaam", "Pauzeknop", "Datum"]]
    for i in range(2000):
        b = numbers[(i * 3) % len(numbers)]
        collect.append([b, "Ali", f"Bakker{i}", "start" if i % 3 else "einde", day - timedelta(days=1 + i % 20)])
    return write_xlsx(folder / "invordering.xlsx", collect)


def mixed_list(folder: Path, numbers: list[str], day: date, rows: int = 3000) -> Path:
    """The mixed aanmeldingen list: toeslagpartners (a row in five), rows without names (one in
    eleven), a date before the last registration day (one in four), persons of the invordering list."""
    from tests.support.portal import write_xlsx

    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Straat", "Datum aanmelding", "BSN toeslagpartner"]
    mixed = [head]
    for i in range(rows):
        b = numbers[(i * 7) % len(numbers)]
        partner = numbers[(i * 7 + 3) % len(numbers)] if i % 5 == 0 else None
        names = ("Noor", f"Visser{i}") if i % 11 else (None, None)  # unknown persons without names: refused
        when = day - timedelta(days=3) if i % 4 else date(2023, 6, 1)
        mixed.append([b, *names, f"06-{30_000_000 + i:08d}", f"Laan {i % 9}", when, partner])
    return write_xlsx(folder / "gemengd.xlsx", mixed)


def lists(folder: Path, rows: int, day: date) -> list[tuple[str, Path]]:
    from tests.services.test_portal_large import list_rows
    from tests.support.portal import write_xlsx

    numbers = test_numbers()
    first = write_xlsx(folder / "aanmeldingen.xlsx", list_rows(rows, numbers))
    second = mixed_list(folder, numbers, day)
    third = collector_list(folder, numbers, day)
    return [("invordering", third), ("aanmeldingen", second), ("aanmeldingen", first)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old_src")
    ap.add_argument("--new-src", default=str(REPO), help="the new code (default: this checkout)")
    ap.add_argument("--base")
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--date", default="2026-12-02")
    a = ap.parse_args()
    import compare_databases

    day = date.fromisoformat(a.date)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        folder = Path(tmp)
        files = lists(folder, a.rows, day)
        reports: dict[str, list[str]] = {}
        dbs = {}
        base = Path(a.base) if a.base else folder / "empty.db"
        if not a.base:  # made by the old code (the new one migrates it on opening)
            make = "from herstel_tui.settings.resources import open_store; open_store(__import__('sys').argv[1], 'bench').close()"
            env = {**os.environ, "PYTHONPATH": a.old_src, "HERSTEL_VANDAAG": a.date}
            subprocess.run([sys.executable, "-c", make, str(base)], check=True, env=env, cwd=folder)
        for name, src in (("old", a.old_src), ("new", a.new_src)):
            (folder / name).mkdir()
            db = folder / name / "herstel.db"
            shutil.copyfile(base, db)
            env = {**os.environ, "PYTHONPATH": src, "HERSTEL_VANDAAG": a.date}
            out = []
            for (kind, path), dry in ((f, dry) for f in files for dry in (True, False)):
                t0 = time.perf_counter()
                r = subprocess.run(
                    [sys.executable, "-m", "herstel_tui", "--db", str(db), "portaal", "lijst", kind, str(path)]
                    + ["--droog"] * dry,
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=folder,
                )
                last = (r.stdout.strip().splitlines() or [r.stderr.strip()])[-1]
                took = time.perf_counter() - t0
                run = "dry run" if dry else "applied"
                print(f"{name}: {path.name} {run} exit {r.returncode} in {took:.1f} s: {last[:100]}")
                text = (r.stdout + r.stderr).replace(str(folder / name), "FOLDER")
                out += [f"exit {r.returncode}", *text.splitlines()]
            reports[name] = out
            dbs[name] = db
        same_report = reports["old"] == reports["new"]
        print(f"reports ({len(reports['old'])} lines): {'same' if same_report else 'DIFFERENT'}")
        if not same_report:
            for o, n in zip(reports["old"], reports["new"]):
                if o != n:
                    print(f"  old: {o}\n  new: {n}")
                    break
        sys.argv = ["compare_databases", str(dbs["old"]), str(dbs["new"])]
        tables = compare_databases.main()
        schemas = [set(compare_databases.digest(str(dbs[n]), compare_databases.QUERIES["schema"])[2]) for n in dbs]
        for name in sorted({row[1] for row in schemas[0] ^ schemas[1]}):
            print(f"  schema differs in {name} (a migration of the new code?)")
    return 0 if same_report and tables == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
