"""What every command module shares: the context, errors into Dutch messages, exit codes."""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from herstel_tui.domain.models import Case
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store

#: the values of domain.enums.Track, for click's choices without building the enum classes
#: (`herstel termijnen` over SSH; tests/cli/test_lazy_commands.py keeps them equal)
TRACKS = ("brede_ondersteuning", "schuldenaanpak")

#: ``--spoor``, for commands that take a BSN: a person can have a case on each track
spoor_option = click.option("--spoor", type=click.Choice(list(TRACKS)), help="Bij een BSN met twee zaken.")

EXIT_NOT_FOUND = 1
EXIT_INPUT = 2


class Ctx:
    """The global options of one command line, and what they lead to (loaded on first use). (A
    plain class, not a dataclass: dataclasses is ~3 ms of every command's start.)"""

    def __init__(self, db_arg: str | None, config_arg: str | None, low_bandwidth: bool = False) -> None:
        self.db_arg = db_arg
        self.config_arg = config_arg
        self.low_bandwidth = low_bandwidth
        self._loaded: tuple[Config, Path] | None = None

    def __repr__(self) -> str:
        return f"Ctx(db_arg={self.db_arg!r}, config_arg={self.config_arg!r}, low_bandwidth={self.low_bandwidth!r})"

    def _load(self) -> tuple[Config, Path]:
        if self._loaded is None:
            from herstel_tui.settings.config import load_config

            self._loaded = load_config(self.config_arg)
        return self._loaded

    @property
    def config(self) -> Config:
        return self._load()[0]

    @property
    def config_file(self) -> Path:
        return self._load()[1]

    def _target(self) -> tuple[Path, str]:
        """The database and the user: from the values the config loader last validated when the
        file is unchanged (no pydantic: `toon`, `termijnen` over SSH), else from the full load."""
        if self._loaded is None:
            from herstel_tui.settings.cache import quick_settings

            quick = quick_settings(self.db_arg, self.config_arg)
            if quick is not None:
                return quick
        from herstel_tui.settings.config import resolve_db_path

        return resolve_db_path(self.db_arg, self.config), self.config.medewerker

    @property
    def db_path(self) -> Path:
        return self._target()[0]

    @property
    def user(self) -> str:
        return self._target()[1]

    def open_store(self, *, create: bool = False, readonly: bool = False) -> Store:
        from herstel_tui.files.terminal import IndexProgress
        from herstel_tui.settings.resources import open_store
        from herstel_tui.store.base import network_warning

        path, user = self._target()
        store = open_store(path, user, create=create, readonly=readonly, progress=IndexProgress())
        if store.network_fs:
            click.echo(network_warning(store.path), err=True)
        return store


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(code)


def clean_arguments(args: list[str]) -> list[str]:
    """The command line under the text policy (``domain/text``): NFC, bidi controls removed, a
    control character (ESC, BEL, CR ...) refused naming the option it belongs to. Newline and tab
    stay: a note may have lines."""
    from herstel_tui.domain.text import clean_text

    out: list[str] = []
    previous = ""
    for i, arg in enumerate(args, 1):
        name, eq, _ = arg.partition("=")
        if arg.startswith("--") and eq:
            field = name
        elif previous.startswith("-") and "=" not in previous and not arg.startswith("-"):
            field = previous
        else:
            field = f"argument {i}"
        out.append(clean_text(arg, field=field, multiline=True))
        previous = arg
    return out


class HerstelGroup(click.Group):
    """Turns known errors into a Dutch message and exit code 2, never a traceback. Every
    argument passes the text policy on the way in, every line printed the terminal guard
    (``files/terminal``) on the way out.

    ``lazy_commands`` (name -> module): commands imported only when invoked or listed, as click's
    documentation on lazily loading subcommands shows; the module's attribute of that name is the
    command."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            import importlib

            command = getattr(importlib.import_module(self.lazy_commands[cmd_name]), cmd_name)
            if not isinstance(command, click.Command) or command.name != cmd_name:
                raise TypeError(f"{self.lazy_commands[cmd_name]}.{cmd_name} is not the command {cmd_name!r}")
            self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # click suggests from the loaded commands only ("Did you mean 'termijnen'?"): all of them
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        from herstel_tui.domain.text import TextError
        from herstel_tui.files.terminal import guarded_output

        with guarded_output():
            try:
                cleaned = clean_arguments(list(sys.argv[1:] if args is None else args))
            except TextError as exc:
                fail(f"{exc}; er is niets gewijzigd")
            return super().main(cleaned, prog_name, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        from herstel_tui.domain.bsn import BsnError
        from herstel_tui.domain.dates import DateError

        try:
            return super().invoke(ctx)
        except (BsnError, DateError) as exc:
            fail(str(exc))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            # loaded here, on the way out with an error, not on every start
            from herstel_tui.settings.config import ConfigError
            from herstel_tui.store import StoreError

            if isinstance(exc, (ConfigError, StoreError)):
                fail(str(exc))
            if isinstance(exc, OSError):  # a file the command reads or writes: its name and the reason
                from herstel_tui.domain.text import os_reason

                fail(f"{exc.filename or 'de uitvoer'}: {os_reason(exc)}")
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


def past_date(text: str | None) -> date:
    """``--datum`` of something that happened: today when not given; a Dutch message and exit 2
    when unreadable or in the future."""
    from herstel_tui.domain import clock

    on = parse_date(text) if text else clock.today()
    if on > clock.today():
        fail("de datum ligt in de toekomst")
    return on


def case_by_zaaknummer(store: Store, zaaknummer: str) -> Case:
    """The case with this zaaknummer; a Dutch message and exit 1 when there is none."""
    case = store.cases.find(zaaknummer)
    if case is None:
        click.echo(f"Zaak {zaaknummer.strip().upper()} bestaat niet.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    return case


SHORT_ZAAKNUMMER = re.compile(r"^\d{4}-\d{6}$")


def resolve_case(store: Store, ref: str, track: str | None = None) -> Case:
    """A case by zaaknummer, or by BSN (with --spoor when the person has two)."""
    from herstel_tui.domain.bsn import BsnError, mask_bsn, mask_digits, normalize_bsn

    ref = ref.strip()
    if ref.upper().startswith("HKO-"):
        return case_by_zaaknummer(store, ref)
    if SHORT_ZAAKNUMMER.match(ref):  # as the case list shows it at 80 columns: 2025-000039
        return case_by_zaaknummer(store, "HKO-" + ref)
    try:
        bsn = normalize_bsn(ref)
    except BsnError as exc:
        fail(f"'{mask_digits(ref)}' is geen zaaknummer (HKO-jjjj-nnnnnn) en geen geldig BSN: {exc}")
    person = store.persons.find_by_bsn(bsn)
    cases = store.cases.of_person(person.id) if person and person.id is not None else []
    if track:
        cases = [k for k in cases if k.track.value == track]
    if not cases:
        click.echo(f"Geen zaak gevonden voor BSN {mask_bsn(bsn)}.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    if len(cases) > 1:
        fail(
            f"BSN {mask_bsn(bsn)} heeft {len(cases)} zaken ({', '.join(k.zaaknummer or '' for k in cases)}); "
            "kies met --spoor of geef het zaaknummer"
        )
    return cases[0]
