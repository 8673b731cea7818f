"""Routekaart.summarize (what the case index keeps) says exactly what evaluate says: random walks
with corrections, restarts and household facts, each prefix judged on several days (issue 18)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from herstel_tui.domain.routekaart import TRACKS, RecordedEvent, Routekaart
from herstel_tui.settings.resources import default_routekaart


@pytest.fixture(scope="module")
def rk() -> Routekaart:
    return default_routekaart()


def same(rk: Routekaart, track: str, events: list[RecordedEvent], today: date) -> None:
    view = rk.evaluate(track, events, today)
    state = rk.summarize(track, events, today)
    # the current step as the engine's module text defines it, from the timeline's own flags
    current = None
    for done in view.done:
        if not (done.superseded or done.anytime or done.off_route or done.earlier_round or done.inherited):
            current = done
    assert view.current is current
    assert state.current_step == (view.current.step if view.current else None)
    assert state.current_title == view.current_title
    assert state.outcome == view.outcome
    assert state.deadlines == view.deadlines
    assert state.running == view.running
    assert state.next_deadline == view.next_deadline
    assert state.closed == view.closed


@pytest.mark.parametrize("track", TRACKS)
def test_summarize_is_evaluate_without_timeline_and_next_steps(rk, track):
    rnd = random.Random(18)
    nodes = rk.tracks[track].nodes
    checked = 0
    for _ in range(150):
        events: list[RecordedEvent] = []
        day = date(2023, 1, 2)
        if rnd.random() < 0.2:  # the household's aanvrager's outcome, shared with this person
            events.append(
                RecordedEvent("eerste_toets", day, rnd.choice(["gedupeerd", "niet_gedupeerd"]), inherited=True)
            )
        for _ in range(25):
            view = rk.evaluate(track, events, day)
            if rnd.random() < 0.1:  # a correction: any node, any date, with a reason
                node = rnd.choice(nodes)
                outcome = rnd.choice(list(node.outcomes)) if node.outcomes else None
                new = RecordedEvent(node.id, day - timedelta(days=rnd.randrange(0, 90)), outcome, True, "fout")
            elif view.next_steps:
                step = rnd.choice(view.next_steps)
                when = max(day, step.earliest or day)
                if step.latest is not None and when > step.latest:
                    continue
                new = RecordedEvent(step.step, when, step.outcome)
            else:
                break
            events.append(new._replace(id=len(events) + 1))
            for later in (0, 30, 400, 1200):  # periods run out, deadlines pass
                same(rk, track, events, day + timedelta(days=later))
                checked += 1
            day = max(day, new.fact_date) + timedelta(days=rnd.randrange(0, 40))
    assert checked > 1000
