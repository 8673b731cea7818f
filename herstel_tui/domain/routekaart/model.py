"""The routekaart's public model: plain frozen objects built from validated data, the events a
case consists of, and what the engine says about a case.

The routekaart's own objects (contacts, letters, outcomes, steps, rules, tracks) are ``@record``s,
frozen like ``@dataclass(frozen=True)`` but built without generating code: a step has 30 fields,
and `herstel toon` / `termijnen` import this module on every start (issue 18)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from herstel_tui.domain.enums import RoutekaartActor
from herstel_tui.domain.enums import Track as TrackId
from herstel_tui.domain.record import record
from herstel_tui.domain.routekaart.period import (
    Period,
)

TRACKS = tuple(t.value for t in TrackId)
ACTORS = tuple(a.value for a in RoutekaartActor)
NOT_STARTED_TITLE = "Nog niet gestart"


class RoutekaartError(ValueError):
    """The routekaart file is missing or malformed. ``str()`` is Dutch and names the file, the
    step (or milestone, rule, contact) and the fault; ``errors`` lists every fault found."""

    def __init__(self, path: Path | str, errors: Sequence[str]):
        self.path = Path(path)
        self.errors = list(errors)
        super().__init__("\n".join(f"{self.path}: {e}" for e in self.errors))


class TransitionRefused(ValueError):
    """An event does not fit the case. ``str()`` is a clear Dutch reason for the caseworker."""


@record
class Contact:
    id: str
    name: str
    phone: str = ""
    email: str = ""
    note: str = ""

    def __str__(self) -> str:
        bits = [self.name] + [b for b in (self.phone, self.email) if b]
        return " · ".join(bits)


@record
class Letter:
    id: str
    title: str
    format: str = ""
    note: str = ""


@record
class Outcome:
    id: str
    title: str
    branch: str
    next: tuple[str, ...]
    optional: tuple[str, ...]
    only_outcomes: dict[str, tuple[str, ...]]


@record
class Step:
    """A routekaart step or a milestone of one track.

    ``optional`` is True when the step may be skipped on at least one path (step-level flag or an
    ``optional`` edge, e.g. the integrale beoordeling after eerste toets Gedupeerd)."""

    id: str
    track: str
    title: str
    explanation: str
    actors: tuple[str, ...]
    spuk_component: str | None
    letters: tuple[str, ...]  # Dutch titles of the letters/formats
    letter_ids: tuple[str, ...]
    contacts: tuple[Contact, ...]
    outcomes: dict[str, str]  # outcome id -> Dutch title, in file order
    outcome_branches: dict[str, Outcome]
    next: tuple[str, ...]
    requires: tuple[str, ...]
    requires_any: tuple[str, ...]
    requires_running: tuple[str, ...]
    not_before: tuple[str, ...]
    optional: bool
    anytime: bool
    repeatable: bool
    end: bool
    milestone: bool
    optional_everywhere: bool = False  # the step-level flag: may be skipped on every path
    not_after: tuple[str, ...] = ()  # events after which this node no longer fits
    then_only: tuple[str, ...] = ()  # once this node is recorded, only these (and anytime nodes) follow
    last_date: date | None = None  # the last fact date the node may have (without a correction)
    last_date_reason: str = ""
    roles: tuple[str, ...] = ()  # household roles of the person this node fits (empty: all)
    source: str = ""  # source and date of a text that goes beyond the routekaart
    cycle: bool = False  # belongs to one round of brede ondersteuning (a restart begins a new one)
    restart: bool = False  # begins a new round of brede ondersteuning

    @property
    def actor(self) -> str:
        return self.actors[0]

    @property
    def actor_titles(self) -> tuple[str, ...]:
        return tuple(RoutekaartActor(a).label for a in self.actors)


@record
class Rule:
    id: str
    title: str
    explanation: str
    kind: str  # "deadline" | "period"
    period: Period
    start: tuple[str, ...]  # event refs "step" or "step:outcome"
    stop: tuple[str, ...]
    tracks: tuple[str, ...]
    basis: str = "wet"  # "wet" (statutory), "routekaart" (the VNG routekaart), "keuze" (municipal choice)
    choice: str = ""  # the municipal choice made within the rule, in Dutch
    source: str = ""  # source and date of the rule beyond the routekaart
    owed_by: str = "gemeente"  # who must act by the due date; others' dates are waited on, never overdue

    @property
    def statutory(self) -> bool:
        return self.basis != "keuze"

    @property
    def waiting_on(self) -> str | None:
        """Dutch name of the party the caseworker waits on, or None for the caseworker's own termijn."""
        return None if self.owed_by == "gemeente" else RoutekaartActor(self.owed_by).label


@record
class Track:
    id: str
    title: str
    start_label: str
    milestone_label: str
    steps: tuple[Step, ...]  # routekaart steps, in order
    milestones: tuple[Step, ...]
    rules: tuple[Rule, ...]

    @property
    def nodes(self) -> tuple[Step, ...]:
        return self.steps + self.milestones


class RecordedEvent(NamedTuple):
    """One timeline event as the engine takes it. Immutable (a NamedTuple: a case index rebuild
    makes about 750,000 of them at 100,000 cases)."""

    step: str
    fact_date: date
    outcome: str | None = None
    correction: bool = False
    reason: str | None = None
    id: int | None = None
    inherited: bool = False  # a fact of the household's aanvrager (outcome, payment), not of this case


@dataclass(slots=True)
class DoneStep:
    step: str
    title: str
    outcome: str | None
    outcome_title: str | None
    fact_date: date
    correction: bool
    reason: str | None
    event_id: int | None
    superseded: bool
    milestone: bool = False
    anytime: bool = False
    off_route: bool = False  # no longer fits the route after a correction
    earlier_round: bool = False  # part of an earlier round of brede ondersteuning (before a restart)
    warning: str | None = None  # the fact date lies after the step's last date (Dutch)
    inherited: bool = False  # the household's aanvrager's fact (outcome, payment), shared with this person

    @property
    def event_title(self) -> str:
        return f"{self.title}: {self.outcome_title}" if self.outcome_title else self.title


class NextStep(NamedTuple):
    """A step (with one outcome) that may be recorded next. Immutable (a NamedTuple: cheap)."""

    step: str
    outcome: str | None
    title: str  # e.g. "Eerste toets: Gedupeerd"
    branch: str  # e.g. "Na eerste toets: Gedupeerd"
    optional: bool
    anytime: bool
    milestone: bool = False
    earliest: date | None = None  # the earliest fact date check() accepts (None: any date)
    latest: date | None = None  # the latest fact date check() accepts without a correction


@dataclass(slots=True)
class Deadline:
    rule: str
    title: str
    start: date
    due: date
    stopped: date | None
    kind: str = "deadline"  # "deadline" | "period"
    stopped_by: str | None = None  # event title of the stop event
    elapsed: bool = False  # a period that ended by itself at its due date
    waiting_on: str | None = None  # another party owes this date ("UHT"): waited on, never overdue
    choice: bool = False  # a municipal choice (gemeentelijke keuze), not a statutory date

    @property
    def running(self) -> bool:
        return self.stopped is None

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return self.stopped is None and self.waiting_on is None and self.kind == "deadline" and today > self.due

    @property
    def waiting_text(self) -> str:
        """ "wacht op UHT" for a date another party owes, else empty."""
        return f"wacht op {self.waiting_on}" if self.waiting_on else ""


class CaseState(NamedTuple):
    """The engine's view of a case without the timeline and the next steps (:meth:`Routekaart.summarize`);
    the same values as :class:`CaseView`'s fields of these names."""

    current_step: str | None
    current_title: str
    outcome: str | None
    deadlines: list[Deadline]
    running: list[Deadline]
    next_deadline: Deadline | None
    closed: bool


@dataclass(slots=True)
class CaseView:
    track: str
    done: list[DoneStep]
    current: DoneStep | None
    current_title: str
    outcome: str | None
    next_steps: list[NextStep]
    deadlines: list[Deadline]
    running: list[Deadline]
    next_deadline: Deadline | None
    closed: bool

    def overdue(self, today: date) -> list[Deadline]:
        """The caseworker's own running deadlines past their due date (not what others owe)."""
        return [d for d in self.running if d.overdue(today)]

    @property
    def waiting(self) -> list[Deadline]:
        """Running dates another party owes (UHT's answer): shown as waiting on them."""
        return [d for d in self.running if d.waiting_on is not None]
