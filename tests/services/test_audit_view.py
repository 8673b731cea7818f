"""Issue 17 point 6: the audit trail in words a functionaris gegevensbescherming reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.models import AuditEntry
from herstel_tui.services.audit_view import detail_lines, readable

T0 = datetime(2026, 6, 1, 10, 0)


def entry(n: int, action: AuditAction, entity: str, detail=None, who="j.devries", case_id=1) -> AuditEntry:
    return AuditEntry(
        id=n, at=T0 + timedelta(minutes=n), who=who, action=action, entity=entity, case_id=case_id, detail=detail
    )


def test_values_as_the_desk_shows_them():
    assert detail_lines({"urgency": {"oud": None, "nieuw": "executoriale_verkoop_of_uitzetting"}}) == [
        "urgentie: — → Executoriale verkoop of dreigende uitzetting"
    ]
    assert detail_lines({"partij": {"lengte": {"oud": 2, "nieuw": 21}}}) == ["partij: tekst gewijzigd (2 → 21 tekens)"]
    assert detail_lines({"aantal_x100": 150, "prijs_centen": 8500, "soort": "uren", "datum": "2026-11-30"}) == [
        "aantal: 1,5",
        "tarief: € 85,00",
        "soort: Uren × tarief",
        "datum: 30-11-2026",
    ]
    assert detail_lines({"stap": "eerste_gesprek"}, lambda s: "Eerste gesprek gevoerd") == [
        "stap: Eerste gesprek gevoerd"
    ]


def test_drafts_fold_into_the_save_they_led_to():
    """One cost entry with five drafts typed before it: one line, '+5 concepten'."""
    drafts = [
        entry(i, AuditAction.DRAFT_SAVED, "formulier", {"formulier": "kosten:1:nieuw", "veld": "x", "lengte": i})
        for i in range(1, 6)
    ]
    saved = entry(6, AuditAction.RECORDED, "kosten", {"bedrag_centen": 12750})
    viewed = entry(0, AuditAction.VIEWED, "zaak")
    # newest first, as the store gives them
    lines = readable([saved, *reversed(drafts), viewed], {1: "HKO-2026-000001"})
    assert [(x.what, x.drafts) for x in lines] == [("Kostenpost vastgelegd", 5), ("Zaak bekeken", 0)]
    assert lines[0].summary == "bedrag: € 127,50" and lines[0].zaak == "HKO-2026-000001"
    assert "voorafgegaan door 5 concepten tijdens het typen" in lines[0].details


def test_drafts_without_a_save_stay_one_line():
    drafts = [entry(i, AuditAction.DRAFT_SAVED, "formulier", {"veld": "tekst", "lengte": i}) for i in range(1, 4)]
    lines = readable([*reversed(drafts), entry(0, AuditAction.VIEWED, "zaak")], {})
    assert [(x.what, x.drafts) for x in lines] == [("Concept, niet opgeslagen", 3), ("Zaak bekeken", 0)]
