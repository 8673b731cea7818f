"""Backups and restore of the register: SQLite's online backup API (colleagues keep working while
it runs) into an owner-only file that is put in place atomically and never over another file."""

from __future__ import annotations

import os
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.routekaart import Routekaart
from herstel_tui.files.atomic import TargetExists, fsync, place, private_dir, temporary
from herstel_tui.services.register import share_folder, shared_with
from herstel_tui.store import Store, StoreError
from herstel_tui.store.base import (
    DB,
    check_database_file,
    check_regular_file,
    open_sqlite,
    replace_database,
    share_like,
)


def backup(store: Store, target: Path) -> Path:
    """Copy the live database to ``target`` (a file, or a folder to put a dated file in).

    Never overwrites: the finished copy is hard-linked into place (``link`` fails when the name
    exists, atomically, so two backups to one path at the same moment cannot both win); where
    the file system has no hard links, the name is claimed with an exclusive create instead.
    """
    target = Path(target).expanduser()
    into_folder = target.is_dir()
    exists = f"{target} bestaat al; kies een andere naam (er is niets overschreven)"
    if not into_folder and os.path.lexists(target):
        raise StoreError(exists)
    folder = target if into_folder else target.parent
    try:
        with temporary(folder, prefix=".herstel-backup-", suffix=".db") as tmp:
            dest = store.connect_like(tmp)
            try:
                store.backup_into(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
                problems = dest.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dest.close()
            if problems != "ok":
                raise StoreError(f"de kopie is niet in orde ({problems}); er is geen backup geschreven")
            try:
                share_like(tmp, store.path)  # as private as the register: owner-only, or its team's group
            except StoreError:
                pass  # a file system without owners or groups (a USB stick): private as mkstemp made it
            fsync(tmp)
            if into_folder:
                target = _place_dated(tmp, folder)
            else:
                try:
                    place(tmp, target, overwrite=False)
                except TargetExists:
                    raise StoreError(exists) from None
    except DB.Error as exc:
        raise StoreError(f"backup naar {target} mislukt: {exc}") from None
    with store.transaction():
        store.audit.append(AuditAction.BACKUP, "database", None, detail={"naar": str(target)})
    return target


def default_folder(store: Store) -> Path:
    """``backups`` beside the database, made when missing: owner-only, or, for a team register (its
    group may write the file), a folder of that group (services.register.TEAM_DIR_MODE)."""
    folder = store.path.parent / "backups"
    if not folder.exists():
        private_dir(folder)
        if shared_with(store.path):
            share_folder(folder, store.path.stat().st_gid)
    return folder


def _place_dated(tmp: Path, folder: Path) -> Path:
    """``herstel-backup-<jjjjmmdd>.db`` in ``folder``, or -1, -2 … when that name is taken."""
    stamp = clock.today().strftime("%Y%m%d")
    n = 0
    while True:
        name = f"herstel-backup-{stamp}.db" if n == 0 else f"herstel-backup-{stamp}-{n}.db"
        try:
            place(tmp, folder / name, overwrite=False)
            return folder / name
        except TargetExists:
            n += 1


def restore(
    source: Path, target: Path, *, user: str, overwrite: bool, routekaart: Routekaart, passphrase: str | None = None
) -> None:
    """Put a backup in place of the database. Refuses to overwrite unless ``overwrite``, and
    refuses while anyone (a desk, a command) has the database open. ``passphrase``: the backup
    is of an encrypted (laptop) file, and stays encrypted."""
    source, target = Path(source).expanduser(), Path(target).expanduser()
    if not source.is_file():
        raise StoreError(f"{source} bestaat niet")
    check_database_file(source, encrypted=passphrase is not None)
    with Store(source, user, readonly=True, routekaart=routekaart, passphrase=passphrase) as probe:
        ok = probe.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"{source} is beschadigd ({ok}); er is niets teruggezet")
    check_regular_file(target)
    if target.exists() and target.stat().st_size and not overwrite:
        raise StoreError(
            f"{target} bestaat al. Bevestig met --ja dat deze database wordt vervangen "
            "(maak eerst een backup); er is niets gewijzigd"
        )
    private_dir(target.parent)
    with temporary(target.parent, prefix=".herstel-restore-", suffix=".db") as tmp:
        src = open_sqlite(source, mode="ro", passphrase=passphrase)
        dst = open_sqlite(tmp, passphrase=passphrase)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            src.close()
            dst.close()
        fsync(tmp)
        replace_database(tmp, target, passphrase)
    with Store(target, user, routekaart=routekaart, passphrase=passphrase) as s, s.transaction():
        s.audit.append(AuditAction.RESTORED, "database", None, detail={"van": str(source)})
