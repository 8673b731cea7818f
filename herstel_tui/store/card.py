"""The case card of `herstel toon` read without pydantic or the full Store (its quick path), and
the reads it shares with the repositories: a case's events as the engine takes them (with the
facts the household's aanvrager shares), a person's main household, a household's members.

A row is used as it is stored only when the models would take it unchanged: its text already
under the text policy (``domain/text``), its BSN, postcode, phone, e-mail, dates and choices in
the form the models store them (``domain/fields``). Then the models would give the same values,
and the card reads the same. Anything else (a row another tool wrote, a ref that is not one
case: unknown, two cases for a BSN, a household member without a case of their own) gives None,
and the full Store answers with its own words. Standard library, the routekaart engine and
``domain.enums`` only.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import NamedTuple

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import BsnError, normalize_bsn
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import AuditAction, Channel, Role, Track, Urgency
from herstel_tui.domain.fields import PersonWords, blank_to_none, email_value, phone_value, postcode_value
from herstel_tui.domain.record import record
from herstel_tui.domain.routekaart import RecordedEvent
from herstel_tui.domain.text import scrub_stored
from herstel_tui.store.base import audit_alone

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Sequence
    from typing import Any

    from herstel_tui.domain.models import Case, ContactNote, Person
    from herstel_tui.domain.routekaart import CaseView, Routekaart


# -- shared with the repositories ----------------------------------------------------------------

CASE_COLS = "id, zaaknummer, person_id, track, caseworker, opened, closed, urgency, casuistiekoverleg, version"
EVENT_COLS = "id, case_id, step, outcome, fact_date, recorded_at, recorded_by, note, correction, reason"
NOTES = (
    "SELECT id, case_id, date, channel, text, by, recorded_at FROM contact_notes WHERE case_id = ? "
    "ORDER BY date DESC, id DESC"
)
MAIN_FIRST = "role = 'aanvrager' DESC, household_id"  # a person's main household first
#: (person id, role) of everyone in the households of a person (parameters: that person, twice),
#: each once, in their main role (:data:`MAIN_FIRST`; a person in two of those households with two
#: roles was listed twice, and the desk's household list refused the same case twice: it crashed):
#: the person first, then by role, then by id.
HOUSEHOLD_MEMBERS = """SELECT person_id, role FROM (SELECT hm2.person_id, hm2.role,
               row_number() OVER (PARTITION BY hm2.person_id ORDER BY hm2.role = 'aanvrager' DESC,
                 hm2.household_id) AS n
               FROM household_members hm1 JOIN household_members hm2 ON hm2.household_id = hm1.household_id
               WHERE hm1.person_id = ?) WHERE n = 1 ORDER BY person_id = ? DESC,
               CASE role WHEN 'aanvrager' THEN 0 WHEN 'toeslagpartner' THEN 1
                 WHEN 'ex-toeslagpartner' THEN 2 WHEN 'kind' THEN 3 ELSE 4 END, person_id"""

# Facts of the household's aanvrager that hold for a member's own case: the toeslagpartner shares
# the outcome and the payment (the moratorium: "De gedupeerde ouder en toeslagpartner"); a child's
# case follows the parent's outcome (the kindregeling follows the parent's recognition: "Dit is een
# herstelregeling voor kinderen van gedupeerde ouders"). A person shares them only in the households
# where they have their main role (:func:`inherited_of`; :data:`MAIN_FIRST`: where they are aanvrager,
# else the household registered first): a child who is someone's toeslagpartner in a later household
# follows its parent, and an ex-toeslagpartner shares nothing ("Op dit moment wordt een regeling voor
# ex-partners uitgewerkt": their own scheme). Municipal choices: which household is the main one (the
# oldest: a child whom a list names the toeslagpartner of someone registered before takes that role,
# tests/services/test_import_batch.py::partner_list), and where a person has the same role in two
# households, the first aanvrager's case in the same track.
SHARED_STEPS: dict[str, tuple[str, ...]] = {
    "toeslagpartner": ("eerste_toets", "integrale_beoordeling", "eerste_betaling"),
    "kind": ("eerste_toets", "integrale_beoordeling"),
}
#: Every step of SHARED_STEPS: a fact of the aanvrager some member shares (:func:`shares`)
SHARED_STEP_IDS = frozenset(step for steps in SHARED_STEPS.values() for step in steps)
#: (person id) of everyone who may share the facts of some persons (parameter: a JSON list of them):
#: the others in the households where they are aanvrager, in a role that shares (:data:`SHARED_STEPS`;
#: whether it is their main role, :func:`inherited_of` decides). Whose case index rows follow when
#: those facts change (``cases.index_sharers``).
SHARERS = (
    "SELECT DISTINCT m.person_id FROM household_members a JOIN household_members m "
    "ON m.household_id = a.household_id AND m.person_id != a.person_id "
    f"AND m.role IN ({', '.join(repr(role) for role in SHARED_STEPS)}) "
    "WHERE a.role = 'aanvrager' AND a.person_id IN (SELECT value FROM json_each(?))"
)


def main_membership(conn: sqlite3.Connection, person_id: int) -> tuple[int, str] | None:
    """(household id, role) of the person's main household: where they are aanvrager, else
    their first one; None outside any household."""
    row = conn.execute(
        f"SELECT household_id, role FROM household_members WHERE person_id = ? ORDER BY {MAIN_FIRST} LIMIT 1",
        (person_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


#: The household members of the households some persons are in, as they will be once the rows of a
#: JSON list of [household, person, role] are written too (parameters: the persons, that list
#: twice): what the import's batch asks before it writes a toeslagpartner's place
#: (``ImportBatch.link_partner``). Read by the indexes: the persons' memberships, then their
#: households' (a few rows).
MEMBERS_AND = (
    "WITH members(household_id, person_id, role) AS (SELECT household_id, person_id, role FROM household_members "
    "WHERE household_id IN (SELECT household_id FROM household_members WHERE person_id IN "
    "(SELECT value FROM json_each(?))) OR household_id IN (SELECT json_extract(value, '$[0]') FROM json_each(?)) "
    "UNION ALL SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') "
    "FROM json_each(?)) "
)


def _members(persons: str, extra: Sequence[tuple[int, int, str]] | None) -> tuple[str, str, tuple]:
    """(the query's start, the members table to read, their parameters) for the ``persons`` (a JSON
    list): with ``extra`` memberships as though written (MEMBERS_AND)."""
    if extra is None:
        return "", "household_members", ()
    added = json.dumps(extra)
    return MEMBERS_AND, "members", (persons, added, added)


def main_roles(
    conn: sqlite3.Connection, person_ids: Sequence[int], extra: Sequence[tuple[int, int, str]] | None = None
) -> dict[int, str]:
    """person id → role in their main household (see :func:`main_membership`), for many at once;
    with ``extra`` memberships as though written (MEMBERS_AND)."""
    roles: dict[int, str] = {}
    persons = json.dumps(list(person_ids))
    start, members, more = _members(persons, extra)
    for pid, role in conn.execute(
        f"{start}SELECT person_id, role FROM {members} WHERE person_id IN (SELECT value FROM json_each(?)) "
        f"ORDER BY person_id, {MAIN_FIRST}",
        (*more, persons),
    ):
        roles.setdefault(pid, role)
    return roles


def own_events(conn: sqlite3.Connection, case_id: int) -> list[RecordedEvent]:
    """The case's own events as the engine takes them, in the order they were recorded."""
    rows = conn.execute(
        "SELECT step, fact_date, outcome, correction, reason, id FROM events WHERE case_id = ? ORDER BY id",
        (case_id,),
    ).fetchall()
    return [RecordedEvent(s, date.fromisoformat(f), o, bool(c), r, i) for s, f, o, c, r, i in rows]


def recorded_events(conn: sqlite3.Connection, routekaart: Routekaart, case_id: int) -> list[RecordedEvent]:
    """The case's events as the engine takes them: in the order they were recorded, after the
    facts the person shares with the household's aanvrager (:data:`SHARED_STEPS`)."""
    own = own_events(conn, case_id)
    row = conn.execute("SELECT person_id, track FROM cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        return own
    shared = inherited_events(conn, routekaart, [(row[0], row[1])]).get((row[0], row[1]), [])
    return shared + own if shared else own


def person_misfits(
    conn: sqlite3.Connection,
    routekaart: Routekaart,
    person_id: int,
    *,
    extra: Sequence[tuple[int, int, str]] | None = None,
    cases: Sequence[tuple[int, str | None, str, list[RecordedEvent]]] | None = None,
) -> list[Misfit]:
    """Each of the person's cases (by id) whose timeline does not fit the routekaart with the role
    and the shared facts their households give them as the database holds them now (:func:`misfits`;
    the facts as :func:`recorded_events` puts them first, read once for all the cases). ``extra``:
    memberships as though written (MEMBERS_AND); ``cases``: (id, zaaknummer, track, own events) as
    the caller knows them (the import's batch), else read."""
    roles, rows = shared_rows(conn, [person_id], extra)
    role, facts = roles.get(person_id), rows.get(person_id, [])
    if cases is None:
        found = conn.execute("SELECT id, zaaknummer, track FROM cases WHERE person_id = ? ORDER BY id", (person_id,))
        cases = [(cid, number, track, own_events(conn, cid)) for cid, number, track in found.fetchall()]
    return misfits(
        routekaart,
        role,
        (
            (number or str(cid), track, inherited_of(routekaart, role, facts, track) + own)
            for cid, number, track, own in cases
        ),
    )


def brought_about(before: list[Misfit], after: list[Misfit]) -> list[Misfit]:
    """The misfits of ``after`` that ``before`` had not (a case that now fails, or fails otherwise):
    what a change brought about, not what its cases held already."""
    return [m for m in after if m not in before]


class Misfit(NamedTuple):
    """A case whose timeline does not fit the routekaart (:func:`misfits`), in Dutch parts."""

    number: str  # the zaaknummer
    own: str  # the case's own event that does not fit: "Ondersteuning aan kinderen van 25-11-2026"
    beside: str  # what it meets: " naast Eerste toets: Niet gedupeerd van … van de aanvrager", or ""
    reason: str  # the engine's refusal

    def refusal(self) -> str:
        """Said of a place in a household that was not saved (it would bring this about)."""
        return f"in zaak {self.number} past {self.own} dan niet meer{self.beside}. {self.reason} Controleer het huishouden."

    def warning(self, name: str) -> str:
        """Said of a member's case after a fact of UHT about the aanvrager was recorded (it stands)."""
        return f"zaak {self.number} van {name}: {self.own} past niet{self.beside}. Controleer die zaak."


def misfits(
    routekaart: Routekaart, role: str | None, cases: Iterable[tuple[str, str, Sequence[RecordedEvent]]]
) -> list[Misfit]:
    """Of ``cases`` ((zaaknummer, track, the events as the engine takes them: shared facts first)
    of a person with this ``role``), each whose timeline does not fit (:meth:`Routekaart.misfit`):
    the case's own event that no longer fits, the aanvrager's facts it meets there, and the
    engine's reason."""
    out = []
    for number, track, events in cases:
        found = routekaart.misfit(track, events, role)
        if found is None:
            continue
        ev, reason = found
        title = routekaart.event_title
        shared = ", ".join(
            f"{title(track, e.step, e.outcome)} van {format_date(e.fact_date)}" for e in events if e.inherited
        )
        beside = f" naast {shared} van de aanvrager" if shared else f" voor een {role}" if role else ""
        out.append(
            Misfit(number, f"{title(track, ev.step, ev.outcome)} van {format_date(ev.fact_date)}", beside, reason)
        )
    return out


def shares(step: str) -> bool:
    """Whether the step is a fact of the aanvrager that household members share (:data:`SHARED_STEPS`)."""
    return step in SHARED_STEP_IDS


def inherited_events(
    conn: sqlite3.Connection, routekaart: Routekaart, wanted: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], list[RecordedEvent]]:
    """UHT's facts about the household's aanvrager that hold for each (person id, track) too, in
    two queries; pairs without shared facts are left out. Taken from the aanvrager's case in the
    same track, else the other one."""
    persons = sorted({pid for pid, _ in wanted})
    if not persons:
        return {}
    roles, facts = shared_rows(conn, persons)
    out: dict[tuple[int, str], list[RecordedEvent]] = {}
    for pid, track in wanted:
        shared = inherited_of(routekaart, roles.get(pid), facts.get(pid, ()), track)
        if shared:
            out[(pid, track)] = shared
    return out


def shared_rows(
    conn: sqlite3.Connection, persons: Sequence[int], extra: Sequence[tuple[int, int, str]] | None = None
) -> tuple[dict[int, str], dict[int, list[tuple]]]:
    """The persons' roles (:func:`main_roles`) and, per person, the rows of the facts their
    households' aanvragers may share with them, each with the person's role in that household
    (what :func:`inherited_of` takes), in two queries; with ``extra`` memberships as though written
    (MEMBERS_AND)."""
    roles = main_roles(conn, persons, extra)
    every = sorted({step for steps in SHARED_STEPS.values() for step in steps})
    facts: dict[int, list[tuple]] = {}
    wanted = json.dumps(list(persons))
    start, members, more = _members(wanted, extra)
    for row in conn.execute(
        f"{start}SELECT hm1.person_id, c.id, c.track, e.id, e.step, e.fact_date, e.outcome, e.correction, e.reason, "
        "hm1.role "
        f"FROM {members} hm1 JOIN {members} hm2 ON hm2.household_id = hm1.household_id "
        "AND hm2.role = 'aanvrager' AND hm2.person_id != hm1.person_id "
        "JOIN cases c ON c.person_id = hm2.person_id JOIN events e ON e.case_id = c.id "
        f"WHERE hm1.person_id IN (SELECT value FROM json_each(?)) AND e.step IN ({','.join('?' * len(every))})",
        (*more, wanted, *every),
    ):
        facts.setdefault(row[0], []).append(row[1:])
    return roles, facts


def inherited_of(routekaart: Routekaart, role: str | None, rows: Iterable[tuple], track: str) -> list[RecordedEvent]:
    """The shared facts of a person with this main ``role`` in ``track``, from their rows of
    :func:`shared_rows`: those of the aanvragers of the households where they have that role (none:
    an empty list)."""
    steps = SHARED_STEPS.get(role or "")
    found = [r for r in rows if steps and r[3] in steps and r[8] == role]
    if not found:
        return []
    # the aanvrager's case in this track first, else the other one; within it, record order
    found.sort(key=lambda r: (r[1] != track, r[0], r[2]))
    first = found[0][0]
    has_step = routekaart.has_step
    return [
        RecordedEvent(s, date.fromisoformat(f), o, bool(c), r, None, True)
        for cid, _t, _eid, s, f, o, c, r, _role in found
        if cid == first and has_step(track, s)
    ]


# -- the card ------------------------------------------------------------------------------------


@record
class CardCase:
    id: int
    zaaknummer: str | None
    person_id: int
    track: Track
    caseworker: str | None
    opened: date
    closed: date | None
    urgency: Urgency | None
    casuistiekoverleg: bool


@record
class CardPerson(PersonWords):
    id: int
    bsn: str | None
    given_names: str
    surname_prefix: str | None
    surname: str
    birth_date: date | None
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    phone: str | None
    email: str | None
    preferred_channel: Channel | None


@record
class CardNote:
    date: date
    channel: Channel
    text: str
    by: str | None


if TYPE_CHECKING:
    # what the card reads: a model (the full Store's path) or this module's record of the row
    CaseLike = Case | CardCase
    PersonLike = Person | CardPerson
    NoteLike = ContactNote | CardNote


@record
class Card:
    """What `herstel toon` shows of a case (from the models or from this module)."""

    case: CaseLike
    person: PersonLike
    household: Sequence[tuple[PersonLike, Role, Sequence[CaseLike]]]
    view: CaseView
    notes: Sequence[NoteLike]
    step_notes: dict[int, str]
    routekaart: Routekaart


class _NotAsStored(Exception):
    """A value the models would change or refuse: the full Store reads this card."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# the audit and note times as the package writes them (clock.now_iso)
_ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:[+-][0-9]{2}:[0-9]{2})?"
)


def _text(value: Any, *, multiline: bool = False, blank: str = "none") -> str | None:
    """``value`` (None or text) when the text policy and the field's rule keep it as it is, else
    _NotAsStored. ``blank``: what the field's rule does to surrounding blanks ("none": strips, and
    empty becomes None; "keep": nothing)."""
    if value is None:
        return None
    if not isinstance(value, str) or scrub_stored(value, multiline=multiline) != value:
        raise _NotAsStored
    if blank == "none" and blank_to_none(value) != value:
        raise _NotAsStored
    return value


def _required_text(value: Any, *, multiline: bool = False) -> str:
    """A text field that is stripped and may not be empty (a name, a note's text)."""
    if value is None or _text(value, multiline=multiline, blank="none") is None:
        raise _NotAsStored
    return value


def _rule(check: Any, value: Any) -> str | None:
    """``value`` when the field's own rule (``domain.fields``) keeps it as it is."""
    value = _text(value, blank="keep")
    try:
        if check(value) != value:
            raise _NotAsStored
    except ValueError:
        raise _NotAsStored from None
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _NotAsStored
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _NotAsStored from None


def _optional_date(value: Any) -> date | None:
    return None if value is None else _date(value)


def _time(value: Any) -> None:
    """A time (None or text) pydantic and ``datetime.fromisoformat`` both read, else _NotAsStored."""
    if value is None:
        return
    if not isinstance(value, str) or not _ISO_TIME.fullmatch(value):
        raise _NotAsStored
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _NotAsStored from None


def _choice(enum: Any, value: Any, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in enum._value2member_map_:
        raise _NotAsStored
    return enum(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _NotAsStored
    return value


def _case(row: tuple) -> CardCase:
    """A row of :data:`CASE_COLS` as ``Case.model_validate`` would take it unchanged."""
    cid, zaaknummer, person_id, track, caseworker, opened, closed, urgency, overleg, version = row
    if overleg not in (0, 1) or type(overleg) is not int:
        raise _NotAsStored
    _int(version)
    case = CardCase(
        id=_int(cid),
        zaaknummer=_text(zaaknummer, blank="keep"),
        person_id=_int(person_id),
        track=_choice(Track, track),
        caseworker=_text(caseworker),
        opened=_date(opened),
        closed=_optional_date(closed),
        urgency=_choice(Urgency, urgency, optional=True),
        casuistiekoverleg=bool(overleg),
    )
    if case.closed is not None and case.closed < case.opened:
        raise _NotAsStored  # the model refuses it
    return case


_PERSON_COLS = (
    "id, bsn, given_names, surname_prefix, surname, birth_date, street, house_number, postcode, city, phone, "
    "email, preferred_channel"
)


def _person(conn: sqlite3.Connection, where: str, arg: Any) -> CardPerson | None:
    """The person ``WHERE {where} = arg`` as ``Person.model_validate`` would take the row unchanged."""
    cur = conn.execute(f"SELECT * FROM persons WHERE {where} = ?", (arg,))
    if [d[0] for d in cur.description] != [c.strip() for c in _PERSON_COLS.split(",")]:
        raise _NotAsStored  # another schema than the model's (the model forbids extra fields)
    row = cur.fetchone()
    if row is None:
        return None
    pid, bsn, given, prefix, surname, born, street, number, postcode, city, phone, email, channel = row
    birth_date = _optional_date(born)
    if birth_date is not None and birth_date > clock.today():
        raise _NotAsStored  # the model refuses a birth date in the future
    if bsn is not None:
        _text(bsn, blank="keep")
        try:
            if normalize_bsn(bsn) != bsn:
                raise _NotAsStored
        except BsnError:
            raise _NotAsStored from None
    return CardPerson(
        id=_int(pid),
        bsn=bsn,
        given_names=_required_text(given),
        surname_prefix=_text(prefix),
        surname=_required_text(surname),
        birth_date=birth_date,
        street=_text(street),
        house_number=_text(number),
        postcode=_rule(postcode_value, postcode) if postcode is not None else None,
        city=_text(city),
        phone=_rule(phone_value, phone) if phone is not None else None,
        email=_rule(email_value, email) if email is not None else None,
        preferred_channel=_choice(Channel, channel, optional=True),
    )


def _note(row: tuple) -> CardNote:
    """A row of :data:`NOTES` as ``ContactNote.model_validate`` would take it unchanged."""
    _nid, _case_id, on, channel, text, by, recorded_at = row
    _int(_nid), _int(_case_id)
    _time(recorded_at)
    return CardNote(
        date=_date(on),
        channel=_choice(Channel, channel),
        text=_required_text(text, multiline=True),
        by=_text(by, blank="keep"),
    )


def _cases_of(conn: sqlite3.Connection, person_id: int) -> list[CardCase]:
    rows = conn.execute(f"SELECT {CASE_COLS} FROM cases WHERE person_id = ? ORDER BY track", (person_id,))
    return [_case(r) for r in rows.fetchall()]


SHORT_ZAAKNUMMER = re.compile(r"^\d{4}-\d{6}$")  # as the case list shows it at 80 columns: 2025-000039


def _case_of_ref(conn: sqlite3.Connection, ref: str, spoor: str | None) -> CardCase | None:
    """The one case ``ref`` names, as ``cli.base.resolve_case`` finds it; None for anything else
    (its messages are the full path's). A BSN of a person without a case of their own is the
    member card (``cli.lookup._member_card``): None too."""
    try:
        bsn: str | None = normalize_bsn(ref.strip())
    except BsnError:
        bsn = None
    ref = ref.strip()
    if ref.upper().startswith("HKO-") or SHORT_ZAAKNUMMER.match(ref):
        zaaknummer = ref if ref.upper().startswith("HKO-") else "HKO-" + ref
        if bsn is not None:
            return None  # (cannot be: a zaaknummer is no BSN) the full path decides
        row = conn.execute(
            f"SELECT {CASE_COLS} FROM cases WHERE zaaknummer = ?", (zaaknummer.strip().upper(),)
        ).fetchone()
        return _case(row) if row else None
    if bsn is None:
        return None
    person = _person(conn, "bsn", bsn)
    if person is None:
        return None
    cases = _cases_of(conn, person.id)
    if spoor:
        cases = [k for k in cases if k.track.value == spoor]
    return cases[0] if len(cases) == 1 else None


def read_card(
    conn: sqlite3.Connection, user: str, routekaart: Routekaart, ref: str, spoor: str | None, today: date
) -> Card | None:
    """The card of the case ``ref`` names (a zaaknummer, or a BSN with ``spoor`` when the person
    has two), with its look audited, as ``herstel toon`` reads it through the Store; None when
    this module cannot be sure of that (see the module's text): nothing is written then."""
    try:
        case = _case_of_ref(conn, ref, spoor)
        if case is None:
            return None
        person = _person(conn, "id", case.person_id)
        if person is None:
            return None
        household: list[tuple[PersonLike, Role, Sequence[CaseLike]]] = []
        for pid, role in conn.execute(HOUSEHOLD_MEMBERS, (person.id, person.id)).fetchall():
            member = person if pid == person.id else _person(conn, "id", pid)
            if member is None or role not in Role._value2member_map_:
                return None
            household.append((member, Role(role), list(_cases_of(conn, pid))))
        membership = main_membership(conn, case.person_id)
        view = routekaart.evaluate(
            case.track.value,
            recorded_events(conn, routekaart, case.id),
            today,
            role=membership[1] if membership else None,
        )
        notes = [_note(r) for r in conn.execute(NOTES + " LIMIT 5", (case.id,)).fetchall()]
        step_notes = {}
        for eid, fact_date, recorded_at, note in conn.execute(
            "SELECT id, fact_date, recorded_at, note FROM events WHERE case_id = ? ORDER BY fact_date, id", (case.id,)
        ).fetchall():
            date.fromisoformat(fact_date), datetime.fromisoformat(recorded_at)  # (as the model's construction)
            if eid is not None and note:
                step_notes[eid] = note
    except (_NotAsStored, ValueError, TypeError, KeyError):
        return None
    audit_alone(conn, user, AuditAction.VIEWED, "zaak", case.id, person_id=person.id, case_id=case.id)
    return Card(case, person, household, view, notes, step_notes, routekaart)
