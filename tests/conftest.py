from __future__ import annotations

import os
from pathlib import Path

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from tests.support.data import TODAY

# One fixture per thing, wherever the test that needs it lives (tests/ mirrors herstel_tui/).
pytest_plugins = [
    "tests.support.letters",
    "tests.support.overview",
    "tests.support.plan",
    "tests.support.portal",
]

# Tests never touch the user's real config or database.
os.environ.pop("HERSTEL_DB", None)
os.environ.pop("HERSTEL_CONFIG", None)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))  # the config and routekaart caches
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documenten"))
    monkeypatch.delenv("HERSTEL_DB", raising=False)
    monkeypatch.delenv("HERSTEL_CONFIG", raising=False)
    yield home


@pytest.fixture(autouse=True)
def _garbage_collector_on():
    """``entry.quick_answer`` leaves the cyclic garbage collector off (its process ends right after
    the answer); a test that calls ``entry.main`` in this process gets it back."""
    import gc

    yield
    gc.enable()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "herstel.db"


@pytest.fixture
def store(db_path):

    s = open_store(db_path, "t.tester")
    yield s
    s.close()


@pytest.fixture
def pinned_today():
    """The package's clock says TODAY (01-06-2026) for the whole test."""
    with clock.fixed(TODAY):
        yield TODAY


@pytest.fixture
def test_bsns() -> list[str]:
    from tests.support.data import TEST_BSNS

    return TEST_BSNS[:200]


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker more than cores. Pilot tests wait on timers and subprocess tests on
    their children more than they compute, so one extra worker keeps every core busy."""
    return (os.cpu_count() or 1) + 1


# The longest tests start first, so the parallel run does not end waiting for one of them.
SLOW_FIRST = (
    "test_fill_every_leefgebied_by_keyboard",
    "test_torture_no_confirmed_save_is_lost",
    "test_notes_during_a_large_import_never_wait_long",
    "test_new_person_and_case",
    "test_agree_change_and_read_the_first_version",
    "test_large_registration_list_with_repeats",
    "test_every_confirmed_action_arrives_once_or_is_a_listed_conflict",
)


def pytest_collection_modifyitems(config, items) -> None:
    items.sort(key=lambda item: item.originalname not in SLOW_FIRST if hasattr(item, "originalname") else True)
