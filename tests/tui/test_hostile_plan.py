"""Issue 15: a control character pasted into a plan field (saved as it is typed) is refused, naming
the field, in the plan's status line; the stored text stays as it was."""

from __future__ import annotations

from textual.widgets import TextArea

from herstel_tui.tui.forms import saving
from herstel_tui.tui.screens.plan import PlanScreen
from tests.support.pilot import Host, settle
from tests.support.plan import add_case


async def test_pasted_escape_in_a_plan_text_is_refused_naming_the_field(store, monkeypatch):
    monkeypatch.setattr(saving, "DRAFT_DELAY", 0.05)
    case = add_case(store, 5)
    app = Host(lambda: PlanScreen(store, case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Rekening")
        await pilot.pause(0.2)
        await settle(pilot)
        assert store.plans.version(case.id).area("financien").situation == "Rekening"
        app.screen.query_one("#situatie-financien", TextArea).text = "Rekening\x1b]0;gehackt\x07"  # a paste
        await pilot.pause(0.2)
        await settle(pilot)
        shown = str(app.screen.query_one("#planstatus").render())
        assert shown.startswith("Niet opgeslagen: situatie bevat het stuurteken ESC (U+001B) op positie 9")
        assert store.plans.version(case.id).area("financien").situation == "Rekening"
