"""Issue 18: the overview and `herstel termijnen` read the case index (case_deadlines) instead of
judging every case with the engine; every figure must be what the engine pass said, on any day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from herstel_tui.domain import clock
from herstel_tui.services.overview import AFBOUW_RULE, DEADLINE_FIGURES, NAZORG_RULE, UNASSIGNED, compute_overview
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of

DAYS = [TODAY, TODAY + timedelta(days=45), TODAY + timedelta(days=400), TODAY - timedelta(days=200)]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return build_demo_file(tmp_path_factory.mktemp("ovindex"), cases=400, seed=9)


@pytest.fixture
def demo(demo_file, tmp_path):
    with clock.fixed(TODAY), open_store(copy_of(demo_file, tmp_path), "t") as store:
        yield store


def engine_pass(store: Store, today: date) -> dict:
    """The overview's termijnen as the engine judges every case on ``today`` (the code before the
    case index had them): per rule (met, late, overdue, running, lapsed), nazorg, afbouw, and per
    caseworker the open cases with an overdue termijn."""
    rk = store.routekaart
    facts = {
        cid: (worker, closed == 0 and hand is None)
        for cid, worker, closed, hand in store.conn.execute(
            "SELECT c.id, c.caseworker, s.closed, c.closed FROM cases c JOIN case_summary s ON s.case_id = c.id"
        )
    }
    figures = {rule: [0, 0, 0, 0, 0] for rule, _ in DEADLINE_FIGURES}
    special = {"nazorg": 0, "afbouw": 0, "afbouw_verlopen": 0}
    overdue: dict[str, int] = {}
    for cid, (track, events) in store.cases.all_recorded().items():
        worker, is_open = facts[cid]
        view = rk.evaluate(track, events, today)
        for dl in view.deadlines:
            if dl.rule in figures:
                targets = {rk.event_title(track, ev) for r, evs in DEADLINE_FIGURES if r == dl.rule for ev in evs}
                if dl.stopped is None:
                    state = 2 if today > dl.due else 3
                else:
                    state = 1 if dl.stopped > dl.due else (0 if dl.stopped_by in targets else 4)
                figures[dl.rule][state] += 1
            if is_open and dl.stopped is None and dl.rule == NAZORG_RULE:
                special["nazorg"] += 1
            if is_open and dl.stopped is None and dl.rule == AFBOUW_RULE:
                special["afbouw"] += 1
                special["afbouw_verlopen"] += today > dl.due
        if is_open and view.overdue(today):
            overdue[worker or UNASSIGNED] = overdue.get(worker or UNASSIGNED, 0) + 1
    return {"figures": figures, **special, "overdue": overdue}


@pytest.mark.parametrize("day", DAYS)
def test_overview_termijnen_are_the_engine_pass(demo, day):
    ov = compute_overview(demo, day)
    got = {
        "figures": {d.rule: [d.met, d.late, d.overdue, d.running, d.lapsed] for d in ov.deadlines},
        "nazorg": ov.nazorg,
        "afbouw": ov.afbouw,
        "afbouw_verlopen": ov.afbouw_verlopen,
        "overdue": {w.caseworker: w.overdue for w in ov.workers if w.overdue},
    }
    assert got == engine_pass(demo, day)
    assert sum(sum(v) for v in got["figures"].values()) > 300  # the figures have cases in them


def test_the_days_give_different_figures(demo):
    # so the comparison above can fail: what runs and what is overdue moves with the day
    seen = {str(compute_overview(demo, day).as_dict()["termijnen"]) for day in DAYS}
    assert len(seen) == len(DAYS)


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("within", [0, 14, 90])
def test_termijnen_are_the_engine_pass(demo, day, within):
    until = day + timedelta(days=within)
    rk = demo.routekaart
    expected = []
    for cid, zaak, name, track, worker in demo.conn.execute(
        "SELECT c.id, c.zaaknummer, p.surname || ', ' || p.given_names, c.track, c.caseworker "
        "FROM case_summary s JOIN cases c ON c.id = s.case_id JOIN persons p ON p.id = c.person_id "
        "WHERE s.next_due <= ? AND s.closed = 0 AND c.closed IS NULL",
        (until.isoformat(),),
    ).fetchall():
        view = demo.cases.view(cid, day)
        for d in view.running:
            if d.due <= until and not d.waiting_on:
                expected.append((d.due.isoformat(), zaak, name, track, d.title, worker))
    expected.sort(key=lambda r: (r[0], r[1]))  # stable: a case's own dates stay in the engine's order
    got = [
        (due, zaak, name, track, rk.rule(rule).title, worker)
        for due, zaak, name, track, rule, worker in demo.cases.due_termijnen(day, until)
    ]
    assert got == expected
    assert day != TODAY or within != 14 or len(got) > 10
