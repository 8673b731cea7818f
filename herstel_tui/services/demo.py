"""Deterministic synthetic demo data: Dutch households walking the routekaart.

Every BSN comes from the range reserved for test persons (starting with 9999) and passes the
11-check, so it can never belong to a real person. That range holds only about 9,100 valid
numbers; in a larger demo the persons after that have no BSN (as a zelfmelder without a
verified BSN would), and the summary printed says how many.

The walk through the routekaart asks the engine for the possible next steps at each point,
so the demo can only contain histories the engine accepts, whatever the data file says.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import eleven_check
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.routekaart import RecordedEvent, Routekaart
from herstel_tui.files.atomic import private_dir
from herstel_tui.services.demo_stories import SHARED_CHILD, SHARED_PARTNER, Story, accepted, make_story, sorted_events
from herstel_tui.store.base import DEMO_MARK
from herstel_tui.store.bulk import bulk_load, insert_many
from herstel_tui.store.cases import DEADLINE_INSERT
from herstel_tui.store.db import Store
from herstel_tui.store.index_batch import evaluation_order, index_marks, index_rows, token
from herstel_tui.store.persons import MEMBER_INSERT

FIRST_F = [
    "Anna",
    "Fatima",
    "Sanne",
    "Ilse",
    "Naima",
    "Esther",
    "Priya",
    "Monique",
    "Samira",
    "Lotte",
    "Yvonne",
    "Sevda",
    "Kim",
    "Marloes",
    "Chantal",
    "Jacqueline",
    "Rachida",
    "Demi",
    "Ingrid",
    "Nicole",
    "Shirley",
    "Hanneke",
    "Aisha",
    "Petra",
    "Wendy",
    "Mirjam",
    "Desiree",
    "Latifa",
    "Romy",
    "Tamara",
]
FIRST_M = [
    "Jan",
    "Mohamed",
    "Pieter",
    "Kees",
    "Ahmed",
    "Dennis",
    "Mark",
    "Rachid",
    "Bas",
    "Erik",
    "Stefan",
    "Hakan",
    "Ricardo",
    "Jeroen",
    "Youssef",
    "Patrick",
    "Ronald",
    "Mustafa",
    "Sander",
    "Ruud",
    "Thijs",
    "Kevin",
    "Orlando",
    "Hans",
    "Arjen",
    "Bilal",
    "Frank",
    "Marco",
    "Tim",
    "Glenn",
]
KIDS = [
    "Noah",
    "Emma",
    "Liam",
    "Julia",
    "Daan",
    "Mila",
    "Sem",
    "Tess",
    "Lucas",
    "Sara",
    "Adam",
    "Nora",
    "Levi",
    "Yara",
    "Finn",
    "Zoë",
    "Amir",
    "Lina",
    "Milan",
    "Evi",
    "Ayoub",
    "Fenna",
    "Ryan",
    "Noor",
]
SURNAMES = [
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Kok",
    "Yilmaz",
    "El Amrani",
    "Boukhari",
    "Kaya",
    "Pinas",
    "Rozendaal",
    "Verhoeven",
    "Willems",
    "Koster",
    "Prins",
    "Huisman",
    "Postma",
    "Kuipers",
    "Veenstra",
    "Mohan",
    "Ramdin",
    "Sahin",
    "Öztürk",
    "Martina",
    "Bouzid",
    "Haddou",
    "Schouten",
    "Timmermans",
]
WITH_PREFIX = [
    ("de", "Vries"),
    ("van", "Dijk"),
    ("van den", "Berg"),
    ("de", "Jong"),
    ("van der", "Meer"),
    ("de", "Boer"),
    ("van", "Leeuwen"),
    ("van der", "Linden"),
    ("de", "Graaf"),
    ("van", "Wijk"),
    ("ter", "Horst"),
    ("van 't", "Hof"),
]
STREETS = [
    "Dorpsstraat",
    "Kerkstraat",
    "Schoolstraat",
    "Molenweg",
    "Julianastraat",
    "Beatrixlaan",
    "Stationsweg",
    "Lindelaan",
    "Marktplein",
    "Havenkade",
    "Eikenlaan",
    "Prins Bernhardstraat",
    "Wilhelminapark",
    "Zuiderweg",
    "Nieuwe Gracht",
    "Oranjestraat",
    "Burgemeester Visserstraat",
    "Rozenhof",
    "Meidoornpad",
]
TOWNS = [
    ("Rotterdam", 3000),
    ("Amsterdam", 1000),
    ("Den Haag", 2490),
    ("Utrecht", 3500),
    ("Almere", 1300),
    ("Tilburg", 5000),
    ("Eindhoven", 5600),
    ("Groningen", 9700),
    ("Zaandam", 1500),
    ("Schiedam", 3110),
]
CASEWORKERS = [
    "a.bakker",
    "f.elamrani",
    "j.devries",
    "m.kaya",
    "p.jansen",
    "r.pinas",
    "s.vandijk",
    "t.meijer",
    "w.smit",
    "y.ozturk",
]
NOTES = [
    ("telefoon", "Ouder gebeld; afspraak gemaakt voor een gesprek thuis."),
    ("telefoon", "Niet bereikt; voicemail ingesproken."),
    ("huisbezoek", "Huisbezoek: inventarisatie van de vijf leefgebieden gestart."),
    ("e-mail", "Stukken over schulden ontvangen per e-mail."),
    ("brief", "Brief gestuurd met uitleg over de brede ondersteuning."),
    ("gesprek", "Gesprek op het stadskantoor; ouder wil hulp bij de woning."),
    ("telefoon", "Ouder meldt dat de eerste toets is ontvangen."),
    ("bericht", "Ouder vraagt per bericht om terugbellen."),
    ("huisbezoek", "Samen met de ouder het plan van aanpak doorgelopen."),
    ("telefoon", "Schuldeiser gebeld over het moratorium."),
]
CHANNELS = ("telefoon", "brief", "e-mail", "huisbezoek")  # a person's preferred channel
# Choices a walk makes less often than the others (weight 1.0), so the demo is not
# dominated by parents who decline support.
URGENCIES = ["terminale_ziekte", "executoriale_verkoop_of_uitzetting", "onomkeerbare_situatie"]


def test_bsns(rng: random.Random) -> list[str]:
    """All valid BSNs of the test range 9999xxxxx, in a seeded order."""
    pool = [f"9999{n:05d}" for n in range(100_000) if eleven_check(f"9999{n:05d}")]
    rng.shuffle(pool)
    return pool


def draws(rng: random.Random) -> tuple[Callable[[Sequence[T]], T], Callable[[int, int], int]]:
    """``rng.choice`` and ``rng.randrange(start, stop)`` as random.Random draws them
    (_randbelow_with_getrandbits): the same numbers in the same order, in one Python call instead of
    two or three (a third of the demo's walk was spent in random.py's layers)."""
    draw = rng.getrandbits

    def choice(seq: Sequence[T]) -> T:
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        k = n.bit_length()
        r = draw(k)
        while r >= n:
            r = draw(k)
        return seq[r]

    def randrange(start: int, stop: int) -> int:
        n = stop - start
        if n <= 0:
            raise ValueError(f"empty range for randrange() ({start}, {stop})")
        k = n.bit_length()
        r = draw(k)
        while r >= n:
            r = draw(k)
        return start + r

    return choice, randrange


@dataclass(frozen=True)
class DemoPlan:
    """What a demo's data follows besides its size: the same in every worker process."""

    seed: int
    me: str | None
    today: date
    now: str  # recorded_at of every event and note
    batch_cases: int  # rows are handed over per batch of about this many cases


class _Ids:
    def __init__(self) -> None:
        self.person = self.household = self.case = self.event = self.note = 0


# Rows are written per batch of this many cases: memory stays flat whatever the size of the demo.
BATCH_CASES = 20_000
# The tables the demo fills; their indexes are built once, after the rows (store/bulk.py).
DEMO_TABLES = (
    "persons",
    "households",
    "household_members",
    "cases",
    "events",
    "contact_notes",
    "case_summary",
    "case_deadlines",
)
# The indexes whose keys the rows bring in their order: kept through the bulk load, each entry appended
# (store/bulk.py), while the shards are copied in rather than after the last one: the events of case after
# case, each case's by date; a case's contact notes (case after case, a case's few by date at the end of
# the index); the household members by person (persons are numbered as their households are made). The
# others' keys come in no order: sorted after the rows.
DEMO_KEPT_INDEXES = ("events_case", "contact_notes_case", "household_members_person")

T = TypeVar("T")

SYSTEM_ACCOUNTS = {"root", "admin", "administrator", "demo", "system"}


def build_demo(
    store: Store,
    cases: int = 2000,
    *,
    seed: int = 20261123,
    me: str | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 0,
    batch_cases: int | None = None,
) -> dict[str, int]:
    """Fill an empty store with ``cases`` demo cases. Deterministic for a given seed and today.
    With ``workers`` (2 or more) the rows are made in that many worker processes
    (services/demo_shards.py); the database is the same."""
    if cases < 1:
        raise ValueError("het aantal zaken moet minstens 1 zijn")
    if store.conn.execute("SELECT count(*) FROM persons").fetchone()[0]:
        raise ValueError(f"{store.path} bevat al gegevens; demogegevens gaan alleen in een lege database")
    plan = DemoPlan(seed, me, today or clock.today(), clock.now_iso(), batch_cases or BATCH_CASES)
    if workers > 1:
        from herstel_tui.services.demo_shards import build_in_shards

        return build_in_shards(store, cases, plan, workers=workers, progress=progress)
    with store.transaction() as conn:
        with bulk_load(conn, DEMO_TABLES, keep=DEMO_KEPT_INDEXES) as load:

            def write(_shard: int, rows: Rows, last: int) -> None:
                """Write what the batch holds; its cases' search rows and tallies are filled on a second
                thread while the next batch is made."""
                load.wait()  # the previous batch's fill is done: the connection is ours
                insert_rows(conn, rows)
                load.written(last)

            result = walk(store.routekaart, cases, plan, write=write, progress=progress)
        finish_demo(store, conn, plan, result)
    conn.execute("ANALYZE")
    return result


# Each table's INSERT, in DEMO_TABLES order (the order of a batch's lists)
ROW_INSERTS = (
    "INSERT INTO persons (id, bsn, given_names, surname_prefix, surname, birth_date, street, house_number,"
    " postcode, city, phone, email, preferred_channel) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO households (id, registered_on) VALUES (?,?)",
    MEMBER_INSERT,
    "INSERT INTO cases (id, zaaknummer, person_id, track, caseworker, opened, closed, urgency,"
    " casuistiekoverleg, version) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO events (id, case_id, step, outcome, fact_date, recorded_at, recorded_by, note, correction,"
    " reason) VALUES (?,?,?,?,?,?,?,NULL,0,NULL)",
    "INSERT INTO contact_notes (id, case_id, date, channel, text, by, recorded_at) VALUES (?,?,?,?,?,?,?)",
    "INSERT INTO case_summary (case_id, current_step, current_title, outcome, next_due, next_rule, next_kind,"
    " closed, last_event) VALUES (?,?,?,?,?,?,?,?,?)",
    DEADLINE_INSERT,
)
Rows = tuple[list[tuple], ...]  # a batch's rows of each of DEMO_TABLES


def insert_rows(conn: sqlite3.Connection, rows: Rows) -> None:
    """A batch's rows into the tables (each list in DEMO_TABLES order), in their order."""
    for sql, table_rows in zip(ROW_INSERTS, rows, strict=True):
        insert_many(conn, sql, table_rows)


def finish_demo(store: Store, conn: sqlite3.Connection, plan: DemoPlan, result: dict[str, int]) -> None:
    """After the rows (inside the transaction): the demo's marks in ``meta`` and its audit row."""
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)",
        [
            DEMO_MARK,
            ("demo_seed", str(plan.seed)),
            ("demo_date", plan.today.isoformat()),
            *index_marks(store.routekaart),
        ],
    )
    store.audit.append(AuditAction.DEMO_CREATED, "database", None, detail=result)


def walk(
    rk: Routekaart,
    cases: int,
    plan: DemoPlan,
    *,
    write: Callable[[int, Rows, int], None],
    progress: Callable[[int], None] | None = None,
    shard_cases: int = 0,
    mine: Callable[[int], bool] | None = None,
    enter: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Make the demo's rows, household after household, and hand them per batch of about
    ``plan.batch_cases`` cases to ``write(shard, rows, last case id)``; returns the demo's counts.

    With ``shard_cases``, the households are parted in shards: a household whose first case id
    would be above ``shard * shard_cases`` belongs to that shard, and a batch never spans two.
    Of a shard that is not ``mine`` no rows are made, only the random draws and counts that later
    households depend on (the walk is the same), and ``write`` is not called; ``enter(shard)`` is
    called as the walk comes to each shard's first household (and ``enter`` of one past the last
    shard at the end)."""
    seed, me, today, now, batch_cases = plan.seed, plan.me, plan.today, plan.now, plan.batch_cases
    rng = random.Random(seed)
    choice, randrange = draws(rng)

    bsns = iter(test_bsns(random.Random(seed + 1)))
    ids = _Ids()
    batch: Rows = tuple([] for _ in DEMO_TABLES)  # the rows of the batch being made, a list per table
    persons, households, members, case_rows, events, notes, summaries, deadlines = batch
    counters: dict[int, int] = {}
    shard = 0  # the shard of the household being made
    take = mine is None or mine(0)  # whether its rows are made
    in_batch = 0  # cases in the batch being made
    if me in SYSTEM_ACCOUNTS:
        me = None  # a demo made as root gives its cases to the demo's caseworkers, not to "root"
    caseworkers = CASEWORKERS + ([me] if me and me not in CASEWORKERS else [])
    no_bsn = 0
    today_iso = today.isoformat()
    shapes = {track: rk.shapes(track) for track in rk.tracks}

    def person(first: str, tussen: str | None, last: str, born: date, addr: tuple) -> int:
        nonlocal no_bsn
        ids.person += 1
        bsn = next(bsns, None)
        if bsn is None:
            no_bsn += 1
        if not take:  # another shard's person: only the draws
            if rng.random() < 0.85:
                randrange(10_000_000, 99_999_999)
            if rng.random() < 0.6:
                randrange(1, 99)
            choice(CHANNELS)
            return ids.person
        phone = f"06-{randrange(10_000_000, 99_999_999)}" if rng.random() < 0.85 else None
        mail = (
            f"{first.lower()}.{last.lower().replace(' ', '')}{randrange(1, 99)}@voorbeeld.nl"
            if rng.random() < 0.6
            else None
        )
        channel = choice(CHANNELS)
        persons.append((ids.person, bsn, first, tussen, last, born.isoformat(), *addr, phone, mail, channel))
        return ids.person

    def adult(firsts: list[str], last: str | None, near: date, days: int, addr: tuple) -> int:
        """A partner, ex-partner or nabestaande, born within ``days`` of ``near``; without ``last``, a surname
        drawn after the first name."""
        first = choice(firsts)
        return person(first, None, last or choice(SURNAMES), near + timedelta(days=randrange(-days, days)), addr)

    # Stories are made and checked by the engine once per template (a pool), then laid over each
    # household's own dates: shifting every date by the same amount keeps every rule of the
    # routekaart (order, periods), the registration only moves earlier (before 1 January 2024), and
    # a history cut off at today is a prefix the engine accepted too. This keeps a 100,000-case demo
    # well under a minute.
    pool: list[Story] = []
    pool_size = min(cases, 2500)
    rejected = 0

    def story() -> Story:
        nonlocal rejected
        if len(pool) < pool_size:
            for _ in range(50):
                st = make_story(rng, kids=True, older_kid=True, partner=True, ex=True)
                if accepted(rk, st):
                    pool.append(st)
                    return st
                rejected += 1
        return choice(pool)

    horizon = today

    def open_case(pid: int, track: str, evs: list[tuple[str, str | None, date]], shared: list[RecordedEvent]) -> None:
        nonlocal in_batch
        if ids.case >= cases:
            return
        ids.case += 1
        in_batch += 1
        own = [(s, o, d) for s, o, d in evs if d <= horizon]
        first = [d for s, _, d in own if s != "aanvraag_herbeoordeling"] or [d for _, _, d in evs]
        opened = min(today, min(first))
        counters[opened.year] = counters.get(opened.year, 0) + 1
        urgency = choice(URGENCIES) if rng.random() < 0.03 else None
        casuistiek = 1 if urgency is None and rng.random() < 0.01 else 0
        worker = me if me and rng.random() < 0.12 else choice(caseworkers)
        if not take:  # another shard's case: only what later cases depend on (ids, draws)
            ids.event += len(own)
            for _ in range(choice([0, 1, 1, 2, 2, 3, 4])):
                ids.note += 1
                choice(NOTES)
                randrange(0, max(1, (today - opened).days + 1))
            return
        zaak = f"HKO-{opened.year}-{counters[opened.year]:06d}"
        dated = [(s, o, iso_of.get(d) or iso(d)) for s, o, d in own]
        # the case index as case_index gives it, one engine pass per shape of events (store.index_batch)
        steps, days = evaluation_order(
            [(d, token(s, o)) for s, o, d in dated],
            [(iso(e.fact_date), token(e.step, e.outcome, inherited=True)) for e in shared if e.fact_date <= horizon],
        )
        cid = ids.case
        summary = index_rows(shapes[track], cid, steps, days, today_iso, deadlines)
        closed = dated[-1][2] if summary[7] and dated else None
        case_rows.append((cid, zaak, pid, track, worker, iso(opened), closed, urgency, casuistiek, 1 + len(own)))
        first_event = ids.event + 1
        events.extend((first_event + i, cid, s, o, d, now, worker) for i, (s, o, d) in enumerate(dated))
        ids.event += len(dated)
        summaries.append(summary)
        for _ in range(choice([0, 1, 1, 2, 2, 3, 4])):
            ids.note += 1
            channel, text = choice(NOTES)
            when = opened + timedelta(days=randrange(0, max(1, (today - opened).days + 1)))
            notes.append((ids.note, ids.case, iso(when), channel, text, worker, now))

    cut_off = date(2023, 12, 31)  # "Aanmelden kan tot 1 januari 2024."
    earliest_start = date(2021, 6, 1)

    # id of a story's event list -> (the list, its events sorted, each day as a timedelta from the start)
    in_order: dict[int, tuple[list, list]] = {}
    spans: dict[int, int] = {}  # id of a story -> its span in days (a story is placed on hundreds of households)

    def place(st: Story, evs: list | None, start: date, registered: date) -> list[tuple[str, str | None, date]]:
        if not evs:
            return []
        known = in_order.get(id(evs))
        if known is None or known[0] is not evs:  # the pool keeps every story, so ids stay theirs
            known = in_order[id(evs)] = (evs, [(s, o, timedelta(days=d)) for s, o, d in sorted_events(evs)])
        return [(s, o, registered if s == "aanvraag_herbeoordeling" else start + d) for s, o, d in known[1]]

    iso_of: dict[date, str] = {}  # a few thousand distinct dates, written ten million times

    def iso(d: date) -> str:
        text = iso_of.get(d)
        if text is None:
            text = iso_of[d] = d.isoformat()
        return text

    def flush() -> None:
        """Hand over what the batch holds and let it go (a million cases never sit in memory at once)."""
        nonlocal in_batch
        if take:
            write(shard, batch, ids.case)
        for rows in batch:
            rows.clear()
        in_batch = 0

    while ids.case < cases:
        if shard_cases and ids.case // shard_cases != shard:
            flush()  # a batch never spans two shards
            shard = ids.case // shard_cases
            take = mine is None or mine(shard)
            if enter:
                enter(shard)
        ids.household += 1
        hid = ids.household
        town, pc = choice(TOWNS)
        addr = (
            choice(STREETS),
            str(randrange(1, 250)),
            f"{pc + randrange(0, 99):04d} {choice('ABCDEGHJKLMNPRSTVWXZ')}{choice('ABCDEGHJKLMNPRSTVWXZ')}",
            town,
        )
        st = story()
        span = spans.get(id(st))
        if span is None:  # (the pool keeps every story, so ids stay theirs)
            span = spans[id(st)] = max(st.span, 0)
        start = max(earliest_start, today - timedelta(days=randrange(0, span + 365)))
        # Now and then the work stalls: nothing recorded since some day (that is what the
        # "verlopen" filter is for); a history cut off at a date is a prefix the engine accepted.
        stalled = rng.random() < 0.25 and start < today
        horizon = start + timedelta(days=randrange(0, (today - start).days)) if stalled else today
        registered = start + timedelta(days=st.registered)
        if registered > cut_off:
            registered = cut_off - timedelta(days=randrange(0, 500))
        if take:
            households.append((hid, min(registered, today).isoformat()))
        female = rng.random() < 0.75
        if rng.random() < 0.25:
            tussen, last = choice(WITH_PREFIX)
        else:
            tussen, last = None, choice(SURNAMES)
        born = date(1965, 1, 1) + timedelta(days=randrange(0, 365 * 32))
        parent = person(choice(FIRST_F if female else FIRST_M), tussen, last, born, addr)
        if take:
            members.append((hid, parent, "aanvrager"))
        kids = [
            max(date(1984, 1, 1), min(date(2022, 11, 5), born + timedelta(days=randrange(6500, 14000))))
            for _ in range(choice([0, 1, 1, 2, 2, 3]))
        ]
        bo = place(st, st.bo, start, registered)
        if not kids:  # no children: no support to children in the parent's case
            bo = [e for e in bo if e[0] != "ondersteuning_kinderen"]
        sa = place(st, st.sa, start, registered)
        if bo:
            open_case(parent, "brede_ondersteuning", bo, [])
        if sa:
            open_case(parent, "schuldenaanpak", sa, [])
        if rng.random() < 0.5:
            partner = adult(FIRST_M if female else FIRST_F, choice(SURNAMES), born, 2000, addr)
            if take:
                members.append((hid, partner, "toeslagpartner"))
            if st.partner_sa and sa:
                shared = (
                    [RecordedEvent(s, d, o, inherited=True) for s, o, d in sa if s in SHARED_PARTNER] if take else []
                )
                open_case(partner, "schuldenaanpak", place(st, st.partner_sa, start, registered), shared)
        if rng.random() < 0.15:
            ex_addr = (choice(STREETS), str(randrange(1, 250)), addr[2], addr[3])
            ex = adult(FIRST_M if female else FIRST_F, None, born, 2000, ex_addr)
            if take:
                members.append((hid, ex, "ex-toeslagpartner"))
            if st.ex_bo:
                open_case(ex, "brede_ondersteuning", place(st, st.ex_bo, start, registered), [])
        child_case = False
        for kid_born in kids:
            kid = person(choice(KIDS), tussen, last, kid_born, addr)
            if take:
                members.append((hid, kid, "kind"))
            if st.child_bo and not child_case and (today - kid_born).days > 16 * 365 and (bo or sa):
                child_case = True  # one older child reports to the municipality; the case follows the parent
                source = bo or sa
                shared = (
                    [RecordedEvent(s, d, o, inherited=True) for s, o, d in source if s in SHARED_CHILD] if take else []
                )
                open_case(kid, "brede_ondersteuning", place(st, st.child_bo, start, registered), shared)
        if rng.random() < 0.01:
            nab = adult(FIRST_F + FIRST_M, None, born, 4000, addr)
            if take:
                members.append((hid, nab, "nabestaande"))
        if in_batch >= batch_cases:
            flush()
        if progress:
            progress(ids.case)
    flush()
    if enter:
        enter(shard + 1)
    return {
        "personen": ids.person,
        "zaken": ids.case,
        "gebeurtenissen": ids.event,
        "contactmomenten": ids.note,
        "zonder_bsn": no_bsn,
        "verhalen": len(pool),
        "verhalen_geweigerd": rejected,
    }


DEFAULT_DEMO_CASES = 2000
DEFAULT_SEED = 20261123


DEMO_TEMP_PREFIX = ".herstel-demo-"
BUILD_CACHE_KB = 256 * 1024  # SQLite's page cache while a new demo file fills
STALE_UNKNOWN_AFTER = 3600  # seconds: a temp file without a pid (an older version) is left this long


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_demo_files(folder: Path) -> list[Path]:
    """Remove what a killed ``herstel demo`` left in ``folder`` (its temporary database, -wal,
    -shm, -journal, the folder of its shard files): files whose builder process no longer runs. Returns what was removed."""
    import time

    removed = []
    for p in folder.glob(f"{DEMO_TEMP_PREFIX}*"):
        rest = p.name[len(DEMO_TEMP_PREFIX) :]
        pid_text = rest.split("-", 1)[0]
        if pid_text.isdigit() and "-" in rest:
            stale = not _alive(int(pid_text))
        else:
            try:
                stale = time.time() - p.stat().st_mtime > STALE_UNKNOWN_AFTER
            except OSError:
                continue
        if stale:
            if p.is_dir() and not p.is_symlink():  # a killed builder's shard files (services/demo_shards.py)
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
    return removed


# From this many cases on, the rows are made by worker processes (services/demo_shards.py), one per core
# (at most two): below it, starting them costs more than they save.
WORKERS_FROM = 50_000


def demo_workers(cases: int) -> int:
    """How many worker processes make the rows of a demo of ``cases`` cases (0: this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, 2) if cases >= WORKERS_FROM and cores > 1 else 0


def make_demo(
    path: Path, cases: int, *, routekaart: Routekaart, seed: int = DEFAULT_SEED, me: str | None = None
) -> dict[str, int]:
    """Build the demo next to ``path`` and move it into place only when it is complete."""
    from herstel_tui.services.register import demo_judge
    from herstel_tui.store.base import journal_mode_for, replace_database

    private_dir(path.parent)
    remove_stale_demo_files(path.parent)
    # the pid in the name tells a later run whether the builder still lives (a killed one leaves it)
    fd, tmp = tempfile.mkstemp(prefix=f"{DEMO_TEMP_PREFIX}{os.getpid()}-", suffix=".db", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        with Store(tmp_path, me or "demo", routekaart=routekaart) as store:
            # A new file nobody else can see yet: no journal and no syncs while it fills (a crash
            # leaves only this temporary file, removed below or by the next run), a page cache
            # that holds the index builds, a second thread for their sorting; foreign keys checked
            # once, in one pass after the rows, not per row (a fifth of the demo's inserts). The
            # move below happens only when the file is complete.
            for pragma in (
                "journal_mode = OFF",
                "synchronous = OFF",
                f"cache_size = -{BUILD_CACHE_KB}",
                "threads = 2",
                "foreign_keys = OFF",
            ):
                store.conn.execute(f"PRAGMA {pragma}")
            result = build_demo(store, cases, seed=seed, me=me, workers=demo_workers(cases))
            if store.conn.execute("PRAGMA foreign_key_check").fetchone():
                raise RuntimeError("demo: een verwijzing naar een rij die niet bestaat")  # (a bug, never data)
            store.conn.execute("PRAGMA foreign_keys = ON")
            store.conn.execute("PRAGMA synchronous = FULL")
            # The journal mode the Store chooses (WAL on a local disk), set before the move: a desk that
            # has the demo open, even one only reading its list, then holds a lock a later replacement
            # sees (in rollback mode an idle reader holds none). The clean close leaves no -wal.
            store.conn.execute(f"PRAGMA journal_mode = {journal_mode_for(store.network_fs)}")
        # over a demo nobody worked in only, judged again under the replacement's lock (never a register)
        replace_database(tmp_path, path, judge=demo_judge("Kies een ander pad met --db."))
    finally:
        for leftover in (tmp_path, Path(tmp + "-wal"), Path(tmp + "-shm"), Path(tmp + "-journal")):
            leftover.unlink(missing_ok=True)
    return result
