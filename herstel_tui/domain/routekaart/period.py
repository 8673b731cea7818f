"""Periods as the routekaart writes them ("8 weken", "1 jaar en 6 maanden"), added with calendar
arithmetic (``dateutil.relativedelta``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_UNITS = {
    "dag": "days",
    "dagen": "days",
    "week": "weeks",
    "weken": "weeks",
    "maand": "months",
    "maanden": "months",
    "jaar": "years",
    "jaren": "years",
}
_PART = re.compile(r"^(\d+)\s+([a-z]+)$")


class Period:
    """A period such as "8 weken" or "1 jaar en 6 maanden", added with calendar arithmetic."""

    __slots__ = ("text", "delta", "_days", "_cache", "iso_dues")

    def __init__(self, text: str, delta: relativedelta):
        self.text = text
        self.delta = delta
        # Days and weeks are a fixed number of days; months and years never are.
        self._days = None if (delta.months or delta.years) else delta.days
        self._cache: dict[date, date] = {}
        self.iso_dues: dict[str, str] = {}

    def add(self, start: date) -> date:
        if self._days is not None:
            return start + timedelta(days=self._days)
        due = self._cache.get(start)
        if due is None:
            due = start + self.delta
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[start] = due
        return due

    def add_iso(self, start: str) -> str:
        """:meth:`add` on ISO dates (``YYYY-MM-DD``), remembered: a rebuild of the case index adds
        a few thousand distinct start days to the same period hundreds of thousands of times."""
        due = self.iso_dues.get(start)
        if due is None:
            if len(self.iso_dues) > 50_000:
                self.iso_dues.clear()
            due = self.iso_dues[start] = self.add(date.fromisoformat(start)).isoformat()
        return due

    def __repr__(self) -> str:
        return f"Period({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and self.delta == other.delta

    def __hash__(self) -> int:
        return hash((self.delta.years, self.delta.months, self.delta.days))


def parse_period(text: str) -> Period:
    """Parse a Dutch period: "30 dagen", "8 weken", "24 maanden", "1 jaar", "1 jaar en 6 maanden".

    Raises ValueError with a Dutch message."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("periode ontbreekt")
    parts = re.split(r"\s*(?:,|\ben\b)\s*", text.strip().lower())
    kwargs = {"days": 0, "weeks": 0, "months": 0, "years": 0}
    for part in parts:
        m = _PART.match(part)
        unit = _UNITS.get(m.group(2)) if m else None
        if not m or unit is None:
            raise ValueError(
                f"ongeldige periode '{text}': verwacht een aantal en een eenheid, "
                "bijvoorbeeld '30 dagen', '8 weken', '24 maanden' of '1 jaar'"
            )
        kwargs[unit] += int(m.group(1))
    if not any(kwargs.values()):
        raise ValueError(f"ongeldige periode '{text}': de periode moet langer dan 0 zijn")
    delta = relativedelta(years=kwargs["years"], months=kwargs["months"], days=kwargs["days"] + 7 * kwargs["weeks"])
    return Period(text.strip(), delta)
