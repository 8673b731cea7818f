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
from herstel_tui.store.schema import LATEST
from herstel_tui.store.tally_sql import OVERVIEW_TALLIES, OVERVIEW_TRIGGERS
from tests.store.test_case_deadlines import nine_weeks
from tests.support.data import TODAY
from tests.support.demo import copy_of, demo_fixtures

demo_file, demo = demo_fixtures("tallies", cases=150, seed=15)


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


def _messed_up(path) -> None:
    """An index that a rebuild must rewrite in every way: termijnen missing, one too many, a
    summary missing and summaries in another group (the triggers tallied all of that)."""
    with clock.fixed(TODAY), open_store(path, "t") as store, store.transaction() as conn:
        ids = [r[0] for r in conn.execute("SELECT case_id FROM case_summary ORDER BY case_id")]
        conn.execute("DELETE FROM case_deadlines WHERE case_id % 3 = 0")
        conn.execute("DELETE FROM case_summary WHERE case_id IN (?, ?)", ids[1:3])
        conn.execute("UPDATE case_summary SET current_step = 'x', closed = 1 - closed WHERE case_id % 7 = 0")
        conn.execute(
            "INSERT INTO case_deadlines SELECT case_id, 99, rule, kind, own, start, due, NULL, NULL"
            " FROM case_deadlines WHERE case_id % 5 = 0 AND seq = 0"
        )
        # (the next routekaart change recomputes every case: not only those holding a termijn whose
        # period changed, as it would with index_rules, test_rebuild_partial)
        conn.execute("DELETE FROM meta WHERE key = 'index_rules'")


def _rebuilt(demo_file, folder, name: str, by_hand_from: int, monkeypatch, progress=None, drop: str = ""):
    import herstel_tui.store.cases
    import herstel_tui.store.index_batch

    path = copy_of(demo_file, folder, name)
    _messed_up(path)
    if drop:
        conn = sqlite3.connect(path)
        conn.execute(f"DROP TRIGGER {drop}")
        conn.commit()
        conn.close()
    monkeypatch.setattr(herstel_tui.store.cases, "REBUILD_BATCH", 40)
    monkeypatch.setattr(herstel_tui.store.index_batch, "BY_HAND_FROM", by_hand_from)
    with clock.fixed(TODAY), Store(path, "t", routekaart=nine_weeks(), progress=progress) as store:
        assert store.refreshed_on_open == 150
    return path


def _everything(path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        return {
            "tallies": [conn.execute(f"SELECT * FROM {t} ORDER BY grp").fetchall() for t in OVERVIEW_TALLIES],
            "index": [
                conn.execute("SELECT * FROM case_summary ORDER BY case_id").fetchall(),
                conn.execute("SELECT * FROM case_deadlines ORDER BY case_id, seq").fetchall(),
            ],
            "schema": sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()),
            "differ": tallies_differ(conn),
        }
    finally:
        conn.close()


def test_a_rebuild_that_keeps_the_tallies_by_hand_leaves_what_the_triggers_leave(demo_file, tmp_path, monkeypatch):
    """Many rows to write: the tally triggers on the index are dropped in the batch's transaction,
    the tallies moved on by the rows replaced and written, the triggers made again; the tallies
    (every row, those counted down to 0 too), the index and the schema as the triggers leave them."""
    by_triggers = _everything(_rebuilt(demo_file, tmp_path, "a.db", 10**9, monkeypatch))
    by_hand = _everything(_rebuilt(demo_file, tmp_path, "b.db", 1, monkeypatch))
    assert by_hand["differ"] == [] and by_hand == by_triggers
    assert any(n == 0 for row in by_hand["tallies"][0] for n in row[-1:])  # (groups emptied stay, at 0)


def test_with_a_tally_trigger_missing_the_rebuild_leaves_the_tallies_to_those_there(demo_file, tmp_path, monkeypatch):
    """A database someone took a tally trigger from (controle names it): no trigger dropped or
    made, the tallies as the remaining triggers leave them."""
    drop = "overview_deadlines_update"
    by_triggers = _everything(_rebuilt(demo_file, tmp_path, "a.db", 10**9, monkeypatch, drop=drop))
    by_hand = _everything(_rebuilt(demo_file, tmp_path, "b.db", 1, monkeypatch, drop=drop))
    assert by_hand == by_triggers and by_hand["differ"] == ["overview_deadlines"]
    assert drop not in {name for _type, name, _t, _sql in by_hand["schema"]}


def test_no_other_connection_sees_the_index_without_its_tally_triggers(demo_file, tmp_path, monkeypatch):
    """Between the rebuild's batches another connection finds every tally trigger and the tallies
    right, and its own writes are tallied by them; after a batch that fails, the triggers are back."""
    path = tmp_path / "c.db"
    seen: list[tuple] = []
    others: list[sqlite3.Connection] = []

    def between(done: int, total: int) -> None:
        if not others:
            others.append(sqlite3.connect(path, timeout=5))
        other = others[0]
        triggers = {r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        seen.append((set(OVERVIEW_TRIGGERS) <= triggers, tallies_differ(other)))
        other.execute("UPDATE case_summary SET current_step = 'y' WHERE case_id = ?", (done + 1,))
        other.commit()  # a colleague's write between two batches: the triggers tally it

    _rebuilt(demo_file, tmp_path, "c.db", 1, monkeypatch, progress=between)
    assert len(seen) > 3 and seen == [(True, [])] * len(seen)
    assert tallies_differ(others[0]) == []
    others[0].close()

    import herstel_tui.store.index_batch

    def broken(*args, **kw):
        raise RuntimeError("stuk")

    monkeypatch.setattr(herstel_tui.store.index_batch, "apply_tallies", broken)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM case_deadlines")
    conn.execute("DELETE FROM meta WHERE key = 'routekaart_hash'")
    conn.commit()
    with pytest.raises(RuntimeError, match="stuk"), clock.fixed(TODAY), Store(path, "t", routekaart=nine_weeks()):
        pass
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(OVERVIEW_TRIGGERS) <= triggers and tallies_differ(conn) == []
    conn.close()


def _by_triggers_and_by_hand(conn: sqlite3.Connection, cid: int, steps: list) -> tuple[list, list]:
    """The tallies after each step ``(write, summaries, deadlines)`` of case ``cid``, kept by the
    triggers and then (the same writes again, the first rolled back) by hand with
    tally_moves/apply_tallies from the steps' (gone, written) rows; the tallies checked against the
    index after the last, ``conn`` closed."""
    from herstel_tui.store.tallies import apply_tallies, tallies_by_hand, tally_moves

    def tallies() -> list:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY grp").fetchall() for t in OVERVIEW_TALLIES]

    by_triggers, by_hand = [], []
    conn.execute("BEGIN")
    for write, _, _ in steps:
        write()
        by_triggers.append(tallies())
    conn.execute("ROLLBACK")
    conn.execute("BEGIN")
    for write, summaries, deadlines in steps:
        with tallies_by_hand(conn):
            write()
            apply_tallies(conn, tally_moves(conn, cid, cid, summaries, deadlines))
        by_hand.append(tallies())
    assert tallies_differ(conn) == []
    conn.execute("ROLLBACK")
    conn.close()
    return by_triggers, by_hand


def test_tallies_moved_by_hand_equal_the_triggers_for_rows_of_any_type(demo):
    """tally_moves/apply_tallies against the triggers, row by row, for rows the application does not write too:
    a stop date as a blob (its group made in SQL), quotes and non-ASCII in a title, a summary
    moved to a new group and back, a termijn taken away."""
    from herstel_tui.store.index_batch import DEADLINE_COLS, SUMMARY_COLS

    conn = sqlite3.connect(demo, isolation_level=None)
    cid = conn.execute("SELECT min(case_id) FROM case_summary").fetchone()[0]
    summary = conn.execute(f"SELECT case_id, {SUMMARY_COLS} FROM case_summary WHERE case_id = ?", (cid,)).fetchone()
    moved = (cid, "z", "Zelfgemaakt", "gedupeerd", None, None, None, 1, "2024-05-01")
    rows = [
        (cid, 50, "r", "period", 1, "2024-01-01", "2024-02-01", b"2024-03-01", "x"),
        (cid, 51, "r", "deadline", 1, "2024-01-01", "2024-02-01", "2024-01-15", 'l\'été "ja"'),
        (cid, 52, "r", "deadline", 0, "2024-01-01", "2024-02-01", None, None),
        (cid, 53, "r", "deadline", 0, "2024-01-01", "2024-02-01", "2024-02-02", None),
    ]
    insert = f"INSERT INTO case_deadlines (case_id, {DEADLINE_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
    update = f"INSERT OR REPLACE INTO case_summary (case_id, {SUMMARY_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
    steps = [
        (lambda: conn.executemany(insert, rows), (((), ()), ((), rows))),
        (lambda: conn.execute(update, moved), (((summary,), (moved,)), ((), ()))),
        (
            lambda: conn.execute("DELETE FROM case_deadlines WHERE case_id = ? AND seq IN (50, 51)", (cid,)),
            (((), ()), (rows[:2], ())),
        ),
        (lambda: conn.execute(update, summary), (((moved,), (summary,)), ((), ()))),
    ]

    by_triggers, by_hand = _by_triggers_and_by_hand(conn, cid, [(w, s, d) for w, (s, d) in steps])
    assert by_hand == by_triggers
    assert by_hand[0] != by_hand[-1]  # (the groups of the termijnen still there)


def test_the_writer_of_a_rebuilds_range_only_writes(demo_file, tmp_path, monkeypatch):
    """What a range's tallies move by (the cases' part of a summary's group, the termijnen's groups) is
    computed with its diff, by whoever computes it (a split rebuild's child too): writing the diff
    reads no case and no stored row, and leaves the tallies as the triggers would."""
    from herstel_tui.store.index_batch import index_diff, write_diff

    path = copy_of(demo_file, tmp_path, "w.db")
    _messed_up(path)
    with clock.fixed(TODAY), open_store(path, "t") as store:
        store.routekaart = nine_weeks()  # (computed with it, without the rebuild on opening)
        conn = store.conn
        ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")]
        with store.transaction():
            summaries, rows = store.cases.shaped_range(ids[0], ids[-1], TODAY)
            diff = index_diff(conn, ids[0], ids[-1], summaries, rows)
            assert diff is not None and diff.by_hand
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            write_diff(conn, ids[0], ids[-1], diff)
            conn.set_trace_callback(None)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "sqlite_master" not in s]
        assert statements and reads == []  # (the tally triggers' SQL, to make them again, aside)
        assert tallies_differ(conn) == []


def test_tallies_of_stopped_termijnen_moved_by_hand_equal_the_triggers(demo):
    """Termijnen stopped before and after their due date (text dates: their groups made in Python,
    each group written from its own fields) come and go: the tallies as the triggers keep them."""
    from herstel_tui.store.index_batch import DEADLINE_COLS

    conn = sqlite3.connect(demo, isolation_level=None)
    cid = conn.execute("SELECT min(case_id) FROM case_summary").fetchone()[0]
    rows = [
        (cid, 60, "r", "deadline", 1, "2024-01-01", "2024-02-01", "2024-03-01", "laat"),
        (cid, 61, "r", "deadline", 1, "2024-01-01", "2024-02-01", "2024-01-15", "op tijd"),
        (cid, 62, "r", "deadline", 1, "2024-01-01", "2024-02-01", "2024-02-01", "op tijd"),
        (cid, 63, "r", "period", 0, "2024-01-01", "2024-02-01", None, None),
    ]
    later = [(*r[:6], "2024-02-20", *r[7:]) for r in rows]  # 60 still late, 61 and 62 not, 63 due later
    insert = f"INSERT INTO case_deadlines (case_id, {DEADLINE_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
    update = "UPDATE case_deadlines SET due = ? WHERE case_id = ? AND seq = ?"
    steps = [
        (lambda: conn.executemany(insert, rows), ((), rows)),
        (lambda: conn.executemany(update, [(r[6], r[0], r[1]) for r in later]), (rows, later)),
        (lambda: conn.execute("DELETE FROM case_deadlines WHERE case_id = ? AND seq >= 60", (cid,)), (later, ())),
    ]

    by_triggers, by_hand = _by_triggers_and_by_hand(conn, cid, [(w, ((), ()), d) for w, d in steps])
    assert by_hand == by_triggers
    assert by_hand[0] != by_hand[1] != by_hand[2]


def test_a_refresh_of_many_cases_writes_what_a_refresh_case_by_case_writes(demo):
    """refresh_index of SHAPED_FROM cases or more sends their rows as statements of many rows each
    (store.bulk.insert_many: 150 cases, more than one statement per table); case by case (a save)
    they go row by row through the engine: the same rows, the same tallies."""
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


def _imported(demo_file, folder, name: str, by_hand_from: int, shaped_from: int, monkeypatch, drop: str = ""):
    """A copy of the demo after an aanmeldingen list of every person in it (a new phone number; the
    cases without ontvangst gegevens get it) and 60 persons new to it (a person, a case, two events)."""
    from datetime import timedelta

    import herstel_tui.store.cases
    import herstel_tui.store.index_batch
    from herstel_tui.services.portal import import_list
    from herstel_tui.settings.config import Config
    from tests.support.data import TEST_BSNS
    from tests.support.portal import write_xlsx

    path = copy_of(demo_file, folder, name)
    if drop:
        conn = sqlite3.connect(path)
        conn.execute(f"DROP TRIGGER {drop}")
        conn.commit()
        conn.close()
    monkeypatch.setattr(herstel_tui.store.index_batch, "BY_HAND_FROM", by_hand_from)
    monkeypatch.setattr(herstel_tui.store.cases, "SHAPED_FROM", shaped_from)
    with clock.fixed(TODAY), open_store(path, "t") as store:
        known = [r[0] for r in store.conn.execute("SELECT bsn FROM persons WHERE bsn IS NOT NULL ORDER BY id")]
        new = [b for b in TEST_BSNS if b not in set(known)][:60]
        rows: list[list] = [["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding"]]
        rows += [
            [b, "Sam", f"Achternaam{i}", f"06-{30_000_000 + i:08d}", TODAY - timedelta(days=3)]
            for i, b in enumerate(known + new)
        ]
        sheet = write_xlsx(folder / f"{name}.xlsx", rows)
        config = Config(exportmap=folder / "export", medewerker="t")
        report = import_list(store, config, "aanmeldingen", sheet, dry_run=False, today=TODAY)
        assert report.counts["create"] == 60 and report.counts["update"] > 100
    return path


@pytest.mark.parametrize("shaped_from", [20, 10**9])
def test_an_import_that_keeps_the_tallies_by_hand_leaves_what_the_triggers_leave(
    demo_file, tmp_path, monkeypatch, shaped_from
):
    """An import's index refresh of many cases (summaries changed, termijnen changed and added,
    new cases' rows: only the rows that differ written) with the tally triggers dropped in its transaction and the tallies moved on by
    hand: the tallies, the index and the schema as the triggers leave them (the cases' rows made by
    one engine pass per shape, or by the engine case by case)."""
    by_triggers = _everything(_imported(demo_file, tmp_path, "a.db", 10**9, shaped_from, monkeypatch))
    by_hand = _everything(_imported(demo_file, tmp_path, "b.db", 1, shaped_from, monkeypatch))
    assert by_hand["differ"] == [] and by_hand == by_triggers


def test_with_a_tally_trigger_missing_the_import_leaves_the_tallies_to_those_there(demo_file, tmp_path, monkeypatch):
    drop = "overview_groups_summary_insert"
    by_triggers = _everything(_imported(demo_file, tmp_path, "a.db", 10**9, 20, monkeypatch, drop=drop))
    by_hand = _everything(_imported(demo_file, tmp_path, "b.db", 1, 20, monkeypatch, drop=drop))
    assert by_hand == by_triggers and by_hand["differ"] == ["overview_groups"]
