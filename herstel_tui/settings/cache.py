"""The validated config and routekaart, cached for the quick paths (``herstel zoek``, ``toon``,
``termijnen``, the desk's first paint).

The full loader (``config.load_config``, pydantic) writes the values it validated, keyed by the
config file's path, size and mtime. A quick path that finds no fresh entry falls back to the full
loader, so a broken config file is never skipped. Standard library only.

:class:`ConfigValues` is what a quick path gets: a typed, frozen view of the validated values,
the same one ``Config.values()`` gives after a full load.

The routekaart (``settings.resources.default_routekaart``) is kept as the objects the loader built
from the validated file, keyed by the file's bytes and path and by the code that defines those
objects (see :func:`read_routekaart_cache`): validating it needs pydantic and ~20 ms at every start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from herstel_tui.domain.digest import sha256_hex
from herstel_tui.domain.record import record
from herstel_tui.settings.paths import cache_path, config_path, login, resolve_db

# The quick shell paths import this module: typing only for the type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from herstel_tui.domain.routekaart import Routekaart


@record
class ConfigValues:
    """The validated config's plain values (no column mappings: the quick paths do not read lists)."""

    gemeente: str
    medewerker: str
    portaal_id: str | None = None
    database: Path | None = None
    exportmap: Path | None = None
    briefsjablonen: Path | None = None
    toetsen: Mapping[str, str] = MappingProxyType({})
    ondertekening: str | None = None
    gemeente_contact: str = ""

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> ConfigValues:
        """From the values as ``Config.model_dump(mode="json")`` writes them; KeyError if incomplete."""

        def path(key: str) -> Path | None:
            return Path(values[key]) if values.get(key) else None

        return cls(
            gemeente=values["gemeente"],
            medewerker=values["medewerker"],
            portaal_id=values.get("portaal_id"),
            database=path("database"),
            exportmap=path("exportmap"),
            briefsjablonen=path("briefsjablonen"),
            toetsen=MappingProxyType(dict(values["toetsen"])),
            ondertekening=values.get("ondertekening"),
            gemeente_contact=values.get("gemeente_contact") or "",
        )


def _cache_file() -> Path:
    return cache_path() / "config-cache.json"


def _stamp(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [str(path), st.st_size, st.st_mtime_ns]


def write_config_cache(path: Path, values: dict[str, Any]) -> None:
    from herstel_tui.files.atomic import write_text

    try:
        write_text(_cache_file(), json.dumps({"stamp": _stamp(path), "values": values}))
    except OSError:
        pass  # a cache, nothing more


def read_config_cache(path: Path) -> ConfigValues | None:
    """The validated values for ``path`` if the file is unchanged since they were written."""
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("stamp") != _stamp(path):
        return None
    try:
        return ConfigValues.from_json(data["values"])
    except (KeyError, TypeError):
        return None


def quick_settings(db_arg: str | None, config_arg: str | None) -> tuple[Path, str] | None:
    """The database and the user of a command line, without pydantic: from the values the full
    loader validated (this cache), or the defaults when there is no config file. None when only
    the full loader can tell (a file changed since it was validated, a named file that is missing)."""
    cfg_file = config_path(config_arg)
    values = None
    if cfg_file.exists():
        values = read_config_cache(cfg_file)
        if values is None:
            return None
    elif config_arg or os.environ.get("HERSTEL_CONFIG"):
        return None
    db = resolve_db(db_arg, values.database if values else None)
    return db, values.medewerker if values else login()


# -- the validated routekaart -----------------------------------------------------------------------

_DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def _routekaart_cache_file(path: Path) -> Path:
    """One file per installation (the routekaart file and the code beside it): two installations
    for one user (a new version beside the old) do not take turns overwriting one cache."""
    where = sha256_hex(f"{path}\0{_DOMAIN}".encode())[:12]
    return cache_path() / f"routekaart-{where}.pickle"


def _routekaart_key(text: bytes, path: Path) -> bytes | None:
    """What the cached objects depend on: the file (bytes and path), the code of the domain package
    that defines them (each file's name, size and mtime), Python and dateutil (its relativedelta
    is in the periods). None when the code cannot be told apart (no source files to look at, as
    in a zip or a sourceless install): then there is no cache."""
    import sys

    from dateutil import __version__ as dateutil_version

    code = []
    try:
        for folder in (_DOMAIN, _DOMAIN / "routekaart"):
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.endswith(".py"):
                        st = e.stat()
                        code.append([e.path, st.st_size, st.st_mtime_ns])
    except OSError:
        return None
    if not code:
        return None
    key = [str(path), sha256_hex(text), sys.version, dateutil_version, sorted(code)]
    return json.dumps(key).encode()


def read_routekaart_cache(text: bytes, path: Path) -> Routekaart | None:
    """The routekaart a full load built from these bytes at ``path``, if the cache holds it for
    this very code; None otherwise. Only a file this user owns and nobody else may write is read
    (it is unpickled)."""
    import pickle

    from herstel_tui.domain.routekaart.engine import Routekaart

    try:
        with open(_routekaart_cache_file(path), "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_mode & 0o022 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
                return None
            head, _, blob = f.read().partition(b"\n")
    except OSError:
        return None
    key = _routekaart_key(text, path)
    if key is None or head != key:
        return None
    try:
        routekaart = pickle.loads(blob)
    except Exception:  # a damaged cache: the full load decides
        return None
    return routekaart if isinstance(routekaart, Routekaart) else None


def write_routekaart_cache(text: bytes, path: Path, routekaart: Routekaart) -> None:
    """Keep what the full load built from ``text`` (owner-only, written whole or not at all)."""
    import pickle

    from herstel_tui.files.atomic import write_bytes

    key = _routekaart_key(text, path)
    if key is None:
        return
    try:
        write_bytes(
            _routekaart_cache_file(path), key + b"\n" + pickle.dumps(routekaart, protocol=pickle.HIGHEST_PROTOCOL)
        )
    except (OSError, pickle.PicklingError):
        pass  # a cache, nothing more
