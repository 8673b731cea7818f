"""Desk start-up and search latency in a real terminal (tmux), next to a bare Textual app.

    python bench/bench_desk.py --db /tmp/desk100k.db [--runs 5]

Prints, for the database given (made with ``herstel demo --cases 100000 --db ...``):
  - a bare Textual app (one Static "Klaar"): start to first paint;
  - herstel: start to the first painted case row of the werkvoorraad;
  - single keystrokes in the search box to the updated list (name and BSN searches).
Medians over the runs, and the ratio first-list / bare. Targets (issue 18, at 100k cases): ratio
≤ 1.2, keystroke ≤ 50 ms.
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
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from common import compile_package  # noqa: E402
from tmuxpane import Pane  # noqa: E402

BARE_APP = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("Klaar")


Bare().run()
"""

# The keystroke floor: a bare Textual app with a search box whose every change rewrites a line.
BARE_INPUT_APP = """
from textual.app import App
from textual.widgets import Input, Static


class Bare(App):
    def compose(self):
        yield Input(placeholder="zoek")
        yield Static("Klaar", id="uit")

    def on_input_changed(self, event):
        self.query_one("#uit", Static).update("Gezocht: " + event.value + " ok")


Bare().run()
"""

ENV = {"TERM": "xterm"}
SIZE = (80, 24)


def python() -> str:
    return sys.executable


def herstel_cmd(db: str) -> str:
    """The desk on ``db``; with $HERSTEL_BENCH_CODE (a checkout of other code, bytecode compiled:
    ``git archive REV | tar -x -C DIR && python -m compileall -q DIR/herstel_tui``) that code's desk."""
    other = os.environ.get("HERSTEL_BENCH_CODE")
    if other:
        return f"env PYTHONPATH={other} {python()} -m herstel_tui --db {db}"
    exe = Path(python()).with_name("herstel")
    return f"{exe} --db {db}" if exe.exists() else f"{python()} -m herstel_tui --db {db}"


def first_row(db: str) -> str:
    """The zaaknummer of the first case the list paints (as shown at 80 columns)."""
    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import CaseFilter

    with open_store(db, "bench", readonly=True) as st:
        row = st.cases.page(CaseFilter(), 0, 1)[0]
    return row.zaaknummer.removeprefix("HKO-")


def keystrokes(db: str) -> list[tuple[str, str, str, str]]:
    """(label, typed before, the one key measured, text that shows only after that key)."""
    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import CaseFilter
    from herstel_tui.tui.format import zaken

    out = []
    with open_store(db, "bench", readonly=True) as st:

        def count(text: str) -> int:
            return st.cases.count(CaseFilter(search=text))

        # (in zaaknummer order: the same person whatever order the list shows)
        person = next(r for r in st.cases.page(CaseFilter(search="9999", sort="zaaknummer"), 0, 50) if r.bsn)
        surname, first = person.name.split(", ", 1)
        first = first.split()[0]
        name = f"{surname} {first}".lower()
        # name: the last letter of the first name narrows the list
        for cut in range(len(name) - 1, len(surname), -1):
            before, key = name[:cut], name[cut]
            if count(before) != count(before + key):
                out.append(("naam", before, key, zaken(count(before + key))))
                break
        # BSN: the ninth digit leaves one case
        bsn = person.bsn
        out.append(("BSN", bsn[:-1], bsn[-1], zaken(count(bsn))))
        # a surname typed after a cleared box: the third letter switches to the trigram index
        three = surname.lower()[:3]
        if count(three[:2]) != count(three):
            out.append(("naam, 3e letter", three[:2], three[2], zaken(count(three))))
    return out


def bare_first_paint(script: Path, streamed: bool = False) -> float:
    with Pane(f"{python()} {script}", *SIZE, env=ENV, streamed=streamed) as p:
        return p.wait_in_output("Klaar", timeout=30) if streamed else p.wait_for("Klaar", timeout=30)


def desk_first_paint(db: str, row: str) -> float:
    """Start to the first case row written to the terminal, read from the desk's output (no polling)."""
    with Pane(herstel_cmd(db), *SIZE, env=ENV, streamed=True) as p:
        return p.wait_in_output(row, timeout=60)


def warm_desk(db: str, row: str) -> None:
    """The desk's first start in this run's settings, open a second past its first row: what a
    start keeps for the next one (the first paint's stylesheet rules, tui/kept_styles.py) is then
    there, as at every start but a caseworker's very first (private_settings writes the config's
    cache so)."""
    with Pane(herstel_cmd(db), *SIZE, env=ENV) as p:
        p.wait_for(row, timeout=60)
        time.sleep(1.5)


def bare_keystroke(script: Path) -> float:
    """Seconds from one key to the bare app's line showing it (the floor for a keystroke)."""
    with Pane(f"{python()} {script}", *SIZE, env=ENV) as p:
        p.wait_for("Klaar", timeout=30)
        p.type("jansen la")
        p.wait_for("Gezocht: jansen la ok", timeout=30)
        time.sleep(0.3)
        t = p.type("t")
        return p.wait_for("Gezocht: jansen lat ok", timeout=30, since=t)


def desk_run(db: str, row: str, keys: list[tuple[str, str, str, str]]) -> tuple[float, dict[str, float]]:
    with Pane(herstel_cmd(db), *SIZE, env=ENV) as p:
        first = p.wait_for(row, timeout=60)
        results = {}
        for label, before, key, expect in keys:
            p.keys("Escape")  # to the list ...
            time.sleep(0.3)  # (a key right after Esc would read as alt+key)
            p.keys("Escape")  # ... and clear the search
            time.sleep(0.3)
            p.wait_for("Zoek naam, BSN", timeout=30)  # the search box is empty again
            p.keys("/")
            p.type(before)
            p.wait_for("Zoek " + before, timeout=30)
            time.sleep(0.4)  # let the query for the text before settle
            t = p.type(key)
            results[label] = p.wait_for(expect, timeout=30, since=t)
        return first, results


def private_settings() -> None:
    """The desks started here read their config and its cache from a folder of this run's own:
    the cache in the user's cache folder is shared with every other herstel process on the
    machine, and one that rewrote it made a desk start the full way (pydantic, the Store) now and
    then. The cache is written first, as the first start of a desk does."""
    import atexit
    import shutil
    import subprocess

    folder = tempfile.mkdtemp(prefix="herstel-bench-")
    atexit.register(shutil.rmtree, folder, True)
    ENV.update(XDG_CONFIG_HOME=f"{folder}/config", XDG_CACHE_HOME=f"{folder}/cache", XDG_DATA_HOME=f"{folder}/data")
    env = {**os.environ, **ENV}
    other = os.environ.get("HERSTEL_BENCH_CODE")
    if other:
        env["PYTHONPATH"] = other
    warm = "from herstel_tui.settings.config import load_config; load_config()"
    # (run in the measured checkout: `python -c` imports from the working directory before
    # PYTHONPATH, and another checkout there may write its cache another way: stop 35)
    subprocess.run([python(), "-c", warm], env=env, check=True, cwd=other or None)


def demo_db(given: str, cases: str) -> str:
    """The absolute path of the demo database given, or stop with how to make one."""
    db = str(Path(given).resolve())
    if not Path(db).exists():
        sys.exit(f"{db} bestaat niet; maak het met: herstel demo --cases {cases} --db {db}")
    return db


def main() -> None:
    compile_package()
    private_settings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a demo database (herstel demo --cases 100000 --db ...)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--paint-only",
        action="store_true",
        help="only the first paints (bare and desk, alternating), no keystrokes: many runs in little time",
    )
    a = ap.parse_args()
    db = demo_db(a.db, "100000")

    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import CaseFilter

    # Opening read-write brings the case index up to date first (a changed routekaart file
    # rebuilds it): that is a one-off, not what this bench measures.
    with open_store(db, "bench") as st:
        total = st.cases.count(CaseFilter(closed=None))
    row = first_row(db)
    keys = [] if a.paint_only else keystrokes(db)

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_APP)
        typing = Path(tmp) / "bare_input.py"
        typing.write_text(BARE_INPUT_APP)
        bare_first_paint(script)  # warm the file cache once
        warm_desk(db, row)
        bare, desk, keyed, floor_key = [], [], {label: [] for label, *_ in keys}, []
        bare_streamed, desk_streamed = [], []
        for _ in range(a.runs):
            bare_streamed.append(bare_first_paint(script, streamed=True))
            desk_streamed.append(desk_first_paint(db, row))
            bare.append(bare_first_paint(script))
            if not a.paint_only:
                floor_key.append(bare_keystroke(typing))
            first, results = desk_run(db, row, keys)
            desk.append(first)
            for label, secs in results.items():
                keyed[label].append(secs)

    def ms(values: list[float]) -> str:
        return (
            f"{statistics.median(values) * 1000:7.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
        )

    print(
        f"Database: {db}  ({total:_} zaken)".replace(f"{total:_}", f"{total:_}".replace("_", "."))
        + f", terminal {SIZE[0]}x{SIZE[1]} TERM=xterm, {a.runs} runs, "
        "medians"
    )
    print(f"  bare Textual app, start → first paint           {ms(bare)}")
    print(f"  herstel, start → first painted case row          {ms(desk)}")
    ratio = statistics.median(desk) / statistics.median(bare)
    print(f"  ratio first list / bare                          {ratio:7.2f}      (target ≤ 1.2)")
    print("  the same, read from the output the program writes (no polling of the screen):")
    print(f"  bare Textual app, start → first paint           {ms(bare_streamed)}")
    print(f"  herstel, start → first case row written          {ms(desk_streamed)}")
    ratio = statistics.median(desk_streamed) / statistics.median(bare_streamed)
    print(f"  ratio first list / bare                          {ratio:7.2f}      (target ≤ 1.2)")
    if floor_key:
        print(f"  bare Textual app, keystroke → its line          {ms(floor_key)}   (the floor for a keystroke)")
    for label, before, key, expect in keys:
        print(
            f"  keystroke → updated list, {label:<16} {ms(keyed[label])}   "
            f"('{before}' + '{key}' → {expect}; target ≤ 50 ms)"
        )


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm")
    main()
