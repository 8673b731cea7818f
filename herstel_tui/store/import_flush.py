"""What an import batch (``store.import_batch``) sends to SQLite when it flushes: the statements of
the rows it holds, in the order they are sent (:func:`send`), and the texts of those rows that are
JSON (an audit row's detail of a changed person, a row outcome's notes), made without building the
dict the repositories hand to the JSON encoder, the same text."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from herstel_tui.domain.models import PERSON_WORDS
from herstel_tui.store.base import AUDIT_INSERT, audit_json, json_text
from herstel_tui.store.bulk import insert_many
from herstel_tui.store.import_rows import PERSON_FIELDS, distinct_runs
from herstel_tui.store.persons import MEMBER_INSERT, SENSITIVE, change_detail
from herstel_tui.store.portal import ROW_DONE

PERSON_INSERT = (
    f"INSERT INTO persons (id, {', '.join(PERSON_FIELDS)}) VALUES ({', '.join('?' * (len(PERSON_FIELDS) + 1))})"
)
# What a list may change of a known person (contact data, a missing birth date), in two statements:
# with the address, and without it (then the case's search row is left alone: see migration 14).
# None of these columns is indexed. Their rows are sent in the list's order (runs of one statement).
ADDRESS = ("street", "house_number", "postcode", "city")
UPDATABLE = ("birth_date", *ADDRESS, "phone", "email")  # (in the table's order)
UPDATABLE_SET = frozenset(UPDATABLE)
ADDRESS_SET = frozenset(ADDRESS)
CONTACT_ONLY = tuple(k for k in UPDATABLE if k not in ADDRESS)
PERSON_UPDATE = f"UPDATE persons SET {', '.join(f'{k} = ?' for k in UPDATABLE)} WHERE id = ?"
CONTACT_UPDATE = f"UPDATE persons SET {', '.join(f'{k} = ?' for k in CONTACT_ONLY)} WHERE id = ?"
UPDATE_VALUES = itemgetter(*UPDATABLE)  # a person's row (column -> value): PERSON_UPDATE's values but the id
CONTACT_VALUES = itemgetter(*CONTACT_ONLY)  # the same for CONTACT_UPDATE
HOUSEHOLD_INSERT = "INSERT INTO households (id, registered_on) VALUES (?, ?)"
CASE_INSERT = "INSERT INTO cases (id, zaaknummer, person_id, track, caseworker, opened) VALUES (?,?,?,?,?,?)"
EVENT_INSERT = (
    "INSERT INTO events (id, case_id, step, outcome, fact_date, recorded_at, recorded_by, note, correction, reason)"
    " VALUES (?,?,?,?,?,?,?,?,0,NULL)"
)
CASE_VERSION = "UPDATE cases SET version = version + 1 WHERE id = ?"
# what the rows of CASE_VERSION add up to, sent once per case (the version is a count: a case
# with two events of the list is counted up by two; no trigger reads the version)
CASE_VERSIONS = "UPDATE cases SET version = version + ? WHERE id = ?"
# The rows of CASE_INSERT sent as one statement (a JSON array) instead of one statement per row: a
# case's insert fires the search index's trigger, and FTS5 writes its pending terms out at every
# statement that may be rolled back alone (each row of an executemany with a trigger): 9,091 cases
# took 1.0 s, 0.25 s as one statement. (The other lists gain nothing: reading the JSON costs what the
# statements cost.) Each with its version: a case inserted by the same flush as its events is
# inserted with them counted (1 + the events), not counted up by CASE_VERSIONS after (the same row;
# no trigger reads the version, nor looks at an update of it alone).
CASES_AS_ONE = (
    "INSERT INTO cases (id, zaaknummer, person_id, track, caseworker, opened, version) SELECT "
    + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(7))
    + " FROM json_each(?)"
)
# The same for a change of address (its trigger rewrites the person's search rows): one statement
# per run of rows with distinct persons (so the order of the changes cannot matter within it).
ADDRESS_UPDATES = (
    "UPDATE persons SET "
    + ", ".join(f"{k} = json_extract(j.value, '$[{i}]')" for i, k in enumerate(UPDATABLE))
    + f" FROM json_each(?) AS j WHERE persons.id = json_extract(j.value, '$[{len(UPDATABLE)}]')"
)
# FTS5 writes its pending terms out (a segment of their own, then merge work) whenever a row comes
# under the rowid it has just deleted (sqlite3Fts5IndexBeginWrite), and the trigger deletes each
# person's search rows and inserts them again: at every person (bench_import's list on the 100k demo:
# 9,091 changes of address took 2.3 s). So the search rows of a run's persons are deleted first, in
# one statement and in rowid order; the trigger then finds none to delete and inserts them anew, as
# it would have (the persons in id order: their cases' rows mostly come in rowid order too).
SEARCH_ROWS_OUT = (
    "DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE person_id IN"
    f" (SELECT json_extract(value, '$[{len(UPDATABLE)}]') FROM json_each(?)))"
)
# The order the lists are sent in: every row after the rows it refers to (foreign keys). A case's
# search trigger reads its person, and a person's update rewrites its cases' search rows: the
# changes of persons go before the new cases, whose search rows then read the changed persons, as
# they would have been rewritten (the same rows; the new cases' search rows are not written twice,
# and a person's existing and new case do not alternate in rowid order: see SEARCH_ROWS_OUT).
ORDER = (
    PERSON_INSERT,
    HOUSEHOLD_INSERT,
    MEMBER_INSERT,
    PERSON_UPDATE,
    CASE_INSERT,
    EVENT_INSERT,
    CASE_VERSION,
    AUDIT_INSERT,
    ROW_DONE,
)
# The plain INSERTs of ORDER sent as statements of many rows each (store.bulk.insert_many)
MANY = frozenset((PERSON_INSERT, HOUSEHOLD_INSERT, MEMBER_INSERT, EVENT_INSERT, AUDIT_INSERT, ROW_DONE))

# the notes column of a row outcome without notes (most rows), as json.dumps writes it
PLAIN = {flag: json.dumps({"notes": [], "returned": flag}) for flag in (False, True)}
ROW_JSON = json_text()  # as store.portal.row_done writes it


def send(conn: sqlite3.Connection, pending: dict[str, list[tuple]], cut: Sequence[int]) -> None:
    """Send the first ``cut[i]`` rows of each list of ``pending`` (keyed by the statements of
    :data:`ORDER`, in that order), and take them off the lists."""
    # the events per case (in the order of the cases' first rows): see CASES_AS_ONE
    versions = Counter(case_id for (case_id,) in pending[CASE_VERSION][: cut[ORDER.index(CASE_VERSION)]])
    for sql, n in zip(ORDER, cut):
        rows = pending[sql]
        if n and sql == PERSON_UPDATE:  # (statement, parameters), in order
            for statement, run in groupby(rows[:n], itemgetter(0)):
                if statement == PERSON_UPDATE:
                    for part in distinct_runs(params for _, params in run):
                        part.sort(key=itemgetter(-1))  # (distinct persons: the order cannot matter)
                        changes = (json.dumps(part, ensure_ascii=False),)
                        conn.execute(SEARCH_ROWS_OUT, changes)
                        conn.execute(ADDRESS_UPDATES, changes)
                else:
                    conn.executemany(statement, [params for _, params in run])
        elif n and sql == CASE_VERSION:
            if versions:  # (those of the cases inserted above taken out)
                conn.executemany(CASE_VERSIONS, [(k, case_id) for case_id, k in versions.items()])
        elif n and sql == CASE_INSERT:
            cases = [(*row, 1 + versions.pop(row[0], 0)) for row in rows[:n]]
            conn.execute(CASES_AS_ONE, (json.dumps(cases, ensure_ascii=False),))
        elif n and sql in MANY:
            insert_many(conn, sql, rows[:n])
        elif n:
            conn.executemany(sql, rows[:n])
        del rows[:n]


# -- the rows' JSON texts ----------------------------------------------------------------------------

_TRUE_FALSE = {True: "true", False: "false"}
# The Dutch word of each column a list may change, as JSON text; a column the trail holds masked
# (none today: a list never changes a BSN) has no word here, so change_text leaves it to change_detail
_WORDS = {k: encode_basestring(PERSON_WORDS.get(k, k)) for k in UPDATABLE if k not in SENSITIVE}


def change_text(changed: dict[str, tuple[Any, Any]]) -> str:
    """``audit_json(change_detail(changed))``, the audit detail of a person's change, made as text
    for a change of :data:`UPDATABLE` columns to and from text or None (an import's every change:
    19,481 of bench_import's list on the 100k demo, each a dict of dicts for the encoder)."""
    parts = []
    for k, (old, new) in changed.items():
        word = _WORDS.get(k)
        if word is None or not (old is None or type(old) is str) or not (new is None or type(new) is str):
            return audit_json(change_detail(changed))
        parts.append(
            f'{word}: {{"oud": {"null" if old is None else encode_basestring(old)},'
            f' "nieuw": {"null" if new is None else encode_basestring(new)}}}'
        )
    return "{" + ", ".join(parts) + "}"


class NotesText:
    """``ROW_JSON({"notes": notes, "returned": returned})``, a row outcome's notes column, with each
    note's JSON text made once: a list's notes repeat (the same warning, the same refusal of the
    engine, 230 characters) where the rows do not (bench_import's list on the 100k demo: 35,376
    rows with notes, 5,904 different ones)."""

    KEPT = 10_000  # notes remembered (then forgotten all at once)

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def __call__(self, notes: list[str], returned: bool) -> str:
        if not notes:
            return PLAIN[returned]
        if type(returned) is not bool:  # (another value: the encoder's text)
            return ROW_JSON({"notes": notes, "returned": returned})
        texts = self.texts
        parts = []
        for note in notes:
            if type(note) is not str:
                return ROW_JSON({"notes": notes, "returned": returned})
            text = texts.get(note)
            if text is None:
                if len(texts) >= self.KEPT:
                    texts.clear()
                text = texts[note] = encode_basestring(note)
            parts.append(text)
        return f'{{"notes": [{", ".join(parts)}], "returned": {_TRUE_FALSE[returned]}}}'
