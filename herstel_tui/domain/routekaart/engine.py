"""The engine that walks the routekaart for one case, and :class:`Routekaart`, the loaded file with
an engine per track.

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

Which events fit: see :mod:`.check` (:meth:`Routekaart.check`).

Corrections
-----------
An event with ``correction=True`` needs a non-empty ``reason`` ("Geef een reden voor de
correctie.") and then bypasses the order rules (it must still name a known step and a valid
outcome). The history keeps both events. A correction *supersedes* earlier-recorded events of the
same step: all of them for a non-repeatable step, the latest one for a repeatable step. Superseded
events stay in ``CaseView.done`` with ``superseded=True`` and are otherwise ignored (route,
outcome, termijnen). Events that no longer fit the route after a correction (for instance steps of
the *Gedupeerd* branch after the eerste toets was corrected to *Niet gedupeerd*) stay done but are
marked ``off_route=True``; they do not count for ``current`` nor for ``closed``, and they no
longer enable steps nor start or stop termijnen (:meth:`_Engine.facts`; a correction itself counts).

Rounds
------
A ``restart`` node (``herstart_brede_ondersteuning``) begins a new round: the events of ``cycle``
nodes (contact, talk, plans, nazorg, afzien …) before the latest restart stay in ``done`` with
``earlier_round=True`` and no longer count; rules that a restart starts count only start events of
the current round, so the first-talk termijn runs again.

Termijnen
---------
A rule starts at the earliest recorded start event (every occurrence starts its own instance when
a start event is repeatable, as for the Brede Hulpteam) and is stopped by the first stop event on
or after its start (for repeatable starts: each stop event stops the oldest running instance).
``due = start + period`` with ``dateutil.relativedelta`` (calendar months and years). A rule of
kind ``"period"`` (nazorg, moratorium) ends by itself: once ``today >= due`` it counts as stopped
on its due date (``elapsed=True``). A rule of kind ``"deadline"`` runs until its stop event and is
overdue when ``today > due``, unless another party owes it (``owed_by``, e.g. UHT's 7-day answer:
``Deadline.waiting_on``): that is waited on, never overdue, and never the ``next_deadline``.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from herstel_tui.domain.routekaart.model import (
    NOT_STARTED_TITLE,
    CaseState,
    CaseView,
    Contact,
    Deadline,
    DoneStep,
    Letter,
    NextStep,
    RecordedEvent,
    Rule,
    Step,
    Track,
    TransitionRefused,
)
from herstel_tui.domain.routekaart.shape import Shapes
from herstel_tui.domain.routekaart.termijnen import RuleT, _Dates, deadlines


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
    optional: bool
    not_after: tuple[tuple[str, str | None], ...] = ()
    then_only: frozenset[str] = frozenset()
    cycle: bool = False
    # Precomputed NextStep per outcome (None for steps without outcomes), before labels/dates.
    event_titles: dict[str | None, str] = field(default_factory=dict)


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
        known = {n.id for n in nodes}
        restarts = {n.id for n in nodes if n.restart}
        for n in nodes:
            node = _Node(
                step=n,
                id=n.id,
                title=n.title,
                outcomes=tuple(n.outcomes),
                incoming=tuple(incoming[n.id]),
                root_label=track.milestone_label if n.milestone else track.start_label,
                requires=tuple(_split_ref(r) for r in n.requires),
                requires_any=tuple(k for k in (_split_ref(r) for r in n.requires_any) if k[0] in known),
                optional=n.optional_everywhere,
                not_after=tuple(_split_ref(r) for r in n.not_after),
                then_only=frozenset(n.then_only),
                cycle=n.cycle,
            )
            node.event_titles[None] = n.title
            for oid, otitle in n.outcomes.items():
                node.event_titles[oid] = f"{n.title}: {otitle}"
            self.nodes[n.id] = node
        self.order = tuple(self.nodes.values())
        self.end_nodes = tuple(n for n in self.order if n.step.end)
        # Decisive outcome: the outcome step furthest down the graph wins (integrale beoordeling
        # over eerste toets).
        depth: dict[str, int] = {}

        def _depth(nid: str) -> int:
            if nid not in depth:
                node = self.nodes[nid]
                deps = [e.src for e in node.incoming] + [
                    k[0] for k in node.requires + node.requires_any if k[0] not in restarts
                ]
                depth[nid] = 1 + max((_depth(d) for d in deps), default=0)
            return depth[nid]

        for nid in self.nodes:
            _depth(nid)
        self.decisive = tuple(sorted((n for n in self.order if n.outcomes), key=lambda n: -depth[n.id]))
        multi_ids = {n.id for n in nodes if n.repeatable and not n.restart}
        self.rules = tuple(
            RuleT(
                rule=r,
                starts=tuple(_split_ref(s) for s in r.start if _split_ref(s)[0] in self.nodes),
                stops=stops,
                multi=any(_split_ref(s)[0] in multi_ids for s in r.start),
                stop_titles=tuple((k, self.nodes[k[0]].event_titles.get(k[1], k[0])) for k in stops),
                waiting_on=r.waiting_on,
                choice=not r.statutory,
            )
            for r in track.rules
            for stops in [tuple(_split_ref(s) for s in r.stop if _split_ref(s)[0] in self.nodes)]
        )
        self.rules_by_id = {rt.rule.id: rt for rt in self.rules}
        # Rounds of brede ondersteuning: a restart node begins a new round; the events of "cycle"
        # nodes before the latest restart belong to an earlier round, and the rules a restart starts
        # count only start events of the current round.
        self.restart_keys = tuple((n.id, None) for n in nodes if n.restart)
        self.cycle_ids = frozenset(n.id for n in nodes if n.cycle)
        self.round_rules = frozenset(rt.rule.id for rt in self.rules if any(k in self.restart_keys for k in rt.starts))
        self.gates = tuple(n for n in self.order if n.then_only)
        self.running_needed = frozenset(r for n in self.order for r in n.step.requires_running)
        self._plan_cache: dict[Any, list[tuple[tuple[NextStep, ...], Any]]] = {}
        self._templates: dict[Any, tuple[NextStep, ...]] = {}
        self.shapes = Shapes(self)  # the case index's verdict per shape (see .shape)

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
                rep = node.step.repeatable if node is not None else False
                for j in range(i - 1, -1, -1):
                    if not sup[j] and events[j].step == e.step:
                        sup[j] = True
                        if rep:
                            break
        if n < 2:
            order = list(range(n))
        else:  # by (fact date, record order): sorted() is stable
            order = sorted(range(n), key=[e.fact_date for e in events].__getitem__)
        dates: _Dates = {}
        for i in order:
            if sup is not None and sup[i]:
                continue
            e = events[i]
            k: tuple[str, str | None] = (e.step, None)
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

    def restart_date(self, dates: _Dates) -> date | None:
        """The date the current round of brede ondersteuning began (the latest restart), if any."""
        best = None
        for k in self.restart_keys:
            lst = dates.get(k)
            if lst and (best is None or lst[-1] > best):
                best = lst[-1]
        return best

    def facts(
        self, events: Sequence[RecordedEvent]
    ) -> tuple[list[bool] | None, list[int], _Dates, list[bool] | None, dict[str, bool]]:
        """:meth:`state`, then without the events of an earlier round (before the latest restart)
        and without the steps that no longer fit the route after a correction: those neither
        enable steps nor start or stop termijnen. Returns (superseded, order, dates, earlier-round
        flags or None, off-route per step id)."""
        sup, order, dates = self.state(events)
        earlier: list[bool] | None = None
        if self.restart_keys and self.cycle_ids and self.restart_date(dates) is not None:
            last = -1
            restart_ids = {k[0] for k in self.restart_keys}
            for pos, i in enumerate(order):
                if events[i].step in restart_ids and not (sup is not None and sup[i]):
                    last = pos
            earlier = [False] * len(events)
            for pos, i in enumerate(order):
                if pos < last and events[i].step in self.cycle_ids:
                    earlier[i] = True
            skip = [earlier[i] or (sup is not None and sup[i]) for i in range(len(events))]
            dates = self.dates_of(events, order, skip)
        off: dict[str, bool] = {}
        if sup is not None:
            # Steps off the route: repeat, since a step that no longer fits can carry others.
            # A correction itself is kept (the caseworker recorded it on purpose), even off the route.
            removed: set[str] = set()
            kept = {events[i].step for i in order if not sup[i] and events[i].correction}
            for _ in range(len(self.nodes)):
                changed = False
                for nid in {events[i].step for i in order if not sup[i]}:
                    node = self.nodes.get(nid)
                    if node is None or nid in removed:
                        continue
                    ok, active = self.route(node, dates)
                    if ok and active and node.outcomes:
                        allowed = _allowed(active)
                        if allowed is not None and not any((nid, o) in dates for o in allowed):
                            ok = False
                    if ok and node.not_after and (nid, None) in dates:
                        first = dates[(nid, None)][0]
                        ok = not any(k in dates and dates[k][0] <= first for k in node.not_after)
                    off[nid] = not ok
                    if not ok and (nid, None) in dates and nid not in kept:
                        removed.add(nid)
                        for k in [k for k in dates if k[0] == nid]:
                            del dates[k]
                        changed = True
                if not changed:
                    break
            for nid in removed:
                off[nid] = True
        return sup, order, dates, earlier, off

    @staticmethod
    def dates_of(events: Sequence[RecordedEvent], order: list[int], skip: list[bool]) -> _Dates:
        dates: _Dates = {}
        for i in order:
            if skip[i]:
                continue
            e = events[i]
            dates.setdefault((e.step, None), []).append(e.fact_date)
            if e.outcome is not None:
                dates.setdefault((e.step, e.outcome), []).append(e.fact_date)
        return dates

    def blocked(self, node: _Node, dates: _Dates) -> bool:
        """Whether a recorded event rules the node out (not_after, or a gate such as nazorg)."""
        for k in node.not_after:
            if k in dates:
                return True
        if not node.step.anytime:
            for g in self.gates:
                if (g.id, None) in dates and node.id not in g.then_only and node.id != g.id:
                    return True
        return False

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
        """The case's termijnen (see :func:`.termijnen.deadlines`)."""
        return deadlines(self, dates, today)

    # -- evaluate ---------------------------------------------------------------------------

    def summarize(self, events: Sequence[RecordedEvent], today: date) -> CaseState:
        """:meth:`evaluate` without the timeline and the next steps (what the case index keeps)."""
        return self._judge(events, today)[1]

    def ended(self, dates: _Dates, off: dict[str, bool] | None) -> bool:
        """Whether an end step counts (recorded, and on the route: ``off`` after a correction):
        the case is closed once no termijn runs."""
        return any((n.id, None) in dates and not (off and off.get(n.id, False)) for n in self.end_nodes)

    def _judge(
        self, events: Sequence[RecordedEvent], today: date | None
    ) -> tuple[tuple[list[bool] | None, list[int], _Dates, list[bool] | None, dict[str, bool], int | None], CaseState]:
        """The facts (see :meth:`facts`, plus the index of the current event) and the case's state."""
        nodes = self.nodes
        # Steps on the route (only computed after a correction: otherwise every event passed check).
        sup, order, dates, earlier, off = self.facts(events)
        corrected = sup is not None

        # The current step: the last event in evaluation order that is not superseded, an anytime
        # step, off the route, of an earlier round or inherited from the household's aanvrager.
        cur: int | None = None
        for pos in range(len(order) - 1, -1, -1):
            i = order[pos]
            e = events[i]
            node = nodes.get(e.step)
            if node is None or node.step.anytime or e.inherited:
                continue
            if corrected and (sup[i] or off.get(e.step, False)):  # type: ignore[index]
                continue
            if earlier is not None and earlier[i]:
                continue
            cur = i
            break
        current_step = current_title = None
        if cur is not None:
            e = events[cur]
            node = nodes[e.step]
            current_step = e.step
            otitle = node.step.outcomes.get(e.outcome) if e.outcome is not None else None
            current_title = f"{node.title}: {otitle}" if otitle else node.title

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

        closed = not running and self.ended(dates, off if corrected else None)
        state = CaseState(
            current_step,
            NOT_STARTED_TITLE if current_title is None else current_title,
            outcome,
            deadlines,
            running,
            # the caseworker's next date: what another party owes (UHT's answer) is waited on
            next((d for d in running if d.waiting_on is None), None),
            closed,
        )
        return (sup, order, dates, earlier, off, cur), state

    def evaluate(
        self, events: Sequence[RecordedEvent], today: date, role: str | None = None, *, with_next_steps: bool = True
    ) -> CaseView:
        nodes = self.nodes
        (sup, order, dates, earlier, off, cur), state = self._judge(events, today)
        corrected = sup is not None

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
                    node.step.milestone,
                    node.step.anytime,
                    off.get(e.step, False) if corrected else False,
                )
            if e.inherited:
                ds.inherited = True
            if earlier is not None and earlier[i]:
                ds.earlier_round = True
            if node is not None and node.step.last_date is not None and e.fact_date > node.step.last_date:
                ds.warning = (
                    f"{node.step.last_date_reason or node.title} Deze datum ligt daarna: "
                    "controleer de datum (of de bron ervan) en corrigeer zo nodig met een reden."
                )
            done.append(ds)
            if i == cur:
                current = ds

        return CaseView(
            track=self.track.id,
            done=done,
            current=current,
            current_title=state.current_title,
            outcome=state.outcome,
            next_steps=self.next_steps(dates, state.deadlines, role) if with_next_steps else [],
            deadlines=state.deadlines,
            running=state.running,
            next_deadline=state.next_deadline,
            closed=state.closed,
        )

    def next_steps(self, dates: _Dates, deadlines: list[Deadline], role: str | None = None) -> list[NextStep]:
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
            edge_keys, req, req_any, not_before, in_round = spec
            best = None
            if in_round:
                best = self.restart_date(dates)
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
                out.append(NextStep(t[0], t[1], t[2], t[3], t[4], t[5], t[6], best, t[8]))
        if role is not None:
            nodes = self.nodes
            out = [n for n in out if not nodes[n.step].step.roles or role in nodes[n.step].step.roles]
        return out

    def _plan(self, dates: _Dates, deadlines: list[Deadline]) -> list[tuple[tuple[NextStep, ...], Any]]:
        plan: list[tuple[tuple[NextStep, ...], Any]] = []
        memo: dict[str, str] = {}
        for node in self.order:
            nid = node.id
            if not node.step.repeatable and (nid, None) in dates:
                continue
            ok, active = self.route(node, dates)
            if not ok or self.blocked(node, dates):
                continue
            if node.step.requires_running and not any(
                d.rule in node.step.requires_running and d.stopped is None for d in deadlines
            ):
                continue
            if active:
                e0 = active[0]
                branch = e0.static_label if e0.static_label is not None else self.label(e0.src, dates, memo)
                optional = node.optional or all(e.optional for e in active)
            else:
                branch = node.root_label
                optional = node.optional
            outs: tuple[str | None, ...] = (None,)  # a step without outcomes: one entry, outcome None
            if node.outcomes:
                allowed = _allowed(active)
                outs = tuple(o for o in node.outcomes if allowed is None or o in allowed)
            tkey = (nid, outs, branch, optional)
            templates = self._templates.get(tkey)
            if templates is None:  # shared between cache entries
                templates = tuple(
                    NextStep(
                        nid,
                        o,
                        node.event_titles[o],
                        branch,
                        optional,
                        node.step.anytime,
                        node.step.milestone,
                        None,
                        node.step.last_date,
                    )
                    for o in outs
                )
                self._templates[tkey] = templates
            in_round = node.cycle and self.restart_date(dates) is not None
            if active or node.requires or node.requires_any or node.step.not_before or in_round:
                spec = (
                    tuple(e.key for e in active),
                    node.requires,
                    node.requires_any,
                    node.step.not_before,
                    in_round,
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
        for rid in node.step.not_before:
            for dl in deadlines:
                if dl.rule == rid and (best is None or dl.due > best):
                    best, why, by_rule = dl.due, rid, True
        if node.cycle:
            begun = self.restart_date(dates)
            if begun is not None and (best is None or begun > best):
                best, why, by_rule = begun, self.ref_title(self.restart_keys[0]), False
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
        fingerprint: str = "",
    ):
        self.path = path
        self.tracks = tracks
        self.contacts = contacts
        self.letters = letters
        self.rules = rules
        self.spuk_components = spuk_components
        self.fingerprint = fingerprint  # a hash of the file's bytes (see loader.fingerprint)
        # a hash of what the case index depends on (loader.index_fingerprint; empty: unknown)
        self.index_fingerprint = ""
        # the same without each rule's own fields, and those by rule id (loader.index_fingerprints)
        self.route_fingerprint = ""
        self.rule_fingerprints: dict[str, str] = {}
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

    def evaluate(
        self,
        track: str,
        events: Sequence[RecordedEvent],
        today: date,
        role: str | None = None,
        *,
        with_next_steps: bool = True,
    ) -> CaseView:
        """The view of a case; with ``role`` (the person's place in the household) the next steps
        are only those that fit the person. ``with_next_steps=False``: no next steps (empty), for
        callers that need only where the case stands and its dates (a third less work)."""
        return self._engine(track).evaluate(events, today, role, with_next_steps=with_next_steps)

    def summarize(self, track: str, events: Sequence[RecordedEvent], today: date) -> CaseState:
        """What the case index keeps of a case: :meth:`evaluate`'s current step, outcome, termijnen
        and closed, without building the timeline and the next steps (twice as fast)."""
        return self._engine(track).summarize(events, today)

    def shapes(self, track: str) -> Shapes:
        """(steps, ties) → :meth:`summarize` of every case of that shape in ``track``, up to its
        dates, each judged on first use: see :mod:`.shape`."""
        return self._engine(track).shapes

    def check(self, track: str, events: Sequence[RecordedEvent], new: RecordedEvent, role: str | None = None) -> None:
        """Raise TransitionRefused (Dutch reason) unless ``new`` fits after ``events`` (and the
        person's ``role`` in the household, when given)."""
        from herstel_tui.domain.routekaart.check import check_event

        check_event(self, self._engine(track), track, events, new, role)

    def misfit(
        self, track: str, events: Sequence[RecordedEvent], role: str | None = None
    ) -> tuple[RecordedEvent, str] | None:
        """The first of a case's own events (not the household's facts it inherits) that does not
        fit after the events before it, with the engine's reason (Dutch), else None: what
        ``herstel controle`` reports, and what a household change must not bring about."""
        for i, ev in enumerate(events):
            if ev.inherited:  # (the aanvrager's fact, judged in the aanvrager's case)
                continue
            try:
                self.check(track, events[:i], ev, role=role)
            except TransitionRefused as exc:
                return ev, str(exc)
        return None
