"""The plan's headless modules never load Textual; the domain stays pure."""
import subprocess
import sys

import pytest

HEADLESS = ["herstel_tui.store.plan", "herstel_tui.plan_print", "herstel_tui.spuk_report", "herstel_tui.cli_plan",
            "herstel_tui.domain.plan", "herstel_tui.domain.costs"]


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_plan_modules_do_not_import_textual_or_office_libraries(module):
    mods = {m.split(".")[0] for m in loaded_after(f"import {module}")}
    assert "textual" not in mods
    assert not {"docx", "openpyxl"} & mods  # imported inside the functions that write files


@pytest.mark.parametrize("module", ["herstel_tui.domain.plan", "herstel_tui.domain.costs"])
def test_plan_domain_is_pure(module):
    mods = loaded_after(f"import {module}\nimport {module} as m\n"
                        "getattr(m, 'spuk_components', lambda: None)()")
    forbidden = {"sqlite3", "sqlite_utils", "textual", "rich", "openpyxl", "click", "docx"}
    assert not forbidden & {m.split(".")[0] for m in mods}


def test_tui_screens_write_no_sql():
    from pathlib import Path

    import herstel_tui.tui.screens as screens

    folder = Path(screens.__file__).parent
    for name in ("plan.py", "costs.py", "spuk.py"):
        text = (folder / name).read_text(encoding="utf-8")
        for word in ("execute(", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", ".conn"):
            assert word not in text, (name, word)
