"""What the desk reads from the configuration: the validated ``Config``, or on a light start (until
that is loaded in a worker) the ``ConfigValues`` the last full load cached. Both carry the same
plain values (gemeente, medewerker, toetsen, exportmap, portaal_id, briefsjablonen), and the
services the desk calls accept either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from herstel_tui.settings.cache import ConfigValues
    from herstel_tui.settings.config import Config

DeskConfig: TypeAlias = "Config | ConfigValues"
