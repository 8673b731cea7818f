"""`herstel zoek | toon | termijnen | notitie`: one fact, now, over SSH. No Textual."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from herstel_tui.cli.base import EXIT_NOT_FOUND, Ctx, fail, resolve_case, spoor_option
from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date
from herstel_tui.services.lookup import (
    DueTable,
    card_lines,
    due_rows,
    due_until,
    period,
    print_cases,
    quick_card,
    quick_read,
    search,
    use_rich,
)

if TYPE_CHECKING:  # pragma: no cover
    from dateutil.relativedelta import relativedelta

    from herstel_tui.store.card import Card
    from herstel_tui.store.db import Store

fmt_options = [
    click.option("--json", "fmt", flag_value="json", help="Uitvoer als JSON (voor scripts)."),
    click.option("--csv", "fmt", flag_value="csv", help="Uitvoer als CSV (voor scripts)."),
]


def with_formats(f):
    for opt in reversed(fmt_options):
        f = opt(f)
    return f


@click.command()
@click.argument("term", nargs=-1, required=True)
@with_formats
@click.pass_obj
def zoek(c: Ctx, term: tuple[str, ...], fmt: str | None) -> None:
    """Zoek zaken op naam, BSN, zaaknummer of adres."""
    text = " ".join(term).strip()
    if not text:
        fail("geef een zoekterm")
    with c.open_store() as store:
        records = search(store.conn, store.user, text)
    if not records:
        click.echo(f"Niets gevonden voor {text!r}.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    print_cases(records, fmt or "text")


@click.command()
@click.argument("zaak")
@spoor_option
@click.option("--json", "as_json", is_flag=True, help="De zaakkaart als JSON.")
@click.pass_obj
def toon(c: Ctx, zaak: str, spoor: str | None, as_json: bool) -> None:
    """Toon de zaakkaart: persoon, huishouden, tijdlijn, termijnen, laatste notities."""
    today = clock.today()
    # without pydantic and the full Store when that changes nothing (services.lookup.quick_card)
    card = quick_card(c.db_arg, c.config_arg, zaak, spoor, today)
    if card is None:
        with c.open_store() as store:
            if _member_card(store, zaak, as_json):
                return
            card = _store_card(store, zaak, spoor, today)
    _show_card(card, as_json, today)


def _store_card(store: Store, zaak: str, spoor: str | None, today: date) -> Card:
    """The card through the full Store (its look audited)."""
    from herstel_tui.store.card import Card

    case = resolve_case(store, zaak, spoor)
    person = store.persons.get(case.person_id)
    assert case.id is not None and person.id is not None
    household = store.persons.household_of(person.id)
    view = store.cases.view(case.id, today)
    notes = store.cases.notes(case.id, limit=5)
    step_notes = {e.id: e.note for e in store.cases.events(case.id) if e.id is not None and e.note}
    store.audit.viewed(person_id=person.id, case_id=case.id)
    return Card(case, person, household, view, notes, step_notes, store.routekaart)


def _show_card(card: Card, as_json: bool, today: date) -> None:
    for line in card_lines(card, as_json, today):  # (the quick router prints the same lines: entry)
        click.echo(line)


def _member_card(store, ref: str, as_json: bool) -> bool:
    """A household member without a case of their own (a child): the person and the household's
    cases instead of "not found". False when ``ref`` is not such a person."""
    from herstel_tui.domain.bsn import BsnError, normalize_bsn

    try:
        bsn = normalize_bsn(ref.strip())
    except BsnError:
        return False
    person = store.persons.find_by_bsn(bsn)
    if person is None or person.id is None or store.cases.of_person(person.id):
        return False
    household = store.persons.household_of(person.id)
    store.audit.viewed(person_id=person.id)
    members = [
        {"naam": p.name, "rol": role.label, "bsn": p.bsn_masked, "zaken": [k.zaaknummer or "" for k in cases]}
        for p, role, cases in household
    ]
    if as_json:
        import json

        card = {"persoon": {"naam": person.name, "bsn": person.bsn_masked}, "zaak": None, "huishouden": members}
        click.echo(json.dumps(card, ensure_ascii=False, indent=2))
        return True
    w = click.echo
    born = f"  geboren {format_date(person.birth_date)}" if person.birth_date else ""
    w(f"{person.name}  BSN {person.bsn_masked}{born}")
    w("Geen eigen zaak. Zaken in het huishouden:" if any(m["zaken"] for m in members) else "Geen eigen zaak.")
    for m in members:
        w(f"  {m['rol']:<18}{m['naam']:<30}{m['bsn']}  {' '.join(m['zaken'])}".rstrip())
    return True


def parse_within(text: str) -> relativedelta:
    from dateutil.relativedelta import relativedelta

    n, unit = _period(text)
    return {
        "d": relativedelta(days=n),
        "w": relativedelta(weeks=n),
        "m": relativedelta(months=n),
        "j": relativedelta(years=n),
    }[unit]


def _period(text: str) -> tuple[int, str]:
    read = period(text)
    if read is None:
        fail(f"--binnen {text!r} klopt niet; gebruik bijvoorbeeld 14d, 3w, 2m of 1j")
    return read


def within(text: str, today: date) -> date:
    """``today + parse_within(text)`` (services.lookup.due_until)."""
    return due_until(*_period(text), today)


@click.command()
@click.option(
    "--binnen", default="14d", show_default=True, help="Termijnen die binnen deze tijd aflopen (14d, 3w, 2m)."
)
@click.option("--mijn", is_flag=True, help="Alleen mijn zaken.")
@with_formats
@click.pass_obj
def termijnen(c: Ctx, binnen: str, mijn: bool, fmt: str | None) -> None:
    """Termijnen die verlopen zijn of binnenkort aflopen, de eerste bovenaan."""
    from herstel_tui.settings.resources import rule_titles
    from herstel_tui.store.caselist import due_termijnen

    # (herstel_tui.entry answers most calls without click: services.lookup.quick_due, the same lines)
    today = clock.today()
    until = within(binnen, today)
    brief = fmt is None and not use_rich(sys.stdout)  # plain text: four columns will do

    def mapped(conn, user: str) -> list[tuple]:
        return due_rows(conn, user, today, until, mijn=mijn, brief=brief)

    found = quick_read(c.db_arg, c.config_arg, mapped, readonly=True)
    if found is None:  # the full Store first brings the case index up to date
        with c.open_store() as store, store.reading() as conn:
            found = due_termijnen(conn, today, until, caseworker=store.user if mijn else None, brief=brief)
    table = DueTable(found, today, rule_titles(), brief=brief)
    if not found:
        click.echo("Geen termijnen in deze periode.", err=True)
        sys.exit(EXIT_NOT_FOUND)
    table.emit(fmt or "text")


@click.command()
@click.argument("zaak")
@click.argument("tekst")
@click.option(
    "--kanaal",
    default="telefoon",
    show_default=True,
    type=click.Choice(["telefoon", "brief", "e-mail", "huisbezoek", "gesprek", "bericht"]),
)
@click.option("--datum", help="dd-mm-jjjj (standaard: vandaag).")
@spoor_option
@click.pass_obj
def notitie(c: Ctx, zaak: str, tekst: str, kanaal: str, datum: str | None, spoor: str | None) -> None:
    """Leg een contactmoment vast zonder de werkplek te openen."""
    from herstel_tui.cli.base import past_date

    if not tekst.strip():
        fail("de notitie is leeg")
    on = past_date(datum)
    with c.open_store() as store:
        case = resolve_case(store, zaak, spoor)
        assert case.id is not None
        store.cases.add_note(case.id, tekst, channel=kanaal, on=on)
    click.echo(f"Contactmoment vastgelegd bij {case.zaaknummer} ({format_date(on)}, {kanaal}).")


COMMANDS = [zoek, toon, termijnen, notitie]
