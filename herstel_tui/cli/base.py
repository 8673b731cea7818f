"""What every command module shares: the context, errors into Dutch messages, exit codes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from herstel_tui.cli.desk import DEFAULT_DEMO_CASES  # noqa: F401 - re-exported
from herstel_tui.settings.config import ConfigError, load_config, resolve_db_path

EXIT_NOT_FOUND = 1
EXIT_INPUT = 2


class Ctx:
    def __init__(self, db: str | None, config: str | None, low_bandwidth: bool):
        self.db_arg = db
        self.config_arg = config
        self.low_bandwidth = low_bandwidth
        self._config = None
        self._config_path = None

    @property
    def config(self):
        if self._config is None:
            self._config, self._config_path = load_config(self.config_arg)
        return self._config

    @property
    def config_file(self) -> Path:
        self.config  # noqa: B018 - loads and remembers the path
        return self._config_path

    @property
    def db_path(self) -> Path:
        return resolve_db_path(self.db_arg, self.config)

    def open_store(self, *, create: bool = False, readonly: bool = False):
        from herstel_tui.store import Store

        store = Store(self.db_path, self.config.medewerker, create=create, readonly=readonly)
        if store.network_fs:
            from herstel_tui.store.base import network_warning

            click.echo(network_warning(store.path), err=True)
        return store


def fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(code)


class HerstelGroup(click.Group):
    """Turns known errors into a Dutch message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        from herstel_tui.domain.bsn import BsnError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            fail(str(exc))
        except BsnError as exc:
            fail(str(exc))
        except Exception as exc:
            from herstel_tui.store import StoreError

            if isinstance(exc, StoreError):
                fail(str(exc))
            from pydantic import ValidationError

            if isinstance(exc, ValidationError):
                from herstel_tui.domain.models import validation_message

                fail(validation_message(exc))
            raise


def raise_store(message: str) -> None:
    from herstel_tui.store import StoreError

    raise StoreError(message)


def parse_date(text: str) -> date:
    from datetime import datetime

    text = text.strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    fail(f"datum {text!r} klopt niet; gebruik dd-mm-jjjj")
    raise AssertionError
