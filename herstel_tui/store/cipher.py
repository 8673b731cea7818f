"""Encrypted database files (a checkout on a laptop): SQLCipher through ``sqlcipher3``, a DB-API
drop-in for ``sqlite3`` with FTS5. Imported only when an encrypted file is opened, so the quick
paths on the team's plain database never load it.

SQLCipher is a second copy of SQLite in this process. Two copies must never open the same file
(each keeps its own POSIX locks; one closing its descriptor drops the other's locks): a file is
either plain (``sqlite3`` only) or encrypted (``sqlcipher3`` only), never both, and no ATTACH
across them.
"""

from __future__ import annotations

from typing import Any

import sqlcipher3.dbapi2 as driver

from herstel_tui.store.base import DB, RegisteredClose

DB.register(driver)

WRONG_PASSPHRASE = (
    "{path} kan niet worden geopend: het wachtwoord klopt niet, of het bestand is aangetast. Er is niets gewijzigd"
)


class CipherConnection(RegisteredClose, driver.Connection):
    """An encrypted file's connection (registered like the plain ones)."""


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA takes no parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def connect(uri: str, passphrase: str, timeout: float) -> Any:
    conn = driver.connect(
        uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout, factory=CipherConnection
    )
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log line on stderr
    conn.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
    return conn


def memory(passphrase: str) -> Any:
    """A private in-memory database of this driver (backup targets must be the same driver)."""
    conn = driver.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
    return conn
