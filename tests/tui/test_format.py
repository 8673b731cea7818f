"""The desk's cell formatting: ``truncate`` cuts and pads by terminal cells, as Rich measures them."""

from __future__ import annotations

import pytest
from rich.cells import cell_len, set_cell_size

from herstel_tui.tui.format import truncate


def _rich(text: str, width: int) -> str:
    """What truncate answered before its plain-text path (issue 18): Rich's cell functions alone."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "Jansen, Piet",
        "HKO-2026-001091",
        " x ",
        "x" * 30,
        "Dörte Ülker",
        "≡ herstel",
        "中文名字",
        "a\tb",
        "a\x1bb",
    ],
)
def test_truncate_cuts_and_pads_as_rich_measures(text):
    for width in range(-1, 34):
        assert truncate(text, width) == _rich(text, width)
        if width > 0:
            assert cell_len(truncate(text, width)) == width
