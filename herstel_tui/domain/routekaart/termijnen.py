"""The termijnen of a case: which rules its events start and stop, with their due dates (the
engine's module text, Termijnen, says how). Pure domain code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from herstel_tui.domain.routekaart.model import Deadline, Rule

_Dates = dict[tuple[str, str | None], list[date]]  # (step, outcome) -> fact dates of the counting events


@dataclass(frozen=True, slots=True)
class RuleT:
    """A rule as one track's engine uses it: its start and stop keys in that track, looked up once."""

    rule: Rule
    starts: tuple[tuple[str, str | None], ...]
    stops: tuple[tuple[str, str | None], ...]
    multi: bool
    # looked up once, not per case: (stop key, stop event title), the Deadline's fixed fields
    stop_titles: tuple[tuple[tuple[str, str | None], str], ...] = ()
    waiting_on: str | None = None
    choice: bool = False


def deadlines(engine: Any, dates: _Dates, today: date | None) -> list[Deadline]:
    """The termijnen of a case whose counting events are ``dates`` (see the engine's module text:
    Termijnen); with ``today``, a period whose due date has come counts as stopped then (``elapsed``)."""
    out: list[Deadline] = []
    floor: date | None = None
    floor_known = False
    for rt in engine.rules:
        r = rt.rule
        if rt.multi:
            starts = sorted(d for k in rt.starts for d in dates.get(k, ()))
            if not starts:
                continue
            stops = sorted((d, title) for k, title in rt.stop_titles for d in dates.get(k, ()))
            inst = [
                Deadline(r.id, r.title, s, r.period.add(s), None, r.kind, None, False, rt.waiting_on, rt.choice)
                for s in starts
            ]
            for sd, stitle in stops:
                for dl in inst:
                    if dl.stopped is None and dl.start <= sd:
                        dl.stopped = sd
                        dl.stopped_by = stitle
                        break
            out.extend(inst)
        else:
            start = None
            if r.id in engine.round_rules:
                if not floor_known:
                    floor, floor_known = engine.restart_date(dates), True
                low = floor
            else:
                low = None
            for k in rt.starts:
                lst = dates.get(k)
                if lst:
                    first = lst[0] if low is None else next((d for d in lst if d >= low), None)
                    if first is not None and (start is None or first < start):
                        start = first
            if start is None:
                continue
            stopped = stopped_by = None
            for k, title in rt.stop_titles:
                lst = dates.get(k)
                if lst:
                    for d in lst:
                        if d >= start:
                            if stopped is None or d < stopped:
                                stopped, stopped_by = d, title
                            break
            out.append(
                Deadline(
                    r.id,
                    r.title,
                    start,
                    r.period.add(start),
                    stopped,
                    r.kind,
                    stopped_by,
                    False,
                    rt.waiting_on,
                    rt.choice,
                )
            )
    if today is not None:
        for dl in out:
            if dl.stopped is None and dl.kind == "period" and today >= dl.due:
                dl.stopped = dl.due
                dl.elapsed = True
    return out
