"""Terminals: 16 colours chosen automatically, NO_COLOR, --low-bandwidth, 80×24 usable."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input

from herstel_tui.tui.screens.case_dialogs import AssignDialog, NoteDialog, StepDialog, UrgencyDialog
from herstel_tui.tui.screens.person_dialog import NewPersonDialog
from herstel_tui.tui.theme import pick_theme
from herstel_tui.tui.widgets.caselist import CaseTable
from tests.support.pilot import settle
from tests.tui.conftest import make_app


@pytest.mark.parametrize(
    "env, theme",
    [
        ({"TERM": "xterm"}, "ansi-dark"),  # PuTTY over SSH
        ({"TERM": "linux"}, "ansi-dark"),  # the Linux console
        ({"TERM": "screen"}, "ansi-dark"),
        ({"TERM": "vt100"}, "ansi-dark"),
        ({}, "ansi-dark"),  # nothing known: play safe
        ({"TERM": "xterm-256color"}, "textual-dark"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "textual-dark"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "ansi-dark"),
        ({"TERM": "tmux-256color"}, "textual-dark"),
    ],
)
def test_pick_theme(env, theme):
    assert pick_theme(env) == theme


def test_low_bandwidth_always_ansi():
    assert pick_theme({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, low_bandwidth=True) == "ansi-dark"


async def test_xterm_gets_the_ansi_theme(demo_store):
    app = make_app(demo_store, env={"TERM": "xterm"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"
        assert app.current_theme.ansi


async def test_no_color_respected(demo_store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_store, env={"TERM": "xterm-256color", "NO_COLOR": "1"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from textual.filter import NoColor

        assert app.no_color
        assert app.theme == "ansi-dark"
        assert any(isinstance(f, NoColor) for f in app.get_line_filters())  # no colour, not grey


async def test_low_bandwidth_no_animation_no_repainting_timers(demo_store):
    app = make_app(demo_store, low_bandwidth=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"
        assert app.animation_level == "none"
        app.screen.query_one("TitleBar")  # the title line, without Textual's clock (it repaints every second)
        assert not app.screen.query("HeaderClock")
        assert all(not box.cursor_blink for box in app.screen.query(Input))
        await pilot.press("f6")
        await settle(pilot)
        assert all(not box.cursor_blink for box in app.screen.query(Input))
        await pilot.press("escape", "ctrl+p")  # the command palette's search box too
        await settle(pilot)
        assert app.screen.query(Input) and all(not box.cursor_blink for box in app.screen.query(Input))


@pytest.mark.parametrize(
    "key, dialog",
    [("f2", StepDialog), ("f6", NoteDialog), ("f7", UrgencyDialog), ("f8", AssignDialog), ("f9", NewPersonDialog)],
)
async def test_every_dialog_fits_80x24(demo_store, key, dialog):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, dialog)
        box = app.screen.query_one("#dialoog").region
        assert box.right <= 80 and box.bottom <= 24
        for button in app.screen.query(Button):
            r = button.region
            assert r.height >= 1 and r.bottom <= 23, (button, r)  # above the footer


async def test_list_fills_80x24(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.region.height >= 18  # 1 header + 17 cases or more
        assert app.screen.query_one("KeyBar").region.y == 23


async def test_form_with_every_error_still_shows_its_buttons_at_80x24(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press(
            *"123",
            "tab",
            "tab",
            "tab",
            "tab",
            *"31-12-2099",
            "tab",
            "tab",
            "tab",
            *"1",
            "tab",
            "tab",
            *"x",
            "tab",
            *"y",
            "f2",
        )
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        for button in app.screen.query(Button):
            assert 0 < button.region.bottom <= 23 and button.region.height >= 1, button.region
        assert app.screen.query_one("#fout").region.height >= 1
