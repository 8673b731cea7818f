"""Faults in a form, in Dutch: one found before saving (``FieldError``), one the store raised
(``Refusal``), and the Dutch line for any exception a save can raise (``explain``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

# Field names in the store's and the domain's messages, as a caseworker reads them.
FIELD_LABELS = {
    "fact_date": "datum",
    "date": "datum",
    "text": "tekst",
    "channel": "kanaal",
    "step": "stap",
    "outcome": "uitkomst",
    "reason": "reden",
    "note": "notitie",
    "bsn": "BSN",
    "voornamen": "voornamen",
    "achternaam": "achternaam",
    "tussenvoegsel": "tussenvoegsel",
    "geboortedatum": "geboortedatum",
    "postcode": "postcode",
    "telefoon": "telefoon",
    "email": "e-mail",
    "caseworker": "medewerker",
}


class FieldError(Exception):
    """A fault found before saving; ``field`` is the id of the field to show it at (None: the
    form's own error line)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Refusal:
    """A write the store refused: what it raised, and the Dutch line to show."""

    error: Exception
    message: str

    @classmethod
    def of(cls, exc: Exception) -> Refusal:
        return cls(exc, explain(exc))

    @property
    def conflict(self) -> bool:
        """Someone else (another desk, the CLI) changed it since this form read it."""
        from herstel_tui.store import ConflictError

        return isinstance(self.error, ConflictError)


def explain(exc: BaseException) -> str:
    """A Dutch line for any error a save can raise; field names in Dutch."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        if exc.title == "CostEntry":
            from herstel_tui.domain.costs import cost_error_text

            return cost_error_text(exc)
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()))
            msg = explain_one(err)
            label = FIELD_LABELS.get(loc, loc)
            lines.append(f"{label}: {msg}" if label else msg)
        return "\n".join(lines)
    return str(exc) or exc.__class__.__name__


def explain_one(err: Mapping[str, Any]) -> str:
    """One pydantic fault (an item of ``ValidationError.errors()``) in Dutch, without the field."""
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    kind = err.get("type")
    if kind == "missing" or (kind == "string_type" and err.get("input") is None):
        return "is verplicht"
    if kind == "string_too_short":
        return "mag niet leeg zijn"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return "is geen geldige datum (dd-mm-jjjj)"
    if kind in ("value_error", "assertion_error"):
        return msg
    from herstel_tui.domain.models import error_text

    return error_text(err)  # pydantic's own words are English: never shown
