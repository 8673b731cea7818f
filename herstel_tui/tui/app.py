"""The desk: ``run_app`` starts it; ``HerstelApp`` is the Textual app (in desk.py).

This module does not import Textual at the top: ``run_app`` first starts reading the first page
of the werkvoorraad in a thread, then imports Textual, so the query and the ~200 ms import of
Textual overlap and the first paint already has rows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from herstel_tui.tui.data import DeskData

if TYPE_CHECKING:
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store

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


def run_app(store: Store, config: Config, *, low_bandwidth: bool = False) -> None:
    from herstel_tui.store.caselist import CaseFilter

    data = DeskData(store)
    data.prefetch(CaseFilter())  # the first page is read while Textual is imported and starts up
    from herstel_tui.tui.desk import HerstelApp

    HerstelApp(store, config, low_bandwidth=low_bandwidth, data=data).run()


def run_app_light(data: DeskData, config: Any, finish_start: Any, *, low_bandwidth: bool = False) -> None:
    """The desk before the full Store and config are loaded: they follow in a worker."""
    from herstel_tui.store.caselist import CaseFilter

    data.prefetch(CaseFilter())
    from herstel_tui.tui.desk import HerstelApp

    HerstelApp(None, config, low_bandwidth=low_bandwidth, data=data, finish_start=finish_start).run()


def __getattr__(name: str) -> Any:
    if name in ("HerstelApp", "binding_ids"):
        from herstel_tui.tui import desk

        return getattr(desk, name)
    raise AttributeError(name)


__all__ = ["pick_theme", "run_app"]  # HerstelApp and binding_ids come lazily from desk.py
