"""Opening the desk: the first-run demo, the light start, then the full start.

``herstel`` (no subcommand) comes here through ``herstel_tui.entry`` without loading click and the
command modules, so the desk paints sooner. The command line reaches :func:`start` only through
the callback ``entry`` hands to click: the CLI never imports the TUI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from herstel_tui.tui.data import DeskData

TYPE_CHECKING = False
if TYPE_CHECKING:
    from herstel_tui.tui.config import DeskConfig
    from herstel_tui.tui.host import FinishStart


def start(db_arg: str | None, config_arg: str | None, low_bandwidth: bool, *, collector: bool = True) -> int:
    """Open the desk; returns an exit code (2 with a Dutch message when it cannot start).
    ``collector``: turn the cyclic garbage collector on for a full start (the caller paused it
    for the light one: ``entry.open_desk``)."""
    code = light_start(db_arg, config_arg, low_bandwidth)
    if code is not None:
        return code
    if collector:
        import gc

        gc.enable()  # a full start (pydantic, a first demo …) with the collector on; run_app pauses it again
    from herstel_tui.services.demo import DEFAULT_DEMO_CASES, make_demo
    from herstel_tui.settings.config import ConfigError, load_config, resolve_db_path
    from herstel_tui.settings.resources import default_routekaart, open_store
    from herstel_tui.store.base import StoreError, missing_database, network_warning

    try:
        cfg, _ = load_config(config_arg)
        path = resolve_db_path(db_arg, cfg)
        is_default = not db_arg and not os.environ.get("HERSTEL_DB") and not cfg.database
        if is_default and not path.exists():
            print(
                f"Eerste start: demodatabase met {DEFAULT_DEMO_CASES} synthetische zaken wordt aangemaakt in {path} …"
            )
            make_demo(path, DEFAULT_DEMO_CASES, routekaart=default_routekaart(), me=cfg.medewerker)
            print("Om te oefenen. Voor echte zaken: herstel aanmaken --vervang-demo (of met --db een ander pad).")
        elif not path.exists():
            raise missing_database(path)
        from herstel_tui.files.terminal import IndexProgress

        # before the desk paints: a case index to rebuild (a new routekaart) shows its progress here
        store = open_store(path, cfg.medewerker, progress=IndexProgress())
        if store.network_fs:
            print(network_warning(store.path), file=sys.stderr)
    except (ConfigError, StoreError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    from herstel_tui.tui.app import run_app

    run_app(store, cfg, low_bandwidth=low_bandwidth)
    return 0


def light_start(db_arg: str | None, config_arg: str | None, low_bandwidth: bool) -> int | None:
    """Paint the list before pydantic and the full Store load, when nothing stands in the way:
    the config unchanged since it was last validated, the database at this schema with a case
    index that matches this routekaart. Anything else: None, and the full start runs. The full
    Store then opens right after the first paint when the case index has periods to bring up to
    date, else when first needed (a case, a save, a dialog)."""
    from herstel_tui.settings.cache import read_config_cache
    from herstel_tui.settings.paths import config_path, default_db_path
    from herstel_tui.settings.resources import routekaart_fingerprint

    cfg_file = config_path(config_arg)
    if (config_arg or os.environ.get("HERSTEL_CONFIG")) and not cfg_file.exists():
        return None
    values = read_config_cache(cfg_file)
    if values is None:
        return None
    db = Path(db_arg or os.environ.get("HERSTEL_DB") or values.database or default_db_path()).expanduser()
    if not db.is_file():
        return None
    from herstel_tui.store.caselist import quick_list_reader

    reader = quick_list_reader(db, routekaart_fingerprint())  # (ready_for_quick_read, its connection kept)
    if reader is None:
        return None
    user = values.medewerker

    def opener():
        from herstel_tui.settings.resources import open_store

        return open_store(db, user)

    from herstel_tui.tui.app import run_app_light

    run_app_light(
        DeskData(path=db, user=user, opener=opener, reader=reader),
        values,
        light_finish(db, config_arg),
        low_bandwidth=low_bandwidth,
    )
    return 0


def light_finish(db: Path, config_arg: str | None) -> FinishStart:
    """What finishes a light start (in a worker, after the first paint): the network warning;
    the full Store and the validated config only when the case index has a period to bring up to
    date (the Store recomputes it on opening, and the list is read again). Otherwise both wait
    for their first use (``DeskApp.case_at_hand``, a case, a save): ~14 MB of pydantic, routekaart
    and Store that a desk used to look something up never needs. (The cached config values the
    desk runs on are those of this very config file, validated when they were cached.)"""

    def finish(data: DeskData) -> tuple[DeskConfig | None, str | None, bool]:
        from herstel_tui.store.base import network_warning, on_network_fs

        warning = network_warning(db) if on_network_fs(db) else None
        if not data.store_open and not data.stale_index():
            return None, warning, False
        from herstel_tui.settings.config import load_config

        config, _ = load_config(config_arg)
        return config, warning, bool(data.store.refreshed_on_open)

    return finish
