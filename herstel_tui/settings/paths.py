"""Where things live, without importing pydantic or TOML: the quick commands need this too."""

from __future__ import annotations

import os
from pathlib import Path

APP = "herstel"


def _pd():
    import platformdirs

    return platformdirs


def config_path(explicit: Path | str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("HERSTEL_CONFIG")
    if env:
        return Path(env).expanduser()
    return _pd().user_config_path(APP) / "config.toml"


def data_path() -> Path:
    return _pd().user_data_path(APP)


def cache_path() -> Path:
    return _pd().user_cache_path(APP)


def default_db_path() -> Path:
    return data_path() / "herstel.db"


def default_export_dir() -> Path:
    return _pd().user_documents_path() / "herstel-export"


def login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (container, odd Windows session)
        return "onbekend"
