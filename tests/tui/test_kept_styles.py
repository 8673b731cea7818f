"""The rules Textual parsed for the first paint are kept between starts (tui/kept_styles.py): a
desk started again parses none of them, and looks the same; rules kept for other variables (a
theme), another Textual, or from a damaged or foreign file are not used."""

from __future__ import annotations

import os

import pytest
import textual.css.stylesheet as stylesheet_module
from textual.css.stylesheet import Stylesheet

from herstel_tui.tui import kept_styles
from herstel_tui.tui.host import DeskApp
from herstel_tui.tui.kept_styles import KeptRules, keep_first_rules, keep_rules, kept_file
from tests.support.pilot import settle
from tests.tui.conftest import make_app

RED, BLUE = "#ff0000", "#0000ff"
CSS = "#zaken { height: 1fr; color: $error; }\nCaseTable > .x { text-style: bold; }"


def _no_parsing(monkeypatch) -> list[str]:
    """Textual's parser refuses to run; what it was asked to parse is listed."""
    asked: list[str] = []

    def parse(scope, css, *args, **kwargs):
        asked.append(css)
        raise AssertionError("geparsed")

    monkeypatch.setattr(stylesheet_module, "parse", parse)
    return asked


def _first_paint_only(monkeypatch) -> None:
    monkeypatch.setattr(DeskApp, "read_all_styles", lambda self: None)  # (headless reads the rest at once)


async def _screen(store, size=(80, 24)) -> tuple[str, KeptRules]:
    app = make_app(store, env={"TERM": "xterm"})
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        cache = app.stylesheet._parse_cache
        assert isinstance(cache, KeptRules)
        keep_first_rules(app.stylesheet)
        return app.export_screenshot(), cache


async def test_a_desk_started_again_parses_nothing_for_its_first_paint(demo_store, monkeypatch):
    _first_paint_only(monkeypatch)
    assert not kept_file().exists()
    first, cache = await _screen(demo_store)
    assert cache.parsed and kept_file().exists()  # the first start parsed and kept its rules
    asked = _no_parsing(monkeypatch)
    again, cache = await _screen(demo_store)
    assert asked == [] and not cache.parsed
    assert again == first  # the same screen, from the kept rules


async def test_the_rules_kept_are_the_first_paints_only(demo_store, monkeypatch):
    _first_paint_only(monkeypatch)
    _, cache = await _screen(demo_store)
    cache.sheet.add_source(CSS, read_from=("later.tcss", ""))
    cache.sheet.parse()  # (parsed after the rules were kept: not kept)
    keep_first_rules(cache.sheet)
    kept = KeptRules(Stylesheet(variables=cache.sheet._variables), kept_file())._read()
    assert kept and all(source[1] != ("later.tcss", "") for source in kept)


def _sheet(variables: dict[str, str]) -> Stylesheet:
    sheet = Stylesheet(variables=variables)
    keep_rules(sheet)
    sheet.add_source(CSS, read_from=("proef.tcss", ""))
    return sheet


def _kept_once(variables: dict[str, str]) -> list[str]:
    sheet = _sheet(variables)
    sheet.parse()
    keep_first_rules(sheet)
    return [rule.css for rule in sheet.rules]


def test_kept_rules_are_the_parsed_rules(monkeypatch):
    variables = {"error": RED}
    parsed = _kept_once(variables)
    _no_parsing(monkeypatch)
    sheet = _sheet(variables)
    sheet.parse()
    assert [rule.css for rule in sheet.rules] == parsed and "color: #FF0000" in parsed[0]


@pytest.mark.parametrize(
    ("spoil", "colour"),
    [
        pytest.param(lambda: None, BLUE, id="other-variables"),
        pytest.param(lambda: kept_file().write_bytes(b"kapot\n\x80"), RED, id="damaged"),
        pytest.param(lambda: os.chmod(kept_file(), 0o666), RED, id="others-may-write"),
    ],
)
def test_rules_kept_for_other_variables_or_in_a_bad_file_are_not_used(spoil, colour):
    _kept_once({"error": RED})
    spoil()
    sheet = _sheet({"error": colour})
    sheet.parse()
    assert sheet._parse_cache.parsed  # parsed anew
    assert f"color: {colour.upper()}" in sheet.rules[0].css


def test_rules_kept_by_another_textual_are_not_used(monkeypatch):
    _kept_once({"error": RED})
    code = kept_styles.code_files(*kept_styles._CODE)
    assert code
    monkeypatch.setattr(kept_styles, "code_files", lambda *folders: [*code[:-1], [code[-1][0], 1, 2]])
    sheet = _sheet({"error": RED})
    sheet.parse()
    assert sheet._parse_cache.parsed


def test_new_variables_forget_the_kept_rules():
    _kept_once({"error": RED})
    sheet = _sheet({"error": RED})
    sheet.parse()
    assert not sheet._parse_cache.parsed
    sheet.set_variables({"error": BLUE})  # (another theme: Textual clears its parse cache)
    sheet.add_source(CSS + " ", read_from=("proef.tcss", ""))
    sheet.parse()
    assert sheet._parse_cache.parsed and "color: #0000FF" in sheet.rules[0].css


def test_a_textual_without_the_parse_cache_parses_as_before(tmp_path):
    """``textual>=1.0`` admits later versions: a stylesheet without the parse cache or the variables
    this module fills and reads is left as it is (every start parses), and a value pickle cannot
    take is no kept file and no error (a cache, nothing more)."""
    from herstel_tui.settings.cache import read_pickle, write_pickle

    sheet = Stylesheet()
    sheet._parse_cache = {}  # (another kind of cache)
    keep_rules(sheet)
    assert sheet._parse_cache == {}
    sheet = Stylesheet()
    del sheet._variables
    keep_rules(sheet)
    assert not isinstance(sheet._parse_cache, KeptRules)
    file = tmp_path / "kept.pickle"
    write_pickle(file, b"k", {"lock": __import__("threading").Lock()})  # TypeError inside pickle
    assert not file.exists() and read_pickle(file, lambda: b"k") is None
