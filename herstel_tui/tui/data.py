"""The desk's way to the store: only Store methods, never SQL, always off the UI thread.

- Writes and case screens use the app's one Store, one call at a time (``lock``): its read
  methods are not under the Store's own lock, and a worker must never read half of another
  worker's transaction.
- The case list reads through a small pool of read-only Stores on the same file, so a slow
  count for a one-letter search never holds up the next keystroke's query, a case screen or a save.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from herstel_tui.domain import clock
from herstel_tui.domain.record import record
from herstel_tui.store.caselist import CaseFilter, CaseRow, ListReader, Sections, sectioned

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.tui.bundle import CaseBundle

PAGE = 200
READERS = 3


@record
class ListResult:
    """The first answer for a filter: one page of rows, and the count when the page told it.
    (A record, not a dataclass: this module is on the way to the desk's first paint.)"""

    filter: CaseFilter
    offset: int
    rows: list[CaseRow]
    count: int | None
    sections: Sections | None = None  # the list's sections, when known with the page


class DeskData:
    """``DeskData(store)``; or ``DeskData(path=…, user=…, opener=…)`` to paint the list first and
    open the full Store (pydantic, migrations, checks) in the background afterwards."""

    def __init__(
        self,
        store: Store | None = None,
        today: date | None = None,
        readers: int = READERS,
        *,
        path: Any = None,
        user: str | None = None,
        opener: Callable[[], Store] | None = None,
        reader: ListReader | None = None,
    ):
        """``reader``: a list reader on ``path`` already open (the light start's check), the pool's first."""
        self._store = store
        self._opener = opener
        self._open_lock = threading.Lock()
        if store is not None:
            self.path = path if path is not None else store.path
            self.user: str = user if user is not None else store.user
        elif path is not None and user is not None and opener is not None:
            self.path, self.user = path, user
        else:
            raise ValueError("DeskData needs a store, or a path, a user and an opener")
        self._today = today
        self.lock = threading.RLock()
        self._free: list[ListReader] = [reader] if reader is not None else []
        self._all: list[ListReader] = [reader] if reader is not None else []
        self._pool_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(readers)
        self._watch: ListReader | None = None  # polls for colleagues' saves until the Store is open
        self._seen: int | None = None  # SQLite's data_version at the last look (colleagues_saved)
        self._colleagues_lock = threading.Lock()
        self.prefetched: Future[ListResult | None] | None = None

    @property
    def store(self) -> Store:
        """The one read-write Store; opened on first use when the desk started light."""
        if self._store is None:
            with self._open_lock:
                if self._store is None:
                    assert self._opener is not None  # checked in __init__
                    self._store = self._opener()
        return self._store

    @property
    def store_open(self) -> bool:
        return self._store is not None

    @property
    def watching(self) -> bool:
        """Whether colleagues' saves are looked for on a connection of its own (until the Store
        is open; from then on the Store's connection tells)."""
        return self._watch is not None

    def is_demo(self) -> bool:
        """Whether the file is a demo database (``herstel demo``, synthetic cases): the title bar
        says so, lest real parents be typed into it. On the light start's reader until the Store is open."""
        if self._store is not None:
            return self._store.is_demo()
        with self.reader() as rd:
            return rd.is_demo()

    def stale_index(self) -> bool:
        """Whether opening the full Store would change rows of the list (a period in the case
        index that has run out by today: the Store recomputes it on opening)."""
        with self.reader() as rd:
            return rd.has_stale_periods(self.today)

    def colleagues_saved(self) -> bool:
        """Whether another connection has committed since the last call (False on the first):
        SQLite's data_version, on the Store's connection once it is open (it does not count the
        desk's own saves), until then on a read-only connection of its own. At the switch a save of
        the desk's own between the Store opening and the next look counts once (one extra reload);
        nothing is missed."""
        with self._colleagues_lock:  # a poll still waiting for a long save meets the next one here
            return self._colleagues_saved()

    def _colleagues_saved(self) -> bool:
        if self._store is None:
            if self._watch is None:
                self._watch = ListReader(self.path)
            return self._look(self._watch.data_version())
        version = self.call(self._store.data_version)
        if self._watch is None:
            return self._look(version)
        # The Store opened since the last look: its first reading first, then a last look on the
        # old connection (a save in between is seen by one of them, none by neither).
        watch, self._watch = self._watch, None
        try:
            changed = self._look(watch.data_version())
        finally:
            watch.close()
        self._seen = version
        return changed

    def _look(self, version: int) -> bool:
        changed = self._seen is not None and version != self._seen
        self._seen = version
        return changed

    def warm_up(self) -> None:
        """Read the routekaart (off the UI thread) before the first case screen needs it."""
        from herstel_tui.settings.resources import default_routekaart

        default_routekaart()

    @property
    def today(self) -> date:
        return self._today or clock.today()

    # -- reading the list --------------------------------------------------------------------

    @contextmanager
    def reader(self) -> Iterator[ListReader]:
        """A read-only connection for one list query, from a small pool."""
        with self._slots:
            with self._pool_lock:
                rd = self._free.pop() if self._free else None
            if rd is None:
                rd = ListReader(self.path, self._store.passphrase if self._store is not None else None)
                with self._pool_lock:
                    self._all.append(rd)
            try:
                yield rd
            finally:
                with self._pool_lock:
                    self._free.append(rd)

    def interrupt_list_reads(self) -> None:
        """Stop the list queries now running (SQLite's interrupt; safe from any thread): a new
        filter makes them moot. On a million cases the count for a one-letter search takes half a
        second; without this every keystroke of a name waited for the ones before it (issue 18).
        A query started after this call is not affected (SQLite clears the flag when a statement
        starts on an idle connection); an interrupted one raises, and its worker's result, of an
        older generation, is dropped."""
        with self._pool_lock:
            busy = [rd for rd in self._all if rd not in self._free]
        for rd in busy:
            rd.interrupt()

    @contextmanager
    def snapshot_store(self) -> Iterator[Store]:
        """A read-only Store of its own, for long reads (the overview) that must not hold up
        saves; the main store under the lock when a read-only one cannot be opened."""
        from herstel_tui.settings.resources import open_store
        from herstel_tui.store import StoreError

        try:
            passphrase = self._store.passphrase if self._store is not None else None
            st = open_store(self.path, self.user, create=False, readonly=True, passphrase=passphrase)
        except StoreError:
            with self.lock:
                yield self.store
            return
        try:
            yield st
        finally:
            st.close()

    def first_page(
        self,
        f: CaseFilter,
        offset: int = 0,
        limit: int = PAGE,
        cancelled: Callable[[], bool] = lambda: False,
        *,
        with_sections: bool = False,
    ) -> ListResult | None:
        """The page at ``offset``; ``with_sections``: the sections counted first (the list is
        read again after a change: the page and its headings agree)."""
        with self.reader() as rd:
            if cancelled():
                return None
            sections = rd.sections(f, self.today) if with_sections and sectioned(f) else None
            rows = rd.page(f, self.today, offset, limit, sections)
        if sections is not None:
            return ListResult(f, offset, rows, sections.total, sections)
        count = offset + len(rows) if (len(rows) < limit and (rows or offset == 0)) else None
        if count is not None and offset == 0 and sectioned(f):
            sections = Sections.of_rows(rows, self.today)  # every match is on this page
        return ListResult(f, offset, rows, count, sections)

    def count(self, f: CaseFilter) -> int:
        with self.reader() as rd:
            return rd.count(f, self.today)

    def page(self, f: CaseFilter, offset: int, limit: int = PAGE, sections: Sections | None = None) -> list[CaseRow]:
        with self.reader() as rd:
            return rd.page(f, self.today, offset, limit, sections)

    def sections(self, f: CaseFilter, total: int | None = None) -> Sections:
        with self.reader() as rd:
            return rd.sections(f, self.today, total)

    def prefetch(self, f: CaseFilter) -> None:
        """Start the first page before Textual is even up, so the first paint has rows."""
        fut: Future[ListResult | None] = Future()

        def run() -> None:
            try:
                fut.set_result(self.first_page(f))
            except BaseException as exc:
                fut.set_exception(exc)

        threading.Thread(target=run, name="herstel-prefetch", daemon=True).start()
        self.prefetched = fut

    # -- the main store ------------------------------------------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one Store method (or a few, in a function) alone on the main store."""
        with self.lock:
            return fn(*args, **kwargs)

    def load_case(self, case_id: int, *, log: bool = True) -> CaseBundle:
        with self.lock:
            st = self.store
            case = st.cases.get(case_id)
            person = st.persons.get(case.person_id)
            household = st.persons.household_of(case.person_id)
            view = st.cases.view(case_id, today=self.today)
            notes = st.cases.notes(case_id)
            event_notes = {e.id: e.note for e in st.cases.events(case_id) if e.id is not None and e.note}
            verification = st.codes.current(self.today)
            laptop = st.checkouts.out_with(case_id)
            conflicts = st.checkouts.conflicts(case_id=case_id)
            if log:
                st.audit.viewed(person_id=person.id, case_id=case_id)
        from herstel_tui.tui.bundle import CaseBundle

        rk = st.routekaart
        track = case.track.value
        step = None
        if view.current is not None and rk.has_step(track, view.current.step):
            step = rk.step(track, view.current.step)
        elif rk.tracks[track].steps:
            step = rk.tracks[track].steps[0]
        return CaseBundle(
            case,
            person,
            household,
            view,
            notes,
            step,
            rk.tracks[track].title,
            rk,
            verification,
            laptop,
            conflicts,
            event_notes,
        )

    def close(self) -> None:
        with self._pool_lock:
            for rd in self._all:
                try:
                    rd.close()
                except Exception:
                    pass
            self._all.clear()
            self._free.clear()
            if self._watch is not None:
                self._watch.close()
                self._watch = None
