"""The plan van aanpak: five leefgebieden, goals, actions, versions and agreement.

Pure: pydantic and the standard library. The rules a caseworker meets, in Dutch:

- a plan moves concept → vastgesteld op hoofdlijnen → volledig vastgesteld, agreed with the
  person on a date and with a recorded way of consent;
- an agreed version is never changed: a change makes a new concept version, copied from it;
  older versions stay readable;
- progress (a goal's status, an action done) is kept on the latest version without a new
  version: marking an action done is not a change of what was agreed;
- nazorg may start from the plan when every goal that is not *vervallen* is *behaald*.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from herstel_tui.domain.dates import DateError, format_date, parse_optional_date
from herstel_tui.domain.enums import Consent, GoalStatus, Leefgebied, PlanActor, PlanStatus
from herstel_tui.domain.models import choice
from herstel_tui.domain.text import scrub_stored


class PlanRuleError(ValueError):
    """A plan rule refuses a change; ``str()`` is Dutch for the caseworker."""


LEEFGEBIEDEN: tuple[Leefgebied, ...] = tuple(Leefgebied)
# The routekaart termijnen that belong to the plan (shown on the plan and in print).
PLAN_RULES = ("plan_op_hoofdlijnen", "volledig_plan_van_aanpak")

# kept for the desk until i14desk merges
Actor = PlanActor
GOAL_STATUS_TITLES = {s: s.label for s in GoalStatus}
ACTOR_TITLES = {a: a.label for a in PlanActor}
CONSENT_TITLES = {c: c.label for c in Consent}

AREA_TEXT_MAX = 4000
GOAL_TEXT_MAX = 500
ACTION_TEXT_MAX = 500
PARTY_MAX = 100
NOTE_MAX = 500

AREA_FIELDS = {"situatie": "situation", "hulpvraag": "question"}
AREA_FIELD_TITLES = {"situatie": "Huidige situatie", "hulpvraag": "Hulpvraag"}


def checked_text(value: Any, label: str, max_len: int) -> str:
    """Free text as typed (kept, not stripped, so a form and the database agree), bounded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanRuleError(f"{label}: tekst verwacht")
    value = scrub_stored(value, multiline=True)  # typed text was refused at the desk's field
    if len(value) > max_len:
        raise PlanRuleError(f"{label} is langer dan {max_len} tekens")
    return value


def _opt_text(max_len: int, label: str):
    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = scrub_stored(value).strip()
            if not value:
                return None
            if len(value) > max_len:
                raise ValueError(f"{label} is langer dan {max_len} tekens")
        return value

    return check


def _bounded(max_len: int, label: str):
    def check(value: Any) -> Any:
        try:
            return checked_text(value, label, max_len)
        except PlanRuleError as exc:
            raise ValueError(str(exc)) from None

    return check


def parse_nl_date(text: str | date | None, *, label: str = "datum") -> date | None:
    """:func:`parse_optional_date` refusing with a PlanRuleError. Kept for the desk until i14desk merges."""
    try:
        return parse_optional_date(text, label=label)
    except DateError as exc:
        raise PlanRuleError(str(exc)) from None


LeefgebiedField = Annotated[Leefgebied, choice(Leefgebied, "leefgebied")]
GoalStatusField = Annotated[GoalStatus, choice(GoalStatus, "doelstatus")]
ActorField = Annotated[PlanActor, choice(PlanActor, "uitvoerder")]
PlanStatusField = Annotated[PlanStatus, choice(PlanStatus, "planstatus")]
ConsentField = Annotated[Consent | None, choice(Consent, "manier van instemming")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaText(_Model):
    area: LeefgebiedField
    situation: Annotated[str, BeforeValidator(_bounded(AREA_TEXT_MAX, "huidige situatie"))] = ""
    question: Annotated[str, BeforeValidator(_bounded(AREA_TEXT_MAX, "hulpvraag"))] = ""


class Goal(_Model):
    id: int | None = None
    uid: int | None = None  # the same goal across versions
    area: LeefgebiedField
    position: int = 0
    text: Annotated[str, BeforeValidator(_bounded(GOAL_TEXT_MAX, "doel"))] = ""
    status: GoalStatusField = GoalStatus.OPEN


class Action(_Model):
    id: int | None = None
    uid: int | None = None  # the same action across versions (cost entries link to it)
    area: LeefgebiedField
    position: int = 0
    goal_uid: int | None = None
    what: Annotated[str, BeforeValidator(_bounded(ACTION_TEXT_MAX, "actie"))] = ""
    who: ActorField = PlanActor.GEMEENTE
    party: Annotated[str | None, BeforeValidator(_opt_text(PARTY_MAX, "partij"))] = None
    due: date | None = None
    done: bool = False

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_optional_date(value, label="uiterlijk")
        return value

    @property
    def who_text(self) -> str:
        """'Gemeente', 'Externe partij: Kredietbank', 'Netwerk: buurvrouw'."""
        return f"{self.who.label}: {self.party}" if self.party else self.who.label


class PlanVersion(_Model):
    """One version of a case's plan; ``areas``/``goals``/``actions`` are empty in a summary."""

    id: int
    case_id: int
    number: int
    status: PlanStatusField
    based_on: int | None = None
    created_at: datetime
    created_by: str
    agreed_on: date | None = None
    consent: ConsentField = None
    consent_note: str | None = None
    agreed_by: str | None = None
    latest: bool = True
    areas: tuple[AreaText, ...] = ()
    goals: tuple[Goal, ...] = ()
    actions: tuple[Action, ...] = ()

    @property
    def editable(self) -> bool:
        """Content may change: only a concept."""
        return self.status is PlanStatus.CONCEPT

    @property
    def progress_editable(self) -> bool:
        """Goal status and 'done' may change: on the latest version only."""
        return self.latest

    @property
    def title(self) -> str:
        return f"Versie {self.number} · {self.status.label}"

    def area(self, area: Leefgebied | str) -> AreaText:
        a = Leefgebied(area)
        for x in self.areas:
            if x.area is a:
                return x
        return AreaText(area=a)

    def goals_in(self, area: Leefgebied | str) -> list[Goal]:
        a = Leefgebied(area)
        return sorted((g for g in self.goals if g.area is a), key=lambda g: (g.position, g.id or 0))

    def actions_in(self, area: Leefgebied | str) -> list[Action]:
        a = Leefgebied(area)
        return sorted((x for x in self.actions if x.area is a), key=lambda x: (x.position, x.id or 0))

    def goal_by_uid(self, uid: int | None) -> Goal | None:
        return next((g for g in self.goals if g.uid == uid), None) if uid is not None else None

    def action_by_uid(self, uid: int | None) -> Action | None:
        return next((x for x in self.actions if x.uid == uid), None) if uid is not None else None

    def is_empty(self) -> bool:
        return not (any(a.situation.strip() or a.question.strip() for a in self.areas) or self.goals or self.actions)


def agreement_problems(version: PlanVersion, level: PlanStatus) -> list[str]:
    """What keeps a concept from being agreed at ``level`` (Dutch; empty: it may be agreed)."""
    problems: list[str] = []
    if level is PlanStatus.CONCEPT:
        return ["kies op hoofdlijnen of volledig"]
    used = [a for a in LEEFGEBIEDEN if version.area(a).question.strip() or version.goals_in(a)]
    if not used:
        problems.append("vul voor ten minste één leefgebied een hulpvraag of een doel in")
    for g in version.goals:
        if not g.text.strip():
            problems.append(f"{g.area.label}: een doel is nog leeg (vul het in of verwijder het)")
    for x in version.actions:
        if not x.what.strip():
            problems.append(f"{x.area.label}: een actie is nog leeg (vul in wat er gebeurt of verwijder haar)")
    if level is PlanStatus.VOLLEDIG:
        if not version.goals:
            problems.append("een volledig plan heeft ten minste één doel")
        for a in LEEFGEBIEDEN:
            if (version.goals_in(a) or version.actions_in(a)) and not version.area(a).question.strip():
                problems.append(f"{a.label}: vul de hulpvraag in")
        for x in version.actions:
            if x.who is PlanActor.EXTERN and not x.party:
                problems.append(f"{x.area.label}: noem de externe partij bij '{_short(x.what)}'")
    return list(dict.fromkeys(problems))


def check_agreement(
    version: PlanVersion,
    level: PlanStatus | str,
    agreed_on: date | None,
    consent: Consent | str | None,
    *,
    previous: PlanVersion | None,
    today: date,
) -> PlanStatus:
    """Raise PlanRuleError (Dutch) unless ``version`` may be agreed like this; return the level."""
    if not version.editable:
        raise PlanRuleError(f"versie {version.number} is al vastgesteld; maak een nieuwe versie om te wijzigen")
    try:
        lvl = PlanStatus(str(level).strip().lower()) if not isinstance(level, PlanStatus) else level
    except ValueError:
        raise PlanRuleError("kies op hoofdlijnen of volledig") from None
    if lvl is PlanStatus.CONCEPT:
        raise PlanRuleError("kies op hoofdlijnen of volledig")
    if agreed_on is None:
        raise PlanRuleError("vul de datum in waarop het plan met de persoon is afgesproken")
    if agreed_on > today:
        raise PlanRuleError("de datum van de afspraak ligt in de toekomst")
    if consent is None or (isinstance(consent, str) and not consent.strip()):
        raise PlanRuleError("kies hoe de persoon heeft ingestemd")
    try:
        Consent.parse(consent, "manier van instemming")
    except ValueError as exc:
        raise PlanRuleError(str(exc)) from None
    if previous is not None and previous.agreed_on is not None:
        if lvl.level < previous.status.level:
            raise PlanRuleError(
                f"versie {previous.number} is al {previous.status.label.lower()}; "
                "een nieuwe versie wordt ook volledig vastgesteld"
            )
        if agreed_on < previous.agreed_on:
            raise PlanRuleError(
                f"de datum ligt vóór de afspraak van versie {previous.number} ({format_date(previous.agreed_on)})"
            )
    problems = agreement_problems(version, lvl)
    if problems:
        raise PlanRuleError("nog niet klaar om vast te stellen: " + "; ".join(problems))
    return lvl


def nazorg_problem(version: PlanVersion | None) -> str | None:
    """Why nazorg cannot start from this plan (Dutch), or None when every goal is behaald."""
    if version is None:
        return "er is nog geen plan van aanpak"
    live = [g for g in version.goals if g.status != GoalStatus.VERVALLEN]
    if not live:
        return "het plan heeft geen doelen (die niet vervallen zijn)"
    open_ = [g for g in live if g.status != GoalStatus.BEHAALD]
    if open_:
        names = ", ".join(f"'{_short(g.text) or '(leeg)'}'" for g in open_[:3])
        more = f" en nog {len(open_) - 3}" if len(open_) > 3 else ""
        return f"nog niet alle doelen zijn behaald: {names}{more}"
    return None


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
