"""Bringing a laptop file's work back into the team database (issue 19), in one transaction.

What the laptop made (rows above the marks copied at checkout, see store/checkout.py) is added
with new team ids; what it changed (a person's or a case's fields) is merged field by field
against the value at checkout. Each laptop row and value applied is written down in
``checkin_applied`` (checkout id + laptop id), so handing in the same file twice applies nothing
the second time. Events are facts: the laptop's new events are appended after the team's (a
colleague's included) and judged by the routekaart engine one by one; one it refuses, and a
field both sides changed to different values, becomes a row in ``checkin_conflicts`` with both
versions, and nothing is dropped. The laptop's audit rows come along with their own who and when.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from herstel_tui.domain import clock
from herstel_tui.domain.enums import OTHER_ROLES, AuditAction
from herstel_tui.domain.routekaart import RecordedEvent, TransitionRefused
from herstel_tui.store.base import StoreError
from herstel_tui.store.card import Misfit, shares
from herstel_tui.store.checkin_plan import merge_plans
from herstel_tui.store.checkout import CASE_FIELDS, Origin, field_word, shown_value

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.store.db import Store

# audit entity -> the table its entity_id points into
_ENTITY_TABLE = {
    "persoon": "persons",
    "huishouden": "households",
    "zaak": "cases",
    "gebeurtenis": "events",
    "contactmoment": "contact_notes",
    "kosten": "cost_entries",
}


_ABOUT = (("person_id", "persons"), ("case_id", "cases"))


@dataclass
class CheckinReport:
    """What a check-in applied (or, dry, would apply): Dutch lines, and the conflicts."""

    checkout_id: str
    applied: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # a household member's case that a handed-in fact of UHT about the aanvrager now contradicts
    # (``persons.contradictions``: the fact is taken all the same; a caseworker looks)
    warnings: list[str] = field(default_factory=list)
    logged: int = 0  # the laptop's audit rows taken into the team's trail (a case looked at, say)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def nothing_new(self) -> bool:
        return not self.applied and not self.conflicts

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


class _Merge:
    def __init__(self, team: Store, laptop: Store, origin: Origin, report: CheckinReport) -> None:
        self.team, self.laptop, self.origin, self.report = team, laptop, origin, report
        self.t, self.lap = team.conn, laptop.conn
        self.cid = origin.checkout_id
        self.marks = origin.marks
        self.applied: dict[tuple[str, str], tuple[int | None, str | None]] = {
            (k, lid): (tid, v)
            for k, lid, tid, v in self.t.execute(
                "SELECT kind, laptop_id, team_id, value FROM checkin_applied WHERE checkout_id = ?", (self.cid,)
            )
        }
        self.zaak = dict(self.lap.execute("SELECT id, zaaknummer FROM cases"))
        self.touched: set[int] = set()
        self.joined: set[int] = set()  # persons put in a household (their cases' index rows follow)
        self.sharing: set[int] = set()  # persons with a new shared fact (their members' index rows follow)
        self.watch: ExitStack | None = None  # around events(): the contradictions of those facts
        self.contradicted: list[list[tuple[str, Misfit]]] = []
        self.gone = self._gone(report)
        self.case_of_person = {
            pid: cid
            for cid, pid in self.lap.execute(
                "SELECT s.case_id, c.person_id FROM checkout_state s JOIN cases c ON c.id = s.case_id ORDER BY 1 DESC"
            )
        }

    def _gone(self, report: CheckinReport) -> set[tuple[str, int]]:
        """Persons and cases taken along that the team database no longer has: their laptop work
        is not brought in (they were removed on purpose), and the report says so."""
        gone: set[tuple[str, int]] = set()
        for table in ("persons", "cases"):
            ids = [r[0] for r in self.lap.execute(f"SELECT id FROM {table} WHERE id <= ?", (self.marks[table],))]
            have = {
                r[0]
                for r in self.t.execute(
                    f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
                )
            }
            gone |= {(table, i) for i in ids if i not in have}
        for _, cid in sorted(k for k in gone if k[0] == "cases"):
            line = f"zaak {self.zaak.get(cid, cid)} is intussen uit de teamdatabase verwijderd; het werk op de laptop eraan is niet overgenomen"
            if not self.done("verwijderd", cid):
                report.conflicts.append(line)
                self.note("verwijderd", cid, None)
        return gone

    # -- bookkeeping -------------------------------------------------------------------------------

    def note(self, kind: str, laptop_id: Any, team_id: int | None, value: str | None = None) -> None:
        self.applied[(kind, str(laptop_id))] = (team_id, value)
        self.t.execute(
            "INSERT OR REPLACE INTO checkin_applied (checkout_id, kind, laptop_id, team_id, value) VALUES (?,?,?,?,?)",
            (self.cid, kind, str(laptop_id), team_id, value),
        )

    def done(self, kind: str, laptop_id: Any) -> bool:
        return (kind, str(laptop_id)) in self.applied

    def map(self, table: str, laptop_id: int | None) -> int | None:
        """The team id of a laptop row's id (the same below the mark); None for a person or case
        removed from the team database meanwhile (`herstel vergeet`, retention)."""
        if laptop_id is None:
            return None
        if laptop_id <= self.marks.get(table, 0):
            return None if (table, laptop_id) in self.gone else laptop_id
        hit = self.applied.get((table, str(laptop_id)))
        return hit[0] if hit else None

    def target_id(self, table: str, laptop_id: int) -> int | None:
        """The team id a laptop row is written under again: its own below the mark, the one an
        earlier check-in gave it, else None (a new id)."""
        return self.map(table, laptop_id)

    def new_rows(self, table: str, where: str = "", args: tuple = ()) -> list[dict[str, Any]]:
        cur = self.lap.execute(
            f"SELECT * FROM {table} WHERE id > ? {where} ORDER BY id", (self.marks.get(table, 0), *args)
        )
        cols = [d[0] for d in cur.description]
        return [r for r in (dict(zip(cols, row)) for row in cur.fetchall()) if not self.done(table, r["id"])]

    def insert(self, table: str, row: dict[str, Any]) -> int:
        cols = [c for c in row if c != "id"]
        cur = self.t.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [row[c] for c in cols]
        )
        assert cur.lastrowid is not None
        self.note(table, row["id"], cur.lastrowid)
        return cur.lastrowid

    def conflict(self, kind: str, fld: str, key: str, *, case_id: int | None, person_id: int | None, **v: Any) -> None:
        if self.done("conflict", key):
            return
        self.t.execute(
            "INSERT INTO checkin_conflicts (checkout_id, case_id, person_id, kind, field, team_value, laptop_value, "
            "laptop_by, laptop_at, message, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                self.cid,
                case_id,
                person_id,
                kind,
                fld,
                json.dumps(v.get("team"), ensure_ascii=False),
                json.dumps(v.get("laptop"), ensure_ascii=False),
                v.get("by"),
                v.get("at"),
                v["message"],
                clock.now_iso(),
            ),
        )
        self.note("conflict", key, None)
        self.team.audit.append(
            AuditAction.CONFLICT,
            kind,
            case_id or person_id,
            person_id=person_id,
            case_id=case_id,
            detail={"uitleen": self.cid, "veld": fld},
        )
        self.report.conflicts.append(v["message"])
        if case_id is not None:
            self.touched.add(case_id)

    # -- the parts ----------------------------------------------------------------------------------

    def persons(self) -> None:
        for row in self.new_rows("persons"):
            existing = self.t.execute("SELECT id FROM persons WHERE bsn = ?", (row["bsn"],)).fetchone()
            if row["bsn"] and existing:
                self.note("persons", row["id"], existing[0])
                continue
            self.insert("persons", row)
            self.report.applied.append(f"nieuwe persoon {row['surname']}, {row['given_names']}")
            self.report.count("personen")
        snapshots = {pid: json.loads(r) for pid, r in self.lap.execute("SELECT person_id, row FROM checkout_persons")}
        cur = self.lap.execute("SELECT * FROM persons WHERE id <= ?", (self.marks["persons"],))
        cols = [d[0] for d in cur.description]
        for values in cur.fetchall():
            now = dict(zip(cols, values))
            base = snapshots.get(now["id"])
            if base is None:
                continue
            team_row = self.t.execute("SELECT * FROM persons WHERE id = ?", (now["id"],)).fetchone()
            if team_row is None:
                continue
            team = dict(zip(cols, team_row))
            for f in cols:
                if f == "id":
                    continue
                self.merge_field(
                    "persoon",
                    "persons",
                    now["id"],
                    f,
                    base[f],
                    now[f],
                    team[f],
                    person_id=now["id"],
                    case_id=self.case_of_person.get(now["id"]),
                )

    def merge_field(
        self, kind: str, table: str, row_id: int, f: str, base: Any, lap: Any, team: Any, **about: Any
    ) -> None:
        key = f"{table}.{row_id}.{f}"
        value = json.dumps(lap, ensure_ascii=False)
        before = self.applied.get(("veld", key))
        if before is not None and before[1] is not None:
            base = json.loads(before[1])  # an earlier check-in brought this field in: that is the base now
        if lap == base or lap == team:
            return
        fault = None
        if team != base:
            fault = (
                f"{field_word(f)} is op beide kanten gewijzigd (team: {shown_value(f, team)}, "
                f"laptop: {shown_value(f, lap)})"
            )
        elif table == "persons" and f == "bsn" and lap is not None:
            taken = self.t.execute("SELECT id FROM persons WHERE bsn = ? AND id != ?", (lap, row_id)).fetchone()
            if taken is not None:  # another person in the team database has it: never merged silently
                fault = (
                    f"het BSN {shown_value(f, lap)} van de laptop hoort in het teambestand bij een andere "
                    f"persoon (team: {shown_value(f, team)})"
                )
        if fault is not None:
            message = f"{self.what(kind, row_id)}: {fault}"
            self.conflict(kind, f, key + "=" + value, team=team, laptop=lap, message=message, **about)
            return
        self.t.execute(f"UPDATE {table} SET {f} = ? WHERE id = ?", (lap, row_id))
        if table == "cases":
            self.t.execute("UPDATE cases SET version = version + 1 WHERE id = ?", (row_id,))
            self.touched.add(row_id)
        self.note("veld", key, row_id, value)
        self.report.applied.append(
            f"{self.what(kind, row_id)}: {field_word(f)} {shown_value(f, base)} → {shown_value(f, lap)}"
        )
        self.report.count("velden")

    def what(self, kind: str, row_id: int) -> str:
        if kind == "persoon":
            zaak = self.zaak.get(self.case_of_person.get(row_id))
            return f"persoon bij zaak {zaak}" if zaak else f"persoon {row_id}"
        return f"zaak {self.zaak.get(row_id, row_id)}"

    def households(self) -> None:
        for row in self.new_rows("households"):
            self.insert("households", row)
        for hid, pid, role in self.lap.execute("SELECT household_id, person_id, role FROM household_members"):
            th, tp = self.map("households", hid), self.map("persons", pid)
            if th is None or tp is None or (role == "aanvrager" and self._second_aanvrager(th, tp, hid, pid)):
                continue
            cur = self.t.execute(
                "INSERT OR IGNORE INTO household_members (household_id, person_id, role) VALUES (?,?,?)", (th, tp, role)
            )
            if cur.rowcount:
                self.joined.add(tp)
                if role == "aanvrager":  # (the others share this person's facts from now on)
                    self.joined.update(
                        r[0]
                        for r in self.t.execute("SELECT person_id FROM household_members WHERE household_id = ?", (th,))
                    )
                self.report.applied.append(f"huishouden {th}: lid {tp} ({role})")
                self.report.count("huishoudens")

    def _second_aanvrager(self, th: int, tp: int, hid: int, pid: int) -> bool:
        """A place as aanvrager, given on the laptop, in a household that has another aanvrager in the
        office by now: not taken, a conflict (a household has one aanvrager: ``persons.add_to_household``).
        Settled with the team's version (no place) or a correction: another role."""
        if self.t.execute(
            "SELECT 1 FROM household_members WHERE household_id = ? AND person_id = ?", (th, tp)
        ).fetchone():
            return False  # (in it already: nothing to take)
        other = self.t.execute(
            "SELECT person_id FROM household_members WHERE household_id = ? AND role = 'aanvrager'", (th,)
        ).fetchone()
        if other is None:
            return False
        theirs, mine = (self.team.persons.get(p).name for p in (other[0], tp))
        case = self.t.execute("SELECT id FROM cases WHERE person_id = ? ORDER BY id LIMIT 1", (tp,)).fetchone()
        self.conflict(
            "persoon",
            "huishouden",
            f"household_members.{hid}.{pid}",
            case_id=case[0] if case else None,
            person_id=tp,
            team={"huishouden": th, "aanvrager": theirs},
            laptop={"huishouden": th, "aanvrager": mine},
            message=f"huishouden {th}: {mine} is op de laptop als aanvrager toegevoegd, maar {theirs} is daar al "
            f"aanvrager (een huishouden heeft één aanvrager). Houd de versie van het team, of corrigeer met een "
            f"andere rol ({OTHER_ROLES}).",
        )
        return True

    def cases(self) -> None:
        for row in self.new_rows("cases"):
            pid = self.map("persons", row["person_id"])
            if pid is None:
                continue
            hit = self.t.execute(
                "SELECT id FROM cases WHERE person_id = ? AND track = ?", (pid, row["track"])
            ).fetchone()
            if hit:
                self.note("cases", row["id"], hit[0])
                continue
            year = date.fromisoformat(row["opened"]).year
            number = self.team.cases._next_zaaknummer(year)
            tid = self.insert("cases", {**row, "person_id": pid, "zaaknummer": number, "version": 1})
            self.touched.add(tid)
            self.report.applied.append(f"nieuwe zaak {number} (op de laptop {row['zaaknummer']})")
            self.report.count("zaken")
        for cid, state in self.lap.execute("SELECT case_id, case_row FROM checkout_state").fetchall():
            base = json.loads(state)
            lap = self.lap.execute(f"SELECT {', '.join(CASE_FIELDS)} FROM cases WHERE id = ?", (cid,)).fetchone()
            team = self.t.execute(f"SELECT {', '.join(CASE_FIELDS)} FROM cases WHERE id = ?", (cid,)).fetchone()
            if lap is None or team is None:
                continue
            pid = self.t.execute("SELECT person_id FROM cases WHERE id = ?", (cid,)).fetchone()[0]
            for f, lv, tv in zip(CASE_FIELDS, lap, team):
                self.merge_field("zaak", "cases", cid, f, base[f], lv, tv, case_id=cid, person_id=pid)

    def events(self) -> None:
        rk = self.team.routekaart
        for row in self.new_rows("events"):
            case_id = self.map("cases", row["case_id"])
            if case_id is None:
                continue
            track, person_id = self.t.execute("SELECT track, person_id FROM cases WHERE id = ?", (case_id,)).fetchone()
            new = RecordedEvent(
                row["step"],
                date.fromisoformat(row["fact_date"]),
                row["outcome"],
                bool(row["correction"]),
                row["reason"],
            )
            title = (
                rk.event_title(track, row["step"], row["outcome"]) if rk.has_step(track, row["step"]) else row["step"]
            )
            zaak = self.zaak.get(row["case_id"], case_id)
            try:
                rk.check(track, self.team.cases.recorded(case_id), new)
            except TransitionRefused as exc:
                self.conflict(
                    "stap",
                    row["step"],
                    f"events.{row['id']}",
                    case_id=case_id,
                    person_id=person_id,
                    team=[e.step for e in self.team.cases.recorded(case_id)],
                    laptop={k: row[k] for k in ("step", "outcome", "fact_date", "note", "correction", "reason")},
                    by=row["recorded_by"],
                    at=row["recorded_at"],
                    message=f"zaak {zaak}: stap {title} van de laptop past niet meer: {exc}",
                )
                self.note("events", row["id"], None)
                continue
            if shares(row["step"]) and person_id not in self.sharing:
                self.sharing.add(person_id)
                if self.watch is not None:
                    watched = self.team.persons.contradictions(person_id, row["step"])
                    self.contradicted.append(self.watch.enter_context(watched))
            self.insert("events", {**row, "case_id": case_id})
            self.t.execute("UPDATE cases SET version = version + 1 WHERE id = ?", (case_id,))
            self.touched.add(case_id)
            self.report.applied.append(f"zaak {zaak}: stap {title} ({row['fact_date']})")
            self.report.count("stappen")

    def simple(self, table: str, label: str, remap: dict[str, str]) -> None:
        for row in self.new_rows(table):
            mapped = {k: self.map(t, row[k]) for k, t in remap.items()}
            if mapped.get("case_id") is None and "case_id" in remap:
                continue
            self.insert(table, {**row, **mapped})
            zaak = self.zaak.get(row.get("case_id"), "")
            self.report.applied.append(f"zaak {zaak}: {label}")
            self.report.count(label)

    def drafts(self) -> None:
        """Form drafts (the cost and agreement forms before they are saved) made or changed on the
        laptop after the checkout: brought along unless the office has a newer one."""
        rows = self.lap.execute(
            "SELECT who, form, field, value, case_id, saved_at FROM form_drafts WHERE saved_at >= ?",
            (self.origin.taken_at,),
        ).fetchall()
        for who, form, fld, value, case_id, saved_at in rows:
            team_case = self.map("cases", case_id)
            if case_id is not None and team_case is None:
                continue
            key = json.dumps([who, form, fld])
            if self.applied.get(("concept", key), (None, None))[1] == saved_at:
                continue  # brought in before (and perhaps saved or dropped in the office since)
            mine = self.t.execute(
                "SELECT value, saved_at FROM form_drafts WHERE who = ? AND form = ? AND field = ?", (who, form, fld)
            ).fetchone()
            if mine is not None and (mine[0] == value or mine[1] >= saved_at):
                continue
            self.note("concept", key, None, saved_at)
            self.t.execute(
                "INSERT OR REPLACE INTO form_drafts (who, form, field, value, case_id, saved_at) VALUES (?,?,?,?,?,?)",
                (who, form, fld, value, team_case, saved_at),
            )
            self.report.applied.append(f"concept van {who}: {form}")
            self.report.count("concepten")

    def audit(self) -> int:
        n = 0
        cur = self.lap.execute("SELECT * FROM audit WHERE id > ? ORDER BY id", (self.marks["audit"],))
        cols = [d[0] for d in cur.description]
        for values in cur.fetchall():
            row = dict(zip(cols, values))
            if self.done("audit", row["id"]) or row["action"] == AuditAction.CHECKED_OUT.value:
                continue
            if any(row[k] is not None and self.map(t, row[k]) is None for k, t in _ABOUT):
                continue  # about someone removed from the team database meanwhile
            detail = json.loads(row["detail"]) if row["detail"] else {}
            table = _ENTITY_TABLE.get(row["entity"])
            entity_id = self.map(table, row["entity_id"]) if table else row["entity_id"]
            self.team.audit.append_as(
                row["who"],
                row["at"],
                AuditAction.stored(row["action"]),
                row["entity"],
                entity_id,
                person_id=self.map("persons", row["person_id"]),
                case_id=self.map("cases", row["case_id"]),
                detail={**detail, "op_laptop": self.cid},
            )
            self.note("audit", row["id"], None)
            n += 1
        return n


def check_in(team: Store, laptop: Store, *, dry: bool = False) -> CheckinReport:
    """Apply ``laptop``'s work to ``team`` in one transaction (``dry``: the same, then rolled back,
    so the report is exactly what the real run would do, and nothing changes)."""
    origin = laptop.checkouts.origin()
    if origin is None:
        raise StoreError(f"{laptop.path} is geen meegenomen bestand (geen uitleen); er is niets ingeleverd")
    if origin.team_db != team.checkouts.database_id():
        raise StoreError(
            f"{laptop.path} is meegenomen uit een andere database ({origin.team_path}), niet uit "
            f"{team.path}; er is niets ingeleverd"
        )
    with laptop.snapshot() as lap:  # one snapshot of the laptop file, even while its desk writes on
        lap.execute("SELECT count(*) FROM checkout_state").fetchone()
        try:
            return _apply(team, laptop, origin, dry)
        except _DryRun as done:
            return done.report


class _DryRun(Exception):
    """Ends a dry check-in after everything was applied: the transaction is rolled back."""

    def __init__(self, report: CheckinReport) -> None:
        self.report = report


def _apply(team: Store, laptop: Store, origin: Origin, dry: bool) -> CheckinReport:
    report = CheckinReport(origin.checkout_id)
    with team.transaction() as conn:
        known = conn.execute("SELECT returned_at FROM checkouts WHERE id = ?", (origin.checkout_id,)).fetchone()
        if known is None:
            raise StoreError(
                f"de uitleen in {laptop.path} is in {team.path} onbekend (teruggezette backup?); er is niets ingeleverd"
            )
        m = _Merge(team, laptop, origin, report)
        m.persons()
        m.households()
        m.cases()
        with ExitStack() as m.watch:  # (closed: the contradictions are found)
            m.events()
        # (a child in two households can be named by both parents' facts: once)
        named = dict.fromkeys((name, misfit) for found in m.contradicted for name, misfit in found)
        report.warnings = [misfit.warning(name) for name, misfit in named]
        merge_plans(m)
        m.simple("contact_notes", "contactmoment", {"case_id": "cases"})
        m.simple("cost_entries", "kosten", {"case_id": "cases", "action_uid": "plan_actions"})
        m.drafts()
        audit_rows = report.logged = m.audit()
        if report.nothing_new and not audit_rows:
            if dry:
                raise _DryRun(report)
            return report
        for case_id in sorted(m.touched):
            team.cases._refresh_summary(case_id)
        team.cases.index_persons(sorted(m.joined))  # (their role and shared facts: persons.add_to_household)
        team.cases.index_sharers(sorted(m.sharing))  # (as cases.record_event: a fact their members share)
        now = clock.now_iso()
        conn.execute(
            "UPDATE checkouts SET returned_at = coalesce(returned_at, ?), returned_by = coalesce(returned_by, ?) "
            "WHERE id = ?",
            (now, team.user, origin.checkout_id),
        )
        conn.execute(
            "UPDATE checkout_cases SET returned_at = ? WHERE checkout_id = ? AND returned_at IS NULL",
            (now, origin.checkout_id),
        )
        team.audit.append(
            AuditAction.CHECKED_IN,
            "database",
            None,
            detail={
                "uitleen": origin.checkout_id,
                "meegenomen_door": origin.taken_by,
                "meegenomen_op": origin.taken_at,
                "toegepast": report.counts,
                "conflicten": len(report.conflicts),
                "auditregels": audit_rows,
            },
        )
        if dry:
            raise _DryRun(report)
    return report
