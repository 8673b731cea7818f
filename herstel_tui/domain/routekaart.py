"""The routekaart hersteloperatie kinderopvangtoeslag as data, and the engine that walks it.

Pure domain code: imports only the standard library, pydantic, dateutil and tomllib.

Data
----
``data/routekaart.toml`` holds both tracks (``TRACKS``): steps in routekaart order with their
branches, milestones (facts that are not routekaart steps, e.g. ``eerste_gesprek``), termijnen
(rules) with their periods, contacts and letters. :func:`load_routekaart` validates the file with
pydantic (``extra="forbid"``) plus graph checks (unknown ids, cycles, duplicates) and raises
:class:`RoutekaartError` whose text names the file, the step (or milestone, rule, contact) and the
fault, in Dutch. Lookup tables for the engine are built once at load time; :meth:`Routekaart.evaluate`
does no validation.

Events
------
A case is a sequence of :class:`RecordedEvent` for one track, **in record order** (the order in
which they were recorded, e.g. by database id). ``step`` is a step id or a milestone id.
Evaluation orders them by ``(fact_date, record order)``.

Which events fit (:meth:`Routekaart.check`)
-------------------------------------------
* A node (step or milestone) without incoming ``next`` edges may be recorded at any time (subject
  to ``requires``). Any other node only when one of its incoming edges is active: the source node
  is recorded (with the edge's outcome, for a branch). So an integrale beoordeling before the
  eerste toets, or after eerste toets *Niet gedupeerd*, is refused, as is any step of a branch that
  was not taken.
* ``requires`` (all), ``requires_any`` (one of) and ``requires_running`` (a running termijn, e.g.
  an open Brede Hulpteam request) must hold: nazorg needs a plan van aanpak, a plan needs the
  first talk.
* A non-repeatable node is recorded once: the same step+outcome twice is refused, and so is a
  second, different outcome of a step that has one.
* The fact date may not lie before the date of the event that made the node possible, nor before
  the due date of a ``not_before`` rule (Opstarten invordering after the acclimatiseringsfase).
* UHT's eerste toets does not depend on the municipality's work; milestones of the municipality
  only depend on each other (plan after first talk, first talk after a melding).

Corrections
-----------
An event with ``correction=True`` needs a non-empty ``reason`` ("Geef een reden voor de
correctie.") and then bypasses the order rules (it must still name a known step and a valid
outcome). The history keeps both events. A correction *supersedes* earlier-recorded events of the
same step: all of them for a non-repeatable step, the latest one for a repeatable step. Superseded
events stay in ``CaseView.done`` with ``superseded=True`` and are otherwise ignored (route,
outcome, termijnen). Events that no longer fit the route after a correction (for instance steps of
the *Gedupeerd* branch after the eerste toets was corrected to *Niet gedupeerd*) stay done but are
marked ``off_route=True``; they do not count for ``current`` nor for ``closed``.

Termijnen
---------
A rule starts at the earliest recorded start event (every occurrence starts its own instance when
a start event is repeatable, as for the Brede Hulpteam) and is stopped by the first stop event on
or after its start (for repeatable starts: each stop event stops the oldest running instance).
``due = start + period`` with ``dateutil.relativedelta`` (calendar months and years). A rule of
kind ``"period"`` (nazorg, moratorium) ends by itself: once ``today >= due`` it counts as stopped
on its due date (``elapsed=True``). A rule of kind ``"deadline"`` runs until its stop event and is
overdue when ``today > due``.

Next steps
----------
``CaseView.next_steps`` lists every node that :meth:`Routekaart.check` would accept now: one
entry per allowed outcome for a step with outcomes, milestones included (``milestone=True``),
repeatable nodes again after they were recorded. ``branch`` is the Dutch label of the branch that
made it possible ("Na eerste toets: Gedupeerd"; a follow-up step inherits the label of its
predecessor); ``optional`` is per branch (the integrale beoordeling may be waived after
Gedupeerd, not after Geen uitsluitsel); ``earliest`` is the earliest fact date ``check`` accepts.
So a random walk that records ``NextStep``s with ``fact_date >= earliest`` only makes fitting
events and reaches every path. Events with an unknown step id (e.g. after a step was removed from
the file) are shown in ``done`` but ignored.

Closed
------
``CaseView.closed`` is True when a non-superseded, on-route ``end`` node has been recorded
(nazorg, afronden/continueren, afzien; kwijtschelden, einde pauzeknop, opstarten invordering) **and**
no termijn is running. So a case in nazorg stays open until the 24 months are over, a negative case
stays open until the wind-down is recorded (Afronden), and a schuldenaanpak case stays open during
the moratorium and the acclimatiseringsfase. A later event that starts a termijn re-opens the case.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "TRACKS",
    "ACTORS",
    "ACTOR_TITLES",
    "RoutekaartError",
    "TransitionRefused",
    "RecordedEvent",
    "Period",
    "parse_period",
    "Contact",
    "Letter",
    "Outcome",
    "Step",
    "Rule",
    "Track",
    "Routekaart",
    "DoneStep",
    "NextStep",
    "Deadline",
    "CaseView",
    "load_routekaart",
    "default_routekaart",
    "format_date",
]

TRACKS = ("brede_ondersteuning", "schuldenaanpak")
ACTORS = ("uht", "gemeente", "invorderaar", "ouder", "cws")
ACTOR_TITLES = {
    "uht": "UHT",
    "gemeente": "Gemeente",
    "invorderaar": "Invorderaar",
    "ouder": "Ouder",
    "cws": "CWS",
}
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


def format_date(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


# ------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------

_UNITS = {
    "dag": "days",
    "dagen": "days",
    "week": "weeks",
    "weken": "weeks",
    "maand": "months",
    "maanden": "months",
    "jaar": "years",
    "jaren": "years",
}
_PART = re.compile(r"^(\d+)\s+([a-z]+)$")


class Period:
    """A period such as "8 weken" or "1 jaar en 6 maanden", added with calendar arithmetic."""

    __slots__ = ("text", "delta", "_days", "_cache")

    def __init__(self, text: str, delta: relativedelta):
        self.text = text
        self.delta = delta
        # Days and weeks are a fixed number of days; months and years never are.
        self._days = None if (delta.months or delta.years) else delta.days
        self._cache: dict[date, date] = {}

    def add(self, start: date) -> date:
        if self._days is not None:
            return start + timedelta(days=self._days)
        due = self._cache.get(start)
        if due is None:
            due = start + self.delta
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[start] = due
        return due

    def __repr__(self) -> str:
        return f"Period({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and self.delta == other.delta

    def __hash__(self) -> int:
        return hash((self.delta.years, self.delta.months, self.delta.days))


def parse_period(text: str) -> Period:
    """Parse a Dutch period: "30 dagen", "8 weken", "24 maanden", "1 jaar", "1 jaar en 6 maanden".

    Raises ValueError with a Dutch message."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("periode ontbreekt")
    parts = re.split(r"\s*(?:,|\ben\b)\s*", text.strip().lower())
    kwargs = {"days": 0, "weeks": 0, "months": 0, "years": 0}
    for part in parts:
        m = _PART.match(part)
        unit = _UNITS.get(m.group(2)) if m else None
        if not m or unit is None:
            raise ValueError(
                f"ongeldige periode '{text}': verwacht een aantal en een eenheid, "
                "bijvoorbeeld '30 dagen', '8 weken', '24 maanden' of '1 jaar'"
            )
        kwargs[unit] += int(m.group(1))
    if not any(kwargs.values()):
        raise ValueError(f"ongeldige periode '{text}': de periode moet langer dan 0 zijn")
    delta = relativedelta(years=kwargs["years"], months=kwargs["months"], days=kwargs["days"] + 7 * kwargs["weeks"])
    return Period(text.strip(), delta)


# ------------------------------------------------------------------------------------------
# Raw file schema (pydantic)
# ------------------------------------------------------------------------------------------

_ID = r"^[a-z][a-z0-9_]*$"
_REF = r"^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ContactIn(_In):
    name: str = Field(min_length=1)
    phone: str = ""
    email: str = ""
    note: str = ""


class _LetterIn(_In):
    title: str = Field(min_length=1)
    format: str = ""
    note: str = ""


class _OutcomeIn(_In):
    title: str = Field(min_length=1)
    branch: str = Field(min_length=1)
    next: list[str] = []
    optional: list[str] = []
    only_outcomes: dict[str, list[str]] = {}


class _NodeIn(_In):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    actors: list[Literal["uht", "gemeente", "invorderaar", "ouder", "cws"]] = Field(min_length=1)
    spuk_component: str | None = None
    letters: list[str] = []
    contacts: list[str] = []
    next: list[str] = []
    outcomes: dict[str, _OutcomeIn] = {}
    requires: list[str] = []
    requires_any: list[str] = []
    requires_running: list[str] = []
    not_before: list[str] = []
    optional: bool = False
    anytime: bool = False
    repeatable: bool = False
    end: bool = False

    @field_validator("title", "explanation")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("mag niet leeg zijn")
        return v


class _MilestoneIn(_NodeIn):
    tracks: list[Literal["brede_ondersteuning", "schuldenaanpak"]] = Field(min_length=1)


class _TrackIn(_In):
    title: str = Field(min_length=1)
    start_label: str = Field(min_length=1)
    milestone_label: str = Field(min_length=1)
    steps: list[_NodeIn] = Field(min_length=1)


class _RuleIn(_In):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    explanation: str = ""
    kind: Literal["deadline", "period"]
    period: str
    start: list[str] = Field(min_length=1)
    stop: list[str] = []
    tracks: list[Literal["brede_ondersteuning", "schuldenaanpak"]] = Field(min_length=1)

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        parse_period(v)
        return v


class _RoutekaartIn(_In):
    version: int
    spuk_components: dict[str, str] = {}
    contacts: dict[str, _ContactIn] = {}
    letters: dict[str, _LetterIn] = {}
    tracks: dict[str, _TrackIn]
    milestones: list[_MilestoneIn] = []
    rules: list[_RuleIn] = []


_FIELD_NL = {
    "title": "titel",
    "explanation": "uitleg",
    "actors": "actoren",
    "period": "periode",
    "next": "vervolgstappen",
    "kind": "soort",
    "start": "start",
    "stop": "stop",
    "tracks": "sporen",
    "name": "naam",
    "branch": "taklabel",
    "id": "id",
}


# ------------------------------------------------------------------------------------------
# Public model (plain frozen objects built from validated data)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    phone: str = ""
    email: str = ""
    note: str = ""

    def __str__(self) -> str:
        bits = [self.name] + [b for b in (self.phone, self.email) if b]
        return " · ".join(bits)


@dataclass(frozen=True)
class Letter:
    id: str
    title: str
    format: str = ""
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    id: str
    title: str
    branch: str
    next: tuple[str, ...]
    optional: tuple[str, ...]
    only_outcomes: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
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

    @property
    def actor(self) -> str:
        return self.actors[0]

    @property
    def actor_titles(self) -> tuple[str, ...]:
        return tuple(ACTOR_TITLES[a] for a in self.actors)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    explanation: str
    kind: str  # "deadline" | "period"
    period: Period
    start: tuple[str, ...]  # event refs "step" or "step:outcome"
    stop: tuple[str, ...]
    tracks: tuple[str, ...]


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class RecordedEvent:
    step: str
    fact_date: date
    outcome: str | None = None
    correction: bool = False
    reason: str | None = None
    id: int | None = None


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

    @property
    def running(self) -> bool:
        return self.stopped is None

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return self.stopped is None and today > self.due


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
        return [d for d in self.running if today > d.due]


# ------------------------------------------------------------------------------------------
# Engine tables
# ------------------------------------------------------------------------------------------


def _split_ref(ref: str) -> tuple[str, str | None]:
    step, _, outcome = ref.partition(":")
    return step, (outcome or None)


@dataclass(frozen=True, slots=True)
class _Edge:
    src: str
    outcome: str | None  # the branch outcome of src, or None for a plain "next"
    key: tuple[str, str | None]
    static_label: str | None  # the outcome's branch label; None: inherit from src
    optional: bool
    only: frozenset[str] | None


@dataclass(slots=True)
class _Node:
    step: Step
    id: str
    title: str
    outcomes: tuple[str, ...]
    incoming: tuple[_Edge, ...]
    root_label: str
    requires: tuple[tuple[str, str | None], ...]
    requires_any: tuple[tuple[str, str | None], ...]
    requires_running: tuple[str, ...]
    not_before: tuple[str, ...]
    optional: bool
    anytime: bool
    repeatable: bool
    end: bool
    milestone: bool
    # Precomputed NextStep per outcome (None for steps without outcomes), before labels/dates.
    event_titles: dict[str | None, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _RuleT:
    rule: Rule
    starts: tuple[tuple[str, str | None], ...]
    stops: tuple[tuple[str, str | None], ...]
    multi: bool


_Dates = dict[tuple[str, str | None], list[date]]


class _Engine:
    """Lookup tables and the hot path for one track."""

    def __init__(self, rk: Routekaart, track: Track):
        self.rk = rk
        self.track = track
        nodes = track.nodes
        incoming: dict[str, list[_Edge]] = {n.id: [] for n in nodes}
        for n in nodes:
            for target in n.next:
                incoming[target].append(_Edge(n.id, None, (n.id, None), None, False, None))
            for o in n.outcome_branches.values():
                for target in o.next:
                    only = o.only_outcomes.get(target)
                    incoming[target].append(
                        _Edge(
                            n.id,
                            o.id,
                            (n.id, o.id),
                            o.branch,
                            target in o.optional,
                            frozenset(only) if only is not None else None,
                        )
                    )
        self.nodes: dict[str, _Node] = {}
        for n in nodes:
            node = _Node(
                step=n,
                id=n.id,
                title=n.title,
                outcomes=tuple(n.outcomes),
                incoming=tuple(incoming[n.id]),
                root_label=track.milestone_label if n.milestone else track.start_label,
                requires=tuple(_split_ref(r) for r in n.requires),
                requires_any=tuple(_split_ref(r) for r in n.requires_any),
                requires_running=n.requires_running,
                not_before=n.not_before,
                optional=n.optional_everywhere,
                anytime=n.anytime,
                repeatable=n.repeatable,
                end=n.end,
                milestone=n.milestone,
            )
            node.event_titles[None] = n.title
            for oid, otitle in n.outcomes.items():
                node.event_titles[oid] = f"{n.title}: {otitle}"
            self.nodes[n.id] = node
        self.order = tuple(self.nodes.values())
        self.end_nodes = tuple(n for n in self.order if n.end)
        # Decisive outcome: the outcome step furthest down the graph wins (integrale beoordeling
        # over eerste toets).
        depth: dict[str, int] = {}

        def _depth(nid: str) -> int:
            if nid not in depth:
                node = self.nodes[nid]
                deps = [e.src for e in node.incoming] + [k[0] for k in node.requires + node.requires_any]
                depth[nid] = 1 + max((_depth(d) for d in deps), default=0)
            return depth[nid]

        for nid in self.nodes:
            _depth(nid)
        self.decisive = tuple(sorted((n for n in self.order if n.outcomes), key=lambda n: -depth[n.id]))
        multi_ids = {n.id for n in nodes if n.repeatable}
        self.rules = tuple(
            _RuleT(
                rule=r,
                starts=tuple(_split_ref(s) for s in r.start if _split_ref(s)[0] in self.nodes),
                stops=tuple(_split_ref(s) for s in r.stop if _split_ref(s)[0] in self.nodes),
                multi=any(_split_ref(s)[0] in multi_ids for s in r.start),
            )
            for r in track.rules
        )
        self.rules_by_id = {rt.rule.id: rt for rt in self.rules}
        self.running_needed = frozenset(r for n in self.order for r in n.requires_running)
        self._plan_cache: dict[Any, list[tuple[tuple[NextStep, ...], Any]]] = {}
        self._templates: dict[Any, tuple[NextStep, ...]] = {}

    # -- state ------------------------------------------------------------------------------

    def state(self, events: Sequence[RecordedEvent]) -> tuple[list[bool] | None, list[int], _Dates]:
        """Superseded flags (None when there is no correction), evaluation order, and for each
        (step, outcome) and (step, None) key the sorted fact dates of the counting events."""
        n = len(events)
        sup: list[bool] | None = None
        for e in events:
            if e.correction:
                sup = [False] * n
                break
        if sup is not None:
            nodes = self.nodes
            for i, e in enumerate(events):
                if not e.correction:
                    continue
                node = nodes.get(e.step)
                rep = node.repeatable if node is not None else False
                for j in range(i - 1, -1, -1):
                    if not sup[j] and events[j].step == e.step:
                        sup[j] = True
                        if rep:
                            break
        if n < 2:
            order = list(range(n))
        else:
            order = sorted(range(n), key=lambda i: (events[i].fact_date, i))
        dates: _Dates = {}
        for i in order:
            if sup is not None and sup[i]:
                continue
            e = events[i]
            k = (e.step, None)
            lst = dates.get(k)
            if lst is None:
                dates[k] = [e.fact_date]
            else:
                lst.append(e.fact_date)
            if e.outcome is not None:
                k = (e.step, e.outcome)
                lst = dates.get(k)
                if lst is None:
                    dates[k] = [e.fact_date]
                else:
                    lst.append(e.fact_date)
        return sup, order, dates

    def label(self, nid: str, dates: _Dates, memo: dict[str, str]) -> str:
        got = memo.get(nid)
        if got is not None:
            return got
        node = self.nodes[nid]
        lab = node.root_label
        for e in node.incoming:
            if e.key in dates:
                lab = e.static_label if e.static_label is not None else self.label(e.src, dates, memo)
                break
        memo[nid] = lab
        return lab

    def route(self, node: _Node, dates: _Dates) -> tuple[bool, list[_Edge]]:
        """Whether the node is reachable on the recorded route; the active incoming edges."""
        if node.incoming:
            active = [e for e in node.incoming if e.key in dates]
            if not active:
                return False, active
        else:
            active = []
        for k in node.requires:
            if k not in dates:
                return False, active
        if node.requires_any:
            for k in node.requires_any:
                if k in dates:
                    break
            else:
                return False, active
        return True, active

    def deadlines(self, dates: _Dates, today: date | None) -> list[Deadline]:
        out: list[Deadline] = []
        titles = self.nodes
        for rt in self.rules:
            r = rt.rule
            if rt.multi:
                starts = sorted(d for k in rt.starts for d in dates.get(k, ()))
                if not starts:
                    continue
                stops = sorted(
                    (d, titles[k[0]].event_titles.get(k[1], k[0])) for k in rt.stops for d in dates.get(k, ())
                )
                inst = [Deadline(r.id, r.title, s, r.period.add(s), None, r.kind) for s in starts]
                for sd, stitle in stops:
                    for dl in inst:
                        if dl.stopped is None and dl.start <= sd:
                            dl.stopped = sd
                            dl.stopped_by = stitle
                            break
                out.extend(inst)
            else:
                start = None
                for k in rt.starts:
                    lst = dates.get(k)
                    if lst and (start is None or lst[0] < start):
                        start = lst[0]
                if start is None:
                    continue
                dl = Deadline(r.id, r.title, start, r.period.add(start), None, r.kind)
                for k in rt.stops:
                    lst = dates.get(k)
                    if lst:
                        for d in lst:
                            if d >= start:
                                if dl.stopped is None or d < dl.stopped:
                                    dl.stopped = d
                                    dl.stopped_by = titles[k[0]].event_titles.get(k[1], k[0])
                                break
                out.append(dl)
        if today is not None:
            for dl in out:
                if dl.stopped is None and dl.kind == "period" and today >= dl.due:
                    dl.stopped = dl.due
                    dl.elapsed = True
        return out

    # -- evaluate ---------------------------------------------------------------------------

    def evaluate(self, events: Sequence[RecordedEvent], today: date) -> CaseView:
        nodes = self.nodes
        sup, order, dates = self.state(events)
        corrected = sup is not None

        # Steps on the route (only computed after a correction: otherwise every event passed check).
        off: dict[str, bool] = {}
        if corrected:
            for nid in {events[i].step for i in order if not sup[i]}:  # type: ignore[index]
                node = nodes.get(nid)
                if node is None:
                    continue
                ok, active = self.route(node, dates)
                if ok and active and node.outcomes:
                    # an outcome not allowed on the active branch is off the route as well
                    allowed = _allowed(active)
                    if allowed is not None and not any((nid, o) in dates for o in allowed):
                        ok = False
                off[nid] = not ok

        done: list[DoneStep] = []
        current: DoneStep | None = None
        for i in order:
            e = events[i]
            node = nodes.get(e.step)
            is_sup = sup[i] if corrected else False  # type: ignore[index]
            if node is None:
                ds = DoneStep(
                    e.step,
                    e.step,
                    e.outcome,
                    e.outcome,
                    e.fact_date,
                    e.correction,
                    e.reason,
                    e.id,
                    is_sup,
                    False,
                    True,
                    True,
                )
            else:
                st = node.step
                ds = DoneStep(
                    e.step,
                    node.title,
                    e.outcome,
                    st.outcomes.get(e.outcome) if e.outcome is not None else None,
                    e.fact_date,
                    e.correction,
                    e.reason,
                    e.id,
                    is_sup,
                    node.milestone,
                    node.anytime,
                    off.get(e.step, False) if corrected else False,
                )
            done.append(ds)
            if not ds.superseded and not ds.anytime and not ds.off_route:
                current = ds

        outcome = None
        for node in self.decisive:
            for o in node.outcomes:
                if (node.id, o) in dates:
                    outcome = o
                    break
            if outcome is not None:
                break

        deadlines = self.deadlines(dates, today)
        running = [d for d in deadlines if d.stopped is None]
        if len(running) > 1:
            running.sort(key=lambda d: d.due)

        closed = False
        if not running:
            for node in self.end_nodes:
                if (node.id, None) in dates and not (corrected and off.get(node.id, False)):
                    closed = True
                    break

        return CaseView(
            track=self.track.id,
            done=done,
            current=current,
            current_title=NOT_STARTED_TITLE if current is None else current.event_title,
            outcome=outcome,
            next_steps=self.next_steps(dates, deadlines),
            deadlines=deadlines,
            running=running,
            next_deadline=running[0] if running else None,
            closed=closed,
        )

    def next_steps(self, dates: _Dates, deadlines: list[Deadline]) -> list[NextStep]:
        # The structure (which steps, outcomes, branch labels) depends only on which events are
        # recorded and which "requires_running" termijnen run: it is cached on that key. Only the
        # earliest dates are computed per case.
        if self.running_needed:
            run = frozenset(d.rule for d in deadlines if d.stopped is None and d.rule in self.running_needed)
        else:
            run = frozenset()
        key = (frozenset(dates), run)
        plan = self._plan_cache.get(key)
        if plan is None:
            plan = self._plan(dates, deadlines)
            if len(self._plan_cache) > 10_000:
                self._plan_cache.clear()
            self._plan_cache[key] = plan
        out: list[NextStep] = []
        for templates, spec in plan:
            if spec is None:
                out.extend(templates)
                continue
            edge_keys, req, req_any, not_before = spec
            best = None
            for k in edge_keys:
                d = dates[k][0]
                if best is None or d < best:
                    best = d
            for k in req:
                d = dates[k][0]
                if best is None or d > best:
                    best = d
            if req_any:
                low = None
                for k in req_any:
                    lst = dates.get(k)
                    if lst is not None and (low is None or lst[0] < low):
                        low = lst[0]
                if low is not None and (best is None or low > best):
                    best = low
            for rid in not_before:
                for dl in deadlines:
                    if dl.rule == rid and (best is None or dl.due > best):
                        best = dl.due
            for t in templates:
                out.append(NextStep(t[0], t[1], t[2], t[3], t[4], t[5], t[6], best))
        return out

    def _plan(self, dates: _Dates, deadlines: list[Deadline]) -> list[tuple[tuple[NextStep, ...], Any]]:
        plan: list[tuple[tuple[NextStep, ...], Any]] = []
        memo: dict[str, str] = {}
        for node in self.order:
            nid = node.id
            if not node.repeatable and (nid, None) in dates:
                continue
            ok, active = self.route(node, dates)
            if not ok:
                continue
            if node.requires_running and not any(
                d.rule in node.requires_running and d.stopped is None for d in deadlines
            ):
                continue
            if active:
                e0 = active[0]
                branch = e0.static_label if e0.static_label is not None else self.label(e0.src, dates, memo)
                optional = node.optional or all(e.optional for e in active)
            else:
                branch = node.root_label
                optional = node.optional
            if node.outcomes:
                allowed = _allowed(active)
                outs = tuple(o for o in node.outcomes if allowed is None or o in allowed)
            else:
                outs = (None,)
            tkey = (nid, outs, branch, optional)
            templates = self._templates.get(tkey)
            if templates is None:  # shared between cache entries
                templates = tuple(
                    NextStep(nid, o, node.event_titles[o], branch, optional, node.anytime, node.milestone) for o in outs
                )
                self._templates[tkey] = templates
            if active or node.requires or node.requires_any or node.not_before:
                spec = (
                    tuple(e.key for e in active),
                    node.requires,
                    node.requires_any,
                    node.not_before,
                )
            else:
                spec = None
            plan.append((templates, spec))
        return plan

    def earliest_with_reason(
        self, node: _Node, active: list[_Edge], dates: _Dates, deadlines: list[Deadline]
    ) -> tuple[date | None, str | None, bool]:
        best: date | None = None
        why: str | None = None
        by_rule = False
        if active:
            cand = min((dates[e.key][0], e.key) for e in active)
            best, why = cand[0], self.ref_title(cand[1])
        for k in node.requires:
            d = dates[k][0]
            if best is None or d > best:
                best, why = d, self.ref_title(k)
        if node.requires_any:
            cand = min((dates[k][0], k) for k in node.requires_any if k in dates)
            if best is None or cand[0] > best:
                best, why = cand[0], self.ref_title(cand[1])
        for rid in node.not_before:
            for d in deadlines:
                if d.rule == rid and (best is None or d.due > best):
                    best, why, by_rule = d.due, rid, True
        return best, why, by_rule

    def ref_title(self, key: tuple[str, str | None]) -> str:
        node = self.nodes.get(key[0])
        if node is None:
            return key[0]
        return node.event_titles.get(key[1], node.title)


def _allowed(active: list[_Edge]) -> set[str] | None:
    allowed: set[str] | None = set()
    for e in active:
        if e.only is None:
            return None
        allowed |= e.only  # type: ignore[operator]
    return allowed


def _join_or(items: Sequence[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " of " + items[-1]


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


# ------------------------------------------------------------------------------------------
# Routekaart
# ------------------------------------------------------------------------------------------


class Routekaart:
    """Both tracks, their milestones, termijnen, contacts and letters; the engine per track."""

    def __init__(
        self,
        path: Path,
        tracks: dict[str, Track],
        contacts: dict[str, Contact],
        letters: dict[str, Letter],
        rules: dict[str, Rule],
        spuk_components: dict[str, str],
    ):
        self.path = path
        self.tracks = tracks
        self.contacts = contacts
        self.letters = letters
        self.rules = rules
        self.spuk_components = spuk_components
        self._engines = {tid: _Engine(self, t) for tid, t in tracks.items()}
        self._steps = {(tid, s.id): s for tid, t in tracks.items() for s in t.nodes}

    def __repr__(self) -> str:
        return f"Routekaart({str(self.path)!r})"

    def _engine(self, track: str) -> _Engine:
        try:
            return self._engines[track]
        except KeyError:
            raise KeyError(f"Onbekend spoor '{track}'") from None

    def step(self, track: str, step_id: str) -> Step:
        try:
            return self._steps[(track, step_id)]
        except KeyError:
            raise KeyError(f"Onbekende stap '{step_id}' in spoor '{track}'") from None

    def has_step(self, track: str, step_id: str) -> bool:
        return (track, step_id) in self._steps

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def outcome_title(self, track: str, step_id: str, outcome: str) -> str:
        try:
            return self.step(track, step_id).outcomes[outcome]
        except KeyError:
            raise KeyError(f"Onbekende uitkomst '{outcome}' van stap '{step_id}'") from None

    def event_title(self, track: str, step_id: str, outcome: str | None = None) -> str:
        s = self.step(track, step_id)
        if outcome is None:
            return s.title
        return f"{s.title}: {self.outcome_title(track, step_id, outcome)}"

    def evaluate(self, track: str, events: Sequence[RecordedEvent], today: date) -> CaseView:
        return self._engine(track).evaluate(events, today)

    def check(self, track: str, events: Sequence[RecordedEvent], new: RecordedEvent) -> None:
        """Raise TransitionRefused (Dutch reason) unless ``new`` fits after ``events``."""
        eng = self._engine(track)
        if new.correction and not (new.reason or "").strip():
            raise TransitionRefused("Geef een reden voor de correctie.")
        node = eng.nodes.get(new.step)
        t = self.tracks[track]
        if node is None:
            raise TransitionRefused(f"'{new.step}' is geen stap of mijlpaal van {t.title}.")
        if node.outcomes:
            titles = [node.step.outcomes[o] for o in node.outcomes]
            if new.outcome is None:
                raise TransitionRefused(f"Kies een uitkomst voor {node.title}: {_join_or(titles)}.")
            if new.outcome not in node.step.outcomes:
                raise TransitionRefused(
                    f"'{new.outcome}' is geen uitkomst van {node.title}. Kies uit: {_join_or(titles)}."
                )
        elif new.outcome is not None:
            raise TransitionRefused(f"{node.title} heeft geen uitkomst.")
        if new.correction:
            return

        sup, order, dates = eng.state(events)
        title = node.event_titles[new.outcome]
        # Recorded before?
        if not node.repeatable and (node.id, None) in dates:
            if node.outcomes:
                prev = [o for o in node.outcomes if (node.id, o) in dates]
                if new.outcome in prev:
                    raise TransitionRefused(
                        f"{title} is al vastgelegd op {format_date(dates[(node.id, new.outcome)][0])}."
                    )
                p = prev[0] if prev else None
                ptitle = node.step.outcomes.get(p, "") if p else ""
                pdate = format_date(dates[(node.id, p)][0]) if p else ""
                raise TransitionRefused(
                    f"{node.title} heeft al de uitkomst {ptitle} (vastgelegd op {pdate}). "
                    "Een andere uitkomst kan alleen als correctie, met een reden."
                )
            raise TransitionRefused(
                f"{title} is al vastgelegd op {format_date(dates[(node.id, None)][0])}. "
                "Een wijziging kan alleen als correctie, met een reden."
            )
        # On the route?
        if node.incoming:
            active = [e for e in node.incoming if e.key in dates]
            if not active:
                # the decisive outcome among the sources of this node (integrale beoordeling
                # before eerste toets)
                sources = {e.src for e in node.incoming if e.outcome is not None}
                taken = []
                for src in eng.decisive:
                    if src.id in sources and (src.id, None) in dates:
                        taken = [src.event_titles[o] for o in src.outcomes if (src.id, o) in dates]
                        break
                needed = [
                    _lower_first(e.static_label) if e.static_label else "na " + eng.nodes[e.src].title
                    for e in node.incoming
                ]
                if taken:
                    raise TransitionRefused(
                        f"{node.title} hoort niet bij de gekozen route ({_join_or(taken)}). "
                        f"Deze stap volgt alleen {_join_or(needed)}."
                    )
                raise TransitionRefused(f"{node.title} kan pas {_join_or(needed)}.")
            if node.outcomes:
                allowed = _allowed(active)
                if allowed is not None and new.outcome not in allowed:
                    ok = [node.step.outcomes[o] for o in node.outcomes if o in allowed]
                    labels = [e.static_label or eng.nodes[e.src].title for e in active]
                    raise TransitionRefused(
                        f"{_join_or(labels)} kan {node.title} alleen de uitkomst {_join_or(ok)} hebben."
                    )
        else:
            active = []
        for k in node.requires:
            if k not in dates:
                raise TransitionRefused(f"{node.title} kan pas na {eng.ref_title(k)}.")
        if node.requires_any and not any(k in dates for k in node.requires_any):
            raise TransitionRefused(
                f"{node.title} kan pas na {_join_or([eng.ref_title(k) for k in node.requires_any])}."
            )
        deadlines = eng.deadlines(dates, None)
        if node.requires_running:
            if not any(
                d.rule in node.requires_running and d.stopped is None and d.start <= new.fact_date for d in deadlines
            ):
                rtitles = [self.rules[r].title for r in node.requires_running]
                starts = [eng.ref_title(k) for r in node.requires_running for k in eng.rules_by_id[r].starts]
                raise TransitionRefused(
                    f"{node.title} kan alleen terwijl de termijn {_join_or(rtitles)} loopt "
                    f"(eerst vastleggen: {_join_or(starts)})."
                )
        earliest, why, by_rule = eng.earliest_with_reason(node, active, dates, deadlines)
        if earliest is not None and new.fact_date < earliest:
            if by_rule and why is not None:
                r = self.rules[why]
                raise TransitionRefused(
                    f"{node.title} kan pas vanaf {format_date(earliest)}: "
                    f"de {_lower_first(r.title)} van {r.period.text} loopt dan af."
                )
            raise TransitionRefused(
                f"De datum {format_date(new.fact_date)} ligt vóór {why} ({format_date(earliest)}). "
                "Kies een latere datum, of leg een correctie vast met een reden."
            )


# ------------------------------------------------------------------------------------------
# Loading and validation
# ------------------------------------------------------------------------------------------


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """Dutch description of the element at ``loc`` and the remaining field path."""

    def _id_at(container: Any, idx: Any) -> str:
        try:
            v = container[idx].get("id")
            if isinstance(v, str) and v:
                return v
        except Exception:
            pass
        return f"nr. {idx + 1}" if isinstance(idx, int) else str(idx)

    if len(loc) >= 4 and loc[0] == "tracks" and loc[2] == "steps" and isinstance(loc[3], int):
        steps = raw.get("tracks", {}).get(loc[1], {}).get("steps", [])
        return f"stap '{_id_at(steps, loc[3])}' in spoor '{loc[1]}'", loc[4:]
    if len(loc) >= 2 and loc[0] == "tracks":
        return f"spoor '{loc[1]}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "milestones":
        return f"mijlpaal '{_id_at(raw.get('milestones', []), loc[1])}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "rules":
        return f"termijn '{_id_at(raw.get('rules', []), loc[1])}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "contacts":
        return f"contact '{loc[1]}'", loc[2:]
    if len(loc) >= 2 and loc[0] == "letters":
        return f"brief '{loc[1]}'", loc[2:]
    return "bestand", loc


def _field_path(rest: tuple[Any, ...]) -> str:
    bits: list[str] = []
    i = 0
    while i < len(rest):
        p = rest[i]
        if p == "outcomes" and i + 1 < len(rest):
            bits.append(f"uitkomst '{rest[i + 1]}'")
            i += 2
            continue
        if isinstance(p, int):
            bits.append(f"element {p + 1}")
        else:
            bits.append(f"veld '{p}'")
        i += 1
    return ", ".join(bits)


def _pydantic_errors(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where, rest = _where(loc, raw)
        # Literal lists with a tagged union produce no tags here; loc is plain.
        fld = _field_path(rest)
        last = next((p for p in reversed(rest) if isinstance(p, str)), None)
        name = _FIELD_NL.get(last, last) if last else None
        typ = err["type"]
        inp = err.get("input")
        if typ == "missing":
            if name and len(rest) == 1:
                fault = f"{name} ontbreekt"
            else:
                fault = f"{fld or 'verplicht veld'} ontbreekt"
        elif typ == "extra_forbidden":
            fault = f"onbekend veld '{last}'"
        elif typ == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            if last == "actors" or (len(rest) >= 2 and rest[-2] == "actors"):
                fault = f"onbekende actor {inp!r} (toegestaan: {', '.join(ACTORS)})"
            elif "tracks" in rest:
                fault = f"onbekend spoor {inp!r} (toegestaan: {', '.join(TRACKS)})"
            else:
                fault = f"ongeldige waarde {inp!r} voor {fld} (toegestaan: {expected})"
        elif typ == "value_error":
            fault = f"{fld}: {err.get('ctx', {}).get('error', err['msg'])}"
        elif typ == "string_too_short":
            fault = f"{name} ontbreekt (leeg)" if name else f"{fld} is leeg"
        elif typ == "too_short":
            fault = f"{fld} is leeg (ten minste één waarde nodig)"
        elif typ == "string_pattern_mismatch":
            fault = f"ongeldige id {inp!r} in {fld} (alleen kleine letters, cijfers en '_')"
        elif typ in ("string_type",):
            fault = f"{fld} moet tekst zijn"
        elif typ in ("list_type",):
            fault = f"{fld} moet een lijst zijn"
        elif typ in ("bool_type", "bool_parsing"):
            fault = f"{fld} moet true of false zijn"
        elif typ in ("dict_type", "model_type"):
            fault = f"{fld or 'inhoud'} moet een tabel zijn"
        elif typ in ("int_type", "int_parsing"):
            fault = f"{fld} moet een geheel getal zijn"
        else:
            fault = f"ongeldige waarde voor {fld or 'inhoud'} ({typ})"
        out.append(f"{where}: {fault}")
    return out


def _validate_semantics(data: _RoutekaartIn) -> list[str]:
    errors: list[str] = []
    for tid in TRACKS:
        if tid not in data.tracks:
            errors.append(f"spoor '{tid}' ontbreekt")
    for tid in data.tracks:
        if tid not in TRACKS:
            errors.append(f"spoor '{tid}': onbekend spoor (toegestaan: {', '.join(TRACKS)})")
    if errors:
        return errors

    rule_ids: dict[str, _RuleIn] = {}
    for r in data.rules:
        if r.id in rule_ids:
            errors.append(f"termijn '{r.id}': dubbele id")
        rule_ids[r.id] = r
    ms_ids: set[str] = set()
    for m in data.milestones:
        if m.id in ms_ids:
            errors.append(f"mijlpaal '{m.id}': dubbele id")
        ms_ids.add(m.id)

    for tid in TRACKS:
        t = data.tracks[tid]
        nodes: dict[str, tuple[_NodeIn, str]] = {}
        for s in t.steps:
            where = f"stap '{s.id}' in spoor '{tid}'"
            if s.id in nodes:
                errors.append(f"{where}: dubbele id")
            nodes[s.id] = (s, where)
        for m in data.milestones:
            if tid not in m.tracks:
                continue
            where = f"mijlpaal '{m.id}' in spoor '{tid}'"
            if m.id in nodes:
                errors.append(f"{where}: dubbele id (ook een stap van dit spoor)")
            nodes[m.id] = (m, where)
        track_rules = {rid for rid, r in rule_ids.items() if tid in r.tracks}

        def check_ref(ref: str, where: str, what: str) -> None:
            if not re.match(_REF, ref):
                errors.append(f"{where}: ongeldige verwijzing '{ref}' in '{what}'")
                return
            sid, oid = _split_ref(ref)
            if sid not in nodes:  # noqa: B023 - called only inside this loop pass
                errors.append(f"{where}: onbekende stap '{sid}' in '{what}'")
            elif oid is not None and oid not in nodes[sid][0].outcomes:  # noqa: B023
                errors.append(f"{where}: onbekende uitkomst '{oid}' van stap '{sid}' in '{what}'")

        graph: dict[str, list[str]] = {nid: [] for nid in nodes}
        has_incoming: set[str] = set()
        for nid, (n, where) in nodes.items():
            if n.spuk_component is not None and n.spuk_component not in data.spuk_components:
                errors.append(
                    f"{where}: onbekende SPUK-component '{n.spuk_component}' "
                    f"(bekend: {', '.join(data.spuk_components) or 'geen'})"
                )
            for c in n.contacts:
                if c not in data.contacts:
                    errors.append(f"{where}: onbekend contact '{c}'")
            for lt in n.letters:
                if lt not in data.letters:
                    errors.append(f"{where}: onbekende brief '{lt}'")
            if n.outcomes and n.next:
                errors.append(f"{where}: een stap met uitkomsten heeft vervolgstappen per uitkomst, niet in 'next'")
            for target in n.next:
                if target not in nodes:
                    errors.append(f"{where}: onbekende vervolgstap '{target}'")
                else:
                    graph[nid].append(target)
                    has_incoming.add(target)
            for oid, o in n.outcomes.items():
                if not re.match(_ID, oid):
                    errors.append(f"{where}: ongeldige id van uitkomst '{oid}'")
                for target in o.next:
                    if target not in nodes:
                        errors.append(f"{where}: uitkomst '{oid}': onbekende vervolgstap '{target}'")
                    else:
                        graph[nid].append(target)
                        has_incoming.add(target)
                for target in o.optional:
                    if target not in o.next:
                        errors.append(f"{where}: uitkomst '{oid}': optionele stap '{target}' staat niet in 'next'")
                for target, outs in o.only_outcomes.items():
                    if target not in o.next:
                        errors.append(
                            f"{where}: uitkomst '{oid}': 'only_outcomes' noemt '{target}', dat niet in 'next' staat"
                        )
                    elif target in nodes:
                        for x in outs:
                            if x not in nodes[target][0].outcomes:
                                errors.append(
                                    f"{where}: uitkomst '{oid}': onbekende uitkomst '{x}' van stap '{target}'"
                                )
            for what in ("requires", "requires_any"):
                for ref in getattr(n, what):
                    check_ref(ref, where, what)
                    sid = _split_ref(ref)[0]
                    if sid in graph:
                        graph[sid].append(nid)
            for what in ("requires_running", "not_before"):
                for rid in getattr(n, what):
                    if rid not in rule_ids:
                        errors.append(f"{where}: onbekende termijn '{rid}' in '{what}'")
                    elif rid not in track_rules:
                        errors.append(f"{where}: termijn '{rid}' in '{what}' geldt niet voor spoor '{tid}'")
        if not any(n.end for n, _ in nodes.values()):
            errors.append(f"spoor '{tid}': geen eindstap (end = true)")
        errors.extend(_cycles(graph, nodes))

        for rid in sorted(track_rules):
            r = rule_ids[rid]
            if not any(_split_ref(s)[0] in nodes for s in r.start):
                errors.append(f"termijn '{rid}': geen startgebeurtenis in spoor '{tid}'")
    for r in data.rules:
        for what in ("start", "stop"):
            for ref in getattr(r, what):
                if not re.match(_REF, ref):
                    errors.append(f"termijn '{r.id}': ongeldige verwijzing '{ref}' in '{what}'")
                    continue
                sid, oid = _split_ref(ref)
                found = False
                for tid in r.tracks:
                    t = data.tracks[tid]
                    cands = [s for s in t.steps if s.id == sid] + [
                        m for m in data.milestones if m.id == sid and tid in m.tracks
                    ]
                    for c in cands:
                        if oid is None or oid in c.outcomes:
                            found = True
                if not found:
                    errors.append(f"termijn '{r.id}': onbekende gebeurtenis '{ref}' in '{what}'")
    return errors


def _cycles(graph: dict[str, list[str]], nodes: dict[str, tuple[_NodeIn, str]]) -> list[str]:
    WHITE, GREY, BLACK = 0, 1, 2
    color = {n: WHITE for n in graph}
    stack: list[str] = []
    errors: list[str] = []

    def visit(n: str) -> None:
        color[n] = GREY
        stack.append(n)
        for m in graph[n]:
            if color[m] == GREY:
                cyc = stack[stack.index(m) :] + [m]
                errors.append(f"{nodes[m][1]}: kringloop in de vervolgstappen: {' → '.join(cyc)}")
            elif color[m] == WHITE:
                visit(m)
        stack.pop()
        color[n] = BLACK

    for n in graph:
        if color[n] == WHITE:
            visit(n)
    return errors


def _build(path: Path, data: _RoutekaartIn) -> Routekaart:
    contacts = {cid: Contact(cid, c.name, c.phone, c.email, c.note) for cid, c in data.contacts.items()}
    letters = {lid: Letter(lid, lt.title, lt.format, lt.note) for lid, lt in data.letters.items()}
    rules = {
        r.id: Rule(
            r.id, r.title, r.explanation, r.kind, parse_period(r.period), tuple(r.start), tuple(r.stop), tuple(r.tracks)
        )
        for r in data.rules
    }

    def make(n: _NodeIn, tid: str, milestone: bool, optional_somewhere: set[str]) -> Step:
        branches = {
            oid: Outcome(
                oid,
                o.title,
                o.branch,
                tuple(o.next),
                tuple(o.optional),
                {k: tuple(v) for k, v in o.only_outcomes.items()},
            )
            for oid, o in n.outcomes.items()
        }
        return Step(
            id=n.id,
            track=tid,
            title=n.title,
            explanation=n.explanation,
            actors=tuple(n.actors),
            spuk_component=n.spuk_component,
            letters=tuple(letters[x].title for x in n.letters),
            letter_ids=tuple(n.letters),
            contacts=tuple(contacts[c] for c in n.contacts),
            outcomes={oid: o.title for oid, o in n.outcomes.items()},
            outcome_branches=branches,
            next=tuple(n.next),
            requires=tuple(n.requires),
            requires_any=tuple(n.requires_any),
            requires_running=tuple(n.requires_running),
            not_before=tuple(n.not_before),
            optional=n.optional or n.id in optional_somewhere,
            anytime=n.anytime,
            repeatable=n.repeatable,
            end=n.end,
            milestone=milestone,
            optional_everywhere=n.optional,
        )

    tracks: dict[str, Track] = {}
    for tid in TRACKS:
        t = data.tracks[tid]
        ms = [m for m in data.milestones if tid in m.tracks]
        opt = {x for n in list(t.steps) + ms for o in n.outcomes.values() for x in o.optional}
        tracks[tid] = Track(
            id=tid,
            title=t.title,
            start_label=t.start_label,
            milestone_label=t.milestone_label,
            steps=tuple(make(s, tid, False, opt) for s in t.steps),
            milestones=tuple(make(m, tid, True, opt) for m in ms),
            rules=tuple(r for r in rules.values() if tid in r.tracks),
        )
    return Routekaart(path, tracks, contacts, letters, rules, dict(data.spuk_components))


def load_routekaart(path: Path | str | None = None) -> Routekaart:
    """Load and validate the routekaart file (default: the shipped ``routekaart.toml``)."""
    if path is None:
        from herstel_tui.settings.resources import data_file

        path = data_file("routekaart.toml")
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise RoutekaartError(path, ["bestand niet gevonden"]) from None
    except OSError as exc:
        raise RoutekaartError(path, [f"bestand kan niet worden gelezen ({exc.strerror})"]) from None
    try:
        raw = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise RoutekaartError(path, ["bestand is geen UTF-8-tekst"]) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        pos = f" op regel {m.group(1)}, kolom {m.group(2)}" if m else ""
        raise RoutekaartError(path, [f"geen geldige TOML{pos} ({msg})"]) from None
    try:
        data = _RoutekaartIn.model_validate(raw)
    except ValidationError as exc:
        raise RoutekaartError(path, _pydantic_errors(exc, raw)) from None
    errors = _validate_semantics(data)
    if errors:
        raise RoutekaartError(path, errors)
    return _build(path, data)


@functools.cache
def default_routekaart() -> Routekaart:
    """The shipped routekaart, loaded once."""
    return load_routekaart(None)
