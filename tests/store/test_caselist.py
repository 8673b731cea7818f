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


def test_todays_work_first_and_waiting_on_others_split_out(store, test_bsns):
    """Issue 17 point 1: the caseworker's own dates first (overdue, then this week, then later),
    a date another party owes never counted as the caseworker's overdue work (routekaart: "Het
    Brede Hulpteam neemt uiterlijk binnen 7 dagen na een vraag contact op")."""
    from herstel_tui.domain import clock
    from herstel_tui.store.caselist import Sections, section_counts

    today = clock.today()
    cases = {}
    for key, bsn, registered in (("late", test_bsns[0], 60), ("week", test_bsns[1], 52), ("later", test_bsns[2], 20)):
        p = store.persons.add(Person(bsn=bsn, given_names=key, surname="Test"))
        c = store.cases.open(p.id, "brede_ondersteuning", opened=today - timedelta(days=registered))
        store.cases.record_event(c.id, "aanmelding_gemeente", today - timedelta(days=registered))
        cases[key] = c
    # UHT's answer was due 13 days ago, but this case's own first talk is in 36 days: that is its date
    store.cases.record_event(cases["later"].id, "brede_hulpteam_verzoek", today - timedelta(days=20))
    # a debt case with only UHT's answer running: it waits on UHT
    p = store.persons.add(Person(bsn=test_bsns[3], given_names="wacht", surname="Test"))
    c = store.cases.open(p.id, "schuldenaanpak", opened=today - timedelta(days=30))
    store.cases.record_event(c.id, "aanvraag_herbeoordeling", today - timedelta(days=30))
    store.cases.record_event(c.id, "brede_hulpteam_verzoek", today - timedelta(days=20))
    cases["wacht"] = c
    rows = store.cases.page(CaseFilter())
    assert ids(rows) == [cases[k].zaaknummer for k in ("late", "week", "later", "wacht")]
    assert [r.section(today) for r in rows] == ["verlopen", "week", None, "wacht"]
    assert rows[2].days_left(today) == 36
    assert section_counts(store.conn, CaseFilter(), today) == Sections(overdue=1, week=1, waiting=1)
    assert ids(store.cases.page(CaseFilter(overdue=True))) == [cases["late"].zaaknummer]
    assert ids(store.cases.page(CaseFilter(within=14))) == [cases["week"].zaaknummer]
    assert CaseFilter(within=14).describe() == ["termijn binnen 14 dagen"]


def test_the_default_order_walks_an_index(store):
    """100,000 cases as quick as 100: the werkvoorraad's first page is an index walk, no sort."""
    from herstel_tui.domain import clock
    from herstel_tui.store.caselist import _ORDER, _SELECT, _where

    where, args = _where(CaseFilter(), clock.today())
    sql = f"EXPLAIN QUERY PLAN {_SELECT}{where} ORDER BY {_ORDER['termijn']} LIMIT 200"
    plan = " ".join(str(r[-1]) for r in store.conn.execute(sql, args))
    assert "case_summary_work" in plan and "TEMP B-TREE" not in plan


def test_migration_10_recomputes_an_old_case_index(tmp_path, test_bsns):
    """A database made before issue 17 has UHT's answer as a case's next date; after the
    migration the case shows its own date (and the list's order has its index)."""
    import sqlite3

    from herstel_tui.domain import clock
    from herstel_tui.settings.resources import open_store

    today = clock.today()
    path = tmp_path / "oud.db"
    with open_store(path, "t") as s:
        p = s.persons.add(Person(bsn=test_bsns[0], given_names="Oud", surname="Test"))
        c = s.cases.open(p.id, "brede_ondersteuning", opened=today - timedelta(days=20))
        s.cases.record_event(c.id, "aanmelding_gemeente", today - timedelta(days=20))
        s.cases.record_event(c.id, "brede_hulpteam_verzoek", today - timedelta(days=20))
        uht_due = (today - timedelta(days=13)).isoformat()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(  # as version 9 left it: the soonest date, whoever owes it; no index on the new order
        f"DROP INDEX case_summary_work; DROP TABLE checkout_templates; UPDATE case_summary SET next_due = '{uht_due}', "
        "next_rule = 'antwoord_brede_hulpteam'; PRAGMA user_version = 9;"
    )
    conn.close()
    with open_store(path, "t") as s:
        (row,) = s.cases.page(CaseFilter())
        assert row.next_rule != "antwoord_brede_hulpteam" and row.days_left(today) == 36
        assert s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'case_summary_work'").fetchone()


def test_waiting_rules_are_the_routekaarts_dates_of_others():
    """The list's SQL names the rules another party owes; the routekaart says which they are."""
    from herstel_tui.settings.resources import default_routekaart
    from herstel_tui.store.caselist import WAITING_RULES

    rules = default_routekaart().rules
    rules = rules.values() if isinstance(rules, dict) else rules
    assert {r.id for r in rules if r.waiting_on} == set(WAITING_RULES)
