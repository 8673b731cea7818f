"""A routekaart change in a rule's own fields alone (its period, its kind, who owes it) recomputes
only the cases that hold a termijn of that rule (``index_batch.changed_rules``); the others keep
their rows, brought up to the day as on any open. The index is the engine's for every case, as
after a whole rebuild; anything else, or not knowing what the index was computed with, recomputes
every case."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import default_routekaart
from herstel_tui.store import Store
from herstel_tui.store.caselist import STALE_PERIODS
from herstel_tui.store.overview import tallies_differ
from tests.store.test_case_deadlines import nine_weeks, recomputed, shipped_with
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures

demo_file, demo = demo_fixtures("partial", cases=120, seed=30)

TALK = "eerste_gesprek_voeren"
_TALK_STARTS = b'start = ["aanmelding_gemeente", "ontvangst_gegevens", "herstart_brede_ondersteuning"]'


def talk_as_a_period():
    """The first-talk termijn a period (ends by itself) instead of a deadline: its kind changed."""
    text = b'kind = "deadline"\nperiod = "8 weken"\n' + _TALK_STARTS
    return shipped_with(text, text.replace(b'"deadline"', b'"period"'))


def answer_owed_by_the_municipality():
    """The Brede Hulpteam's answer owed by the municipality (the default) instead of by UHT."""
    return shipped_with(b'owed_by = "uht"\n', b"")


def nazorg_of_a_year():
    """Nazorg (a period: ends by itself) 12 months instead of 24."""
    return shipped_with(b'period = "24 maanden"', b'period = "12 maanden"')


def talk_started_by_fewer():
    """The first-talk termijn no longer started by receiving data: which cases hold it changed."""
    return shipped_with(_TALK_STARTS, _TALK_STARTS.replace(b' "ontvangst_gegevens",', b""))


def _holding(store: Store, rule: str) -> list[int]:
    return [cid for cid, (_, rows) in sorted(store.cases.stored_index().items()) if any(r[1] == rule for r in rows)]


def _opened(path, rk, today: date) -> tuple[list[tuple[int, int]], dict, dict, str | None]:
    """(progress seen, the stored index, the engine's, the audit's detail) after opening with ``rk``."""
    seen: list[tuple[int, int]] = []
    with clock.fixed(today), Store(path, "t", routekaart=rk, progress=lambda d, t: seen.append((d, t))) as s:
        assert tallies_differ(s.conn) == []
        assert s.meta("routekaart_hash") == rk.fingerprint
        audit = s.conn.execute("SELECT detail FROM audit WHERE action = 'herberekend' ORDER BY id DESC LIMIT 1")
        return seen, s.cases.stored_index(), recomputed(s, today), (audit.fetchone() or [None])[0]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (nine_weeks, TALK),
        (talk_as_a_period, TALK),
        (answer_owed_by_the_municipality, "antwoord_brede_hulpteam"),
    ],
)
def test_a_change_in_a_rules_own_fields_recomputes_only_the_cases_holding_it(demo, change, rule):
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        holding = _holding(s, rule)
        before = s.cases.stored_index()
    assert 0 < len(holding) < 120
    seen, stored, engine, audit = _opened(demo, change(), TODAY)
    assert seen[0] == (0, len(holding)) and seen[-1] == (len(holding), len(holding))
    assert json.loads(audit) == {"zaken": len(holding)}
    assert stored == engine
    assert stored != before and all(stored[cid] == before[cid] for cid in set(before) - set(holding))


def test_the_other_cases_are_brought_up_to_a_later_day(demo):
    """Opened a year later with the changed routekaart: the cases not recomputed have periods that
    ran out since; their rows are the engine's for that day too."""
    later = TODAY + timedelta(days=400)
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        holding = set(_holding(s, TALK))
        ran_out = {r[0] for r in s.conn.execute(STALE_PERIODS, (later.isoformat(),))} - holding
    assert ran_out  # (else this would not show it)
    seen, stored, engine, _ = _opened(demo, nine_weeks(), later)
    assert seen[-1] == (len(holding), len(holding))
    assert stored == engine


def test_the_cases_holding_it_are_recomputed_from_their_stored_rows_not_their_events(demo):
    """Such a change moves no start or stop of a termijn, nor the current step: the rows of the
    cases holding the rule come from their stored rows (index_batch.restamped); no event is read."""
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        before = s.cases.stored_index()
        s.routekaart = nine_weeks()
        statements: list[str] = []
        s.conn.set_trace_callback(statements.append)
        recomputed_cases = s.cases.rebuild_summaries(TODAY, rules=[TALK])
        s.conn.set_trace_callback(None)
        assert recomputed_cases == len(_holding(s, TALK))
        assert statements and not [q for q in statements if "events" in q]
        assert s.cases.stored_index() == recomputed(s, TODAY) != before
        assert tallies_differ(s.conn) == []


def test_a_case_whose_only_running_termijn_runs_out_by_the_change_is_closed_as_the_engine_says(demo):
    """Nazorg shortened to a year: a case in nazorg for more than a year has no termijn running
    any more and is closed (its end step recorded), as the engine says; the stored rows do not say
    whether an end step was recorded, so such a case is recomputed from its events."""
    later = TODAY + timedelta(days=180)
    with clock.fixed(later), Store(demo, "t", routekaart=default_routekaart()) as s:  # brought up to that day
        before = s.cases.summaries()
    seen, stored, engine, _ = _opened(demo, nazorg_of_a_year(), later)
    assert stored == engine
    closed_now = {cid for cid, (summary, _) in stored.items() if summary[6] and not before[cid][6]}
    assert closed_now and all(before[cid][4] == "nazorgperiode" for cid in closed_now)


def test_a_change_in_which_cases_hold_a_rule_recomputes_every_case(demo):
    seen, stored, engine, audit = _opened(demo, talk_started_by_fewer(), TODAY)
    assert seen[-1] == (120, 120) and json.loads(audit) == {"zaken": 120}
    assert stored == engine


@pytest.mark.parametrize("left", ["by an earlier index", "garbled", "missing"])
def test_without_knowing_the_rules_the_index_was_computed_with_every_case_is_recomputed(demo, left):
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        if left == "by an earlier index":  # an older herstel rebuilt with another file, index_rules left as it was
            s.set_meta("routekaart_hash", talk_started_by_fewer().fingerprint)
        elif left == "garbled":
            s.set_meta("index_rules", "{")
        else:
            with s.transaction() as conn:
                conn.execute("DELETE FROM meta WHERE key = 'index_rules'")
    seen, stored, engine, _ = _opened(demo, nine_weeks(), TODAY)
    assert seen[-1] == (120, 120)
    assert stored == engine


class _Stopped(Exception):
    pass


def _stop_after_first_batch(done: int, total: int) -> None:
    if done > 0:
        raise _Stopped


def test_a_partial_rebuild_stopped_half_way_is_followed_by_a_whole_one(demo, monkeypatch):
    """Stopped after its first batch, then opened again with the previous routekaart: the index is
    not taken for current (nor is index_rules), every case is recomputed."""
    monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 10)
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        before = s.cases.stored_index()
    with pytest.raises(_Stopped), clock.fixed(TODAY):
        Store(demo, "t", routekaart=nine_weeks(), progress=_stop_after_first_batch)
    seen, stored, engine, _ = _opened(demo, default_routekaart(), TODAY)
    assert seen[-1] == (120, 120)
    assert stored == engine == before


def test_an_index_from_before_index_rules_is_named_on_the_next_open(demo):
    """A register whose index an earlier version wrote (its marks without index_rules): the next
    open with the same routekaart names the rules, so the first change of a period afterwards
    recomputes only the cases holding it."""
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        holding = _holding(s, TALK)
        with s.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'index_rules'")
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        assert s.meta("index_rules") is not None
    seen, stored, engine, _ = _opened(demo, nine_weeks(), TODAY)
    assert seen[-1] == (len(holding), len(holding))
    assert stored == engine
