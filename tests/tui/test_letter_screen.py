"""The letter dialog in the real desk at 80×24: choose, preview, make (in a worker), refusals shown."""

from __future__ import annotations

import pytest

from herstel_tui.settings.config import Config
from tests.support.data import TODAY
from tests.support.letters import GEMEENTE
from tests.support.pilot import desk, settle


def make_app(store, export_dir):
    return desk(store, Config(medewerker="t.tester", gemeente=GEMEENTE, exportmap=export_dir), today=TODAY)


def preview(app) -> str:
    return str(app.screen.query_one("#briefvoorbeeldtekst").render())


def error(app) -> str:
    return str(app.screen.query_one("#brieffout").render())


async def open_letters(pilot, case_id, results):
    from herstel_tui.tui.screens.letter import LetterScreen

    await settle(pilot)
    pilot.app.push_screen(LetterScreen(case_id), results.append)
    await settle(pilot)


async def test_confirmation_with_a_date_is_made_and_recorded(cases, export_dir):
    from herstel_tui.tui.screens.letter import LetterScreen

    app = make_app(cases.store, export_dir)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_letters(pilot, cases.bo.id, results)
        screen = app.screen
        assert isinstance(screen, LetterScreen)
        assert [k.id for k in screen.kinds] == [
            "contact",
            "bevestiging",
            "schuldeiser",
            "moratorium",
            "aangemeld",
            "pauzeknop",
        ]
        # the letter of the current step (Ontvangst gegevens: the creditor letter the routekaart lists there)
        assert screen.kind.id == "aangemeld"
        await pilot.press("home")
        await settle(pilot)
        assert "Betreft: hulp van de gemeente" in preview(app)
        await pilot.press("down")
        await settle(pilot)
        assert screen.kind.id == "bevestiging"
        assert screen.query_one("#veld-datum").display and not screen.query_one("#veld-schuldeiser").display
        assert "datum van het eerste gesprek ontbreekt" in preview(app)
        await pilot.press("enter")  # to the date field
        await pilot.press(*"9-6-2026")  # a talk to come: a confirmation never announces a past one
        await settle(pilot)
        assert "Het eerste gesprek is op dinsdag 9 juni 2026." in preview(app)
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, LetterScreen)
    assert len(results) == 1 and results[0].kind.id == "bevestiging"
    assert results[0].docx.exists() and results[0].txt.exists()
    assert cases.store.cases.events(cases.bo.id)[-1].step == "datum_eerste_gesprek_gecommuniceerd"


async def test_refusal_stays_in_the_dialog(cases, export_dir):
    from herstel_tui.tui.screens.letter import LetterScreen

    before = cases.store.counts()
    app = make_app(cases.store, export_dir)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_letters(pilot, cases.bo_new.id, results)
        await pilot.press("down", "enter", *"9-6-2026")
        await settle(pilot)
        assert "dinsdag 9 juni 2026" in preview(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        assert "Niet gemaakt, niets vastgelegd" in error(app) and "kan pas na" in error(app)
        await pilot.press("escape")
        await settle(pilot)
    assert results == [None]
    assert cases.store.counts() == before
    assert not export_dir.exists() or list(export_dir.iterdir()) == []


async def test_creditor_letter_needs_a_name_and_plain_keys_work(cases, export_dir):
    from herstel_tui.tui.screens.letter import LetterScreen

    app = make_app(cases.store, export_dir)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_letters(pilot, cases.sa.id, results)
        screen = app.screen
        assert [k.id for k in screen.kinds] == ["schuldeiser", "moratorium", "aangemeld", "pauzeknop"]
        assert screen.kind.id == "schuldeiser"
        assert "geef de naam van de schuldeiser" in preview(app)
        await pilot.press("m")  # make, with nothing to make: says why, writes nothing
        await settle(pilot)
        assert "naam van de schuldeiser" in error(app) and isinstance(app.screen, LetterScreen)
        await pilot.press("enter", *"CJIB")
        await settle(pilot)
        assert "Betreft: wettelijk moratorium van kracht voor Sevda Kaya" in preview(app)
        await pilot.press("tab")  # out of the input; plain letters are keys again
        await pilot.press("m")
        await settle(pilot)
    assert results and results[-1].kind.id == "schuldeiser"
    assert cases.store.cases.events(cases.sa.id)[-1].note.endswith("(aan CJIB)")


@pytest.mark.parametrize("size", [(80, 24)])
async def test_bindings_have_ids_and_fit(cases, export_dir, size):
    from herstel_tui.tui.screens.letter import LetterPreview, LetterScreen

    ids = {b.id for b in LetterScreen.BINDINGS} | {b.id for b in LetterPreview.BINDINGS}
    assert {"brief.maken", "brief.voorbeeld", "brief.tekst", "dialoog.annuleren", "dialoog.help"} <= ids
    keys = {b.id: b.key for b in LetterScreen.BINDINGS}
    assert keys["brief.maken"] == "f2,m" and keys["brief.voorbeeld"] == "f5,r"
    app = make_app(cases.store, export_dir)
    async with app.run_test(size=size) as pilot:
        await open_letters(pilot, cases.bo.id, [])
        box = app.screen.query_one("#briefdialoog")
        assert box.region.height <= size[1] - 1 and box.region.width <= size[0]
        for wid in ("#briefsoorten", "#briefvoorbeeld", "#briefmaken"):
            w = app.screen.query_one(wid)
            assert w.region.height >= 1 and box.region.contains_region(w.region), wid
