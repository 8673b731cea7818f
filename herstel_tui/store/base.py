"""The light part of the store: errors, file checks, the audit append. Standard library only,
so the quick shell commands can use it without loading pydantic or sqlite-utils."""

from __future__ import annotations

import errno
import gc
import os
import sqlite3
import stat
import weakref
from _thread import RLock
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from herstel_tui.domain import clock
from herstel_tui.domain.text import os_reason

# The quick shell paths import this module: typing only for the type checker, and no pathlib or
# urllib (with ipaddress ~3 ms of `herstel zoek`): paths are text or Path alike here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypedDict, Unpack

    from herstel_tui.domain.enums import AuditAction

    class AuditAbout(TypedDict, total=False):
        """Whom an audit row is about, and its details (never a full BSN, never free text)."""

        person_id: int | None
        case_id: int | None
        detail: dict[str, Any] | None


SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x48525354  # "HRST": marks a herstel database in the SQLite header
# The schema version of this code: the last of store.schema.MIGRATIONS (schema.py refuses to load
# otherwise). Here, so the quick paths and the desk's first paint check a file's version without
# the migrations' SQL (~2 M instructions, issue 18).
LATEST = 18
BUSY_TIMEOUT_MS = 10_000
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs", "davfs"}


class DB:
    """The DB-API exception classes of every driver this process has loaded: sqlite3, and sqlcipher3
    once an encrypted checkout file is opened (its classes are its own, not sqlite3's). Catch
    ``except DB.Error`` (looked up when the ``except`` runs, so a driver loaded later counts)."""

    Error: tuple[type[Exception], ...] = (sqlite3.Error,)
    DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
    OperationalError: tuple[type[Exception], ...] = (sqlite3.OperationalError,)
    IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    @classmethod
    def register(cls, driver: Any) -> None:
        for name in ("Error", "DatabaseError", "OperationalError", "IntegrityError"):
            extra = getattr(driver, name)
            if extra not in getattr(cls, name):
                setattr(cls, name, (*getattr(cls, name), extra))


class StoreError(Exception):
    """A problem with the database file or a refused change; str() is Dutch for the user."""


class ConflictError(StoreError):
    """Someone else changed the case since it was read (optimistic lock)."""


BUSY = "{path} is bezet door een andere gebruiker; probeer het zo opnieuw"


class BusyError(StoreError):
    """Another connection held the write lock past the busy timeout (:data:`BUSY`)."""


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's answer when another connection holds a lock past the busy timeout."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


class HouseholdRefused(StoreError):
    """A place in a household that would make one of the person's timelines no longer fit the
    routekaart; ``str()`` is Dutch and the place was not saved. ``reason``: which case, what no
    longer fits beside what, and the engine's refusal."""

    def __init__(self, reason: str, refused: str = "Niet aan het huishouden toegevoegd") -> None:
        super().__init__(f"{refused}: {reason}")
        self.reason = reason


class PlanRefused(StoreError):
    """A plan, cost or draft change that the rules refuse; ``str()`` is Dutch and nothing was saved."""


class VersionAgreed(PlanRefused):
    """A change to the content of a plan version that is already agreed (vastgesteld): only a new
    version may change it."""


# Forms that save as you type pass the value the screen was showing (``based_on``): a save based
# on a value that someone else (another desk, the CLI) changed since is refused with this
# message, and the desk reloads what is true now. Equal values are never a conflict.
CHANGED_MEANWHILE = "is intussen door een ander gewijzigd"
UNSET: Any = object()  # "not given", where None is a value


def conflict(what: str) -> ConflictError:
    return ConflictError(
        f"{what} {CHANGED_MEANWHILE}; uw wijziging is niet opgeslagen en de nieuwe gegevens worden getoond"
    )


RESTORE_ADVICE = (
    "Werk er niet verder mee: zet de laatste backup terug met `herstel terugzetten BACKUP` "
    "(maak eerst een kopie van dit bestand) en meld het bij de beheerder."
)


def filesystem_type(path: Path | str) -> str | None:
    """The mount's file-system type for ``path`` on Linux, else None."""
    try:
        target = os.path.realpath(path)  # what Path.resolve() gives (its text)
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


def on_network_fs(path: Path | str) -> bool:
    """Whether ``path`` lies on a network file system (no WAL there: see ``network_warning``)."""
    return (filesystem_type(path) or "") in NETWORK_FS


# -- opening the file ------------------------------------------------------------------------------
# On POSIX, closing ANY descriptor of a file drops all of the process's fcntl locks on it. If this
# process opened the database file with open() while a SQLite connection of it was open, SQLite's
# locks would silently vanish: another process would think it was the last user, checkpoint and
# delete the WAL, and our connection would write on into a deleted file. So:
# - every connection is made by ``open_sqlite`` (one place, a proper percent-encoded URI);
# - ``open_sqlite`` counts the connections per file (device, inode) in this process;
# - the header is read with open() only while that count is zero, under the same lock that
#   connections are made under. With a connection open, the file was already accepted, and
#   SQLite itself refuses anything that is not a database ("file is not a database").

_OPEN_FILES: dict[tuple[int, int], int] = {}
_OPEN_LOCK = RLock()  # what threading.RLock() gives in CPython, without importing threading (~1 ms)


_URI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def _percent_encoded(text: str, safe: bytes = b"") -> str:
    """``urllib.parse.quote(text, safe=safe)``: UTF-8 (strict), every byte but the unreserved
    characters and ``safe`` as ``%XX``. (urllib.parse imports ipaddress: ~3 ms of `herstel zoek`.)"""
    keep = _URI_SAFE.union(safe)
    return "".join(chr(b) if b in keep else f"%{b:02X}" for b in text.encode("utf-8"))


def sqlite_uri(path: Path | str, **params: str) -> str:
    """``file:`` URI for ``path``: absolute, percent-encoded (a '#', '?' or '%' in a folder name is
    part of the name, never a fragment, query or escape). The query as ``urlencode(params)``
    writes it (tests/trust/test_files.py holds the two equal)."""
    absolute = os.path.abspath(os.fspath(path))
    uri = "file://" + _percent_encoded(absolute, b"/")
    query = "&".join(
        f"{_percent_encoded(str(k)).replace('%20', '+')}={_percent_encoded(str(v)).replace('%20', '+')}"
        for k, v in params.items()
    )
    return uri + ("?" + query if params else "")


# Path.is_file() and .exists() answer False for these (a missing file, a file for a folder, a
# symlink loop); any other error (no permission to look) is raised, as they raise it.
_NOT_A_FILE_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
_NOT_A_FILE_WINERRORS = frozenset({21, 123, 1921})


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path or ".")  # (Path("") is ".")
    except OSError as exc:
        if exc.errno in _NOT_A_FILE_ERRNOS or getattr(exc, "winerror", None) in _NOT_A_FILE_WINERRORS:
            return None
        raise
    except ValueError:  # a NUL in the name
        return None


def is_file(path: Path | str) -> bool:
    """``Path(path).is_file()`` for text or a Path, without pathlib."""
    st = _stat(path)
    return st is not None and stat.S_ISREG(st.st_mode)


def exists(path: Path | str) -> bool:
    """``Path(path).exists()`` for text or a Path, without pathlib."""
    return _stat(path) is not None


def _file_key(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # stat opens no descriptor
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _release(key: tuple[int, int]) -> None:
    with _OPEN_LOCK:
        n = _OPEN_FILES.get(key, 0) - 1
        if n > 0:
            _OPEN_FILES[key] = n
        else:
            _OPEN_FILES.pop(key, None)


class RegisteredClose:
    """For a DB-API connection class (``sqlite3``'s here, SQLCipher's in store/cipher.py): tells the
    registry above when the connection closes (or is collected)."""

    _release: weakref.finalize | None = None

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]  # the connection class this is mixed into
        finally:
            if self._release is not None:
                self._release()


class _Connection(RegisteredClose, sqlite3.Connection):
    """The package's plain connection."""


def _null(value: None) -> None:
    return value


# sqlite3 binds an int, float, str or bytes as it is; any other parameter (None too) goes through its
# adapter protocol first, which without an adapter registered for the type asks the protocol's type
# for ``__adapt__``, an AttributeError raised and cleared each time (3,300 instructions a parameter;
# a 50,000-row import binds 159,000 Nones: 4 % of its instructions). Registered, a None is a dictionary
# hit and a call, and still bound as NULL. (sqlite3's registry is the module's; SQLCipher's driver,
# store/cipher.py, keeps its own.)
sqlite3.register_adapter(type(None), _null)


def open_sqlite(
    path: Path | str, *, mode: str | None = None, timeout_ms: int | None = None, passphrase: str | None = None
) -> sqlite3.Connection:
    """The one way this package connects to a database file (autocommit, usable from threads);
    ``timeout_ms`` how long to wait for another connection's lock (default :data:`BUSY_TIMEOUT_MS`).

    With ``passphrase`` the file is an encrypted one (store/cipher.py: SQLCipher); a wrong
    passphrase or a tampered file is refused here with a Dutch message, before anything is read."""
    params = {"mode": mode} if mode else {}
    timeout_ms = BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms
    with _OPEN_LOCK:
        if passphrase is not None:
            from herstel_tui.store import cipher

            conn: Any = cipher.connect(sqlite_uri(path, **params), passphrase, timeout_ms / 1000)
        else:
            conn = sqlite3.connect(
                sqlite_uri(path, **params),
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=timeout_ms / 1000,
                factory=_Connection,
            )
        key = _file_key(path)
        if key is not None:
            _OPEN_FILES[key] = _OPEN_FILES.get(key, 0) + 1
            conn._release = weakref.finalize(conn, _release, key)
    if passphrase is not None:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except DB.DatabaseError:
            conn.close()
            from herstel_tui.store.cipher import WRONG_PASSPHRASE

            raise StoreError(WRONG_PASSPHRASE.format(path=path)) from None
    conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    return conn


def is_encrypted(conn: sqlite3.Connection) -> bool:
    """Whether this connection is to an encrypted file (SQLCipher's driver)."""
    return not isinstance(conn, sqlite3.Connection)


def looks_encrypted(path: Path | str) -> bool:
    """Whether ``path`` looks like an encrypted database: no SQLite header, whole pages of bytes.
    Read only while no connection of this process has the file open (see above)."""
    with _OPEN_LOCK:
        key = _file_key(path)
        if key is None or _OPEN_FILES.get(key):
            return False
        try:
            size = os.stat(path).st_size
            if not stat.S_ISREG(os.stat(path).st_mode) or size < 1024 or size % 512:
                return False
            with open(path, "rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError:
            return False
    return head != SQLITE_HEADER


def open_private_temp(like: sqlite3.Connection | None = None, passphrase: str | None = None) -> sqlite3.Connection:
    """A private temporary database (SQLite removes its file itself, even when we are killed);
    of the same driver as ``like`` when that is encrypted (SQLite's backup needs one driver)."""
    if like is not None and is_encrypted(like) and passphrase is not None:
        from herstel_tui.store import cipher

        return cipher.memory(passphrase)
    return sqlite3.connect("", isolation_level=None, check_same_thread=False)


def connections_open(path: Path | str) -> int:
    """How many connections of this process have ``path`` open (for tests and checks)."""
    key = _file_key(path)
    with _OPEN_LOCK:
        return _OPEN_FILES.get(key, 0) if key else 0


def check_regular_file(path: Path | str, what: str = "database") -> None:
    """Refuse a FIFO, device or socket: reading one would hang or consume someone else's data."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{path} kan niet worden gelezen: {os_reason(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is een map, geen {what}bestand")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(
            f"{path} is geen gewoon bestand (maar bijvoorbeeld een pijp of apparaat); "
            f"geef een {what}bestand op. Er is niets gewijzigd"
        )


def check_database_file(path: Path | str, *, encrypted: bool = False) -> None:
    """Refuse what is clearly not a SQLite file before SQLite touches it.

    The first bytes are read only when no connection of this process has the file open (see
    above); otherwise SQLite's own check on the first query is the one that counts."""
    check_regular_file(path)
    if encrypted:
        return  # no header to read: the passphrase check in open_sqlite is the one that counts
    with _OPEN_LOCK:
        key = _file_key(path)
        if key is None or _OPEN_FILES.get(key):
            return
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"{path} kan niet worden gelezen: {os_reason(exc)}") from None
    if 0 < len(head) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(head):
        raise StoreError(f"{path} is afgebroken of beschadigd (te kort voor een SQLite-database)")
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is geen SQLite-database; er is niets gewijzigd")


def check_not_in_use(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse when another connection (a desk, a command) has the database open: leaving WAL
    mode needs the file to itself, so SQLite answers 'locked' when someone else is in. On
    success the file is in rollback mode without a -wal file, ready to be replaced."""
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except DB.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path} is nog in gebruik (een bureau of een opdracht heeft hem open); "
                "sluit die eerst. Er is niets gewijzigd"
            ) from None
        raise


def meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the ``meta`` table (None when the key is not there)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


#: The mark ``herstel demo`` leaves in ``meta``: a file of synthetic cases (the desk's title says DEMO).
DEMO_MARK = ("demo", "1")


def marked_demo(conn: sqlite3.Connection) -> bool:
    return meta_value(conn, DEMO_MARK[0]) == DEMO_MARK[1]


def journal_mode_for(network_fs: bool) -> str:
    """The Store's choice: WAL on a local disk; rollback (DELETE) on a network file system, which
    does not give WAL the shared memory it needs."""
    return "DELETE" if network_fs else "WAL"


def refuse_in_use(path: Path) -> None:
    """The early answer to "does anyone have ``path`` open?", before minutes of work that ends in a
    replacement (a large demo): as :func:`check_not_in_use`, with the file's journal mode put back
    (WAL on a local disk) when nobody has it open. ``replace_database`` asks again at the end."""
    guard = open_sqlite(path, timeout_ms=0)
    try:
        check_not_in_use(guard, path)
        guard.execute(f"PRAGMA journal_mode = {journal_mode_for(on_network_fs(path))}")  # as it was
    finally:
        guard.close()


def network_warning(path: Path) -> str:
    return (
        f"Waarschuwing: {path} staat op een netwerkschijf. Herstel werkt daar zonder WAL "
        "(trager, en gelijktijdig werken is minder veilig). Zet de database bij voorkeur op een "
        "lokale schijf van de server."
    )


def check_schema(conn: sqlite3.Connection, path: Path | str) -> int:
    """Refuse a database of a newer schema or of another program; return its version."""
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


@contextmanager
def current_database(path: Path | str, *, readonly: bool = False) -> Iterator[sqlite3.Connection | None]:
    """A connection to ``path`` when it is a herstel database at this code's schema, else None
    (missing, not a database, another program's, or in need of a migration: the full Store decides).
    Standard library only: the quick paths use it."""
    conn = open_current(path, readonly=readonly)
    try:
        yield conn
    finally:
        if conn is not None:
            conn.close()


def open_current(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection | None:
    """:func:`current_database`'s connection, for the caller to close; None as there."""
    try:
        check_database_file(path)
        conn = connect_readonly(path) if readonly else connect(path)
    except (StoreError, sqlite3.Error):
        return None
    try:
        current = check_schema(conn, path) == LATEST
    except (StoreError, sqlite3.Error):
        current = False
    except BaseException:
        conn.close()
        raise
    if not current:
        conn.close()
        return None
    return conn


def missing_database(path: Path | str) -> StoreError:
    """The error for a database file that is not there, naming the two ways to make one."""
    return StoreError(
        f"{path} bestaat niet. Een nieuwe, lege database: herstel aanmaken --db {path} (een demo: herstel demo --db {path})"
    )


def connect(path: Path | str, passphrase: str | None = None) -> sqlite3.Connection:
    """A connection with the settings every user of the file needs (busy wait, foreign keys)."""
    conn = open_sqlite(path, passphrase=passphrase)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_readonly(path: Path | str, passphrase: str | None = None) -> sqlite3.Connection:
    """A connection that cannot write. Opened read-write with query_only, because a reader of a
    WAL database must be able to create its -shm file; a file we may not write opens mode=ro."""
    if not is_file(path):
        raise missing_database(path)
    conn = None
    try:
        conn = connect(path, passphrase)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except DB.Error:
        if conn is not None:
            conn.close()
        return open_sqlite(path, mode="ro", passphrase=passphrase)


def share_like(path: Path | str, model: Path | str) -> None:
    """Give ``path`` the permission bits and group of ``model``: a register a team shares through its
    group (``herstel aanmaken --groep``) stays shared when a restore or a new file takes its place, and
    its backups are as private as it is, no more (and never readable by others than owner and group).
    A Dutch StoreError when that cannot be done."""
    st = os.stat(model)
    try:
        if hasattr(os, "chown") and os.stat(path).st_gid != st.st_gid:  # (no groups on Windows)
            os.chown(path, -1, st.st_gid)
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o007)  # never to others outside the owner and group
    except OSError as exc:
        raise StoreError(
            f"{path} kan niet dezelfde rechten krijgen als {model} (groep-id {st.st_gid}): {os_reason(exc)}; "
            "er is niets gewijzigd"
        ) from None


#: What stays beside a database file while it is in use or after a crash. Beside a file that is
#: gone, it belongs to no database any more: a new file there would take it up as its own
#: ("How To Corrupt An SQLite Database File", 2.4: mispairing database files and hot journals).
COMPANIONS = ("-wal", "-journal")


def refuse_stray_companions(target: Path) -> None:
    """Refuse to put a new file at ``target`` (which does not exist) beside a -wal or -journal."""
    from pathlib import Path

    for suffix in COMPANIONS:
        stray = Path(f"{target}{suffix}")
        if os.path.lexists(stray):
            raise StoreError(
                f"naast {target} staat nog {stray.name}, van een database die daar niet meer is "
                "(verplaatst of verwijderd terwijl hij open was?). Een nieuwe database zou het overnemen; "
                "er is niets gewijzigd. Zet de database terug of verplaats dat bestand eerst"
            )


def replace_database(
    finished: Path | str,
    target: Path,
    passphrase: str | None = None,
    *,
    judge: Callable[[sqlite3.Connection, Path], None] | None = None,
    keep_sharing: bool = True,
) -> None:
    """Put the complete database file ``finished`` in place of ``target`` (restore, new demo).

    Refused while anyone has ``target`` open: a desk would write on into the replaced file, and
    its -wal could later be replayed into the new one. The old -wal/-shm go with the old file.
    ``passphrase``: ``target`` is an encrypted file, asked with its own driver (never plain sqlite3).
    ``judge(conn, target)``: raises to keep ``target``; run on it under an exclusive lock held until
    the new file is in place, so nobody writes into it between the judgement and the replacement
    (the judgement before a 4-minute demo build is only the early answer). ``keep_sharing``: the new
    file takes the old one's mode and group (a team register stays shared, :func:`share_like`).
    A link is followed: the file it points to is replaced, not the link."""
    from pathlib import Path

    target = Path(os.path.realpath(target))
    guard = None
    try:
        occupied = target.exists() and target.stat().st_size > 0
        if occupied:
            check_regular_file(target)
            try:
                guard = open_sqlite(target, timeout_ms=0, passphrase=passphrase)
            except StoreError:
                if passphrase is None or judge is not None:
                    raise
                # encrypted with another passphrase, or not sound: nobody works in it with ours
            if guard is not None:
                try:
                    check_not_in_use(guard, target)
                except DB.DatabaseError:
                    if judge is not None:
                        raise StoreError(f"{target} is geen database van herstel; er is niets gewijzigd") from None
                    # not a (sound) database: SQLite cannot tell who uses it; it is replaced on request
            if judge is not None and guard is not None:
                guard.execute("BEGIN EXCLUSIVE")  # rollback mode now (check_not_in_use): nobody reads or writes
                try:
                    judge(guard, target)
                except BaseException:
                    guard.execute("ROLLBACK")
                    guard.execute(f"PRAGMA journal_mode = {journal_mode_for(on_network_fs(target))}")  # kept as it was
                    raise
        elif not target.exists():
            refuse_stray_companions(target)
        if occupied and keep_sharing:
            share_like(finished, target)  # colleagues who shared the old file share the new one
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(finished, target)
    finally:
        if guard is not None:
            guard.close()


#: An audit row, as ``append_audit`` writes it (and the import's bulk writer, the same columns).
AUDIT_INSERT = (
    "INSERT INTO audit (at, who, action, entity, entity_id, person_id, case_id, detail) VALUES (?,?,?,?,?,?,?,?)"
)


def json_text(default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """``json.JSONEncoder(ensure_ascii=False, default=default).encode``, the same text: one encoder for
    every call (an import encodes tens of thousands of small details). ``encode`` makes json's C
    encoder afresh at every call, two Python calls around it (3 µs of a 4 µs detail); this makes it
    once. Without the C encoder (another Python): ``encode`` itself. (No check for a value that holds
    itself: such a value is refused by Python's recursion limit instead of json's ValueError.)"""
    import json

    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return json.JSONEncoder(ensure_ascii=False, default=default).encode
    refuse = default or json.JSONEncoder().default  # (a value JSON has no form for: its TypeError)
    chunks = make(None, refuse, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    join = "".join

    def encode(value: Any) -> str:
        return join(chunks(value, 0))

    return encode


_audit_encoder: Callable[[Any], str] | None = None


def audit_json(detail: Any) -> str:
    """An audit row's detail as text (``json.dumps(detail, ensure_ascii=False, default=str)``, with
    one encoder for every row: an import writes tens of thousands), the encoder made on first use:
    the desk's way to its first paint imports no json."""
    global _audit_encoder
    if _audit_encoder is None:
        _audit_encoder = json_text(default=str)
    return _audit_encoder(detail)


def audit_alone(
    conn: sqlite3.Connection,
    who: str,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    **about: Unpack[AuditAbout],
) -> None:
    """:func:`append_audit` in a write transaction of its own, for a look taken outside the Store
    (a search, a card shown on a quick path). A lock another connection holds past the busy
    timeout is a :class:`BusyError` naming the file, and nothing is written."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            append_audit(conn, who, action, entity, entity_id, **about)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise BusyError(BUSY.format(path=conn.execute("PRAGMA database_list").fetchone()[2])) from None
        raise


def append_audit(
    conn: sqlite3.Connection,
    who: str,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    *,
    at: str | None = None,
    **about: Unpack[AuditAbout],
) -> None:
    """The one way a row enters the append-only audit table (inside the caller's transaction).
    ``at``: when it happened, if not now (work brought back from a laptop keeps its own time)."""
    detail = about.get("detail")
    conn.execute(
        AUDIT_INSERT,
        (
            at or clock.now_iso(),
            who,
            action,
            entity,
            entity_id,
            about.get("person_id"),
            about.get("case_id"),
            audit_json(detail) if detail is not None else None,
        ),
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a piece of bulk work, on again afterwards (as it
    was). A rebuild (a million tuples and strings) or a portal import (50,000 rows, records and
    outcomes) makes almost no reference cycles, yet would set the collector off thousands of times,
    now and then for a pass over every object the process holds (a seventh of a 50,000-row
    import's time); memory is freed by reference counting as ever.

    What the work made and still holds when it ends (an import's report, and its table and records
    until the caller lets go of them: 377,000 objects after a 50,000-row list) is put in the oldest
    generation (``gc.freeze`` then ``gc.unfreeze``: a move of lists, no pass). Left young, the first
    collection after the pause would walk every one of them, alive all (0.1-0.16 s after a 50,000-row
    import); in the oldest they are examined by the collector's next full pass, with whatever
    cycles the pause left (a `herstel portaal lijst` ends before one). Not while anything is frozen
    (the desk, after its first paint): ``unfreeze`` would let that go too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
