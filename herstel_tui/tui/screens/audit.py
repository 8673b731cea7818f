"""The audit trail in the desk: who did what, when, to which case. Read-only, like the table."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from herstel_tui.services.lookup import audit_detail_text
from herstel_tui.tui.host import DeskScreen, back_binding, desk_of, footer, header


class AuditScreen(DeskScreen[None]):
    HELP = "logboek"
    AUTO_FOCUS = "DataTable"
    BINDINGS = [
        back_binding("logboek"),
        Binding("f5,r", "reload", "Vernieuwen", id="logboek.vernieuwen"),
    ]

    def __init__(self, case_id: int | None = None, zaaknummer: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.zaaknummer = zaaknummer

    def compose(self) -> ComposeResult:
        yield header()
        what = f"zaak {self.zaaknummer}" if self.zaaknummer else "alle zaken"
        yield Static(f"Auditlogboek — {what} (nieuwste eerst)", id="kop")
        yield DataTable(id="logboek", cursor_type="row", zebra_stripes=False)
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "Auditlogboek"
        table = self.query_one(DataTable)
        table.add_columns("Moment", "Wie", "Actie", "Wat", "Zaak", "Details")
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="logboek", exit_on_error=False)
    def _load(self) -> None:
        data = desk_of(self).data
        try:
            entries = data.call(data.store.audit.recent, 500, self.case_id)
            zaken = data.call(data.store.cases.zaaknummers, [e.case_id for e in entries if e.case_id])
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Logboek niet geladen: {exc}", severity="error")
            return
        self.app.call_from_thread(self._show, entries, zaken)

    def _show(self, entries: list, zaken: dict[int, str]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for e in entries:
            table.add_row(
                e.at.strftime("%d-%m-%Y %H:%M"),
                e.who,
                e.action,
                e.entity,
                zaken.get(e.case_id, "") if e.case_id else "",
                audit_detail_text(e.detail)[:60],
            )
        self.query_one("#kop", Static).update(
            f"Auditlogboek — {f'zaak {self.zaaknummer}' if self.zaaknummer else 'alle zaken'}: "
            f"{len(entries)} regels (nieuwste eerst)"
        )
