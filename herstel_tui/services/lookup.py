"""Quick lookups for the shell: output of `herstel zoek`, `toon` and `termijnen`.

Standard library only at import time (plus store.caselist and store.base, which are too), so
`herstel zoek` starts in a few tens of milliseconds over SSH. Rich is loaded only when stdout
is a terminal and colour tables are wanted.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from datetime import date

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import SEPARATORS
from herstel_tui.domain.text import for_terminal, scrub_text
from herstel_tui.domain.words import OUTCOME_LABELS, TRACK_SHORT
from herstel_tui.store.base import BusyError, audit_alone
from herstel_tui.store.caselist import CaseFilter, CaseRow, list_cases

TYPE_CHECKING = False  # `herstel zoek` imports this module: no typing at run time
if TYPE_CHECKING:
    import sqlite3
    from typing import TypeVar

    from herstel_tui.domain.enums import AuditAction
    from herstel_tui.store.card import Card

    T = TypeVar("T")

    SEARCHED = AuditAction.SEARCHED
else:
    # The words `herstel zoek` shows and writes, as plain text: domain.enums builds some fifteen
    # enum classes (~1.5 ms of its start). tests/services/test_lookup_quick.py keeps them equal
    # to Track.short, Outcome.label and AuditAction.SEARCHED.
    SEARCHED = "gezocht"

_LONG_DIGITS = re.compile(rf"\d[\d{SEPARATORS}]{{6,}}\d")


def outcome_label(outcome: str | None) -> str | None:
    """The Dutch label of a decisive outcome; None for none (or one this version does not know)."""
    return OUTCOME_LABELS.get(outcome) if outcome is not None else None


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"{-days}d laat"
    return "vandaag" if days == 0 else f"{days}d"


def mask_term(term: str) -> str:
    """Never keep a full BSN in the audit trail, not even as a search term (nor a control character)."""
    term = scrub_text(term)
    return _LONG_DIGITS.sub(lambda m: "*" * 6 + re.sub(r"\D", "", m.group())[-3:], term)


class Table:
    """Rows for the terminal, a pipe, JSON or CSV: one source, four looks."""

    def __init__(self, columns: list[tuple[str, str, int]], rows: list[dict]):
        self.columns = columns  # (key, Dutch header, plain width; 0 = takes the rest)
        self.rows = rows

    def emit(self, fmt: str, out=None, *, color: bool | None = None) -> None:
        out = out or sys.stdout
        if fmt == "json":
            import json

            json.dump(self.rows, out, ensure_ascii=False, indent=2, default=str)
            out.write("\n")
        elif fmt == "csv":
            import io

            from herstel_tui.files.sheets import write_csv

            buf = io.StringIO()
            # the JSON keys as header: stable names for scripts; formula-like text gets a leading '
            write_csv(buf, [k for k, _, _ in self.columns], self.rows)
            out.write(buf.getvalue())
        elif use_rich(out, color):
            self._rich(out)
        else:
            self._plain(out)

    def _widths(self) -> list[int]:
        """Each column's plain width: the last one (0) takes the rest of the terminal."""
        width = terminal_width()
        fixed = sum(w + 2 for _, _, w in self.columns if w)
        rest = max(10, width - fixed)
        return [w or rest for _, _, w in self.columns]

    def _header(self, widths: list[int]) -> str:
        return "  ".join(h[:w].ljust(w) for (_, h, _), w in zip(self.columns, widths)).rstrip()

    def _plain(self, out) -> None:
        widths = self._widths()
        lines = [self._header(widths)]
        keys = [(k, w) for (k, _, _), w in zip(self.columns, widths)]
        for r in self.rows:
            lines.append("  ".join([plain_cell(r.get(k), w) for k, w in keys]).rstrip())
        out.write("\n".join(lines) + "\n")

    def _rich(self, out) -> None:
        from rich.console import Console
        from rich.table import Table as RichTable
        from rich.text import Text

        from herstel_tui.files.terminal import trusted

        # Rich styles on purpose, so it writes past the guard; data goes in as Text (never markup),
        # cleaned cell by cell.
        console = Console(file=trusted(out), width=terminal_width())
        t = RichTable(box=None, header_style="bold", pad_edge=False)
        for key, header, w in self.columns:
            t.add_column(
                header,
                no_wrap=True,
                overflow="ellipsis",
                max_width=w if w and key not in ("termijn", "termijn_tekst") else None,
            )
        for r in self.rows:
            cells = []
            for k, _, _ in self.columns:
                text = for_terminal(str(r.get(k) if r.get(k) is not None else "")).replace("\n", " ")
                late = k in ("termijn", "termijn_tekst") and text.endswith("laat")
                cells.append(Text(text, style="red" if late else ""))
            t.add_row(*cells)
        console.print(t)


def plain_cell(value: object, width: int) -> str:
    """One cell of a plain table: the value as text on one line, clipped and padded to ``width``."""
    text = "" if value is None else str(value)
    if not text.isprintable():  # (a printable text has no control and no newline)
        text = for_terminal(text).replace("\n", " ")
    return clip(text, width).ljust(width)


def write_answer(write: Callable[[], None]) -> int:
    """A quick path's answer written to stdout and flushed: 0, or 2 with the Dutch line the command
    line prints (``cli.base.HerstelGroup.invoke``) when it cannot be written (a pipe closed early,
    ``| head``), never a traceback."""
    try:
        write()
        sys.stdout.flush()
    except OSError as exc:
        from herstel_tui.domain.text import os_reason

        print(f"Fout: {exc.filename or 'de uitvoer'}: {os_reason(exc)}", file=sys.stderr)
        return 2
    return 0


# -- termijnen ------------------------------------------------------------------------------------

DUE_COLUMNS = [
    ("uiterlijk", "Uiterlijk", 10),
    ("termijn_tekst", "Over", 9),
    ("zaaknummer", "Zaak", 15),
    ("naam", "Naam", 14),
    ("termijn", "Termijn", 0),
]


class DueTable(Table):
    """`herstel termijnen`'s table, from ``store.caselist.due_termijnen``'s tuples (due date,
    zaaknummer, naam, track, rule, caseworker) and the rules' ``titles``. Its rows (dicts) are made
    only for JSON, CSV and Rich; plain text (a pipe, SSH: 8,500 lines at 100,000 cases) is written
    straight from the tuples, each date and title worked out once, as :meth:`Table._plain` writes
    the rows (tests/services/test_lookup_quick.py holds the two equal)."""

    def __init__(self, found: list[tuple], today: date, titles: Mapping[str, str], *, brief: bool = False) -> None:
        """``brief``: ``found`` as ``due_termijnen(..., brief=True)`` gives it (due date, zaaknummer,
        naam, rule): enough for plain text only."""
        from herstel_tui.domain.dates import format_date

        self.columns = DUE_COLUMNS
        self.found, self.titles, self.brief = found, titles, brief
        # a few hundred dates and two tracks: each worked out once
        self.when = {}
        for due_text in {r[0] for r in found}:
            days = (date.fromisoformat(due_text) - today).days
            self.when[due_text] = (format_date(date.fromisoformat(due_text)), days, days_text(days))
        self._rows: list[dict] | None = None

    @property
    def rows(self) -> list[dict]:
        if self._rows is None:
            if self.brief:
                raise ValueError("a brief DueTable has rows for plain text only")
            when, titles = self.when, self.titles
            self._rows = [
                {
                    "uiterlijk": when[due_text][0],
                    "dagen": when[due_text][1],
                    "termijn_tekst": when[due_text][2],
                    "zaaknummer": zaak,
                    "naam": name,
                    "spoor": TRACK_SHORT[track],
                    "termijn": titles[rule],
                    "medewerker": worker,
                }
                for due_text, zaak, name, track, rule, worker in self.found
            ]
        return self._rows

    @rows.setter
    def rows(self, rows: list[dict]) -> None:
        self._rows = rows

    def _plain(self, out) -> None:
        """The lines as :meth:`Table._plain` writes them, past the terminal guard (``files.terminal``):
        every cell is cleaned here as :func:`plain_cell` cleans it, so the guard's pass over the
        whole text would change nothing (~20 M instructions at 8,500 lines)."""
        from herstel_tui.files.terminal import trusted

        widths = self._widths()
        w_zaak, w_naam, w_title = widths[2], widths[3], widths[4]
        dates = {d: f"{plain_cell(u, widths[0])}  {plain_cell(t, widths[1])}" for d, (u, _, t) in self.when.items()}
        tails: dict[str, str] = {}  # rule -> its title's cell, the line's end (rstripped)
        lines = [self._header(widths)]
        append = lines.append
        found = self.found if self.brief else [(r[0], r[1], r[2], r[4]) for r in self.found]
        for due_text, zaak, name, rule in found:
            tail = tails.get(rule)
            if tail is None:
                tail = tails[rule] = plain_cell(self.titles[rule], w_title).rstrip()
            # plain_cell's common cases inline: a printable text that fits, a printable name clipped
            if type(zaak) is not str or len(zaak) > w_zaak or not zaak.isprintable():
                zaak = plain_cell(zaak, w_zaak)
            elif len(zaak) < w_zaak:
                zaak = zaak.ljust(w_zaak)
            if type(name) is not str or not name.isprintable():
                name = plain_cell(name, w_naam)
            elif len(name) > w_naam:
                name = name[: w_naam - 1] + "…"
            elif len(name) < w_naam:
                name = name.ljust(w_naam)
            if tail:
                append(f"{dates[due_text]}  {zaak}  {name}  {tail}")
            else:  # (an empty title: the line ends earlier)
                append(f"{dates[due_text]}  {zaak}  {name}".rstrip())
        append("")
        trusted(out).write("\n".join(lines))


_PERIOD = re.compile(r"^\s*(\d+)\s*([dwmj]?)\s*$", re.I)


def period(text: str) -> tuple[int, str] | None:
    """``--binnen``'s period as (count, unit: d, w, m or j), or None when it is not one."""
    m = _PERIOD.match(text)
    return (int(m.group(1)), (m.group(2) or "d").lower()) if m else None


def due_until(n: int, unit: str, today: date) -> date:
    """``today`` plus ``n`` days, weeks, months or years (j), as dateutil's relativedelta adds them;
    days and weeks without dateutil (a relativedelta of days adds a timedelta of as many: the same
    date, the same OverflowError)."""
    if unit in "dw":
        from datetime import timedelta

        return today + timedelta(days=n * 7 if unit == "w" else n)
    from dateutil.relativedelta import relativedelta

    return today + {"m": relativedelta(months=n), "j": relativedelta(years=n)}[unit]


def due_rows(conn: sqlite3.Connection, user: str, today: date, until: date, *, mijn: bool, brief: bool) -> list[tuple]:
    """``herstel termijnen``'s rows (``store.caselist.due_termijnen``) on a mapped connection."""
    from herstel_tui.store.caselist import MAPPED_READS, due_termijnen

    conn.execute(MAPPED_READS)
    return due_termijnen(conn, today, until, caseworker=user if mijn else None, brief=brief)


def quick_due(db_arg: str | None, config_arg: str | None, binnen: str, mijn: bool, fmt: str | None) -> int | None:
    """``herstel termijnen`` on the quick path (:func:`quick_read`, without click), under the
    terminal guard as the command line writes: the exit code, or None when that path is not sure
    (a period it does not read, a date past the calendar, an index to bring up to date) and the
    command line answers, with the same lines (``cli.lookup.termijnen``)."""
    from herstel_tui.files.terminal import guarded_output
    from herstel_tui.settings.resources import rule_titles

    read = period(binnen)
    if read is None:
        return None
    today = clock.today()
    try:
        until = due_until(*read, today)
    except (OverflowError, ValueError):
        return None
    with guarded_output():
        brief = fmt is None and not use_rich(sys.stdout)  # plain text: four columns will do
        try:
            found = quick_read(
                db_arg,
                config_arg,
                lambda conn, user: due_rows(conn, user, today, until, mijn=mijn, brief=brief),
                readonly=True,
            )
        except BusyError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 2  # as the full path's fail() (cli.base.EXIT_INPUT)
        if found is None:
            return None
        table = DueTable(found, today, rule_titles(), brief=brief)
        if not found:
            print("Geen termijnen in deze periode.", file=sys.stderr)
            return 1
        return write_answer(lambda: table.emit(fmt or "text"))


def audit_detail_text(detail: dict | None) -> str:
    """One line for an audit row's detail, in the words of services.audit_view ('urgentie: — →
    Terminale ziekte; …'), shell and desk alike. The trail is append-only, so a row written before
    the text policy may hold an escape sequence: the line is cleaned."""
    from herstel_tui.services.audit_view import detail_lines

    return for_terminal("; ".join(detail_lines(detail))).replace("\n", " ")


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def terminal_width() -> int:
    """``shutil.get_terminal_size((80, 24)).columns``, at least 60, without importing shutil
    (with bz2 and lzma ~2 ms, on ``herstel zoek``'s quick path): $COLUMNS, else the terminal of
    standard output, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return max(60, columns or 80)


def use_rich(out, color: bool | None = None) -> bool:
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(out, "isatty") and out.isatty()


# -- zoek -----------------------------------------------------------------------------------------

CASE_COLUMNS = [
    ("zaaknummer", "Zaak", 15),
    ("naam", "Naam", 0),
    ("bsn", "BSN", 9),
    ("spoor", "Sp", 2),
    ("stap", "Stap", 16),
    ("termijn", "Termijn", 9),
]


def case_record(r: CaseRow, today: date) -> dict:
    days = r.days_left(today)
    return {
        "zaaknummer": r.zaaknummer,
        "naam": r.name,
        "bsn": r.bsn_masked,
        "spoor": TRACK_SHORT.get(r.track, r.track),
        "stap": r.current_title,
        "uitkomst": outcome_label(r.outcome) or "",
        "termijn": days_text(days),
        "termijn_datum": r.next_due.isoformat() if r.next_due else None,
        "dagen": days,
        "urgent": r.urgent,
        "medewerker": r.caseworker,
        "gesloten": r.closed,
    }


def search(conn, user: str, term: str, *, limit: int = 50, today: date | None = None) -> list[dict]:
    """Cases matching ``term`` (name, BSN, zaaknummer, address), open and closed; audited."""
    today = today or clock.today()
    rows = list_cases(conn, CaseFilter(search=term, closed=None), today, 0, limit)
    audit_alone(
        conn, user, SEARCHED, "zoekopdracht", None, detail={"term": mask_term(term), "zaken": [r.id for r in rows]}
    )
    return [case_record(r, today) for r in rows]


def print_cases(records: list[dict], fmt: str, out=None) -> None:
    Table(CASE_COLUMNS, list(records)).emit(fmt, out)


def quick_read(
    db_arg: str | None, config_arg: str | None, read: Callable[[sqlite3.Connection, str], T | None], *, readonly: bool
) -> T | None:
    """``read(connection, user)`` for a quick shell path (without click, the full Store, pydantic or
    sqlite-utils) when opening the full Store would change nothing: the config unchanged since it
    was validated, the database at this code's schema, on a local disk, unencrypted, its case index
    current for this routekaart and this day. Otherwise, or when SQLite refuses, None: the full
    command line gives the answer (after bringing the index up to date) or the proper Dutch error;
    also when ``read`` itself answers None (not sure)."""
    import sqlite3

    from herstel_tui.settings.cache import quick_target
    from herstel_tui.settings.resources import routekaart_fingerprint
    from herstel_tui.store.base import NETWORK_FS, StoreError, current_database, filesystem_type, is_file
    from herstel_tui.store.caselist import index_current

    target = quick_target(db_arg, config_arg)
    if target is None or not is_file(target[0]) or filesystem_type(target[0]) in NETWORK_FS:
        return None
    db, user = target
    try:
        with current_database(db, readonly=readonly) as conn:
            if conn is None or not index_current(conn, routekaart_fingerprint(), clock.today()):
                return None
            return read(conn, user)
    except BusyError:
        raise  # the full path would wait as long again, and then say the same
    except (StoreError, sqlite3.Error):
        return None


def quick_search(db_arg: str | None, config_arg: str | None, term: str, fmt: str) -> int | None:
    """``herstel zoek`` on the quick path (:func:`quick_read`): the exit code, or None when that
    path is not sure."""
    try:
        records = quick_read(db_arg, config_arg, lambda conn, user: search(conn, user, term), readonly=False)
    except BusyError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2  # as the full path's fail() (cli.base.EXIT_INPUT)
    if records is None:
        return None
    if not records:
        print(f"Niets gevonden voor {term!r}.", file=sys.stderr)
        return 1
    return write_answer(lambda: print_cases(records, fmt))


def card_lines(card: Card, as_json: bool, today: date) -> list[str]:
    """`herstel toon`'s lines for a case card (JSON: one), as the command line and the quick
    router print them."""
    from herstel_tui.domain.dates import format_date

    lines: list[str] = []
    w = lines.append
    case, person, view, notes, step_notes = card.case, card.person, card.view, card.notes, card.step_notes
    rk = card.routekaart
    members = [
        {"naam": p.name, "rol": role.label, "bsn": p.bsn_masked, "zaken": [k.zaaknummer or "" for k in cases]}
        for p, role, cases in card.household
        if p.id != person.id
    ]
    shown = {
        "zaaknummer": case.zaaknummer,
        "spoor": case.track.label,
        "medewerker": case.caseworker,
        "geopend": case.opened.isoformat(),
        "gesloten": case.closed.isoformat() if case.closed else None,
        "urgentie": case.urgency.label if case.urgency else None,
        "casuistiekoverleg": case.casuistiekoverleg,
        "persoon": {
            "naam": person.name,
            "bsn": person.bsn_masked,
            "geboortedatum": person.birth_date.isoformat() if person.birth_date else None,
            "adres": person.adres,
            "telefoon": person.phone,
            "email": person.email,
            "voorkeurskanaal": person.preferred_channel.value if person.preferred_channel else None,
        },
        "huishouden": members,
        "stand": view.current_title,
        "uitkomst": outcome_label(view.outcome),
        "afgerond": view.closed,
        "tijdlijn": [
            {
                "datum": d.fact_date.isoformat(),
                "stap": d.event_title,
                "correctie": d.correction,
                "reden": d.reason,
                "vervallen": d.superseded,
                "notitie": step_notes.get(d.event_id) if d.event_id is not None else None,
                "buiten_route": d.off_route,
                "vorige_ronde": d.earlier_round,
                "waarschuwing": d.warning,
            }
            for d in view.done
        ],
        "termijnen": [
            {
                "termijn": d.title,
                "uiterlijk": d.due.isoformat(),
                "dagen": d.days_left(today),
                "wacht_op": d.waiting_on,
            }
            for d in view.running
        ],
        "vervolgstappen": [{"stap": n.title, "tak": n.branch} for n in view.next_steps],
        "contactmomenten": [
            {"datum": n.date.isoformat(), "kanaal": n.channel.value, "tekst": n.text, "door": n.by} for n in notes
        ],
    }
    if as_json:
        import json

        return [json.dumps(shown, ensure_ascii=False, indent=2)]
    w(f"{case.zaaknummer}  {case.track.label}  ·  medewerker {case.caseworker or '—'}")
    w(f"{person.name}  BSN {person.bsn_masked}  geboren {format_date(person.birth_date)}")
    if person.adres:
        w(f"  {person.adres}")
    contact = "  ".join(x for x in (person.phone, person.email) if x)
    if contact:
        w(f"  {contact}")
    if case.urgency or case.casuistiekoverleg:
        w("  URGENT: " + (case.urgency.label if case.urgency else "casuïstiekoverleg"))
    if members:
        w("\nHuishouden")
        for m in members:
            w(f"  {m['rol']:<18}{m['naam']:<30}{m['bsn']}  {' '.join(m['zaken'])}".rstrip())
    w(
        f"\nStand: {view.current_title}"
        + (f"  (uitkomst: {shown['uitkomst']})" if shown["uitkomst"] else "")
        + ("  · afgerond" if view.closed else "")
    )
    w("Tijdlijn")
    if not view.done:
        w("  (nog niets vastgelegd)")
    for done in view.done:
        mark = " (vervallen)" if done.superseded else ""
        mark += " (buiten de route)" if done.off_route and not done.superseded else ""
        mark += " (vorige ronde)" if done.earlier_round else ""
        mark += " (van de aanvrager)" if done.inherited else ""
        mark += f" [correctie: {done.reason}]" if done.correction else ""
        w(f"  {format_date(done.fact_date)}  {done.event_title}{mark}")
        note = step_notes.get(done.event_id) if done.event_id is not None else None
        if note:
            w(f"              notitie: {note}")
        if done.warning:
            w(f"    let op: {done.warning}")
    if view.running:
        w("Lopende termijnen")
        for dl in view.running:
            when = dl.waiting_text or days_text(dl.days_left(today))
            w(f"  {format_date(dl.due)}  {dl.title}{' (gemeentelijke keuze)' if dl.choice else ''}  ({when})")
    if view.current:
        step = rk.step(case.track.value, view.current.step)
        if step.source:
            import textwrap

            for line in textwrap.wrap(f"Bron (na of naast de routekaart): {step.source}", min(terminal_width(), 100)):
                w(line)
        if step.contacts:
            w("Contacten bij deze stap")
            for ct in step.contacts:
                w(f"  {ct}")
    if notes:
        w("Laatste contactmomenten")
        width = terminal_width()
        for n in notes:
            w(clip(f"  {format_date(n.date)}  {n.channel.value:<10} {n.text}  — {n.by}", width))
    return lines


def quick_card(db_arg: str | None, config_arg: str | None, ref: str, spoor: str | None, today: date) -> Card | None:
    """``herstel toon``'s card on the quick path (:func:`quick_read`, ``store.card.read_card``:
    no pydantic, no full Store), its look audited; None when that path is not sure (nothing
    written then): the full Store answers."""

    def read(conn: sqlite3.Connection, user: str) -> Card | None:
        from herstel_tui.settings.resources import default_routekaart
        from herstel_tui.store.card import read_card

        return read_card(conn, user, default_routekaart(), ref, spoor, today)

    return quick_read(db_arg, config_arg, read, readonly=False)


def quick_toon(db_arg: str | None, config_arg: str | None, ref: str, spoor: str | None, as_json: bool) -> int | None:
    """``herstel toon`` on the quick path (:func:`quick_card`, without click), under the terminal
    guard as the command line writes: the exit code, or None when that path is not sure (nothing
    written then) and the command line answers, with the same lines (``cli.lookup.toon``)."""
    from herstel_tui.files.terminal import guarded_output

    today = clock.today()
    with guarded_output():
        try:
            card = quick_card(db_arg, config_arg, ref, spoor, today)
        except BusyError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 2  # as the full path's fail() (cli.base.EXIT_INPUT)
        if card is None:
            return None
        return write_answer(lambda: sys.stdout.writelines(line + "\n" for line in card_lines(card, as_json, today)))
