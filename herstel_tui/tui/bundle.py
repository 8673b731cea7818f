"""What the case screen shows, read in one go (``DeskData.load_case``). Its own module, not in
tui/data.py: a dataclass compiles its methods when its module is imported, and data.py is on the
way to the desk's first paint (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CaseBundle:
    """Everything the case screen shows, read in one go."""

    case: Any
    person: Any
    household: list  # [(Person, Role, [Case])]
    view: Any  # routekaart CaseView
    notes: list
    step: Any | None  # routekaart Step of the current position (or the track's first step)
    track_title: str
    routekaart: Any
    verification: Any = None  # the Serviceteam verification code in force, if one was imported
    laptop: tuple[str, str] | None = None  # (who, since) when the case is out on a laptop
    conflicts: list = field(default_factory=list)  # open conflicts from a check-in (store.checkout.Conflict)
    event_notes: dict[int, str] = field(default_factory=dict)  # a recorded step's note, by event id
