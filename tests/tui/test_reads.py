"""A screen's read in a worker (``post_read``): what it found is shown, a failure in Dutch, and a
late answer for another year or a closed screen changes nothing."""

from __future__ import annotations

from datetime import date

from herstel_tui.settings.config import Config
from herstel_tui.tui.forms.saving import Loaded
from herstel_tui.tui.screens.costs import CostsScreen
from herstel_tui.tui.screens.spuk import SpukScreen
from tests.support.pilot import Host, settle
from tests.support.plan import add_case


async def test_a_case_that_is_gone_reads_as_a_dutch_message(store):
    app = Host(lambda: CostsScreen(store, 987654))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        head = str(app.screen.query_one("#kostenkop").render())
        assert head.startswith("Kosten kunnen niet worden geladen:")
        assert app.screen.bundle is None and not app.screen.query_one("#posten").loading


async def test_the_costs_of_a_case_are_read_and_shown(store):
    case = add_case(store, 12)
    app = Host(lambda: CostsScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.bundle is not None and app.screen.bundle.case.id == case.id
        assert "0 posten" in str(app.screen.query_one("#kostenkop").render())


async def test_an_answer_for_another_year_is_ignored(store):
    cfg = Config(gemeente="Gemeente Proefstad", medewerker="t.tester")
    app = Host(lambda: SpukScreen(store, 2025, config=cfg, today=date(2025, 6, 1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        shown = str(screen.query_one("#spuktabel").render())
        assert "2025" in shown
        screen.post_message(Loaded(None, "te laat", tag=2019))  # a read of a year left meanwhile
        await settle(pilot)
        assert str(screen.query_one("#spuktabel").render()) == shown
        screen.post_message(Loaded(None, "schijf vol", tag=2025))
        await settle(pilot)
        assert "Kan niet laden: schijf vol" in str(screen.query_one("#spuktabel").render())
