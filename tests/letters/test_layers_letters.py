"""Letters and the overview are headless: no Textual; python-docx and openpyxl only when writing files.
The screens never write SQL."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import herstel_tui

HEADLESS = ["herstel_tui.letters", "herstel_tui.overview", "herstel_tui.store.overview", "herstel_tui.cli_letters"]


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_modules_import_no_ui_and_no_file_libraries(module):
    mods = {m.split(".")[0] for m in loaded_after(f"import {module}")}
    assert not {"textual", "docx", "openpyxl"} & mods


def test_brieven_command_does_not_load_textual(tmp_path):
    code = ("from click.testing import CliRunner\nfrom herstel_tui.cli import main\n"
            f"r = CliRunner().invoke(main, ['--db', r'{tmp_path / 'x.db'}', 'brieven'])\nassert r.exit_code == 0, r.output")
    mods = {m.split(".")[0] for m in loaded_after(code)}
    assert "textual" not in mods and "docx" not in mods


@pytest.mark.parametrize("name", ["letter.py", "overview.py"])
def test_screens_write_no_sql(name):
    source = (Path(herstel_tui.__file__).parent / "tui" / "screens" / name).read_text(encoding="utf-8")
    assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b|\.execute\(|\.conn\b|sqlite3", source)
