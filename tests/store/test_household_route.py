"""Issue 16: the household on the route. The toeslagpartner shares the parent's outcome and payment
date for the moratorium; a child's case follows the parent's outcome."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.settings.resources import open_store
from herstel_tui.store.base import HouseholdRefused
from herstel_tui.store.persons import MEMBER_INSERT
from tests.support.data import BSN_A, BSN_B
from tests.support.households import joiners
from tests.support.tables import table_rows

PARTNER = (
    "De gedupeerde ouder en toeslagpartner krijgen zo tijd en ruimte om de kwijtschelding en/of betaling van "
    "schulden die binnen de regelgeving vallen op te lossen."
)


@pytest.fixture
def household(tmp_path, test_bsns):
    s = open_store(tmp_path / "h.db", "t.tester")
    parent = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
    partner = s.persons.add(Person(bsn=BSN_B, given_names="Kees", surname="Jansen"))
    kid = s.persons.add(Person(bsn=test_bsns[5], given_names="Noor", surname="Jansen", birth_date=date(2006, 4, 1)))
    s.persons.create_household([(parent.id, "aanvrager"), (partner.id, "toeslagpartner"), (kid.id, "kind")])
    yield s, parent, partner, kid
    s.close()


def test_toeslagpartner_shares_outcome_and_payment_for_the_moratorium(household):
    assert "toeslagpartner" in PARTNER
    s, parent, partner, _kid = household
    mine = s.cases.open(parent.id, "schuldenaanpak", opened=date(2023, 1, 2))
    theirs = s.cases.open(partner.id, "schuldenaanpak", opened=date(2023, 1, 2))
    for case in (mine, theirs):
        s.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 1, 2))
        s.cases.record_event(case.id, "start_pauzeknop", date(2023, 2, 1))
    s.cases.record_event(mine.id, "eerste_toets", date(2023, 5, 1), outcome="gedupeerd")
    s.cases.record_event(mine.id, "eerste_betaling", date(2023, 9, 15))
    view = s.cases.view(theirs.id, date(2024, 1, 1))
    assert view.outcome == "gedupeerd"
    assert [(d.rule, d.due) for d in view.running] == [("wettelijk_moratorium", date(2024, 9, 15))]
    assert [x.step for x in view.done if x.inherited] == ["eerste_toets", "eerste_betaling"]
    # the partner's case index follows the parent's outcome, in the same transaction
    assert s.cases.summaries()[theirs.id][2] == "gedupeerd"
    # the outcome is the parent's: not recorded twice
    with pytest.raises(TransitionRefused, match="al de uitkomst|al vastgelegd"):
        s.cases.record_event(theirs.id, "eerste_toets", date(2023, 5, 2), outcome="niet_gedupeerd")
    # a rebuild of the index gives the same rows
    before = s.cases.summaries()
    s.cases.rebuild_summaries()
    assert s.cases.summaries() == before


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_a_childs_case_follows_the_parents_outcome_and_fits_a_child(household):
    s, parent, _partner, kid = household
    bo = s.cases.open(parent.id, "brede_ondersteuning", opened=date(2023, 1, 2))
    s.cases.record_event(bo.id, "aanvraag_herbeoordeling", date(2023, 1, 2))
    s.cases.record_event(bo.id, "eerste_toets", date(2023, 5, 1), outcome="gedupeerd")
    child = s.cases.open(kid.id, "brede_ondersteuning", opened=date(2024, 3, 1))
    s.cases.record_event(child.id, "aanmelding_gemeente", date(2024, 3, 1))
    s.cases.record_event(child.id, "ondersteuning_kinderen", date(2024, 3, 10))
    view = s.cases.view(child.id, date(2024, 3, 11))
    assert view.outcome == "gedupeerd"
    assert "aanvraag_herbeoordeling" not in {n.step for n in view.next_steps}
    with pytest.raises(TransitionRefused, match="past niet bij een kind"):
        s.cases.record_event(child.id, "ondersteuning_ex_partners", date(2024, 3, 12))


KINDREGELING = "Dit is een herstelregeling voor kinderen van gedupeerde ouders."
EX_PARTNERS = "Op dit moment wordt een regeling voor ex-partners uitgewerkt."


def test_a_person_in_two_households_shares_only_where_they_have_their_main_role(tmp_path, test_bsns):
    """Zoë is Ilse's child (her first household) and, by a later portal list, Tamara's
    toeslagpartner. As a child she shares her parent's outcome, not Tamara's ("kinderen van
    gedupeerde ouders"). Kees is Samira's toeslagpartner and Rachid's ex-toeslagpartner: he shares
    Samira's facts; an ex-partner has a scheme of their own, so Rachid's outcome is not his. Before,
    the facts came from the aanvrager of any household, the lowest case id first: Zoë held Tamara's
    "niet gedupeerd", Kees Rachid's. The index says the same as the engine."""
    assert "kinderen van gedupeerde ouders" in KINDREGELING and "ex-partners" in EX_PARTNERS
    with open_store(tmp_path / "h.db", "t.tester") as s:
        names = ("Tamara", "Rachid", "Ilse", "Samira", "Zoë", "Kees")
        tamara, rachid, ilse, samira, zoe, kees = (
            s.persons.add(Person(bsn=test_bsns[n], given_names=name, surname="Smit")).id for n, name in enumerate(names)
        )
        outcomes = {tamara: "niet_gedupeerd", rachid: "niet_gedupeerd", ilse: "gedupeerd", samira: "gedupeerd"}
        for aanvrager, outcome in outcomes.items():  # (the cases of Tamara and Rachid first: the lower ids)
            case = s.cases.open(aanvrager, "brede_ondersteuning", opened=date(2023, 1, 2))
            s.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 1, 3))
            s.cases.record_event(case.id, "eerste_toets", date(2023, 5, 1), outcome=outcome)
        s.persons.create_household([(ilse, "aanvrager"), (zoe, "kind")])
        s.persons.create_household([(samira, "aanvrager"), (kees, "toeslagpartner")])
        s.persons.create_household([(tamara, "aanvrager"), (zoe, "toeslagpartner")])
        s.persons.create_household([(rachid, "aanvrager"), (kees, "ex-toeslagpartner")])
        for person in (zoe, kees):
            case = s.cases.open(person, "brede_ondersteuning", opened=date(2024, 3, 1))
            assert s.cases.view(case.id, date(2024, 3, 2)).outcome == "gedupeerd"
            assert [(e.step, e.outcome) for e in s.cases.inherited(person, "brede_ondersteuning")] == [
                ("eerste_toets", "gedupeerd")
            ]
        before = s.cases.summaries()
        s.cases.rebuild_summaries()
        assert s.cases.summaries() == before
        assert s.maintenance.check().ok


@pytest.mark.parametrize("zoe_in_two", [True, False])
def test_an_older_database_gets_its_index_recomputed_once(tmp_path, test_bsns, zoe_in_two):
    """Migration 18: index rows an earlier version computed are not trusted, once: the facts came from
    any household (Zoë's row held Tamara's "niet gedupeerd"), and a removed aanvrager's case left
    the members' rows stale (Kees's; in a file where nobody is in two households too). The next
    opening recomputes the index; the one after, nothing."""
    import sqlite3

    path = tmp_path / "h.db"
    with open_store(path, "t.tester") as s:
        tamara, ilse, zoe, anna, kees = (
            s.persons.add(Person(bsn=test_bsns[n], given_names=name, surname="Smit")).id
            for n, name in enumerate(("Tamara", "Ilse", "Zoë", "Anna", "Kees"))
        )
        for aanvrager, outcome in ((tamara, "niet_gedupeerd"), (ilse, "gedupeerd"), (anna, "gedupeerd")):
            case = s.cases.open(aanvrager, "brede_ondersteuning", opened=date(2023, 1, 2))
            s.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 1, 3))
            s.cases.record_event(case.id, "eerste_toets", date(2023, 5, 1), outcome=outcome)
        s.persons.create_household([(ilse, "aanvrager"), (zoe, "kind")])
        s.persons.create_household([(anna, "aanvrager"), (kees, "toeslagpartner")])
        zoes, kees_case = (s.cases.open(p, "brede_ondersteuning", opened=date(2024, 3, 1)).id for p in (zoe, kees))
        if zoe_in_two:
            s.persons.create_household([(tamara, "aanvrager"), (zoe, "toeslagpartner")])
        current = s.cases.summaries()
        assert current[zoes][2] == current[kees_case][2] == "gedupeerd"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE case_summary SET outcome = 'niet_gedupeerd' WHERE case_id IN (?, ?)", (zoes, kees_case))
    conn.execute("PRAGMA user_version = 17")
    conn.commit()
    conn.close()
    with open_store(path, "t.tester") as s:
        assert s.schema_version() == 18 and s.refreshed_on_open == len(current)
        assert s.cases.summaries() == current
        assert s.maintenance.check().ok
    with open_store(path, "t.tester") as s:
        assert s.refreshed_on_open == 0


def test_the_desk_search_finds_the_short_zaaknummer_and_a_members_bsn(household):
    from herstel_tui.store.caselist import CaseFilter

    s, parent, _partner, kid = household
    bo = s.cases.open(parent.id, "brede_ondersteuning", opened=date(2025, 3, 1))
    short = bo.zaaknummer[4:]  # as the list shows it at 80 columns
    assert [r.zaaknummer for r in s.cases.page(CaseFilter(search=short, closed=None))] == [bo.zaaknummer]
    # the child has no case of its own: its BSN finds the household's case
    kid_bsn = s.persons.get(kid.id).bsn
    assert [r.zaaknummer for r in s.cases.page(CaseFilter(search=kid_bsn, closed=None))] == [bo.zaaknummer]
    assert s.cases.count(CaseFilter(search=kid_bsn, closed=None)) == 1


# "the *gezin* (household), its composition fixed at the moment of registration" (domain.md). The
# routekaart is silent on a person whose own timeline contradicts the facts a household would give
# them; refusing that place is our municipal choice: a caseworker looks, `herstel controle` stays
# "in orde". (A portal list once named a child of four someone's toeslagpartner.)


def test_a_place_in_a_household_that_contradicts_the_persons_own_timeline_is_refused(tmp_path, test_bsns):
    """Bo has his own outcome (niet gedupeerd, and the pauzeknop ended on it); as Anna's
    toeslagpartner he would share hers (geen uitsluitsel), which his timeline contradicts: the place
    is refused with the case and the engine's reason, and nothing is written (no member, no audit
    row, the index as it was). Eva's place, which fits, is taken: she shares Anna's outcome."""
    with open_store(tmp_path / "h.db", "t.tester") as s:
        j = joiners(s, test_bsns)
        before = table_rows(s.conn)
        with pytest.raises(HouseholdRefused) as refused:
            s.persons.add_to_household(j.household, j.bo, "toeslagpartner")
        zaak = s.cases.get(j.bos_case).zaaknummer
        assert str(refused.value).startswith(
            f"Niet aan het huishouden toegevoegd: in zaak {zaak} past Eerste toets: Niet gedupeerd van 01-04-2023 "
            "dan niet meer naast Eerste toets: Geen uitsluitsel van 01-04-2023 van de aanvrager. Eerste toets heeft "
            "al de uitkomst Geen uitsluitsel"
        )
        assert refused.value.reason.endswith("Controleer het huishouden.")
        assert table_rows(s.conn) == before
        assert s.maintenance.check().ok
        s.persons.add_to_household(j.household, j.eva, "toeslagpartner")
        assert s.cases.view(j.evas_case, date(2024, 1, 1)).outcome == "geen_uitsluitsel"
        assert s.maintenance.check().ok


def test_a_timeline_that_did_not_fit_before_is_not_the_new_places_to_refuse(tmp_path, test_bsns):
    """Bo's timeline already contradicts Anna's outcome (a place written before this check: an old
    import); a place in Dirk's household, which changes nothing for him, is taken, and `herstel
    controle` still names the old contradiction."""
    with open_store(tmp_path / "h.db", "t.tester") as s:
        j = joiners(s, test_bsns)
        with s.transaction():  # (as an import before this check wrote it)
            s.conn.execute(MEMBER_INSERT, (j.household, j.bo, "toeslagpartner"))
        dirk = s.persons.add(Person(bsn=test_bsns[5], given_names="Dirk", surname="Kok"))
        theirs = s.persons.create_household([(dirk.id, "aanvrager")])
        s.persons.add_to_household(theirs.id, j.bo, "toeslagpartner")
        assert s.persons.in_household(theirs.id, j.bo)
        problems = s.maintenance.check().problems
        assert len(problems) == 1 and "niet op de routekaart" in problems[0]


def test_a_new_person_joins_the_anchors_main_household(tmp_path, test_bsns):
    """F9 on a case, and `herstel persoon nieuw --bij`, join the household where the anchor is
    aanvrager (their main one: card.main_membership), not their first place: Noor is a child in her
    mother's household (the older one) and the aanvrager of her own, where her partner belongs."""
    with open_store(tmp_path / "h.db", "t.tester") as s:
        mother, noor = (
            s.persons.add(Person(bsn=test_bsns[n], given_names=name, surname="Smit")).id
            for n, name in enumerate(("Moeder", "Noor"))
        )
        first = s.persons.create_household([(mother, "aanvrager"), (noor, "kind")]).id
        own = s.persons.create_household([(noor, "aanvrager")]).id
        assert first is not None and own is not None and first < own
        partner, _ = s.persons.register(
            Person(bsn=test_bsns[2], given_names="Piet", surname="Smit"), role="toeslagpartner", household_of=noor
        )
        assert s.persons.in_household(own, partner.id) and not s.persons.in_household(first, partner.id)
