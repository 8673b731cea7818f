"""The werkvoorraad: a line-API list that pages from SQLite and renders only what is visible.

Virtual height = number of matching cases + one header line (+ one heading line per section in
the default view: "── Deze week (373) ──", "── Verlopen (5.249) ──" …). Rows live in a small LRU
cache of pages (200 rows each) fetched by offset in thread workers; a line whose page is not there
yet shows a placeholder and asks for it. Nothing ever holds all rows in Python.

The cursor is a row index (0 … count-1), never a line: a heading is no stop for ↑↓, PgUp/PgDn,
Home/End or a click, and Enter always opens a case. ``line_of`` and ``item_at`` map between
rows and the lines on screen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from datetime import date

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.record import record
from herstel_tui.domain.words import OUTCOME_LABELS, OUTCOME_SHORT, TRACK_SHORT
from herstel_tui.store import CaseFilter, CaseRow
from herstel_tui.store.caselist import Sections, sectioned
from herstel_tui.tui import keymap
from herstel_tui.tui.data import PAGE, DeskData, ListResult
from herstel_tui.tui.format import days_short, number, truncate

MAX_PAGES = 40
REVERSE = Style(reverse=True)
EMPTY_TEXT = "Geen zaken gevonden. Wis de zoektekst of filters (x)."
# The headings of the default list's sections (store.caselist.SECTION_ORDER).
SECTION_TITLES = {
    "week": "Deze week",
    "verlopen": "Verlopen",
    "wacht": "Wacht op UHT",
    "later": "Later / zonder termijn",
}
SECTION_NOTES = {"verlopen": ", recentste eerst"}


def section_heading(key: str, count: int | None, width: int) -> str:
    """'── Deze week (373) ─────…': characters, so it reads without colour (NO_COLOR, TERM=linux)."""
    counted = f" ({number(count)})" if count is not None else ""
    text = f"── {SECTION_TITLES[key]}{counted}{SECTION_NOTES.get(key, '')} "
    return text + "─" * max(2, width - len(text))


@record
class Column:
    key: str
    title: str
    width: int
    right: bool = False


# key: (title, width) from 100 columns wide, then (title, width) below; width 0 shares what is left
_COLUMNS = {
    "mark": ("!", 1, "!", 1),
    "zaak": ("Zaaknummer", 15, "Zaak", 11),
    "naam": ("Naam", 0, "Naam", 0),
    "bsn": ("BSN", 9, "BSN", 9),
    "spoor": ("Sp", 2, "Sp", 2),
    "stap": ("Huidige stap", 0, "Stap", 0),
    "uitkomst": ("Uitkomst", 16, "Uitk.", 5),
    "termijn": ("Termijn", 16, "Term", 5),
    "medewerker": ("Medewerker", 12, "Medew.", 8),
}


def columns(width: int) -> list[Column]:
    """Column layout for a content width: every column fits in 80; more detail from 100."""
    wide = width >= 100
    fixed = [(key, *(spec[:2] if wide else spec[2:])) for key, spec in _COLUMNS.items()]
    used = sum(w for _, _, w in fixed) + len(fixed) - 1
    flex = max(0, width - used)
    name = max(18, flex * 2 // 5) if wide else max(8, flex * 11 // 20)
    stap = max(6, flex - name)
    out = []
    for key, title, w in fixed:
        if key == "naam":
            w = name
        elif key == "stap":
            w = stap
        out.append(Column(key, title, w, right=key == "termijn"))
    return out


def cell_text(col: Column, row: CaseRow, today: date, revealed: bool) -> str:
    k = col.key
    if k == "mark":
        return "!" if row.urgent else ""
    if k == "zaak":
        z = row.zaaknummer
        return z if col.width >= 15 else z.removeprefix("HKO-")
    if k == "naam":
        return row.name
    if k == "bsn":
        return (row.bsn or "—") if revealed else row.bsn_masked
    if k == "spoor":
        return TRACK_SHORT.get(row.track) or _enum_words("track", row.track)
    if k == "stap":
        laptop = ""
        if row.laptop:  # out on a laptop (herstel meenemen): in full where the column has room
            laptop = f"mee op laptop van {row.laptop} · " if col.width >= 34 else "laptop · "
        return laptop + ("gesloten · " if row.closed else "") + (row.current_title or "")
    if k == "uitkomst":
        if not row.outcome:
            return ""
        words = OUTCOME_LABELS if col.width >= 16 else OUTCOME_SHORT
        return words.get(row.outcome) or _enum_words("outcome", row.outcome, col.width >= 16)
    if k == "termijn":
        if row.closed or row.next_due is None:
            return ""
        if row.waiting:  # another party owes it: not the caseworker's overdue work
            return f"{format_date(row.next_due)}  wacht" if col.width >= 16 else "wacht"
        days = days_short(row.days_left(today))
        return f"{format_date(row.next_due)} {days:>5}" if col.width >= 16 else days
    if k == "medewerker":
        return row.caseworker or ""
    return ""


def _enum_words(kind: str, value: str, label: bool = False) -> str:
    """A value domain.words does not name: as the enum says it (or refuses it), as before the
    plain words (Track(...).short, Outcome(...).label / .short)."""
    from herstel_tui.domain.enums import Outcome, Track

    if kind == "track":
        return Track(value).short
    outcome = Outcome(value)
    return outcome.label if label else outcome.short


class CaseTable(ScrollView, can_focus=True):
    """The case list. Posts OpenCase on Enter; the screen decides what to do."""

    HELP = "werkvoorraad"

    BINDINGS = keymap.CASE_TABLE

    COMPONENT_CLASSES = {
        "case-table--header",
        "case-table--cursor",
        "case-table--overdue",
        "case-table--soon",
        "case-table--urgent",
        "case-table--closed",
        "case-table--placeholder",
        "case-table--section",
    }

    DEFAULT_CSS = """
    CaseTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    CaseTable > .case-table--header { text-style: bold; color: $text-muted; }
    CaseTable > .case-table--cursor { background: $boost; text-style: bold; }
    CaseTable:focus > .case-table--cursor { background: $accent; color: $text; }
    CaseTable > .case-table--overdue { color: $error; text-style: bold; }
    CaseTable > .case-table--soon { color: $warning; }
    CaseTable > .case-table--urgent { color: $error; text-style: bold; }
    CaseTable > .case-table--closed { color: $text-muted; }
    CaseTable > .case-table--placeholder { color: $text-muted; }
    CaseTable > .case-table--section { text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, init=False, repaint=False)

    # The messages are plain classes, not dataclasses: a dataclass compiles its methods when the
    # module is imported, and this module is on the way to the desk's first paint (issue 18).

    class OpenCase(Message):
        def __init__(self, row: CaseRow) -> None:
            self.row = row
            super().__init__()

    class Changed(Message):
        """The list's count or state changed (for the filter bar); ``sections``: what is late, due
        this week, waiting (when counted)."""

        def __init__(
            self, count: int | None, loading: bool, error: str | None = None, sections: Sections | None = None
        ) -> None:
            self.count, self.loading, self.error, self.sections = count, loading, error, sections
            super().__init__()

    # From the workers, each with the generation of the load it answers (older ones are dropped).

    class FirstPage(Message):
        def __init__(self, generation: int, result: ListResult, keep: bool) -> None:
            self.generation, self.result, self.keep = generation, result, keep
            super().__init__()

    class CountReady(Message):
        def __init__(self, generation: int, count: int) -> None:
            self.generation, self.count = generation, count
            super().__init__()

    class SectionsReady(Message):
        def __init__(self, generation: int, sections: Sections) -> None:
            self.generation, self.sections = generation, sections
            super().__init__()

    class PageReady(Message):
        def __init__(self, generation: int, page: int, rows: list[CaseRow]) -> None:
            self.generation, self.page, self.rows = generation, page, rows
            super().__init__()

    class LoadFailed(Message):
        def __init__(self, generation: int, error: str) -> None:
            self.generation, self.error = generation, error
            super().__init__()

    def __init__(self, data: DeskData, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = data
        self.today = today
        self.filter = CaseFilter()
        self.count: int | None = None
        self.sections: Sections | None = None  # of the list shown (counted after its first page)
        # The default view's sections as (key, rows) in order, and where each starts (row, line).
        self._parts: list[tuple[str, int]] = []
        self._first_rows: list[int] = []
        self._first_lines: list[int] = []
        self.generation = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._pending: set[int] = set()
        self.revealed: set[int] = set()
        self._cols: list[Column] = []
        self._cols_width = -1
        self.empty_text = EMPTY_TEXT  # what an empty list says (the screen may say more)
        self._paint_style: Style | None = None  # the base style while the lines of one paint are made

    # -- loading -------------------------------------------------------------------------------

    def load(self, f: CaseFilter, *, keep: bool = False) -> None:
        """Show the cases matching ``f``; ``keep`` stays near the cursor (after a change)."""
        self.generation += 1
        self.filter = f
        self._pending.clear()
        self.data.interrupt_list_reads()  # the reads for the old filter are moot
        offset = (self.cursor // PAGE) * PAGE if keep else 0
        self.post_message(self.Changed(self.count, True))
        self._load(self.generation, f, offset, keep)

    def adopt(self, result: ListResult) -> None:
        """Take a first page fetched before the app started (see DeskData.prefetch)."""
        self.generation += 1
        self.filter = result.filter
        self._apply_first(self.generation, result, keep=False)
        # Counted after the first paint: on a million cases the count and the sections take ~0.6 s
        # of SQLite beside Textual's start (unless a search has replaced this list by then).
        generation = self.generation

        def count() -> None:
            if generation == self.generation:
                self._count(generation, result.filter, result.count, result.sections is None)

        self.call_after_refresh(count)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _count(self, generation: int, f: CaseFilter, count: int | None, sections: bool) -> None:
        self._count_and_sections(generation, f, count, sections)

    def _count_and_sections(self, generation: int, f: CaseFilter, count: int | None, sections: bool) -> None:
        """(In a worker.) The count first when not known (the bar says it soonest), then the sections."""
        worker = get_current_worker()
        try:
            if count is None:
                count = self.data.count(f)
                if worker.is_cancelled:
                    return
                self.post_message(self.CountReady(generation, count))
            if sections:
                counted = self.data.sections(f, count)
                if not worker.is_cancelled:
                    self.post_message(self.SectionsReady(generation, counted))
        except Exception as exc:
            self.post_message(self.LoadFailed(generation, str(exc)))

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load(self, generation: int, f: CaseFilter, offset: int, keep: bool) -> None:
        worker = get_current_worker()
        try:
            # Read again after a change (keep): the sections first, so the page and its headings agree.
            result = self.data.first_page(f, offset, cancelled=lambda: worker.is_cancelled, with_sections=keep)
            if result is None or worker.is_cancelled:
                return
            self.post_message(self.FirstPage(generation, result, keep))
        except Exception as exc:
            self.post_message(self.LoadFailed(generation, str(exc)))
            return
        self._count_and_sections(generation, f, result.count, result.sections is None)

    def _fetch_page(self, page: int) -> None:
        if page in self._pending or page in self._pages:
            return
        self._pending.add(page)
        self._page_worker(self.generation, self.filter, page, self.sections)

    @work(thread=True, group="pages", exit_on_error=False)
    def _page_worker(self, generation: int, f: CaseFilter, page: int, sections: Sections | None) -> None:
        if generation != self.generation:
            return
        try:
            rows = self.data.page(f, page * PAGE, PAGE, sections)
        except Exception as exc:
            self.post_message(self.LoadFailed(generation, str(exc)))
            return
        self.post_message(self.PageReady(generation, page, rows))

    def _apply_first(self, generation: int, result: ListResult, keep: bool) -> None:
        self._pages.clear()
        self._pending.clear()
        self._pages[result.offset // PAGE] = result.rows
        if result.count is not None:
            self.count = result.count
        elif not keep or self.count is None:
            # Count still coming: show what we have, the scrollbar grows when it arrives.
            self.count = result.offset + len(result.rows)
        if result.sections is not None or not keep:
            self.sections = result.sections
        self._relayout()
        if keep:
            self.cursor = min(self.cursor, max(0, (self.count or 1) - 1))
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self._update_virtual_size()
        self.refresh()
        # While the count is still coming the bar says "… zaken", not the provisional 200.
        known = result.count if result.count is not None else (self.count if keep else None)
        self.post_message(self.Changed(known, result.count is None, sections=result.sections))

    def on_case_table_first_page(self, msg: FirstPage) -> None:
        if msg.generation == self.generation:
            self._apply_first(msg.generation, msg.result, msg.keep)

    def on_case_table_count_ready(self, msg: CountReady) -> None:
        if msg.generation != self.generation:
            return
        self.count = msg.count
        self.cursor = min(self.cursor, max(0, msg.count - 1))
        self._relayout()
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.Changed(self.count, False, sections=self.sections))

    def on_case_table_sections_ready(self, msg: SectionsReady) -> None:
        if msg.generation != self.generation:
            return
        self.sections = msg.sections
        self._relayout()
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Changed(self.count, False, sections=self.sections))

    def on_case_table_page_ready(self, msg: PageReady) -> None:
        self._pending.discard(msg.page)
        if msg.generation != self.generation:
            return
        self._pages[msg.page] = msg.rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()

    def on_case_table_load_failed(self, msg: LoadFailed) -> None:
        if msg.generation == self.generation:
            self.post_message(self.Changed(self.count, False, msg.error))

    # -- sections ------------------------------------------------------------------------------

    def _relayout(self) -> None:
        """Where the headings go: from the counted sections, else (until they are counted) from
        the first page's rows, the last section running on to the end."""
        layout: list[tuple[str, int]] = []
        if sectioned(self.filter) and self.count:
            if self.sections is not None:
                layout = [(key, n) for key, n in self.sections.in_order() if n]
            else:
                for case in self._pages.get(0, []):
                    key = case.section(self.today) or "later"
                    if layout and layout[-1][0] == key:
                        layout[-1] = (key, layout[-1][1] + 1)
                    else:
                        layout.append((key, 1))
            if layout:  # rows past the counted ones (a count read a moment apart) join the last
                shown = sum(n for _, n in layout)
                if shown < self.count:
                    layout[-1] = (layout[-1][0], layout[-1][1] + self.count - shown)
        self._parts = layout
        self._first_rows, self._first_lines = [], []
        start = 0
        for i, (_, n) in enumerate(layout):
            self._first_rows.append(start)
            self._first_lines.append(start + i)  # the heading's line; its rows follow it
            start += n

    @property
    def line_count(self) -> int:
        """Lines below the column header: a line per case and per heading."""
        return (self.count or 0) + len(self._parts)

    def line_of(self, index: int) -> int:
        """The line (below the column header) that shows case ``index``."""
        if not self._parts:
            return index
        return index + bisect_right(self._first_rows, index)

    def item_at(self, line: int) -> tuple[str | None, int]:
        """What line ``line`` shows: (section key, -1) for a heading, (None, case index) for a case."""
        if not self._parts:
            return None, line
        i = max(0, bisect_right(self._first_lines, line) - 1)
        if line == self._first_lines[i]:
            return self._parts[i][0], -1
        return None, self._first_rows[i] + line - self._first_lines[i] - 1

    # -- rows ----------------------------------------------------------------------------------

    def row_at(self, index: int) -> CaseRow | None:
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            return None
        self._pages.move_to_end(page)
        i = index - page * PAGE
        return rows[i] if 0 <= i < len(rows) else None

    @property
    def current(self) -> CaseRow | None:
        if not self.count:
            return None
        return self.row_at(self.cursor)

    # -- geometry ------------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.line_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        # A taller window that holds more rows shows them: no scroll position left over from before.
        top = max(0, min(round(self.scroll_y), self.line_count - self.body_height))
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)
        self._scroll_cursor_into_view()

    @property
    def body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _layout_columns(self, width: int | None = None) -> list[Column]:
        """The columns for ``width`` (default: the content width now)."""
        if width is None:
            width = self.scrollable_content_region.width
        if width != self._cols_width:
            self._cols = columns(width)
            self._cols_width = width
        return self._cols

    # -- cursor --------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        # Over a thin line every byte counts: when the list does not scroll, only the two rows
        # whose highlight changed are repainted (a few hundred bytes instead of the whole list).
        top = round(self.scroll_y)
        self._scroll_cursor_into_view()
        if round(self.scroll_y) != top:
            self.refresh()
            return
        for index in {old, new}:
            self._refresh_row(index)

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)  # the cursor's look depends on focus

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def _refresh_row(self, index: int) -> None:
        """Repaint the line that shows case ``index`` (if it is on screen)."""
        y = self.line_of(index) - round(self.scroll_y) + 1
        if 1 <= y <= self.body_height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        h = self.body_height
        line = self.line_of(self.cursor)
        # The first case of a section comes with its heading.
        first = line - 1 if line and self.item_at(line - 1)[0] is not None else line
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif line >= top + h:
            self.scroll_to(y=line - h + 1, animate=False, immediate=True)

    def _move(self, to: int) -> None:
        if not self.count:
            return
        self.cursor = max(0, min(self.count - 1, to))

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """A screen further: the case on the line a screen away (past a heading: its first case)."""
        if not self.count:
            return
        line = max(0, min(self.line_count - 1, self.line_of(self.cursor) + direction * self.body_height))
        key, index = self.item_at(line)
        if key is not None:
            index = self.item_at(line + 1)[1] if line + 1 < self.line_count else self.cursor
        self._move(index)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move((self.count or 1) - 1)

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.OpenCase(row))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1 or not self.count:
            return
        key, index = self.item_at(round(self.scroll_y) + event.y - 1)
        if key is None and index < self.count:
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    # -- rendering -----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The base style once per paint: ``rich_style`` walks the widget's ancestors each time it
        # is read, and every line of the paint starts from it.
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        cols = self._layout_columns(width)
        base = self.rich_style if self._paint_style is None else self._paint_style
        if y == 0:
            style = base + self.get_component_rich_style("case-table--header")
            sort_col = {"termijn": "termijn", "zaaknummer": "zaak", "naam": "naam"}.get(self.filter.sort)
            titles = [c.title + ("▲" if c.key == sort_col else "") for c in cols]
            text = " ".join(
                truncate(t, c.width) if not c.right else t.rjust(c.width)[-c.width :] for t, c in zip(titles, cols)
            )
            return Strip([Segment(truncate(text, width), style)], width)
        key, index = self.item_at(round(self.scroll_y) + y - 1)
        if key is not None:
            style = base + self.get_component_rich_style("case-table--section")
            counted = self.sections is not None  # until counted, a heading says no number
            count = next(n for k, n in self._parts if k == key) if counted else None
            return Strip([Segment(section_heading(key, count, width), style)], width).crop(0, width)
        if self.count is None:
            if y == 1:
                style = base + self.get_component_rich_style("case-table--placeholder")
                return Strip([Segment(truncate(" Zaken laden…", width), style)], width)
            return Strip.blank(width, base)
        if self.count == 0:
            if y == 1:
                style = base + self.get_component_rich_style("case-table--placeholder")
                return Strip([Segment(truncate(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        if index >= self.count:
            return Strip.blank(width, base)
        row = self.row_at(index)
        selected = index == self.cursor
        if row is None:
            self.call_later(self._fetch_page, index // PAGE)
            style = base + self.get_component_rich_style("case-table--placeholder")
            if selected:
                style += self.get_component_rich_style("case-table--cursor")
            return Strip([Segment(truncate(" …", width), style)], width)
        return self._row_strip(row, cols, width, base, selected)

    def _row_strip(self, row: CaseRow, cols: list[Column], width: int, base: Style, selected: bool) -> Strip:
        row_style = base
        if row.closed:
            row_style += self.get_component_rich_style("case-table--closed")
        if selected:
            row_style += self.get_component_rich_style("case-table--cursor")
            if self.app.no_color and self.has_focus:
                # Textual turns a CSS reverse into swapped colours, which NO_COLOR then drops.
                row_style += REVERSE
        segments: list[Segment] = []
        revealed = row.id in self.revealed
        for i, col in enumerate(cols):
            if i:
                segments.append(Segment(" ", row_style))
            text = cell_text(col, row, self.today, revealed)
            text = text.rjust(col.width) if col.right else text
            style = row_style
            if col.key == "mark" and text:
                style = row_style + self.get_component_rich_style("case-table--urgent")
            elif col.key == "termijn" and text:
                # A period (nazorg, moratorium) ends by itself and a waited-on date is another
                # party's: only the caseworker's deadlines can be late (the store decides, CaseRow.section).
                section = row.section(self.today)
                if section == "verlopen":
                    style = row_style + self.get_component_rich_style("case-table--overdue")
                elif section == "week":
                    style = row_style + self.get_component_rich_style("case-table--soon")
            segments.append(Segment(truncate(text, col.width), style))
        used = sum(c.width for c in cols) + len(cols) - 1
        if used < width:
            segments.append(Segment(" " * (width - used), row_style))
        # One segment per run of equal style: each segment costs its own escape codes on the wire.
        return Strip(Segment.simplify(segments), width).crop(0, width)
