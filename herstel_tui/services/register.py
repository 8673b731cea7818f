"""A new, empty register for real cases (``herstel aanmaken``), and the one judgement of when a file
may make way for a new one without asking for a restore: only a demo holds nothing anyone would
miss (``herstel aanmaken --vervang-demo``, ``herstel demo --overschrijf``, the first start).

A demo is what ``services.demo`` built (``meta.demo = '1'``) in which nobody has worked since: no
audit row after the demo's own but reading ones (:data:`READING`), and no person with a BSN outside
the test range ``9999…``. A caseworker who practised in it, or typed a real parent into it, keeps that
file until they move it away themselves. The judgement runs twice: early, before a new file is
built, and under an exclusive lock just before the replacement (``store.base.replace_database``)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from herstel_tui.domain.bsn import TEST_RANGE_PREFIX
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.routekaart import Routekaart
from herstel_tui.files.atomic import FILE_MODE, TargetExists, fsync, place, private_dir, temporary
from herstel_tui.store import Store, StoreError
from herstel_tui.store.base import (
    DB,
    check_database_file,
    check_regular_file,
    connect_readonly,
    looks_encrypted,
    marked_demo,
    refuse_stray_companions,
    replace_database,
)

#: Audit actions that change nothing in a demo: reading, searching, a backup, a schema upgrade.
READING = frozenset(
    a.value
    for a in (
        AuditAction.SCHEMA,
        AuditAction.DEMO_CREATED,
        AuditAction.VIEWED,
        AuditAction.SEARCHED,
        AuditAction.BACKUP,
        AuditAction.RECOMPUTED,
        AuditAction.PRINTED,
    )
)


def refuse_unless_demo(path: Path, *, then: str) -> None:
    """Raise a Dutch StoreError unless ``path`` is a demo nobody has worked in (see the module).
    ``then``: the way out the message names. The early answer; :func:`demo_judge` the last."""
    check_regular_file(path)
    if looks_encrypted(path):
        raise StoreError(f"{path} is een versleuteld laptopbestand, geen demodatabase; er is niets gewijzigd. {then}")
    check_database_file(path)
    conn = connect_readonly(path)  # not mode=ro: that would leave a WAL file's -wal and -shm behind
    try:
        demo_judge(then)(conn, path)
    finally:
        conn.close()


def demo_judge(then: str) -> Callable[[sqlite3.Connection, Path], None]:
    """:func:`judge_demo` on an open connection (``store.base.replace_database`` runs it under its
    lock), a file that is not a database refused in Dutch."""

    def judge(conn: sqlite3.Connection, path: Path) -> None:
        try:
            judge_demo(conn, path, then)
        except DB.DatabaseError:
            raise StoreError(f"{path} is geen database van herstel; er is niets gewijzigd. {then}") from None

    return judge


def judge_demo(conn: sqlite3.Connection, path: Path, then: str) -> None:
    if not marked_demo(conn):
        raise StoreError(f"{path} is een register voor echte zaken, geen demodatabase; er is niets gewijzigd. {then}")
    reading = sorted(READING)
    work = conn.execute(
        "SELECT count(*), max(at) FROM audit WHERE id > coalesce((SELECT max(id) FROM audit WHERE action = ?), 0) "
        f"AND action NOT IN ({','.join('?' * len(reading))})",
        (AuditAction.DEMO_CREATED.value, *reading),
    ).fetchone()
    if work[0]:
        when = format_date(date.fromisoformat(work[1][:10]))
        raise StoreError(
            f"in de demodatabase {path} is gewerkt ({work[0]} {'wijziging' if work[0] == 1 else 'wijzigingen'}, "
            f"de laatste op {when}); er is niets gewijzigd. Bewaar of verwijder dat bestand zelf. {then}"
        )
    real = conn.execute(
        "SELECT 1 FROM persons WHERE bsn IS NOT NULL AND substr(bsn, 1, ?) <> ? LIMIT 1",
        (len(TEST_RANGE_PREFIX), TEST_RANGE_PREFIX),
    ).fetchone()
    if real:
        raise StoreError(
            f"{path} is een demodatabase, maar er staan personen in met een BSN buiten het testbereik "
            f"{TEST_RANGE_PREFIX}… (echte gegevens?); er is niets gewijzigd. {then}"
        )


def is_demo(path: Path) -> bool:
    """Whether ``herstel demo`` made ``path`` (False for anything else, or what cannot be read)."""
    try:
        if not path.is_file() or looks_encrypted(path):
            return False
        check_database_file(path)
        conn = connect_readonly(path)
        try:
            return marked_demo(conn)
        finally:
            conn.close()
    except DB.DatabaseError:
        return False
    except (StoreError, OSError):
        return False


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
    if st.st_gid != gid or (st.st_mode & TEAM_DIR_MODE) != TEAM_DIR_MODE or st.st_mode & 0o007:
        raise StoreError(
            f"de map {folder} is niet alleen van groep {name}: collega's moeten daar de -wal en -shm van "
            f"SQLite kunnen maken en openen, en niemand anders. Laat de beheerder uitvoeren: chgrp {name} {folder} && "
            f"chmod 2770 {folder}. Er is niets gewijzigd"
        )


def create_register(
    target: Path, *, user: str, routekaart: Routekaart, replace_demo: bool = False, group: str | None = None
) -> Path:
    """A new, empty register at ``target``: the schema at this version, owner-only (with ``group``:
    read and written by that group's members, :data:`TEAM_FILE_MODE`, in a folder of that group,
    :data:`TEAM_DIR_MODE`), its first audit row saying who made it. Built whole beside the target,
    mode and audit row included, in the journal mode the Store chooses (WAL on a local disk, so a
    desk that has it open holds a lock a later replacement sees), and only then put in place.

    Never over another file, unless ``replace_demo`` and that file is a demo nobody has worked in or
    has open (:func:`refuse_unless_demo`, judged again under ``replace_database``'s lock). Refused on a
    link, and where a -wal or -journal of a database that is no longer there lies beside the name."""
    target = Path(os.path.abspath(Path(target).expanduser()))
    if os.path.islink(target):
        raise StoreError(
            f"{target} is een koppeling (symlink) naar {os.readlink(target)}; geef het pad van het bestand zelf. "
            "Er is niets gewijzigd"
        )
    check_regular_file(target)
    there = os.path.lexists(target)
    taken = there and target.stat().st_size > 0  # 0 bytes: no database (as the Store and a demo judge it)
    then = "Kies een ander pad met --db."
    if taken and not replace_demo:
        raise StoreError(
            f"{target} bestaat al; er is niets gewijzigd. Kies een ander pad met --db"
            " (of vervang een demodatabase met --vervang-demo)"
        )
    if taken:
        refuse_unless_demo(target, then=then)
    elif not there:
        refuse_stray_companions(target)
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
        try:
            with Store(tmp, user, routekaart=routekaart) as store, store.transaction():
                store.audit.append(AuditAction.CREATED, "database", None, detail={"bestand": str(target)})
        finally:
            for companion in ("-wal", "-shm", "-journal"):  # none after a clean close; whatever a failure left
                Path(f"{tmp}{companion}").unlink(missing_ok=True)
        if gid is not None:  # the -wal and -shm SQLite makes beside it take this mode
            os.chown(tmp, -1, gid)
        os.chmod(tmp, TEAM_FILE_MODE if gid is not None else FILE_MODE)
        fsync(tmp)
        if there:
            replace_database(tmp, target, judge=demo_judge(then) if taken else None, keep_sharing=False)
        else:
            try:
                place(tmp, target, overwrite=False)
            except TargetExists:  # made by someone else a moment ago
                raise StoreError(f"{target} bestaat al; er is niets gewijzigd") from None
    return target
