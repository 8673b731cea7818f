"""Issue 15: the one text policy (domain/text): data in, data out."""

from __future__ import annotations

import pytest

from herstel_tui.domain.text import (
    TextError,
    clean_text,
    for_document,
    for_sheet,
    for_terminal,
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
