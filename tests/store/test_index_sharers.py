"""The case index follows the facts a household member shares with the aanvrager (``card.SHARERS``):
whichever way those facts change (a laptop's hand-in, a case or person removed, an aanvrager
joining; a step recorded: tests/store/test_household_route.py), every case that shares them has
index rows the engine would make now. Before, each of these left a member's row stale until
``herstel controle --herbouw``: the werkvoorraad showed the member's case without the termijn the
aanvrager's outcome starts."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from herstel_tui.store.base import HouseholdRefused, StoreError
from tests.support.tables import index_rows, table_rows

STALE = "het zaakoverzicht wijkt af van de tijdlijn"


@pytest.fixture
def store(tmp_path, pinned_today):
    s = open_store(tmp_path / "h.db", "t.tester")
    yield s
    s.close()


def person(store: Store, bsn: str, name: str) -> int:
    p = store.persons.add(Person(bsn=bsn, given_names=name, surname="Bos"))
    assert p.id is not None
    return p.id


def paused_case(store: Store, person_id: int) -> int:
    """A schuldenaanpak case up to the pauzeknop: the point where UHT's eerste toets comes."""
    cid = store.cases.open(person_id, "schuldenaanpak", opened=date(2023, 1, 2)).id
    assert cid is not None
    store.cases.record_event(cid, "aanvraag_herbeoordeling", date(2023, 1, 3))
    store.cases.record_event(cid, "start_pauzeknop", date(2023, 2, 1))
    return cid


def assert_current(store: Store, case_id: int) -> tuple:
    """The case's stored index rows are what the engine makes of the register now; they are returned."""
    stored = index_rows(store.conn, case_id)
    with store.transaction():
        store.cases.refresh_index([case_id])
    assert index_rows(store.conn, case_id) == stored
    assert not [p for p in store.maintenance.check().problems if STALE in p]
    return stored


@pytest.mark.parametrize("how", ["remove_person", "delete_case"])
def test_removing_the_aanvrager_takes_the_shared_facts_from_the_members_index(store, test_bsns, how):
    """A person who declines support (``herstel vergeet``) or a case past its retention period
    (``herstel opschonen``): the toeslagpartner no longer shares that outcome."""
    anna, kees = person(store, test_bsns[0], "Anna"), person(store, test_bsns[1], "Kees")
    store.persons.create_household([(anna, "aanvrager"), (kees, "toeslagpartner")])
    annas, kees_case = paused_case(store, anna), paused_case(store, kees)
    alone = assert_current(store, kees_case)
    store.cases.record_event(annas, "eerste_toets", date(2023, 4, 1), outcome="niet_gedupeerd")
    shared = assert_current(store, kees_case)
    assert shared != alone
    if how == "remove_person":
        store.maintenance.remove_person(anna, "wil geen ondersteuning")
    else:
        store.maintenance.delete_case(annas)
    assert assert_current(store, kees_case) == alone


def test_a_second_aanvrager_is_refused_and_nothing_is_saved(store, test_bsns):
    """A household has one aanvrager (``create_household`` said so; a place added later did not
    ask): ``herstel persoon nieuw --bij`` without ``--rol`` made a second one."""
    anna = person(store, test_bsns[0], "Anna")
    household = store.persons.create_household([(anna, "aanvrager")]).id
    assert household is not None
    before = table_rows(store.conn)
    with pytest.raises(StoreError, match="dit huishouden heeft al een aanvrager; kies een andere rol"):
        store.persons.register(
            Person(bsn=test_bsns[1], given_names="Bert", surname="Bos"), role="aanvrager", household_of=anna
        )
    assert table_rows(store.conn) == before


def test_an_aanvrager_joining_a_household_without_one_is_judged_for_the_others_too(store, test_bsns):
    """Kees has a household of his own as toeslagpartner (no aanvrager). When Anna joins it as
    aanvrager, Kees shares her facts: his index follows, and a place that would contradict his
    own timeline is refused, as for any place (``add_to_household``)."""
    kees, anna, bo = (person(store, test_bsns[n], name) for n, name in enumerate(("Kees", "Anna", "Bo")))
    household = store.persons.create_household([(kees, "toeslagpartner")]).id
    assert household is not None
    kees_case = paused_case(store, kees)
    annas = paused_case(store, anna)
    store.cases.record_event(annas, "eerste_toets", date(2023, 4, 1), outcome="geen_uitsluitsel")
    alone = assert_current(store, kees_case)
    store.persons.add_to_household(household, anna, "aanvrager")
    assert assert_current(store, kees_case) != alone

    # Bo's own timeline ended the pauzeknop on "niet gedupeerd"; Anna's "geen uitsluitsel" would
    # be his outcome in a household where she is aanvrager: refused, nothing saved.
    other = store.persons.create_household([(bo, "toeslagpartner")]).id
    assert other is not None
    bos = paused_case(store, bo)
    store.cases.record_event(bos, "eerste_toets", date(2023, 4, 1), outcome="niet_gedupeerd")
    store.cases.record_event(bos, "einde_pauzeknop", date(2023, 6, 1))
    before = table_rows(store.conn)
    with pytest.raises(HouseholdRefused, match=f"in zaak {store.cases.get(bos).zaaknummer} past"):
        store.persons.add_to_household(other, anna, "aanvrager")
    assert table_rows(store.conn) == before


def test_controle_names_a_household_with_two_aanvragers(store, test_bsns):
    """Written before the refusal (``herstel persoon nieuw --bij`` without ``--rol``), or by another
    tool: `herstel controle` names the household."""
    from herstel_tui.store.persons import MEMBER_INSERT

    anna, bert = person(store, test_bsns[0], "Anna"), person(store, test_bsns[1], "Bert")
    household = store.persons.create_household([(anna, "aanvrager")]).id
    assert store.maintenance.check().ok
    with store.transaction():
        store.conn.execute(MEMBER_INSERT, (household, bert, "aanvrager"))
    assert store.maintenance.check().problems == [
        f"huishouden {household}: 2 aanvragers (een huishouden heeft één aanvrager; wijzig een rol met "
        f"`herstel persoon rol BSN ROL --huishouden {household}`)"
    ]


def test_herstel_persoon_rol_mends_a_second_aanvrager_and_is_judged_as_a_place(store, test_bsns):
    """The remedy `controle` names: Bert's role in Anna's household becomes toeslagpartner (audited,
    his index follows); a role that makes a second aanvrager, or that makes a member's timeline no
    longer fit (Bo's own outcome beside Anna's, as for a new place), is refused and nothing changes."""
    from click.testing import CliRunner

    from herstel_tui.cli.main import main as cli
    from herstel_tui.store.persons import MEMBER_INSERT
    from tests.support.households import joiners

    j = joiners(store, test_bsns[:3])
    bert = person(store, test_bsns[3], "Bert")
    with store.transaction():
        store.conn.execute(MEMBER_INSERT, (j.household, bert, "aanvrager"))
        store.conn.execute(MEMBER_INSERT, (j.household, j.bo, "ex-toeslagpartner"))
    run = CliRunner().invoke
    args = ["--db", str(store.path), "persoon", "rol"]
    r = run(cli, [*args, test_bsns[3], "toeslagpartner", "--huishouden", str(j.household)])
    assert r.exit_code == 0, r.output
    assert f"Bert Bos (BSN ******{test_bsns[3][-3:]}) is nu toeslagpartner in huishouden {j.household}." in r.output
    assert store.maintenance.check().ok
    (entry,) = [e for e in store.audit.entries() if e.action == "gewijzigd" and e.entity == "huishouden"]
    assert entry.detail == {"rol": "toeslagpartner", "was": "aanvrager"}
    before = table_rows(store.conn)
    r = run(cli, [*args, test_bsns[3], "aanvrager", "--huishouden", str(j.household)])
    assert r.exit_code == 2 and "dit huishouden heeft al een aanvrager" in r.output
    r = run(cli, [*args, test_bsns[1], "toeslagpartner", "--huishouden", str(j.household)])
    assert r.exit_code == 2, r.output
    assert f"Rol niet gewijzigd: in zaak {store.cases.get(j.bos_case).zaaknummer} past" in " ".join(r.output.split())
    assert table_rows(store.conn) == before


def test_a_changed_role_of_the_aanvrager_reaches_the_members_index(store, test_bsns):
    """Anna stops being the aanvrager of her household (``persons.set_role``): Eva, her toeslagpartner,
    no longer shares Anna's outcome, and Eva's case index follows."""
    from tests.support.households import joiners

    j = joiners(store, test_bsns[:3])
    store.persons.add_to_household(j.household, j.eva, "toeslagpartner")
    shared = assert_current(store, j.evas_case)
    assert store.persons.set_role(j.household, j.anna, "ex-toeslagpartner")
    assert assert_current(store, j.evas_case) != shared
    assert not store.persons.set_role(j.household, j.anna, "ex-toeslagpartner")  # (already so: nothing changes)
