"""The plan van aanpak's form: what it reads, the widgets of its five leefgebieden, and where each
field is written.

Every field of the form stands for one typed target (``AreaField``, ``GoalField``, ``ActionField``);
the widget's id is made from the target, never read back. ``PlanWriter`` turns a changed target
into the one store call that writes it, based on the value the form showed (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape as esc
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from herstel_tui.domain.dates import DateError, format_date, parse_optional_date
from herstel_tui.domain.plan import (
    LEEFGEBIEDEN,
    Action,
    Actor,
    Goal,
    GoalStatus,
    Leefgebied,
    PlanRuleError,
    PlanVersion,
)
from herstel_tui.tui.forms.fields import Dropdown, ErrorLine, Tick
from herstel_tui.tui.forms.saving import FieldValue, Job

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.store.plan import PlanRepository

NOT_A_PLAN_CASE = "Een plan van aanpak hoort bij een zaak brede ondersteuning."

# -- what the screen shows ----------------------------------------------------------------------


@dataclass
class PlanBundle:
    case: Any
    person: Any
    version: PlanVersion | None
    versions: list[PlanVersion]
    deadlines: list[Any]
    error: str | None = None


def read_plan(store: Store, case_id: int, number: int | None, today: date, *, log_view: bool) -> PlanBundle:
    """Everything the plan screen shows (runs in a worker, under the store's lock); ``log_view``:
    record in the audit trail that the plan was seen."""
    plans = store.plans
    case = store.cases.get(case_id)
    person = store.persons.get(case.person_id)
    if case.track.value != "brede_ondersteuning":
        return PlanBundle(case, person, None, [], [], NOT_A_PLAN_CASE)
    versions = plans.versions(case_id)
    version = plans.version(case_id, number) if versions else None
    if number is not None and version is None:
        return PlanBundle(case, person, None, versions, [], f"Versie {number} bestaat niet.")
    deadlines = plans.plan_deadlines(case_id, today)
    if log_view:
        store.audit.viewed(person_id=case.person_id, case_id=case_id, what="plan")
    return PlanBundle(case, person, version, versions, deadlines)


def head_markup(bundle: PlanBundle, *, readonly: bool, today: date) -> str:
    """The three heading lines: case and person; version and status; the plan's deadlines."""
    case, person, v = bundle.case, bundle.person, bundle.version
    head = f"[b]{esc(case.zaaknummer or '')}  {esc(person.sort_name)}[/b] · Plan van aanpak"
    if readonly and v is not None:
        head += " [i](oude versie)[/i]"
    if v is None:
        line2 = "Versie 1 · [b]Concept[/b] (nog leeg: begin met typen)"
    else:
        line2 = f"Versie {v.number} · [b]{esc(v.status.label)}[/b]"
        if v.agreed_on:
            consent = v.consent.value if v.consent else "—"
            line2 += f" {format_date(v.agreed_on)} · instemming: {esc(consent)}"
        elif v.based_on:
            line2 += f" (op basis van versie {v.based_on})"
    parts = []
    for d in bundle.deadlines:
        short = "Hoofdlijnen" if d.rule == "plan_op_hoofdlijnen" else "Volledig"
        if d.stopped and d.stopped > d.due:
            parts.append(f"{short}: [$warning]gestopt {format_date(d.stopped)}, na {format_date(d.due)}[/]")
        elif d.stopped:
            parts.append(f"{short}: gehaald {format_date(d.stopped)}")
        else:
            days = d.days_left(today)
            mark = "$error" if days < 0 else "$warning" if days <= 14 else ""
            when = f"uiterlijk {format_date(d.due)}"
            parts.append(f"{short}: [{mark} b]{when}[/]" if mark else f"{short}: {when}")
    line3 = " · ".join(parts) if parts else "[dim]Termijnen lopen vanaf het eerste gesprek[/]"
    return f"{head}\n{line2}\n{line3}"


# -- the typed targets of the fields ------------------------------------------------------------

AreaTextName = Literal["situatie", "hulpvraag"]
GoalAttr = Literal["text", "status"]
ActionAttr = Literal["what", "done", "who", "party", "due"]

_GOAL_IDS: dict[GoalAttr, str] = {"text": "doel", "status": "doelstatus"}
_ACTION_IDS: dict[ActionAttr, str] = {"what": "wat", "done": "gedaan", "who": "wie", "party": "partij", "due": "datum"}


@dataclass(frozen=True)
class AreaField:  # the situation or the help question of a leefgebied
    area: Leefgebied
    name: AreaTextName


@dataclass(frozen=True)
class GoalField:  # the text or the status of a goal
    goal_id: int
    attr: GoalAttr


@dataclass(frozen=True)
class ActionField:  # what, done, who, party or due date of an action
    action_id: int
    attr: ActionAttr


PlanField = AreaField | GoalField | ActionField


def widget_id(target: PlanField) -> str:
    """The id of the field's widget (its error line is ``fout-`` and this id)."""
    match target:
        case AreaField(area=area, name=name):
            return f"{name}-{area.value}"
        case GoalField(goal_id=gid, attr=attr):
            return f"{_GOAL_IDS[attr]}-{gid}"
        case ActionField(action_id=aid, attr=attr):
            return f"{_ACTION_IDS[attr]}-{aid}"
    raise TypeError(target)  # pragma: no cover - the match is exhaustive


Register = Callable[[PlanField, FieldValue], None]


class PlanAgreedMeanwhile(PlanRuleError):
    """The concept this form writes to is no longer a concept (it was agreed meanwhile)."""


class PlanWriter:
    """The store calls that write the plan's fields, in the save queue's thread.

    ``version_id``: the concept written to; an empty plan gets its version 1 on the first change.
    """

    def __init__(self, store: Store, case_id: int, version_id: int | None) -> None:
        self.store = store
        self.case_id = case_id
        self.version_id = version_id

    @property
    def plans(self) -> PlanRepository:
        return self.store.plans

    def concept(self) -> int:
        """(writer thread) The concept to write to, made on the first change of an empty plan."""
        if self.version_id is None:
            v = self.plans.start_concept(self.case_id)
            if not v.editable:
                raise PlanAgreedMeanwhile("dit plan is vastgesteld; maak eerst een nieuwe versie (w)")
            self.version_id = v.id
        return self.version_id

    def job(self, target: PlanField, value: FieldValue | date | None, based: FieldValue | date | None) -> Job:
        """The store call that writes ``value`` to ``target`` (a due date already read as a date)."""
        plans = self.plans
        text, shown = str(value), None if based is None else str(based)
        match target:
            case AreaField(area=area, name=name):
                return lambda: plans.set_area_text(self.concept(), area.value, name, text, based_on=shown)
            case GoalField(goal_id=gid, attr="text"):
                return lambda: plans.update_goal(gid, text=text, based_on={"text": based})
            case GoalField(goal_id=gid, attr="status"):
                return lambda: plans.update_goal(gid, status=text, based_on={"status": based})
            case ActionField(action_id=aid, attr="done"):
                return lambda: plans.update_action(aid, done=bool(value), based_on={"done": based})
            case ActionField(action_id=aid, attr=attr):
                return lambda: plans.update_action(aid, based_on={attr: based}, **{attr: value})
        raise TypeError(target)  # pragma: no cover - the match is exhaustive


def read_due(text: FieldValue | None) -> date | None:
    """A typed due date (empty: none); DateError in Dutch when it cannot be read."""
    return parse_optional_date(str(text or ""), label="uiterlijk")


def known_due(text: FieldValue | None) -> FieldValue | date | None:
    """The due date the form showed, as the store compares it (the text when it is no date)."""
    try:
        return read_due(text)
    except DateError:
        return text


# -- the widgets --------------------------------------------------------------------------------


class PlanText(TextArea, inherit_bindings=False):
    """A TextArea without its F6/F7 (select line/all): on the plan those keys belong to the screen."""

    BINDINGS = [b for b in TextArea.BINDINGS if not (isinstance(b, Binding) and b.key in ("f6", "f7"))]


class AreaSection(Vertical):
    HELP = "plan"

    def __init__(self, area: Leefgebied, *children: Widget) -> None:
        super().__init__(*children, id=f"gebied-{area.value}", classes="gebied")
        self.area = area


class GoalRow(Horizontal):
    def __init__(self, goal: Goal, goal_id: int, *children: Widget) -> None:
        super().__init__(*children, id=f"doelrij-{goal_id}", classes="doelrij")
        self.goal, self.goal_id = goal, goal_id


class ActionRow(Vertical):
    def __init__(self, action: Action, action_id: int, *children: Widget) -> None:
        super().__init__(*children, id=f"actierij-{action_id}", classes="actierij")
        self.action, self.action_id = action, action_id


GOAL_OPTIONS = GoalStatus.choices()
ACTOR_OPTIONS = Actor.choices()


class PlanForm:
    """Builds the plan's widgets; every field is handed to ``register`` with its target and value.

    ``content``: the texts, goals and actions can change (a concept); ``progress``: the goals'
    status and the actions' "done" can change (the latest version).
    """

    def __init__(self, *, content: bool, progress: bool, register: Register) -> None:
        self.content = content
        self.progress = progress
        self.register = register

    def sections(self, v: PlanVersion | None) -> list[Widget]:
        return [self._section(area, v) for area in LEEFGEBIEDEN]

    def _section(self, area: Leefgebied, v: PlanVersion | None) -> AreaSection:
        text = v.area(area) if v else None
        children: list[Widget] = [Static(f"── {area.label} ──", classes="gebiedkop")]
        texts: tuple[tuple[AreaTextName, str, str], ...] = (
            ("situatie", "Situatie", text.situation if text else ""),
            ("hulpvraag", "Hulpvraag", text.question if text else ""),
        )
        for name, label, value in texts:
            target = AreaField(area, name)
            box = PlanText(
                value,
                id=widget_id(target),
                tab_behavior="focus",
                soft_wrap=True,
                show_line_numbers=False,
                compact=True,
                disabled=not self.content,
            )
            self.register(target, value)
            children.append(Horizontal(Label(label, classes="veldlabel"), box, classes="tekstveld"))
        goals = v.goals_in(area) if v else []
        actions = v.actions_in(area) if v else []
        children += [
            Static("Doelen", classes="subkop"),
            Vertical(
                *[self.goal_row(g, i) for i, g in enumerate(goals, 1)], id=f"doelen-{area.value}", classes="doelen"
            ),
        ]
        if not goals:
            children.append(self._empty("geen doelen", "F4 of d: doel toevoegen", f"geendoel-{area.value}"))
        children += [
            Static("Acties", classes="subkop"),
            Vertical(
                *[self.action_row(x, i) for i, x in enumerate(actions, 1)], id=f"acties-{area.value}", classes="acties"
            ),
        ]
        if not actions:
            children.append(self._empty("geen acties", "F5 of a: actie toevoegen", f"geenactie-{area.value}"))
        return AreaSection(area, *children)

    def _empty(self, what: str, hint: str, wid: str) -> Static:
        return Static(f"  {what}" + (f"  ({hint})" if self.content else ""), classes="leeg", id=wid)

    def goal_row(self, g: Goal, n: int) -> GoalRow:
        assert g.id is not None
        text, status = GoalField(g.id, "text"), GoalField(g.id, "status")
        self.register(text, g.text)
        self.register(status, g.status.value)
        return GoalRow(
            g,
            g.id,
            Label(f"{n}.", classes="nr"),
            # A goal is a sentence or two: it wraps over two lines instead of scrolling sideways.
            TextArea(
                g.text,
                id=widget_id(text),
                compact=True,
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
                disabled=not self.content,
                placeholder="doel",
            ),
            Dropdown(
                GOAL_OPTIONS,
                value=g.status.value,
                allow_blank=False,
                id=widget_id(status),
                compact=True,
                disabled=not self.progress,
            ),
        )

    def action_row(self, x: Action, n: int) -> ActionRow:
        assert x.id is not None
        values: dict[ActionAttr, FieldValue] = {
            "what": x.what,
            "done": x.done,
            "who": x.who.value,
            "party": x.party or "",
            "due": format_date(x.due) if x.due else "",
        }
        ids = {attr: ActionField(x.id, attr) for attr in values}
        for attr, target in ids.items():
            self.register(target, values[attr])
        content = not self.content
        return ActionRow(
            x,
            x.id,
            Horizontal(
                Label(f"{n}.", classes="nr"),
                Input(x.what, placeholder="wat gebeurt er", id=widget_id(ids["what"]), compact=True, disabled=content),
                Tick("gedaan", x.done, id=widget_id(ids["done"]), compact=True, disabled=not self.progress),
                classes="actieregel",
            ),
            Horizontal(
                Label("", classes="nr"),
                Dropdown(
                    ACTOR_OPTIONS,
                    value=x.who.value,
                    allow_blank=False,
                    id=widget_id(ids["who"]),
                    compact=True,
                    disabled=content,
                ),
                Input(
                    x.party or "",
                    placeholder="naam of partij (bv. Kredietbank)",
                    id=widget_id(ids["party"]),
                    classes="partij",
                    compact=True,
                    disabled=content,
                ),
                Label("uiterlijk", classes="kort"),
                Input(
                    str(values["due"]),
                    placeholder="dd-mm-jjjj",
                    id=widget_id(ids["due"]),
                    classes="datum",
                    compact=True,
                    disabled=content,
                ),
                classes="actieregel",
            ),
            ErrorLine("", classes="veldfout", id=f"fout-{widget_id(ids['due'])}"),
        )
