"""Where things live, without importing pydantic or TOML: the quick commands need this too."""

from __future__ import annotations

import json
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


# -- validated-config cache ---------------------------------------------------------------------
# The full loader (config.load_config, pydantic) writes the few values the quick commands need,
# keyed by the config file's path, size and mtime. A quick command that finds no fresh entry
# falls back to the full loader, so a broken config file is never skipped.


def _cache_file() -> Path:
    return cache_path() / "config-cache.json"


def _stamp(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [str(path), st.st_size, st.st_mtime_ns]


def write_config_cache(path: Path, values: dict) -> None:
    try:
        target = _cache_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"stamp": _stamp(path), "values": values}), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError:
        pass  # a cache, nothing more


def read_config_cache(path: Path) -> dict | None:
    """The validated values for ``path`` if the file is unchanged since they were written."""
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("stamp") != _stamp(path):
        return None
    return data.get("values")
