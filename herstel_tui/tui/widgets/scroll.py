"""A body of text that takes the focus and scrolls by keyboard (case, overview, letter preview)."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class ScrollBody(VerticalScroll, can_focus=True):
    """↑/↓ scroll a line (ids from ``scroll_bindings``), PgUp/PgDn a page.

    Pages jump, they do not glide: an animated page is a dozen full repaints, 15 times the bytes
    of one over SSH (bench/bench_bytes.py), and a jump is what less and every pager do.
    """

    def action_page_down(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_end(animate=False)


def scroll_bindings(prefix: str) -> list[BindingType]:
    return [
        Binding("up", "scroll_up", "Omhoog", show=False, id=f"{prefix}.omhoog"),
        Binding("down", "scroll_down", "Omlaag", show=False, id=f"{prefix}.omlaag"),
    ]
