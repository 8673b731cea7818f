"""Which colour theme the desk starts with (no Textual here: the start reads it before the import)."""

from __future__ import annotations

import os
from collections.abc import Mapping

ANSI_THEME = "ansi-dark"
COLOUR_THEME = "textual-dark"
SIXTEEN_COLOUR_TERMS = {
    "xterm",
    "linux",
    "vt100",
    "vt102",
    "vt220",
    "screen",
    "tmux",
    "ansi",
    "cygwin",
    "rxvt",
    "xterm-color",
    "putty",
    "cons25",
    "dumb",
    "sun",
    "eterm",
    "konsole",
    "gnome",
}


def pick_theme(env: Mapping[str, str] | None = None, *, low_bandwidth: bool = False) -> str:
    """The ANSI theme when only 16 colours can be trusted, else a normal dark theme.

    PuTTY and most SSH sessions say TERM=xterm and do not pass COLORTERM; the Linux console says
    TERM=linux. Those get the 16 ANSI colours of the terminal itself, as does NO_COLOR and
    --low-bandwidth (shorter escape codes). A terminal that announces 256 colours or truecolor
    gets the normal theme.
    """
    env = os.environ if env is None else env
    if low_bandwidth or "NO_COLOR" in env:
        return ANSI_THEME
    colorterm = env.get("COLORTERM", "").lower()
    term = env.get("TERM", "").lower()
    if colorterm in ("truecolor", "24bit") or "256color" in term or "truecolor" in term or "direct" in term:
        return COLOUR_THEME
    if os.name == "nt" and not term:
        # Windows Terminal speaks truecolor; the old console host and Citrix consoles: 16 colours.
        return COLOUR_THEME if env.get("WT_SESSION") else ANSI_THEME
    if term in SIXTEEN_COLOUR_TERMS or not term:
        return ANSI_THEME
    return COLOUR_THEME
