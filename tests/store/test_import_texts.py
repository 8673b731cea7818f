"""The JSON texts an import's batch writes without the encoder (``store/import_flush.py``): the same
text as the repositories' way, the encoder's, for any value."""

from __future__ import annotations

import json
import random
from datetime import date
from enum import StrEnum

from herstel_tui.store.base import audit_json
from herstel_tui.store.import_flush import ROW_JSON, UPDATABLE, NotesText, change_text
from herstel_tui.store.persons import change_detail

_ODD = ['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "ß", "€", "\u2028", "😀", "'", "/", "<", " "]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice([*_ODD, "a", "Z", "0", "-"]) for _ in range(rng.randrange(0, 12)))


class _Word(StrEnum):
    NOTE = "een notitie"


def test_a_change_is_the_text_of_its_detail_for_any_text_or_none():
    rng = random.Random(39)
    for _ in range(3000):
        keys = rng.sample(UPDATABLE, rng.randrange(0, len(UPDATABLE) + 1))
        changed = {k: (rng.choice([None, _text(rng)]), rng.choice([None, _text(rng)])) for k in keys}
        assert change_text(changed) == audit_json(change_detail(changed))


def test_a_change_of_other_values_or_columns_is_the_encoders():
    for changed in (
        {"house_number": ("12", 13)},
        {"birth_date": (None, date(1990, 1, 2))},
        {"phone": (_Word.NOTE, "06")},
        {"phone": ("06", "07"), "bsn": ("123456782", "999999990")},
        {"preferred_channel": (None, "brief")},
        {"city": (1.5, True)},
    ):
        assert change_text(changed) == audit_json(change_detail(changed))


def test_a_rows_notes_are_the_encoders_text():
    rng = random.Random(40)
    text = NotesText()
    seen = [_text(rng) for _ in range(30)]
    for _ in range(3000):
        notes = [rng.choice(seen) if rng.random() < 0.7 else _text(rng) for _ in range(rng.randrange(0, 4))]
        returned = rng.random() < 0.5
        assert text(notes, returned) == ROW_JSON({"notes": notes, "returned": returned})
        assert text(notes, returned) == json.dumps({"notes": notes, "returned": returned}, ensure_ascii=False)


def test_notes_of_other_values_are_the_encoders_text():
    text = NotesText()
    for notes, returned in (
        ([_Word.NOTE], True),
        (["a", 3], False),
        (("a", "b"), True),
        (["a"], 1),
        ([], False),
        (["a", None], True),
    ):
        assert text(notes, returned) == ROW_JSON({"notes": notes, "returned": returned})


def test_the_notes_remembered_are_bounded():
    text = NotesText()
    text.KEPT = 5
    for i in range(12):
        assert text([f"regel {i}"], True) == ROW_JSON({"notes": [f"regel {i}"], "returned": True})
        assert len(text.texts) <= 5
