"""Every action end to end, by keyboard, asserting what changed in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import OptionList

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from herstel_tui.store import CaseFilter
from herstel_tui.tui.screens.case_dialogs import AssignDialog, NoteDialog, StepDialog, UrgencyDialog
from herstel_tui.tui.screens.person_dialog import NewPersonDialog
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.screens.zaak import CaseScreen
from tests.support.data import TEST_BSNS
from tests.support.pilot import error_text, notices, open_case, settle
from tests.tui.conftest import ME, TODAY, make_app


def find_case(store, predicate, closed=False):
    for row in store.cases.page(CaseFilter(closed=closed), 0, 400, today=TODAY):
        if predicate(row):
            return row
    pytest.skip("no such case in the demo")


async def choose(pilot, option_id: str) -> None:
    lst = pilot.app.screen.query_one("#keuze", OptionList)
    lst.focus()
    await pilot.press("home")
    for _ in range(80):
        if lst.highlighted_option is not None and lst.highlighted_option.id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} not in the list")


async def clear_and_type(pilot, text: str) -> None:
    await pilot.press("end", "ctrl+u", *text)


# -- Stap vastleggen -------------------------------------------------------------------------------


async def test_record_next_step_with_date_and_note(demo_store):
    def ok(row):
        view = demo_store.cases.view(row.id, today=TODAY)
        return view.next_steps and (view.next_steps[0].earliest or TODAY) <= TODAY

    row = find_case(demo_store, ok)
    expected = demo_store.cases.view(row.id, today=TODAY).next_steps[0]
    before = demo_store.cases.events(row.id)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert app.screen.query_one("#datum").value == format_date(TODAY)  # today by default
        assert app.screen.query_one("#keuze").highlighted_option.id == f"{expected.step}|{expected.outcome or ''}"
        await pilot.press("tab", "tab", "tab", *"Met ouder gebeld")  # keuze → correctie → datum → notitie
        assert app.screen.query_one("#notitie").value == "Met ouder gebeld"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)  # closed on success, screen refreshed
        after = demo_store.cases.events(row.id)
        assert len(after) == len(before) + 1
        new = max(after, key=lambda e: e.id)
        assert (new.step, new.outcome, new.fact_date, new.note, new.correction) == (
            expected.step,
            expected.outcome,
            TODAY,
            "Met ouder gebeld",
            False,
        )
        timeline = str(app.screen.query_one("#tijdlijn").render())
        assert expected.title in timeline
        # Issue 17 point 4: the step's note is shown under its step, indented past the date.
        assert "\n            Notitie: Met ouder gebeld" in timeline


async def test_refused_transition_is_explained_and_nothing_saved(demo_store):
    def ok(row):
        return any(s.earliest for s in demo_store.cases.view(row.id, today=TODAY).next_steps)

    row = find_case(demo_store, ok)
    step = next(s for s in demo_store.cases.view(row.id, today=TODAY).next_steps if s.earliest)
    before = len(demo_store.cases.events(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("v")  # the letter works as well as F2
        await settle(pilot)
        await choose(pilot, f"{step.step}|{step.outcome or ''}")
        app.screen.query_one("#datum").focus()
        await clear_and_type(pilot, format_date(step.earliest - timedelta(days=1)))
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)  # stays open
        message = error_text(app)
        assert message.startswith("Niet opgeslagen:") and len(message) > 20
        assert len(demo_store.cases.events(row.id)) == before


async def test_date_in_the_future_and_bad_date_refused_inline(demo_store):
    row = find_case(demo_store, lambda r: bool(demo_store.cases.view(r.id, today=TODAY).next_steps))
    before = len(demo_store.cases.events(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#datum").focus()
        await clear_and_type(pilot, format_date(TODAY + timedelta(days=1)))
        await pilot.press("f2")
        await settle(pilot)
        assert "toekomst" in str(app.screen.query_one("#fout-datum").render())
        await clear_and_type(pilot, "31-02-2026")
        await pilot.press("f2")
        await settle(pilot)
        assert "dd-mm-jjjj" in str(app.screen.query_one("#fout-datum").render())
        assert len(demo_store.cases.events(row.id)) == before


async def test_correction_needs_reason_then_records_any_step(demo_store):
    # a parent's case: the eerste toets does not fit a child's own case, not even as a correction
    row = find_case(
        demo_store,
        lambda r: (
            len(demo_store.cases.events(r.id)) >= 2
            and demo_store.cases.role_of(demo_store.cases.person_of(r.id)) == "aanvrager"
        ),
    )
    before = len(demo_store.cases.events(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f4")  # correctie
        await settle(pilot)
        assert app.screen.query_one("#reden").display
        await choose(pilot, "eerste_toets|niet_gedupeerd")
        await pilot.press("f2")
        await settle(pilot)
        assert "reden" in str(app.screen.query_one("#fout-reden").render())
        assert len(demo_store.cases.events(row.id)) == before
        app.screen.query_one("#reden").focus()
        await pilot.press(*"beschikking UHT verkeerd overgenomen")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        new = max(demo_store.cases.events(row.id), key=lambda e: e.id)
        assert (new.step, new.outcome, new.correction, new.reason) == (
            "eerste_toets",
            "niet_gedupeerd",
            True,
            "beschikking UHT verkeerd overgenomen",
        )


async def test_a_uht_outcome_recorded_on_the_aanvrager_names_the_childs_case_it_contradicts(tmp_path):
    """F2 on Anna's case records "Eerste toets: Niet gedupeerd" dated 20 days ago: UHT's decision, so
    it is saved, while her children Tim's and Eva's cases hold ondersteuning aan kinderen after it,
    which the routekaart allows only before that outcome. Besides "Stap vastgelegd." one short
    warning names both cases (as a negatief list's row and `herstel controle` do), each toast
    whole on the 80x24 screen; Noor's case, which fits, is not named."""
    with open_store(tmp_path / "desk.db", ME) as store:
        anna = store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen"))
        kids = [
            store.persons.add(Person(bsn=TEST_BSNS[n], given_names=name, surname="Jansen"))
            for n, name in ((1, "Tim"), (2, "Eva"), (3, "Noor"))
        ]
        store.persons.create_household([(anna.id, "aanvrager"), *((k.id, "kind") for k in kids)])
        annas = store.cases.open(anna.id, "brede_ondersteuning", opened=TODAY - timedelta(days=90))
        store.cases.record_event(annas.id, "aanvraag_herbeoordeling", TODAY - timedelta(days=80))
        cases = []
        for kid, support in zip(kids, (10, 5, 30)):
            case = store.cases.open(kid.id, "brede_ondersteuning", opened=TODAY - timedelta(days=60))
            store.cases.record_event(case.id, "aanmelding_gemeente", TODAY - timedelta(days=60))
            store.cases.record_event(case.id, "ondersteuning_kinderen", TODAY - timedelta(days=support))
            cases.append(case)
        app = make_app(store)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await open_case(pilot, annas.id)
            await pilot.press("f2")
            await settle(pilot)
            await choose(pilot, "eerste_toets|niet_gedupeerd")
            app.screen.query_one("#datum").focus()
            await clear_and_type(pilot, format_date(TODAY - timedelta(days=20)))
            await pilot.press("f2")
            await settle(pilot)
            assert isinstance(app.screen, CaseScreen)
            shown = notices(app)
            toasts = list(app.screen.query("Toast"))
            assert toasts and all(t.region.y >= 0 and t.region.bottom <= 24 for t in toasts)  # (whole on screen)
        new = max(store.cases.events(annas.id), key=lambda e: e.id)
        assert (new.step, new.outcome, new.fact_date) == ("eerste_toets", "niet_gedupeerd", TODAY - timedelta(days=20))
        warned = [n for n in shown if "Let op" in n]
        tim, eva, noor = cases
        assert len(
            warned
        ) == 1 and f"zaak {tim.zaaknummer} (Tim Jansen), zaak {eva.zaaknummer} (Eva Jansen)" in " ".join(
            warned[0].split()
        )
        assert "Noor Jansen" not in warned[0] and any("Stap vastgelegd." in n for n in shown)


# -- Contactmoment ---------------------------------------------------------------------------------


async def test_add_contact_note_with_channel(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    before = len(demo_store.cases.notes(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")  # on the selected case, straight from the list
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Huisbezoek gehad, ouder wil hulp bij schulden")
        await pilot.press("shift+tab", "enter", "down", "down", "down", "enter")  # kanaal: huisbezoek
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        notes = demo_store.cases.notes(row.id)
        assert len(notes) == before + 1
        new = max(notes, key=lambda n: n.id)
        assert (new.text, new.channel.value, new.date, new.by) == (
            "Huisbezoek gehad, ouder wil hulp bij schulden",
            "huisbezoek",
            TODAY,
            ME,
        )


async def test_empty_note_refused_inline(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    before = len(demo_store.cases.notes(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c", "f2")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        assert "besproken" in str(app.screen.query_one("#fout-tekst").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert len(demo_store.cases.notes(row.id)) == before


# -- Urgentie --------------------------------------------------------------------------------------


async def test_mark_urgent_with_uht_criterion_and_casuistiekoverleg(demo_store):
    row = find_case(demo_store, lambda r: not r.urgent)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, UrgencyDialog)
        await pilot.press("down", "enter")  # Terminale ziekte
        await pilot.press("tab", "space")  # casuïstiekoverleg aan
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        case = demo_store.cases.get(row.id)
        assert case.urgency.value == "terminale_ziekte" and case.casuistiekoverleg is True
        assert "urgent" in str(app.screen.query_one("#kop").render())
        # and off again
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("up", "enter", "tab", "space", "f2")
        await settle(pilot)
        case = demo_store.cases.get(row.id)
        assert case.urgency is None and case.casuistiekoverleg is False


# -- Toewijzen -------------------------------------------------------------------------------------


async def test_assign_by_typing(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        await clear_and_type(pilot, "x.nieuw")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert demo_store.cases.get(row.id).caseworker == "x.nieuw"
        last = demo_store.audit.entries(case_id=row.id)[-1]
        assert last.action == "toegewezen"


async def test_assign_from_known_caseworkers(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    names = demo_store.cases.caseworkers()
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("tab", "home", "enter")  # first known caseworker
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        first = names[0] if ME in names else ME
        assert demo_store.cases.get(row.id).caseworker == first


async def test_conflict_is_shown_and_second_save_works(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        demo_store.cases.assign(row.id, "iemand.anders")  # a colleague, meanwhile
        await clear_and_type(pilot, "x.mijn")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        assert "intussen" in error_text(app)
        assert demo_store.cases.get(row.id).caseworker == "iemand.anders"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert demo_store.cases.get(row.id).caseworker == "x.mijn"


# -- Nieuwe persoon en zaak ------------------------------------------------------------------------


def free_bsn(store) -> str:
    from stdnum.nl import bsn

    for n in range(99_999, 0, -1):
        candidate = f"9999{n:05d}"
        if bsn.is_valid(candidate) and store.persons.find_by_bsn(candidate) is None:
            return candidate
    raise AssertionError


async def test_new_person_and_case(demo_store):
    new_bsn = free_bsn(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        for text in (
            new_bsn,
            "Anna Maria",
            "van",
            "Dijk",
            "03-04-1985",
            "Kerkstraat",
            "12a",
            "3011ab",
            "Rotterdam",
            "06-12345678",
            "anna@example.nl",
        ):
            await pilot.press(*text, "tab")
        await pilot.press("f2")
        await settle(pilot)
        person = demo_store.persons.find_by_bsn(new_bsn)
        assert person is not None
        assert (person.given_names, person.surname_prefix, person.surname, person.postcode) == (
            "Anna Maria",
            "van",
            "Dijk",
            "3011 AB",
        )
        assert person.birth_date.isoformat() == "1985-04-03"
        cases = demo_store.cases.of_person(person.id)
        assert [c.track.value for c in cases] == ["brede_ondersteuning"]
        assert cases[0].caseworker == ME
        household = demo_store.persons.household_of(person.id)
        assert household[0][1].value == "aanvrager"
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == cases[0].id


async def test_new_person_validation_inline_and_nothing_saved(demo_store):
    before = demo_store.counts()
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"123456789", "tab")  # BSN, blur → checked at once
        await settle(pilot)
        assert "BSN ******789 klopt niet (elfproef)" in str(app.screen.query_one("#fout-bsn").render())  # masked
        await pilot.press("tab", "tab", "tab", *"31-12-2099", "tab", "tab", "tab", *"12345", "tab")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        assert "is verplicht" in str(app.screen.query_one("#fout-voornamen").render())
        assert "is verplicht" in str(app.screen.query_one("#fout-achternaam").render())
        assert "toekomst" in str(app.screen.query_one("#fout-geboortedatum").render())
        assert "postcode" in str(app.screen.query_one("#fout-postcode").render())
        assert "velden kloppen niet" in error_text(app)
        assert demo_store.counts() == before


async def test_new_child_in_household_without_case(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    parent = demo_store.cases.get(row.id).person_id
    members = len(demo_store.persons.household_of(parent))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("tab", *"Noor", "tab", "tab", *"Kind", "tab")
        dialog = app.screen
        dialog.query_one("#spoor").focus()
        await pilot.press("enter", "end", "enter")  # Geen zaak (alleen persoon)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        household = demo_store.persons.household_of(parent)
        assert len(household) == members + 1
        child = next(p for p, role, cases in household if p.given_names == "Noor")
        assert {p.id: role.value for p, role, _ in household}[child.id] == "kind"
        assert demo_store.cases.of_person(child.id) == []
        assert "Noor Kind" in "\n".join(str(o.prompt) for o in app.screen.query_one("#huishouden").options)


async def test_a_second_aanvrager_in_the_household_is_refused_in_the_dialog(demo_store):
    """F9 on a case joins the new person to its household; choosing aanvrager there, where the
    household has one, is refused with the roles to choose, and nothing is saved."""
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        before = demo_store.counts()  # (after the case was opened: a view is audited)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("tab", *"Bert", "tab", "tab", *"Tweede", "tab")
        app.screen.query_one("#rol").focus()
        await pilot.press("enter", "home", "enter")  # Aanvrager (the first role)
        assert app.screen.field_value("rol") == "aanvrager"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        assert "dit huishouden heeft al een aanvrager; kies een andere rol" in error_text(app)
        assert demo_store.counts() == before


async def test_duplicate_bsn_store_error_shown_in_dialog(demo_store):
    existing = next(r for r in demo_store.cases.page(CaseFilter(), 0, 300, today=TODAY) if r.bsn)
    before = demo_store.counts()
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press(*existing.bsn, "tab", *"Piet", "tab", "tab", *"Dubbel", "f2")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        assert "al een persoon" in error_text(app)
        assert demo_store.counts() == before


async def test_the_buttons_cancel_and_save_as_the_keys_do(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    before = len(demo_store.cases.notes(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"Niet bewaren")
        await pilot.click("#annuleren")
        await settle(pilot)
        await pilot.press("j")  # something typed: the button asks as Esc does (issue 17)
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert len(demo_store.cases.notes(row.id)) == before
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"Via de knop")
        await pilot.click("#opslaan")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
    notes = demo_store.cases.notes(row.id)
    assert len(notes) == before + 1 and max(notes, key=lambda n: n.id).text == "Via de knop"
