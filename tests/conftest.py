from __future__ import annotations

import os
from pathlib import Path

import pytest

from herstel_tui.settings.resources import open_store

# Tests never touch the user's real config or database.
os.environ.pop("HERSTEL_DB", None)
os.environ.pop("HERSTEL_CONFIG", None)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documenten"))
    monkeypatch.delenv("HERSTEL_DB", raising=False)
    monkeypatch.delenv("HERSTEL_CONFIG", raising=False)
    yield home


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "herstel.db"


@pytest.fixture
def store(db_path):

    s = open_store(db_path, "t.tester")
    yield s
    s.close()


# Demo BSNs from the test range (start with 9999, pass the 11-check).
BSN_A = "999900006"
BSN_B = "999900018"


@pytest.fixture
def test_bsns() -> list[str]:
    from stdnum.nl import bsn

    return [f"9999{n:05d}" for n in range(0, 2000) if bsn.is_valid(f"9999{n:05d}")]
