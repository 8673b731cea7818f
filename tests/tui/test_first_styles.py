"""The desk starts on the werkvoorraad's own stylesheet (styles.FIRST_STYLES) and reads the rest
(desk.tcss, forms.tcss) once the list is painted: the werkvoorraad must look the same either way,
and every other screen must find the whole stylesheet."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.css.match import match
from textual.css.model import SelectorSet
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

from herstel_tui.tui.host import DeskApp
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.styles import DESK_CSS, FIRST_CSS, FORMS_CSS, STYLES
from tests.support.pilot import TRUECOLOR, settle
from tests.tui.conftest import make_app

ANSI = {"TERM": "xterm"}


def _has(app, path) -> bool:
    return app.stylesheet.has_source(str(path), "")


def _first_only(monkeypatch) -> None:
    """The desk as it paints first: the rest of the stylesheet not read (headless reads it at once)."""
    monkeypatch.setattr(DeskApp, "read_all_styles", lambda self: None)


def _nodes(screen):
    """Every node of the screen, with the virtual nodes Textual styles component classes through."""
    for node in screen.walk_children(with_self=True):
        yield node
        for component in sorted(node._get_component_classes()):
            virtual = DOMNode(classes=component)
            virtual._attach(node)
            yield virtual


def _any_state(selector_set: SelectorSet) -> SelectorSet:
    """The selector without its pseudo-classes: it matches a node in whatever state (focus …)."""
    return SelectorSet([replace(s, pseudo_classes=set()) for s in selector_set.selectors])


def _rules(app, *paths):
    sheet = Stylesheet(variables=app.get_css_variables())
    for path in paths:
        sheet.read(path)
    sheet.parse()
    return sheet.rules


def _matching(rules, nodes) -> list[str]:
    return sorted({s.css for rule in rules for s in rule.selector_set if any(match([_any_state(s)], n) for n in nodes)})


async def test_no_rule_of_the_rest_matches_the_werkvoorraad(demo_store):
    """What desk.tcss and forms.tcss say cannot change the werkvoorraad, in any state of its nodes."""
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "j", "a", "n")  # the search box focused, with text
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        nodes = list(_nodes(app.screen))
        assert _matching(_rules(app, DESK_CSS, FORMS_CSS), nodes) == []
        own = _matching(_rules(app, FIRST_CSS), nodes)  # (the check does find what matches)
        assert {"#zoek", "#zaken", "CaseTable:nocolor > .case-table--cursor"} <= set(own)


@pytest.mark.parametrize("env", [TRUECOLOR, ANSI, {**ANSI, "NO_COLOR": "1"}], ids=["truecolour", "ansi", "no-colour"])
async def test_the_werkvoorraad_looks_the_same_on_its_own_stylesheet(demo_store, monkeypatch, env):
    async def shots(first_only: bool) -> list[str]:
        with monkeypatch.context() as m:
            if first_only:
                _first_only(m)
            app = make_app(demo_store, env=env)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                assert _has(app, DESK_CSS) is not first_only
                out = [app.export_screenshot()]
                await pilot.press("down", "down")
                await settle(pilot)
                out.append(app.export_screenshot())
                await pilot.press("slash", "j", "a", "n", "shift+left")  # focused, a selection
                await settle(pilot)
                out.append(app.export_screenshot())
                return out

    assert await shots(first_only=True) == await shots(first_only=False)


async def test_the_rest_is_read_at_start_headless(demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert all(_has(app, path) for path in STYLES)


async def test_a_case_opened_before_the_rest_is_read_brings_it(demo_store, monkeypatch):
    _first_only(monkeypatch)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not _has(app, DESK_CSS) and not _has(app, FORMS_CSS)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, WorkQueueScreen)
        assert _has(app, DESK_CSS) and _has(app, FORMS_CSS)  # (Textual reads what the screen names)


async def test_the_palette_over_the_list_reads_the_rest_first(demo_store, monkeypatch):
    read_all = DeskApp.read_all_styles
    _first_only(monkeypatch)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(DeskApp, "read_all_styles", read_all)
        assert not _has(app, FORMS_CSS)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert _has(app, FORMS_CSS)  # forms.tcss aligns every ModalScreen, the palette too


def _styled(screen) -> dict[str, tuple[object, ...]]:
    """What the stylesheet gave each node of the screen: its rules, the flags Textual derives from
    them, and the styles of its component classes."""
    return {
        f"{i}:{node!r}": (
            node._css_styles.get_rules(),
            node._has_hover_style,
            node._has_focus_within,
            node._has_order_style,
            node._has_odd_or_even,
            dict(node._component_styles),
        )
        for i, node in enumerate(screen.walk_children(with_self=True))
    }


@pytest.mark.parametrize(
    "env, low_bandwidth",
    [(TRUECOLOR, False), (ANSI, False), ({**ANSI, "NO_COLOR": "1"}, False), (TRUECOLOR, True)],
    ids=["truecolour", "ansi", "no-colour", "low-bandwidth"],
)
async def test_the_werkvoorraad_is_styled_once_as_it_is_mounted(demo_store, monkeypatch, env, low_bandwidth):
    """Shown the first time, the werkvoorraad is not styled all over again (issue 18: the desk's
    first paint): each node keeps the styles it got as it was mounted, and those are the styles a
    full restyle gives it."""
    _first_only(monkeypatch)  # as the desk paints first (headless reads the rest of the stylesheet at once)
    whole: list[int] = []
    update_nodes = Stylesheet.update_nodes

    def counted(self, nodes, animate=False):
        nodes = list(nodes)
        whole.append(len(nodes))
        return update_nodes(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counted)
    app = make_app(demo_store, env=env, low_bandwidth=low_bandwidth)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkQueueScreen)
        everything = len(list(screen.walk_children(with_self=True)))
        assert everything >= 10 and max(whole) < everything, whole  # no restyle of the whole screen
        before = _styled(screen)
        app.stylesheet.update(screen)  # what Textual's ScreenResume would have done
        assert _styled(screen) == before
