"""Issue 13: `herstel controle` notices a tampered audit trail and a damaged file."""

import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from herstel_tui.store import StoreError
from herstel_tui.store.maintenance import audit_problems
from tests.support.data import BSN_A


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def filled(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db, "t") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))
        for i in range(10):
            s.cases.add_note(c.id, f"notitie {i}")
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    r = run(db, "controle")
    assert r.exit_code == 0 and "in orde" in r.output
    return db, c.id


def raw(db):
    conn = sqlite3.connect(db, isolation_level=None)
    return conn


def test_dropped_audit_triggers_are_reported(filled):
    db, _ = filled
    with raw(db) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("DROP TRIGGER audit_no_delete")
    r = run(db, "controle")
    assert r.exit_code == 1
    assert "audit_no_update ontbreekt" in r.output and "audit_no_delete ontbreekt" in r.output


def test_a_defused_trigger_is_reported(filled):
    db, _ = filled
    with raw(db) as conn:
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT 1; END")
    r = run(db, "controle")
    assert r.exit_code == 1 and "audit_no_delete is veranderd" in r.output


def test_deleted_rows_whose_ids_would_be_reused_are_refused_and_reported(filled):
    db, cid = filled
    with raw(db) as conn:
        top = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("DELETE FROM audit WHERE id > ?", (top - 3,))
        conn.execute(
            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
            "BEGIN SELECT RAISE(ABORT, 'het auditlogboek kan niet worden gewist'); END"
        )
    # The next save would take the deleted rows' numbers: refused, nothing saved.
    with open_store(db, "t") as s:
        before = s.counts()
        with pytest.raises(StoreError, match="auditlogboek .* is aangetast"):
            s.cases.add_note(cid, "na het wissen")
        assert s.counts() == before
    r = run(db, "controle")
    assert r.exit_code == 1
    assert f"er zijn regels tot nummer {top} geschreven, maar de hoogste is nu {top - 3}" in r.output


def test_rows_deleted_and_numbers_reused_with_every_trigger_gone_are_reported(filled):
    db, cid = filled
    with raw(db) as conn:
        top = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        for t in ("audit_no_update", "audit_no_delete", "audit_ids_grow"):
            conn.execute(f"DROP TRIGGER {t}")
        conn.execute("DELETE FROM audit WHERE id IN (3, 4)")
        conn.execute("DELETE FROM audit WHERE id > ?", (top - 2,))
    with open_store(db, "t") as s:  # normal work goes on and hands out the deleted top numbers again
        for i in range(4):
            s.cases.add_note(cid, f"later {i}")
    r = run(db, "controle")
    assert r.exit_code == 1
    assert "audit_ids_grow ontbreekt" in r.output
    assert "van de regels 1 t/m" in r.output and "ontbreken (gewist)" in r.output
    assert "buiten herstel om toegevoegd of nummers zijn hergebruikt" in r.output


def _corrupt_table(db, table):
    with raw(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as fh:  # no connection is open here
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * 64)


def test_a_corrupt_page_is_a_dutch_message_with_advice(filled):
    db, cid = filled
    _corrupt_table(db, "contact_notes")
    r = run(db, "controle")
    assert r.exit_code == 2, r.output
    assert "beschadigd" in r.output and "herstel terugzetten" in r.output
    assert "Traceback" not in r.output
    # Other commands that hit the damaged page stop with the same advice instead of writing on.
    zaak = sqlite3.connect(db).execute("SELECT zaaknummer FROM cases").fetchone()[0]
    r = run(db, "notitie", zaak, "nog een")
    assert r.exit_code == 2 and "herstel terugzetten" in r.output and "Traceback" not in r.output


def test_unfinished_import_is_reported(filled):
    db, _ = filled
    with raw(db) as conn:
        conn.execute(
            "INSERT INTO portal_files (kind, direction, name, sha256, at, by, status) "
            "VALUES ('aanmeldingen', 'import', 'a.xlsx', ?, '2026-01-01T10:00:00', 't', 'bezig')",
            ("a" * 64,),
        )
    r = run(db, "controle")
    assert r.exit_code == 1 and "het inlezen van a.xlsx" in r.output and "niet afgemaakt" in r.output


def test_migration_sets_the_audit_mark(filled):
    db, _ = filled
    with open_store(db, "t") as s:
        assert int(s.meta("audit_hoogste_id")) == s.conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        assert audit_problems(s.conn) == []
