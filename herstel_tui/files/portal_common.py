"""Shared pieces: errors, cell values from Excel or CSV, the outcome of one row.

Cell values arrive as openpyxl gives them (str, int, float, datetime, bool, None) or as CSV text.
Each converter returns the clean value plus, where it repaired something, a Dutch note for the
report; it raises :class:`CellError` (Dutch) when the value cannot be used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from stdnum.nl import bsn as _stdnum_bsn

from herstel_tui.domain.bsn import mask_bsn


class PortalError(Exception):
    """A refusal that concerns the whole operation; str() is Dutch. ``problems`` lists details."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    def full_text(self) -> str:
        return "\n".join([str(self), *[f"  {p}" for p in self.problems]])


class PortalFileError(PortalError):
    """The file itself cannot be read (not an xlsx, empty, wrong encoding, no header...)."""


class CellError(ValueError):
    """One cell cannot be used; str() is Dutch and never shows a full BSN."""


Action = Literal["create", "update", "skip", "reject"]

ACTION_TITLES: dict[str, str] = {
    "create": "nieuw",
    "update": "bijgewerkt",
    "skip": "overgeslagen",
    "reject": "afgewezen",
}


@dataclass
class RowOutcome:
    """What happens (or happened) to one row of a portal file."""

    row: int
    action: Action
    text: str
    bsn: str | None = None  # normalised; shown masked only
    notes: list[str] = field(default_factory=list)

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn) if self.bsn else "—"

    @property
    def full_text(self) -> str:
        return "; ".join([self.text, *self.notes]) if self.notes else self.text


def mask_digits(raw: str) -> str:
    """Mask a BSN-like value from a file for messages: only the last three characters show."""
    raw = raw.strip()
    if len(raw) <= 3:
        return "*" * len(raw)
    return "*" * (len(raw) - 3) + raw[-3:]


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
        text = " ".join(value.split())
        return text or None
    if isinstance(value, (datetime, date)):
        d = value.date() if isinstance(value, datetime) else value
        return d.strftime("%d-%m-%Y")
    n = _integral(value)
    if n is not None:
        return str(n)
    return str(value).strip() or None


_SEPARATORS = re.compile(r"[\s.\-]")


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
        digits = _SEPARATORS.sub("", value.strip())
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
    if not _stdnum_bsn.is_valid(digits):
        raise CellError(f"BSN {mask_bsn(digits)} klopt niet (elfproef)")
    return digits, note


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMATS = (
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%d-%m-%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


def cell_date(value: Any, *, label: str = "datum", today: date | None = None) -> tuple[date, str | None]:
    """A date from a cell: (date, note or None). Refuses dates in the future."""
    note = None
    if is_blank(value):
        raise CellError(f"{label} ontbreekt")
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    elif _integral(value) is not None:
        serial = _integral(value)
        if not 1 <= serial <= 2_958_465:
            raise CellError(f"{label} {serial} is geen datum")
        d = _EXCEL_EPOCH + timedelta(days=serial)
        note = f"{label} als getal opgeslagen; gelezen als {d.strftime('%d-%m-%Y')}"
    elif isinstance(value, str):
        text = value.strip()
        for fmt in _DATE_FORMATS:
            try:
                d = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(f"{label} {text!r} is geen datum (dd-mm-jjjj)")
    else:
        raise CellError(f"{label} heeft een onbruikbare waarde")
    if d.year < 1900:
        raise CellError(f"{label} {d.strftime('%d-%m-%Y')} is niet aannemelijk")
    if today is not None and d > today:
        raise CellError(f"{label} {d.strftime('%d-%m-%Y')} ligt in de toekomst")
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


class AlreadyImported(PortalError):
    """The same file (same sha256) was read before; nothing is done a second time."""


class NothingToDo(PortalError):
    """Nothing to write or to read (no children to verify, no rows under the header)."""


@dataclass(frozen=True)
class FileMeta:
    """A file read from the portal: its name and the sha256 of its bytes (idempotence)."""

    name: str
    sha256: str
    size: int

    @classmethod
    def of(cls, path: Any) -> FileMeta:
        import hashlib
        from pathlib import Path

        p = Path(path)
        h = hashlib.sha256()
        size = 0
        try:
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            raise PortalFileError(f"{p} bestaat niet") from None
        except IsADirectoryError:
            raise PortalFileError(f"{p} is een map, geen bestand") from None
        except OSError as exc:
            raise PortalFileError(f"{p.name} kan niet worden gelezen: {exc.strerror}") from None
        return cls(p.name, h.hexdigest(), size)


@dataclass
class ImportReport:
    """The plan (dry run) or the result (applied) of reading one portal file."""

    kind: str
    title: str
    file: FileMeta
    where: str  # "werkblad 'Blad1', kopregel op regel 1"
    notes: list[str]
    outcomes: list[RowOutcome]
    dry_run: bool
    file_id: int | None = None

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ACTION_TITLES}

    @property
    def summary(self) -> str:
        c = self.counts
        parts = [f"{c[a]} {ACTION_TITLES[a]}" for a in ACTION_TITLES]
        return f"{', '.join(parts)} ({len(self.outcomes)} regels)"

    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == "reject"]
