"""The case index's termijnen (case_deadlines, issue 18): written with every event, rebuilt after a
routekaart change in short batches with progress, filled by migration 12."""

from __future__ import annotations

import gc
import sqlite3
from datetime import date

from herstel_tui.domain import clock
from herstel_tui.domain.routekaart import parse_routekaart
from herstel_tui.settings.resources import ROUTEKAART_FILE, data_file, default_routekaart, open_store
from herstel_tui.store import Store
from herstel_tui.store.index_batch import case_index
from herstel_tui.store.tally_sql import OVERVIEW_TRIGGERS
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures


def recomputed(store: Store, today: date) -> dict[int, tuple[tuple, list[tuple]]]:
    rk = store.routekaart
    return {cid: case_index(rk, track, evs, today) for cid, (track, evs) in store.cases.all_recorded().items()}


demo_file, demo = demo_fixtures("deadlines", cases=120, seed=18)


def shipped_with(old: bytes, new: bytes):
    """The shipped routekaart with the first ``old`` in its text replaced by ``new``."""
    text = data_file(ROUTEKAART_FILE).read_bytes()
    changed = text.replace(old, new, 1)
    assert changed != text
    return parse_routekaart(changed, data_file(ROUTEKAART_FILE))


def nine_weeks():
    """The shipped routekaart with the first talk due after 9 weeks instead of 8."""
    return shipped_with(b'period = "8 weken"', b'period = "9 weken"')


def test_demo_and_every_event_keep_the_index_equal_to_the_engine(demo):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert store.cases.stored_index() == recomputed(store, TODAY)
        case_id = next(cid for cid, (s, rows) in store.cases.stored_index().items() if s[4] == "eerste_gesprek_voeren")
        store.cases.record_event(case_id, "eerste_gesprek", TODAY)  # stops the first-talk termijn
        rows = store.cases.stored_index()[case_id][1]
        talk = next(r for r in rows if r[1] == "eerste_gesprek_voeren")
        assert talk[6] == TODAY.isoformat() and talk[7] == "Eerste gesprek gevoerd"
        assert store.cases.stored_index() == recomputed(store, TODAY)


def test_a_period_that_runs_out_is_stored_as_not_stopped(demo):
    # "a period that ran out by itself is left to the query's own date": the stored row does not
    # depend on the day the index was written
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        rows = [r for _, rs in store.cases.stored_index().values() for r in rs]
        assert [r for r in rows if r[2] == "period" and r[5] < TODAY.isoformat() and r[6] is None]  # ran out
        later = recomputed(store, date(2031, 1, 1))
        assert {cid: rs for cid, (_, rs) in later.items()} == {
            cid: rs for cid, (_, rs) in store.cases.stored_index().items()
        }


def test_routekaart_change_rebuilds_in_batches_with_progress(demo, monkeypatch):
    monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 25)
    seen: list[tuple[int, int]] = []
    rk = nine_weeks()
    with clock.fixed(TODAY), open_store(demo, "t") as s:  # (every case recomputed: not a rule's own change)
        s.set_meta("index_rules", "")
    with (
        clock.fixed(TODAY),
        Store(demo, "t", routekaart=rk, progress=lambda done, total: seen.append((done, total))) as s,
    ):
        assert s.meta("routekaart_hash") == rk.fingerprint
        assert s.cases.stored_index() == recomputed(s, TODAY)
        audit = s.conn.execute("SELECT detail FROM audit WHERE action = 'herberekend' ORDER BY id DESC LIMIT 1")
        assert audit.fetchone() is not None
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)
    assert [d for d, _ in seen] == [0, 25, 50, 75, 100, 120]
    assert gc.isenabled()  # the cycle collector, paused while the rebuild ran, runs again
    # and back: the rows the 9 weeks changed are written again, the others stay as they are
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        assert s.cases.stored_index() == recomputed(s, TODAY)


def test_rebuild_writes_only_rows_that_differ(demo):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        store.conn.execute("UPDATE case_deadlines SET stopped_by = 'geknoeid' WHERE case_id = 5")
        store.conn.execute("DELETE FROM case_deadlines WHERE case_id = 7 AND seq = 0")
        store.conn.execute(
            "INSERT INTO case_deadlines VALUES (9, 99, 'x', 'deadline', 1, '2026-01-01', '2026-02-01', NULL, NULL)"
        )
        store.conn.commit()
        for name in OVERVIEW_TRIGGERS:  # their tallies' writes would count in total_changes too
            store.conn.execute(f"DROP TRIGGER {name}")
        garbled = store.conn.execute("SELECT count(*) FROM case_deadlines WHERE case_id = 5").fetchone()[0]
        changes = store.conn.total_changes
        assert store.cases.write_range(TODAY, 1, 120) == 3
        assert store.conn.total_changes - changes == garbled + 2  # those rows, nothing else
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert store.cases.write_range(TODAY, 1, 120) == 0


def test_migration_12_fills_the_termijnen_on_the_next_open(demo):
    conn = sqlite3.connect(demo)
    conn.executescript("DROP TABLE case_deadlines; PRAGMA user_version = 11;")
    conn.close()
    seen: list[tuple[int, int]] = []
    with (
        clock.fixed(TODAY),
        Store(demo, "t", routekaart=default_routekaart(), progress=lambda d, t: seen.append((d, t))) as s,
    ):
        assert s.schema_version() >= 12
        assert s.cases.stored_index() == recomputed(s, TODAY)
        assert s.conn.execute("SELECT count(*) FROM case_deadlines").fetchone()[0] > 120
    assert seen[-1] == (120, 120)


def test_controle_names_a_case_whose_termijnen_differ(demo):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert store.maintenance.check().problems == []
        store.conn.execute("UPDATE case_deadlines SET due = '2000-01-01' WHERE case_id = 3")
        store.conn.commit()
        problems = store.maintenance.check().problems
        assert len(problems) == 1 and "zaakoverzicht wijkt af" in problems[0]


def changed_text():
    """The shipped routekaart with another phone number for the Serviceteam: a text the index does not hold."""
    return shipped_with(b"0800-2358358", b"0800-2358359")


def test_a_change_in_texts_only_keeps_the_index(demo):
    seen: list[tuple[int, int]] = []
    rk = changed_text()
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        s.cases.rebuild_summaries()  # written with index_hash
    with clock.fixed(TODAY), Store(demo, "t", routekaart=rk, progress=lambda d, t: seen.append((d, t))) as s:
        assert seen == []  # nothing recomputed
        assert s.meta("routekaart_hash") == rk.fingerprint
        assert s.cases.stored_index() == recomputed(s, TODAY)
    with clock.fixed(TODAY), Store(demo, "t", routekaart=nine_weeks(), progress=lambda d, t: seen.append((d, t))) as s:
        assert seen[-1][0] > 0  # a termijn changed: recomputed (the cases holding it: test_rebuild_partial)
        assert s.cases.stored_index() == recomputed(s, TODAY)


def test_a_demo_and_a_new_database_keep_their_index_after_a_change_in_texts(demo, tmp_path):
    # every writer of a whole index names what it depends on (index_hash): a text change after the
    # demo or in a new file recomputes nothing (before, the first one rebuilt every case)
    rk = changed_text()
    new = tmp_path / "nieuw.db"
    Store(new, "t", routekaart=default_routekaart()).close()
    for path in (demo, new):
        seen: list[tuple[int, int]] = []
        with (
            clock.fixed(TODAY),
            Store(path, "t", routekaart=rk, progress=lambda d, t, seen=seen: seen.append((d, t))) as s,
        ):
            assert seen == []
            assert s.meta("routekaart_hash") == rk.fingerprint
            assert s.cases.stored_index() == recomputed(s, TODAY)


def test_an_index_written_by_a_version_without_index_hash_is_recomputed(demo):
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        s.cases.rebuild_summaries()
        # an older herstel rebuilt the index with another routekaart and left index_hash as it was
        s.set_meta("routekaart_hash", nine_weeks().fingerprint)
    seen: list[tuple[int, int]] = []
    with clock.fixed(TODAY), Store(demo, "t", routekaart=changed_text(), progress=lambda d, t: seen.append((d, t))):
        assert seen[-1] == (120, 120)


def test_a_rebuild_leaves_a_paused_cycle_collector_paused(demo):
    gc.disable()
    try:
        with clock.fixed(TODAY), Store(demo, "t", routekaart=nine_weeks()) as s:
            assert s.cases.stored_index() == recomputed(s, TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_termijnen_read_each_running_termijn_from_its_index_alone(demo):
    """Migration 17: `herstel termijnen` (store.caselist.due_termijnen) finds the running termijnen
    and reads their own and rule from case_deadlines_running, without a lookup in the table; a
    file of version 16 gets the index on the next open, with the same answers."""
    from datetime import timedelta

    from herstel_tui.store.caselist import due_termijnen

    def plan_and_rows(conn: sqlite3.Connection) -> tuple[list[str], list[tuple]]:
        sqls: list[tuple] = []

        class Spy:
            def execute(self, sql, args=()):
                sqls.append((sql, args))
                return conn.execute(sql, args)

        rows = due_termijnen(Spy(), TODAY, TODAY + timedelta(days=60))  # type: ignore[arg-type]
        (sql, args), *_ = sqls
        return [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args) if " d " in r[3]], rows

    conn = sqlite3.connect(demo)
    plan, rows = plan_and_rows(conn)
    assert rows and len(plan) == 2
    assert all("USING COVERING INDEX case_deadlines_running " in p for p in plan), plan
    conn.executescript(
        "DROP INDEX case_deadlines_running; "
        "CREATE INDEX case_deadlines_running ON case_deadlines(kind, due) WHERE stopped IS NULL; "
        "PRAGMA user_version = 16;"
    )
    assert not any("COVERING" in p for p in plan_and_rows(conn)[0])
    conn.close()
    with clock.fixed(TODAY), Store(demo, "t", routekaart=default_routekaart()) as s:
        assert s.schema_version() >= 17
    conn = sqlite3.connect(demo)
    assert plan_and_rows(conn) == (plan, rows)
    conn.close()
