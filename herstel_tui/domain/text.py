"""The one text policy: what text may enter the register, and what leaves it for a terminal or a sheet.

Data in (:func:`clean_text`, typed input; :func:`scrub_text`, text from files and old rows):

- normalised to NFC, so "é" typed on a Mac and on Windows is one and the same name;
- bidi controls (U+202A-U+202E, U+2066-U+2069) removed: invisible, and they make a name or a note
  read differently from what it holds ("Trojan Source");
- C0 and C1 control characters (ESC, NUL, BEL, CSI U+009B, DEL ...) refused with a Dutch message
  naming the field (typed input) or removed (files); a field that allows lines keeps newline and
  tab (CR LF and CR become LF); elsewhere a line break or tab becomes one space.

Data out: :func:`for_terminal` for text printed to a terminal or pipe (escape sequences that came
from data are removed whole, so no clear screen, window title, clipboard write or hyperlink);
:func:`for_sheet` for a CSV or xlsx cell (characters XML cannot hold removed; a cell that a
spreadsheet would read as a formula, ``= + - @`` or tab/CR first, gets a leading ``'``, as OWASP's
CSV-injection advice says); :func:`for_document` for docx (XML-illegal characters removed).

Pure: standard library only.
"""

from __future__ import annotations

import re
import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_C0 = {chr(c) for c in range(0x20)} | {"\x7f"}
_C1 = {chr(c) for c in range(0x80, 0xA0)}
CONTROLS = frozenset(_C0 | _C1)
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}


class LazyPattern:
    """A regular expression compiled on first use: the quick paths (``herstel zoek``, the desk's
    first page) import the modules that define them and mostly need none of them (~1.3 ms to
    compile this module's alone; ~0.3 M instructions apiece on the first paint's way, issue 18)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for method in ("search", "sub", "match", "fullmatch"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


_BIDI_RE = LazyPattern("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_NEWLINES_RE = LazyPattern("\r\n|[\r\u2028\u2029\x85]")
_SINGLE_LINE_WS_RE = LazyPattern("[\t\n\r\u2028\u2029\x85]+")
# C0 except tab/LF, DEL, C1, and lone surrogates (an undecodable byte in argv arrives as one; it
# cannot be stored as UTF-8)
_CONTROL_RE = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ANY_CONTROL_RE = LazyPattern("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Escape sequences as terminals read them: CSI (ESC [ or U+009B ... final byte), OSC/DCS/APC/PM/SOS
# (ESC ] P _ ^ X or their C1 forms ... up to BEL or ST), and two-character escapes. A string
# sequence without its terminator is not swallowed to the end of the text (that would lose what
# follows): only its introducer goes, and what follows stays as plain, harmless text.
_TERMINAL_SEQ_RE = LazyPattern(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?",
    re.S,
)
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_XML_ILLEGAL_RE = LazyPattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "backspace",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x9b": "CSI",
    "\r": "CR",
    "\t": "tab",
    "\n": "regeleinde",
}


class TextError(ValueError):
    """Text that cannot be accepted; ``str()`` is a Dutch message that names the field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def char_name(ch: str) -> str:
    """A control character as a person can read it in a message: ``ESC (U+001B)``."""
    code = f"U+{ord(ch):04X}"
    name = _NAMES.get(ch)
    return f"{name} ({code})" if name else code


def clean_text(value: str, *, field: str, multiline: bool = False) -> str:
    """Typed text as it may be stored: NFC, bidi controls removed, line breaks per the field;
    a control character is refused with :class:`TextError` naming ``field`` and the character."""
    text = _normalise(value, multiline)
    fault = text_fault(text, multiline=multiline)
    if fault:
        raise TextError(f"{field} {fault}", field)
    return text


def text_fault(text: str, *, multiline: bool = False) -> str | None:
    """Why normalised ``text`` is refused, in Dutch without the field's name; None when it is fine."""
    bad = (_CONTROL_RE if multiline else _ANY_CONTROL_RE).search(text)
    if bad is None:
        return None
    kind = "ongeldige teken" if "\ud800" <= bad.group() <= "\udfff" else "stuurteken"
    return (
        f"bevat het {kind} {char_name(bad.group())} op positie {bad.start() + 1}; haal het weg en probeer het opnieuw"
    )


def normalise_text(value: str, *, multiline: bool = False) -> str:
    """NFC, bidi controls removed, line breaks as the field allows them (no refusal)."""
    return _normalise(value, multiline)


def scrub_text(value: str, *, multiline: bool = False) -> str:
    """Text from a file or an old row as it may be stored: like :func:`clean_text`, but control
    characters (and whole escape sequences) are removed instead of refused."""
    if value.isascii() and value.isprintable():
        return value  # the common case, quickly: printable ASCII is NFC and has no controls
    text = _normalise(value, multiline)
    if _ANY_CONTROL_RE.search(text) is None:
        return text
    text = _TERMINAL_SEQ_RE.sub("", text)
    return (_CONTROL_RE if multiline else _ANY_CONTROL_RE).sub("", text)


#: What a stored text that held nothing but control characters reads as (a required field may not be
#: empty, and a row must stay readable).
REMOVED = "(stuurtekens verwijderd)"


def scrub_stored(value: str, *, multiline: bool = False) -> str:
    """:func:`scrub_text` for a text already in the register (old rows, rows another tool wrote):
    when nothing but control characters was there, :data:`REMOVED` instead of an empty text."""
    text = scrub_text(value, multiline=multiline)
    # (``value.strip()`` alone missed a text of carriage returns: they count as white space)
    if not text.strip() and (value.strip() or not value.isprintable()):
        return REMOVED
    return text


def _normalise(value: str, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", value)
    if any(ch in BIDI_CONTROLS for ch in text):
        text = _BIDI_RE.sub("", text)
    if multiline:
        return _NEWLINES_RE.sub("\n", text)
    return _SINGLE_LINE_WS_RE.sub(" ", text)


def has_controls(value: str) -> bool:
    """True when ``value`` holds a C0/C1 control other than newline and tab, or a bidi control."""
    if value.isprintable():  # no control, format (bidi) or separator character at all: quickly
        return False
    return _CONTROL_RE.search(value) is not None or _BIDI_RE.search(value) is not None


def for_terminal(value: str) -> str:
    """Text fit to print: escape sequences removed whole, other controls (CR, BEL, backspace, C1)
    and bidi controls removed; newline and tab stay."""
    if value.isprintable():
        return value
    # A command's whole output passes here (8,500 lines of `herstel termijnen`): lines of printable
    # text are told in one pass over a copy (~1 ms), as every control and bidi control is
    # unprintable; else regular expressions, not a loop over the characters (~30 ms).
    if value.replace("\n", " ").replace("\t", " ").isprintable():
        return value
    if _CONTROL_RE.search(value) is None and _BIDI_RE.search(value) is None:
        return value
    text = _TERMINAL_SEQ_RE.sub("", value)
    text = _CONTROL_RE.sub("", text)
    return _BIDI_RE.sub("", text)


def for_document(value: str) -> str:
    """Text fit for a .docx or .xlsx (XML 1.0): characters XML cannot hold removed, escape
    sequences removed whole, C1 controls and bidi controls removed."""
    if _XML_ILLEGAL_RE.search(value) is None and not any(ch in BIDI_CONTROLS or ch in _C1 for ch in value):
        return value
    text = _TERMINAL_SEQ_RE.sub("", value)
    text = _XML_ILLEGAL_RE.sub("", text)
    text = re.sub("[\x7f-\x9f]", "", text)
    return _BIDI_RE.sub("", text)


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet would read the text as a formula (or strip what starts it)."""
    return value.startswith(FORMULA_STARTS)


def for_sheet(value: str) -> str:
    """A text cell for CSV or xlsx: fit for XML, and with a leading ``'`` when it would otherwise
    start a formula (OWASP: CSV injection)."""
    text = for_document(value)
    return "'" + text if is_formula_like(text) else text


# The operating system's reasons in Dutch (its own strerror is English): the ones a caseworker meets.
_OS_REASONS = {
    "ENOENT": "bestaat niet",
    "ENOTDIR": "een deel van het pad is geen map",
    "EISDIR": "is een map",
    "EACCES": "geen toegang",
    "EPERM": "niet toegestaan",
    "ENOSPC": "de schijf is vol",
    "EDQUOT": "het schijfquotum is op",
    "EROFS": "de schijf is alleen-lezen",
    "EEXIST": "bestaat al",
    "ENAMETOOLONG": "de naam is te lang",
    "EIO": "lees- of schrijffout van de schijf",
    "EPIPE": "werd niet meer gelezen (bijvoorbeeld | head)",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Dutch where the reason is a common one."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name) or exc.strerror or str(exc)
