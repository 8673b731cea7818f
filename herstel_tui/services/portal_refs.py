"""What a portal list import holds of a person and a case while it decides a row
(``services.portal_import``): plain named tuples, made without validation."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from herstel_tui.domain.enums import Track
from herstel_tui.domain.models import FIELD_OF_WORD
from herstel_tui.store.import_batch import new_tuple


class PersonRef(NamedTuple):
    """A person as the import needs it: id, name and the raw register row as the batch holds it
    (no model validation per row: a 50,000-row list looks persons up 50,000 times; a named tuple
    is made in a third of a frozen dataclass's time). The batch replaces a row that changes,
    never alters one."""

    id: int
    row: dict[str, Any]  # column -> value, read by the Dutch words the lists use (PERSON_WORDS)

    @staticmethod
    def from_columns(columns: dict[str, Any]) -> PersonRef:
        return new_tuple(PersonRef, (columns["id"], columns))

    @property
    def name(self) -> str:
        row = self.row
        return " ".join(filter(None, (row.get("given_names"), row.get("surname_prefix"), row.get("surname"))))

    def value(self, key: str) -> Any:
        v = self.row.get(FIELD_OF_WORD.get(key, key))
        return date.fromisoformat(v) if key == "geboortedatum" and v else v


class CaseRef(NamedTuple):  # (made once per row)
    id: int
    zaaknummer: str
    track: Track
    person_id: int

    @property
    def short(self) -> str:
        return "BO" if self.track == Track.BREDE_ONDERSTEUNING else "SA"
