"""Keys that open the other parts of the desk: letters, overview, vraagbestand, audit trail,
the Serviceteam verification code on the case screen, and colleagues' changes."""

from __future__ import annotations

from datetime import date

import openpyxl

from herstel_tui.settings.resources import open_store
from herstel_tui.store import CaseFilter
from herstel_tui.tui.screens.audit import AuditScreen
from herstel_tui.tui.screens.letter import LetterScreen
from herstel_tui.tui.screens.overview import OverviewScreen
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.screens.zaak import CaseScreen
from tests.support.pilot import screen_text, settle
from tests.tui.conftest import TODAY, make_app, make_config


def list_lines(app) -> list[str]:
    from herstel_tui.tui.widgets.caselist import CaseTable

    table = app.screen.query_one(CaseTable)
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def first_case(store):
    return store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]


async def test_case_screen_letter_and_audit_keys(demo_store):
    row = first_case(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(row.id)
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        assert table.row_count >= 1  # at least the "bekeken" row of opening this case
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[2] == "Zaak bekeken" and first[3] == row.zaaknummer.removeprefix("HKO-")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)


async def test_app_keys_overview_vraagbestand_audit(demo_store):
    from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog

    app = make_app(demo_store, config=make_config(portaal_id="GPB12AB"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, VraagbestandDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)


async def test_typing_in_search_does_not_trigger_app_letters(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"jie")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        from textual.widgets import Input

        assert app.screen.query_one(Input).value == "jie"


async def test_verification_code_next_to_serviceteam(demo_store, tmp_path):
    from herstel_tui.services.portal import import_verification_code

    name = tmp_path / "VC-GPB12AB-verificatiecode_Gemeentedesk_20260115.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Verificatiecode", "AB12-CD34"])
    wb.save(name)
    import_verification_code(demo_store, make_config(portaal_id="GPB12AB"), name, today=date(2026, 2, 1))
    # a case whose current step names the Serviceteam UHT as contact
    from herstel_tui.settings.resources import default_routekaart

    rk = default_routekaart()
    target = None
    for row in demo_store.cases.page(CaseFilter(closed=None), 0, 300, today=TODAY):
        view = demo_store.cases.view(row.id, today=TODAY)
        step = (
            rk.step(row.track, view.current.step)
            if view.current and rk.has_step(row.track, view.current.step)
            else None
        )
        if step and any(c.id == "serviceteam_uht" for c in step.contacts):
            target = row
            break
    assert target is not None
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(target.id)
        await settle(pilot)
        assert "Verificatiecode: AB12-CD34 (geldig t/m 15-07-2026)" in screen_text(app)


async def test_colleagues_changes_show_without_restart(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.check_colleagues()
        await settle(pilot)
        assert not any("Zzcollega" in line for line in list_lines(app))
        # a colleague, in another connection, renames the first person on screen
        row = first_case(demo_store)
        with open_store(demo_store.path, "collega") as other:
            p = other.persons.get(row.person_id)
            other.persons.update(p.model_copy(update={"surname": "Zzcollega"}))
        app.check_colleagues()
        await settle(pilot)
        assert any("Zzcollega" in line for line in list_lines(app))


async def test_plan_costs_and_spuk_keys(demo_store):
    from herstel_tui.tui.screens.costs import CostsScreen
    from herstel_tui.tui.screens.plan import PlanScreen
    from herstel_tui.tui.screens.spuk import SpukScreen

    row = next(r for r in demo_store.cases.page(CaseFilter(track="brede_ondersteuning"), 0, 50, today=TODAY))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SpukScreen)
        await pilot.press("escape")
        await settle(pilot)
        app.open_case(row.id)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen) and app.screen.case_id == row.id
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CostsScreen)


def test_every_desk_binding_has_an_id_including_plan_screens():
    from herstel_tui.tui.desk import binding_ids

    ids = binding_ids()
    for expected in (
        "zaak.plan",
        "zaak.kosten",
        "zaak.brief",
        "app.spuk",
        "plan.vaststellen",
        "kosten.nieuw",
        "spuk.export",
        "brief.maken",
        "overzicht.excel",
        "vraagbestand.schrijven",
        "logboek.terug",
    ):
        assert expected in ids
    assert len(ids) == len(set(ids))


async def test_n_on_the_costs_screen_is_a_new_cost_entry_not_a_new_person(demo_store):
    from herstel_tui.tui.screens.costs import CostDialog, CostsScreen
    from herstel_tui.tui.screens.person_dialog import NewPersonDialog

    row = first_case(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(row.id)
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CostsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CostDialog) and not isinstance(app.screen, NewPersonDialog)
