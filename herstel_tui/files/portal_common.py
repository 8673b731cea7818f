"""Shared pieces: errors, cell values from Excel or CSV, the outcome of one row.

Cell values arrive as openpyxl gives them (str, int, float, datetime, bool, None) or as CSV text.
Each converter returns the clean value plus, where it repaired something, a Dutch note for the
report; it raises :class:`CellError` (Dutch) when the value cannot be used.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from herstel_tui.domain.bsn import bsn_digits, eleven_check, mask_bsn, mask_digits
from herstel_tui.domain.dates import DateError, format_date, parse_date

# The portal's vocabulary lives in the domain; kept importable from here for the desk until i14desk merges.
from herstel_tui.domain.portal import (  # noqa: F401
    AlreadyImported,
    FileMeta,
    ImportReport,
    NothingToDo,
    PortalError,
    PortalFileError,
    RowOutcome,
)
from herstel_tui.domain.text import os_reason, scrub_text


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file from the portal (or a mailbox) is read at most: ``[grenzen]`` in the
    config. A file over a limit is refused whole, naming the limit, before it costs memory."""

    # regels: one municipality's list has at most some ten thousand rows (69,400 parents registered
    # nationally); 250,000 accepted rows cost 409 MB in a dry run, over the 400 MB bound of issue 15
    rows: int = 100_000
    # bestand_mb: the file on disk; for an xlsx also its shared strings unpacked, and for any file
    # the text kept from the mapped columns (in millions of characters)
    file_mb: int = 50
    cell_chars: int = 10_000  # tekens_per_cel
    unpacked_mb: int = 200  # uitgepakt_mb: an xlsx's declared uncompressed size (zip bomb)

    def refuse(self, name: str, what: str, key: str, limit: str) -> PortalFileError:
        return PortalFileError(
            f"{name} {what}; de grens is {limit} ({key} onder [grenzen] in de configuratie). Er is niets ingelezen."
        )

    def check_size(self, path: Path) -> None:
        size = path.stat().st_size
        if size > self.file_mb * MB:
            raise self.refuse(path.name, f"is {size / MB:.1f} MB", "bestand_mb", f"{self.file_mb} MB")


MB = 1 << 20
DEFAULT_LIMITS = ReadLimits()


def thousands(n: int) -> str:
    """250000 -> '250.000' (Dutch)."""
    return f"{n:,}".replace(",", ".")


class CellError(ValueError):
    """One cell cannot be used; str() is Dutch and never shows a full BSN."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _integral(value: Any) -> int | None:
    """An int, or a float without fraction (Excel stores every number as a float), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def cell_text(value: Any) -> str | None:
    """Text of a cell, trimmed; numbers without fraction lose their '.0'; blank gives None."""
    if value is None:
        return None
    if isinstance(value, str):
        # the text policy for files: control characters and escape sequences removed, NFC
        text = " ".join(scrub_text(value).split())
        return text or None
    if isinstance(value, (datetime, date)):
        return format_date(value)
    n = _integral(value)
    if n is not None:
        return str(n)
    return str(value).strip() or None


def cell_bsn(value: Any) -> tuple[str, str | None]:
    """A BSN from a cell: (nine digits, note or None). Raises CellError with a masked message.

    - text: spaces, dots and dashes are removed; 8 digits get their leading zero back;
    - a number (the cell was stored as a number, so a leading zero is lost): 8 digits are padded
      and accepted only if the result passes the 11-check; 9 digits are accepted as they are;
    - whatever the source, the result must pass the 11-check.
    """
    if is_blank(value):
        raise CellError("BSN ontbreekt")
    note = None
    n = _integral(value)
    if n is not None:
        digits = str(n)
        if n < 0 or len(digits) > 9:
            raise CellError(f"BSN {mask_digits(digits)} als getal opgeslagen en klopt niet")
        if len(digits) < 8:
            raise CellError(
                f"BSN {mask_digits(digits)} als getal opgeslagen met {len(digits)} cijfers; een BSN heeft er 9"
            )
        if len(digits) == 8:
            note = "BSN als getal opgeslagen; voorloopnul hersteld"
            digits = "0" + digits
        else:
            note = "BSN als getal opgeslagen"
    elif isinstance(value, str):
        digits = bsn_digits(value)
        if not digits.isdigit():
            raise CellError(f"BSN {mask_digits(digits)} bevat andere tekens dan cijfers")
        if len(digits) == 8:
            note = "BSN had 8 cijfers; voorloopnul aangevuld"
            digits = "0" + digits
        elif len(digits) != 9:
            raise CellError(
                f"BSN {mask_digits(digits)} heeft {len(digits)} cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)"
            )
    else:
        raise CellError(f"BSN heeft een onbruikbare waarde ({type(value).__name__})")
    if not eleven_check(digits):
        raise CellError(f"BSN {mask_bsn(digits)} klopt niet (elfproef)")
    return digits, note


_EXCEL_EPOCH = date(1899, 12, 30)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?")


def _text_date(text: str, label: str) -> date:
    """A date as a cell's text holds it: what a caseworker types (domain.dates), jjjjmmdd, or
    either with a time of day."""
    head = _TIME_OF_DAY.sub("", text) if _TIME_OF_DAY.search(text) else text
    m = _COMPACT.fullmatch(head)
    if m:
        head = "-".join(m.groups())
    try:
        return parse_date(head, label=label)
    except DateError:
        raise CellError(f"{label} {text!r} is geen datum (dd-mm-jjjj)") from None


def cell_date(value: Any, *, label: str = "datum", today: date | None = None) -> tuple[date, str | None]:
    """A date from a cell: (date, note or None). Refuses dates in the future."""
    note = None
    if is_blank(value):
        raise CellError(f"{label} ontbreekt")
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    elif (serial := _integral(value)) is not None:
        if not 1 <= serial <= 2_958_465:
            raise CellError(f"{label} {serial} is geen datum")
        d = _EXCEL_EPOCH + timedelta(days=serial)
        note = f"{label} als getal opgeslagen; gelezen als {format_date(d)}"
    elif isinstance(value, str):
        d = _text_date(value.strip(), label)
    else:
        raise CellError(f"{label} heeft een onbruikbare waarde")
    if d.year < 1900:
        raise CellError(f"{label} {format_date(d)} is niet aannemelijk")
    if today is not None and d > today:
        raise CellError(f"{label} {format_date(d)} ligt in de toekomst")
    return d, note


def cell_phone(value: Any) -> tuple[str | None, str | None]:
    """A phone number; a number cell that lost its leading 0 (9 digits) gets it back, with a note."""
    n = _integral(value)
    if n is not None:
        digits = str(n)
        if len(digits) == 9:
            return "0" + digits, "telefoonnummer als getal opgeslagen; voorloopnul hersteld"
        if len(digits) == 11 and digits.startswith("31"):
            return "+" + digits, "telefoonnummer als getal opgeslagen"
        return digits, None
    return cell_text(value), None


def unreadable(path: Path, exc: OSError) -> PortalFileError:
    """The Dutch refusal for a portal file the system will not give us."""
    if isinstance(exc, FileNotFoundError):
        return PortalFileError(f"{path} bestaat niet")
    if isinstance(exc, IsADirectoryError):
        return PortalFileError(f"{path} is een map, geen bestand")
    return PortalFileError(f"{path.name} kan niet worden gelezen: {os_reason(exc)}")


def file_meta(path: Path | str) -> FileMeta:
    """The name, sha256 and size of a file read from the portal (read once, in chunks)."""
    p = Path(path)
    h = hashlib.sha256()
    size = 0
    try:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise unreadable(p, exc) from None
    return FileMeta(p.name, h.hexdigest(), size)


def header_key(text: str) -> str:
    """How headers (and yes/no words) are compared: case-insensitive, spaces trimmed and collapsed."""
    return " ".join(str(text).split()).casefold()
