"""The desk's one stylesheet, in two files: the screens (desk.tcss) and the form kit (forms/forms.tcss).

The app loads both; every screen names them too (``CSS_PATH = STYLES``), so a screen brings its
style to any app that hosts it. Textual reads a file once, however many screens name it.
"""

from __future__ import annotations

from pathlib import Path, PurePath

HERE = Path(__file__).parent
DESK_CSS = HERE / "desk.tcss"
FORMS_CSS = HERE / "forms" / "forms.tcss"
STYLES: list[str | PurePath] = [DESK_CSS, FORMS_CSS]
