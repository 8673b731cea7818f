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

import marshal
import os
from collections.abc import Callable, Mapping
from types import MappingProxyType

from herstel_tui.domain.digest import sha256_hex
from herstel_tui.domain.record import record
from herstel_tui.settings.paths import cache_path, cache_text, config_text, login, resolve_db_text
from herstel_tui.store.base import exists

# The quick shell paths import this module: typing only for the type checker, and no pathlib
# (paths as text here; see settings.paths).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
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
        return cls.of_fields(_json_fields(values))

    @classmethod
    def of_fields(cls, fields: Mapping[str, Any]) -> ConfigValues:
        """From :func:`_json_fields`: its paths made Paths."""
        from pathlib import Path

        values: dict[str, Any] = {k: Path(v) if k in _PATH_FIELDS and v is not None else v for k, v in fields.items()}
        return cls(**values)


_PATH_FIELDS = ("database", "exportmap", "briefsjablonen")


def _json_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """ConfigValues' fields from the cached JSON values, its paths still text (the quick paths
    need no Path); KeyError or TypeError when they are incomplete or of the wrong kind."""

    def path(key: str) -> str | None:
        return os.fspath(values[key]) if values.get(key) else None  # TypeError where Path() raises it

    return {
        "gemeente": values["gemeente"],
        "medewerker": values["medewerker"],
        "portaal_id": values.get("portaal_id"),
        "database": path("database"),
        "exportmap": path("exportmap"),
        "briefsjablonen": path("briefsjablonen"),
        "toetsen": MappingProxyType(dict(values["toetsen"])),
        "ondertekening": values.get("ondertekening"),
        "gemeente_contact": values.get("gemeente_contact") or "",
    }


# The config's values are kept in marshal's format (version 4, which every Python 3 since 3.4
# reads): built in, where importing json cost the desk's first paint ~5 M instructions (issue 18).
# A file it cannot read is no cache (the full loader writes a new one).
MARSHAL_VERSION = 4


def _cache_file() -> str:
    return os.path.join(cache_text(), "config-cache.marshal")


def _stamp(path: Path | str) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [os.fspath(path), st.st_size, st.st_mtime_ns]


def write_config_cache(path: Path, values: dict[str, Any]) -> None:
    from pathlib import Path

    from herstel_tui.files.atomic import write_bytes

    try:
        write_bytes(Path(_cache_file()), marshal.dumps({"stamp": _stamp(path), "values": values}, MARSHAL_VERSION))
    except OSError:
        pass  # a cache, nothing more


def _cached_fields(path: Path | str) -> dict[str, Any] | None:
    """:func:`_json_fields` of the values cached for the config file at ``path`` (its text as
    pathlib writes it), if the file is unchanged since they were written."""
    try:
        with open(_cache_file(), "rb") as fh:
            data = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("stamp") != _stamp(path):
        return None
    try:
        return _json_fields(data["values"])
    except (KeyError, TypeError):
        return None


def read_config_cache(path: Path) -> ConfigValues | None:
    """The validated values for ``path`` if the file is unchanged since they were written."""
    fields = _cached_fields(path)
    return ConfigValues.of_fields(fields) if fields is not None else None


def quick_target(db_arg: str | None, config_arg: str | None) -> tuple[str, str] | None:
    """The database (as text) and the user of a command line, without pydantic or pathlib: from
    the values the full loader validated (this cache), or the defaults when there is no config
    file. None when only the full loader can tell (a file changed since it was validated, a named
    file that is missing, a ``~user`` path pathlib cannot expand)."""
    cfg_file = config_text(config_arg)
    if cfg_file is None:
        return None
    fields = None
    if exists(cfg_file):
        fields = _cached_fields(cfg_file)
        if fields is None:
            return None
    elif config_arg or os.environ.get("HERSTEL_CONFIG"):
        return None
    db = resolve_db_text(db_arg, fields["database"] if fields else None)
    if db is None:
        return None
    return db, fields["medewerker"] if fields else login()


def quick_values(config_arg: str | None) -> ConfigValues | None:
    """The validated config's values for a command line, without pydantic: from this cache when
    the file (or its absence) is unchanged since the full loader validated it; None when only the
    full loader can tell (as :func:`quick_target`)."""
    cfg_file = config_text(config_arg)
    if cfg_file is None:
        return None
    if (config_arg or os.environ.get("HERSTEL_CONFIG")) and not exists(cfg_file):
        return None  # the full loader's error
    fields = _cached_fields(cfg_file)
    return ConfigValues.of_fields(fields) if fields is not None else None


def quick_settings(db_arg: str | None, config_arg: str | None) -> tuple[Path, str] | None:
    """:func:`quick_target` with the database as a Path."""
    target = quick_target(db_arg, config_arg)
    if target is None:
        return None
    from pathlib import Path

    return Path(target[0]), target[1]


# -- the validated routekaart -----------------------------------------------------------------------

# herstel_tui/domain, as text (``str(Path(__file__).resolve().parent.parent / "domain")``)
_DOMAIN: Path | str = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "domain")


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

    code = _domain_code()
    if code is None:
        return None
    key = [str(path), sha256_hex(text), sys.version, dateutil_version, code]
    import json

    return json.dumps(key).encode()


def _domain_code() -> list[list] | None:
    """The domain package's source files (see :func:`code_files`)."""
    return code_files(_DOMAIN, os.path.join(_DOMAIN, "routekaart"))


def code_files(*folders: Path | str) -> list[list] | None:
    """The source files in ``folders`` (path, size, mtime), sorted: what tells one version of
    the code that defines cached objects from another. None when there are none to look at (a
    zip, a sourceless install): then there is no cache."""
    code = []
    try:
        for folder in folders:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.endswith(".py"):
                        st = e.stat()
                        code.append([e.path, st.st_size, st.st_mtime_ns])
    except OSError:
        return None
    return sorted(code) if code else None


def _read_owned(file: str | Path) -> bytes | None:
    """A cache file's bytes if this user owns it and nobody else may write it (what is read from
    it decides what runs or is shown); None otherwise, or when it cannot be read."""
    try:
        with open(file, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_mode & 0o022 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
                return None
            return f.read()
    except OSError:
        return None


def read_routekaart_cache(text: bytes, path: Path) -> Routekaart | None:
    """The routekaart a full load built from these bytes at ``path``, if the cache holds it for
    this very code; None otherwise (see :func:`read_pickle`)."""
    from herstel_tui.domain.routekaart.engine import Routekaart

    routekaart = read_pickle(_routekaart_cache_file(path), lambda: _routekaart_key(text, path))
    return routekaart if isinstance(routekaart, Routekaart) else None


def write_routekaart_cache(text: bytes, path: Path, routekaart: Routekaart) -> None:
    """Keep what the full load built from ``text`` (owner-only, written whole or not at all)."""
    key = _routekaart_key(text, path)
    if key is not None:
        write_pickle(_routekaart_cache_file(path), key, routekaart)


def read_pickle(file: Path | str, key: Callable[[], bytes | None]) -> object | None:
    """What :func:`write_pickle` kept in ``file`` under the key ``key()`` gives (asked only when
    there is a file); None when the file holds another key (or ``key()`` is None), is damaged,
    or is not this user's alone: only a file this user owns and nobody else may write is read
    (it is unpickled)."""
    data = _read_owned(file)
    if data is None:
        return None
    head, _, blob = data.partition(b"\n")
    wanted = key()
    if wanted is None or head != wanted:
        return None
    import pickle

    try:
        return pickle.loads(blob)
    except Exception:  # a damaged cache: the caller builds it anew
        return None


def write_pickle(file: Path, key: bytes, value: object) -> None:
    """Keep ``value`` in ``file`` under ``key`` (one line, no newline in it): owner-only, written
    whole or not at all; a cache, so a failure is no error."""
    import pickle

    from herstel_tui.files.atomic import write_bytes

    assert b"\n" not in key
    try:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # (an object pickle cannot take raises TypeError or AttributeError too)
        return  # a cache, nothing more
    try:
        write_bytes(file, key + b"\n" + blob)
    except OSError:
        pass  # a cache, nothing more


# -- the termijnen' titles ------------------------------------------------------------------------
# `herstel termijnen` prints each rule's title: read from a small JSON file instead of loading the
# whole routekaart (its classes, the engine and the pickle: ~35 ms over SSH). Keyed as the pickle
# is, without dateutil (a title is text from the validated file); standard library only.


def _rule_titles_file(path: str) -> str:
    where = sha256_hex(f"{path}\0{_DOMAIN}".encode())[:12]
    return os.path.join(cache_text(), f"termijntitels-{where}.json")


def _rule_titles_key(text: bytes, path: str) -> list | None:
    import sys

    code = _domain_code()
    return None if code is None else [path, sha256_hex(text), sys.version, code]


def read_rule_titles(text: bytes, path: str) -> dict[str, str] | None:
    """Rule id -> title as the routekaart loaded from these bytes at ``path`` (its text) gives them,
    if :func:`write_rule_titles` kept them for this very code; None otherwise. Only a file this
    user owns and nobody else may write is read."""
    import json

    raw = _read_owned(_rule_titles_file(path))
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    key = _rule_titles_key(text, path)
    if key is None or not isinstance(data, dict) or data.get("key") != key:
        return None
    titles = data.get("titles")
    if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
        return None
    return titles


def write_rule_titles(text: bytes, path: str, titles: Mapping[str, str]) -> None:
    """Keep the titles of the routekaart loaded from ``text`` (owner-only, written whole or not at all)."""
    import json
    from pathlib import Path

    from herstel_tui.files.atomic import write_text

    key = _rule_titles_key(text, path)
    if key is None:
        return
    try:
        write_text(Path(_rule_titles_file(path)), json.dumps({"key": key, "titles": dict(titles)}))
    except OSError:
        pass  # a cache, nothing more
