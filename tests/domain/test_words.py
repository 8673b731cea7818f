"""domain.words says what domain.enums says (the quick paths show these words without the enums)."""

from __future__ import annotations

from herstel_tui.domain import words
from herstel_tui.domain.enums import Outcome, Track


def test_the_plain_words_are_the_enums():
    assert words.TRACK_SHORT == {t.value: t.short for t in Track}
    assert words.OUTCOME_LABELS == {o.value: o.label for o in Outcome}
    assert words.OUTCOME_SHORT == {o.value: o.short for o in Outcome}
