"""A row whose values are those of a row before it (the same dict: ``portal_reader._collect`` gives
repeated rows one dict) is parsed at once by ``services.portal_lists.ListParser``: the same record
or refusal as the long way gives, with the row's own number, notes and person fields (issue 18: a
50,000-row list repeats each person's rows, 35,000 of them known)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from herstel_tui.domain import clock
from herstel_tui.files.portal_reader import Table
from herstel_tui.services.portal_lists import ListParser
from herstel_tui.settings.config import PortalColumns
from tests.support.data import TEST_BSNS, TODAY

BSN = st.one_of(
    st.sampled_from([*TEST_BSNS[:3], int(TEST_BSNS[0]), float(TEST_BSNS[1]), "12", "", True, " 9999 00006 "]),
    st.none(),
)
DAY = st.one_of(
    st.none(),
    st.sampled_from(
        [
            TODAY,
            datetime(2020, 5, 1, 10, 30),
            TODAY + timedelta(days=3),  # refused: in the future
            "01-02-2020",
            "31-02-2020",
            45000,
            1.5,
            "",
        ]
    ),
)
TEXT = st.sampled_from(["Anna", " de  Vries ", "\x1b[1mZoë", "", "x" * 3, 12, 12.0, date(2020, 1, 2)])
CELLS = {
    "bsn": BSN,
    "voornamen": TEXT,
    "tussenvoegsel": TEXT,
    "achternaam": TEXT,
    "geboortedatum": DAY,
    "straat": TEXT,
    "huisnummer": st.sampled_from([7, "12", "12a", 3.0]),
    "toevoeging": st.sampled_from(["a", "bis", " "]),
    "postcode": st.sampled_from(["3011ab", "abc", " 1234 XY "]),
    "woonplaats": TEXT,
    "telefoon": st.sampled_from([612345678, "06-12345678", "bel mij", 31612345678]),
    "email": st.sampled_from(["a@b.nl", "x"]),
    "toeslagpartner_bsn": BSN,
    "datum": DAY,
    "resultaat": st.sampled_from(["ja", "Nee", "misschien", True, 0, ""]),
    "soort": st.sampled_from(["eerste toets", "integrale beoordeling", "anders", ""]),
    "actie": st.sampled_from(["start", "einde", "later", ""]),
}
# a list's rows: a few different ones, each row one of them (the same dict, as _collect gives it)
LISTS = st.tuples(
    st.lists(
        st.fixed_dictionaries({}, optional=CELLS).map(lambda row: {k: v for k, v in row.items() if v is not None}),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.integers(0, 4), min_size=1, max_size=14),
    st.sampled_from(["antwoord", "aanmeldingen", "negatief", "invordering"]),
    st.integers(1, 5),
)


def table(rows: list[dict]) -> Table:
    return Table(Path("lijst.xlsx"), "Blad1", 1, {}, [(n, values) for n, values in enumerate(rows, 2)], [], [])


def parsed(kind: str, rows: list[dict], step: int, calls: list[int] | None = None) -> tuple[list, list]:
    """The records and refusals of the rows, parsed ``step`` rows at a time; ``calls``: the id of
    each row's values the kind's parse function was called for."""
    parser = ListParser(kind, table(rows), PortalColumns(), TODAY)
    if calls is not None:
        parse = parser._parse

        def counted(number, bsn, values, *rest):
            calls.append(id(values))
            return parse(number, bsn, values, *rest)

        parser._parse = counted
    while not parser.done:
        parser.more(step)
    return parser.parsed.records, parser.parsed.outcomes


@settings(max_examples=300, deadline=None)
@given(lists=LISTS)
def test_a_row_with_the_values_of_a_row_before_it_is_parsed_as_the_long_way_parses_it(lists):
    distinct, picks, kind, step = lists
    rows = [distinct[i % len(distinct)] for i in picks]  # rows that come again: one dict
    long_way = [dict(values) for values in rows]  # every row a dict of its own
    calls: list[int] = []
    with clock.fixed(TODAY):
        expected = parsed(kind, long_way, step)
        got = parsed(kind, rows, step, calls)
    assert got == expected
    # each dict parsed once at most (a row refused for its BSN is not parsed further)
    assert len(calls) == len(set(calls))
    records, outcomes = got
    for many in (records, outcomes):  # each row's notes and person fields its own
        assert len({id(r.notes) for r in many}) == len(many)
    people = [r.person for r in records if hasattr(r, "person")]
    assert len({id(p) for p in people}) == len(people)


def test_rows_that_come_again_are_parsed_once():
    """The rows of a list that repeats its rows (as bench_import's does): each dict parsed once."""
    values = {"bsn": TEST_BSNS[0], "voornamen": "Anna", "achternaam": "Jansen", "telefoon": 612345678}
    refused = {"bsn": "12", "voornamen": "Bram"}
    again = dict(values)
    rows = [values, refused, values, again, refused, values]
    calls: list[int] = []
    with clock.fixed(TODAY):
        records, outcomes = parsed("aanmeldingen", rows, 2, calls)
    assert calls == [id(values), id(again)]  # (rows 4 and 7 known; row 5 a dict of its own)
    note = "telefoonnummer als getal opgeslagen; voorloopnul hersteld"
    assert [(r.row, r.bsn, r.notes) for r in records] == [(n, TEST_BSNS[0], [note]) for n in (2, 4, 5, 7)]
    assert records[0].person == records[1].person and records[0].person is not records[1].person
    refusal = "BSN ** heeft 2 cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)"
    assert [(o.row, o.text, o.bsn, o.notes) for o in outcomes] == [(3, refusal, None, []), (6, refusal, None, [])]
