"""SHA-256 digests, and the routekaart fingerprint a database keeps (standard library only: the
quick paths compare fingerprints before anything else is loaded)."""

from __future__ import annotations


def sha256_hex(data: bytes) -> str:
    """``hashlib.sha256(data).hexdigest()``, from CPython's own SHA-256 when it has one: hashlib
    loads OpenSSL first (~2 ms, on `herstel zoek`'s quick path for the routekaart's fingerprint)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11 (3.12: _sha2)
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]
        except ImportError:
            from hashlib import sha256
    return sha256(data).hexdigest()


def fingerprint(text: bytes) -> str:
    """The hash a database keeps of the routekaart (the file's bytes) its case index was computed with."""
    return sha256_hex(text)[:16]
