"""Asking instead of filling in: yes or no (``ConfirmDialog``), one of a list (``ChoiceDialog``)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.markup import escape as esc
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from herstel_tui.tui import keymap
from herstel_tui.tui.bases import DeskModal
from herstel_tui.tui.host import footer

# (value, text, letter or None)
ChoiceOption = tuple[str, str, str | None]


class ConfirmDialog(DeskModal[bool]):
    """Yes or no: j/F2 is yes, n/Esc is no."""

    HELP = "bevestigen"
    BINDINGS = keymap.CONFIRM

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialoog", classes="-vraag"):
            yield Static(
                Content.from_markup(f"{esc(self.question)}\n\n[b]j[/b] of F2: ja   [b]n[/b] of Esc: nee"), id="vraag"
            )
        yield footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceDialog(DeskModal[object]):
    """A list to choose from: ↑/↓ and ⏎, or the letter in front; Esc closes with ``CLOSED``."""

    HELP = "keuze"
    CLOSED: object = None
    BINDINGS = [Binding("f3,escape", "close", "Sluiten", id="keuze.sluiten")]

    def __init__(self, title: str, options: Sequence[ChoiceOption], *, current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialoog", classes="-keuze"):
            yield Static(self.title_text, id="dialoogtitel")
            yield OptionList(
                *[Option(self.option_text(text, letter), id=value) for value, text, letter in self.options],
                id="keuzes",
                compact=True,
            )
        yield footer()

    def option_text(self, text: str, letter: str | None) -> str:
        return f"{letter or ' '}  {text}"

    def on_mount(self) -> None:
        lst = self.query_one(OptionList)
        lst.highlighted = 0 if self.options else None
        if self.current is not None:
            try:
                lst.highlighted = lst.get_option_index(self.current)
            except Exception:
                pass
        lst.focus()

    def on_key(self, event: Key) -> None:
        for value, _, letter in self.options:
            if letter and event.key == letter:
                event.stop()
                self.dismiss(self.chosen(value))
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.chosen(event.option.id or ""))

    def chosen(self, value: str) -> object:
        """What the dialog returns for the option with ``value``."""
        return value

    def action_close(self) -> None:
        self.dismiss(self.CLOSED)
