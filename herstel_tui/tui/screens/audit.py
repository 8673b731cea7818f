"""The audit trail in the desk: who did what, when, to which case, in words a functionaris
gegevensbescherming reads (services.audit_view); the highlighted row in full below the table."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from herstel_tui.services.audit_view import AuditLine, readable
from herstel_tui.tui import keymap
from herstel_tui.tui.host import DeskScreen, desk_of, footer, header

WIDTHS = {"moment": 16, "wie": 10, "wat": 26, "zaak": 11}
DETAILS_FROM = 100  # from this width the table has a column for the details; below: the pane only


class AuditScreen(DeskScreen, Screen[None]):
    HELP = "logboek"
    AUTO_FOCUS = "DataTable"
    BINDINGS = keymap.AUDIT
    DEFAULT_CSS = """
    AuditScreen #logboek { height: 1fr; overflow-x: hidden; }
    AuditScreen #logdetail { height: auto; max-height: 6; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self, case_id: int | None = None, zaaknummer: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.zaaknummer = zaaknummer
        self.lines: list[AuditLine] = []

    def compose(self) -> ComposeResult:
        yield header()
        what = f"zaak {self.zaaknummer}" if self.zaaknummer else "alle zaken"
        yield Static(f"Auditlogboek — {what} (nieuwste eerst)", id="kop")
        yield DataTable(id="logboek", cursor_type="row", zebra_stripes=False)
        yield Static("", id="logdetail")
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "Auditlogboek"
        self._columns()
        self.action_reload()

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Moment", width=WIDTHS["moment"], key="moment")
        table.add_column("Wie", width=WIDTHS["wie"], key="wie")
        table.add_column("Wat", width=WIDTHS["wat"], key="wat")
        table.add_column("Zaak", width=WIDTHS["zaak"], key="zaak")
        width = self.app.size.width
        self._rest = width - sum(WIDTHS.values()) - 2 * (len(WIDTHS) + 1) - 2 if width >= DETAILS_FROM else 0
        if self._rest:
            table.add_column("Details", width=self._rest, key="details")

    def on_resize(self) -> None:
        if self.is_mounted:
            self._columns()
            self._show(self.lines)

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="logboek", exit_on_error=False)
    def _load(self) -> None:
        data = desk_of(self).data

        def read() -> list[AuditLine]:
            st = data.store
            entries = st.audit.recent(500, self.case_id)
            zaken = st.cases.zaaknummers([e.case_id for e in entries if e.case_id])
            rk = st.routekaart

            def step_title(step: str) -> str:
                for track in rk.tracks.values():
                    for node in track.nodes:
                        if node.id == step:
                            return node.title
                return step

            return readable(entries, zaken, step_title)

        try:
            lines = data.call(read)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Logboek niet geladen: {exc}", severity="error")
            return
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[AuditLine]) -> None:
        self.lines = lines
        table = self.query_one(DataTable)
        table.clear()
        short = WIDTHS["zaak"] < 15
        for line in lines:
            summary = line.summary + (f" (+{line.drafts} concepten)" if line.drafts and line.summary else "")
            cells = [
                line.at.strftime("%d-%m-%Y %H:%M"),
                Text(_cut(line.who, WIDTHS["wie"])),  # Text: plain, never read as markup
                Text(_cut(line.what, WIDTHS["wat"])),
                line.zaak.removeprefix("HKO-") if short else line.zaak,
            ]
            if self._rest:
                cells.append(Text(_cut(summary, self._rest)))
            table.add_row(*cells)
        self.query_one("#kop", Static).update(
            f"Auditlogboek — {f'zaak {self.zaaknummer}' if self.zaaknummer else 'alle zaken'}: "
            f"{len(lines)} regels (nieuwste eerst); de regel onder de cursor staat hieronder voluit"
        )
        self._detail(table.cursor_row)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, row: int) -> None:
        pane = self.query_one("#logdetail", Static)
        if not 0 <= row < len(self.lines):
            pane.update("")
            return
        line = self.lines[row]
        head = f"{line.at.strftime('%d-%m-%Y %H:%M')}  {line.who}  {line.what}" + (
            f"  {line.zaak}" if line.zaak else ""
        )
        pane.update(Content(head + ("\n" + "; ".join(line.details) if line.details else "")))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
