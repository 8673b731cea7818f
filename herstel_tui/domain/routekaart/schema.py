"""The routekaart file as data: the pydantic model of ``routekaart.toml`` (``extra="forbid"``), before
the graph checks of :mod:`.loader`."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from herstel_tui.domain.routekaart.period import parse_period

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
    not_after: list[str] = []
    then_only: list[str] = []
    last_date: date | None = None
    last_date_reason: str = ""
    roles: list[Literal["aanvrager", "toeslagpartner", "ex-toeslagpartner", "kind", "nabestaande"]] = []
    source: str = ""
    optional: bool = False
    anytime: bool = False
    repeatable: bool = False
    end: bool = False
    cycle: bool = False
    restart: bool = False

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
    basis: Literal["wet", "routekaart", "keuze"] = "wet"
    choice: str = ""
    source: str = ""
    owed_by: Literal["gemeente", "uht", "invorderaar", "ouder", "cws"] = "gemeente"

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
