"""The plan, cost and SPUK screens driven by real keys at 80×24 (Pilot), checked in the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from textual.widgets import Input, OptionList, Select, TextArea

from herstel_tui.domain import clock
from herstel_tui.domain.plan import LEEFGEBIEDEN, GoalStatus, PlanStatus
from herstel_tui.settings.config import Config
from herstel_tui.store.plan import draft_key
from herstel_tui.tui.forms import saving
from herstel_tui.tui.forms.choices import ChoiceDialog
from herstel_tui.tui.screens.costs import CostDialog, CostsScreen
from herstel_tui.tui.screens.plan import PlanScreen
from herstel_tui.tui.screens.plan_dialogs import AgreeDialog, NazorgDialog
from herstel_tui.tui.screens.spuk import SpukScreen
from tests.support.pilot import Host, desk, focused_id, pick, settle
from tests.support.plan import AGREED, add_case

PLAN = {  # short texts: Pilot types one key per frame
    "financien": ("Schulden", "Regeling", "Schuldenvrij", "Kredietbank bellen", "Kredietbank"),
    "wonen": ("Huurschuld", "Blijven", "Huis houden", "Regeling", "Woonstad"),
    "zorg": ("Slapeloos", "Rust", "Slapen", "Huisarts", "GP"),
    "gezin": ("Spanning", "Steun", "Rust", "Coach", "Jeugdteam"),
    "werk": ("Geen werk", "Werk", "Baan", "Gesprek WSP", "WSP"),
}


async def fill_area(pilot, area: str) -> None:
    app = pilot.app
    situation, question, goal, what, party = PLAN[area]
    assert focused_id(app) == f"situatie-{area}"
    await pilot.press(*situation, "tab", *question)
    await pilot.press("f4")  # goal in this leefgebied
    await settle(pilot)
    assert focused_id(app).startswith("doel-")
    await pilot.press(*goal, "tab")
    assert focused_id(app).startswith("doelstatus-")
    await pilot.press("f5")  # action in this leefgebied
    await settle(pilot)
    assert focused_id(app).startswith("wat-")
    await pilot.press(*what, "tab")
    assert focused_id(app).startswith("gedaan-")
    await pilot.press("tab")
    assert focused_id(app).startswith("wie-")
    await pick(pilot, 1)  # Gemeente → Externe partij
    await pilot.press("tab", *party, "tab", *"01-09-2025", "tab")
    await settle(pilot)


def assert_plan_holds_everything(plans, case_id: int) -> None:
    v = plans.version(case_id)
    for area, (situation, question, goal, what, party) in PLAN.items():
        assert (v.area(area).situation, v.area(area).question) == (situation, question)
        assert [g.text for g in v.goals_in(area)] == [goal]
        (a,) = v.actions_in(area)
        assert (a.what, a.who.value, a.party, a.due) == (what, "extern", party, date(2025, 9, 1))


async def test_fill_every_leefgebied_by_keyboard(store):
    case = add_case(store, 0)
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        for i, area in enumerate(PLAN):
            await fill_area(pilot, area)
            if i < len(PLAN) - 1:
                assert focused_id(app) == f"situatie-{LEEFGEBIEDEN[i + 1].value}"  # the natural tab order
    assert_plan_holds_everything(store.plans, case.id)


def fill_through_the_store(plans, case_id: int) -> None:
    """The same plan as the keyboard test types, written through the store (what that test proves)."""
    vid = plans.start_concept(case_id).id
    for area, (situation, question, goal, what, party) in PLAN.items():
        plans.set_area_text(vid, area, "situatie", situation)
        plans.set_area_text(vid, area, "hulpvraag", question)
        plans.add_goal(vid, area, goal)
        plans.add_action(vid, area, what=what, who="extern", party=party, due=date(2025, 9, 1))


async def test_agree_change_and_read_the_first_version(store):
    case = add_case(store, 0)
    plans = store.plans
    fill_through_the_store(plans, case.id)
    assert_plan_holds_everything(plans, case.id)
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)

        # Vaststellen: volledig, today, consent by signature
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, AgreeDialog)
        assert focused_id(app) == "niveau"
        await pick(pilot, 1)  # op hoofdlijnen → volledig
        await pilot.press("tab")
        assert app.screen.query_one("#datum", Input).value == clock.today().strftime("%d-%m-%Y")
        await pilot.press("tab")
        await pick(pilot, 1)  # (prompt) → ondertekend
        await pilot.press("tab", *"aan de keukentafel", "f2")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        v1 = plans.version(case.id)
        assert (v1.number, v1.status, v1.agreed_on, v1.consent.value, v1.consent_note) == (
            1,
            PlanStatus.VOLLEDIG,
            clock.today(),
            "ondertekend",
            "aan de keukentafel",
        )
        assert [e.step for e in store.cases.events(case.id)][-1] == "plan_volledig"
        assert app.screen.query_one("#situatie-financien", TextArea).disabled  # agreed: read-only texts
        assert "Volledig vastgesteld" in str(app.screen.query_one("#plankop").render())

        # A change makes version 2 (F8, then w)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert focused_id(app) == "situatie-financien"
        await pilot.press(*"Bijgewerkt: ", "tab")
        await settle(pilot)
        v2 = plans.version(case.id)
        assert (v2.number, v2.status, v2.based_on) == (2, PlanStatus.CONCEPT, 1)
        assert v2.area("financien").situation == "Bijgewerkt: " + PLAN["financien"][0]
        assert plans.version(case.id, 1).area("financien").situation == PLAN["financien"][0]

        # The first version stays readable: F8, o, pick version 1
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # versions newest first: 2, then 1
        await settle(pilot)
        old = app.screen
        assert isinstance(old, PlanScreen) and old.number == 1 and old.readonly
        assert old.query_one("#situatie-financien", TextArea).text == PLAN["financien"][0]
        assert old.query_one("#situatie-financien", TextArea).disabled
        assert all(w.disabled for w in old.query("#plan Input, #plan Select, #plan Checkbox, #plan TextArea"))
        assert "(oude versie)" in str(old.query_one("#plankop").render())
        assert "alleen lezen" in str(old.query_one("#planstatus").render())
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen) and app.screen.number is None


async def test_goal_status_on_an_agreed_plan_and_nazorg_by_keyboard(store):
    case = add_case(store, 1)
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2025, 3, 1))
    store.cases.record_event(case.id, "eerste_toets", date(2025, 4, 1), outcome="gedupeerd")
    plans = store.plans
    v = plans.start_concept(case.id)
    plans.set_area_text(v.id, "wonen", "hulpvraag", "Huis behouden")
    g = plans.add_goal(v.id, "wonen", "Geen huurachterstand")
    plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert focused_id(app) == f"doelstatus-{g.id}"  # the only thing that can change on an agreed plan
        await pilot.press("z")  # nazorg: refused while the goal is open
        await settle(pilot)
        assert not isinstance(app.screen, NazorgDialog)
        await pick(pilot, 2)  # open → behaald
        await settle(pilot)
        assert plans.version(case.id).goals[0].status is GoalStatus.BEHAALD
        assert plans.version(case.id).number == 1  # progress, not a new version
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, NazorgDialog)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert [e.step for e in store.cases.events(case.id)][-1] == "nazorg"


async def test_refused_agreement_stays_in_the_dialog_and_saves_nothing(store):
    case = add_case(store, 2, talk=False)
    plans = store.plans
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", *"Werk vinden")  # hulpvraag financiën
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, AgreeDialog)
        await pilot.press("tab", "tab")
        await pick(pilot, 2)  # mondeling
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, AgreeDialog)  # still open, input kept
        assert "kan pas na Eerste gesprek gevoerd" in str(app.screen.query_one("#fout").render())
        assert plans.version(case.id).status is PlanStatus.CONCEPT and store.cases.events(case.id) == []
        # what was typed in the dialog is a draft in the database until saved or cancelled
        assert (
            plans.store.drafts.load(draft_key("vaststellen", case.id, plans.version(case.id).id))["instemming"]
            == "mondeling"
        )
        await pilot.press("escape", "j")  # something typed: Esc asks first (issue 17)
        await settle(pilot)
        assert plans.store.drafts.load(draft_key("vaststellen", case.id, plans.version(case.id).id)) == {}


async def test_a_typed_field_is_saved_after_a_pause_without_leaving_it(store, monkeypatch):
    monkeypatch.setattr(saving, "DRAFT_DELAY", 0.05)
    case = add_case(store, 3)
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Rekening")
        await pilot.pause(0.2)  # the debounce, shortened for the test
        await settle(pilot)
        assert focused_id(app) == "situatie-financien"
        assert store.plans.version(case.id).area("financien").situation == "Rekening"


async def test_dropped_session_loses_at_most_the_field_being_typed(store):
    """In-process variant: the app is torn down mid-form without saving or leaving the field."""
    case = add_case(store, 4)
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Eerste veld", "tab", *"Tweede veld", "tab", *"Derde, half getyp")
        await settle(pilot)
    v = store.plans.version(case.id)
    assert (v.area("financien").situation, v.area("financien").question) == ("Eerste veld", "Tweede veld")


DROP_SCRIPT = r"""
import asyncio, os, signal, sys
from textual.app import App
from herstel_tui.settings.resources import open_store
from herstel_tui.tui.screens.plan import PlanScreen

store = open_store(sys.argv[1], "t.tester")

class Host(App):
    def on_mount(self):
        self.push_screen(PlanScreen(store, int(sys.argv[2])))

async def main():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.press(*"Energieschuld", "tab", *"Regeling treffen", "tab", "f4")
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.press(*"Schuldenvrij", "tab", "tab", *"Half getypt doe")
        await app.workers.wait_for_complete()
        print("typed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # the SSH connection drops: no cleanup at all

asyncio.run(main())
"""


def test_killed_process_keeps_every_committed_field(store, tmp_path):
    """A real drop: the process is SIGKILLed mid-form; the database has every field but the last."""
    import signal
    import subprocess
    import sys

    case = add_case(store, 5)
    script = tmp_path / "drop.py"
    script.write_text(DROP_SCRIPT, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(script), str(store.path), str(case.id)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert "typed" in r.stdout
    v = store.plans.version(case.id)
    assert (v.area("financien").situation, v.area("financien").question) == ("Energieschuld", "Regeling treffen")
    assert [g.text for g in v.goals] == ["Schuldenvrij"]
    assert v.area("wonen").situation in ("", "Half getypt doe")  # at most this field, being typed, is lost
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_delete_a_goal_with_confirmation(store):
    case = add_case(store, 6)
    plans = store.plans
    v = plans.start_concept(case.id)
    g = plans.add_goal(v.id, "werk", "Weg ermee")
    keep = plans.add_goal(v.id, "werk", "Blijft")
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(f"#doelstatus-{g.id}", Select).focus()
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert [x.text for x in plans.version(case.id).goals] == ["Blijft"]
        assert app.screen.query_one(f"#doelrij-{keep.id}").query_one(".nr").render().plain == "1."


async def test_cost_entry_by_keyboard(store):
    case = add_case(store, 7)
    plans = store.plans
    v = plans.start_concept(case.id)
    a = plans.add_action(v.id, "financien", what="Budgetcoach")
    app = Host(lambda: CostsScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, CostDialog) and focused_id(app) == "datum"
        await pilot.press("tab")
        await pick(pilot, 3)  # (prompt) → A → B → C
        await pilot.press("tab", *"Budgetbegeleiding", "tab", "tab", *"1,25", "tab", *"85,50")
        await pilot.pause()
        assert "€ 106,88" in str(app.screen.query_one("#uitkomst").render())
        await pilot.press("tab")
        assert focused_id(app) == "actie"  # the amount field is hidden for P×Q: skipped
        await pick(pilot, 1)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CostsScreen)
        (line,) = plans.store.costs.of_case(case.id)
        e = line.entry
        assert (e.component, e.description, e.kind.value, e.quantity, e.price, e.amount, e.action_uid) == (
            "C",
            "Budgetbegeleiding",
            "uren",
            Decimal("1.25"),
            Decimal("85.50"),
            Decimal("106.88"),
            a.uid,
        )
        assert plans.store.drafts.load(draft_key("kosten", case.id)) == {}
        assert "€ 106,88" in str(app.screen.query_one("#totalen").render())
        # change it: ⏎ on the row, make it an invoice of 1.234,56
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CostDialog) and app.screen.entry_id == e.id
        app.screen.query_one("#soort", Select).focus()
        await pick(pilot, 2)  # uren → stuks → werkelijk
        await pilot.press("tab", *"1.234,56", "f2")
        await settle(pilot)
        assert plans.store.costs.get(e.id).amount == Decimal("1234.56")
        # and delete it
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert plans.store.costs.of_case(case.id) == []


async def test_cost_form_draft_survives_a_drop_and_is_restored(store):
    case = add_case(store, 8)
    plans = store.plans
    app = Host(lambda: CostsScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("tab")
        await pick(pilot, 3)
        await pilot.press("tab", *"Factuur Kredietbank", "tab")
        await pick(pilot, 2)  # werkelijk bedrag
        await pilot.press("tab", *"1.234,56", "tab")
        await settle(pilot)
    # the connection dropped: nothing was saved for real, the draft is in the database
    assert plans.store.costs.of_case(case.id) == []
    draft = plans.store.drafts.load(draft_key("kosten", case.id))
    assert (draft["component"], draft["omschrijving"], draft["soort"], draft["bedrag"]) == (
        "C",
        "Factuur Kredietbank",
        "werkelijk",
        "1.234,56",
    )
    app = Host(lambda: CostsScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#omschrijving", Input).value == "Factuur Kredietbank"
        assert screen.query_one("#bedrag", Input).value == "1.234,56"
        assert str(screen.query_one("#soort", Select).value) == "werkelijk"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CostsScreen)
    (line,) = plans.store.costs.of_case(case.id)
    assert line.entry.amount_cents == 123456 and plans.store.drafts.load(draft_key("kosten", case.id)) == {}


async def test_cost_form_inline_errors_in_dutch(store):
    case = add_case(store, 9)
    app = Host(lambda: CostDialog(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", *"1,555", "tab")
        await pilot.pause()
        assert "meer dan 2 decimalen" in str(app.screen.query_one("#fout-aantal").render())
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CostDialog)
        assert "kies een component" in str(app.screen.query_one("#fout-component").render())


async def test_spuk_screen_years_and_export(store, tmp_path):
    from herstel_tui.domain.costs import CostEntry

    case = add_case(store, 10)
    plans = store.plans
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 1),
            component="B",
            description="Gesprek",
            kind="uren",
            quantity="0,25",
            price="72,50",
        )
    )
    cfg = Config(gemeente="Gemeente Proefstad", medewerker="t.tester", exportmap=tmp_path / "export")
    app = Host(lambda: SpukScreen(store, 2025, config=cfg, today=date(2025, 6, 1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#spuktabel").render())
        assert "€ 18,13" in text and "in aanmerking voor ondersteuning in 2025: 1" in text
        await pilot.press("left")
        await settle(pilot)
        assert app.screen.year == 2024 and "€ 0,00" in str(app.screen.query_one("#spuktabel").render())
        await pilot.press("f5", "f2")
        await settle(pilot)
        assert app.screen.year == 2025
    (path,) = (tmp_path / "export").iterdir()
    assert path.name == "SPUK-jaaroverzicht_2025_20250601.xlsx"


async def test_the_screens_work_on_the_desk(store):
    """On HerstelApp the screens go through the desk's store lock (DeskData.call)."""
    case = add_case(store, 11)
    app = desk(store, Config(gemeente="Gemeente Proofstad", medewerker="t.tester"))
    calls = []
    original = app.data.call

    def counting(fn, *a, **kw):
        calls.append(fn)
        return original(fn, *a, **kw)

    app.data.call = counting
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PlanScreen(store, case.id))
        await settle(pilot)
        await pilot.press(*"Op de desk", "tab")
        await settle(pilot)
        assert store.plans.version(case.id).area("financien").situation == "Op de desk"
        assert calls  # every store call went through the desk's lock
        await pilot.press("f3")
        await settle(pilot)
        assert not isinstance(app.screen, PlanScreen)


async def test_a_plan_agreed_elsewhere_meanwhile_is_reloaded(store):
    case = add_case(store, 12)
    plans = store.plans
    v = plans.start_concept(case.id)
    plans.set_area_text(v.id, "werk", "hulpvraag", "Werk vinden")
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")  # a colleague, at the same moment
        await pilot.press(*"Laat", "tab")
        await settle(pilot)
        screen = app.screen
        assert screen.version is not None and screen.version.status is PlanStatus.HOOFDLIJNEN
        assert screen.query_one("#situatie-financien", TextArea).disabled
    assert plans.version(case.id).area("financien").situation == ""


async def test_the_plan_dialogs_fit_80x24_with_their_buttons(store):
    from textual.widgets import Button

    case = add_case(store, 13)
    v = store.plans.start_concept(case.id)
    for make in (
        lambda: AgreeDialog(store, case.id, v),
        lambda: NazorgDialog(store, case.id),
        lambda: CostDialog(store, case.id),
    ):
        app = Host(make)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f2")  # refused: every inline error shows
            await settle(pilot)
            box = app.screen.query_one("#dialoog").region
            assert box.right <= 80 and box.bottom <= 24, type(app.screen)
            for button in app.screen.query(Button):
                assert button.region.height >= 1 and button.region.bottom <= 23, (type(app.screen), button.region)


async def test_esc_on_a_typed_cost_entry_asks_and_keeps_the_draft_on_no(store):
    """Issue 17 point 3: Esc with something typed asks "Kostenpost weggooien?"; n keeps typing
    (and the draft), j throws the input and its draft away."""
    case = add_case(store, 11)
    app = Host(lambda: CostsScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        # point 2: the components' whole titles are offered (the dropdown wraps them), not cut at 60
        listed = app.screen.query_one("#component", Select).query_one(OptionList)  # (its dropdown)
        offered = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        titles = store.routekaart.spuk_components
        assert all(any(o.endswith(t) for o in offered) for t in titles.values())
        await pilot.press("tab", "tab", *"Budgetcoach", "tab")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "Kostenpost weggooien?" in str(app.screen.query_one("#vraag").render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CostDialog)
        assert app.screen.query_one("#omschrijving", Input).value == "Budgetcoach"
        assert store.drafts.load(draft_key("kosten", case.id))["omschrijving"] == "Budgetcoach"
        await pilot.press("escape", "j")
        await settle(pilot)
        assert isinstance(app.screen, CostsScreen)
    assert store.drafts.load(draft_key("kosten", case.id)) == {}
    assert store.costs.of_case(case.id) == []
