"""The routekaart hersteloperatie kinderopvangtoeslag as data, and the engine that walks it.

Pure domain code: the standard library, pydantic, dateutil and tomllib. The package:

- :mod:`.period` — periods as the file writes them ("8 weken");
- :mod:`.schema` — the pydantic model of ``routekaart.toml``;
- :mod:`.model` — the public objects (steps, rules, events, the view of a case) and the errors;
- :mod:`.engine` — :class:`Routekaart` and the engine per track (the rules are in its module text);
- :mod:`.check` — whether a new event fits (the order the routekaart implies, Dutch refusals);
- :mod:`.loader` — :func:`load_routekaart` (a path) / :func:`parse_routekaart` (bytes); imported
  on first use of these names, so code that only walks a routekaart does not load pydantic.

Which file the application uses is not the domain's choice: ``herstel_tui.settings.resources``
loads the shipped one once and the caller hands it to the Store.
"""

from herstel_tui.domain.routekaart.engine import Routekaart
from herstel_tui.domain.routekaart.model import TRACKS, CaseView, RecordedEvent, RoutekaartError, TransitionRefused
from herstel_tui.domain.routekaart.period import Period, parse_period

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `herstel toon` imports this package
if TYPE_CHECKING:
    from herstel_tui.domain.routekaart.loader import load_routekaart, parse_routekaart

# What callers outside the package use; the other objects are imported from .model.
__all__ = [
    "TRACKS",
    "CaseView",
    "Period",
    "RecordedEvent",
    "Routekaart",
    "RoutekaartError",
    "TransitionRefused",
    "load_routekaart",
    "parse_period",
    "parse_routekaart",
]


def __getattr__(name: str):
    if name in ("load_routekaart", "parse_routekaart"):
        from herstel_tui.domain.routekaart import loader

        return getattr(loader, name)
    raise AttributeError(name)
