import sqlite3
from datetime import date

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import is_valid_bsn
from herstel_tui.services.demo import build_demo
from herstel_tui.settings.resources import default_routekaart, open_store

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _pinned_today():
    """Every test here means TODAY: the package's clock says so too."""
    with clock.fixed(TODAY):
        yield


def build(path, cases, seed=7):
    with clock.fixed(TODAY), open_store(path, "demo") as s:
        build_demo(s, cases, seed=seed, me="t.tester", today=TODAY)


def dump(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    out = {
        "persons": conn.execute("SELECT * FROM persons ORDER BY id").fetchall(),
        "cases": conn.execute("SELECT * FROM cases ORDER BY id").fetchall(),
        "members": conn.execute("SELECT * FROM household_members ORDER BY 1, 2").fetchall(),
        "events": conn.execute("SELECT case_id, step, outcome, fact_date FROM events ORDER BY id").fetchall(),
        "notes": conn.execute("SELECT case_id, date, channel, text FROM contact_notes ORDER BY id").fetchall(),
        "summary": conn.execute("SELECT * FROM case_summary ORDER BY case_id").fetchall(),
    }
    conn.close()
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build(path, 1500)
    return path


def test_deterministic(tmp_path):
    build(tmp_path / "a.db", 300, seed=11)
    build(tmp_path / "b.db", 300, seed=11)
    build(tmp_path / "c.db", 300, seed=12)
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
    assert dump(tmp_path / "a.db")["persons"] != dump(tmp_path / "c.db")["persons"]


def test_exact_case_count(demo_db):
    with open_store(demo_db, "t") as s:
        assert s.counts()["cases"] == 1500


def test_every_step_and_outcome_present(demo_db):
    rk = default_routekaart()
    conn = sqlite3.connect(demo_db)
    seen = set(conn.execute("SELECT c.track, e.step, e.outcome FROM events e JOIN cases c ON c.id = e.case_id"))
    missing = []
    for track_id, track in rk.tracks.items():
        for node in track.nodes:
            outcomes = list(node.outcomes) or [None]
            for outcome in outcomes:
                if (track_id, node.id, outcome) not in seen:
                    missing.append((track_id, node.id, outcome))
    assert missing == []


def test_every_current_step_outcome_and_deadline_state(demo_db):
    conn = sqlite3.connect(demo_db)
    outcomes = {r[0] for r in conn.execute("SELECT DISTINCT outcome FROM case_summary")}
    assert {None, "gedupeerd", "geen_uitsluitsel", "niet_gedupeerd"} <= outcomes
    overdue = conn.execute("SELECT count(*) FROM case_summary WHERE next_due < ?", (TODAY.isoformat(),)).fetchone()[0]
    running = conn.execute("SELECT count(*) FROM case_summary WHERE next_due >= ?", (TODAY.isoformat(),)).fetchone()[0]
    closed = conn.execute("SELECT count(*) FROM case_summary WHERE closed = 1").fetchone()[0]
    assert overdue > 0 and running > 0 and closed > 0
    urgent = conn.execute("SELECT count(*) FROM cases WHERE urgency IS NOT NULL").fetchone()[0]
    assert urgent > 0
    assert conn.execute("SELECT count(*) FROM contact_notes").fetchone()[0] > 0
    assert conn.execute("SELECT count(DISTINCT role) FROM household_members").fetchone()[0] == 5
    mine = conn.execute("SELECT count(*) FROM cases WHERE caseworker = 't.tester'").fetchone()[0]
    assert mine > 0


def test_bsns_are_test_range_and_valid(demo_db):
    conn = sqlite3.connect(demo_db)
    bsns = [r[0] for r in conn.execute("SELECT bsn FROM persons WHERE bsn IS NOT NULL")]
    assert bsns and all(b.startswith("9999") and is_valid_bsn(b) for b in bsns)
    assert len(set(bsns)) == len(bsns)


def test_demo_histories_are_accepted_by_the_engine(demo_db):
    """Replaying each case's events through check() accepts them all and gives the stored summary."""
    from herstel_tui.domain.routekaart import RecordedEvent
    from herstel_tui.store.cases import summary_row

    rk = default_routekaart()
    conn = sqlite3.connect(demo_db)
    cases = conn.execute("SELECT id, track FROM cases ORDER BY id LIMIT 400").fetchall()
    for cid, track in cases:
        events = [
            RecordedEvent(step=s, outcome=o, fact_date=date.fromisoformat(d))
            for s, o, d in conn.execute(
                "SELECT step, outcome, fact_date FROM events WHERE case_id = ? ORDER BY id", (cid,)
            )
        ]
        for i, ev in enumerate(events):
            rk.check(track, events[:i], ev)
        stored = conn.execute(
            "SELECT current_step, current_title, outcome, next_due, next_rule, next_kind, closed,"
            " last_event FROM case_summary WHERE case_id = ?",
            (cid,),
        ).fetchone()
        assert tuple(stored) == summary_row(default_routekaart(), track, events, TODAY)


def test_refuses_non_empty_store(demo_db):
    with open_store(demo_db, "t") as s, pytest.raises(ValueError, match="bevat al gegevens"):
        build_demo(s, 5)
