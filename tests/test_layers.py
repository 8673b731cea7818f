"""The headless parts never import Textual (so `herstel zoek` over SSH stays fast),
and domain/ imports no storage or UI library at all."""
import subprocess
import sys

import pytest

HEADLESS = ["herstel_tui.portal.service", "herstel_tui.store.portal", "herstel_tui.cli_portal",
            "herstel_tui.letters", "herstel_tui.overview", "herstel_tui.store.overview", "herstel_tui.cli_letters",
            "herstel_tui.cli_trust", "herstel_tui.desk_start", "herstel_tui.store.maintenance", "herstel_tui.cli", "herstel_tui.cli_lookup", "herstel_tui.lookup", "herstel_tui.entry", "herstel_tui.store", "herstel_tui.store.demo", "herstel_tui.config",
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


def test_tui_never_writes_sql():
    """The desk talks to the store's methods only: no SQL, no connection, in herstel_tui/tui."""
    import re
    from pathlib import Path

    import herstel_tui

    tui = Path(herstel_tui.__file__).parent / "tui"
    pattern = re.compile(r"\.conn\b|\.execute\(|\bsqlite3\b|\b(SELECT|INSERT|UPDATE|DELETE)\s+\w", re.I)
    offenders = []
    for path in sorted(tui.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and not code.strip().startswith(("'", '"')):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_domain_imports_nothing_of_ours_below_it():
    import ast
    from pathlib import Path

    import herstel_tui

    domain = Path(herstel_tui.__file__).parent / "domain"
    bad = []
    for path in domain.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                bad.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("herstel_tui") \
                    and not node.module.startswith("herstel_tui.domain") and node.module != "herstel_tui.resources":
                bad.append(f"{path.name}: from {node.module}")
    assert bad == []
