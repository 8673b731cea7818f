"""All SQL of the management overview (overzicht), ``store.overview``; reads only.

The case groups and the termijnen figures come from the tallies ``overview_groups`` and
``overview_deadlines`` (a few thousand rows, kept by triggers with every write: ``store/schema.py``);
nazorg, afbouw and overdue cases per caseworker from the running termijnen of open cases.

"Open" means what the werkvoorraad means by it: the routekaart does not call the case closed
(``case_summary.closed = 0``) and nobody closed it by hand (``cases.closed IS NULL``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from herstel_tui.store.repository import Repository

OPEN = "(s.closed = 0 AND c.closed IS NULL)"


class CaseGroup(NamedTuple):
    """Cases alike in everything the overview counts them by (see :meth:`OverviewQueries.case_groups`)."""

    track: str
    step: str | None  # case_summary.current_step
    outcome: str | None
    open: int
    new: int  # opened in the year asked for
    caseworker: str | None
    urgency: str | None
    casuistiekoverleg: int


class OverviewQueries(Repository):
    """``store.overview``"""

    def case_groups(self, year: int) -> list[tuple[CaseGroup, int]]:
        """Every case in the case index, counted per :class:`CaseGroup`, ordered by group: from the
        tally ``overview_groups`` that triggers keep with every write (``store/schema.py``, issue 18),
        a few thousand rows instead of every case."""
        opened_in = f"{year:04d}"
        groups: Counter[CaseGroup] = Counter()
        with self.reading():
            rows = self.conn.execute("SELECT grp, n FROM overview_groups WHERE n > 0 ORDER BY grp").fetchall()
        for key, n in rows:
            track, step, outcome, is_open, opened, caseworker, urgency, cso = json.loads(key)
            groups[CaseGroup(track, step, outcome, is_open, opened == opened_in, caseworker, urgency, cso)] += n
        return list(groups.items())

    def deadline_states(
        self, today: date, rules: Sequence[str], *, by_track: bool = False
    ) -> list[tuple[str | None, str, str | None, int, int, int, int]]:
        """(track or None, rule, stopped_by, overdue, running, late, in time) over the termijnen of
        every case, for these rules, on ``today``; per track only ``by_track``.

        Not stopped: *overdue* when ``today`` is after the due date, else *running*. Stopped: *late*
        after the due date, else *in time*, grouped by the title of the event that stopped it. A
        period that has run out by ``today`` counts as stopped on its due date by nothing, as the
        engine says it. Without ``by_track`` from the tally ``overview_deadlines`` (kept by triggers
        with every write), else from every termijn.
        """
        if by_track:
            return self._deadline_states_by_track(today, rules)
        ran_out = "(d.late IS NULL AND d.kind = 'period' AND d.due <= :t)"
        sql = f"""SELECT NULL, d.rule, d.stopped_by,
                         ifnull(sum(d.n * (d.late IS NULL AND NOT {ran_out} AND d.due < :t)), 0),
                         ifnull(sum(d.n * (d.late IS NULL AND NOT {ran_out} AND d.due >= :t)), 0),
                         ifnull(sum(d.n * (d.late = 1)), 0),
                         ifnull(sum(d.n * (d.late = 0 OR {ran_out})), 0)
                  FROM overview_deadlines d
                  WHERE d.n > 0 AND d.rule IN (SELECT value FROM json_each(:rules))
                  GROUP BY 2, 3"""
        with self.reading():
            return self.conn.execute(sql, {"t": today.isoformat(), "rules": json.dumps(list(rules))}).fetchall()

    def _deadline_states_by_track(
        self, today: date, rules: Sequence[str]
    ) -> list[tuple[str | None, str, str | None, int, int, int, int]]:
        """:meth:`deadline_states` per track, over every termijn (the tally has no track)."""
        ran_out = "(d.stopped IS NULL AND d.kind = 'period' AND d.due <= :t)"
        sql = f"""SELECT c.track, d.rule, d.stopped_by,
                         ifnull(sum(d.stopped IS NULL AND NOT {ran_out} AND d.due < :t), 0),
                         ifnull(sum(d.stopped IS NULL AND NOT {ran_out} AND d.due >= :t), 0),
                         ifnull(sum(d.stopped > d.due), 0),
                         ifnull(sum(d.stopped <= d.due OR {ran_out}), 0)
                  FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                  WHERE d.rule IN (SELECT value FROM json_each(:rules))
                  GROUP BY 1, 2, 3"""
        with self.reading():
            return self.conn.execute(sql, {"t": today.isoformat(), "rules": json.dumps(list(rules))}).fetchall()

    def recount(self) -> None:
        """Count the tallies afresh from the rows (``herstel controle --herbouw``)."""
        from herstel_tui.store.tally_sql import fill_tallies

        with self.transaction() as conn:
            fill_tallies(conn)

    def running_open(self, today: date, rules: Sequence[str]) -> list[tuple[str, int, int]]:
        """(rule, termijnen, of which overdue) running on ``today`` in open cases, for these rules."""
        sql = f"""SELECT d.rule, count(*), sum(d.due < :t)
                  FROM case_deadlines d CROSS JOIN cases c ON c.id = d.case_id CROSS JOIN case_summary s ON s.case_id = c.id
                  WHERE d.stopped IS NULL AND NOT (d.kind = 'period' AND d.due <= :t) AND {OPEN}
                        AND d.rule IN (SELECT value FROM json_each(:rules))
                  GROUP BY d.rule"""
        with self.reading():
            return self.conn.execute(sql, {"t": today.isoformat(), "rules": json.dumps(list(rules))}).fetchall()

    def overdue_per_worker(self, today: date) -> dict[str | None, int]:
        """caseworker → open cases with at least one overdue termijn of their own on ``today``: one
        the municipality owes, not stopped, its due date before ``today`` (a period runs out by
        itself and is never overdue; what UHT owes is waited on)."""
        sql = f"""SELECT c.caseworker, count(DISTINCT c.id)
                  FROM case_deadlines d CROSS JOIN cases c ON c.id = d.case_id CROSS JOIN case_summary s ON s.case_id = c.id
                  WHERE d.stopped IS NULL AND d.due < ? AND d.own = 1 AND d.kind = 'deadline' AND {OPEN}
                  GROUP BY c.caseworker"""
        with self.reading():
            return dict(self.conn.execute(sql, (today.isoformat(),)).fetchall())


def tallies_differ(conn: sqlite3.Connection) -> list[str]:
    """The overview's tallies (``overview_groups``, ``overview_deadlines``) that differ from a count
    of the rows they tally: their names; empty when both agree (tests; a check)."""
    from herstel_tui.store.tally_sql import OVERVIEW_COUNTS

    out = []
    for table, (_columns, count) in OVERVIEW_COUNTS.items():
        kept = conn.execute(f"SELECT * FROM {table} WHERE n != 0 ORDER BY grp").fetchall()
        if kept != conn.execute(f"SELECT * FROM ({count}) ORDER BY 1").fetchall():
            out.append(table)
    return out
