"""`herstel stap`: record a routekaart step or milestone without opening the desk, through the same
engine (``store.cases.record_event``) as the desk's step dialog. No Textual."""

from __future__ import annotations

import click

from herstel_tui.cli.base import Ctx, fail, past_date, resolve_case, spoor_option
from herstel_tui.domain.dates import format_date


@click.command()
@click.argument("zaak")
@click.argument("stap")
@click.option(
    "--uitkomst", help="De uitkomst bij een stap met uitkomsten (gedupeerd, geen_uitsluitsel, niet_gedupeerd)."
)
@click.option("--datum", help="Datum van het feit, dd-mm-jjjj (standaard: vandaag).")
@click.option("--notitie", help="Een notitie bij de stap.")
@click.option("--correctie", is_flag=True, help="Leg vast als correctie van een eerdere stap (met --reden).")
@click.option("--reden", help="De reden van de correctie.")
@spoor_option
@click.pass_obj
def stap(
    c: Ctx,
    zaak: str,
    stap: str,
    uitkomst: str | None,
    datum: str | None,
    notitie: str | None,
    correctie: bool,
    reden: str | None,
    spoor: str | None,
) -> None:
    """Leg een stap of mijlpaal van de routekaart vast (ZAAK is een zaaknummer of BSN; STAP het id,
    bijvoorbeeld eerste_toets of datum_eerste_gesprek_gecommuniceerd). De routekaart beoordeelt de
    stap zoals in de werkplek; past hij niet, dan zegt de foutmelding wat eerst moet."""
    from herstel_tui.domain.routekaart import TransitionRefused

    if reden and not correctie:
        fail("--reden hoort bij --correctie")
    on = past_date(datum)
    with c.open_store() as store:
        case = resolve_case(store, zaak, spoor)
        assert case.id is not None
        rk = store.routekaart
        track = case.track.value
        step_id = stap.strip().lower()
        if not rk.has_step(track, step_id):
            view = store.cases.view(case.id)
            offered = ", ".join(dict.fromkeys(n.step for n in view.next_steps)) or "geen"
            fail(f"'{stap}' is geen stap of mijlpaal van {rk.tracks[track].title}. Nu mogelijk: {offered}")
        try:
            # (a fact of UHT about the aanvrager is recorded all the same: the members' cases it
            # now contradicts are named, as in the desk)
            with store.persons.contradictions(case.person_id, step_id) as contradicted:
                store.cases.record_event(
                    case.id,
                    step_id,
                    on,
                    outcome=uitkomst.strip().lower() if uitkomst else None,
                    note=notitie.strip() if notitie and notitie.strip() else None,
                    correction=correctie,
                    reason=reden,
                )
        except TransitionRefused as exc:
            fail(f"niet vastgelegd: {exc}")
        title = rk.event_title(track, step_id, uitkomst.strip().lower() if uitkomst else None)
    what = "Correctie vastgelegd" if correctie else "Vastgelegd"
    click.echo(f"{what} bij {case.zaaknummer}: {title} ({format_date(on)}).")
    for name, misfit in contradicted:
        click.echo(f"Let op: {misfit.warning(name)}")


COMMANDS = [stap]
