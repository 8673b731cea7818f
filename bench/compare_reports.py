#!/usr/bin/env python3
"""`herstel overzicht` (text, --json, --xlsx, and the desk screen's tables) and `herstel termijnen`
(several --binnen, --mijn, --json, --csv) by two versions of the code, on copies of one database,
for several peildatums (HERSTEL_VANDAAG): prints same/DIFF per output, exit 1 on any difference.

    python bench/compare_reports.py --db /tmp/d100k.db --old /path/to/old/checkout [--new .]

Each version runs as `python -m herstel_tui` with PYTHONPATH at its checkout (its own data/), on
its own copy of the file, the dates in the same order (each read-write open refreshes the index
for its day, as a user's run would). Lines on stderr that report a case index rebuild are left
out (a version with another index rebuilds it on the first open). Timings ("Berekend in",
"rekentijd_s") are left out. Issue 18: a faster report must give the same answer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DATES = ["2026-12-02", "2026-06-01", "2027-01-15", "2027-03-15", "2028-01-01", "2030-06-30", "2025-09-30"]
TERMIJNEN = [[], ["--binnen", "14d"], ["--binnen", "3w", "--json"], ["--binnen", "2m", "--csv"], ["--mijn"]]
SCREEN = """
import json, sys
from datetime import date
from herstel_tui.settings.resources import open_store
from herstel_tui.services.overview import compute_overview
store = open_store(sys.argv[1], "vergelijk", readonly=True)
ov = compute_overview(store, date.fromisoformat(sys.argv[2]), "Gemeente Vergelijk")
d = ov.as_dict(); d.pop("rekentijd_s")
print(json.dumps({"dict": d, "sheets": {w: [s.text(w) for s in ov.sheets()] for w in (40, 76, 96)}},
                 ensure_ascii=False, default=str))
"""
XLSX = """
import json, sys, openpyxl
print(json.dumps([(ws.title, [[c.value for c in r] for r in ws.iter_rows()]) for ws in openpyxl.load_workbook(sys.argv[1])], default=str))
"""


def run(src: Path, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    r = subprocess.run(
        [sys.executable, *args], env={**env, "PYTHONPATH": str(src)}, capture_output=True, text=True, cwd=src
    )
    err = "\n".join(
        line for line in r.stderr.splitlines() if not line.startswith(("Zaakindex bijwerken", "Berekend in"))
    )
    out = "\n".join(line for line in r.stdout.splitlines() if '"rekentijd_s"' not in line)
    return r.returncode, out, err


def arguments(doc: str | None) -> argparse.Namespace:
    """--db (copied, never written), --old and --new (checkouts) of a comparison."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--old", required=True, type=Path)
    ap.add_argument("--new", default=Path(__file__).resolve().parent.parent, type=Path)
    return ap.parse_args()


def two_sides(t: Path, a: argparse.Namespace) -> tuple[dict[str, str], dict[str, Path], dict[str, Path]]:
    """In folder ``t``: one config for both sides, and per side ("old", "new") a copy of the
    database and the checkout it runs. Returns (env, databases, sources)."""
    config = t / "config.toml"
    config.write_text('gemeente = "Gemeente Vergelijk"\nmedewerker = "a.bakker"\n', encoding="utf-8")
    env = {**os.environ, "HERSTEL_CONFIG": str(config), "COLUMNS": "100"}
    env.pop("HERSTEL_DB", None)
    dbs = {side: t / f"{side}.db" for side in ("old", "new")}
    for path in dbs.values():
        shutil.copyfile(a.db, path)
    return env, dbs, {"old": a.old.resolve(), "new": a.new.resolve()}


def main() -> int:
    a = arguments(__doc__)
    fail = False
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        env, dbs, srcs = two_sides(t, a)
        for day in DATES:
            env["HERSTEL_VANDAAG"] = day
            checks: list[tuple[str, list[str] | None, str | None]] = [
                ("overzicht", ["overzicht"], None),
                ("overzicht --json", ["overzicht", "--json"], None),
                ("overzicht --xlsx", ["overzicht", "--xlsx", "{dir}/o.xlsx"], XLSX),
                ("scherm", None, SCREEN),
                *((f"termijnen {' '.join(o)}".strip(), ["termijnen", *o], None) for o in TERMIJNEN),
            ]
            for name, command, script in checks:
                got = {}
                for side in ("old", "new"):
                    out_dir = t / side
                    out_dir.mkdir(exist_ok=True)
                    if command is not None:
                        cmd = [c.replace("{dir}", str(out_dir)) for c in command]
                        got[side] = run(srcs[side], ["-m", "herstel_tui", "--db", str(dbs[side]), *cmd], env)
                        if script is not None:  # the file it wrote, cell by cell
                            got[side] = run(srcs[side], ["-c", script, str(out_dir / "o.xlsx")], env)
                            (out_dir / "o.xlsx").unlink()
                    else:
                        got[side] = run(srcs[side], ["-c", script or "", str(dbs[side]), day], env)
                same = got["old"] == got["new"]
                fail |= not same
                lines = len(got["new"][1].splitlines())
                print(f"{day} {name:<28} {'same' if same else 'DIFF'} ({lines} lines, exit {got['new'][0]})")
    print(json.dumps({"verschillen": fail}))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
