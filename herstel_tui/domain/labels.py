"""Enums that carry their Dutch words: one pattern for every choice the interface names.

    class Track(TitledEnum):
        BREDE_ONDERSTEUNING = "brede_ondersteuning", "Brede ondersteuning", "BO"

    Track("brede_ondersteuning").label  -> "Brede ondersteuning"
    Track.BREDE_ONDERSTEUNING.short     -> "BO"
    Track.choices()                     -> [("Brede ondersteuning", "brede_ondersteuning"), ...]

The value is what the database and config store (stable ids); ``label`` is what people read
(Dutch); ``short`` is a narrow form for the 80-column list (the label when none is given). No
separate ``*_TITLES`` dict to keep in step. (Not ``title``: that would hide ``str.title``.)
"""

from __future__ import annotations

from enum import StrEnum

# The quick shell paths import this module: typing only for the type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self


class TitledEnum(StrEnum):
    """A string enum whose members are ``value, label[, short]``."""

    label: str
    short: str

    def __new__(cls, value: str, label: str | None = None, short: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        member.short = short if short is not None else member.label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(label, value) pairs in definition order, as a Select or radio set wants them."""
        return [(m.label, m.value) for m in cls]

    @classmethod
    def get(cls, value: object) -> Self | None:
        """The member whose value is ``value``, else None (a value this version does not know)."""
        try:
            return cls(value)  # type: ignore[arg-type]  # any value may be asked about
        except ValueError:
            return None

    @classmethod
    def parse(cls, value: Any, what: str) -> Self:
        """The member for a value or a label (any case); ValueError in Dutch naming ``what``."""
        if isinstance(value, cls):
            return value
        text = str(value).strip()
        key = text.casefold()
        for m in cls:
            if key in (m.value.casefold(), m.label.casefold()):
                return m
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"onbekende {what} {text!r}; kies uit: {allowed}")
