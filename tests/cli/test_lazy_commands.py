"""The command line imports a command's module only when that command runs (issue 18: `herstel
toon` and `termijnen` over SSH); help, suggestions and errors stay as they were."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
from click.testing import CliRunner

from herstel_tui.cli.main import LAZY_COMMANDS, main

MODULES = sorted(set(LAZY_COMMANDS.values()))


def test_every_command_of_every_module_is_in_the_table_under_its_own_name():
    for module in MODULES:
        for command in importlib.import_module(module).COMMANDS:
            assert LAZY_COMMANDS.get(command.name) == module, command.name
    for name, module in LAZY_COMMANDS.items():
        command = main.get_command(click.Context(main), name)
        assert isinstance(command, click.Command) and command.name == name
        assert command in importlib.import_module(module).COMMANDS


def test_help_lists_every_command_in_alphabetical_order():
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0
    listed = [line.split()[0] for line in r.output.split("Commands:\n")[1].splitlines() if line.startswith("  ")]
    assert listed == sorted({*LAZY_COMMANDS, "waar", "persoon", "zaak"})


def _fresh(code: str) -> subprocess.CompletedProcess:
    """``code`` in a new interpreter: nothing loaded yet, as at a real start."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_an_unknown_command_is_refused_with_a_suggestion_from_all_commands():
    r = _fresh("from herstel_tui.entry import main; main(['termijne'])")
    assert r.returncode == 2
    assert "Error: No such command 'termijne'. Did you mean 'termijnen'?" in r.stderr
    r = _fresh("from herstel_tui.entry import main; main(['onzin'])")
    assert r.returncode == 2 and "Error: No such command 'onzin'." in r.stderr


def test_a_command_loads_its_own_module_only(tmp_path):
    code = (
        "import sys\nfrom herstel_tui.entry import main\n"
        "try:\n    main(['toon', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('herstel_tui.cli.') or m == 'herstel_tui.services.demo'))"
    )
    r = _fresh(code)
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout.strip().splitlines()[-1]
        == "['herstel_tui.cli.base', 'herstel_tui.cli.lookup', 'herstel_tui.cli.main']"
    )


def test_the_tracks_of_the_choices_are_the_enums():
    from herstel_tui.cli.base import TRACKS
    from herstel_tui.domain.enums import Track

    assert TRACKS == tuple(t.value for t in Track)
    assert TRACKS[0] == Track.BREDE_ONDERSTEUNING.value  # `herstel zaak nieuw`'s default
