"""Where the shipped data files live, and the routekaart the application uses.

In a wheel, the top-level ``data/`` folder is installed as the package ``herstel_tui.data``
(see pyproject.toml). In a source checkout it sits beside the package.

:func:`default_routekaart` is the one place the shipped routekaart is loaded (once, cached); the
caller hands it to the Store, and everything else reads it from there (``store.routekaart``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

TYPE_CHECKING = False  # the light start imports this module: no typing at run time

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.domain.routekaart import Routekaart
    from herstel_tui.store import Store

_PKG = Path(__file__).resolve().parent.parent  # herstel_tui/
ROUTEKAART_FILE = "routekaart.toml"


def data_dir() -> Path:
    installed = _PKG / "data"
    if installed.is_dir():
        return installed
    return _PKG.parent / "data"


def data_file(name: str) -> Path:
    return data_dir() / name


@functools.cache
def default_routekaart() -> Routekaart:
    """The shipped routekaart, loaded and validated once."""
    from herstel_tui.domain.routekaart import load_routekaart

    return load_routekaart(data_file(ROUTEKAART_FILE))


def routekaart_fingerprint() -> str:
    """The shipped routekaart's fingerprint without parsing it (standard library only: the light
    start compares it with the one a database's case index was computed with)."""
    if default_routekaart.cache_info().currsize:
        return default_routekaart().fingerprint
    return hashlib.sha256(data_file(ROUTEKAART_FILE).read_bytes()).hexdigest()[:16]


def open_store(path: Path | str, user: str, *, create: bool = True, readonly: bool = False) -> Store:
    """The register at ``path`` with the shipped routekaart: how the application opens its Store."""
    from herstel_tui.store import Store

    return Store(path, user, routekaart=default_routekaart(), create=create, readonly=readonly)
