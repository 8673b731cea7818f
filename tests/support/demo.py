"""A demo database built once (per module or session) and copied per test: the one way tests get one."""

from __future__ import annotations

import shutil
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.services.demo import build_demo
from herstel_tui.settings.resources import open_store
from tests.support.data import TODAY


def build_demo_file(folder: Path, cases: int, seed: int, user: str = "t", **kw: object) -> Path:
    """A ``cases``-case demo on TODAY in ``folder``, in rollback mode (a plain file to copy)."""
    path = folder / "demo.db"
    with clock.fixed(TODAY), open_store(path, user) as store:
        build_demo(store, cases=cases, seed=seed, today=TODAY, **kw)
        store.conn.execute("PRAGMA journal_mode = DELETE")
    return path


def copy_of(template: Path, folder: Path, name: str = "demo.db") -> Path:
    path = folder / name
    shutil.copy(template, path)
    return path
