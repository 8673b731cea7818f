"""The command palette (ctrl+p or :): the commands that apply now, plus "ga naar zaak"."""

from __future__ import annotations

import asyncio
import re
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ZAAK = re.compile(r"^\s*(?:hko-)?(\d{4})-(\d{1,6})\s*$", re.IGNORECASE)


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object, str]]:
        """(description, help, node, action) for each screen or app command that applies now."""
        from herstel_tui.tui.screens.help import active_commands

        out = []
        for keys, desc, _bid, node, action, tip in active_commands(self.screen, widgets=False):
            if action == "command_palette":
                continue
            out.append((desc, (tip + "  · " if tip else "") + "toets: " + keys, node, action))
        return out

    async def _run(self, node, action: str) -> None:
        await node.run_action(action)

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
        if m:
            zaaknummer = f"HKO-{m.group(1)}-{int(m.group(2)):06d}"
            data = self.app.data  # type: ignore[attr-defined]
            case = await asyncio.to_thread(data.call, data.store.cases.find, zaaknummer)
            if case is not None:
                yield Hit(
                    1.0,
                    f"Open zaak {zaaknummer}",
                    partial(self.app.open_case, case.id),  # type: ignore[attr-defined]
                    help="Ga direct naar deze zaak",
                )
