"""Where the shipped data files live, and the routekaart the application uses.

In a wheel, the top-level ``data/`` folder is installed as the package ``herstel_tui.data``
(see pyproject.toml). In a source checkout it sits beside the package.

:func:`default_routekaart` is the one place the shipped routekaart is loaded (once, cached); the
caller hands it to the Store, and everything else reads it from there (``store.routekaart``).
"""

from __future__ import annotations

import functools
import os

TYPE_CHECKING = False  # the light start imports this module: no typing at run time, nor pathlib

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from pathlib import Path

    from herstel_tui.domain.routekaart import Routekaart
    from herstel_tui.store import Store

_PKG = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # herstel_tui/, as text
ROUTEKAART_FILE = "routekaart.toml"


def _data_dir_text() -> str:
    installed = os.path.join(_PKG, "data")
    if os.path.isdir(installed):
        return installed
    return os.path.join(os.path.dirname(_PKG), "data")


def data_dir() -> Path:
    from pathlib import Path

    return Path(_data_dir_text())


def data_file(name: str) -> Path:
    return data_dir() / name


@functools.cache
def default_routekaart() -> Routekaart:
    """The shipped routekaart, loaded and validated once (per process, and per version of the
    file and the code: then kept in ``settings.cache``)."""
    from herstel_tui.settings.cache import read_routekaart_cache, write_routekaart_cache

    path = data_file(ROUTEKAART_FILE)
    try:
        text = path.read_bytes()
    except OSError:
        from herstel_tui.domain.routekaart import load_routekaart

        return load_routekaart(path)  # its Dutch error
    routekaart = read_routekaart_cache(text, path)
    if routekaart is None:
        from herstel_tui.domain.routekaart import parse_routekaart

        routekaart = parse_routekaart(text, path)
        write_routekaart_cache(text, path, routekaart)
    return routekaart


def routekaart_fingerprint() -> str:
    """The shipped routekaart's fingerprint without parsing it (standard library only: the light
    start compares it with the one a database's case index was computed with)."""
    if default_routekaart.cache_info().currsize:
        return default_routekaart().fingerprint
    from herstel_tui.domain.digest import fingerprint

    with open(os.path.join(_data_dir_text(), ROUTEKAART_FILE), "rb") as fh:  # data_file's, without pathlib
        return fingerprint(fh.read())


def rule_titles() -> dict[str, str]:
    """Each termijn's title by rule id, as ``default_routekaart().rules`` gives them; without
    loading the routekaart when ``settings.cache`` holds them for this file and code (`herstel
    termijnen` over SSH), else from the loaded routekaart (and then kept there)."""
    from herstel_tui.settings import cache

    path = os.path.join(_data_dir_text(), ROUTEKAART_FILE)  # data_file's, without pathlib
    text = None
    if not default_routekaart.cache_info().currsize:
        try:
            with open(path, "rb") as fh:
                text = fh.read()
        except OSError:
            pass  # default_routekaart() gives the Dutch error
        else:
            titles = cache.read_rule_titles(text, path)
            if titles is not None:
                return titles
    routekaart = default_routekaart()
    titles = {rid: rule.title for rid, rule in routekaart.rules.items()}
    if text is not None:
        from herstel_tui.domain.digest import fingerprint

        if fingerprint(text) == routekaart.fingerprint:  # (not a file changed in between)
            cache.write_rule_titles(text, path, titles)
    return titles


PASSPHRASE_ENV = "HERSTEL_WACHTWOORD"
MIN_PASSPHRASE = 8


_ASKED: dict[str, str] = {}  # path -> passphrase typed at the terminal, for this process only


def ask_passphrase(path: Path | str, *, new: bool = False) -> str:
    """The passphrase of an encrypted file: ``$HERSTEL_WACHTWOORD`` (scripts, tests), else asked at
    the terminal (twice for a new file). No terminal and no variable: a Dutch StoreError."""
    import getpass
    import sys
    from pathlib import Path

    from herstel_tui.store.base import StoreError

    given = os.environ.get(PASSPHRASE_ENV)
    if given is None:
        if not sys.stdin.isatty():
            raise StoreError(
                f"{path} is versleuteld (of wordt het); geef het wachtwoord aan de terminal of in "
                f"{PASSPHRASE_ENV}. Er is niets gewijzigd"
            )
        key = str(Path(path).expanduser().resolve())
        if not new and key in _ASKED:
            return _ASKED[key]  # asked once per process: a command that opens the file twice asks once
        given = getpass.getpass(f"Wachtwoord voor {path}: ")
        if new and getpass.getpass("Nog een keer: ") != given:
            raise StoreError("de wachtwoorden zijn niet gelijk; er is niets gewijzigd")
        if not new and given:
            _ASKED[key] = given
    if new and len(given) < MIN_PASSPHRASE:
        raise StoreError(f"kies een wachtwoord van minstens {MIN_PASSPHRASE} tekens; er is niets gewijzigd")
    if not given:
        raise StoreError(f"geen wachtwoord gegeven voor {path}; er is niets gewijzigd")
    return given


def open_store(
    path: Path | str,
    user: str,
    *,
    create: bool = True,
    readonly: bool = False,
    passphrase: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Store:
    """The register at ``path`` with the shipped routekaart: how the application opens its Store.
    An encrypted file (a laptop checkout) asks for its passphrase (see :func:`ask_passphrase`).
    ``progress``: see :class:`herstel_tui.store.Store` (the case index rebuilt after a routekaart change)."""
    from herstel_tui.store import Store
    from herstel_tui.store.base import looks_encrypted

    if passphrase is None and looks_encrypted(path):
        passphrase = ask_passphrase(path)
    return Store(
        path,
        user,
        routekaart=default_routekaart(),
        create=create,
        readonly=readonly,
        passphrase=passphrase,
        progress=progress,
    )
