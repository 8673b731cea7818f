import sqlite3
from datetime import date

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import is_valid_bsn
from herstel_tui.services.demo import build_demo
from herstel_tui.settings.resources import default_routekaart, open_store
from tests.support.tables import table_rows

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
    try:
        return table_rows(conn)
    finally:
        conn.close()


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


def test_every_demo_timeline_passes_the_order_constraints(demo_db):
    """Every case's events, replayed in order through check() (with the person's role and the facts
    shared with the household's aanvrager), are accepted, and give the stored summary."""
    from herstel_tui.store.index_batch import case_index

    with open_store(demo_db, "t") as s:
        rk = s.routekaart
        for cid, track, pid in s.conn.execute("SELECT id, track, person_id FROM cases ORDER BY id").fetchall():
            events = s.cases.recorded(cid)
            role = s.cases.role_of(pid)
            shared = [e for e in events if e.inherited]
            own = [e for e in events if not e.inherited]
            assert [e.fact_date for e in own] == sorted(e.fact_date for e in own)  # recorded as they happened
            for i, ev in enumerate(own):
                rk.check(track, shared + own[:i], ev, role=role)
            stored = s.conn.execute(
                "SELECT current_step, current_title, outcome, next_due, next_rule, next_kind, closed,"
                " last_event FROM case_summary WHERE case_id = ?",
                (cid,),
            ).fetchone()
            assert tuple(stored) == case_index(rk, track, events, TODAY)[0]


def test_a_realistic_workload(demo_db):
    conn = sqlite3.connect(demo_db)
    today = TODAY.isoformat()
    open_cases = conn.execute(
        "SELECT count(*) FROM case_summary s JOIN cases c ON c.id = s.case_id WHERE s.closed = 0 AND c.closed IS NULL"
    ).fetchone()[0]
    overdue = conn.execute(
        "SELECT count(*) FROM case_summary s JOIN cases c ON c.id = s.case_id"
        " WHERE s.closed = 0 AND c.closed IS NULL AND s.next_due < ?",
        (today,),
    ).fetchone()[0]
    assert 0 < overdue <= 0.35 * open_cases  # most open cases on time
    urgent = conn.execute("SELECT count(*) FROM cases WHERE urgency IS NOT NULL").fetchone()[0]
    assert 0 < urgent <= 0.06 * open_cases  # a few urgent
    # "Aanmelden kan tot 1 januari 2024."
    late = conn.execute(
        "SELECT count(*) FROM events WHERE step = 'aanvraag_herbeoordeling' AND fact_date > '2023-12-31'"
    ).fetchone()[0]
    assert late == 0
    assert conn.execute("SELECT max(fact_date) FROM events").fetchone()[0] <= today
    # children are supported without an aanvraag or eerste toets of their own
    child_steps = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT e.step FROM events e JOIN cases c ON c.id = e.case_id"
            " JOIN household_members m ON m.person_id = c.person_id WHERE m.role = 'kind'"
        )
    }
    assert child_steps and not child_steps & {"aanvraag_herbeoordeling", "eerste_toets", "ondersteuning_ex_partners"}
    assert "ondersteuning_kinderen" in child_steps


def test_refuses_non_empty_store(demo_db):
    with open_store(demo_db, "t") as s, pytest.raises(ValueError, match="bevat al gegevens"):
        build_demo(s, 5)


def test_controle_finds_nothing_wrong_in_the_demo(demo_db, tmp_path):
    import shutil

    work = tmp_path / "demo.db"
    shutil.copy(demo_db, work)
    with open_store(work, "t") as s:
        result = s.maintenance.check(TODAY)
    assert result.problems == []


def test_a_demo_made_as_root_gives_no_cases_to_root(tmp_path):
    """Issue 17 point 7: in a demo made by the root account, "root" owned 349 cases."""
    with open_store(tmp_path / "d.db", "root") as store:
        build_demo(store, cases=60, seed=7, me="root")
        owners = {r[0] for r in store.conn.execute("SELECT DISTINCT caseworker FROM cases")}
    assert "root" not in owners and len(owners) > 3
    with open_store(tmp_path / "e.db", "j.devries") as store:
        build_demo(store, cases=60, seed=7, me="j.devries")
        assert store.conn.execute("SELECT count(*) FROM cases WHERE caseworker = 'j.devries'").fetchone()[0]


def test_make_demo_checks_the_foreign_keys_once_after_the_rows(tmp_path, monkeypatch):
    """Issue 18: the demo file fills without a foreign-key check per row; one check after the rows
    refuses a reference to a row that does not exist (nothing is moved into place)."""
    import herstel_tui.services.demo as demo

    real = demo.build_demo

    def planted(store, cases, **kw):
        out = real(store, cases, **kw)
        store.conn.execute(
            "INSERT INTO events (case_id, step, fact_date, recorded_at, recorded_by) "
            "VALUES (999999, 'contact_ouder', '2026-01-01', '2026-01-01T00:00:00', 'demo')"
        )
        return out

    monkeypatch.setattr(demo, "build_demo", planted)
    with pytest.raises(RuntimeError, match="verwijzing"):
        demo.make_demo(tmp_path / "kapot.db", 20, routekaart=default_routekaart())
    assert not (tmp_path / "kapot.db").exists()
    monkeypatch.undo()
    demo.make_demo(tmp_path / "heel.db", 20, routekaart=default_routekaart())
    with open_store(tmp_path / "heel.db", "t") as s:
        assert s.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert s.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
