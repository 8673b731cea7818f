"""The desk on a million cases, in a real terminal (tmux), next to a bare Textual app.

    herstel demo --cases 1000000 --db /tmp/d1m.db
    python bench/bench_1m.py --db /tmp/d1m.db [--runs 3] [--name "daan huisman"] [--gap 0.12]

Prints medians over the runs of:
  - a bare Textual app, start → first paint; herstel, start → first painted case row; the ratio
    (issue 18: ≤ 1.5× at 1,000,000 cases);
  - a name typed as a person types it (one key every --gap seconds, from an empty search box):
    from the last key to the list for the whole name (issue 18: ≤ 150 ms per keystroke), and from
    the first key to that list.
Runs by hand (needs tmux), not in CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    bare_first_paint,
    compile_package,
    demo_db,
    first_row,
    herstel_cmd,
    private_settings,
    warm_desk,
)
from tmuxpane import Pane  # noqa: E402


def narrowing(db: str, name: str) -> tuple[str, str]:
    """The longest start of ``name`` whose last letter changes the list, and what the filter bar
    then says ("39 zaken"): only such a key proves, on screen, that the list followed it."""
    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import CaseFilter
    from herstel_tui.tui.format import zaken

    with open_store(db, "bench", readonly=True) as st:

        def count(text: str) -> int:
            return st.cases.count(CaseFilter(search=text)) if text.strip() else -1

        for k in range(len(name), 1, -1):
            n = count(name[:k])
            if n and n != count(name[: k - 1]):
                return name[:k], zaken(n)
    sys.exit(f"'{name}' vindt niets in {db}; kies met --name een naam die er is")


def run(db: str, row: str, name: str, expect: str, gap: float) -> tuple[float, float, float]:
    """(first paint, last key → list, first key → list) in seconds."""
    with Pane(herstel_cmd(db), *SIZE, env=ENV) as p:
        first = p.wait_for(row, timeout=120)
        p.keys("/")
        time.sleep(0.5)
        t_first = p.type(name[0])
        t_last = t_first
        for ch in name[1:]:
            time.sleep(gap)
            t_last = p.type(ch)
        done = p.wait_for(expect, timeout=60, since=t_last)
        return first, done, done + (t_last - t_first)


def main() -> None:
    compile_package()
    private_settings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="herstel demo --cases 1000000 --db ...")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--name", default="daan huisman")
    ap.add_argument("--gap", type=float, default=0.12, help="seconds between keys (a quick typist: 0.12)")
    a = ap.parse_args()
    db = demo_db(a.db, "1000000")
    from herstel_tui.settings.resources import open_store

    with open_store(db, "bench"):  # brings the case index up to date once: not what is measured
        pass
    row = first_row(db)
    name, expect = narrowing(db, a.name)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_APP)
        bare_first_paint(script)
        warm_desk(db, row)
        bare, desk, last, whole = [], [], [], []
        for _ in range(a.runs):
            bare.append(bare_first_paint(script))
            f, d, w = run(db, row, name, expect, a.gap)
            desk.append(f)
            last.append(d)
            whole.append(w)

    def ms(values: list[float]) -> str:
        return (
            f"{statistics.median(values) * 1000:7.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
        )

    print(f"Database: {db}, terminal {SIZE[0]}x{SIZE[1]} TERM=xterm, {a.runs} runs, medians")
    print(f"  bare Textual app, start → first paint        {ms(bare)}")
    print(f"  herstel, start → first painted case row       {ms(desk)}")
    print(f"  ratio first list / bare                       {statistics.median(desk) / statistics.median(bare):7.2f}")
    print(f"  '{name}' typed (a key every {a.gap:.2f} s; its last key narrows the list) → {expect}:")
    print(f"    last key → list                              {ms(last)}   (target ≤ 150 ms)")
    print(f"    first key → list                             {ms(whole)}")


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm")
    main()
