"""The common part of the portal list import's handlers (``services.portal_import``): what each
kind of list asks of the register while it decides a row, through the transaction's
``ImportBatch``, and the refusal of a row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from pydantic import ValidationError

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import Track
from herstel_tui.domain.models import FIELD_OF_WORD, validation_message
from herstel_tui.domain.portal import FileMeta, RowOutcome
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.services.portal_lists import Record
from herstel_tui.services.portal_refs import CaseRef as _CaseRef
from herstel_tui.services.portal_refs import PersonRef as _PersonRef
from herstel_tui.store import Store
from herstel_tui.store.import_batch import ImportBatch, new_tuple
from herstel_tui.store.import_rows import stored_person

_STEP = itemgetter(0)  # (step, outcome, date, note) -> step
REGISTRATION_LAST_DAY = date(2023, 12, 31)  # routekaart: "Aanmelden kan tot 1 januari 2024."


class RowRefused(Exception):
    """This row cannot be applied; str() is the Dutch reason. Raised inside a row's savepoint."""


def _same_end(events: list, end: tuple[int, object]) -> bool:
    """Whether a history list has the length and the last event object ``end`` holds (see
    ListHandler.record_steps; the object itself is held, so its identity cannot pass to another)."""
    return len(events) == end[0] and (events[-1] if events else None) is end[1]


def _end(events: list) -> tuple[int, object]:
    return len(events), events[-1] if events else None


def row_reason(exc: BaseException) -> str:
    """The Dutch reason a row is refused for."""
    if isinstance(exc, ValidationError):
        return validation_message(exc).replace("\n", "; ")
    return str(exc)


class ListHandler:
    batch: ImportBatch  # this transaction's (set by _apply before each batch)

    def __init__(self, store: Store, file: FileMeta, file_id: int, today: date):
        self.store = store
        self.file = file
        self.file_id = file_id
        self.today = today
        self.seen: dict[str, int] = {}  # bsn -> first row in this file
        self.rk = store.routekaart
        # case -> the history and the steps of the last refusal the batch judged on the case, and
        # its reason (see record_steps); of this batch only (``refused_by``)
        self.refused: dict[int, tuple[tuple, tuple[int, object], list, str]] = {}
        self.refused_by: ImportBatch | None = None
        # (date, source) -> the derived aanvraag of that date (see derived_aanvraag: a list repeats its dates)
        self.derived: dict[tuple[date, str], tuple[str, None, date, str]] = {}

    def row(self, rec: Any) -> RowOutcome:  # pragma: no cover - abstract
        raise NotImplementedError

    def replay(self, rec: Any, out: RowOutcome) -> None:
        """A row applied in an earlier batch or run (it returned, not refused): restore what
        ``row`` remembers about it for the rows after it."""
        self.seen.setdefault(rec.bsn, rec.row)

    def first_seen(self, rec: Record) -> int | None:
        """The row of this file where the same BSN was handled before (without rejection)."""
        return self.seen.get(rec.bsn)

    # helpers shared by the list kinds

    def find(self, bsn: str) -> _PersonRef | None:
        row = self.batch.person(bsn)
        return None if row is None else new_tuple(_PersonRef, (row["id"], row))

    def case_of(self, person_id: int, track: Track) -> _CaseRef | None:
        found = self.batch.case(person_id, track)
        return new_tuple(_CaseRef, (found[0], found[1], track, person_id)) if found else None

    def has_event(self, case_id: int, step: str, outcome: str | None = None) -> str | None:
        """The fact date of a recorded (not corrected-away) event, else None."""
        last = self.batch.last_event(case_id, step)
        if last is None:
            return None
        fact, last_outcome = last  # a later correction supersedes earlier events of the step
        if outcome is not None and last_outcome != outcome:
            return None
        return fact

    def record_steps(self, case: _CaseRef, steps: Sequence[tuple[str, str | None, date, str | None]]) -> str | None:
        """Record ``(step, outcome, date, note)`` in order, all or none; returns the engine's
        refusal (Dutch) or None. The batch writes them itself on a case it opened (see
        ``ImportBatch.knows``), else ``store.cases.record_event`` does.

        A refusal the batch judged is remembered for the case: the same steps on it are refused again
        for the same reason without judging them anew while the batch judges them on the same
        history (a list against a register repeats a refused row: 14,624 rows of bench_import's list
        on the 100k demo, on 4,352 persons). A refused step leaves no trace, and the batch's verdict
        is a function of the steps and the case's history (the person's role, the shared facts, the
        case's events), which it keeps in one list that only grows (a row's new event) or shrinks
        back (a failing row's) and reads anew once it forgot it (a partner link, a direct write): the
        same list of the same length ending in the same event object holds the same events (a
        failing row's event taken back and another one added has the length, not the object)."""
        batch = self.batch
        try:
            if batch.knows(case.id, map(_STEP, steps)):
                if self.refused_by is not batch:  # (another batch: it reads the register afresh)
                    self.refused.clear()
                    self.refused_by = batch
                history = batch.history.get(case.id)
                again = self.refused.get(case.id)
                if (
                    again is not None
                    and history is not None
                    and again[0] is history
                    and _same_end(history[3], again[1])
                    and again[2] == steps
                ):
                    return again[3]
                try:
                    batch.record_events(case.id, steps)
                except (TransitionRefused, ValidationError) as exc:
                    reason = row_reason(exc)
                    history = batch.history.get(case.id)  # (the one it was judged on, unless a failing row forgets it)
                    if history is not None:
                        self.refused[case.id] = (history, _end(history[3]), list(steps), reason)
                    return reason
                return None
            # a shared fact changes what the household's members inherit; another only this case
            shared = batch.shared(step for step, *_ in steps)
            with batch.direct(persons=None if shared else (case.person_id,)):
                with self.store.savepoint("portal_steps"):
                    written = [
                        self.store.cases.record_event(case.id, step, on, outcome=outcome, note=note)
                        for step, outcome, on, note in steps
                    ]
                for ev in written:
                    batch.noted(case.id, ev.step, ev.fact_date.isoformat(), ev.outcome)
        except (TransitionRefused, ValidationError) as exc:
            return row_reason(exc)
        return None

    def derived_aanvraag(self, case: _CaseRef, on: date, source: str) -> list[tuple[str, None, date, str]]:
        """A portal list proves that the parent registered with UHT; when the case lacks that step,
        it is recorded on the list's date with a note that the real date is unknown."""
        if self.has_event(case.id, "aanvraag_herbeoordeling"):
            return []
        step = self.derived.get((on, source))
        if step is None:
            # "Aanmelden kan tot 1 januari 2024": the unknown date lies on or before the last day.
            last = REGISTRATION_LAST_DAY
            step = self.derived[(on, source)] = (
                "aanvraag_herbeoordeling",
                None,
                min(on, last),
                f"Afgeleid uit {source} (bestand {self.file.name}): de ouder is bij UHT aangemeld; "
                "de datum van die aanmelding is niet bekend"
                + (f" (vastgelegd op {format_date(last)}, de laatste dag waarop aanmelden kon)." if on > last else "."),
            )
        return [step]

    def new_person(self, bsn: str, fields: dict[str, Any], registered_on: date) -> _PersonRef:
        missing = [k for k in ("voornamen", "achternaam") if not fields.get(k)]
        if missing:
            raise RowRefused(
                f"staat niet in het register en de regel geeft geen {' en '.join(missing)}; niet toegevoegd"
            )
        # The fields are the person model's own values: services.portal_lists had the model judge
        # each one (it has no rule across fields, and judging its values again changes nothing:
        # tests/services/test_portal_lists_model.py), and the BSN passed cell_bsn's checks.
        row = stored_person(bsn, {FIELD_OF_WORD.get(k, k): v for k, v in fields.items()})
        return _PersonRef.from_columns(self.batch.add_person(row, registered_on))

    def open_case(self, person: _PersonRef, track: Track, on: date) -> _CaseRef:
        return new_tuple(_CaseRef, (*self.batch.open_case(person.id, track, on), track, person.id))
