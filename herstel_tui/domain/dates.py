"""Dates as caseworkers read and type them: the one place that formats and parses a date.

Shown as ``dd-mm-jjjj`` (``format_date``), written out in letters as ``3 maart 2026``
(``long_date``) or ``dinsdag 3 maart 2026`` (``weekday_date``). Typed as ``dd-mm-jjjj`` and every
form a person reasonably types: ``d-m-jjjj``, ``/`` or ``.`` as separator, a two-digit year
(``1-12-26`` is 01-12-2026), or ISO ``jjjj-mm-dd``. What cannot be read raises :class:`DateError`
with a Dutch message naming the field. Today comes from :mod:`herstel_tui.domain.clock`.
"""

from __future__ import annotations

from datetime import date, datetime

from herstel_tui.domain.text import LazyPattern

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
NONE = "—"

_DMY = LazyPattern(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_ISO = LazyPattern(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class DateError(ValueError):
    """A typed date that cannot be read; str() is Dutch and names the field."""


def format_date(value: date | datetime | None, empty: str = NONE) -> str:
    """``dd-mm-jjjj``; ``empty`` (an em dash) for no date."""
    if value is None:
        return empty
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def long_date(value: date) -> str:
    """``3 maart 2026``"""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def weekday_date(value: date) -> str:
    """``dinsdag 3 maart 2026``"""
    return f"{WEEKDAYS[value.weekday()]} {long_date(value)}"


def parse_date(text: str | date, *, label: str = "datum") -> date:
    """Read a typed date (see the module text); ``DateError`` in Dutch when it cannot be read."""
    if isinstance(text, date):
        return text
    raw = text.strip()
    if not raw:
        raise DateError(f"vul een {label} in (dd-mm-jjjj)")
    m = _DMY.fullmatch(raw)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        full_year = 2000 + int(year) if len(year) == 2 else int(year)
    else:
        m = _ISO.fullmatch(raw)
        if not m:
            raise DateError(f"{label} {raw!r} klopt niet; gebruik dd-mm-jjjj")
        full_year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DateError(f"{label} {raw!r} klopt niet; gebruik dd-mm-jjjj")
    try:
        return date(full_year, month, day)
    except ValueError:
        raise DateError(
            f"{label} {raw!r} bestaat niet; gebruik dd-mm-jjjj (die dag klopt niet met de kalender)"
        ) from None


def parse_optional_date(text: str | date | None, *, label: str = "datum") -> date | None:
    """As :func:`parse_date`, but empty input is no date."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return parse_date(text, label=label)
