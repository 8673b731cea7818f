"""Where the shipped data files live.

In a wheel, the top-level ``data/`` folder is installed as the package ``herstel_tui.data``
(see pyproject.toml). In a source checkout it sits beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # herstel_tui/


def data_dir() -> Path:
    installed = _PKG / "data"
    if installed.is_dir():
        return installed
    return _PKG.parent / "data"


def data_file(name: str) -> Path:
    return data_dir() / name
