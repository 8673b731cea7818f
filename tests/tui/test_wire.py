"""Point 8 of issue 17: every keystroke costs a few hundred bytes over a thin line.

The byte counts themselves are measured in a real terminal by bench/bench_bytes.py; here: the
squeezed output shows exactly what Textual's output shows, and ↓ in the list repaints two lines.
"""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region

from herstel_tui.tui.wire import squeeze
from tests.support.pilot import settle, watch_paints
from tests.tui.conftest import make_app

_TOKEN = re.compile(r"\x1b\[([0-9;]*)m|\x1b\[(\d+);(\d+)H|(\r\n|\n)|(.)", re.S)


def painted(data: str) -> dict[tuple[int, int], tuple[str, frozenset[str]]]:
    """A small terminal: the character and the SGR attributes in force at each cell written."""
    cells: dict[tuple[int, int], tuple[str, frozenset[str]]] = {}
    attrs: dict[str, str] = {}
    y = x = 0
    for sgr, row, col, newline, ch in _TOKEN.findall(data):
        if row:
            y, x = int(row), int(col)
        elif newline:
            y, x = y + 1, 0
        elif ch:
            cells[(y, x)] = (ch, frozenset(f"{k}={v}" for k, v in attrs.items()))
            x += 1
        else:
            params = sgr.split(";") if sgr else ["0"]
            i = 0
            while i < len(params):
                p = params[i]
                if p in ("0", ""):
                    attrs.clear()
                elif p in ("38", "48"):
                    n = 3 if params[i + 1] == "5" else 5
                    attrs[p] = ";".join(params[i + 1 : i + n])
                    i += n - 1
                elif p == "39" or (p.isdigit() and (30 <= int(p) <= 37 or 90 <= int(p) <= 97)):
                    attrs.pop("38", None)
                    attrs["fg"] = p
                elif p == "49" or (p.isdigit() and (40 <= int(p) <= 47 or 100 <= int(p) <= 107)):
                    attrs.pop("48", None)
                    attrs["bg"] = p
                else:
                    attrs[p] = "on"
                i += 1
            for key, default in (("fg", "39"), ("bg", "49")):
                if attrs.get(key) == default:
                    del attrs[key]
    return cells


TEXTUAL_LIKE = (
    "\x1b[5;1H\x1b[39;49m \x1b[0m\x1b[39;49m2024-000093\x1b[0m\x1b[39;49m \x1b[0m\x1b[1;31;49m-784d\x1b[0m"
    "\x1b[1;39;42m a.bakker\x1b[0m\x1b[1;39;42m x\x1b[0m\r\n\x1b[6;1H\x1b[49m \x1b[0m\x1b[7;34;40m▃\x1b[0m"
    "\x1b[38;5;39mkleur\x1b[0m\x1b[38;2;1;39;3mecht\x1b[0m\x1b[2m — \x1b[0m\x1b[2mZaak\x1b[0m"
)


@pytest.mark.parametrize("data", [TEXTUAL_LIKE, "", "plain", "\x1b[0m\x1b[0mx", "\x1b[1mA\x1b[31mB\x1b[0m\x1b[1mC"])
def test_squeezed_output_paints_the_same_cells(data):
    out = squeeze(data)
    assert painted(out) == painted(data)
    assert len(out) <= len(data)


def test_squeeze_drops_repeated_styles_and_default_colours():
    out = squeeze(TEXTUAL_LIKE)
    assert out.count("\x1b[39;49m") == 0
    assert "\x1b[1;42m a.bakker x\x1b[0m" in out and "\x1b[2m — Zaak\x1b[0m" in out
    assert len(out) < len(TEXTUAL_LIKE) * 0.75


async def test_down_in_the_list_repaints_only_the_two_changed_lines(demo_store):
    """One ↓ (no scrolling) asks for a repaint of the old and the new cursor line, nothing more."""
    from herstel_tui.tui.widgets.caselist import CaseTable

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        asked: list[tuple[Region, ...]] = []
        original = table.refresh

        def spy(*regions, **kw):
            asked.append(regions)
            return original(*regions, **kw)

        table.refresh = spy
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor == 1
        lines = [r for regions in asked for r in regions]
        assert asked and all(regions for regions in asked), "a whole-widget repaint was asked for"
        # (under the section heading on line 1: the first two cases are on lines 2 and 3)
        assert sorted(r.y for r in lines) == [2, 3] and all(r.height == 1 for r in lines)
        # Past the bottom the list scrolls: then everything moves and is repainted.
        asked.clear()
        for _ in range(table.body_height):
            await pilot.press("down")
        await pilot.pause()
        assert round(table.scroll_y) > 0


async def test_page_down_in_a_case_jumps_without_animation(demo_store):
    """An animated page is a dozen full repaints: PgDn jumps, in one frame."""
    from herstel_tui.store import CaseFilter
    from herstel_tui.tui.widgets.scroll import ScrollBody
    from tests.support.pilot import open_case

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = max(demo_store.cases.page(CaseFilter(), 0, 50), key=lambda r: r.id)
        screen = await open_case(pilot, row.id)
        body = screen.query_one(ScrollBody)
        assert body.max_scroll_y > 0
        asked: list[bool] = []
        original = body.scroll_to

        def spy(*args, **kw):
            asked.append(kw.get("animate", True))
            return original(*args, **kw)

        body.scroll_to = spy
        for key in ("pagedown", "pageup", "end", "home"):
            await pilot.press(key)
            await pilot.pause()
        assert len(asked) >= 3 and not any(asked)


async def test_the_key_line_is_repainted_only_when_its_keys_change(demo_store):
    """The werkvoorraad refreshes its bindings after every list load (a case may have come or
    gone): the key line is repainted only when the keys on it change."""
    from herstel_tui.tui.widgets.bars import KeyBar

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        asked: list[object] = []
        original = bar.refresh

        def spy(*regions, **kw):
            asked.append(regions)
            return original(*regions, **kw)

        bar.refresh = spy
        await pilot.press("down", "m", "m", "o", "o")  # four list loads, the same keys apply
        await settle(pilot)
        assert asked == []
        await pilot.press("slash")  # in the search box Esc means "to the list": the line says so
        await settle(pilot)
        assert asked and "Esc Lijst" in bar.text()


async def test_nothing_animates_in_the_normal_mode(demo_store):
    """Issue 17: "the palette and loading indicators still animate in normal mode": on Citrix and
    over SSH every frame is bytes. Animations are off in every mode; a loading part says "Laden…"
    and has no repainting timer; the palette's busy indicator neither shows nor repaints."""
    from textual.widgets import LoadingIndicator, Static

    from herstel_tui.tui.widgets.loading import Loading

    app = make_app(demo_store)  # the normal mode (no --low-bandwidth), in a truecolour terminal
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.low_bandwidth and app.animation_level == "none"
        bar = app.screen.query_one("#filters", Static)
        x, y = bar.region.x + 2, bar.region.y
        bar.loading = True  # as the overview, the plan and a letter do while they read
        await pilot.pause()
        shown, _ = app.screen.get_widget_at(x, y)  # what covers the bar now
        assert isinstance(shown, Loading) and shown.auto_refresh is None
        assert str(shown.render()) == "Laden…" and "Laden…" in app.export_screenshot()
        bar.loading = False
        await pilot.press("ctrl+p")
        await settle(pilot)
        indicators = list(app.screen.query(LoadingIndicator))
        assert indicators and all(i.auto_refresh is None and not i.display for i in indicators)


async def test_opening_a_case_paints_the_screen_once(demo_store, monkeypatch):
    """Issue 17: "opening a case still paints the screen twice". Textual painted a new screen in
    full three times (first layout; the layout and Resize that sizing the screen asked for; a
    repaint in the same frame): now once in full, then only what changed."""

    from herstel_tui.store import CaseFilter
    from tests.support.pilot import open_case

    painted = watch_paints(monkeypatch, "CaseScreen", lambda app, screen, renderable: type(renderable).__name__)
    row = demo_store.cases.page(CaseFilter(), 0, 1)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await settle(pilot)
        assert painted.count("LayoutUpdate") == 1 and len(painted) <= 3, painted
        await pilot.resize_terminal(100, 30)  # a terminal that changes size: painted again in full
        await settle(pilot)
        assert painted.count("LayoutUpdate") >= 2, painted


async def test_the_first_screen_is_not_laid_out_again_at_the_size_it_was_shown_at(demo_store, monkeypatch):
    """Textual sends the desk's first screen Resize events at the very size it was just laid out
    at (the driver's, and its own first layouts'), each a layout and a repaint of the whole screen
    after the first paint (2.3 + 3.2 kB at 80×24 in tmux): each is left out, not only the first. A
    terminal that really changes size is laid out and painted in full, and back again too."""
    from textual import events
    from textual.geometry import Size

    painted = watch_paints(monkeypatch, "WorkQueueScreen", lambda app, screen, renderable: type(renderable).__name__)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        full, shown = painted.count("LayoutUpdate"), len(painted)
        assert full >= 1
        for _ in range(2):
            app.screen.post_message(events.Resize(Size(80, 24), Size(80, 24)))
            await settle(pilot)
        assert len(painted) == shown, painted  # nothing painted again
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        resized = painted.count("LayoutUpdate")
        assert resized > full, painted
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert painted.count("LayoutUpdate") > resized, painted
        assert app.screen.size == Size(80, 24)
