"""The title line and the key line of every screen, each one widget.

Textual's Header is four widgets and its Footer one widget per key (recomposed whenever the
focus moves); styling and laying those out was about half of what the desk did beyond a bare
Textual app before its first paint (~50 of ~100 ms, measured by swapping them in the real desk
in tmux, issue 18). These draw the same lines as one widget each and only repaint on a change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

ICON_WIDTH = 8  # the icon's cell (Textual's Header: width 8, padding 0 1)
RIGHT_WIDTH = 10  # where Textual's Header keeps its clock (we show none: it repaints every second)


class TitleBar(Widget):
    """``≡  herstel · gemeente — medewerker``, centred; the screen's own title when it has one.
    A click on the icon opens the command palette."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """
    ALLOW_SELECT = False

    def __init__(self, icon: str = "≡") -> None:
        super().__init__()
        self.icon = icon

    def on_mount(self) -> None:
        for source in (self.app, self.screen):
            self.watch(source, "title", self._changed, init=False)
            self.watch(source, "sub_title", self._changed, init=False)

    def _changed(self) -> None:
        self.refresh()

    def text(self) -> Content:
        """The title as Textual formats it: ``title — sub title`` (the sub title dim)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        middle = max(0, width - ICON_WIDTH - RIGHT_WIDTH)
        icon = Content(f" {self.icon}".ljust(ICON_WIDTH)[:width])
        return Content.assemble(icon, self.text().center(middle, ellipsis=True), " " * RIGHT_WIDTH)[:width]

    def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            self.app.action_command_palette()


class KeyBar(Widget, can_focus=False):
    """The keys that apply now, ``F1 Help F9 Nieuw …`` (F1 first: on a 60-column terminal the keys
    at the end are cut off, and help is the one that explains all the others). A click on a key
    presses it; hovering shows the key's tooltip."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 100%;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}
    ALLOW_SELECT = False

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Binding, bool, str]] = []
        self._drawn: tuple[tuple[object, ...], ...] | None = None  # the keys of the line painted last

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # The werkvoorraad says its bindings may have changed after every list load: the line is
        # repainted (bytes over SSH) only when the keys on it did change.
        if screen is self.screen and self._keys() != self._drawn:
            self.refresh()

    def _keys(self) -> tuple[tuple[object, ...], ...]:
        return tuple((b.key, b.action, b.description, enabled, tooltip) for b, enabled, tooltip in self.shown())

    def shown(self) -> list[tuple[Binding, bool, str]]:
        """(binding, enabled, tooltip) of the keys on the line, in order: one per action, help first."""
        by_action: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled, tooltip or binding.tooltip)
        return sorted(by_action.values(), key=lambda item: item[0].action.rsplit(".", 1)[-1] != "help")

    def render(self) -> Content:
        key_style = self.get_visual_style("keybar--key")
        description_style = self.get_visual_style("keybar--description")
        parts: list[Content] = []
        spans: list[tuple[int, int, Binding, bool, str]] = []
        x = 0
        shown = self.shown()
        self._drawn = tuple((b.key, b.action, b.description, enabled, tooltip) for b, enabled, tooltip in shown)
        for binding, enabled, tooltip in shown:
            key = Content.styled(self.app.get_key_display(binding), key_style)
            item = key + Content.styled(" " + binding.description, description_style) if binding.description else key
            if not enabled:
                item = item.stylize("dim")
            spans.append((x, x + item.cell_length, binding, enabled, tooltip))
            parts.append(item)
            x += item.cell_length + 1
        self._spans = spans
        return Content(" ").join(parts)

    def text(self) -> str:
        """The line as it reads (for tests and checks)."""
        return self.render().plain[: self.size.width]

    def _at(self, x: int) -> tuple[Binding, bool, str] | None:
        for start, end, binding, enabled, tooltip in self._spans:
            if start <= x < end:
                return binding, enabled, tooltip
        return None

    def on_click(self, event: events.Click) -> None:
        hit = self._at(event.x)
        if hit is None:
            return
        binding, enabled, _ = hit
        if enabled:
            self.app.simulate_key(binding.key.split(",")[0])
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hit = self._at(event.x)
        self.tooltip = hit[2] if hit and hit[2] else None
