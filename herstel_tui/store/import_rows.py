"""The rows an import batch (``store.import_batch``) writes, as the repositories would store them:
a person's row, the audit details of what it makes, and the runs of distinct persons its
statements of many rows take."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from typing import Any

from herstel_tui.domain.enums import Track
from herstel_tui.domain.models import Person

PERSON_FIELDS = tuple(Person.model_fields)[1:]  # the columns after id, in the table's order


def distinct_runs(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    """The rows in order, in runs in which no row's last value (an id) comes twice."""
    part: list[tuple] = []
    ids: set[Any] = set()
    for row in rows:
        if row[-1] in ids:
            yield part
            part, ids = [], set()
        part.append(row)
        ids.add(row[-1])
    if part:
        yield part


def stored_person(bsn: str, values: dict[str, Any]) -> dict[str, Any]:
    """A person's row as ``persons.add`` stores it (``person_row``: the columns after id, dates as
    ISO text) from the person model's own values (field -> value), without building the model."""
    row = dict.fromkeys(PERSON_FIELDS)
    row["bsn"] = bsn
    for k, v in values.items():
        row[k] = v.isoformat() if isinstance(v, date) else v.value if isinstance(v, Enum) else v
    return row


def household_detail(person_id: int) -> str:
    """``audit_json({"leden": [{"persoon": person_id, "rol": "aanvrager"}]})``: the audit detail of
    the household of one that ``persons.create_household`` makes for a new person."""
    return f'{{"leden": [{{"persoon": {int(person_id)}, "rol": "aanvrager"}}]}}'


def case_detail(zaaknummer: str, track: Track, who: str) -> str:
    """``audit_json({"zaaknummer": ..., "spoor": ..., "medewerker": ...})``: the audit detail of
    ``cases.open``, with ``who`` the user already as JSON (a zaaknummer, HKO-year-number, and a
    track are plain ASCII)."""
    return f'{{"zaaknummer": "{zaaknummer}", "spoor": "{track.value}", "medewerker": {who}}}'
