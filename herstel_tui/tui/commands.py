"""The command palette (ctrl+p or :): the commands that apply now, plus "ga naar zaak"."""

from __future__ import annotations

import asyncio
import re
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon
from textual.dom import DOMNode
from textual.widgets import Input, LoadingIndicator
from textual.widgets.option_list import Option

from herstel_tui.tui.host import DeskApp, set_blink

ZAAK = re.compile(r"^\s*(?:hko-)?(\d{4})-(\d{1,6})\s*$", re.IGNORECASE)


NO_MATCHES = "Geen resultaten. Probeer een ander woord, of een zaaknummer (2026-001234)."


class DeskPalette(CommandPalette):
    """Textual's palette in Dutch, with a prompt sign every terminal draws (no emoji)."""

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder="Zoek een opdracht of zaaknummer…")

    DEFAULT_CSS = """
    DeskPalette LoadingIndicator, DeskPalette LoadingIndicator.--visible { display: none; }
    """

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"
        # its search box's cursor blinks as every other text box of the desk (not over a slow link)
        set_blink(*self.query(Input))
        # Textual's busy indicator repaints itself 16 times a second (bytes over SSH) and says
        # "Loading..." when animations are off: the desk's commands answer at once, so it goes.
        for indicator in self.query(LoadingIndicator):
            indicator.auto_refresh = None

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's, with the message in Dutch.
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, DOMNode, str]]:
        """(description, help, node, action) for each screen or app command that applies now."""
        from herstel_tui.tui.screens.help import active_commands

        out = []
        for c in active_commands(self.screen, widgets=False):
            if c.action == "command_palette":
                continue
            out.append(
                (c.description, (c.tooltip + "  · " if c.tooltip else "") + "toets: " + c.keys, c.node, c.action)
            )
        return out

    async def _run(self, node: DOMNode, action: str) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for desc, help_text, node, action in self._commands():
            yield DiscoveryHit(desc, partial(self._run, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for desc, help_text, node, action in self._commands():
            score = matcher.match(desc)
            if score > 0:
                yield Hit(score, matcher.highlight(desc), partial(self._run, node, action), help=help_text)
        m = ZAAK.match(query)
        desk = self.app
        if m and isinstance(desk, DeskApp):
            zaaknummer = f"HKO-{m.group(1)}-{int(m.group(2)):06d}"
            data = desk.data
            # (data.store inside the thread: on a light start it opens the Store, off the UI thread)
            case = await asyncio.to_thread(lambda: data.call(data.store.cases.find, zaaknummer))
            if case is not None and case.id is not None:
                yield Hit(
                    1.0,
                    f"Open zaak {zaaknummer}",
                    partial(desk.open_case, case.id),
                    help="Ga direct naar deze zaak",
                )
