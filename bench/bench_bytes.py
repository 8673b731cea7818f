"""Bytes the desk writes to the terminal per keystroke, as a thin line (SSH, Citrix) would carry them.

    python bench/bench_bytes.py [--cases 2000] [--runs 3]

Builds a demo database in a temporary folder, opens the desk in a real tmux pane (80×24,
TERM=xterm) and copies everything it writes (tmux ``pipe-pane``) while a person presses:
  - one ↓ in the werkvoorraad;
  - Enter on a case (the case screen opens);
  - PgDn in the case screen;
once normally and once with ``--low-bandwidth``. The floor, measured in the same run, is a bare
Textual app that changes one line of text on a key press: what any Textual repaint of one line
costs. Prints bytes (median over the runs) and the ratio to that floor. Target: a few hundred
bytes for ↓. Runs by hand (needs tmux), not in CI; figures are noisy under a shared machine's load
only in time, not in bytes (but a repaint that lands in two frames instead of one costs more).
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
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from tmuxpane import Pane  # noqa: E402

BARE_APP = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    n = 0

    def compose(self):
        yield Static("Regel 0", id="regel")

    def on_key(self, event):
        self.n += 1
        self.query_one("#regel", Static).update(f"Regel {self.n}")


Bare().run()
"""

SIZE = (80, 24)


def settle(path: Path, quiet: float = 0.6, timeout: float = 10.0) -> int:
    """Wait until nothing more is written for ``quiet`` seconds; the number of bytes written."""
    end = time.perf_counter() + timeout
    last = -1
    since = time.perf_counter()
    while time.perf_counter() < end:
        size = path.stat().st_size if path.exists() else 0
        if size != last:
            last, since = size, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return size
        time.sleep(0.02)
    return last


KEEP: Path | None = None


def measure(p: Pane, log: Path, key: str) -> int:
    before = settle(log)
    p.keys(key)
    after = settle(log)
    if KEEP is not None:
        KEEP.mkdir(parents=True, exist_ok=True)
        (KEEP / f"{log.stem}-{key}.out").write_bytes(log.read_bytes()[before:after])
    return after - before


def herstel_cmd(db: Path, low: bool) -> str:
    exe = Path(sys.executable).with_name("herstel")
    base = str(exe) if exe.exists() else f"{sys.executable} -m herstel_tui"
    return f"{base} --db {db}" + (" --low-bandwidth" if low else "")


def env_for(tmp: Path) -> dict[str, str]:
    return {
        "TERM": "xterm",
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "HERSTEL_CONFIG": str(tmp / "config.toml"),
    }


def run_desk(tmp: Path, db: Path, low: bool, run: int) -> dict[str, int]:
    log = tmp / f"desk-{int(low)}-{run}.log"
    out: dict[str, int] = {}
    with Pane(herstel_cmd(db, low), *SIZE, env=env_for(tmp), cwd=str(tmp)) as p:
        p.wait_for(" zaken", timeout=30)
        settle_screen(p)
        p.pipe_to(str(log))
        out["↓ in de lijst"] = measure(p, log, "Down")
        out["zaak openen"] = measure(p, log, "Enter")
        p.wait_for("Tijdlijn", timeout=10)
        out["PgDn in zaak"] = measure(p, log, "PageDown")
        p.keys("F10")
    return out


def settle_screen(p: Pane, quiet: float = 0.8) -> None:
    last, since = "", time.perf_counter()
    while time.perf_counter() - since < quiet:
        s = p.screen()
        if s != last:
            last, since = s, time.perf_counter()
        time.sleep(0.05)


def run_bare(tmp: Path, run: int) -> int:
    script = tmp / "bare.py"
    script.write_text(BARE_APP)
    log = tmp / f"bare-{run}.log"
    with Pane(f"{sys.executable} {script}", *SIZE, env={"TERM": "xterm"}, cwd=str(tmp)) as p:
        p.wait_for("Regel 0", timeout=30)
        settle_screen(p)
        p.pipe_to(str(log))
        n = measure(p, log, "x")
        p.keys("C-q")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="copy the raw terminal output per keystroke into this folder")
    args = ap.parse_args()
    global KEEP
    KEEP = Path(args.keep) if args.keep else None
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as t:
        tmp = Path(t)
        (tmp / "config.toml").write_text('medewerker = "j.devries"\n')
        db = tmp / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "herstel_tui", "demo", "--cases", str(args.cases), "--db", str(db), "--seed", "1"],
            check=True,
            capture_output=True,
            env={**os.environ, **env_for(tmp)},
        )
        floor = statistics.median(run_bare(tmp, i) for i in range(args.runs))
        print(f"vloer (kale Textual-app, één regel anders): {floor:.0f} bytes")
        for low in (False, True):
            results: dict[str, list[int]] = {}
            for i in range(args.runs):
                for k, v in run_desk(tmp, db, low, i).items():
                    results.setdefault(k, []).append(v)
            mode = "--low-bandwidth" if low else "normaal"
            for k, vs in results.items():
                med = statistics.median(vs)
                print(f"{mode:16} {k:16} {med:7.0f} bytes  ({med / floor:5.1f}× vloer)  runs: {vs}")


if __name__ == "__main__":
    main()
