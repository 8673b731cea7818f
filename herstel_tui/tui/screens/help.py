"""F1: help for the part that has focus, with its keys read from the live bindings."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.markup import escape as esc
from textual.screen import Screen
from textual.widgets import Static

from herstel_tui.tui.bases import DeskModal
from herstel_tui.tui.help_texts import HELP_TEXTS
from herstel_tui.tui.host import footer
from herstel_tui.tui.keymap import key_name


def part_of(screen: Screen[object]) -> str:
    """The HELP key of the focused widget or its nearest ancestor, else of the screen."""
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        key = getattr(type(node), "HELP", None)
        if isinstance(key, str):
            return key
        node = node.parent
    return getattr(screen, "HELP", "werkvoorraad")


class Command(NamedTuple):
    """A binding that applies now: its keys as a caseworker reads them, and what it does."""

    keys: str
    description: str
    id: str
    node: DOMNode
    action: str
    tooltip: str


def active_commands(screen: Screen[object], *, widgets: bool = True) -> list[Command]:
    """Every binding with an id that applies now.

    Screen bindings first, then the app's, then those of the focused widget (navigation).
    """
    keys: dict[str, list[str]] = {}
    first: dict[str, ActiveBinding] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.id or not b.description:
            continue
        first.setdefault(b.id, active)
        names = keys.setdefault(b.id, [])
        if key_name(key) not in names:
            names.append(key_name(key))

    def rank(node: DOMNode) -> int:
        return 0 if node is screen else 1 if node is screen.app else 2

    found = [
        Command(" ".join(keys[bid]), a.binding.description, bid, a.node, a.binding.action, a.binding.tooltip)
        for bid, a in first.items()
    ]
    found.sort(key=lambda c: rank(c.node))
    return [c for c in found if widgets or rank(c.node) < 2]


def key_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for the help."""
    return [(c.keys, c.description, c.id) for c in active_commands(screen)]


class HelpScreen(DeskModal[None]):
    HELP = "help"
    BINDINGS = [Binding("escape,f1,f3,q,enter", "close", "Sluiten", id="help.sluiten")]

    def __init__(self, part: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.part = part
        self.rows = rows

    @classmethod
    def for_screen(cls, screen: Screen[object]) -> HelpScreen:
        return cls(part_of(screen), key_rows(screen))

    def compose(self) -> ComposeResult:
        title, text = HELP_TEXTS.get(self.part, (self.part.capitalize(), ""))
        lines = [
            f"{esc(text)}",
            "",
            "[b]Toetsen[/b]  [dim](aan te passen in config.toml onder \\[toetsen] met het id)[/]",
        ]
        for keys, desc, bid in self.rows:
            lines.append(f"[b $accent]{esc(keys):<14}[/] {esc(desc):<28} [dim]{esc(bid)}[/]")
        with Vertical(id="dialoog", classes="help"):
            yield Static(Content.from_markup(f"[b]Help: {esc(title)}[/b]"), id="dialoogtitel")
            with VerticalScroll(id="helptekst"):
                yield Static(Content.from_markup("\n".join(lines)))
        yield footer()

    def on_mount(self) -> None:
        self.query_one("#helptekst").focus()

    def action_close(self) -> None:
        self.dismiss(None)
