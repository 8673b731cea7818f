"""The `herstel` console script.

`herstel zoek TERM` is answered here without loading click, pydantic or sqlite-utils, so a
lookup over SSH costs little more than opening the file. Whatever this quick path is not sure
about (help, an unknown option, a config file not validated since it last changed, a
database that needs a migration) goes to the full command line, which gives the same answer
or the proper error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _quick_zoek(argv: list[str]) -> int | None:
    db_arg = config_arg = None
    args = list(argv)
    # global options before the subcommand
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt in ("--db", "--config") and args:
            val = args.pop(0)
        elif opt.startswith("--db=") or opt.startswith("--config="):
            opt, val = opt.split("=", 1)
        else:
            return None
        if opt == "--db":
            db_arg = val
        else:
            config_arg = val
    if not args or args[0] != "zoek":
        return None
    fmt, words = "text", []
    for a in args[1:]:
        if a == "--json":
            fmt = "json"
        elif a == "--csv":
            fmt = "csv"
        elif a.startswith("-"):
            return None
        else:
            words.append(a)
    term = " ".join(words).strip()
    if not term:
        return None

    from herstel_tui.settings.paths import config_path, default_db_path, login, read_config_cache

    cfg_file = config_path(config_arg)
    values: dict = {}
    if cfg_file.exists():
        cached = read_config_cache(cfg_file)
        if cached is None:
            return None
        values = cached
    elif config_arg or os.environ.get("HERSTEL_CONFIG"):
        return None
    db = Path(db_arg or os.environ.get("HERSTEL_DB") or values.get("database") or default_db_path()).expanduser()
    if not db.is_file():
        return None

    from herstel_tui.store.base import StoreError, check_database_file, check_schema, connect
    from herstel_tui.store.schema import LATEST

    try:
        check_database_file(db)
        conn = connect(db)
        if check_schema(conn, db) != LATEST:
            conn.close()
            return None
        from herstel_tui.services.lookup import print_cases, search

        records = search(conn, values.get("medewerker") or login(), term)
        conn.close()
    except StoreError:
        return None  # the full path prints the Dutch message and exits 2
    except Exception as exc:  # sqlite3.Error and friends: let the full path explain
        if type(exc).__module__ == "sqlite3":
            return None
        raise
    if not records:
        print(f"Niets gevonden voor {term!r}.", file=sys.stderr)
        return 1
    print_cases(records, fmt)
    return 0


def main() -> None:
    code = _quick_zoek(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from herstel_tui.cli.desk import parse_desk_args

    desk = parse_desk_args(sys.argv[1:])
    if desk is not None:
        from herstel_tui.cli.desk import start

        sys.exit(start(*desk))
    from herstel_tui.cli.main import main as full

    full(prog_name="herstel")
