"""The headless parts never import Textual (so `herstel zoek` over SSH stays fast),
and domain/ imports no storage or UI library at all."""
import subprocess
import sys

import pytest

HEADLESS = ["herstel_tui.cli", "herstel_tui.cli_lookup", "herstel_tui.lookup", "herstel_tui.entry", "herstel_tui.store", "herstel_tui.store.demo", "herstel_tui.config",
            "herstel_tui.domain.models", "herstel_tui.domain.bsn", "herstel_tui.domain.routekaart"]


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_modules_do_not_import_textual(module):
    mods = loaded_after(f"import {module}")
    assert not {m for m in mods if m == "textual" or m.startswith("textual.")}


def test_cli_subcommand_does_not_import_textual(tmp_path):
    code = ("from click.testing import CliRunner\nfrom herstel_tui.cli import main\n"
            f"r = CliRunner().invoke(main, ['--db', r'{tmp_path / 'x.db'}', 'waar'])\nassert r.exit_code == 0, r.output")
    mods = loaded_after(code)
    assert "textual" not in mods


@pytest.mark.parametrize("module", ["herstel_tui.domain.models", "herstel_tui.domain.bsn",
                                    "herstel_tui.domain.routekaart"])
def test_domain_is_pure(module):
    mods = loaded_after(f"import {module}")
    forbidden = {"sqlite3", "sqlite_utils", "textual", "rich", "openpyxl", "click"}
    assert not forbidden & {m.split(".")[0] for m in mods}
