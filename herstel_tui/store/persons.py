"""Persons and households: the register's people, matched by BSN and never duplicated."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import mask_bsn
from herstel_tui.domain.enums import OTHER_ROLES, AuditAction, Role, Track
from herstel_tui.domain.models import PERSON_WORDS, Case, Household, HouseholdMember, Person
from herstel_tui.store.base import HouseholdRefused, StoreError
from herstel_tui.store.card import (
    HOUSEHOLD_MEMBERS,
    SHARERS,
    Misfit,
    brought_about,
    main_membership,
    main_roles,
    person_misfits,
    shares,
)
from herstel_tui.store.repository import Repository

SENSITIVE = {"bsn"}  # fields the audit trail holds masked


#: A person's place in a household (the demo's and the import's bulk writers the same).
MEMBER_INSERT = "INSERT INTO household_members (household_id, person_id, role) VALUES (?,?,?)"


def _redact_value(key: str, value: Any) -> Any:
    """What the audit trail may hold of a person's field: never a full BSN."""
    if key in SENSITIVE and value:
        return mask_bsn(str(value))
    return value


def redacted_person(row: dict[str, Any]) -> dict[str, Any]:
    """A person's fields for the audit trail: keyed by their Dutch words (as the trail has always
    been), never a full BSN."""
    return {PERSON_WORDS.get(k, k): _redact_value(k, v) for k, v in row.items() if v is not None}


def person_row(p: Person) -> dict[str, Any]:
    """The person's columns as stored (without the id)."""
    return p.model_dump(mode="json", exclude={"id"})


def person_changes(old_row: dict[str, Any], new_row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """column -> (old, new) of the columns that differ."""
    return {k: (old_row[k], v) for k, v in new_row.items() if old_row[k] != v}


def change_detail(changed: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """The audit detail of a person's change: old and new per Dutch word, never a full BSN."""
    return {
        PERSON_WORDS.get(k, k): {"oud": _redact_value(k, o), "nieuw": _redact_value(k, n)}
        for k, (o, n) in changed.items()
    }


class PersonRepository(Repository):
    """``store.persons``"""

    _cols: list[str] | None = None

    def add(self, person: Person) -> Person:
        row = person_row(person)
        with self.transaction():
            if person.bsn and self.exists(person.bsn):
                raise StoreError(f"Er staat al een persoon met BSN {person.bsn_masked} in het register")
            cur = self.conn.execute(
                "INSERT INTO persons ({}) VALUES ({})".format(", ".join(row), ", ".join("?" * len(row))),
                tuple(row.values()),
            )
            new = person.model_copy(update={"id": cur.lastrowid})
            self.audit(
                AuditAction.CREATED, "persoon", new.id, person_id=new.id, detail=redacted_person(person_row(new))
            )
            return new

    def update(self, person: Person) -> Person:
        if person.id is None:
            raise StoreError("persoon zonder id kan niet worden bijgewerkt")
        with self.transaction():
            old_row = person_row(self.get(person.id))
            new_row = person_row(person)
            changed = person_changes(old_row, new_row)
            if not changed:
                return self.get(person.id)
            sets = ", ".join(f"{k} = ?" for k in changed)
            self.conn.execute(f"UPDATE persons SET {sets} WHERE id = ?", (*(v for _, v in changed.values()), person.id))
            self.audit(AuditAction.CHANGED, "persoon", person.id, person_id=person.id, detail=change_detail(changed))
            return person

    def get(self, person_id: int) -> Person:
        row = self.conn.execute("SELECT * FROM persons WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise StoreError(f"persoon {person_id} bestaat niet")
        return self._person(row)

    def _must_exist(self, person_id: int) -> None:
        """The refusal of :meth:`get`, without reading the person (an import adds thousands)."""
        if self.conn.execute("SELECT 1 FROM persons WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"persoon {person_id} bestaat niet")

    def find_by_bsn(self, bsn: str) -> Person | None:
        row = self.conn.execute("SELECT * FROM persons WHERE bsn = ?", (bsn,)).fetchone()
        return self._person(row) if row else None

    def row_by_bsn(self, bsn: str) -> dict[str, Any] | None:
        """The raw register row (no model validation: an import looks persons up 50,000 times)."""
        row = self.conn.execute("SELECT * FROM persons WHERE bsn = ?", (bsn,)).fetchone()
        return dict(zip(self._columns(), row)) if row else None

    def exists(self, bsn: str) -> bool:
        return self.conn.execute("SELECT 1 FROM persons WHERE bsn = ?", (bsn,)).fetchone() is not None

    def _columns(self) -> list[str]:
        if self._cols is None:
            self._cols = [d[0] for d in self.conn.execute("SELECT * FROM persons LIMIT 0").description]
        return self._cols

    def _person(self, row: sqlite3.Row | tuple) -> Person:
        return Person.model_validate(dict(zip(self._columns(), row)))

    # -- households ------------------------------------------------------------------------------

    def create_household(
        self, members: Sequence[tuple[int, Role | str]], registered_on: date | None = None
    ) -> Household:
        checked = [HouseholdMember(household_id=0, person_id=pid, role=role) for pid, role in members]
        roles = [m.role for m in checked]
        if roles.count(Role.AANVRAGER) > 1:
            raise StoreError("een huishouden heeft één aanvrager")
        with self.transaction():
            hid = self.conn.execute(
                "INSERT INTO households (registered_on) VALUES (?)",
                (registered_on.isoformat() if registered_on else None,),
            ).lastrowid
            for m in checked:
                self._must_exist(m.person_id)
                self.conn.execute(
                    MEMBER_INSERT,
                    (hid, m.person_id, m.role.value),
                )
            self.audit(
                AuditAction.CREATED,
                "huishouden",
                hid,
                detail={"leden": [{"persoon": m.person_id, "rol": m.role.value} for m in checked]},
            )
            self.store.cases.index_persons(m.person_id for m in checked)
            return Household(id=hid, registered_on=registered_on)

    def add_to_household(self, household_id: int, person_id: int, role: Role | str) -> None:
        """The person in the household with this role. Refused (:class:`HouseholdRefused`, the place
        not saved) when it makes one of their timelines no longer fit the routekaart: the role and
        the facts of the aanvrager the household gives them may contradict what their cases hold
        (a list naming a child someone's toeslagpartner; "its composition fixed at the moment of
        registration"). A misfit their timelines had before is not this place's to refuse. An
        aanvrager is refused where the household has one; in one without, the others take their
        facts from now on, so their timelines are judged, and indexed, too."""
        m = HouseholdMember(household_id=household_id, person_id=person_id, role=role)
        with self.transaction(), self.store.savepoint("household_join"):
            write = (MEMBER_INSERT, (household_id, person_id, m.role.value))
            judged = self._judged_place(household_id, person_id, m.role, [write], others=m.role is Role.AANVRAGER)
            self.audit(AuditAction.ADDED, "huishouden", household_id, person_id=person_id, detail={"rol": m.role.value})
            self.store.cases.index_persons(judged)

    def set_role(self, household_id: int, person_id: int, role: Role | str) -> bool:
        """The person's role in a household they are in, changed (a second aanvrager written before
        that was refused, a child who became someone's toeslagpartner): judged as a new place is
        (:meth:`add_to_household`), for everyone in the household, whose shared facts may change
        with it; audited. Returns whether it changed."""
        m = HouseholdMember(household_id=household_id, person_id=person_id, role=role)
        with self.transaction(), self.store.savepoint("household_role"):
            row = self.conn.execute(
                "SELECT role FROM household_members WHERE household_id = ? AND person_id = ?", (household_id, person_id)
            ).fetchone()
            if row is None:
                raise StoreError(f"deze persoon hoort niet bij huishouden {household_id}; er is niets gewijzigd")
            if row[0] == m.role.value:
                return False
            writes = [
                ("DELETE FROM household_members WHERE household_id = ? AND person_id = ?", (household_id, person_id)),
                (MEMBER_INSERT, (household_id, person_id, m.role.value)),
            ]
            judged = self._judged_place(
                household_id, person_id, m.role, writes, others=True, refused="Rol niet gewijzigd"
            )
            detail = {"rol": m.role.value, "was": row[0]}
            self.audit(AuditAction.CHANGED, "huishouden", household_id, person_id=person_id, detail=detail)
            self.store.cases.index_persons(judged)
            return True

    def _judged_place(
        self,
        household_id: int,
        person_id: int,
        role: Role,
        writes: list[tuple[str, tuple]],
        *,
        others: bool,
        refused: str = "Niet aan het huishouden toegevoegd",
    ) -> list[int]:
        """Write the person's place (``writes``), inside the caller's savepoint, after the rules a
        place keeps: one aanvrager per household; no timeline of the person (and, with ``others``,
        of the household's other members) brought out of the routekaart by it (``HouseholdRefused``).
        Returns the persons judged: their case index rows follow."""
        members = self.conn.execute(
            "SELECT person_id, role FROM household_members WHERE household_id = ? AND person_id != ?",
            (household_id, person_id),
        ).fetchall()
        if role is Role.AANVRAGER and any(r == Role.AANVRAGER.value for _, r in members):
            raise StoreError(f"dit huishouden heeft al een aanvrager; kies een andere rol ({OTHER_ROLES})")
        judged = [person_id, *(pid for pid, _ in members if others)]
        before = {pid: person_misfits(self.conn, self.routekaart, pid) for pid in judged}
        for sql, args in writes:
            self.conn.execute(sql, args)
        for pid in judged:
            new = brought_about(before[pid], person_misfits(self.conn, self.routekaart, pid))
            if new:
                raise HouseholdRefused(new[0].refusal(), refused)
        return judged

    @contextmanager
    def contradictions(self, aanvrager_id: int, step: str) -> Iterator[list[tuple[str, Misfit]]]:
        """Around the recording of ``step`` on a case of ``aanvrager_id``, in one transaction: the
        list it yields is filled, after the block, with (name, misfit) of each household member
        and case the step then contradicts and did not before (``card.brought_about``). A fact
        of UHT about the aanvrager (:func:`card.shares`) is recorded all the same (UHT decided it);
        a caseworker is told which cases to look at. The members judged are those who may share
        the fact (``card.SHARERS``); whether they do, their main role says (``card.inherited_of``)."""
        found: list[tuple[str, Misfit]] = []
        if not shares(step):
            yield found
            return
        with self.transaction():
            members = [
                pid
                for (pid,) in self.conn.execute(
                    f"SELECT p.id FROM persons p WHERE p.id IN ({SHARERS}) "
                    "AND EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id) ORDER BY p.id",
                    (json.dumps([aanvrager_id]),),
                )
            ]
            before = {pid: person_misfits(self.conn, self.routekaart, pid) for pid in members}
            yield found
            for pid in members:
                new = brought_about(before[pid], person_misfits(self.conn, self.routekaart, pid))
                if new:
                    name = self.get(pid).name
                    found.extend((name, misfit) for misfit in new)

    def join_household_of(self, anchor_id: int, person_id: int, role: Role | str) -> int:
        """Put ``person_id`` in the main household of ``anchor_id`` (made if the anchor has none)."""
        with self.transaction():
            main = main_membership(self.conn, anchor_id)
            if main is not None:
                self.add_to_household(main[0], person_id, role)
                return main[0]
            household = self.create_household([(anchor_id, Role.AANVRAGER), (person_id, role)])
            assert household.id is not None
            return household.id

    def main_membership(self, person_id: int) -> tuple[int, str] | None:
        """(household id, role) of the person's main household: where they are aanvrager, else
        their first one; None outside any household."""
        return main_membership(self.conn, person_id)

    def main_roles(self, person_ids: Sequence[int]) -> dict[int, str]:
        """person id → role in their main household (see :meth:`main_membership`), for many at once."""
        return main_roles(self.conn, person_ids)

    def main_household(self, person_id: int) -> int | None:
        """The household where the person is aanvrager, else their first one."""
        membership = self.main_membership(person_id)
        return membership[0] if membership else None

    def in_household(self, household_id: int, person_id: int) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM household_members WHERE household_id = ? AND person_id = ?", (household_id, person_id)
            ).fetchone()
            is not None
        )

    def register(
        self,
        person: Person,
        *,
        role: Role | str = Role.AANVRAGER,
        household_of: int | None = None,
        track: Track | str | None = None,
        caseworker: str | None = None,
        opened: date | None = None,
    ) -> tuple[Person, Case | None]:
        """A new person, their place in a household and (optionally) their case: all or nothing.

        ``household_of`` puts the person in that person's household; without it a new household
        is made with this person in ``role``. A form that registers someone calls this once, so
        a killed process can never leave a person without the case that was confirmed.
        """
        checked = HouseholdMember(household_id=0, person_id=0, role=role).role
        with self.transaction():
            new = self.add(person)
            assert new.id is not None
            if household_of is not None:
                self.join_household_of(household_of, new.id, checked)
            else:
                self.create_household([(new.id, checked)], registered_on=opened or clock.today())
            case = self.store.cases.open(new.id, track, caseworker=caseworker, opened=opened) if track else None
            return new, case

    def household_of(self, person_id: int) -> list[tuple[Person, Role, list[Case]]]:
        """Everyone in the person's household(s), the person first, each with their cases."""
        rows = self.conn.execute(HOUSEHOLD_MEMBERS, (person_id, person_id)).fetchall()
        return [(self.get(pid), Role(role), self.store.cases.of_person(pid)) for pid, role in rows]
