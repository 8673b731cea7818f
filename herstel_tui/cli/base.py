"""What every command module shares: the context, errors into Dutch messages, exit codes."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from herstel_tui.settings.config import Config, ConfigError, load_config, resolve_db_path

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.store import Store

EXIT_NOT_FOUND = 1
EXIT_INPUT = 2


@dataclass
class Ctx:
    """The global options of one command line, and what they lead to (loaded on first use)."""

    db_arg: str | None
    config_arg: str | None
    low_bandwidth: bool = False
    _loaded: tuple[Config, Path] | None = field(default=None, repr=False)

    def _load(self) -> tuple[Config, Path]:
        if self._loaded is None:
            self._loaded = load_config(self.config_arg)
        return self._loaded

    @property
    def config(self) -> Config:
        return self._load()[0]

    @property
    def config_file(self) -> Path:
        return self._load()[1]

    @property
    def db_path(self) -> Path:
        return resolve_db_path(self.db_arg, self.config)

    def open_store(self, *, create: bool = False, readonly: bool = False) -> Store:
        from herstel_tui.settings.resources import open_store
        from herstel_tui.store.base import network_warning

        store = open_store(self.db_path, self.config.medewerker, create=create, readonly=readonly)
        if store.network_fs:
            click.echo(network_warning(store.path), err=True)
        return store


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(code)


class HerstelGroup(click.Group):
    """Turns known errors into a Dutch message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from herstel_tui.domain.bsn import BsnError
        from herstel_tui.domain.dates import DateError

        try:
            return super().invoke(ctx)
        except (ConfigError, BsnError, DateError) as exc:
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


def raise_store(message: str) -> NoReturn:
    from herstel_tui.store import StoreError

    raise StoreError(message)


def parse_date(text: str, label: str = "datum") -> date:
    """A date typed on the command line (see domain.dates); a Dutch message and exit 2 if unreadable."""
    from herstel_tui.domain.dates import DateError
    from herstel_tui.domain.dates import parse_date as parse

    try:
        return parse(text, label=label)
    except DateError as exc:
        fail(str(exc))
