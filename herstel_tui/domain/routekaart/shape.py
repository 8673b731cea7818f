"""The engine's verdict on a case up to its dates: one evaluation per *shape*, for many cases.

What the case index keeps of a case (:meth:`Routekaart.summarize`) depends on its dates in two
ways only. The engine orders events by date and compares event dates with each other (which
termijn a start event opens, which stop event stops it, the round a restart begins, the current
step): that depends only on the *order* of the dates, ties included, not on the dates themselves.
And it adds a termijn's period to its start date (calendar arithmetic) and compares a due date
with today or with other due dates: that depends on the dates.

So a case without corrections is, for the index, its *shape*: its steps with their outcomes in
evaluation order, which of them fall on the same day as the one before, and which are the
household aanvrager's (inherited). A 100,000-case register has a few thousand shapes. The engine
judges each shape once, on stand-in dates with the same order; :class:`CaseShape` says, per
termijn, *which* of the case's distinct dates starts and stops it, and the caller lays each
case's own dates over it (``store.case_index_batch``). The property test in
``tests/domain/test_routekaart_shape.py`` holds this equal to the engine for generated cases.

A correction supersedes by *record* order, not by date: cases with one go through the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from herstel_tui.domain.routekaart.model import RecordedEvent
from herstel_tui.domain.routekaart.period import Period

if TYPE_CHECKING:
    from herstel_tui.domain.routekaart.engine import _Engine

_STAND_IN = date(2000, 1, 1)  # the first distinct date of a shape; the n-th is n days later
_DAYS = [_STAND_IN + timedelta(days=n) for n in range(400)]  # (more are made when a shape needs them)
INHERITED = "^"  # before a step in a shape's text: the household aanvrager's fact


class ShapedTermijn(NamedTuple):
    """A termijn of a shape: its fixed fields, and its start and stop as indexes into the case's
    distinct dates in order (``stop`` None: not stopped by an event)."""

    rule: str
    kind: str  # "deadline" | "period"
    own: int  # 1: the municipality's own date; 0: another party owes it (waited on)
    start: int
    period: Period
    stop: int | None
    stopped_by: str | None
    dues: dict[str, str]  # the period's due dates by ISO start day so far (Period.add_iso's memory)


class CaseShape(NamedTuple):
    """What the engine says about every case of one shape, apart from its dates: the current step,
    outcome, whether an end step was recorded (closed once no termijn runs), and the termijnen in
    the engine's order."""

    current_step: str | None
    current_title: str
    outcome: str | None
    ended: bool
    termijnen: tuple[ShapedTermijn, ...]


def shape_events(steps: str, ties: tuple[bool, ...] | None) -> list[RecordedEvent]:
    """Stand-in events for a shape: ``steps`` is ``"step[:outcome]"`` per event, space-separated,
    ``^`` before an inherited one, in evaluation order; ``ties[i]``: event ``i + 1`` falls on the
    day of event ``i`` (None: no two on one day)."""
    events: list[RecordedEvent] = []
    day = 0
    tokens = steps.split(" ") if steps else []
    while len(_DAYS) < len(tokens):
        _DAYS.append(_DAYS[-1] + timedelta(days=1))
    for i, token in enumerate(tokens):
        if i and not (ties and ties[i - 1]):
            day += 1
        inherited = token.startswith(INHERITED)
        step, sep, outcome = token[1 if inherited else 0 :].partition(":")
        events.append(RecordedEvent(step, _DAYS[day], outcome if sep else None, False, None, i, inherited))
    return events


def case_shape(engine: _Engine, steps: str, ties: tuple[bool, ...] | None) -> CaseShape:
    """The engine's judgement of a shape (see the module text), on stand-in dates."""
    (_sup, _order, dates, _earlier, _off, _cur), state = engine._judge(shape_events(steps, ties), None)
    rules = engine.rules_by_id
    return CaseShape(
        state.current_step,
        state.current_title,
        state.outcome,
        engine.ended(dates, None),
        tuple(
            ShapedTermijn(
                d.rule,
                d.kind,
                int(d.waiting_on is None),
                (d.start - _STAND_IN).days,
                rules[d.rule].rule.period,
                None if d.stopped is None else (d.stopped - _STAND_IN).days,
                d.stopped_by,
                rules[d.rule].rule.period.iso_dues,
            )
            for d in state.deadlines
        ),
    )


class Shapes(dict[tuple[str, tuple[bool, ...] | None], CaseShape]):
    """One track's shapes: (steps, ties) → :class:`CaseShape`, judged by the engine on first use
    (see :func:`shape_events` for the key)."""

    def __init__(self, engine: _Engine):
        super().__init__()
        self.engine = engine

    def __missing__(self, key: tuple[str, tuple[bool, ...] | None]) -> CaseShape:
        if len(self) > 100_000:
            self.clear()
        got = self[key] = case_shape(self.engine, *key)
        return got
