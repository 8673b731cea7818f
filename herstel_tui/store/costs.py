"""SPUK cost entries of a case (``store.costs``) and the year report.

Amounts are whole cents in the database (see :mod:`herstel_tui.domain.costs`). A cost entry's
component is checked against the routekaart the Store was given; its audit row holds the figures
and never the description (free text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from herstel_tui.domain.clock import now_iso
from herstel_tui.domain.costs import (
    CostEntry,
    YearReport,
    build_year_report,
    check_component,
    from_cents,
    from_hundredths,
    to_cents,
    to_hundredths,
    year_bounds,
)
from herstel_tui.domain.enums import AuditAction, CostKind
from herstel_tui.store.base import PlanRefused, StoreError
from herstel_tui.store.repository import Repository


@dataclass(frozen=True)
class CostLine:
    """A cost entry as listed: the entry, its zaaknummer and the plan action it belongs to."""

    entry: CostEntry
    zaaknummer: str
    action_text: str | None = None


# What a cost entry's audit row holds (never the description: free text).
_COST_AUDIT_NAMES = {
    "date": "datum",
    "component": "component",
    "kind": "soort",
    "quantity_hundredths": "aantal_x100",
    "price_cents": "prijs_centen",
    "amount_cents": "bedrag_centen",
    "action_uid": "actie",
}
_COST_COLS = (
    "id, case_id, date, component, description, kind, quantity_hundredths, price_cents, amount_cents, "
    "action_uid, recorded_at, recorded_by"
)


def _len(text: str | None) -> int:
    return len(text or "")


class CostRepository(Repository):
    """``store.costs``"""

    # -- cost entries --------------------------------------------------------------------------

    def _entry(self, row: tuple) -> CostEntry:
        (cid, case_id, d, component, description, kind, qh, pc, ac, action_uid, recorded_at, recorded_by) = row
        return CostEntry.model_construct(
            id=cid,
            case_id=case_id,
            date=date.fromisoformat(d),
            component=component,
            description=description,
            kind=CostKind(kind),
            quantity=from_hundredths(qh) if qh is not None else None,
            price=from_cents(pc) if pc is not None else None,
            actual=from_cents(ac) if kind == "werkelijk" else None,
            action_uid=action_uid,
            recorded_at=datetime.fromisoformat(recorded_at),
            recorded_by=recorded_by,
        )

    def _check_action_link(self, case_id: int, action_uid: int | None) -> None:
        if action_uid is None:
            return
        row = self.conn.execute(
            "SELECT 1 FROM plan_actions a JOIN plan_versions v ON v.id = a.version_id JOIN plans p ON p.id = v.plan_id "
            "WHERE a.id = ? AND a.uid = a.id AND p.case_id = ?",
            (action_uid, case_id),
        ).fetchone()
        if row is None:
            raise PlanRefused("de gekozen actie hoort niet bij het plan van aanpak van deze zaak")

    def _check_component(self, entry: CostEntry) -> None:
        """The component must be one of the routekaart's ``[spuk_components]``."""
        try:
            check_component(entry.component, self.routekaart.spuk_components)
        except ValueError as exc:
            raise PlanRefused(str(exc)) from None

    @staticmethod
    def _cost_values(entry: CostEntry) -> dict[str, Any]:
        return {
            "date": entry.date.isoformat(),
            "component": entry.component,
            "description": entry.description,
            "kind": entry.kind.value,
            "quantity_hundredths": to_hundredths(entry.quantity) if entry.quantity is not None else None,
            "price_cents": to_cents(entry.price) if entry.price is not None else None,
            "amount_cents": entry.amount_cents,
            "action_uid": entry.action_uid,
        }

    @staticmethod
    def _cost_audit(values: dict[str, Any]) -> dict[str, Any]:
        return {_COST_AUDIT_NAMES[k]: v for k, v in values.items() if k in _COST_AUDIT_NAMES and v is not None}

    def add(self, entry: CostEntry, *, draft: str | None = None) -> CostEntry:
        if entry.id is not None:
            raise PlanRefused("deze kostenpost is al opgeslagen")
        self._check_component(entry)
        values = self._cost_values(entry)
        with self.transaction():
            self.store.cases.get(entry.case_id)
            self._check_action_link(entry.case_id, entry.action_uid)
            now = now_iso()
            cid = self.conn.execute(
                "INSERT INTO cost_entries (case_id, date, component, description, kind, quantity_hundredths, price_cents,"
                " amount_cents, action_uid, recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    entry.case_id,
                    values["date"],
                    values["component"],
                    values["description"],
                    values["kind"],
                    values["quantity_hundredths"],
                    values["price_cents"],
                    values["amount_cents"],
                    values["action_uid"],
                    now,
                    self.user,
                ),
            ).lastrowid
            self.audit_case(AuditAction.RECORDED, "kosten", cid, entry.case_id, self._cost_audit(values))
            if draft:
                self.store.drafts.discard(draft)
            return entry.model_copy(
                update={"id": cid, "recorded_at": datetime.fromisoformat(now), "recorded_by": self.user}
            )

    def update(self, entry: CostEntry, *, draft: str | None = None) -> CostEntry:
        if entry.id is None:
            raise PlanRefused("deze kostenpost is nog niet opgeslagen")
        self._check_component(entry)
        new = self._cost_values(entry)
        with self.transaction():
            old_entry = self.get(entry.id)
            if old_entry.case_id != entry.case_id:
                raise PlanRefused("een kostenpost verhuist niet naar een andere zaak")
            self._check_action_link(entry.case_id, entry.action_uid)
            old = self._cost_values(old_entry)
            diff = {k: (old[k], v) for k, v in new.items() if old[k] != v}
            if diff:
                sets = ", ".join(f"{k} = ?" for k in diff)
                self.conn.execute(
                    f"UPDATE cost_entries SET {sets} WHERE id = ?", (*(v for _, v in diff.values()), entry.id)
                )
                audit = {}
                for k, (o, n) in diff.items():
                    if k == "description":
                        audit["omschrijving"] = {"lengte": {"oud": _len(o), "nieuw": _len(n)}}
                    else:
                        audit[_COST_AUDIT_NAMES[k]] = {"oud": o, "nieuw": n}
                self.audit_case(AuditAction.CHANGED, "kosten", entry.id, entry.case_id, audit)
            if draft:
                self.store.drafts.discard(draft)
            return self.get(entry.id)

    def delete(self, cost_id: int) -> None:
        with self.transaction():
            entry = self.get(cost_id)
            self.conn.execute("DELETE FROM cost_entries WHERE id = ?", (cost_id,))
            self.audit_case(
                AuditAction.DELETED, "kosten", cost_id, entry.case_id, self._cost_audit(self._cost_values(entry))
            )

    def get(self, cost_id: int) -> CostEntry:
        row = self.conn.execute(f"SELECT {_COST_COLS} FROM cost_entries WHERE id = ?", (cost_id,)).fetchone()
        if row is None:
            raise PlanRefused(f"kostenpost {cost_id} bestaat niet (meer)")
        return self._entry(row)

    def of_case(self, case_id: int) -> list[CostLine]:
        """The case's cost entries, newest first, each with the text of its plan action."""
        zaak = self.conn.execute("SELECT zaaknummer FROM cases WHERE id = ?", (case_id,)).fetchone()
        if zaak is None:
            raise StoreError(f"zaak {case_id} bestaat niet")
        texts = {c.uid: c.label for c in self.store.plans.action_choices(case_id)}
        rows = self.conn.execute(
            f"SELECT {_COST_COLS} FROM cost_entries WHERE case_id = ? ORDER BY date DESC, id DESC", (case_id,)
        ).fetchall()
        return [CostLine(self._entry(r), zaak[0], texts.get(r[9])) for r in rows]

    def totals(self, case_id: int, year: int | None = None) -> dict[str, int]:
        """Component id → total cents for the case (in ``year`` when given)."""
        sql = "SELECT component, sum(amount_cents) FROM cost_entries WHERE case_id = ?"
        args: list[Any] = [case_id]
        if year is not None:
            start, end = year_bounds(year)
            sql += " AND date BETWEEN ? AND ?"
            args += [start.isoformat(), end.isoformat()]
        return {c: int(t) for c, t in self.conn.execute(sql + " GROUP BY component ORDER BY component", args)}

    # -- the year report -----------------------------------------------------------------------

    def year_report(self, year: int) -> YearReport:
        """Totals per component of the entries dated in ``year``, and the eligible persons.

        Eligible in year T: distinct persons with a brede-ondersteuning case that was open at
        some moment in T (opened ≤ 31-12-T and not closed before 1-1-T). Cumulative: distinct
        persons with a brede-ondersteuning case opened ≤ 31-12-T. A person counts once, however
        many cases; household members count when they have their own case.
        """
        start, end = year_bounds(year)
        s, e = start.isoformat(), end.isoformat()
        sums = {
            c: (int(n), int(t))
            for c, n, t in self.conn.execute(
                "SELECT component, count(*), sum(amount_cents) FROM cost_entries WHERE date BETWEEN ? AND ? "
                "GROUP BY component",
                (s, e),
            )
        }
        cases_with_costs = self.conn.execute(
            "SELECT count(DISTINCT case_id) FROM cost_entries WHERE date BETWEEN ? AND ?", (s, e)
        ).fetchone()[0]
        in_year = self.conn.execute(
            "SELECT count(DISTINCT person_id) FROM cases WHERE track = 'brede_ondersteuning' AND opened <= ? "
            "AND (closed IS NULL OR closed >= ?)",
            (e, s),
        ).fetchone()[0]
        cumulative = self.conn.execute(
            "SELECT count(DISTINCT person_id) FROM cases WHERE track = 'brede_ondersteuning' AND opened <= ?", (e,)
        ).fetchone()[0]
        return build_year_report(
            year,
            sums,
            in_year,
            cumulative,
            cases_with_costs=cases_with_costs,
            components=self.routekaart.spuk_components,
        )

    def lines_in_year(self, year: int) -> list[CostLine]:
        """Every entry dated in ``year`` (for the export), by date."""
        start, end = year_bounds(year)
        rows = self.conn.execute(
            f"SELECT {', '.join('e.' + c.strip() for c in _COST_COLS.split(','))}, c.zaaknummer "
            "FROM cost_entries e JOIN cases c ON c.id = e.case_id WHERE e.date BETWEEN ? AND ? ORDER BY e.date, e.id",
            (start.isoformat(), end.isoformat()),
        ).fetchall()
        return [CostLine(self._entry(r[:-1]), r[-1]) for r in rows]

    def years(self) -> list[int]:
        return [int(r[0]) for r in self.conn.execute("SELECT DISTINCT substr(date, 1, 4) FROM cost_entries ORDER BY 1")]
