"""The audit trail: append-only (triggers refuse changes and deletions, see schema.py), one row
per change, written in the change's own transaction. No row holds a full BSN or free text."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Unpack

from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.models import AuditEntry
from herstel_tui.store.base import append_audit
from herstel_tui.store.repository import Repository

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.store.base import AuditAbout


class AuditLog(Repository):
    """``store.audit``: the one public way a row enters the trail, and the ways to read it."""

    def append(self, action: AuditAction, entity: str, entity_id: int | None, **about: Unpack[AuditAbout]) -> None:
        """Write one row, inside the caller's transaction (asserted: a row is never on its own)."""
        assert self.conn.in_transaction, "audit rows are written inside the change's transaction"
        append_audit(self.conn, self.user, action, entity, entity_id, **about)

    def append_as(
        self, who: str, at: str, action: AuditAction, entity: str, entity_id: int | None, **about: Unpack[AuditAbout]
    ) -> None:
        """A row for something ``who`` did at ``at`` elsewhere (on a laptop), brought in now."""
        assert self.conn.in_transaction, "audit rows are written inside the change's transaction"
        append_audit(self.conn, who, action, entity, entity_id, at=at, **about)

    def viewed(self, *, person_id: int | None = None, case_id: int | None = None, what: str = "zaak") -> None:
        """Record that the user looked at a person or case (privacy: who saw what, when)."""
        with self.transaction():
            self.append(AuditAction.VIEWED, what, case_id or person_id, person_id=person_id, case_id=case_id)

    def exported(self, what: str, detail: dict[str, Any], *, case_id: int | None = None) -> None:
        """Record an export (who wrote which file when)."""
        with self.transaction():
            self.append(AuditAction.EXPORTED, what, None, case_id=case_id, detail=detail)

    def entries(
        self,
        *,
        case_id: int | None = None,
        person_id: int | None = None,
        who: str | None = None,
        since: date | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        where, args = [], []
        for column, value in (("case_id", case_id), ("person_id", person_id), ("who", who)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("at >= ?")
            args.append(since.isoformat())
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.reading():
            return [_entry(r) for r in self.rows(sql, args)]

    def recent(self, limit: int = 500, case_id: int | None = None) -> list[AuditEntry]:
        """The newest rows first (for the desk's view of the trail)."""
        sql = (
            "SELECT * FROM audit" + (" WHERE case_id = ?" if case_id is not None else "") + " ORDER BY id DESC LIMIT ?"
        )
        args = ([case_id] if case_id is not None else []) + [int(limit)]
        with self.reading():
            return [_entry(r) for r in self.rows(sql, args)]


def _entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(**{**row, "detail": json.loads(row["detail"]) if row["detail"] else None})
