"""The store side of the Belastingdienst portal: all SQL for portal files, child verifications,
list imports and verification codes (tables of migration 4).

Rules kept here:
- every write runs inside ``store.transaction()`` with its audit row; audit details never hold a
  full BSN (masked: ``******123``) nor a verification code;
- a list import never holds the write lock for long (colleagues keep saving during a 20,000-row
  import): see ``apply_import`` for how it is applied in short batches and what all-or-nothing
  means then; the dry run applies the very same code to a private copy of the database (no write
  lock at all), so the plan it shows is the plan that is applied;
- each row runs under a SAVEPOINT: a row that is refused (by the routekaart engine, the domain
  model or the register) leaves no trace, the other rows go on;
- a file whose sha256 was imported completely before is refused (``AlreadyImported``), and each
  row is idempotent by itself (same person + same event = skipped, "staat er al");
- persons are matched by BSN and never duplicated; timeline events go through
  ``Store.record_event``, so the routekaart engine judges every one of them.

The record types come from ``herstel_tui.services.portal_lists`` (pure dataclasses, no openpyxl).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import BsnError, mask_bsn, normalize_bsn
from herstel_tui.domain.models import Person, Role, Track, validation_message
from herstel_tui.domain.routekaart import TransitionRefused, default_routekaart, format_date
from herstel_tui.files.portal_common import AlreadyImported, CellError, FileMeta, ImportReport, RowOutcome, mask_digits
from herstel_tui.files.vraagbestand import Offender
from herstel_tui.services.portal_lists import (
    KINDS,
    AnswerRecord,
    CollectorRecord,
    NegativeRecord,
    ParsedList,
    Record,
    RegistrationRecord,
)
from herstel_tui.store.base import StoreError, _now
from herstel_tui.store.db import Store

# -- portal files ---------------------------------------------------------------------------------


def already_imported(store: Store, sha256: str) -> tuple[str, str, str, str] | None:
    """(name, kind, at, by) of an earlier complete import of the same bytes, else None."""
    return store.conn.execute(
        "SELECT name, kind, at, by FROM portal_files WHERE sha256 = ? AND direction = 'import' AND status = 'klaar'",
        (sha256,),
    ).fetchone()


def refuse_if_imported(store: Store, file: FileMeta) -> None:
    prev = already_imported(store, file.sha256)
    if prev:
        name, kind, at, by = prev
        when = datetime.fromisoformat(at)
        same = "" if name == file.name else f" (als {name})"
        raise AlreadyImported(
            f"{file.name} is al ingelezen{same} op {when:%d-%m-%Y} om {when:%H:%M} door {by}; er is niets gewijzigd."
        )


def _insert_file(
    store: Store, *, kind: str, direction: str, file_name: str, sha256: str, rows: int = 0, status: str = "klaar"
) -> int:
    return store.conn.execute(
        "INSERT INTO portal_files (kind, direction, name, sha256, rows, at, by, status) VALUES (?,?,?,?,?,?,?,?)",
        (kind, direction, file_name, sha256, rows, _now(), store.user, status),
    ).lastrowid


def portal_files(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The latest files written to or read from the portal, newest first."""
    rows = store.conn.execute(
        "SELECT id, kind, direction, name, rows, summary, at, by FROM portal_files ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    keys = ("id", "kind", "direction", "name", "rows", "summary", "at", "by")
    return [{**dict(zip(keys, r)), "summary": json.loads(r[5]) if r[5] else None} for r in rows]


# -- cases a portal fact is noted on ---------------------------------------------------------------


def cases_concerned(store: Store, person_id: int) -> tuple[list[int], bool]:
    """The cases on which a fact about a child is noted: the child's own cases; when the child has
    none, the brede-ondersteuning cases of the aanvrager(s) of the households where it is a child.
    Returns (case ids, True if they are the child's own)."""
    own = [r[0] for r in store.conn.execute("SELECT id FROM cases WHERE person_id = ? ORDER BY id", (person_id,))]
    if own:
        return own, True
    parents = [
        r[0]
        for r in store.conn.execute(
            """SELECT DISTINCT c.id FROM household_members k
           JOIN household_members a ON a.household_id = k.household_id AND a.role = 'aanvrager'
           JOIN cases c ON c.person_id = a.person_id AND c.track = 'brede_ondersteuning'
           WHERE k.person_id = ? AND k.role = 'kind' ORDER BY c.id""",
            (person_id,),
        )
    ]
    return parents, False


def _note_on_cases(store: Store, person_id: int, own_text: str, parent_text: str, on: date) -> int:
    ids, own = cases_concerned(store, person_id)
    for cid in ids:
        store.add_contact_note(cid, own_text if own else parent_text, channel="bericht", on=on)
    return len(ids)


# -- vraagbestand kindregeling ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChildCandidate:
    person_id: int
    bsn: str
    naam: str
    geboortedatum: date | None
    open_since: date | None  # an open request (no answer yet) since
    answer: bool | None  # the latest answer, if any

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)

    @property
    def status(self) -> str:
        if self.answer is True:
            return "behoort tot de populatie"
        if self.answer is False:
            return "behoort niet tot de populatie"
        if self.open_since:
            return f"aangevraagd op {format_date(self.open_since)}"
        return "nog niet geverifieerd"


_CHILD_SQL = """
    SELECT p.id, p.bsn, p.voornamen, p.tussenvoegsel, p.achternaam, p.geboortedatum,
      (SELECT min(v.requested_on) FROM child_verifications v
        WHERE v.person_id = p.id AND v.answered_on IS NULL) AS open_since,
      (SELECT v.belongs FROM child_verifications v
        WHERE v.person_id = p.id AND v.answered_on IS NOT NULL
        ORDER BY v.answered_on DESC, v.id DESC LIMIT 1) AS answer
    FROM persons p
    WHERE {where}
      AND EXISTS (SELECT 1 FROM household_members hm WHERE hm.person_id = p.id AND hm.role = 'kind')
"""


def _child(row: tuple) -> ChildCandidate:
    pid, bsn, voornamen, tussen, achternaam, born, open_since, answer = row
    naam = " ".join(p for p in (voornamen, tussen, achternaam) if p)
    return ChildCandidate(
        pid,
        bsn,
        naam,
        date.fromisoformat(born) if born else None,
        date.fromisoformat(open_since) if open_since else None,
        None if answer is None else bool(answer),
    )


def children_to_verify(store: Store, *, include_open: bool = False) -> list[ChildCandidate]:
    """Children registered with the municipality (role ``kind`` in a household, with a BSN) for
    whom no answer has been recorded; by default also without an open request (a request sent
    earlier whose answer has not come in). ``include_open`` asks again for those."""
    with store._lock:
        rows = store.conn.execute(
            _CHILD_SQL.format(where="p.bsn IS NOT NULL") + " ORDER BY p.achternaam, p.voornamen, p.id"
        ).fetchall()
    out = []
    for r in rows:
        c = _child(r)
        if c.answer is not None:
            continue
        if c.open_since and not include_open:
            continue
        out.append(c)
    return out


def resolve_children(
    store: Store, entries: Iterable[tuple[str, str]]
) -> tuple[list[ChildCandidate], list[Offender], int]:
    """Children chosen by BSN (``(where, raw)`` from ``--bsn`` or a file), in the order given.

    Returns (children, offenders, duplicates dropped). An offender is a BSN that is not valid, not in
    the register, or not registered as a child in any household; the caller refuses the whole export
    when there is any. Explicit choices are taken even when verified or requested before.
    """
    children: list[ChildCandidate] = []
    offenders: list[Offender] = []
    seen: set[str] = set()
    dropped = 0
    with store._lock:
        for where, raw in entries:
            try:
                bsn = normalize_bsn(raw)
            except BsnError:
                offenders.append(Offender(where, _mask_raw(str(raw)), _bsn_fault(str(raw))))
                continue
            if bsn in seen:
                dropped += 1
                continue
            seen.add(bsn)
            row = store.conn.execute(_CHILD_SQL.format(where="p.bsn = ?"), (bsn,)).fetchone()
            if row is None:
                known = store.conn.execute("SELECT 1 FROM persons WHERE bsn = ?", (bsn,)).fetchone()
                offenders.append(
                    Offender(
                        where,
                        mask_bsn(bsn),
                        "is in geen huishouden als kind ingeschreven" if known else "staat niet in het register",
                    )
                )
                continue
            children.append(_child(row))
    return children, offenders, dropped


def _mask_raw(text: str) -> str:
    text = text.strip()
    return mask_digits(text) if text else "(leeg)"


def _bsn_fault(text: str) -> str:
    """Why a typed BSN is refused, without repeating the number (the caller shows it masked)."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits:
        return "leeg"
    if not digits.isdigit():
        return "bevat andere tekens dan cijfers"
    if len(digits) not in (8, 9):
        return f"heeft {len(digits)} cijfers; een BSN heeft er 9"
    return "klopt niet (elfproef)"


def record_export(
    store: Store, *, file_name: str, sha256: str, children: Sequence[ChildCandidate], day: date
) -> dict[str, int]:
    """Record a written vraagbestand: the file, one request per child, a contact note on the cases
    concerned (see ``cases_concerned``) and the audit trail (count and masked BSNs only)."""
    with store.transaction():
        fid = _insert_file(
            store, kind="vraagbestand", direction="export", file_name=file_name, sha256=sha256, rows=len(children)
        )
        store.conn.executemany(
            "INSERT INTO child_verifications (person_id, bsn, requested_on, request_file_id) VALUES (?,?,?,?)",
            [(c.person_id, c.bsn, day.isoformat(), fid) for c in children],
        )
        notes = 0
        when = format_date(day)
        for c in children:
            first = c.naam.split(" ")[0]
            notes += _note_on_cases(
                store,
                c.person_id,
                f"Verificatie kindregeling aangevraagd op {when} (bestand {file_name}).",
                f"Verificatie kindregeling aangevraagd op {when} voor kind {first} ({c.bsn_masked}) "
                f"(bestand {file_name}).",
                day,
            )
            store._audit(
                "verificatie aangevraagd",
                "kindverificatie",
                fid,
                person_id=c.person_id,
                detail={"bestand": file_name, "bsn": c.bsn_masked},
            )
        summary = {"aantal": len(children), "contactmomenten": notes}
        store.conn.execute("UPDATE portal_files SET summary = ? WHERE id = ?", (json.dumps(summary), fid))
        store._audit(
            "geëxporteerd",
            "vraagbestand",
            fid,
            detail={"bestand": file_name, "aantal": len(children), "bsn": [c.bsn_masked for c in children]},
        )
    return {"bestand_id": fid, **summary}


def verifications_of(store: Store, person_id: int) -> list[dict[str, Any]]:
    """The requests (and answers) for one child, oldest first, for a detail view."""
    rows = store.conn.execute(
        """SELECT v.requested_on, rf.name, v.answered_on, af.name, v.belongs FROM child_verifications v
           JOIN portal_files rf ON rf.id = v.request_file_id
           LEFT JOIN portal_files af ON af.id = v.answer_file_id
           WHERE v.person_id = ? ORDER BY v.id""",
        (person_id,),
    ).fetchall()
    return [
        {
            "aangevraagd": date.fromisoformat(r[0]),
            "vraagbestand": r[1],
            "beantwoord": date.fromisoformat(r[2]) if r[2] else None,
            "antwoordbestand": r[3],
            "behoort": None if r[4] is None else bool(r[4]),
        }
        for r in rows
    ]


# -- imports: the common frame ---------------------------------------------------------------------


class _DryRun(Exception):
    pass


class RowRefused(Exception):
    """This row cannot be applied; str() is the Dutch reason. Raised inside a row's savepoint."""


_ROW_ERRORS = (RowRefused, TransitionRefused, StoreError, ValidationError, CellError, BsnError)

# Batches: each write transaction of an import works at most BATCH_SECONDS (but always takes at
# least BATCH_MIN_ROWS rows, so a small list is one transaction), then the import pauses
# PAUSE_SECONDS. SQLite's busy handler retries a waiting colleague at least every 100 ms, so
# the pause lets every waiting save in; a colleague waits at most about one batch.
BATCH_SECONDS = 0.25
BATCH_MIN_ROWS = 50
PAUSE_SECONDS = 0.1


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return validation_message(exc).replace("\n", "; ")
    return str(exc)


def apply_import(
    store: Store,
    parsed: ParsedList,
    file: FileMeta,
    *,
    dry_run: bool,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Plan (``dry_run``) or apply the records of one portal list.

    Design (issue 13: colleagues must be able to save during an import):

    - Reading and matching the file happen before this, outside any lock (``service.import_list``).
    - Applying runs in short batches, each one ``BEGIN IMMEDIATE`` of about ``BATCH_SECONDS``
      with a pause after it, so a colleague's save waits at most about one batch.
    - All-or-nothing, per import rather than per transaction: the file's record in
      ``portal_files`` is written with the first batch as status 'bezig' and becomes 'klaar'
      (with its counts and its audit row "ingelezen") only in the final transaction. Every row's
      outcome is written to ``portal_import_rows`` in the same transaction as the row's changes, so
      each row is applied exactly once: a killed or failed import is finished by reading the same
      file again, which skips the rows already done (and reports them as they were done), and
      the same bytes are refused only once the import is 'klaar'. A list of up to
      ``BATCH_MIN_ROWS`` rows is a single transaction; any error there leaves nothing behind.
      An unfinished import is named by the error message and by ``herstel controle``.
    - The dry run takes no write lock at all: it runs this same code on a private copy of the
      database (SQLite's backup API into a temporary database that SQLite deletes itself), so
      the preview is exactly what applying would do at that moment.
    """
    if dry_run:
        with store.private_copy() as copy:
            report = _apply(copy, parsed, file, today, progress, pause=0.0)
        report.dry_run = True
        report.file_id = None
        return report
    return _apply(store, parsed, file, today, progress, pause=PAUSE_SECONDS)


def _apply(
    store: Store,
    parsed: ParsedList,
    file: FileMeta,
    today: date,
    progress: Callable[[int, int], None] | None,
    *,
    pause: float,
) -> ImportReport:
    import time

    title, files_kind, _, _ = KINDS[parsed.kind]
    handler_cls = {
        "antwoord": _Answers,
        "aanmeldingen": _Registrations,
        "negatief": _Negatives,
        "invordering": _Collectors,
    }[parsed.kind]
    report = ImportReport(parsed.kind, title, file, parsed.table.where, list(parsed.notes), [], False)
    conn = store.conn
    records = list(parsed.records)
    by_row = {rec.row: rec for rec in records}
    total = len(records)
    done: dict[int, RowOutcome] = {}
    fid: int | None = None
    handler: _Handler | None = None
    i = 0
    committed = 0  # rows applied by this run in committed batches

    def catch_up() -> None:
        """Take in the rows applied by an earlier (killed) or concurrent run of this file."""
        for row, action, text, extra in conn.execute(
            "SELECT row, action, text, notes FROM portal_import_rows WHERE file_id = ?", (fid,)
        ):
            if row in done or row not in by_row:
                continue
            info = json.loads(extra) if extra else {}
            rec = by_row[row]
            out = RowOutcome(row, action, text, rec.bsn, list(info.get("notes", [])))
            done[row] = out
            if info.get("returned"):
                handler.replay(rec, out)

    try:
        while True:
            with store.transaction():
                if fid is None:
                    refuse_if_imported(store, file)
                    prev = conn.execute(
                        "SELECT id, at, by FROM portal_files WHERE sha256 = ? AND direction = 'import' "
                        "AND status = 'bezig'",
                        (file.sha256,),
                    ).fetchone()
                    if prev:
                        fid = prev[0]
                        when = datetime.fromisoformat(prev[1])
                        report.notes.append(
                            f"vervolg van het inlezen dat op {when:%d-%m-%Y} om {when:%H:%M} door "
                            f"{prev[2]} werd gestart en niet was afgemaakt"
                        )
                    else:
                        fid = _insert_file(
                            store,
                            kind=files_kind,
                            direction="import",
                            file_name=file.name,
                            sha256=file.sha256,
                            status="bezig",
                        )
                    handler = handler_cls(store, file, fid, today)
                catch_up()
                started, n = time.monotonic(), 0
                while i < total and (n < BATCH_MIN_ROWS or time.monotonic() - started < BATCH_SECONDS):
                    rec = records[i]
                    i += 1
                    if rec.row in done:
                        continue
                    conn.execute("SAVEPOINT portal_row")
                    returned = True
                    try:
                        out = handler.row(rec)
                        handler.seen.setdefault(rec.bsn, rec.row)
                    except _ROW_ERRORS as exc:
                        conn.execute("ROLLBACK TO portal_row")
                        out = RowOutcome(rec.row, "reject", _reason(exc), rec.bsn)
                        returned = False
                    conn.execute("RELEASE portal_row")
                    out.notes = [*rec.notes, *out.notes]
                    conn.execute(
                        "INSERT INTO portal_import_rows (file_id, row, action, text, notes) VALUES (?,?,?,?,?)",
                        (
                            fid,
                            rec.row,
                            out.action,
                            out.text,
                            json.dumps({"notes": out.notes, "returned": returned}, ensure_ascii=False),
                        ),
                    )
                    done[rec.row] = out
                    n += 1
                if i >= total:
                    catch_up()
                    status = conn.execute("SELECT status FROM portal_files WHERE id = ?", (fid,)).fetchone()
                    if status is None or status[0] != "bezig":
                        raise StoreError(
                            f"{file.name} is intussen in een andere sessie ingelezen; zie `herstel portaal bestanden`"
                        )
                    outcomes = [*parsed.outcomes, *(done[r.row] for r in records)]
                    outcomes.sort(key=lambda o: o.row)
                    report.outcomes = outcomes
                    counts = report.counts
                    conn.execute(
                        "UPDATE portal_files SET rows = ?, summary = ?, status = 'klaar' WHERE id = ?",
                        (len(outcomes), json.dumps(counts), fid),
                    )
                    conn.execute("DELETE FROM portal_import_rows WHERE file_id = ?", (fid,))
                    store._audit(
                        "ingelezen",
                        "portaalbestand",
                        fid,
                        detail={"bestand": file.name, "soort": files_kind, "sha256": file.sha256[:16], **counts},
                    )
                    report.file_id = fid
            if i >= total:
                break
            committed = i
            if progress:
                progress(i, total)
            if pause:
                time.sleep(pause)
    except AlreadyImported:
        raise
    except BaseException as exc:
        if committed and not isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise StoreError(
                f"het inlezen van {file.name} is onderbroken na {committed} van {total} regels ({exc}). "
                "De verwerkte regels staan in het register; lees hetzelfde bestand opnieuw in om het af te "
                "maken: elke regel wordt precies één keer verwerkt."
            ) from exc
        raise
    return report


@dataclass(frozen=True)
class _PersonRef:
    """A person as the import needs it: id, name and the raw register row (no model validation per
    row: a 50,000-row list looks persons up 50,000 times)."""

    id: int
    row: dict[str, Any]

    @property
    def naam(self) -> str:
        return " ".join(self.row[k] for k in ("voornamen", "tussenvoegsel", "achternaam") if self.row.get(k))

    def value(self, key: str) -> Any:
        v = self.row.get(key)
        return date.fromisoformat(v) if key == "geboortedatum" and v else v

    @classmethod
    def of(cls, person: Person) -> _PersonRef:
        return cls(person.id, person.model_dump(mode="json"))


@dataclass(frozen=True)
class _CaseRef:
    id: int
    zaaknummer: str
    track: Track

    @property
    def short(self) -> str:
        return "BO" if self.track == Track.BREDE_ONDERSTEUNING else "SA"


class _Handler:
    def __init__(self, store: Store, file: FileMeta, file_id: int, today: date):
        self.store = store
        self.file = file
        self.file_id = file_id
        self.today = today
        self.seen: dict[str, int] = {}  # bsn -> first row in this file
        self.rk = default_routekaart()
        self._person_cols: list[str] | None = None

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
        cur = self.store.conn.execute("SELECT * FROM persons WHERE bsn = ?", (bsn,))
        row = cur.fetchone()
        if row is None:
            return None
        if self._person_cols is None:
            self._person_cols = [d[0] for d in cur.description]
        return _PersonRef(row[0], dict(zip(self._person_cols, row)))

    def case_of(self, person_id: int, track: Track) -> _CaseRef | None:
        row = self.store.conn.execute(
            "SELECT id, zaaknummer FROM cases WHERE person_id = ? AND track = ?", (person_id, track.value)
        ).fetchone()
        return _CaseRef(row[0], row[1], track) if row else None

    def has_event(self, case_id: int, step: str, outcome: str | None = None) -> str | None:
        """The fact date of a recorded (not corrected-away) event, else None."""
        rows = self.store.conn.execute(
            "SELECT fact_date, outcome, correction FROM events WHERE case_id = ? AND step = ? ORDER BY id",
            (case_id, step),
        ).fetchall()
        if not rows:
            return None
        fact, last_outcome, _ = rows[-1]  # a later correction supersedes earlier events of the step
        if outcome is not None and last_outcome != outcome:
            return None
        return fact

    def record_steps(self, case: _CaseRef, steps: Sequence[tuple[str, str | None, date, str | None]]) -> str | None:
        """Record ``(step, outcome, date, note)`` in order, all or none; returns the engine's
        refusal (Dutch) or None."""
        conn = self.store.conn
        conn.execute("SAVEPOINT portal_steps")
        try:
            for step, outcome, on, note in steps:
                self.store.record_event(case.id, step, on, outcome=outcome, note=note)
        except (TransitionRefused, ValidationError) as exc:
            conn.execute("ROLLBACK TO portal_steps")
            conn.execute("RELEASE portal_steps")
            return _reason(exc)
        conn.execute("RELEASE portal_steps")
        return None

    def derived_aanvraag(self, case: _CaseRef, on: date, source: str) -> list[tuple[str, None, date, str]]:
        """A portal list proves that the parent registered with UHT; when the case lacks that step,
        it is recorded on the list's date with a note that the real date is unknown."""
        if self.has_event(case.id, "aanvraag_herbeoordeling"):
            return []
        return [
            (
                "aanvraag_herbeoordeling",
                None,
                on,
                f"Afgeleid uit {source} (bestand {self.file.name}): de ouder is bij UHT aangemeld; "
                "de datum van die aanmelding is niet bekend.",
            )
        ]

    def new_person(self, bsn: str, fields: dict[str, Any], registered_on: date) -> _PersonRef:
        missing = [k for k in ("voornamen", "achternaam") if not fields.get(k)]
        if missing:
            raise RowRefused(
                f"staat niet in het register en de regel geeft geen {' en '.join(missing)}; niet toegevoegd"
            )
        person = self.store.add_person(Person(bsn=bsn, **fields))
        self.store.create_household([(person.id, Role.AANVRAGER)], registered_on=registered_on)
        return _PersonRef.of(person)

    def open_case(self, person: _PersonRef, track: Track, on: date) -> _CaseRef:
        case = self.store.open_case(person.id, track, opened=on)
        return _CaseRef(case.id, case.zaaknummer, track)


# -- antwoordbestand -------------------------------------------------------------------------------


class _Answers(_Handler):
    def __init__(self, *args: Any):
        super().__init__(*args)
        self.answers: dict[str, bool] = {}

    def replay(self, rec: AnswerRecord, out: RowOutcome) -> None:
        super().replay(rec, out)
        self.answers.setdefault(rec.bsn, rec.belongs)

    def row(self, rec: AnswerRecord) -> RowOutcome:
        word = "behoort tot de populatie" if rec.belongs else "behoort niet tot de populatie"
        first = self.first_seen(rec)
        if first is not None:
            if self.answers.get(rec.bsn) == rec.belongs:
                return RowOutcome(rec.row, "skip", f"dubbel: zelfde antwoord als regel {first}", rec.bsn)
            raise RowRefused(f"tegenstrijdig met regel {first} van dit bestand")
        conn = self.store.conn
        rows = conn.execute(
            "SELECT id, person_id, answered_on, belongs FROM child_verifications WHERE bsn = ? ORDER BY id", (rec.bsn,)
        ).fetchall()
        if not rows:
            raise RowRefused("dit BSN is niet gevraagd in een vraagbestand; niet toegevoegd")
        open_ids = [r[0] for r in rows if r[2] is None]
        if not open_ids:
            _, _, answered, belongs = rows[-1]
            if bool(belongs) == rec.belongs:
                self.answers[rec.bsn] = rec.belongs
                when = format_date(date.fromisoformat(answered))
                return RowOutcome(rec.row, "skip", f"staat er al (antwoord van {when})", rec.bsn)
            raise RowRefused(
                f"tegenstrijdig met het antwoord van {format_date(date.fromisoformat(answered))} "
                f"({'behoort' if belongs else 'behoort niet'} tot de populatie); vraag opnieuw aan"
            )
        person_id = rows[-1][1]
        conn.execute(
            f"UPDATE child_verifications SET answered_on = ?, answer_file_id = ?, belongs = ? "
            f"WHERE id IN ({','.join('?' * len(open_ids))})",
            (self.today.isoformat(), self.file_id, int(rec.belongs), *open_ids),
        )
        self.answers[rec.bsn] = rec.belongs
        person = self.store.get_person(person_id)
        when = format_date(self.today)
        n = _note_on_cases(
            self.store,
            person_id,
            f"Antwoord kindregeling ontvangen op {when} (bestand {self.file.name}): {word} kinderen van "
            "gedupeerde ouders.",
            f"Antwoord kindregeling ontvangen op {when} voor kind {person.voornamen.split(' ')[0]} "
            f"({person.bsn_masked}) (bestand {self.file.name}): {word} kinderen van gedupeerde ouders.",
            self.today,
        )
        self.store._audit(
            "verificatie beantwoord",
            "kindverificatie",
            self.file_id,
            person_id=person_id,
            detail={"bestand": self.file.name, "bsn": person.bsn_masked, "behoort": rec.belongs},
        )
        notes = [] if n else ["geen zaak om het antwoord op te noteren"]
        return RowOutcome(rec.row, "update", f"{person.naam}: {word}", rec.bsn, notes)


# -- nieuwe aanmeldingen ---------------------------------------------------------------------------

_CONTACT = ("straat", "huisnummer", "postcode", "woonplaats", "telefoon", "email")
_FILL = ("geboortedatum",)  # filled in when the register has none; names are never changed
_LABELS = {
    "straat": "straat",
    "huisnummer": "huisnummer",
    "postcode": "postcode",
    "woonplaats": "woonplaats",
    "telefoon": "telefoon",
    "email": "e-mail",
    "geboortedatum": "geboortedatum",
    "tussenvoegsel": "tussenvoegsel",
}


def _same_name(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


class _Registrations(_Handler):
    SOURCE = "de lijst nieuwe aanmeldingen"

    def row(self, rec: RegistrationRecord) -> RowOutcome:
        store = self.store
        on = rec.received or self.today
        first = self.first_seen(rec)
        done: list[str] = []
        notes: list[str] = []
        person = self.find(rec.bsn)
        created = person is None
        if person is None:
            person = self.new_person(rec.bsn, rec.person, on)
            done.append(f"{person.naam} ingeschreven")
        else:
            changes = {k: v for k, v in rec.person.items() if k in _CONTACT and v != person.value(k)}
            changes.update({k: v for k, v in rec.person.items() if k in _FILL and person.value(k) is None})
            if changes:
                full = store.get_person(person.id)
                person = _PersonRef.of(store.update_person(full.model_copy(update=changes)))
                done.append("bijgewerkt: " + ", ".join(_LABELS[k] for k in changes))
            differs = [
                lab
                for lab in ("voornamen", "achternaam")
                if lab in rec.person and not _same_name(rec.person[lab], person.value(lab))
            ]
            born = person.value("geboortedatum")
            if "geboortedatum" in rec.person and born not in (None, rec.person["geboortedatum"]):
                differs.append("geboortedatum")
            if differs:
                notes.append(f"let op: {', '.join(differs)} in de lijst wijkt af van het register (niet gewijzigd)")
        if rec.partner_bsn:
            done_partner, note = self.link_partner(person, rec.partner_bsn, on)
            if done_partner:
                done.append(done_partner)
            if note:
                notes.append(note)
        case = self.case_of(person.id, Track.BREDE_ONDERSTEUNING)
        if case is None:
            case = self.open_case(person, Track.BREDE_ONDERSTEUNING, on)
            done.append(f"zaak {case.zaaknummer} geopend")
        if not self.has_event(case.id, "ontvangst_gegevens"):
            steps = [
                *self.derived_aanvraag(case, on, self.SOURCE),
                ("ontvangst_gegevens", None, on, f"Lijst nieuwe aanmeldingen (bestand {self.file.name})."),
            ]
            refused = self.record_steps(case, steps)
            if refused:
                if created or not done:
                    raise RowRefused(f"ontvangst gegevens niet vastgelegd: {refused}")
                notes.append(f"ontvangst gegevens niet vastgelegd: {refused}")
            else:
                done.append(f"ontvangst gegevens {format_date(on)}")
        if created:
            return RowOutcome(rec.row, "create", "; ".join(done), rec.bsn, notes)
        if done:
            if first is not None:
                notes.append(f"ook in regel {first}")
            return RowOutcome(rec.row, "update", f"{person.naam}: " + "; ".join(done), rec.bsn, notes)
        text = f"dubbel: zelfde als regel {first}" if first is not None else "staat er al"
        return RowOutcome(rec.row, "skip", text, rec.bsn, notes)

    def link_partner(self, person: _PersonRef, partner_bsn: str, on: date) -> tuple[str | None, str | None]:
        store = self.store
        partner = self.find(partner_bsn)
        if partner is None:
            return None, f"toeslagpartner {mask_bsn(partner_bsn)} staat niet in het register; niet gekoppeld"
        row = store.conn.execute(
            "SELECT household_id FROM household_members WHERE person_id = ? ORDER BY role = 'aanvrager' DESC, "
            "household_id LIMIT 1",
            (person.id,),
        ).fetchone()
        if row is None:
            hid = store.create_household([(person.id, Role.AANVRAGER)], registered_on=on).id
        else:
            hid = row[0]
        if store.conn.execute(
            "SELECT 1 FROM household_members WHERE household_id = ? AND person_id = ?", (hid, partner.id)
        ).fetchone():
            return None, None
        store.add_household_member(hid, partner.id, Role.TOESLAGPARTNER)
        return f"toeslagpartner {partner.naam} gekoppeld", None


# -- negatieve beschikkingen -----------------------------------------------------------------------


class _Negatives(_Handler):
    SOURCE = "de lijst negatieve beschikkingen"

    def row(self, rec: NegativeRecord) -> RowOutcome:
        person = self.find(rec.bsn)
        if person is None:
            raise RowRefused(
                "staat niet in het register; een beschikking wordt niet aan een onbekende persoon toegevoegd"
            )
        cases = [
            c
            for c in (self.case_of(person.id, Track.BREDE_ONDERSTEUNING), self.case_of(person.id, Track.SCHULDENAANPAK))
            if c is not None
        ]
        if not cases:
            raise RowRefused(
                f"{person.naam} heeft geen zaak brede ondersteuning of schuldenaanpak; "
                "de beschikking is niet vastgelegd"
            )
        title = self.rk.event_title("brede_ondersteuning", rec.step, "niet_gedupeerd")
        done: list[str] = []
        already: list[str] = []
        refused: list[str] = []
        for case in cases:
            short = case.short
            if self.has_event(case.id, rec.step, "niet_gedupeerd"):
                already.append(f"{short} {case.zaaknummer}")
                continue
            steps = []
            if rec.step == "eerste_toets":
                steps += self.derived_aanvraag(case, rec.decided, self.SOURCE)
            steps.append(
                (
                    rec.step,
                    "niet_gedupeerd",
                    rec.decided,
                    f"Negatieve beschikking van {format_date(rec.decided)} (bestand {self.file.name}).",
                )
            )
            why = self.record_steps(case, steps)
            if why:
                refused.append(f"{short} {case.zaaknummer}: {why}")
                continue
            text = f"{short} {case.zaaknummer}"
            if case.track == Track.BREDE_ONDERSTEUNING:
                due = self.wind_down(case.id)
                if due:
                    text += f", afbouw uiterlijk {format_date(due)}"
            done.append(text)
        notes = [f"staat er al: {a}" for a in already]
        if done:
            notes += [f"niet vastgelegd: {r}" for r in refused]
            return RowOutcome(rec.row, "update", f"{person.naam}: {title} op {'; '.join(done)}", rec.bsn, notes)
        if refused:
            # Nothing written: a rejection, with what was already there as a note.
            return RowOutcome(rec.row, "reject", " ".join(refused), rec.bsn, notes)
        return RowOutcome(rec.row, "skip", f"staat er al ({', '.join(already)})", rec.bsn)

    def wind_down(self, case_id: int) -> date | None:
        view = self.store.case_view(case_id, self.today)
        for d in view.deadlines:
            if d.rule == "afbouw_brede_ondersteuning" and d.running:
                return d.due
        return None


# -- invordering (pauzeknop) -----------------------------------------------------------------------


class _Collectors(_Handler):
    SOURCE = "de lijst voor invorderaars"
    STEPS = {"start": "start_pauzeknop", "einde": "einde_pauzeknop"}

    def row(self, rec: CollectorRecord) -> RowOutcome:
        step = self.STEPS[rec.action]
        done: list[str] = []
        person = self.find(rec.bsn)
        created = person is None
        if person is None:
            person = self.new_person(rec.bsn, rec.person, rec.on)
            done.append(f"{person.naam} ingeschreven")
        case = self.case_of(person.id, Track.SCHULDENAANPAK)
        if case is None:
            case = self.open_case(person, Track.SCHULDENAANPAK, rec.on)
            done.append(f"zaak {case.zaaknummer} geopend")
        fact = self.has_event(case.id, step)
        if fact:
            return RowOutcome(
                rec.row,
                "skip",
                f"staat er al ({person.naam}, {case.zaaknummer}, {format_date(date.fromisoformat(fact))})",
                rec.bsn,
            )
        steps = self.derived_aanvraag(case, rec.on, self.SOURCE) if rec.action == "start" else []
        steps.append((step, None, rec.on, f"Lijst voor invorderaars (bestand {self.file.name})."))
        why = self.record_steps(case, steps)
        if why:
            raise RowRefused(why)
        short = "start pauzeknop" if rec.action == "start" else "einde pauzeknop"
        done.append(f"{short} {format_date(rec.on)} ({case.zaaknummer})")
        return RowOutcome(
            rec.row,
            "create" if created else "update",
            ("" if created else f"{person.naam}: ") + "; ".join(done),
            rec.bsn,
        )


# -- verificatiecode -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationCode:
    code: str
    portal_id: str
    valid_from: date
    valid_until: date
    file_name: str
    imported_at: datetime
    today: date

    @property
    def expired(self) -> bool:
        return self.today > self.valid_until

    @property
    def not_yet_valid(self) -> bool:
        return self.today < self.valid_from

    @property
    def days_left(self) -> int:
        return (self.valid_until - self.today).days

    @property
    def masked(self) -> str:
        return "*" * max(0, len(self.code) - 2) + self.code[-2:]


def store_verification_code(
    store: Store,
    *,
    code: str,
    portal_id: str,
    file_date: date,
    valid_from: date,
    valid_until: date,
    file: FileMeta,
    dry_run: bool = False,
) -> bool:
    """Store the code read from a verificatiecode file. Returns False when exactly this code with
    these dates was already stored (from another copy of the file): then only the file is noted."""
    try:
        with store.transaction():
            refuse_if_imported(store, file)
            fid = _insert_file(
                store, kind="verificatiecode", direction="import", file_name=file.name, sha256=file.sha256, rows=1
            )
            exists = store.conn.execute(
                "SELECT 1 FROM verification_codes WHERE code = ? AND valid_from = ? AND valid_until = ?",
                (code, valid_from.isoformat(), valid_until.isoformat()),
            ).fetchone()
            if not exists:
                store.conn.execute(
                    "INSERT INTO verification_codes (code, portal_id, file_date, valid_from, valid_until, file_id)"
                    " VALUES (?,?,?,?,?,?)",
                    (code, portal_id, file_date.isoformat(), valid_from.isoformat(), valid_until.isoformat(), fid),
                )
            store._audit(
                "ingelezen",
                "verificatiecode",
                fid,
                detail={
                    "bestand": file.name,
                    "code": "*" * max(0, len(code) - 2) + code[-2:],
                    "geldig_van": valid_from.isoformat(),
                    "geldig_tot": valid_until.isoformat(),
                    "nieuw": not exists,
                },
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return not exists


def current_verification_code(store: Store, today: date | None = None) -> VerificationCode | None:
    """The code to use today: the most recent one already in force (valid_from <= today), else the
    most recent one imported. ``expired`` says whether its six months have passed."""
    today = today or clock.today()
    sql = (
        "SELECT v.code, v.portal_id, v.valid_from, v.valid_until, f.name, f.at FROM verification_codes v "
        "JOIN portal_files f ON f.id = v.file_id "
    )
    with store._lock:
        row = store.conn.execute(
            sql + "WHERE v.valid_from <= ? ORDER BY v.valid_from DESC, v.id DESC LIMIT 1", (today.isoformat(),)
        ).fetchone()
        if row is None:
            row = store.conn.execute(sql + "ORDER BY v.valid_from DESC, v.id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    code, pid, vf, vu, name, at = row
    return VerificationCode(
        code, pid, date.fromisoformat(vf), date.fromisoformat(vu), name, datetime.fromisoformat(at), today
    )
