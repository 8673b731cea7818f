"""A letter as a .docx (python-docx, imported inside the function: it costs start-up time).

Paragraphs are separated by an empty line; a line starting with ``Betreft:`` is bold and ``- ``
lines are bullets. The document's properties carry no personal data beyond what is given.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from herstel_tui.domain.text import for_document


def letter_docx(text: str, *, title: str, subject: str, author: str, editor: str, day: date) -> bytes:
    from docx import Document
    from docx.shared import Pt

    # XML cannot hold NUL, ESC, BEL ...: python-docx would raise on a name that has one.
    text, title, subject, author, editor = map(for_document, (text, title, subject, author, editor))
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    style.paragraph_format.space_after = Pt(8)
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = editor
    props.comments = ""
    props.keywords = ""
    stamp = datetime(day.year, day.month, day.day)
    props.created = stamp
    props.modified = stamp
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        p = None
        for i, line in enumerate(lines):
            if line.startswith("- "):
                doc.add_paragraph(line[2:], style="List Bullet")
                p = None
                continue
            if p is None:
                p = doc.add_paragraph()
            run = p.add_run(line)
            if line.startswith("Betreft:"):
                run.bold = True
            if i + 1 < len(lines) and not lines[i + 1].startswith("- "):
                run.add_break()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
