"""A whole-index rebuild split over this process and a child (store/index_split.py): the index, the
tallies and the progress as a rebuild in one process leaves them; a write by another connection, or
by this Store's connection, after the child read its range is never overwritten by what the child
computed; a child that fails leaves its ranges to this process."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import deque
from queue import Queue

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from herstel_tui.store import index_split
from herstel_tui.store.overview import tallies_differ
from tests.store.test_case_deadlines import nine_weeks, recomputed
from tests.support.data import TODAY
from tests.support.demo import copy_of, demo_fixtures

demo_file, demo = demo_fixtures("split", cases=120, seed=28)


class _Hooks:
    """The split's claims and answers watched: this process takes no range before the child has
    claimed one (unless ``wait_claim`` is False; with ``wait_answer``: and answered it), then
    ``meanwhile`` runs once."""

    def __init__(self, monkeypatch, *, wait_claim: bool = True, wait_answer: bool = False, meanwhile=None):
        self.claimed = threading.Event()
        self.answered = threading.Event()
        self.from_child: list[tuple[int, int]] = []
        hooks = self

        class Claims(deque):
            first = True

            def pop(self):  # the child's claim (from the back)
                got = super().pop()
                hooks.claimed.set()
                return got

            def popleft(self):  # this process's
                if Claims.first:
                    Claims.first = False
                    assert not wait_claim or hooks.claimed.wait(60)
                    if wait_answer:
                        assert hooks.answered.wait(60)
                    if meanwhile is not None:
                        meanwhile()
                return super().popleft()

        class Answers(Queue):
            def put(self, item, *args, **kw):
                super().put(item, *args, **kw)
                hooks.answered.set()

        real_write_diff = index_split.write_diff

        def write_diff(conn, first, last, diff):
            self.from_child.append((first, last))
            return real_write_diff(conn, first, last, diff)

        monkeypatch.setattr(index_split, "deque", Claims)
        monkeypatch.setattr(index_split, "Queue", Answers)
        monkeypatch.setattr(index_split, "write_diff", write_diff)
        monkeypatch.setattr(index_split, "SPLIT_FROM", 1)
        monkeypatch.setattr(index_split, "MEASURE_FOR", 0.0)  # (no range here alone first)
        monkeypatch.setattr(index_split, "free_cores", lambda before, cores: 1.0)  # (a shared machine's may not)
        monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 10)


def _rebuild(store, seen: list[tuple[int, int]] | None = None) -> int:
    store.routekaart = nine_weeks()  # a routekaart change: rows to rewrite in most ranges
    return store.cases.rebuild_summaries(
        TODAY, progress=lambda done, total: (seen if seen is not None else []).append((done, total))
    )


def test_a_split_rebuild_leaves_the_index_tallies_and_progress_of_one_process(demo, tmp_path, monkeypatch):
    alone = copy_of(demo, tmp_path, "alone.db")
    with clock.fixed(TODAY), open_store(alone, "t") as store:
        _rebuild(store)
        one_process = store.cases.stored_index()
        tallies = [
            store.conn.execute(f"SELECT * FROM {t} ORDER BY grp").fetchall()
            for t in ("overview_groups", "overview_deadlines")
        ]
    hooks = _Hooks(monkeypatch)
    seen: list[tuple[int, int]] = []
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert index_split.may_split(store.cases, 120)
        assert _rebuild(store, seen) == 120
        assert hooks.from_child  # (ranges the child computed, written here)
        assert store.cases.stored_index() == one_process == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []
        assert [
            store.conn.execute(f"SELECT * FROM {t} ORDER BY grp").fetchall()
            for t in ("overview_groups", "overview_deadlines")
        ] == tallies
        assert store.meta("routekaart_hash") == store.routekaart.fingerprint
    assert seen[0] == (0, 120) and seen[-1] == (120, 120) and len(seen) == 13
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_split_rebuild_of_the_cases_holding_a_rule_leaves_the_index_of_one_process(demo, tmp_path, monkeypatch):
    """A change in a rule's own fields (store/index_batch.changed_rules): each range carries the
    ids of its cases holding the rule, here and in the child."""

    def partial(store) -> int:
        store.routekaart = nine_weeks()
        return store.cases.rebuild_summaries(TODAY, rules=["eerste_gesprek_voeren"])

    alone = copy_of(demo, tmp_path, "alone.db")
    with clock.fixed(TODAY), open_store(alone, "t") as store:
        holding = partial(store)
        one_process = store.cases.stored_index()
    hooks = _Hooks(monkeypatch)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert 10 < partial(store) == holding < 120
        assert hooks.from_child
        assert store.cases.stored_index() == one_process == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []


def _drop_last_event_of_last_case(conn: sqlite3.Connection) -> int:
    """A write the child's range (the last cases) depends on: the last case's latest event gone."""
    case_id = conn.execute("SELECT max(case_id) FROM events").fetchone()[0]
    conn.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events WHERE case_id = ?)", (case_id,))
    return case_id


def test_another_connections_commit_after_the_child_read_its_range_is_indexed(demo, monkeypatch):
    """The child answered for the last cases; then another connection removes an event of one of
    them: this process sees data_version move, computes every remaining range itself."""

    def colleague():
        other = sqlite3.connect(demo)
        _drop_last_event_of_last_case(other)
        other.commit()
        other.close()

    hooks = _Hooks(monkeypatch, wait_answer=True, meanwhile=colleague)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        _rebuild(store)
        assert hooks.from_child == []  # nothing the child computed was written
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []


def test_a_write_through_this_stores_connection_after_the_child_read_is_indexed(demo, monkeypatch):
    """The same write by another thread of this Store (one connection: data_version does not
    move, its total_changes does)."""
    stores = []

    def other_thread():
        with stores[0].transaction() as conn:
            _drop_last_event_of_last_case(conn)

    hooks = _Hooks(monkeypatch, wait_answer=True, meanwhile=other_thread)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        stores.append(store)
        _rebuild(store)
        assert hooks.from_child == []
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []


_LOADED = "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
_READY = "pickle.load(sys.stdin.buffer); pickle.dump(True, sys.stdout.buffer); sys.stdout.flush(); "


@pytest.mark.parametrize(
    ("boot", "claims"),
    [  # it raises on its range (and answers so), it dies with its range unanswered, or before it is ready
        (
            _LOADED + "from herstel_tui.store import cases, index_split; "
            "cases.CaseRepository.shaped_range = None; index_split.child()",
            True,
        ),
        (_LOADED + _READY + "pickle.load(sys.stdin.buffer); sys.exit(3)", True),
        (_LOADED + "sys.exit(3)", False),
        # it hangs in its range, or before it is ready: stopped after CHILD_SILENCE
        (_LOADED + _READY + "pickle.load(sys.stdin.buffer); import time; time.sleep(600)", True),
        (_LOADED + "import time; time.sleep(600)", False),
    ],
)
def test_a_child_that_fails_leaves_its_ranges_to_this_process(demo, monkeypatch, boot, claims):
    hooks = _Hooks(monkeypatch, wait_claim=claims)
    monkeypatch.setattr(index_split, "_BOOT", boot)
    monkeypatch.setattr(index_split, "CHILD_SILENCE", 1.0)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert _rebuild(store) == 120
        assert hooks.from_child == []
        assert hooks.claimed.is_set() == claims
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []


def test_no_split_below_its_size_in_a_transaction_on_a_copy_or_encrypted(demo, monkeypatch):
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert not index_split.may_split(store.cases, index_split.SPLIT_FROM - 1)
        assert index_split.may_split(store.cases, index_split.SPLIT_FROM) == (len(os.sched_getaffinity(0)) > 1)
        with store.transaction():
            assert not index_split.may_split(store.cases, index_split.SPLIT_FROM)
        with store.private_copy() as copy:  # (a dry run's: its path names the file it was copied from)
            assert not index_split.may_split(copy.cases, index_split.SPLIT_FROM)
        monkeypatch.setattr(store, "encrypted", True)
        assert not index_split.may_split(store.cases, index_split.SPLIT_FROM)


def _no_child(monkeypatch) -> list:
    """The split's static conditions met (small ranges), its child's start recorded (and refused)."""
    started: list = []

    def popen(*args, **kw):
        started.append(args)
        raise AssertionError("no child expected")

    monkeypatch.setattr(index_split.subprocess, "Popen", popen)
    monkeypatch.setattr(index_split, "SPLIT_FROM", 1)
    monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 10)
    return started


@pytest.mark.parametrize(("idle", "measure_for"), [(0.2, 0.0), (1.0, 600.0)])
def test_no_child_without_a_core_to_spare_or_when_the_first_ranges_were_all(demo, monkeypatch, idle, measure_for):
    """Less than FREE_CORE idle over the first ranges: the rest here alone, as in one process; or
    every range done while measuring."""
    started = _no_child(monkeypatch)
    monkeypatch.setattr(index_split, "MEASURE_FOR", measure_for)
    asked: list = []
    monkeypatch.setattr(index_split, "free_cores", lambda before, cores: asked.append(before) or idle)
    seen: list[tuple[int, int]] = []
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert _rebuild(store, seen) == 120
        assert started == []
        assert len(asked) == (0 if measure_for else 1)
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []
        assert store.meta("routekaart_hash") == store.routekaart.fingerprint
    assert seen[0] == (0, 120) and seen[-1] == (120, 120) and len(seen) == 13


def test_the_child_starts_after_the_measured_ranges_and_takes_none_of_them(demo, monkeypatch):
    hooks = _Hooks(monkeypatch, wait_answer=True)  # (this process's first claim waits for the child's answer)
    monkeypatch.setattr(index_split, "MEASURE_FOR", 0.12)
    alone: list[int] = []
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        real_write_range = store.cases.write_range

        def write_range(
            today, first, last, cases=None, rules=None
        ):  # a range takes 0.05 s: two or three before the child
            if not hooks.claimed.is_set():
                time.sleep(0.05)
                alone.append(first)
            return real_write_range(today, first, last, cases, rules)

        monkeypatch.setattr(store.cases, "write_range", write_range)
        assert _rebuild(store) == 120
        firsts = sorted(r[0] for r in store.conn.execute("SELECT min(id) FROM cases GROUP BY (id - 1) / 10"))
        assert alone and alone == firsts[: len(alone)]  # the first ranges, here
        assert hooks.from_child  # the child took the rest (its routekaart carrying the shapes judged here)
        assert not set(alone) & {first for first, _ in hooks.from_child}  # none of them by the child
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []


_STAT = """cpu  400 0 100 900 20 0 0 30 0 0
cpu0 100 0 50 400 10 0 0 10 0 0
cpu1 300 0 50 500 10 0 0 20 0 0
intr 1 2 3
"""


def test_cpu_ticks_counts_idle_and_iowait_of_the_cores_this_process_may_use(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_text(_STAT)
    monkeypatch.setattr(index_split, "_PROC_STAT", str(stat))
    monkeypatch.setattr(index_split.os, "sched_getaffinity", lambda pid: {0, 1})
    assert index_split.cpu_ticks() == (410 + 510, 570 + 880)
    monkeypatch.setattr(index_split.os, "sched_getaffinity", lambda pid: {1})
    assert index_split.cpu_ticks() == (510, 880)
    stat.write_text("cpu0 nonsense\n")
    assert index_split.cpu_ticks() is None
    monkeypatch.setattr(index_split, "_PROC_STAT", str(tmp_path / "absent"))
    assert index_split.cpu_ticks() is None


def test_free_cores_from_proc_stat_else_the_load_average(monkeypatch):
    monkeypatch.setattr(index_split, "cpu_ticks", lambda: (1150, 2000))
    # 200 ticks on 2 cores since (1000, 1800): 150 of them idle -> 1.5 cores free
    assert index_split.free_cores((1000, 1800), 2) == pytest.approx(1.5)
    monkeypatch.setattr(index_split.os, "getloadavg", lambda: (3.5, 2.0, 1.0))
    assert index_split.free_cores((1150, 2000), 2) == pytest.approx(-1.5)  # no tick since: the load average
    monkeypatch.setattr(index_split, "cpu_ticks", lambda: None)
    assert index_split.free_cores(None, 2) == pytest.approx(-1.5)
    monkeypatch.delattr(index_split.os, "getloadavg")
    assert index_split.free_cores(None, 2) is None


def test_a_child_that_cannot_be_started_leaves_the_rebuild_to_this_process(demo, monkeypatch):
    hooks = _Hooks(monkeypatch, wait_claim=False)

    def popen(*args, **kw):
        raise OSError("no processes left")

    monkeypatch.setattr(index_split.subprocess, "Popen", popen)
    seen: list[tuple[int, int]] = []
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        assert _rebuild(store, seen) == 120
        assert store.cases.stored_index() == recomputed(store, TODAY)
        assert tallies_differ(store.conn) == []
    assert seen[-1] == (120, 120)
    assert hooks.from_child == []
