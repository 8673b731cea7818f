"""`herstel demo`: a demo database with synthetic cases (its own module: the demo code is loaded
only for this command)."""

from __future__ import annotations

import click

from herstel_tui.cli.base import Ctx, fail
from herstel_tui.services.demo import DEFAULT_DEMO_CASES, DEFAULT_SEED


@click.command()
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
@click.option(
    "--overschrijf",
    is_flag=True,
    help="Vervang een demodatabase waarin niet is gewerkt (nooit een register met echte zaken).",
)
@click.pass_obj
def demo(c: Ctx, cases: int, seed: int, db: str | None, overschrijf: bool) -> None:
    """Maak een demodatabase met synthetische zaken (BSN's uit het testbereik 9999…)."""
    if db:
        c.db_arg = db
    path = c.db_path
    if path.exists() and path.stat().st_size:
        if not overschrijf:
            fail(f"{path} bestaat al; er is niets gewijzigd. Gebruik --overschrijf om een demodatabase te vervangen.")
        from herstel_tui.services.register import refuse_unless_demo
        from herstel_tui.store.base import refuse_in_use

        refuse_unless_demo(path, then="Kies een ander pad met --db.")  # a register is never given up for a demo
        refuse_in_use(path)  # said now, not after minutes of building (asked again at the replacement)
    import time

    t0 = time.perf_counter()
    from herstel_tui.services.demo import make_demo
    from herstel_tui.settings.resources import default_routekaart

    try:
        result = make_demo(path, cases, routekaart=default_routekaart(), seed=seed, me=c.config.medewerker)
    except OSError as exc:  # the folder is missing, not a folder, read-only, full
        from herstel_tui.domain.text import os_reason

        fail(f"{path} kan niet worden gemaakt: {os_reason(exc)}; er is niets gewijzigd.")
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


COMMANDS = [demo]
