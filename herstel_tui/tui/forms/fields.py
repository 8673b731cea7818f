"""One way to lay out a field: label, input, and an error line under it that shows only when needed.

Field values are read and written as text whatever the widget (``read_field``/``write_field``), so
a form can compare, keep as a draft and restore every field the same way. The keys of every form
come from ``keymap.form_bindings``: the same words everywhere, ids per family for the config's [toetsen].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioButton, Select, Static, TextArea
from textual.widgets._select import SelectOverlay

from herstel_tui.tui import keymap


class Tick(Checkbox):
    """A checkbox whose state is in its characters, ``[X]`` or ``[ ]``: readable without colour
    (TERM=linux, NO_COLOR), where Textual's ``▐X▌`` differs only in colour."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[" + ("X" if self.value else " ") + "]", style))


class Choice(RadioButton):
    """A radio button whose state is in its characters, ``(•)`` or ``( )`` (see ``Tick``)."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("(" + ("•" if self.value else " ") + ")", style))


class DropdownOverlay(SelectOverlay):
    """The open list of a ``Dropdown``: its key in the footer in Dutch (Textual's says "Dismiss menu")."""

    BINDINGS = keymap.DROPDOWN


class Dropdown(Select[Any]):
    """The desk's dropdown: Textual's Select with ``DropdownOverlay`` as its list, so every word a
    caseworker sees is Dutch. Every form uses this one, never the bare Textual widget."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, SelectOverlay):  # Textual's list with its English key: ours instead
                yield DropdownOverlay().data_bind(compact=Select.compact)
            else:
                yield widget


class ErrorLine(Static):
    """A fault, shown under a field (class ``veldfout``) or under a form (``#fout``); hidden when empty."""

    def show(self, message: str) -> None:
        self.update(message)
        self.add_class("-zichtbaar")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-zichtbaar")


def field_row(label: str, widget: Widget, *, hint: str = "") -> ComposeResult:
    """One form line: ``rij-<id>`` holds ``label-<id>`` and the widget; ``fout-<id>`` under it."""
    with Horizontal(classes="veld", id=f"rij-{widget.id}"):
        yield Label(label, classes="veldlabel", id=f"label-{widget.id}")
        yield widget
    yield ErrorLine("", classes="veldfout", id=f"fout-{widget.id}")
    if hint:
        yield Static(hint, classes="veldhint", id=f"hint-{widget.id}")


def read_field(widget: Widget) -> str:
    """A field's value as text: an Input's or TextArea's text, a Select's value ('' for none), a
    Checkbox as '1' or ''."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return "1" if widget.value else ""
    raise TypeError(f"{type(widget).__name__} is geen formulierveld")


def write_field(widget: Widget, value: str) -> None:
    """Put a value read with ``read_field`` back (a Select value that is no longer offered is skipped)."""
    if isinstance(widget, Input):
        widget.value = value
    elif isinstance(widget, Select):
        try:
            widget.value = value if value else Select.NULL
        except Exception:
            pass
    elif isinstance(widget, TextArea):
        widget.text = value
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)


FieldChanged = Input.Changed | TextArea.Changed | Select.Changed | Checkbox.Changed
Handler = TypeVar("Handler", bound=Callable[..., Any])


def on_field_change(method: Handler) -> Handler:
    """Decorate a handler of every field's change (Input, TextArea, Select, Checkbox)."""
    for message in (Input.Changed, TextArea.Changed, Select.Changed, Checkbox.Changed):
        method = on(message)(method)
    return method


def changed_field(event: FieldChanged) -> tuple[Widget, str | bool | None, bool]:
    """What a change event says: the field, its value (text; a Checkbox's bool; None for a Select
    without a choice), and whether to write it at once (a choice is made in one go; typing is
    written after a pause)."""
    if isinstance(event, Input.Changed):
        return event.input, event.value, False
    if isinstance(event, TextArea.Changed):
        return event.text_area, event.text_area.text, False
    if isinstance(event, Select.Changed):
        return event.select, None if event.value is Select.NULL else str(event.value), True
    return event.checkbox, bool(event.value), True
