"""Domain models: what the store returns and what forms hand to it.

Validation happens on the way in and speaks Dutch, so a message can be shown to the
caseworker as it is. Identifiers are English; values that a caseworker sees (roles, channels)
are the Dutch words of the domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction, Channel, Role, Track, Urgency
from herstel_tui.domain.fields import PersonWords
from herstel_tui.domain.fields import blank_to_none as _blank_to_none
from herstel_tui.domain.fields import bsn_value as _bsn
from herstel_tui.domain.fields import email_value as _email
from herstel_tui.domain.fields import phone_value as _phone
from herstel_tui.domain.fields import postcode_value as _postcode
from herstel_tui.domain.fields import stripped as _strip
from herstel_tui.domain.labels import TitledEnum
from herstel_tui.domain.text import scrub_stored

__all__ = [
    "AuditEntry",
    "Case",
    "Channel",
    "ContactNote",
    "Household",
    "HouseholdMember",
    "Person",
    "Role",
    "TimelineEvent",
    "Track",
    "Urgency",
    "choice",
    "validation_message",
]

# kept for the desk until i14desk merges
ROLE_TITLES = {r: r.label for r in Role}
URGENCY_TITLES = {u: u.label for u in Urgency}


def not_future(message: str) -> AfterValidator:
    """A pydantic validator for a date of something that happened: ``message`` when it lies after
    today (``clock.today()``); None passes."""

    def check(value: date | None) -> date | None:
        if value is not None and value > clock.today():
            raise ValueError(message)
        return value

    return AfterValidator(check)


def choice(enum: type[TitledEnum], what: str) -> BeforeValidator:
    """A pydantic validator that reads a member by value or label, refusing in Dutch."""

    def check(value: Any) -> Any:
        if isinstance(value, enum) or value is None:
            return value
        return enum.parse(value, what)

    return BeforeValidator(check)


Bsn = Annotated[str | None, BeforeValidator(_bsn)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Name = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
RoleField = Annotated[Role, choice(Role, "rol in het huishouden")]
TrackField = Annotated[Track, choice(Track, "spoor")]
ChannelField = Annotated[Channel, choice(Channel, "kanaal")]
UrgencyField = Annotated[Urgency | None, choice(Urgency, "urgentiecriterium")]


class Model(BaseModel):
    # defer_build: a model's validator is built when it first validates, not at import (`herstel
    # toon` validates a case, a person and notes; the other models cost nothing there)
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False, defer_build=True)


class TextModel(Model):
    """A model whose text enters or leaves the register: every str field follows the text policy
    of ``domain/text`` (NFC, no bidi controls, no control characters or escape sequences).
    Typed input is refused with a Dutch message at the boundary (the command line's arguments,
    the desk's form fields); here, below every boundary, what is left is removed, so a row written
    by another tool can still be read. ``MULTILINE`` names the fields that keep newlines and tabs."""

    MULTILINE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _text_policy(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        return scrub_stored(value, multiline=info.field_name in cls.MULTILINE)


#: A person's fields in the Dutch words of config files, portal lists, forms and the command line
#: (``--voornamen``). The model takes either name on the way in (``Person(voornamen=...)``).
PERSON_WORDS: dict[str, str] = {
    "given_names": "voornamen",
    "surname_prefix": "tussenvoegsel",
    "surname": "achternaam",
    "birth_date": "geboortedatum",
    "street": "straat",
    "house_number": "huisnummer",
    "postcode": "postcode",
    "city": "woonplaats",
    "phone": "telefoon",
    "email": "email",
    "preferred_channel": "voorkeurskanaal",
}

#: Dutch names of the other models' fields, for messages.
FIELD_WORDS: dict[str, str] = {
    **PERSON_WORDS,
    "bsn": "BSN",
    "text": "tekst",
    "note": "toelichting",
    "reason": "reden",
    "caseworker": "medewerker",
    "channel": "kanaal",
    "date": "datum",
    "fact_date": "datum",
    "step": "stap",
    "outcome": "uitkomst",
    "role": "rol",
    "track": "spoor",
    "urgency": "urgentie",
    "description": "omschrijving",
    "component": "component",
}

#: The other way round: the model's field for a Dutch word.
FIELD_OF_WORD: dict[str, str] = {word: field for field, word in PERSON_WORDS.items()}


def _also(field: str, *, required: bool = False) -> Any:
    """Accept the field by its English name or its Dutch word."""
    alias = AliasChoices(field, PERSON_WORDS[field])
    return Field(validation_alias=alias) if required else Field(default=None, validation_alias=alias)


class Person(TextModel, PersonWords):
    id: int | None = None
    bsn: Bsn = None
    given_names: Name = _also("given_names", required=True)
    surname_prefix: OptText = _also("surname_prefix")
    surname: Name = _also("surname", required=True)
    birth_date: Annotated[date | None, not_future("geboortedatum ligt in de toekomst")] = _also("birth_date")
    street: OptText = _also("street")
    house_number: OptText = _also("house_number")
    postcode: Annotated[str | None, BeforeValidator(_postcode)] = None
    city: OptText = _also("city")
    phone: Annotated[str | None, BeforeValidator(_phone)] = _also("phone")
    email: Annotated[str | None, BeforeValidator(_email)] = None
    preferred_channel: Annotated[Channel | None, choice(Channel, "kanaal")] = _also("preferred_channel")


class Case(TextModel):
    id: int | None = None
    zaaknummer: str | None = None
    person_id: int
    track: TrackField
    caseworker: OptText = None
    opened: date
    closed: date | None = None
    urgency: UrgencyField = None
    casuistiekoverleg: bool = False
    version: int = 1

    @field_validator("closed")
    @classmethod
    def _closed_after_opened(cls, value: date | None, info) -> date | None:
        opened = info.data.get("opened")
        if value is not None and opened is not None and value < opened:
            raise ValueError("sluitdatum ligt vóór de openingsdatum")
        return value

    @property
    def urgent(self) -> bool:
        return self.urgency is not None


class Household(Model):
    id: int | None = None
    registered_on: date | None = None


class HouseholdMember(Model):
    household_id: int
    person_id: int
    role: RoleField


class TimelineEvent(TextModel):
    MULTILINE = frozenset({"note", "reason"})
    id: int | None = None
    case_id: int
    step: Name
    outcome: OptText = None
    fact_date: Annotated[date, not_future("de datum van het feit ligt in de toekomst")]
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    note: OptText = None
    correction: bool = False
    reason: OptText = None


class ContactNote(TextModel):
    MULTILINE = frozenset({"text"})
    id: int | None = None
    case_id: int
    date: date
    channel: ChannelField
    text: Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
    by: str | None = None
    recorded_at: datetime | None = None


class AuditEntry(TextModel):  # the trail is append-only: a row from before the text policy is cleaned on reading
    id: int
    at: datetime
    who: str
    action: Annotated[AuditAction, BeforeValidator(lambda v: AuditAction.stored(v) if isinstance(v, str) else v)]
    entity: str
    entity_id: int | None = None
    person_id: int | None = None
    case_id: int | None = None
    detail: dict[str, Any] | None = None


def validation_message(exc: Exception, labels: Mapping[str, str] | None = None) -> str:
    """One Dutch line per fault of a pydantic ValidationError (or the text of another error).
    ``labels``: Dutch names for the fields (a message that starts with its field's name keeps it once)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        field = ".".join(PERSON_WORDS.get(p, p) for p in loc)
        msg = error_text(err)
        if labels is None:
            field = ".".join(FIELD_WORDS.get(p, p) for p in loc)
            lines.append(f"{field}: {msg}" if field else msg)
        else:
            label = labels.get(field, field)
            lines.append(f"{label}: {msg}" if label and not msg.startswith(label) else msg)
    return "\n".join(lines)


# pydantic's error types in Dutch; what is not here gets a plain Dutch fallback, never English.
_ERROR_TEXTS = {
    "missing": "is verplicht",
    "extra_forbidden": "is onbekend",
    "date_from_datetime_parsing": "is geen geldige datum (dd-mm-jjjj)",
    "date_from_datetime_inexact": "is geen geldige datum (dd-mm-jjjj)",
    "date_parsing": "is geen geldige datum (dd-mm-jjjj)",
    "date_type": "is geen geldige datum (dd-mm-jjjj)",
    "datetime_parsing": "is geen geldig tijdstip",
    "datetime_type": "is geen geldig tijdstip",
    "string_type": "moet tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "int_type": "moet een heel getal zijn",
    "int_parsing": "moet een heel getal zijn",
    "int_from_float": "moet een heel getal zijn",
    "float_type": "moet een getal zijn",
    "float_parsing": "moet een getal zijn",
    "decimal_type": "moet een getal zijn",
    "decimal_parsing": "moet een getal zijn",
    "bool_type": "moet ja of nee zijn (true of false)",
    "bool_parsing": "moet ja of nee zijn (true of false)",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een tabel zijn",
    "model_type": "moet een tabel zijn",
    "model_attributes_type": "moet een tabel zijn",
    "path_type": "moet een pad zijn",
    "enum": "is geen geldige keuze",
    "literal_error": "is geen geldige keuze",
    "frozen_instance": "kan niet worden gewijzigd",
    "frozen_field": "kan niet worden gewijzigd",
    "recursion_loop": "is te diep genest",
}


def error_text(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a Dutch phrase."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _ERROR_TEXTS:
        return _ERROR_TEXTS[kind]
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return "mag niet leeg zijn" if n == 1 else f"moet minstens {n} waarden hebben"
    if kind in ("too_long", "string_too_long"):
        n = ctx.get("max_length")
        unit = "tekens" if kind == "string_too_long" else "waarden"
        return f"mag hoogstens {n} {unit} hebben" if n is not None else "is te lang"
    bound = next(iter(ctx.values()), "")
    limits = {
        "greater_than": f"moet groter zijn dan {bound}",
        "greater_than_equal": f"moet minstens {bound} zijn",
        "less_than": f"moet kleiner zijn dan {bound}",
        "less_than_equal": f"mag hoogstens {bound} zijn",
    }
    if kind in limits:
        return limits[kind]
    if kind.startswith("string_"):
        return "is geen geldige tekst"
    return "is ongeldig"
