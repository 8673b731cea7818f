"""Opening the desk: `herstel` with at most --db, --config and --low-bandwidth.

The console script comes here without loading click and the command modules, so the desk
paints sooner; `herstel --help` and every subcommand still go through click (cli.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DEFAULT_DEMO_CASES = 2000


class LightConfig:
    """The validated config's values as the last full load cached them (paths.py), standing in
    for the pydantic Config until the desk has loaded the real one after its first paint."""

    _PATHS = ("database", "exportmap", "briefsjablonen")

    def __init__(self, values: dict) -> None:
        for key, value in values.items():
            setattr(self, key, Path(value) if key in self._PATHS and value else value)


def start(db_arg: str | None, config_arg: str | None, low_bandwidth: bool) -> int:
    """Open the desk; returns an exit code (2 with a Dutch message when it cannot start)."""
    code = _light_start(db_arg, config_arg, low_bandwidth)
    if code is not None:
        return code
    from herstel_tui.settings.config import ConfigError, load_config, resolve_db_path
    from herstel_tui.store.base import StoreError, network_warning

    try:
        cfg, _ = load_config(config_arg)
        path = resolve_db_path(db_arg, cfg)
        is_default = not db_arg and not os.environ.get("HERSTEL_DB") and not cfg.database
        if is_default and not path.exists():
            print(
                f"Eerste start: demodatabase met {DEFAULT_DEMO_CASES} synthetische zaken wordt aangemaakt in {path} …"
            )
            make_demo(path, DEFAULT_DEMO_CASES, me=cfg.medewerker)
        elif not path.exists():
            raise StoreError(f"{path} bestaat niet. Maak een demo met: herstel demo --db {path}")
        from herstel_tui.store import Store

        store = Store(path, cfg.medewerker)
        if store.network_fs:
            print(network_warning(store.path), file=sys.stderr)
    except (ConfigError, StoreError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    from herstel_tui.tui.app import run_app  # the only place the command line reaches for Textual

    run_app(store, cfg, low_bandwidth=low_bandwidth)
    return 0


def _light_start(db_arg: str | None, config_arg: str | None, low_bandwidth: bool) -> int | None:
    """Paint the list before pydantic and the full Store load, when nothing stands in the way:
    the config unchanged since it was last validated, the database at this schema with a case
    index that matches this routekaart. Anything else: None, and the full start runs."""
    from herstel_tui.settings.paths import config_path, default_db_path, read_config_cache

    cfg_file = config_path(config_arg)
    if (config_arg or os.environ.get("HERSTEL_CONFIG")) and not cfg_file.exists():
        return None
    values = read_config_cache(cfg_file)
    if not values or "gemeente" not in values or "toetsen" not in values:
        return None
    db = Path(db_arg or os.environ.get("HERSTEL_DB") or values.get("database") or default_db_path()).expanduser()
    if not db.is_file():
        return None
    from herstel_tui.store.caselist import ready_for_quick_read

    if not ready_for_quick_read(db):
        return None
    from herstel_tui.tui.data import DeskData

    user = values["medewerker"]

    def opener():
        from herstel_tui.store import Store

        return Store(db, user)

    def finish(data: DeskData):
        from herstel_tui.settings.config import load_config
        from herstel_tui.store.base import network_warning

        config, _ = load_config(config_arg)
        store = data.store
        warning = network_warning(store.path) if store.network_fs else None
        return config, warning, store.refreshed_on_open

    from herstel_tui.tui.app import run_app_light

    run_app_light(DeskData(path=db, user=user, opener=opener), LightConfig(values), finish, low_bandwidth=low_bandwidth)
    return 0


def make_demo(path: Path, cases: int, *, seed: int = 20261123, me: str | None = None) -> dict[str, int]:
    """Build the demo next to ``path`` and move it into place only when it is complete."""
    from herstel_tui.services.demo import build_demo
    from herstel_tui.store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".herstel-demo-", suffix=".db", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        with Store(tmp_path, me or "demo") as store:
            result = build_demo(store, cases, seed=seed, me=me)
            store.conn.execute("PRAGMA journal_mode = DELETE")  # fold the WAL in before the move
        from herstel_tui.store.base import replace_database

        replace_database(tmp_path, path)
    finally:
        for leftover in (tmp_path, Path(tmp + "-wal"), Path(tmp + "-shm"), Path(tmp + "-journal")):
            leftover.unlink(missing_ok=True)
    return result


def parse_desk_args(argv: list[str]) -> tuple[str | None, str | None, bool] | None:
    """(db, config, low_bandwidth) when argv only opens the desk; None for anything else."""
    db = config = None
    low = False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--low-bandwidth":
            low = True
        elif a in ("--db", "--config") and args:
            value = args.pop(0)
            if a == "--db":
                db = value
            else:
                config = value
        elif a.startswith("--db=") and len(a) > 5:
            db = a[5:]
        elif a.startswith("--config=") and len(a) > 9:
            config = a[9:]
        else:
            return None
    return db, config, low
