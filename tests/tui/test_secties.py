"""Issue 17 point 1: "The default view should answer 'what do I do today and this week':
actionable statutory dates first, then the rest; with a clear split between overdue, due this
week, and waiting on others."

The werkvoorraad shows a heading line per section (this week, overdue, waiting on UHT, the rest);
the cursor never stops on one. Each test drives the real desk at 80×24 with keys and reads what is
rendered on the screen.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.store import CaseFilter
from herstel_tui.store.caselist import Sections, section_counts
from herstel_tui.tui.format import number
from herstel_tui.tui.screens.zaak import CaseScreen
from herstel_tui.tui.widgets.caselist import CaseTable
from tests.support.pilot import settle
from tests.tui.conftest import TODAY, make_app

TITLES = ["Deze week", "Verlopen", "Wacht op UHT", "Later / zonder termijn"]


@pytest.fixture
def desk_store(demo_store):
    """The 300-case demo (12 overdue, nothing due this week or waiting) with three cases whose
    first talk is due this week and two debt cases waiting on UHT's answer: every section."""
    for days in (55, 52, 50):  # registered that long ago: the first talk is due 56 days on
        p = demo_store.persons.add(Person(given_names=f"Week{days}", surname="Sectie"))
        c = demo_store.cases.open(p.id, "brede_ondersteuning", opened=TODAY - timedelta(days=days))
        demo_store.cases.record_event(c.id, "aanmelding_gemeente", TODAY - timedelta(days=days))
    for days in (20, 30):
        p = demo_store.persons.add(Person(given_names=f"Wacht{days}", surname="Sectie"))
        c = demo_store.cases.open(p.id, "schuldenaanpak", opened=TODAY - timedelta(days=days))
        demo_store.cases.record_event(c.id, "aanvraag_herbeoordeling", TODAY - timedelta(days=days))
        demo_store.cases.record_event(c.id, "brede_hulpteam_verzoek", TODAY - timedelta(days=days - 5))
    return demo_store


def screen_lines(table: CaseTable) -> list[str]:
    """The list's lines on screen below its column header."""
    return [table.render_line(y).text for y in range(1, table.scrollable_content_region.height)]


def cursor_text(table: CaseTable) -> str:
    """The text of the line the cursor is on (the highlighted case)."""
    return table.render_line(table.line_of(table.cursor) - round(table.scroll_y) + 1).text


def heading(title: str, n: int, note: str = "") -> str:
    return f"── {title} ({number(n)}){note} ──"


async def headings_seen(pilot, table: CaseTable) -> list[str]:
    """Page through the whole list with PgDn and collect every heading line that was on screen."""
    seen: list[str] = []
    await pilot.press("home")
    await pilot.pause()
    while True:
        for line in screen_lines(table):
            title = line.rstrip("─ ").strip()
            if line.startswith("── ") and title not in seen:
                seen.append(title)
        if table.cursor == table.count - 1:
            return seen
        await pilot.press("pagedown")
        await settle(pilot)


async def test_headings_in_order_with_the_stores_counts(desk_store):
    sections = section_counts(desk_store.conn, CaseFilter(), TODAY)
    assert sections == Sections(overdue=12, week=3, waiting=2, later=sections.later) and sections.later
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert screen_lines(table)[0].startswith(heading("Deze week", 3))  # today's work on top
        seen = await headings_seen(pilot, table)
        assert seen == [
            f"── Deze week ({sections.week})",
            f"── Verlopen ({sections.overdue}), recentste eerst",
            f"── Wacht op UHT ({sections.waiting})",
            f"── Later / zonder termijn ({number(sections.later)})",
        ]
        assert table.count == sections.total == desk_store.cases.count(CaseFilter(), today=TODAY)
        bar = str(app.screen.query_one("#filters").render())
        assert "zaken: 3 deze week, 12 verlopen, 2 wacht op UHT" in bar


async def test_the_cursor_skips_headings_and_enter_opens_the_case_under_it(desk_store):
    rows = desk_store.cases.page(CaseFilter(), 0, 20, today=TODAY)
    assert [r.section(TODAY) for r in rows[:4]] == ["week", "week", "week", "verlopen"]
    # this week soonest first; overdue the most recent first
    assert [r.days_left(TODAY) for r in rows[:3]] == [1, 4, 6]
    late = [r.days_left(TODAY) for r in rows[3:15]]
    assert late == sorted(late, reverse=True) and all(d < 0 for d in late)
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.cursor == 0 and "Week55" in cursor_text(table)
        await pilot.press("down", "down", "down")  # past the last case of this week: over the heading
        await pilot.pause()
        assert table.cursor == 3 and table.current.id == rows[3].id
        assert rows[3].zaaknummer.removeprefix("HKO-") in cursor_text(table)
        y = table.line_of(table.cursor) - round(table.scroll_y)  # the line above the cursor's
        assert screen_lines(table)[y - 1].startswith("── Verlopen (12)")
        await pilot.press("up")
        await pilot.pause()
        assert table.cursor == 2 and "Week50" in cursor_text(table)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == rows[3].id


async def test_page_keys_home_and_end_never_stop_on_a_heading(desk_store):
    total = desk_store.cases.count(CaseFilter(), today=TODAY)
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        visited = []
        for key in ["pagedown"] * 4 + ["end", "pageup", "pageup", "home"]:
            await pilot.press(key)
            await settle(pilot)
            visited.append(table.cursor)
            assert not cursor_text(table).startswith("──")
            assert table.current is not None and table.current.zaaknummer.removeprefix("HKO-") in cursor_text(table)
        assert visited[4] == total - 1 and visited[-1] == 0
        assert round(table.scroll_y) == 0 and screen_lines(table)[0].startswith("── Deze week")


async def test_search_and_filters_keep_their_sections(desk_store):
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        await pilot.press("slash", *"sectie", "enter")
        await settle(pilot)
        lines = screen_lines(table)
        assert lines[0].startswith(heading("Deze week", 3)) and lines[4].startswith(heading("Wacht op UHT", 2))
        assert [ln for ln in lines if ln.startswith("──")] == [lines[0], lines[4]]
        await pilot.press("escape")  # leave the box, keep the text; Esc again clears it
        await pilot.press("escape", "o")  # overdue only: one section
        await settle(pilot)
        f = CaseFilter(overdue=True)
        assert screen_lines(table)[0].startswith(heading("Verlopen", 12, ", recentste eerst"))
        assert table.count == desk_store.cases.count(f, today=TODAY) == section_counts(desk_store.conn, f, TODAY).total
        await pilot.press("d")  # own dates within 14 days: this week's, then the later ones
        await settle(pilot)
        f = CaseFilter(within=14)
        sections = section_counts(desk_store.conn, f, TODAY)
        assert screen_lines(table)[0].startswith(heading("Deze week", 3))
        assert table.count == sections.total and sections.overdue == sections.waiting == 0
        await pilot.press("d", "r")  # sorted by zaaknummer: one plain list, no headings
        await settle(pilot)
        assert not any(line.startswith("──") for line in screen_lines(table))
        await pilot.press("r", "r")  # back to the order by date: the sections again
        await settle(pilot)
        assert screen_lines(table)[0].startswith(heading("Deze week", 3))


async def test_a_colleagues_save_moves_a_case_between_sections(desk_store):
    """The live refresh reads the sections again with the page: headings and cases agree."""
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        first = table.current
        await pilot.press("down")
        await pilot.pause()
        # a colleague records that this week's first case declines support: no date of its own left
        desk_store.cases.record_event(first.id, "afzien_brede_ondersteuning", TODAY)
        app.refresh_lists()
        await settle(pilot)
        lines = screen_lines(table)
        assert lines[0].startswith(heading("Deze week", 2)) and lines[3].startswith("── Verlopen (12)")
        assert first.zaaknummer.removeprefix("HKO-") not in "".join(lines[:3])
        assert table.cursor == 1 and "Week50" in cursor_text(table)  # the cursor keeps its place


async def test_a_filter_changed_before_its_sections_are_counted_shows_the_last_one(desk_store):
    """The list's workers answer with the load they belong to: a quick o, o leaves the default
    view's headings and counts, not those of the overdue view."""
    app = make_app(desk_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        await pilot.press("o", "o", "u", "u")
        await settle(pilot)
        sections = section_counts(desk_store.conn, CaseFilter(), TODAY)
        assert table.sections == sections
        assert screen_lines(table)[0].startswith(heading("Deze week", 3))
        assert "3 deze week, 12 verlopen, 2 wacht op UHT" in str(app.screen.query_one("#filters").render())
