"""The console script's quick router and click agree: every option the router knows means the same
in click, and what the router does not know goes to click."""

from __future__ import annotations

import click
import pytest

from herstel_tui import entry
from herstel_tui.cli.lookup import termijnen, toon, zoek
from herstel_tui.cli.main import main
from herstel_tui.domain.words import TRACK_SHORT


def _option(command: click.Command, flag: str) -> click.Option:
    found = [p for p in command.params if isinstance(p, click.Option) and flag in p.opts]
    assert found, f"{flag} ontbreekt in click ({command.name})"
    return found[0]


@pytest.mark.parametrize("flag, name", sorted(entry.GLOBAL_OPTIONS.items()))
def test_global_options_with_a_value_are_clicks(flag, name):
    opt = _option(main, flag)
    assert opt.name == name and not opt.is_flag and opt.nargs == 1


@pytest.mark.parametrize("flag, name", sorted(entry.GLOBAL_FLAGS.items()))
def test_global_flags_are_clicks(flag, name):
    opt = _option(main, flag)
    assert opt.name == name and opt.is_flag


def test_the_quick_command_and_its_formats_are_clicks():
    assert main.get_command(click.Context(main), entry.QUICK_COMMAND) is zoek
    for flag, value in entry.ZOEK_FORMATS.items():
        opt = _option(zoek, flag)
        assert opt.name == "fmt" and opt.flag_value == value
    term = [p for p in zoek.params if isinstance(p, click.Argument)]
    assert [(p.name, p.nargs) for p in term] == [("term", -1)]


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], entry.QuickCall()),
        (["--db", "x.db", "--low-bandwidth"], entry.QuickCall(db="x.db", low_bandwidth=True)),
        (["--db=x.db", "--config", "c.toml"], entry.QuickCall(db="x.db", config="c.toml")),
        (["zoek", "jan", "sen", "--json"], entry.QuickCall(command="zoek", term="jan sen", fmt="json")),
        (["--db", "x.db", "zoek", "--csv", "9999"], entry.QuickCall(db="x.db", command="zoek", term="9999", fmt="csv")),
        (["termijnen"], entry.QuickCall(command="termijnen", fmt=None)),
        (
            ["--db", "x.db", "termijnen", "--mijn", "--binnen", "3w", "--json"],
            entry.QuickCall(db="x.db", command="termijnen", fmt="json", binnen="3w", mijn=True),
        ),
        (["termijnen", "--csv", "--binnen=2m"], entry.QuickCall(command="termijnen", fmt="csv", binnen="2m")),
        # a value click takes as it is (quick_due leaves one it cannot read to click)
        (["termijnen", "--binnen", "--mijn"], entry.QuickCall(command="termijnen", fmt=None, binnen="--mijn")),
        (["toon", "HKO-2026-000001"], entry.QuickCall(command="toon", term="HKO-2026-000001")),
        (
            ["--db", "x.db", "toon", "--json", "999900006", "--spoor", "schuldenaanpak"],
            entry.QuickCall(db="x.db", command="toon", term="999900006", fmt="json", spoor="schuldenaanpak"),
        ),
        (
            ["toon", "--spoor=brede_ondersteuning", " 2026-000001 "],
            entry.QuickCall(command="toon", term=" 2026-000001 ", spoor="brede_ondersteuning"),
        ),
    ],
)
def test_the_router_understands_the_fast_paths(argv, expected):
    assert entry.route(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["--db"],  # a value missing: click says so
        ["--db="],
        ["--onbekend"],
        ["waar"],
        ["zoek"],  # no term: click says so
        ["zoek", "jansen", "--xml"],
        ["toon"],  # no ZAAK: click says so
        ["toon", "HKO-2026-000001", "HKO-2026-000002"],
        ["toon", " "],
        ["toon", "Jansén"],  # not ASCII: click's text policy first (NFC)
        ["toon", "-h"],
        ["toon", "--help"],
        ["toon", "HKO-2026-000001", "--csv"],
        ["toon", "HKO-2026-000001", "--json=ja"],
        ["toon", "HKO-2026-000001", "--json", "--json"],
        ["toon", "HKO-2026-000001", "--spoor"],  # a value missing
        ["toon", "HKO-2026-000001", "--spoor", "bo"],  # not a track: click's error
        ["toon", "HKO-2026-000001", "--spoor", "schuldenaanpak", "--spoor=schuldenaanpak"],
        ["toon", "--", "HKO-2026-000001"],
        ["termijnen", "--binnen"],  # a value missing
        ["termijnen", "--binnen", "1d", "--binnen", "2d"],  # a repeated option: click decides
        ["termijnen", "--json", "--csv"],
        ["termijnen", "--mijn", "--mijn"],
        ["termijnen", "--mijn=ja"],
        ["termijnen", "14d"],  # an argument
        ["termijnen", "--help"],
        ["termijnen", "-h"],
    ],
)
def test_everything_else_goes_to_click(argv):
    assert entry.route(argv) is None


def test_every_router_option_parses_the_same_in_click():
    """Parse what the router parses with click itself: the same values come out."""
    argv = ["--db", "x.db", "--config=c.toml", "--low-bandwidth", "zoek", "jansen", "--csv"]
    call = entry.route(argv)
    assert call is not None
    at = argv.index(entry.QUICK_COMMAND)
    ctx = main.make_context("herstel", argv[:at], resilient_parsing=True)
    assert (ctx.params["db"], ctx.params["config"], ctx.params["low_bandwidth"]) == (
        call.db,
        call.config,
        call.low_bandwidth,
    )
    sub = zoek.make_context("zoek", argv[at + 1 :], parent=ctx, resilient_parsing=True)
    assert (" ".join(sub.params["term"]), sub.params["fmt"]) == (call.term, call.fmt)


def test_the_due_command_and_its_options_are_clicks():
    assert main.get_command(click.Context(main), entry.DUE_COMMAND) is termijnen
    binnen, mijn = _option(termijnen, entry.DUE_OPTION), _option(termijnen, entry.DUE_FLAG)
    assert binnen.name == "binnen" and not binnen.is_flag and binnen.nargs == 1 and binnen.default == entry.DUE_DEFAULT
    assert mijn.name == "mijn" and mijn.is_flag
    for flag, value in entry.ZOEK_FORMATS.items():
        opt = _option(termijnen, flag)
        assert opt.name == "fmt" and opt.flag_value == value
    assert not [p for p in termijnen.params if isinstance(p, click.Argument)]


@pytest.mark.parametrize(
    "args",
    [[], ["--mijn"], ["--binnen", "3w", "--json"], ["--csv", "--binnen=2m", "--mijn"], ["--binnen", "--mijn"]],
)
def test_every_due_option_parses_the_same_in_click(args):
    call = entry.route(["--db", "x.db", "termijnen", *args])
    assert call is not None and call.command == entry.DUE_COMMAND
    ctx = main.make_context("herstel", ["--db", "x.db"], resilient_parsing=True)
    sub = termijnen.make_context("termijnen", list(args), parent=ctx, resilient_parsing=True)
    assert (sub.params["binnen"], sub.params["mijn"], sub.params["fmt"]) == (call.binnen, call.mijn, call.fmt)


def test_the_card_command_and_its_options_are_clicks():
    assert main.get_command(click.Context(main), entry.CARD_COMMAND) is toon
    spoor, as_json = _option(toon, entry.CARD_OPTION), _option(toon, entry.CARD_FLAG)
    assert spoor.name == "spoor" and not spoor.is_flag and spoor.nargs == 1  # (no default: None, below)
    assert isinstance(spoor.type, click.Choice) and sorted(spoor.type.choices) == sorted(TRACK_SHORT)
    assert as_json.name == "as_json" and as_json.is_flag
    assert [(p.name, p.nargs) for p in toon.params if isinstance(p, click.Argument)] == [("zaak", 1)]


@pytest.mark.parametrize(
    "args",
    [["Z"], ["Z", "--json"], ["--spoor", "schuldenaanpak", "Z"], ["--json", "--spoor=brede_ondersteuning", "Z"]],
)
def test_every_card_option_parses_the_same_in_click(args):
    call = entry.route(["--db", "x.db", "toon", *args])
    assert call is not None and call.command == entry.CARD_COMMAND
    ctx = main.make_context("herstel", ["--db", "x.db"], resilient_parsing=True)
    sub = toon.make_context("toon", list(args), parent=ctx, resilient_parsing=True)
    assert (sub.params["zaak"], sub.params["spoor"], sub.params["as_json"]) == (
        call.term,
        call.spoor,
        call.fmt == "json",
    )


def test_the_collector_is_off_for_a_quick_answer_and_on_for_click(monkeypatch):
    """entry.quick_answer: no cyclic garbage collection while a quick path answers (its process
    ends right after); back on when it leaves the command to click."""
    import gc

    from herstel_tui.services import lookup

    seen = []
    monkeypatch.setattr(lookup, "quick_search", lambda *a: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(lookup, "quick_due", lambda *a: seen.append(gc.isenabled()))  # None: click answers
    assert gc.isenabled()
    assert entry.quick_answer(entry.QuickCall(command="zoek", term="jansen")) == 0
    assert seen == [False] and not gc.isenabled()
    gc.enable()
    assert entry.quick_answer(entry.QuickCall(command="termijnen")) is None
    assert seen == [False, False] and gc.isenabled()


def test_the_desk_starts_with_the_collector_paused_and_gives_it_back(monkeypatch):
    """Issue 18: the desk's imports run without the cyclic collector (``open_desk``); a full start
    turns it back on (``launch.start``), and after the desk it is on as before."""
    import gc

    from herstel_tui.settings import config
    from herstel_tui.tui import launch

    seen: dict[str, bool] = {}

    def light(*args: object) -> None:
        seen["light"] = gc.isenabled()
        return None  # no light start: the full one

    def refuse(*args: object) -> None:
        seen["full"] = gc.isenabled()
        raise config.ConfigError("kapot")

    monkeypatch.setattr(launch, "light_start", light)
    monkeypatch.setattr(config, "load_config", refuse)
    assert gc.isenabled()
    assert entry.open_desk(None, None, False) == 2
    assert seen == {"light": False, "full": True}
    assert gc.isenabled()


def test_a_click_command_ends_with_its_objects_frozen_and_its_output_whole(tmp_path):
    """A command through click freezes what is left at the process's end (``entry._light_exit``:
    no collector walk of every module at exit), after it wrote all it had to say; an exit handler
    of the command's own still runs."""
    import subprocess
    import sys

    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "from herstel_tui.entry import main\n"
        "main(['--help'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "frozen at exit: True" in done.stderr
    assert "portaal" in done.stdout and done.stdout.endswith("\n")
