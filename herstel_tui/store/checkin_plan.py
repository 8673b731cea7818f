"""The plan van aanpak at check-in (issue 19): a plan is merged whole, per case.

A plan changed only on the laptop replaces the team's (every version, area, goal and action; rows
the team already had keep their ids, so cost entries that point at an action stay valid; rows
made on the laptop get new ids and their ``uid``/``goal_uid`` follow). A plan changed on both
sides is a conflict that keeps the laptop's plan whole in the conflict row; resolving it with
"laptop" writes it the same way. Agreed versions are written as concept first and then agreed
in place, so the triggers that freeze agreed versions stay on.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from herstel_tui.store.checkout import plan_digest, plan_rows

TargetId = Callable[[str, int], int | None]  # (table, laptop id) -> team id to reuse, or None: a new one
OnNew = Callable[[str, int, int], None]  # (table, laptop id, team id) for each row given a new id

_AGREED = ("status", "agreed_on", "consent", "consent_note", "agreed_at", "agreed_by")


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any], new_id: int | None) -> int:
    values = {**row, "id": new_id} if new_id is not None else {k: v for k, v in row.items() if k != "id"}
    cur = conn.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def write_plan(
    conn: sqlite3.Connection, case_id: int, rows: dict[str, list[dict[str, Any]]], target: TargetId, on_new: OnNew
) -> None:
    """Replace the case's plan in ``conn`` by ``rows`` (as :func:`plan_rows` gives them), inside
    the caller's transaction."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # cost entries point at actions: checked at commit
    conn.execute("DELETE FROM plans WHERE case_id = ?", (case_id,))
    if not rows:
        return
    ids: dict[str, dict[int, int]] = {t: {} for t in ("plans", "plan_versions", "plan_goals", "plan_actions")}

    def put(table: str, row: dict[str, Any]) -> int:
        reuse = target(table, row["id"])
        new = _insert(conn, table, row, reuse)
        ids[table][row["id"]] = new
        if reuse is None:
            on_new(table, row["id"], new)
        return new

    def uid(table: str, lap_uid: int | None, own: int) -> int | None:
        if lap_uid is None:
            return None
        return ids[table].get(lap_uid) or target(table, lap_uid) or own

    plan_id = put("plans", {**rows["plans"][0], "case_id": case_id})
    for v in rows["plan_versions"]:
        concept = {**v, "plan_id": plan_id, **dict.fromkeys(_AGREED), "status": "concept"}
        vid = put("plan_versions", concept)
        for a in rows["plan_areas"]:
            if a["version_id"] == v["id"]:
                _insert(conn, "plan_areas", {**a, "version_id": vid}, None)
        for g in rows["plan_goals"]:
            if g["version_id"] == v["id"]:
                gid = put("plan_goals", {**g, "version_id": vid})
                conn.execute("UPDATE plan_goals SET uid = ? WHERE id = ?", (uid("plan_goals", g["uid"], gid), gid))
        for a in rows["plan_actions"]:
            if a["version_id"] == v["id"]:
                aid = put("plan_actions", {**a, "version_id": vid})
                conn.execute(
                    "UPDATE plan_actions SET uid = ?, goal_uid = ? WHERE id = ?",
                    (uid("plan_actions", a["uid"], aid), uid("plan_goals", a["goal_uid"], 0), aid),
                )
        if v["status"] != "concept":
            conn.execute(
                f"UPDATE plan_versions SET {', '.join(f'{k} = ?' for k in _AGREED)} WHERE id = ?",
                (*(v[k] for k in _AGREED), vid),
            )


def merge_plans(m: Any) -> None:
    """For each case on the laptop (``m`` is the check-in's merge, store/checkin.py)."""
    state = {cid: json.loads(row) for cid, row in m.lap.execute("SELECT case_id, case_row FROM checkout_state")}
    lap_cases = [r[0] for r in m.lap.execute("SELECT DISTINCT case_id FROM plans ORDER BY case_id")]
    for lap_cid in lap_cases:
        team_cid = m.map("cases", lap_cid)
        if team_cid is None:
            continue
        rows = plan_rows(m.lap, lap_cid)
        lap_d = plan_digest(m.lap, lap_cid)
        prev = m.applied.get(("plan", str(lap_cid)))
        seen = json.loads(prev[1]) if prev and prev[1] else None
        base = state.get(lap_cid, {}).get("plan")
        base_lap, base_team = (seen["lap"], seen["team"]) if seen else (base, base)
        if lap_d == base_lap:
            continue
        team_d = plan_digest(m.t, team_cid)
        zaak = m.zaak.get(lap_cid, team_cid)
        versions = len(rows.get("plan_versions", []))
        if team_d != base_team:
            m.conflict(
                "plan",
                "plan van aanpak",
                f"plan.{lap_cid}={lap_d}",
                case_id=team_cid,
                person_id=m.t.execute("SELECT person_id FROM cases WHERE id = ?", (team_cid,)).fetchone()[0],
                team={"rows": plan_rows(m.t, team_cid)},
                laptop={"rows": rows, "marks": m.marks},
                message=f"zaak {zaak}: het plan van aanpak is op beide kanten gewijzigd",
            )
            continue
        write_plan(m.t, team_cid, rows, m.target_id, lambda t, lid, tid: m.note(t, lid, tid))
        m.note("plan", lap_cid, team_cid, json.dumps({"lap": lap_d, "team": plan_digest(m.t, team_cid)}))
        m.report.applied.append(f"zaak {zaak}: plan van aanpak ({versions} versie(s))")
        m.report.count("plannen")


def take_laptop_plan(conn: sqlite3.Connection, conflict: Any) -> None:
    """Resolve a plan conflict with the laptop's plan (kept whole in the conflict row); the team's
    plan stays in the conflict row. Inside the caller's transaction."""
    kept = conflict.laptop_value or {}
    rows, marks = kept.get("rows") or {}, kept.get("marks") or {}
    applied = {
        (k, int(lid)): tid
        for k, lid, tid in conn.execute(
            "SELECT kind, laptop_id, team_id FROM checkin_applied WHERE checkout_id = ? AND team_id IS NOT NULL "
            "AND kind LIKE 'plan%'",
            (conflict.checkout_id,),
        )
    }

    def target(table: str, lap_id: int) -> int | None:
        return lap_id if lap_id <= marks.get(table, 0) else applied.get((table, lap_id))

    def on_new(table: str, lap_id: int, team_id: int) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO checkin_applied (checkout_id, kind, laptop_id, team_id) VALUES (?,?,?,?)",
            (conflict.checkout_id, table, str(lap_id), team_id),
        )

    write_plan(conn, conflict.case_id, rows, target, on_new)
