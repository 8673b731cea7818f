"""A small team database and a laptop checkout of it, for the checkout tests (issue 19)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from herstel_tui.domain.models import Person
from herstel_tui.services.checkout import hand_in, take_along
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from tests.support.data import TEST_BSNS

PASS = "geheim-wachtwoord-19"
ME = "a.devries"  # takes the cases along
COLLEAGUE = "b.bakker"  # works on in the office
START = date(2026, 1, 5)


def make_team(path: Path, n: int = 3) -> tuple[Store, list[int]]:
    """``n`` persons with a case each (brede ondersteuning, aanvraag herbeoordeling on START);
    the first has a child in her household."""
    team = open_store(path, ME)
    ids = []
    for i in range(n):
        person, case = team.persons.register(
            Person(bsn=TEST_BSNS[i], given_names=f"Ouder{i}", surname=f"Achternaam{i}", phone=f"06-1000000{i}"),
            track="brede_ondersteuning",
            opened=START,
        )
        assert case is not None and case.id is not None
        team.cases.record_event(case.id, "aanvraag_herbeoordeling", START)
        ids.append(case.id)
    first = team.cases.get(ids[0]).person_id
    team.persons.register(
        Person(bsn=TEST_BSNS[50], given_names="Kind", surname="Achternaam0"), role="kind", household_of=first
    )
    return team, ids


def checkout(team: Store, case_ids: list[int], path: Path) -> Store:
    """Take the cases along to ``path`` and open the laptop file as the laptop's user would."""
    take_along(team, case_ids, path, PASS)
    return open_store(path, ME, passphrase=PASS)


def colleague(team: Store) -> Store:
    """A second connection to the team file, as a colleague's desk or shell."""
    return open_store(team.path, COLLEAGUE)


def state(store: Store) -> tuple:
    """What a check-in may change, to compare before and after."""
    c = store.conn
    return (
        store.counts(),
        c.execute("SELECT max(id) FROM audit").fetchone()[0],
        c.execute("SELECT count(*) FROM checkin_applied").fetchone()[0],
        c.execute("SELECT count(*) FROM checkin_conflicts").fetchone()[0],
        c.execute("SELECT group_concat(coalesce(phone, '-')) FROM persons").fetchone()[0],
        c.execute("SELECT group_concat(version) FROM cases").fetchone()[0],
    )


def conflicted_outcome(team: Store, anna_case: int, lap_path: Path) -> tuple:
    """The child of Ouder0 (whose case is ``anna_case``: make_team) has a case in the office with
    ondersteuning aan kinderen of 20-05-2026. The laptop records UHT's "niet gedupeerd" of 10-05-2026
    for Ouder0; a colleague recorded "gedupeerd" meanwhile, so it comes back as a conflict. Returns
    (the conflict, the child's case)."""
    kid = next(p for p, role, _ in team.persons.household_of(team.cases.get(anna_case).person_id) if role == "kind")
    kids = team.cases.open(kid.id, "brede_ondersteuning", opened=date(2026, 3, 2))
    team.cases.record_event(kids.id, "aanmelding_gemeente", date(2026, 3, 2))
    with checkout(team, [anna_case], lap_path) as lap:
        lap.cases.record_event(anna_case, "eerste_toets", date(2026, 5, 10), outcome="niet_gedupeerd")
    with colleague(team) as other:
        other.cases.record_event(anna_case, "eerste_toets", date(2026, 5, 8), outcome="gedupeerd")
        other.cases.record_event(kids.id, "ondersteuning_kinderen", date(2026, 5, 20))
    report = hand_in(team, lap_path, PASS)
    assert report.warnings == [] and len(report.conflicts) == 1  # (the laptop's fact is not taken yet)
    (k,) = team.checkouts.conflicts(case_id=anna_case)
    return k, kids


def second_aanvrager(team: Store, anna_case: int, other_case: int, lap_path: Path) -> tuple:
    """Kees's household has no aanvrager when his case and Ouder0's (``anna_case``) go along; the
    laptop places Ouder0 there as aanvrager, the office Ouder1 (``other_case``) meanwhile; handed in.
    Returns the household, the person ids of Ouder0, Ouder1 and Kees, and the hand-in's report."""
    from herstel_tui.domain.models import Person

    anna, other = (team.cases.get(c).person_id for c in (anna_case, other_case))
    kees = team.persons.add(Person(bsn=TEST_BSNS[20], given_names="Kees", surname="Bos")).id
    assert kees is not None
    household = team.persons.create_household([(kees, "toeslagpartner")]).id
    assert household is not None
    kees_case = team.cases.open(kees, "schuldenaanpak", opened=date(2023, 1, 2)).id
    assert kees_case is not None
    with checkout(team, [anna_case, kees_case], lap_path) as lap:
        lap.persons.add_to_household(household, anna, "aanvrager")
    with colleague(team) as office:
        office.persons.add_to_household(household, other, "aanvrager")
    return household, anna, other, kees, hand_in(team, lap_path, PASS)
