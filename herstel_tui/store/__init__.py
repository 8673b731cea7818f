"""Persistence: SQLite through sqlite-utils. Never imports Textual."""
from .caselist import CaseFilter, CaseRow
from .db import ConflictError, Store, StoreError

__all__ = ["CaseFilter", "CaseRow", "ConflictError", "Store", "StoreError"]
