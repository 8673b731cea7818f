"""Cases taken along on a laptop (issue 19): the copy out, and what either side knows about it.

``copy_out(team, laptop, case_ids, ...)`` copies the chosen cases with everything the desk shows
for them from the team's Store into a new (encrypted) laptop Store, and records in the team
database which cases are out, to whom. Rows keep their ids, so a row at or below the highest id
copied per table (``checkout_origin.marks``) is the team's, and a row above it was made on the
laptop. Bringing the work back: store/checkin.py.

Only Store connections touch the files (the team's sqlite3 one, the laptop's SQLCipher one): no
ATTACH across the two drivers (see store/cipher.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction
from herstel_tui.store.base import StoreError
from herstel_tui.store.repository import Repository

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.store.db import Store

# Tables whose ids tell team rows from laptop rows (the highest id copied is kept per table).
MARKED = (
    "persons",
    "households",
    "cases",
    "events",
    "contact_notes",
    "plans",
    "plan_versions",
    "plan_goals",
    "plan_actions",
    "cost_entries",
    "audit",
)
CASE_FIELDS = ("caseworker", "urgency", "casuistiekoverleg", "closed")
_IDS = "SELECT value FROM json_each(?)"


@dataclass(frozen=True)
class Origin:
    """What a laptop file says about itself: a checkout of which team database, by whom, when."""

    checkout_id: str
    team_db: str
    team_path: str
    taken_by: str
    taken_at: str
    marks: dict[str, int]
    cases: int


@dataclass(frozen=True)
class Conflict:
    id: int
    checkout_id: str
    case_id: int | None
    person_id: int | None
    kind: str  # stap | persoon | zaak
    field: str
    team_value: Any
    laptop_value: Any
    laptop_by: str | None
    laptop_at: str | None
    message: str


PLAN_TABLES = ("plan_versions", "plan_areas", "plan_goals", "plan_actions")


def plan_rows(conn: sqlite3.Connection, case_id: int) -> dict[str, list[dict[str, Any]]]:
    """A case's plan van aanpak as rows per table (versions in number order, items by id); {} if none."""
    plan = conn.execute("SELECT id FROM plans WHERE case_id = ?", (case_id,)).fetchone()
    if plan is None:
        return {}
    out: dict[str, list[dict[str, Any]]] = {"plans": [{"id": plan[0], "case_id": case_id}]}
    queries = {
        "plan_versions": "SELECT * FROM plan_versions WHERE plan_id = ? ORDER BY number",
        "plan_areas": "SELECT a.* FROM plan_areas a JOIN plan_versions v ON v.id = a.version_id "
        "WHERE v.plan_id = ? ORDER BY v.number, a.area",
        "plan_goals": "SELECT g.* FROM plan_goals g JOIN plan_versions v ON v.id = g.version_id "
        "WHERE v.plan_id = ? ORDER BY v.number, g.id",
        "plan_actions": "SELECT a.* FROM plan_actions a JOIN plan_versions v ON v.id = a.version_id "
        "WHERE v.plan_id = ? ORDER BY v.number, a.id",
    }
    for table, sql in queries.items():
        cur = conn.execute(sql, (plan[0],))
        cols = [d[0] for d in cur.description]
        out[table] = [dict(zip(cols, r)) for r in cur.fetchall()]
    return out


def plan_digest(conn: sqlite3.Connection, case_id: int) -> str | None:
    """A fingerprint of the case's plan (every version, area, goal and action, ids included)."""
    rows = plan_rows(conn, case_id)
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16] if rows else None


CASE_WORDS = {
    "caseworker": "medewerker",
    "urgency": "urgentie",
    "casuistiekoverleg": "casuïstiekoverleg",
    "closed": "gesloten",
}


def field_word(field: str) -> str:
    """The Dutch word people read for a person's or case's field (as the audit trail writes it)."""
    from herstel_tui.domain.models import PERSON_WORDS

    return PERSON_WORDS.get(field) or CASE_WORDS.get(field) or field


def shown_value(field: str, value: Any) -> str:
    """A field's value for a message or a listing: never a full BSN."""
    if value is None or value == "":
        return "—"
    if field == "huishouden" and isinstance(value, dict):  # (a place as aanvrager: checkin)
        return f"{value.get('aanvrager')} aanvrager van huishouden {value.get('huishouden')}"
    if field == "bsn":
        from herstel_tui.domain.bsn import mask_bsn

        return mask_bsn(str(value))
    return str(value)


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


def person_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:16]


class CheckoutRepository(Repository):
    """``store.checkouts``: the checkout bookkeeping of this database (team or laptop side)."""

    def database_id(self) -> str:
        value = self.store.meta("database_id")
        if value is None:  # pragma: no cover - migration 8 sets it
            raise StoreError(f"{self.store.path} heeft geen database-identiteit")
        return value

    # -- laptop side -------------------------------------------------------------------------------

    def origin(self) -> Origin | None:
        """This file's checkout, when it is a laptop file; else None."""
        with self.reading():
            row = self.conn.execute(
                "SELECT checkout_id, team_db, team_path, taken_by, taken_at, marks FROM checkout_origin"
            ).fetchone()
            if row is None:
                return None
            n = self.conn.execute("SELECT count(*) FROM checkout_state").fetchone()[0]
        return Origin(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), n)

    def carry_templates(self, files: Mapping[str, str]) -> None:
        """Keep the municipality's letter templates (file name -> text) in this laptop file."""
        with self.transaction() as conn:
            conn.executemany("INSERT INTO checkout_templates (name, text) VALUES (?, ?)", sorted(files.items()))
            self.audit(AuditAction.CHECKED_OUT, "briefsjablonen", None, detail={"briefsjablonen": len(files)})

    def carried_templates(self) -> dict[str, str]:
        """The letter templates this laptop file carries (empty: none, or a team database)."""
        with self.reading():
            return dict(self.conn.execute("SELECT name, text FROM checkout_templates ORDER BY name").fetchall())

    # -- team side ---------------------------------------------------------------------------------

    def out_with(self, case_id: int) -> tuple[str, str] | None:
        """(who, since when) when the case is out on a laptop, else None."""
        with self.reading():
            row = self.conn.execute(
                "SELECT taken_by, taken_at FROM checkout_cases WHERE case_id = ? AND returned_at IS NULL "
                "ORDER BY taken_at DESC LIMIT 1",
                (case_id,),
            ).fetchone()
        return (row[0], row[1]) if row else None

    def conflicts(self, *, case_id: int | None = None, open_only: bool = True) -> list[Conflict]:
        sql = (
            "SELECT id, checkout_id, case_id, person_id, kind, field, team_value, laptop_value, laptop_by, "
            "laptop_at, message FROM checkin_conflicts WHERE 1"
        )
        args: list[Any] = []
        if case_id is not None:
            sql += " AND case_id = ?"
            args.append(case_id)
        if open_only:
            sql += " AND resolved_at IS NULL"
        with self.reading():
            rows = self.conn.execute(sql + " ORDER BY id", args).fetchall()
        return [Conflict(r[0], r[1], r[2], r[3], r[4], r[5], _json(r[6]), _json(r[7]), r[8], r[9], r[10]) for r in rows]

    def conflict(self, conflict_id: int) -> Conflict:
        for c in self.conflicts(open_only=False):
            if c.id == conflict_id:
                return c
        raise StoreError(f"conflict {conflict_id} bestaat niet")

    def is_resolved(self, conflict_id: int) -> bool:
        row = self.conn.execute("SELECT resolved_at FROM checkin_conflicts WHERE id = ?", (conflict_id,)).fetchone()
        return bool(row and row[0])

    def mark_resolved(self, conflict: Conflict, resolution: str, reason: str) -> None:
        with self.transaction():
            if self.is_resolved(conflict.id):
                raise StoreError(f"conflict {conflict.id} is al opgelost")
            self.conn.execute(
                "UPDATE checkin_conflicts SET resolved_at = ?, resolved_by = ?, resolution = ?, reason = ? WHERE id = ?",
                (clock.now_iso(), self.user, resolution, reason, conflict.id),
            )
            self.audit(
                AuditAction.RESOLVED,
                "conflict",
                conflict.id,
                person_id=conflict.person_id,
                case_id=conflict.case_id,
                detail={"soort": conflict.kind, "veld": conflict.field, "keuze": resolution, "reden": reason},
            )

    def mine(self, caseworker: str) -> list[int]:
        """Open cases assigned to ``caseworker`` (for ``meenemen --mijn``)."""
        with self.reading():
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM cases WHERE caseworker = ? AND closed IS NULL ORDER BY id", (caseworker,)
                )
            ]

    def with_households(self, case_ids: Sequence[int]) -> list[int]:
        """These cases and the cases of everyone in their households (``--huishouden``)."""
        with self.reading():
            rows = self.conn.execute(
                f"""SELECT DISTINCT c2.id FROM cases c1
                    JOIN household_members a ON a.person_id = c1.person_id
                    JOIN household_members b ON b.household_id = a.household_id
                    JOIN cases c2 ON c2.person_id = b.person_id
                    WHERE c1.id IN ({_IDS})""",
                (json.dumps(list(case_ids)),),
            ).fetchall()
        return sorted(set(case_ids) | {r[0] for r in rows})


# -- the copy ----------------------------------------------------------------------------------------


def _rows(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
    cur = conn.execute(sql, args)
    return [d[0] for d in cur.description], cur.fetchall()


def _insert(conn: sqlite3.Connection, table: str, cols: list[str], rows: Iterable[tuple]) -> None:
    conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", list(rows))


def copy_out(team: Store, laptop: Store, case_ids: Sequence[int], *, checkout_id: str, target: str) -> int:
    """Copy these cases into the new ``laptop`` store and record them as out. Returns the count.

    The team side is read and written in one BEGIN IMMEDIATE transaction (one consistent
    snapshot; the bookkeeping commits only after the laptop file is complete)."""
    if not case_ids:
        raise StoreError("geen zaken gekozen; er is niets meegenomen")
    ids = json.dumps(sorted(set(case_ids)))
    now = clock.now_iso()
    with team.transaction() as src:
        found = src.execute(f"SELECT count(*) FROM cases WHERE id IN ({_IDS})", (ids,)).fetchone()[0]
        if found != len(set(case_ids)):
            raise StoreError("een of meer gekozen zaken bestaan niet; er is niets meegenomen")
        out = src.execute(
            f"SELECT c.zaaknummer, o.taken_by FROM checkout_cases o JOIN cases c ON c.id = o.case_id "
            f"WHERE o.returned_at IS NULL AND o.case_id IN ({_IDS}) LIMIT 3",
            (ids,),
        ).fetchall()
        if out:
            names = ", ".join(f"{z} (mee op laptop van {who})" for z, who in out)
            raise StoreError(f"al meegenomen: {names}; lever die eerst in. Er is niets meegenomen")
        households = [
            r[0]
            for r in src.execute(
                f"SELECT DISTINCT household_id FROM household_members WHERE person_id IN "
                f"(SELECT person_id FROM cases WHERE id IN ({_IDS}))",
                (ids,),
            )
        ]
        hh = json.dumps(households)
        persons = [
            r[0]
            for r in src.execute(
                f"SELECT person_id FROM cases WHERE id IN ({_IDS}) UNION "
                f"SELECT person_id FROM household_members WHERE household_id IN ({_IDS})",
                (ids, hh),
            )
        ]
        pp = json.dumps(persons)
        plans = json.dumps([r[0] for r in src.execute(f"SELECT id FROM plans WHERE case_id IN ({_IDS})", (ids,))])
        versions = json.dumps(
            [r[0] for r in src.execute(f"SELECT id FROM plan_versions WHERE plan_id IN ({_IDS})", (plans,))]
        )
        copies: list[tuple[str, str, tuple]] = [
            ("persons", f"SELECT * FROM persons WHERE id IN ({_IDS})", (pp,)),
            ("households", f"SELECT * FROM households WHERE id IN ({_IDS})", (hh,)),
            ("household_members", f"SELECT * FROM household_members WHERE household_id IN ({_IDS})", (hh,)),
            ("cases", f"SELECT * FROM cases WHERE id IN ({_IDS})", (ids,)),
            ("case_summary", f"SELECT * FROM case_summary WHERE case_id IN ({_IDS})", (ids,)),
            ("case_deadlines", f"SELECT * FROM case_deadlines WHERE case_id IN ({_IDS})", (ids,)),
            ("events", f"SELECT * FROM events WHERE case_id IN ({_IDS}) ORDER BY id", (ids,)),
            ("contact_notes", f"SELECT * FROM contact_notes WHERE case_id IN ({_IDS})", (ids,)),
            ("plans", f"SELECT * FROM plans WHERE id IN ({_IDS})", (plans,)),
            ("plan_versions", f"SELECT * FROM plan_versions WHERE id IN ({_IDS})", (versions,)),
            ("plan_areas", f"SELECT * FROM plan_areas WHERE version_id IN ({_IDS})", (versions,)),
            ("plan_goals", f"SELECT * FROM plan_goals WHERE version_id IN ({_IDS})", (versions,)),
            ("plan_actions", f"SELECT * FROM plan_actions WHERE version_id IN ({_IDS})", (versions,)),
            ("cost_entries", f"SELECT * FROM cost_entries WHERE case_id IN ({_IDS})", (ids,)),
            ("form_drafts", f"SELECT * FROM form_drafts WHERE case_id IN ({_IDS})", (ids,)),
            (
                "portal_files",
                "SELECT * FROM portal_files WHERE id IN (SELECT file_id FROM verification_codes) OR id IN "
                f"(SELECT request_file_id FROM child_verifications WHERE person_id IN ({_IDS})) OR id IN "
                f"(SELECT answer_file_id FROM child_verifications WHERE person_id IN ({_IDS}))",
                (pp, pp),
            ),
            ("child_verifications", f"SELECT * FROM child_verifications WHERE person_id IN ({_IDS})", (pp,)),
            ("verification_codes", "SELECT * FROM verification_codes", ()),
            # the case's trail travels along: who saw and did what, the letters made
            (
                "audit",
                f"SELECT * FROM audit WHERE case_id IN ({_IDS}) OR (case_id IS NULL AND person_id IN ({_IDS})) "
                "ORDER BY id",
                (ids, pp),
            ),
        ]
        state = {
            cid: (zaak, row)
            for cid, zaak, *row in src.execute(
                f"SELECT id, zaaknummer, {', '.join(CASE_FIELDS)} FROM cases WHERE id IN ({_IDS})", (ids,)
            )
        }
        maxima = {
            (table, cid): m
            for table, key in (("events", "case_id"), ("contact_notes", "case_id"), ("audit", "case_id"))
            for cid, m in src.execute(
                f"SELECT {key}, max(id) FROM {table} WHERE {key} IN ({_IDS}) GROUP BY {key}", (ids,)
            )
        }
        pcols, prows = _rows(src, f"SELECT * FROM persons WHERE id IN ({_IDS})", (pp,))
        team_id = team.checkouts.database_id()

        with laptop.transaction() as dst:
            frozen = dst.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%frozen%'")
            triggers = frozen.fetchall()
            for name, _ in triggers:  # agreed plan versions are copied as they are
                dst.execute(f"DROP TRIGGER {name}")
            dst.execute("PRAGMA defer_foreign_keys = ON")
            for table, sql, args in copies:
                cols, rows = _rows(src, sql, args)
                if table == "audit":  # numbered anew: the laptop's trail has no gaps (`herstel controle`)
                    cols, rows = cols[1:], [r[1:] for r in rows]
                _insert(dst, table, cols, rows)
            for _, sql in triggers:
                dst.execute(sql)
            marks = {t: dst.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in MARKED}
            dst.execute(
                "INSERT INTO checkout_origin (checkout_id, team_db, team_path, taken_by, taken_at, marks) "
                "VALUES (?,?,?,?,?,?)",
                (checkout_id, team_id, str(team.path), team.user, now, json.dumps(marks)),
            )
            dst.executemany(
                "INSERT INTO checkout_state (case_id, zaaknummer, max_event_id, max_note_id, max_audit_id, case_row) "
                "VALUES (?,?,?,?,?,?)",
                [
                    (
                        cid,
                        zaak,
                        maxima.get(("events", cid), 0),
                        maxima.get(("contact_notes", cid), 0),
                        maxima.get(("audit", cid), 0),
                        json.dumps({**dict(zip(CASE_FIELDS, row)), "plan": plan_digest(src, cid)}),
                    )
                    for cid, (zaak, row) in state.items()
                ],
            )
            snapshots = [dict(zip(pcols, r)) for r in prows]
            dst.executemany(
                "INSERT INTO checkout_persons (person_id, row, row_hash) VALUES (?,?,?)",
                [(p["id"], json.dumps(p), person_hash(p)) for p in snapshots],
            )
            laptop.audit.append(
                AuditAction.CHECKED_OUT,
                "database",
                None,
                detail={"uitleen": checkout_id, "zaken": len(state), "van": str(team.path)},
            )

        src.execute(
            "INSERT INTO checkouts (id, taken_by, taken_at, cases) VALUES (?,?,?,?)",
            (checkout_id, team.user, now, len(state)),
        )
        src.executemany(
            "INSERT INTO checkout_cases (checkout_id, case_id, taken_by, taken_at) VALUES (?,?,?,?)",
            [(checkout_id, cid, team.user, now) for cid in state],
        )
        person_of = dict(src.execute(f"SELECT id, person_id FROM cases WHERE id IN ({_IDS})", (ids,)).fetchall())
        for cid in state:
            team.audit.append(
                AuditAction.CHECKED_OUT,
                "zaak",
                cid,
                person_id=person_of[cid],
                case_id=cid,
                detail={"uitleen": checkout_id, "naar": target},
            )
    return len(state)
