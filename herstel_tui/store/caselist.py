"""The case list (werkvoorraad): filtered, searched, sorted, paged straight from SQLite.

The desk shows a window of a few dozen rows out of 100,000; it asks for a count and then for
pages by offset, so nothing ever holds every row in Python.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

from herstel_tui.domain.bsn import SEPARATORS, mask_bsn
from herstel_tui.domain.record import record
from herstel_tui.domain.text import LazyPattern, has_controls, scrub_text

TYPE_CHECKING = False  # the quick paths import this module: no typing, nor pathlib, at run time
if TYPE_CHECKING:
    from pathlib import Path

# Deadlines another party owes (the routekaart's rules with owed_by, UHT's 7-day answer of the Brede
# Hulpteam): the case waits on them; they are never the caseworker's overdue work. The case index
# holds one only when the case has no date of its own running. Named here for the list's SQL (the
# quick start reads the list without the routekaart); a test keeps it equal to the routekaart.
WAITING_RULES: tuple[str, ...] = ("antwoord_brede_hulpteam",)
WEEK = 7  # "deze week": due today or in the next 6 days
_WAITING_SQL = ", ".join(f"'{r}'" for r in WAITING_RULES)  # constants of this module, not input

# The default werkvoorraad answers "what do I do today and this week": its sections, in this order.
# This week's own deadlines (soonest first); overdue ones (the most recent first: those can still be
# saved, a date missed a year ago waits no more on one day); cases waiting on another party; the rest.
SECTION_ORDER: tuple[str, ...] = ("week", "verlopen", "wacht", "later")

# Index rows whose next date is a period that has run out by a day (parameter: that day, ISO):
# the full Store recomputes them when it opens (``CaseRepository.refresh_derived``).
STALE_PERIODS = "SELECT case_id FROM case_summary WHERE next_kind = 'period' AND next_due <= ?"


def work_kind(prefix: str = "s.") -> str:
    """What a case's next date asks, from its index row: 0 a deadline of the caseworker's own,
    1 nothing to act on (a period that ends by itself, no date, finished), 2 a deadline another
    party owes. Migration 13 indexes (this, next date, case id): every section is one index range,
    whatever today is."""
    p = prefix
    return (
        f"(CASE WHEN {p}closed = 0 AND {p}next_due IS NOT NULL AND coalesce({p}next_kind, 'deadline') = 'deadline'"
        f" THEN 2 * (coalesce({p}next_rule, '') IN ({_WAITING_SQL})) ELSE 1 END)"
    )


_KIND = work_kind()
_DUE = "coalesce(s.next_due, '9999-12-31')"


@record
class Sections:
    """What the werkvoorraad holds for today, among the cases a filter shows."""

    overdue: int  # the caseworker's deadlines past their date
    week: int  # the caseworker's deadlines due today or in the coming 6 days
    waiting: int  # deadlines another party owes (waiting on UHT)
    later: int = 0  # everything else: own dates after this week, periods, no date, closed

    @property
    def total(self) -> int:
        return self.overdue + self.week + self.waiting + self.later

    @classmethod
    def of_rows(cls, rows: list[CaseRow], today: date) -> Sections:
        """The sections of a whole list at hand (a first page that holds every match)."""
        keys = [r.section(today) for r in rows]
        overdue, week, waiting = keys.count("verlopen"), keys.count("week"), keys.count("wacht")
        return cls(overdue, week, waiting, len(rows) - overdue - week - waiting)

    def in_order(self) -> list[tuple[str, int]]:
        """The sections of the default list in the order it shows them (see SECTION_ORDER)."""
        counts = {"week": self.week, "verlopen": self.overdue, "wacht": self.waiting, "later": self.later}
        return [(key, counts[key]) for key in SECTION_ORDER]


@record
class CaseFilter:
    search: str = ""
    caseworker: str | None = None  # "mine": the current user's name
    track: str | None = None
    step: str | None = None  # current step id
    outcome: str | None = None
    urgent: bool = False  # UHT urgency or on the casuïstiekoverleg
    overdue: bool = False
    within: int | None = None  # the caseworker's deadlines due from today through today + N days
    closed: bool | None = False  # False: open only; True: closed only; None: all
    sort: str = "termijn"  # termijn | zaaknummer | naam

    def describe(self) -> list[str]:
        """Dutch labels of the active filters, for the always-visible filter bar."""
        out = []
        if self.caseworker:
            out.append(f"mijn zaken ({self.caseworker})")
        if self.track:
            out.append(
                {"brede_ondersteuning": "brede ondersteuning", "schuldenaanpak": "schuldenaanpak"}.get(
                    self.track, self.track
                )
            )
        if self.step:
            out.append(f"stap: {self.step}")
        if self.outcome:
            out.append(f"uitkomst: {self.outcome.replace('_', ' ')}")
        if self.urgent:
            out.append("urgent")
        if self.overdue:
            out.append("termijn verlopen")
        if self.within is not None:
            out.append(f"termijn binnen {self.within} dagen")
        if self.closed is True:
            out.append("gesloten")
        elif self.closed is None:
            out.append("open en gesloten")
        return out


@record
class CaseRow:
    id: int
    zaaknummer: str
    person_id: int
    name: str
    bsn: str | None
    track: str
    current_step: str | None
    current_title: str
    outcome: str | None
    next_due: date | None
    next_rule: str | None
    urgency: str | None
    casuistiekoverleg: bool
    caseworker: str | None
    closed: bool
    next_kind: str | None = None  # "deadline" (must be met) or "period" (ends by itself)
    laptop: str | None = None  # who has the case out on a laptop (herstel meenemen), if anyone

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)

    def days_left(self, today: date) -> int | None:
        return (self.next_due - today).days if self.next_due else None

    @property
    def urgent(self) -> bool:
        return bool(self.urgency) or self.casuistiekoverleg

    @property
    def waiting(self) -> bool:
        """The next date is one another party owes: the case waits on them."""
        return self.next_rule in WAITING_RULES

    def section(self, today: date) -> str | None:
        """'verlopen', 'week' (due within 7 days), 'wacht' (owed by another party), else None
        (later, a period that ends by itself, no date, closed)."""
        if self.closed or self.next_due is None or self.next_kind == "period":
            return None
        if self.waiting:
            return "wacht"
        days = (self.next_due - today).days
        return "verlopen" if days < 0 else "week" if days < WEEK else None


_SEP = LazyPattern(f"[{SEPARATORS}]")

_SELECT = """SELECT c.id, c.zaaknummer, c.person_id,
    p.surname || ', ' || p.given_names || coalesce(' ' || p.surname_prefix, ''),
    p.bsn, c.track, s.current_step, s.current_title, s.outcome, s.next_due, s.next_rule, c.urgency,
    c.casuistiekoverleg, c.caseworker, s.closed OR c.closed IS NOT NULL, s.next_kind,
    (SELECT o.taken_by FROM checkout_cases o WHERE o.case_id = c.id AND o.returned_at IS NULL LIMIT 1)
FROM cases c JOIN persons p ON p.id = c.person_id JOIN case_summary s ON s.case_id = c.id"""

_ORDER = {
    # Without sections (closed cases shown too): the caseworker's own dates, soonest first; then
    # cases without one; then those waiting on another party. The index of migration 13.
    "termijn": f"{_KIND}, {_DUE}, s.case_id",
    "zaaknummer": "c.zaaknummer",
    "naam": "p.surname, p.given_names, c.id",
}


_SHORT_ZAAK = LazyPattern(r"^(?:HKO-)?\d{4}-\d{6}$", re.I)


def _search_terms(text: str) -> list[str]:
    terms = []
    for word in text.split():
        # A zaaknummer as the list shows it (2025-000039) searches as it is written; a formatted
        # BSN or postcode (9999.00.006, 3011 AB) searches as its bare digits.
        if _SHORT_ZAAK.match(word):
            terms.append(word.upper())
            continue
        bare = _SEP.sub("", word)
        terms.append(bare if bare.isdigit() else word)
    return [t for t in terms if t]


# The cases of everyone in the households of the person with this BSN: a household member without
# a case of their own (a child) finds the household's cases.
# (A UNION inside one IN, not "IN (…) OR IN (…)": the OR made SQLite scan every case, ~40 ms at 100k.)
_HOUSEHOLD_OF_BSN = (
    "SELECT cx.id FROM cases cx WHERE cx.person_id IN (SELECT hm2.person_id FROM persons p0 "
    "JOIN household_members hm1 ON hm1.person_id = p0.id "
    "JOIN household_members hm2 ON hm2.household_id = hm1.household_id WHERE p0.bsn = ?)"
)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _where(f: CaseFilter, today: date) -> tuple[str, list]:
    clauses: list[str] = []
    args: list = []
    terms = _search_terms(f.search)
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    if long_terms:
        # Every word somewhere in the case's text, in any order ("jansen rotterdam"); the long
        # words narrow through the trigram index, the short ones ("dijkstra mo") filter those.
        sub = "SELECT rowid FROM case_search WHERE case_search MATCH ?"
        args.append(" AND ".join(_phrase(t) for t in long_terms))
        for t in short_terms:
            sub += " AND body LIKE ? ESCAPE '\\'"
            args.append("%" + _like(t) + "%")
        if len(terms) == 1 and terms[0].isdigit() and len(terms[0]) in (8, 9):
            clauses.append(f"c.id IN ({sub} UNION {_HOUSEHOLD_OF_BSN})")
            args.append(terms[0].zfill(9))
        else:
            clauses.append(f"c.id IN ({sub})")
    elif terms and len(" ".join(terms)) >= 3:
        # Only short words: they mean something next to each other ("de vr", "a b c").
        clauses.append("c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)")
        args.append(_phrase(" ".join(terms)))
    elif terms:
        # One or two characters: the start of a name or zaaknummer.
        term = _like(terms[0])
        clauses.append(
            "(p.surname LIKE ? ESCAPE '\\' OR p.given_names LIKE ? ESCAPE '\\' OR c.zaaknummer LIKE ? ESCAPE '\\')"
        )
        args += [term + "%", term + "%", term + "%"]
    for column, value in (
        ("c.caseworker", f.caseworker),
        ("c.track", f.track),
        ("s.current_step", f.step),
        ("s.outcome", f.outcome),
    ):
        if value:
            clauses.append(f"{column} = ?")
            args.append(value)
    if f.urgent:
        clauses.append("(c.urgency IS NOT NULL OR c.casuistiekoverleg = 1)")
    own = f"coalesce(s.next_rule, '') NOT IN ({', '.join('?' * len(WAITING_RULES))})"
    if f.overdue:
        clauses.append(f"s.next_due < ? AND {own}")
        args += [today.isoformat(), *WAITING_RULES]
    if f.within is not None:
        clauses.append(f"s.next_due BETWEEN ? AND ? AND coalesce(s.next_kind, 'deadline') = 'deadline' AND {own}")
        args += [today.isoformat(), (today + timedelta(days=f.within)).isoformat(), *WAITING_RULES]
    if f.closed is False:
        clauses.append("s.closed = 0 AND c.closed IS NULL")
    elif f.closed is True:
        clauses.append("(s.closed = 1 OR c.closed IS NOT NULL)")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _source(where: str) -> str:
    """FROM … for counting the cases ``where`` selects (persons only when it asks about them)."""
    persons = "JOIN persons p ON p.id = c.person_id " if re.search(r"\bp\.", where) else ""
    return f"FROM cases c {persons}JOIN case_summary s ON s.case_id = c.id{where}"


def count_cases(conn: sqlite3.Connection, f: CaseFilter, today: date) -> int:
    where, args = _where(f, today)
    return conn.execute(f"SELECT count(*) {_source(where)}", args).fetchone()[0]


def section_counts(conn: sqlite3.Connection, f: CaseFilter, today: date, total: int | None = None) -> Sections:
    """How many of the cases ``f`` shows are overdue, due this week, waiting on another party, and
    the rest: the sections of the default list, and the filter bar's counts. ``total``: the count
    of ``f`` when the caller has just read it (count_cases), not counted again."""
    where, args = _where(f, today)
    source = _source(where)
    live = "c.closed IS NULL AND "  # a case closed by hand (shown with g) has no work in it
    day, week_end = today.isoformat(), (today + timedelta(days=WEEK - 1)).isoformat()
    parts = [
        (f"{_KIND} = 0 AND {_DUE} < ?", [day]),
        (f"{_KIND} = 0 AND {_DUE} BETWEEN ? AND ?", [day, week_end]),
        (f"{_KIND} = 2", []),
    ]
    if _narrowed(f):  # few matches: one pass over them
        sums = ", ".join(f"coalesce(sum({live}{cond}), 0)" for cond, _ in parts)
        sql = f"SELECT {sums}, count(*) {source}"
        params = [*(a for _, extra in parts for a in extra), *args]
    else:  # each section one range of the index, and the total
        glue = " AND " if where else " WHERE "
        counts = ", ".join(f"(SELECT count(*) {source}{glue}{live}{cond})" for cond, _ in parts)
        sql = f"SELECT {counts}, " + ("?" if total is not None else f"(SELECT count(*) {source})")
        params = [*(a for _, extra in parts for a in (*args, *extra)), *([total] if total is not None else args)]
    overdue, week, waiting, counted = conn.execute(sql, params).fetchone()
    return Sections(overdue, week, waiting, counted - overdue - week - waiting)


def sectioned(f: CaseFilter) -> bool:
    """The werkvoorraad's default view (open cases by date) comes in sections, today's work first."""
    return f.sort == "termijn" and f.closed is False


def _narrowed(f: CaseFilter) -> bool:
    """The filter's matches come from an index that narrows them (not from the sections' walk)."""
    terms = _search_terms(f.search)
    return bool(f.caseworker or f.step or (terms and len(" ".join(terms)) >= 3))


# The order of _segments as one sort (same rows, same order): section, then the date (overdue ones
# most recent first), then the case. Arguments: today, the week's last day, today, today.
_SECTION_SORT = (
    f"(CASE WHEN {_KIND} = 0 THEN (CASE WHEN {_DUE} < ? THEN 1 WHEN {_DUE} <= ? THEN 0 ELSE 3 END)"
    f" WHEN {_KIND} = 2 THEN 2 ELSE 4 END),"
    f" (CASE WHEN {_KIND} = 0 AND {_DUE} < ? THEN {_DUE} END) DESC,"
    f" (CASE WHEN {_KIND} = 0 AND {_DUE} < ? THEN s.case_id END) DESC, {_DUE}, s.case_id"
)


def _segments(today: date) -> list[tuple[str, str, list]]:
    """(condition, order, arguments) of each section's rows in SECTION_ORDER, each one range of
    the index of migration 13; the later section is two: own dates after this week, then the rest."""
    day, week_end = today.isoformat(), (today + timedelta(days=WEEK - 1)).isoformat()
    up = f"{_DUE}, s.case_id"
    return [
        (f"{_KIND} = 0 AND {_DUE} BETWEEN ? AND ?", up, [day, week_end]),
        (f"{_KIND} = 0 AND {_DUE} < ?", f"{_DUE} DESC, s.case_id DESC", [day]),
        (f"{_KIND} = 2", up, []),
        (f"{_KIND} = 0 AND {_DUE} > ?", up, [week_end]),
        (f"{_KIND} = 1", up, []),
    ]


def list_cases(
    conn: sqlite3.Connection,
    f: CaseFilter,
    today: date,
    offset: int = 0,
    limit: int = 100,
    sections: Sections | None = None,
) -> list[CaseRow]:
    """Rows ``offset`` … ``offset + limit`` of the list ``f`` shows. The default view comes in
    sections (``sectioned``): a page past the first needs their sizes, ``sections`` when the caller
    has them (section_counts for ``f`` and ``today``), else they are counted here."""
    where, args = _where(f, today)
    if not sectioned(f):
        sql = f"{_SELECT}{where} ORDER BY {_ORDER.get(f.sort, _ORDER['termijn'])} LIMIT ? OFFSET ?"
        return [_case_row(r) for r in conn.execute(sql, [*args, limit, offset]).fetchall()]
    if _narrowed(f):
        # The few matches come from an index of their own (the search's trigrams, a caseworker, a
        # step): sorting them into sections is quicker than walking the sections for them.
        day, week_end = today.isoformat(), (today + timedelta(days=WEEK - 1)).isoformat()
        sql = f"{_SELECT}{where} ORDER BY {_SECTION_SORT} LIMIT ? OFFSET ?"
        rows = conn.execute(sql, [*args, day, week_end, day, day, limit, offset]).fetchall()
        return [_case_row(r) for r in rows]
    # rows per query of _segments where known, in SECTION_ORDER (the later section is two index ranges)
    sizes: list[int | None] = (
        [n for _, n in sections.in_order()][:3] + [None, None] if sections is not None else [None] * 5
    )
    out: list[CaseRow] = []
    glue = " AND " if where else " WHERE "
    segments = _segments(today)
    for i, ((cond, order, extra), size) in enumerate(zip(segments, sizes)):
        if len(out) >= limit:
            break
        if offset > 0 and i < len(segments) - 1:
            if size is None:
                size = conn.execute(f"SELECT count(*) {_source(where)}{glue}{cond}", [*args, *extra]).fetchone()[0]
            if offset >= size:
                offset -= size  # this section ends before the page starts
                continue
        sql = f"{_SELECT}{where}{glue}{cond} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = conn.execute(sql, [*args, *extra, limit - len(out), offset]).fetchall()
        out += [_case_row(r) for r in rows]
        offset = 0
    return out


def _case_row(r: tuple) -> CaseRow:
    """A row of ``_SELECT``: its columns come in the order of CaseRow's fields."""
    due = date.fromisoformat(r[9]) if r[9] else None
    # the text policy on the way out too: a row another tool wrote never reaches a screen raw
    name = scrub_text(r[3]) if has_controls(r[3]) else r[3]
    worker = scrub_text(r[13]) if r[13] and has_controls(r[13]) else r[13]
    return CaseRow(*r[:3], name, *r[4:9], due, r[10], r[11], bool(r[12]), worker, bool(r[14]), r[15], r[16])  # type: ignore[call-arg]


# `herstel termijnen` visits some 35,000 rows of four tables in no order of theirs (100k cases):
# through a memory map SQLite copies no page into its cache (~60 -> ~48 ms). Only for a quick
# path's read-only connection to a file on a local disk, where SQLite's caveats for memory-mapped
# I/O (network file systems, a file truncated under a reader) do not arise.
MAPPED_READS = "PRAGMA mmap_size = 268435456"


def due_termijnen(
    conn: sqlite3.Connection, today: date, until: date, caseworker: str | None = None, *, brief: bool = False
) -> list[tuple]:
    """(due date, zaaknummer, naam, track, rule, caseworker) of every termijn of an open case that
    runs on ``today``, is the municipality's own (not waited on) and is due by ``until``; soonest
    first, then by zaaknummer and the engine's order. From the case index (case_deadlines): no
    engine pass, and standard library only (`herstel termijnen`'s quick path reads it too).
    ``brief``: (due date, zaaknummer, naam, rule) only, what the plain table shows (each column
    fetched costs ~0.3 µs a row in Python; 8,500 rows over SSH)."""
    # one index range per kind (case_deadlines_running): a deadline runs until its stop
    # event, a period also until its due date
    columns = "c.track, d.rule, c.caseworker" if not brief else "d.rule"
    part = (
        f"SELECT d.due, c.zaaknummer, p.surname || ', ' || p.given_names, {columns}, d.seq "
        "FROM case_deadlines d CROSS JOIN case_summary s ON s.case_id = d.case_id "
        "CROSS JOIN cases c ON c.id = d.case_id CROSS JOIN persons p ON p.id = c.person_id "
        "WHERE d.kind = '{kind}' AND d.stopped IS NULL AND d.due <= :until {after} AND d.own = 1 "
        "AND s.next_due <= :until AND s.closed = 0 AND c.closed IS NULL"
        + (" AND c.caseworker = :worker" if caseworker else "")
    )
    n = 4 if brief else 6
    sql = (
        part.format(kind="deadline", after="")
        + " UNION ALL "
        + part.format(kind="period", after="AND d.due > :t")
        + f" ORDER BY 1, 2, {n + 1}"
    )
    args = {"until": until.isoformat(), "t": today.isoformat(), "worker": caseworker}
    return [r[:n] for r in conn.execute(sql, args)]


class ListReader:
    """A read-only connection for the werkvoorraad's queries. Standard library only, so the desk
    can paint its first page before pydantic and the full Store are loaded."""

    def __init__(
        self, path: Path | str, passphrase: str | None = None, *, conn: sqlite3.Connection | None = None
    ) -> None:
        """``conn``: a read-only connection to ``path`` already open (:func:`quick_list_reader`)."""
        if conn is not None:
            self.conn = conn
            return
        from pathlib import Path

        from herstel_tui.store.base import check_database_file, connect_readonly

        check_database_file(Path(path), encrypted=passphrase is not None)
        self.conn = connect_readonly(Path(path), passphrase)

    def count(self, f: CaseFilter, today: date) -> int:
        return count_cases(self.conn, f, today)

    def is_demo(self) -> bool:
        """Whether ``herstel demo`` made this file (:data:`store.base.DEMO_MARK`)."""
        from herstel_tui.store.base import marked_demo

        return marked_demo(self.conn)

    def page(
        self, f: CaseFilter, today: date, offset: int = 0, limit: int = 100, sections: Sections | None = None
    ) -> list[CaseRow]:
        return list_cases(self.conn, f, today, offset, limit, sections)

    def sections(self, f: CaseFilter, today: date, total: int | None = None) -> Sections:
        return section_counts(self.conn, f, today, total)

    def has_stale_periods(self, today: date) -> bool:
        """Whether the case index holds a period that has run out by ``today`` (the full Store
        would recompute those rows on opening)."""
        return self.conn.execute(STALE_PERIODS + " LIMIT 1", (today.isoformat(),)).fetchone() is not None

    def data_version(self) -> int:
        """SQLite's data_version on this connection: it changes when another connection commits."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def interrupt(self) -> None:
        """Abort the query running on this reader, if any (from another thread)."""
        self.conn.interrupt()

    def close(self) -> None:
        self.conn.close()


def ready_for_quick_read(path: Path | str, fingerprint: str) -> bool:
    """True when the file is at this code's schema and its case index was computed with the
    routekaart whose ``fingerprint`` is given, i.e. when opening the full Store with that
    routekaart would change nothing the list shows."""
    reader = quick_list_reader(path, fingerprint)
    if reader is None:
        return False
    reader.close()
    return True


def quick_list_reader(path: Path | str, fingerprint: str) -> ListReader | None:
    """:func:`ready_for_quick_read` that keeps its connection: a ListReader on it when the answer
    is True (the desk's first page is read on it: SQLite reads the schema once, not on a second
    connection), else None (nothing left open)."""
    from pathlib import Path

    from herstel_tui.store.base import open_current

    conn = open_current(Path(path), readonly=True)
    if conn is None:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'routekaart_hash'").fetchall()
    except sqlite3.Error:
        row = []
    except BaseException:
        conn.close()
        raise
    if not row or row[0][0] != fingerprint:
        conn.close()
        return None
    return ListReader(path, conn=conn)


def index_current(conn: sqlite3.Connection, fingerprint: str, today: date) -> bool:
    """True when opening the full Store would leave the case index as it is (see
    ``store.cases.refresh_derived``): computed with the routekaart whose ``fingerprint`` is given,
    and no period in it has run out by ``today``. A quick path that reads the index (`herstel zoek`,
    `termijnen`) answers only then; otherwise the full Store brings the index up to date first."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'routekaart_hash'").fetchone()
        if row is None or row[0] != fingerprint:
            return False
        stale = conn.execute(
            "SELECT 1 FROM case_summary WHERE next_kind = 'period' AND next_due <= ? LIMIT 1", (today.isoformat(),)
        ).fetchone()
    except sqlite3.Error:
        return False
    return stale is None
