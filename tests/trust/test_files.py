"""Issue 13: the database file is only ever opened through SQLite while a connection is open;
odd paths ('#', '?', '%'), FIFOs, backups that must never overwrite, restores over a live file."""

import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.services import backup as backup_service
from herstel_tui.services.backup import backup
from herstel_tui.settings.resources import open_store
from herstel_tui.store import StoreError, base
from tests.support.data import BSN_A

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}


def run(db, *args, input=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False, input=input)


def herstel(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "herstel_tui", *args], capture_output=True, text=True, env=ENV, timeout=timeout
    )


@pytest.fixture
def one_case(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db, "t") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        c = s.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))
    return db, c.id


# -- the lost-WAL bug: a second open in the same process must not drop the first one's locks ------


_CHILD = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO meta (key, value) VALUES ('kind', 'x') ON CONFLICT(key) DO UPDATE SET value = 'y'")
c.commit()
c.close()  # the last connection would checkpoint and delete the -wal here
"""


def test_a_second_store_in_the_process_keeps_the_first_ones_locks(one_case):
    db, cid = one_case
    wal = Path(str(db) + "-wal")
    desk = open_store(db, "desk")
    desk.cases.add_note(cid, "A")  # the desk holds the file open with a WAL
    assert wal.exists()
    # What the desk does when its full Store or a read-only snapshot opens beside its list readers:
    other = open_store(db, "desk", readonly=True)
    other.close()
    reader = base.connect_readonly(db)
    reader.close()
    # Another process writes and closes: it must see the desk still connected and leave the WAL.
    r = subprocess.run([sys.executable, "-c", _CHILD, str(db)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert wal.exists(), "the other process deleted the WAL: the desk's locks were dropped"
    desk.cases.add_note(cid, "C")
    desk.close()
    with open_store(db, "t") as s:
        assert {n.text for n in s.cases.notes(cid)} == {"A", "C"}
        assert s.meta("kind") == "x"


def test_header_is_never_read_while_a_connection_is_open(one_case, monkeypatch):
    db, _ = one_case
    import builtins

    real_open = builtins.open
    opened = []

    def spy(file, *a, **kw):
        if isinstance(file, (str, os.PathLike)) and os.path.abspath(os.fspath(file)) == str(db):
            opened.append(base.connections_open(db))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", spy)
    s1 = open_store(db, "a")  # nothing open yet: the header may be read
    s2 = open_store(db, "b")  # s1 is open: SQLite alone checks the file
    ro = open_store(db, "c", readonly=True)
    for s in (ro, s2, s1):
        s.close()
    assert opened and all(n == 0 for n in opened)
    assert base.connections_open(db) == 0


def test_not_sqlite_still_refused_when_the_header_is_not_read(tmp_path, one_case):
    db, _ = one_case
    bad = tmp_path / "boodschappen.db"
    bad.write_text("melk, brood\n")
    with open_store(db, "t"):
        with pytest.raises(StoreError, match="geen SQLite-database"):
            open_store(bad, "t")
    assert bad.read_text() == "melk, brood\n"


# -- paths --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "folder, name", [("team#2", "herstel.db"), ("a?b", "q.db"), ("100%", "x%41.db"), ("plain", "q.db?mode=memory")]
)
def test_odd_paths_write_where_they_say(tmp_path, folder, name):
    db = tmp_path / folder / name
    db.parent.mkdir()
    open_store(db, "t").close()
    assert {p.name for p in tmp_path.rglob("*")} == {folder, name}
    before = set(tmp_path.rglob("*"))
    r = run(db, "persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen")
    assert r.exit_code == 0, r.output
    assert "Persoon toegevoegd" in r.output
    created = set(tmp_path.rglob("*")) - before
    assert {p for p in created if not p.name.startswith(db.name)} == set(), created
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    with open_store(db, "t") as s:
        assert s.persons.find_by_bsn(BSN_A) is not None


def test_sqlite_uri_escapes(tmp_path):
    uri = base.sqlite_uri("/srv/team#2/h?x%.db", mode="ro")
    assert uri == "file:///srv/team%232/h%3Fx%25.db?mode=ro"


def _urllib_uri(path: str, **params: str) -> str:
    """sqlite_uri as it was written with urllib.parse (which the quick paths no longer import)."""
    from urllib.parse import quote, urlencode

    uri = "file://" + quote(os.path.abspath(path), safe="/")
    return uri + ("?" + urlencode(params) if params else "")


@pytest.mark.parametrize(
    "path",
    [
        "/srv/team#2/h?x%.db",
        "/a b/c+d&e=f.db",
        "/é/ß/日本.db",
        "rel/./x~y_z-1.db",
        "/a/%20/b;c,d@e!$'()*",
        "//x/../y.db",
    ],
)
@pytest.mark.parametrize("params", [{}, {"mode": "ro"}, {"mode": "a b/c&d=e%f"}])
def test_sqlite_uri_is_urllibs(path, params):
    assert base.sqlite_uri(path, **params) == _urllib_uri(path, **params)


def test_sqlite_uri_is_urllibs_for_any_path():
    from hypothesis import given
    from hypothesis import strategies as st

    text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=20)

    @given(text, st.one_of(st.none(), text))
    def same(path, mode):
        params = {"mode": mode} if mode is not None else {}
        assert base.sqlite_uri(path, **params) == _urllib_uri(path, **params)

    same()


def test_is_file_and_exists_are_pathlibs(tmp_path):
    (tmp_path / "f.db").write_bytes(b"x")
    (tmp_path / "map").mkdir()
    os.mkfifo(tmp_path / "pijp")
    (tmp_path / "lus").symlink_to(tmp_path / "lus")
    (tmp_path / "naar-f").symlink_to(tmp_path / "f.db")
    (tmp_path / "nergens").symlink_to(tmp_path / "weg")
    names = ["f.db", "map", "pijp", "lus", "naar-f", "nergens", "weg", "f.db/onder", "a\x00b", ""]
    for name in names:
        for given in (str(tmp_path / name) if name else "", tmp_path / name if name else Path()):
            assert base.is_file(given) == Path(given).is_file(), name
            assert base.exists(given) == Path(given).exists(), name


# -- FIFOs and other non-files --------------------------------------------------------------------


def test_fifo_as_database_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pijp.db"
    os.mkfifo(fifo)
    for args in (("zoek", "jansen"), ("controle",), ("notitie", "HKO-2025-000001", "x"), ()):
        r = herstel("--db", str(fifo), *args, timeout=60)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "geen gewoon bestand" in r.stderr and "Traceback" not in r.stderr


def test_fifo_as_config_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    for args in (("waar",), ("zoek", "jansen"), ()):
        r = herstel("--config", str(fifo), "--db", str(tmp_path / "x.db"), *args, timeout=60)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "geen gewoon bestand" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.db").exists()


# -- backups never overwrite -------------------------------------------------------------------------


def test_backup_never_overwrites_even_after_the_existence_check(one_case, tmp_path, monkeypatch):
    db, _ = one_case
    target = tmp_path / "b.db"
    target.write_bytes(b"iemand anders")
    # The check-then-write race: the name did not exist when looked at, and exists when written.
    monkeypatch.setattr(backup_service.os.path, "lexists", lambda p: False)
    with open_store(db, "t") as s, pytest.raises(StoreError, match="bestaat al"):
        backup(s, target)
    assert target.read_bytes() == b"iemand anders"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".herstel-backup")] == []


def test_backup_without_hard_links_claims_the_name_exclusively(one_case, tmp_path, monkeypatch):
    db, _ = one_case

    def no_links(*a):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(backup_service.os, "link", no_links)
    with open_store(db, "t") as s:
        made = backup(s, tmp_path / "b.db")
        with pytest.raises(StoreError, match="bestaat al"):
            monkeypatch.setattr(backup_service.os.path, "lexists", lambda p: False)
            backup(s, tmp_path / "b.db")
    with open_store(made, "t", readonly=True) as b:
        assert b.persons.find_by_bsn(BSN_A) is not None


def test_two_backups_to_one_path_at_once_one_wins(one_case, tmp_path):
    db, _ = one_case
    target = tmp_path / "samen.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "herstel_tui", "--db", str(db), "backup", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 2], results
    assert sum("Backup geschreven" in r[1] for r in results) == 1
    assert sum("bestaat al" in r[2] for r in results) == 1
    with open_store(target, "t", readonly=True) as b:
        assert b.persons.find_by_bsn(BSN_A) is not None
    with open_store(db, "t") as s:
        assert len([a for a in s.audit.entries() if a.action == "backup"]) == 1


def test_backups_into_a_folder_get_distinct_names(one_case, tmp_path):
    db, _ = one_case
    folder = tmp_path / "backups"
    folder.mkdir()
    with open_store(db, "t") as s:
        names = set()
        threads = [threading.Thread(target=lambda: names.add(backup(s, folder))) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(names) == 3 and all(p.parent == folder for p in names)


# -- restore over a database in use ------------------------------------------------------------------


def test_restore_refused_while_the_database_is_open(one_case, tmp_path):
    db, cid = one_case
    with open_store(db, "t") as s:
        made = backup(s, tmp_path / "b.db")
    desk = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('select count(*) from cases').fetchone(); print('open', flush=True); "
            "sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert desk.stdout.readline().strip() == "open"
        r = run(db, "terugzetten", str(made), "--ja")
        assert r.exit_code == 2 and "nog in gebruik" in r.output
    finally:
        desk.stdin.close()
        desk.wait(timeout=30)
    r = run(db, "terugzetten", str(made), "--ja")
    assert r.exit_code == 0, r.output


def test_demo_overwrite_refused_while_the_database_is_open(tmp_path, monkeypatch):
    """A demo (only a demo nobody worked in may be overwritten: tests/services/test_register.py) that a
    desk has open is kept, and the desk reads on in it; once the desk is closed it is replaced."""
    db = tmp_path / "demo.db"
    r = CliRunner().invoke(main, ["demo", "--cases", "4", "--db", str(db)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    desk = open_store(db, "desk")
    import herstel_tui.services.demo as demo_module

    built = []
    monkeypatch.setattr(demo_module, "build_demo", lambda *a, **kw: built.append(1) or {})
    r = CliRunner().invoke(main, ["demo", "--cases", "3", "--db", str(db), "--overschrijf"], catch_exceptions=False)
    assert r.exit_code == 2 and "nog in gebruik" in r.output
    assert built == []  # said before the build, not after it
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".herstel-demo")] == []
    assert desk.counts()["cases"] == 4
    desk.close()
    r = CliRunner().invoke(main, ["demo", "--cases", "3", "--db", str(db), "--overschrijf"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    with open_store(db, "t") as s:
        assert s.counts()["cases"] == 3
