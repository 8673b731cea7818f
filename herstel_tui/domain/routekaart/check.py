"""Whether one new event fits a case: the order the routekaart implies, in Dutch refusals that say
what to record first and how to correct (:meth:`Routekaart.check` calls :func:`check_event`).

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
* ``not_after``: a node no longer fits on or after one of these events (a date is communicated
  before the talk it announces; the outline not after the full plan; the driegesprek only during
  UHT's assessment). ``then_only``: once such a node is recorded (nazorg), only the listed nodes and
  anytime contacts follow. ``roles``: the node fits only these household roles (no ex-partner step
  on a child's case; checked for corrections too). ``last_date`` (the registration, up to
  31-12-2023) is not refused: the view flags a later date (``DoneStep.warning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import Role
from herstel_tui.domain.routekaart.model import RecordedEvent, TransitionRefused

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.domain.routekaart.engine import Routekaart, _Engine


def check_event(
    rk: Routekaart, eng: _Engine, track: str, events: Sequence[RecordedEvent], new: RecordedEvent, role: str | None
) -> None:
    """Raise TransitionRefused (Dutch reason) unless ``new`` fits after ``events``."""
    from herstel_tui.domain.routekaart.engine import _allowed

    if new.correction and not (new.reason or "").strip():
        raise TransitionRefused("Geef een reden voor de correctie.")
    node = eng.nodes.get(new.step)
    t = rk.tracks[track]
    if node is None:
        raise TransitionRefused(f"'{new.step}' is geen stap of mijlpaal van {t.title}.")
    if node.outcomes:
        titles = [node.step.outcomes[o] for o in node.outcomes]
        if new.outcome is None:
            raise TransitionRefused(f"Kies een uitkomst voor {node.title}: {_join_or(titles)}.")
        if new.outcome not in node.step.outcomes:
            raise TransitionRefused(f"'{new.outcome}' is geen uitkomst van {node.title}. Kies uit: {_join_or(titles)}.")
    elif new.outcome is not None:
        raise TransitionRefused(f"{node.title} heeft geen uitkomst.")
    if role is not None and node.step.roles and role not in node.step.roles:
        fits = _join_or([Role(r).label.lower() for r in node.step.roles])
        raise TransitionRefused(
            f"{node.title} past niet bij een {Role(role).label.lower()}: deze stap is voor een {fits}. "
            "Leg de stap vast in de zaak van die persoon."
        )
    if new.correction:
        return

    sup, order, dates, _earlier, _off = eng.facts(events)
    title = node.event_titles[new.outcome]

    # Recorded before?
    if not node.step.repeatable and (node.id, None) in dates:
        if node.outcomes:
            prev = [o for o in node.outcomes if (node.id, o) in dates]
            if new.outcome in prev:
                raise TransitionRefused(f"{title} is al vastgelegd op {format_date(dates[(node.id, new.outcome)][0])}.")
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
        raise TransitionRefused(f"{node.title} kan pas na {_join_or([eng.ref_title(k) for k in node.requires_any])}.")
    for k in node.not_after:
        lst = dates.get(k)
        if lst and lst[0] <= new.fact_date:
            raise TransitionRefused(
                f"{title} kan alleen vóór {eng.ref_title(k)} ({format_date(lst[0])}). "
                f"Kies een datum vóór {format_date(lst[0])}, of corrigeer {eng.ref_title(k)} met een reden."
            )
    if not node.step.anytime:
        for g in eng.gates:
            lst = dates.get((g.id, None))
            if lst and lst[0] <= new.fact_date and node.id not in g.then_only and node.id != g.id:
                titles = [n.title for n in eng.order if n.id in g.then_only]
                restarts = [n.title for n in eng.order if n.id in g.then_only and n.step.restart]
                first = f"leg dan eerst {restarts[0]} vast" if restarts else "leg dat dan eerst vast"
                raise TransitionRefused(
                    f"Na {g.title} ({format_date(lst[0])}) past alleen nog {', '.join(titles)} of een "
                    f"contactmoment. Moet het traject verder, {first}; klopt {g.title} niet, "
                    "corrigeer die dan met een reden."
                )
    # the termijnen, only for a step that needs one running or waits for one to end (the rest do not
    # look: computing them took a third of an import's checks)
    deadlines = eng.deadlines(dates, None) if node.step.requires_running or node.step.not_before else []
    if node.step.requires_running:
        if not any(
            d.rule in node.step.requires_running and d.stopped is None and d.start <= new.fact_date for d in deadlines
        ):
            rtitles = [rk.rules[r].title for r in node.step.requires_running]
            starts = [eng.ref_title(k) for r in node.step.requires_running for k in eng.rules_by_id[r].starts]
            raise TransitionRefused(
                f"{node.title} kan alleen terwijl de termijn {_join_or(rtitles)} loopt "
                f"(eerst vastleggen: {_join_or(starts)})."
            )
    earliest, why, by_rule = eng.earliest_with_reason(node, active, dates, deadlines)
    if earliest is not None and new.fact_date < earliest:
        if by_rule and why is not None:
            r = rk.rules[why]
            raise TransitionRefused(
                f"{node.title} kan pas vanaf {format_date(earliest)}: "
                f"de {_lower_first(r.title)} van {r.period.text} loopt dan af."
            )
        raise TransitionRefused(
            f"De datum {format_date(new.fact_date)} ligt vóór {why} ({format_date(earliest)}). "
            "Kies een latere datum, of leg een correctie vast met een reden."
        )


def _join_or(items: Sequence[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " of " + items[-1]


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]
