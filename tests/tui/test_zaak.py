"""The case screen: what it shows, the audited view, household jumps, every back key."""

from __future__ import annotations

import pytest

from herstel_tui.domain.dates import format_date
from herstel_tui.store import CaseFilter
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.screens.zaak import CaseScreen, Household
from tests.support.pilot import open_case, screen_text, settle
from tests.tui.conftest import TODAY, make_app


def case_with(store, predicate):
    for row in store.cases.page(CaseFilter(closed=None), 0, 400, today=TODAY):
        if predicate(row):
            return row
    pytest.skip("no such case in the demo")


async def test_case_screen_shows_person_timeline_deadlines_steps_notes(demo_store):
    def rich(row):
        view = demo_store.cases.view(row.id, today=TODAY)
        return view.done and view.running and demo_store.cases.notes(row.id) and view.next_steps

    row = case_with(demo_store, rich)
    view = demo_store.cases.view(row.id, today=TODAY)
    case = demo_store.cases.get(row.id)
    person = demo_store.persons.get(case.person_id)
    notes = demo_store.cases.notes(row.id)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        text = screen_text(app)
        assert case.zaaknummer in text
        assert person.name in text and person.bsn_masked in text
        if person.bsn:
            assert person.bsn not in text  # masked until revealed
        for step in view.done:
            assert f"{format_date(step.fact_date)}  {step.event_title}" in text
        assert view.current_title in text
        for dl in view.running:
            assert f"{dl.title}: " in text and format_date(dl.due) in text
        for s in view.next_steps:
            assert s.title in text
        assert text.index(format_date(notes[0].date)) < text.index("Contactmomenten") + 400
        assert notes[0].text in text
        step = app.screen.bundle.step
        assert step.explanation in text
        for c in step.contacts:
            assert c.name in text
        # the view is audited
        entries = demo_store.audit.entries(case_id=row.id)
        assert entries[-1].action == "bekeken" and entries[-1].entity == "zaak"


async def test_overdue_deadline_in_error_colour(demo_store):
    row = case_with(demo_store, lambda r: demo_store.cases.view(r.id, today=TODAY).overdue(TODAY))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, row.id)
        content = screen.query_one("#termijnen").render()
        assert "verlopen" in str(content)
        # styled with the theme's error colour ($error), not a fixed colour
        error = app.current_theme.error
        spans = [span for span in content.spans if "verlopen" in str(content)[span.start : span.end]]
        assert spans and any(error.lower() in str(span.style).lower() or "$error" in str(span.style) for span in spans)


async def test_household_member_case_opens(demo_store):
    def has_other(row):
        case = demo_store.cases.get(row.id)
        return any(c.id != row.id for _, _, cases in demo_store.persons.household_of(case.person_id) for c in cases)

    row = case_with(demo_store, has_other)
    case = demo_store.cases.get(row.id)
    target = next(
        c.id for _, _, cases in demo_store.persons.household_of(case.person_id) for c in cases if c.id != row.id
    )
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("h")
        hh = app.screen.query_one(Household)
        assert hh.has_focus
        for _ in range(12):
            if hh.highlighted_option is not None and hh.highlighted_option.id == f"zaak-{target}":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == target
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == row.id


@pytest.mark.parametrize("key", ["escape", "f3", "backspace", "q"])
async def test_back_keys(demo_store, key):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert app.is_running


async def test_reveal_bsn_on_case_screen_is_audited(demo_store):
    row = case_with(demo_store, lambda r: bool(r.bsn))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        assert row.bsn not in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert row.bsn in screen_text(app)
        last = demo_store.audit.entries(case_id=row.id)[-1]
        assert (last.action, last.entity) == ("bekeken", "bsn")


async def test_case_screen_scrolls_by_keyboard(demo_store):
    row = case_with(demo_store, lambda r: len(demo_store.cases.view(r.id, today=TODAY).done) > 8)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, row.id)
        body = screen.query_one("#inhoud")
        assert body.has_focus
        await pilot.press("pagedown", "down")
        await pilot.pause()
        assert body.scroll_y > 0


async def test_a_date_uht_owes_shows_as_waiting_never_overdue(demo_store):
    # Newsletter 25-05-2023: "Zij nemen dan zo spoedig mogelijk (uiterlijk binnen 7 dagen) contact met u op."
    from datetime import timedelta

    row = case_with(
        demo_store,
        lambda r: (
            demo_store.cases.get(r.id).track.value == "brede_ondersteuning"
            and demo_store.cases.role_of(demo_store.cases.person_of(r.id)) == "aanvrager"
            and any(d.step == "ontvangst_gegevens" for d in demo_store.cases.view(r.id, today=TODAY).done)
        ),
    )
    demo_store.cases.record_event(row.id, "brede_hulpteam_verzoek", TODAY - timedelta(days=30))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        text = screen_text(app)
        assert "Antwoord Brede Hulpteam: uiterlijk" in text and "wacht op UHT" in text
        assert "23d verlopen" not in text and "dagen verlopen" not in text.split("Antwoord Brede Hulpteam")[1][:60]
    view = demo_store.cases.view(row.id, today=TODAY)
    assert "antwoord_brede_hulpteam" not in {d.rule for d in view.overdue(TODAY)}
    assert view.next_deadline is None or view.next_deadline.rule != "antwoord_brede_hulpteam"


async def test_a_person_in_two_households_with_two_roles_opens_and_is_listed_once(tmp_path, test_bsns):
    """Anna is aanvrager of her household and, by a portal list, Bert's toeslagpartner: her case
    screen opened the household list with her cases twice (once per role) and the desk crashed
    (Textual's DuplicateID; 508 persons on the 100k demo after the four portal lists of
    bench/compare_import.py). Each member is listed once, in their main role."""
    from datetime import date

    from herstel_tui.domain.models import Person
    from herstel_tui.settings.resources import open_store

    with open_store(tmp_path / "h.db", "t.tester") as store:
        anna, bert, noor = (
            store.persons.add(Person(bsn=test_bsns[n], given_names=name, surname="Bos")).id
            for n, name in enumerate(("Anna", "Bert", "Noor"))
        )
        store.persons.create_household([(anna, "aanvrager"), (noor, "kind")])
        store.persons.create_household([(bert, "aanvrager"), (anna, "toeslagpartner")])
        annas = store.cases.open(anna, "brede_ondersteuning", opened=date(2026, 3, 2)).id
        berts = store.cases.open(bert, "brede_ondersteuning", opened=date(2026, 3, 2)).id
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = await open_case(pilot, annas)
            assert isinstance(app.screen, CaseScreen) and screen is app.screen
            listed = [str(o.prompt) for o in app.screen.query_one(Household).options]
        assert [" ".join(line.split()) for line in listed] == [
            f"Aanvrager Anna Bos BO {store.cases.get(annas).zaaknummer} (deze zaak)",
            f"Aanvrager Bert Bos BO {store.cases.get(berts).zaaknummer}",
            "Kind Noor Bos (geen zaak)",
        ]
