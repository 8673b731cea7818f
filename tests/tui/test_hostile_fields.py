"""Issue 15: a control character pasted into a desk field is refused under that field, naming it;
nothing is saved."""

from __future__ import annotations

from herstel_tui.store import CaseFilter
from herstel_tui.tui.screens.case_dialogs import NoteDialog
from tests.support.pilot import settle
from tests.tui.conftest import TODAY, make_app


async def test_pasted_escape_in_a_note_is_refused_under_the_field(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    before = len(demo_store.cases.notes(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#tekst").text = "Gebeld\x1b]0;gehackt\x07 en verder"  # as a paste brings it
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        shown = str(app.screen.query_one("#fout-tekst").render())
        assert "bevat het stuurteken ESC (U+001B) op positie 7" in shown
        assert len(demo_store.cases.notes(row.id)) == before
