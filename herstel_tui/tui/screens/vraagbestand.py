"""Vraagbestand kindregeling: a self-contained modal screen.

Shows who goes in (masked BSN, name, date of birth, status, count) and the file name; F2 writes the
file in a thread worker through ``herstel_tui.services.portal.export_vraagbestand`` and then shows
the path, or the Dutch refusal with every offender. Esc or F3 closes; the screen is dismissed with
the written path (or None).

Usage (the desk wires it to a key)::

    self.app.push_screen(VraagbestandDialog(store, config), callback=...)

Only theme variables are used for colour, so the ANSI theme and NO_COLOR work; everything fits 80x24.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Static

from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date
from herstel_tui.tui import keymap
from herstel_tui.tui.bases import DeskModal
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.forms.fields import Tick
from herstel_tui.tui.forms.saving import Loaded, post_read
from herstel_tui.tui.host import footer

if TYPE_CHECKING:
    from herstel_tui.store import Store

SHOWN = 400  # lines listed; the count always says how many go in


class VraagbestandDialog(DeskModal["Path | None"]):
    """Who goes in the vraagbestand kindregeling; F2 writes it."""

    HELP = "vraagbestand"
    BINDINGS = keymap.VRAAGBESTAND

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        *,
        directory: Path | str | None = None,
        today: date | None = None,
        include_open: bool = False,
    ) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.directory = Path(directory).expanduser() if directory else None
        self.today = today or clock.today()
        self.include_open = include_open
        self.candidates: list[Any] = []
        self.written: Path | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="vk-dialoog"):
            yield Static("Vraagbestand kindregeling", id="vk-titel")
            yield Static("Kinderen worden opgezocht…", id="vk-uitleg")
            yield Tick(
                "Ook kinderen met een open aanvraag (opnieuw vragen)", self.include_open, id="vk-open", compact=True
            )
            with VerticalScroll(id="vk-lijst"):
                yield Static("", id="vk-kinderen")
            yield Static("", id="vk-uitkomst")
            with Horizontal(id="vk-knoppen"):
                yield Button(
                    "Schrijven (F2)",
                    id="vk-schrijven",
                    variant="primary",
                    compact=True,
                    disabled=True,
                    action="screen.write",
                )
                yield Button("Sluiten (Esc)", id="vk-sluiten", compact=True, action="screen.close")
        yield footer()

    def on_mount(self) -> None:
        self._load()

    # -- who goes in --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="vraagbestand-laden", exit_on_error=False)
    def _load(self) -> None:
        post_read(self, lambda: self.store.portal.children_to_verify(include_open=self.include_open), store=self.store)

    def _file_text(self) -> tuple[str | None, str | None]:
        """(file path, None) or (None, Dutch reason why no file can be written)."""
        from herstel_tui.files.portal_common import PortalError
        from herstel_tui.files.vraagbestand import vraagbestand_name
        from herstel_tui.settings.config import resolve_export_dir

        try:
            name = vraagbestand_name(self.config.portaal_id, self.today)
        except PortalError as exc:
            return None, str(exc)
        folder = self.directory or resolve_export_dir(self.config)
        return str(folder / name), None

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.value is None:
            self._show(f"Kinderen konden niet worden gelezen: {message.error}", "fout")
            return
        children: list[Any] = message.value
        self.candidates = children
        n = len(children)
        path, problem = self._file_text()
        if n == 0:
            intro = "Geen kinderen om te verifiëren: elk kind met een BSN heeft een antwoord"
            intro += "." if self.include_open else " of een open aanvraag."
        else:
            intro = f"{n} {'kind gaat' if n == 1 else 'kinderen gaan'} in het vraagbestand"
            intro += f":\n{path}" if path else "."
        self.query_one("#vk-uitleg", Static).update(intro)
        # 9 + 2 + 22 + 2 + 10 + 2 + 25 = 72 columns: fits the 74 inside the box with a scrollbar
        lines = [
            f"{c.bsn_masked:<9}  {_cut(c.name, 22):<22}  {format_date(c.birth_date):<10}  {_cut(c.status, 25)}"
            for c in children[:SHOWN]
        ]
        if n > SHOWN:
            lines.append(f"… en nog {n - SHOWN} {'kind' if n - SHOWN == 1 else 'kinderen'}")
        self.query_one("#vk-kinderen", Static).update(Content("\n".join(lines)))
        if problem:
            self._show(problem, "fout")
        else:
            self._clear()
        self.query_one("#vk-schrijven", Button).disabled = not (n and path and self.written is None)
        if n and path and self.written is None:
            self.query_one("#vk-schrijven", Button).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "vk-open" and not self.busy and self.written is None:
            self.include_open = event.value
            self._load()

    # -- writing ------------------------------------------------------------------------------

    def action_write(self) -> None:
        if self.busy or self.written is not None or not self.candidates or self._file_text()[0] is None:
            return
        self.busy = True
        self.query_one("#vk-schrijven", Button).disabled = True
        self._show("Het vraagbestand wordt geschreven…", None)
        self._write(list(self.candidates))

    @work(thread=True, exclusive=True, group="vraagbestand-schrijven", exit_on_error=False)
    def _write(self, children: list[Any]) -> None:
        from herstel_tui.files.portal_common import PortalError
        from herstel_tui.services.portal import export_vraagbestand

        try:
            result = export_vraagbestand(self.store, self.config, children, directory=self.directory, today=self.today)
        except PortalError as exc:
            self.app.call_from_thread(self._failed, "\n".join([str(exc), *exc.problems]))
            return
        except Exception as exc:
            self.app.call_from_thread(self._failed, f"Niet geschreven: {exc}")
            return
        self.app.call_from_thread(self._done, result)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.written = result.path
        n = result.count
        self._show(
            f"Geschreven: {result.path}\n{n} BSN{'' if n == 1 else chr(39) + 's'}; de aanvraag is "
            f"vastgelegd bij {n} {'kind' if n == 1 else 'kinderen'}. Upload het bestand in het "
            "gegevensportaal.",
            "klaar",
        )
        self.query_one("#vk-open", Checkbox).disabled = True
        self.query_one("#vk-sluiten", Button).focus()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#vk-schrijven", Button).disabled = False
        self._show(message, "fout")

    def _show(self, message: str, kind: str | None) -> None:
        box = self.query_one("#vk-uitkomst", Static)
        box.update(Content(message))
        box.set_class(True, "-zichtbaar")
        box.set_class(kind == "fout", "-fout")
        box.set_class(kind == "klaar", "-klaar")

    def _clear(self) -> None:
        box = self.query_one("#vk-uitkomst", Static)
        box.update("")
        box.remove_class("-zichtbaar", "-fout", "-klaar")

    # -- closing ------------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.busy:
            return  # the file is being written: wait for the outcome
        self.dismiss(self.written)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["VraagbestandDialog"]
