"""`herstel meenemen | inleveren | conflict`: cases on a laptop, offline, and back (issue 19)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, Ctx, case_by_zaaknummer, fail


@click.command()
@click.option("--mijn", is_flag=True, help="Al mijn open zaken.")
@click.option("--zaak", "zaken", multiple=True, metavar="ZAAK", help="Deze zaak (mag vaker).")
@click.option("--huishouden", is_flag=True, help="Ook de zaken van de andere leden van hun huishoudens.")
@click.option("--naar", "naar", required=True, metavar="PAD", help="Het nieuwe, versleutelde bestand.")
@click.pass_obj
def meenemen(c: Ctx, mijn: bool, zaken: tuple[str, ...], huishouden: bool, naar: str) -> None:
    """Neem zaken mee op een laptop: een versleuteld bestand om zonder netwerk mee te werken.

    Het wachtwoord komt uit HERSTEL_WACHTWOORD of wordt gevraagd (twee keer). Werk daarna met
    `herstel --db PAD`, en lever het werk in met `herstel inleveren PAD`."""
    from herstel_tui.services.checkout import take_along
    from herstel_tui.settings.resources import ask_passphrase

    if not mijn and not zaken:
        fail("kies zaken met --mijn of --zaak ZAAK; er is niets meegenomen")
    target = Path(naar).expanduser()
    if target.exists():
        fail(f"{target} bestaat al; kies een andere naam (er is niets overschreven)")
    with c.open_store() as store:
        if store.checkouts.origin() is not None:
            fail("dit is zelf een meegenomen bestand; neem zaken mee uit de teamdatabase")
        ids = [case_by_zaaknummer(store, z).id or 0 for z in zaken]
        if mijn:
            ids += store.checkouts.mine(c.config.medewerker)
        if huishouden:
            ids = store.checkouts.with_households(ids)
        ids = sorted(set(ids))
        if not ids:
            fail("u heeft geen open zaken; er is niets meegenomen", EXIT_NOT_FOUND)
        passphrase = ask_passphrase(target, new=True)
        n = take_along(store, ids, target, passphrase, templates=c.config.briefsjablonen)
    click.echo(
        f"{n} {'zaak' if n == 1 else 'zaken'} meegenomen naar {target} (versleuteld). Werk ermee met: herstel --db {target}"
    )


# What a hand-in counts (CheckinReport.counts, keyed as in its audit row) in Dutch: (one, more).
_COUNTED = {
    "concepten": ("concept", "concepten"),
    "contactmoment": ("contactmoment", "contactmomenten"),
    "huishoudens": ("huishoudlid", "huishoudleden"),
    "kosten": ("kostenpost", "kostenposten"),
    "personen": ("persoon", "personen"),
    "plannen": ("plan", "plannen"),
    "stappen": ("stap", "stappen"),
    "velden": ("veld", "velden"),
    "zaken": ("zaak", "zaken"),
}


def _counted(what: str, n: int) -> str:
    one, more = _COUNTED.get(what, (what, what))
    return f"{n} {one if n == 1 else more}"


@click.command()
@click.argument("pad", metavar="PAD")
@click.option("--droog", is_flag=True, help="Toon alleen wat er zou worden ingeleverd en welke conflicten er zijn.")
@click.option("--verwijder/--bewaar", "remove", default=None, help="Het laptopbestand na het inleveren wissen.")
@click.pass_obj
def inleveren(c: Ctx, pad: str, droog: bool, remove: bool | None) -> None:
    """Lever het werk van een laptopbestand in bij de teamdatabase, in één keer."""
    from herstel_tui.services.checkout import hand_in, shred
    from herstel_tui.settings.resources import ask_passphrase

    path = Path(pad).expanduser()
    if not path.is_file():
        fail(f"{path} bestaat niet")
    with c.open_store() as store:
        if store.path.resolve() == path.resolve():
            fail("dat is de teamdatabase zelf; geef het laptopbestand")
        report = hand_in(store, path, ask_passphrase(path), dry=droog)
    prefix = "Zou inleveren" if droog else "Ingeleverd"
    if report.nothing_new and not report.logged:
        click.echo(f"Niets nieuw in {path}: alles was al ingeleverd. Er is niets gewijzigd.")
    else:
        for line in report.applied:
            click.echo(f"  {line}")
        for line in report.warnings:
            click.echo(f"  let op: {line}")
        totals = ", ".join(_counted(what, n) for what, n in sorted(report.counts.items())) or "alleen het logboek"
        click.echo(f"{prefix}: {totals}.")
    if report.conflicts:
        click.echo(f"{len(report.conflicts)} conflict(en) bij inleveren{' (zou)' if droog else ''}:")
        for line in report.conflicts:
            click.echo(f"  ! {line}")
        if not droog:
            click.echo("Beide versies zijn bewaard. Los ze op met `herstel conflict` (of op het zaakscherm).")
    if droog:
        click.echo("Droog: er is niets gewijzigd.")
        return
    if remove is None and sys.stdin.isatty():
        remove = click.confirm(f"{path} overschrijven en verwijderen?", default=True)
    if remove:
        shred(path)
        click.echo(f"{path} is overschreven en verwijderd.")
    else:
        click.echo(f"{path} is bewaard (versleuteld); wis het met `herstel inleveren {path} --verwijder`.")


@click.group(invoke_without_command=True)
@click.pass_context
def conflict(ctx: click.Context) -> None:
    """Conflicten bij inleveren: tonen en oplossen."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(conflict_lijst)


@conflict.command("lijst")
@click.option("--zaak", help="Alleen deze zaak.")
@click.option("--alle", is_flag=True, help="Ook opgeloste conflicten.")
@click.pass_obj
def conflict_lijst(c: Ctx, zaak: str | None = None, alle: bool = False) -> None:
    """Toon de conflicten bij inleveren (open, tenzij --alle)."""
    from herstel_tui.store.checkout import shown_value

    with c.open_store() as store:
        case_id = case_by_zaaknummer(store, zaak).id if zaak else None
        found = store.checkouts.conflicts(case_id=case_id, open_only=not alle)
    if not found:
        click.echo("Geen conflicten bij inleveren.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    for k in found:
        click.echo(f"{k.id:>4}  {k.message}")
        if k.kind in ("persoon", "zaak"):
            click.echo(
                f"      team: {shown_value(k.field, k.team_value)}   laptop: {shown_value(k.field, k.laptop_value)}"
            )
    click.echo("Oplossen: herstel conflict oplossen ID --houd team|laptop|beide|correctie --reden TEKST [--waarde W]")


@conflict.command("oplossen")
@click.argument("conflict_id", metavar="ID", type=int)
@click.option("--houd", "choice", required=True, type=click.Choice(["team", "laptop", "beide", "correctie"]))
@click.option("--reden", required=True, help="Waarom (komt in het logboek).")
@click.option("--waarde", help="Bij correctie: de nieuwe waarde (bij een stap: STAP of STAP:UITKOMST).")
@click.pass_obj
def conflict_oplossen(c: Ctx, conflict_id: int, choice: str, reden: str, waarde: str | None) -> None:
    """Los een conflict op: houd de versie van het team, van de laptop, beide, of corrigeer."""
    from herstel_tui.services.checkout import resolve

    with c.open_store() as store:
        done = resolve(store, conflict_id, choice, reden, waarde)
    click.echo(f"Conflict {done.conflict.id} opgelost ({choice}).")
    for name, misfit in done.contradicted:
        click.echo(f"  let op: {misfit.warning(name)}")


COMMANDS = [meenemen, inleveren, conflict]
