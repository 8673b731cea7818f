"""The SPUK year report (SiSa): totals per component and the eligible persons; text and .xlsx.

Headless; openpyxl is imported inside :func:`write_xlsx` only. Amounts go into the workbook as
``Decimal`` (written as exact decimal text in the XML, never through a float) with a euro
number format. The export holds zaaknummers, no names and no BSNs, and is written owner-only
through ``files.atomic``; every export is recorded in the audit trail.

Definitions (also printed on the sheet):
- a cost entry counts in the year of its date;
- eligible in year T: distinct persons with a brede-ondersteuning case open at some moment in T
  (opened on or before 31-12-T, and not closed before 1-1-T);
- eligible cumulatively up to T: distinct persons with a brede-ondersteuning case opened on or
  before 31-12-T.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.domain.costs import (
    DEFINITION_ELIGIBLE_CUMULATIVE,
    DEFINITION_ELIGIBLE_YEAR,
    YearReport,
    format_amount,
    format_euro,
)
from herstel_tui.domain.dates import format_date
from herstel_tui.files.atomic import atomic_path
from herstel_tui.store import Store

EURO_FORMAT = '"€" #,##0.00'


def _number(amount: Decimal | None) -> Decimal | str | None:
    """The amount for a cell. openpyxl writes numbers as '%.16g', exact for every amount below
    10^13 euros; should one ever be larger, it goes in as text rather than lose a cent."""
    if amount is None:
        return None
    return amount if Decimal("%.16g" % amount) == amount else str(amount)  # noqa: UP031 - as openpyxl writes


def year_report(store: Store, year: int) -> YearReport:
    return store.costs.year_report(year)


def render_text(report: YearReport, *, gemeente: str | None = None, width: int = 80) -> str:
    lines = []
    title = f"SPUK-verantwoording {report.year}" + (f" · {gemeente}" if gemeente else "")
    lines.append(title[:width])
    lines.append("=" * min(width, max(len(title), 40)))
    lines.append(f"{'Comp.':<6}{'Omschrijving':<{width - 6 - 8 - 16}}{'Posten':>8}{'Bedrag':>16}")
    desc_w = width - 6 - 8 - 16
    for c in report.components:
        desc = c.title if len(c.title) <= desc_w - 1 else c.title[: desc_w - 2] + "…"
        lines.append(f"{c.component:<6}{desc:<{desc_w}}{c.entries:>8}{format_euro(c.cents):>16}")
    lines.append(f"{'':<6}{'Totaal':<{desc_w}}{report.entries:>8}{format_euro(report.total_cents):>16}")
    lines.append("")
    lines.append(f"Zaken met kosten in {report.year}: {report.cases_with_costs}")
    lines.append(f"Personen in aanmerking voor ondersteuning in {report.year}: {report.eligible_year}")
    lines.append(f"Personen in aanmerking, cumulatief t/m {report.year}: {report.eligible_cumulative}")
    for note in report.notes:
        lines.append(f"Let op: {note}")
    return "\n".join(lines) + "\n"


def default_name(year: int, today: date) -> str:
    """SPUK-jaaroverzicht_2025_20260601.xlsx: the year reported and the creation date."""
    return f"SPUK-jaaroverzicht_{year}_{today:%Y%m%d}.xlsx"


def write_xlsx(store: Store, year: int, path: Path, *, gemeente: str, today: date | None = None) -> Path:
    """The year report as a workbook: sheet 'SiSa' (totals, counts, definitions) and sheet
    'Kostenposten' (every entry of the year, by zaaknummer)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from herstel_tui.files.sheets import append_row

    today = today or clock.today()
    report = store.costs.year_report(year)
    lines = store.costs.lines_in_year(year)

    wb = Workbook()
    ws = wb.active
    ws.title = "SiSa"
    bold = Font(bold=True)
    append_row(ws, [f"SPUK-verantwoording {year}", gemeente])
    ws["A1"].font = bold
    append_row(ws, ["Regeling specifieke uitkering gemeentelijke hulp aan gedupeerden kinderopvangtoeslagproblematiek"])
    append_row(ws, [f"Aangemaakt op {format_date(today)}"])
    append_row(ws, [])
    append_row(ws, ["Component", "Omschrijving", "Aantal posten", "Bedrag (€)"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for c in report.components:
        append_row(ws, [c.component, c.title, c.entries, _number(c.amount)])
        ws.cell(ws.max_row, 4).number_format = EURO_FORMAT
    append_row(ws, ["Totaal", "", report.entries, _number(report.total)])
    ws.cell(ws.max_row, 4).number_format = EURO_FORMAT
    for cell in ws[ws.max_row]:
        cell.font = bold
    append_row(ws, [])
    append_row(ws, ["Personen in aanmerking voor ondersteuning", f"in {year}", report.eligible_year])
    append_row(ws, ["Personen in aanmerking voor ondersteuning", f"cumulatief t/m {year}", report.eligible_cumulative])
    append_row(ws, ["Zaken met kosten", f"in {year}", report.cases_with_costs])
    append_row(ws, [])
    append_row(ws, ["Definities"])
    ws.cell(ws.max_row, 1).font = bold
    append_row(ws, [f"In aanmerking in {year}", DEFINITION_ELIGIBLE_YEAR])
    append_row(ws, ["Cumulatief", DEFINITION_ELIGIBLE_CUMULATIVE])
    append_row(
        ws, ["Kosten", "een kostenpost telt in het jaar van haar datum; P×Q afgerond op hele centen (half naar boven)"]
    )
    for note in report.notes:
        append_row(ws, ["Let op", note])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 16

    detail = wb.create_sheet("Kostenposten")
    append_row(
        detail, ["Datum", "Zaaknummer", "Component", "Omschrijving", "Soort", "Aantal", "Prijs (€)", "Bedrag (€)"]
    )
    for cell in detail[1]:
        cell.font = bold
    for line in lines:
        e = line.entry
        append_row(
            detail,
            [
                e.date,
                line.zaaknummer,
                e.component,
                e.description,
                e.kind.label,
                _number(e.quantity),
                _number(e.price),
                _number(e.amount),
            ],
        )
        r = detail.max_row
        detail.cell(r, 1).number_format = "DD-MM-YYYY"
        detail.cell(r, 7).number_format = EURO_FORMAT
        detail.cell(r, 8).number_format = EURO_FORMAT
    for col, w in zip("ABCDEFGH", (12, 18, 11, 50, 18, 9, 12, 14)):
        detail.column_dimensions[col].width = w

    written = Path(path).expanduser()
    with atomic_path(written) as tmp:
        wb.save(str(tmp))
    store.audit.exported(
        "spuk-jaaroverzicht",
        {"jaar": year, "bestand": written.name, "posten": len(lines), "totaal_centen": report.total_cents},
    )
    return written


def export(
    store: Store, year: int, target: Path | None, *, gemeente: str, export_dir: Path, today: date | None = None
) -> Path:
    """Write the workbook to ``target`` (a file, or a folder for the default name) or to the
    export folder."""
    today = today or clock.today()
    if target is None or str(target) == "":
        path = Path(export_dir) / default_name(year, today)
    else:
        target = Path(target).expanduser()
        path = target / default_name(year, today) if target.is_dir() else target
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path.name}: een Excel-bestand eindigt op .xlsx")
    return write_xlsx(store, year, path, gemeente=gemeente, today=today)


__all__ = ["default_name", "export", "format_amount", "render_text", "write_xlsx", "year_report"]
