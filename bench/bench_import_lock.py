"""How long colleagues wait for their saves while a large portal list is imported (issue 13).

    python bench/bench_import_lock.py [--rows 20000] [--notes 20] [--src CHECKOUT] [--base DB]

Builds a register with one case in a temporary folder (``--base DB``: in a copy of DB, e.g. the
100,000-case demo, whose persons hold the list's BSNs, as in the field; DB is never written), writes an aanmeldingen list of --rows rows
(the 9,091 test BSNs repeated, like tests/portal/test_large.py), starts `herstel portaal lijst
aanmeldingen` and, once it is applying, runs --notes `herstel notitie` commands from the shell one
after another. Prints each note's wall time, the floor (the same command with no import running,
median of 5, measured in the same run), the wait (wall - floor), and the import's duration.
--src runs the commands from another checkout (e.g. the main branch before this change) to
compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from herstel_tui.settings.resources import open_store


def bsns() -> list[str]:
    from stdnum.nl import bsn

    return [f"9999{n:05d}" for n in range(100_000) if bsn.is_valid(f"9999{n:05d}")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--notes", type=int, default=20)
    ap.add_argument("--src", default=str(Path(__file__).resolve().parents[1]))
    ap.add_argument("--base", type=Path, help="a copy of this register (never written), not an empty one")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": args.src}
    sys.path.insert(0, args.src)
    from openpyxl import Workbook

    from herstel_tui.domain.models import Person

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "r.db"
        numbers = bsns()
        if args.base:  # SQLite's backup: the base only read, both closed before the store opens the copy
            import sqlite3
            from contextlib import closing

            with closing(sqlite3.connect(f"file:{args.base}?mode=ro", uri=True)) as src:
                with closing(sqlite3.connect(db)) as dst:
                    src.backup(dst)
        with open_store(db, "bench") as s:
            p = s.persons.add(Person(given_names="Anna", surname="Collega"))
            case = s.cases.open(p.id, "brede_ondersteuning", opened=date.today() - timedelta(days=30))
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Blad1")
        ws.append(["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding"])
        for i in range(args.rows):
            ws.append(
                [
                    numbers[i % len(numbers)],
                    "Sam",
                    f"Achternaam{i % len(numbers)}",
                    f"06-{10_000_000 + i:08d}",
                    date.today() - timedelta(days=10),
                ]
            )
        sheet = tmp / "aanmeldingen.xlsx"
        wb.save(sheet)

        def herstel(*a):
            return [sys.executable, "-m", "herstel_tui", "--db", str(db), *a]

        def note(text):
            t0 = time.perf_counter()
            r = subprocess.run(
                herstel("notitie", case.zaaknummer, text), capture_output=True, text=True, env=env, cwd=tmp
            )
            return time.perf_counter() - t0, r.returncode, (r.stderr or r.stdout).strip()

        floor = statistics.median(note(f"vooraf {i}")[0] for i in range(5))

        t_start = time.perf_counter()
        imp = subprocess.Popen(
            herstel("portaal", "lijst", "aanmeldingen", str(sheet), "--samenvatting"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp,
        )
        # Start the notes once the import writes (its first batch, or its one transaction, began).
        import sqlite3

        def busy() -> bool:
            c = sqlite3.connect(db, timeout=0)
            try:
                c.execute("BEGIN IMMEDIATE")
                c.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                c.close()

        while not busy() and imp.poll() is None:
            time.sleep(0.01)
        results = []
        for i in range(args.notes):
            results.append(note(f"tijdens import {i}"))
        notes_done = time.perf_counter()
        out, err = imp.communicate()
        t_import = time.perf_counter() - t_start
        print(f"import of {args.rows} rows: {t_import:.1f} s (exit {imp.returncode}; src {args.src})")
        print(out.strip().splitlines()[-1] if out.strip() else err.strip()[-300:])
        print(f"floor (herstel notitie, no import running, median of 5): {floor:.3f} s")
        failed = 0
        for i, (wall, code, msg) in enumerate(results):
            ok = code == 0
            failed += not ok
            print(
                f"note {i:2d}: wall {wall:6.3f} s  wait {max(0.0, wall - floor):6.3f} s  "
                f"{'ok' if ok else 'FAILED: ' + msg[-120:]}"
            )
        waits = [max(0.0, w - floor) for w, _, _ in results]
        print(
            f"notes: {args.notes - failed} ok, {failed} failed; wait max {max(waits):.3f} s, "
            f"median {statistics.median(waits):.3f} s; notes finished {t_start + t_import - notes_done:.1f} s "
            "before the import ended"
        )


if __name__ == "__main__":
    main()
