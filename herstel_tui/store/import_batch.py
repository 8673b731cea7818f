"""One write transaction of a portal list import: the register as the import sees it, held in
memory, and the rows it writes sent to SQLite in bulk (issue 18: a 50,000-row list in seconds,
where person by person it took 25).

An :class:`ImportBatch` lives inside one ``store.transaction()`` of ``services.portal_import``.
It reads the persons, cases and latest events of the coming rows in three queries
(:meth:`prefetch`), answers the import's questions from that, and keeps what the rows write in
lists that :meth:`flush` sends with ``executemany`` when the batch ends. What it writes is what
the repositories write one by one, row for row and id for id: the person and the audit row of
``persons.add``, the household of ``persons.create_household``, the case of ``cases.open``, the
event of ``cases.record_event`` (judged by the routekaart engine first), the change of
``persons.update``, a toeslagpartner's place in a household (:meth:`link_partner`). Ids are given
in the order SQLite would give them (no table uses AUTOINCREMENT: the next rowid is the highest
plus one), so a list imported this way leaves the same tables as one imported row by row
(``tests/services/test_import_batch.py``).

Timeline events go this way unless they are a fact the household's members share (the
outcome, the payment: ``SHARED_STEPS``): the engine judges each against the case's history as
``cases.recorded`` and ``cases.role_of`` give it (read once per case, or known from the start for
a case the batch opened for a person it created; not while a partner link that may change the
person's role waits in the batch: see :meth:`knows`). Anything else runs through the repositories
(:meth:`direct`): the batch first sends what it holds, so the order of the rows stays the order of
the list, takes its counters from the database again afterwards and forgets the histories of the
persons whose household or shared facts the block may change.

A row (:meth:`row`) is all or nothing: what it put in the lists is taken out again when it raises,
and what it wrote through the repositories is undone by a savepoint opened for it at that moment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from typing import Any

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction, Role, Track
from herstel_tui.domain.models import Person, TimelineEvent
from herstel_tui.domain.routekaart import RecordedEvent, TransitionRefused
from herstel_tui.store.base import AUDIT_INSERT, HouseholdRefused, audit_json
from herstel_tui.store.card import (
    SHARED_STEP_IDS,
    SHARED_STEPS,
    brought_about,
    inherited_of,
    own_events,
    person_misfits,
    shared_rows,
)
from herstel_tui.store.import_flush import (
    ADDRESS_SET,
    CASE_INSERT,
    CASE_VERSION,
    CONTACT_UPDATE,
    CONTACT_VALUES,
    EVENT_INSERT,
    HOUSEHOLD_INSERT,
    ORDER,
    PERSON_INSERT,
    PERSON_UPDATE,
    PLAIN,
    ROW_JSON,
    UPDATABLE,
    UPDATABLE_SET,
    UPDATE_VALUES,
    NotesText,
    change_text,
    send,
)
from herstel_tui.store.import_rows import PERSON_FIELDS, case_detail, household_detail
from herstel_tui.store.persons import MEMBER_INSERT, person_changes, person_row, redacted_person
from herstel_tui.store.portal import ROW_DONE
from herstel_tui.store.repository import Repository

_PERSON_VALUES = itemgetter(*PERSON_FIELDS)  # a person's row (column -> value): its values in that order
_ID_TABLES = ("persons", "households", "cases", "events")
_SHARED = SHARED_STEP_IDS
_SANS_ID = itemgetter(0, 1, 2, 3, 4, 6)  # a RecordedEvent as the engine judges it (its id only orders)
_VERDICTS = 20_000  # the engine's verdicts remembered per batch (see record_event)
_UNJUDGED = object()
_ABSENT = object()
# A named tuple made by tuple.__new__ itself, not through its class's __new__ (a Python function):
# several a row (services.portal_import too).
new_tuple = tuple.__new__
# The members the rows write, looked up once (a member read off its class goes through the enum
# class's __getattr__ hook in this Python: ten times a module global's cost)
_CREATED, _CHANGED, _RECORDED = AuditAction.CREATED, AuditAction.CHANGED, AuditAction.RECORDED
_AANVRAGER, _TOESLAGPARTNER = Role.AANVRAGER.value, Role.TOESLAGPARTNER.value
_ADDED = AuditAction.ADDED
_PARTNER_DETAIL = f'{{"rol": "{_TOESLAGPARTNER}"}}'  # audit_json({"rol": "toeslagpartner"}): persons.add_to_household
_TRACKS = tuple(track.value for track in Track)


def _restore(mapping: dict, key: Any, old: Any) -> None:
    if old is _ABSENT:
        mapping.pop(key, None)
    else:
        mapping[key] = old


class ImportBatch(Repository):
    """See the module's docstring. Made by the import inside its transaction, and kept for the next
    one only when nobody wrote to the register in between (``services.portal_import``); :meth:`flush`
    before each transaction ends."""

    # False: every write through the repositories, one by one (what the bulk writes are compared
    # with in tests/services/test_import_batch.py)
    bulk = True

    def __init__(self, store: Any, *, throwaway: bool = False) -> None:
        """``throwaway``: a dry run's, on a private copy that is thrown away unread
        (``services.portal_import``): it keeps no audit rows and no row outcomes (nothing the
        import does reads them back; a row that writes through the repositories sends the rest)."""
        super().__init__(store)
        assert self.conn.in_transaction, "an import batch lives inside a transaction"
        self.throwaway = throwaway
        self.pending: dict[str, list[tuple]] = {sql: [] for sql in ORDER}
        self.persons: dict[str, dict[str, Any] | None] = {}  # bsn -> register row (column -> value), None: absent
        self.cases: dict[tuple[int, str], tuple[int, str]] = {}  # (person id, track) -> (id, zaaknummer)
        self.fetched: set[int] = set()  # persons whose cases and events are all in memory
        self.case_info: dict[int, tuple[int, str]] = {}  # their cases: id -> (person id, track)
        self.last: dict[tuple[int, str], tuple[str, str | None]] = {}  # (case, step) -> (fact date, outcome)
        # case -> (person id, track, the person's role, the events as the engine takes them: as
        # cases.recorded gives them), read when an event is to be written (see _history)
        self.history: dict[int, tuple[int, str, str | None, list[RecordedEvent]]] = {}
        # (person id, track) -> the person's role and the facts the household shares with them (the
        # part of a history that is not the case's own), kept as the histories are (see _history)
        self.facts: dict[tuple[int, str], tuple[str | None, list[RecordedEvent]]] = {}
        # person -> their role and the rows of the facts their household may share with them
        # (card.shared_rows), read with the persons (prefetch) for the facts above: two queries for
        # the coming rows, not two a person (a 50,000-row list on the 100k demo: 12,800 queries)
        self.ahead: dict[int, tuple[str | None, list[tuple]]] = {}
        self.opened: set[int] = set()  # the cases this batch opened for persons it created
        self.aanvragers: set[int] = set()  # persons this batch created (aanvrager of a household of one)
        # person -> the (household, role) memberships the batch wrote for them, sent or not (see link_partner)
        self.joined: dict[int, list[tuple[int, str]]] = {}
        # persons whose main role or shared facts link_partner may have changed while its rows wait in
        # the batch: the database tells those once they are sent (see knows)
        self.regrouped: dict[int, bool] = {}
        self.next_ids: dict[str, int] | None = None
        self.zaaknummers: dict[int, int] = {}  # year -> the last number given
        # (step, outcome, date, note) -> the model's step, outcome and note, the date as text, the
        # audit detail and the event as the engine takes it
        self.events_checked: dict[tuple, tuple[str, str | None, str | None, str, str, RecordedEvent]] = {}
        self._now: str | None = None
        self._second, self._stamp = -1, ""
        # what a failing row takes back: (function, arguments), called last first
        self._undo: list[tuple[Callable[..., Any], tuple]] | None = None
        # (track, role, events without ids, new event) -> the engine's refusal (Dutch) or None
        self.verdicts: dict[tuple, str | None] = {}
        self._marks: tuple[int, ...] = ()
        self._saved = False
        self._row_cases: set[int] = set()  # the cases the current row opened in bulk
        self._user = self.user  # (the store's: read once, not through the property a row)
        self._who = audit_json(self._user)
        self._notes_text = NotesText()  # (a row outcome's notes as JSON)

    # -- reading -----------------------------------------------------------------------------------

    def prefetch(self, bsns: Iterable[str]) -> None:
        """Read the persons with these BSNs, their cases and their cases' latest event per step."""
        wanted = sorted({b for b in bsns if b not in self.persons})
        if not wanted:
            return
        found: dict[str, dict[str, Any]] = {}
        cur = self.conn.execute(
            "SELECT * FROM persons WHERE bsn IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
        )
        cols = [d[0] for d in cur.description]
        for r in cur:
            row = dict(zip(cols, r))
            found[row["bsn"]] = row
        for b in wanted:
            self.persons[b] = found.get(b)
        found_ids = sorted(row["id"] for row in found.values())
        if found_ids and not self._saved:  # (after a row's own writes through the repositories: _history reads)
            roles, shared = shared_rows(self.conn, found_ids)
            ahead = self.ahead
            for pid in found_ids:
                if pid not in self.regrouped:  # (their link waits in the batch: the database is behind)
                    ahead[pid] = (roles.get(pid), shared.get(pid, []))
        ids = json.dumps(found_ids)
        self.fetched.update(found_ids)
        case_ids = []
        for cid, number, pid, track in self.conn.execute(
            "SELECT id, zaaknummer, person_id, track FROM cases WHERE person_id IN (SELECT value FROM json_each(?))",
            (ids,),
        ):
            self.cases[(pid, track)] = (cid, number)
            self.case_info[cid] = (pid, track)
            case_ids.append(cid)
        for cid, step, fact, outcome in self.conn.execute(
            "SELECT case_id, step, fact_date, outcome FROM events WHERE case_id IN (SELECT value FROM json_each(?))"
            " ORDER BY id",
            (json.dumps(case_ids),),
        ):
            self.last[(cid, step)] = (fact, outcome)  # the latest by id wins, as in cases.last_event

    def _history(self, case_id: int) -> tuple[int, str, str | None, list[RecordedEvent]]:
        """What ``cases.record_event`` asks of a case: its person, track, the person's role and the
        events as ``cases.recorded`` gives them (the shared facts first). Read from the database
        the first time: the case has no events waiting in the batch then (a case gets those only
        once its history is here, and a history is dropped only by :meth:`direct`, after a flush),
        and a case waiting to be inserted has none in the database either. Kept when the row fails
        (what it appended is taken off again): a list against a register refuses many rows (14,624
        of the 50,000 of bench_import on the 100k demo), and each read its case's history anew.
        Not kept when the row wrote through the repositories before the read, nor for a case the
        row opened itself: its id is given again to the next case opened, maybe another person's."""
        got = self.history.get(case_id)
        if got is None:
            pid, track = self.case_info[case_id]
            if case_id in self._row_cases and not self._saved:  # (opened by this row, nothing sent yet)
                own = []
            else:
                make = RecordedEvent._make
                own = [
                    make((step, date.fromisoformat(fact), outcome, correction != 0, reason, eid, False))
                    for step, fact, outcome, correction, reason, eid in self.conn.execute(
                        "SELECT step, fact_date, outcome, correction, reason, id FROM events WHERE case_id = ?"
                        " ORDER BY id",
                        (case_id,),
                    )
                ]
            # (a row refused again and again for one person opens their case again each time)
            facts = self.facts.get((pid, track))
            if facts is None:
                # only a toeslagpartner or a child shares the aanvrager's facts (as inherited_many decides)
                read = self.ahead.get(pid)
                if read is not None:
                    role = read[0]
                    shared = inherited_of(self.routekaart, role, read[1], track) if role in SHARED_STEPS else []
                else:
                    role = self.store.persons.main_roles([pid]).get(pid)
                    shared = (
                        self.store.cases.inherited_many([(pid, track)]).get((pid, track), [])
                        if role in SHARED_STEPS
                        else []
                    )
                facts = (role, shared)
                self._keep(self.facts, (pid, track), facts, self._saved)
            role, shared = facts
            got = (pid, track, role, shared + own)
            self._keep(self.history, case_id, got, self._saved or case_id in self._row_cases)
        return got

    def _keep(self, mapping: dict, key: Any, value: Any, with_row: bool) -> None:
        """Remember what was read: gone again when the row fails (``with_row``: read after the row's
        own writes, or of a case the row opened), else for good (the register as the rows before
        left it, which holds after this row, failed or not)."""
        if with_row:
            self._cache(mapping, key, value)
        else:
            mapping[key] = value

    def person(self, bsn: str) -> dict[str, Any] | None:
        """The register row of the person with this BSN (``persons.row_by_bsn``), else None."""
        try:
            return self.persons[bsn]
        except KeyError:  # (not prefetched)
            self.prefetch([bsn])
            return self.persons[bsn]

    def case(self, person_id: int, track: Track) -> tuple[int, str] | None:
        """(id, zaaknummer) of the person's case in ``track`` (``cases.id_of``)."""
        if person_id not in self.fetched:
            return self.store.cases.id_of(person_id, track)
        return self.cases.get((person_id, str(track)))  # (str: the value, without the enum's property)

    def last_event(self, case_id: int, step: str) -> tuple[str, str | None] | None:
        """(fact date, outcome) of the step's latest event of the case (``cases.last_event``)."""
        got = self.last.get((case_id, step))
        if got is not None:
            return got
        if case_id in self.case_info:
            return None
        return self.store.cases.last_event(case_id, step)

    # -- writing -----------------------------------------------------------------------------------

    def _ids(self) -> dict[str, int]:
        if self.next_ids is None:
            self.next_ids = {
                t: self.conn.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {t}").fetchone()[0] for t in _ID_TABLES
            }
        return self.next_ids

    def _take(self, table: str) -> int:
        ids = self._ids() if self.next_ids is None else self.next_ids
        new = ids[table]
        ids[table] = new + 1
        self._remember(ids.__setitem__, table, new)
        return new

    @property
    def now(self) -> str:
        """The time a row's writes are recorded at (once per row that writes; the clock is read
        once per second of the wall clock: its text has whole seconds)."""
        if self._now is None:
            second = int(time.time())
            if second != self._second:
                self._second, self._stamp = second, clock.now_iso()
            self._now = self._stamp
        return self._now

    def _put(self, sql: str, params: tuple) -> None:
        self.pending[sql].append(params)

    def _audit(
        self,
        action: AuditAction,
        entity: str,
        entity_id: int,
        detail: dict[str, Any] | str,
        person_id: int | None = None,
        case_id: int | None = None,
    ) -> None:
        """An audit row as ``store.audit.append`` writes it (``detail``: the dict, or its text)."""
        if self.throwaway:
            return
        self.pending[AUDIT_INSERT].append(
            (
                self.now if self._now is None else self._now,
                self._user,
                str(action),  # (its value as a plain str: sqlite3 binds that as it is, an enum by its adapter protocol)
                entity,
                entity_id,
                person_id,
                case_id,
                detail if isinstance(detail, str) else audit_json(detail),
            )
        )

    def _remember(self, undo: Callable[..., Any], *args: Any) -> None:
        """``undo(*args)`` when the row fails."""
        if self._undo is not None:
            self._undo.append((undo, args))

    def _cache(self, mapping: dict, key: Any, value: Any) -> None:
        """Set ``mapping[key]``, undone when the row fails."""
        if self._undo is not None:
            self._undo.append((_restore, (mapping, key, mapping.get(key, _ABSENT))))
        mapping[key] = value

    def add_person(self, person: Person | dict[str, Any], registered_on: date) -> dict[str, Any]:
        """``persons.add`` and ``persons.create_household([(person, aanvrager)])`` of a person, or
        of a person's row as stored (:func:`stored_person`): returns the row."""
        row = person_row(person) if isinstance(person, Person) else person
        bsn = row["bsn"]
        assert bsn and self.person(bsn) is None
        if not self.bulk:
            with self.direct(persons=()):
                new = self.store.persons.add(person if isinstance(person, Person) else Person(**person))
                assert new.id is not None
                self.store.persons.create_household([(new.id, Role.AANVRAGER)], registered_on=registered_on)
            full = {"id": new.id, **person_row(new)}
            self._cache(self.persons, bsn, full)
            return full
        pid = self._take("persons")
        self._put(PERSON_INSERT, (pid, *_PERSON_VALUES(row)))
        self._audit(_CREATED, "persoon", pid, redacted_person(row), person_id=pid)
        self._household(pid, registered_on)
        full = {"id": pid, **row}
        self._cache(self.persons, bsn, full)
        self.fetched.add(pid)
        self._remember(self.fetched.discard, pid)
        self.aanvragers.add(pid)
        self._remember(self.aanvragers.discard, pid)
        return full

    def update_person(self, row: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """``persons.update`` of the person in ``row`` with ``changes`` (field -> value): returns
        the new row."""
        if not self.bulk or not changes.keys() <= UPDATABLE_SET:
            with self.direct(persons=()):
                person = self.store.persons.update(self.store.persons.get(row["id"]).model_copy(update=changes))
            new = {"id": row["id"], **person_row(person)}
            self._cache(self.persons, row["bsn"], new)
            return new
        # the changed columns' values as stored, in the table's order (UPDATABLE's): the only
        # columns that can differ
        fields = {}
        for k in UPDATABLE:
            if k in changes:
                v = changes[k]
                fields[k] = v.isoformat() if isinstance(v, date) else v
        changed = person_changes(row, fields)
        if not changed:
            return row
        pid, new = row["id"], {**row, **fields}
        if not ADDRESS_SET.isdisjoint(changed):
            self._put(PERSON_UPDATE, (PERSON_UPDATE, (*UPDATE_VALUES(new), pid)))
        else:
            self._put(PERSON_UPDATE, (CONTACT_UPDATE, (*CONTACT_VALUES(new), pid)))
        self._audit(_CHANGED, "persoon", pid, change_text(changed), person_id=pid)
        self._cache(self.persons, row["bsn"], new)
        return new

    def _household(self, person_id: int, registered_on: date) -> int:
        """``persons.create_household([(person, aanvrager)])``: returns its id."""
        hid = self._take("households")
        self._put(HOUSEHOLD_INSERT, (hid, registered_on.isoformat()))
        self._join(hid, person_id, _AANVRAGER)
        self._audit(_CREATED, "huishouden", hid, household_detail(person_id))
        return hid

    def _join(self, household_id: int, person_id: int, role: str) -> None:
        self._put(MEMBER_INSERT, (household_id, person_id, role))
        self._cache(self.joined, person_id, [*self.joined.get(person_id, ()), (household_id, role)])

    def _memberships(self, person_id: int) -> set[tuple[int, str]]:
        """(household, role) of each of the person's households: the database's and the batch's."""
        found = set(
            self.conn.execute("SELECT household_id, role FROM household_members WHERE person_id = ?", (person_id,))
        )
        found.update(self.joined.get(person_id, ()))
        return found

    def link_partner(self, person_id: int, partner_id: int, on: date) -> bool:
        """The partner in the person's main household (``persons.main_household``; one made with the
        person as aanvrager, registered ``on``, when they have none) as toeslagpartner, unless they
        are in it already (``persons.in_household``, ``persons.add_to_household``): whether added.
        As ``persons.add_to_household``, a link that would make one of the partner's timelines no
        longer fit is refused (HouseholdRefused, the same reason; the row goes on without it, and a
        household made for the person stays: they are the aanvrager of their registration): the
        batch judges it before it writes (:meth:`_refusal`), or, while a link of the partner waits
        in it unsent (their cases' events are read from the database then), leaves it to the
        repositories."""
        if not self.bulk or partner_id in self.regrouped:
            with self.direct(persons=(person_id, partner_id)):
                persons = self.store.persons
                hid = persons.main_household(person_id)
                if hid is None:
                    hid = persons.create_household([(person_id, Role.AANVRAGER)], registered_on=on).id
                    assert hid is not None
                if persons.in_household(hid, partner_id):
                    return False
                persons.add_to_household(hid, partner_id, Role.TOESLAGPARTNER)
            return True
        own = self._memberships(person_id)
        if own:  # where they are aanvrager, else their first household (main_membership)
            hid = min(own, key=lambda m: (m[1] != _AANVRAGER, m[0]))[0]
        else:  # their role becomes aanvrager
            hid = self._household(person_id, on)
            self._regroup(person_id)
        theirs = self._memberships(partner_id)
        if any(h == hid for h, _ in theirs):
            return False
        shares = all(role != _AANVRAGER for _, role in theirs)  # (an aanvrager stays one, sharing nothing)
        if shares:
            refused = self._refusal(hid, partner_id)
            if refused is not None:
                raise HouseholdRefused(refused)
        self._join(hid, partner_id, _TOESLAGPARTNER)
        self._audit(_ADDED, "huishouden", hid, _PARTNER_DETAIL, person_id=partner_id)
        if shares:
            self._regroup(partner_id)
        return True

    def _refusal(self, household_id: int, partner_id: int) -> str | None:
        """What ``persons.add_to_household`` would refuse of the partner's place in the household
        (``card.brought_about`` by it), judged before it is written:
        their role and shared facts as the database tells them, after it with the place and the
        household's members the batch holds (``card.MEMBERS_AND``: a household it made), and their
        cases' own events as the batch knows them (a case with events waiting in the batch has its
        history here: see :meth:`_history`)."""
        cases = sorted((*found, track.value) for track in Track if (found := self.case(partner_id, track)))
        if not cases:
            return None
        held = self.pending[MEMBER_INSERT]
        # (a partner with a place waiting in the batch is linked through the repositories: link_partner)
        assert all(pid != partner_id for _, pid, _ in held), "a partner's place waits in the batch"
        extra = [m for m in held if m[0] == household_id]
        extra.append((household_id, partner_id, _TOESLAGPARTNER))
        known = [
            (
                cid,
                number,
                track,
                [e for e in got[3] if not e.inherited] if got is not None else own_events(self.conn, cid),
            )
            for cid, number, track in cases
            for got in (self.history.get(cid),)
        ]
        after = person_misfits(self.conn, self.routekaart, partner_id, extra=extra, cases=known)
        new = brought_about(person_misfits(self.conn, self.routekaart, partner_id, cases=known), after) if after else []
        return new[0].refusal() if new else None

    def _regroup(self, person_id: int) -> None:
        """The person's role or shared facts changed by rows the batch holds: their cases' histories
        are read again once those are sent (as :meth:`direct` leaves them to the repositories)."""
        self._cache(self.regrouped, person_id, True)
        self._forget_persons((person_id,))
        self.store.cases.index_persons((person_id,))  # (as persons.add_to_household: their role and shared facts)

    def _forget_persons(self, persons: Iterable[int] | None) -> None:
        """Forget what was read of these persons' households (None: anyone's), for the database or
        the repositories to tell again: their cases' histories (not those of the cases this batch
        opened for persons it created: an aanvrager stays one, sharing nothing), their household
        facts and what was read ahead of them. A failing row gets it back."""
        if persons is None:
            for cid in [c for c in self.history if c not in self.opened]:
                self._forget(self.history, cid)
            for key in list(self.facts):
                self._forget(self.facts, key)
            self._remember(setattr, self, "ahead", self.ahead)
            self.ahead = {}
            return
        for pid in persons:
            self._forget(self.ahead, pid)
            for track in _TRACKS:
                self._forget(self.facts, (pid, track))
                case = self.cases.get((pid, track))  # (every case with a history is known here)
                if case is not None and case[0] not in self.opened:
                    self._forget(self.history, case[0])

    def _forget(self, mapping: dict, key: Any) -> None:
        if key in mapping:
            self._remember(mapping.__setitem__, key, mapping.pop(key))

    def open_case(self, person_id: int, track: Track, opened: date) -> tuple[int, str]:
        """``cases.open`` (the store's user as caseworker)."""
        if not self.bulk or person_id not in self.fetched:
            with self.direct(persons=()):
                case = self.store.cases.open(person_id, track, opened=opened)
            assert case.id is not None and case.zaaknummer is not None
            self._known_case(person_id, track, case.id, case.zaaknummer)
            self._cache(self.zaaknummers, opened.year, int(case.zaaknummer.rsplit("-", 1)[1]))
            return case.id, case.zaaknummer
        assert (person_id, track.value) not in self.cases
        year = opened.year
        if year not in self.zaaknummers:
            self.zaaknummers[year] = self.store.cases.last_zaaknummer(year)
        last = self.zaaknummers[year]
        self._cache(self.zaaknummers, year, last + 1)
        number = f"HKO-{year}-{last + 1:06d}"
        cid = self._take("cases")
        self._row_cases.add(cid)
        self._put(CASE_INSERT, (cid, number, person_id, track.value, self._user, opened.isoformat()))
        self.store.cases.index_later(cid, self.known_facts)
        self._audit(_CREATED, "zaak", cid, case_detail(number, track, self._who), person_id, cid)
        self._known_case(person_id, track, cid, number)
        if person_id in self.aanvragers:  # the aanvrager of a household of one: nothing shared
            self._cache(self.history, cid, (person_id, track.value, _AANVRAGER, []))
            self.opened.add(cid)
            self._remember(self.opened.discard, cid)
        return cid, number

    def _known_case(self, person_id: int, track: Track, cid: int, number: str) -> None:
        self._cache(self.cases, (person_id, track.value), (cid, number))
        self._cache(self.case_info, cid, (person_id, track.value))

    def knows(self, case_id: int, steps: Iterable[str]) -> bool:
        """Whether :meth:`record_event` can write these steps on this case itself: not while its
        person's household changed by :meth:`link_partner` waits in the batch (their role and shared
        facts are read from the database)."""
        if not self.bulk or case_id not in self.case_info or self.shared(steps):
            return False
        if self.regrouped:
            if not self.pending[MEMBER_INSERT]:  # (all sent)
                self.regrouped.clear()
            elif self.case_info[case_id][0] in self.regrouped:
                return False
        return True

    def known_facts(self, case_id: int) -> list[RecordedEvent] | None:
        """The facts the household's aanvrager shares with the case (``cases.inherited``) as the
        batch judges by them (:meth:`_history`: kept while they hold), else None: for its index."""
        info = self.case_info.get(case_id)
        facts = None if info is None else self.facts.get(info)
        if facts is not None:
            return facts[1]
        got = self.history.get(case_id)  # (a case opened for a person the batch created: none)
        return None if got is None else [e for e in got[3] if e.inherited]

    @staticmethod
    def shared(steps: Iterable[str]) -> bool:
        """Whether any of these steps is a fact the household's members share (``SHARED_STEPS``)."""
        return not _SHARED.isdisjoint(steps)

    def record_events(self, case_id: int, steps: Iterable[tuple[str, str | None, date, str | None]]) -> None:
        """``(step, outcome, date, note)`` in order on a case the batch knows (:meth:`knows`), all or
        none: as ``cases.record_event``, each judged by the routekaart engine (TransitionRefused)
        and the domain model (ValidationError) before it is written."""
        if self.bulk and case_id not in self.history:
            # (read before the mark, so refused steps do not throw the case's history away with
            # them: the next row of the person finds it, and the handler's memo of refusals, which
            # is keyed by that history, still holds; a row that fails as a whole drops it all the same)
            self._history(case_id)
        mark = self._mark()
        try:
            for step, outcome, on, note in steps:
                self.record_event(case_id, step, on, outcome, note)
        except BaseException:
            self._back(mark)
            raise

    def record_event(self, case_id: int, step: str, on: date, outcome: str | None, note: str | None) -> None:
        person_id, track, role, events = self._history(case_id)
        key = (step, outcome, on, note)
        checked = self.events_checked.get(key)
        if checked is None:  # the model's values, the date as text, the audit detail: once per kind of event
            event = TimelineEvent(case_id=case_id, step=step, outcome=outcome, fact_date=on, note=note)
            day = on.isoformat()
            detail = audit_json({"stap": event.step, "uitkomst": event.outcome, "datum": day, "reden": None})
            # (the model's values taken out once: an attribute of a pydantic model is read through
            # its class's __getattr__ hook)
            checked = (
                event.step,
                event.outcome,
                event.note,
                day,
                detail,
                new_tuple(RecordedEvent, (event.step, on, event.outcome, False, None, None, False)),
            )
            self.events_checked[key] = checked
        step, outcome, note, day, detail, new = checked
        # The engine's verdict is a function of the track, the role and the events (not their ids):
        # the cases an import opens mostly start alike, so it is asked once per kind of start.
        judged = (track, role, new, tuple(map(_SANS_ID, events)))
        verdict = self.verdicts.get(judged, _UNJUDGED)
        if verdict is _UNJUDGED:
            try:
                self.routekaart.check(track, events, new, role=role)
                verdict = None
            except TransitionRefused as exc:
                verdict = str(exc)
            if len(self.verdicts) >= _VERDICTS:
                self.verdicts.clear()
            self.verdicts[judged] = verdict
        if verdict is not None:
            raise TransitionRefused(verdict)
        eid = self._take("events")
        self._put(EVENT_INSERT, (eid, case_id, step, outcome, day, self.now, self._user, note))
        self._put(CASE_VERSION, (case_id,))
        self.store.cases.index_later(case_id, self.known_facts)
        self._audit(_RECORDED, "gebeurtenis", eid, detail, person_id=person_id, case_id=case_id)
        events.append(new_tuple(RecordedEvent, (step, on, outcome, False, None, eid, False)))
        self._remember(events.pop)
        self.noted(case_id, step, day, outcome)

    def noted(self, case_id: int, step: str, fact: str, outcome: str | None) -> None:
        """An event written on the case (here or through the repositories): its latest of the step."""
        self._cache(self.last, (case_id, step), (fact, outcome))

    def row_done(self, file_id: int, row: int, action: str, text: str, extra: dict[str, Any]) -> None:
        """``store.portal.row_done``, sent with the batch."""
        plain = not extra.get("notes") and extra.keys() == {"notes", "returned"}
        notes = PLAIN[bool(extra["returned"])] if plain else ROW_JSON(extra)
        self._put(ROW_DONE, (file_id, row, action, text, notes))

    def row_outcome(self, file_id: int, row: int, action: str, text: str, notes: list[str], returned: bool) -> None:
        """:meth:`row_done` of ``{"notes": notes, "returned": returned}`` (the import's every row)."""
        if self.throwaway:
            return
        self.pending[ROW_DONE].append(
            (
                file_id,
                row,
                str(action),  # (an ImportAction's value as a plain str, as in _audit)
                text,
                self._notes_text(notes, returned),
            )
        )

    def drop_rows_done(self) -> None:
        """Forget the row outcomes not sent yet. For the import's last transaction:
        ``store.portal.finish_import`` deletes every row outcome of the file in that same
        transaction, so these would be written only to be deleted (nobody else sees them)."""
        self.pending[ROW_DONE].clear()

    def discard(self) -> None:
        """Forget every write not sent yet (a dry run's last transaction, on a copy that is thrown
        away unread: see ``services.portal_import``)."""
        for rows in self.pending.values():
            rows.clear()

    # -- rows, the repositories and the end ------------------------------------------------------

    def _mark(self) -> tuple[tuple[int, ...], int]:
        return tuple(map(len, self.pending.values())), len(self._undo or ())

    def _back(self, mark: tuple[tuple[int, ...], int]) -> None:
        """Take back what was put in the lists and the memory since ``mark``."""
        lengths, undone = mark
        for rows, n in zip(self.pending.values(), lengths):
            del rows[n:]
        while self._undo and len(self._undo) > undone:
            undo, args = self._undo.pop()
            undo(*args)

    @contextmanager
    def row(self) -> Iterator[None]:
        """One row of the list, all or nothing (see the module's docstring); the same as
        :meth:`begin_row`, then :meth:`end_row` or, when it raises, :meth:`fail_row`."""
        self.begin_row()
        try:
            yield
        except BaseException:
            self.fail_row()
            raise
        self.end_row()

    def begin_row(self) -> None:
        self._now = None
        self._undo = []
        self._marks = tuple(map(len, self.pending.values()))
        self._saved = False
        self._row_cases.clear()

    def fail_row(self) -> None:
        """Take back what the row wrote: from the lists and the memory, and its savepoint."""
        try:
            self._back((self._marks, 0))
            if self._saved:
                self.conn.execute("ROLLBACK TO import_row")
                self.conn.execute("RELEASE import_row")
        finally:
            self._undo = None

    def end_row(self) -> None:
        self._undo = None
        if self._saved:
            self.conn.execute("RELEASE import_row")

    @contextmanager
    def direct(self, persons: Iterable[int] | None = None) -> Iterator[None]:
        """Write through the repositories inside a row: what the batch holds is sent first (the
        earlier rows' outside the row's savepoint), and the counters are read again afterwards.
        ``persons``: those whose household, role or shared facts the block may change (None:
        anyone's); their cases' histories are left to the repositories from then on."""
        if self._undo is not None and not self._saved:
            self.flush(upto=self._marks)
            self.conn.execute("SAVEPOINT import_row")
            self._saved = True
        self.flush()
        self.regrouped.clear()  # (every membership sent: the database tells their roles)
        before = self.next_ids
        self.next_ids = None  # (zaaknummers: only open_case opens a case in an import, and counts it)
        self._forget_persons(persons)
        # A failing row restores the counters it started with (its savepoint undoes its writes).
        self._remember(setattr, self, "next_ids", before)
        yield

    def flush(self, upto: tuple[int, ...] | None = None) -> None:
        """Send what the batch holds (only the rows before ``upto``, per list, when given)."""
        pending = self.pending
        send(self.conn, pending, [len(pending[sql]) if upto is None else upto[i] for i, sql in enumerate(ORDER)])
        if upto is not None:
            self._marks = (0,) * len(ORDER)
