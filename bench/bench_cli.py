#!/usr/bin/env python3
"""Quick commands over SSH as whole processes (python start, imports, query, print) against the
floor in the same run: a bare `python3 -c` that opens the same file with sqlite3 and reads one row.

    python bench/bench_cli.py --db /tmp/d100k.db [--runs 15] [--old /path/to/old/checkout]

Measures `herstel toon ZAAK` and `herstel termijnen --binnen 14d` (output to a pipe, as over
SSH). With ``--old``, the same commands of that checkout (`python -m herstel_tui` with PYTHONPATH
at it, and so this checkout's too) run in the same alternation: before and after in one run. Over SSH the floor is what `ssh … true` plus a bare python costs; the figure that matters
is each command's median minus the floor's. Target (issue 18): <= 150 ms beyond the floor each.
The package is compiled first (an installed package has its .pyc files).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import compile_package, herstel_command
from common import timed as run_timed


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    # (in the checkout's own folder: `python -m` puts the working directory first on sys.path)
    return run_timed(cmd, ok=(0, 1), env=env, cwd=env["PYTHONPATH"] if env else None)


def main() -> None:
    import herstel_tui

    compile_package()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--old", type=Path, help="a checkout of the code before, measured in the same run")
    a = ap.parse_args()
    if a.old:
        compile_package(a.old / "herstel_tui")
    python = sys.executable
    herstel = herstel_command()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        shutil.copyfile(a.db, db)
        subprocess.run([herstel, "--db", db, "controle"], capture_output=True)  # migrated, index current
        conn = sqlite3.connect(db)
        zaak = conn.execute("SELECT zaaknummer FROM cases WHERE id = (SELECT max(id) / 2 FROM cases)").fetchone()[0]
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        conn.close()
        floor = [
            python,
            "-c",
            f"import sqlite3; c = sqlite3.connect({db!r}); print(c.execute('SELECT * FROM cases LIMIT 1').fetchall())",
        ]
        args = {"toon ZAAK": ["toon", zaak], "termijnen --binnen 14d": ["termijnen", "--binnen", "14d"]}
        sides: dict[str, tuple[list[str], dict[str, str] | None]] = {"": ([herstel], None)}
        if a.old:
            new_src = Path(herstel_tui.__file__).resolve().parent.parent
            sides = {
                f"({label}) ": ([python, "-m", "herstel_tui"], {**os.environ, "PYTHONPATH": str(src.resolve())})
                for label, src in (("oud", a.old), ("nieuw", new_src))
            }
        dbs = {label: db for label in sides}
        if a.old:  # each version its own copy: the newer one may migrate its file past the older's schema
            dbs["(oud) "] = str(Path(tmp) / "oud.db")
            shutil.copyfile(a.db, dbs["(oud) "])
            start, env = sides["(oud) "]
            subprocess.run([*start, "--db", dbs["(oud) "], "controle"], capture_output=True, env=env, cwd=a.old)
        commands = {
            f"{label}{name}": ([*start, "--db", dbs[label], *arg], env)
            for label, (start, env) in sides.items()
            for name, arg in args.items()
        }
        timed(floor)
        for cmd, env in commands.values():  # warm the page cache (and the routekaart cache)
            timed(cmd, env)
        f: list[float] = []
        ours: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(a.runs):
            f.append(timed(floor))
            for name, (cmd, env) in commands.items():
                ours[name].append(timed(cmd, env))
        fm = statistics.median(f)
        print(f"database: {cases} zaken; {a.runs} runs each, alternating")
        print(f"floor  python3 -c sqlite3 one row : median {fm:6.1f} ms")
        for name, times in ours.items():
            m = statistics.median(times)
            print(f"herstel {name:<32}: median {m:6.1f} ms  beyond the floor {m - fm:6.1f} ms  (target <= 150)")


if __name__ == "__main__":
    main()
