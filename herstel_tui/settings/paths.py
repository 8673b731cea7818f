"""Where things live, without importing pydantic or TOML: the quick commands need this too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "herstel"


def _pd():
    import platformdirs

    return platformdirs


# platformdirs decides; on plain Linux its answer for a user directory is the XDG variable when it
# holds an absolute path, else the default below $HOME. Importing platformdirs 4 costs ~4 ms
# (tempfile, shutil, bz2, lzma), a tenth of `herstel zoek`'s budget, so the quick paths take that
# rule here and leave every other case (another platform, Android, a relative or missing $HOME)
# to platformdirs. tests/settings/test_paths.py holds the two equal.
_XDG = {
    "user_config_path": ("XDG_CONFIG_HOME", ".config"),
    "user_data_path": ("XDG_DATA_HOME", ".local/share"),
    "user_cache_path": ("XDG_CACHE_HOME", ".cache"),
}


def _user_dir(kind: str) -> Path:
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") and os.path.isabs(home):
        var, default = _XDG[kind]
        base = os.environ.get(var, "")
        return Path(base if os.path.isabs(base) else os.path.join(home.rstrip("/"), default), APP)
    return getattr(_pd(), kind)(APP)


def config_path(explicit: Path | str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("HERSTEL_CONFIG")
    if env:
        return Path(env).expanduser()
    return _user_dir("user_config_path") / "config.toml"


def data_path() -> Path:
    return _user_dir("user_data_path")


def cache_path() -> Path:
    return _user_dir("user_cache_path")


def default_db_path() -> Path:
    return data_path() / "herstel.db"


def resolve_db(cli_db: Path | str | None, configured: Path | None) -> Path:
    """``--db`` beats ``$HERSTEL_DB`` beats the config's ``database`` (``configured``) beats the default."""
    if cli_db:
        return Path(cli_db).expanduser()
    env = os.environ.get("HERSTEL_DB")
    if env:
        return Path(env).expanduser()
    if configured:
        return configured.expanduser()
    return default_db_path()


def default_export_dir() -> Path:
    return _pd().user_documents_path() / "herstel-export"


_LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")  # getpass.getuser()'s, in its order


def login() -> str:
    """``getpass.getuser()``: the first of its variables that is set, else the password database
    (getpass is imported only then: with termios ~1 ms of `herstel zoek`'s start)."""
    for name in _LOGIN_VARIABLES:
        if user := os.environ.get(name):
            return user
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (container, odd Windows session)
        return "onbekend"
