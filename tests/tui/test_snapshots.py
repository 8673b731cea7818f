"""SVG snapshots of every screen and dialog of the desk at 80×24, in the default theme and under
NO_COLOR (pytest-textual-snapshot; update with --snapshot-update), and the list at 120×36.

Each snapshot drives the real desk with keys from the werkvoorraad; ~0.5 s each.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from herstel_tui.domain import clock
from herstel_tui.services import overview as overview_service
from herstel_tui.store import CaseFilter
from tests.support.pilot import settle
from tests.tui.conftest import ME, TODAY, make_app

TRUECOLOR = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}  # the default theme
NO_COLOR = {"TERM": "linux", "NO_COLOR": "1"}
THEMES = {"standaard": TRUECOLOR, "nocolor": NO_COLOR}

# name: keys from the werkvoorraad; "CASE" first opens a case with running dates
SCREENS = {
    "werkvoorraad": [],
    "zoeken": ["slash", *"jan"],
    "stapfilter": ["s"],
    "nieuwe_persoon": ["f9"],
    "help": ["f1"],
    "opdrachten": ["ctrl+p"],
    "overzicht": ["i"],
    "vraagbestand": ["e"],
    "spuk": ["y"],
    "zaak": ["CASE"],
    "stap": ["CASE", "f2"],
    "notitie": ["CASE", "f6"],
    "notitie_weggooien": ["CASE", "f6", *"Ouder belde", "escape"],
    "urgentie": ["CASE", "f7"],
    "toewijzen": ["CASE", "f8"],
    "plan": ["CASE", "a"],
    "kosten": ["CASE", "k"],
    "kostenpost": ["CASE", "k", "f4"],
    "brief": ["CASE", "l"],
}


def case_with_dates(store) -> int:
    """The case with the earliest date of the caseworker's own (and a BSN), whatever the list's order."""
    rows = store.cases.page(CaseFilter(sort="zaaknummer"), 0, 1000, today=TODAY)
    rows.sort(key=lambda r: (r.waiting, r.next_due or date.max, r.id))
    return next(r.id for r in rows if r.bsn and store.cases.view(r.id, today=TODAY).running)


def driver(keys: list[str], case_id: int):
    async def run(pilot) -> None:
        await settle(pilot)
        for key in keys:
            if key == "CASE":
                pilot.app.open_case(case_id)
            else:
                await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_80x24(snap_compare, demo_store, monkeypatch, screen, theme):
    # the overview says how long it took: not the same twice
    monkeypatch.setattr(overview_service, "time", SimpleNamespace(perf_counter=lambda: 0.0))
    if theme == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it from the environment
    app = make_app(demo_store, env=THEMES[theme])
    assert snap_compare(app, terminal_size=(80, 24), run_before=driver(SCREENS[screen], case_with_dates(demo_store)))


def test_list_120x36(snap_compare, demo_store):
    app = make_app(demo_store, env=TRUECOLOR)
    assert snap_compare(app, terminal_size=(120, 36), run_before=driver([], 0))


@pytest.mark.parametrize("theme", THEMES)
def test_audit_80x24(snap_compare, tmp_path, monkeypatch, theme):
    """The audit trail on its own small database, written at a fixed moment (the rows show times)."""
    from herstel_tui.domain.models import Person
    from herstel_tui.settings.resources import open_store

    moment = datetime(2026, 6, 1, 9, 30).astimezone()
    monkeypatch.setattr(clock, "now", lambda: moment)
    if theme == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")
    store = open_store(tmp_path / "audit.db", ME)
    p = store.persons.add(Person(bsn="999900006", given_names="Anna", surname="Jansen"))
    case = store.cases.open(p.id, "brede_ondersteuning", opened=TODAY)
    store.cases.record_event(case.id, "aanmelding_gemeente", TODAY, note="Zelf gemeld")
    store.cases.set_urgency(case.id, "executoriale_verkoop_of_uitzetting", False)
    store.cases.add_note(case.id, "Gebeld")
    app = make_app(store, env=THEMES[theme])
    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=driver(["j"], 0))
    finally:
        store.close()
