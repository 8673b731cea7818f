"""What the benches share: the package compiled as an installed one is, the ``herstel`` command
beside this Python, and one timed run of a command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Collection, Mapping
from pathlib import Path


def compile_package(folder: Path | str | None = None) -> None:
    """An installed package has its bytecode compiled by pip; an editable checkout (and this
    machine's PYTHONDONTWRITEBYTECODE=1) would otherwise recompile every module on every start.
    ``folder``: another checkout's ``herstel_tui`` (default: the one this Python imports)."""
    import compileall

    if folder is None:
        import herstel_tui

        folder = Path(herstel_tui.__file__).parent
    compileall.compile_dir(str(folder), quiet=1)


def herstel_command() -> str:
    """The ``herstel`` console script of this Python's environment."""
    return shutil.which("herstel", path=str(Path(sys.executable).parent)) or "herstel"


def timed(
    cmd: list[str], *, ok: Collection[int] = (0,), env: Mapping[str, str] | None = None, cwd: str | None = None
) -> float:
    """Milliseconds ``cmd`` took as a whole process (output captured); stops the bench when it
    exits with a code not in ``ok``."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd)
    dt = time.perf_counter() - t0
    if r.returncode not in ok:
        raise SystemExit(f"{cmd} failed ({r.returncode}): {r.stderr.decode()}")
    return dt * 1000
