"""The werkvoorraad: paging list, search as you type, filters, sort, BSN reveal, opening a case."""

from __future__ import annotations

from herstel_tui.domain.record import replace
from herstel_tui.settings.resources import open_store
from herstel_tui.store import CaseFilter
from herstel_tui.tui.format import zaken
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.screens.zaak import CaseScreen
from herstel_tui.tui.widgets.caselist import CaseTable, columns
from tests.support.pilot import settle, watch_paints
from tests.tui.conftest import ME, TODAY, make_app


def lines(app) -> list[str]:
    table = app.screen.query_one(CaseTable)
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def case_lines(app) -> list[str]:
    """The lines that show cases (no column header, no section headings)."""
    table = app.screen.query_one(CaseTable)
    top = round(table.scroll_y)
    return [
        table.render_line(y).text
        for y in range(1, table.scrollable_content_region.height)
        if table.item_at(top + y - 1)[0] is None
    ]


def bar(app) -> str:
    return str(app.screen.query_one("#filters").render())


async def test_first_paint_shows_rows_and_count(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        f = CaseFilter()
        total = demo_store.cases.count(f, today=TODAY)
        first = demo_store.cases.page(f, 0, 1, today=TODAY)[0]
        assert bar(app).startswith(zaken(total))
        shown = lines(app)
        assert shown[0].startswith("! Zaak")
        assert shown[1].startswith("── ") and "── Verlopen (" in shown[1]  # the first section's heading
        assert first.zaaknummer.removeprefix("HKO-") in shown[2]
        assert first.bsn_masked in shown[2] or first.bsn is None
        # one line per case in every visible row, nothing wider than the terminal
        assert all(len(line) <= 80 for line in shown)
        assert app.screen.query_one(CaseTable).has_focus


async def test_columns_fit_80_and_grow_at_120():
    narrow = columns(79)
    wide = columns(119)
    assert sum(c.width for c in narrow) + len(narrow) - 1 <= 79
    assert sum(c.width for c in wide) + len(wide) - 1 <= 119
    assert {c.key for c in narrow} == {
        "mark",
        "zaak",
        "naam",
        "bsn",
        "spoor",
        "stap",
        "uitkomst",
        "termijn",
        "medewerker",
    }
    assert {c.key: c.width for c in wide}["zaak"] == 15


async def test_search_by_name_and_bsn_as_you_type(demo_store):
    row = next(
        r
        for r in demo_store.cases.page(CaseFilter(), 0, 300, today=TODAY)
        if r.bsn and demo_store.cases.count(CaseFilter(search=r.bsn), today=TODAY) == 1
    )
    surname = row.name.split(",")[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused.id == "zoek"
        await pilot.press(*surname.lower())
        await settle(pilot)
        n = demo_store.cases.count(CaseFilter(search=surname.lower()), today=TODAY)
        assert bar(app).startswith(zaken(n))
        assert all(surname.lower() in line.lower() for line in case_lines(app)[: min(n, 5)])
        # letters typed into the search box are not taken as filter keys
        assert app.screen.filter.caseworker is None
        await pilot.press("escape")  # leave the box, keep the text
        assert isinstance(app.focused, CaseTable)
        await pilot.press("escape")  # on the list: clear the search
        await settle(pilot)
        assert app.screen.query_one("#zoek").value == ""
        await pilot.press("slash", *row.bsn)
        await settle(pilot)
        assert bar(app).startswith("1 zaak")
        assert row.zaaknummer.removeprefix("HKO-") in case_lines(app)[0]
        await pilot.press("enter")  # one match: ⏎ in the search box opens it
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.case_id == row.id


async def test_enter_in_search_with_several_matches_goes_to_the_list(demo_store):
    rows = demo_store.cases.page(CaseFilter(), 0, 300, today=TODAY)
    surname = next(
        r.name.split(",")[0]
        for r in rows
        if " " not in r.name.split(",")[0]
        and demo_store.cases.count(CaseFilter(search=r.name.split(",")[0]), today=TODAY) > 1
    )
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *surname, "enter")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen) and isinstance(app.focused, CaseTable)
        first = app.screen.query_one(CaseTable).current
        await pilot.press("down", "up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == first.id


async def test_filters_combine_and_stay_visible(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = CaseFilter()
        for key, change, label in [
            ("m", {"caseworker": ME}, "mijn zaken"),
            ("t", {"track": "brede_ondersteuning"}, "brede ondersteuning"),
            ("k", {"outcome": "gedupeerd"}, "uitkomst: gedupeerd"),
        ]:
            await pilot.press(key)
            await settle(pilot)
            expected = replace(expected, **change)
            assert label in bar(app)
            assert bar(app).startswith(zaken(demo_store.cases.count(expected, today=TODAY)))
        await pilot.press("x")
        await settle(pilot)
        assert bar(app).startswith(zaken(demo_store.cases.count(CaseFilter(), today=TODAY)))
        for key, f, label in [
            ("u", CaseFilter(urgent=True), "urgent"),
            ("o", CaseFilter(urgent=True, overdue=True), "termijn verlopen"),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert label in bar(app)
            assert bar(app).startswith(zaken(demo_store.cases.count(f, today=TODAY)))
        await pilot.press("x", "g")
        await settle(pilot)
        assert "gesloten" in bar(app)
        assert bar(app).startswith(zaken(demo_store.cases.count(CaseFilter(closed=True), today=TODAY)))
        await pilot.press("g")
        await settle(pilot)
        assert bar(app).startswith(zaken(demo_store.cases.count(CaseFilter(closed=None), today=TODAY)))
        await pilot.press("x", "t", "t")
        await settle(pilot)
        assert "schuldenaanpak" in bar(app)


async def test_step_filter_chooser(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "enter")  # the first step after "Alle stappen"
        await settle(pilot)
        step = app.screen.filter.step
        assert step is not None
        assert bar(app).startswith(zaken(demo_store.cases.count(CaseFilter(step=step), today=TODAY)))
        await pilot.press("s", "home", "enter")
        await settle(pilot)
        assert app.screen.filter.step is None


async def test_sort_cycles(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        first = demo_store.cases.page(CaseFilter(sort="zaaknummer"), 0, 1, today=TODAY)[0]
        assert first.zaaknummer.removeprefix("HKO-") in lines(app)[1]
        assert "Zaak▲" in lines(app)[0]


async def test_paging_to_the_end_renders_the_last_case(tmp_path):
    from herstel_tui.services.demo import build_demo

    store = open_store(tmp_path / "big.db", ME)
    build_demo(store, cases=900, seed=3, me=ME, today=TODAY)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        f = CaseFilter()
        total = store.cases.count(f, today=TODAY)
        await pilot.press("end")
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.cursor == total - 1
        last = store.cases.page(f, total - 1, 1, today=TODAY)[0]
        assert last.zaaknummer.removeprefix("HKO-") in lines(app)[-1]
        await pilot.press("pageup", "up", "home")
        await settle(pilot)
        assert table.cursor == 0
        assert table.row_at(0) is not None
    store.close()


async def test_reveal_bsn_is_audited(demo_store):
    row = demo_store.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(demo_store.audit.entries(case_id=row.id))
        await pilot.press("b")
        await settle(pilot)
        if row.bsn:
            assert row.bsn in case_lines(app)[0]
            entries = demo_store.audit.entries(case_id=row.id)
            assert len(entries) == before + 1
            assert entries[-1].action == "bekeken" and entries[-1].entity == "bsn"
            await pilot.press("b")
            await settle(pilot)
            assert row.bsn not in case_lines(app)[0]
        else:
            assert len(demo_store.audit.entries(case_id=row.id)) == before


async def test_empty_result_hides_case_actions(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f2" in app.screen.active_bindings
        await pilot.press("slash", *"zzzqqq", "enter")
        await settle(pilot)
        assert bar(app).startswith("0 zaken")
        assert "Geen zaken gevonden" in lines(app)[1]
        assert "f2" not in app.screen.active_bindings
        assert "enter" not in app.screen.active_bindings
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)


async def test_type_ahead_after_slash_and_action_keys(demo_store):
    """Keys that arrive in one burst (SSH, a fast typist): '/jans' all lands in the search box,
    and letters typed right after 'c' never toggle filters on the list behind the dialog."""
    from textual import events

    from herstel_tui.tui.screens.case_dialogs import NoteDialog

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def burst(*keys: str) -> None:
            for key in keys:
                app.post_message(events.Key(key, key if len(key) == 1 else None))

        burst("slash", "j", "a", "n", "s")
        await settle(pilot)
        assert app.screen.query_one("#zoek").value == "jans"
        burst("escape", "escape")
        await settle(pilot)
        before = app.screen.filter
        burst("c", "o", "u", "g", "m")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        await settle(pilot)
        if type(app.screen).__name__ == "ConfirmDialog":  # typed text in the note: Esc asks first
            await pilot.press("j")
            await settle(pilot)
        assert app.screen.filter == before


async def test_a_typed_letter_is_painted_with_the_list_it_selects(demo_store, monkeypatch):
    """Issue 18 (search keystroke → updated list ≤ 50 ms): the letter used to be painted alone,
    with the old list, and the list it selects waited for Textual's next frame (1/60 s later).
    Now no frame shows a search text with the list of another."""
    from textual.widgets import Input

    frames = watch_paints(
        monkeypatch, "WorkQueueScreen", lambda app, screen, _: (screen.query_one("#zoek", Input).value, bar(app))
    )
    name = demo_store.cases.page(CaseFilter(sort="zaaknummer"), 0, 1)[0].name.split(",")[0].lower()
    typed = [name[:k] for k in range(2, len(name) + 1)]
    counts = {text: zaken(demo_store.cases.count(CaseFilter(search=text), today=TODAY)) for text in typed}
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", name[0])
        await settle(pilot)
        frames.clear()
        for letter in name[1:]:
            await pilot.press(letter)
            await settle(pilot)
    shown = [(text, line) for text, line in frames if text in counts]
    assert {text for text, _ in shown} == set(typed)  # (every text was painted)
    wrong = [(text, line) for text, line in shown if not line.startswith(counts[text])]
    assert not wrong, wrong


def test_the_list_says_the_tracks_and_outcomes_as_the_enums_do():
    """The list's Sp and Uitkomst cells come from domain.words (not the enum classes, issue 18):
    the same words at both widths, and a value no enum knows is refused as the enums refuse it."""
    from types import SimpleNamespace

    import pytest

    from herstel_tui.domain.enums import Outcome, Track
    from herstel_tui.tui.widgets.caselist import Column, cell_text

    spoor = Column("spoor", "Sp", 2)
    wide, narrow = Column("uitkomst", "Uitkomst", 16), Column("uitkomst", "Uitk.", 5)
    for t in Track:
        assert cell_text(spoor, SimpleNamespace(track=t.value), TODAY, False) == t.short  # type: ignore[arg-type]
    for o in Outcome:
        row = SimpleNamespace(outcome=o.value)
        assert cell_text(wide, row, TODAY, False) == o.label  # type: ignore[arg-type]
        assert cell_text(narrow, row, TODAY, False) == o.short  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cell_text(spoor, SimpleNamespace(track="onbekend"), TODAY, False)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cell_text(narrow, SimpleNamespace(outcome="onbekend"), TODAY, False)  # type: ignore[arg-type]


async def test_a_line_after_a_paint_takes_the_list_style_of_now(demo_store):
    """A paint reads the list's base style once for all its lines; a line made after it (a row
    refreshed alone) reads the style as it is then, not the one of the paint before."""
    from textual.geometry import Region

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        before = table.rich_style.bgcolor
        table.render_lines(Region(0, 0, table.size.width, 5))
        table.styles.background = "#123456"
        backgrounds = {seg.style.bgcolor.triplet.hex for seg in table.render_line(4) if seg.style and seg.style.bgcolor}
        assert before is not None and before.triplet.hex != "#123456"
        assert backgrounds == {"#123456"}


async def test_a_new_register_says_how_to_begin(tmp_path):
    """An empty register (herstel aanmaken) has no search text or filter to clear: the list says so and
    names F9; with a search text it says what an empty result says."""
    from herstel_tui.tui.screens.werkvoorraad import NO_OPEN_CASES
    from herstel_tui.tui.widgets.caselist import EMPTY_TEXT

    with open_store(tmp_path / "nieuw.db", ME) as store:
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert bar(app).startswith("0 zaken")
            assert lines(app)[1].strip() == NO_OPEN_CASES
            assert app.title == "herstel · Gemeente Proefstad"  # a register, not a demo (that title says DEMO)
            await pilot.press("slash", *"jansen", "enter")
            await settle(pilot)
            assert lines(app)[1].strip() == EMPTY_TEXT
            await pilot.press("x")  # filters and search text cleared: back to the first words
            await settle(pilot)
            assert lines(app)[1].strip() == NO_OPEN_CASES
