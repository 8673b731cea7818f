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
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator


class PlanRuleError(ValueError):
    """A plan rule refuses a change; ``str()`` is Dutch for the caseworker."""


class Leefgebied(StrEnum):
    FINANCIEN = "financien"
    WONEN = "wonen"
    ZORG = "zorg"
    GEZIN = "gezin"
    WERK = "werk"

    @property
    def title(self) -> str:
        return LEEFGEBIED_TITLES[self]


LEEFGEBIEDEN: tuple[Leefgebied, ...] = tuple(Leefgebied)
LEEFGEBIED_TITLES = {
    Leefgebied.FINANCIEN: "Financiën",
    Leefgebied.WONEN: "Wonen",
    Leefgebied.ZORG: "Zorg",
    Leefgebied.GEZIN: "Gezin",
    Leefgebied.WERK: "Werk",
}


class PlanStatus(StrEnum):
    CONCEPT = "concept"
    HOOFDLIJNEN = "hoofdlijnen"
    VOLLEDIG = "volledig"

    @property
    def title(self) -> str:
        return PLAN_STATUS_TITLES[self]

    @property
    def level(self) -> int:
        return {PlanStatus.CONCEPT: 0, PlanStatus.HOOFDLIJNEN: 1, PlanStatus.VOLLEDIG: 2}[self]

    @property
    def milestone(self) -> str | None:
        """The routekaart milestone that agreeing at this level records."""
        return PLAN_MILESTONES.get(self)


PLAN_STATUS_TITLES = {
    PlanStatus.CONCEPT: "Concept",
    PlanStatus.HOOFDLIJNEN: "Vastgesteld op hoofdlijnen",
    PlanStatus.VOLLEDIG: "Volledig vastgesteld",
}
PLAN_MILESTONES = {PlanStatus.HOOFDLIJNEN: "plan_hoofdlijnen", PlanStatus.VOLLEDIG: "plan_volledig"}
# The routekaart termijnen that belong to the plan (shown on the plan and in print).
PLAN_RULES = ("plan_op_hoofdlijnen", "volledig_plan_van_aanpak")


class GoalStatus(StrEnum):
    OPEN = "open"
    BEZIG = "bezig"
    BEHAALD = "behaald"
    VERVALLEN = "vervallen"

    @property
    def title(self) -> str:
        return GOAL_STATUS_TITLES[self]


GOAL_STATUS_TITLES = {
    GoalStatus.OPEN: "Open",
    GoalStatus.BEZIG: "Bezig",
    GoalStatus.BEHAALD: "Behaald",
    GoalStatus.VERVALLEN: "Vervallen",
}


class Actor(StrEnum):
    OUDER = "ouder"
    NETWERK = "netwerk"
    GEMEENTE = "gemeente"
    EXTERN = "extern"

    @property
    def title(self) -> str:
        return ACTOR_TITLES[self]


ACTOR_TITLES = {
    Actor.OUDER: "Ouder",
    Actor.NETWERK: "Netwerk",
    Actor.GEMEENTE: "Gemeente",
    Actor.EXTERN: "Externe partij",
}


class Consent(StrEnum):
    """How the person agreed with the plan."""

    ONDERTEKEND = "ondertekend"
    MONDELING = "mondeling"
    SCHRIFTELIJK = "schriftelijk"
    DIGITAAL = "digitaal"

    @property
    def title(self) -> str:
        return CONSENT_TITLES[self]


CONSENT_TITLES = {
    Consent.ONDERTEKEND: "Plan ondertekend door de persoon",
    Consent.MONDELING: "Mondeling, in een gesprek",
    Consent.SCHRIFTELIJK: "Schriftelijk (brief)",
    Consent.DIGITAAL: "Digitaal (e-mail of bericht)",
}

AREA_TEXT_MAX = 4000
GOAL_TEXT_MAX = 500
ACTION_TEXT_MAX = 500
PARTY_MAX = 100
NOTE_MAX = 500

AREA_FIELDS = {"situatie": "situation", "hulpvraag": "question"}
AREA_FIELD_TITLES = {"situatie": "Huidige situatie", "hulpvraag": "Hulpvraag"}


def _choice(enum: type[StrEnum], label: str):
    def check(value: Any) -> Any:
        if isinstance(value, enum) or value is None:
            return value
        text = str(value).strip().lower()
        for m in enum:
            if text in (m.value, getattr(m, "title", m.value).lower()):
                return m
        raise ValueError(f"onbekende {label} {value!r}; kies uit: {', '.join(m.value for m in enum)}")

    return check


def checked_text(value: Any, label: str, max_len: int) -> str:
    """Free text as typed (kept, not stripped, so a form and the database agree), bounded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanRuleError(f"{label}: tekst verwacht")
    if len(value) > max_len:
        raise PlanRuleError(f"{label} is langer dan {max_len} tekens")
    return value


def _opt_text(max_len: int, label: str):
    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = value.strip()
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
    """dd-mm-jjjj (also d-m-jjjj, dd/mm/jjjj, dd.mm.jjjj, jjjj-mm-dd); empty → None."""
    if text is None or isinstance(text, date):
        return text
    raw = text.strip()
    if not raw:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise PlanRuleError(f"{label} {raw!r} klopt niet; gebruik dd-mm-jjjj")


def format_date(value: date | None) -> str:
    if value is None:
        return "—"
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


LeefgebiedField = Annotated[Leefgebied, BeforeValidator(_choice(Leefgebied, "leefgebied"))]
GoalStatusField = Annotated[GoalStatus, BeforeValidator(_choice(GoalStatus, "doelstatus"))]
ActorField = Annotated[Actor, BeforeValidator(_choice(Actor, "uitvoerder"))]
PlanStatusField = Annotated[PlanStatus, BeforeValidator(_choice(PlanStatus, "planstatus"))]
ConsentField = Annotated[Consent | None, BeforeValidator(_choice(Consent, "manier van instemming"))]


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
    who: ActorField = Actor.GEMEENTE
    party: Annotated[str | None, BeforeValidator(_opt_text(PARTY_MAX, "partij"))] = None
    due: date | None = None
    done: bool = False

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_nl_date(value, label="uiterlijk")
            except PlanRuleError as exc:
                raise ValueError(str(exc)) from None
        return value

    @property
    def who_text(self) -> str:
        """'Gemeente', 'Externe partij: Kredietbank', 'Netwerk: buurvrouw'."""
        return f"{self.who.title}: {self.party}" if self.party else self.who.title


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
        return f"Versie {self.number} · {self.status.title}"

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
            problems.append(f"{g.area.title}: een doel is nog leeg (vul het in of verwijder het)")
    for x in version.actions:
        if not x.what.strip():
            problems.append(f"{x.area.title}: een actie is nog leeg (vul in wat er gebeurt of verwijder haar)")
    if level is PlanStatus.VOLLEDIG:
        if not version.goals:
            problems.append("een volledig plan heeft ten minste één doel")
        for a in LEEFGEBIEDEN:
            if (version.goals_in(a) or version.actions_in(a)) and not version.area(a).question.strip():
                problems.append(f"{a.title}: vul de hulpvraag in")
        for x in version.actions:
            if x.who is Actor.EXTERN and not x.party:
                problems.append(f"{x.area.title}: noem de externe partij bij '{_short(x.what)}'")
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
        _choice(Consent, "manier van instemming")(consent)
    except ValueError as exc:
        raise PlanRuleError(str(exc)) from None
    if previous is not None and previous.agreed_on is not None:
        if lvl.level < previous.status.level:
            raise PlanRuleError(
                f"versie {previous.number} is al {previous.status.title.lower()}; "
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
