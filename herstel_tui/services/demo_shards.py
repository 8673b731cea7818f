"""The demo's rows made by worker processes: each makes its share of the cases into shard files, the
builder copies them into the database in C (``INSERT INTO main.t SELECT * FROM shard.t``).

Making the rows in Python and binding them to SQLite's inserts is most of a large demo's time, and one
Python process uses one core. The households are parted in shards of consecutive cases
(:func:`herstel_tui.services.demo.walk`); worker ``w`` of ``k`` makes a run of consecutive shards (the
first worker the first ones, :func:`owner`), and walks through the shards before its own without making
their rows (the random draws and counts are the same, so every row is the one a single process makes); a
worker stops after its last shard. Walking through cases costs about half of making them (without writing
them: 200,000 cases 7 CPU seconds against 15 to 19): with runs, the first of two workers walks through
none and the second through the first half; with every other shard each, the two walked through seven
eighths of the demo. Each shard is a file of its own, with the demo's tables as the
database has them, but without their indexes (the bulk load drops the database's, but for the one whose
keys come in the rows' order: services.demo.DEMO_KEPT_INDEXES). The builder attaches
every shard file before its transaction (SQLite attaches no file inside one), takes each shard in order
once its worker says it is complete (a ``.done`` file next to it) and fills its search rows and tallies
on the bulk load's second thread while it waits for the next. The worker that makes the last shard
writes the demo's counts (``result.json``).

The shard files live in a folder beside the database being built (:func:`shard_folder`), removed when
the build ends however it ends (the workers are stopped first), or by the next ``herstel demo`` when the
builder was killed; a worker that fails (or is killed) fails the build, and
the caller's transaction rolls back. Ctrl-C is the builder's (the workers ignore it and are stopped);
a worker whose builder was killed removes the folder and stops.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from herstel_tui.domain.routekaart import Routekaart
from herstel_tui.services.demo import (
    DEMO_KEPT_INDEXES,
    DEMO_TABLES,
    DEMO_TEMP_PREFIX,
    DemoPlan,
    Rows,
    finish_demo,
    insert_rows,
    walk,
)
from herstel_tui.store.bulk import bulk_load
from herstel_tui.store.db import Store

MAX_SHARDS = 8  # attached at once, with the database itself: within SQLite's default limit of 10
WAIT_STEP = 0.05  # seconds between looks for a finished shard


def shard_folder(database: Path) -> Path:
    """A new folder for the shard files, beside the database being built and named as the demo's
    temporary files are (with this process's id): a builder that was killed leaves it, and the next
    ``herstel demo`` there removes it (:func:`herstel_tui.services.demo.remove_stale_demo_files`)."""
    return Path(tempfile.mkdtemp(prefix=f"{DEMO_TEMP_PREFIX}{os.getpid()}-shards-", dir=database.parent))


def shard_path(folder: Path, shard: int) -> Path:
    return folder / f"shard-{shard}.db"


def _done_path(folder: Path, shard: int) -> Path:
    return folder / f"shard-{shard}.done"


def make_shards(
    folder: str,
    worker: int,
    workers: int,
    shard_cases: int,
    shards: int,
    rk: Routekaart,
    cases: int,
    plan: DemoPlan,
) -> None:
    """A worker process: make its shards (:func:`owner`) into their files (made with the tables by the
    builder), each marked done when complete."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the builder's: it stops the workers
    # Without the cycle collector: a worker makes tuples of strings and numbers, let go per batch (no cycles),
    # and the collector's passes over each batch's lists were ~2% of its instructions (callgrind, 20,000 cases)
    gc.disable()
    parent = multiprocessing.parent_process()
    here = Path(folder)
    last_own = max(s for s in range(shards) if owner(s, workers, shards) == worker)

    def orphaned() -> None:
        """A builder that was killed cannot remove the shards: the worker does, and stops."""
        if parent is not None and not parent.is_alive():
            shutil.rmtree(here, ignore_errors=True)
            raise SystemExit(1)

    open_shard: list[Any] = [None, None]  # (shard, connection) being written

    def close(shard: int) -> None:
        conn = open_shard[1]
        if conn is not None and open_shard[0] == shard:
            conn.commit()
            conn.close()
            open_shard[:] = [None, None]
        _done_path(here, shard).touch()

    def write(shard: int, rows: Rows, _last: int) -> None:
        orphaned()
        if open_shard[0] != shard:
            conn = sqlite3.connect(shard_path(here, shard), isolation_level=None)
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF"):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("BEGIN")
            open_shard[:] = [shard, conn]
        insert_rows(open_shard[1], rows)

    done = [0]  # shards below this are marked done (own ones) or another's

    def enter(shard: int) -> None:
        orphaned()
        for s in range(done[0], min(shard, shards)):
            if owner(s, workers, shards) == worker:
                close(s)
        done[0] = max(done[0], shard)
        if shard > last_own and last_own != shards - 1:
            raise _Finished  # the rest is other workers' shards, and the counts are the last one's

    try:
        result = walk(
            rk,
            cases,
            plan,
            write=write,
            shard_cases=shard_cases,
            mine=lambda s: owner(s, workers, shards) == worker,
            enter=enter,
        )
    except _Finished:
        return
    # (the last shard is this worker's: enter of one past it closed it) the counts, for the builder
    tmp = here / f"result-{worker}.json"
    tmp.write_text(json.dumps(result))
    tmp.replace(here / "result.json")


def owner(shard: int, workers: int, shards: int) -> int:
    """The worker that makes ``shard``: each makes a run of consecutive shards, as many as the others (one
    more or less), the first worker the first run."""
    return shard * workers // shards


class _Finished(Exception):
    """A worker's last shard is done."""


def build_in_shards(
    store: Store, cases: int, plan: DemoPlan, *, workers: int, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """:func:`herstel_tui.services.demo.build_demo` with its rows made by ``workers`` processes."""
    shards = max(1, min(MAX_SHARDS, -(-cases // plan.batch_cases)))
    shard_cases = -(-cases // shards)
    folder = shard_folder(store.path)
    conn = store.conn
    tables = conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({','.join('?' * len(DEMO_TABLES))})"
        " ORDER BY rowid",
        DEMO_TABLES,
    ).fetchall()
    attached: list[str] = []
    procs: list[Any] = []
    try:
        for s in range(shards):
            with sqlite3.connect(shard_path(folder, s)) as shard:
                shard.execute("PRAGMA journal_mode = OFF")
                for (sql,) in tables:
                    shard.execute(sql)
            shard.close()
            conn.execute(f"ATTACH DATABASE ? AS shard{s}", (str(shard_path(folder, s)),))
            attached.append(f"shard{s}")
        spawn = multiprocessing.get_context("spawn")
        for w in range(min(workers, shards)):
            args = (str(folder), w, min(workers, shards), shard_cases, shards, store.routekaart, cases, plan)
            proc = spawn.Process(target=make_shards, args=args, name=f"demo-shards-{w}", daemon=True)
            proc.start()
            procs.append(proc)
        # deferred: BEGIN IMMEDIATE would lock every attached shard for writing, and the workers still
        # write theirs (each is read only once it is complete)
        with store.transaction(deferred=True) as conn:
            with bulk_load(conn, DEMO_TABLES, keep=DEMO_KEPT_INDEXES) as load:
                for s in range(shards):
                    _wait_for(_done_path(folder, s), procs)
                    load.wait()  # the previous shard's fill is done: the connection is ours
                    _copy_shard(conn, s)
                    last = conn.execute("SELECT max(id) FROM main.cases").fetchone()[0] or 0
                    load.written(last)
                    if progress:
                        progress(last)
                load.wait()
            _wait_for(folder / "result.json", procs)
            result: dict[str, int] = json.loads((folder / "result.json").read_text())
            finish_demo(store, conn, plan, result)
        conn.execute("ANALYZE")
        return result
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for name in attached:
            conn.execute(f"DETACH DATABASE {name}")
        shutil.rmtree(folder, ignore_errors=True)


def _copy_shard(conn: sqlite3.Connection, shard: int) -> None:
    """Copy a complete shard's rows into the database's tables, without checking their CHECK constraints
    again: a shard's tables are the database's (the same SQL, the same constraints), so each row was checked
    as its worker wrote it (the copy of a 100,000-case demo's rows, callgrind: 12.7 billion instructions
    with the checks, 10.0 without). NOT NULL, the unique keys and the foreign keys (one pass after the
    build, make_demo) are checked as before. The pragma is a switch of SQLite's compiler (changing it
    makes SQLite prepare its statements again), and is off again before the shard's search rows and
    tallies are filled."""
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        for table in DEMO_TABLES:
            conn.execute(f'INSERT INTO main."{table}" SELECT * FROM shard{shard}."{table}"')
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def _wait_for(path: Path, procs: list[Any]) -> None:
    """Until ``path`` exists; a worker that ended with an error (or was killed) ends the build."""
    while not path.exists():
        for proc in procs:
            if proc.exitcode not in (None, 0):
                raise RuntimeError(f"demo: een hulpproces stopte met een fout ({proc.name}, code {proc.exitcode})")
        live = [proc.sentinel for proc in procs if proc.exitcode is None]
        if not live:
            if path.exists():
                return
            raise RuntimeError(f"demo: de hulpprocessen stopten zonder {path.name}")
        wait(live, timeout=WAIT_STEP)
        time.sleep(0)
