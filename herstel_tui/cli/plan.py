"""`herstel plan | kosten | spuk`: the plan van aanpak, SPUK cost entries and the year report,
headless. No Textual. Money is printed as € 1.234,56 and, in JSON, as decimal text ("1234.56")
and whole cents, never as a float."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, Ctx, fail, parse_date
from herstel_tui.domain import clock
from herstel_tui.domain.text import os_reason


class DefaultGroup(click.Group):
    """A group whose first argument may be a zaaknummer: `herstel plan ZAAK` = `plan toon ZAAK`."""

    default_command = "toon"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def _case(store, ref: str):
    from herstel_tui.cli.base import resolve_case

    case = resolve_case(store, ref, "brede_ondersteuning" if not ref.strip().upper().startswith("HKO-") else None)
    if case.track.value != "brede_ondersteuning":
        fail(
            f"zaak {case.zaaknummer} is een zaak brede schuldenaanpak; een plan van aanpak hoort bij brede "
            "ondersteuning"
        )
    return case


def _export_dir(c: Ctx) -> Path:
    from herstel_tui.settings.config import resolve_export_dir

    return resolve_export_dir(c.config)


# -- herstel plan --------------------------------------------------------------------------------


@click.group(cls=DefaultGroup)
def plan() -> None:
    """Het plan van aanpak van een zaak: tonen, afdrukken, vaststellen, nazorg.

    `herstel plan ZAAK` toont het plan (zelfde als `herstel plan toon ZAAK`).
    """


@plan.command("toon")
@click.argument("zaak")
@click.option("--versie", type=click.IntRange(1), help="Een oudere versie (standaard: de nieuwste).")
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@click.pass_obj
def plan_toon(c: Ctx, zaak: str, versie: int | None, as_json: bool) -> None:
    """Toon het plan van aanpak (alle vijf leefgebieden, doelen, acties, termijnen)."""
    from herstel_tui.services.plan_print import gather, render_text

    with c.open_store() as store:
        case = _case(store, zaak)
        plans = store.plans
        versions = plans.versions(case.id)
        if not versions:
            click.echo(f"Zaak {case.zaaknummer} heeft nog geen plan van aanpak.", err=True)
            sys.exit(EXIT_NOT_FOUND)
        if versie is not None and versie not in {v.number for v in versions}:
            click.echo(
                f"Versie {versie} bestaat niet; er {'is' if len(versions) == 1 else 'zijn'} "
                f"{len(versions)} versie{'' if len(versions) == 1 else 's'}.",
                err=True,
            )
            sys.exit(EXIT_NOT_FOUND)
        p = gather(store, case.id, gemeente=c.config.gemeente, number=versie)
        store.audit.viewed(person_id=case.person_id, case_id=case.id, what="plan")
    if as_json:
        data = p.version.model_dump(mode="json")
        data["zaaknummer"] = p.zaaknummer
        data["termijnen"] = [
            {
                "termijn": d.title,
                "uiterlijk": d.due.isoformat(),
                "gestopt": d.stopped.isoformat() if d.stopped else None,
            }
            for d in p.deadlines
        ]
        data["versies"] = [
            {
                "versie": v.number,
                "status": v.status.value,
                "afgesproken": v.agreed_on.isoformat() if v.agreed_on else None,
            }
            for v in versions
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(render_text(p), nl=False)
    if len(versions) > 1:
        click.echo("\nVersies: " + "; ".join(_version_line(v) for v in versions))


def _version_line(v) -> str:
    from herstel_tui.domain.dates import format_date

    agreed = f" op {format_date(v.agreed_on)}" if v.agreed_on else ""
    return f"{v.number} {v.status.label.lower()}{agreed}"


@plan.command("versies")
@click.argument("zaak")
@click.pass_obj
def plan_versies(c: Ctx, zaak: str) -> None:
    """Alle versies van het plan, met status en datum van afspraak."""
    from herstel_tui.domain.dates import format_date

    with c.open_store() as store:
        case = _case(store, zaak)
        versions = store.plans.versions(case.id)
    if not versions:
        click.echo(f"Zaak {case.zaaknummer} heeft nog geen plan van aanpak.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    for v in versions:
        consent = f", instemming: {v.consent.label.lower()}" if v.consent else ""
        agreed = (
            f"afgesproken {format_date(v.agreed_on)}{consent}"
            if v.agreed_on
            else f"aangemaakt {format_date(v.created_at.date())} door {v.created_by}"
        )
        click.echo(f"Versie {v.number}  {v.status.label:<27} {agreed}")


@plan.command("print")
@click.argument("zaak")
@click.option("--versie", type=click.IntRange(1), help="Een oudere versie (standaard: de nieuwste).")
@click.option("--docx", "docx", metavar="PAD", help="Schrijf het plan als Word-bestand (.docx).")
@click.option("--txt", "txt", metavar="PAD", help="Schrijf het plan als platte tekst.")
@click.pass_obj
def plan_print(c: Ctx, zaak: str, versie: int | None, docx: str | None, txt: str | None) -> None:
    """Het plan als document om te lezen en te ondertekenen (.docx en tekst).

    Zonder --docx en --txt komen beide in de exportmap.
    """
    from herstel_tui.services.plan_print import print_plan

    if docx and not docx.lower().endswith(".docx"):
        fail(f"{docx}: een Word-bestand eindigt op .docx")
    with c.open_store() as store:
        case = _case(store, zaak)
        if not store.plans.versions(case.id):
            click.echo(f"Zaak {case.zaaknummer} heeft nog geen plan van aanpak.", err=True)
            sys.exit(EXIT_NOT_FOUND)
        try:
            written = print_plan(
                store,
                case.id,
                gemeente=c.config.gemeente,
                number=versie,
                docx=Path(docx) if docx else None,
                txt=Path(txt) if txt else None,
                folder=_export_dir(c),
            )
        except OSError as exc:
            fail(f"kan niet schrijven: {os_reason(exc)}")
    for path in written:
        click.echo(f"Geschreven: {path}")


@plan.command("vaststellen")
@click.argument("zaak")
@click.option(
    "--niveau",
    type=click.Choice(["hoofdlijnen", "volledig"]),
    required=True,
    help="Op hoofdlijnen of volledig vastgesteld.",
)
@click.option("--datum", required=True, help="Datum waarop het plan met de persoon is afgesproken (dd-mm-jjjj).")
@click.option(
    "--instemming",
    type=click.Choice(["ondertekend", "mondeling", "schriftelijk", "digitaal"]),
    required=True,
    help="Hoe de persoon heeft ingestemd.",
)
@click.option("--toelichting", help="Korte toelichting bij de instemming.")
@click.pass_obj
def plan_vaststellen(c: Ctx, zaak: str, niveau: str, datum: str, instemming: str, toelichting: str | None) -> None:
    """Stel de conceptversie vast; legt de mijlpaal op de tijdlijn vast (de termijn stopt)."""
    from herstel_tui.domain.dates import format_date

    when = parse_date(datum)
    with c.open_store() as store:
        case = _case(store, zaak)
        plans = store.plans
        current = plans.version(case.id)
        if current is None:
            click.echo(f"Zaak {case.zaaknummer} heeft nog geen plan van aanpak.", err=True)
            sys.exit(EXIT_NOT_FOUND)
        v = plans.agree(current.id, niveau, when, instemming, toelichting)
    click.echo(
        f"Plan van aanpak {case.zaaknummer} versie {v.number}: {v.status.label.lower()} op {format_date(v.agreed_on)}."
    )


@plan.command("nazorg")
@click.argument("zaak")
@click.option("--datum", help="Startdatum van de nazorg (standaard vandaag).")
@click.pass_obj
def plan_nazorg(c: Ctx, zaak: str, datum: str | None) -> None:
    """Start de nazorg (24 maanden) als alle doelen van het plan behaald zijn."""
    from herstel_tui.domain.dates import format_date

    when = parse_date(datum) if datum else clock.today()
    with c.open_store() as store:
        case = _case(store, zaak)
        store.plans.start_nazorg(case.id, when)
        due = next((d.due for d in store.cases.view(case.id).running if d.rule == "nazorgperiode"), None)
    click.echo(
        f"Nazorg gestart op {format_date(when)} voor {case.zaaknummer}"
        + (f"; loopt tot {format_date(due)}." if due else ".")
    )


# -- herstel kosten ------------------------------------------------------------------------------


@click.group(cls=DefaultGroup)
def kosten() -> None:
    """SPUK-kosten van een zaak: tonen, vastleggen, verwijderen.

    `herstel kosten ZAAK` toont de kosten (zelfde als `herstel kosten toon ZAAK`).
    """


def _money_json(cents: int) -> dict:
    from herstel_tui.domain.costs import from_cents

    return {"bedrag": str(from_cents(cents)), "centen": cents}


@kosten.command("toon")
@click.argument("zaak")
@click.option("--jaar", type=click.IntRange(1900, 9999), help="Alleen kosten met een datum in dit jaar.")
@click.option("--json", "as_json", is_flag=True, help="Als JSON (bedragen als tekst en in centen).")
@click.pass_obj
def kosten_toon(c: Ctx, zaak: str, jaar: int | None, as_json: bool) -> None:
    """Alle kostenposten van de zaak met totalen per component."""
    from herstel_tui.domain.costs import format_euro
    from herstel_tui.domain.dates import format_date
    from herstel_tui.services.lookup import clip, terminal_width

    with c.open_store() as store:
        case = _case(store, zaak)
        routekaart = store.routekaart
        lines = [ln for ln in store.costs.of_case(case.id) if jaar is None or ln.entry.date.year == jaar]
        totals = store.costs.totals(case.id, jaar)
        store.audit.viewed(person_id=case.person_id, case_id=case.id, what="kosten")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "zaaknummer": case.zaaknummer,
                    "jaar": jaar,
                    "posten": [
                        {
                            "id": ln.entry.id,
                            "datum": ln.entry.date.isoformat(),
                            "component": ln.entry.component,
                            "omschrijving": ln.entry.description,
                            "soort": ln.entry.kind.value,
                            "aantal": str(ln.entry.quantity) if ln.entry.quantity is not None else None,
                            "prijs": str(ln.entry.price) if ln.entry.price is not None else None,
                            **_money_json(ln.entry.amount_cents),
                            "actie": ln.entry.action_uid,
                            "actie_tekst": ln.action_text,
                        }
                        for ln in lines
                    ],
                    "totalen": {k: _money_json(v) for k, v in totals.items()},
                    "totaal": _money_json(sum(totals.values())),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not lines:
        click.echo(f"Geen kostenposten voor {case.zaaknummer}" + (f" in {jaar}." if jaar else "."), err=True)
        sys.exit(EXIT_NOT_FOUND)
    width = max(terminal_width(), 60)
    desc_w = width - (5 + 11 + 3 + 14 + 4)
    click.echo(f"Kosten {case.zaaknummer}" + (f" in {jaar}" if jaar else ""))
    for ln in lines:
        e = ln.entry
        click.echo(
            f"{e.id:>4} {format_date(e.date)} {e.component:<2} {clip(e.description, desc_w):<{desc_w}} "
            f"{format_euro(e.amount_cents):>14}"
        )
        detail = e.calculation + (f" · actie {e.action_uid}: {ln.action_text}" if e.action_uid else "")
        click.echo(f"{'':<19}{clip(detail, width - 20)}")
    names = routekaart.spuk_components
    click.echo("Totaal per component")
    for comp, cents in totals.items():
        click.echo(
            f"  {comp}  {clip(names.get(comp, '(onbekende component)'), width - 24):<{width - 24}}"
            f"{format_euro(cents):>16}"
        )
    click.echo(f"  {'Totaal':<{width - 20}}{format_euro(sum(totals.values())):>16}")


@kosten.command("nieuw")
@click.argument("zaak")
@click.option("--datum", help="Datum van de kosten (standaard vandaag).")
@click.option("--component", required=True, help="SPUK-component (A, B, C; zie de gegevens).")
@click.option("--omschrijving", required=True, help="Wat is er gedaan of betaald.")
@click.option("--uren", help="P×Q: aantal uren (bijv. 1,5) …")
@click.option("--tarief", help="… maal het uurtarief (bijv. 85,00).")
@click.option("--aantal", help="P×Q: aantal eenheden …")
@click.option("--prijs", help="… maal de prijs per eenheid.")
@click.option("--bedrag", help="Werkelijk bedrag, bijv. een factuur (1.234,56).")
@click.option("--actie", type=int, help="Nummer van de actie uit het plan (zie `herstel plan toon --json`).")
@click.pass_obj
def kosten_nieuw(
    c: Ctx,
    zaak: str,
    datum: str | None,
    component: str,
    omschrijving: str,
    uren: str | None,
    tarief: str | None,
    aantal: str | None,
    prijs: str | None,
    bedrag: str | None,
    actie: int | None,
) -> None:
    """Leg een kostenpost vast: P×Q (uren × tarief of aantal × prijs) of een werkelijk bedrag."""
    from pydantic import ValidationError

    from herstel_tui.domain.costs import CostEntry, cost_error_text, format_euro

    kinds = [k for k, given in (("uren", uren or tarief), ("stuks", aantal or prijs), ("werkelijk", bedrag)) if given]
    if len(kinds) != 1:
        fail("geef precies één van: --uren met --tarief, --aantal met --prijs, of --bedrag")
    kind = kinds[0]
    when = parse_date(datum) if datum else clock.today()
    with c.open_store() as store:
        case = _case(store, zaak)
        try:
            entry = CostEntry(
                case_id=case.id,
                date=when,
                component=component,
                description=omschrijving,
                kind=kind,
                quantity=uren if kind == "uren" else aantal if kind == "stuks" else None,
                price=tarief if kind == "uren" else prijs if kind == "stuks" else None,
                actual=bedrag if kind == "werkelijk" else None,
                action_uid=actie,
            )
        except ValidationError as exc:
            fail(cost_error_text(exc))
        saved = store.costs.add(entry)
    click.echo(
        f"Kostenpost {saved.id} vastgelegd voor {case.zaaknummer}: {saved.component} "
        f"{saved.calculation} = {format_euro(saved.amount_cents)}."
    )


@kosten.command("verwijder")
@click.argument("zaak")
@click.argument("post", type=int)
@click.option("--ja", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_obj
def kosten_verwijder(c: Ctx, zaak: str, post: int, ja: bool) -> None:
    """Verwijder een kostenpost (blijft zichtbaar in het auditlogboek)."""
    from herstel_tui.domain.costs import format_euro

    with c.open_store() as store:
        case = _case(store, zaak)
        entry = store.costs.get(post)
        if entry.case_id != case.id:
            fail(f"kostenpost {post} hoort niet bij {case.zaaknummer}")
        if not ja and not click.confirm(
            f"Kostenpost {post} ({entry.description}, {format_euro(entry.amount_cents)}) verwijderen?", default=False
        ):
            click.echo("Niets verwijderd.")
            return
        store.costs.delete(post)
    click.echo(f"Kostenpost {post} verwijderd.")


# -- herstel spuk --------------------------------------------------------------------------------


@click.command()
@click.argument("jaar", type=click.IntRange(1900, 9999))
@click.option(
    "--xlsx",
    "xlsx",
    metavar="PAD",
    is_flag=False,
    flag_value="",
    default=None,
    help="Schrijf ook een Excel-bestand (PAD: bestand of map; zonder PAD: de exportmap).",
)
@click.option("--json", "as_json", is_flag=True, help="Als JSON (bedragen als tekst en in centen).")
@click.pass_obj
def spuk(c: Ctx, jaar: int, xlsx: str | None, as_json: bool) -> None:
    """SPUK-jaaroverzicht (SiSa): kosten per component en personen in aanmerking."""
    from herstel_tui.services.spuk_report import export, render_text, year_report

    with c.open_store() as store:
        report = year_report(store, jaar)
        written = None
        if xlsx is not None:
            try:
                written = export(
                    store, jaar, Path(xlsx) if xlsx else None, gemeente=c.config.gemeente, export_dir=_export_dir(c)
                )
            except ValueError as exc:
                fail(str(exc))
            except OSError as exc:
                fail(f"kan niet schrijven: {os_reason(exc)}")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "jaar": jaar,
                    "componenten": [
                        {"component": x.component, "omschrijving": x.title, "posten": x.entries, **_money_json(x.cents)}
                        for x in report.components
                    ],
                    "totaal": _money_json(report.total_cents),
                    "personen_in_aanmerking": report.eligible_year,
                    "personen_in_aanmerking_cumulatief": report.eligible_cumulative,
                    "zaken_met_kosten": report.cases_with_costs,
                    "bestand": str(written) if written else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(render_text(report, gemeente=c.config.gemeente), nl=False)
    if written:
        click.echo(f"Geschreven: {written}")


COMMANDS = [plan, kosten, spuk]
