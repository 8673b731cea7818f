"""Issue 15: migration 9 cleans text written before the text policy, with one audit row per record."""

from __future__ import annotations

import json
import sqlite3

from herstel_tui.settings.resources import open_store
from herstel_tui.store.schema import APPLICATION_ID, MIGRATIONS
from tests.support.data import BSN_A, BSN_B


def test_migration_9_cleans_old_rows_and_audits_each(db_path):
    conn = sqlite3.connect(db_path, isolation_level=None)
    for version, _t, script in MIGRATIONS:
        if version >= 9:
            break
        conn.executescript(f"BEGIN;{script}\nPRAGMA user_version = {version};COMMIT;")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(
        "INSERT INTO persons (id, bsn, given_names, surname, city) VALUES (1, ?, ?, ?, ?)",
        (BSN_A, "Anna\x1b]0;gehackt\x07", "Jansen\u202e", "Rotterdam"),
    )
    conn.execute("INSERT INTO persons (id, bsn, given_names, surname) VALUES (2, ?, 'Piet', 'Vos')", (BSN_B,))
    conn.execute(
        "INSERT INTO cases (id, zaaknummer, person_id, track, caseworker, opened) "
        "VALUES (1, 'HKO-2026-000001', 1, 'brede_ondersteuning', 'm.kaya\x1b[31m', '2026-01-05')"
    )
    conn.execute(
        "INSERT INTO contact_notes (case_id, date, channel, text, by, recorded_at) "
        "VALUES (1, '2026-01-06', 'telefoon', 'Gebeld\r\nregel 2\x07', 'x', '2026-01-06T10:00:00')"
    )
    conn.execute(  # nothing but control characters: may not become an empty (refused) text
        "INSERT INTO contact_notes (case_id, date, channel, text, by, recorded_at) "
        "VALUES (1, '2026-01-07', 'telefoon', ?, 'x', '2026-01-07T10:00:00')",
        ("\x07\x1b[2J",),
    )
    before = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    conn.close()
    with open_store(db_path, "t.tester") as s:
        assert s.persons.get(1).given_names == "Anna" and s.persons.get(1).surname == "Jansen"
        assert s.persons.get(2).given_names == "Piet"
        raw = s.conn.execute("SELECT given_names, surname FROM persons WHERE id = 1").fetchone()
        assert tuple(raw) == ("Anna", "Jansen")
        assert s.conn.execute("SELECT caseworker FROM cases").fetchone()[0] == "m.kaya"
        texts = [r[0] for r in s.conn.execute("SELECT text FROM contact_notes ORDER BY id")]
        assert texts == ["Gebeld\nregel 2", "(stuurtekens verwijderd)"]
        rows = s.conn.execute(
            "SELECT who, action, entity, entity_id, person_id, case_id, detail FROM audit WHERE id > ? ORDER BY id",
            (before,),
        ).fetchall()
    cleaned = [r for r in rows if r[1] == "tekens verwijderd"]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in cleaned] == [
        ("t.tester", "persoon", 1, 1, None),
        ("t.tester", "zaak", 1, 1, 1),
        ("t.tester", "contactmoment", 1, None, 1),
        ("t.tester", "contactmoment", 2, None, 1),
    ]
    assert json.loads(cleaned[0][6]) == {"velden": "voornamen, achternaam", "migratie": "stuurtekens verwijderd"}
