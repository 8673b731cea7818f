"""The SPUK year report (SiSa): totals per component, eligible persons; export to .xlsx.

``SpukScreen(store, year=None)``: ←/→ (F4/F5) changes the year, F2/e writes the workbook to
the export folder (owner-only, the creation date in its name) and names the file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape as esc
from textual.widgets import Static

from herstel_tui.domain.costs import DEFINITION_ELIGIBLE_CUMULATIVE, DEFINITION_ELIGIBLE_YEAR, YearReport, format_euro
from herstel_tui.tui import keymap
from herstel_tui.tui.bases import StoreScreen
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.forms.errors import Refusal
from herstel_tui.tui.forms.saving import Loaded, SaveQueue, post_read
from herstel_tui.tui.host import footer, header

if TYPE_CHECKING:
    from herstel_tui.store import Store


class SpukScreen(StoreScreen):
    HELP = "spuk"
    BINDINGS = keymap.SPUK

    def __init__(
        self, store: Store, year: int | None = None, *, today: date | None = None, config: DeskConfig | None = None
    ) -> None:
        super().__init__(store, today=today, config=config)
        self.year = year  # None: this year, set when shown
        self.report: YearReport | None = None

    def compose(self) -> ComposeResult:
        yield header()
        yield Static("", id="spukkop")
        with VerticalScroll(id="spukinhoud"):
            yield Static("Jaaroverzicht laden…", id="spuktabel")
        yield Static("", id="spukstatus")
        yield footer()

    def on_mount(self) -> None:
        if self.year is None:
            self.year = self.today.year
        self.sub_title = "SPUK-jaaroverzicht"
        self.query_one("#spukinhoud").focus()
        self.reload()

    def reload(self) -> None:
        self.query_one("#spukkop", Static).update(Content.from_markup(self._title()))
        self._load(self.year)

    def _title(self) -> str:
        cfg = self.config
        return f"[b]SPUK-verantwoording {self.year}[/b] · {esc(cfg.gemeente)}   [dim]←/→ ander jaar[/]"

    @work(thread=True, exclusive=True, group="spuk-laden", exit_on_error=False)
    def _load(self, year: int) -> None:
        post_read(self, lambda: self.store.costs.year_report(year), store=self.store, tag=year)

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.tag != self.year:
            return
        table = self.query_one("#spuktabel", Static)
        if message.value is None:
            table.update(Content.from_markup(f"[$error b]Kan niet laden:[/] {esc(message.error or '')}"))
            return
        r = self.report = message.value
        width = max(40, min(self.size.width - 2, 78))
        desc_w = width - 4 - 8 - 16
        lines = [f"[b]{'':<4}{'Component':<{desc_w}}{'Posten':>8}{'Bedrag':>16}[/b]"]
        for c in r.components:
            title = c.title if len(c.title) <= desc_w - 1 else c.title[: desc_w - 2] + "…"
            lines.append(
                f"[b]{esc(c.component):<4}[/b]{esc(title):<{desc_w}}{c.entries:>8}{esc(format_euro(c.cents)):>16}"
            )
        lines.append(f"[b]{'':<4}{'Totaal':<{desc_w}}{r.entries:>8}{esc(format_euro(r.total_cents)):>16}[/b]")
        lines += [
            "",
            f"Personen in aanmerking voor ondersteuning in {r.year}: [b]{r.eligible_year}[/b]",
            f"Personen in aanmerking, cumulatief t/m {r.year}: [b]{r.eligible_cumulative}[/b]",
            f"Zaken met kosten in {r.year}: {r.cases_with_costs}",
            "",
            f"[dim]In aanmerking in het jaar: {esc(DEFINITION_ELIGIBLE_YEAR)}.[/]",
            f"[dim]Cumulatief: {esc(DEFINITION_ELIGIBLE_CUMULATIVE)}.[/]",
            "[dim]Een kostenpost telt in het jaar van haar datum; P×Q is afgerond op hele centen.[/]",
        ]
        lines += [f"[$warning]Let op: {esc(n)}[/]" for n in r.notes]
        table.update(Content.from_markup("\n".join(lines)))
        self.query_one("#spukstatus", Static).update("F2 of e: exporteer naar .xlsx · Esc: terug")

    def action_previous_year(self) -> None:
        if self.year is not None and self.year > 1900:
            self.year -= 1
            self.reload()

    def action_next_year(self) -> None:
        if self.year is not None and self.year < 9999:
            self.year += 1
            self.reload()

    def action_export(self) -> None:
        from herstel_tui.services.spuk_report import export
        from herstel_tui.settings.config import resolve_export_dir

        year = self.year
        if year is None:
            return
        cfg = self.config
        folder, store, today = resolve_export_dir(cfg), self.store, self.today

        def written(path: Path) -> None:
            self.query_one("#spukstatus", Static).update(f"Geschreven: {path}")
            self.notify(f"Jaaroverzicht {year} geschreven: {path.name} in {path.parent}", timeout=8)

        def failed(refusal: Refusal) -> None:
            self.query_one("#spukstatus", Static).update(
                Content.from_markup(f"[$error b]Niet geëxporteerd:[/] {esc(refusal.message)}")
            )

        self.query_one("#spukstatus", Static).update("Exporteren…")
        SaveQueue.of(store).put(
            self,
            lambda: export(store, year, None, gemeente=cfg.gemeente, export_dir=folder, today=today),
            written,
            failed,
        )
