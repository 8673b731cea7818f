"""The environment of a child process that runs this checkout's ``herstel`` with a home, config
and cache folder of its own (as a caseworker's first and next starts see them)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).parents[2]


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """``os.environ`` with this checkout first on the path and ``home`` as HOME, its ``c`` and
    ``k`` folders as the config and cache folders; ``extra`` added (e.g. HERSTEL_VANDAAG)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_CACHE_HOME": str(home / "k"),
        **extra,
    }
