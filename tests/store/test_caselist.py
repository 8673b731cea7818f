from datetime import date, timedelta

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.store import CaseFilter
from tests.support.data import BSN_A, BSN_B

TODAY = date.today()


@pytest.fixture
def filled(store):
    a = store.persons.add(
        Person(
            bsn=BSN_A,
            given_names="Anna",
            surname="Jansen",
            street="Kerkstraat",
            house_number="12",
            postcode="3011 AB",
            city="Rotterdam",
        )
    )
    b = store.persons.add(Person(bsn=BSN_B, given_names="Kees", surname_prefix="de", surname="Vries", city="Schiedam"))
    ca = store.cases.open(a.id, "brede_ondersteuning", caseworker="m.kaya", opened=TODAY - timedelta(days=30))
    cb = store.cases.open(b.id, "schuldenaanpak", caseworker="p.jansen", opened=TODAY - timedelta(days=30))
    return store, ca, cb


def ids(rows):
    return [r.zaaknummer for r in rows]


def test_count_and_list_all(filled):
    store, ca, cb = filled
    f = CaseFilter()
    assert store.cases.count(f) == 2
    assert sorted(ids(store.cases.page(f))) == sorted([ca.zaaknummer, cb.zaaknummer])


@pytest.mark.parametrize(
    "term, expect",
    [
        ("jans", "a"),
        ("Anna Jansen", "a"),
        ("kerkstr", "a"),
        ("3011ab", "a"),
        ("3011 AB", "a"),
        ("9999.00.006", "a"),
        ("00018", "b"),
        ("de vries", "b"),
        ("schiedam", "b"),
        ("ja", "a"),
        ("HKO-", "ab"),
        ("nergens", ""),
    ],
)
def test_search(filled, term, expect):
    store, ca, cb = filled
    want = sorted({"a": ca.zaaknummer, "b": cb.zaaknummer}[k] for k in expect)
    assert sorted(ids(store.cases.page(CaseFilter(search=term)))) == want
    assert store.cases.count(CaseFilter(search=term)) == len(want)


def test_search_follows_person_change(filled):
    store, ca, _ = filled
    p = store.persons.get(ca.person_id)
    store.persons.update(p.model_copy(update={"surname": "Bakker"}))
    assert ids(store.cases.page(CaseFilter(search="bakker"))) == [ca.zaaknummer]
    assert ids(store.cases.page(CaseFilter(search="jansen"))) == []


def test_filters_combine(filled):
    store, ca, cb = filled
    assert ids(store.cases.page(CaseFilter(caseworker="m.kaya"))) == [ca.zaaknummer]
    assert ids(store.cases.page(CaseFilter(track="schuldenaanpak"))) == [cb.zaaknummer]
    assert ids(store.cases.page(CaseFilter(track="schuldenaanpak", caseworker="m.kaya"))) == []
    store.cases.set_urgency(cb.id, "terminale_ziekte")
    assert ids(store.cases.page(CaseFilter(urgent=True))) == [cb.zaaknummer]
    assert ids(store.cases.page(CaseFilter(closed=True))) == []
    assert CaseFilter(caseworker="m.kaya", urgent=True).describe() == ["mijn zaken (m.kaya)", "urgent"]


def test_paging(store, test_bsns):
    for i, bsn in enumerate(test_bsns[:25]):
        p = store.persons.add(Person(bsn=bsn, given_names=f"P{i}", surname="Test"))
        store.cases.open(p.id, "brede_ondersteuning")
    f = CaseFilter(sort="zaaknummer")
    first = store.cases.page(f, offset=0, limit=10)
    second = store.cases.page(f, offset=10, limit=10)
    third = store.cases.page(f, offset=20, limit=10)
    assert len(first) == 10 and len(second) == 10 and len(third) == 5
    assert ids(first + second + third) == sorted(ids(first + second + third))
    assert len(set(ids(first + second + third))) == 25
