"""The overview screen in the real desk at 80×24: figures from a worker, the .xlsx one key away."""

from __future__ import annotations

from herstel_tui.settings.config import Config
from tests.support.data import TODAY
from tests.support.pilot import desk, settle


def make_app(store, export_dir):
    config = Config(medewerker="tester", gemeente="Gemeente Proefstad", exportmap=export_dir)
    return desk(store, config, today=TODAY, env={"TERM": "xterm", "NO_COLOR": "1"})


async def test_figures_shown_and_exported(hand, tmp_path):
    from herstel_tui.tui.screens.overview import OverviewScreen

    store, _ = hand
    export_dir = tmp_path / "export"
    app = make_app(store, export_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(OverviewScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.overview is not None
        head = str(screen.query_one("#ovkop").render())
        assert "Overzicht Gemeente Proefstad" in head and "peildatum 01-06-2026" in head and "33 zaken" in head
        body = str(screen.query_one("#ovtabellen").render())
        assert "Wettelijke termijnen" in body
        egv = next(
            line for line in body.splitlines() if line.startswith("Eerste gesprek ") and line.split()[2].isdigit()
        )
        assert egv.split()[2:] == ["6", "2", "2", "4", "2", "1"]
        assert all(len(line) <= 76 for line in body.splitlines())
        await pilot.press("e")
        await settle(pilot)
        assert (export_dir / "overzicht-20260601.xlsx").exists()
        await pilot.press("f2")
        await settle(pilot)
        assert (export_dir / "overzicht-20260601-2.xlsx").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, OverviewScreen)


def test_bindings_have_ids():
    from herstel_tui.tui.screens.overview import OverviewBody, OverviewScreen

    keys = {b.id: b.key for b in OverviewScreen.BINDINGS}
    assert keys == {
        "overzicht.terug": "escape,f3,backspace,q",
        "overzicht.excel": "f2,e",
        "overzicht.vernieuwen": "f5,r",
    }
    assert {b.id for b in OverviewBody.BINDINGS} == {"overzicht.omhoog", "overzicht.omlaag"}
    assert all(b.description for b in OverviewScreen.BINDINGS)
