"""Keys: ids on every binding, remapping from the config, F1 help per part, the palette, footer."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandPalette

from herstel_tui.tui.bindings import SCREENS
from herstel_tui.tui.desk import HerstelApp, binding_ids
from herstel_tui.tui.screens.case_dialogs import NoteDialog, StepDialog
from herstel_tui.tui.screens.help import HelpScreen
from herstel_tui.tui.screens.werkvoorraad import SearchBox
from herstel_tui.tui.screens.zaak import CaseScreen
from tests.support.pilot import notices, settle
from tests.tui.conftest import make_app, make_config

# Every class of the desk with key bindings: the app, every screen, dialog and widget.
CLASSES = [HerstelApp, *SCREENS]
# shift+tab is the back-tab every terminal sends (ESC [ Z), PuTTY and the Windows console included.
SAFE = {
    "escape",
    "enter",
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "backspace",
    "tab",
    "shift+tab",
    "space",
    "slash",
    "question_mark",
    "colon",
}


def all_bindings():
    for cls in CLASSES:
        for b in cls.__dict__.get("BINDINGS", []):
            yield cls, b


def test_every_binding_has_an_id_a_dutch_description_and_a_key_that_works_everywhere():
    seen = set()
    for cls, b in all_bindings():
        assert isinstance(b, Binding), (cls, b)
        assert b.id and "." in b.id, (cls, b)
        assert b.description, (cls, b)
        keys = [k.strip() for k in b.key.split(",")]
        # an F-key, a plain letter or a plain navigation key; never only ctrl+enter / ctrl+shift
        assert any(k in SAFE or (len(k) == 1) or (k.startswith("f") and k[1:].isdigit()) for k in keys), b
        assert not any("ctrl+shift" in k or k == "ctrl+enter" for k in keys), b
        seen.add(b.id)
    assert seen <= set(binding_ids())
    for must in (
        "app.help",
        "app.palette",
        "app.quit",
        "app.nieuw",
        "werkvoorraad.zoek",
        "zaak.stap",
        "zaak.notitie",
        "zaak.urgentie",
        "zaak.toewijzen",
        "zaak.terug",
        "dialoog.opslaan",
    ):
        assert must in seen


def test_every_binding_names_an_action_its_class_has():
    """The keymap (tui/keymap.py) names actions by text; a typo would make a key do nothing."""
    for cls, b in all_bindings():
        action = b.action.split("(")[0]
        owner: type = HerstelApp if action.startswith("app.") else cls
        name = action.removeprefix("app.")
        assert callable(getattr(owner, f"action_{name}", None)), (cls.__name__, b.id, b.action)


def test_plan_menu_lines_are_plan_keys():
    """The plan's "Meer" menu shows each line with its key in keymap.PLAN; a line without a key would fail there."""
    from herstel_tui.tui import keymap

    bound = {b.action for b in keymap.PLAN if isinstance(b, Binding)}
    assert set(keymap.PLAN_MENU) <= bound


def test_every_action_has_an_fkey_or_letter_besides_esc():
    main = {
        "zaak.stap": ("f2", "v"),
        "zaak.notitie": ("f6", "c"),
        "zaak.urgentie": ("f7", "p"),
        "zaak.toewijzen": ("f8", "w"),
        "app.nieuw": ("f9", "n"),
        "app.quit": ("f10", "q"),
        "app.help": ("f1", "question_mark"),
        "zaak.terug": ("escape", "f3", "backspace", "q"),
    }
    found = {b.id: tuple(k.strip() for k in b.key.split(",")) for _, b in all_bindings()}
    for bid, keys in main.items():
        assert found[bid] == keys


async def test_keymap_from_config_remaps_by_id(demo_store):
    cfg = make_config(toetsen={"zaak.notitie": "f12", "werkvoorraad.zoek": "f4"})
    app = make_app(demo_store, config=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert not isinstance(app.focused, SearchBox)  # "/" no longer searches
        await pilot.press("f4")
        assert isinstance(app.focused, SearchBox)
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)  # the old letter is gone
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        await settle(pilot)
        # the footer and the help show the new key
        assert "f12" in app.screen.active_bindings


async def test_unknown_keymap_id_is_reported(demo_store):
    app = make_app(demo_store, config=make_config(toetsen={"zaak.bestaat_niet": "f12"}))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert any("zaak.bestaat_niet" in n for n in notices(app))


async def help_title(pilot) -> str:
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    title = str(pilot.app.screen.query_one("#dialoogtitel").render())
    text = "\n".join(str(s.render()) for s in pilot.app.screen.query("Static"))
    await pilot.press("escape")
    await settle(pilot)
    return title + "\n" + text


async def test_f1_help_for_the_part_that_has_focus(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = await help_title(pilot)
        assert "Help: Werkvoorraad" in text and "werkvoorraad.mijn" in text and "lijst.omlaag" in text
        await pilot.press("slash")
        text = await help_title(pilot)
        assert "Help: Zoeken" in text and "zoeken.verlaat" in text
        assert "werkvoorraad.mijn" not in text  # letters type in the search box: not listed
        await pilot.press("escape", "enter")
        await settle(pilot)
        text = await help_title(pilot)
        assert "Help: Zaak" in text and "zaak.stap" in text and "F2 v" in text
        await pilot.press("h")
        text = await help_title(pilot)
        assert "Help: Huishouden" in text
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        text = await help_title(pilot)
        assert "Help: Stap vastleggen" in text and "dialoog.opslaan" in text
        assert isinstance(app.screen, StepDialog)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("question_mark")  # the second help key (where no input takes letters)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_case_commands(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await pilot.press(*"notitie")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("colon")  # the plain second key
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await pilot.press("escape")


async def test_palette_goes_to_a_zaaknummer(demo_store):
    from herstel_tui.store import CaseFilter
    from tests.tui.conftest import TODAY

    row = demo_store.cases.page(CaseFilter(), 5, 1, today=TODAY)[0]
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *row.zaaknummer.lower())
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == row.id


async def test_footer_shows_only_what_applies(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = app.screen.active_bindings
        assert {"f1", "f2", "f6", "f7", "f8", "f9", "f10"} <= set(keys)
        await pilot.press("slash")
        keys = app.screen.active_bindings
        assert "m" not in keys and "q" not in keys  # typing, not commands
        assert "f2" in keys  # F-keys still work while searching
        await pilot.press("escape", "f6")
        await settle(pilot)
        keys = app.screen.active_bindings
        assert "f10" not in keys and "f9" not in keys  # no quitting or new person from inside a dialog
        assert {"f1", "f2", "escape"} <= set(keys)
        await pilot.press(*"q")  # typed into the note, does not quit
        assert app.is_running


async def test_key_line_follows_focus_and_a_click_presses_the_key(demo_store):
    """The key line (one widget) shows what applies where the focus is, F1 first, and a click on a
    key does what the key does."""
    from herstel_tui.tui.screens.zaak import CaseScreen
    from herstel_tui.tui.widgets.bars import KeyBar

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert bar.text().startswith("F1 Help") and "F10 Stop" in bar.text()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        bar = app.screen.query_one(KeyBar)
        assert bar.text().startswith("F1 Help Esc Terug")
        await pilot.press("f6")
        await settle(pilot)
        line = app.screen.query_one(KeyBar).text()
        assert line.startswith("F1 Help") and "F2 Opslaan" in line and "F9" not in line
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        bar = app.screen.query_one(KeyBar)
        x = bar.text().index("Esc Terug")
        await pilot.click(KeyBar, offset=(x + 1, 0))
        await settle(pilot)
        assert not isinstance(app.screen, CaseScreen)  # back on the list
