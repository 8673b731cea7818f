"""What a part of the desk that is loading shows (``DeskApp.get_loading_widget``); imported when
first needed, not on the way to the first paint."""

from __future__ import annotations

from textual import events, on
from textual.widgets import Static


class Loading(Static):
    """What a widget that is loading shows: "Laden…", still. (Textual's LoadingIndicator repaints
    itself 16 times a second, also when animations are off, and then says "Loading...".)"""

    DEFAULT_CSS = """
    Loading { width: 100%; height: 100%; min-height: 1; content-align: center middle; color: $text-muted; }
    Loading.-textual-loading-indicator { layer: _loading; background: $boost; dock: top; }
    """

    def __init__(self) -> None:
        super().__init__("Laden…")

    @on(events.InputEvent)
    def _swallow(self, event: events.InputEvent) -> None:
        """A click on a loading part does nothing (as on Textual's indicator)."""
        event.stop()
        event.prevent_default()
