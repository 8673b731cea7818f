"""One way to show and read a date; one pattern for enums with Dutch labels."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.domain.dates import DateError, format_date, long_date, parse_date, parse_optional_date, weekday_date
from herstel_tui.domain.labels import TitledEnum


@pytest.mark.parametrize(
    "typed",
    ["01-12-2026", "1-12-2026", "1-12-26", "01/12/2026", "1.12.2026", "01.12.26", "2026-12-01", " 1-12-2026 "],
)
def test_every_way_a_caseworker_types_a_date(typed):
    assert parse_date(typed) == date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", r"vul een datum in \(dd-mm-jjjj\)"),
        ("31-02-2026", "datum '31-02-2026' bestaat niet; gebruik dd-mm-jjjj"),
        ("morgen", "datum 'morgen' klopt niet; gebruik dd-mm-jjjj"),
        ("1-12-026", "klopt niet"),
    ],
)
def test_unreadable_dates_are_refused_in_dutch(typed, message):
    with pytest.raises(DateError, match=message):
        parse_date(typed)


def test_label_names_the_field_and_empty_is_no_date():
    with pytest.raises(DateError, match="^feitdatum 'x' klopt niet"):
        parse_date("x", label="feitdatum")
    assert parse_optional_date("  ") is None and parse_optional_date(None) is None


def test_formats():
    d = date(2026, 3, 3)
    assert (format_date(d), long_date(d), weekday_date(d), format_date(None)) == (
        "03-03-2026",
        "3 maart 2026",
        "dinsdag 3 maart 2026",
        "—",
    )


class Colour(TitledEnum):
    RED = "rood", "Rood", "R"
    GREEN = "groen", "Groen"


def test_titled_enum():
    assert Colour("rood") is Colour.RED and Colour.RED == "rood"
    assert (Colour.RED.label, Colour.RED.short, Colour.GREEN.short) == ("Rood", "R", "Groen")
    assert Colour.choices() == [("Rood", "rood"), ("Groen", "groen")]
    assert Colour.parse("GROEN", "kleur") is Colour.GREEN
    with pytest.raises(ValueError, match="onbekende kleur 'blauw'; kies uit: rood, groen"):
        Colour.parse("blauw", "kleur")
