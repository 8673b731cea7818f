"""The verificatiecode file: ``VC-GPB????-verificatiecode_Gemeentedesk_yyyymmdd.xlsx``.

It holds the code with which municipal staff ask the UHT Serviceteam for status information by
phone; the code is renewed every 6 months. Its layout is not public [unverified], so the reading
is deliberately forgiving and says what it took:

1. a cell whose text is a label containing "verificatiecode": the code is the first non-empty cell
   to its right, else the cell below it, provided it looks like a value (4 to 40 letters, digits,
   dashes or spaces; not a date; not itself a label such as "Geldig tot"); "Verificatiecode: AB12CD"
   in one cell works too;
2. otherwise the first non-empty cell (sheet by sheet, row by row) that looks like a code:
   4 to 40 letters, digits or dashes, with at least one digit, and not a date.

Validity: cells labelled "geldig vanaf/van/ingangsdatum" and "geldig tot/t/m/vervaldatum/einddatum"
give the dates when present; otherwise the file date from the name and that date + 6 months
(calendar months, ``dateutil.relativedelta``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from herstel_tui.domain.dates import format_date
from herstel_tui.files.portal_common import CellError, PortalFileError, cell_date, cell_text, is_blank

NAME = re.compile(r"VC-(GPB[0-9A-Z]{4})-verificatiecode_Gemeentedesk_(\d{8})\.xlsx")
VALIDITY = relativedelta(months=6)
_CODE = re.compile(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-]{3,39}")
_FROM = ("geldig vanaf", "geldig van", "ingangsdatum", "geldig per")
_UNTIL = ("geldig tot", "geldig t/m", "geldig tot en met", "vervaldatum", "einddatum", "verloopt")
# words of labels: a cell holding one of them is a label, never the code
_LABEL_WORDS = ("verificatiecode", "geldig", "datum", "verloopt", "gemeente", "portaal")


@dataclass
class CodeFile:
    code: str
    portal_id: str
    file_date: date
    valid_from: date
    valid_until: date
    notes: list[str] = field(default_factory=list)


def parse_name(path: Path, portal_id: str | None) -> tuple[str, date]:
    m = NAME.fullmatch(path.name)
    if not m:
        raise PortalFileError(
            f"{path.name}: de naam wijkt af van VC-GPB????-verificatiecode_Gemeentedesk_jjjjmmdd.xlsx; "
            "er is niets ingelezen."
        )
    pid, stamp = m.groups()
    if portal_id and pid != portal_id:
        raise PortalFileError(
            f"{path.name} is voor portaal-id {pid}, maar de configuratie zegt {portal_id}; er is niets ingelezen."
        )
    try:
        day = datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        raise PortalFileError(f"{path.name}: {stamp} in de naam is geen datum; er is niets ingelezen.") from None
    return pid, day


def _label(text: str, labels: tuple[str, ...]) -> bool:
    t = " ".join(text.casefold().split()).rstrip(":")
    return any(t.startswith(lab) for lab in labels)


def read_code_file(path: Path | str, portal_id: str | None = None, today: date | None = None) -> CodeFile:
    from herstel_tui.files.portal_reader import _open_workbook

    path = Path(path)
    if not path.exists():
        raise PortalFileError(f"{path} bestaat niet")
    pid, file_date = parse_name(path, portal_id)
    if path.stat().st_size == 0:
        raise PortalFileError(f"{path.name} is leeg (0 bytes); er is niets ingelezen")
    if today and file_date > today:
        raise PortalFileError(f"{path.name}: de datum in de naam ({format_date(file_date)}) ligt in de toekomst")
    wb = _open_workbook(path)
    try:
        grids = [
            (ws.title, [list(r) for r in ws.iter_rows(max_row=200, max_col=30, values_only=True)])
            for ws in wb.worksheets
        ]
    finally:
        wb.close()
    notes: list[str] = []
    code = None
    valid_from = valid_until = None
    for title, grid in grids:
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                text = cell_text(value) if not isinstance(value, (date, datetime)) else None
                if not text:
                    continue
                low = text.casefold()
                if code is None and "verificatiecode" in low:
                    found = _value_near(grid, r, c, text)
                    if found:
                        code = found
                        notes.append(f"code gevonden bij het label '{text.split(':')[0].strip()}' (werkblad '{title}')")
                if valid_from is None and _label(text, _FROM):
                    valid_from = _date_near(grid, r, c)
                if valid_until is None and _label(text, _UNTIL):
                    valid_until = _date_near(grid, r, c)
    if code is None:
        for title, grid in grids:
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    text = cell_text(value) if not isinstance(value, (date, datetime)) else None
                    if text and _looks_like_code(text):
                        code = text
                        notes.append(
                            f"geen label 'Verificatiecode'; de eerste code-achtige cel genomen ({title}!{_ref(r, c)})"
                        )
                        break
                if code:
                    break
            if code:
                break
    if code is None:
        raise PortalFileError(
            f"{path.name}: geen verificatiecode gevonden (geen cel met het label "
            "'Verificatiecode' en geen cel die op een code lijkt); er is niets ingelezen."
        )
    start = valid_from or file_date
    end = valid_until or (start + VALIDITY)
    if valid_from or valid_until:
        notes.append("geldigheid uit het bestand")
    else:
        notes.append("geldigheid: datum in de naam + 6 maanden")
    if end < start:
        raise PortalFileError(f"{path.name}: geldig tot {format_date(end)} ligt vóór geldig vanaf {format_date(start)}")
    return CodeFile(code, pid, file_date, start, end, notes)


def _ref(r: int, c: int) -> str:
    from herstel_tui.files.portal_reader import col_letter

    return f"{col_letter(c)}{r + 1}"


def _is_date(text: str) -> bool:
    try:
        cell_date(text)
    except CellError:
        return False
    return True


def _looks_like_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text)) and not _is_date(text)


def _neighbours(grid: list[list[Any]], r: int, c: int):
    row = grid[r]
    for v in row[c + 1 :]:
        if not is_blank(v):
            yield v
            break
    if r + 1 < len(grid) and c < len(grid[r + 1]) and not is_blank(grid[r + 1][c]):
        yield grid[r + 1][c]


_NEAR = re.compile(r"[A-Za-z0-9][A-Za-z0-9\- ]{2,38}[A-Za-z0-9]")


def _plausible(text: str | None) -> bool:
    """A value beside the label: 4-40 letters, digits, dashes or spaces; not a label, not a date."""
    if not text or not _NEAR.fullmatch(text):
        return False
    low = text.casefold()
    return not any(word in low for word in _LABEL_WORDS) and not _is_date(text)


def _value_near(grid: list[list[Any]], r: int, c: int, text: str) -> str | None:
    if ":" in text:
        after = text.split(":", 1)[1].strip()
        if _plausible(after):
            return after
    for v in _neighbours(grid, r, c):
        found = cell_text(v)
        if _plausible(found):
            return found
    return None


def _date_near(grid: list[list[Any]], r: int, c: int) -> date | None:
    for v in _neighbours(grid, r, c):
        try:
            return cell_date(v)[0]
        except CellError:
            continue
    return None
