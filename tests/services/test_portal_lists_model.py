"""A portal list's new person is built from the values ``services.portal_lists`` had the person model
judge, without the model judging them again (``services.portal_import``: ``new_person``; issue 18:
9,000 validations of a 50,000-row list). That holds because the model judges each field on its own
and its values are its own fixed points: whatever cells a row has, the person the model makes of
the parsed fields equals the fields taken as they are."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from herstel_tui.domain import clock
from herstel_tui.domain.models import FIELD_OF_WORD, Person
from herstel_tui.files.portal_common import CellError
from herstel_tui.services.portal_lists import _REGISTRATION_FIELDS, _person_fields
from herstel_tui.store.import_rows import stored_person
from herstel_tui.store.persons import person_row
from tests.support.data import TEST_BSNS, TODAY

# cells as a portal list brings them: text with stray spaces, case and control characters, numbers,
# dates as dates, as datetimes and as text; now and then something the model refuses
NOISE = st.sampled_from([" ", "\t", "\x1b[1m", "\u200f", "e\u0301", "Ö", "  ", "x"])
TEXT = st.lists(st.one_of(st.sampled_from(["Anna", " de ", "Vries", "van", "Jan-Piet", "Zoë"]), NOISE), max_size=4).map(
    "".join
)
NAME = st.one_of(st.sampled_from(["Anna", "Bram", " Zoë ", "Jan  Piet"]), TEXT)
DAY = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(["01-02-1990", "1990-02-01", "31-02-1990", " 1-2-1990 "]),
)
CELLS = {
    "voornamen": NAME,
    "tussenvoegsel": st.one_of(st.none(), st.sampled_from(["de", " van der ", "Van"]), TEXT),
    "achternaam": NAME,
    "geboortedatum": st.one_of(st.none(), DAY),
    "straat": st.one_of(st.none(), TEXT),
    "huisnummer": st.one_of(st.none(), st.integers(1, 999), st.sampled_from([12.0, "12", " 7 ", "12a"])),
    "toevoeging": st.one_of(st.none(), st.sampled_from(["a", "bis", " B ", ""])),
    "postcode": st.one_of(st.none(), st.sampled_from(["3011ab", "3011 AB", " 3011AB ", "1234 xy", "abc", ""])),
    "woonplaats": st.one_of(st.none(), TEXT),
    "telefoon": st.one_of(
        st.none(),
        st.integers(10**8, 10**10),
        st.sampled_from(["06-12345678", "+31 6 1234 5678", " 0612345678 ", "(010) 123 45 67", "bel mij"]),
    ),
    "email": st.one_of(st.none(), st.sampled_from(["a@b.nl", " A@B.NL ", "x", "zoë@voorbeeld.nl"])),
}
assert set(CELLS) == {*_REGISTRATION_FIELDS, "toevoeging"}
ROWS = st.lists(
    st.fixed_dictionaries({}, optional=CELLS).map(lambda row: {k: v for k, v in row.items() if v is not None}),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(rows=ROWS)
def test_the_parsed_fields_of_a_person_are_the_models_own_values(rows):
    known: dict = {}  # one list: a value judged once is taken from here in the rows after it
    with clock.fixed(TODAY):
        for n, values in enumerate(rows):
            try:
                fields = _person_fields(values, TODAY, [], _REGISTRATION_FIELDS, known)
            except CellError:
                continue  # the row is refused while parsing
            if not fields.get("voornamen") or not fields.get("achternaam"):
                continue  # refused as a new person (new_person)
            judged = Person(bsn=TEST_BSNS[n], **fields)
            taken = Person.model_construct(bsn=TEST_BSNS[n], **{FIELD_OF_WORD.get(k, k): v for k, v in fields.items()})
            assert person_row(taken) == person_row(judged)
            assert taken == judged
            assert stored_person(TEST_BSNS[n], {FIELD_OF_WORD.get(k, k): v for k, v in fields.items()}) == person_row(
                judged
            )


def _parsed(values: dict, known: dict) -> tuple:
    notes: list[str] = []
    try:
        fields = _person_fields(values, TODAY, notes, _REGISTRATION_FIELDS, known)
    except CellError as exc:
        return ("refused", str(exc), notes)
    return (list(fields.items()), notes)


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, repeat=st.lists(st.integers(0, 5), max_size=8))
def test_cells_met_before_give_what_they_gave_then(rows, repeat):
    """A list's memory of its cells (``known``: the cells' values, the model's verdicts and what each
    cell gave) changes no row's fields, notes or refusal: each row parsed with the list's memory
    gives what it gives parsed alone, rows that come again included."""
    rows = rows + [rows[i % len(rows)] for i in repeat]
    known: dict = {}
    with clock.fixed(TODAY):
        for values in rows:
            assert _parsed(values, known) == _parsed(values, {})


def _validated(values: dict) -> tuple:
    """What ``Person.model_validate`` makes of a row's values (the model judging them all at once)."""
    from pydantic import ValidationError

    from herstel_tui.domain.models import validation_message

    try:
        checked = Person.model_validate({"voornamen": "x", "achternaam": "x", **values})
    except ValidationError as exc:
        return ("refused", validation_message(exc).replace("\n", "; "))
    return ({k: getattr(checked, FIELD_OF_WORD.get(k, k)) for k in values},)


@settings(max_examples=400, deadline=None)
@given(rows=ROWS)
def test_each_value_judged_on_its_own_is_what_the_model_makes_of_the_row(rows):
    """``_judged`` has the model judge each value as an assignment to its field (a person of the
    list's own): the values, or the refusal with its faults in the model's order, of the model
    judging the row's values at once."""
    from herstel_tui.services.portal_lists import _cell, _judged

    known: dict = {}
    with clock.fixed(TODAY):
        for row in rows:
            values = {}
            for name, raw in row.items():
                if name in _REGISTRATION_FIELDS:
                    try:
                        got = _cell(name, raw, TODAY, {})
                    except CellError:
                        continue
                    if got is not None:
                        values[name] = got[0]
            try:
                judged: tuple = (_judged(values, known),)
            except CellError as exc:
                judged = ("refused", str(exc))
            assert judged == _validated(values)
