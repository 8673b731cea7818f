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


def create_register(target: Path, *, user: str, routekaart: Routekaart, replace_demo: bool = False) -> Path:
    """A new, empty register at ``target``: the schema at this version, owner-only, its first audit
    row saying who made it. Built beside the target and put in place only when complete.

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
    # Opened once in place, as a restore is: the Store turns on WAL (not on a network file system),
    # and from then on a desk that has the file open, even one only reading its list, holds a lock
    # that a later replacement sees (in rollback mode an idle reader holds none: store.base.check_not_in_use).
    with Store(target, user, routekaart=routekaart) as store, store.transaction():
        store.audit.append(AuditAction.CREATED, "database", None, detail={"bestand": str(target)})
    return target
