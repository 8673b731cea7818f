"""Issue 3, the store side: one event per transaction, refusals and corrections, and a
routekaart file change that shows up with no code change."""

import shutil
from datetime import date

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.models import Person
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.settings.resources import default_routekaart, open_store
from herstel_tui.store import CaseFilter
from tests.support.data import BSN_A

# These histories carry fixed dates (2025): the clock says TODAY (01-06-2026), so they hold on any
# date the suite runs (a real clock before April 2025 put their facts in the future).
pytestmark = pytest.mark.usefixtures("pinned_today")

D = date(2025, 3, 3)


@pytest.fixture
def case(store):
    p = store.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
    return store.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))


def test_one_event_one_transaction_with_its_audit_row(store, case):
    before = store.counts()
    ev = store.cases.record_event(case.id, "aanvraag_herbeoordeling", D)
    after = store.counts()
    assert after["events"] == before["events"] + 1 and after["audit"] == before["audit"] + 1
    last = store.audit.entries()[-1]
    assert (last.action, last.entity, last.entity_id, last.case_id) == ("vastgelegd", "gebeurtenis", ev.id, case.id)


def test_failure_after_insert_rolls_back_the_event(store, case, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr("herstel_tui.store.cases.case_index", boom)
    before = store.counts()
    with pytest.raises(RuntimeError):
        store.cases.record_event(case.id, "aanvraag_herbeoordeling", D)
    assert store.counts() == before


def test_refused_with_dutch_reason(store, case):
    with pytest.raises(TransitionRefused) as exc:
        store.cases.record_event(case.id, "integrale_beoordeling", D, outcome="niet_gedupeerd")
    assert "eerste toets" in str(exc.value).lower()
    assert store.cases.events(case.id) == []


def test_second_different_outcome_needs_a_correction(store, case):
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2025, 1, 2))
    store.cases.record_event(case.id, "eerste_toets", date(2025, 2, 1), outcome="gedupeerd")
    with pytest.raises(TransitionRefused):
        store.cases.record_event(case.id, "eerste_toets", date(2025, 2, 5), outcome="niet_gedupeerd")
    with pytest.raises(TransitionRefused, match="reden"):
        store.cases.record_event(case.id, "eerste_toets", date(2025, 2, 5), outcome="niet_gedupeerd", correction=True)
    store.cases.record_event(
        case.id,
        "eerste_toets",
        date(2025, 2, 5),
        outcome="niet_gedupeerd",
        correction=True,
        reason="Beschikking verkeerd overgenomen",
    )
    events = store.cases.events(case.id)
    assert [(e.step, e.outcome, e.correction) for e in events] == [
        ("aanvraag_herbeoordeling", None, False),
        ("eerste_toets", "gedupeerd", False),
        ("eerste_toets", "niet_gedupeerd", True),
    ]
    view = store.cases.view(case.id, date(2025, 2, 6))
    assert view.outcome == "niet_gedupeerd"
    assert [d.superseded for d in view.done] == [False, True, False]
    assert store.audit.entries()[-1].action == "correctie"
    assert store.audit.entries()[-1].detail["reden"] == "Beschikking verkeerd overgenomen"


def test_view_is_derived_from_events(store, case):
    store.cases.record_event(case.id, "aanmelding_gemeente", date(2025, 1, 6))
    view = store.cases.view(case.id, date(2025, 1, 7))
    due = {d.rule: d.due for d in view.running}
    assert due["eerste_gesprek_voeren"] == date(2025, 3, 3)  # 8 weeks, calendar arithmetic
    row = store.cases.page(CaseFilter(), today=date(2025, 1, 7))[0]
    assert row.next_due == view.next_deadline.due and row.current_title == view.current_title


def test_routekaart_file_change_shows_without_code_change(tmp_path, monkeypatch):
    db = tmp_path / "x.db"
    with open_store(db, "t") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))
        s.cases.record_event(c.id, "aanmelding_gemeente", date(2025, 1, 6))
        row = s.cases.page(CaseFilter(), today=date(2025, 1, 7))[0]
        assert row.current_title != "Melding bij de gemeente (gewijzigd)"
        assert row.next_due == date(2025, 3, 3)

    from herstel_tui.settings import resources

    changed = tmp_path / "data"
    shutil.copytree(resources.data_dir(), changed)
    text = (changed / "routekaart.toml").read_text(encoding="utf-8")
    step = default_routekaart().step("brede_ondersteuning", "aanmelding_gemeente")
    text = text.replace(f'title = "{step.title}"', 'title = "Melding bij de gemeente (gewijzigd)"', 1)
    marker = 'id = "eerste_gesprek_voeren"'
    head, tail = text.split(marker, 1)
    tail = tail.replace('period = "8 weken"', 'period = "6 weken"', 1)
    (changed / "routekaart.toml").write_text(head + marker + tail, encoding="utf-8")
    monkeypatch.setattr(resources, "data_dir", lambda: changed)
    default_routekaart.cache_clear()
    try:
        with open_store(db, "t") as s:  # opening notices the new file and rebuilds the case index
            row = s.cases.page(CaseFilter(), today=date(2025, 1, 7))[0]
            assert row.current_title == "Melding bij de gemeente (gewijzigd)"
            assert row.next_due == date(2025, 2, 17)
            assert s.audit.entries()[-1].action == "herberekend"
    finally:
        default_routekaart.cache_clear()


def test_elapsed_period_is_refreshed_on_open(tmp_path):
    """Nazorg/moratorium end by themselves: the case index follows the calendar, not only writes."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    today = clock.today()
    paid = today - relativedelta(years=1) + timedelta(days=5)
    db = tmp_path / "x.db"
    with open_store(db, "t") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(p.id, "schuldenaanpak", opened=paid - timedelta(days=90))
        s.cases.record_event(c.id, "aanvraag_herbeoordeling", paid - timedelta(days=80))
        s.cases.record_event(c.id, "start_pauzeknop", paid - timedelta(days=70))
        s.cases.record_event(c.id, "eerste_toets", paid - timedelta(days=60), outcome="gedupeerd")
        s.cases.record_event(c.id, "eerste_betaling", paid)
        kind, rule, due = s.conn.execute(
            "SELECT next_kind, next_rule, next_due FROM case_summary WHERE case_id = ?", (c.id,)
        ).fetchone()
        assert (kind, rule, due) == ("period", "wettelijk_moratorium", (paid + relativedelta(years=1)).isoformat())
        assert s.cases.refresh_derived(today) == 0
        later = paid + relativedelta(years=1) + timedelta(days=1)
        assert s.cases.refresh_derived(later) == 1
        assert (
            s.conn.execute("SELECT next_rule FROM case_summary WHERE case_id = ?", (c.id,)).fetchone()[0]
            != "wettelijk_moratorium"
        )
        assert s.cases.refresh_derived(later) == 0


def summary_of(store, case_id):
    return store.conn.execute("SELECT * FROM case_summary WHERE case_id = ?", (case_id,)).fetchone()


def test_summaries_once_refreshes_each_case_once_at_the_end_of_the_batch(store, case, monkeypatch):
    """Issue 18: an import's batch refreshes each case's index row once, with the same result as
    refreshing it after every event; a case a savepoint took back is passed over."""
    import herstel_tui.store.cases as cases_module

    calls = []
    real = cases_module.case_index  # what a refresh computes a case's index rows with
    monkeypatch.setattr(cases_module, "case_index", lambda *a, **k: calls.append(1) or real(*a, **k))
    before = summary_of(store, case.id)
    with store.transaction(), store.cases.summaries_once():
        store.cases.record_event(case.id, "aanvraag_herbeoordeling", D)
        store.cases.record_event(case.id, "ontvangst_gegevens", D)
        assert summary_of(store, case.id) == before and calls == []  # nothing yet inside the batch
        other = store.persons.add(Person(given_names="Bram", surname="Smit"))
        with pytest.raises(RuntimeError), store.savepoint("rij"):
            gone = store.cases.open(other.id, "brede_ondersteuning", opened=D)
            raise RuntimeError("regel afgewezen")
    assert len(calls) == 1  # one refresh for two events; none for the case taken back
    assert summary_of(store, gone.id) is None
    batched = summary_of(store, case.id)
    store.cases.rebuild_summaries()
    assert summary_of(store, case.id) == batched and batched[1] == "ontvangst_gegevens"
