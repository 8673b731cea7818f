"""A whole-index rebuild split over two processes (issue 18: 100,000 cases in about two seconds).

Computing a range of cases' index rows (reading their events, laying their shapes, reading the
stored rows back and comparing) is most of a rebuild, and needs only reading. So a child process
(a new interpreter, see :data:`_BOOT`) opens the file read-only and computes
:func:`.index_batch.index_diff` for one range at a time from the back, while this process computes
ranges from the front itself (each claim a pop from one deque); this process alone writes, each
range in a short transaction of its own, as the single-process rebuild does.

Never rows computed from data older than what is committed: the register as the child reads it is
the register when the split began, as long as nobody else wrote since. Each write transaction
checks that first: SQLite's ``data_version`` (changes when another connection commits) and this
connection's ``total_changes`` (another thread of this Store writing through it; the rebuild's own
writes counted in after each of its transactions). After any such write the child's answers are
no longer used: those ranges and every one left are computed in their own write transaction, as
without a child. A child that fails to start, raises or dies leaves its ranges to this process.

Only with a core to spare: a second process on a machine whose cores are all busy takes CPU from
the others and, its start and its share of the reading paid again, made the rebuild slower there.
This process computes the first ranges alone for :data:`MEASURE_FOR` and measures meanwhile how
much of the machine stood idle (:func:`free_cores`); the child starts only when at least
:data:`FREE_CORE` of a core did.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from queue import Empty, Queue
from typing import IO, TYPE_CHECKING

from herstel_tui.store.index_batch import Batch, IndexDiff, write_diff

if TYPE_CHECKING:
    from herstel_tui.store.cases import CaseRepository

# Cases: fewer are rebuilt in this process alone. On an idle core the split saves about
# (c*N - m - s)/2 less half a range: c ~29 us of CPU a case (a rebuild with nothing to write), m the
# measuring (one range, 0.15 s), s the child's start (0.36 s of CPU: the interpreter, the store's
# imports, the routekaart), all measured by bench/bench_split.py and its child's CPU. From 40,000
# cases that is 0.2 s of 1.2 s (~17 %) for ~0.4 s more CPU; at 20,000 nothing (0.6 s of work).
SPLIT_FROM = 40_000
# The machine's idle time over the first ranges, computed here alone: from this share of a core
# left idle (besides the one this process keeps busy) the child starts. Measured from /proc/stat
# (idle and iowait ticks of the cores this process may run on) rather than the load average, which
# lags by a minute (a colleague's job that just started or ended is not in it yet, or still is) and
# counts processes waiting on the disk as load. Elsewhere: the load average; without either: split.
FREE_CORE = 0.5
MEASURE_FOR = 0.1  # s: at least this long (one range of 5,000 cases) computed here before deciding
_PROC_STAT = "/proc/stat"
# The child: a new interpreter (not a fork: a forked SQLite connection must not be used; not
# multiprocessing's spawn either, which runs the parent's main module again) that takes this
# process's import path first, then runs child() below.
_BOOT = "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); from herstel_tui.store.index_split import child; child()"
_FAILED = object()  # a range the child did not compute (it failed): computed here
# seconds this process, its own ranges done, waits for the child's next word before it stops the
# child and computes what the child held itself (a range is 0.3 s of work; a child stuck starting
# or in a range must not hold the desk's opening). Polled against time.monotonic(), not a timed
# Queue.get: a timed wait's deadline goes by the real clock, which under a shifted clock (faketime,
# as CI's second run) it never reaches.
CHILD_SILENCE = 30.0


def may_split(repo: CaseRepository, total: int) -> bool:
    """Whether a rebuild of ``total`` cases is split: many cases, two cores, a plain local file
    (not encrypted: the passphrase stays in this process; not on a network drive) that is the
    connection's own, and no open transaction (whose writes the child could not see)."""
    store = repo.store
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (
        total >= SPLIT_FROM
        and cores > 1
        and bool(sys.executable)
        and not getattr(sys, "frozen", False)  # (a bundled app's executable is no Python to run -c with)
        and not store.encrypted
        and not store.network_fs
        and not store.readonly
        and not repo.conn.in_transaction
        and _same_file(repo.conn.execute("PRAGMA database_list").fetchone()[2], store.path)
    )


def _same_file(name: str, path: Path) -> bool:
    """Whether the connection's main database (its file ``name``; '' for a temporary or in-memory
    one, as a dry run's private copy is) is the file at ``path``, which the child opens."""
    try:
        return bool(name) and os.path.samefile(name, path)
    except OSError:
        return False


def cpu_ticks() -> tuple[int, int] | None:
    """(idle ticks, all ticks) of the cores this process may run on so far, from /proc/stat (idle
    and iowait count as idle; steal, a virtual machine's host's, does not); None without it."""
    try:
        with open(_PROC_STAT, encoding="ascii") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    idle = ticks = 0
    try:
        for line in lines:
            name, *fields = line.split()
            if not name.startswith("cpu") or name == "cpu":
                continue
            if allowed is not None and int(name[3:]) not in allowed:
                continue
            # user nice system idle iowait irq softirq steal (guest time is counted in user already)
            counts = [int(f) for f in fields[:8]]
            idle += counts[3] + counts[4]
            ticks += sum(counts)
    except (ValueError, IndexError):
        return None
    return (idle, ticks) if ticks else None


def free_cores(before: tuple[int, int] | None, cores: int) -> float | None:
    """How many of ``cores`` stood idle since ``before`` (:func:`cpu_ticks`), on average; without
    /proc/stat, ``cores`` less the load average of the last minute; None when neither says."""
    after = cpu_ticks()
    if before is not None and after is not None:
        ticks = after[1] - before[1]
        if ticks > 0:
            return cores * (after[0] - before[0]) / ticks
    if hasattr(os, "getloadavg"):
        try:
            return cores - os.getloadavg()[0]
        except OSError:
            pass
    return None


def _start_child() -> subprocess.Popen[bytes] | None:
    """The child process (:func:`child`), or None when the system gives none."""
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


def rebuild_split(repo: CaseRepository, ranges: Sequence[Batch], today: date, progress: Callable[[int], None]) -> None:
    """Write the index of each range (:class:`.index_batch.Batch`), the first for
    :data:`MEASURE_FOR` here alone, then, with a core to spare, computed here from the front and by
    a child from the back (see the module text); ``progress(cases)`` after each range."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    before, began, start = cpu_ticks(), time.monotonic(), 0
    while start < len(ranges) and time.monotonic() - began < MEASURE_FOR:
        first, last, n, cases, rules = ranges[start]
        with repo.transaction():
            repo.write_range(today, first, last, cases, rules)
        progress(n)
        start += 1
    if start == len(ranges):
        return
    idle = free_cores(before, cores)
    proc = None if idle is not None and idle < FREE_CORE else _start_child()
    if proc is None:  # no core to spare, or no child to be had (e.g. no processes left): the rest here alone
        for first, last, n, cases, rules in ranges[start:]:
            with repo.transaction():
                repo.write_range(today, first, last, cases, rules)
            progress(n)
        return
    with repo.transaction() as conn:  # the register the child will read: this, until somebody writes
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        seen = conn.total_changes
    stale = False

    def write(first: int, last: int, n: int, cases: str | None, rules: str | None, computed: object) -> None:
        nonlocal seen, stale
        with repo.transaction() as conn:
            if not stale:
                stale = conn.execute("PRAGMA data_version").fetchone()[0] != version or conn.total_changes != seen
                if stale:
                    halt.set()  # what the child computes now is of no use: it takes no more ranges
            if computed is _FAILED or stale:
                repo.write_range(today, first, last, cases, rules)
            else:
                assert computed is None or isinstance(computed, IndexDiff)
                write_diff(conn, first, last, computed)
            seen = conn.total_changes  # (the lock is held: only this rebuild's writes since the check)
        progress(n)

    # not claimed yet: this process takes from the left, the child from the right (a deque's pops are atomic)
    pending = deque(range(start, len(ranges)))
    halt = threading.Event()
    results: Queue[tuple[int, object] | None] = Queue()  # the child's (range, diff), None when it stops
    assert proc.stdin is not None and proc.stdout is not None
    feeder = threading.Thread(
        target=_feed,
        args=(
            proc.stdin,
            proc.stdout,
            # pickled here, before this thread computes on: the routekaart's shapes (those judged
            # while measuring go along) change as ranges are computed, and a dict pickled while it
            # grows raises
            pickle.dumps((str(repo.store.path), repo.routekaart, today), protocol=pickle.HIGHEST_PROTOCOL),
            ranges,
            pending,
            halt,
            results,
        ),
        name="index-split",
        daemon=True,
    )
    feeder.start()
    finished = False  # the feeder's last word (None) taken

    def write_answers(wait: bool) -> None:
        """Write the child's answers that came (with ``wait``: every one, until the last)."""
        nonlocal finished
        heard = time.monotonic()
        while not finished:
            try:
                got = results.get_nowait()
            except Empty:
                if not wait:
                    return
                if time.monotonic() - heard > CHILD_SILENCE and proc.poll() is None:
                    proc.kill()  # silent too long: the feeder then gives its range (if any) back, and stops
                time.sleep(0.005)
                continue
            heard = time.monotonic()
            if got is None:
                finished = True
            else:
                write(*ranges[got[0]], got[1])

    try:
        while True:
            try:
                i = pending.popleft()
            except IndexError:
                break
            write(*ranges[i], _FAILED)  # (computed here, in its write transaction)
            write_answers(False)  # meanwhile the child's, so it need not wait for the end to be written
        write_answers(True)
    finally:
        halt.set()  # (the feeder sends no more)
        if not finished:
            proc.kill()  # left by an error here: a child busy or stuck in a range must not hold the join
        feeder.join()
        proc.wait()


def _feed(
    to_child: IO[bytes],
    from_child: IO[bytes],
    start: bytes,
    ranges: Sequence[Batch],
    pending: deque[int],
    halt: threading.Event,
    results: Queue[tuple[int, object] | None],
) -> None:
    """The thread that gives the child, once it says it is ready, one range at a time from the
    back, while any is left, and puts each answer on ``results`` (a range the child failed on: :data:`_FAILED`); None last."""
    i = None
    try:
        pickle.dump(sys.path, to_child)
        to_child.write(start)  # (pickled: path, routekaart, today)
        to_child.flush()
        pickle.load(from_child)  # ready: no range is claimed before (a slow start leaves them all here)
        while True:
            if halt.is_set():
                break
            try:
                i = pending.pop()
            except IndexError:
                break
            first, last, _, cases, rules = ranges[i]
            pickle.dump((first, last, cases, rules), to_child)
            to_child.flush()
            ok, diff = pickle.load(from_child)
            results.put((i, diff if ok else _FAILED))
            i = None
    except Exception:
        if i is not None:
            results.put((i, _FAILED))
    finally:
        results.put(None)
        for pipe in (to_child, from_child):
            try:
                pipe.close()
            except OSError:
                pass


def child() -> None:
    """The child's loop: a read-only Store on the file (no migration, no rebuild of its own), ready
    said, then for each (first, last, cases, rules) read from stdin (a :class:`.index_batch.Batch`'s) what differs in the index of those cases (events and
    stored rows read in one snapshot: :func:`.index_batch.index_diff`), written to stdout as
    (True, diff), or (False, why) when it failed; until stdin closes."""
    gc.disable()  # a million tuples and strings without cycles (as the rebuild pauses it)
    from herstel_tui.store.db import Store

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # (nothing but answers on the pipe)
    path, routekaart, today = pickle.load(source)
    store = Store(path, "herstel", routekaart=routekaart, readonly=True, create=False)
    pickle.dump(True, sink)  # ready
    sink.flush()
    try:
        while True:
            try:
                first, last, cases, rules = pickle.load(source)
            except EOFError:
                return
            try:
                with store.snapshot():
                    answer: tuple[bool, object] = (True, store.cases.range_diff(first, last, today, cases, rules))
            except Exception as exc:
                answer = (False, repr(exc))
            pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
            sink.flush()
    finally:
        store.close()
