"""BSN (burgerservicenummer) handling.

The 11-check itself comes from python-stdnum. This module adds what the caseworker's input
needs: separators and spaces are accepted, 8-digit numbers get their leading zero back, and
every refusal is a Dutch sentence. BSNs are text, always nine digits.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-]")


class BsnError(ValueError):
    """A BSN that cannot be accepted; str() is a Dutch message for the caseworker."""


def normalize_bsn(raw: object) -> str:
    """Return the nine-digit text form of ``raw`` or raise BsnError.

    Accepts ``1234.56.782``, `` 123456782 ``, ``123-456-782`` and 8-digit numbers (padded
    with a leading zero). Integers are refused: a BSN read as a number has lost its zeros
    somewhere else, and that must be fixed there.
    """
    if not isinstance(raw, str):
        raise BsnError(f"BSN {raw!r} is geen tekst")
    text = raw.strip()
    shown = text or "(leeg)"
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise BsnError("BSN is leeg")
    if not digits.isdigit():
        raise BsnError(f"BSN {shown} bevat andere tekens dan cijfers")
    if len(digits) not in (8, 9):
        raise BsnError(f"BSN {shown} heeft {len(digits)} cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)")
    digits = digits.zfill(9)
    from stdnum.nl import bsn as stdnum_bsn  # here, not at the top: the quick commands only mask

    if not stdnum_bsn.is_valid(digits):
        raise BsnError(f"BSN {digits} klopt niet (elfproef)")
    return digits


def is_valid_bsn(raw: object) -> bool:
    try:
        normalize_bsn(raw)
    except BsnError:
        return False
    return True


def mask_bsn(bsn: str | None) -> str:
    """Show only the last three digits: ``******782``."""
    if not bsn:
        return "—"
    return "*" * (len(bsn) - 3) + bsn[-3:]


def is_test_bsn(bsn: str) -> bool:
    """True for the range reserved for test persons (starting with 9999)."""
    return bsn.startswith("9999")
