"""Overzicht: the management overview on one screen, and the .xlsx one key away.

The figures are computed in a thread worker on a read-only Store of the desk's reader pool (the
engine judges every case once: a few seconds at 100,000 cases), so saving a note elsewhere is
never held up. Definitions of every figure: :mod:`herstel_tui.services.overview`.

Wiring (for the desk): ``app.push_screen(OverviewScreen())``.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape as esc
from textual.screen import Screen
from textual.widgets import Static

from herstel_tui.domain.dates import format_date
from herstel_tui.tui import keymap
from herstel_tui.tui.host import DeskScreen, desk_of, footer, header
from herstel_tui.tui.widgets.scroll import ScrollBody


class OverviewBody(ScrollBody):
    HELP = "overzicht"
    BINDINGS = keymap.scroll_bindings("overzicht")


class OverviewScreen(DeskScreen, Screen[None]):
    HELP = "overzicht"
    AUTO_FOCUS = "OverviewBody"
    BINDINGS = keymap.OVERVIEW

    def __init__(self) -> None:
        super().__init__()
        self.overview: Any = None
        self.computing = False
        self.exporting = False

    def compose(self) -> ComposeResult:
        yield header()
        yield Static("Overzicht wordt berekend…", id="ovkop")
        with OverviewBody(id="ovinhoud"):
            yield Static("", id="ovtabellen", classes="ovblok")
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "Overzicht"
        self.action_reload()

    # -- computing -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.computing:
            return
        self.computing = True
        self.query_one("#ovinhoud").loading = True
        self.refresh_bindings()
        self._compute()

    @work(thread=True, exclusive=True, group="overzicht", exit_on_error=False)
    def _compute(self) -> None:
        from herstel_tui.services.overview import compute_overview

        app = desk_of(self)
        data = app.data
        try:
            with data.snapshot_store() as store:
                ov = compute_overview(store, app.today, app.config.gemeente)
        except Exception as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self._show, ov)

    def _failed(self, message: str) -> None:
        self.computing = False
        self.query_one("#ovinhoud").loading = False
        self.query_one("#ovkop", Static).update(
            Content.from_markup(f"[$error b]Overzicht niet berekend:[/] {esc(message)}")
        )
        self.refresh_bindings()

    def _show(self, ov: Any) -> None:
        self.overview = ov
        self.computing = False
        self.query_one("#ovinhoud").loading = False
        self.query_one("#ovkop", Static).update(
            Content.from_markup(
                f"[b]Overzicht {esc(ov.gemeente)}[/b] · peildatum {format_date(ov.today)} · {ov.cases} zaken "
                f"[dim]({ov.seconds:.1f} s)[/]"
            )
        )
        self._render_tables()
        self.refresh_bindings()

    def _render_tables(self) -> None:
        ov = self.overview
        if ov is None:
            return
        width = max(40, min(self.size.width - 4, 100))
        lines: list[str] = []
        for sheet in ov.sheets():
            lines.append(f"[b $accent]{esc(sheet.title)}[/]")
            text = sheet.text(width)
            if sheet.prose:
                lines.extend(f"[dim]{esc(line)}[/]" for line in text)
            else:
                lines.append(f"[b]{esc(text[0])}[/b]")
                for line in text[1:]:
                    lines.append(f"[b]{esc(line)}[/b]" if line.startswith("Totaal") else esc(line))
            lines.append("")
        self.query_one("#ovtabellen", Static).update(Content.from_markup("\n".join(lines).rstrip()))

    def on_resize(self) -> None:
        self._render_tables()

    # -- export --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return None if (self.overview is None or self.exporting) else True
        if action == "reload":
            return None if self.computing else True
        return True

    def action_export(self) -> None:
        if self.overview is None or self.exporting:
            return
        self.exporting = True
        self.refresh_bindings()
        self._export(self.overview)

    @work(thread=True, exclusive=True, group="overzicht-export", exit_on_error=False)
    def _export(self, ov: Any) -> None:
        from herstel_tui.services.overview import export_xlsx
        from herstel_tui.settings.config import resolve_export_dir

        app = desk_of(self)
        data = app.data
        try:
            path = data.call(export_xlsx, data.store, ov, resolve_export_dir(app.config))
        except Exception as exc:
            app.call_from_thread(self._exported, None, str(exc))
            return
        app.call_from_thread(self._exported, path, None)

    def _exported(self, path: Any, problem: str | None) -> None:
        self.exporting = False
        self.refresh_bindings()
        if path is None:
            self.notify(f"Overzicht niet opgeslagen: {problem}", severity="error", timeout=8)
        else:
            self.notify(f"Overzicht opgeslagen: {path}", timeout=8)


__all__ = ["OverviewBody", "OverviewScreen"]
