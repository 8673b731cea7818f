"""Fixtures for driving the real desk with Pilot on small, deterministic databases."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.config import Config
from herstel_tui.settings.resources import open_store

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _pinned_today():
    """Every test here means TODAY: the package's clock says so too."""
    with clock.fixed(TODAY):
        yield


ME = "t.tester"
SEED = 4711


def make_config(**kw) -> Config:
    return Config(medewerker=ME, gemeente="Gemeente Proefstad", **kw)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A 300-case demo database, built once per session and copied per test."""
    from herstel_tui.services.demo import build_demo

    path = tmp_path_factory.mktemp("template") / "demo.db"
    with clock.fixed(TODAY), open_store(path, ME) as store:
        build_demo(store, cases=300, seed=SEED, me=ME, today=TODAY)
        store.conn.execute("PRAGMA journal_mode = DELETE")
    return path


@pytest.fixture
def demo_store(template_db, tmp_path):

    path = tmp_path / "desk.db"
    shutil.copy(template_db, path)
    store = open_store(path, ME)
    yield store
    store.close()


def make_app(store, *, config: Config | None = None, env: dict | None = None, **kw):
    from herstel_tui.tui.app import HerstelApp

    return HerstelApp(
        store,
        config or make_config(),
        today=TODAY,
        env=env if env is not None else {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
        **kw,
    )


async def settle(pilot, rounds: int = 6) -> None:
    """Let workers finish and their messages land (never sleep)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break


def screen_text(app) -> str:
    """All text of the current screen's widgets (for assertions)."""
    from textual.widgets import Static

    parts = []
    for w in app.screen.query(Static):
        parts.append(str(w.render()))
    return "\n".join(parts)
