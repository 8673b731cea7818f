"""A body of text that takes the focus and scrolls by keyboard (case, overview, letter preview)."""

from __future__ import annotations

from collections.abc import Callable

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class ScrollBody(VerticalScroll, can_focus=True):
    """↑/↓ scroll a line (ids from ``keymap.scroll_bindings``), PgUp/PgDn a page.

    Pages jump, they do not glide: an animated page is a dozen full repaints, 15 times the bytes
    of one over SSH (bench/bench_bytes.py), and a jump is what less and every pager do.
    """

    def _jump(self, move: Callable[..., object]) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        move(animate=False)

    def action_page_down(self) -> None:
        self._jump(self.scroll_page_down)

    def action_page_up(self) -> None:
        self._jump(self.scroll_page_up)

    def action_scroll_home(self) -> None:
        self._jump(self.scroll_home)

    def action_scroll_end(self) -> None:
        self._jump(self.scroll_end)
