"""The werkvoorraad: search as you type, filters that stay visible, the paged case list."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from herstel_tui.domain.record import replace
from herstel_tui.store import CaseFilter
from herstel_tui.store.caselist import Sections
from herstel_tui.tui import keymap
from herstel_tui.tui.data import ListResult
from herstel_tui.tui.format import number, zaken
from herstel_tui.tui.host import DeskScreen, desk_of, footer, header
from herstel_tui.tui.screens.actions import CASE_ACTIONS, CaseActions
from herstel_tui.tui.styles import FIRST_STYLES
from herstel_tui.tui.widgets.caselist import EMPTY_TEXT, CaseTable

#: An empty list with no search text or filter to clear (a new register, or every case closed).
NO_OPEN_CASES = "Geen open zaken. F9: nieuwe persoon met zaak; g toont gesloten zaken."

if TYPE_CHECKING:
    from textual.widget import Widget

T = TypeVar("T")

TRACK_CYCLE: list[str | None] = [None, "brede_ondersteuning", "schuldenaanpak"]
OUTCOME_CYCLE: list[str | None] = [None, "gedupeerd", "geen_uitsluitsel", "niet_gedupeerd"]
CLOSED_CYCLE: list[bool | None] = [False, True, None]
SORT_CYCLE = ["termijn", "zaaknummer", "naam"]
FILTER_ACTIONS = (
    "toggle_mine",
    "toggle_urgent",
    "toggle_overdue",
    "toggle_within",
    "cycle_closed",
    "cycle_track",
    "choose_step",
    "cycle_outcome",
    "cycle_sort",
    "clear_filters",
    "reveal_bsn",
)
WITHIN_DAYS = 14
HOLD_PAINT = 0.05  # s: how long a new filter holds the paint for its first page (WorkQueueScreen._hold_paint)
FILTER_HINT = [
    ("d", f"{WITHIN_DAYS} dagen"),
    ("m", "mijn"),
    ("u", "urgent"),
    ("o", "verlopen"),
    ("t", "spoor"),
    ("s", "stap"),
    ("k", "uitkomst"),
    ("g", "gesloten"),
]


def _cycle(options: list[T], value: T) -> T:
    i = options.index(value) if value in options else 0
    return options[(i + 1) % len(options)]


class SearchBox(Input):
    HELP = "zoeken"
    BINDINGS = keymap.SEARCH_BOX

    def watch_value(self) -> None:
        # (runs as the key changes the text, before Textual paints it: the paint waits for the list)
        screen = self.screen
        if isinstance(screen, WorkQueueScreen):
            screen._hold_paint()

    def action_leave(self) -> None:
        # Focus at once (not deferred): keys typed right after are meant for the list.
        self.screen.set_focus(self.screen.query_one(CaseTable))
        desk_of(self).case_at_hand()


def filter_bar() -> Horizontal:
    """The filter bar: the count and the filters (``#filters``), the sort order at the right
    (``#sortering``); styled in werkvoorraad.tcss. Textual's own widgets, no class of the desk's:
    Textual makes each widget class at import (~2 M instructions on the first paint's way, issue 18)."""
    return Horizontal(Static("", id="filters"), Static("", id="sortering"), id="filterbalk")


def show_filters(
    bar: Widget, f: CaseFilter, count: int | None, loading: bool, error: str | None, sections: Sections | None = None
) -> None:
    """Show on the filter ``bar`` the count of the list (None: still counting), the filters of ``f``
    (or the keys that set them) and the sort order."""
    text = Text()
    filters = bar.query_one("#filters", Static)
    if error:
        text.append(f"Fout: {error}", style="bold")
        _put(filters, text)
        filters.add_class("-error")
        return
    filters.remove_class("-error")
    text.append(zaken(count) if count is not None else "… zaken", style="bold")
    if loading:
        text.append("…")
    if sections is not None and not loading and count:
        # Today's work first, in the order of the list's sections: due this week, late, waiting.
        parts = [
            (sections.week, "deze week"),
            (sections.overdue, "verlopen"),
            (sections.waiting, "wacht op UHT"),
        ]
        said = ", ".join(f"{number(n)} {label}" for n, label in parts if n)
        text.append(f": {said}" if said else "")
    labels = f.describe()
    if f.step:
        labels = [lb for lb in labels if not lb.startswith("stap:")] + [f"stap: {_step_title(f.step)}"]
    if f.outcome:
        from herstel_tui.domain.enums import Outcome  # (not on the way to the first paint)

        labels = [lb for lb in labels if not lb.startswith("uitkomst:")] + [
            f"uitkomst: {Outcome(f.outcome).label.lower()}"
        ]
    if labels:
        text.append(" · " + " · ".join(labels))
        text.append("  (x wis)", style="dim")
    else:
        text.append(" ")
        for key, label in FILTER_HINT:
            text.append(f" {key}", style="bold")
            text.append(f" {label}", style="dim")
    _put(filters, text)
    _put(bar.query_one("#sortering", Static), "" if f.sort == "termijn" else f" r: op {f.sort}", layout=True)


def _put(line: Static, content: Text | str, *, layout: bool = False) -> None:
    """Show ``content`` on ``line`` when it differs from what is shown: the bar is told about
    the list several times per keystroke (issue 18), and every change is a paint. Only the
    sort order's width depends on its text (the filters take the rest of the line: no layout)."""
    if line.content != content:
        line.update(content, layout=layout)


def _step_title(step_id: str) -> str:
    from herstel_tui.settings.resources import default_routekaart

    rk = default_routekaart()
    for track in rk.tracks.values():
        for node in track.nodes:
            if node.id == step_id:
                return node.title
    return step_id


class WorkQueueScreen(CaseActions, DeskScreen, Screen[None]):
    HELP = "werkvoorraad"
    AUTO_FOCUS = "CaseTable"
    CSS_PATH = FIRST_STYLES  # its own rules only: the desk starts on it (styles.py)

    BINDINGS = keymap.WORK_QUEUE

    def __init__(self) -> None:
        super().__init__()
        self._filter = CaseFilter()
        self._loading = True
        self._open_single = False
        self._sections: Sections | None = None
        self._had_case: bool | None = None  # whether the key line was last drawn with a case at hand

    def compose(self) -> ComposeResult:
        desk = desk_of(self)
        yield header()
        with Horizontal(id="zoekbalk"):
            yield Static("Zoek ", id="zoeklabel")  # (a Label: 7 more rules to parse and match)
            box = SearchBox(placeholder="naam, BSN, zaaknummer of adres  (/)", id="zoek", compact=True)
            box.cursor_blink = desk.blink
            yield box
        yield filter_bar()
        yield CaseTable(desk.data, desk.today, id="zaken")
        yield footer()

    _shown_once = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown_once:
            # Shown the first time (the desk's start): Textual would style every node of the
            # screen again, just after each was styled as it was mounted, for the same styles
            # (tests/tui/test_first_styles.py checks every node against that restyle): ~20 M
            # instructions before the first paint (issue 18). (Runs before Screen's handler.)
            self._shown_once = True
            event.refresh_styles = False

    @property
    def table(self) -> CaseTable:
        return self.query_one(CaseTable)

    @property
    def filter(self) -> CaseFilter:
        """The search and filters the list shows now."""
        return self._filter

    def on_mount(self) -> None:
        desk = desk_of(self)
        self.sub_title = f"Werkvoorraad · {desk.config.medewerker}"
        data = desk.data
        self._filter = CaseFilter()  # open cases, next deadline first (as run_app prefetches)
        fut = data.prefetched
        data.prefetched = None
        first = fut.result() if fut is not None and fut.done() and fut.exception() is None else None
        if first is not None:
            self.table.adopt(first)
        elif fut is not None and fut.done():
            self._adopt_late(fut)  # the prefetch failed: read the list here
        elif fut is not None:
            fut.add_done_callback(lambda f: self.app.call_from_thread(self._adopt_late, f))
        else:
            self.table.load(self._filter)
        # Read the rest of the stylesheet (styles.py) and the routekaart, and import the case
        # screen, once the list is painted, not before: that work would compete with the first
        # paint for the interpreter (a first page still on its way: _adopt_late).
        if self.app.is_headless:
            desk.read_all_styles()
            self._warm_up()
        elif first is not None or fut is None:
            self._after_first_page()
        self._show_bar(None, True, None)
        self.watch(self.table, "cursor", desk.case_at_hand, init=False)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        # Import the case screen now, while the caseworker reads the list, so the first ⏎ does
        # not wait for it.
        from herstel_tui.tui.screens import help, zaak  # noqa: F401

        data = desk_of(self).data
        if not data.store_open:
            return  # a light start: the routekaart and the dialogs (pydantic) come with the Store (case_at_hand)
        data.warm_up()
        self.app.call_from_thread(self.table.refresh)
        from herstel_tui.tui.screens import case_dialogs, person_dialog  # noqa: F401

    def _adopt_late(self, fut: Future[ListResult | None]) -> None:
        first = fut.result() if fut.exception() is None else None
        if first is not None and self.table.generation == 0:
            self.table.adopt(first)
        elif self.table.generation == 0:
            self.table.load(self._filter)
        if not self.app.is_headless:
            self._after_first_page()

    def _after_first_page(self) -> None:
        """Timed from the paint of the list's first page, not from the mount: on a busy machine
        that paint can come later than the timers would."""
        self.call_after_refresh(self.set_timer, 0.2, desk_of(self).read_all_styles)
        self.call_after_refresh(self.set_timer, 0.4, self._warm_up)

    def reload(self) -> None:
        self.stale = False
        self.table.load(self._filter, keep=True)

    # -- filter bar ----------------------------------------------------------------------------

    def _show_bar(self, count: int | None, loading: bool, error: str | None) -> None:
        show_filters(self.query_one("#filterbalk"), self._filter, count, loading, error, self._sections)

    @work(thread=True, exclusive=True, group="closed-matches", exit_on_error=False)
    def _closed_matches(self, f: CaseFilter) -> None:
        """Nothing open matches: say so when a closed case does (an exact zaaknummer, a name)."""
        try:
            closed = desk_of(self).data.count(replace(f, closed=True))
        except Exception:
            return

        def show() -> None:
            if f == self._filter and closed:
                which = "1 gesloten zaak past" if closed == 1 else f"{closed} gesloten zaken passen"
                self.table.empty_text = f"Geen open zaken; {which} bij de zoektekst. g toont gesloten zaken."
                self.table.refresh()

        self.app.call_from_thread(show)

    @on(CaseTable.Changed)
    def _list_changed(self, msg: CaseTable.Changed) -> None:
        if msg.count == 0 and not msg.loading and self._filter.closed is False and self._filter.search:
            self._closed_matches(self._filter)
        elif self._filter == CaseFilter(sort=self._filter.sort):  # nothing to clear: a new register, say
            self.table.empty_text = NO_OPEN_CASES
        else:
            self.table.empty_text = EMPTY_TEXT
        self._loading = msg.loading
        if msg.sections is not None:
            self._sections = msg.sections  # counted by the list with its rows (CaseTable.sections)
        self._show_bar(msg.count, msg.loading, msg.error)
        has_case = self.table.current is not None
        if has_case is not self._had_case:  # the case keys (F2, F6 …) apply only with a case at hand
            self._had_case = has_case
            self.refresh_bindings()
        if self._open_single and not msg.loading:
            self._open_single = False
            if msg.count == 1 and isinstance(self.focused, CaseTable):
                self.action_open()

    # -- one paint per keystroke ---------------------------------------------------------------

    _holding = False

    def _hold_paint(self) -> None:
        """Paint the key just typed together with the list it selects, not before it: the first
        page takes a few ms in a worker, and a paint of the letter alone first made the list wait
        for Textual's next frame (up to 1/60 s, issue 18). Held at most ``HOLD_PAINT`` seconds."""
        if not self._holding:
            self._holding = True
            self.app._begin_batch()  # (Textual's batch_update(), across the worker's answer)
            self.set_timer(HOLD_PAINT, self._release_paint)

    def _release_paint(self) -> None:
        if self._holding:
            self._holding = False
            self.app._end_batch()

    @on(CaseTable.FirstPage)
    @on(CaseTable.LoadFailed)
    def _answered(self) -> None:
        self._release_paint()  # (bubbled up after the list took it)

    def on_unmount(self) -> None:
        self._release_paint()

    def _set_filter(self, f: CaseFilter) -> None:
        self._hold_paint()
        self._filter = f
        self._sections = None
        self._loading = True
        self._open_single = False
        self._show_bar(self.table.count, True, None)
        self.table.load(f)

    # -- search --------------------------------------------------------------------------------

    @on(Input.Changed, "#zoek")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_filter(replace(self._filter, search=event.value.strip()))

    @on(Input.Submitted, "#zoek")
    def _search_submitted(self) -> None:
        """⏎ in the search box: to the list; a single match (a BSN, a zaaknummer) opens at once."""
        self.set_focus(self.table)
        desk_of(self).case_at_hand()
        if self._loading:
            self._open_single = True
        elif self.table.count == 1:
            self.action_open()

    def action_search(self) -> None:
        # At once, not deferred: "/jansen" typed in one go must all land in the search box.
        self.set_focus(self.query_one("#zoek", Input))

    def action_escape(self) -> None:
        box = self.query_one("#zoek", Input)
        if box.value:
            box.value = ""

    # -- list ----------------------------------------------------------------------------------

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            desk_of(self).open_case(row.id)

    @on(CaseTable.OpenCase)
    def _open(self, msg: CaseTable.OpenCase) -> None:
        desk_of(self).open_case(msg.row.id)

    def case_id_for_action(self) -> int | None:
        row = self.table.current
        return row.id if row is not None else None

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        searching = isinstance(self.focused, Input)
        if action in FILTER_ACTIONS or action in ("escape", "search"):
            # Plain letters type into the search box; these keys work on the list.
            return not searching
        if action in CASE_ACTIONS or action == "open":
            return self.table.current is not None
        return True

    # -- filters -------------------------------------------------------------------------------

    def action_toggle_mine(self) -> None:
        me = desk_of(self).config.medewerker
        self._set_filter(replace(self._filter, caseworker=None if self._filter.caseworker else me))

    def action_toggle_urgent(self) -> None:
        self._set_filter(replace(self._filter, urgent=not self._filter.urgent))

    def action_toggle_overdue(self) -> None:
        self._set_filter(replace(self._filter, overdue=not self._filter.overdue, within=None))

    def action_toggle_within(self) -> None:
        """Today's and this fortnight's own deadlines only (overdue ones: o)."""
        within = None if self._filter.within is not None else WITHIN_DAYS
        self._set_filter(replace(self._filter, within=within, overdue=False))

    def action_cycle_closed(self) -> None:
        self._set_filter(replace(self._filter, closed=_cycle(CLOSED_CYCLE, self._filter.closed)))

    def action_cycle_track(self) -> None:
        self._set_filter(replace(self._filter, track=_cycle(TRACK_CYCLE, self._filter.track)))

    def action_cycle_outcome(self) -> None:
        self._set_filter(replace(self._filter, outcome=_cycle(OUTCOME_CYCLE, self._filter.outcome)))

    def action_cycle_sort(self) -> None:
        self._set_filter(replace(self._filter, sort=_cycle(SORT_CYCLE, self._filter.sort)))

    def action_clear_filters(self) -> None:
        box = self.query_one("#zoek", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        self._set_filter(CaseFilter(sort=self._filter.sort))

    def action_choose_step(self) -> None:
        from herstel_tui.tui.screens.step_filter import StepFilterDialog

        def chosen(result: object) -> None:
            if result is None or isinstance(result, str):  # not StepFilterDialog.KEEP
                self._set_filter(replace(self._filter, step=result))

        self.app.push_screen(StepFilterDialog(self._filter.step), chosen)

    # -- BSN reveal (audited) ------------------------------------------------------------------

    def action_reveal_bsn(self) -> None:
        row = self.table.current
        if row is None:
            return
        if row.id in self.table.revealed:
            self.table.revealed.discard(row.id)
            self.table.refresh()
            return
        if not row.bsn:
            self.notify("Deze persoon heeft geen BSN in het register.", timeout=3)
            return
        self._reveal(row.id, row.person_id)

    @work(thread=True, group="reveal", exit_on_error=False)
    def _reveal(self, case_id: int, person_id: int) -> None:
        data = desk_of(self).data
        try:
            data.call(data.store.audit.viewed, person_id=person_id, case_id=case_id, what="bsn")
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"BSN niet getoond: {exc}", severity="error")
            return
        self.app.call_from_thread(self._revealed, case_id)

    def _revealed(self, case_id: int) -> None:
        self.table.revealed.add(case_id)
        self.table.refresh()
