"""The desk's bases for what its first screen does not show: the dialog (``DeskModal``), the screen
on a given store (``StoreScreen``) and what a loading part shows (``Loading``). Apart from host.py,
whose classes the werkvoorraad needs, so the first paint does not make these (each Textual class
costs its making: ~0.4 ms, issue 18)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeVar

from textual import events, on
from textual.screen import ModalScreen
from textual.widgets import Static

from herstel_tui.tui.host import DeskScreen, OnePaint, host_config, host_today
from herstel_tui.tui.styles import STYLES

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.tui.config import DeskConfig

R = TypeVar("R")


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


class DeskModal(OnePaint, ModalScreen[R]):
    """A dialog of the desk, over the screen it was opened from."""

    CSS_PATH = STYLES


class StoreScreen(DeskScreen[None]):
    """A screen on the store it is given, for the desk and for any host App: ``today`` and
    ``config`` are the ones given, else the host's."""

    def __init__(self, store: Store, *, today: date | None = None, config: DeskConfig | None = None) -> None:
        super().__init__()
        self.store = store
        self.given_today = today
        self.given_config = config

    @property
    def today(self) -> date:
        return host_today(self.app, self.given_today)

    @property
    def config(self) -> DeskConfig:
        return host_config(self.app, self.given_config)
