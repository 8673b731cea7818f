"""The store: one SQLite file, returning domain objects through a repository per aggregate.

    store = Store(path, user, routekaart=default_routekaart())
    store.persons / store.cases / store.plans / store.costs / store.drafts / store.portal /
    store.codes / store.overview / store.maintenance / store.audit

Rules kept here, so no caller can forget them:
- every write runs in one ``BEGIN IMMEDIATE`` transaction (:meth:`Store.transaction`, nested use
  joins the outer one) together with its audit row (``store.audit.append``);
- migrations run on open, each in its own transaction;
- foreign keys are on, WAL is on (except on a network file system), busy_timeout waits;
- the routekaart handed to the Store judges every timeline event, and the case index is kept
  in step with it (its fingerprint is kept in ``meta``; a different routekaart rebuilds it).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction
from herstel_tui.store.base import (
    BUSY,
    DB,
    RESTORE_ADVICE,
    StoreError,
    check_database_file,
    check_schema,
    journal_mode_for,
    marked_demo,
    meta_value,
    missing_database,
    on_network_fs,
    open_private_temp,
    open_sqlite,
)
from herstel_tui.store.schema import LATEST, MIGRATIONS

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.domain.routekaart import Routekaart
    from herstel_tui.store.audit import AuditLog
    from herstel_tui.store.cases import CaseRepository
    from herstel_tui.store.checkout import CheckoutRepository
    from herstel_tui.store.codes import VerificationCodes
    from herstel_tui.store.costs import CostRepository
    from herstel_tui.store.drafts import DraftRepository
    from herstel_tui.store.maintenance import Maintenance
    from herstel_tui.store.overview import OverviewQueries
    from herstel_tui.store.persons import PersonRepository
    from herstel_tui.store.plan import PlanRepository
    from herstel_tui.store.portal import PortalLedger


def _private_parents(folder: Path) -> None:
    """Create ``folder`` and missing parents owner-only (0700, whatever the umask): the same rule as
    ``files.atomic.private_dir`` (store and files are siblings and do not import each other)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)  # mkdir's mode is masked by the umask


class Store:
    """The case register. Safe to share between the UI thread and worker threads."""

    def __init__(
        self,
        path: Path | str,
        user: str,
        *,
        routekaart: Routekaart,
        create: bool = True,
        readonly: bool = False,
        passphrase: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ):
        """``progress(done, total)`` is told how far a rebuild of the case index on open has come
        (after a routekaart change: seconds at 100,000 cases)."""
        self.path = Path(path)
        self._passphrase = passphrase
        self.encrypted = passphrase is not None
        self.user = user
        self.readonly = readonly
        self.routekaart = routekaart
        self.lock = threading.RLock()
        self.refreshed_on_open = 0
        check_database_file(self.path, encrypted=self.encrypted)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        if is_new and (readonly or not create):
            if self.path.exists():
                raise StoreError(
                    f"{self.path} is leeg (0 bytes): geen herstel-database, misschien afgebroken bij het kopiëren. "
                    "Er is niets gewijzigd. Zet een backup terug (herstel terugzetten) of maak een nieuwe database "
                    "(herstel aanmaken)"
                )
            raise missing_database(self.path)
        if not self.path.exists():
            _private_parents(self.path.parent)
            # Owner-only from the first byte: BSNs and health data live here. Only a file that does
            # not exist yet is opened here (O_EXCL), so no SQLite connection can have it open.
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass  # made by another process this very moment: SQLite takes it from here
        self.network_fs = on_network_fs(self.path)
        conn = None
        try:
            conn = open_sqlite(self.path, mode="ro" if readonly else None, passphrase=passphrase)
            conn.execute("PRAGMA foreign_keys = ON")
            self._attach(conn)
            check_schema(conn, self.path)
            if not readonly:
                self._set_journal_mode()
                self._migrate()
                self.refreshed_on_open = self.cases.refresh_derived(progress=progress)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, DB.DatabaseError):
                raise StoreError(self.error_message(exc)) from None
            raise

    def _attach(self, conn: sqlite3.Connection) -> None:
        """The connection the repositories below share. Each repository is made (and its module
        imported) on first use: `herstel toon` needs three of the eleven. The cases repository
        holds state (``summaries_once``) and is made here, before any thread can ask for it: two
        threads asking first at once could otherwise each get one (cached_property takes no lock
        since Python 3.12); the others hold none."""
        self.conn = conn
        self.cases  # noqa: B018 - made now (see above)

    @functools.cached_property
    def audit(self) -> AuditLog:
        from herstel_tui.store.audit import AuditLog

        return AuditLog(self)

    @functools.cached_property
    def persons(self) -> PersonRepository:
        from herstel_tui.store.persons import PersonRepository

        return PersonRepository(self)

    @functools.cached_property
    def cases(self) -> CaseRepository:
        from herstel_tui.store.cases import CaseRepository

        return CaseRepository(self)

    @functools.cached_property
    def plans(self) -> PlanRepository:
        from herstel_tui.store.plan import PlanRepository

        return PlanRepository(self)

    @functools.cached_property
    def costs(self) -> CostRepository:
        from herstel_tui.store.costs import CostRepository

        return CostRepository(self)

    @functools.cached_property
    def drafts(self) -> DraftRepository:
        from herstel_tui.store.drafts import DraftRepository

        return DraftRepository(self)

    @functools.cached_property
    def portal(self) -> PortalLedger:
        from herstel_tui.store.portal import PortalLedger

        return PortalLedger(self)

    @functools.cached_property
    def codes(self) -> VerificationCodes:
        from herstel_tui.store.codes import VerificationCodes

        return VerificationCodes(self)

    @functools.cached_property
    def overview(self) -> OverviewQueries:
        from herstel_tui.store.overview import OverviewQueries

        return OverviewQueries(self)

    @functools.cached_property
    def maintenance(self) -> Maintenance:
        from herstel_tui.store.maintenance import Maintenance

        return Maintenance(self)

    @functools.cached_property
    def checkouts(self) -> CheckoutRepository:
        from herstel_tui.store.checkout import CheckoutRepository

        return CheckoutRepository(self)

    @functools.cached_property
    def db(self):
        """sqlite-utils on the same connection, loaded on first use (it costs ~50 ms to import)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening -------------------------------------------------------------------------------

    def error_message(self, exc: BaseException) -> str:
        """A Dutch message for an SQLite error on this file."""
        text = str(exc)
        if "auditlogboek aangetast" in text:
            return (
                f"het auditlogboek van {self.path} is aangetast (regels zijn gewist buiten herstel om); "
                "er is niets opgeslagen. Laat `herstel controle` draaien en meld het bij de beheerder"
            )
        if "malformed" in text:
            return f"{self.path} is beschadigd ({text}). {RESTORE_ADVICE}"
        if "not a database" in text and self.encrypted:
            from herstel_tui.store.cipher import WRONG_PASSPHRASE

            return WRONG_PASSPHRASE.format(path=self.path)
        if "not a database" in text:
            return f"{self.path} is geen geldige SQLite-database of is beschadigd ({text})"
        if "readonly" in text or "read-only" in text:
            return f"{self.path} is alleen-lezen; er kan niets worden opgeslagen"
        if "disk is full" in text or "database or disk is full" in text:
            return f"de schijf is vol; {self.path} is niet gewijzigd"
        if "unable to open" in text:
            return f"{self.path} kan niet worden geopend ({text})"
        if "locked" in text or "busy" in text:
            return BUSY.format(path=self.path)
        return f"databasefout in {self.path}: {text}"

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _set_journal_mode(self) -> None:
        self.conn.execute(f"PRAGMA journal_mode = {journal_mode_for(self.network_fs)}")
        self.conn.execute("PRAGMA synchronous = FULL")

    def _migrate(self) -> None:
        self._register_migration_functions()
        for version, _title, script in MIGRATIONS:
            if version <= self.schema_version():
                continue
            try:
                self.conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
            except DB.Error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            if version == 1:
                with self.transaction():
                    # A new database: its (empty) case index already matches this routekaart.
                    from herstel_tui.store.index_batch import index_marks

                    for key, value in index_marks(self.routekaart):
                        self.set_meta(key, value)
                    self.audit.append(
                        AuditAction.SCHEMA, "database", None, detail={"versie": LATEST, "bestand": str(self.path)}
                    )

    def _register_migration_functions(self) -> None:
        """SQL functions the migration scripts may call: the text policy of ``domain/text`` (migration
        9), the clock and the user, so that a script follows the same rules as the code."""
        from herstel_tui.domain.text import scrub_stored

        def scrub(value: str | None, multiline: int) -> str | None:
            return scrub_stored(value, multiline=bool(multiline)) if isinstance(value, str) else value

        self.conn.create_function("herstel_scrub", 2, scrub, deterministic=True)
        self.conn.create_function("herstel_now", 0, clock.now_iso)
        self.conn.create_function("herstel_user", 0, lambda: self.user)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def private_copy(self) -> Iterator[Store]:
        """A throwaway Store on a copy of this database, for a dry run that must show exactly what
        the real run would do without taking the write lock: SQLite's backup API reads one
        consistent snapshot (in WAL mode no writer waits for it) into a temporary database."""
        dest = open_private_temp(self.conn, self._passphrase)
        try:
            self.backup_into(dest)
            dest.execute("PRAGMA foreign_keys = ON")
            copy = Store.__new__(Store)
            copy.path, copy.user, copy.readonly, copy.routekaart = self.path, self.user, False, self.routekaart
            copy._passphrase, copy.encrypted = self._passphrase, self.encrypted
            copy.lock = threading.RLock()
            copy.network_fs = False
            copy.refreshed_on_open = 0
            copy._attach(dest)
            yield copy
        finally:
            dest.close()

    def backup_into(self, dest: sqlite3.Connection) -> None:
        """SQLite's online backup of this database into ``dest`` (one consistent snapshot)."""
        with self.lock:
            self.conn.backup(dest)

    @property
    def passphrase(self) -> str | None:
        """The passphrase of an encrypted file (for the desk's read-only connections), else None."""
        return self._passphrase

    def connect_like(self, path: Path | str) -> sqlite3.Connection:
        """A connection to another file, encrypted with this store's passphrase when this one is
        (a backup of a laptop checkout stays encrypted)."""
        return open_sqlite(path, passphrase=self._passphrase)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, deferred: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction. Nested use joins the outer one. ``deferred``: begun with a plain
        ``BEGIN``, which locks each database only as it is written (``BEGIN IMMEDIATE`` locks every
        attached one at once; the demo's builder reads shard files their workers still write)."""
        with self.lock:
            if self.readonly:
                raise StoreError(f"{self.path} is alleen-lezen geopend")
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN" if deferred else "BEGIN IMMEDIATE")
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, DB.Error):
                    raise StoreError(self.error_message(exc)) from exc
                raise

    @contextmanager
    def savepoint(self, name: str) -> Iterator[sqlite3.Connection]:
        """A part of the current transaction that is undone alone when its block raises."""
        assert self.conn.in_transaction, "a savepoint lives inside a transaction"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self.conn.execute(f"RELEASE {name}")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for a read that another thread's use of it must not interleave with."""
        with self.lock:
            yield self.conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the file as it was at the first one (a
        colleague's save in between cannot make figures disagree with each other). Inside an open
        transaction, that transaction is the snapshot."""
        with self.reading() as conn:
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    # -- meta ------------------------------------------------------------------------------------

    def data_version(self) -> int:
        """Changes whenever another connection commits: cheap to poll, to show colleagues' work."""
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def meta(self, key: str) -> str | None:
        return meta_value(self.conn, key)

    def is_demo(self) -> bool:
        """Whether ``herstel demo`` made this file (:data:`store.base.DEMO_MARK`)."""
        return marked_demo(self.conn)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def counts(self) -> dict[str, int]:
        return {
            t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("persons", "cases", "events", "contact_notes", "audit")
        }
