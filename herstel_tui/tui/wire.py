"""Fewer bytes on the wire: the same screen in shorter escape codes (for SSH and thin clients).

Textual writes every run of text as ``ESC[<style>m text ESC[0m``, also when the next run has the
same style, and it sets the default colours (``39;49``) right after a reset that already made them
the default. Over a thin line that is a third of every repaint. ``squeeze`` drops exactly those
codes: a reset followed at once by the style that was already in force, default colours set on a
reset state, and a reset of a state that is already reset. What the terminal shows is unchanged
(tests/tui/test_wire.py replays both on a small model of a terminal).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.driver import Driver

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
RESET = "\x1b[0m"


def _without_defaults(codes: str) -> str:
    """``codes`` minus plain default-colour codes (39, 49): meant for a state that is reset."""
    params = codes.split(";")
    out: list[str] = []
    i = 0
    while i < len(params):
        p = params[i]
        if p in ("38", "48", "58") and i + 1 < len(params):
            # Extended colour: 5;n or 2;r;g;b belong to it (a 39 there is a colour, not "default").
            n = 3 if params[i + 1] == "5" else 5
            out.extend(params[i : i + n])
            i += n
            continue
        if p not in ("39", "49"):
            out.append(p)
        i += 1
    return ";".join(out)


def squeeze(data: str) -> str:
    """``data`` with redundant SGR codes left out (the terminal ends in the same state)."""
    out: list[str] = []
    # The codes set since the last reset ("": reset; None: not known). Textual closes every styled
    # run with a reset, so each write starts from a reset state.
    state: str | None = ""
    pending_reset = False
    pos = 0
    for m in _SGR.finditer(data):
        text = data[pos : m.start()]
        pos = m.end()
        if text:
            if pending_reset and state != "":
                out.append(RESET)
            if pending_reset:
                state = ""
            pending_reset = False
            out.append(text)
        codes = m.group(1)
        if codes in ("", "0"):
            pending_reset = True
            continue
        if pending_reset or state == "":
            clean = _without_defaults(codes)
            if pending_reset and clean == state:
                pending_reset = False  # reset, then the same style again: nothing changes
                continue
            if pending_reset and state != "":
                out.append(RESET)
            pending_reset = False
            state = ""
            if clean:
                out.append(f"\x1b[{clean}m")
                state = clean
        else:
            out.append(m.group(0))
            state = None  # a style on top of another: no longer known exactly
    if pending_reset and state != "":
        out.append(RESET)
    out.append(data[pos:])
    return "".join(out)


def squeezing(driver: type[Driver]) -> type[Driver]:
    """``driver`` writing squeezed output."""

    class Squeezing(driver):  # type: ignore[valid-type,misc]
        def write(self, data: str) -> None:
            super().write(squeeze(data))

    Squeezing.__name__ = f"Squeezing{driver.__name__}"
    return Squeezing
