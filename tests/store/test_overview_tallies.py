"""The overview's tallies (``overview_groups``, ``overview_deadlines``, migration 15) stay equal to a
count of the rows they tally under every writer: the demo's bulk load, events, assignment, urgency,
closing, deletion, a rebuild after a routekaart change, plain SQL (INSERT OR REPLACE, cascades), and
the migration fills them; the overview's figures from them equal those counted from every row."""

from __future__ import annotations

import sqlite3

import pytest

from herstel_tui.domain import clock
from herstel_tui.services.overview import compute_overview
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from herstel_tui.store.overview import tallies_differ
from herstel_tui.store.schema import LATEST, OVERVIEW_TRIGGERS
from tests.store.test_case_deadlines import nine_weeks
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return build_demo_file(tmp_path_factory.mktemp("tallies"), cases=150, seed=15)


@pytest.fixture
def demo(demo_file, tmp_path):
    return copy_of(demo_file, tmp_path)


def test_the_demo_counts_its_tallies_once_and_keeps_the_triggers(demo):
    conn = sqlite3.connect(demo)
    assert tallies_differ(conn) == []
    assert conn.execute("SELECT sum(n) FROM overview_groups").fetchone()[0] == 150
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(OVERVIEW_TRIGGERS) <= triggers


def test_every_writer_keeps_the_tallies(demo):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        ids = [r[0] for r in store.conn.execute("SELECT case_id FROM case_summary ORDER BY case_id")]
        stages = []
        (talk,) = store.conn.execute(
            "SELECT case_id FROM case_summary WHERE next_rule = 'eerste_gesprek_voeren' LIMIT 1"
        ).fetchone()
        ids.remove(talk)
        store.cases.record_event(talk, "eerste_gesprek", TODAY)  # stops its first-talk termijn
        stages.append(tallies_differ(store.conn))
        store.cases.assign(ids[1], "nieuwe medewerker")
        store.cases.set_urgency(ids[2], None, casuistiekoverleg=True)
        stages.append(tallies_differ(store.conn))
        store.cases.close(ids[3], TODAY)
        stages.append(tallies_differ(store.conn))
        store.maintenance.delete_case(ids[4])
        stages.append(tallies_differ(store.conn))
        store.conn.execute("UPDATE cases SET opened = '2019-01-01', track = 'schuldenaanpak' WHERE id = ?", (ids[5],))
        row = store.conn.execute("SELECT * FROM case_summary WHERE case_id = ?", (ids[6],)).fetchone()
        store.conn.execute(
            "INSERT OR REPLACE INTO case_summary VALUES (?,?,?,?,?,?,?,?,?)",
            (row[0], "x", row[2], "gedupeerd", *row[4:]),
        )
        d = store.conn.execute("SELECT * FROM case_deadlines WHERE case_id = ? ORDER BY seq", (ids[7],)).fetchone()
        store.conn.execute(
            "INSERT OR REPLACE INTO case_deadlines VALUES (?,?,?,?,?,?,?,?,?)", (*d[:6], d[6], "2020-01-01", "iets")
        )
        store.conn.execute("UPDATE case_deadlines SET stopped = NULL, stopped_by = NULL WHERE case_id = ?", (ids[8],))
        store.conn.execute("DELETE FROM case_summary WHERE case_id = ?", (ids[9],))
        stages.append(tallies_differ(store.conn))
        person = store.conn.execute("SELECT person_id FROM cases WHERE id = ?", (ids[10],)).fetchone()[0]
        store.conn.execute("DELETE FROM persons WHERE id = ?", (person,))  # cascades to its cases and their index
        stages.append(tallies_differ(store.conn))
        store.conn.commit()
    assert stages == [[]] * len(stages)
    with clock.fixed(TODAY), Store(demo, "t", routekaart=nine_weeks()) as store:  # a rebuild
        assert tallies_differ(store.conn) == []


def test_the_migration_fills_the_tallies_and_the_overview_is_the_same(demo, tmp_path):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        before = {d: compute_overview(store, d, "G").as_dict() for d in (TODAY, TODAY.replace(year=TODAY.year + 1))}
    conn = sqlite3.connect(demo, isolation_level=None)
    conn.executescript(
        "".join(f"DROP TRIGGER {name};" for name in OVERVIEW_TRIGGERS)
        + "DROP TABLE overview_groups; DROP TABLE overview_deadlines; DROP INDEX case_deadlines_running_rule;"
        + "PRAGMA user_version = 14;"
    )
    conn.close()
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert store.schema_version() == LATEST and tallies_differ(store.conn) == []
        for d, figures in before.items():
            after = compute_overview(store, d, "G").as_dict()
            assert {**after, "rekentijd_s": 0} == {**figures, "rekentijd_s": 0}


def test_per_track_termijnen_come_from_every_row(demo):
    """by_track (a routekaart whose target events differ per track) is not in the tally: the same
    figures from every termijn, per track."""
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        rules = ["eerste_gesprek_voeren", "plan_op_hoofdlijnen"]
        flat = store.overview.deadline_states(TODAY, rules)
        per_track = store.overview.deadline_states(TODAY, rules, by_track=True)
    summed: dict[tuple, list[int]] = {}
    for _track, rule, by, *counts in per_track:
        acc = summed.setdefault((rule, by), [0, 0, 0, 0])
        for i, n in enumerate(counts):
            acc[i] += n
    assert {(rule, by): list(counts) for _none, rule, by, *counts in flat} == summed


def test_controle_finds_a_tally_that_differs_and_herbouw_counts_afresh(demo):
    from click.testing import CliRunner

    from herstel_tui.cli.main import main

    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert store.maintenance.check(TODAY).ok
        store.conn.execute("UPDATE overview_groups SET n = n + 1 WHERE grp = (SELECT min(grp) FROM overview_groups)")
        store.conn.commit()
        problems = store.maintenance.check(TODAY).problems
        assert problems == [
            "overzicht: de tellingen in overview_groups wijken af van de zaken (herstel met `herstel controle --herbouw`)"
        ]
    with clock.fixed(TODAY):
        r = CliRunner().invoke(main, ["--db", str(demo), "controle", "--herbouw"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert tallies_differ(store.conn) == [] and store.maintenance.check(TODAY).ok


def test_a_refresh_of_many_cases_writes_what_a_refresh_case_by_case_writes(demo):
    """refresh_index of SHAPED_FROM cases or more sends their rows as one statement per table (a JSON
    array); case by case (a save) they go row by row through the engine: the same rows, the same
    tallies."""
    from herstel_tui.store.cases import SHAPED_FROM

    def index(conn):
        return (
            conn.execute("SELECT * FROM case_summary ORDER BY case_id").fetchall(),
            conn.execute("SELECT * FROM case_deadlines ORDER BY case_id, seq").fetchall(),
        )

    with clock.fixed(TODAY), open_store(demo, "t") as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM cases ORDER BY id")]
        assert len(ids) >= 2 * SHAPED_FROM
        store.conn.execute("DELETE FROM case_summary")  # (their tallies go with them: the triggers)
        store.conn.execute("DELETE FROM case_deadlines")
        store.cases.refresh_index(ids, TODAY)
        many = index(store.conn)
        stages = [tallies_differ(store.conn)]
        store.conn.execute("DELETE FROM case_summary")
        store.conn.execute("DELETE FROM case_deadlines")
        for cid in ids:
            store.cases.refresh_index([cid], TODAY)
        stages.append(tallies_differ(store.conn))
        assert index(store.conn) == many and len(many[0]) == len(ids) and many[1]
        store.conn.rollback()
    assert stages == [[], []]
