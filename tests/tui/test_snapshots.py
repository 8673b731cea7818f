"""SVG snapshots of the main screens (pytest-textual-snapshot). Update with --snapshot-update."""

from __future__ import annotations

from herstel_tui.store import CaseFilter
from tests.support.pilot import settle
from tests.tui.conftest import TODAY, make_app

XTERM = {"TERM": "xterm"}  # 16 colours, as over PuTTY
TRUECOLOR = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


async def _ready(pilot) -> None:
    await settle(pilot)


def test_list_80x24(snap_compare, demo_store):
    app = make_app(demo_store, env=XTERM)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_list_120x36(snap_compare, demo_store):
    app = make_app(demo_store, env=TRUECOLOR)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_ready)


def test_case_80x24(snap_compare, demo_store):
    row = next(
        r
        for r in demo_store.cases.page(CaseFilter(), 0, 100, today=TODAY)
        if r.bsn and demo_store.cases.view(r.id, today=TODAY).running
    )

    async def open_case(pilot) -> None:
        await settle(pilot)
        pilot.app.open_case(row.id)
        await settle(pilot)

    app = make_app(demo_store, env=XTERM)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_case)
