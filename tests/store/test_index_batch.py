"""The case index by shape (issue 18): one engine pass per shape of events, each case's own dates
laid over it, gives exactly the rows the engine gives one case at a time; and a rebuild through
it (events read from SQLite in evaluation order) leaves the index the per-case engine computes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.domain.routekaart import TRACKS, RecordedEvent, Routekaart
from herstel_tui.settings.resources import default_routekaart
from herstel_tui.store.index_batch import EVENTS_BY_CASE, _differing, _key, case_index, shaped_index
from tests.support.data import TODAY

# gaps between events in days: the same day often (ties), and the month lengths (calendar arithmetic)
GAPS = [0, 0, 0, 1, 2, 3, 6, 7, 13, 14, 27, 28, 29, 30, 31, 55, 56, 57, 60, 61, 90, 180, 365, 366]
STARTS = [date(2023, 1, 31), date(2023, 2, 28), date(2024, 2, 29), date(2023, 8, 31), date(2023, 12, 30)]


@pytest.fixture(scope="module")
def rk() -> Routekaart:
    return default_routekaart()


def walk(rk: Routekaart, track: str, rnd: random.Random, corrections: bool) -> list[RecordedEvent]:
    """A case as caseworkers make one: steps the engine offers, on dates it accepts, some shared
    facts of the household's aanvrager first (inherited), now and then a correction or a step the
    routekaart no longer has."""
    day = rnd.choice(STARTS) + timedelta(days=rnd.randrange(0, 3))
    events: list[RecordedEvent] = []
    if rnd.random() < 0.3:
        events.append(RecordedEvent("eerste_toets", day, rnd.choice(["gedupeerd", "niet_gedupeerd"]), inherited=True))
        if rnd.random() < 0.5:
            events.append(RecordedEvent("eerste_betaling", day + timedelta(rnd.choice(GAPS)), inherited=True))
    nodes = rk.tracks[track].nodes
    for _ in range(rnd.randrange(0, 22)):
        if rnd.random() < 0.03:  # a step since removed from the routekaart: shown, otherwise ignored
            new = RecordedEvent("verwijderde_stap", day, rnd.choice([None, "oud"]))
        elif corrections and rnd.random() < 0.08:
            node = rnd.choice(nodes)
            outcome = rnd.choice(list(node.outcomes)) if node.outcomes else None
            new = RecordedEvent(node.id, day - timedelta(days=rnd.choice(GAPS)), outcome, True, "fout")
        else:
            steps = rk.evaluate(track, events, day).next_steps
            if not steps:
                break
            step = rnd.choice(steps)
            when = max(day, step.earliest or day)
            new = RecordedEvent(step.step, when, step.outcome)
        events.append(new._replace(id=100 + len(events)))
        day = max(day, new.fact_date) + timedelta(days=rnd.choice(GAPS))
    return events


def as_read(events: list[RecordedEvent]) -> tuple[tuple[int, str, str, int], list[RecordedEvent]]:
    """The case's own events as EVENTS_BY_CASE returns them (by fact date, then record order), and
    its shared facts in their record order."""
    own = sorted((e for e in events if not e.inherited), key=lambda e: (e.fact_date, e.id))
    steps = " ".join(e.step + ("" if e.outcome is None else ":" + e.outcome) for e in own)
    dates = " ".join(e.fact_date.isoformat() for e in own)
    return (1, steps, dates, int(any(e.correction for e in own))), [e for e in events if e.inherited]


@pytest.mark.parametrize("track", TRACKS)
def test_a_shape_gives_what_the_engine_gives_case_by_case(rk, track):
    rnd = random.Random(1818)
    compared = shaped = 0
    for _ in range(400):
        events = walk(rk, track, rnd, corrections=rnd.random() < 0.2)
        row, facts = as_read(events)
        dues = {date.fromisoformat(r[5]) for r in case_index(rk, track, events, TODAY)[1]}  # the day a period ends
        for today in (TODAY, date(2023, 3, 1), date(2024, 3, 31), date(2030, 1, 1), *sorted(dues)[:3]):
            summaries, rows, slow = shaped_index(rk, {1: track}, [row], {1: facts} if facts else {}, today.isoformat())
            if slow:  # a correction: left to the engine
                assert any(e.correction for e in events) and summaries == rows == []
                continue
            summary, deadlines = case_index(rk, track, events, today)
            assert summaries == [(1, *summary)]
            assert rows == [(1, *r) for r in deadlines]
            shaped += 1
        compared += 1
    assert compared == 400 and shaped > 1000
    assert len(rk.shapes(track)) < shaped  # shapes are shared between cases


def test_every_stand_in_date_order_gives_the_same_shape(rk):
    """Two cases with the same steps and the same ties but other dates (other months, other years):
    one shape, and each its own due dates."""
    track = "brede_ondersteuning"
    steps = ["aanvraag_herbeoordeling", "ontvangst_gegevens", "contact_ouder", "datum_eerste_gesprek_gecommuniceerd"]
    rows = []
    for first in (date(2023, 1, 31), date(2024, 2, 29)):
        events = [RecordedEvent(s, first + timedelta(days=i * 31), None, False, None, i) for i, s in enumerate(steps)]
        rows.append(as_read(events)[0])
    before = len(rk.shapes(track))
    summaries, deadlines, _ = shaped_index(rk, {1: track, 2: track}, [rows[0], (2, *rows[1][1:])], {}, "2024-01-01")
    assert len(rk.shapes(track)) <= before + 1
    assert summaries[0][1:4] == summaries[1][1:4] and summaries[0][-1] != summaries[1][-1]
    assert [r[5] for r in deadlines if r[0] == 1] != [r[5] for r in deadlines if r[0] == 2]


def written_out_of_order(rk, store, cases: int, seed: int) -> dict[int, tuple[tuple, list[tuple]]]:
    """Cases whose events were written out of date order, some on one day, some with a
    correction; returns the per-case engine's index of each (case id → rows)."""
    rnd = random.Random(seed)
    expected = {}
    for n in range(cases):
        track = rnd.choice(TRACKS)
        events = [e for e in walk(rk, track, rnd, corrections=n % 5 == 0) if not e.inherited]
        person = store.persons.add(Person(given_names="Anna", surname=f"Jansen{n}"))
        case = store.cases.open(person.id, track, opened=date(2023, 1, 1))
        rnd.shuffle(events)  # record order is not date order
        with store.transaction() as conn:
            for e in events:
                conn.execute(
                    "INSERT INTO events (case_id, step, outcome, fact_date, recorded_at, recorded_by, correction, reason)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (
                        case.id,
                        e.step,
                        e.outcome,
                        e.fact_date.isoformat(),
                        "2026-01-01T00:00:00",
                        "t",
                        e.correction,
                        e.reason,
                    ),
                )
        recorded = store.cases.recorded(case.id)
        expected[case.id] = case_index(rk, track, recorded, TODAY)
    return expected


def test_a_rebuild_reads_events_in_evaluation_order_whatever_order_they_were_written(rk, store):
    """Events written out of date order, some on one day, some cases with a correction: the
    rebuilt index is the per-case engine's."""
    expected = written_out_of_order(rk, store, 60, seed=7)
    with store.transaction():
        store.conn.execute("DELETE FROM case_deadlines")
        store.conn.execute("UPDATE case_summary SET current_title = 'oud'")
        assert store.cases.write_range(TODAY, 1, 10**6) == len(expected)
    assert store.cases.stored_index() == expected


def test_a_rebuild_inserts_missing_keys_updates_stored_ones_and_deletes_the_rest(rk, store):
    """An index partly lost, partly wrong, partly surplus: rows whose key is not stored are
    inserted, stored keys with other values rewritten, termijnen a case does not have deleted;
    untouched cases are not counted. The result is the per-case engine's index."""
    expected = written_out_of_order(rk, store, 40, seed=13)
    with_termijnen = [cid for cid, (_, rows) in sorted(expected.items()) if len(rows) >= 2]
    gone, wrong, surplus, lost = with_termijnen[:4]
    with store.transaction() as conn:
        store.cases.write_range(TODAY, 1, 10**6)  # (events written bare)
        assert store.cases.stored_index() == expected
        conn.execute("DELETE FROM case_summary WHERE case_id = ?", (lost,))
        conn.execute("DELETE FROM case_deadlines WHERE case_id IN (?, ?)", (lost, gone))
        conn.execute("UPDATE case_deadlines SET due = '1999-01-01' WHERE case_id = ? AND seq = 1", (wrong,))
        conn.execute("UPDATE case_summary SET current_title = 'oud' WHERE case_id = ?", (wrong,))
        conn.execute(
            "INSERT INTO case_deadlines SELECT case_id, seq + 50, rule, kind, own, start, due, stopped, stopped_by"
            " FROM case_deadlines WHERE case_id = ?",
            (surplus,),
        )
        assert store.cases.write_range(TODAY, 1, 10**6) == 4
    assert store.cases.stored_index() == expected
    with store.transaction():
        assert store.cases.write_range(TODAY, 1, 10**6) == 0


def test_a_refresh_of_many_cases_goes_by_shape_and_gives_the_engines_rows(rk, store):
    """An import's batch refreshes its cases by shape (SHAPED_FROM or more cases: the cases listed,
    read by id): the rows are the per-case engine's, a household member's shared facts included;
    the cases not listed keep their rows."""
    from herstel_tui.domain.enums import Role
    from herstel_tui.store.cases import SHAPED_FROM

    expected = written_out_of_order(rk, store, 40, seed=11)
    parent = store.persons.add(Person(given_names="Noor", surname="Visser"))
    partner = store.persons.add(Person(given_names="Sem", surname="Visser"))
    store.persons.create_household([(parent.id, Role.AANVRAGER), (partner.id, Role.TOESLAGPARTNER)])
    own = store.cases.open(parent.id, "brede_ondersteuning", opened=date(2023, 1, 1))
    store.cases.record_event(own.id, "aanvraag_herbeoordeling", date(2023, 5, 1))
    store.cases.record_event(own.id, "eerste_toets", date(2023, 9, 1), outcome="gedupeerd")
    shared = store.cases.open(partner.id, "brede_ondersteuning", opened=date(2023, 2, 1))
    store.cases.record_event(shared.id, "aanvraag_herbeoordeling", date(2023, 6, 1))
    for case in (own, shared):
        expected[case.id] = case_index(rk, "brede_ondersteuning", store.cases.recorded(case.id), TODAY)
    listed = sorted(expected)[1:]  # the first case is not listed: its rows stay as they are
    assert len(listed) >= SHAPED_FROM
    with store.transaction():
        store.conn.execute("DELETE FROM case_deadlines")
        store.conn.execute("UPDATE case_summary SET current_title = 'oud'")
        assert store.cases.refresh_index(listed, TODAY) == len(listed)
    stored = store.cases.stored_index()
    assert {cid: stored[cid] for cid in listed} == {cid: expected[cid] for cid in listed}
    first = sorted(expected)[0]
    assert stored[first][0][1] == "oud" and stored[first][1] == []


def test_a_refresh_of_many_cases_writes_only_the_rows_that_differ(rk, store):
    """An import's batch refreshes its cases as a rebuild writes a range: a row that stays as it
    was is not deleted and written again (no change at all when every row stays), a changed one
    is updated in place, a missing one inserted; the rows and tallies are the engine's."""
    from herstel_tui.store.cases import SHAPED_FROM
    from tests.store.test_overview_tallies import tallies_differ

    expected = written_out_of_order(rk, store, 40, seed=12)
    listed = sorted(expected)
    assert len(listed) >= SHAPED_FROM
    store.cases.refresh_index(listed, TODAY)  # (their events were written without it)
    with store.transaction():
        before = store.conn.total_changes
        assert store.cases.refresh_index(listed, TODAY) == len(listed)
        assert store.conn.total_changes == before  # every row as stored: nothing written
        store.conn.execute("UPDATE case_summary SET current_title = 'oud' WHERE case_id = ?", (listed[0],))
        store.conn.execute("DELETE FROM case_deadlines WHERE case_id = ?", (listed[1],))
        termijnen = store.conn.execute("SELECT count(*) FROM case_deadlines WHERE case_id = ?", (listed[1],))
        assert termijnen.fetchone()[0] == 0
        before = store.conn.total_changes
        store.cases.refresh_index(listed, TODAY)
        changed = store.conn.total_changes - before
    assert 1 < changed < 40  # the summary and the termijnen of those two cases (and their tallies)
    stored = store.cases.stored_index()
    assert {cid: stored[cid] for cid in listed} == expected
    assert tallies_differ(store.conn) == []


def test_events_written_otherwise_than_the_application_does_go_through_the_engine(rk, store):
    """A step id with a colon or a space, a date not in YYYY-MM-DD form: such a case is left to the
    per-case engine (slow), and its rows are the engine's."""
    odd = [("x:y", "2025-01-03"), ("weg stap", "2025-01-03"), ("aanvraag_herbeoordeling", "20250103")]
    expected = {}
    for n, (step, day) in enumerate(odd):
        person = store.persons.add(Person(given_names="Bram", surname=f"Smit{n}"))
        case = store.cases.open(person.id, "brede_ondersteuning", opened=date(2025, 1, 1))
        with store.transaction() as conn:
            for s, d in [("aanvraag_herbeoordeling", "2025-01-02"), (step, day)]:
                conn.execute(
                    "INSERT INTO events (case_id, step, fact_date, recorded_at, recorded_by) VALUES (?,?,?,?,?)",
                    (case.id, s, d, "2026-01-01T00:00:00", "t"),
                )
        expected[case.id] = case_index(rk, "brede_ondersteuning", store.cases.recorded(case.id), TODAY)
        tracks = {case.id: "brede_ondersteuning"}
        rows = store.conn.execute(EVENTS_BY_CASE, (case.id, case.id)).fetchall()
        assert shaped_index(rk, tracks, rows, {}, TODAY.isoformat())[2] == [case.id]  # left to the engine
    with store.transaction():
        store.conn.execute("DELETE FROM case_deadlines")
        store.conn.execute("UPDATE case_summary SET current_title = 'oud'")
        store.cases.write_range(TODAY, 1, 10**6)
    assert store.cases.stored_index() == expected


def test_stored_and_computed_rows_are_compared_by_key_in_every_way():
    """index_diff's comparison: the same rows (nothing), the same keys with some rows changed
    (those, to update, with the stored rows they replace), keys that differ (the changed and new
    rows to write, and the keys of stored rows gone; the stored rows replaced left to be looked up)."""
    stored = [(1, 0, "a"), (1, 1, "b"), (2, 0, "c")]
    assert _differing(stored, list(stored), _key) == ([], [], [], [])
    assert _differing(stored, [(1, 0, "a"), (1, 1, "B"), (2, 0, "C")], _key) == (
        [(1, 1, "B"), (2, 0, "C")],
        [(1, 1, "b"), (2, 0, "c")],
        [],
        [],
    )
    changed = [(1, 0, "A"), (2, 0, "c"), (2, 1, "d")]
    assert _differing(stored, changed, _key) == ([], None, [(1, 0, "A"), (2, 1, "d")], [(1, 1)])
    assert _differing([], [(3, 0, "e")], _key) == ([], None, [(3, 0, "e")], [])
    assert _differing(stored, [], _key) == ([], None, [], [(1, 0), (1, 1), (2, 0)])
