"""All SQL of the plan van aanpak (``store.plans``): versions, leefgebieden, goals and actions.

Every write is one transaction (joining an outer one when nested) with its audit rows. Audit
rows stay small and carry no free text: a changed text is audited by field and length (the
audit trail is append-only and outlives a person who is forgotten; the texts themselves are
health and family information). Choices, dates and amounts are audited with their old and new
values.

Agreeing a plan records the routekaart milestone (``plan_hoofdlijnen`` / ``plan_volledig``)
through ``store.cases.record_event`` in the same transaction, so the statutory termijn stops and
the case list's summary is refreshed; when the routekaart engine refuses, nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from herstel_tui.domain import clock
from herstel_tui.domain.clock import now_iso
from herstel_tui.domain.dates import DateError, parse_optional_date
from herstel_tui.domain.enums import AuditAction, Consent, GoalStatus, Leefgebied, PlanActor, PlanStatus
from herstel_tui.domain.plan import (
    ACTION_TEXT_MAX,
    AREA_FIELD_TITLES,
    AREA_FIELDS,
    AREA_TEXT_MAX,
    GOAL_TEXT_MAX,
    LEEFGEBIEDEN,
    NOTE_MAX,
    PARTY_MAX,
    PLAN_RULES,
    Action,
    AreaText,
    Goal,
    PlanRuleError,
    PlanVersion,
    check_agreement,
    checked_text,
    nazorg_problem,
)
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.domain.text import TextError, clean_text
from herstel_tui.store.base import CHANGED_MEANWHILE, UNSET, PlanRefused, StoreError, VersionAgreed, conflict
from herstel_tui.store.drafts import draft_key
from herstel_tui.store.repository import Repository

__all__ = ["CHANGED_MEANWHILE", "ActionChoice", "PlanRefused", "PlanRepository", "VersionAgreed", "draft_key"]


def _norm(field: str, value: Any) -> Any:
    """A field's value as the store and a form can both give it, for comparing."""
    if hasattr(value, "value"):  # enums
        value = value.value
    if field == "done":
        return bool(value)
    if field == "due":
        if isinstance(value, str):
            value = parse_optional_date(value, label="uiterlijk")
        return value
    if field == "goal_uid":
        return int(value) if value not in (None, "") else None
    return value if value is not None else ""


_ACTION_FIELD_TITLES = {
    "what": "wat er gebeurt",
    "who": "wie",
    "party": "de partij",
    "due": "de datum",
    "done": "'gedaan'",
    "goal_uid": "het doel",
}


@dataclass(frozen=True)
class ActionChoice:
    uid: int
    area: Leefgebied
    what: str
    version: int

    @property
    def label(self) -> str:
        return f"{self.area.label}: {self.what or '(leeg)'}"


_VERSION_COLS = (
    "v.id, p.case_id, v.number, v.status, v.based_on, v.created_at, v.created_by, v.agreed_on, "
    "v.consent, v.consent_note, v.agreed_by"
)
_GOAL_COLS = "id, uid, area, position, text, status"
_ACTION_COLS = "id, uid, area, position, goal_uid, what, who, party, due, done"


def _len(text: str | None) -> int:
    return len(text or "")


def first_message(exc: Exception) -> str:
    """The first Dutch message of a pydantic ValidationError (or the text of another error)."""
    if isinstance(exc, ValidationError):
        errs = exc.errors()
        if errs:
            return str(errs[0].get("msg", "")).removeprefix("Value error, ")
    return str(exc)


_Item = TypeVar("_Item", Goal, Action)


def _action_of(row: tuple) -> Action:
    """An action from its columns (``_ACTION_COLS``)."""
    keys = [c.strip() for c in _ACTION_COLS.split(",")]
    values = dict(zip(keys, row))
    values["due"] = date.fromisoformat(values["due"]) if values["due"] else None
    values["done"] = bool(values["done"])
    return Action(**values)


def _goal_of(row: tuple) -> Goal:
    """A goal from its columns (``_GOAL_COLS``)."""
    return Goal(**dict(zip([c.strip() for c in _GOAL_COLS.split(",")], row)))


def _typed(label: str, text: object) -> None:
    """The text policy for what the caseworker typed (``domain/text``): a control character is
    refused naming the field, nothing saved. (Reading keeps removing them: ``checked_text``.)"""
    if isinstance(text, str):
        try:
            clean_text(text, field=label, multiline=True)
        except TextError as exc:
            raise PlanRefused(str(exc)) from None


class PlanRepository(Repository):
    """``store.plans``"""

    def _version_meta(self, version_id: int) -> tuple[int, int, PlanStatus, bool]:
        """(case_id, number, status, latest) of a version."""
        row = self.conn.execute(
            "SELECT p.case_id, v.number, v.status, v.plan_id FROM plan_versions v JOIN plans p ON p.id = v.plan_id "
            "WHERE v.id = ?",
            (version_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"versie {version_id} van het plan bestaat niet")
        latest = self.conn.execute("SELECT max(number) FROM plan_versions WHERE plan_id = ?", (row[3],)).fetchone()[0]
        return row[0], row[1], PlanStatus(row[2]), row[1] == latest

    def _require_concept(self, version_id: int) -> tuple[int, int]:
        case_id, number, status, _ = self._version_meta(version_id)
        if status is not PlanStatus.CONCEPT:
            raise VersionAgreed(
                f"versie {number} van het plan is vastgesteld en kan niet meer worden gewijzigd; maak een nieuwe versie"
            )
        return case_id, number

    def _require_latest(self, version_id: int) -> tuple[int, int]:
        case_id, number, _, latest = self._version_meta(version_id)
        if not latest:
            raise PlanRefused(f"versie {number} is een oude versie van het plan; die blijft zoals ze was")
        return case_id, number

    @staticmethod
    def _refused(exc: Exception | str) -> PlanRefused:
        return PlanRefused(str(exc))

    # -- reading -------------------------------------------------------------------------------

    def _plan_id(self, case_id: int) -> int | None:
        row = self.conn.execute("SELECT id FROM plans WHERE case_id = ?", (case_id,)).fetchone()
        return row[0] if row else None

    def _version(self, row: tuple, latest_number: int, full: bool) -> PlanVersion:
        (
            vid,
            case_id,
            number,
            status,
            based_on,
            created_at,
            created_by,
            agreed_on,
            consent,
            consent_note,
            agreed_by,
        ) = row
        areas: tuple[AreaText, ...] = ()
        goals: tuple[Goal, ...] = ()
        actions: tuple[Action, ...] = ()
        if full:
            found = {
                r[0]: r
                for r in self.conn.execute(
                    "SELECT area, situation, question FROM plan_areas WHERE version_id = ?", (vid,)
                )
            }
            areas = tuple(
                AreaText(
                    area=a.value,
                    situation=found[a.value][1] if a.value in found else "",
                    question=found[a.value][2] if a.value in found else "",
                )
                for a in LEEFGEBIEDEN
            )
            goals = tuple(
                _goal_of(r)
                for r in self.conn.execute(
                    f"SELECT {_GOAL_COLS} FROM plan_goals WHERE version_id = ? ORDER BY position, id", (vid,)
                )
            )
            actions = tuple(
                _action_of(r)
                for r in self.conn.execute(
                    f"SELECT {_ACTION_COLS} FROM plan_actions WHERE version_id = ? ORDER BY position, id", (vid,)
                )
            )
        return PlanVersion(
            id=vid,
            case_id=case_id,
            number=number,
            status=status,
            based_on=based_on,
            created_at=datetime.fromisoformat(created_at),
            created_by=created_by,
            agreed_on=date.fromisoformat(agreed_on) if agreed_on else None,
            consent=consent,
            consent_note=consent_note,
            agreed_by=agreed_by,
            latest=number == latest_number,
            areas=areas,
            goals=goals,
            actions=actions,
        )

    def versions(self, case_id: int) -> list[PlanVersion]:
        """Every version of the case's plan (summaries without content), oldest first."""
        rows = self.conn.execute(
            f"SELECT {_VERSION_COLS} FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE p.case_id = ? "
            "ORDER BY v.number",
            (case_id,),
        ).fetchall()
        latest = rows[-1][2] if rows else 0
        return [self._version(r, latest, False) for r in rows]

    def version(self, case_id: int, number: int | None = None) -> PlanVersion | None:
        """A whole version (the latest when ``number`` is None), or None when there is none."""
        plan_id = self._plan_id(case_id)
        if plan_id is None:
            return None
        latest = self.conn.execute("SELECT max(number) FROM plan_versions WHERE plan_id = ?", (plan_id,)).fetchone()[0]
        if latest is None:
            return None
        row = self.conn.execute(
            f"SELECT {_VERSION_COLS} FROM plan_versions v JOIN plans p ON p.id = v.plan_id "
            "WHERE v.plan_id = ? AND v.number = ?",
            (plan_id, number if number is not None else latest),
        ).fetchone()
        return self._version(row, latest, True) if row else None

    def version_by_id(self, version_id: int) -> PlanVersion:
        case_id, number, _, _ = self._version_meta(version_id)
        v = self.version(case_id, number)
        assert v is not None
        return v

    def last_agreed(self, case_id: int) -> PlanVersion | None:
        row = self.conn.execute(
            "SELECT max(v.number) FROM plan_versions v JOIN plans p ON p.id = v.plan_id "
            "WHERE p.case_id = ? AND v.status <> 'concept'",
            (case_id,),
        ).fetchone()
        return self.version(case_id, row[0]) if row and row[0] else None

    def plan_deadlines(self, case_id: int, today: date | None = None) -> list:
        """The routekaart termijnen of the plan (op hoofdlijnen, volledig), running or stopped."""
        view = self.store.cases.view(case_id, today=today)
        return [d for d in view.deadlines if d.rule in PLAN_RULES]

    def action_choices(self, case_id: int) -> list[ActionChoice]:
        """The actions a cost entry can belong to: those of the latest version, then older ones."""
        out: dict[int, ActionChoice] = {}
        for number, uid, area, what in self.conn.execute(
            "SELECT v.number, a.uid, a.area, a.what FROM plan_actions a JOIN plan_versions v ON v.id = a.version_id "
            "JOIN plans p ON p.id = v.plan_id WHERE p.case_id = ? ORDER BY v.number DESC, a.area, a.position, a.id",
            (case_id,),
        ):
            if uid not in out:
                out[uid] = ActionChoice(uid, Leefgebied(area), what, number)
        return list(out.values())

    # -- versions ------------------------------------------------------------------------------

    def start_concept(self, case_id: int) -> PlanVersion:
        """The concept to edit: the existing one, version 1 of a new plan, or a copy of the
        latest agreed version (a new version; the agreed one stays as it was)."""
        with self.transaction():
            case = self.store.cases.get(case_id)
            if case.track.value != "brede_ondersteuning":
                raise PlanRefused("een plan van aanpak hoort bij een zaak brede ondersteuning")
            plan_id = self._plan_id(case_id)
            if plan_id is None:
                plan_id = self.conn.execute("INSERT INTO plans (case_id) VALUES (?)", (case_id,)).lastrowid
            row = self.conn.execute(
                "SELECT id, number, status FROM plan_versions WHERE plan_id = ? ORDER BY number DESC LIMIT 1",
                (plan_id,),
            ).fetchone()
            if row and row[2] == PlanStatus.CONCEPT.value:
                return self.version_by_id(row[0])
            now = now_iso()
            number = (row[1] + 1) if row else 1
            vid = self.conn.execute(
                "INSERT INTO plan_versions (plan_id, number, status, based_on, created_at, created_by) "
                "VALUES (?, ?, 'concept', ?, ?, ?)",
                (plan_id, number, row[1] if row else None, now, self.user),
            ).lastrowid
            if row is None:
                self.conn.executemany(
                    "INSERT INTO plan_areas (version_id, area) VALUES (?, ?)", [(vid, a.value) for a in LEEFGEBIEDEN]
                )
                self.audit_case(AuditAction.CREATED, "plan", vid, case_id, {"versie": 1})
            else:
                src = row[0]
                self.conn.execute(
                    "INSERT INTO plan_areas (version_id, area, situation, question) "
                    "SELECT ?, area, situation, question FROM plan_areas WHERE version_id = ?",
                    (vid, src),
                )
                self.conn.execute(
                    "INSERT INTO plan_goals (version_id, uid, area, position, text, status) "
                    "SELECT ?, uid, area, position, text, status FROM plan_goals WHERE version_id = ?",
                    (vid, src),
                )
                self.conn.execute(
                    "INSERT INTO plan_actions (version_id, uid, area, position, goal_uid, what, who, party, due, done) "
                    "SELECT ?, uid, area, position, goal_uid, what, who, party, due, done FROM plan_actions "
                    "WHERE version_id = ?",
                    (vid, src),
                )
                self.audit_case(
                    AuditAction.NEW_VERSION, "plan", vid, case_id, {"versie": number, "op_basis_van": row[1]}
                )
            assert vid is not None
            return self.version_by_id(vid)

    def agree(
        self,
        version_id: int,
        level: PlanStatus | str,
        agreed_on: date,
        consent: Consent | str,
        note: str | None = None,
        *,
        today: date | None = None,
        draft: str | None = None,
    ) -> PlanVersion:
        """Fix a concept as agreed with the person and record the routekaart milestone, at once.

        The milestone (``plan_hoofdlijnen`` or ``plan_volledig``) is recorded only when the case
        does not have it yet (a second version agreed op hoofdlijnen does not record it again).
        When the routekaart refuses (no eerste gesprek yet, a date before it), nothing is saved.
        """

        today = today or clock.today()
        try:
            note = clean_text(note or "", field="de toelichting", multiline=True).strip() or None
        except TextError as exc:
            raise PlanRefused(str(exc)) from None
        if note and len(note) > NOTE_MAX:
            raise PlanRefused(f"de toelichting is langer dan {NOTE_MAX} tekens")
        try:
            with self.transaction():
                case_id, number, _status, latest = self._version_meta(version_id)
                version = self.version_by_id(version_id)
                if not latest:
                    raise PlanRefused(f"versie {number} is niet de nieuwste versie")
                previous = self.last_agreed(case_id)
                lvl = check_agreement(version, level, agreed_on, consent, previous=previous, today=today)
                consent_value = Consent(consent).value if not isinstance(consent, Consent) else consent.value
                self.conn.execute(
                    "UPDATE plan_versions SET status = ?, agreed_on = ?, consent = ?, consent_note = ?, agreed_at = ?, "
                    "agreed_by = ? WHERE id = ?",
                    (lvl.value, agreed_on.isoformat(), consent_value, note, now_iso(), self.user, version_id),
                )
                self.audit_case(
                    AuditAction.AGREED,
                    "plan",
                    version_id,
                    case_id,
                    {
                        "versie": number,
                        "status": lvl.value,
                        "afgesproken": agreed_on.isoformat(),
                        "instemming": consent_value,
                    },
                )
                # the milestones of the current round (a restart begins a new one); a full plan
                # already covers the outline, which the routekaart does not take after it
                view = self.store.cases.view(case_id, today)
                done = {d.step for d in view.done if not (d.superseded or d.earlier_round or d.off_route)}
                if "plan_volledig" in done:
                    done.add("plan_hoofdlijnen")
                milestone = lvl.milestone
                if milestone and milestone not in done:
                    text = f"Plan van aanpak versie {number}, instemming: {Consent(consent_value).label.lower()}"
                    if note:
                        text += f" ({note})"
                    self.store.cases.record_event(case_id, milestone, agreed_on, note=text)
                if draft:
                    self.store.drafts.discard(draft)
                return self.version_by_id(version_id)
        except (PlanRuleError, TransitionRefused) as exc:
            raise self._refused(exc) from None

    def start_nazorg(self, case_id: int, on: date | None = None, *, note: str | None = None) -> Any:
        """Record the routekaart step ``nazorg`` (24 months) when every goal of the latest
        version that is not vervallen is behaald."""

        on = on or clock.today()
        try:
            with self.transaction():
                latest = self.version(case_id)
                problem = nazorg_problem(latest)
                if problem:
                    raise PlanRefused(f"Nazorg kan nog niet starten: {problem}.")
                assert latest is not None
                text = note or f"Alle doelen van het plan van aanpak (versie {latest.number}) behaald"
                return self.store.cases.record_event(case_id, "nazorg", on, note=text)
        except TransitionRefused as exc:
            raise self._refused(exc) from None

    # -- content -------------------------------------------------------------------------------

    def set_area_text(
        self, version_id: int, area: Leefgebied | str, field: str, text: str, *, based_on: str | None = UNSET
    ) -> bool:
        """Save one text of a leefgebied ('situatie' or 'hulpvraag'); True when it changed.
        ``based_on``: the text the form showed; refused (ConflictError) when the stored text is
        no longer that one."""
        if field not in AREA_FIELDS:
            raise PlanRefused(f"onbekend veld {field!r}")
        _typed(field, text)
        try:
            a = Leefgebied(area)
            value = checked_text(text, field, AREA_TEXT_MAX)
        except (ValueError, PlanRuleError) as exc:
            raise self._refused(exc) from None
        col = AREA_FIELDS[field]
        with self.transaction():
            case_id, _ = self._require_concept(version_id)
            row = self.conn.execute(
                f"SELECT {col} FROM plan_areas WHERE version_id = ? AND area = ?", (version_id, a.value)
            ).fetchone()
            old = row[0] if row else ""
            if (old or "") == (value or ""):
                return False
            if based_on is not UNSET and (old or "") != (based_on or ""):
                raise conflict(f"{AREA_FIELD_TITLES[field]} bij {a.label}")
            self.conn.execute(
                f"INSERT INTO plan_areas (version_id, area, {col}) VALUES (?, ?, ?) "
                f"ON CONFLICT (version_id, area) DO UPDATE SET {col} = excluded.{col}",
                (version_id, a.value, value),
            )
            self.audit_case(
                AuditAction.CHANGED,
                "plan",
                version_id,
                case_id,
                {"leefgebied": a.value, "veld": field, "lengte": {"oud": _len(old), "nieuw": _len(value)}},
            )
            return True

    def _next_position(self, table: str, version_id: int, area: str) -> int:
        row = self.conn.execute(
            f"SELECT max(position) FROM {table} WHERE version_id = ? AND area = ?", (version_id, area)
        ).fetchone()
        return (row[0] + 1) if row and row[0] is not None else 0

    def _add_item(self, table: str, entity: str, version_id: int, item: _Item, values: dict[str, Any]) -> _Item:
        """Add a goal or an action at the end of its leefgebied of a concept; its ``uid`` is its id."""
        with self.transaction():
            case_id, _ = self._require_concept(version_id)
            area = item.area.value
            columns = {"version_id": version_id, "uid": 0, "area": area, **values}
            columns["position"] = self._next_position(table, version_id, area)
            new_id = self.conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(columns.values()),
            ).lastrowid
            self.conn.execute(f"UPDATE {table} SET uid = id WHERE id = ?", (new_id,))
            self.audit_case(AuditAction.ADDED, entity, new_id, case_id, {"versie_id": version_id, "leefgebied": area})
            return item.model_copy(update={"id": new_id, "uid": new_id, "position": columns["position"]})

    def _in_concept(self, read: Callable[[int], tuple[int, _Item]], item_id: int) -> tuple[int, int, _Item]:
        """(version id, case id, item) of a goal or an action that only a concept may change."""
        version_id, item = read(item_id)
        case_id, _ = self._require_concept(version_id)
        return version_id, case_id, item

    def _delete_item(self, table: str, entity: str, item_id: int, case_id: int, detail: dict[str, Any]) -> None:
        """Delete a goal or an action (inside the caller's transaction, its concept checked) and log it."""
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (item_id,))
        self.audit_case(AuditAction.DELETED, entity, item_id, case_id, detail)

    def add_goal(
        self, version_id: int, area: Leefgebied | str, text: str = "", status: GoalStatus | str = GoalStatus.OPEN
    ) -> Goal:
        _typed("doel", text)
        try:
            goal = Goal(area=area, text=text, status=status)
        except ValueError as exc:
            raise self._refused(first_message(exc)) from None
        return self._add_item("plan_goals", "doel", version_id, goal, {"text": goal.text, "status": goal.status.value})

    def _goal(self, goal_id: int) -> tuple[int, Goal]:
        row = self.conn.execute(f"SELECT version_id, {_GOAL_COLS} FROM plan_goals WHERE id = ?", (goal_id,)).fetchone()
        if row is None:
            raise PlanRefused("dit doel bestaat niet (meer)")
        return row[0], _goal_of(row[1:])

    def update_goal(
        self,
        goal_id: int,
        *,
        text: str = UNSET,
        status: GoalStatus | str = UNSET,
        based_on: dict[str, Any] | None = None,
    ) -> Goal:
        """Change a goal's text (concept only) and/or status (progress: the latest version).
        ``based_on``: {'text'|'status': value the form showed}; see ``set_area_text``."""
        if text is not UNSET:
            _typed("doel", text)
        with self.transaction():
            version_id, old = self._goal(goal_id)
            for f, shown in (based_on or {}).items():
                wanted = text if f == "text" else status
                if wanted is UNSET or _norm(f, wanted) == _norm(f, getattr(old, f)):
                    continue
                if _norm(f, getattr(old, f)) != _norm(f, shown):
                    raise conflict("de tekst van dit doel" if f == "text" else "de status van dit doel")
            try:
                changes: dict[str, Any] = {}
                if text is not UNSET:
                    changes["text"] = checked_text(text, "doel", GOAL_TEXT_MAX)
                if status is not UNSET:
                    changes["status"] = Goal(area=old.area, status=status).status
                new = Goal(**{**old.model_dump(), **changes})
            except (ValueError, PlanRuleError) as exc:
                raise self._refused(first_message(exc)) from None
            if "text" in changes and new.text != old.text:
                case_id, _ = self._require_concept(version_id)
            else:
                case_id, _ = self._require_latest(version_id)
            detail: dict[str, Any] = {}
            if new.text != old.text:
                self.conn.execute("UPDATE plan_goals SET text = ? WHERE id = ?", (new.text, goal_id))
                detail["tekst"] = {"lengte": {"oud": _len(old.text), "nieuw": _len(new.text)}}
            if new.status != old.status:
                self.conn.execute("UPDATE plan_goals SET status = ? WHERE id = ?", (new.status.value, goal_id))
                detail["status"] = {"oud": old.status.value, "nieuw": new.status.value}
            if detail:
                self.audit_case(AuditAction.CHANGED, "doel", goal_id, case_id, detail)
            return new

    def delete_goal(self, goal_id: int) -> None:
        with self.transaction():
            version_id, case_id, goal = self._in_concept(self._goal, goal_id)
            self.conn.execute(
                "UPDATE plan_actions SET goal_uid = NULL WHERE version_id = ? AND goal_uid = ?", (version_id, goal.uid)
            )
            detail = {"leefgebied": goal.area.value, "status": goal.status.value, "lengte": _len(goal.text)}
            self._delete_item("plan_goals", "doel", goal_id, case_id, detail)

    def add_action(
        self,
        version_id: int,
        area: Leefgebied | str,
        *,
        what: str = "",
        who: PlanActor | str = PlanActor.GEMEENTE,
        party: str | None = None,
        due: date | str | None = None,
        goal_uid: int | None = None,
    ) -> Action:
        _typed("actie", what)
        _typed("partij", party)
        try:
            action = Action(area=area, what=what, who=who, party=party, due=due, goal_uid=goal_uid)
        except ValueError as exc:
            raise self._refused(first_message(exc)) from None
        values = {
            "goal_uid": action.goal_uid,
            "what": action.what,
            "who": action.who.value,
            "party": action.party,
            "due": action.due.isoformat() if action.due else None,
            "done": 0,
        }
        return self._add_item("plan_actions", "actie", version_id, action, values)

    def _action(self, action_id: int) -> tuple[int, Action]:
        row = self.conn.execute(
            f"SELECT version_id, {_ACTION_COLS} FROM plan_actions WHERE id = ?", (action_id,)
        ).fetchone()
        if row is None:
            raise PlanRefused("deze actie bestaat niet (meer)")
        return row[0], _action_of(row[1:])

    def update_action(self, action_id: int, *, based_on: dict[str, Any] | None = None, **changes: Any) -> Action:
        """Change fields of an action: what, who, party, due (text dd-mm-jjjj or a date), goal_uid
        (concept only), done (progress: the latest version). ``based_on``: {field: value the form
        showed}; see ``set_area_text``."""
        _typed("actie", changes.get("what"))
        _typed("partij", changes.get("party"))
        allowed = {"what", "who", "party", "due", "goal_uid", "done"}
        unknown = set(changes) - allowed
        if unknown:
            raise PlanRefused(f"onbekend veld: {', '.join(sorted(unknown))}")
        with self.transaction():
            version_id, old = self._action(action_id)
            for f, shown in (based_on or {}).items():
                try:
                    same_now = f in changes and _norm(f, changes[f]) == _norm(f, getattr(old, f))
                    moved = _norm(f, getattr(old, f)) != _norm(f, shown)
                except DateError:
                    continue  # the form showed an invalid date: nothing to compare with
                if not same_now and moved:
                    raise conflict(_ACTION_FIELD_TITLES.get(f, f) + " van deze actie")
            try:
                data = {**old.model_dump(), **changes}
                if isinstance(data.get("due"), str):
                    data["due"] = parse_optional_date(data["due"], label="uiterlijk")
                if "what" in changes:
                    checked_text(changes["what"], "actie", ACTION_TEXT_MAX)
                if isinstance(changes.get("party"), str) and len(changes["party"].strip()) > PARTY_MAX:
                    raise PlanRuleError(f"partij is langer dan {PARTY_MAX} tekens")
                new = Action(**data)
            except (ValueError, PlanRuleError) as exc:
                raise self._refused(first_message(exc)) from None
            content = [f for f in ("what", "who", "party", "due", "goal_uid") if getattr(new, f) != getattr(old, f)]
            if content:
                case_id, _ = self._require_concept(version_id)
            else:
                case_id, _ = self._require_latest(version_id)
            detail: dict[str, Any] = {}
            sets: dict[str, Any] = {}
            for f in content:
                o, n = getattr(old, f), getattr(new, f)
                if f == "what":
                    detail["wat"] = {"lengte": {"oud": _len(o), "nieuw": _len(n)}}
                    sets["what"] = n
                elif f == "who":
                    detail["wie"] = {"oud": o.value, "nieuw": n.value}
                    sets["who"] = n.value
                elif f == "party":
                    detail["partij"] = {"lengte": {"oud": _len(o), "nieuw": _len(n)}}
                    sets["party"] = n
                elif f == "due":
                    detail["uiterlijk"] = {"oud": o.isoformat() if o else None, "nieuw": n.isoformat() if n else None}
                    sets["due"] = n.isoformat() if n else None
                elif f == "goal_uid":
                    detail["doel"] = {"oud": o, "nieuw": n}
                    sets["goal_uid"] = n
            if new.done != old.done:
                detail["gedaan"] = {"oud": old.done, "nieuw": new.done}
                sets["done"] = int(new.done)
            if sets:
                cols = ", ".join(f"{k} = ?" for k in sets)
                self.conn.execute(f"UPDATE plan_actions SET {cols} WHERE id = ?", (*sets.values(), action_id))
                self.audit_case(AuditAction.CHANGED, "actie", action_id, case_id, detail)
            return new

    def delete_action(self, action_id: int) -> None:
        with self.transaction():
            _, case_id, action = self._in_concept(self._action, action_id)
            if action.uid == action_id:
                n = self.conn.execute(
                    "SELECT count(*) FROM cost_entries WHERE action_uid = ?", (action_id,)
                ).fetchone()[0]
                if n:
                    raise PlanRefused(
                        f"aan deze actie {'is' if n == 1 else 'zijn'} {n} kostenpost"
                        f"{'' if n == 1 else 'en'} gekoppeld; koppel die eerst los"
                    )
            detail = {"leefgebied": action.area.value, "wie": action.who.value, "gedaan": action.done}
            self._delete_item("plan_actions", "actie", action_id, case_id, detail)

    def log_print(self, case_id: int, version: int, files: Iterable[str]) -> None:
        with self.transaction():
            self.audit_case(AuditAction.PRINTED, "plan", None, case_id, {"versie": version, "bestanden": list(files)})

    # -- retention -----------------------------------------------------------------------------

    def anonymise(self, case_id: int) -> None:
        """Remove the plan's texts of a case past retention: the plan goes, the cost entries stay
        (amounts, dates, components: the accounts) without their descriptions."""
        with self.transaction():
            self.conn.execute(
                "UPDATE cost_entries SET action_uid = NULL, description = 'geanonimiseerd' WHERE case_id = ?",
                (case_id,),
            )
            self.conn.execute("DELETE FROM plans WHERE case_id = ?", (case_id,))
            self.conn.execute("DELETE FROM form_drafts WHERE case_id = ?", (case_id,))
            self.audit_case(AuditAction.ANONYMISED, "plan", None, case_id, {})
