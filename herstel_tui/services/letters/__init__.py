"""Letters from templates: render a letter for a case to plain text and .docx, and record it.

Headless: never imports Textual; python-docx is imported only inside the function that writes a
.docx (``files/letter_docx``). The package: ``templates`` (the index, the fields, filling),
``render`` (the draft for one case) and ``produce`` (writing and recording). The templates and their index live in ``data/letters/`` (``letters.toml``), so a
municipality changes the wording without code.

Template syntax
---------------
Plain UTF-8 text with fields written ``{{name}}`` (spaces inside the braces allowed). The value
is put in literally: a value is never read as a template, and there is nothing else (no code,
no conditions, no attribute access: a field name is a key in one flat table built here). An
unknown field raises :class:`LetterTemplateError` naming the template file, the line and the
field; a known field without a value for this case (no date of the first talk, no moratorium,
no creditor) raises :class:`LetterError` saying what to supply. Paragraphs are separated by an
empty line; in the .docx a line starting with ``Betreft:`` is bold and ``- `` lines are bullets.

What producing a letter writes (:func:`produce`)
------------------------------------------------
All in one ``store.transaction()``, so either all of it is written or none of it:

1. one timeline event through ``store.cases.record_event`` (the routekaart engine judges it):
   ``datum_eerste_gesprek_gecommuniceerd`` for the confirmation of the date of the first talk
   (its note states the date), ``brief_verzonden`` for every other letter (its note holds the
   letter's title); the store writes its own audit row ``vastgelegd / gebeurtenis``;
2. one contact note through ``store.cases.add_note`` (channel ``brief``, text "Brief verstuurd:
   <titel>", with the file name); the store writes its own audit row ``vastgelegd / contactmoment``;
3. one audit row ``brief / zaak`` with ``{"brief": soort, "bestand": <docx name>, "tekst": <txt name>}``;
4. the .docx and .txt files (owner-only, 0600), written to temporary files first and moved into
   place as the last step of the transaction; if anything fails, nothing is recorded and no file
   is left behind.

So one letter is exactly one event, one contact note and three audit rows. If the engine refuses
the event (e.g. the confirmation before any melding), nothing is written and the Dutch reason is
raised as ``TransitionRefused``. No full BSN is ever available to a template.
"""

from herstel_tui.services.letters.produce import LetterResult, docx_bytes, file_names, produce, write_docx
from herstel_tui.services.letters.render import Draft, case_values, prepare, recorded_first_talk
from herstel_tui.services.letters.templates import (
    FIELDS,
    LetterError,
    LetterKind,
    LetterSet,
    LetterTemplateError,
    carried_letters,
    default_letters,
    fill,
    known_fields,
    letters_for,
    load_letters,
    template_fields,
)

__all__ = [
    "FIELDS",
    "Draft",
    "LetterError",
    "LetterKind",
    "LetterResult",
    "LetterSet",
    "LetterTemplateError",
    "case_values",
    "default_letters",
    "docx_bytes",
    "file_names",
    "fill",
    "known_fields",
    "carried_letters",
    "letters_for",
    "load_letters",
    "prepare",
    "produce",
    "recorded_first_talk",
    "template_fields",
    "write_docx",
]
