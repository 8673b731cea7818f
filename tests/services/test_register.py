"""A new, empty register (`herstel aanmaken`), and that only a demo ever makes way for a new file
(`herstel aanmaken --vervang-demo`, `herstel demo --overschrijf`): a register with real cases is
never replaced by either, and nothing changes when they refuse."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner
from stdnum.nl import bsn as stdnum_bsn

from herstel_tui.cli.main import main
from herstel_tui.domain.bsn import TEST_RANGE_PREFIX
from herstel_tui.entry import open_desk
from herstel_tui.settings.resources import open_store
from herstel_tui.store.base import looks_encrypted
from tests.support.data import BSN_A


def run(*args, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, obj={"open_desk": open_desk}, **kw)


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    r = run("demo", "--cases", "5", "--db", str(path))
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def register(tmp_path):
    """A register with one real case (a person and a case made as a caseworker makes them)."""
    path = tmp_path / "register.db"
    assert run("aanmaken", "--db", str(path)).exit_code == 0
    r = run("--db", str(path), "persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen")
    assert r.exit_code == 0, r.output
    r = run("--db", str(path), "zaak", "nieuw", BSN_A)
    assert r.exit_code == 0, r.output
    return path


def files_in(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_aanmaken_makes_an_empty_register_to_work_in(tmp_path, monkeypatch):
    monkeypatch.setenv("HERSTEL_DB", str(tmp_path / "gemeente" / "herstel.db"))
    r = run("aanmaken")
    assert r.exit_code == 0, r.output
    path = tmp_path / "gemeente" / "herstel.db"
    assert f"Nieuwe, lege database: {path}" in r.output and "Open de werkplek met: herstel\n" in r.output
    assert (path.stat().st_mode & 0o777) == 0o600 and (path.parent.stat().st_mode & 0o777) == 0o700
    assert files_in(path.parent) == ["herstel.db"]  # nothing of the build left beside it
    with open_store(path, "t") as s:
        assert s.counts()["cases"] == 0 and s.counts()["persons"] == 0
        assert s.meta("demo") is None
        made = [e for e in s.audit.entries() if e.action == "aangemaakt"]
        assert [(e.entity, e.detail) for e in made] == [("database", {"bestand": str(path)})]
    # and real work goes into it
    r = run("persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen")
    assert r.exit_code == 0, r.output
    r = run("zaak", "nieuw", BSN_A)
    assert r.exit_code == 0, r.output
    with open_store(path, "t") as s:
        assert s.counts()["cases"] == 1
    assert run("controle").output == "Controle: in orde (1 zaak).\n"
    assert f"Database:          {path}  (bestaat)\n" in run("waar").output


def test_aanmaken_with_db_says_how_to_open_it(tmp_path):
    path = tmp_path / "elders.db"
    r = run("aanmaken", "--db", str(path))
    assert r.exit_code == 0, r.output
    assert f"Open de werkplek met: herstel --db {path}" in r.output
    assert f'database = "{path}"' in r.output


def test_aanmaken_never_replaces_a_register(register):
    before = register.read_bytes()
    for extra in ([], ["--vervang-demo"]):
        r = run("aanmaken", "--db", str(register), *extra)
        assert r.exit_code == 2
        assert "er is niets gewijzigd" in r.output
        assert register.read_bytes() == before
    assert "register voor echte zaken, geen demodatabase" in r.output
    assert files_in(register.parent) == ["register.db"]


def test_aanmaken_replaces_a_demo_only_when_asked(demo_db):
    before = demo_db.read_bytes()
    r = run("aanmaken", "--db", str(demo_db))
    assert r.exit_code == 2 and "bestaat al" in r.output and "--vervang-demo" in r.output
    assert demo_db.read_bytes() == before
    r = run("aanmaken", "--db", str(demo_db), "--vervang-demo")
    assert r.exit_code == 0, r.output
    with open_store(demo_db, "t") as s:
        assert s.counts()["cases"] == 0 and s.meta("demo") is None
    assert files_in(demo_db.parent) == ["demo.db"]


def test_a_demo_with_a_bsn_outside_the_test_range_is_kept(demo_db):
    """A caseworker typed a real parent into the demo: neither command gives that file up. (The number
    is no one's: it fails the 11-check; the register's schema takes any nine digits.)"""
    outside = "100000000"
    assert not outside.startswith(TEST_RANGE_PREFIX) and not stdnum_bsn.is_valid(outside)
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE persons SET bsn = ? WHERE id = (SELECT min(id) FROM persons)", (outside,))
    conn.close()
    before = demo_db.read_bytes()
    for args in (["aanmaken", "--vervang-demo"], ["demo", "--cases", "3", "--overschrijf"]):
        r = run(*args, "--db", str(demo_db))
        assert r.exit_code == 2, r.output
        assert "BSN buiten het testbereik 9999" in r.output and "er is niets gewijzigd" in r.output
        assert demo_db.read_bytes() == before


def test_demo_overschrijf_never_replaces_a_register(register):
    before = register.read_bytes()
    r = run("demo", "--cases", "3", "--db", str(register), "--overschrijf")
    assert r.exit_code == 2
    assert "register voor echte zaken, geen demodatabase; er is niets gewijzigd" in r.output
    assert register.read_bytes() == before
    assert files_in(register.parent) == ["register.db"]


def test_demo_overschrijf_replaces_a_demo(demo_db):
    r = run("demo", "--cases", "3", "--db", str(demo_db), "--overschrijf")
    assert r.exit_code == 0, r.output
    with open_store(demo_db, "t") as s:
        assert s.counts()["cases"] == 3 and s.meta("demo") == "1"


@pytest.mark.parametrize("content", [b"not a database at all, just some text\n" * 40, b"\0" * 4096])
def test_a_file_that_is_no_database_is_not_replaced(tmp_path, content):
    path = tmp_path / "iets.db"
    path.write_bytes(content)
    for args in (["aanmaken", "--vervang-demo"], ["demo", "--cases", "3", "--overschrijf"]):
        r = run(*args, "--db", str(path))
        assert r.exit_code == 2, r.output
        assert "er is niets gewijzigd" in r.output
        assert path.read_bytes() == content
    assert looks_encrypted(path) == (content[0] == 0)  # the second reads as a laptop file: refused all the same


def test_an_empty_file_is_no_register(tmp_path):
    """0 bytes is no database (the Store and the demo judge it so): made into the new register."""
    path = tmp_path / "leeg.db"
    path.touch()
    r = run("aanmaken", "--db", str(path))
    assert r.exit_code == 0, r.output
    with open_store(path, "t") as s:
        assert s.counts()["cases"] == 0


@pytest.mark.parametrize("suffix", ["-wal", "-journal"])
def test_a_journal_of_a_database_no_longer_there_is_not_taken_up(tmp_path, suffix):
    """A new file under a name whose -wal or -journal is still there would take that journal up as
    its own ("How To Corrupt An SQLite Database File", 2.4). Refused, nothing made or removed."""
    stray = tmp_path / f"herstel.db{suffix}"
    stray.write_bytes(b"frames of another database")
    r = run("aanmaken", "--db", str(tmp_path / "herstel.db"))
    assert r.exit_code == 2
    assert f"naast {tmp_path / 'herstel.db'} staat nog herstel.db{suffix}" in r.output
    assert files_in(tmp_path) == [stray.name] and stray.read_bytes() == b"frames of another database"


def test_a_demo_in_use_is_not_replaced(demo_db):
    desk = open_store(demo_db, "desk")
    try:
        r = run("aanmaken", "--db", str(demo_db), "--vervang-demo")
        assert r.exit_code == 2 and "nog in gebruik" in r.output
        assert desk.counts()["cases"] == 5
    finally:
        desk.close()
    assert [p.name for p in demo_db.parent.iterdir() if p.name.startswith(".herstel")] == []


def test_a_missing_database_names_both_ways_to_make_one(tmp_path):
    path = tmp_path / "nergens.db"
    for args in (["zoek", "jansen"], ["audit"], []):
        r = run("--db", str(path), *args)
        assert r.exit_code == 2
        assert f"herstel aanmaken --db {path}" in r.output and f"herstel demo --db {path}" in r.output
    assert not path.exists()


def test_a_desk_that_only_reads_the_list_keeps_its_file(tmp_path, demo_db):
    """The light start reads the list on a plain read-only connection (no Store). A file made by
    `herstel demo` or `herstel aanmaken` is in WAL mode from the start, so that idle reader holds a
    lock the replacement sees (in rollback mode it held none, and the demo was replaced under the desk)."""
    from herstel_tui.settings.resources import routekaart_fingerprint
    from herstel_tui.store.caselist import quick_list_reader

    register = tmp_path / "register.db"
    assert run("aanmaken", "--db", str(register)).exit_code == 0
    backup = tmp_path / "backup.db"
    assert run("--db", str(register), "backup", str(backup)).exit_code == 0
    for path, args in (
        (demo_db, ["aanmaken", "--vervang-demo"]),
        (demo_db, ["demo", "--cases", "3", "--overschrijf"]),
        (register, ["terugzetten", str(backup), "--ja"]),
    ):
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        reader = quick_list_reader(path, routekaart_fingerprint())
        assert reader is not None  # what the light start holds while the desk shows the list
        try:
            before = path.read_bytes()
            r = run("--db", str(path), *args)
            assert r.exit_code == 2 and "nog in gebruik" in r.output, (args, r.output)
            assert path.read_bytes() == before
        finally:
            reader.close()


# -- a team register: one file for the colleagues of a group ----------------------------------------


def our_group() -> tuple[str, int]:
    """A group the test may give files to that is NOT its own group, so that every group assertion
    below proves a chown or the folder's setgid (as root, CI: any other group)."""
    import grp

    if os.geteuid() == 0:
        gids = [g.gr_gid for g in grp.getgrall() if g.gr_gid != os.getegid()]
    else:
        gids = [g for g in os.getgroups() if g != os.getegid()]
    if not gids:
        pytest.skip("no group besides the user's own to share a register with")
    return grp.getgrgid(gids[0]).gr_name, gids[0]


def test_aanmaken_with_groep_makes_a_register_the_team_shares(tmp_path):
    """Each caseworker logs in as themselves: a register only its maker can open shuts the team out.
    With --groep the file is 0660 and the folder 2770 (setgid: the -wal and -shm a colleague's desk
    makes belong to the group, with the file's mode)."""
    name, gid = our_group()
    path = tmp_path / "team" / "herstel.db"
    r = run("aanmaken", "--db", str(path), "--groep", name)
    assert r.exit_code == 0, r.output
    assert f"voor de leden van groep {name} te lezen" in r.output
    folder = path.parent.stat()
    assert (folder.st_mode & 0o7777, folder.st_gid) == (0o2770, gid)
    assert f"(bestaat, gedeeld met groep {name})" in run("--db", str(path), "waar").output
    with open_store(path, "t") as s:  # in WAL mode, open: the -wal and -shm are there
        assert s.counts()["cases"] == 0
        for name_ in ("herstel.db", "herstel.db-wal", "herstel.db-shm"):
            st = (path.parent / name_).stat()
            assert (st.st_mode & 0o777, st.st_gid) == (0o660, gid), name_


def test_groep_refused_where_the_team_could_not_work(tmp_path):
    name, _ = our_group()
    r = run("aanmaken", "--db", str(tmp_path / "x.db"), "--groep", "geen-groep-van-herstel")
    assert r.exit_code == 2 and "groep 'geen-groep-van-herstel' bestaat niet" in r.output
    os.chmod(tmp_path, 0o700)  # an existing folder that is not the group's: the admin is asked to share it
    r = run("aanmaken", "--db", str(tmp_path / "x.db"), "--groep", name)
    assert r.exit_code == 2
    assert (
        f"chgrp {name} {tmp_path} && chmod 2770 {tmp_path}" in r.output and "er is niets gewijzigd" in r.output.lower()
    )
    assert files_in(tmp_path) == []


def test_a_restore_keeps_the_teams_access(tmp_path):
    """A restore put a 0600 file in place: after it the colleagues could no longer open the register."""
    name, gid = our_group()
    path = tmp_path / "team" / "herstel.db"
    assert run("aanmaken", "--db", str(path), "--groep", name).exit_code == 0
    backup = tmp_path / "b.db"
    assert run("--db", str(path), "backup", str(backup)).exit_code == 0
    r = run("--db", str(path), "terugzetten", str(backup), "--ja")
    assert r.exit_code == 0, r.output
    st = path.stat()
    assert (st.st_mode & 0o777, st.st_gid) == (0o660, gid)


def test_backups_are_as_private_as_the_register_and_never_more(tmp_path):
    name, gid = our_group()
    path = tmp_path / "team" / "herstel.db"
    assert run("aanmaken", "--db", str(path), "--groep", name).exit_code == 0
    r = run("--db", str(path), "backup")
    assert r.exit_code == 0, r.output
    (made,) = (path.parent / "backups").iterdir()
    assert ((path.parent / "backups").stat().st_mode & 0o7777) == 0o2770
    assert (made.stat().st_mode & 0o777, made.stat().st_gid) == (0o660, gid)
    # a register someone made readable for all: its backup is not
    os.chmod(path, 0o644)
    r = run("--db", str(path), "backup", str(tmp_path / "b2.db"))
    assert r.exit_code == 0, r.output
    assert ((tmp_path / "b2.db").stat().st_mode & 0o777) == 0o640


def test_a_personal_registers_backups_stay_owner_only(tmp_path):
    os.chmod(tmp_path, 0o1777)  # the database in a folder open to all (as /tmp): the backups are not
    path = tmp_path / "herstel.db"
    assert run("aanmaken", "--db", str(path)).exit_code == 0
    assert run("--db", str(path), "backup").exit_code == 0
    folder = tmp_path / "backups"
    (made,) = folder.iterdir()
    assert (folder.stat().st_mode & 0o7777, made.stat().st_mode & 0o777) == (0o700, 0o600)


# -- the review's cases ---------------------------------------------------------------------------


def practise_in(path) -> None:
    """A caseworker practises in the demo: a person without a BSN (the desk's F9 allows it) and a case."""
    from herstel_tui.domain.models import Person

    with open_store(path, "oefenaar") as s:
        p = s.persons.add(Person(given_names="Oefen", surname="Persoon"))
        s.cases.open(p.id, "brede_ondersteuning")


def test_a_demo_someone_worked_in_is_kept(demo_db):
    practise_in(demo_db)
    before = demo_db.read_bytes()
    for args in (["aanmaken", "--vervang-demo"], ["demo", "--cases", "3", "--overschrijf"]):
        r = run(*args, "--db", str(demo_db))
        assert r.exit_code == 2, r.output
        assert f"in de demodatabase {demo_db} is gewerkt (" in r.output and "er is niets gewijzigd" in r.output
        assert demo_db.read_bytes() == before


def test_reading_a_demo_is_no_work_in_it(demo_db):
    assert run("--db", str(demo_db), "zoek", "jansen").exit_code in (0, 1)  # audited as 'gezocht'
    r = run("aanmaken", "--db", str(demo_db), "--vervang-demo")
    assert r.exit_code == 0, r.output


def test_the_demo_is_judged_again_under_the_lock_just_before_it_is_replaced(demo_db):
    """The early judgement comes before a build of minutes (a 1M demo): someone may work in the demo
    meanwhile. make_demo itself, asked without the command's early check, keeps a worked-in demo and a
    register: the judgement that counts runs under the replacement's exclusive lock."""
    from herstel_tui.services.demo import make_demo
    from herstel_tui.settings.resources import default_routekaart
    from herstel_tui.store.base import StoreError

    practise_in(demo_db)
    with open_store(demo_db, "t") as s:
        before = s.counts()
    with pytest.raises(StoreError, match="is gewerkt"):
        make_demo(demo_db, 3, routekaart=default_routekaart())
    with sqlite3.connect(demo_db) as conn:  # left in WAL mode, as it was (the in-use check had left it)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with open_store(demo_db, "t") as s:  # the same rows (the header's change counter moved: journal mode)
        assert s.counts() == before and s.counts()["cases"] == 6
    assert [p.name for p in demo_db.parent.iterdir() if p.name.startswith(".herstel")] == []


def test_a_new_register_is_owner_only_over_an_empty_file_of_any_mode(tmp_path):
    path = tmp_path / "x.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    assert run("aanmaken", "--db", str(path)).exit_code == 0
    assert (path.stat().st_mode & 0o777) == 0o600


def test_demo_leaves_a_stray_journal_alone(tmp_path):
    stray = tmp_path / "h.db-wal"
    stray.write_bytes(b"frames of another database")
    r = run("demo", "--cases", "3", "--db", str(tmp_path / "h.db"))
    assert r.exit_code == 2 and "staat nog h.db-wal" in r.output
    assert files_in(tmp_path) == ["h.db-wal"] and stray.read_bytes() == b"frames of another database"


def test_links(tmp_path, demo_db):
    link = tmp_path / "koppeling.db"
    link.symlink_to(demo_db)
    r = run("aanmaken", "--db", str(link), "--vervang-demo")
    assert r.exit_code == 2 and "is een koppeling (symlink)" in r.output
    assert link.is_symlink()
    # a demo behind a link: the file it points to is replaced, the link stays
    r = run("demo", "--cases", "3", "--db", str(link), "--overschrijf")
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and link.resolve() == demo_db.resolve()
    with open_store(demo_db, "t") as s:
        assert s.counts()["cases"] == 3


def test_a_relative_path_is_told_and_audited_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("aanmaken", "--db", "sub/x.db")
    assert r.exit_code == 0, r.output
    whole = tmp_path / "sub" / "x.db"
    assert f"Open de werkplek met: herstel --db {whole}" in r.output
    with open_store(whole, "t") as s:
        made = [e for e in s.audit.entries() if e.action == "aangemaakt"]
        assert made[0].detail == {"bestand": str(whole)}


def test_a_team_folder_open_to_others_is_refused(tmp_path):
    name, gid = our_group()
    folder = tmp_path / "team"
    folder.mkdir()
    os.chown(folder, -1, gid)
    os.chmod(folder, 0o2777)
    r = run("aanmaken", "--db", str(folder / "h.db"), "--groep", name)
    assert r.exit_code == 2 and f"is niet alleen van groep {name}" in r.output
    assert files_in(folder) == []
