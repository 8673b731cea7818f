"""The one clock of the package: every "today" and "now" comes from here.

The system clock by default. A test (or a training copy of the desk) pins the date it means:

- in-process: ``with clock.fixed(date(2026, 6, 1)): ...`` or ``clock.set_today(day)`` / ``clock.set_today(None)``;
- for a child process: the environment variable ``HERSTEL_VANDAAG=jjjj-mm-dd``.

A pinned date keeps the time of day running, so audit rows written one after another still
sort in the order they were written. Standard library only: the quick shell paths use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

ENV_VAR = "HERSTEL_VANDAAG"

_pinned: date | None = None


def _from_env() -> date | None:
    value = os.environ.get(ENV_VAR)
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{ENV_VAR}={value!r} is geen datum (jjjj-mm-dd)") from None


def today() -> date:
    """Today's date: the pinned one if a test or HERSTEL_VANDAAG set one, else the system's."""
    if _pinned is not None:
        return _pinned
    return _from_env() or date.today()


def now() -> datetime:
    """The local time, timezone-aware; on a pinned date, that date with the real time of day."""
    real = datetime.now().astimezone()
    day = _pinned if _pinned is not None else _from_env()
    if day is None:
        return real
    return real.replace(year=day.year, month=day.month, day=day.day)


def now_iso() -> str:
    """``now()`` as stored in the audit trail (seconds, with UTC offset)."""
    return now().isoformat(timespec="seconds")


def set_today(day: date | None) -> None:
    """Pin the date for this process (None: back to the system clock)."""
    global _pinned
    _pinned = day


@contextmanager
def fixed(day: date) -> Iterator[date]:
    """Pin the date inside a ``with`` block, restoring what was there before."""
    global _pinned
    before = _pinned
    _pinned = day
    try:
        yield day
    finally:
        _pinned = before
