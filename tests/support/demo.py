"""A demo database built once (per module or session) and copied per test: the one way tests get one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def demo_fixtures(name: str, cases: int, seed: int, **kw: object) -> tuple[object, object]:
    """The pair a test module takes as ``demo_file, demo = demo_fixtures(...)``: ``demo_file``, a
    ``cases``-case demo built once for the module; ``demo``, a copy of it for each test."""

    @pytest.fixture(scope="module")
    def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return build_demo_file(tmp_path_factory.mktemp(name), cases=cases, seed=seed, **kw)

    @pytest.fixture
    def demo(demo_file: Path, tmp_path: Path) -> Path:
        return copy_of(demo_file, tmp_path)

    return demo_file, demo
