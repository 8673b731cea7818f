"""The desk's modules: imports that go one way (no cycle, not even behind a lazy import) and no
module longer than 800 lines."""

from __future__ import annotations

from pathlib import Path

import grimp

import herstel_tui

TUI = Path(herstel_tui.__file__).parent / "tui"


def test_no_import_cycle_in_the_desk():
    graph = grimp.build_graph("herstel_tui")  # imports inside functions and TYPE_CHECKING count too
    modules = sorted(m for m in graph.modules if m.startswith("herstel_tui.tui"))
    assert len(modules) > 20
    cycles = sorted(
        (a, b)
        for a in modules
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("herstel_tui.tui") and graph.chain_exists(importer=b, imported=a)
    )
    assert cycles == []


def test_the_screens_do_not_know_the_desk_app():
    """Screens reach the app through host.DeskApp; only the start (app.py) imports desk.py."""
    graph = grimp.build_graph("herstel_tui")
    importers = graph.find_modules_that_directly_import("herstel_tui.tui.desk")
    assert importers <= {"herstel_tui.tui.app", "herstel_tui.cli.desk", "herstel_tui.tui.launch"}


def test_no_desk_module_over_800_lines():
    lengths = {
        p.relative_to(TUI).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in TUI.rglob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n > 800} == {}
