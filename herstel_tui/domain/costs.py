"""SPUK costs: money as ``Decimal`` euros (stored as whole cents), P×Q, the year report.

Pure: pydantic and the standard library. No float ever touches an amount:

- input is text as a caseworker types it ("1.234,56", "85", "85,5", "85.50", "€ 85,-"), an
  ``int`` (whole euros) or a ``Decimal``; a ``float`` is refused (TypeError from the parsers, a
  Dutch validation error from the models);
- prices and quantities have at most 2 decimals (1,5 uur; € 85,50);
- **rounding rule**: a P×Q amount is ``price × quantity`` computed exactly (at most 4 decimals)
  and rounded once, to whole cents, half up (0,005 → 0,01; 1,25 uur × € 85,50 = 106,875 →
  € 106,88). Actual amounts (a Kredietbank invoice) are taken as given, to the cent;
- totals are sums of integer cents, so they are exact.

The components (A, B, C, …) are data: the ``[spuk_components]`` table of the routekaart file,
checked by the store against the routekaart it was given (a model only normalises the id).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    model_validator,
)

from herstel_tui.domain.enums import CostKind
from herstel_tui.domain.models import not_future, validation_message
from herstel_tui.domain.text import scrub_stored

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999.99")  # one entry; a guard against a slip of the keyboard
MAX_QUANTITY = Decimal("99999.99")


class FloatRefused(TypeError):
    """A float was handed where money is expected."""


# -- parsing and formatting -----------------------------------------------------------------------

_NUMBER = re.compile(r"^[0-9.,]+$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def _text_to_decimal(text: str, label: str) -> Decimal:
    raw = text
    s = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if s.startswith(("EUR", "eur")):
        s = s[3:]
    negative = s.startswith("-")
    if negative:
        s = s[1:]
    if s.endswith((",-", ".-")):  # "85,-"
        s = s[:-2]
    if not s or not _NUMBER.match(s):
        raise ValueError(f"{label} {raw.strip()!r} is geen getal (voorbeeld: 1.234,56)")
    if "," in s and "." in s:
        # Both: the last one is the decimal mark ("1.234,56"; also "1,234.56").
        if s.rfind(",") > s.rfind("."):
            whole, frac, group = *s.rsplit(",", 1), _GROUPED_DOT
        else:
            whole, frac, group = *s.rsplit(".", 1), _GROUPED_COMMA
        if not group.match(whole) and not whole.isdigit():
            raise ValueError(f"{label} {raw.strip()!r} klopt niet (voorbeeld: 1.234,56)")
        whole = whole.replace(".", "").replace(",", "")
    elif "," in s:
        if s.count(",") > 1:
            if _GROUPED_COMMA.match(s):
                whole, frac = s.replace(",", ""), ""
            else:
                raise ValueError(f"{label} {raw.strip()!r} klopt niet (voorbeeld: 1.234,56)")
        else:
            whole, frac = s.split(",")
    elif "." in s:
        parts = s.split(".")
        if len(parts) == 2 and 1 <= len(parts[1]) <= 2:
            whole, frac = parts  # "85.50", "85.5": a decimal point
        elif _GROUPED_DOT.match(s):
            whole, frac = s.replace(".", ""), ""  # "1.234": Dutch thousands
        else:
            raise ValueError(f"{label} {raw.strip()!r} klopt niet (voorbeeld: 1.234,56)")
    else:
        whole, frac = s, ""
    if not whole:
        whole = "0"
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"{label} {raw.strip()!r} klopt niet (voorbeeld: 1.234,56)")
    value = Decimal(f"{whole}.{frac}" if frac else whole)
    return -value if negative else value


def parse_decimal(value: Any, *, label: str = "bedrag", places: int = 2) -> Decimal:
    """Text (Dutch or plain), int or Decimal → Decimal with exactly ``places`` decimals.

    A float raises :class:`FloatRefused` (a TypeError); a value with more decimals than
    ``places`` or that is not a number raises ValueError with a Dutch message.
    """
    if isinstance(value, bool):
        raise TypeError(f"{label}: een ja/nee-waarde is geen bedrag")
    if isinstance(value, float):
        raise FloatRefused(f"{label}: een float is niet toegestaan (onnauwkeurig); geef tekst of een Decimal")
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, Decimal):
        d = value
    elif isinstance(value, str):
        d = _text_to_decimal(value, label)
    else:
        raise TypeError(f"{label}: {type(value).__name__} is geen bedrag")
    if not d.is_finite():
        raise ValueError(f"{label} is geen eindig getal")
    step = Decimal(1).scaleb(-places)
    try:
        q = d.quantize(step)
    except InvalidOperation:
        raise ValueError(f"{label} is te groot") from None
    if q != d:
        raise ValueError(f"{label} heeft meer dan {places} decimalen")
    return q


def _positive(value: Any, label: str, zero: str, maximum: Decimal, too_big: str) -> Decimal:
    d = parse_decimal(value, label=label, places=2)
    if d <= 0:
        raise ValueError(f"{label} moet groter zijn dan {zero}")
    if d > maximum:
        raise ValueError(f"{label} {too_big}")
    return d


def parse_money(value: Any, *, label: str = "bedrag") -> Decimal:
    """A positive amount in euros, to the cent."""
    return _positive(value, label, "€ 0,00", MAX_AMOUNT, f"is groter dan {format_euro(MAX_AMOUNT)}; klopt dat?")


def parse_quantity(value: Any, *, label: str = "aantal") -> Decimal:
    """A positive quantity (hours or units) with at most 2 decimals: "1,5", "2", "0,25"."""
    return _positive(value, label, "0", MAX_QUANTITY, "is onwaarschijnlijk groot")


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount that has at most 2 decimals (never rounds)."""
    if isinstance(amount, float):
        raise FloatRefused("een float is niet toegestaan")
    q = amount.quantize(CENT)
    if q != amount:
        raise ValueError(f"{amount} heeft meer dan 2 decimalen")
    return int(q.scaleb(2))


def from_cents(cents: int) -> Decimal:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError("centen zijn een geheel getal")
    return Decimal(cents).scaleb(-2).quantize(CENT)


def to_hundredths(quantity: Decimal) -> int:
    return to_cents(quantity)


def from_hundredths(value: int) -> Decimal:
    return from_cents(value)


def pxq(price: Decimal, quantity: Decimal) -> Decimal:
    """price × quantity, rounded once to whole cents, half up (the rounding rule)."""
    for v in (price, quantity):
        if isinstance(v, float):
            raise FloatRefused("een float is niet toegestaan")
    return (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_amount(amount: Decimal | int) -> str:
    """1.234,56 (Decimal euros, or int cents)."""
    d = from_cents(amount) if isinstance(amount, int) else amount.quantize(CENT)
    sign = "-" if d < 0 else ""
    whole, frac = f"{abs(d):.2f}".split(".")
    return f"{sign}{_group(whole)},{frac}"


def format_euro(amount: Decimal | int) -> str:
    """€ 1.234,56 (Decimal euros, or int cents)."""
    return f"€ {format_amount(amount)}"


def format_quantity(q: Decimal) -> str:
    """1,5 / 2 / 0,25 (no trailing zeros)."""
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return _group(whole) + (f",{frac}" if frac else "")


# -- components (data) ----------------------------------------------------------------------------


def component_id(value: Any) -> str:
    """A component id as typed ("c ", "C"): trimmed, upper case; empty is refused."""
    cid = str(value or "").strip().upper()
    if not cid:
        raise ValueError("kies een SPUK-component")
    return cid


def check_component(value: Any, components: dict[str, str]) -> str:
    """The component id when the routekaart's ``[spuk_components]`` knows it; ValueError in Dutch if not."""
    cid = str(value or "").strip().upper()
    if cid not in components:
        known = ", ".join(components) or "geen"
        shown = str(value or "").strip() or "(leeg)"
        raise ValueError(f"onbekende SPUK-component '{shown}'; kies uit: {known}")
    return cid


# -- the cost entry -------------------------------------------------------------------------------


# kept for the desk until i14desk merges
COST_KIND_TITLES = {k: k.label for k in CostKind}


def _optional(parse: Callable[[Any], Decimal]) -> Callable[[Any], Decimal | None]:
    """A field validator: blank is no value; a TypeError (a float) becomes a Dutch validation error."""

    def check(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse(value)
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    return check


def _kind(value: Any) -> Any:
    return value if isinstance(value, CostKind) else CostKind.parse(str(value or ""), "soort")


def _description(value: Any) -> Any:
    text = scrub_stored(value).strip() if isinstance(value, str) else value
    if isinstance(text, str):
        if not text:
            raise ValueError("vul een omschrijving in")
        if len(text) > 500:
            raise ValueError("de omschrijving is langer dan 500 tekens")
    return text


class CostEntry(BaseModel):
    """One SPUK cost entry of a case. ``amount`` is derived: P×Q or the actual amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int | None = None
    case_id: int
    date: Annotated[date, not_future("de datum ligt in de toekomst")]
    component: Annotated[str, BeforeValidator(component_id)]
    description: Annotated[str, BeforeValidator(_description)]
    kind: Annotated[CostKind, BeforeValidator(_kind)]
    quantity: Annotated[Decimal | None, BeforeValidator(_optional(parse_quantity))] = None
    price: Annotated[Decimal | None, BeforeValidator(_optional(lambda v: parse_money(v, label="prijs")))] = None
    actual: Annotated[Decimal | None, BeforeValidator(_optional(parse_money))] = None
    action_uid: int | None = None
    recorded_at: datetime | None = None
    recorded_by: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> CostEntry:
        if self.kind.is_pxq:
            missing = [name for name, v in (("aantal", self.quantity), ("prijs", self.price)) if v is None]
            if missing:
                raise ValueError(f"vul {' en '.join(missing)} in (P×Q)")
            if self.actual is not None:
                raise ValueError("geef óf P×Q óf een werkelijk bedrag, niet beide")
            if self.amount > MAX_AMOUNT:
                raise ValueError(f"het bedrag ({format_euro(self.amount)}) is onwaarschijnlijk hoog")
        else:
            if self.actual is None:
                raise ValueError("vul het werkelijke bedrag in")
            if self.quantity is not None or self.price is not None:
                raise ValueError("geef óf P×Q óf een werkelijk bedrag, niet beide")
        return self

    @property
    def amount(self) -> Decimal:
        if self.kind.is_pxq:
            assert self.price is not None and self.quantity is not None
            return pxq(self.price, self.quantity)
        assert self.actual is not None
        return self.actual

    @property
    def amount_cents(self) -> int:
        return to_cents(self.amount)

    @property
    def unit(self) -> str:
        return self.kind.unit

    @property
    def calculation(self) -> str:
        """'1,5 uur × € 85,00' or 'werkelijk bedrag'."""
        if self.kind.is_pxq:
            assert self.price is not None and self.quantity is not None
            return f"{format_quantity(self.quantity)} {self.unit} × {format_euro(self.price)}"
        return "werkelijk bedrag"


COST_FIELD_LABELS = {
    "date": "datum",
    "component": "component",
    "description": "omschrijving",
    "kind": "soort",
    "quantity": "aantal",
    "price": "prijs",
    "actual": "bedrag",
    "action_uid": "actie",
    "case_id": "zaak",
}


def cost_error_text(exc: Exception) -> str:
    """One Dutch line per fault of a CostEntry ValidationError, with Dutch field names."""
    return validation_message(exc, COST_FIELD_LABELS)


# -- the year report (SPUK / SiSa) ----------------------------------------------------------------


def year_bounds(year: int) -> tuple[date, date]:
    if not 1900 <= int(year) <= 9999:
        raise ValueError(f"jaar {year} klopt niet")
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class ComponentTotal:
    component: str
    title: str
    entries: int
    cents: int

    @property
    def amount(self) -> Decimal:
        return from_cents(self.cents)


@dataclass(frozen=True)
class YearReport:
    """Totals per component for one year, and the persons eligible for support.

    Definitions (see :func:`build_year_report`): a cost entry counts in the year of its date;
    ``eligible_year`` = distinct persons with a brede-ondersteuning case open at some moment in
    the year (opened on or before 31-12 and not closed before 1-1); ``eligible_cumulative`` =
    distinct persons with such a case opened on or before 31-12 of the year.
    """

    year: int
    components: tuple[ComponentTotal, ...]
    eligible_year: int
    eligible_cumulative: int
    cases_with_costs: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_cents(self) -> int:
        return sum(c.cents for c in self.components)

    @property
    def total(self) -> Decimal:
        return from_cents(self.total_cents)

    @property
    def entries(self) -> int:
        return sum(c.entries for c in self.components)


DEFINITION_ELIGIBLE_YEAR = (
    "personen met een zaak brede ondersteuning die in het jaar ergens open was "
    "(geopend uiterlijk 31-12 en niet gesloten vóór 1-1)"
)
DEFINITION_ELIGIBLE_CUMULATIVE = "personen met een zaak brede ondersteuning geopend uiterlijk 31-12 van het jaar"


def build_year_report(
    year: int,
    sums: dict[str, tuple[int, int]],
    eligible_year: int,
    eligible_cumulative: int,
    *,
    cases_with_costs: int = 0,
    components: dict[str, str],
) -> YearReport:
    """``sums``: component id → (number of entries, total cents) for the year.

    Every component of the data appears (also with € 0,00), in the data's order; an id found
    in the entries but no longer in the data is listed after them, marked as such.
    """
    year_bounds(year)
    comps = components
    rows = [ComponentTotal(cid, title, *sums.get(cid, (0, 0))) for cid, title in comps.items()]
    notes = []
    for cid in sorted(set(sums) - set(comps)):
        rows.append(ComponentTotal(cid, "(component staat niet meer in de gegevens)", *sums[cid]))
        notes.append(f"component {cid} komt voor in de kosten maar niet in de gegevens")
    return YearReport(year, tuple(rows), eligible_year, eligible_cumulative, cases_with_costs, tuple(notes))
