"""The management overview (*overzicht*): how the work stands, on one date. Headless.

All SQL is in :mod:`herstel_tui.store.overview`: aggregates over the case index, where the
routekaart engine's judgement of every case (its current step, outcome and termijnen) is kept
with each event written, and over its two tallies (cases alike, termijnen alike), which triggers
keep with every write (``store/schema.py``, migration 15); this module classifies them for the
*peildatum* ``today`` (what runs, is overdue or has run out depends on the day) and writes the
``.xlsx`` (openpyxl, imported only inside :func:`write_xlsx`). :func:`quick_overview` computes
it over a bare connection when opening the full Store would change nothing (the command line).

Definitions
-----------
*Open* case: the routekaart does not call it closed (``case_summary.closed = 0``: no end step
reached, or a termijn still runs) and nobody closed it by hand (``cases.closed`` empty), the same
as the werkvoorraad. *Gesloten*: every other case.

Per spoor (:attr:`Overview.tracks`)
    Cases per track: all, open, gesloten, opened in the year of the peildatum (``cases.opened``),
    and the number of distinct persons with a case in that track.
Per stap (:attr:`Overview.steps`)
    Cases per track and current step: ``case_summary.current_step``, the last step or milestone
    on the route that is not an "anytime" one (driegesprek, Brede Hulpteam, brief verzonden).
    "Nog niet gestart": no event yet. Every step that can be current is listed, also with 0.
Per uitkomst (:attr:`Overview.outcomes`)
    Cases per track and decisive outcome so far (``case_summary.outcome``: the integrale
    beoordeling over the eerste toets); "Nog geen uitkomst" when UHT has not decided yet.
Termijnen (:attr:`Overview.deadlines`)
    For each statutory deadline in :data:`DEADLINE_FIGURES` (first talk within 8 weeks of the
    melding; date of the first talk recorded and communicated within those 8 weeks; plan van
    aanpak op hoofdlijnen within 8 weeks of the first talk), over **all** cases (open and closed)
    in which the rule started, each case in exactly one state, as the engine sees it:

    - *gehaald* (met): stopped by one of the rule's target events on or before the due date
      (``eerste_gesprek``; ``datum_eerste_gesprek_gecommuniceerd``; ``plan_hoofdlijnen`` or
      ``plan_volledig``);
    - *te laat* (missed): stopped, by any of its stop events, after the due date;
    - *verlopen* (missed, overdue): still running and the peildatum is after the due date;
    - *lopend* (running in time): still running and the due date is the peildatum or later;
    - *vervallen*: stopped on or before the due date by another stop event (the person declined
      support, or the support was wound down) — neither met nor missed.

    *Niet gehaald* = te laat + verlopen. The due date counts as in time.
Urgent (:attr:`Overview.urgent`)
    Open cases with a UHT urgency criterion or on the casuïstiekoverleg; per criterion and on the
    casuïstiekoverleg (a case with both is counted in both rows, once in the total).
In nazorg (:attr:`Overview.nazorg`)
    Open cases whose rule ``nazorgperiode`` (24 months) runs on the peildatum.
In afbouw (:attr:`Overview.afbouw`, :attr:`Overview.afbouw_verlopen`)
    Open cases whose rule ``afbouw_brede_ondersteuning`` (wind-down within 30 days of a negative
    decision) runs on the peildatum; *verlopen*: of those, the 30 days have passed.
Per medewerker (:attr:`Overview.workers`)
    Per assigned caseworker (``cases.caseworker``; "(niet toegewezen)" for none): open cases,
    open cases with at least one overdue termijn (any running deadline past its due date, both
    tracks), and open urgent cases.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import Outcome, Track, Urgency
from herstel_tui.domain.labels import TitledEnum
from herstel_tui.files.atomic import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.domain.routekaart import Routekaart
    from herstel_tui.store import Store

# (rule id, events that meet it)
DEADLINE_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("eerste_gesprek_voeren", ("eerste_gesprek",)),
    ("datum_eerste_gesprek_meedelen", ("datum_eerste_gesprek_gecommuniceerd",)),
    ("plan_op_hoofdlijnen", ("plan_hoofdlijnen", "plan_volledig")),
)
SHORT_RULE = {
    "eerste_gesprek_voeren": "Eerste gesprek",
    "datum_eerste_gesprek_meedelen": "Datum meegedeeld",
    "plan_op_hoofdlijnen": "Plan hoofdlijnen",
}
NAZORG_RULE = "nazorgperiode"
AFBOUW_RULE = "afbouw_brede_ondersteuning"
NOT_STARTED = "Nog niet gestart"
NO_OUTCOME = "Nog geen uitkomst"
UNASSIGNED = "(niet toegewezen)"
OUTCOMES = (None, "gedupeerd", "geen_uitsluitsel", "niet_gedupeerd")


def keyed(figure: object, **keys: str) -> dict[str, Any]:
    """A figure's attributes under the keys its reports use (key=attribute name), in that order."""
    return {key: getattr(figure, attr) for key, attr in keys.items()}


@dataclass
class TrackFigure:
    track: str
    title: str
    cases: int = 0
    open: int = 0
    closed: int = 0
    new: int = 0  # opened in the year of the peildatum
    persons: int = 0

    def as_row(self) -> dict[str, Any]:
        """The figure under its Dutch keys (the .xlsx, JSON and the screen)."""
        return keyed(
            self, spoor="title", zaken="cases", open="open", gesloten="closed", nieuw="new", personen="persons"
        )


@dataclass
class CountRow:
    track: str
    key: str | None  # step id or outcome id; None: not started / no outcome yet
    title: str
    open: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.closed

    def as_dict(self) -> dict[str, Any]:
        return keyed(self, track="track", key="key", title="title", open="open", gesloten="closed", totaal="total")


@dataclass
class DeadlineFigure:
    rule: str
    title: str
    period: str
    statutory: bool = True  # False: a municipal choice (gemeentelijke keuze), reported apart from the law
    met: int = 0  # gehaald
    late: int = 0  # te laat (stopped after the due date)
    overdue: int = 0  # verlopen (running, past the due date)
    running: int = 0  # lopend (running, in time)
    lapsed: int = 0  # vervallen (stopped in time by something else)

    @property
    def missed(self) -> int:
        """Niet gehaald: te laat + verlopen."""
        return self.late + self.overdue

    @property
    def total(self) -> int:
        return self.met + self.late + self.overdue + self.running + self.lapsed

    def as_dict(self) -> dict[str, Any]:
        return {
            **keyed(self, rule="rule", title="title", period="period"),
            "grondslag": "wet" if self.statutory else "gemeentelijke keuze",
            **keyed(self, gehaald="met", te_laat="late", verlopen="overdue", lopend="running", vervallen="lapsed"),
            **keyed(self, niet_gehaald="missed", totaal="total"),
        }


@dataclass
class UrgentFigure:
    total: int = 0
    criteria: dict[str, int] = field(default_factory=dict)  # urgency id -> open cases
    casuistiekoverleg: int = 0


@dataclass
class WorkerFigure:
    caseworker: str
    open: int = 0
    overdue: int = 0  # open cases with at least one overdue termijn
    urgent: int = 0

    def as_row(self) -> dict[str, Any]:
        return keyed(self, medewerker="caseworker", open="open", verlopen="overdue", urgent="urgent")


@dataclass
class Sheet:
    """One table of the overview: a tab of the .xlsx, a block on the screen and in the CLI."""

    name: str  # Excel tab name (at most 31 characters)
    title: str
    columns: list[tuple[str, str]]  # (key, Dutch header) for the .xlsx and JSON
    rows: list[dict[str, Any]]
    text_columns: list[tuple[str, str]] | None = None  # narrower choice for 80 columns
    prose: bool = False  # (term, explanation) rows: shown as wrapped text, not as a table

    def text(self, width: int = 80) -> list[str]:
        """The table as plain lines: the first column left (clipped to fit), the others right."""
        cols = self.text_columns or self.columns
        if self.prose:
            import textwrap

            out: list[str] = []
            for r in self.rows:
                first, second = (str(r.get(k) or "") for k, _ in cols[:2])
                out.extend(textwrap.wrap(f"{first}: {second}", width=width, subsequent_indent="  "))
            return out
        cells = [[("" if r.get(k) is None else str(r.get(k))) for k, _ in cols] for r in self.rows]
        widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, (_, h) in enumerate(cols)]
        rest = sum(w + 2 for w in widths[1:])
        widths[0] = max(8, min(widths[0], width - rest))

        def line(values: list[str]) -> str:
            first = values[0] if len(values[0]) <= widths[0] else values[0][: widths[0] - 1] + "…"
            out = [first.ljust(widths[0])] + [v.rjust(w) for v, w in zip(values[1:], widths[1:])]
            return "  ".join(out).rstrip()

        return [line([h for _, h in cols])] + [line(c) for c in cells]


@dataclass
class Overview:
    today: date
    gemeente: str
    cases: int
    tracks: list[TrackFigure]
    steps: list[CountRow]
    outcomes: list[CountRow]
    deadlines: list[DeadlineFigure]
    urgent: UrgentFigure
    nazorg: int
    afbouw: int
    afbouw_verlopen: int
    workers: list[WorkerFigure]
    seconds: float = 0.0
    rule_notes: list[tuple[str, str]] = field(default_factory=list)  # (termijn, grondslag, keuze en bron)

    def deadline(self, rule: str) -> DeadlineFigure:
        return next(d for d in self.deadlines if d.rule == rule)

    def step(self, track: str, key: str | None) -> CountRow:
        return next(r for r in self.steps if r.track == track and r.key == key)

    def outcome(self, track: str, key: str | None) -> CountRow:
        return next(r for r in self.outcomes if r.track == track and r.key == key)

    def worker(self, name: str) -> WorkerFigure:
        return next(w for w in self.workers if w.caseworker == name)

    # -- presentation ----------------------------------------------------------------------------

    def sheets(self) -> list[Sheet]:
        year = self.today.year
        tracks = [t.as_row() for t in self.tracks]
        tracks.append(
            {
                "spoor": "Totaal",
                **{k: sum(r[k] for r in tracks) for k in ("zaken", "open", "gesloten", "nieuw")},
                "personen": None,
            }
        )
        steps = [{"spoor": _short(r.track), "stap": r.title, **_counts(r)} for r in self.steps]
        outcomes = [{"spoor": _short(r.track), "uitkomst": r.title, **_counts(r)} for r in self.outcomes]
        deadlines = [
            {
                "termijn": d.title,
                "kort": SHORT_RULE.get(d.rule, d.title),
                "periode": d.period,
                **{k: v for k, v in d.as_dict().items() if k not in ("rule", "title", "period")},
            }
            for d in self.deadlines
        ]
        statutory = [r for r, d in zip(deadlines, self.deadlines) if d.statutory]
        choices = [r for r, d in zip(deadlines, self.deadlines) if not d.statutory]
        special = [{"wat": "Urgente zaken (open)", "aantal": self.urgent.total}]
        for u in Urgency:
            special.append({"wat": f"  {u.label}", "aantal": self.urgent.criteria.get(u.value, 0)})
        special.append({"wat": "  Op het casuïstiekoverleg", "aantal": self.urgent.casuistiekoverleg})
        special.append({"wat": "In nazorg (24 maanden)", "aantal": self.nazorg})
        special.append({"wat": "In afbouw (30 dagen na negatieve beschikking)", "aantal": self.afbouw})
        special.append({"wat": "  waarvan afbouw verlopen", "aantal": self.afbouw_verlopen})
        workers = [w.as_row() for w in self.workers]
        workers.append(
            {"medewerker": "Totaal", **{k: sum(r[k] for r in workers) for k in ("open", "verlopen", "urgent")}}
        )
        return [
            Sheet(
                "Per spoor",
                "Zaken per spoor",
                [
                    ("spoor", "Spoor"),
                    ("zaken", "Zaken"),
                    ("open", "Open"),
                    ("gesloten", "Gesloten"),
                    ("nieuw", f"Nieuw in {year}"),
                    ("personen", "Personen"),
                ],
                tracks,
            ),
            Sheet(
                "Per stap",
                "Zaken per huidige stap",
                [
                    ("spoor", "Spoor"),
                    ("stap", "Stap"),
                    ("open", "Open"),
                    ("gesloten", "Gesloten"),
                    ("totaal", "Totaal"),
                ],
                steps,
                [("stap", "Stap"), ("spoor", "Sp"), ("open", "Open"), ("gesloten", "Gesloten"), ("totaal", "Totaal")],
            ),
            Sheet(
                "Per uitkomst",
                "Zaken per uitkomst tot nu toe",
                [
                    ("spoor", "Spoor"),
                    ("uitkomst", "Uitkomst"),
                    ("open", "Open"),
                    ("gesloten", "Gesloten"),
                    ("totaal", "Totaal"),
                ],
                outcomes,
                [
                    ("uitkomst", "Uitkomst"),
                    ("spoor", "Sp"),
                    ("open", "Open"),
                    ("gesloten", "Gesloten"),
                    ("totaal", "Totaal"),
                ],
            ),
            Sheet(
                "Termijnen",
                "Wettelijke termijnen: gehaald en niet gehaald (alle zaken)",
                _DEADLINE_COLUMNS,
                statutory,
                _DEADLINE_TEXT_COLUMNS,
            ),
            Sheet(
                "Gemeentelijke keuzes",
                "Gemeentelijke keuzes (geen wettelijke termijn): gehaald en niet gehaald",
                _DEADLINE_COLUMNS,
                choices,
                _DEADLINE_TEXT_COLUMNS,
            ),
            Sheet(
                "Urgent nazorg afbouw",
                "Urgent, nazorg en afbouw (open zaken)",
                [("wat", "Wat"), ("aantal", "Aantal")],
                special,
            ),
            Sheet(
                "Per medewerker",
                "Open zaken per medewerker",
                [("medewerker", "Medewerker"), ("open", "Open"), ("verlopen", "Verlopen"), ("urgent", "Urgent")],
                workers,
            ),
            Sheet(
                "Toelichting",
                "Toelichting",
                [("begrip", "Begrip"), ("betekenis", "Betekenis")],
                [
                    {"begrip": "Gemeente", "betekenis": self.gemeente},
                    {"begrip": "Peildatum", "betekenis": format_date(self.today)},
                    {"begrip": "Zaken", "betekenis": str(self.cases)},
                    *({"begrip": k, "betekenis": v} for k, v in DEFINITIONS),
                    *({"begrip": k, "betekenis": v} for k, v in self.rule_notes),
                ],
                prose=True,
            ),
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "peildatum": self.today.isoformat(),
            "gemeente": self.gemeente,
            "zaken": self.cases,
            "per_spoor": [
                {"track": t.track, "title": t.title, **{k: v for k, v in t.as_row().items() if k != "spoor"}}
                for t in self.tracks
            ],
            "per_stap": [r.as_dict() for r in self.steps],
            "per_uitkomst": [r.as_dict() for r in self.outcomes],
            "termijnen": [d.as_dict() for d in self.deadlines if d.statutory],
            "gemeentelijke_keuzes": [d.as_dict() for d in self.deadlines if not d.statutory],
            "urgent": {
                "totaal": self.urgent.total,
                "criteria": dict(self.urgent.criteria),
                "casuistiekoverleg": self.urgent.casuistiekoverleg,
            },
            "nazorg": self.nazorg,
            "afbouw": self.afbouw,
            "afbouw_verlopen": self.afbouw_verlopen,
            "per_medewerker": [w.as_row() for w in self.workers],
            "rekentijd_s": round(self.seconds, 3),
        }


_DEADLINE_COLUMNS = [
    ("termijn", "Termijn"),
    ("periode", "Periode"),
    ("gehaald", "Gehaald"),
    ("te_laat", "Te laat"),
    ("verlopen", "Verlopen"),
    ("niet_gehaald", "Niet gehaald"),
    ("lopend", "Lopend"),
    ("vervallen", "Vervallen"),
    ("totaal", "Totaal"),
]
_DEADLINE_TEXT_COLUMNS = [
    ("kort", "Termijn"),
    ("gehaald", "Gehaald"),
    ("te_laat", "Te laat"),
    ("verlopen", "Verlopen"),
    ("niet_gehaald", "Niet geh."),
    ("lopend", "Lopend"),
    ("vervallen", "Vervallen"),
]


def _short(track: str) -> str:
    member = Track.get(track)
    return member.short if member else track


def _counts(r: CountRow) -> dict[str, int]:
    return {"open": r.open, "gesloten": r.closed, "totaal": r.total}


DEFINITIONS: list[tuple[str, str]] = [
    (
        "Open",
        "De routekaart noemt de zaak niet afgerond (geen eindstap, of er loopt nog een termijn) en de zaak "
        "is niet met de hand gesloten. Gesloten: alle andere zaken.",
    ),
    (
        "Huidige stap",
        "De laatste stap of mijlpaal op de route, zonder stappen die op elk moment kunnen "
        "(driegesprek, Brede Hulpteam, brief verzonden).",
    ),
    ("Uitkomst", "De beslissende uitkomst tot nu toe: de integrale beoordeling gaat voor de eerste toets."),
    (
        "Gehaald",
        "De termijn is gestopt door de gebeurtenis die hem vervult (eerste gesprek; datum eerste gesprek "
        "meegedeeld; plan van aanpak op hoofdlijnen of volledig), op of vóór de uiterste datum.",
    ),
    ("Te laat", "De termijn is gestopt na de uiterste datum (niet gehaald)."),
    ("Verlopen", "De termijn loopt nog en de uiterste datum ligt vóór de peildatum (niet gehaald)."),
    ("Lopend", "De termijn loopt nog en de uiterste datum is de peildatum of later."),
    (
        "Vervallen",
        "De termijn is op tijd gestopt door iets anders: de persoon zag af van ondersteuning of de "
        "ondersteuning is afgerond. Telt niet als gehaald of niet gehaald.",
    ),
    ("Termijnen", "Over alle zaken, open en gesloten, waarin de termijn is begonnen."),
    (
        "Gemeentelijke keuzes",
        "Termijnen die de wet niet stelt maar de gemeente kiest (zoals de datum van het eerste gesprek "
        "meedelen binnen 8 weken): apart van de wettelijke termijnen.",
    ),
    ("Urgent", "Open zaken met een UHT-urgentiecriterium of op het casuïstiekoverleg VNG–UHT."),
    ("In nazorg", "Open zaken waarin de nazorgperiode van 24 maanden loopt op de peildatum."),
    (
        "In afbouw",
        "Open zaken waarin de afbouw van 30 dagen na een negatieve beschikking loopt; verlopen: de 30 "
        "dagen zijn voorbij.",
    ),
    ("Per medewerker", "Open zaken per toegewezen medewerker; verlopen: met ten minste één verlopen termijn."),
]


def _sql_order(key: tuple[str, str | None]) -> tuple[str, bool, str]:
    """(track, id) in SQLite's order: NULL before any text, text by code point."""
    return key[0], key[1] is not None, key[1] or ""


def _label(enum: type[TitledEnum], value: str) -> str:
    member = enum.get(value)
    return member.label if member else value


def compute_overview(store: Store, today: date | None = None, gemeente: str = "") -> Overview:
    """Every figure of the overview for the peildatum ``today`` (reads only)."""
    t0 = time.perf_counter()
    today = today or clock.today()
    rk = store.routekaart
    sql = store.overview

    with sql.snapshot():  # one state of the file for every figure
        tracks = {tid: TrackFigure(tid, _label(Track, tid)) for tid in rk.tracks}
        steps: dict[tuple[str, str | None], CountRow] = {}
        outcomes: dict[tuple[str, str | None], CountRow] = {}
        for tid, track in rk.tracks.items():
            steps[(tid, None)] = CountRow(tid, None, NOT_STARTED)
            for node in track.nodes:
                if not node.anytime:
                    steps[(tid, node.id)] = CountRow(tid, node.id, node.title)
            for o in OUTCOMES:
                outcomes[(tid, o)] = CountRow(tid, o, _label(Outcome, o) if o else NO_OUTCOME)
        urgent = UrgentFigure()
        criteria: dict[tuple[str, str], int] = {}
        workers: dict[str | None, WorkerFigure] = {}
        unknown: dict[tuple[str, str | None], tuple[int, int]] = {}  # steps and outcomes not in the file
        unknown_outcomes: dict[tuple[str, str | None], tuple[int, int]] = {}
        n_cases = 0
        for g, n in sql.case_groups(today.year):
            n_cases += n
            t = tracks.get(g.track)
            if t is None:
                t = tracks[g.track] = TrackFigure(g.track, _label(Track, g.track))
            t.cases += n
            t.persons += n  # a person has at most one case per track (UNIQUE (person_id, track))
            t.new += n * g.new
            t.open += n * g.open
            for table, spare, key in (
                (steps, unknown, (g.track, g.step)),
                (outcomes, unknown_outcomes, (g.track, g.outcome)),
            ):
                row = table.get(key)
                if row is not None:
                    row.open += n * g.open
                    row.closed += n * (not g.open)
                else:
                    n_open, n_closed = spare.get(key, (0, 0))
                    spare[key] = (n_open + n * g.open, n_closed + n * (not g.open))
            if not g.open:
                continue
            is_urgent = g.urgency is not None or g.casuistiekoverleg == 1
            if is_urgent:
                urgent.total += n
                if g.urgency:
                    criteria[(g.track, g.urgency)] = criteria.get((g.track, g.urgency), 0) + n
                if g.casuistiekoverleg:
                    urgent.casuistiekoverleg += n
            w = workers.get(g.caseworker)
            if w is None:
                w = workers[g.caseworker] = WorkerFigure(g.caseworker or UNASSIGNED)
            w.open += n
            w.urgent += n * is_urgent
        for t in tracks.values():
            t.closed = t.cases - t.open
        # in the order of the index: per track, then by id (an empty one first)
        for key in sorted(unknown, key=_sql_order):  # a step no longer in the routekaart file
            steps[key] = CountRow(key[0], key[1], key[1] or NOT_STARTED, *unknown[key])
        for key in sorted(unknown_outcomes, key=_sql_order):
            o = key[1]
            outcomes[key] = CountRow(key[0], o, _label(Outcome, o) if o else NO_OUTCOME, *unknown_outcomes[key])
        for (_, urgency), n in sorted(criteria.items()):
            urgent.criteria[urgency] = urgent.criteria.get(urgency, 0) + n
        for worker, n in sql.overdue_per_worker(today).items():
            workers[worker].overdue = n

        # The termijnen: the engine's judgement of every case is in the case index (case_deadlines);
        # which of them run, are overdue or ran out is decided here, for the peildatum.
        figures = [
            DeadlineFigure(rule, rk.rule(rule).title, rk.rule(rule).period.text, rk.rule(rule).statutory)
            for rule, _ in DEADLINE_FIGURES
        ]
        by_rule = {f.rule: f for f in figures}
        targets = {
            (tid, rule): frozenset(rk.event_title(tid, ev) for ev in evs if rk.has_step(tid, ev))
            for rule, evs in DEADLINE_FIGURES
            for tid in rk.tracks
        }
        # Which events meet a rule is the same in every track that has the rule (today's file: each
        # has one); only otherwise are the termijnen counted per track.
        having = {
            rule: [tid for tid, tr in rk.tracks.items() if any(r.id == rule for r in tr.rules)] for rule in by_rule
        }
        by_track = any(len({targets[(tid, rule)] for tid in having[rule]}) > 1 for rule in by_rule)
        for in_track, rule, stopped_by, overdue, running, late, in_time in sql.deadline_states(
            today, list(by_rule), by_track=by_track
        ):
            fig = by_rule[rule]
            fig.overdue += overdue
            fig.running += running
            fig.late += late
            track_id = in_track if by_track else next(iter(having[rule]), None)
            if stopped_by in targets.get((track_id or "", rule), ()):
                fig.met += in_time
            else:
                fig.lapsed += in_time
        nazorg = afbouw = afbouw_late = 0
        for rule, n, n_late in sql.running_open(today, (NAZORG_RULE, AFBOUW_RULE)):
            if rule == NAZORG_RULE:
                nazorg = n
            else:
                afbouw, afbouw_late = n, n_late or 0

    ordered_workers = sorted((w for k, w in workers.items() if k is not None), key=lambda w: w.caseworker.lower())
    if None in workers:
        ordered_workers.append(workers[None])
    return Overview(
        today=today,
        gemeente=gemeente,
        cases=n_cases,
        tracks=list(tracks.values()),
        steps=list(steps.values()),
        outcomes=list(outcomes.values()),
        deadlines=figures,
        urgent=urgent,
        nazorg=nazorg,
        afbouw=afbouw,
        afbouw_verlopen=afbouw_late,
        workers=ordered_workers,
        seconds=time.perf_counter() - t0,
        rule_notes=[_rule_note(rk.rule(rule)) for rule, _ in DEADLINE_FIGURES],
    )


class _Bare:
    """What :func:`compute_overview` reads of a Store, over a bare connection (the quick path)."""

    def __init__(self, conn: sqlite3.Connection, routekaart: Routekaart) -> None:
        from herstel_tui.store.overview import OverviewQueries

        self.conn = conn
        self.routekaart = routekaart
        self.overview = OverviewQueries(cast("Store", self))

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        yield self.conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")


def quick_overview(db_arg: str | None, config_arg: str | None, today: date) -> tuple[Overview, str] | None:
    """(the overview, the gemeente) without the full Store or pydantic, when the full
    Store would change nothing on opening (``services.lookup.quick_read``: the config unchanged
    since it was validated, the database at this schema on a local disk, its case index current for
    this routekaart and ``today``); None otherwise: the full Store answers."""
    from herstel_tui.services.lookup import quick_read
    from herstel_tui.settings.cache import quick_values
    from herstel_tui.store.base import BusyError

    values = quick_values(config_arg)
    if values is None or today != clock.today():
        return None

    def read(conn: sqlite3.Connection, _user: str) -> Overview:
        from herstel_tui.settings.resources import default_routekaart

        return compute_overview(cast("Store", _Bare(conn, default_routekaart())), today, values.gemeente)

    try:
        ov = quick_read(db_arg, config_arg, read, readonly=True)
    except BusyError:
        return None
    return (ov, values.gemeente) if ov is not None else None


def _rule_note(rule: Any) -> tuple[str, str]:
    """What a reported termijn rests on: the law or a municipal choice, and its source."""
    basis = {"wet": "wettelijke termijn", "routekaart": "routekaart", "keuze": "gemeentelijke keuze"}[rule.basis]
    text = f"{basis}. {rule.explanation}"
    if rule.choice:
        text += f" Gemeentelijke keuze: {rule.choice}"
    if rule.source:
        text += f" Bron: {rule.source}."
    return rule.title, text


# -- the .xlsx --------------------------------------------------------------------------------------


def xlsx_name(today: date) -> str:
    return f"overzicht-{today:%Y%m%d}.xlsx"


def free_path(directory: Path, name: str) -> Path:
    """``name`` in ``directory``, or name-2, name-3 … when it exists (an earlier export that day)."""
    stem, dot, ext = name.rpartition(".")
    n = 1
    while True:
        p = directory / (name if n == 1 else f"{stem}-{n}{dot}{ext}")
        if not p.exists():
            return p
        n += 1


def write_xlsx(overview: Overview, path: Path) -> Path:
    """One sheet per table; header row bold and frozen; owner-only (0600); temp file + rename."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from herstel_tui.files.sheets import append_row, xlsx_value

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in overview.sheets():
        ws = wb.create_sheet(sheet.name[:31])
        append_row(ws, [header for _, header in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in sheet.rows:
            append_row(ws, [row.get(key) for key, _ in sheet.columns])
            label = str(row.get(sheet.columns[0][0]) or "")
            if label == "Totaal":
                for cell in ws[ws.max_row]:
                    cell.font = bold
        ws.freeze_panes = "A2"
        for i, (key, header) in enumerate(sheet.columns, start=1):
            longest = max([len(header)] + [len(str(r.get(key) or "")) for r in sheet.rows])
            ws.column_dimensions[get_column_letter(i)].width = min(90, max(8, longest + 2))
    props = wb.properties
    props.title = xlsx_value(f"Overzicht {overview.gemeente} {format_date(overview.today)}".strip())
    props.creator = "herstel"
    stamp = datetime(overview.today.year, overview.today.month, overview.today.day)
    props.created = stamp
    props.modified = stamp
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def export_xlsx(store: Store, overview: Overview, directory: Path | None = None, path: Path | None = None) -> Path:
    """Write the .xlsx (``overzicht-<jjjjmmdd>.xlsx`` in ``directory`` unless ``path``) and audit the export."""
    target = Path(path) if path is not None else free_path(Path(directory or "."), xlsx_name(overview.today))
    write_xlsx(overview, target)
    store.audit.exported("overzicht", {"bestand": target.name, "peildatum": overview.today.isoformat()})
    return target
