#!/usr/bin/env python3
"""Issue 13's reproduction, as a caseworker did it: the real desk in a tmux terminal (80x24,
TERM=xterm) and the shell on one database file at the same time. Exit 0 when nothing was lost.

    herstel demo --cases 2000 --db /tmp/h.db
    python bench/desk_beside_shell.py --db /tmp/h.db [--zaak HKO-2025-000039] [--desks 2]

Steps: open the case in the desk (with ``--desks 2``: in two desks at once, as two colleagues);
`herstel toon` in another process; a note in each desk (F6, text, F2); `herstel notitie` from the
shell; check no desk has a deleted -wal/-shm open (/proc/PID/fd); quit the desks; every note and
its audit row must be in the file and `herstel controle` must not report a damaged file. Runs by
hand (needs tmux), not in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from tmuxpane import Pane  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--zaak", default=None, help="zaaknummer (default: the first open case)")
    ap.add_argument("--desks", type=int, default=1, help="desks on the file at once (default 1)")
    a = ap.parse_args()
    herstel = shutil.which("herstel", path=str(Path(sys.executable).parent)) or "herstel"
    db = str(Path(a.db).resolve())
    zaak = (
        a.zaak
        or sqlite3.connect(db)
        .execute("SELECT zaaknummer FROM cases WHERE closed IS NULL ORDER BY id LIMIT 1")
        .fetchone()[0]
    )
    stamp = time.strftime("%H%M%S")
    desk_notes = [f"Notitie uit desk {n + 1} {stamp}" for n in range(a.desks)]
    shell_note = f"Notitie uit de shell {stamp}"
    deleted: list[str] = []
    with contextlib.ExitStack() as stack:
        panes = [stack.enter_context(Pane(f"{herstel} --db {db}", 80, 24, env={"TERM": "xterm"})) for _ in desk_notes]
        for p in panes:
            p.wait_for("zaken", timeout=60)
        time.sleep(1.5)  # the full desk is ready a moment after the first paint
        for p in panes:
            p.keys("F4")  # search
            p.type(zaak)
        time.sleep(1.5)
        for p in panes:
            p.keys("Enter")
            time.sleep(0.5)
            p.keys("Enter")
            p.wait_for(zaak, timeout=15)
        subprocess.run([herstel, "--db", db, "toon", zaak], capture_output=True, check=True)
        for p, note in zip(panes, desk_notes, strict=True):
            p.keys("F6")
            time.sleep(1)
            p.type(note)
        for p in panes:  # the saves as close together as two people can make them
            p.keys("F2")
        time.sleep(1.5)  # the save is confirmed in a toast
        if os.environ.get("TOON_SCHERM"):
            for p in panes:
                print(p.screen())
        r = subprocess.run([herstel, "--db", db, "notitie", zaak, shell_note], capture_output=True, text=True)
        print(r.stdout.strip())
        pids = subprocess.run(["pgrep", "-f", f"herstel --db {db}$"], capture_output=True, text=True).stdout.split()
        for pid in pids:
            fds = Path(f"/proc/{pid}/fd")
            for fd in fds.iterdir() if fds.is_dir() else []:
                target = os.readlink(fd) if fd.is_symlink() else ""
                if "(deleted)" in target and db in target:
                    deleted.append(target)
        for p in panes:
            p.keys("F10")
        time.sleep(2)
    shown = subprocess.run([herstel, "--db", db, "toon", zaak], capture_output=True, text=True).stdout
    controle = subprocess.run([herstel, "--db", db, "controle"], capture_output=True, text=True)
    kept = [note in shown for note in desk_notes]
    ok = all(kept) and shell_note in shown and not deleted and controle.returncode in (0, 1)
    print(
        f"desk notes kept: {kept}; shell note kept: {shell_note in shown}; "
        f"deleted -wal/-shm open in a desk: {deleted or 'none'}; controle exit {controle.returncode}"
    )
    print("in orde: niets verloren" if ok else "VERLOREN of beschadigd")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
