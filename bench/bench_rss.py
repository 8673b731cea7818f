"""The desk's memory after a search, in a real terminal (tmux), next to a bare Textual app.

    python bench/bench_rss.py --db /tmp/desk100k.db [--runs 3] [--settle 3] [--search jansen]

For the database given (made with ``herstel demo --cases 100000 --db ...``), in each run:
  - a bare Textual app (one Static "Klaar"): its resident memory (VmRSS) once painted and settled;
  - herstel: start, ``/`` and a search typed, the list updated, then --settle seconds (the
    background start-up work done); its VmRSS;
  - then Esc, ⏎: the time until the first case screen shows (the full Store, pydantic and the
    routekaart load with the first case on a light start), and the VmRSS with that case open.
Prints medians, the ratio desk / bare after the search (issue 18: ≤ 1.5×), the desk's peak (VmHWM).
``HERSTEL_BENCH_CODE=DIR`` runs the desk of another checkout (see bench_desk.herstel_cmd), for A/B.
Runs by hand (needs tmux), not in CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_desk import (  # noqa: E402
    BARE_APP,
    ENV,
    SIZE,
    compile_package,
    demo_db,
    first_row,
    herstel_cmd,
    private_settings,
    python,
)
from tmuxpane import Pane  # noqa: E402


def program_pid(pane: Pane, name: str) -> int:
    """The pid of the program in the pane (the pane runs ``bash -c "cd … && env … prog; …"``)."""
    shell = subprocess.run(
        ["tmux", "display-message", "-p", "-t", pane.name, "#{pane_pid}"], capture_output=True, text=True, check=True
    ).stdout.strip()
    todo = [int(shell)]
    while todo:
        pid = todo.pop()
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if pid != int(shell) and name in cmdline and "bash" not in cmdline.split(" ", 1)[0]:
            return pid
        for task in Path(f"/proc/{pid}/task").iterdir():
            todo += [int(c) for c in (task / "children").read_text().split()]
    raise RuntimeError(f"no process running {name!r} in the pane")


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def pydantic_loaded(pid: int) -> bool:
    """Whether the process has pydantic's compiled core mapped (the full Store has been opened)."""
    return "_pydantic_core" in Path(f"/proc/{pid}/maps").read_text()


def bare_rss(script: Path, settle: float) -> float:
    with Pane(f"{python()} {script}", *SIZE, env=ENV) as p:
        p.wait_for("Klaar", timeout=30)
        time.sleep(settle)
        return memory(program_pid(p, str(script)))[0]


def desk_rss(db: str, row: str, search: str, expect: str, settle: float) -> tuple[float, float, bool, float, float]:
    """(VmRSS after the search, VmHWM then, whether pydantic was loaded then, seconds from the
    first ⏎ to the case screen, VmRSS then)."""
    with Pane(herstel_cmd(db), *SIZE, env=ENV) as p:
        p.wait_for(row, timeout=60)
        p.keys("/")
        p.type(search)
        p.wait_for(expect, timeout=30)
        time.sleep(settle)
        pid = program_pid(p, db)
        rss, hwm = memory(pid)
        loaded = pydantic_loaded(pid)
        p.keys("Escape")  # to the list
        time.sleep(0.3)  # (a key right after Esc would read as alt+key)
        t = p.keys("Enter")
        opened = p.wait_for("Tijdlijn", timeout=30, since=t)
        time.sleep(settle)
        return rss, hwm, loaded, opened, memory(pid)[0]


def main() -> None:
    compile_package()
    private_settings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a demo database (herstel demo --cases 100000 --db ...)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--settle", type=float, default=3.0, help="seconds after the search before reading the memory")
    ap.add_argument("--search", default="jansen")
    a = ap.parse_args()
    db = demo_db(a.db, "100000")

    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import CaseFilter
    from herstel_tui.tui.format import zaken

    # Opening read-write brings the case index up to date first (not what this bench measures).
    with open_store(db, "bench") as st:
        found = st.cases.count(CaseFilter(search=a.search))
    row = first_row(db)
    expect = zaken(found)

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_APP)
        bare, desk, peak, first_case, after_case, with_pydantic = [], [], [], [], [], 0
        for _ in range(a.runs):
            bare.append(bare_rss(script, a.settle))
            rss, hwm, loaded, opened, rss_case = desk_rss(db, row, a.search, expect, a.settle)
            desk.append(rss)
            peak.append(hwm)
            with_pydantic += loaded
            first_case.append(opened)
            after_case.append(rss_case)

    def mb(values: list[float]) -> str:
        return f"{statistics.median(values):6.1f} MB  (min {min(values):.1f}, max {max(values):.1f})"

    print(f"Database: {db}, terminal {SIZE[0]}x{SIZE[1]} TERM=xterm, {a.runs} runs, medians")
    print(f"  bare Textual app, painted                      {mb(bare)}")
    print(f"  herstel after '/' + '{a.search}' ({expect}), +{a.settle:g} s  {mb(desk)}")
    print(f"  herstel's peak (VmHWM)                         {mb(peak)}")
    print(f"  runs with pydantic (the full Store) loaded by then: {with_pydantic} of {a.runs}")
    ratio = statistics.median(desk) / statistics.median(bare)
    print(f"  ratio desk / bare                              {ratio:6.2f}      (target ≤ 1.5)")
    ms = [s * 1000 for s in first_case]
    print(
        f"  then ⏎ on the list: first case screen after     {statistics.median(ms):6.0f} ms  "
        f"(min {min(ms):.0f}, max {max(ms):.0f})"
    )
    print(f"  herstel with that case open, +{a.settle:g} s            {mb(after_case)}")


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm")
    main()
