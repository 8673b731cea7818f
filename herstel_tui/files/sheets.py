"""The one table writer for every CSV and xlsx export (``zoek``/``termijnen``/``audit --csv``,
``overzicht --xlsx``, ``spuk --xlsx``, the vraagbestand).

Per OWASP's CSV-injection advice, a text that a spreadsheet would read as a formula (it starts with
``= + - @``, tab or CR) never becomes one: in CSV it gets a leading ``'``; in xlsx it is written as
an explicit string cell (data type ``s``), never a formula cell. Characters XML cannot hold (NUL,
ESC, BEL ...) are removed first, so openpyxl never raises on a name or a cost description.
Numbers, dates and booleans stay what they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from herstel_tui.domain.text import for_document, for_sheet


def csv_value(value: Any) -> Any:
    """One CSV cell: text through :func:`for_sheet`; other values as they are."""
    return for_sheet(value) if isinstance(value, str) else value


def write_csv(
    out: TextIO, fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]], *, delimiter: str = ","
) -> None:
    """A header of ``fieldnames`` and one line per row (keys not in ``fieldnames`` ignored)."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([csv_value(f) for f in fieldnames])
    for row in rows:
        writer.writerow([csv_value(row.get(f)) for f in fieldnames])


def xlsx_value(value: Any) -> Any:
    """One xlsx cell value: text made fit for XML; other values as they are."""
    return for_document(value) if isinstance(value, str) else value


def append_row(ws: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl worksheet (normal or write-only); every text is a string cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    cleaned = [xlsx_value(v) for v in values]
    if isinstance(ws, WriteOnlyWorksheet):
        cells = []
        for v in cleaned:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
        return
    ws.append(cleaned)
    if not cleaned:
        return
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"


def set_text(ws: Any, ref: str, value: Any) -> None:
    """Put one value in a cell of a normal worksheet under the same rules as :func:`append_row`."""
    cell = ws[ref]
    cell.value = xlsx_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
