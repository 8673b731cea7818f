"""Offline on a laptop (issue 19): take cases along in an encrypted file, bring the work back.

    take_along(team, case_ids, target, passphrase)   # herstel meenemen
    hand_in(team, path, passphrase, dry=False)       # herstel inleveren
    resolve(team, conflict_id, choice, reason)       # herstel conflict oplossen
    shred(path)                                      # after a check-in: overwrite, then delete

The laptop file is a complete herstel database (the desk and every command work on it with
``herstel --db PAD``), encrypted with SQLCipher (store/cipher.py). The SQL lives in
store/checkout.py (the copy out) and store/checkin.py (the merge back).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from herstel_tui.domain.enums import OTHER_ROLES, Role
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.files.atomic import TargetExists, fsync, place, temporary
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store, StoreError
from herstel_tui.store.base import connections_open
from herstel_tui.store.checkin import CheckinReport, check_in
from herstel_tui.store.checkin_plan import take_laptop_plan
from herstel_tui.store.checkout import Conflict, copy_out

if TYPE_CHECKING:
    from herstel_tui.store.card import Misfit

__all__ = ["CheckinReport", "hand_in", "resolve", "shred", "take_along"]

CHOICES = {
    "team": "de versie van het team houden",
    "laptop": "de versie van de laptop houden",
    "beide": "beide houden",
    "correctie": "corrigeren met een nieuwe waarde",
}


def take_along(
    team: Store, case_ids: Sequence[int], target: Path, passphrase: str, *, templates: Path | None = None
) -> int:
    """Write the cases to a new encrypted file ``target`` (never over an existing one); returns
    the number of cases. The team database records them as out (audited per case). ``templates``:
    the municipality's own letter folder in use (config ``briefsjablonen``), carried inside the file
    so letters on the laptop use it offline."""
    carried = template_files(templates) if templates is not None else {}
    target = Path(target).expanduser()
    if os.path.lexists(target):
        raise StoreError(f"{target} bestaat al; kies een andere naam (er is niets overschreven)")
    checkout_id = uuid.uuid4().hex
    with temporary(target.parent, prefix=".herstel-meenemen-", suffix=".db") as tmp:
        laptop = open_store(tmp, team.user, passphrase=passphrase)
        try:
            n = copy_out(team, laptop, case_ids, checkout_id=checkout_id, target=str(target))
            if carried:
                laptop.checkouts.carry_templates(carried)
            laptop.conn.execute("PRAGMA journal_mode = DELETE")  # one file to carry, no -wal beside it
        finally:
            laptop.close()
        fsync(tmp)
        try:
            place(tmp, target, overwrite=False)
        except TargetExists:
            raise StoreError(f"{target} bestaat al; kies een andere naam (er is niets overschreven)") from None
    return n


def template_files(folder: Path) -> dict[str, str]:
    """The files of a letter-template folder (letters.toml and the templates beside it)."""
    folder = Path(folder).expanduser()
    if not (folder / "letters.toml").is_file():
        raise StoreError(f"{folder / 'letters.toml'} niet gevonden (briefsjablonen); er is niets meegenomen")
    try:
        return {f.name: f.read_text(encoding="utf-8-sig") for f in sorted(folder.iterdir()) if f.is_file()}
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(
            f"briefsjablonen in {folder} kunnen niet worden gelezen ({exc}); er is niets meegenomen"
        ) from None


def hand_in(team: Store, path: Path, passphrase: str, *, dry: bool = False) -> CheckinReport:
    """Bring the laptop file's work into the team database in one transaction (``dry``: only say
    what would be applied and which conflicts arise)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise StoreError(f"{path} bestaat niet")
    laptop = open_store(path, team.user, passphrase=passphrase, create=False)
    try:
        # Every page's HMAC, not only the pages the merge reads: a changed byte anywhere refuses the file.
        damaged = laptop.conn.execute("PRAGMA cipher_integrity_check").fetchall()
        if damaged or laptop.conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(
                f"{path} is aangetast (de versleuteling klopt niet op elke pagina); er is niets ingeleverd"
            )
        return check_in(team, laptop, dry=dry)
    finally:
        laptop.close()


def shred(path: Path) -> None:
    """Overwrite the laptop file (and its journal files) with zeros, flush, then delete it. Only
    when no connection of this process has it open (closing a descriptor would drop SQLite's locks)."""
    path = Path(path)
    if connections_open(path):
        raise StoreError(f"{path} is nog geopend; er is niets verwijderd")
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if not p.is_file():
            continue
        size = p.stat().st_size
        with open(p, "r+b") as fh:
            chunk = b"\0" * 65536
            left = size
            while left > 0:
                fh.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        p.unlink()


class Resolved(NamedTuple):
    """A conflict settled, and (name, misfit) of the household members' cases that a fact of UHT it
    recorded about their aanvrager now contradicts (``persons.contradictions``: named, not refused)."""

    conflict: Conflict
    contradicted: list[tuple[str, Misfit]]


def resolve(team: Store, conflict_id: int, choice: str, reason: str, value: str | None = None) -> Resolved:
    """Settle one conflict of a check-in: keep the team's version, the laptop's, both, or correct
    it (``value``), always with a reason. Audited; the case no longer shows the conflict."""
    reason = (reason or "").strip()
    if choice not in CHOICES:
        raise StoreError(f"kies {', '.join(CHOICES)}")
    if not reason:
        raise StoreError("geef een reden; er is niets gewijzigd")
    if choice == "correctie" and not (value or "").strip():
        raise StoreError("geef bij een correctie de nieuwe waarde (--waarde); er is niets gewijzigd")
    c = team.checkouts.conflict(conflict_id)
    contradicted: list[tuple[str, Misfit]] = []
    with team.transaction():
        if team.checkouts.is_resolved(c.id):
            raise StoreError(f"conflict {c.id} is al opgelost; er is niets gewijzigd")
        if c.kind == "stap":
            contradicted = _resolve_step(team, c, choice, reason, value)
        elif c.kind == "plan":
            if choice not in ("team", "laptop"):
                raise StoreError("een plan van aanpak houdt u van het team of van de laptop (daarna aan te passen)")
            if choice == "laptop":
                with team.reading() as conn:
                    take_laptop_plan(conn, c)
        elif c.kind == "persoon" and c.field == "huishouden":
            if choice != "team":
                _resolve_place(team, c, choice, value)
        elif choice != "team":
            _resolve_field(team, c, choice, value)
        team.checkouts.mark_resolved(c, choice, reason)
    return Resolved(c, contradicted)


def _resolve_step(team: Store, c: Conflict, choice: str, reason: str, value: str | None) -> list[tuple[str, Misfit]]:
    """The laptop's refused step: dropped ('team'), or recorded as a correction with the reason
    ('laptop'/'beide'; a correction bypasses the order rules), or another step ('correctie':
    ``STAP`` or ``STAP:UITKOMST``). Returns the members' cases it contradicts (:class:`Resolved`)."""
    if choice == "team" or c.case_id is None:
        return []
    lap = c.laptop_value or {}
    from datetime import date

    if choice == "correctie":
        step, _, outcome = (value or "").strip().partition(":")
    else:
        step, outcome = lap.get("step", ""), lap.get("outcome") or ""
    person_id = team.cases.get(c.case_id).person_id
    try:
        with team.persons.contradictions(person_id, step) as contradicted:
            team.cases.record_event(
                c.case_id,
                step,
                date.fromisoformat(lap["fact_date"]) if lap.get("fact_date") else None,
                outcome=outcome or None,
                note=lap.get("note"),
                correction=True,
                reason=reason,
            )
    except TransitionRefused as exc:
        raise StoreError(f"{exc} Er is niets gewijzigd") from None
    return contradicted


def _resolve_place(team: Store, c: Conflict, choice: str, value: str | None) -> None:
    """A place as aanvrager from the laptop in a household that has one (``checkin``): kept out
    ('team'), or given with another role ('correctie': ``persons.add_to_household``, judged as any
    place); 'laptop' or 'beide' would make two aanvragers."""
    if choice != "correctie":
        raise StoreError(
            "een huishouden heeft één aanvrager: houd de versie van het team, of corrigeer met een andere rol "
            f"({OTHER_ROLES}); er is niets gewijzigd"
        )
    household = (c.laptop_value or {}).get("huishouden")
    if household is None or c.person_id is None:  # pragma: no cover - written so by checkin
        raise StoreError(f"conflict {c.id} noemt geen huishouden; er is niets gewijzigd")
    role = Role.get((value or "").strip())
    if role is None or role is Role.AANVRAGER:
        raise StoreError(f"geef bij een correctie een andere rol: {OTHER_ROLES}; er is niets gewijzigd")
    team.persons.add_to_household(int(household), c.person_id, role)


def _resolve_field(team: Store, c: Conflict, choice: str, value: str | None) -> None:
    if choice == "laptop":
        new = c.laptop_value
    elif choice == "beide":
        new = f"{c.team_value} / {c.laptop_value}"
    else:
        new = value
    if c.kind == "persoon" and c.person_id is not None:
        from pydantic import ValidationError

        from herstel_tui.domain.models import Person, validation_message

        person = team.persons.get(c.person_id)
        try:
            checked = Person.model_validate({**person.model_dump(), c.field: new})
        except ValidationError as exc:
            hint = (
                " (beide waarden passen niet in één veld: kies team, laptop of correctie)" if choice == "beide" else ""
            )
            raise StoreError(f"{validation_message(exc)}{hint}; er is niets gewijzigd") from None
        team.persons.update(checked)
    elif c.kind == "zaak" and c.case_id is not None:
        if c.field == "caseworker":
            team.cases.assign(c.case_id, str(new))
        elif c.field == "urgency":
            case = team.cases.get(c.case_id)
            team.cases.set_urgency(c.case_id, new, case.casuistiekoverleg)
        elif c.field == "casuistiekoverleg":
            case = team.cases.get(c.case_id)
            team.cases.set_urgency(c.case_id, case.urgency, bool(new))
        elif c.field == "closed" and new:
            from datetime import date

            team.cases.close(c.case_id, date.fromisoformat(str(new)))
    else:  # pragma: no cover
        raise StoreError(f"conflict {c.id} kan zo niet worden opgelost")
