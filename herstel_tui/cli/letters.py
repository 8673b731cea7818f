"""`herstel brief | brieven`: letters from templates.

No Textual here; python-docx is imported only by the functions that write files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from herstel_tui.cli.base import Ctx, fail, parse_date, spoor_option
from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import Track

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.services.letters import LetterSet
    from herstel_tui.store import Store


def _cli_letters(c: Ctx, sjablonen: str | None, store: Store | None = None) -> LetterSet:
    """``--sjablonen`` when given; else the templates a laptop file carries (read from ``store``,
    or from the database when it exists); else the config's."""
    if sjablonen:
        return _letters(sjablonen)
    from herstel_tui.services.letters import carried_letters
    from herstel_tui.settings.resources import default_routekaart

    carried: dict[str, str] = {}
    if store is not None:
        carried = store.checkouts.carried_templates()
    elif c.db_path.is_file():  # no database: the config's folder
        with c.open_store(readonly=True) as opened:
            carried = opened.checkouts.carried_templates()
    return carried_letters(carried, default_routekaart()) if carried else _letters(c.config.briefsjablonen)


def _letters(directory: str | Path | None) -> LetterSet:
    """The letters in ``directory`` (None: the shipped ones), checked against the shipped routekaart."""
    from herstel_tui.services.letters import default_letters, load_letters
    from herstel_tui.settings.resources import default_routekaart

    rk = default_routekaart()
    return load_letters(directory, rk) if directory else default_letters(rk)


@click.command("brief")
@click.argument("soort")
@click.argument("zaak")
@click.option(
    "--datum",
    metavar="DD-MM-JJJJ",
    help="Datum van het eerste gesprek (bevestiging); standaard het vastgelegde eerste gesprek.",
)
@click.option("--schuldeiser", metavar="NAAM", help="Naam van de schuldeiser (brief aan schuldeiser).")
@click.option("--docx", "docx_path", metavar="PAD", help="Waar het .docx-bestand komt (standaard: de exportmap).")
@click.option("--txt", "txt_path", metavar="PAD", help="Waar het tekstbestand komt (standaard: de exportmap).")
@click.option(
    "--droog",
    is_flag=True,
    help="Toon alleen de tekst: geen bestanden, niets op de zaak vastgelegd "
    "(het auditlogboek noteert wel dat de brief is bekeken).",
)
@spoor_option
@click.option("--sjablonen", metavar="MAP", help="Map met letters.toml en sjablonen (standaard: de meegeleverde).")
@click.pass_obj
def brief(
    c: Ctx,
    soort: str,
    zaak: str,
    datum: str | None,
    schuldeiser: str | None,
    docx_path: str | None,
    txt_path: str | None,
    droog: bool,
    spoor: str | None,
    sjablonen: str | None,
) -> None:
    """Maak een brief uit een sjabloon voor een zaak (.docx en tekst) en leg die vast.

    SOORT: contact, bevestiging, schuldeiser of moratorium (zie `herstel brieven`). ZAAK: het
    zaaknummer of het BSN. De brief komt op de tijdlijn, als contactmoment (brief) en in het
    auditlogboek. Met --droog wordt alleen de tekst getoond.
    """
    from herstel_tui.cli.base import resolve_case
    from herstel_tui.domain.routekaart import TransitionRefused
    from herstel_tui.services.letters import LetterError, prepare, produce
    from herstel_tui.settings.config import resolve_export_dir

    with c.open_store() as store:
        try:
            letters = _cli_letters(c, sjablonen, store)
            kind = letters.get(soort)
        except LetterError as exc:
            fail(str(exc))
        first_talk = parse_date(datum) if datum else None
        if first_talk is not None and not kind.needs_first_talk:
            fail(f"--datum hoort bij een brief met de datum van het eerste gesprek, niet bij '{kind.id}'")
        if schuldeiser is not None and not kind.needs_creditor:
            fail(f"--schuldeiser hoort bij de brief aan een schuldeiser, niet bij '{kind.id}'")
        if droog and (docx_path or txt_path):
            fail("--droog schrijft geen bestanden; laat --docx en --txt weg")
        if spoor is None and len(kind.tracks) == 1:
            spoor = kind.tracks[0]
        cfg = c.config
        today = clock.today()
        case = resolve_case(store, zaak, spoor)
        assert case.id is not None
        try:
            if droog:
                draft = prepare(
                    store, cfg, case.id, kind, today=today, first_talk=first_talk, creditor=schuldeiser, letters=letters
                )
                # Showing a letter shows the person's data: that is a look, and looks are audited.
                store.audit.viewed(person_id=case.person_id, case_id=case.id, what="brief")
                click.echo(draft.text.rstrip("\n"))
                click.echo(
                    f"\n(voorbeeld van '{kind.title}': er is niets geschreven of op de zaak vastgelegd)", err=True
                )
                return
            result = produce(
                store,
                cfg,
                case.id,
                kind,
                today=today,
                first_talk=first_talk,
                creditor=schuldeiser,
                export_dir=resolve_export_dir(cfg),
                docx_path=Path(docx_path).expanduser() if docx_path else None,
                txt_path=Path(txt_path).expanduser() if txt_path else None,
                letters=letters,
            )
        except TransitionRefused as exc:
            fail(f"de brief is niet gemaakt en niets is vastgelegd: {exc}")
        except LetterError as exc:
            fail(str(exc))
    click.echo(f"Brief gemaakt: {result.kind.title}, zaak {result.zaaknummer}.")
    click.echo(f"  {result.docx}")
    click.echo(f"  {result.txt}")
    extra = (
        f", eerste gesprek op {format_date(result.first_talk)}" if result.first_talk and kind.needs_first_talk else ""
    )
    click.echo(
        f"Vastgelegd op de tijdlijn: {result.event_title} ({format_date(result.today)}{extra}); "
        "contactmoment (brief) en auditlogboek."
    )


@click.command("brieven")
@click.option("--velden", is_flag=True, help="Toon de velden die een sjabloon kan gebruiken.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.option("--sjablonen", metavar="MAP", help="Map met letters.toml en sjablonen (standaard: de meegeleverde).")
@click.pass_obj
def brieven(c: Ctx, velden: bool, as_json: bool, sjablonen: str | None) -> None:
    """Toon de soorten brieven (of met --velden: de velden van de sjablonen)."""
    from herstel_tui.services.letters import LetterError, known_fields
    from herstel_tui.services.lookup import Table
    from herstel_tui.settings.resources import default_routekaart

    if velden:
        rows = [
            {"veld": "{{" + name + "}}", "betekenis": desc, "voorbeeld": example}
            for name, (desc, example) in known_fields(default_routekaart()).items()
        ]
        Table([("veld", "Veld", 34), ("betekenis", "Betekenis", 0)], rows).emit("json" if as_json else "text")
        return
    try:
        letters = _cli_letters(c, sjablonen)
    except LetterError as exc:
        fail(str(exc))
    rows = [
        {
            "soort": k.id,
            "titel": k.title,
            "sporen": "/".join(Track(t).short for t in k.tracks),
            "stap": k.step_title,
            "vastgelegd_als": k.records,
            "sjabloon": k.template.name,
            "aan": k.recipient,
        }
        for k in letters.kinds.values()
    ]
    Table([("soort", "Soort", 11), ("sporen", "Sp", 5), ("titel", "Titel", 0)], rows).emit(
        "json" if as_json else "text"
    )


COMMANDS = [brief, brieven]
