"""The command line: subcommands do headless work; bare ``herstel`` opens the desk.

Nothing here imports Textual: the desk is opened through the ``open_desk`` callback that
``herstel_tui.entry`` hands in (``main(obj={"open_desk": ...})``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, TRACKS, Ctx, HerstelGroup, fail, parse_date, raise_store
from herstel_tui.domain.enums import Role

# Commands of other modules, imported only when invoked (or listed in --help): `herstel toon`
# loads cli.lookup, not the plan, portal or demo code. Name -> module; the module's attribute of
# that name is the command (tests/cli/test_lazy_commands.py checks each module's COMMANDS).
LAZY_COMMANDS = {
    **dict.fromkeys(["zoek", "toon", "termijnen", "notitie"], "herstel_tui.cli.lookup"),
    **dict.fromkeys(
        ["audit", "backup", "terugzetten", "aanmaken", "controle", "opschonen", "vergeet"], "herstel_tui.cli.trust"
    ),
    "portaal": "herstel_tui.cli.portal",
    **dict.fromkeys(["brief", "brieven"], "herstel_tui.cli.letters"),
    "overzicht": "herstel_tui.cli.overview",
    **dict.fromkeys(["plan", "kosten", "spuk"], "herstel_tui.cli.plan"),
    "stap": "herstel_tui.cli.step",
    **dict.fromkeys(["meenemen", "inleveren", "conflict"], "herstel_tui.cli.checkout"),
    "demo": "herstel_tui.cli.demo",
}


@click.group(
    cls=HerstelGroup,
    lazy_commands=LAZY_COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
@click.pass_obj
def waar(c: Ctx) -> None:
    """Toon waar configuratie, database en exports staan."""
    from herstel_tui.settings.config import resolve_export_dir
    from herstel_tui.settings.paths import config_path, default_db_path

    cfg_path = config_path(c.config_arg)
    cfg = c.config
    db = c.db_path
    rows = [
        ("Configuratie", cfg_path, "bestaat" if cfg_path.exists() else "bestaat niet, standaardwaarden"),
        ("Database", db, _database_state(db, c.db_arg)),
        ("Exports", resolve_export_dir(cfg), ""),
        ("Standaarddatabase", default_db_path(), ""),
    ]
    for label, p, state in rows:
        click.echo(f"{label + ':':<19}{p}" + (f"  ({state})" if state else ""))
    click.echo(f"{'Medewerker:':<19}{cfg.medewerker}")
    click.echo(f"{'Gemeente:':<19}{cfg.gemeente}")
    click.echo(f"{'Portaal-id:':<19}{cfg.portaal_id or '(niet ingesteld)'}")


def _database_state(db: Path, given: str | None) -> str:
    if not db.exists():
        return "bestaat nog niet; maak hem met: herstel aanmaken" + (f" --db {db}" if given else "")
    from herstel_tui.services.register import is_demo, shared_with

    if is_demo(db):
        return "bestaat, demodatabase met synthetische zaken"
    group = shared_with(db)
    return f"bestaat, gedeeld met groep {group}" if group else "bestaat"


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


@persoon.command("rol")
@click.argument("bsn")
@click.argument("rol", type=click.Choice([role.value for role in Role]))
@click.option("--huishouden", type=int, help="In dit huishouden (nummer; standaard: het eerste van de persoon).")
@click.pass_obj
def persoon_rol(c: Ctx, bsn: str, rol: str, huishouden: int | None) -> None:
    """Wijzig de rol van een persoon in een huishouden (bijvoorbeeld een tweede aanvrager die `herstel
    controle` noemt). Geweigerd als een tijdlijn van een lid dan niet meer past."""
    from herstel_tui.domain.bsn import mask_bsn, normalize_bsn

    number = normalize_bsn(bsn)
    with c.open_store() as store:
        person = store.persons.find_by_bsn(number)
        if person is None or person.id is None:
            fail(f"geen persoon met BSN {mask_bsn(number)} gevonden", EXIT_NOT_FOUND)
        household = huishouden or store.persons.main_household(person.id)
        if household is None:
            fail(f"{person.name} hoort bij geen huishouden; er is niets gewijzigd")
        changed = store.persons.set_role(household, person.id, rol)
    said = "is nu" if changed else "was al"
    click.echo(f"{person.name} (BSN {person.bsn_masked}) {said} {rol} in huishouden {household}.")


@main.group()
def zaak() -> None:
    """Zaken in het register."""


@zaak.command("nieuw")
@click.argument("bsn")
@click.option(
    "--spoor",
    type=click.Choice(list(TRACKS)),
    default=TRACKS[0],  # Track.BREDE_ONDERSTEUNING
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
