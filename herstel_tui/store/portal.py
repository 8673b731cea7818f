"""The portal ledger (``store.portal``): all SQL for portal files, the rows of an import under way
and child verifications (tables of migration 4). What an import records is decided in
``herstel_tui.services.portal_import``; this module only keeps the books.

Rules kept here: every write runs inside a transaction with its audit row; audit details never
hold a full BSN (masked: ``******123``) nor a verification code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from herstel_tui.domain.bsn import mask_bsn
from herstel_tui.domain.clock import now_iso
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.portal import AlreadyImported, FileMeta
from herstel_tui.domain.text import scrub_text
from herstel_tui.store.repository import Repository

#: One row's outcome of a portal list (``row_done``; the import's bulk writer the same).
ROW_DONE = "INSERT INTO portal_import_rows (file_id, row, action, text, notes) VALUES (?,?,?,?,?)"

# -- children -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildCandidate:
    person_id: int
    bsn: str
    name: str
    birth_date: date | None
    open_since: date | None  # an open request (no answer yet) since
    answer: bool | None  # the latest answer, if any

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)

    @property
    def status(self) -> str:
        if self.answer is True:
            return "behoort tot de populatie"
        if self.answer is False:
            return "behoort niet tot de populatie"
        if self.open_since:
            return f"aangevraagd op {format_date(self.open_since)}"
        return "nog niet geverifieerd"


_CHILD_SQL = """
    SELECT p.id, p.bsn, p.given_names, p.surname_prefix, p.surname, p.birth_date,
      (SELECT min(v.requested_on) FROM child_verifications v
        WHERE v.person_id = p.id AND v.answered_on IS NULL) AS open_since,
      (SELECT v.belongs FROM child_verifications v
        WHERE v.person_id = p.id AND v.answered_on IS NOT NULL
        ORDER BY v.answered_on DESC, v.id DESC LIMIT 1) AS answer
    FROM persons p
    WHERE {where}
      AND EXISTS (SELECT 1 FROM household_members hm WHERE hm.person_id = p.id AND hm.role = 'kind')
"""


def _child(row: tuple) -> ChildCandidate:
    pid, bsn, given_names, tussen, surname, born, open_since, answer = row
    name = " ".join(p for p in (given_names, tussen, surname) if p)
    return ChildCandidate(
        pid,
        bsn,
        name,
        date.fromisoformat(born) if born else None,
        date.fromisoformat(open_since) if open_since else None,
        None if answer is None else bool(answer),
    )


class PortalLedger(Repository):
    """``store.portal``"""

    # -- portal files ----------------------------------------------------------------------------

    def previous_import(self, sha256: str) -> tuple[str, str, str, str] | None:
        """(name, kind, at, by) of an earlier complete import of the same bytes, else None."""
        return self.conn.execute(
            "SELECT name, kind, at, by FROM portal_files WHERE sha256 = ? AND direction = 'import' AND status = 'klaar'",
            (sha256,),
        ).fetchone()

    def refuse_if_imported(self, file: FileMeta) -> None:
        """AlreadyImported (Dutch: when and by whom) when these bytes were imported completely before."""
        prev = self.previous_import(file.sha256)
        if prev:
            name, _kind, at, by = prev
            when = datetime.fromisoformat(at)
            same = "" if name == file.name else f" (als {name})"
            raise AlreadyImported(
                f"{file.name} is al ingelezen{same} op {format_date(when)} om {when:%H:%M} door {by}; "
                "er is niets gewijzigd."
            )

    def add_file(
        self, *, kind: str, direction: str, file_name: str, sha256: str, rows: int = 0, status: str = "klaar"
    ) -> int:
        fid = self.conn.execute(
            "INSERT INTO portal_files (kind, direction, name, sha256, rows, at, by, status) VALUES (?,?,?,?,?,?,?,?)",
            (kind, direction, scrub_text(file_name), sha256, rows, now_iso(), self.user, status),
        ).lastrowid
        assert fid is not None
        return fid

    def set_summary(self, file_id: int, summary: dict[str, Any]) -> None:
        self.conn.execute("UPDATE portal_files SET summary = ? WHERE id = ?", (json.dumps(summary), file_id))

    def files(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest files written to or read from the portal, newest first."""
        rows = self.conn.execute(
            "SELECT id, kind, direction, name, rows, summary, at, by FROM portal_files ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        keys = ("id", "kind", "direction", "name", "rows", "summary", "at", "by")
        return [{**dict(zip(keys, r)), "summary": json.loads(r[5]) if r[5] else None} for r in rows]

    # -- an import under way ---------------------------------------------------------------------

    def unfinished_import(self, sha256: str) -> tuple[int, str, str] | None:
        """(file id, started at, by) of an import of these bytes that was not finished."""
        return self.conn.execute(
            "SELECT id, at, by FROM portal_files WHERE sha256 = ? AND direction = 'import' AND status = 'bezig'",
            (sha256,),
        ).fetchone()

    def is_under_way(self, file_id: int) -> bool:
        row = self.conn.execute("SELECT status FROM portal_files WHERE id = ?", (file_id,)).fetchone()
        return row is not None and row[0] == "bezig"

    def rows_done(self, file_id: int) -> list[tuple[int, str, str, dict[str, Any]]]:
        """(row, action, text, extra) of the rows an import of this file has applied so far."""
        return [
            (row, action, text, json.loads(extra) if extra else {})
            for row, action, text, extra in self.conn.execute(
                "SELECT row, action, text, notes FROM portal_import_rows WHERE file_id = ?", (file_id,)
            )
        ]

    def rows_done_count(self, file_id: int) -> int:
        """How many rows an import of this file has applied so far (cheap: no row is read)."""
        return int(
            self.conn.execute("SELECT count(*) FROM portal_import_rows WHERE file_id = ?", (file_id,)).fetchone()[0]
        )

    def row_done(self, file_id: int, row: int, action: str, text: str, extra: dict[str, Any]) -> None:
        """One row's outcome, in the same transaction as the row's changes (each row exactly once)."""
        self.conn.execute(
            ROW_DONE,
            (file_id, row, action, text, json.dumps(extra, ensure_ascii=False)),
        )

    def finish_import(self, file_id: int, rows: int, counts: dict[str, int]) -> None:
        self.conn.execute(
            "UPDATE portal_files SET rows = ?, summary = ?, status = 'klaar' WHERE id = ?",
            (rows, json.dumps(counts), file_id),
        )
        self.conn.execute("DELETE FROM portal_import_rows WHERE file_id = ?", (file_id,))

    def unfinished(self) -> list[tuple[str, str, str]]:
        """(name, kind, started at) of every import that was not finished."""
        return self.conn.execute("SELECT name, kind, at FROM portal_files WHERE status = 'bezig'").fetchall()

    # -- cases a portal fact is noted on -----------------------------------------------------------

    def cases_concerned(self, person_id: int) -> tuple[list[int], bool]:
        """The cases on which a fact about a child is noted: the child's own cases; when the child
        has none, the brede-ondersteuning cases of the aanvrager(s) of the households where it is a
        child. Returns (case ids, True if they are the child's own)."""
        own = [r[0] for r in self.conn.execute("SELECT id FROM cases WHERE person_id = ? ORDER BY id", (person_id,))]
        if own:
            return own, True
        parents = [
            r[0]
            for r in self.conn.execute(
                """SELECT DISTINCT c.id FROM household_members k
               JOIN household_members a ON a.household_id = k.household_id AND a.role = 'aanvrager'
               JOIN cases c ON c.person_id = a.person_id AND c.track = 'brede_ondersteuning'
               WHERE k.person_id = ? AND k.role = 'kind' ORDER BY c.id""",
                (person_id,),
            )
        ]
        return parents, False

    def note_on_cases(self, person_id: int, own_text: str, parent_text: str, on: date) -> int:
        """A contact note (channel bericht) on every case concerned; returns how many."""
        ids, own = self.cases_concerned(person_id)
        for cid in ids:
            self.store.cases.add_note(cid, own_text if own else parent_text, channel="bericht", on=on)
        return len(ids)

    # -- child verifications -------------------------------------------------------------------------

    def children_to_verify(self, *, include_open: bool = False) -> list[ChildCandidate]:
        """Children registered with the municipality (role ``kind`` in a household, with a BSN) for
        whom no answer has been recorded; by default also without an open request (a request sent
        earlier whose answer has not come in). ``include_open`` asks again for those."""
        with self.reading():
            rows = self.conn.execute(
                _CHILD_SQL.format(where="p.bsn IS NOT NULL") + " ORDER BY p.surname, p.given_names, p.id"
            ).fetchall()
        out = []
        for r in rows:
            c = _child(r)
            if c.answer is not None:
                continue
            if c.open_since and not include_open:
                continue
            out.append(c)
        return out

    def child(self, bsn: str) -> ChildCandidate | None:
        """The person with this BSN when registered as a child in some household, else None."""
        with self.reading():
            row = self.conn.execute(_CHILD_SQL.format(where="p.bsn = ?"), (bsn,)).fetchone()
        return _child(row) if row else None

    def record_requests(self, file_id: int, children: Sequence[ChildCandidate], day: date) -> None:
        self.conn.executemany(
            "INSERT INTO child_verifications (person_id, bsn, requested_on, request_file_id) VALUES (?,?,?,?)",
            [(c.person_id, c.bsn, day.isoformat(), file_id) for c in children],
        )

    def verifications_by_bsn(self, bsn: str) -> list[tuple[int, int, str | None, int | None]]:
        """(id, person_id, answered_on, belongs) of every request for this BSN, oldest first."""
        return self.conn.execute(
            "SELECT id, person_id, answered_on, belongs FROM child_verifications WHERE bsn = ? ORDER BY id", (bsn,)
        ).fetchall()

    def record_answer(self, request_ids: Iterable[int], day: date, file_id: int, belongs: bool) -> None:
        ids = list(request_ids)
        self.conn.execute(
            f"UPDATE child_verifications SET answered_on = ?, answer_file_id = ?, belongs = ? "
            f"WHERE id IN ({','.join('?' * len(ids))})",
            (day.isoformat(), file_id, int(belongs), *ids),
        )

    def verifications_of(self, person_id: int) -> list[dict[str, Any]]:
        """The requests (and answers) for one child, oldest first, for a detail view."""
        rows = self.conn.execute(
            """SELECT v.requested_on, rf.name, v.answered_on, af.name, v.belongs FROM child_verifications v
               JOIN portal_files rf ON rf.id = v.request_file_id
               LEFT JOIN portal_files af ON af.id = v.answer_file_id
               WHERE v.person_id = ? ORDER BY v.id""",
            (person_id,),
        ).fetchall()
        return [
            {
                "aangevraagd": date.fromisoformat(r[0]),
                "vraagbestand": r[1],
                "beantwoord": date.fromisoformat(r[2]) if r[2] else None,
                "antwoordbestand": r[3],
                "behoort": None if r[4] is None else bool(r[4]),
            }
            for r in rows
        ]
