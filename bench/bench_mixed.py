"""The mixed aanmeldingen list of compare_import.py (toeslagpartners, rows without names, a date
before the last registration day, persons of the invordering list) at a larger size, planned and
applied by ``herstel portaal lijst`` (the whole process) with two versions of the code, alternating.

    python bench/bench_mixed.py OLD_SRC [NEW_SRC] [--rows 20000] [--runs 3] [--base DB] [--date 2026-12-02]

As compare_import.py: the invordering list is applied first (once, by NEW_SRC: both versions give
the same register, see compare_import.py), then each run imports the mixed list into a fresh copy of
that register, --droog and applied. --base: a copy of this register (e.g. the 100,000-case demo,
never written), else an empty one. NEW_SRC: default this checkout. Prints each run and the medians.
Runs by hand, not in CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old_src")
    ap.add_argument("new_src", nargs="?", default=str(REPO))
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base", type=Path)
    ap.add_argument("--date", default="2026-12-02")
    a = ap.parse_args()
    from compare_import import collector_list, mixed_list, test_numbers

    day = date.fromisoformat(a.date)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        folder = Path(tmp)
        numbers = test_numbers()
        mixed = mixed_list(folder, numbers, day, a.rows)
        register = folder / "register.db"

        def herstel(src: str, db: Path, kind: str, path: Path, *extra: str) -> tuple[float, str]:
            env = {**os.environ, "PYTHONPATH": src, "HERSTEL_VANDAAG": a.date}
            t0 = time.perf_counter()
            r = subprocess.run(
                [sys.executable, "-m", "herstel_tui", "--db", str(db), "portaal", "lijst", kind, str(path), *extra],
                capture_output=True,
                text=True,
                env=env,
                cwd=folder,
            )
            took = time.perf_counter() - t0
            if r.returncode:
                sys.exit(f"{src}: exit {r.returncode}: {r.stderr.strip()[-500:]}")
            return took, " ".join(r.stdout.split()[-12:])

        if a.base:
            shutil.copyfile(a.base, register)
        else:  # made by the old code (the new one migrates it on opening)
            make = "from herstel_tui.settings.resources import open_store; open_store(__import__('sys').argv[1], 'bench').close()"
            env = {**os.environ, "PYTHONPATH": a.old_src, "HERSTEL_VANDAAG": a.date}
            subprocess.run([sys.executable, "-c", make, str(register)], check=True, env=env, cwd=folder)
        herstel(a.new_src, register, "invordering", collector_list(folder, numbers, day))
        times: dict[tuple[str, bool], list[float]] = {}
        for run in range(a.runs):
            for name, src in (("old", a.old_src), ("new", a.new_src)):
                for dry in (True, False):
                    db = folder / f"{name}.db"
                    shutil.copyfile(register, db)
                    took, last = herstel(src, db, "aanmeldingen", mixed, *["--droog"] * dry)
                    times.setdefault((name, dry), []).append(took)
                    print(f"run {run + 1} {name} {'dry run' if dry else 'applied'}: {took:.2f} s  {last[:70]}")
                    for extra in folder.glob(f"{name}.db*"):
                        extra.unlink()
        for (name, dry), values in sorted(times.items()):
            print(f"{name} {'dry run' if dry else 'applied'}: median {statistics.median(values):.2f} s of {values}")


if __name__ == "__main__":
    main()
