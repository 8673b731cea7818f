"""`herstel overzicht`: the management overview, on screen, as JSON or as .xlsx.

No Textual here; openpyxl is imported only by the function that writes the file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from herstel_tui.cli.base import Ctx, fail
from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.services.overview import Overview


@click.command("overzicht")
@click.option(
    "--xlsx",
    "xlsx",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PAD]",
    help="Sla het overzicht op als .xlsx: overzicht-jjjjmmdd.xlsx in de exportmap, of in PAD "
    "(een map of een bestandsnaam).",
)
@click.option("--json", "as_json", is_flag=True, help="De cijfers als JSON.")
@click.pass_obj
def overzicht(c: Ctx, xlsx: str | None, as_json: bool) -> None:
    """Het overzicht voor de leiding: zaken per spoor, stap en uitkomst, termijnen, urgent,
    nazorg, afbouw en per medewerker."""
    from herstel_tui.services.overview import quick_overview

    today = clock.today()
    # on screen or as JSON: without the full Store and pydantic when it would change nothing
    quick = quick_overview(c.db_arg, c.config_arg, today) if xlsx is None else None
    if quick is not None:
        ov, gemeente = quick
        saved = None
    else:
        ov, gemeente, saved = _full(c, today, xlsx)
    if as_json:
        import json

        click.echo(json.dumps(ov.as_dict(), ensure_ascii=False, indent=2))
        if saved:
            click.echo(f"Overzicht opgeslagen: {saved}", err=True)
        return
    from herstel_tui.services.lookup import terminal_width

    width = min(terminal_width(), 100)
    click.echo(f"Overzicht {gemeente} · peildatum {format_date(today)} · {ov.cases} zaken")
    for sheet in ov.sheets():
        if sheet.prose:
            continue  # the definitions: in the .xlsx, the JSON and `herstel overzicht --help`
        click.echo("")
        click.echo(sheet.title)
        for line in sheet.text(width - 2):
            click.echo("  " + line)
    click.echo(f"\nBerekend in {ov.seconds:.1f} s. Begrippen: zie het tabblad Toelichting van de .xlsx.", err=True)
    if saved:
        click.echo(f"Overzicht opgeslagen: {saved}")


def _full(c: Ctx, today: date, xlsx: str | None) -> tuple[Overview, str, Path | None]:
    """(the overview, the gemeente, the .xlsx written or None) through the full config and Store."""
    from herstel_tui.services.overview import compute_overview, export_xlsx
    from herstel_tui.settings.config import resolve_export_dir

    cfg = c.config
    target_dir = target_file = None
    if xlsx is not None:
        if xlsx == "":
            target_dir = resolve_export_dir(cfg)
        else:
            p = Path(xlsx).expanduser()
            if p.is_dir():
                target_dir = p
            elif p.suffix.lower() == ".xlsx":
                if not p.parent.is_dir():
                    fail(f"de map {p.parent} bestaat niet")
                target_file = p
            else:
                fail(f"--xlsx {xlsx!r}: geef een bestaande map of een bestandsnaam op .xlsx")
    with c.open_store() as store:
        ov = compute_overview(store, today, cfg.gemeente)
        saved = export_xlsx(store, ov, target_dir, target_file) if xlsx is not None else None
    return ov, cfg.gemeente, saved


COMMANDS = [overzicht]
