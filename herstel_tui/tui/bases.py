"""The desk's bases for what its first screen does not show: the dialog (``DeskModal``) and the
screen on a given store (``StoreScreen``). Apart from host.py, whose classes the werkvoorraad
needs, so the first paint does not make these (Textual makes each class at import: its bindings,
reactives and names, ~2 M instructions apiece; issue 18)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

from herstel_tui.tui.host import DeskScreen, OnePaint, host_config, host_today
from herstel_tui.tui.styles import STYLES

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.tui.config import DeskConfig

R = TypeVar("R")


class DeskModal(OnePaint, ModalScreen[R]):
    """A dialog of the desk, over the screen it was opened from."""

    CSS_PATH = STYLES


class StoreScreen(DeskScreen, Screen[None]):
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
