"""Persistence: one SQLite file, a repository per aggregate (see db.py). Never imports Textual.

Names are loaded on first use, so ``import herstel_tui.store.caselist`` (the quick shell
commands) does not pay for pydantic and sqlite-utils.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the quick paths import this package, typing costs ~3 ms

__all__ = ["CaseFilter", "CaseRow", "ConflictError", "PlanRefused", "Store", "StoreError", "VersionAgreed"]

if TYPE_CHECKING:
    from herstel_tui.store.base import ConflictError, PlanRefused, StoreError, VersionAgreed
    from herstel_tui.store.caselist import CaseFilter, CaseRow
    from herstel_tui.store.db import Store


def __getattr__(name: str):
    if name in ("ConflictError", "PlanRefused", "StoreError", "VersionAgreed"):
        from herstel_tui.store import base

        return getattr(base, name)
    if name in ("CaseFilter", "CaseRow"):
        from herstel_tui.store import caselist

        return getattr(caselist, name)
    if name == "Store":
        from herstel_tui.store.db import Store

        return Store
    raise AttributeError(name)
