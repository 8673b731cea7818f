"""`herstel audit | backup | terugzetten | aanmaken | controle | opschonen | vergeet`: trust in the register."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, Ctx, case_by_zaaknummer, fail, parse_date
from herstel_tui.domain.dates import format_date
from herstel_tui.services.lookup import Table, audit_detail_text


@click.command()
@click.option("--zaak", help="Alleen deze zaak (zaaknummer).")
@click.option("--gebruiker", help="Alleen deze medewerker.")
@click.option("--sinds", help="Vanaf deze datum (dd-mm-jjjj).")
@click.option("--max", "limit", type=click.IntRange(1), default=200, show_default=True)
@click.option("--json", "fmt", flag_value="json")
@click.option("--csv", "fmt", flag_value="csv")
@click.pass_obj
def audit(c: Ctx, zaak: str | None, gebruiker: str | None, sinds: str | None, limit: int, fmt: str | None) -> None:
    """Het auditlogboek: wie deed wat, wanneer, bij welke zaak."""
    since = parse_date(sinds) if sinds else None
    with c.open_store() as store:
        case_id = None
        if zaak:
            case_id = case_by_zaaknummer(store, zaak).id
        entries = store.audit.entries(case_id=case_id, who=gebruiker, since=since)
        zaken = store.cases.zaaknummers([e.case_id for e in entries if e.case_id])
    entries = entries[-limit:]
    if not entries:
        click.echo("Geen regels in het auditlogboek voor deze selectie.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    rows = [
        {
            "moment": f"{format_date(e.at)} {e.at:%H:%M}",
            "wie": e.who,
            "actie": e.action,
            "wat": e.entity,
            "zaak": zaken.get(e.case_id, f"#{e.case_id}") if e.case_id else "",
            "details": audit_detail_text(e.detail),  # Dutch labels, values as the desk shows them
        }
        for e in entries
    ]
    Table(
        [
            ("moment", "Moment", 16),
            ("wie", "Wie", 10),
            ("actie", "Actie", 12),
            ("wat", "Wat", 12),
            ("zaak", "Zaak", 15),
            ("details", "Details", 0),
        ],
        rows,
    ).emit(fmt or "text")


@click.command()
@click.argument("pad", required=False)
@click.pass_obj
def backup(c: Ctx, pad: str | None) -> None:
    """Maak een backup terwijl anderen doorwerken (standaard: map backups naast de database)."""
    from herstel_tui.services.backup import backup as do_backup
    from herstel_tui.services.backup import default_folder

    with c.open_store() as store:
        written = do_backup(store, Path(pad) if pad else default_folder(store))
    click.echo(f"Backup geschreven: {written}")


@click.command()
@click.argument("backupbestand")
@click.option("--ja", is_flag=True, help="Bevestig dat de huidige database wordt vervangen.")
@click.pass_obj
def terugzetten(c: Ctx, backupbestand: str, ja: bool) -> None:
    """Zet een backup terug. Vervangt de database alleen na bevestiging."""
    from herstel_tui.services.backup import restore

    target = c.db_path
    if target.exists() and not ja and sys.stdin.isatty():
        ja = click.confirm(f"{target} wordt vervangen door {backupbestand}. Doorgaan?", default=False)
    from herstel_tui.settings.resources import ask_passphrase, default_routekaart
    from herstel_tui.store.base import looks_encrypted

    source = Path(backupbestand).expanduser()
    passphrase = ask_passphrase(source) if looks_encrypted(source) else None
    restore(
        source, target, user=c.config.medewerker, overwrite=ja, routekaart=default_routekaart(), passphrase=passphrase
    )
    click.echo(f"Teruggezet: {backupbestand} → {target}")


@click.command()
@click.option(
    "--db",
    "db",
    metavar="PAD",
    help="Waar de database komt (standaard: HERSTEL_DB, de configuratie, de standaardplek).",
)
@click.option(
    "--vervang-demo", is_flag=True, help="Vervang een demodatabase die op die plek staat en waarin niet is gewerkt."
)
@click.option(
    "--groep",
    metavar="NAAM",
    help="Een teamdatabase: te lezen en te schrijven door de leden van deze groep (bestand 0660, map 2770).",
)
@click.pass_obj
def aanmaken(c: Ctx, db: str | None, vervang_demo: bool, groep: str | None) -> None:
    """Maak een nieuwe, lege database voor echte zaken. Overschrijft nooit een register."""
    from herstel_tui.services.register import create_register
    from herstel_tui.settings.resources import default_routekaart

    if db:
        c.db_arg = db
    target = create_register(
        c.db_path, user=c.config.medewerker, routekaart=default_routekaart(), replace_demo=vervang_demo, group=groep
    )
    who = f"voor de leden van groep {groep}" if groep else "alleen voor u"
    click.echo(f"Nieuwe, lege database: {target} ({who} te lezen).")
    if c.db_arg:
        click.echo(f"Open de werkplek met: herstel --db {target}")
        click.echo(f'of zet in de configuratie ({c.config_file}): database = "{target}"')
    else:
        click.echo("Open de werkplek met: herstel")


@click.command()
@click.option("--herbouw", is_flag=True, help="Herbouw het zaakoverzicht uit de tijdlijnen.")
@click.pass_obj
def controle(c: Ctx, herbouw: bool) -> None:
    """Controleer de database: integriteit, verwijzingen, tijdlijnen tegen de routekaart."""
    with c.open_store() as store:
        if herbouw:
            from herstel_tui.files.terminal import IndexProgress

            n = store.cases.rebuild_summaries(progress=IndexProgress())
            store.overview.recount()  # the overview's tallies, which only their triggers keep
            click.echo(f"Zaakoverzicht herbouwd voor {n} zaken.")
        result = store.maintenance.check()
    for p in result.problems[:200]:
        click.echo(p)
    if result.damaged:
        from herstel_tui.store.base import RESTORE_ADVICE

        fail(f"{c.db_path} is beschadigd. {RESTORE_ADVICE}")
    if result.problems:
        click.echo(f"Controle: {len(result.problems)} problemen in {result.cases} zaken.", err=True)
        sys.exit(1)
    click.echo(f"Controle: in orde ({result.cases} {'zaak' if result.cases == 1 else 'zaken'}).")


@click.command()
@click.option("--anonimiseren", "mode", flag_value="anonimiseren", help="Verwijder wie het was, houd de cijfers.")
@click.option("--verwijderen", "mode", flag_value="verwijderen", help="Verwijder de zaak helemaal.")
@click.option("--ja", is_flag=True, help="Bevestig zonder vraag.")
@click.pass_obj
def opschonen(c: Ctx, mode: str | None, ja: bool) -> None:
    """Zaken waarvan de bewaartermijn verstreken is: tonen, en na bevestiging opschonen."""
    years = c.config.bewaartermijnen.model_dump()
    with c.open_store() as store:
        found = store.maintenance.retention_candidates(years)
        if not found:
            click.echo("Geen zaken met een verstreken bewaartermijn.")
            return
        Table(
            [
                ("zaak", "Zaak", 15),
                ("gesloten", "Gesloten", 10),
                ("uitkomst", "Uitkomst", 16),
                ("tot", "Bewaren tot", 11),
            ],
            [
                {
                    "zaak": f.zaaknummer,
                    "gesloten": format_date(f.closed, ""),
                    "uitkomst": (f.outcome or "overig"),
                    "tot": format_date(f.keep_until, ""),
                }
                for f in found
            ],
        ).emit("text")
        if mode is None:
            click.echo(f"{len(found)} zaken. Kies --anonimiseren of --verwijderen om op te schonen.")
            return
        if not ja:
            if not sys.stdin.isatty():
                fail("bevestig met --ja (er is niets gewijzigd)")
            if not click.confirm(f"{len(found)} zaken {mode}?", default=False):
                fail("afgebroken; er is niets gewijzigd")
        with store.transaction():
            for f in found:
                if mode == "anonimiseren":
                    store.maintenance.anonymise_case(f.case_id)
                else:
                    store.maintenance.delete_case(f.case_id)
    click.echo(f"{len(found)} zaken: {mode} voltooid.")


@click.command()
@click.argument("bsn")
@click.option("--reden", required=True, help="Bijvoorbeeld: ouder ziet af van ondersteuning.")
@click.option("--ja", is_flag=True, help="Bevestig zonder vraag.")
@click.pass_obj
def vergeet(c: Ctx, bsn: str, reden: str, ja: bool) -> None:
    """Verwijder een persoon met alles wat over hem of haar is vastgelegd."""
    from herstel_tui.domain.bsn import mask_bsn, normalize_bsn

    bsn = normalize_bsn(bsn)
    with c.open_store() as store:
        person = store.persons.find_by_bsn(bsn)
        if person is None:
            click.echo(f"Geen persoon met BSN {mask_bsn(bsn)}.", err=True)
            sys.exit(EXIT_NOT_FOUND)
        if not ja:
            if not sys.stdin.isatty():
                fail("bevestig met --ja (er is niets gewijzigd)")
            if not click.confirm(f"{person.name} ({mask_bsn(bsn)}) en alle gegevens verwijderen?", default=False):
                fail("afgebroken; er is niets gewijzigd")
        assert person.id is not None
        zaken = store.maintenance.remove_person(person.id, reden)
    click.echo(f"Verwijderd: persoon {mask_bsn(bsn)} en {len(zaken)} zaken ({', '.join(zaken) or 'geen'}).")


COMMANDS = [audit, backup, terugzetten, aanmaken, controle, opschonen, vergeet]
