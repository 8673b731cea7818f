"""Money: Dutch input, no floats, P×Q rounded once half up, components as data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from herstel_tui.domain.costs import (
    CostEntry,
    CostKind,
    FloatRefused,
    build_year_report,
    check_component,
    cost_error_text,
    format_euro,
    format_quantity,
    from_cents,
    parse_decimal,
    parse_money,
    parse_quantity,
    pxq,
    to_cents,
)
from herstel_tui.settings.resources import default_routekaart

D = Decimal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", "1234.56"),
        ("85", "85.00"),
        ("85,5", "85.50"),
        ("85.50", "85.50"),
        ("85.5", "85.50"),
        ("€ 85,-", "85.00"),
        ("€ 1.234,56", "1234.56"),
        ("1.234", "1234.00"),
        ("12.345.678,90", "12345678.90"),
        ("1,234.56", "1234.56"),
        ("0,01", "0.01"),
        (" 7 ", "7.00"),
        ("EUR 12,30", "12.30"),
    ],
)
def test_dutch_and_plain_amounts(text, expected):
    assert parse_decimal(text) == D(expected)
    assert str(parse_decimal(text)) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("1,234", "meer dan 2 decimalen"),
        ("85,555", "meer dan 2 decimalen"),
        ("abc", "geen getal"),
        ("1.2.3", "klopt niet"),
        ("", "geen getal"),
        ("1,2,3", "klopt niet"),
    ],
)
def test_bad_amounts_are_refused_in_dutch(text, message):
    with pytest.raises(ValueError, match=message):
        parse_decimal(text)


def test_floats_are_refused_everywhere():
    for fn in (parse_decimal, parse_money, parse_quantity):
        with pytest.raises(FloatRefused):
            fn(85.5)
    assert issubclass(FloatRefused, TypeError)
    with pytest.raises(TypeError):
        pxq(85.5, D("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        CostEntry(case_id=1, date=date(2025, 1, 1), component="C", description="x", kind="werkelijk", actual=12.5)
    assert "float is niet toegestaan" in cost_error_text(err.value)
    with pytest.raises(ValidationError):
        CostEntry(
            case_id=1, date=date(2025, 1, 1), component="C", description="x", kind="uren", quantity=1.5, price="85"
        )


def test_ints_and_decimals_are_money():
    assert parse_money(85) == D("85.00")
    assert parse_money(D("85.5")) == D("85.50")
    with pytest.raises(ValueError, match="groter zijn dan"):
        parse_money("0")
    with pytest.raises(ValueError, match="groter zijn dan"):
        parse_money("-5")
    with pytest.raises(ValueError, match="klopt dat"):
        parse_money("10.000.000,00")
    with pytest.raises(ValueError, match="meer dan 2 decimalen"):
        parse_money(D("1.005"))


@pytest.mark.parametrize(
    "price, qty, expected",
    [
        ("85,50", "1,25", "106.88"),  # 106,875 → half up
        ("72,50", "0,25", "18.13"),  # 18,125 → half up (round-half-even would give 18,12)
        ("85,50", "1,5", "128.25"),
        ("19,99", "3", "59.97"),
        ("85", "0,33", "28.05"),
        ("0,01", "0,5", "0.01"),  # 0,005 → 0,01
        ("0,01", "0,49", "0.00"),
    ],
)
def test_pxq_rounds_once_half_up(price, qty, expected):
    assert pxq(parse_money(price), parse_quantity(qty)) == D(expected)


def test_cents_round_trip_is_exact():
    for cents in (0, 1, 5, 99, 100, 123456, 10**11 + 7):
        assert to_cents(from_cents(cents)) == cents
    assert from_cents(1727_34) == D("1727.34")
    assert sum(map(from_cents, [10, 20])) == D("0.30")  # never 0.30000000000000004
    with pytest.raises(ValueError):
        to_cents(D("1.005"))


def test_formatting():
    assert format_euro(D("1234.56")) == "€ 1.234,56"
    assert format_euro(123456) == "€ 1.234,56"
    assert format_euro(5) == "€ 0,05"
    assert format_euro(D("1000000")) == "€ 1.000.000,00"
    assert format_quantity(D("1.50")) == "1,5"
    assert format_quantity(D("2.00")) == "2"
    assert format_quantity(D("0.25")) == "0,25"


def test_components_are_data():
    comps = default_routekaart().spuk_components
    assert list(comps)[:3] == ["A", "B", "C"]
    assert check_component(" c ", comps) == "C"
    with pytest.raises(ValueError, match="onbekende SPUK-component 'E'; kies uit: A, B, C"):
        check_component("E", {"A": "a", "B": "b", "C": "c"})
    assert check_component("D", {"A": "a", "D": "oud"}) == "D"  # a component added in the data


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_cost_entry_kinds():
    e = CostEntry(
        case_id=1,
        date=date(2025, 1, 1),
        component="c",
        description=" Begeleiding ",
        kind="uur",
        quantity="1,5",
        price="85,50",
    )
    assert (e.kind, e.component, e.description) == (CostKind.UREN, "C", "Begeleiding")
    assert e.amount == D("128.25") and e.amount_cents == 12825
    assert e.calculation == "1,5 uur × € 85,50"
    s = CostEntry(
        case_id=1,
        date=date(2025, 1, 1),
        component="C",
        description="Maaltijden",
        kind="stuks",
        quantity="3",
        price="19,99",
    )
    assert s.amount == D("59.97") and s.calculation == "3 stuks × € 19,99"
    w = CostEntry(
        case_id=1,
        date=date(2025, 1, 1),
        component="C",
        description="Factuur Kredietbank",
        kind="werkelijk",
        actual="1.234,56",
    )
    assert w.amount == D("1234.56") and w.calculation == "werkelijk bedrag"
    for bad, msg in [
        ({"kind": "uren", "quantity": "1"}, "vul prijs in"),
        ({"kind": "werkelijk"}, "vul het werkelijke bedrag in"),
        ({"kind": "werkelijk", "actual": "5", "price": "5"}, "óf P×Q óf"),
        ({"kind": "uren", "quantity": "1", "price": "5", "description": "  "}, "omschrijving: vul een omschrijving in"),
        ({"kind": "bonnetje", "actual": "5"}, "onbekende soort"),
    ]:
        raw = {"case_id": 1, "date": date(2025, 1, 1), "component": "C", "description": "x", **bad}
        with pytest.raises(ValidationError) as err:
            CostEntry(**raw)
        assert msg in cost_error_text(err.value)
    with pytest.raises(ValidationError) as err:
        CostEntry(case_id=1, date=date(2999, 1, 1), component="C", description="x", kind="werkelijk", actual="1")
    assert "datum: de datum ligt in de toekomst" in cost_error_text(err.value)


def test_build_year_report_lists_every_component_and_unknown_ones():
    r = build_year_report(2024, {"B": (2, 27788), "X": (1, 100)}, 5, 6, components={"A": "a", "B": "b", "C": "c"})
    assert [(c.component, c.entries, c.cents) for c in r.components] == [
        ("A", 0, 0),
        ("B", 2, 27788),
        ("C", 0, 0),
        ("X", 1, 100),
    ]
    assert r.total_cents == 27888 and r.total == D("278.88") and r.entries == 3
    assert r.notes and "X" in r.notes[0]
