"""Choosing the step the werkvoorraad filters on (both tracks; milestones too)."""

from __future__ import annotations

from herstel_tui.tui import keymap
from herstel_tui.tui.forms.choices import ChoiceDialog

ALL_STEPS = "-"


class StepFilterDialog(ChoiceDialog, inherit_bindings=False):
    """⏎ returns the step id (None: no filter); Esc returns ``KEEP`` (the filter stays)."""

    HELP = "stapfilter"
    KEEP = object()
    CLOSED = KEEP
    BINDINGS = keymap.STEP_FILTER

    def __init__(self, current: str | None) -> None:
        from herstel_tui.settings.resources import default_routekaart

        seen: dict[str, str] = {}
        for track in default_routekaart().tracks.values():
            for node in track.nodes:
                seen.setdefault(node.id, node.title)
        options = [(ALL_STEPS, "Alle stappen (geen filter)", None)]
        options += [(sid, title, None) for sid, title in seen.items()]
        super().__init__("[b]Filter op huidige stap[/b]  ⏎ kiest, Esc annuleert", options, current=current)

    def option_text(self, text: str, letter: str | None) -> str:
        return text

    def chosen(self, value: str) -> object:
        return None if value == ALL_STEPS else value
