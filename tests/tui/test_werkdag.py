"""Issue 17: the desk for a working day (nothing typed thrown away, visible state, the palette …).

Each test drives the real desk at 80×24 with keys and looks at the database or the screen.
"""

from __future__ import annotations

from textual.widgets import TextArea

from herstel_tui.store import CaseFilter
from herstel_tui.tui.forms.choices import ConfirmDialog
from herstel_tui.tui.screens.case_dialogs import NoteDialog
from herstel_tui.tui.screens.zaak import CaseScreen
from tests.support.pilot import open_case, settle
from tests.tui.conftest import TODAY, make_app


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


# -- point 5: the palette offers what the keys reach, in Dutch ------------------------------------


async def palette_options(pilot, query: str, wait: float = 0.15) -> list[str]:
    from textual.command import CommandInput, CommandList

    app = pilot.app
    box = app.screen.query_one(CommandInput)
    box.value = query
    await pilot.pause(wait)  # the palette searches in the background (and says "no matches" after 0.5 s)
    lst = app.screen.query_one(CommandList)
    return [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]


async def test_palette_finds_every_desk_action_by_its_dutch_name(demo_store):
    from textual.command import SearchIcon

    from herstel_tui.tui.screens.overview import OverviewScreen

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert str(app.screen.query_one(SearchIcon).render()) == ">"  # no emoji a thin client cannot draw
        for query, found in [
            ("overzicht", "Overzicht"),
            ("vraag", "Vraagbestand"),
            ("logboek", "Logboek"),
            ("spuk", "SPUK"),
            ("stop", "Stop"),
            ("nieuw", "Nieuw"),
            ("notitie", "Notitie"),
        ]:
            options = await palette_options(pilot, query)
            assert any(found in o for o in options), (query, options)
        options = await palette_options(pilot, "xyzzy", wait=0.7)
        assert any("Geen resultaten" in o for o in options), options
        await palette_options(pilot, "overzicht")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)


# -- point 2: focus, selection and checked state visible without colour ----------------------------

NO_COLOR = {"TERM": "linux", "NO_COLOR": "1"}


def styled(strip, attr: str) -> str:
    """The text of a rendered line's segments that carry ``attr`` (bold, underline, reverse)."""
    return "".join(seg.text for seg in strip if seg.style is not None and getattr(seg.style, attr))


async def test_state_and_focus_show_without_colour(demo_store, monkeypatch):
    from textual.widgets import Checkbox, OptionList, RadioButton

    from herstel_tui.tui.screens.case_dialogs import StepDialog, UrgencyDialog
    from herstel_tui.tui.widgets.caselist import CaseTable

    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it from the environment
    row = first_case(demo_store)
    app = make_app(demo_store, env=NO_COLOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        table = app.screen.query_one(CaseTable)
        y = table.line_of(table.cursor) - round(table.scroll_y) + 1  # under the first section's heading
        assert y == 2 and "Zaak" not in styled(table.render_line(y), "reverse")
        assert row.zaaknummer.removeprefix("HKO-") in styled(table.render_line(y), "reverse")  # the cursor
        assert not styled(table.render_line(1), "reverse") and "── Verlopen" in table.render_line(1).text
        await open_case(pilot, row.id)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        keuze = app.screen.query_one("#keuze", OptionList)
        chosen = keuze.highlighted_option.prompt.strip()
        line = keuze.highlighted - round(keuze.scroll_y)
        assert chosen in styled(keuze.render_line(line), "underline")
        await pilot.press("tab")  # to the correction box: the chosen step stays marked
        await pilot.pause()
        assert app.focused.id == "correctie"
        assert chosen in styled(keuze.render_line(line), "underline")
        box = app.screen.query_one("#correctie", Checkbox)
        assert str(box.render()).startswith("[ ]")
        assert "Correctie" in styled(box.render_line(0), "underline")  # focus
        await pilot.press("space")
        await pilot.pause()
        assert str(box.render()).startswith("[X]")
        await pilot.press("escape", "j")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, UrgencyDialog)
        marks = [str(b.render())[:3] for b in app.screen.query(RadioButton)]
        assert marks.count("(•)") == 1 and marks.count("( )") == len(marks) - 1


async def test_note_dialog_tab_stops_only_on_fields_and_buttons(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        stops = []
        for _ in range(6):
            stops.append(app.focused.id)
            await pilot.press("tab")
        assert stops == ["tekst", "opslaan", "annuleren", "datum", "kanaal", "tekst"]


# -- point 1: today's work first ----------------------------------------------------------------


async def test_the_bar_says_what_is_late_and_due_this_week_and_d_shows_the_next_14_days(demo_store):
    from herstel_tui.store.caselist import section_counts
    from herstel_tui.tui.format import number
    from herstel_tui.tui.widgets.caselist import CaseTable

    sections = section_counts(demo_store.conn, CaseFilter(), TODAY)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one("#filters").render())
        parts = [(sections.week, "deze week"), (sections.overdue, "verlopen"), (sections.waiting, "wacht op UHT")]
        said = ", ".join(f"{number(n)} {label}" for n, label in parts if n)
        assert said and f"zaken: {said}" in bar
        await pilot.press("d")
        await settle(pilot)
        bar = str(app.screen.query_one("#filters").render())
        assert "termijn binnen 14 dagen" in bar
        table = app.screen.query_one(CaseTable)
        expected = demo_store.cases.count(CaseFilter(within=14), today=TODAY)
        assert expected and table.count == expected
        row = table.current
        assert 0 <= row.days_left(TODAY) <= 14 and not row.waiting
        await pilot.press("d")
        await settle(pilot)
        assert "binnen" not in str(app.screen.query_one("#filters").render())


# -- point 6: an audit trail a functionaris gegevensbescherming reads ------------------------------


async def test_audit_trail_reads_at_80_columns_with_a_detail_pane(demo_store):
    from textual.widgets import DataTable

    from herstel_tui.tui.screens.audit import AuditScreen

    row = first_case(demo_store)
    demo_store.cases.set_urgency(row.id, "executoriale_verkoop_of_uitzetting", False)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= 78  # no sideways scrolling at 80 columns
        first = [str(c) for c in table.get_row_at(0)]
        assert first[2] == "Urgentie gewijzigd" and first[3] == row.zaaknummer.removeprefix("HKO-")
        detail = str(app.screen.query_one("#logdetail").render())
        assert "urgentie: — → Executoriale verkoop of dreigende uitzetting" in detail
        await pilot.press("down")
        await pilot.pause()
        assert "Urgentie" not in str(app.screen.query_one("#logdetail").render())


# -- point 7: smaller things ---------------------------------------------------------------------


async def test_exact_zaaknummer_of_a_closed_case_says_how_to_show_it(demo_store):
    from herstel_tui.tui.widgets.caselist import CaseTable

    closed = demo_store.cases.page(CaseFilter(closed=True), 0, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *closed.zaaknummer)
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.count == 0
        text = "".join(seg.text for seg in table.render_line(1))
        assert "1 gesloten zaak past bij de zoektekst. g toont gesloten zaken." in text
        await pilot.press("escape", "g")  # to the list, then: closed cases
        await settle(pilot)
        assert table.count == 1 and table.current.zaaknummer == closed.zaaknummer


async def test_a_saved_note_is_confirmed(demo_store):
    from tests.support.pilot import notices

    row = first_case(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"Gebeld", "f2")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert any("Contactmoment opgeslagen." in n for n in notices(app))


async def test_a_saved_step_urgency_and_assignment_are_confirmed(demo_store):
    """Point 7: "no confirmation after saving a note, step or urgency": a Dutch toast says each
    was saved (the toasts on the screen, read as a caseworker sees them); a cancelled dialog says nothing."""
    from tests.support.pilot import notices

    def step_today(row) -> bool:
        view = demo_store.cases.view(row.id, today=TODAY)
        return bool(view.next_steps) and (view.next_steps[0].earliest or TODAY) <= TODAY

    rows = demo_store.cases.page(CaseFilter(), 0, 300, today=TODAY)
    row = next(r for r in rows if step_today(r) and not r.urgent)
    events = len(demo_store.cases.events(row.id))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await open_case(pilot, row.id)
        await pilot.press("f2", "escape")  # nothing typed: closes at once, nothing saved, no toast
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and notices(app) == []
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f2")  # the proposed next step, today
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and len(demo_store.cases.events(row.id)) == events + 1
        assert any("Stap vastgelegd." in n for n in notices(app))
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("down", "enter", "f2")  # Terminale ziekte
        await settle(pilot)
        assert demo_store.cases.get(row.id).urgency is not None
        assert any("Urgentie opgeslagen." in n for n in notices(app))
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("end", "ctrl+u", *"x.nieuw", "enter")
        await settle(pilot)
        assert demo_store.cases.get(row.id).caseworker == "x.nieuw"
        assert any("Zaak toegewezen." in n for n in notices(app))


async def test_a_taller_window_shows_the_list_from_the_top(demo_store):
    from herstel_tui.tui.widgets.caselist import CaseTable

    term = next(t for t in ("jan", "de", "van", "a") if 8 < demo_store.cases.count(CaseFilter(search=t)) < 40)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *term, "enter")
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_y > 0 and table.count < 40
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        assert table.scroll_y == 0 and table.cursor == table.count - 1


async def test_f1_stays_in_the_footer_at_60_columns(demo_store):
    from herstel_tui.tui.widgets.bars import KeyBar

    app = make_app(demo_store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        for keys in ([], ["enter"]):  # the list, then a case
            await pilot.press(*keys)
            await settle(pilot)
            bar = app.screen.query_one(KeyBar)
            assert bar.region.width == 60 and bar.region.y == 19
            line = bar.text()
            assert line.startswith("F1 Help"), line
            assert len(line) <= 60  # cut at the edge; F1 is first, so it stays


async def test_an_open_dropdown_speaks_dutch_in_the_footer(demo_store):
    """Every text a caseworker sees is Dutch: Textual's dropdown shows "Dismiss menu" in the
    footer while its list is open; the desk's says "Sluiten", and Esc closes the list, keeping the choice."""
    from textual.widgets import Select

    from herstel_tui.tui.screens.person_dialog import NewPersonDialog
    from herstel_tui.tui.widgets.bars import KeyBar

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonDialog)
        spoor = app.screen.query_one("#spoor", Select)
        spoor.focus()
        await pilot.press("enter")  # open the list
        await settle(pilot)
        assert spoor.expanded
        line = app.screen.query_one(KeyBar).text()
        assert "Esc Sluiten" in line and "Dismiss" not in line, line
        await pilot.press("down", "escape")
        await settle(pilot)
        assert not spoor.expanded and spoor.value == "brede_ondersteuning" and isinstance(app.screen, NewPersonDialog)


def test_every_dropdown_is_the_dutch_one():
    """Textual's Select has an English key in its list; the desk builds every dropdown as Dropdown."""
    import re
    from pathlib import Path

    import herstel_tui.tui as tui

    root = Path(tui.__file__).parent
    plain = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "fields.py" and re.search(r"(?<![\w.])Select\(", p.read_text(encoding="utf-8"))
    ]
    assert plain == []
