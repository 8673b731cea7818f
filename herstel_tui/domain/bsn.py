"""BSN (burgerservicenummer) rules: the one place that validates, normalises and masks a BSN.

What the caseworker's input needs: separators and spaces are accepted, 8-digit numbers get their
leading zero back, and every refusal is a Dutch sentence. BSNs are text, always nine digits. The
11-check is the one the portal applies (nine digits, weights 9..2 and -1, not 000000000).
Standard library only: the quick shell paths mask with it.
"""

from __future__ import annotations

from operator import mul

from herstel_tui.domain.text import LazyPattern

# what people type between the digits: spaces, dots, dashes, and (pasted from elsewhere) , / _
SEPARATORS = r"\s.\-,/_"
_SEPARATORS = LazyPattern(f"[{SEPARATORS}]")
_NINE = LazyPattern(r"\d{9}")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


class BsnError(ValueError):
    """A BSN that cannot be accepted; str() is a Dutch message for the caseworker."""


def eleven_check(text: str) -> bool:
    """The BSN 11-check exactly as the portal reads it: nine digits, weights 9..2 and -1, the sum
    divisible by 11, and not 000000000."""
    if not _NINE.fullmatch(text) or text == "000000000":
        return False
    return sum(map(mul, map(int, text), _WEIGHTS)) % 11 == 0


def bsn_digits(text: str) -> str:
    """The text without the separators people type (spaces, dots, dashes, commas, slashes, underscores)."""
    return _SEPARATORS.sub("", text.strip())


def bsn_fault(text: str) -> str | None:
    """Why a typed BSN is refused, without repeating the number (the caller shows it masked);
    None when it is a valid BSN (an 8-digit one counts, with its leading zero restored)."""
    digits = bsn_digits(text)
    if not digits:
        return "leeg"
    if not digits.isdigit():
        return "bevat andere tekens dan cijfers"
    if len(digits) not in (8, 9):
        return f"heeft {len(digits)} cijfers; een BSN heeft er 9"
    if not eleven_check(digits.zfill(9)):
        return "klopt niet (elfproef)"
    return None


def normalize_bsn(raw: object) -> str:
    """Return the nine-digit text form of ``raw`` or raise BsnError.

    Accepts ``1234.56.782``, `` 123456782 ``, ``123-456-782``, ``123,456,782``, ``1234/56/782``,
    ``1234_56_782`` and 8-digit numbers (padded with a leading zero). Integers are refused: a BSN
    read as a number has lost its zeros somewhere else, and that must be fixed there. Messages
    show the number masked (only its last three characters): a mistyped BSN is still a BSN.
    """
    if not isinstance(raw, str):
        raise BsnError(f"BSN {mask_digits(str(raw))} is geen tekst")
    text = raw.strip()
    shown = mask_digits(text)
    digits = bsn_digits(text)
    if not digits:
        raise BsnError("BSN is leeg")
    if not digits.isdigit():
        raise BsnError(f"BSN {shown} bevat andere tekens dan cijfers")
    if len(digits) not in (8, 9):
        raise BsnError(f"BSN {shown} heeft {len(digits)} cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)")
    digits = digits.zfill(9)
    if not eleven_check(digits):
        raise BsnError(f"BSN {mask_bsn(digits)} klopt niet (elfproef)")
    return digits


def is_valid_bsn(raw: object) -> bool:
    """True for what :func:`normalize_bsn` accepts."""
    return isinstance(raw, str) and bsn_fault(raw) is None


def mask_bsn(bsn: str | None) -> str:
    """Show only the last three digits: ``******782``."""
    if not bsn:
        return "—"
    return "*" * (len(bsn) - 3) + bsn[-3:]


def mask_digits(raw: str) -> str:
    """Mask a BSN-like value from a file or a command line for messages: only the last three
    characters show; "(leeg)" for nothing."""
    raw = raw.strip()
    if not raw:
        return "(leeg)"
    if len(raw) <= 3:
        return "*" * len(raw)
    return "*" * (len(raw) - 3) + raw[-3:]


#: The start of the BSN range reserved for test persons: the demo's people and every fixture.
TEST_RANGE_PREFIX = "9999"


def is_test_bsn(bsn: str) -> bool:
    """True for the range reserved for test persons (starting with 9999)."""
    return bsn.startswith(TEST_RANGE_PREFIX)
