"""The command line: subcommands do headless work; bare ``herstel`` opens the desk.

Nothing here imports Textual: the desk is opened through the ``open_desk`` callback that
``herstel_tui.entry`` hands in (``main(obj={"open_desk": ...})``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, Ctx, HerstelGroup, fail, parse_date, raise_store
from herstel_tui.domain.enums import Track
from herstel_tui.services.demo import DEFAULT_DEMO_CASES, DEFAULT_SEED
from herstel_tui.settings.config import config_path, default_db_path, resolve_export_dir


@click.group(cls=HerstelGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PAD", help="Databasebestand (ook: HERSTEL_DB).")
@click.option("--config", "config", metavar="PAD", help="Configuratiebestand (ook: HERSTEL_CONFIG).")
@click.option("--low-bandwidth", is_flag=True, help="16 kleuren, geen animaties of verversende timers.")
@click.version_option(package_name="herstel-tui", message="herstel %(version)s")
@click.pass_context
def main(ctx: click.Context, db: str | None, config: str | None, low_bandwidth: bool) -> None:
    """herstel: werkplek voor de hersteloperatie kinderopvangtoeslag.

    Zonder opdracht opent de werkplek. Zonder --db en HERSTEL_DB wordt de eerste keer een
    demodatabase met synthetische zaken aangemaakt.
    """
    given: Any = ctx.obj
    opener: Callable[[str | None, str | None, bool], int] | None = (
        given.get("open_desk") if isinstance(given, dict) else None
    )
    ctx.obj = Ctx(db, config, low_bandwidth)
    if ctx.invoked_subcommand is None:
        if opener is None:
            fail("de werkplek kan vanaf hier niet worden geopend; start `herstel` zonder opdracht")
        code = opener(db, config, low_bandwidth)
        if code:
            sys.exit(code)


@main.command()
@click.option(
    "--cases",
    "--zaken",
    "cases",
    type=click.IntRange(1, 1_000_000),
    default=DEFAULT_DEMO_CASES,
    show_default=True,
    help="Aantal zaken.",
)
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Startwaarde: zelfde waarde, zelfde data."
)
@click.option("--db", "db", metavar="PAD", help="Waar de demodatabase komt.")
@click.option("--overschrijf", is_flag=True, help="Vervang een bestaand bestand.")
@click.pass_obj
def demo(c: Ctx, cases: int, seed: int, db: str | None, overschrijf: bool) -> None:
    """Maak een demodatabase met synthetische zaken (BSN's uit het testbereik 9999…)."""
    if db:
        c.db_arg = db
    path = c.db_path
    if path.exists() and path.stat().st_size and not overschrijf:
        fail(f"{path} bestaat al; er is niets gewijzigd. Gebruik --overschrijf om het te vervangen.")
    import time

    t0 = time.perf_counter()
    from herstel_tui.services.demo import make_demo
    from herstel_tui.settings.resources import default_routekaart

    result = make_demo(path, cases, routekaart=default_routekaart(), seed=seed, me=c.config.medewerker)
    secs = time.perf_counter() - t0
    click.echo(
        f"Demodatabase {path}: {result['zaken']} zaken, {result['personen']} personen, "
        f"{result['gebeurtenissen']} gebeurtenissen, {result['contactmomenten']} contactmomenten "
        f"({secs:.1f} s)."
    )
    if result["zonder_bsn"]:
        click.echo(
            f"Let op: het testbereik 9999… heeft te weinig geldige BSN's; {result['zonder_bsn']} "
            "personen hebben geen BSN."
        )


@main.command()
@click.pass_obj
def waar(c: Ctx) -> None:
    """Toon waar configuratie, database en exports staan."""
    cfg_path = config_path(c.config_arg)
    cfg = c.config
    db = c.db_path
    rows = [
        ("Configuratie", cfg_path, "bestaat" if cfg_path.exists() else "bestaat niet, standaardwaarden"),
        ("Database", db, "bestaat" if db.exists() else "bestaat nog niet"),
        ("Exports", resolve_export_dir(cfg), ""),
        ("Standaarddatabase", default_db_path(), ""),
    ]
    for label, p, state in rows:
        click.echo(f"{label + ':':<19}{p}" + (f"  ({state})" if state else ""))
    click.echo(f"{'Medewerker:':<19}{cfg.medewerker}")
    click.echo(f"{'Gemeente:':<19}{cfg.gemeente}")
    click.echo(f"{'Portaal-id:':<19}{cfg.portaal_id or '(niet ingesteld)'}")


# -- register: persons and cases from the shell ------------------------------------------------


@main.group()
def persoon() -> None:
    """Personen in het register."""


@persoon.command("nieuw")
@click.option("--bsn", required=True, help="BSN (9 cijfers, of 8 met voorloopnul).")
@click.option("--voornamen", required=True)
@click.option("--tussenvoegsel")
@click.option("--achternaam", required=True)
@click.option("--geboortedatum", help="dd-mm-jjjj of jjjj-mm-dd.")
@click.option("--rol", help="Rol in het huishouden: aanvrager, toeslagpartner, ex-toeslagpartner, kind, nabestaande.")
@click.option("--bij", "bij", metavar="BSN", help="Voeg toe aan het huishouden van deze persoon.")
@click.pass_obj
def persoon_nieuw(
    c: Ctx,
    bsn: str,
    voornamen: str,
    tussenvoegsel: str | None,
    achternaam: str,
    geboortedatum: str | None,
    rol: str | None,
    bij: str | None,
) -> None:
    """Voeg een persoon toe (en zet hem of haar in een huishouden)."""
    from herstel_tui.domain.bsn import mask_bsn, normalize_bsn
    from herstel_tui.domain.models import HouseholdMember, Person

    person = Person(
        bsn=bsn,
        given_names=voornamen,
        surname_prefix=tussenvoegsel,
        surname=achternaam,
        birth_date=parse_date(geboortedatum) if geboortedatum else None,
    )
    role = HouseholdMember(household_id=0, person_id=0, role=rol or "aanvrager").role
    anchor_bsn = normalize_bsn(bij) if bij else None
    with c.open_store() as store:
        anchor = None
        if anchor_bsn:
            anchor = store.persons.find_by_bsn(anchor_bsn)
            if anchor is None:
                raise_store(f"geen persoon met BSN {mask_bsn(anchor_bsn)} gevonden")
        new, _ = store.persons.register(person, role=role, household_of=anchor.id if anchor else None)
    click.echo(f"Persoon toegevoegd: {new.name} (BSN {new.bsn_masked}), rol {role.value}.")


@main.group()
def zaak() -> None:
    """Zaken in het register."""


@zaak.command("nieuw")
@click.argument("bsn")
@click.option(
    "--spoor",
    type=click.Choice([t.value for t in Track]),
    default=Track.BREDE_ONDERSTEUNING.value,
    show_default=True,
)
@click.option("--medewerker", help="Toegewezen medewerker (standaard: uzelf).")
@click.pass_obj
def zaak_nieuw(c: Ctx, bsn: str, spoor: str, medewerker: str | None) -> None:
    """Open een zaak voor de persoon met dit BSN."""
    from herstel_tui.domain.bsn import mask_bsn, normalize_bsn

    bsn = normalize_bsn(bsn)
    with c.open_store() as store:
        person = store.persons.find_by_bsn(bsn)
        if person is None:
            fail(f"geen persoon met BSN {mask_bsn(bsn)} gevonden", EXIT_NOT_FOUND)
        assert person.id is not None
        case = store.cases.open(person.id, spoor, caseworker=medewerker)
    click.echo(f"Zaak {case.zaaknummer} geopend voor {person.name}.")


from herstel_tui.cli.lookup import COMMANDS as _LOOKUP  # noqa: E402 - needs the group above
from herstel_tui.cli.trust import COMMANDS as _TRUST  # noqa: E402

for _command in [*_LOOKUP, *_TRUST]:
    main.add_command(_command)

from herstel_tui.cli.portal import portaal  # noqa: E402

main.add_command(portaal)


from herstel_tui.cli.letters import COMMANDS as _LETTERS  # noqa: E402
from herstel_tui.cli.overview import COMMANDS as _OVERVIEW  # noqa: E402

for _command in [*_LETTERS, *_OVERVIEW]:
    main.add_command(_command)


from herstel_tui.cli.plan import COMMANDS as _PLAN  # noqa: E402
from herstel_tui.cli.step import COMMANDS as _STEP  # noqa: E402

for _command in [*_PLAN, *_STEP]:
    main.add_command(_command)

from herstel_tui.cli.checkout import COMMANDS as _CHECKOUT  # noqa: E402

for _command in _CHECKOUT:
    main.add_command(_command)
