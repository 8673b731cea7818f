#!/usr/bin/env python3
"""First paint counted in instructions (valgrind's callgrind), next to a bare Textual app: a figure
that other work on the machine does not move, where bench_desk.py's wall-clock ratio moves by
±0.1 when another process runs.

    python bench/bench_paint_ir.py --db /tmp/desk100k.db [--runs 1] [--to-exit]

Each program runs under ``valgrind --tool=callgrind`` in a real tmux pane (80×24, TERM=xterm) and
ends as soon as it has handed its first frame to the terminal (``App.post_display_hook``, then
``os._exit``): the bare app (one Static "Klaar") its first frame, the desk the first frame that
holds its first case row (CaseTable.render_line wrapped). The desk imports Textual itself, as
``herstel`` does (the wrapper is put in when the desk imports the case list), so its first page is
read while Textual is imported. Prints the instructions each took (all threads: the first page is
read in a second thread, so on two cores part of it costs no wall time) and the ratio desk / bare.
Also the desk's imports alone, in front of the same bare app, so the rest is what the desk does at
run time (stylesheet, widgets, the first page, painting). Needs tmux and valgrind; by hand, not
in CI. With $HERSTEL_BENCH_CODE (a checkout, as for bench_desk.py) the desk and its imports are
that code's.

``--to-exit``: also the figures as this bench took them up to stop 31: each program asks to exit
after that first frame and is counted until the process ends. That adds what runs after the first
paint before the exit (the count of the list in a worker, the paint that shows it, timers that
fire because valgrind runs the program ~50× slower) and the interpreter's shutdown, and it varied
by ±5 % between runs of the same code (1414, 1446, 1532 M); the first-frame figure repeats within
~0.5 %.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_desk import ENV, SIZE, demo_db, first_row, private_settings, warm_desk  # noqa: E402
from common import compile_package  # noqa: E402

# How a program ends: right after its first frame (the figure), or by asking to exit after it (--to-exit).
FRAME_END = "os._exit(0)"
EXIT_END = "self.call_after_refresh(self.exit)"

BARE = """
import os

from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("Klaar")

    def post_display_hook(self):
        if not getattr(self, "_ending", False):
            self._ending = True
            {end}


Bare().run()
"""

# the desk's first-paint imports (what `herstel` imports before its first row), then the bare app
IMPORTS = (
    "import herstel_tui.entry, herstel_tui.tui.launch, herstel_tui.tui.app, herstel_tui.tui.desk, "
    "herstel_tui.tui.screens.werkvoorraad, herstel_tui.settings.cache, herstel_tui.store.caselist\n" + BARE
)

DESK = """
import importlib.util
import os
import sys

ROW = {row!r}
CASELIST = "herstel_tui.tui.widgets.caselist"


def wrap(caselist):
    from textual.app import App

    render_line = caselist.CaseTable.render_line
    shown = []

    def first_row(self, y):
        strip = render_line(self, y)
        if ROW in strip.text and not shown:
            shown.append(self)
        return strip

    def post_display_hook(self):
        if shown and not getattr(self, "_ending", False):
            self._ending = True
            {end}

    caselist.CaseTable.render_line = first_row
    App.post_display_hook = post_display_hook


class WrapCaseList:
    \"\"\"Puts the wrapper in when the desk imports the case list (with Textual, after its own start).\"\"\"

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != CASELIST:
            return None
        sys.meta_path.remove(WrapCaseList)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            wrap(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, WrapCaseList)
from herstel_tui.entry import main

main(["--db", {db!r}])
"""


def instructions(script: str) -> int:
    """Instructions the script took under callgrind, run in a tmux pane until it exits."""
    with tempfile.TemporaryDirectory(prefix="herstel-ir-") as tmp:
        prog, log = Path(tmp, "prog.py"), Path(tmp, "vg.log")
        prog.write_text(script)
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in ENV.items())
        cmd = (
            f"env {envs} valgrind --tool=callgrind --callgrind-out-file=/dev/null "
            f"--log-file={shlex.quote(str(log))} {shlex.quote(sys.executable)} {shlex.quote(str(prog))}"
        )
        name = f"ir{os.getpid()}"
        w, h = SIZE
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(w), "-y", str(h), cmd], check=True)
        deadline = time.monotonic() + 300
        while subprocess.run(["tmux", "has-session", "-t", name], capture_output=True).returncode == 0:
            if time.monotonic() > deadline:
                subprocess.run(["tmux", "kill-session", "-t", name])
                raise SystemExit("valgrind-run duurde langer dan 5 minuten")
            time.sleep(0.5)
        for line in log.read_text().splitlines():
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1])
        raise SystemExit(f"geen telling van callgrind:\n{log.read_text()}")


def main() -> None:
    other = os.environ.get("HERSTEL_BENCH_CODE")
    if other:  # another checkout's desk (as bench_desk.py): its package first on the path in the pane
        ENV["PYTHONPATH"] = other
    compile_package(Path(other) / "herstel_tui" if other else None)
    private_settings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a demo database (herstel demo --cases 100000 --db ...)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--to-exit", action="store_true", help="also count each program until its process ends")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="no start before the measured ones: a caseworker's very first, nothing kept (tui/kept_styles.py)",
    )
    a = ap.parse_args()
    db = demo_db(a.db, "100000")
    from herstel_tui.settings.resources import open_store

    with open_store(db, "bench"):  # (read-write once: a case index to bring up to date is not measured)
        pass
    row = first_row(db)
    if not a.cold:
        warm_desk(db, row)  # (as a second start: what the first keeps is there)
    ends = [("first frame", FRAME_END)] + ([("to exit", EXIT_END)] if a.to_exit else [])
    for run in range(a.runs):
        for label, end in ends:
            desk = DESK.format(row=row, db=db, end=end)
            bare = instructions(BARE.format(end=end))
            imports = instructions(IMPORTS.format(end=end))
            full = instructions(desk)
            print(
                f"run {run + 1}, {label}: bare {bare / 1e6:.0f} M, desk imports + bare {imports / 1e6:.0f} M "
                f"(+{(imports - bare) / 1e6:.0f} M), desk to first row {full / 1e6:.0f} M "
                f"(run time +{(full - imports) / 1e6:.0f} M); ratio desk/bare {full / bare:.3f} (target wall ≤ 1.2)",
                flush=True,
            )


if __name__ == "__main__":
    main()
