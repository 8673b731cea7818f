"""Issue 15: the one text policy (domain/text): data in, data out."""

from __future__ import annotations

import pytest

from herstel_tui.domain.text import (
    TextError,
    clean_text,
    for_document,
    for_sheet,
    for_terminal,
    scrub_stored,
    scrub_text,
)

SEQUENCES = {
    "clear screen": "\x1b[2J",
    "window title (OSC 0)": "\x1b]0;gehackt\x07",
    "clipboard (OSC 52)": "\x1b]52;c;ZXZpbA==\x07",
    "hyperlink (OSC 8)": "\x1b]8;;http://evil.example\x1b\\",
    "erase line after CR": "\r\x1b[K",
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;titel\x9c",
}


@pytest.mark.parametrize("seq", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_for_terminal_removes_whole_sequences(seq):
    assert for_terminal(f"Anna{seq}Jansen") == "AnnaJansen"
    assert scrub_text(f"Anna{seq}Jansen").replace(" ", "") == "AnnaJansen"  # a lone CR is a space


def test_an_unterminated_string_sequence_does_not_swallow_the_rest():
    """Found by the property test: an SOS (U+0098) without its end took the whole note with it."""
    assert scrub_text("\x9800") == "00"
    assert for_terminal("Gebeld \x1b]0;rest van de notitie") == "Gebeld 0;rest van de notitie"
    assert scrub_stored("\x07\x1b[2J") == "(stuurtekens verwijderd)"  # a stored text stays readable
    assert scrub_stored("") == ""
    # found by tests/cli/test_hostile_property.py: a row of nothing but CRs (white space to Python)
    assert scrub_stored("\r\r\r") == scrub_stored("\r", multiline=True) == "(stuurtekens verwijderd)"
    assert scrub_stored("   ") == "   "  # plain spaces are no control characters: nothing to say


def test_for_terminal_keeps_lines_and_tabs_and_drops_bidi():
    assert for_terminal("a\n\tb\u202ec\x07") == "a\n\tbc"


def test_clean_text_refuses_naming_field_and_character():
    with pytest.raises(TextError) as exc:
        clean_text("Piet\x1b[31m", field="voornamen")
    assert str(exc.value) == (
        "voornamen bevat het stuurteken ESC (U+001B) op positie 5; haal het weg en probeer het opnieuw"
    )
    with pytest.raises(TextError, match=r"NUL \(U\+0000\)"):
        clean_text("a\x00", field="x", multiline=True)
    with pytest.raises(TextError, match=r"U\+009B"):
        clean_text("a\x9b", field="x")


def test_clean_text_normalises_nfc_bidi_and_line_breaks():
    assert clean_text("e\u0301", field="x") == "\u00e9"
    assert clean_text("ab\u202ecd\u2066", field="x") == "abcd"
    assert clean_text("a\r\nb\rc\td", field="x", multiline=True) == "a\nb\nc\td"
    assert clean_text("a\r\nb\tc", field="x") == "a b c"  # one line: breaks and tabs become a space


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jansen", "Jansen"),
        ("Taxi\x1b[31m", "Taxi"),
    ],
)
def test_for_sheet(value, cell):
    """OWASP CSV injection: a cell starting with = + - @ tab CR gets a leading '."""
    assert for_sheet(value) == cell


def test_for_document_removes_what_xml_cannot_hold():
    assert for_document("A\x00B\x07C\x1b[31mD\ufffe\x9b") == "ABCD"
    assert for_document("regel\nregel\tx") == "regel\nregel\tx"


# -- properties: any text at all ---------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from herstel_tui.domain.text import BIDI_CONTROLS, has_controls, is_formula_like  # noqa: E402

HOSTILE_CHARS = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)] + sorted(BIDI_CONTROLS)
HOSTILE_CHARS += ["=", "+", "-", "@", "[", "]", ";", "\ud800", "\udcff", "\ufffe", "\u2028"]
hostile_text = st.text(st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS)), max_size=60)
XML_ILLEGAL = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\ufffe", "\uffff"}


def _terminal_safe(text: str) -> bool:
    return not any(
        (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in BIDI_CONTROLS or "\ud800" <= c <= "\udfff"
        for c in text
    )


@settings(max_examples=400)
@given(hostile_text)
def test_property_outputs_are_safe_for_any_text(text):
    assert _terminal_safe(for_terminal(text))
    cell = for_sheet(text)
    assert not is_formula_like(cell) or cell.startswith("'")
    assert not any(c in XML_ILLEGAL or "\ud800" <= c <= "\udfff" for c in cell)
    doc = for_document(text)
    assert not any(c in XML_ILLEGAL or "\ud800" <= c <= "\udfff" for c in doc)
    doc.encode("utf-8")  # storable and writable


@settings(max_examples=400)
@given(hostile_text, st.booleans())
def test_property_input_is_refused_or_clean(text, multiline):
    scrubbed = scrub_text(text, multiline=multiline)
    assert not has_controls(scrubbed) and _terminal_safe(scrubbed)
    assert scrub_text(scrubbed, multiline=multiline) == scrubbed  # idempotent
    assert clean_text(scrubbed, field="x", multiline=multiline) == scrubbed  # what is stored passes the gate
    try:
        cleaned = clean_text(text, field="veld", multiline=multiline)
    except TextError as exc:
        assert str(exc).startswith("veld bevat het ") and _terminal_safe(str(exc))
    else:
        assert cleaned == scrubbed


@settings(max_examples=400)
@given(st.text(st.one_of(st.characters(), st.sampled_from([*HOSTILE_CHARS, "\n", "\t", " "])), max_size=60))
def test_property_for_terminal_quick_check_changes_nothing(text):
    """for_terminal's one-pass check (lines of printable text) passes only what the regular
    expressions would leave as it is (issue 18: a command's whole output passes the guard)."""
    from herstel_tui.domain.text import _BIDI_RE, _CONTROL_RE

    if text.replace("\n", " ").replace("\t", " ").isprintable():
        assert _CONTROL_RE.search(text) is None and _BIDI_RE.search(text) is None
        assert for_terminal(text) == text


def test_os_reasons_are_dutch_and_unknown_ones_keep_the_systems_words():
    import errno

    from herstel_tui.domain.text import os_reason

    assert os_reason(OSError(errno.ENOTDIR, "Not a directory")) == "een deel van het pad is geen map"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "geen toegang"
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "de schijf is vol"
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == "Invalid cross-device link"
    assert os_reason(OSError("zonder nummer")) == "zonder nummer"
