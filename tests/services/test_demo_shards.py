"""A large demo's rows are made by worker processes into shard files (services/demo_shards.py): the
database is the same as one process makes, whatever the shards and batches; a worker that fails leaves
nothing behind (no rows, no shard files, no demo file)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile

import pytest

import herstel_tui.services.demo as demo
import herstel_tui.services.demo_shards as demo_shards
from herstel_tui.domain import clock
from herstel_tui.services.demo import build_demo, make_demo
from herstel_tui.settings.resources import default_routekaart, open_store
from herstel_tui.store.overview import tallies_differ
from tests.support.data import TODAY
from tests.support.tables import TABLES

# the one dump of every table, and the search as a user meets it
QUERIES = {
    **TABLES,
    "search hits": "SELECT rowid FROM case_search WHERE case_search MATCH 'Jansen' ORDER BY rowid",
}
NOW = "2026-06-01T09:00:00"


@pytest.fixture(autouse=True)
def _own_temp_dir(tmp_path, monkeypatch):
    """Shard folders go to this test's own temporary directory (to see that none is left)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def built(path, cases: int, **kw) -> dict[str, list]:
    with clock.fixed(TODAY), open_store(path, "demo") as store:
        store.conn.execute("PRAGMA foreign_keys = OFF")  # as make_demo builds (the copy in C needs it)
        result = build_demo(store, cases, seed=5, me="t.tester", today=TODAY, **kw)
        assert tallies_differ(store.conn) == []
        rows = {name: store.conn.execute(sql).fetchall() for name, sql in QUERIES.items()}
    rows["result"] = [result]
    return rows


@pytest.fixture(scope="module")
def one_process(tmp_path_factory) -> dict[str, list]:
    return built(tmp_path_factory.mktemp("one") / "one.db", 150)


@pytest.mark.parametrize(("workers", "batch"), [(2, 20), (3, 9)])
def test_shards_give_the_same_database_as_one_process(tmp_path, workers, batch, _own_temp_dir, one_process):
    shards = built(tmp_path / "shards.db", 150, workers=workers, batch_cases=batch)
    assert shards == one_process
    assert len(shards["cases"]) == 150 and shards["search hits"] and shards["overview_deadlines"]
    assert list(_own_temp_dir.iterdir()) == []  # nothing in the system's temporary directory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shards.db", "temp"]  # the shard folder is gone


def test_the_shard_folder_is_beside_the_database_and_removed(tmp_path, monkeypatch):
    """Beside the file being built, named as the demo's temporary files (a killed builder's is removed by
    the next demo there: test_a_killed_builders_shard_folder_is_removed_by_the_next_demo)."""
    made = []

    def shard_folder(database):
        made.append(folder := real(database))
        assert sorted(p.name for p in folder.iterdir()) == []
        return folder

    real = demo_shards.shard_folder
    monkeypatch.setattr(demo_shards, "shard_folder", shard_folder)
    built(tmp_path / "shards.db", 60, workers=2, batch_cases=20)
    assert len(made) == 1 and made[0].parent == tmp_path
    assert made[0].name.startswith(f"{demo.DEMO_TEMP_PREFIX}{os.getpid()}-")
    assert not made[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shards.db", "temp"]


def test_a_killed_builders_shard_folder_is_removed_by_the_next_demo(tmp_path):
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(child.stdout)  # (a process that has ended)
    left = tmp_path / f"{demo.DEMO_TEMP_PREFIX}{dead}-shards-abc"
    left.mkdir()
    (left / "shard-0.db").write_bytes(b"x")
    (left / "shard-0.done").touch()
    live = tmp_path / f"{demo.DEMO_TEMP_PREFIX}{os.getpid()}-shards-def"
    live.mkdir()
    assert demo.remove_stale_demo_files(tmp_path) == [left]
    assert not left.exists() and live.exists()
    make_demo(tmp_path / "demo.db", 5, routekaart=default_routekaart())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["demo.db", "temp", live.name])


def test_shards_with_foreign_keys_on_give_the_same_database(tmp_path, one_process):
    """(The copy then takes SQLite's row by row path: the same rows.)"""
    with clock.fixed(TODAY), open_store(tmp_path / "fk.db", "demo") as store:
        build_demo(store, 150, seed=5, me="t.tester", today=TODAY, workers=2, batch_cases=30)
        fk = {name: store.conn.execute(sql).fetchall() for name, sql in QUERIES.items()}
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert fk == {k: v for k, v in one_process.items() if k != "result"}


def test_the_builder_copies_a_shard_without_checking_its_rows_again(tmp_path, one_process):
    """A shard's rows were checked as their worker wrote them (its tables are the database's): the builder's
    copy skips the CHECK constraints, and only the copy: they hold again for everything after it."""
    statements: list[str] = []
    with clock.fixed(TODAY), open_store(tmp_path / "x.db", "demo") as store:
        store.conn.execute("PRAGMA foreign_keys = OFF")  # as make_demo builds
        store.conn.set_trace_callback(statements.append)
        build_demo(store, 150, seed=5, me="t.tester", today=TODAY, workers=2, batch_cases=30)
        store.conn.set_trace_callback(None)
        rows = {name: store.conn.execute(sql).fetchall() for name, sql in QUERIES.items()}
        assert store.conn.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.conn.execute("UPDATE persons SET bsn = 'x' WHERE id = 1")
    assert rows == {k: v for k, v in one_process.items() if k != "result"}
    copies = [i for i, sql in enumerate(statements) if "SELECT * FROM shard" in sql]
    switches = [(i, sql) for i, sql in enumerate(statements) if "ignore_check_constraints" in sql]
    assert len(copies) == 8 * 5 and len(switches) == 2 * 5  # 8 tables, 5 shards of 30 cases
    for (on, on_sql), (off, off_sql) in zip(switches[::2], switches[1::2], strict=True):
        assert on_sql.endswith("= ON") and off_sql.endswith("= OFF")
        assert [i for i in copies if on < i < off] == copies[copies.index(on + 1) :][:8]


def failing_worker(*args) -> None:  # a worker in its own process (by name: spawn imports this module)
    raise RuntimeError("kapot")


def killed_worker(*args) -> None:
    os._exit(3)


def test_a_killed_worker_leaves_nothing(tmp_path, monkeypatch, _own_temp_dir):
    """(A worker that raises ends the same way: test_make_demo_with_workers_leaves_no_file_when_a_worker_fails.)"""
    monkeypatch.setattr(demo_shards, "make_shards", killed_worker)
    with clock.fixed(TODAY), open_store(tmp_path / "x.db", "demo") as store:
        before = store.conn.execute(QUERIES["schema"]).fetchall()
        with pytest.raises(RuntimeError, match="hulpproces"):
            build_demo(store, 200, seed=5, today=TODAY, workers=2, batch_cases=30)
        assert store.conn.execute(QUERIES["schema"]).fetchall() == before
        assert not store.conn.in_transaction
        for table in ("persons", "cases", "events", "case_search", "overview_groups"):
            assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        assert store.conn.execute("SELECT count(*) FROM audit WHERE action <> 'schema'").fetchone() == (0,)
        attached = [row[1] for row in store.conn.execute("PRAGMA database_list")]
        assert set(attached) <= {"main", "temp"}  # the shards are detached
    assert list(_own_temp_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["temp", "x.db"]  # no shard folder


def test_make_demo_with_workers_leaves_no_file_when_a_worker_fails(tmp_path, monkeypatch, _own_temp_dir):
    monkeypatch.setattr(demo, "WORKERS_FROM", 1)
    monkeypatch.setattr(demo_shards, "make_shards", failing_worker)
    with pytest.raises(RuntimeError, match="hulpproces"):
        make_demo(tmp_path / "demo.db", 50, routekaart=default_routekaart())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["temp"]
    assert list(_own_temp_dir.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(tempfile, "tempdir", str(_own_temp_dir))
    monkeypatch.setattr(demo, "WORKERS_FROM", 1)
    make_demo(tmp_path / "demo.db", 50, routekaart=default_routekaart())
    with open_store(tmp_path / "demo.db", "t") as store:
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone() == (50,)
        assert store.maintenance.check(clock.today()).problems == []
    assert list(_own_temp_dir.iterdir()) == []


def test_demo_workers():
    assert demo.demo_workers(10) == 0
    assert demo.demo_workers(demo.WORKERS_FROM) in (0, 2)  # (2 on a machine with two cores or more)


def test_each_worker_makes_a_run_of_consecutive_shards_the_first_the_first_run():
    """The first worker then walks through no shard of another's, the second only through the first's."""
    assert [demo_shards.owner(s, 2, 8) for s in range(8)] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert [demo_shards.owner(s, 2, 3) for s in range(3)] == [0, 0, 1]
    for workers, shards in [(2, 2), (2, 5), (3, 8), (3, 3), (1, 4)]:
        owners = [demo_shards.owner(s, workers, shards) for s in range(shards)]
        assert owners == sorted(owners) and set(owners) == set(range(workers))
        assert max(owners.count(w) for w in range(workers)) - min(owners.count(w) for w in range(workers)) <= 1


def test_draws_are_random_randoms_own():
    """The walk's quicker choice and randrange give what random.Random gives, in the same order."""
    import random

    ours, theirs = random.Random(3), random.Random(3)
    choice, randrange = demo.draws(ours)
    for n in [1, 2, 3, 7, 8, 9, 20, 37, 2500, 10**8, 2**40]:
        seq = range(n)
        assert [choice(seq) for _ in range(50)] == [theirs.choice(seq) for _ in range(50)]
        assert [randrange(-5, n) for _ in range(50)] == [theirs.randrange(-5, n) for _ in range(50)]
        assert ours.random() == theirs.random()
    with pytest.raises(IndexError):
        choice([])
    with pytest.raises(ValueError):
        randrange(3, 3)
