"""``herstel portaal …``: the files exchanged with the Belastingdienst gegevensportaal.

    herstel portaal vraagbestand [--bsn BSN]… [--uit BESTAND] [--opnieuw] [--map MAP] [--droog]
    herstel portaal antwoord BESTAND [--droog] [--samenvatting]
    herstel portaal lijst aanmeldingen|negatief|invordering BESTAND [--droog] [--samenvatting]
    herstel portaal verificatiecode [BESTAND]

Output is Dutch and fits 80 columns; BSNs show masked (``******123``) everywhere except in the
vraagbestand itself. Exit codes: 0 done; 1 nothing to do (no children to verify, file already
read, no rows, no code); 2 input error (invalid BSN, unreadable file, no portal id), nothing changed.
Nothing here imports Textual or openpyxl at module level.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import defaultdict
from functools import cache
from pathlib import Path

import click

from herstel_tui.cli.base import EXIT_INPUT, EXIT_NOT_FOUND, Ctx
from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.text import LazyPattern

WIDTH = 80


def _exit_code(exc: Exception) -> int:
    from herstel_tui.files.portal_common import AlreadyImported, NothingToDo

    return EXIT_NOT_FOUND if isinstance(exc, (AlreadyImported, NothingToDo)) else EXIT_INPUT


class PortalGroup(click.Group):
    """Portal refusals become a Dutch message on stderr and exit 1 or 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        from herstel_tui.files.portal_common import AlreadyImported, NothingToDo, PortalError

        try:
            return super().invoke(ctx)
        except (AlreadyImported, NothingToDo) as exc:
            _echo_error(exc, "")
            sys.exit(EXIT_NOT_FOUND)
        except PortalError as exc:
            _echo_error(exc, "Fout: ")
            sys.exit(_exit_code(exc))


def _echo_error(exc, prefix: str) -> None:
    click.echo(_wrap(str(exc), 2, prefix), err=True)
    for problem in exc.problems:
        click.echo(_wrap(problem, 4, "  "), err=True)


@click.group(cls=PortalGroup)
def portaal() -> None:
    """Bestanden van en voor het gegevensportaal van de Belastingdienst."""


_WORDS = LazyPattern(r"\S+(?: \S+)*")  # words with one space between them, nothing else


@cache
def _line(width: int) -> re.Pattern[str]:
    """The longest run of words of at most ``width`` characters, and the space after it."""
    return re.compile(rf"(.{{1,{width}}})(?: |\Z)")


def _wrap(text: str, indent: int, first: str = "") -> str:
    """``text`` filled to WIDTH columns after ``first``, its next lines indented by ``indent``
    (``textwrap.fill``, hyphens kept whole)."""
    return _after(first, _fill(text, indent, len(first)))


def _after(first: str, filled: str | None) -> str:
    """A text ``_fill`` filled after ``first``: ``first`` and the text; ``first`` alone, its end
    trimmed, when there was no text (as textwrap gives)."""
    return first + filled if filled is not None else first.rstrip()


def _fill(text: str, indent: int, lead: int) -> str | None:
    """``text`` filled as ``_wrap`` fills it after a first prefix of ``lead`` characters, without
    that prefix (where a line breaks depends on the prefix's length alone: a report's rows, each
    with a prefix of its own, fill their few distinct texts once); None when there is no line.
    Words with one space between them, none longer than a line, are filled here, greedily as
    textwrap fills them, each line by one regular expression (a 50,000-row report); any other text
    by textwrap itself. ``tests/cli/test_portal_wrap.py`` compares the two on random texts."""
    room, rest = WIDTH - lead, WIDTH - indent
    if max(map(len, text.split(" "))) <= min(room, rest) and _WORDS.fullmatch(text):
        got = _line(room).match(text)
        assert got is not None  # (every word fits on a line)
        lines, end, size = [got[1]], got.end(), len(text)
        if end < size:
            pad, next_line = " " * indent, _line(rest).match
            while end < size:
                got = next_line(text, end)
                assert got is not None
                lines.append(pad + got[1])
                end = got.end()
        return "\n".join(lines)
    pad = " " * lead  # (textwrap only counts the first line's prefix)
    filled = textwrap.fill(text, WIDTH, initial_indent=pad, subsequent_indent=" " * indent, break_on_hyphens=False)
    return filled[lead:] if filled else None


def _echo_path(label: str, path: str) -> None:
    """A path is never wrapped (it must stay copyable); a long one goes on its own line."""
    if len(label) + 1 + len(path) <= WIDTH:
        click.echo(f"{label} {path}")
    else:
        click.echo(label)
        click.echo(f"  {path}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- vraagbestand ---------------------------------------------------------------------------------


@portaal.command("vraagbestand")
@click.option(
    "--alle-onbevestigd",
    "all_unverified",
    is_flag=True,
    help="Alle kinderen zonder antwoord en zonder open aanvraag (standaard als u geen --bsn of --uit geeft).",
)
@click.option("--bsn", "bsns", multiple=True, metavar="BSN", help="Dit kind (herhaalbaar).")
@click.option("--uit", "from_file", metavar="BESTAND", help="Tekstbestand met één BSN per regel.")
@click.option(
    "--opnieuw", "include_open", is_flag=True, help="Neem ook kinderen mee met een open aanvraag (nog geen antwoord)."
)
@click.option("--map", "folder", metavar="MAP", help="Waar het bestand komt (standaard: de exportmap).")
@click.option("--droog", "dry_run", is_flag=True, help="Toon alleen wie erin gaat; schrijf niets.")
@click.pass_obj
def vraagbestand(
    c: Ctx,
    all_unverified: bool,
    bsns: tuple[str, ...],
    from_file: str | None,
    include_open: bool,
    folder: str | None,
    dry_run: bool,
) -> None:
    """Maak het vraagbestand kindregeling (VK-<portaal-id>-Kindregeling_<datum>.xlsx).

    Standaard gaan alle kinderen erin die in een huishouden als kind staan, een BSN hebben, nog
    geen antwoord hebben en niet al in een open aanvraag zitten. Eén ongeldig BSN bij --bsn of
    --uit stopt alles: er wordt niets geschreven en niets vastgelegd.
    """
    from herstel_tui.files.portal_common import NothingToDo, PortalError
    from herstel_tui.files.vraagbestand import refuse_offenders
    from herstel_tui.services.portal import export_name, export_vraagbestand, read_bsn_file, resolve_children
    from herstel_tui.settings.config import resolve_export_dir
    from herstel_tui.store.portal import ChildCandidate

    cfg = c.config
    today = clock.today()
    entries = [(f"--bsn {i}", b) for i, b in enumerate(bsns, 1)]
    if from_file:
        entries += read_bsn_file(from_file)
    if from_file and not entries:
        raise NothingToDo(f"{Path(from_file).name} bevat geen BSN's; er is niets geschreven.")
    with c.open_store() as store:
        chosen: list[ChildCandidate] = []
        dropped = 0
        if entries:
            chosen, offenders, dropped = resolve_children(store, entries)
            refuse_offenders(offenders)
        if all_unverified or not entries:
            have = {ch.person_id for ch in chosen}
            chosen += [
                ch for ch in store.portal.children_to_verify(include_open=include_open) if ch.person_id not in have
            ]
        folder_path = Path(folder).expanduser() if folder else resolve_export_dir(cfg)
        if not chosen:
            raise NothingToDo(
                "Geen kinderen om te verifiëren (alle kinderen met een BSN hebben een antwoord of "
                "een open aanvraag; gebruik --opnieuw of --bsn). Er is niets geschreven."
            )
        if dry_run:
            click.echo(
                f"Vraagbestand kindregeling: {len(chosen)} "
                f"{'kind' if len(chosen) == 1 else 'kinderen'} (proefdraai; er is niets geschreven)"
            )
            try:
                _echo_path("Bestand:", str(folder_path / export_name(cfg, today)))
            except PortalError as exc:
                click.echo(_wrap(f"Bestand: geen ({exc})", 2))
            if dropped:
                click.echo(f"{dropped} dubbele BSN's weggelaten.")
            _print_children(chosen)
            return
        result = export_vraagbestand(store, cfg, chosen, directory=folder_path, today=today)
    _echo_path("Vraagbestand geschreven:", str(result.path))
    n = result.count
    click.echo(
        _wrap(
            f"{n} BSN{'' if n == 1 else chr(39) + 's'}; verificatie aangevraagd op {format_date(today)}, "
            f"vastgelegd bij {n} {'kind' if n == 1 else 'kinderen'} en als notitie op "
            f"{result.notes_written} {'zaak' if result.notes_written == 1 else 'zaken'}.",
            0,
        )
    )
    if dropped:
        click.echo(f"{dropped} dubbele BSN's weggelaten.")
    click.echo("Upload het bestand in het gegevensportaal; verander niets aan inhoud of naam.")


def _print_children(children) -> None:
    click.echo(f"  {'BSN':<9}  {'naam':<30}  {'geboren':<10}  status")
    for ch in children:
        born = format_date(ch.birth_date)
        click.echo(f"  {ch.bsn_masked:<9}  {_cut(ch.name, 30):<30}  {born:<10}  {_cut(ch.status, 21)}")


# -- imports --------------------------------------------------------------------------------------


def _print_report(report, summary_only: bool) -> None:
    out = [_wrap(f"{report.title}: {report.file.name}", 2), f"  {report.where}"]
    out += [_wrap(note, 4, "  - ") for note in report.notes]
    if report.dry_run:
        out.append("Proefdraai: er is niets gewijzigd. Zonder --droog wordt dit in één keer verwerkt.")
    rows = report.outcomes if not summary_only else report.rejected()
    if rows:
        out.append(f"{'regel':>6}  {'actie':<12}  {'BSN':<9}  toelichting")
    indent = 6 + 2 + 12 + 2 + 9 + 2
    filled: dict[tuple[str, int], str | None] = {}  # (text, prefix length) -> _fill's (rows share a few texts)
    for o in rows:
        first, text = f"{o.row:>6}  {o.action.label:<12}  {o.bsn_masked:<9}  ", o.full_text
        key = (text, len(first))
        if key not in filled:
            filled[key] = _fill(text, indent, key[1])
        out.append(_after(first, filled[key]))
    if summary_only:
        skipped: dict[str, list[int]] = defaultdict(list)
        for o in report.outcomes:
            if o.action == "skip":
                skipped[o.text.split(" (")[0]].append(o.row)
        out += [
            _wrap(f"overgeslagen, {reason}: {len(numbers)} regel(s)", 4, "  ") for reason, numbers in skipped.items()
        ]
    verb = "Zou geven" if report.dry_run else "Verwerkt"
    out.append(_wrap(f"{verb}: {report.summary}.", 2))
    click.echo("\n".join(out))  # (one write: a 50,000-row report's lines each echoed cost a third of a second)


@portaal.command("antwoord")
@click.argument("bestand", type=click.Path(dir_okay=False))
@click.option("--droog", "dry_run", is_flag=True, help="Toon wat er zou gebeuren; wijzig niets.")
@click.option("--samenvatting", is_flag=True, help="Toon alleen afgewezen regels en de totalen.")
@click.pass_obj
def antwoord(c: Ctx, bestand: str, dry_run: bool, samenvatting: bool) -> None:
    """Lees een antwoordbestand kindregeling in (per kind: behoort wel of niet tot de populatie)."""
    _import(c, "antwoord", bestand, dry_run, samenvatting)


@portaal.command("lijst")
@click.argument("soort", type=click.Choice(["aanmeldingen", "negatief", "invordering"]))
@click.argument("bestand", type=click.Path(dir_okay=False))
@click.option("--droog", "dry_run", is_flag=True, help="Toon wat er zou gebeuren; wijzig niets.")
@click.option("--samenvatting", is_flag=True, help="Toon alleen afgewezen regels en de totalen.")
@click.pass_obj
def lijst(c: Ctx, soort: str, bestand: str, dry_run: bool, samenvatting: bool) -> None:
    """Lees een lijst uit het portaal in (.xlsx of .csv).

    \b
    aanmeldingen  nieuwe aanmeldingen met contactgegevens
    negatief      negatieve beschikkingen (start de afbouw van 30 dagen)
    invordering   lijst voor invorderaars: start of einde pauzeknop
    De kolomindeling staat in de configuratie onder [portaal_kolommen.*].
    """
    _import(c, soort, bestand, dry_run, samenvatting)


def _import(c: Ctx, kind: str, bestand: str, dry_run: bool, summary_only: bool) -> None:
    from herstel_tui.services.portal import import_list

    with c.open_store() as store:
        report = import_list(store, c.config, kind, bestand, dry_run=dry_run)
    _print_report(report, summary_only)


# -- verificatiecode ------------------------------------------------------------------------------


@portaal.command("verificatiecode")
@click.argument("bestand", required=False, type=click.Path(dir_okay=False))
@click.pass_obj
def verificatiecode(c: Ctx, bestand: str | None) -> None:
    """Lees het verificatiecodebestand in, of toon de huidige code (zonder BESTAND).

    De code heeft u nodig als u het Serviceteam UHT belt voor statusinformatie; hij wordt elke
    6 maanden vernieuwd.
    """
    today = clock.today()
    with c.open_store() as store:
        rk = store.routekaart
        if bestand:
            from herstel_tui.services.portal import import_verification_code

            result = import_verification_code(store, c.config, bestand, today=today)
            click.echo(f"Ingelezen: {Path(bestand).name}" + ("" if result.new else " (deze code stond er al)"))
            for note in result.notes:
                click.echo(_wrap(note, 4, "  - "))
            code = result.code
        else:
            code = store.codes.current(today)
    if code is None:
        click.echo(
            _wrap(
                "Er is nog geen verificatiecode ingelezen. Lees het bestand "
                "VC-GPB….-verificatiecode_Gemeentedesk_jjjjmmdd.xlsx uit het portaal in met:",
                0,
            ),
            err=True,
        )
        click.echo("  herstel portaal verificatiecode BESTAND", err=True)
        sys.exit(EXIT_NOT_FOUND)
    contact = rk.contacts.get("serviceteam_uht")
    phone = f" ({contact.phone})" if contact and contact.phone else ""
    click.echo(f"Verificatiecode Serviceteam UHT{phone}: {code.code}")
    span = f"geldig van {format_date(code.valid_from)} tot en met {format_date(code.valid_until)}"
    if code.expired:
        click.echo(_wrap(f"VERLOPEN: {span}. Lees het nieuwe bestand uit het gegevensportaal in.", 0))
    elif code.not_yet_valid:
        click.echo(_wrap(f"Nog niet geldig: {span}.", 0))
    else:
        click.echo(f"{span[0].upper()}{span[1:]} (nog {code.days_left} dagen).")
    click.echo(f"Bestand: {code.file_name}")
    click.echo(f"Ingelezen op {format_date(code.imported_at)}.")


COMMANDS = [portaal]
