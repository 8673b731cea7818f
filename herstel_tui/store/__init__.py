"""Persistence: SQLite through sqlite-utils. Never imports Textual."""
from .db import ConflictError, Store, StoreError

__all__ = ["ConflictError", "Store", "StoreError"]
