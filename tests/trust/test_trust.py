"""Issue 8: several sessions, crash safety, backups, bad files, privacy, the audit trail."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.services.backup import backup
from herstel_tui.settings.resources import open_store
from herstel_tui.store import StoreError
from tests.support.data import BSN_A, BSN_B

WRITER = str(Path(__file__).with_name("writer.py"))
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}


@pytest.fixture
def one_case(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db, "t") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))
    return db, c.id


def run(db, *args, input=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False, input=input)


# -- several sessions ---------------------------------------------------------------------------


def test_two_processes_no_lost_update(one_case, tmp_path):
    db, cid = one_case
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, WRITER, "assign", str(db), str(cid), name, str(go)],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for name in ("a.bakker", "m.kaya")
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "read"
    go.touch()
    outs = [p.communicate(timeout=30)[0].strip() for p in procs]
    assert sorted(o.split()[0] for o in outs) == ["conflict", "saved"]
    assert any("intussen door een ander gewijzigd" in o for o in outs)
    winner = ["a.bakker", "m.kaya"][[o.startswith("saved") for o in outs].index(True)]
    with open_store(db, "t") as s:
        assert s.cases.get(cid).caseworker == winner
        assigned = [e for e in s.audit.entries(case_id=cid) if e.action == "toegewezen"]
        assert len(assigned) == 1 and assigned[0].who == winner


def test_two_writers_wait_instead_of_failing(one_case):
    db, cid = one_case
    procs = [
        subprocess.Popen(
            [sys.executable, WRITER, "notes", str(db), str(cid), "150", tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with open_store(db, "t") as s:
        texts = {n.text for n in s.cases.notes(cid)}
    assert texts == {f"{t} {i}" for t in "ab" for i in range(150)}


# -- crash safety -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_sigkill_loses_no_confirmed_save(one_case, seed):
    db, cid = one_case
    rng = random.Random(seed)
    p = subprocess.Popen(
        [sys.executable, WRITER, "notes", str(db), str(cid), "100000", "k"], stdout=subprocess.PIPE, text=True, env=ENV
    )
    confirmed = []
    deadline = time.monotonic() + rng.uniform(0.3, 1.5)
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        confirmed.append(int(line))
    os.kill(p.pid, signal.SIGKILL)
    rest = p.stdout.read()  # lines written before the kill still count as confirmed
    confirmed += [int(x) for x in rest.split()]
    p.wait()
    assert confirmed, "the writer never got going"
    with open_store(db, "t") as s:
        assert s.maintenance.check().ok
        saved = {int(n.text.split()[1]) for n in s.cases.notes(cid)}
        audited = [e for e in s.audit.entries(case_id=cid) if e.entity == "contactmoment"]
    assert set(confirmed) <= saved
    assert len(audited) == len(saved)  # no note without its audit row, no audit row without its note
    r = run(db, "controle")
    assert r.exit_code == 0 and "in orde" in r.output


# -- backups ------------------------------------------------------------------------------------


def test_backup_and_restore(one_case, tmp_path):
    db, cid = one_case
    r = run(db, "backup", str(tmp_path / "kopie.db"))
    assert r.exit_code == 0
    backup = tmp_path / "kopie.db"
    assert backup.stat().st_mode & 0o777 == 0o600
    with open_store(db, "t") as s:
        s.cases.add_note(cid, "na de backup")
    # refuses to overwrite without confirmation, changes nothing
    before = db.read_bytes()
    r = run(db, "terugzetten", str(backup))
    assert r.exit_code == 2 and "--ja" in r.output
    assert db.read_bytes() == before
    r = run(db, "terugzetten", str(backup), "--ja")
    assert r.exit_code == 0, r.output
    with open_store(db, "t") as s:
        assert [n.text for n in s.cases.notes(cid)] == []
        assert s.audit.entries()[-1].action == "teruggezet"


def test_backup_while_another_writes(one_case, tmp_path):
    db, cid = one_case
    p = subprocess.Popen(
        [sys.executable, WRITER, "notes", str(db), str(cid), "300", "w"], stdout=subprocess.PIPE, text=True, env=ENV
    )
    p.stdout.readline()
    with open_store(db, "t") as s:
        target = backup(s, tmp_path)
    p.communicate(timeout=60)
    with open_store(target, "t", readonly=True) as b:
        assert b.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert 1 <= b.counts()["contact_notes"] <= 300


def test_backup_refuses_existing_file(one_case, tmp_path):
    db, _ = one_case
    (tmp_path / "bestaat.db").write_text("x")
    r = run(db, "backup", str(tmp_path / "bestaat.db"))
    assert r.exit_code == 2 and "bestaat al" in r.output
    assert (tmp_path / "bestaat.db").read_text() == "x"


def test_controle_finds_a_timeline_that_does_not_fit(one_case):
    db, cid = one_case
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO events (case_id, step, outcome, fact_date, recorded_at, recorded_by) "
        "VALUES (?, 'integrale_beoordeling', 'gedupeerd', '2025-02-01', '2025-02-01', 'hand')",
        (cid,),
    )
    conn.commit()
    conn.close()
    r = run(db, "controle")
    assert r.exit_code == 1
    assert "past niet op de routekaart" in r.output and "zaakoverzicht wijkt af" in r.output


# -- files --------------------------------------------------------------------------------------


def test_files_are_owner_only(one_case, tmp_path):
    db, _ = one_case
    assert db.stat().st_mode & 0o777 == 0o600
    for extra in (Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        if extra.exists():
            assert extra.stat().st_mode & 0o077 == 0


def test_network_filesystem_gets_warning_and_no_wal(tmp_path, monkeypatch):
    monkeypatch.setattr("herstel_tui.store.base.filesystem_type", lambda p: "cifs")
    db = tmp_path / "net.db"
    with open_store(db, "t") as s:
        assert s.network_fs
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    r = run(db, "zoek", "iets")
    assert "netwerkschijf" in r.output


# -- bad files ----------------------------------------------------------------------------------


def test_truncated_file(one_case):
    db, _ = one_case
    with open_store(db, "t") as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    before = db.read_bytes()
    r = run(db, "zoek", "jansen")
    assert r.exit_code == 2 and "Fout:" in r.output and "Traceback" not in r.output
    assert "beschadigd" in r.output or "geen geldige" in r.output
    assert db.read_bytes() == before


def test_short_garbage_file(tmp_path):
    db = tmp_path / "kort.db"
    db.write_bytes(b"SQLite")
    r = run(db, "zoek", "x")
    assert r.exit_code == 2 and "afgebroken of beschadigd" in r.output
    assert db.read_bytes() == b"SQLite"


def test_full_disk_changes_nothing(one_case):
    db, cid = one_case
    with open_store(db, "t") as s:
        before = s.counts()
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        s.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
        with pytest.raises(StoreError, match="de schijf is vol"):
            s.cases.add_note(cid, "x" * 200_000)
        assert s.counts() == before


def test_read_only_database(one_case):
    db, cid = one_case
    with open_store(db, "t") as s:
        s.conn.execute("PRAGMA query_only = ON")  # what SQLite does for a file it may not write
        with pytest.raises(StoreError, match="alleen-lezen"):
            s.cases.add_note(cid, "x")
        s.conn.execute("PRAGMA query_only = OFF")
        assert s.counts()["contact_notes"] == 0


# -- privacy ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_retention_lists_and_anonymises(tmp_path):
    db = tmp_path / "r.db"
    cfg = tmp_path / "config.toml"
    cfg.write_text("[bewaartermijnen]\noverig = 1\nniet_gedupeerd = 50\ngedupeerd = 50\ngeen_uitsluitsel = 50\n")
    with open_store(db, "t") as s:
        old = s.persons.add(Person(bsn=BSN_A, given_names="Oud", surname="Dossier", phone="06-11111111"))
        new = s.persons.add(Person(bsn=BSN_B, given_names="Nieuw", surname="Dossier"))
        c_old = s.cases.open(old.id, "brede_ondersteuning", opened=date(2022, 1, 1))
        s.cases.open(new.id, "brede_ondersteuning", opened=date(2022, 1, 1))
        s.cases.add_note(c_old.id, "gevoelige notitie", on=date(2022, 2, 1))
        s.cases.close(c_old.id, date(2023, 1, 1))
    r = CliRunner().invoke(main, ["--db", str(db), "--config", str(cfg), "opschonen"])
    assert r.exit_code == 0 and c_old.zaaknummer in r.output and "--anonimiseren" in r.output
    r = CliRunner().invoke(main, ["--db", str(db), "--config", str(cfg), "opschonen", "--anonimiseren"])
    assert r.exit_code == 2 and "--ja" in r.output  # no confirmation: nothing changed
    r = CliRunner().invoke(main, ["--db", str(db), "--config", str(cfg), "opschonen", "--anonimiseren", "--ja"])
    assert r.exit_code == 0, r.output
    with open_store(db, "t") as s:
        p = s.persons.get(old.id)
        assert (p.bsn, p.surname, p.phone) == (None, "geanonimiseerd", None)
        assert s.cases.notes(c_old.id) == []
        assert s.persons.get(new.id).surname == "Dossier"
        last = s.audit.entries()[-1]
        assert last.action == "geanonimiseerd" and last.case_id == c_old.id


def test_remove_person_who_declines(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db, "t") as s:
        a = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(a.id, "brede_ondersteuning", opened=date(2025, 1, 1))
        s.cases.add_note(c.id, "notitie")
        s.persons.create_household([(a.id, "aanvrager")])
    r = run(db, "vergeet", BSN_A, "--reden", "Ouder ziet af van ondersteuning")
    assert r.exit_code == 2 and "--ja" in r.output
    r = run(db, "vergeet", BSN_A, "--reden", "Ouder ziet af van ondersteuning", "--ja")
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(db)
    for table in ("persons", "cases", "events", "contact_notes", "household_members", "households", "case_summary"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert conn.execute("SELECT count(*) FROM case_search").fetchone()[0] == 0
    audit_text = " ".join(str(r) for r in conn.execute("SELECT * FROM audit"))
    assert BSN_A not in audit_text
    last = json.loads(conn.execute("SELECT detail FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert last == {"zaken": [c.zaaknummer], "reden": "Ouder ziet af van ondersteuning"}


# -- the audit trail of a scripted session ------------------------------------------------------


def test_audit_matches_a_scripted_session(tmp_path):
    db = tmp_path / "r.db"
    open_store(db, "t").close()
    steps = [
        ["persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen"],
        ["zaak", "nieuw", BSN_A],
        ["notitie", BSN_A, "Eerste contact"],
        ["zoek", "jansen"],
        ["toon", BSN_A],
        ["persoon", "nieuw", "--bsn", "999900007", "--voornamen", "X", "--achternaam", "Y"],  # refused
    ]
    for args in steps:
        run(db, *args)
    with open_store(db, "t") as s:
        got = [(e.action, e.entity) for e in s.audit.entries()]
    assert got == [
        ("schema", "database"),
        ("aangemaakt", "persoon"),
        ("aangemaakt", "huishouden"),
        ("aangemaakt", "zaak"),
        ("vastgelegd", "contactmoment"),
        ("gezocht", "zoekopdracht"),
        ("bekeken", "zaak"),
    ]
    r = run(db, "audit", "--json")
    assert [d["actie"] for d in json.loads(r.output)] == [a for a, _ in got]
    r = run(db, "audit", "--gebruiker", "niemand")
    assert r.exit_code == 1


def test_audit_filters(one_case):
    db, cid = one_case
    with open_store(db, "t") as s:
        zaak = s.cases.get(cid).zaaknummer
    r = run(db, "audit", "--zaak", zaak, "--json")
    assert {d["zaak"] for d in json.loads(r.output)} == {zaak}
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    assert run(db, "audit", "--sinds", tomorrow).exit_code == 1
