"""All SQL of the management overview (overzicht), ``store.overview``; reads only.

"Open" means what the werkvoorraad means by it: the routekaart does not call the case closed
(``case_summary.closed = 0``) and nobody closed it by hand (``cases.closed IS NULL``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from herstel_tui.domain.routekaart import RecordedEvent
from herstel_tui.store.repository import Repository

OPEN = "(s.closed = 0 AND c.closed IS NULL)"


class CaseFacts(NamedTuple):
    id: int
    track: str
    caseworker: str | None
    open: bool
    urgent: bool


class OverviewQueries(Repository):
    """``store.overview``"""

    def track_counts(self, year: int) -> list[tuple[str, int, int, int, int]]:
        """(track, cases, open, opened in ``year``, distinct persons) per track."""
        sql = f"""SELECT c.track, count(*), sum({OPEN}), sum(substr(c.opened, 1, 4) = ?),
                         count(DISTINCT c.person_id)
                  FROM cases c JOIN case_summary s ON s.case_id = c.id GROUP BY c.track"""
        with self.reading():
            return [(r[0], r[1], r[2] or 0, r[3] or 0, r[4]) for r in self.conn.execute(sql, (f"{year:04d}",))]

    def step_counts(self) -> list[tuple[str, str | None, int, int]]:
        """(track, current step id or None, open, not open) from the case index."""
        sql = f"""SELECT c.track, s.current_step, sum({OPEN}), sum(NOT {OPEN})
                  FROM cases c JOIN case_summary s ON s.case_id = c.id GROUP BY c.track, s.current_step"""
        with self.reading():
            return [(r[0], r[1], r[2] or 0, r[3] or 0) for r in self.conn.execute(sql)]

    def outcome_counts(self) -> list[tuple[str, str | None, int, int]]:
        """(track, decisive outcome or None, open, not open) from the case index."""
        sql = f"""SELECT c.track, s.outcome, sum({OPEN}), sum(NOT {OPEN})
                  FROM cases c JOIN case_summary s ON s.case_id = c.id GROUP BY c.track, s.outcome"""
        with self.reading():
            return [(r[0], r[1], r[2] or 0, r[3] or 0) for r in self.conn.execute(sql)]

    def urgent_counts(self) -> list[tuple[str, str | None, int, int]]:
        """(track, urgency criterion or None, on the casuïstiekoverleg 0/1, open cases) of open urgent cases."""
        sql = f"""SELECT c.track, c.urgency, c.casuistiekoverleg, count(*)
                  FROM cases c JOIN case_summary s ON s.case_id = c.id
                  WHERE {OPEN} AND (c.urgency IS NOT NULL OR c.casuistiekoverleg = 1)
                  GROUP BY c.track, c.urgency, c.casuistiekoverleg"""
        with self.reading():
            return [(r[0], r[1], r[2], r[3]) for r in self.conn.execute(sql)]

    def cases_with_events(self) -> Iterator[tuple[CaseFacts, list[RecordedEvent]]]:
        """Every case with its timeline in record order (as the engine takes it), in one pass.

        Two cursors are merged: cases by id and events by case (through the ``events_case`` index),
        so only one case's events are in memory at a time. The store's lock is held until the
        iteration ends (use a read-only Store in the desk).
        """
        case_sql = f"""SELECT c.id, c.track, c.caseworker, {OPEN},
                              (c.urgency IS NOT NULL OR c.casuistiekoverleg = 1)
                       FROM cases c JOIN case_summary s ON s.case_id = c.id ORDER BY c.id"""
        event_sql = """SELECT case_id, id, step, outcome, fact_date, correction, reason
                       FROM events ORDER BY case_id, fact_date, id"""
        fromiso = date.fromisoformat
        with self.reading():
            # the facts a toeslagpartner's or child's case shares with the household's aanvrager
            shared: dict[int, list[RecordedEvent]] = {}
            for mcid, pid, mtrack in self.conn.execute(
                "SELECT DISTINCT c.id, c.person_id, c.track FROM cases c JOIN household_members hm "
                "ON hm.person_id = c.person_id WHERE hm.role IN ('toeslagpartner', 'kind')"
            ).fetchall():
                inherited = self.store.cases.inherited(pid, mtrack)
                if inherited:
                    shared[mcid] = inherited
            cur = self.conn.execute(event_sql)
            batch: list = []
            pos = 0

            def fill() -> bool:
                nonlocal batch, pos
                batch, pos = cur.fetchmany(20_000), 0
                return bool(batch)

            more = fill()
            for cid, track, worker, is_open, urgent in self.conn.execute(case_sql):
                rows = []
                while more:
                    if pos == len(batch):
                        more = fill()
                        continue
                    r = batch[pos]
                    if r[0] > cid:
                        break
                    if r[0] == cid:
                        rows.append(r)
                    pos += 1
                if len(rows) > 1:
                    rows.sort(key=lambda r: r[1])  # record order
                evs = shared.get(cid, []) + [
                    RecordedEvent(step, fromiso(fact), outcome, bool(corr), reason, eid)
                    for _, eid, step, outcome, fact, corr, reason in rows
                ]
                yield CaseFacts(cid, track, worker, bool(is_open), bool(urgent)), evs
