"""The desk's one stylesheet, in three files: the werkvoorraad (werkvoorraad.tcss), the other
screens (desk.tcss) and the form kit (forms/forms.tcss).

The desk starts with the first only (``FIRST_STYLES``): its first paint parses no rule for a
screen it does not show (issue 18: ~15 ms of CSS parsing, a third of it). The others follow once
the list is painted (``DeskApp.read_all_styles``), and every other screen names all three
(``CSS_PATH = STYLES``), so a screen brings its style to any app that hosts it and Textual reads
a file it does not have yet before showing one. Textual reads a file once, however many screens
name it. A rule in the first file applies only to what the werkvoorraad shows: the other files
hold no rule that matches it (tests/tui/test_first_styles.py).
"""

from __future__ import annotations

from pathlib import Path, PurePath

HERE = Path(__file__).parent
FIRST_CSS = HERE / "werkvoorraad.tcss"
DESK_CSS = HERE / "desk.tcss"
FORMS_CSS = HERE / "forms" / "forms.tcss"
FIRST_STYLES: list[str | PurePath] = [FIRST_CSS]
STYLES: list[str | PurePath] = [FIRST_CSS, DESK_CSS, FORMS_CSS]
