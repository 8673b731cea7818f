#!/usr/bin/env python3
"""Check-out and check-in of 500 cases, 20 of them changed on the laptop, from a large team database.

    herstel demo --cases 100000 --db /tmp/b19.db
    python bench/bench_checkout.py --db /tmp/b19.db [--cases 500] [--changed 20] [--runs 3]

Works on a copy of the team database (SQLite's backup API), so the file given is not changed.
Floor, measured in the same run: making an empty encrypted Store (the key derivation and the
migrations every checkout pays before copying a row). Prints medians in seconds, the ratio to the
floor, and the target (issue 19): <= 2 s each at 100,000 cases.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from herstel_tui.domain.models import Person
from herstel_tui.services.checkout import hand_in, take_along
from herstel_tui.settings.resources import open_store

PASS = "bench-wachtwoord-19"
USER = "bench"


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--changed", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        team_path = Path(tmp) / "team.db"
        src = sqlite3.connect(a.db)
        dst = sqlite3.connect(team_path)
        src.backup(dst)
        src.close()
        dst.close()
        team = open_store(team_path, USER)
        total = team.counts()["cases"]
        floors, outs, ins, drys = [], [], [], []
        for run in range(a.runs):
            floor_path = Path(tmp) / f"floor{run}.db"
            dt, empty = timed(lambda: open_store(floor_path, USER, passphrase=PASS))
            empty.close()
            floors.append(dt)

            ids = [
                r[0]
                for r in team.conn.execute(
                    "SELECT id FROM cases WHERE closed IS NULL ORDER BY id LIMIT ? OFFSET ?",
                    (a.cases, run * a.cases),
                )
            ]
            lap_path = Path(tmp) / f"laptop{run}.db"
            dt, _ = timed(lambda: take_along(team, ids, lap_path, PASS))
            outs.append(dt)
            size = os.path.getsize(lap_path)

            with open_store(lap_path, USER, passphrase=PASS) as lap:
                for n, case_id in enumerate(ids[: a.changed]):
                    lap.cases.add_note(case_id, f"Keukentafelgesprek {n}", channel="huisbezoek")
                    person = lap.persons.get(lap.cases.get(case_id).person_id)
                    lap.persons.update(Person.model_validate({**person.model_dump(), "phone": f"06-{n:08d}"}))
                    lap.cases.set_urgency(case_id, "terminale_ziekte")
            dt, _ = timed(lambda: hand_in(team, lap_path, PASS, dry=True))
            drys.append(dt)
            dt, report = timed(lambda: hand_in(team, lap_path, PASS))
            ins.append(dt)
            print(
                f"run {run + 1}: floor {floors[-1]:.2f} s, meenemen {outs[-1]:.2f} s ({size / 1e6:.1f} MB), "
                f"droog {drys[-1]:.2f} s, inleveren {ins[-1]:.2f} s ({sum(report.counts.values())} wijzigingen, "  # type: ignore[attr-defined]
                f"{len(report.conflicts)} conflicten)"  # type: ignore[attr-defined]
            )
        team.close()
    floor = statistics.median(floors)
    out, back = statistics.median(outs), statistics.median(ins)
    print(f"team database: {total} zaken; {a.cases} meegenomen, {a.changed} gewijzigd; {a.runs} runs (medians)")
    print(f"floor (empty encrypted store): {floor:.2f} s")
    print(f"meenemen:  {out:.2f} s  ratio to floor {out / floor:.1f}  target <= 2 s: {'ok' if out <= 2 else 'MISSED'}")
    print(
        f"inleveren: {back:.2f} s  ratio to floor {back / floor:.1f}  target <= 2 s: {'ok' if back <= 2 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
