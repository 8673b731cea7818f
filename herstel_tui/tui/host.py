"""The app the desk's screens live in, and what a screen may ask of whichever app hosts it.

``DeskApp`` holds the desk's state: the data layer (the one Store, the list readers), the
configuration, today, the theme and whether cursors blink. ``HerstelApp`` (desk.py) adds the keys
and the navigation between screens; the screens depend on this module only, never on desk.py.

The plan, costs and SPUK screens and the vraagbestand dialog also run on a bare ``App`` (their
tests host them so): they ask through the ``host_*`` functions, which fall back to the package
clock, a default configuration and a lock of their own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.geometry import Region, Size
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from herstel_tui.domain import clock
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.data import DeskData
from herstel_tui.tui.kept_styles import keep_first_rules, keep_rules
from herstel_tui.tui.styles import STYLES
from herstel_tui.tui.theme import ANSI_THEME, pick_theme
from herstel_tui.tui.widgets.bars import KeyBar, TitleBar

if TYPE_CHECKING:
    from textual.driver import Driver

    from herstel_tui.store import Store

# What finishes a light start in a worker: (the validated config, or None while the full Store
# waits for its first use; a warning or None; whether the case index was refreshed on opening).
FinishStart = Callable[[DeskData], "tuple[DeskConfig | None, str | None, bool]"]


# (the type checker sees DeskApp as the App it always comes with)
if TYPE_CHECKING:
    _AppBase = App[object]
else:
    _AppBase = object


class DeskApp(_AppBase):
    """The desk's state, shared by every screen; see ``HerstelApp`` for the keys. A mixin named
    before ``App`` (``class HerstelApp(DeskApp, App[object])``), not a Textual class of its own:
    Textual makes each of those at import (~1.5 M instructions on the first paint's way, issue 18).

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
        collector_paused: bool = False,
    ) -> None:
        """``collector_paused``: the start has paused Python's cycle collector (app.py), and the
        desk turns it back on once its first screen is painted (``resume_collector``)."""
        theme = pick_theme(env, low_bandwidth=low_bandwidth)
        # Native ANSI colours from the first frame (and with NO_COLOR: no colour at all, rather
        # than Textual's grey rendering of a truecolour theme).
        super().__init__(ansi_color=True if theme == ANSI_THEME else None)
        keep_rules(self.stylesheet)  # the rules of a source parsed at an earlier start are not parsed again
        self.config: DeskConfig = config
        self.low_bandwidth = low_bandwidth
        self.data = data or DeskData(store, today)
        self.finish_start = finish_start
        self.collector_paused = collector_paused
        self._store_opening = False  # case_at_hand has started a worker opening the Store
        self.desk_theme = theme
        # In force from the first stylesheet parse, without Textual's theme watcher: that parses
        # every stylesheet again after start (~20 ms before the first paint, issue 18). What the
        # watcher does besides is done here: the theme class (both desk themes are dark, as is
        # Textual's default, so -dark-mode and the truecolour filter's palette are already right).
        self.set_reactive(App.theme, theme)
        self.set_class(True, f"-theme-{theme}", update=False)
        assert self.current_theme.dark, "a light desk theme needs the watcher's -light-mode and palette"
        self.title = f"herstel · {'DEMO · ' if self.data.is_demo() else ''}{config.gemeente}" + checkout_title(store)
        self.sub_title = config.medewerker
        # No animations in any mode: on Citrix and over SSH every frame of a glide or a spinner
        # is bytes (TEXTUAL_ANIMATIONS cannot turn them back on); loading shows "Laden…", still.
        self.animation_level = "none"

    def resume_collector(self) -> None:
        """(After the first paint) the cycle collector back on, as the start paused it (app.py).
        What the start made is frozen first, without a pass over it: the desk's modules, app and
        first screen, which live as long as the process. A pass would hold the GIL 25-33 ms
        (~47,000 objects, measured at stop 31) while the first frame may still be written; the
        collector's next passes skip what is frozen. The start leaves about 1,100 objects in
        cycles that are garbage (measured at the first paint, 100k demo); frozen, they stay, once."""
        if self.collector_paused:
            self.collector_paused = False
            gc.freeze()
            gc.enable()

    def read_all_styles(self) -> None:
        """The rest of the desk's stylesheet (styles.py: the other screens, the form kit), once the
        werkvoorraad is painted with its own: parsed here, so the first case or dialog finds it and
        does not wait for Textual's reparse of every file when a screen names one it has not read."""
        sheet = self.stylesheet
        if not self.is_headless:  # (headless, this comes before the first paint: tests)
            keep_first_rules(sheet)  # the first paint's, for the next start
        new = [path for path in STYLES if not sheet.has_source(str(path), "")]
        if new:
            for path in new:
                sheet.read(path)
            sheet.parse()  # (the files read before are parsed already: Textual keeps their rules)
            sheet.update(self)

    def get_loading_widget(self) -> Widget:
        from herstel_tui.tui.widgets.loading import Loading

        return Loading()

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

    def case_at_hand(self) -> None:
        """The caseworker turns to a case (moves in the list, leaves the search box for it): on a
        light start, open the full Store now, so the first ⏎ or F2 finds it open. (Until then the
        desk holds no pydantic, routekaart or Store: ~14 MB.)"""
        if not self.data.store_open and not self._store_opening:
            self._store_opening = True  # one opening worker, however many keys arrive meanwhile
            self._open_store(None)

    def with_store(self, then: Callable[[], object]) -> None:
        """Run ``then`` with the full Store open: at once when it is, else once a worker has opened
        it (a light start), so neither the opening nor its failure lands on the UI thread."""
        if self.data.store_open:
            then()
        else:
            self._open_store(then)

    @work(thread=True, group="open-store", exit_on_error=False)
    def _open_store(self, then: Callable[[], object] | None) -> None:
        try:
            self.data.store  # noqa: B018  # (opens it)
        except Exception as exc:
            self._store_opening = False  # the next key that needs it tries again
            if then is not None:  # else the action that needs the Store says what went wrong
                self.call_from_thread(self.notify, f"Database niet geopend: {exc}", severity="error", timeout=15)
            return
        self.store_opened()
        if then is not None:
            self.call_from_thread(then)

    def store_opened(self) -> None:
        """(In a worker) the Store has just been opened by ``case_at_hand``."""

    def refresh_lists(self) -> None:
        """A change was saved: every screen re-reads what it shows when it is next visible."""
        for screen in self.screen_stack:
            if isinstance(screen, ListingScreen):
                screen.stale = True
        top = self.screen
        if isinstance(top, ListingScreen):
            top.reload()


class OnePaint:
    """Screens of the desk paint what changed once per turn of the event loop (bytes over SSH).

    Textual (8.2) paints a screen it shows for the first time three times over: it lays the screen
    out and paints all of it at once, while the layouts its widgets asked for while it was filled
    are still on the way; that layout sizes the screen, which asks for a layout and a repaint of
    all of it, and sends the screen a Resize to the very same size, whose handler lays out and
    paints it all again; and a frame with a layout and a repaint paints twice. Opening a case cost
    2.2 + 2.9 + 2.4 kB. Here (issue 17), while a screen is shown the first time: a paint waits
    for the end of the turn and is left out while a layout is on its way (that layout paints all
    that is dirty by then); before its first layout the screen takes no whole-screen refresh
    (that layout does it all); a Resize at the size it was shown at is left out, each one until
    the size really changes (the desk's first screen got three after its first paint, two of them
    a layout and a repaint of all of it: 2.3 + 3.2 kB at 80×24). Once painted, the screen paints
    as Textual does. A terminal that really changes size, a screen
    shown again after a dialog and every widget's own refresh still lay out and paint."""

    _shown_at: Size | None = None
    _before_first_paint = True  # until Textual has shown the screen the first time

    # (Textual calls the handler of each class in the MRO: these run before Screen's own.)
    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        self._shown_at = self.app.size  # type: ignore[attr-defined]  # (a Screen's)
        if self._before_first_paint:
            # (not the desk's first screen: there the first paint waits for nothing, ~30 ms sooner)
            self._showing = len(self.app.screen_stack) > 1  # type: ignore[attr-defined]
            self.call_later(self._first_paint_done)  # type: ignore[attr-defined]  # after Screen's handler

    def _first_paint_done(self) -> None:
        self._before_first_paint = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Any:
        if self._before_first_paint and not regions and not recompose:
            return self  # the first layout lays out and paints all of the screen anyway
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)  # type: ignore[misc]

    _paint_pending = False

    _showing = False  # from the first ScreenResume until the first paint after the layouts asked

    def _compositor_refresh(self) -> None:
        screen: Any = self
        if not self._showing or screen.app.screen is not screen:
            super()._compositor_refresh()  # type: ignore[misc]  # Textual's way, at once
        elif not self._paint_pending:
            self._paint_pending = True
            self.call_later(self._paint)  # type: ignore[attr-defined]

    def _paint(self) -> None:
        self._paint_pending = False
        screen: Any = self
        if screen._layout_required and screen.app.screen is screen and not screen.app._batch_count:
            screen.check_idle()  # the layout on its way will paint
            return
        self._showing = False  # shown: from now on every paint as Textual does it
        super()._compositor_refresh()  # type: ignore[misc]

    async def _on_resize(self, event: events.Resize) -> None:
        if event.size == self._shown_at:
            event.prevent_default()  # Textual's Screen._on_resize: the layout just done, again
        else:
            self._shown_at = None


# (the type checker sees the desk's screen mixins as the Screen they always come with)
if TYPE_CHECKING:
    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class DeskScreen(OnePaint, _ScreenBase):
    """A screen of the desk: the desk's stylesheet (wherever it is shown) and a way back. A mixin
    named before ``Screen`` (``class S(DeskScreen, Screen[None])``), not a Textual class of its
    own, as ``ListingScreen``: Textual makes each of those at import (~2 M instructions on the
    first paint's way, issue 18)."""

    CSS_PATH = STYLES

    def action_back(self) -> None:
        self.dismiss()


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


# (the type checker sees a ListingScreen as the DeskScreen it always comes with)
if TYPE_CHECKING:
    _ListingBase = DeskScreen
else:
    _ListingBase = object


class ListingScreen(_ListingBase):
    """A screen that shows what the database holds: read again after a save (``stale``). A mixin
    named before ``DeskScreen`` (``class S(ListingScreen, DeskScreen, Screen[None])``), not a Textual class
    of its own: Textual makes each of those at import (its bindings, reactives and names: ~2 M
    instructions apiece on the first paint's way, issue 18). Its handler runs as a class's would
    (Textual looks for handlers along the whole MRO, as ``OnePaint``'s)."""

    stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        if self.stale:
            self.reload()


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


def set_blink(*widgets: Widget) -> None:
    """Text cursors in ``widgets`` blink as the host says (not over a slow link; never in tests)."""
    from textual.widgets import Input, TextArea  # not at import: TextArea is heavy and the list has none

    for widget in widgets:
        blink = host_blink(widget.app)
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = blink


def refresh_host(app: App[Any]) -> None:
    """Tell the desk (if this is one) that something was saved."""
    if isinstance(app, DeskApp):
        app.refresh_lists()
