"""Cases, their timeline and contact notes, and the derived case index (``case_summary``).

The routekaart the Store was given judges every timeline event before it is written, and the
case's row in ``case_summary`` (the index the werkvoorraad reads) is refreshed in the same
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from herstel_tui.domain import clock
from herstel_tui.domain.clock import now_iso
from herstel_tui.domain.enums import AuditAction, Track, Urgency
from herstel_tui.domain.routekaart import CaseView, RecordedEvent
from herstel_tui.domain.text import TextError, clean_text
from herstel_tui.store import index_split
from herstel_tui.store.base import ConflictError, StoreError, collector_paused
from herstel_tui.store.card import CASE_COLS as _CASE_COLS
from herstel_tui.store.card import EVENT_COLS as _EVENT_COLS
from herstel_tui.store.card import NOTES, SHARERS, inherited_events, recorded_events, shares
from herstel_tui.store.caselist import STALE_PERIODS, CaseFilter, CaseRow, count_cases, due_termijnen, list_cases
from herstel_tui.store.index_batch import DEADLINE_COLS as _DEADLINE_COLS
from herstel_tui.store.index_batch import (
    EVENTS_BY_CASE,
    EVENTS_OF_CASES,
    HOLDING_RULES,
    IN_JSON,
    Batch,
    IndexDiff,
    case_index,
    changed_rules,
    drop_indexes,
    index_diff,
    index_marks,
    restore_indexes,
    rules_diff,
    shaped_index,
    write_diff,
)
from herstel_tui.store.index_batch import SUMMARY_COLS as _SUMMARY_COLS
from herstel_tui.store.repository import Repository

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from herstel_tui.domain.models import Case, ContactNote, TimelineEvent


# The domain's pydantic models are imported where they are used, on first use: a rebuild's child
# (index_split) opens a read-only Store and computes the index without them (pydantic's import was
# ~0.08 s of CPU of its start, while this process computed on alone).


@cache
def _urgency() -> TypeAdapter[Urgency | None]:
    from pydantic import TypeAdapter

    from herstel_tui.domain.models import UrgencyField

    return TypeAdapter(UrgencyField)


_SUMMARY_INSERT = f"INSERT OR REPLACE INTO case_summary (case_id, {_SUMMARY_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
DEADLINE_INSERT = f"INSERT INTO case_deadlines (case_id, {_DEADLINE_COLS}) VALUES (?,?,?,?,?,?,?,?,?)"
REBUILD_BATCH = 5000  # cases per write transaction when the whole index is recomputed
SHAPED_FROM = 20  # a refresh of this many cases or more judges each shape once (index_batch)
Progress = Callable[[int, int], None]  # (cases done, cases in all)
# A writer's own knowledge of the facts a case shares with the household's aanvrager: case id → those
# facts (as :meth:`CaseRepository.inherited` gives them for the case's track) as the register stands
# when its summaries_once block ends, or None when it does not know them (see index_later).
KnownFacts = Callable[[int], "list[RecordedEvent] | None"]


def _case_changed(zaaknummer: str | None) -> ConflictError:
    return ConflictError(f"zaak {zaaknummer} is intussen door een ander gewijzigd; de nieuwe gegevens worden getoond")


class CaseRepository(Repository):
    """``store.cases``"""

    # -- cases -----------------------------------------------------------------------------------

    def last_zaaknummer(self, year: int) -> int:
        """The number of the year's last zaaknummer (``HKO-jjjj-nnnnnn``), 0 before the first."""
        # a range of the unique index (LIKE reads every case: ~1.4 ms per case opened at 100,000)
        row = self.conn.execute(
            "SELECT max(zaaknummer) FROM cases WHERE zaaknummer >= ? AND zaaknummer < ?",
            (f"HKO-{year}-", f"HKO-{year}."),
        ).fetchone()
        return int(row[0].rsplit("-", 1)[1]) if row[0] else 0

    def _next_zaaknummer(self, year: int) -> str:
        return f"HKO-{year}-{self.last_zaaknummer(year) + 1:06d}"

    def open(
        self, person_id: int, track: Track | str, *, caseworker: str | None = None, opened: date | None = None
    ) -> Case:
        from herstel_tui.domain.models import Case

        opened = opened or clock.today()
        case = Case(person_id=person_id, track=track, caseworker=caseworker or self.user, opened=opened)
        with self.transaction():
            self.store.persons.get(person_id)
            if self.conn.execute(
                "SELECT 1 FROM cases WHERE person_id = ? AND track = ?", (person_id, case.track.value)
            ).fetchone():
                raise StoreError(f"deze persoon heeft al een zaak in het spoor {case.track.label}")
            case.zaaknummer = self._next_zaaknummer(opened.year)
            cid = self.conn.execute(
                "INSERT INTO cases (zaaknummer, person_id, track, caseworker, opened) VALUES (?,?,?,?,?)",
                (case.zaaknummer, person_id, case.track.value, case.caseworker, opened.isoformat()),
            ).lastrowid
            assert cid is not None
            case.id = cid
            self._refresh_summary(cid)
            self.audit(
                AuditAction.CREATED,
                "zaak",
                cid,
                person_id=person_id,
                case_id=cid,
                detail={"zaaknummer": case.zaaknummer, "spoor": case.track.value, "medewerker": case.caseworker},
            )
            return case

    @staticmethod
    def _case(row: tuple) -> Case:
        from herstel_tui.domain.models import Case

        keys = [c.strip() for c in _CASE_COLS.split(",")]
        return Case.model_validate(dict(zip(keys, row)))

    def get(self, case_id: int) -> Case:
        row = self.conn.execute(f"SELECT {_CASE_COLS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise StoreError(f"zaak {case_id} bestaat niet")
        return self._case(row)

    def find(self, zaaknummer: str) -> Case | None:
        row = self.conn.execute(
            f"SELECT {_CASE_COLS} FROM cases WHERE zaaknummer = ?", (zaaknummer.strip().upper(),)
        ).fetchone()
        return self._case(row) if row else None

    def of_person(self, person_id: int) -> list[Case]:
        rows = self.conn.execute(
            f"SELECT {_CASE_COLS} FROM cases WHERE person_id = ? ORDER BY track", (person_id,)
        ).fetchall()
        return [self._case(r) for r in rows]

    def id_of(self, person_id: int, track: Track) -> tuple[int, str] | None:
        """(id, zaaknummer) of the person's case in ``track``, if any (no model: a quick lookup)."""
        row = self.conn.execute(
            "SELECT id, zaaknummer FROM cases WHERE person_id = ? AND track = ?", (person_id, track.value)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def person_of(self, case_id: int) -> int:
        row = self.conn.execute("SELECT person_id FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise StoreError(f"zaak {case_id} bestaat niet")
        return row[0]

    def zaaknummers(self, case_ids: Sequence[int]) -> dict[int, str]:
        ids = sorted(set(case_ids))
        if not ids:
            return {}
        with self.reading():
            return dict(
                self.conn.execute(f"SELECT id, zaaknummer FROM cases WHERE id IN ({','.join('?' * len(ids))})", ids)
            )

    def _update(self, case_id: int, changes: dict[str, Any], action: AuditAction, expected_version: int | None) -> Case:
        with self.transaction():
            old = self.get(case_id)
            if expected_version is not None and old.version != expected_version:
                raise _case_changed(old.zaaknummer)
            old_row = old.model_dump(mode="json")
            diff = {k: {"oud": old_row[k], "nieuw": v} for k, v in changes.items() if old_row[k] != v}
            if not diff:
                return old
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.conn.execute(
                f"UPDATE cases SET {sets}, version = version + 1 WHERE id = ?", (*changes.values(), case_id)
            )
            self.audit(action, "zaak", case_id, person_id=old.person_id, case_id=case_id, detail=diff)
            return self.get(case_id)

    def assign(self, case_id: int, caseworker: str, *, expected_version: int | None = None) -> Case:
        try:
            caseworker = clean_text(caseworker, field="de naam van de medewerker").strip()
        except TextError as exc:
            raise StoreError(str(exc)) from None
        if not caseworker:
            raise StoreError("geef de naam van de medewerker")
        return self._update(case_id, {"caseworker": caseworker}, AuditAction.ASSIGNED, expected_version)

    def set_urgency(
        self,
        case_id: int,
        urgency: Urgency | str | None,
        casuistiekoverleg: bool = False,
        *,
        expected_version: int | None = None,
    ) -> Case:
        checked = _urgency().validate_python(urgency)
        return self._update(
            case_id,
            {"urgency": checked.value if checked else None, "casuistiekoverleg": int(casuistiekoverleg)},
            AuditAction.URGENCY,
            expected_version,
        )

    def close(self, case_id: int, closed: date | None = None, *, expected_version: int | None = None) -> Case:
        closed = closed or clock.today()
        return self._update(case_id, {"closed": closed.isoformat()}, AuditAction.CLOSED, expected_version)

    # -- timeline --------------------------------------------------------------------------------

    @staticmethod
    def _event(row: tuple) -> TimelineEvent:
        from herstel_tui.domain.models import TimelineEvent

        keys = [c.strip() for c in _EVENT_COLS.split(",")]
        return TimelineEvent.model_construct(
            **{
                **dict(zip(keys, row)),
                "fact_date": date.fromisoformat(row[4]),
                "recorded_at": datetime.fromisoformat(row[5]),
                "correction": bool(row[8]),
            }
        )

    def events(self, case_id: int) -> list[TimelineEvent]:
        rows = self.conn.execute(
            f"SELECT {_EVENT_COLS} FROM events WHERE case_id = ? ORDER BY fact_date, id", (case_id,)
        ).fetchall()
        return [self._event(r) for r in rows]

    def recorded(self, case_id: int) -> list[RecordedEvent]:
        """The case's events as the engine takes them: in the order they were recorded, after the
        facts the person shares with the household's aanvrager (:data:`SHARED_STEPS`)."""
        return recorded_events(self.conn, self.routekaart, case_id)

    def inherited(self, person_id: int, track: str) -> list[RecordedEvent]:
        """UHT's facts about the household's aanvrager that hold for this person too: the outcome
        (and, for the toeslagpartner, the payment that starts the moratorium: "De gedupeerde ouder
        en toeslagpartner"). Taken from the aanvrager's case in the same track, else the other one."""
        return self.inherited_many([(person_id, track)]).get((person_id, track), [])

    def inherited_many(self, wanted: Sequence[tuple[int, str]]) -> dict[tuple[int, str], list[RecordedEvent]]:
        """:meth:`inherited` for many (person id, track) pairs in two queries; pairs without
        shared facts are left out."""
        return inherited_events(self.conn, self.routekaart, wanted)

    def sharers(self, person_ids: Iterable[int]) -> list[int]:
        """The persons who may share a fact of these persons (``card.SHARERS``)."""
        return [pid for (pid,) in self.conn.execute(SHARERS, (json.dumps(list(person_ids)),))]

    def index_sharers(self, person_ids: Iterable[int]) -> None:
        """After a shared fact of these persons was recorded (``card.shares``): the case index rows
        of everyone who may share it, in the caller's transaction (see :meth:`index_persons`)."""
        self.index_persons(self.sharers(person_ids))

    def last_event(self, case_id: int, step: str) -> tuple[str, str | None] | None:
        """(fact date, outcome) of the step's latest event (a later correction supersedes), else None."""
        row = self.conn.execute(
            "SELECT fact_date, outcome FROM events WHERE case_id = ? AND step = ? ORDER BY id DESC LIMIT 1",
            (case_id, step),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def record_event(
        self,
        case_id: int,
        step: str,
        fact_date: date | None = None,
        *,
        outcome: str | None = None,
        note: str | None = None,
        correction: bool = False,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TimelineEvent:
        """Write one timeline event after the routekaart engine accepted it (TransitionRefused if not)."""
        from herstel_tui.domain.models import TimelineEvent

        fact_date = fact_date or clock.today()
        event = TimelineEvent(
            case_id=case_id,
            step=step,
            outcome=outcome,
            fact_date=fact_date,
            note=note,
            correction=correction,
            reason=reason,
        )
        with self.transaction():
            case = self.get(case_id)
            if expected_version is not None and case.version != expected_version:
                raise _case_changed(case.zaaknummer)
            self.routekaart.check(
                case.track.value,
                self.recorded(case_id),
                RecordedEvent(event.step, event.fact_date, event.outcome, event.correction, event.reason),
                role=self.role_of(case.person_id),
            )
            now = now_iso()
            eid = self.conn.execute(
                "INSERT INTO events (case_id, step, outcome, fact_date, recorded_at, recorded_by, note, correction, reason)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    case_id,
                    event.step,
                    event.outcome,
                    fact_date.isoformat(),
                    now,
                    self.user,
                    event.note,
                    int(event.correction),
                    event.reason,
                ),
            ).lastrowid
            self.conn.execute("UPDATE cases SET version = version + 1 WHERE id = ?", (case_id,))
            self._refresh_summary(case_id)
            if shares(event.step):
                self.index_sharers((case.person_id,))
            self.audit(
                AuditAction.CORRECTED if correction else AuditAction.RECORDED,
                "gebeurtenis",
                eid,
                person_id=case.person_id,
                case_id=case_id,
                detail={
                    "stap": event.step,
                    "uitkomst": event.outcome,
                    "datum": fact_date.isoformat(),
                    "reden": event.reason,
                },
            )
            return event.model_copy(
                update={"id": eid, "recorded_at": datetime.fromisoformat(now), "recorded_by": self.user}
            )

    def view(self, case_id: int, today: date | None = None) -> CaseView:
        """The routekaart engine's view of a case, derived from its events (next steps: those that
        fit the person's role in the household)."""
        case = self.get(case_id)
        return self.routekaart.evaluate(
            case.track.value, self.recorded(case_id), today or clock.today(), role=self.role_of(case.person_id)
        )

    def role_of(self, person_id: int) -> str | None:
        """The person's role in their main household (aanvrager first), or None outside any household."""
        membership = self.store.persons.main_membership(person_id)
        return membership[1] if membership else None

    # -- the derived case index ----------------------------------------------------------------------

    _once: set[int] | None = None  # inside summaries_once(): the cases whose row waits for the end
    _once_persons: set[int] | None = None  # inside summaries_once(): the persons whose cases' rows wait
    _known: KnownFacts | None = None  # what index_later was told, until summaries_once() has refreshed

    @contextmanager
    def summaries_once(self) -> Iterator[None]:
        """A batch of writes (an import's transaction) in which each case's index row is refreshed
        once, when the block ends, however many of its events were written; the block runs inside
        the caller's transaction, so nobody sees the rows in between. A case that a savepoint took
        back again is passed over."""
        if self._once is not None:
            yield
            return
        self._once, self._once_persons = set(), set()
        try:
            yield
            if self._once_persons:  # (their cases as they are now: those opened in the block too)
                self._once.update(self._cases_of(self._once_persons))
            waiting, self._once = sorted(self._once), None
            self.refresh_index(waiting)  # (a case taken back or removed has no row to write)
        finally:
            self._once = self._once_persons = self._known = None

    def index_persons(self, person_ids: Iterable[int]) -> None:
        """After a change of household: the case index rows of these persons' cases (the role a
        person has and the facts they share with an aanvrager come from their household: a
        toeslagpartner or kind inherits the aanvrager's eerste toets and integrale beoordeling, and
        with them their termijnen), in the caller's transaction (inside :meth:`summaries_once`:
        when that block ends, with the cases the block opened for them)."""
        if self._once_persons is not None:
            self._once_persons.update(person_ids)
            return
        for cid in self._cases_of(person_ids):
            self._refresh_summary(cid)

    def _cases_of(self, person_ids: Iterable[int]) -> list[int]:
        return [
            cid
            for (cid,) in self.conn.execute(
                f"SELECT id FROM cases WHERE person_id {IN_JSON}", (json.dumps(list(person_ids)),)
            )
        ]

    def _refresh_summary(self, case_id: int, today: date | None = None) -> None:
        """The case index (``case_summary`` and ``case_deadlines``) of one case, in the caller's
        transaction (inside :meth:`summaries_once`: when that block ends)."""
        if self._once is not None and today is None:
            self._once.add(case_id)
            return
        self._write_index(today or clock.today(), case_ids=[case_id])

    def index_later(self, case_id: int, known: KnownFacts | None = None) -> None:
        """A case whose timeline a bulk writer changed (its rows may not be sent yet): its index
        row is written when the :meth:`summaries_once` block it runs in ends. ``known``: the
        writer's knowledge of its cases' shared facts at that moment (an import's batch reads them
        anyway to judge its events): those are not read again for the index."""
        assert self._once is not None, "index_later lives inside summaries_once"
        self._once.add(case_id)
        if known is not None:
            self._known = known

    def drop_waiting(self) -> None:
        """Inside :meth:`summaries_once`: write no index row when the block ends (for a transaction
        whose database is thrown away unread: a dry run's copy)."""
        if self._once is not None:
            self._once.clear()
        if self._once_persons is not None:
            self._once_persons.clear()

    def refresh_index(self, case_ids: Sequence[int], today: date | None = None) -> int:
        """The case index of these cases, in one transaction (the caller's, when there is one): the
        entry point for a writer that changed many timelines at once (at the end of
        :meth:`summaries_once`, with what :meth:`index_later` was told). Returns the rows rewritten."""
        today = today or clock.today()
        with self.transaction():
            if len(case_ids) >= SHAPED_FROM:  # (an import's batch) as a rebuild writes its ranges
                return sum(
                    self._write_shaped(today, case_ids[start : start + REBUILD_BATCH], self._known)
                    for start in range(0, len(case_ids), REBUILD_BATCH)
                )
            return self._write_index(today, case_ids=case_ids)

    def rebuild_summaries(
        self, today: date | None = None, progress: Progress | None = None, *, rules: Sequence[str] | None = None
    ) -> int:
        """Recompute the derived case index from the events (after a routekaart change); with
        ``rules`` only that of the cases holding a termijn of one of them (as stored: see
        :func:`.index_batch.changed_rules`), the other cases' rows kept as they are.

        In short transactions of :data:`REBUILD_BATCH` cases (so a colleague's save waits a fraction
        of a second, never the whole rebuild), each reading its cases' events and writing only the
        rows that differ; the routekaart's fingerprint is stored when every batch is done, so an
        interrupted rebuild starts again on the next open. ``progress(done, total)`` after each
        batch. From :data:`.index_split.SPLIT_FROM` cases a child process computes batches from the
        other end (only this connection writes; see :mod:`.index_split`). Returns the number of cases
        recomputed.
        """
        today = today or clock.today()
        only = None if rules is None else json.dumps(list(rules))  # (a JSON array, as SQL takes it)
        with self.reading():
            if only is None:
                ids = [r[0] for r in self.conn.execute("SELECT id FROM cases ORDER BY id")]
            else:
                ids = [r[0] for r in self.conn.execute(HOLDING_RULES, (only,))]
        total = len(ids)
        ranges = [
            Batch(ids[start], ids[end - 1], end - start, None if only is None else json.dumps(ids[start:end]), only)
            for start in range(0, total, REBUILD_BATCH)
            for end in [min(start + REBUILD_BATCH, total)]
        ]
        done = 0

        def written(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        if progress and total:
            progress(0, total)
        with self.transaction():  # not current until every batch is written (an interrupted rebuild
            # left rows of this routekaart that reopening with the previous one took for current)
            self.conn.execute("DELETE FROM meta WHERE key IN ('routekaart_hash', 'index_hash', 'index_rules')")
            if only is None:  # most rows to be written afresh: their indexes made after (index_batch)
                drop_indexes(self.conn, total)
        with collector_paused():
            if index_split.may_split(self, total):  # computed by two processes (index_split)
                index_split.rebuild_split(self, ranges, today, written)
            else:
                for first, last, n, cases, only_rules in ranges:
                    with self.transaction():
                        self.write_range(today, first, last, cases, only_rules)
                    written(n)
        with self.transaction():
            restore_indexes(self.conn)
            for key, value in index_marks(self.routekaart):
                self.store.set_meta(key, value)
            self.audit(AuditAction.RECOMPUTED, "zaakoverzicht", None, detail={"zaken": total})
        return total

    def write_range(
        self, today: date, first: int, last: int, cases: str | None = None, rules: str | None = None
    ) -> int:
        """Inside a write transaction: the case index of the cases ``first`` to ``last`` (only those
        in ``cases``, a JSON array of ids, when given) recomputed, only the rows that differ from the
        stored ones written (a rebuild's range; ``rules`` as :func:`.index_batch.index_diff` takes
        them). Returns the cases written."""
        return write_diff(self.conn, first, last, self.range_diff(first, last, today, cases, rules))

    def range_diff(
        self, first: int, last: int, today: date, cases: str | None = None, rules: str | None = None
    ) -> IndexDiff | None:
        """What :meth:`write_range` writes, read on the connection as it stands (in a snapshot, for
        the rows to agree): the rows computed from the cases' events; after a change in ``rules``'
        own fields alone, of the cases in ``cases``, from their stored rows
        (:func:`.index_batch.rules_diff`: their events are not read)."""
        if rules is not None and cases is not None:
            return rules_diff(
                self.conn,
                self.routekaart,
                first,
                last,
                today,
                cases,
                rules,
                lambda ids: self.shaped_range(first, last, today, ids),
            )
        summaries, rows = self.shaped_range(first, last, today, cases)
        return index_diff(self.conn, first, last, summaries, rows, cases, rules)

    def shaped_range(
        self, first: int, last: int, today: date, cases: str | None = None
    ) -> tuple[list[tuple], list[tuple]]:
        """(case_summary rows, case_deadlines rows) of the cases ``first`` to ``last`` (only those in
        ``cases``, a JSON array of ids, when given) as computed now (a rebuild's range), read on the
        connection as it stands (in a snapshot, for the rows to agree)."""
        if cases is None:
            return self._shaped(EVENTS_BY_CASE, "BETWEEN ? AND ?", [first, last], today)
        return self._shaped(EVENTS_OF_CASES, IN_JSON, [cases], today)

    def all_recorded(
        self, case_ids: Sequence[int] | None = None, *, first: int | None = None, last: int | None = None
    ) -> dict[int, tuple[str, list[RecordedEvent]]]:
        """case id → (track, events in record order) for these cases (None: every case; or the
        cases with ids ``first`` to ``last``), in one pass."""
        where, args = "", []  # type: tuple[str, list]
        if case_ids is not None:
            where, args = f"IN ({','.join('?' * len(case_ids))})", list(case_ids)
        elif first is not None:
            where, args = "BETWEEN ? AND ?", [first, last]
        cases_where = f"WHERE id {where}" if where else ""
        events_where = f"WHERE case_id {where}" if where else ""
        tracks = dict(self.conn.execute(f"SELECT id, track FROM cases {cases_where} ORDER BY id", args))
        # grouped by case (through the events_case index when a range is asked); record order (by id)
        # restored per case
        source = self.conn.execute(
            f"SELECT case_id, step, outcome, fact_date, correction, reason, id FROM events {events_where}", args
        )
        out: dict[int, tuple[str, list[RecordedEvent]]] = {cid: (track, []) for cid, track in tracks.items()}
        days = _Days()
        make = RecordedEvent._make  # tuple.__new__: no Python call per event (750,000 in a rebuild)
        for cid, rows in groupby(source.fetchall(), itemgetter(0)):  # a case can come in more groups
            out[cid][1].extend(
                make((step, days[fact], outcome, corr != 0, reason, eid, False))
                for _, step, outcome, fact, corr, reason, eid in rows
            )
        for _, evs in out.values():
            if len(evs) > 1:
                evs.sort(key=_record_order)  # already in order, mostly: a linear pass
        for cid, got in self._shared_facts(tracks, where, args).items():
            out[cid] = (out[cid][0], got + out[cid][1])
        return out

    def _shared_facts(
        self, tracks: dict[int, str], where: str, args: list, known: KnownFacts | None = None
    ) -> dict[int, list[RecordedEvent]]:
        """case id → the facts it shares with the household's aanvrager (:meth:`inherited`), for the
        cases in ``tracks`` (id → track) that have any; ``where``/``args`` narrow the cases (few
        cases: one query finds them). ``known`` tells those of the cases it knows (read for the
        others)."""
        if known is not None:
            told = {cid: known(cid) for cid in tracks}
            out = {cid: facts for cid, facts in told.items() if facts}
            unknown = {cid: tracks[cid] for cid, facts in told.items() if facts is None}
            if unknown:
                out.update(self._shared_facts(unknown, IN_JSON, [json.dumps(list(unknown))]))
            return out
        members = (
            "SELECT DISTINCT c.id, c.person_id FROM cases c JOIN household_members hm ON hm.person_id = c.person_id "
            f"WHERE hm.role IN ('toeslagpartner', 'kind') {'AND c.id ' + where if where else ''}"
        )
        pairs = [(cid, pid, tracks[cid]) for cid, pid in self.conn.execute(members, args).fetchall() if cid in tracks]
        shared = self.inherited_many([(pid, track) for _, pid, track in pairs])
        return {cid: got for cid, pid, track in pairs if (got := shared.get((pid, track)))}

    def _write_index(self, today: date, *, case_ids: Sequence[int]) -> int:
        """Compute and write the case index of a few cases (a save: fewer than :data:`SHAPED_FROM`),
        each by the engine itself (it judges a shape on first sight anyway), the tallies kept by
        the triggers. Returns the cases written."""
        summaries: list[tuple] = []
        rows: list[tuple] = []
        for cid, (track, evs) in self.all_recorded(case_ids).items():
            summary, deadlines = case_index(self.routekaart, track, evs, today)
            summaries.append((cid, *summary))
            rows.extend((cid, *row) for row in deadlines)
        written_ids = [s[0] for s in summaries]
        self.conn.execute(
            f"DELETE FROM case_deadlines WHERE case_id IN ({','.join('?' * len(written_ids))})", written_ids
        )
        self.conn.executemany(_SUMMARY_INSERT, summaries)
        self.conn.executemany(DEADLINE_INSERT, rows)
        return len(summaries)

    def _write_shaped(self, today: date, case_ids: Sequence[int], known: KnownFacts | None = None) -> int:
        """Compute the case index of many cases (an import's batch) in one engine pass per shape
        (:mod:`.index_batch`; a case with a correction by the engine itself) and write, as a
        rebuild writes its range (:func:`.index_batch.write_diff`), only the rows that differ from
        the stored ones: a termijn that stays as it was is not deleted and written again, a changed
        summary is updated in place (only the indexes on its changed columns follow), the tallies
        moved on by hand for many rows. ``known``: see :meth:`index_later`. Returns the cases written."""
        cases = json.dumps(list(case_ids))
        summaries, rows = self._shaped(EVENTS_OF_CASES, IN_JSON, [cases], today, known)
        first, last = min(case_ids), max(case_ids)
        write_diff(self.conn, first, last, index_diff(self.conn, first, last, summaries, rows, cases))
        return len(summaries)

    def _shaped(
        self, events_sql: str, where: str, args: list, today: date, known: KnownFacts | None = None
    ) -> tuple[list[tuple], list[tuple]]:
        """(case_summary rows, case_deadlines rows) of the cases ``WHERE id {where}``: one engine pass
        per shape (:func:`.index_batch.shaped_index`, ``events_sql`` its events with the same
        ``args``), the cases it leaves (corrections) by the engine itself (``known``: see
        :meth:`index_later`)."""
        rk = self.routekaart
        tracks = dict(self.conn.execute(f"SELECT id, track FROM cases WHERE id {where}", args))
        shared = self._shared_facts(tracks, where, args, known)
        summaries, rows, slow = shaped_index(rk, tracks, self.conn.execute(events_sql, args), shared, today.isoformat())
        for cid, (track, evs) in self.all_recorded(slow).items() if slow else ():
            summary, deadlines = case_index(rk, track, evs, today)
            summaries.append((cid, *summary))
            rows.extend((cid, *row) for row in deadlines)
        return summaries, rows

    def _stored_index(self, first: int, last: int) -> dict[int, tuple[tuple, list[tuple]]]:
        """case id → (summary row, deadline rows), each starting with the case id, as stored, for
        the cases ``first`` to ``last``."""
        out: dict[int, tuple[tuple, list[tuple]]] = {
            r[0]: (r, [])
            for r in self.conn.execute(
                f"SELECT case_id, {_SUMMARY_COLS} FROM case_summary WHERE case_id BETWEEN ? AND ?", (first, last)
            )
        }
        none: tuple = ()
        for r in self.conn.execute(
            f"SELECT case_id, {_DEADLINE_COLS} FROM case_deadlines WHERE case_id BETWEEN ? AND ? ORDER BY case_id, seq",
            (first, last),
        ):
            got = out.get(r[0])
            if got is None:
                got = out[r[0]] = (none, [])
            got[1].append(r)
        return out

    def refresh_derived(self, today: date | None = None, progress: Progress | None = None) -> int:
        """Bring case_summary up to date with the routekaart and with the calendar.

        A changed routekaart rebuilds every row (``progress`` as in :meth:`rebuild_summaries`), or
        only those of the cases holding a termijn of a rule whose own fields alone changed
        (:func:`.index_batch.changed_rules`: a period, say); otherwise, and then for the other cases,
        only rows whose next date is a period that has run out by ``today`` are recomputed. Returns
        the rows recomputed.
        """
        today = today or clock.today()
        rk = self.routekaart
        stored_hash = self.store.meta("routekaart_hash")
        if stored_hash != rk.fingerprint:
            # Only texts the index does not hold changed (a phone number, an explanation): the index
            # stays. index_hash names the routekaart file it was written with, so an index
            # recomputed since by a version that does not keep it is never taken for current.
            if rk.index_fingerprint and self.store.meta("index_hash") == f"{rk.index_fingerprint} {stored_hash}":
                with self.transaction():
                    for key, value in index_marks(rk):
                        self.store.set_meta(key, value)
                return 0
            rules = changed_rules(rk, stored_hash, self.store.meta("index_rules"))
            recomputed = self.rebuild_summaries(today, progress, rules=rules)
            if rules is None:
                return recomputed
            # the other cases' rows are as before this routekaart: brought up to today as on any open
        else:
            recomputed = 0
            # an index written before index_rules was (by an earlier version): named now, so that a
            # change in a rule's own fields recomputes only the cases holding it from the first on
            rules_mark = dict(index_marks(rk)).get("index_rules")
            if rules_mark and self.store.meta("index_rules") != rules_mark:
                self.store.set_meta("index_rules", rules_mark)
        stale = [r[0] for r in self.conn.execute(STALE_PERIODS, (today.isoformat(),))]
        if stale:
            self.refresh_index(stale, today)
        return recomputed + len(stale)

    def summaries(self) -> dict[int, tuple]:
        """case id → its stored row of the index (as :func:`case_index` computes it)."""
        return {r[0]: tuple(r[1:]) for r in self.conn.execute(f"SELECT case_id, {_SUMMARY_COLS} FROM case_summary")}

    def stored_index(self) -> dict[int, tuple[tuple, list[tuple]]]:
        """case id → its stored rows of the index, both tables, without the case id (as
        :func:`case_index` computes them)."""
        with self.reading():
            stored = self._stored_index(-(2**63), 2**63 - 1)
        return {cid: (summary[1:], [r[1:] for r in rows]) for cid, (summary, rows) in stored.items()}

    # -- contact notes ---------------------------------------------------------------------------

    def add_note(self, case_id: int, text: str, *, channel: str = "telefoon", on: date | None = None) -> ContactNote:
        from herstel_tui.domain.models import ContactNote

        note = ContactNote(case_id=case_id, date=on or clock.today(), channel=channel, text=text, by=self.user)
        with self.transaction():
            case = self.get(case_id)
            now = now_iso()
            nid = self.conn.execute(
                "INSERT INTO contact_notes (case_id, date, channel, text, by, recorded_at) VALUES (?,?,?,?,?,?)",
                (case_id, note.date.isoformat(), note.channel.value, note.text, self.user, now),
            ).lastrowid
            self.audit(
                AuditAction.RECORDED,
                "contactmoment",
                nid,
                person_id=case.person_id,
                case_id=case_id,
                detail={"datum": note.date.isoformat(), "kanaal": note.channel.value},
            )
            return note.model_copy(update={"id": nid, "recorded_at": datetime.fromisoformat(now)})

    def notes(self, case_id: int, limit: int | None = None) -> list[ContactNote]:
        from herstel_tui.domain.models import ContactNote

        sql = NOTES
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [ContactNote.model_validate(r) for r in self.rows(sql, (case_id,))]

    # -- the case list ---------------------------------------------------------------------------

    def count(self, f: CaseFilter, today: date | None = None) -> int:
        with self.reading():
            return count_cases(self.conn, f, today or clock.today())

    def page(self, f: CaseFilter, offset: int = 0, limit: int = 100, today: date | None = None) -> list[CaseRow]:
        with self.reading():
            return list_cases(self.conn, f, today or clock.today(), offset, limit)

    def due_termijnen(self, today: date, until: date, caseworker: str | None = None) -> list[tuple]:
        """See :func:`herstel_tui.store.caselist.due_termijnen` (from the case index: no engine pass)."""
        with self.reading() as conn:
            return due_termijnen(conn, today, until, caseworker)

    def caseworkers(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT caseworker FROM cases WHERE caseworker IS NOT NULL ORDER BY caseworker"
            )
        ]


_record_order = attrgetter("id")


class _Days(dict):
    """ISO text -> date, parsed once each (a few thousand distinct days over 100,000s of events)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day
