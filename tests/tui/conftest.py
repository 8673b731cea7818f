"""Fixtures for driving the real desk with Pilot on small, deterministic databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from herstel_tui.settings.config import Config
from herstel_tui.settings.resources import open_store
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of


@pytest.fixture(autouse=True)
def _pinned_today(pinned_today):
    """Every desk test means TODAY: the package's clock says so too."""
    yield


ME = "t.tester"
SEED = 4711


def make_config(**kw) -> Config:
    return Config(medewerker=ME, gemeente="Gemeente Proefstad", **kw)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A 300-case demo database, built once per session and copied per test."""
    return build_demo_file(tmp_path_factory.mktemp("template"), cases=300, seed=SEED, user=ME, me=ME)


@pytest.fixture
def demo_store(template_db, tmp_path):
    store = open_store(copy_of(template_db, tmp_path, "desk.db"), ME)
    yield store
    store.close()


def make_app(store, *, config: Config | None = None, env: dict | None = None, **kw):
    """The desk on a test database: Gemeente Proefstad, medewerker ME, on TODAY."""
    from tests.support.pilot import desk

    return desk(store, config or make_config(), today=TODAY, env=env, **kw)
