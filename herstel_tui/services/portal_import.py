"""The portal list import engine: what one list (antwoordbestand, nieuwe aanmeldingen, negatieve
beschikkingen, invordering) changes in the register, row by row. The books it keeps are the
store's (``store.portal``); every timeline event goes through ``store.cases.record_event``, so the
routekaart engine judges every one of them (or ``store.import_batch``, for a case the import opened
itself, with the same engine, in bulk; steps the batch refused are refused again for the same reason
while it would judge them on the same history: ``ListHandler.record_steps``).

Rules kept here:
- a list import never holds the write lock for long (colleagues keep saving during a 20,000-row
  import): see :func:`apply_import` for how it is applied in short batches and what
  all-or-nothing means then; the dry run applies the very same code to a private copy of the
  database (no write lock at all), so the plan it shows is the plan that is applied;
- each row is all or nothing (``ImportBatch.row``: its bulk writes taken back, its other writes
  under a savepoint): a row that is refused (by the routekaart engine, the domain model or the
  register) leaves no trace, the other rows go on;
- a file whose sha256 was imported completely before is refused (``AlreadyImported``), and each
  row is idempotent by itself (same person + same event = skipped, "staat er al");
- persons are matched by BSN and never duplicated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from pydantic import ValidationError

from herstel_tui.domain.bsn import BsnError, mask_bsn
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import AuditAction, ImportAction, Track
from herstel_tui.domain.models import FIELD_OF_WORD
from herstel_tui.domain.portal import AlreadyImported, FileMeta, ImportReport, RowOutcome
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.files.portal_common import CellError
from herstel_tui.services.portal_handler import ListHandler, RowRefused, row_reason
from herstel_tui.services.portal_lists import (
    KINDS,
    AnswerRecord,
    CollectorRecord,
    ListParser,
    NegativeRecord,
    ParsedList,
    Record,
    RegistrationRecord,
)
from herstel_tui.services.portal_refs import PersonRef as _PersonRef
from herstel_tui.store import Store, StoreError
from herstel_tui.store.base import HouseholdRefused
from herstel_tui.store.import_batch import ImportBatch

CREATE, UPDATE, SKIP, REJECT = ImportAction.CREATE, ImportAction.UPDATE, ImportAction.SKIP, ImportAction.REJECT
BO = Track.BREDE_ONDERSTEUNING  # (read once: a member read off its class goes through EnumType.__getattr__)


# -- imports: the common frame ---------------------------------------------------------------------


_ROW_ERRORS = (RowRefused, TransitionRefused, StoreError, ValidationError, CellError, BsnError)

# Batches: each write transaction of an import works at most BATCH_SECONDS (but always takes at
# least BATCH_MIN_ROWS rows, so a small list is one transaction), then the import pauses
# PAUSE_SECONDS. SQLite's busy handler retries a waiting colleague at least every 100 ms, so
# the pause lets every waiting save in; a colleague waits at most about one batch (issue 18: the
# write lock held at most 1 s at a time, a colleague waits at most about 1 s; the pauses cost a
# sixth of the import, not a third).
# Each case's index row is refreshed once per batch (store.cases.summaries_once).
BATCH_SECONDS = 0.5
BATCH_MIN_ROWS = 50
PAUSE_SECONDS = 0.1
PREFETCH_ROWS = 2000  # the persons, cases and events of this many coming rows are read at once
PARSE_STEP = 200  # rows parsed at a time (a few milliseconds), in a pause until it is over


def apply_import(
    store: Store,
    parsed: ParsedList | ListParser,
    file: FileMeta,
    *,
    dry_run: bool,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Plan (``dry_run``) or apply the records of one portal list.

    Design (issue 13: colleagues must be able to save during an import):

    - Reading and matching the file happen before this, outside any lock (``service.import_list``).
      ``parsed``: the list's records, or a parser that has read the whole file (a file that
      cannot be read is refused by then) and parses its rows as they are needed.
    - Applying runs in short batches, each one ``BEGIN IMMEDIATE`` of about ``BATCH_SECONDS``
      with a pause after it, so a colleague's save waits at most about one batch. In the pauses
      the next rows are parsed, then their persons read (kept when nobody wrote): SQLite's busy
      handler lets a waiting colleague try again at least every 100 ms, so a pause of
      ``PAUSE_SECONDS`` without the write lock lets every waiting save in, and the import need
      not sit idle during it.
    - All-or-nothing, per import rather than per transaction: the file's record in
      ``portal_files`` is written with the first batch as status 'bezig' and becomes 'klaar'
      (with its counts and its audit row "ingelezen") only in the final transaction. Every row's
      outcome is written to ``portal_import_rows`` in the same transaction as the row's changes, so
      each row is applied exactly once: a killed or failed import is finished by reading the same
      file again, which skips the rows already done (and reports them as they were done), and
      the same bytes are refused only once the import is 'klaar'. (The last transaction, which
      makes it 'klaar' and deletes those rows, does not write its own rows' outcomes.) A list of up to
      ``BATCH_MIN_ROWS`` rows is a single transaction; any error there leaves nothing behind.
      An unfinished import is named by the error message and by ``herstel controle``.
    - The dry run takes no write lock at all: it runs this same code on a private copy of the
      database (SQLite's backup API into a temporary database that SQLite deletes itself), so the
      preview is exactly what applying would do at that moment. Nobody waits for that copy, so the
      dry run is one transaction; its batch keeps no audit rows or row outcomes, and when its rows
      are decided what it still holds is not sent and no index row is written (the copy is thrown
      away unread); SQLite's constraints on those writes are checked by the real run alone.
    - Within a transaction an ``ImportBatch`` (``store/import_batch.py``) holds the rows' persons,
      cases and latest events in memory and sends what the rows write in bulk when the batch
      ends; a row is still all or nothing (its writes are taken back from the batch, or undone by
      a savepoint when it wrote through the repositories). The next transaction keeps that memory
      only when nobody wrote in between (no other connection committed: SQLite's
      ``data_version``; nothing else on this connection: its ``total_changes``); else it reads
      the register afresh.
    """
    parser = ListParser.parsed_already(parsed) if isinstance(parsed, ParsedList) else parsed
    if dry_run:
        with store.private_copy() as copy, _statement_journals_in_memory(copy):
            report = _apply(copy, parser, file, today, progress, pause=0.0, seconds=float("inf"), throwaway=True)
        report.dry_run = True
        report.file_id = None
        return report
    with _statement_journals_in_memory(store), _checkpoints_in_pauses(store):
        return _apply(store, parser, file, today, progress, pause=PAUSE_SECONDS, seconds=BATCH_SECONDS, throwaway=False)


@contextmanager
def _statement_journals_in_memory(store: Store) -> Iterator[None]:
    """SQLite's temporary files in memory (``PRAGMA temp_store = MEMORY``) while the import runs on
    this connection, as they were afterwards. Inside a transaction every statement that may abort
    halfway keeps the pages it changes in a statement journal, in memory until one statement's
    journal outgrows 64 KiB; from then on, to the end of the transaction, in a temporary file: on a
    50,000-row list 318,000 writes of 4 KiB (a third of a second of system time). Only the
    statement's own rollback reads that journal; the transaction's durability is the WAL's (a
    killed process loses no committed batch either way). No temporary table is open then: the
    setting drops those (only a migration makes one, and drops it)."""
    with store.reading() as conn:
        if conn.in_transaction:  # (the setting cannot change inside a transaction)
            old = None
        else:
            old = conn.execute("PRAGMA temp_store").fetchone()[0]
            conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        if old is not None:
            with store.reading() as conn:
                conn.execute(f"PRAGMA temp_store = {int(old)}")


@contextmanager
def _checkpoints_in_pauses(store: Store) -> Iterator[None]:
    """SQLite's automatic checkpoint (at every commit of a large list's batches) off while the import runs: it
    checkpoints after each batch itself, within the pause that follows, and at its end, as the last commit would."""
    with store.reading() as conn:
        old = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with store.reading() as conn:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(old)}")
        _checkpoint(store)


def _checkpoint(store: Store) -> None:
    with store.reading() as conn:
        if not conn.in_transaction:  # (SQLite refuses it inside one: a caller's, which the batches join)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _apply(
    store: Store,
    parser: ListParser,
    file: FileMeta,
    today: date,
    progress: Callable[[int, int], None] | None,
    *,
    pause: float,
    seconds: float,
    throwaway: bool,
) -> ImportReport:

    parsed = parser.parsed
    title, files_kind, _, _ = KINDS[parsed.kind]
    handler_cls = {
        "antwoord": _Answers,
        "aanmeldingen": _Registrations,
        "negatief": _Negatives,
        "invordering": _Collectors,
    }[parsed.kind]
    report = ImportReport(parsed.kind, title, file, parsed.table.where, list(parsed.notes), [], False)
    # A dry run (a private copy nobody waits for) is one transaction; a real one takes the write lock
    # for about ``seconds`` at a time, its flush, index rows and commit included: the rows get the
    # part of ``seconds`` those leave them, and those grow with the rows (``after``: the last
    # batch's time after its rows per second of rows; the first batch guesses as much again). So a
    # transaction stays near ``seconds``, the first too, without swinging between short and long.
    after = 1.0
    ledger = store.portal
    # The rows parsed so far (the parser adds to this list): the rows are parsed as they are needed,
    # and ahead of that in the pauses between the batches (see PARSE_STEP).
    records = parsed.records
    by_row: dict[int, Record] = {}
    done: dict[int, RowOutcome] = {}
    fid: int | None = None
    handler: ListHandler | None = None
    i = 0
    committed = 0  # rows applied by this run in committed batches
    batch: ImportBatch | None = None
    # the register as the last batch left it: SQLite's data_version at its start (it changes when
    # another connection commits) and this connection's row changes after its commit
    left: tuple[int, int] | None = None
    fetched_to = 0  # the rows up to here are read (ImportBatch.prefetch)

    def have(k: int) -> bool:
        """Whether the list has a record ``records[k]``, parsing on as far as that needs."""
        while len(records) <= k and not parser.done:
            parser.more(PARSE_STEP)
        return len(records) > k

    def total() -> int:
        """The list's records (the rows not refused while parsing)."""
        parser.all()
        return len(records)

    def catch_up() -> None:
        """Take in the rows applied by an earlier (killed) or concurrent run of this file."""
        assert fid is not None
        if ledger.rows_done_count(fid) == len(done):
            return  # every applied row is one of ours: nothing to read
        if not by_row:
            parser.all()
            by_row.update((rec.row, rec) for rec in records)
        for row, action, text, info in ledger.rows_done(fid):
            if row in done or row not in by_row:
                continue
            rec = by_row[row]
            out = RowOutcome(row, ImportAction(action), text, rec.bsn, list(info.get("notes", [])))
            done[row] = out
            if info.get("returned"):
                assert handler is not None
                handler.replay(rec, out)

    try:
        while True:
            with store.transaction(), store.cases.summaries_once():
                if fid is None:
                    ledger.refuse_if_imported(file)
                    prev = ledger.unfinished_import(file.sha256)
                    if prev:
                        fid = prev[0]
                        when = datetime.fromisoformat(prev[1])
                        report.notes.append(
                            f"vervolg van het inlezen dat op {format_date(when)} om {when:%H:%M} door "
                            f"{prev[2]} werd gestart en niet was afgemaakt"
                        )
                    else:
                        fid = ledger.add_file(
                            kind=files_kind,
                            direction="import",
                            file_name=file.name,
                            sha256=file.sha256,
                            status="bezig",
                        )
                    handler = handler_cls(store, file, fid, today)
                assert handler is not None and fid is not None
                version = store.data_version()
                # Nobody wrote since the last batch (no other connection committed, nothing else on
                # this one): the rows done are that batch's and those taken in before it, and what
                # the batch knows still holds. Else the rows another run applied are taken in (a
                # count of the file's rows first: as many as ours, nothing to read), and the
                # register is read afresh. (Within a transaction nobody else writes: the last one
                # takes in nothing more after its rows.)
                if batch is None or left != (version, store.conn.total_changes):
                    catch_up()
                    batch = ImportBatch(store, throwaway=throwaway)
                    fetched_to = i  # (else the batch holds the rows read in the pause)
                handler.batch = batch
                started, n = time.monotonic(), 0
                budget = max(seconds / (1 + after), seconds / 4)
                while (i < len(records) or have(i)) and (n < BATCH_MIN_ROWS or time.monotonic() - started < budget):
                    if i >= fetched_to:
                        fetched_to = i + PREFETCH_ROWS
                        have(fetched_to - 1)
                        batch.prefetch(_bsns(records[i:fetched_to]))
                    rec = records[i]
                    i += 1
                    if rec.row in done:
                        continue
                    returned = True
                    batch.begin_row()  # (batch.row() spelled out: 50,000 times)
                    try:
                        out = handler.row(rec)
                    except BaseException as exc:
                        batch.fail_row()
                        if not isinstance(exc, _ROW_ERRORS):
                            raise
                        out = RowOutcome(rec.row, REJECT, row_reason(exc), rec.bsn)
                        returned = False
                    else:
                        batch.end_row()
                        handler.seen.setdefault(rec.bsn, rec.row)
                    if rec.notes:  # (else the outcome's own, a list made for it)
                        out.notes = [*rec.notes, *out.notes]
                    batch.row_outcome(fid, rec.row, out.action, out.text, out.notes, returned)
                    done[rec.row] = out
                    n += 1
                rows_done = time.monotonic()
                last = not have(i)  # (every row parsed, and every record taken)
                # The last transaction: its rows' outcomes would be deleted again by finish_import
                # below, in this same transaction (a dry run: all 50,000 of them), so they are not sent.
                if last:
                    batch.drop_rows_done()
                if throwaway and last:
                    # A dry run's last transaction: every row is decided, and the copy is thrown
                    # away unread, so what the batch still holds is not sent and no case's index
                    # row is written (on a 50,000-row list 2 of its 5 seconds). What follows reads
                    # only portal_files and portal_import_rows, which the batch has no part in.
                    batch.discard()
                    store.cases.drop_waiting()
                else:
                    batch.flush()
                if last:
                    if not ledger.is_under_way(fid):
                        raise StoreError(
                            f"{file.name} is intussen in een andere sessie ingelezen; zie `herstel portaal bestanden`"
                        )
                    outcomes = [*parsed.outcomes, *(done[r.row] for r in records)]
                    outcomes.sort(key=attrgetter("row"))
                    report.outcomes = outcomes
                    counts = report.counts
                    ledger.finish_import(fid, len(outcomes), counts)
                    store.audit.append(
                        AuditAction.IMPORTED,
                        "portaalbestand",
                        fid,
                        detail={"bestand": file.name, "soort": files_kind, "sha256": file.sha256[:16], **counts},
                    )
                    report.file_id = fid
            if last:
                break
            freed = time.monotonic()  # (the write lock is free from here: the pause counts from it)
            _checkpoint(store)  # (at once, as the commit would have: not left to a waiting colleague's commit)
            left = (version, store.conn.total_changes)
            rows_time = rows_done - started
            after = (time.monotonic() - rows_done) / rows_time if rows_time > 0 else 1.0
            committed = i
            if progress:
                progress(i, total())
            if pause:  # (the write lock is free: the next rows are parsed meanwhile)
                until = freed + pause
                while not parser.done and time.monotonic() < until:
                    parser.more(PARSE_STEP)
                start = max(i, fetched_to)  # then the next rows' persons read (kept if nobody wrote: left)
                while have(start) and (start == i or time.monotonic() < until):
                    fetched_to = start + PREFETCH_ROWS
                    have(fetched_to - 1)
                    with store.reading():
                        batch.prefetch(_bsns(records[start:fetched_to]))
                    start = fetched_to
                time.sleep(max(0.0, until - time.monotonic()))
    except AlreadyImported:
        raise
    except BaseException as exc:
        if committed and not isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise StoreError(
                f"het inlezen van {file.name} is onderbroken na {committed} van {total()} regels ({exc}). "
                "De verwerkte regels staan in het register; lees hetzelfde bestand opnieuw in om het af te "
                "maken: elke regel wordt precies één keer verwerkt."
            ) from exc
        raise
    return report


def _bsns(records: Sequence[Record]) -> Iterator[str]:
    """The BSNs the rows look up: each row's and its toeslagpartner's."""
    for rec in records:
        yield rec.bsn
        partner = getattr(rec, "partner_bsn", None)
        if partner:
            yield partner


# -- antwoordbestand -------------------------------------------------------------------------------


class _Answers(ListHandler):
    def __init__(self, *args: Any):
        super().__init__(*args)
        self.answers: dict[str, bool] = {}

    def replay(self, rec: AnswerRecord, out: RowOutcome) -> None:
        super().replay(rec, out)
        self.answers.setdefault(rec.bsn, rec.belongs)

    def row(self, rec: AnswerRecord) -> RowOutcome:
        with self.batch.direct(persons=()):  # requests, notes and audit rows through the repositories
            return self._row(rec)

    def _row(self, rec: AnswerRecord) -> RowOutcome:
        word = "behoort tot de populatie" if rec.belongs else "behoort niet tot de populatie"
        first = self.first_seen(rec)
        if first is not None:
            if self.answers.get(rec.bsn) == rec.belongs:
                return RowOutcome(rec.row, SKIP, f"dubbel: zelfde antwoord als regel {first}", rec.bsn)
            raise RowRefused(f"tegenstrijdig met regel {first} van dit bestand")
        rows = self.store.portal.verifications_by_bsn(rec.bsn)
        if not rows:
            raise RowRefused("dit BSN is niet gevraagd in een vraagbestand; niet toegevoegd")
        open_ids = [r[0] for r in rows if r[2] is None]
        if not open_ids:
            _, _, answered, belongs = rows[-1]
            assert answered is not None  # no open request: the last one is answered
            if bool(belongs) == rec.belongs:
                self.answers[rec.bsn] = rec.belongs
                when = format_date(date.fromisoformat(answered))
                return RowOutcome(rec.row, SKIP, f"staat er al (antwoord van {when})", rec.bsn)
            raise RowRefused(
                f"tegenstrijdig met het antwoord van {format_date(date.fromisoformat(answered))} "
                f"({'behoort' if belongs else 'behoort niet'} tot de populatie); vraag opnieuw aan"
            )
        person_id = rows[-1][1]
        self.store.portal.record_answer(open_ids, self.today, self.file_id, rec.belongs)
        self.answers[rec.bsn] = rec.belongs
        person = self.store.persons.get(person_id)
        when = format_date(self.today)
        n = self.store.portal.note_on_cases(
            person_id,
            f"Antwoord kindregeling ontvangen op {when} (bestand {self.file.name}): {word} kinderen van "
            "gedupeerde ouders.",
            f"Antwoord kindregeling ontvangen op {when} voor kind {person.given_names.split(' ')[0]} "
            f"({person.bsn_masked}) (bestand {self.file.name}): {word} kinderen van gedupeerde ouders.",
            self.today,
        )
        self.store.audit.append(
            AuditAction.VERIFICATION_ANSWERED,
            "kindverificatie",
            self.file_id,
            person_id=person_id,
            detail={"bestand": self.file.name, "bsn": person.bsn_masked, "behoort": rec.belongs},
        )
        notes = [] if n else ["geen zaak om het antwoord op te noteren"]
        return RowOutcome(rec.row, UPDATE, f"{person.name}: {word}", rec.bsn, notes)


# -- nieuwe aanmeldingen ---------------------------------------------------------------------------

_CONTACT = ("straat", "huisnummer", "postcode", "woonplaats", "telefoon", "email")
_CONTACT_COLUMNS = {word: FIELD_OF_WORD.get(word, word) for word in _CONTACT}  # word -> column
_FILL = ("geboortedatum",)  # filled in when the register has none; names are never changed
_FILL_COLUMNS = {word: FIELD_OF_WORD.get(word, word) for word in _FILL}  # word -> column
_NAME_COLUMNS = tuple((word, FIELD_OF_WORD.get(word, word)) for word in ("voornamen", "achternaam"))
# (each read by itself: a tuple of four gets is made in a third of the time of one unpacked from maps)
(_FIRST_WORD, _FIRST_FIELD), (_LAST_WORD, _LAST_FIELD) = _NAME_COLUMNS
_ABSENT = object()  # (a name the row lacks: not the same as one that is empty)
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
    return a == b or " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


class _Registrations(ListHandler):
    SOURCE = "de lijst nieuwe aanmeldingen"

    def __init__(self, *args: Any):
        super().__init__(*args)
        # bsn -> (register row, the row's person fields, the names that differ) of the last row of
        # that person that changed nothing: a row with the same fields on the same register row (the
        # batch replaces a row that changes, never alters one) changes nothing either, and differs
        # in the same names (a 50,000-row list: 30,000 rows that repeat one before them)
        self.alike: dict[str, tuple[dict[str, Any], dict[str, Any], list[str]]] = {}
        # (the row's names, the register's names) -> the names that differ (the list's words)
        self.names: dict[tuple, tuple[str, ...]] = {}
        # the words of the fields a row changed -> the text that names them ("bijgewerkt: ...")
        self.updated: dict[tuple[str, ...], str] = {}
        self.received_note = f"Lijst nieuwe aanmeldingen (bestand {self.file.name})."

    def row(self, rec: RegistrationRecord) -> RowOutcome:
        on = rec.received or self.today
        first = self.first_seen(rec)
        done: list[str] = []
        notes: list[str] = []
        person = self.find(rec.bsn)
        created = person is None
        if person is None:
            person = self.new_person(rec.bsn, rec.person, on)
            done.append(f"{person.name} ingeschreven")
        else:
            given, register = rec.person, person.row
            alike = self.alike.get(rec.bsn)
            if alike is not None and alike[0] is register and alike[1] == given:
                differs = alike[2]  # (as the last row of this person, which changed nothing)
            else:
                # the contact data that differs, then what the register lacks (_FILL), in that order
                # (one pass over the row's fields: a 50,000-row list asks this 40,000 times)
                # (each by its word, and by its column for the batch)
                changes: dict[str, Any] = {}
                fields: dict[str, Any] = {}
                fill: list[tuple[str, Any]] | None = None
                for k, v in given.items():
                    column = _CONTACT_COLUMNS.get(k)
                    if column is not None:
                        if v != register.get(column):
                            changes[k] = fields[column] = v
                    elif k in _FILL_COLUMNS and register.get(_FILL_COLUMNS[k]) is None:  # (person.value(k) is None)
                        if fill is None:
                            fill = []
                        fill.append((k, v))
                if fill:
                    for k, v in fill:
                        changes[k] = fields[_FILL_COLUMNS[k]] = v
                if changes:
                    person = _PersonRef.from_columns(self.batch.update_person(register, fields))
                    # (the same few kinds of change, row after row: their text made once each)
                    kinds = tuple(changes)
                    text = self.updated.get(kinds)
                    if text is None:
                        text = self.updated[kinds] = "bijgewerkt: " + ", ".join(_LABELS[k] for k in kinds)
                    done.append(text)
                row = person.row  # (names are never changed: the register's names as they were)
                # the names that differ: once per pair of the list's and the register's names (a
                # person's rows repeat theirs)
                names = (
                    given.get(_FIRST_WORD, _ABSENT),
                    given.get(_LAST_WORD, _ABSENT),
                    row.get(_FIRST_FIELD),
                    row.get(_LAST_FIELD),
                )
                named = self.names.get(names)
                if named is None:
                    named = self.names[names] = tuple(
                        lab
                        for lab, column in _NAME_COLUMNS  # (the same text, most rows: no call)
                        if lab in given
                        and given[lab] != row.get(column)
                        and not _same_name(given[lab], row.get(column))
                    )
                differs = [*named]
                if "geboortedatum" in given and person.value("geboortedatum") not in (None, given["geboortedatum"]):
                    differs.append("geboortedatum")
                if not changes:
                    self.alike[rec.bsn] = (register, given, differs)
            if differs:
                notes.append(f"let op: {', '.join(differs)} in de lijst wijkt af van het register (niet gewijzigd)")
        if rec.partner_bsn:
            done_partner, note = self.link_partner(person, rec.partner_bsn, on)
            if done_partner:
                done.append(done_partner)
            if note:
                notes.append(note)
        case = self.case_of(person.id, BO)
        if case is None:
            case = self.open_case(person, BO, on)
            done.append(f"zaak {case.zaaknummer} geopend")
        if not self.has_event(case.id, "ontvangst_gegevens"):
            steps = [
                *self.derived_aanvraag(case, on, self.SOURCE),
                ("ontvangst_gegevens", None, on, self.received_note),
            ]
            refused = self.record_steps(case, steps)
            if refused:
                if created or not done:
                    raise RowRefused(f"ontvangst gegevens niet vastgelegd: {refused}")
                notes.append(f"ontvangst gegevens niet vastgelegd: {refused}")
            else:
                done.append(f"ontvangst gegevens {format_date(on)}")
        if created:
            return RowOutcome(rec.row, CREATE, "; ".join(done), rec.bsn, notes)
        if done:
            if first is not None:
                notes.append(f"ook in regel {first}")
            return RowOutcome(rec.row, UPDATE, f"{person.name}: " + "; ".join(done), rec.bsn, notes)
        text = f"dubbel: zelfde als regel {first}" if first is not None else "staat er al"
        return RowOutcome(rec.row, SKIP, text, rec.bsn, notes)

    def link_partner(self, person: _PersonRef, partner_bsn: str, on: date) -> tuple[str | None, str | None]:
        partner = self.find(partner_bsn)
        if partner is None:
            return None, f"toeslagpartner {mask_bsn(partner_bsn)} staat niet in het register; niet gekoppeld"
        try:
            if not self.batch.link_partner(person.id, partner.id, on):
                return None, None
        except HouseholdRefused as exc:  # (their own timeline says otherwise: a caseworker looks)
            return None, f"toeslagpartner {partner.name} niet gekoppeld: {exc.reason}"
        return f"toeslagpartner {partner.name} gekoppeld", None


# -- negatieve beschikkingen -----------------------------------------------------------------------


class _Negatives(ListHandler):
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
                f"{person.name} heeft geen zaak brede ondersteuning of schuldenaanpak; "
                "de beschikking is niet vastgelegd"
            )
        title = self.rk.event_title("brede_ondersteuning", rec.step, "niet_gedupeerd")
        done: list[str] = []
        already: list[str] = []
        refused: list[str] = []
        # UHT's decision is recorded; the household members' cases it contradicts are named for a
        # caseworker (the fact goes through the repositories: record_steps, and so does this reading)
        with self.batch.direct(persons=()), self.store.persons.contradictions(person.id, rec.step) as contradicted:
            for case in cases:
                short = case.short
                if self.has_event(case.id, rec.step, "niet_gedupeerd"):
                    already.append(f"{short} {case.zaaknummer}")
                    continue
                steps: list[tuple[str, str | None, date, str]] = []
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
            notes += [f"let op: {misfit.warning(name)}" for name, misfit in contradicted]
            return RowOutcome(rec.row, UPDATE, f"{person.name}: {title} op {'; '.join(done)}", rec.bsn, notes)
        if refused:
            # Nothing written: a rejection, with what was already there as a note.
            return RowOutcome(rec.row, REJECT, " ".join(refused), rec.bsn, notes)
        return RowOutcome(rec.row, SKIP, f"staat er al ({', '.join(already)})", rec.bsn)

    def wind_down(self, case_id: int) -> date | None:
        with self.batch.direct(persons=()):  # the engine reads the case's events from the database
            view = self.store.cases.view(case_id, self.today)
        for d in view.deadlines:
            if d.rule == "afbouw_brede_ondersteuning" and d.running:
                return d.due
        return None


# -- invordering (pauzeknop) -----------------------------------------------------------------------


class _Collectors(ListHandler):
    SOURCE = "de lijst voor invorderaars"
    STEPS = {"start": "start_pauzeknop", "einde": "einde_pauzeknop"}

    def row(self, rec: CollectorRecord) -> RowOutcome:
        step = self.STEPS[rec.action]
        done: list[str] = []
        person = self.find(rec.bsn)
        created = person is None
        if person is None:
            person = self.new_person(rec.bsn, rec.person, rec.on)
            done.append(f"{person.name} ingeschreven")
        case = self.case_of(person.id, Track.SCHULDENAANPAK)
        if case is None:
            case = self.open_case(person, Track.SCHULDENAANPAK, rec.on)
            done.append(f"zaak {case.zaaknummer} geopend")
        fact = self.has_event(case.id, step)
        if fact:
            return RowOutcome(
                rec.row,
                SKIP,
                f"staat er al ({person.name}, {case.zaaknummer}, {format_date(date.fromisoformat(fact))})",
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
            CREATE if created else UPDATE,
            ("" if created else f"{person.name}: ") + "; ".join(done),
            rec.bsn,
        )
