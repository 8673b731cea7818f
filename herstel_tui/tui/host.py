"""The app the desk's screens live in, and what a screen may ask of whichever app hosts it.

``DeskApp`` holds the desk's state: the data layer (the one Store, the list readers), the
configuration, today, the theme and whether cursors blink. ``HerstelApp`` (desk.py) adds the keys
and the navigation between screens; the screens depend on this module only, never on desk.py.

The plan, costs and SPUK screens and the vraagbestand dialog also run on a bare ``App`` (their
tests host them so): they ask through the ``host_*`` functions, which fall back to the package
clock, a default configuration and a lock of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen

from herstel_tui.domain import clock
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.data import DeskData
from herstel_tui.tui.styles import STYLES
from herstel_tui.tui.theme import ANSI_THEME, pick_theme
from herstel_tui.tui.widgets.bars import KeyBar, TitleBar

if TYPE_CHECKING:
    from textual.driver import Driver

    from herstel_tui.store import Store

# What finishes a light start in a worker: (the validated config, a warning or None, whether the
# case index was refreshed on opening).
FinishStart = Callable[[DeskData], tuple[DeskConfig, str | None, bool]]


class DeskApp(App[object]):
    """The desk's state, shared by every screen; see ``HerstelApp`` for the keys.

    ``store`` None with ``data`` and ``finish_start``: a light start, which paints the list from
    read-only connections first; ``finish_start`` then opens the full Store and validates the
    config in a worker.
    """

    def __init__(
        self,
        store: Store | None,
        config: DeskConfig,
        *,
        low_bandwidth: bool = False,
        today: date | None = None,
        env: Mapping[str, str] | None = None,
        data: DeskData | None = None,
        finish_start: FinishStart | None = None,
    ) -> None:
        theme = pick_theme(env, low_bandwidth=low_bandwidth)
        # Native ANSI colours from the first frame (and with NO_COLOR: no colour at all, rather
        # than Textual's grey rendering of a truecolour theme).
        super().__init__(ansi_color=True if theme == ANSI_THEME else None)
        self.config: DeskConfig = config
        self.low_bandwidth = low_bandwidth
        self.data = data or DeskData(store, today)
        self.finish_start = finish_start
        self.desk_theme = theme
        # In force from the first stylesheet parse, without Textual's theme watcher: that parses
        # every stylesheet again after start (~20 ms before the first paint, issue 18). What the
        # watcher does besides is done here: the theme class (both desk themes are dark, as is
        # Textual's default, so -dark-mode and the truecolour filter's palette are already right).
        self.set_reactive(App.theme, theme)
        self.set_class(True, f"-theme-{theme}", update=False)
        assert self.current_theme.dark, "a light desk theme needs the watcher's -light-mode and palette"
        self.title = f"herstel · {config.gemeente}" + checkout_title(store)
        self.sub_title = config.medewerker
        if low_bandwidth:
            self.animation_level = "none"

    def get_driver_class(self) -> type[Driver]:
        from herstel_tui.tui.wire import squeezing

        return squeezing(super().get_driver_class())

    @property
    def store(self) -> Store:
        return self.data.store

    @property
    def today(self) -> date:
        return self.data.today

    @property
    def blink(self) -> bool:
        """Blinking cursors are repainting timers: off in --low-bandwidth and in tests."""
        return not (self.low_bandwidth or self.is_headless)

    def open_case(self, case_id: int) -> None:
        raise NotImplementedError

    def refresh_lists(self) -> None:
        """A change was saved: every screen re-reads what it shows when it is next visible."""
        for screen in self.screen_stack:
            if isinstance(screen, ListingScreen):
                screen.stale = True
        top = self.screen
        if isinstance(top, ListingScreen):
            top.reload()


R = TypeVar("R")


class DeskScreen(Screen[R]):
    """A screen of the desk: the desk's stylesheet (wherever it is shown) and a way back."""

    CSS_PATH = STYLES

    def action_back(self) -> None:
        self.dismiss()


class DeskModal(ModalScreen[R]):
    """A dialog of the desk, over the screen it was opened from."""

    CSS_PATH = STYLES


def back_binding(prefix: str, keys: str = "escape,f3,backspace,q") -> Binding:
    """Back to where the caseworker came from (on screens with fields: without backspace)."""
    return Binding(keys, "back", "Terug", id=f"{prefix}.terug")


def checkout_title(store: Store | None) -> str:
    """On a laptop file: " · meegenomen 02-12-2026, 14 zaken" (the title bar says what this file is)."""
    origin = store.checkouts.origin() if store is not None else None
    if origin is None:
        return ""
    from herstel_tui.domain.dates import format_date
    from herstel_tui.tui.format import zaken

    return f" · meegenomen {format_date(date.fromisoformat(origin.taken_at[:10]))}, {zaken(origin.cases)}"


def header() -> TitleBar:
    """The title line of every screen (no clock: it would repaint every second)."""
    return TitleBar(icon="≡")


def footer() -> KeyBar:
    """The keys that apply now, on one line, F1 first."""
    return KeyBar()


class ListingScreen(DeskScreen[None]):
    """A screen that shows what the database holds: read again after a save (``stale``)."""

    stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        if self.stale:
            self.reload()


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


def desk_of(node: MessagePump) -> DeskApp:
    """The desk a desk-only screen or dialog is shown in."""
    app = node.app
    if not isinstance(app, DeskApp):
        raise TypeError(f"{type(node).__name__} hoort in de desk (HerstelApp), niet in {type(app).__name__}")
    return app


def host_today(app: App[Any], today: date | None = None) -> date:
    """``today`` when given, else the desk's day, else the package clock's."""
    if today is not None:
        return today
    return app.today if isinstance(app, DeskApp) else clock.today()


def host_config(app: App[Any], config: DeskConfig | None = None) -> DeskConfig:
    """``config`` when given, else the desk's, else the defaults."""
    if config is not None:
        return config
    if isinstance(app, DeskApp):
        return app.config
    from herstel_tui.settings.config import Config

    return Config()


def host_blink(app: App[Any]) -> bool:
    return app.blink if isinstance(app, DeskApp) else not app.is_headless


def refresh_host(app: App[Any]) -> None:
    """Tell the desk (if this is one) that something was saved."""
    if isinstance(app, DeskApp):
        app.refresh_lists()
