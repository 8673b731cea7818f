"""What the models' person fields accept, and how a person reads: plain functions and a mixin,
without pydantic. ``domain.models`` builds its validators from these; the quick case card of
`herstel toon` (``store.card``) checks stored rows with the same functions and reads a person
with the same words.
"""

from __future__ import annotations

import re

from herstel_tui.domain.bsn import BsnError, mask_bsn, normalize_bsn

TYPE_CHECKING = False  # `herstel toon`'s quick path imports this module: no typing at run time
if TYPE_CHECKING:
    from typing import Any


def bsn_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return normalize_bsn(value)
    except BsnError as exc:
        raise ValueError(str(exc)) from None


def stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


POSTCODE = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def postcode_value(value: Any) -> Any:
    value = blank_to_none(value)
    if value is None:
        return None
    m = POSTCODE.match(value)
    if not m:
        raise ValueError(f"postcode {value!r} klopt niet (verwacht 1234 AB)")
    return f"{m.group(1)} {m.group(2).upper()}"


def email_value(value: Any) -> Any:
    value = blank_to_none(value)
    if value is not None and not EMAIL.match(value):
        raise ValueError(f"e-mailadres {value!r} klopt niet")
    return value


def phone_value(value: Any) -> Any:
    value = blank_to_none(value)
    if value is not None and not re.fullmatch(r"\+?[\d\s\-()]{6,20}", value):
        raise ValueError(f"telefoonnummer {value!r} klopt niet")
    return value


class PersonWords:
    """A person's name, address and BSN as people read them (the model ``Person`` and the quick
    card's person alike)."""

    if TYPE_CHECKING:  # the fields of the class this is mixed into (no annotations at run time:
        # pydantic would take them for fields of its own)
        bsn: str | None
        given_names: str
        surname_prefix: str | None
        surname: str
        street: str | None
        house_number: str | None
        postcode: str | None
        city: str | None

    @property
    def name(self) -> str:
        parts = [self.given_names, self.surname_prefix, self.surname]
        return " ".join(p for p in parts if p)

    @property
    def sort_name(self) -> str:
        """'Jansen, Anna' / 'Vries, Piet de' as a caseworker files it."""
        tail = f" {self.surname_prefix}" if self.surname_prefix else ""
        return f"{self.surname}, {self.given_names}{tail}"

    @property
    def adres(self) -> str:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (street, town) if p)

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)
