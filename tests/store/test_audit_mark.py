"""The audit trail's high-water mark (trigger ``audit_ids_grow``): migration 16 writes it as one
UPDATE of the mark's meta row instead of migration 6's check plus update. Both triggers are run
through the same scenarios here and must answer alike: the same rows kept, the same mark, the same
refusals (an id that is not above every id ever written)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from herstel_tui.store import schema
from herstel_tui.store.base import AUDIT_INSERT
from herstel_tui.store.maintenance import audit_problems

REFUSED = "auditlogboek aangetast: regelnummer hergebruikt"


def _trigger(script: str) -> str:
    found = re.search(r"CREATE TRIGGER audit_ids_grow .*?\bEND;", script, re.DOTALL)
    assert found
    return found.group(0)


V6 = _trigger(schema._V6_CONCURRENCY)
V16 = _trigger(schema._V16_AUDIT_MARK)


def _db(trigger: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
            entity TEXT NOT NULL, entity_id INTEGER, person_id INTEGER, case_id INTEGER, detail TEXT);
        INSERT INTO meta (key, value) VALUES ('andere', 'x'), ('audit_hoogste_id', '0'), ('zzz', '1');
        """
        + trigger
    )
    return conn


def _row(i: int) -> tuple:
    return ("2026-12-03T08:00:00+01:00", "t", "aangemaakt", "persoon", i, None, None, None)


def _mark(conn: sqlite3.Connection) -> str | None:
    got = conn.execute("SELECT value FROM meta WHERE key = 'audit_hoogste_id'").fetchone()
    return got and got[0]


def _state(conn: sqlite3.Connection) -> tuple:
    return (
        conn.execute("SELECT id, entity_id FROM audit ORDER BY id").fetchall(),
        conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall(),
    )


def _insert(conn: sqlite3.Connection, rows: list[tuple], sql: str = AUDIT_INSERT) -> str | None:
    """Insert ``rows`` in one transaction; the error's text when it was refused (then nothing stays)."""
    conn.execute("BEGIN")
    try:
        conn.executemany(sql, rows)
    except sqlite3.DatabaseError as exc:
        conn.execute("ROLLBACK")
        return str(exc)
    conn.execute("COMMIT")
    return None


def _scenario(trigger: str) -> list:
    """Every answer and state along a run of writes and tampering."""
    conn = _db(trigger)
    seen: list = []
    seen.append(_insert(conn, [_row(1)]))
    seen.append(_insert(conn, [_row(i) for i in range(2, 502)]))  # many rows in one executemany
    seen.append(_state(conn))
    # rows deleted behind the triggers' back: the next ids would be handed out again
    conn.execute("DELETE FROM audit WHERE id > 498")
    seen.append(_insert(conn, [_row(900)]))
    seen.append(_insert(conn, [_row(i) for i in range(901, 910)]))
    seen.append(_state(conn))
    # an explicit id below the mark (a gap filled in) and one above it
    with_id = "INSERT INTO audit (id, at, who, action, entity, entity_id) VALUES (?, ?, ?, ?, ?, ?)"
    seen.append(_insert(conn, [(3000, *_row(3000)[:5])], with_id))
    conn.execute("DELETE FROM audit WHERE id = 10")
    seen.append(_insert(conn, [(10, *_row(10)[:5])], with_id))
    seen.append(_insert(conn, [_row(1000)]))  # max + 1 after the explicit 3000
    seen.append(_state(conn))
    # the mark lost (meta row deleted): nothing is checked or kept, as before
    conn.execute("DELETE FROM meta WHERE key = 'audit_hoogste_id'")
    conn.execute("DELETE FROM audit WHERE id > 3000")
    seen.append(_insert(conn, [_row(2000)]))
    seen.append(_state(conn))
    return seen


def test_the_one_statement_trigger_answers_as_the_trigger_of_migration_6():
    old, new = _scenario(V6), _scenario(V16)
    assert new == old
    assert old[0] is None and old[1] is None
    assert old[2][1] == [("andere", "x"), ("audit_hoogste_id", "501"), ("zzz", "1")]
    assert REFUSED in old[3] and REFUSED in old[4]  # the deleted numbers are not handed out again
    assert old[5] == (old[2][0][:498], old[2][1])  # nothing written, the mark kept
    assert old[6] is None and REFUSED in old[7] and old[8] is None
    assert old[9][1][1] == ("audit_hoogste_id", "3001")


def test_a_refused_row_in_a_long_statement_takes_the_whole_statement_back():
    conn = _db(V16)
    assert _insert(conn, [_row(i) for i in range(100)]) is None
    conn.execute("DELETE FROM audit WHERE id > 50")
    before = _state(conn)
    assert REFUSED in (_insert(conn, [_row(i) for i in range(100)]) or "")
    assert _state(conn) == before


def test_a_migrated_store_keeps_its_mark_and_refuses_reused_numbers(tmp_path):
    from herstel_tui.settings.resources import open_store
    from herstel_tui.store import StoreError

    db = tmp_path / "h.db"
    with open_store(db, "t") as s:
        sql = s.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_ids_grow'").fetchone()[0]
        assert " ".join(sql.split()) == " ".join(V16.rstrip(";").split())
        for i in range(5):
            s.audit.exported("lijst", {"n": i})
        top = s.conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        assert int(s.meta("audit_hoogste_id")) == top and audit_problems(s.conn) == []
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE id > ?", (top - 2,))
    conn.close()
    with open_store(db, "t") as s:
        with pytest.raises(StoreError, match="auditlogboek .* is aangetast"):
            s.audit.exported("lijst", {"n": 9})
        assert int(s.meta("audit_hoogste_id")) == top


def test_migration_16_keeps_the_mark_of_a_database_of_version_15(tmp_path):
    from herstel_tui.domain.text import scrub_stored
    from herstel_tui.settings.resources import open_store

    db = tmp_path / "v15.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.create_function(
        "herstel_scrub", 2, lambda v, m: scrub_stored(v, multiline=bool(m)) if isinstance(v, str) else v
    )
    conn.create_function("herstel_now", 0, lambda: "2026-06-01T09:00:00+02:00")
    conn.create_function("herstel_user", 0, lambda: "t")
    for version, _t, script in schema.MIGRATIONS:
        if version < 16:
            conn.executescript(f"BEGIN;{script}\nPRAGMA user_version = {version};COMMIT;")
    conn.executemany(AUDIT_INSERT, [_row(i) for i in range(7)])
    assert _mark(conn) == "7"
    conn.close()
    with open_store(db, "t") as s:
        assert s.schema_version() >= 16
        top = s.conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        assert top > 7 and int(s.meta("audit_hoogste_id")) == top  # the migration's own audit row
        assert audit_problems(s.conn) == []
