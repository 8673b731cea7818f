"""What the desk reads from the configuration, as one typed contract.

The desk runs with the validated :class:`herstel_tui.settings.config.Config`, or (on a light start,
until that is loaded in a worker) with the values the last full load cached. Both must give these
attributes; nothing else of the configuration is read by the desk or handed on by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from herstel_tui.settings.config import Config


class DeskConfig(Protocol):
    """The configuration as the desk sees it (read-only)."""

    @property
    def gemeente(self) -> str: ...

    @property
    def medewerker(self) -> str: ...

    @property
    def toetsen(self) -> Mapping[str, str]: ...

    @property
    def exportmap(self) -> Path | None: ...

    @property
    def portaal_id(self) -> str | None: ...

    @property
    def briefsjablonen(self) -> Path | None: ...


def for_services(config: DeskConfig) -> Config:
    """The configuration for a service the desk calls (letters, vraagbestand, export folder).

    Those services are typed with the full ``Config`` but read only :class:`DeskConfig`'s
    attributes from it, so the light start's cached values serve them as well. This is the one
    place the desk says so; it goes once the services take a ``DeskConfig``.
    """
    return cast("Config", config)
