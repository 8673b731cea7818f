"""Issue 17: the desk for a working day (nothing typed thrown away, visible state, the palette …).

Each test drives the real desk at 80×24 with keys and looks at the database or the screen.
"""

from __future__ import annotations

from textual.widgets import TextArea

from herstel_tui.store import CaseFilter
from herstel_tui.tui.forms.choices import ConfirmDialog
from herstel_tui.tui.screens.case_dialogs import NoteDialog
from herstel_tui.tui.screens.zaak import CaseScreen
from tests.tui.conftest import TODAY, make_app
from tests.tui.pilot import open_case, settle


def first_case(store):
    return store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]


# -- point 3: Esc does not throw away what was typed ----------------------------------------------


async def test_esc_on_a_typed_note_asks_before_throwing_it_away(demo_store):
    row = first_case(demo_store)
    notes_before = len(demo_store.cases.notes(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Ouder belde: beslagl")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Notitie weggooien?" in str(app.screen.query_one("#vraag").render())
        await pilot.press("n")  # no: back to the note, the text still there
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#tekst", TextArea).text == "Ouder belde: beslagl"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # Esc in the question is "no" as well
        await settle(pilot)
        assert app.screen.query_one("#tekst", TextArea).text == "Ouder belde: beslagl"
        await pilot.press("escape", "j")  # yes: gone, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.query_one("#tekst", TextArea).text == ""
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
    assert len(demo_store.cases.notes(row.id)) == notes_before
