"""The store: one SQLite file, opened through sqlite-utils, returning domain objects.

Rules kept here, so no caller can forget them:
- every write runs in one ``BEGIN IMMEDIATE`` transaction together with its audit row;
- migrations run on open, each in its own transaction;
- foreign keys are on, WAL is on (except on a network file system), busy_timeout waits;
- the routekaart engine judges every timeline event before it is written, and the case's
  row in ``case_summary`` (a derived index for the list) is refreshed in the same transaction.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from herstel_tui.domain import clock
from herstel_tui.domain.models import (
    AuditEntry,
    Case,
    ContactNote,
    Household,
    Person,
    Role,
    TimelineEvent,
    Track,
    Urgency,
    UrgencyField,
)
from herstel_tui.store.base import (
    NETWORK_FS,
    RESTORE_ADVICE,
    ConflictError,
    StoreError,
    _now,
    append_audit,
    check_database_file,
    check_schema,
    filesystem_type,
    open_private_temp,
    open_sqlite,
    routekaart_fingerprint,
)
from herstel_tui.store.caselist import CaseFilter, CaseRow, count_cases, list_cases
from herstel_tui.store.schema import LATEST, MIGRATIONS

_URGENCY = TypeAdapter(UrgencyField)


class Store:
    """The case register. Safe to share between the UI thread and worker threads."""

    def __init__(self, path: Path | str, user: str, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        self.user = user
        self.readonly = readonly
        self._lock = threading.RLock()
        check_database_file(self.path)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        if is_new and not create:
            raise StoreError(f"{self.path} bestaat niet")
        if is_new and readonly:
            raise StoreError(f"{self.path} bestaat niet")
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only from the first byte: BSNs and health data live here. Only a file that does
            # not exist yet is opened here (O_EXCL), so no SQLite connection can have it open.
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass  # made by another process this very moment: SQLite takes it from here
        self.network_fs = (filesystem_type(self.path) or "") in NETWORK_FS
        conn = None
        try:
            conn = open_sqlite(self.path, mode="ro" if readonly else None)
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            self._check_schema()
            if not readonly:
                self._set_journal_mode()
                self._migrate()
            self.refreshed_on_open = self.refresh_derived() if not readonly else 0
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(self._explain(exc)) from None
            raise

    @functools.cached_property
    def db(self):
        """sqlite-utils on the same connection, loaded on first use (it costs ~50 ms to import)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening -------------------------------------------------------------------------------

    def _explain(self, exc: sqlite3.Error) -> str:
        text = str(exc)
        if "auditlogboek aangetast" in text:
            return (
                f"het auditlogboek van {self.path} is aangetast (regels zijn gewist buiten herstel om); "
                "er is niets opgeslagen. Laat `herstel controle` draaien en meld het bij de beheerder"
            )
        if "malformed" in text:
            return f"{self.path} is beschadigd ({text}). {RESTORE_ADVICE}"
        if "not a database" in text:
            return f"{self.path} is geen geldige SQLite-database of is beschadigd ({text})"
        if "readonly" in text or "read-only" in text:
            return f"{self.path} is alleen-lezen; er kan niets worden opgeslagen"
        if "disk is full" in text or "database or disk is full" in text:
            return f"de schijf is vol; {self.path} is niet gewijzigd"
        if "unable to open" in text:
            return f"{self.path} kan niet worden geopend ({text})"
        if "locked" in text or "busy" in text:
            return f"{self.path} is bezet door een andere gebruiker; probeer het zo opnieuw"
        return f"databasefout in {self.path}: {text}"

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_schema(self) -> None:
        check_schema(self.conn, self.path)

    def _set_journal_mode(self) -> None:
        if self.network_fs:
            # WAL needs shared memory that network file systems do not give: stay in rollback mode.
            self.conn.execute("PRAGMA journal_mode = DELETE")
        else:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")

    def _migrate(self) -> None:
        for version, _title, script in MIGRATIONS:
            if version <= self.schema_version():
                continue
            try:
                self.conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
            except sqlite3.Error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            if version == 1:
                with self.transaction():
                    # A new database: its (empty) case index already matches this routekaart.
                    self.conn.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('routekaart_hash', ?)",
                        (routekaart_fingerprint(),),
                    )
                    self._audit("schema", "database", None, detail={"versie": LATEST, "bestand": str(self.path)})

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextmanager
    def private_copy(self) -> Iterator[Store]:
        """A throwaway Store on a copy of this database, for a dry run that must show exactly what
        the real run would do without taking the write lock: SQLite's backup API reads one
        consistent snapshot (in WAL mode no writer waits for it) into a temporary database."""
        dest = open_private_temp()
        try:
            with self._lock:
                self.conn.backup(dest)
            dest.execute("PRAGMA foreign_keys = ON")
            copy = Store.__new__(Store)
            copy.path, copy.user, copy.readonly = self.path, self.user, False
            copy._lock = threading.RLock()
            copy.network_fs = False
            copy.conn = dest
            copy.refreshed_on_open = 0
            yield copy
        finally:
            dest.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and audit ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. Nested use joins the outer one."""
        with self._lock:
            if self.readonly:
                raise StoreError(f"{self.path} is alleen-lezen geopend")
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(self._explain(exc)) from exc
                raise

    def _audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        person_id: int | None = None,
        case_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        assert self.conn.in_transaction, "audit rows are written inside the change's transaction"
        append_audit(
            self.conn, self.user, action, entity, entity_id, person_id=person_id, case_id=case_id, detail=detail
        )

    def log_view(self, *, person_id: int | None = None, case_id: int | None = None, what: str = "zaak") -> None:
        """Record that the user looked at a person or case (privacy: who saw what, when)."""
        with self.transaction():
            self._audit("bekeken", what, case_id or person_id, person_id=person_id, case_id=case_id)

    def audit_entries(
        self,
        *,
        case_id: int | None = None,
        person_id: int | None = None,
        who: str | None = None,
        since: date | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        where, args = [], []
        if case_id is not None:
            where.append("case_id = ?")
            args.append(case_id)
        if person_id is not None:
            where.append("person_id = ?")
            args.append(person_id)
        if who is not None:
            where.append("who = ?")
            args.append(who)
        if since is not None:
            where.append("at >= ?")
            args.append(since.isoformat())
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self.db.query(sql, args)
        return [AuditEntry(**{**r, "detail": json.loads(r["detail"]) if r["detail"] else None}) for r in rows]

    def recent_audit(self, limit: int = 500, case_id: int | None = None) -> list[AuditEntry]:
        """The newest audit rows first (for the desk's view of the trail)."""
        sql = (
            "SELECT * FROM audit" + (" WHERE case_id = ?" if case_id is not None else "") + " ORDER BY id DESC LIMIT ?"
        )
        args = ([case_id] if case_id is not None else []) + [int(limit)]
        with self._lock:
            cur = self.conn.execute(sql, args)
            cols = [c[0] for c in cur.description]
            rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        return [AuditEntry(**{**r, "detail": json.loads(r["detail"]) if r["detail"] else None}) for r in rows]

    # -- persons ---------------------------------------------------------------------------------

    @staticmethod
    def _person_row(p: Person) -> dict[str, Any]:
        row = p.model_dump(mode="json", exclude={"id"})
        return row

    def add_person(self, person: Person) -> Person:
        with self.transaction():
            if person.bsn and self.find_person_by_bsn(person.bsn):
                raise StoreError(f"Er staat al een persoon met BSN {person.bsn_masked} in het register")
            cur = self.conn.execute(
                "INSERT INTO persons ({}) VALUES ({})".format(
                    ", ".join(self._person_row(person)), ", ".join("?" * len(self._person_row(person)))
                ),
                tuple(self._person_row(person).values()),
            )
            new = person.model_copy(update={"id": cur.lastrowid})
            self._audit("aangemaakt", "persoon", new.id, person_id=new.id, detail=_redact(self._person_row(new)))
            return new

    def update_person(self, person: Person) -> Person:
        if person.id is None:
            raise StoreError("persoon zonder id kan niet worden bijgewerkt")
        with self.transaction():
            old = self.get_person(person.id)
            new_row = self._person_row(person)
            old_row = self._person_row(old)
            changed = {k: (old_row[k], v) for k, v in new_row.items() if old_row[k] != v}
            if not changed:
                return old
            self.db["persons"].update(person.id, {k: v for k, (_, v) in changed.items()})
            self._audit(
                "gewijzigd",
                "persoon",
                person.id,
                person_id=person.id,
                detail={k: {"oud": _redact_value(k, o), "nieuw": _redact_value(k, n)} for k, (o, n) in changed.items()},
            )
            return person

    def get_person(self, person_id: int) -> Person:
        row = self.conn.execute("SELECT * FROM persons WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise StoreError(f"persoon {person_id} bestaat niet")
        return self._person(row)

    def _person(self, row: sqlite3.Row | tuple) -> Person:
        cols = [d[0] for d in self.conn.execute("SELECT * FROM persons LIMIT 0").description]
        return Person.model_validate(dict(zip(cols, row)))

    def find_person_by_bsn(self, bsn: str) -> Person | None:
        row = self.conn.execute("SELECT * FROM persons WHERE bsn = ?", (bsn,)).fetchone()
        return self._person(row) if row else None

    # -- households ------------------------------------------------------------------------------

    def create_household(
        self, members: Sequence[tuple[int, Role | str]], registered_on: date | None = None
    ) -> Household:
        from herstel_tui.domain.models import HouseholdMember

        checked = [HouseholdMember(household_id=0, person_id=pid, role=role) for pid, role in members]
        roles = [m.role for m in checked]
        if roles.count(Role.AANVRAGER) > 1:
            raise StoreError("een huishouden heeft één aanvrager")
        with self.transaction():
            hid = self.conn.execute(
                "INSERT INTO households (registered_on) VALUES (?)",
                (registered_on.isoformat() if registered_on else None,),
            ).lastrowid
            for m in checked:
                self.get_person(m.person_id)
                self.conn.execute(
                    "INSERT INTO household_members (household_id, person_id, role) VALUES (?,?,?)",
                    (hid, m.person_id, m.role.value),
                )
            self._audit(
                "aangemaakt",
                "huishouden",
                hid,
                detail={"leden": [{"persoon": m.person_id, "rol": m.role.value} for m in checked]},
            )
            return Household(id=hid, registered_on=registered_on)

    def add_household_member(self, household_id: int, person_id: int, role: Role | str) -> None:
        from herstel_tui.domain.models import HouseholdMember

        m = HouseholdMember(household_id=household_id, person_id=person_id, role=role)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO household_members (household_id, person_id, role) VALUES (?,?,?)",
                (household_id, person_id, m.role.value),
            )
            self._audit("toegevoegd", "huishouden", household_id, person_id=person_id, detail={"rol": m.role.value})

    def join_household_of(self, anchor_id: int, person_id: int, role: Role | str) -> int:
        """Put ``person_id`` in the household of ``anchor_id`` (made if the anchor has none)."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT household_id FROM household_members WHERE person_id = ? LIMIT 1", (anchor_id,)
            ).fetchone()
            if row:
                self.add_household_member(row[0], person_id, role)
                return row[0]
            return self.create_household([(anchor_id, Role.AANVRAGER), (person_id, role)]).id

    def register(
        self,
        person: Person,
        *,
        role: Role | str = Role.AANVRAGER,
        household_of: int | None = None,
        track: Track | str | None = None,
        caseworker: str | None = None,
        opened: date | None = None,
    ) -> tuple[Person, Case | None]:
        """A new person, their place in a household and (optionally) their case: all or nothing.

        ``household_of`` puts the person in that person's household; without it a new household
        is made with this person in ``role``. A form that registers someone calls this once, so
        a killed process can never leave a person without the case that was confirmed.
        """
        from herstel_tui.domain.models import HouseholdMember

        role = HouseholdMember(household_id=0, person_id=0, role=role).role
        with self.transaction():
            new = self.add_person(person)
            if household_of is not None:
                self.join_household_of(household_of, new.id, role)
            else:
                self.create_household([(new.id, role)], registered_on=opened or clock.today())
            case = self.open_case(new.id, track, caseworker=caseworker, opened=opened) if track else None
            return new, case

    def household_of(self, person_id: int) -> list[tuple[Person, Role, list[Case]]]:
        """Everyone in the person's household(s), the person first, each with their cases."""
        rows = self.conn.execute(
            """SELECT DISTINCT hm2.person_id, hm2.role FROM household_members hm1
               JOIN household_members hm2 ON hm2.household_id = hm1.household_id
               WHERE hm1.person_id = ? ORDER BY hm2.person_id = ? DESC,
               CASE hm2.role WHEN 'aanvrager' THEN 0 WHEN 'toeslagpartner' THEN 1
                 WHEN 'ex-toeslagpartner' THEN 2 WHEN 'kind' THEN 3 ELSE 4 END, hm2.person_id""",
            (person_id, person_id),
        ).fetchall()
        return [(self.get_person(pid), Role(role), self.cases_of_person(pid)) for pid, role in rows]

    # -- cases -----------------------------------------------------------------------------------

    def _next_zaaknummer(self, year: int) -> str:
        prefix = f"HKO-{year}-"
        row = self.conn.execute("SELECT max(zaaknummer) FROM cases WHERE zaaknummer LIKE ?", (prefix + "%",)).fetchone()
        last = int(row[0].rsplit("-", 1)[1]) if row[0] else 0
        return f"{prefix}{last + 1:06d}"

    def open_case(
        self, person_id: int, track: Track | str, *, caseworker: str | None = None, opened: date | None = None
    ) -> Case:
        opened = opened or clock.today()
        case = Case(person_id=person_id, track=track, caseworker=caseworker or self.user, opened=opened)
        with self.transaction():
            self.get_person(person_id)
            if self.conn.execute(
                "SELECT 1 FROM cases WHERE person_id = ? AND track = ?", (person_id, case.track.value)
            ).fetchone():
                raise StoreError(f"deze persoon heeft al een zaak in het spoor {case.track.title}")
            case.zaaknummer = self._next_zaaknummer(opened.year)
            cid = self.conn.execute(
                "INSERT INTO cases (zaaknummer, person_id, track, caseworker, opened) VALUES (?,?,?,?,?)",
                (case.zaaknummer, person_id, case.track.value, case.caseworker, opened.isoformat()),
            ).lastrowid
            case.id = cid
            self._refresh_summary(cid)
            self._audit(
                "aangemaakt",
                "zaak",
                cid,
                person_id=person_id,
                case_id=cid,
                detail={"zaaknummer": case.zaaknummer, "spoor": case.track.value, "medewerker": case.caseworker},
            )
            return case

    _CASE_COLS = "id, zaaknummer, person_id, track, caseworker, opened, closed, urgency, casuistiekoverleg, version"

    def _case(self, row: tuple) -> Case:
        keys = [c.strip() for c in self._CASE_COLS.split(",")]
        return Case.model_validate(dict(zip(keys, row)))

    def get_case(self, case_id: int) -> Case:
        row = self.conn.execute(f"SELECT {self._CASE_COLS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise StoreError(f"zaak {case_id} bestaat niet")
        return self._case(row)

    def find_case(self, zaaknummer: str) -> Case | None:
        row = self.conn.execute(
            f"SELECT {self._CASE_COLS} FROM cases WHERE zaaknummer = ?", (zaaknummer.strip().upper(),)
        ).fetchone()
        return self._case(row) if row else None

    def zaaknummers(self, case_ids: Sequence[int]) -> dict[int, str]:
        ids = sorted(set(case_ids))
        if not ids:
            return {}
        with self._lock:
            return dict(
                self.conn.execute(f"SELECT id, zaaknummer FROM cases WHERE id IN ({','.join('?' * len(ids))})", ids)
            )

    def cases_of_person(self, person_id: int) -> list[Case]:
        rows = self.conn.execute(
            f"SELECT {self._CASE_COLS} FROM cases WHERE person_id = ? ORDER BY track", (person_id,)
        ).fetchall()
        return [self._case(r) for r in rows]

    def _update_case(
        self, case_id: int, changes: dict[str, Any], action: str, expected_version: int | None = None
    ) -> Case:
        with self.transaction():
            old = self.get_case(case_id)
            if expected_version is not None and old.version != expected_version:
                raise ConflictError(
                    f"zaak {old.zaaknummer} is intussen door een ander gewijzigd; de nieuwe gegevens worden getoond"
                )
            old_row = old.model_dump(mode="json")
            diff = {k: {"oud": old_row[k], "nieuw": v} for k, v in changes.items() if old_row[k] != v}
            if not diff:
                return old
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.conn.execute(
                f"UPDATE cases SET {sets}, version = version + 1 WHERE id = ?", (*changes.values(), case_id)
            )
            self._audit(action, "zaak", case_id, person_id=old.person_id, case_id=case_id, detail=diff)
            return self.get_case(case_id)

    def assign(self, case_id: int, caseworker: str, *, expected_version: int | None = None) -> Case:
        caseworker = caseworker.strip()
        if not caseworker:
            raise StoreError("geef de naam van de medewerker")
        return self._update_case(case_id, {"caseworker": caseworker}, "toegewezen", expected_version)

    def set_urgency(
        self,
        case_id: int,
        urgency: Urgency | str | None,
        casuistiekoverleg: bool = False,
        *,
        expected_version: int | None = None,
    ) -> Case:
        checked = _URGENCY.validate_python(urgency)
        return self._update_case(
            case_id,
            {"urgency": checked.value if checked else None, "casuistiekoverleg": int(casuistiekoverleg)},
            "urgentie",
            expected_version,
        )

    def close_case(self, case_id: int, closed: date | None = None, *, expected_version: int | None = None) -> Case:
        closed = closed or clock.today()
        return self._update_case(case_id, {"closed": closed.isoformat()}, "gesloten", expected_version)

    # -- timeline --------------------------------------------------------------------------------

    _EVENT_COLS = "id, case_id, step, outcome, fact_date, recorded_at, recorded_by, note, correction, reason"

    def _event(self, row: tuple) -> TimelineEvent:
        keys = [c.strip() for c in self._EVENT_COLS.split(",")]
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
            f"SELECT {self._EVENT_COLS} FROM events WHERE case_id = ? ORDER BY fact_date, id", (case_id,)
        ).fetchall()
        return [self._event(r) for r in rows]

    @staticmethod
    def _recorded(events: Sequence[TimelineEvent]):
        """The events as the engine takes them: in the order they were recorded."""
        from herstel_tui.domain.routekaart import RecordedEvent

        return [
            RecordedEvent(
                step=e.step, fact_date=e.fact_date, outcome=e.outcome, correction=e.correction, reason=e.reason, id=e.id
            )
            for e in sorted(events, key=lambda e: e.id)
        ]

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
        from herstel_tui.domain.routekaart import RecordedEvent, default_routekaart

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
            case = self.get_case(case_id)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(
                    f"zaak {case.zaaknummer} is intussen door een ander gewijzigd; de nieuwe gegevens worden getoond"
                )
            rk = default_routekaart()
            rk.check(
                case.track.value,
                self._recorded(self.events(case_id)),
                RecordedEvent(
                    step=event.step,
                    fact_date=event.fact_date,
                    outcome=event.outcome,
                    correction=event.correction,
                    reason=event.reason,
                ),
            )
            now = _now()
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
            self._audit(
                "correctie" if correction else "vastgelegd",
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

    def case_view(self, case_id: int, today: date | None = None):
        """The routekaart engine's view of a case, derived from its events."""
        from herstel_tui.domain.routekaart import default_routekaart

        case = self.get_case(case_id)
        return default_routekaart().evaluate(
            case.track.value, self._recorded(self.events(case_id)), today or clock.today()
        )

    def _refresh_summary(self, case_id: int, today: date | None = None) -> None:
        row = summary_row(self.get_case(case_id).track.value, self._recorded(self.events(case_id)), today)
        self.conn.execute(
            "INSERT OR REPLACE INTO case_summary (case_id, current_step, current_title, outcome, next_due, next_rule,"
            " next_kind, closed, last_event) VALUES (?,?,?,?,?,?,?,?,?)",
            (case_id, *row),
        )

    def rebuild_summaries(self, today: date | None = None) -> int:
        """Recompute the derived case list index from the events (after a routekaart change).

        One pass over the events in case order and one executemany: about 5 s at 100,000 cases.
        """
        today = today or clock.today()
        with self.transaction():
            n = self._write_summaries(None, today)
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('routekaart_hash', ?)", (routekaart_fingerprint(),)
            )
            self._audit("herberekend", "zaakoverzicht", None, detail={"zaken": n})
        return n

    def _write_summaries(self, case_ids: Sequence[int] | None, today: date) -> int:
        from herstel_tui.domain.routekaart import RecordedEvent

        if case_ids is None:
            tracks = dict(self.conn.execute("SELECT id, track FROM cases"))
            source = self.conn.execute(
                "SELECT case_id, step, outcome, fact_date, correction, reason, id FROM events ORDER BY case_id, id"
            )
        else:
            marks = ",".join("?" * len(case_ids))
            tracks = dict(self.conn.execute(f"SELECT id, track FROM cases WHERE id IN ({marks})", list(case_ids)))
            source = self.conn.execute(
                "SELECT case_id, step, outcome, fact_date, correction, reason, id FROM events "
                f"WHERE case_id IN ({marks}) ORDER BY case_id, id",
                list(case_ids),
            )
        events: dict[int, list] = {cid: [] for cid in tracks}
        for cid, step, outcome, fact, corr, reason, eid in source.fetchall():
            events[cid].append(
                RecordedEvent(
                    step=step,
                    outcome=outcome,
                    fact_date=date.fromisoformat(fact),
                    correction=bool(corr),
                    reason=reason,
                    id=eid,
                )
            )
        rows = [(cid, *summary_row(tracks[cid], evs, today)) for cid, evs in events.items()]
        self.conn.executemany(
            "INSERT OR REPLACE INTO case_summary (case_id, current_step, current_title, outcome, next_due, next_rule,"
            " next_kind, closed, last_event) VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )
        return len(rows)

    def refresh_derived(self, today: date | None = None) -> int:
        """Bring case_summary up to date with the routekaart file and with the calendar.

        A changed routekaart rebuilds every row; otherwise only rows whose next date is a
        period that has run out by ``today`` are recomputed. Returns the rows recomputed.
        """
        today = today or clock.today()
        if self.meta("routekaart_hash") != routekaart_fingerprint():
            return self.rebuild_summaries(today)
        stale = [
            r[0]
            for r in self.conn.execute(
                "SELECT case_id FROM case_summary WHERE next_kind = 'period' AND next_due <= ?", (today.isoformat(),)
            )
        ]
        if stale:
            with self.transaction():
                for start in range(0, len(stale), 500):
                    self._write_summaries(stale[start : start + 500], today)
        return len(stale)

    # -- contact notes ---------------------------------------------------------------------------

    def add_contact_note(
        self, case_id: int, text: str, *, channel: str = "telefoon", on: date | None = None
    ) -> ContactNote:
        note = ContactNote(case_id=case_id, date=on or clock.today(), channel=channel, text=text, by=self.user)
        with self.transaction():
            case = self.get_case(case_id)
            now = _now()
            nid = self.conn.execute(
                "INSERT INTO contact_notes (case_id, date, channel, text, by, recorded_at) VALUES (?,?,?,?,?,?)",
                (case_id, note.date.isoformat(), note.channel.value, note.text, self.user, now),
            ).lastrowid
            self._audit(
                "vastgelegd",
                "contactmoment",
                nid,
                person_id=case.person_id,
                case_id=case_id,
                detail={"datum": note.date.isoformat(), "kanaal": note.channel.value},
            )
            return note.model_copy(update={"id": nid, "recorded_at": datetime.fromisoformat(now)})

    def contact_notes(self, case_id: int, limit: int | None = None) -> list[ContactNote]:
        sql = "SELECT id, case_id, date, channel, text, by, recorded_at FROM contact_notes WHERE case_id = ? ORDER BY date DESC, id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        out = []
        for r in self.conn.execute(sql, (case_id,)):
            out.append(
                ContactNote.model_validate(
                    dict(zip(("id", "case_id", "date", "channel", "text", "by", "recorded_at"), r))
                )
            )
        return out

    # -- the case list ---------------------------------------------------------------------------

    def count_cases(self, f: CaseFilter, today: date | None = None) -> int:
        with self._lock:
            return count_cases(self.conn, f, today or clock.today())

    def list_cases(self, f: CaseFilter, offset: int = 0, limit: int = 100, today: date | None = None) -> list[CaseRow]:
        with self._lock:
            return list_cases(self.conn, f, today or clock.today(), offset, limit)

    def cases_due_before(self, until: date, caseworker: str | None = None) -> list[tuple]:
        """(id, zaaknummer, naam, track, caseworker) of open cases with a date due by ``until``."""
        sql = (
            "SELECT c.id, c.zaaknummer, p.achternaam || ', ' || p.voornamen, c.track, c.caseworker "
            "FROM case_summary s JOIN cases c ON c.id = s.case_id JOIN persons p ON p.id = c.person_id "
            "WHERE s.next_due <= ? AND s.closed = 0 AND c.closed IS NULL"
        )
        args: list = [until.isoformat()]
        if caseworker:
            sql += " AND c.caseworker = ?"
            args.append(caseworker)
        return self.conn.execute(sql + " ORDER BY s.next_due", args).fetchall()

    def caseworkers(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT caseworker FROM cases WHERE caseworker IS NOT NULL ORDER BY caseworker"
            )
        ]

    # -- meta ------------------------------------------------------------------------------------

    def data_version(self) -> int:
        """Changes whenever another connection commits: cheap to poll, to show colleagues' work."""
        with self._lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        return {
            t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("persons", "cases", "events", "contact_notes", "audit")
        }


def summary_row(track: str, events: Sequence[Any], today: date | None = None) -> tuple:
    """(current_step, current_title, outcome, next_due, next_rule, next_kind, closed, last_event).

    A due date does not depend on today; whether a period (nazorg, moratorium) still runs
    does, which is why ``refresh_derived`` revisits rows whose period has come due.
    """
    from herstel_tui.domain.routekaart import default_routekaart

    view = default_routekaart().evaluate(track, events, today or clock.today())
    nxt = view.next_deadline
    return (
        view.current.step if view.current else None,
        view.current_title,
        view.outcome,
        nxt.due.isoformat() if nxt else None,
        nxt.rule if nxt else None,
        nxt.kind if nxt else None,
        int(view.closed),
        max((e.fact_date for e in events), default=None).isoformat() if events else None,
    )


_SENSITIVE = {"bsn"}


def _redact_value(key: str, value: Any) -> Any:
    if key in _SENSITIVE and value:
        return "*" * 6 + str(value)[-3:]
    return value


def _redact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _redact_value(k, v) for k, v in row.items() if v is not None}


def secure_file(path: Path) -> None:
    """Make a file we created readable by its owner only."""
    try:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    except OSError:
        pass
