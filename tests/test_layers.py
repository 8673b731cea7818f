"""The layers hold: nothing headless imports Textual (so `herstel zoek` over SSH never pays for the
desk), office libraries load only inside the functions that write files, domain/ imports no storage
or UI library, and the desk never writes SQL.

Every module of the package is found by walking it, so a new module is checked without being listed.
Each probe is one child process that imports the modules in turn and reports, per module, which
watched libraries were loaded after it: the first module that pulls one in is named.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import herstel_tui

PACKAGE = Path(herstel_tui.__file__).parent

PROBE = r"""
import importlib, json, pkgutil, sys
import herstel_tui
watch = set(sys.argv[2].split(","))
prefixes = tuple(sys.argv[3].split(",")) if sys.argv[3] else ()
names = sorted(m.name for m in pkgutil.walk_packages(herstel_tui.__path__, "herstel_tui."))
names = [n for n in names if n.startswith(prefixes) and not n.startswith(tuple(sys.argv[4].split(",")))
         and not n.endswith(".__main__")]  # importing __main__ would run the command line
report = []
for name in names:
    importlib.import_module(name)
    report.append([name, sorted(watch & {m.split(".")[0] for m in sys.modules})])
if sys.argv[1]:
    exec(sys.argv[1])
    report.append(["<code>", sorted(watch & {m.split(".")[0] for m in sys.modules})])
print(json.dumps(report))
"""


def probe(
    watch: set[str],
    *,
    only: tuple[str, ...] = ("herstel_tui",),
    skip: tuple[str, ...] = ("herstel_tui.tui",),
    code: str = "",
) -> list[tuple[str, list[str]]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, code, ",".join(sorted(watch)), ",".join(only), ",".join(skip)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [(name, loaded) for name, loaded in json.loads(out)]


def first_offenders(report: list[tuple[str, list[str]]]) -> dict[str, str]:
    """For each watched library that got loaded: the first module after which it was there."""
    seen: dict[str, str] = {}
    for name, loaded in report:
        for lib in loaded:
            seen.setdefault(lib, name)
    return seen


def test_the_probe_names_the_module_that_loads_a_library():
    report = probe({"textual"}, only=("herstel_tui.tui.desk",), skip=("herstel_tui.tui.screens",))
    assert first_offenders(report) == {"textual": "herstel_tui.tui.desk"}


def test_headless_modules_load_no_ui_and_no_office_library():
    report = probe({"textual", "docx", "openpyxl"})
    assert len(report) > 40  # every module outside tui/ was imported
    assert first_offenders(report) == {}


def test_shell_commands_load_no_ui_and_no_office_library(tmp_path):
    code = (
        "from click.testing import CliRunner\nfrom herstel_tui.cli.main import main\n"
        f"for args in (['waar'], ['brieven']):\n"
        f"    r = CliRunner().invoke(main, ['--db', r'{tmp_path / 'x.db'}', *args])\n"
        "    assert r.exit_code == 0, r.output"
    )
    report = probe({"textual", "docx", "openpyxl"}, only=("herstel_tui.cli.main",), code=code)
    assert report[-1] == ("<code>", [])


def test_domain_is_pure():
    report = probe(
        {"sqlite3", "sqlite_utils", "textual", "rich", "openpyxl", "click", "docx"},
        only=("herstel_tui.domain",),
        skip=("herstel_tui.tui",),
        code="import herstel_tui.domain.costs as m, herstel_tui.domain.routekaart as r",
    )
    assert report and first_offenders(report) == {}


def test_tui_never_writes_sql():
    """The desk talks to the store's methods only: no SQL, no connection, in herstel_tui/tui."""
    import re

    pattern = re.compile(r"\.conn\b|\.execute\(|\bsqlite3\b|\b(SELECT|INSERT|UPDATE|DELETE)\s+\w", re.I)
    offenders = []
    for path in sorted((PACKAGE / "tui").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and not code.strip().startswith(("'", '"')):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_domain_imports_nothing_of_ours_below_it():
    import ast

    bad = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                bad.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").startswith("herstel_tui")
                and not node.module.startswith("herstel_tui.domain")
            ):
                bad.append(f"{path.name}: from {node.module}")
    assert bad == []


def test_nothing_outside_the_store_reaches_into_it():
    """One public way to extend the store: repositories on ``store.<aggregate>`` and ``store.audit``.
    No module outside ``store/`` touches a private attribute of a Store or a repository."""
    import re

    pattern = re.compile(r"\b(store|st|s|self\.store|data\.store|self\.app\.store)\._[a-z]|\._audit\b|\bstore\._lock\b")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "store":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert offenders == []
