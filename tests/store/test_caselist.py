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
    """Issue 17 point 1: "The default view should answer 'what do I do today and this week':
    actionable statutory dates first, then the rest; with a clear split between overdue, due this
    week, and waiting on others." This week's own dates first, then overdue ones, then cases waiting
    on another party, then the rest; a date another party owes is never the caseworker's overdue
    work (routekaart: "Het Brede Hulpteam neemt uiterlijk binnen 7 dagen na een vraag contact op")."""
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
    assert ids(rows) == [cases[k].zaaknummer for k in ("week", "late", "wacht", "later")]
    assert [r.section(today) for r in rows] == ["week", "verlopen", "wacht", None]
    assert rows[3].days_left(today) == 36
    assert section_counts(store.conn, CaseFilter(), today) == Sections(overdue=1, week=1, waiting=1, later=1)
    assert ids(store.cases.page(CaseFilter(overdue=True))) == [cases["late"].zaaknummer]
    assert ids(store.cases.page(CaseFilter(within=14))) == [cases["week"].zaaknummer]
    assert CaseFilter(within=14).describe() == ["termijn binnen 14 dagen"]
    # a search, a caseworker or a step narrows through its own index and sorts the same way
    assert ids(store.cases.page(CaseFilter(search="Test"))) == ids(rows)


@pytest.fixture
def dated(store, test_bsns):
    """Thirty open cases with a first talk overdue, due this week or later, on fixed days."""
    from herstel_tui.domain import clock

    today = clock.today()
    for i, bsn in enumerate(test_bsns[:30]):
        p = store.persons.add(Person(bsn=bsn, given_names=f"P{i}", surname="Datum"))
        registered = today - timedelta(days=56 - 3 * (i % 10) + (i % 3))  # the talk is due 56 days on
        c = store.cases.open(p.id, "brede_ondersteuning", opened=registered)
        store.cases.record_event(c.id, "aanmelding_gemeente", registered)
    return store, today


def reference_order(rows, today):
    """The sections' order written out in Python: this week soonest first, overdue most recent
    first, waiting, the caseworker's later dates, the rest."""
    from herstel_tui.store.caselist import WAITING_RULES

    def key(r):
        own = not r.closed and r.next_due is not None and r.next_kind != "period"
        due = r.next_due or date(9999, 12, 31)
        if own and r.next_rule not in WAITING_RULES:
            if due < today:
                return (1, -due.toordinal(), -r.id)
            return (0 if (due - today).days < 7 else 3, due.toordinal(), r.id)
        return (2 if own else 4, due.toordinal(), r.id)

    return sorted(rows, key=key)


@pytest.mark.parametrize("with_sizes", [False, True])
def test_pages_of_the_sections_join_up_to_the_written_out_order(dated, with_sizes):
    """Page by page (with the section sizes given, or counted by the store) the list is the
    sections' order; every section's count equals its rows."""
    from herstel_tui.domain.record import replace
    from herstel_tui.store.caselist import list_cases, section_counts

    store, today = dated
    for f in (CaseFilter(), CaseFilter(search="Datum"), CaseFilter(track="brede_ondersteuning")):
        everything = list_cases(store.conn, replace(f, sort="zaaknummer"), today, 0, 1000)
        sections = section_counts(store.conn, f, today)
        assert section_counts(store.conn, f, today, total=len(everything)) == sections  # a count at hand
        pages = []
        for offset in range(0, 30, 4):
            pages += list_cases(store.conn, f, today, offset, 4, sections if with_sizes else None)
        want = reference_order(everything, today)
        assert ids(pages) == ids(want) and len(pages) == 30
        seen = [r.section(today) or "later" for r in pages]
        assert [(k, seen.count(k)) for k in ("week", "verlopen", "wacht", "later")] == sections.in_order()
        assert sections.week and sections.overdue and sections.later
        assert seen == sorted(seen, key=["week", "verlopen", "wacht", "later"].index)


def test_every_section_is_an_index_walk(store):
    """100,000 cases as quick as 100: each section's first page walks one range of the index of
    migration 13, no sort; the index's expression is the list's own."""
    import re

    from herstel_tui.domain import clock
    from herstel_tui.store.caselist import _SELECT, _segments, _where, work_kind
    from herstel_tui.store.schema import _V13_WORK_SECTIONS

    today = clock.today()
    for f in (CaseFilter(), CaseFilter(urgent=True), CaseFilter(overdue=True)):
        where, args = _where(f, today)
        for cond, order, extra in _segments(today):
            sql = f"EXPLAIN QUERY PLAN {_SELECT}{where} AND {cond} ORDER BY {order} LIMIT 200"
            plan = " ".join(str(r[-1]) for r in store.conn.execute(sql, [*args, *extra]))
            assert "USING INDEX case_summary_sections" in plan and "TEMP B-TREE" not in plan, plan
    squeeze = lambda text: re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")")  # noqa: E731
    assert squeeze(work_kind("")) in squeeze(_V13_WORK_SECTIONS)


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
        f"DROP INDEX case_summary_sections; DROP TABLE checkout_templates; UPDATE case_summary SET next_due = '{uht_due}', "
        "next_rule = 'antwoord_brede_hulpteam'; PRAGMA user_version = 9;"
    )
    conn.close()
    with open_store(path, "t") as s:
        (row,) = s.cases.page(CaseFilter())
        assert row.next_rule != "antwoord_brede_hulpteam" and row.days_left(today) == 36
        names = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "case_summary_sections" in names and "case_summary_work" not in names  # 13 replaced 10's


def test_waiting_rules_are_the_routekaarts_dates_of_others():
    """The list's SQL names the rules another party owes; the routekaart says which they are."""
    from herstel_tui.settings.resources import default_routekaart
    from herstel_tui.store.caselist import WAITING_RULES

    rules = default_routekaart().rules
    rules = rules.values() if isinstance(rules, dict) else rules
    assert {r.id for r in rules if r.waiting_on} == set(WAITING_RULES)


def test_a_case_closed_by_hand_reads_as_closed(filled):
    """A case closed with `herstel`'s close (cases.closed), not by the routekaart's last step, is
    closed in the list too: no section, no date to act on (shown with g)."""
    store, ca, _cb = filled
    store.cases.close(ca.id, TODAY)
    rows = {r.id: r for r in store.cases.page(CaseFilter(closed=None), 0, 10)}
    assert rows[ca.id].closed and rows[ca.id].section(TODAY) is None
    assert ca.id not in {r.id for r in store.cases.page(CaseFilter(), 0, 10)}
    assert ca.id in {r.id for r in store.cases.page(CaseFilter(closed=True), 0, 10)}
