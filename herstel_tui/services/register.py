"""A new, empty register for real cases (``herstel aanmaken``), and the one judgement of when a file
may make way for a new one without asking for a restore: only a demo holds nothing anyone would
miss (``herstel aanmaken --vervang-demo``, ``herstel demo --overschrijf``).

A demo is what ``services.demo`` built (``meta.demo = '1'``) and still holds no person with a BSN
outside the test range ``9999…``: a caseworker who typed a real parent into the demo keeps that
file until they move it away themselves."""

from __future__ import annotations

import os
from pathlib import Path

from herstel_tui.domain.bsn import TEST_RANGE_PREFIX
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.routekaart import Routekaart
from herstel_tui.files.atomic import TargetExists, fsync, place, private_dir, temporary
from herstel_tui.store import Store, StoreError
from herstel_tui.store.base import (
    DB,
    check_database_file,
    check_regular_file,
    connect_readonly,
    looks_encrypted,
    replace_database,
)

#: What stays beside a database file while it is in use or after a crash. Beside a file that is
#: gone, it belongs to no database any more: a new file there would take it up as its own
#: ("How To Corrupt An SQLite Database File", 2.4: mispairing database files and hot journals).
COMPANIONS = ("-wal", "-journal")


def refuse_unless_demo(path: Path, *, then: str) -> None:
    """Raise a Dutch StoreError unless ``path`` is a demo: built by ``herstel demo`` and holding no
    BSN outside the test range. ``then``: the way out the message names."""
    check_regular_file(path)
    if looks_encrypted(path):
        raise StoreError(f"{path} is een versleuteld laptopbestand, geen demodatabase; er is niets gewijzigd. {then}")
    check_database_file(path)
    try:
        conn = connect_readonly(path)  # not mode=ro: that would leave a WAL file's -wal and -shm behind
        try:
            demo = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
            real = (
                conn.execute(
                    "SELECT 1 FROM persons WHERE bsn IS NOT NULL AND substr(bsn, 1, ?) <> ? LIMIT 1",
                    (len(TEST_RANGE_PREFIX), TEST_RANGE_PREFIX),
                ).fetchone()
                if demo
                else None
            )
        finally:
            conn.close()
    except DB.DatabaseError:
        raise StoreError(f"{path} is geen database van herstel; er is niets gewijzigd. {then}") from None
    if not demo or demo[0] != "1":
        raise StoreError(f"{path} is een register voor echte zaken, geen demodatabase; er is niets gewijzigd. {then}")
    if real:
        raise StoreError(
            f"{path} is een demodatabase, maar er staan personen in met een BSN buiten het testbereik "
            f"{TEST_RANGE_PREFIX}… (echte gegevens?); er is niets gewijzigd. {then}"
        )


def is_demo(path: Path) -> bool:
    """Whether ``path`` is a database ``herstel demo`` made (False for anything else, or what cannot be read)."""
    try:
        if not path.is_file() or looks_encrypted(path):
            return False
        check_database_file(path)
        conn = connect_readonly(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        finally:
            conn.close()
    except DB.DatabaseError:
        return False
    except (StoreError, OSError):
        return False
    return row is not None and row[0] == "1"


#: A register a team shares through a group: read and written by its members, by nobody else.
TEAM_FILE_MODE = 0o660
#: Its folder: SQLite makes the -wal, -shm and -journal there, with the file's mode, for whoever opens it
#: first; setgid gives them the folder's group, so every member can open them (SQLite hands a new
#: -wal the database's owner only when it runs as root).
TEAM_DIR_MODE = 0o2770


def team_group(name: str) -> int:
    """The id of group ``name``, which the user must be in (else a Dutch StoreError)."""
    if os.name != "posix":
        raise StoreError("een teamdatabase met --groep kan alleen op Linux of een ander Unix-systeem")
    import grp

    try:
        gid = grp.getgrnam(name).gr_gid
    except KeyError:
        raise StoreError(f"groep {name!r} bestaat niet op deze computer; er is niets gewijzigd") from None
    if os.geteuid() != 0 and gid != os.getegid() and gid not in os.getgroups():
        raise StoreError(f"u bent geen lid van groep {name}; er is niets gewijzigd")
    return gid


def shared_with(path: Path) -> str | None:
    """The group whose members may write ``path`` (a team register), else None."""
    st = path.stat()
    if os.name != "posix" or not st.st_mode & 0o020:
        return None
    import grp

    try:
        return grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        return str(st.st_gid)


def share_folder(folder: Path, gid: int) -> None:
    """Make ``folder`` a team folder of group ``gid`` (:data:`TEAM_DIR_MODE`)."""
    os.chown(folder, -1, gid)
    os.chmod(folder, TEAM_DIR_MODE)


def check_team_folder(folder: Path, name: str, gid: int) -> None:
    """Refuse a folder the team cannot work in (see :data:`TEAM_DIR_MODE`); a missing one is made so."""
    if not folder.exists():
        return
    st = folder.stat()
    if st.st_gid != gid or (st.st_mode & TEAM_DIR_MODE) != TEAM_DIR_MODE:
        raise StoreError(
            f"de map {folder} is niet gedeeld met groep {name}: collega's kunnen daar de -wal en -shm van "
            f"SQLite niet maken of openen. Laat de beheerder uitvoeren: chgrp {name} {folder} && "
            f"chmod 2770 {folder}. Er is niets gewijzigd"
        )


def create_register(
    target: Path, *, user: str, routekaart: Routekaart, replace_demo: bool = False, group: str | None = None
) -> Path:
    """A new, empty register at ``target``: the schema at this version, owner-only (with ``group``:
    read and written by that group's members, :data:`TEAM_FILE_MODE`, in a folder of that group,
    :data:`TEAM_DIR_MODE`), its first audit row saying who made it. Built beside the target and put
    in place only when complete.

    Never over another file, unless ``replace_demo`` and that file is a demo nobody has open
    (:func:`refuse_unless_demo`, ``replace_database``). Refused where a -wal or -journal of a
    database that is no longer there still lies beside the name (:data:`COMPANIONS`)."""
    target = Path(target).expanduser()
    check_regular_file(target)
    there = os.path.lexists(target)
    taken = there and target.stat().st_size > 0  # 0 bytes: no database (as the Store and a demo judge it)
    if taken and not replace_demo:
        raise StoreError(
            f"{target} bestaat al; er is niets gewijzigd. Kies een ander pad met --db"
            " (of vervang een demodatabase met --vervang-demo)"
        )
    if taken:
        refuse_unless_demo(target, then="Kies een ander pad met --db.")
    elif not there:
        for suffix in COMPANIONS:
            stray = Path(f"{target}{suffix}")
            if os.path.lexists(stray):
                raise StoreError(
                    f"naast {target} staat nog {stray.name}, van een database die daar niet meer is "
                    "(verplaatst of verwijderd terwijl hij open was?). Een nieuwe database zou het overnemen; "
                    "er is niets gewijzigd. Zet de database terug of verplaats dat bestand eerst"
                )
    gid = team_group(group) if group else None
    if group and gid is not None:
        check_team_folder(target.parent, group, gid)
        if not target.parent.exists():  # one level only: a folder made owner-only above it would shut the team out
            if not target.parent.parent.is_dir():
                raise StoreError(f"de map {target.parent.parent} bestaat niet; er is niets gewijzigd")
            target.parent.mkdir()
            share_folder(target.parent, gid)
    private_dir(target.parent)
    with temporary(target.parent, prefix=".herstel-nieuw-", suffix=".db") as tmp:
        with Store(tmp, user, routekaart=routekaart) as store:
            store.conn.execute("PRAGMA journal_mode = DELETE")  # moved as one file, no -wal beside it
        fsync(tmp)
        if there:
            replace_database(tmp, target)
        else:
            try:
                place(tmp, target, overwrite=False)
            except TargetExists:  # made by someone else a moment ago
                raise StoreError(f"{target} bestaat al; er is niets gewijzigd") from None
    if gid is not None:  # before anyone opens it: the -wal and -shm SQLite makes take this mode
        os.chown(target, -1, gid)
        os.chmod(target, TEAM_FILE_MODE)
    # Opened once in place, as a restore is: the Store turns on WAL (not on a network file system),
    # and from then on a desk that has the file open, even one only reading its list, holds a lock
    # that a later replacement sees (in rollback mode an idle reader holds none: store.base.check_not_in_use).
    with Store(target, user, routekaart=routekaart) as store, store.transaction():
        store.audit.append(AuditAction.CREATED, "database", None, detail={"bestand": str(target)})
    return target
