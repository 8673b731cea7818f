"""Driving the desk and its screens with Pilot: one helper for each thing, for every Pilot test.

Tests press real keys in ``run_test(size=(80, 24))`` and look at what is stored and what is
rendered (never at a screen's private state).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

TRUECOLOR = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


def desk(store, config, *, today: date | None = None, env: dict | None = None, **kw):
    """The real desk (HerstelApp) on ``store``, on ``today`` (else the package clock's), in a
    truecolour terminal unless ``env`` says otherwise."""
    from herstel_tui.tui.desk import HerstelApp

    return HerstelApp(store, config, today=today, env=env if env is not None else TRUECOLOR, **kw)


class Host(App):
    """A bare host for one screen (the plan, costs and SPUK screens and the vraagbestand dialog must
    not need the desk); ``result`` is what the screen was dismissed with ("open" until then)."""

    def __init__(self, make_screen: Callable[[], Screen]):
        super().__init__()
        self.make_screen = make_screen
        self.result: Any = "open"

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self.closed)

    def closed(self, result: Any) -> None:
        self.result = result


async def settle(pilot, rounds: int = 20) -> None:
    """Let workers finish and their messages land (never sleep)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break


def screen_text(app) -> str:
    """All text of the current screen's widgets."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def error_text(app) -> str:
    """The dialog's error line (why the save was refused)."""
    return str(app.screen.query_one("#fout").render())


def notices(app) -> list[str]:
    """The notifications shown now (title and message of each toast on the screen); the app
    must run with ``run_test(..., notifications=True)`` for toasts to be shown."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def focused_id(app) -> str:
    return app.focused.id if app.focused is not None and app.focused.id else ""


async def pick(pilot, downs: int) -> None:
    """Open the focused Select, move ``downs`` options down, take that one."""
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def open_case(pilot, case_id: int):
    """Open a case on the desk and wait until its screen shows it."""
    from herstel_tui.tui.screens.zaak import CaseScreen

    pilot.app.open_case(case_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseScreen)
    return pilot.app.screen


def watch_paints(monkeypatch, screen_type: str, record: Callable[[App, Screen, Any], object]) -> list:
    """What Textual paints of a screen of ``screen_type`` (its class name), one ``record(app,
    screen, renderable)`` a paint, in the list returned (a LayoutUpdate renderable: the whole
    screen). Spies on ``App._display``, the one place every frame passes."""
    seen: list = []
    display = App._display

    def spy(self: App, screen: Screen, renderable: Any) -> Any:
        if renderable is not None and type(screen).__name__ == screen_type:
            seen.append(record(self, screen, renderable))
        return display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", spy)
    return seen
