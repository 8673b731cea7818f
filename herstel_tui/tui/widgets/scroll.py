"""A body of text that takes the focus and scrolls by keyboard (case, overview, letter preview)."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class ScrollBody(VerticalScroll, can_focus=True):
    """↑/↓ scroll a line (ids from ``scroll_bindings``), PgUp/PgDn a page."""


def scroll_bindings(prefix: str) -> list[BindingType]:
    return [
        Binding("up", "scroll_up", "Omhoog", show=False, id=f"{prefix}.omhoog"),
        Binding("down", "scroll_down", "Omlaag", show=False, id=f"{prefix}.omlaag"),
    ]
