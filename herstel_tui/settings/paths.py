"""Where things live, without importing pydantic or TOML: the quick commands need this too.

The functions that give a ``Path`` are for everyone; their ``*_text`` twins give the same path as
text without importing pathlib (with urllib.parse and ipaddress ~3 ms of `herstel zoek`'s start),
for the quick paths. tests/settings/test_paths.py holds each twin equal to ``str()`` of its Path.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # the quick paths import this module: no typing at run time
if TYPE_CHECKING:
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


def pure_text(path: str) -> str:
    """``str(Path(path))``: the text pathlib makes of ``path`` (no empty or ``.`` parts, no
    trailing slash; a leading ``//`` kept, as POSIX allows), without importing it."""
    if os.name != "posix":  # pragma: no cover  (pathlib's own rules elsewhere)
        from pathlib import Path

        return str(Path(path))
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return (root + "/".join(p for p in path.split("/") if p and p != ".")) or "."


def expanded_text(path: str) -> str | None:
    """``str(Path(path).expanduser())`` without pathlib; None where pathlib raises (a ``~user``
    without a home directory)."""
    text = pure_text(path)
    if not text.startswith("~"):
        return text
    first, _, rest = text.partition("/")
    home = os.path.expanduser(first)
    if home.startswith("~"):
        return None
    return pure_text(os.path.join(home, rest) if rest else home)


def _user_dir_text(kind: str) -> str:
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") and os.path.isabs(home):
        var, default = _XDG[kind]
        base = os.environ.get(var, "")
        return pure_text(os.path.join(base if os.path.isabs(base) else os.path.join(home.rstrip("/"), default), APP))
    return str(getattr(_pd(), kind)(APP))


def _user_dir(kind: str) -> Path:
    from pathlib import Path

    return Path(_user_dir_text(kind))


def config_path(explicit: Path | str | None = None) -> Path:
    from pathlib import Path

    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("HERSTEL_CONFIG")
    if env:
        return Path(env).expanduser()
    return _user_dir("user_config_path") / "config.toml"


def config_text(explicit: str | None = None) -> str | None:
    """``str(config_path(explicit))``; None where that raises."""
    if explicit:
        return expanded_text(explicit)
    env = os.environ.get("HERSTEL_CONFIG")
    if env:
        return expanded_text(env)
    return os.path.join(_user_dir_text("user_config_path"), "config.toml")


def data_path() -> Path:
    return _user_dir("user_data_path")


def cache_path() -> Path:
    return _user_dir("user_cache_path")


def cache_text() -> str:
    """``str(cache_path())``."""
    return _user_dir_text("user_cache_path")


def default_db_path() -> Path:
    return data_path() / "herstel.db"


def resolve_db(cli_db: Path | str | None, configured: Path | None) -> Path:
    """``--db`` beats ``$HERSTEL_DB`` beats the config's ``database`` (``configured``) beats the default."""
    from pathlib import Path

    if cli_db:
        return Path(cli_db).expanduser()
    env = os.environ.get("HERSTEL_DB")
    if env:
        return Path(env).expanduser()
    if configured:
        return configured.expanduser()
    return default_db_path()


def resolve_db_text(cli_db: str | None, configured: str | None) -> str | None:
    """``str(resolve_db(cli_db, Path(configured)))`` (``configured``: None for none); None where
    that raises."""
    if cli_db:
        return expanded_text(cli_db)
    env = os.environ.get("HERSTEL_DB")
    if env:
        return expanded_text(env)
    if configured:
        return expanded_text(configured)
    return os.path.join(_user_dir_text("user_data_path"), "herstel.db")


def default_export_dir() -> Path:
    return _pd().user_documents_path() / "herstel-export"


_LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")  # getpass.getuser()'s, in its order


def login() -> str:
    """``getpass.getuser()``: the first of its variables that is set, else the password database
    (as getpass does it, without importing getpass: with termios ~1 ms of `herstel zoek`'s start)."""
    for name in _LOGIN_VARIABLES:
        if user := os.environ.get(name):
            return user
    try:
        import pwd

        return pwd.getpwuid(os.getuid())[0]
    except Exception:  # no login name (container, odd Windows session)
        return "onbekend"
