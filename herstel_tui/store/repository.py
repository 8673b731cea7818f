"""The one way to extend the store: a repository per aggregate, sharing the Store's connection.

A repository is made once per Store (``store.persons``, ``store.cases``, …). It reads and
writes through ``self.conn`` and wraps every write in ``self.transaction()`` (one ``BEGIN
IMMEDIATE``, joined when nested) together with its row in the audit trail, written with
``self.audit(...)`` — the Store's one public append. Nothing outside ``store/db.py`` touches the
Store's insides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Unpack

from herstel_tui.domain.enums import AuditAction

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.domain.routekaart import Routekaart
    from herstel_tui.store.base import AuditAbout
    from herstel_tui.store.db import Store


class Repository:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def user(self) -> str:
        return self.store.user

    @property
    def routekaart(self) -> Routekaart:
        return self.store.routekaart

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self.store.transaction()

    def reading(self) -> AbstractContextManager[sqlite3.Connection]:
        """The connection for a read that another thread must not interleave with."""
        return self.store.reading()

    def snapshot(self) -> AbstractContextManager[sqlite3.Connection]:
        """One read transaction for several queries (see ``Store.snapshot``)."""
        return self.store.snapshot()

    def audit(self, action: AuditAction, entity: str, entity_id: int | None, **about: Unpack[AuditAbout]) -> None:
        self.store.audit.append(action, entity, entity_id, **about)

    def audit_case(
        self, action: AuditAction, entity: str, entity_id: int | None, case_id: int, detail: dict[str, Any]
    ) -> None:
        """An audit row about a case (and so about its person)."""
        self.audit(
            action, entity, entity_id, person_id=self.store.cases.person_of(case_id), case_id=case_id, detail=detail
        )

    def rows(self, sql: str, args: Any = ()) -> Iterator[dict[str, Any]]:
        """The rows of a query as dicts (column name → value)."""
        cur = self.conn.execute(sql, args)
        cols = [c[0] for c in cur.description]
        for r in cur.fetchall():
            yield dict(zip(cols, r))
