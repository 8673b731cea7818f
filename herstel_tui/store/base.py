"""The light part of the store: errors, file checks, the audit append. Standard library only,
so the quick shell commands can use it without loading pydantic or sqlite-utils."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..domain import clock

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs", "davfs"}


class StoreError(Exception):
    """A problem with the database file or a refused change; str() is Dutch for the user."""


class ConflictError(StoreError):
    """Someone else changed the case since it was read (optimistic lock)."""


def _now() -> str:
    return clock.now_iso()


def filesystem_type(path: Path) -> str | None:
    """The mount's file-system type for ``path`` on Linux, else None."""
    try:
        target = str(path.resolve())
        best, kind = "", None
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1].replace("\\040", " ")
                if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
                    best, kind = mount, parts[2]
        return kind
    except OSError:
        return None


def check_database_file(path: Path) -> None:
    """Refuse what is clearly not a SQLite file before SQLite touches it."""
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is een map, geen databasebestand")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path} kan niet worden gelezen: {exc.strerror}") from None
    if 0 < len(head) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(head):
        raise StoreError(f"{path} is afgebroken of beschadigd (te kort voor een SQLite-database)")
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is geen SQLite-database; er is niets gewijzigd")


def routekaart_fingerprint() -> str:
    """A hash of the routekaart file the engine reads, to notice when the data changed."""
    import hashlib

    from ..resources import data_file

    return hashlib.sha256(data_file("routekaart.toml").read_bytes()).hexdigest()[:16]


def network_warning(path: Path) -> str:
    return (f"Waarschuwing: {path} staat op een netwerkschijf. Herstel werkt daar zonder WAL "
            "(trager, en gelijktijdig werken is minder veilig). Zet de database bij voorkeur op een "
            "lokale schijf van de server.")


def check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """Refuse a database of a newer schema or of another program; return its version."""
    from .schema import APPLICATION_ID, LATEST

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > LATEST:
        raise StoreError(
            f"{path} heeft schemaversie {version}, maar deze versie van herstel kent "
            f"alleen t/m versie {LATEST}. Werk herstel bij; er is niets gewijzigd."
        )
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version == 0:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{path} is een SQLite-database, maar geen herstel-database; er is niets gewijzigd")
    elif app_id != APPLICATION_ID:
        raise StoreError(f"{path} is een SQLite-database van een ander programma; er is niets gewijzigd")
    return version


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the settings every user of the file needs (busy wait, foreign keys)."""
    conn = sqlite3.connect(f"file:{path}", uri=True, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write. Opened read-write with query_only, because a reader of a
    WAL database must be able to create its -shm file; a file we may not write opens mode=ro."""
    if not Path(path).is_file():
        raise StoreError(f"{path} bestaat niet")
    try:
        conn = connect(path)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn


def append_audit(conn: sqlite3.Connection, who: str, action: str, entity: str, entity_id: int | None, *,
                 person_id: int | None = None, case_id: int | None = None,
                 detail: dict[str, object] | None = None) -> None:
    """The one way a row enters the append-only audit table (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO audit (at, who, action, entity, entity_id, person_id, case_id, detail) VALUES (?,?,?,?,?,?,?,?)",
        (_now(), who, action, entity, entity_id, person_id, case_id,
         json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None),
    )
