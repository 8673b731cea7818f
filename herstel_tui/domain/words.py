"""The words of ``domain.enums`` that the quick paths show (`herstel zoek`, `termijnen`, the desk's
first page), as plain dicts: building the enum classes of domain.enums costs ~13 M instructions
(~1.5 ms) of a start. tests/domain/test_words.py keeps them equal to Track.short, Outcome.label
and Outcome.short."""

from __future__ import annotations

TRACK_SHORT = {"brede_ondersteuning": "BO", "schuldenaanpak": "SA"}
OUTCOME_LABELS = {"gedupeerd": "Gedupeerd", "geen_uitsluitsel": "Geen uitsluitsel", "niet_gedupeerd": "Niet gedupeerd"}
OUTCOME_SHORT = {"gedupeerd": "gedup", "geen_uitsluitsel": "g.uit", "niet_gedupeerd": "n.ged"}
