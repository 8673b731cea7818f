"""Keeping the register trustworthy (``store.maintenance``): checks, retention, removal.

All of it works on a live database. Backups and restore (which write files) are
``herstel_tui.services.backup``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction
from herstel_tui.store.base import (
    DB,
    RESTORE_ADVICE,
    StoreError,
)
from herstel_tui.store.card import MAIN_FIRST
from herstel_tui.store.index_batch import case_index
from herstel_tui.store.repository import Repository


@dataclass
class CheckResult:
    problems: list[str]
    cases: int
    damaged: bool = False  # SQLite itself finds the file damaged: restore a backup

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_problems(conn: sqlite3.Connection) -> list[str]:
    """The audit trail is append-only: its triggers exist, and its ids run 1..n without a gap up
    to the highest id ever written (kept by the trigger audit_ids_grow). Deleted rows leave a gap
    or a lower highest id; ids handed out again after a deletion leave the mark behind."""
    from herstel_tui.store.schema import AUDIT_TRIGGERS

    out = []
    found = {
        name: " ".join((sql or "").split())
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        )
    }
    for name, event in AUDIT_TRIGGERS.items():
        sql = found.get(name)
        if sql is None:
            out.append(f"auditlogboek: de beveiliging {name} ontbreekt; regels kunnen zijn gewijzigd of gewist")
        elif event not in sql or "RAISE(ABORT" not in sql:
            out.append(f"auditlogboek: de beveiliging {name} is veranderd; regels kunnen zijn gewijzigd of gewist")
    lo, hi, n = conn.execute("SELECT min(id), max(id), count(*) FROM audit").fetchone()
    mark = conn.execute("SELECT value FROM meta WHERE key = 'audit_hoogste_id'").fetchone()
    mark = int(mark[0]) if mark else None
    if n and (lo != 1 or hi - lo + 1 != n):
        out.append(f"auditlogboek: {hi - n} van de regels 1 t/m {hi} ontbreken (gewist)")
    if mark is None:
        out.append("auditlogboek: het hoogste regelnummer is niet bijgehouden (meta ontbreekt)")
    elif (hi or 0) != mark:
        if (hi or 0) < mark:
            out.append(
                f"auditlogboek: er zijn regels tot nummer {mark} geschreven, maar de hoogste is nu "
                f"{hi or 0}: regels zijn gewist"
            )
        else:
            out.append(
                f"auditlogboek: regels {mark + 1} t/m {hi} zijn buiten herstel om toegevoegd of "
                "nummers zijn hergebruikt"
            )
    return out


@dataclass
class RetentionCandidate:
    case_id: int
    zaaknummer: str
    person_id: int
    closed: date
    outcome: str | None
    keep_until: date


class Maintenance(Repository):
    """``store.maintenance``"""

    def check(self, today: date | None = None) -> CheckResult:
        """integrity_check, foreign keys, the audit trail's triggers and numbering, every case's
        events against the routekaart, the case index. A file SQLite finds damaged gives a Dutch
        StoreError with the advice to restore the latest backup (or ``damaged`` with the lines)."""
        try:
            return self._check(today)
        except DB.DatabaseError as exc:
            raise StoreError(f"{self.store.path} is beschadigd ({exc}). {RESTORE_ADVICE}") from None

    def _check(self, today: date | None) -> CheckResult:
        today = today or clock.today()
        problems: list[str] = []
        conn = self.conn
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems += [f"integriteit: {line}" for line in integrity[:20]]
            return CheckResult(problems, 0, damaged=True)
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"verwijzing: {table} rij {rowid} verwijst naar een ontbrekende {parent}")
        problems += audit_problems(conn)
        for hid, n in conn.execute(
            "SELECT household_id, count(*) FROM household_members WHERE role = 'aanvrager' GROUP BY household_id "
            "HAVING count(*) > 1"
        ):
            problems.append(
                f"huishouden {hid}: {n} aanvragers (een huishouden heeft één aanvrager; wijzig een rol met "
                f"`herstel persoon rol BSN ROL --huishouden {hid}`)"
            )
        for name, kind, at in self.store.portal.unfinished():
            problems.append(
                f"portaal: het inlezen van {name} ({kind}, gestart {at[:16].replace('T', ' ')}) is niet "
                "afgemaakt; lees hetzelfde bestand opnieuw in om het af te maken"
            )
        rk = self.routekaart
        zaaknummers = dict(conn.execute("SELECT id, zaaknummer FROM cases"))
        stored = self.store.cases.stored_index()
        cases = self.store.cases.all_recorded()
        roles = dict(
            conn.execute(
                "SELECT c.id, (SELECT role FROM household_members m WHERE m.person_id = c.person_id "
                f"ORDER BY {MAIN_FIRST} LIMIT 1) FROM cases c"
            )
        )
        for cid, (track, events) in cases.items():
            zaak = zaaknummers[cid]
            misfit = rk.misfit(track, events, role=roles.get(cid))
            if misfit is not None:
                ev, reason = misfit
                problems.append(f"{zaak}: gebeurtenis {ev.id} ({ev.step}) past niet op de routekaart: {reason}")
            if stored.get(cid) != case_index(rk, track, events, today):
                problems.append(
                    f"{zaak}: het zaakoverzicht wijkt af van de tijdlijn (herstel met `herstel controle --herbouw`)"
                )
        from herstel_tui.store.overview import tallies_differ

        for table in tallies_differ(conn):
            problems.append(
                f"overzicht: de tellingen in {table} wijken af van de zaken (herstel met `herstel controle --herbouw`)"
            )
        return CheckResult(problems, len(cases))

    def retention_candidates(self, years: dict[str, int], today: date | None = None) -> list[RetentionCandidate]:
        """Cases closed longer ago than the retention period for their outcome."""
        today = today or clock.today()
        out = []
        for cid, zaak, pid, closed, outcome in self.conn.execute(
            "SELECT c.id, c.zaaknummer, c.person_id, coalesce(c.closed, s.last_event), s.outcome "
            "FROM cases c JOIN case_summary s ON s.case_id = c.id "
            "WHERE (c.closed IS NOT NULL OR s.closed = 1) ORDER BY c.id"
        ):
            if not closed:
                continue
            closed_d = date.fromisoformat(closed)
            keep = closed_d + relativedelta(years=years.get(outcome or "overig", years["overig"]))
            if keep <= today:
                out.append(RetentionCandidate(cid, zaak, pid, closed_d, outcome, keep))
        return out

    def anonymise_case(self, case_id: int) -> None:
        """Keep the figures (track, steps, dates) for reports; remove who the person was."""
        with self.transaction():
            case = self.store.cases.get(case_id)
            others = self.conn.execute(
                "SELECT count(*) FROM cases WHERE person_id = ? AND id != ?", (case.person_id, case_id)
            ).fetchone()[0]
            self.conn.execute(
                "UPDATE events SET note = NULL, reason = CASE WHEN correction = 1 THEN 'geanonimiseerd' "
                "ELSE NULL END WHERE case_id = ?",
                (case_id,),
            )
            self.conn.execute("DELETE FROM contact_notes WHERE case_id = ?", (case_id,))
            self.store.plans.anonymise(case_id)  # the plan's texts go; the cost figures stay for the accounts
            if not others:
                self.conn.execute(
                    "UPDATE persons SET bsn = NULL, given_names = 'geanonimiseerd', surname_prefix = NULL, "
                    "surname = 'geanonimiseerd', birth_date = NULL, street = NULL, house_number = NULL, "
                    "postcode = NULL, city = NULL, phone = NULL, email = NULL WHERE id = ?",
                    (case.person_id,),
                )
            self.audit(
                AuditAction.ANONYMISED,
                "zaak",
                case_id,
                person_id=case.person_id,
                case_id=case_id,
                detail={"zaaknummer": case.zaaknummer},
            )

    def delete_case(self, case_id: int) -> None:
        with self.transaction():
            case = self.store.cases.get(case_id)
            sharers = self.store.cases.sharers((case.person_id,))
            self.conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            others = self.conn.execute("SELECT count(*) FROM cases WHERE person_id = ?", (case.person_id,)).fetchone()[
                0
            ]
            if not others:
                self._delete_person_rows(case.person_id)
            self.store.cases.index_persons(sharers)  # (the facts they shared from this case are gone)
            self.audit(
                AuditAction.DELETED,
                "zaak",
                case_id,
                person_id=case.person_id,
                case_id=case_id,
                detail={"zaaknummer": case.zaaknummer, "reden": "bewaartermijn verstreken"},
            )

    def _delete_person_rows(self, person_id: int) -> None:
        # Tables of later migrations that point at persons cascade with ON DELETE CASCADE.
        self.conn.execute("DELETE FROM persons WHERE id = ?", (person_id,))
        self.conn.execute("DELETE FROM households WHERE id NOT IN (SELECT household_id FROM household_members)")

    def remove_person(self, person_id: int, reason: str) -> list[str]:
        """A person who declines support: remove them and everything about them.

        The audit row keeps who did it, when, the person's id and the zaaknummers — not the BSN
        or the name. Earlier audit rows stay (the trail is append-only), and name no BSN either.
        """
        if not reason.strip():
            raise StoreError("geef een reden voor het verwijderen")
        with self.transaction():
            self.store.persons.get(person_id)
            zaken = [r[0] for r in self.conn.execute("SELECT zaaknummer FROM cases WHERE person_id = ?", (person_id,))]
            sharers = self.store.cases.sharers((person_id,))
            self._delete_person_rows(person_id)
            self.store.cases.index_persons(sharers)  # (the facts they shared with this person are gone)
            self.audit(
                AuditAction.DELETED,
                "persoon",
                person_id,
                person_id=person_id,
                detail={"zaken": zaken, "reden": reason.strip()},
            )
        return zaken
