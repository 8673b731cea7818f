"""The printed plan: .docx (read back with python-docx) and plain text, same content."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest

from herstel_tui.domain.costs import CostEntry
from herstel_tui.domain.plan import LEEFGEBIEDEN
from herstel_tui.services.plan_print import gather, print_plan, render_text, write_docx
from tests.support.plan import AGREED

# These histories carry fixed dates (2025): the clock says TODAY (01-06-2026), so they hold on any
# date the suite runs (a real clock before April 2025 put their facts in the future).
pytestmark = pytest.mark.usefixtures("pinned_today")

GOALS = {
    "financien": ["Schuldenvrij over 3 jaar", "Vaste lasten op tijd betaald"],
    "wonen": ["Huis behouden"],
    "zorg": ["Rust en slaap"],
    "gezin": ["Kinderen weer naar de sport"],
    "werk": ["Parttime werk gevonden"],
}
ACTIONS = {
    "financien": [("Aanmelden bij de Kredietbank", "extern", "Kredietbank"), ("Budgetplan maken", "ouder", None)],
    "wonen": [("Betalingsregeling met de verhuurder", "gemeente", None)],
    "zorg": [("Afspraak huisarts", "ouder", None)],
    "gezin": [("Oma haalt de kinderen op", "netwerk", "oma")],
    "werk": [("Gesprek met het werkgeversservicepunt", "extern", "WSP")],
}


@pytest.fixture
def full_plan(plans, case):
    v = plans.start_concept(case.id)
    uids = {}
    for area in LEEFGEBIEDEN:
        plans.set_area_text(v.id, area, "situatie", f"Situatie {area.label}: zorgen en kansen.")
        plans.set_area_text(v.id, area, "hulpvraag", f"Hulpvraag {area.label}")
        for text in GOALS[area.value]:
            plans.add_goal(v.id, area, text)
        for what, who, party in ACTIONS[area.value]:
            a = plans.add_action(v.id, area, what=what, who=who, party=party, due="01-09-2025")
            uids[what] = a.uid
    plans.agree(v.id, "volledig", AGREED, "ondertekend", "in het bijzijn van de dochter")
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 4, 20),
            component="C",
            description="Factuur",
            kind="werkelijk",
            actual="1.234,56",
            action_uid=uids["Aanmelden bij de Kredietbank"],
        )
    )
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 4, 21),
            component="C",
            description="Budgetcoach",
            kind="uren",
            quantity="1,25",
            price="85,50",
            action_uid=uids["Budgetplan maken"],
        )
    )
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 4, 22),
            component="A",
            description="Intake",
            kind="uren",
            quantity="1",
            price="70",
        )
    )  # not linked: not in the plan's costs
    return case


def docx_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_holds_every_leefgebied_goal_and_action(store, full_plan, tmp_path):
    p = gather(store, full_plan.id, gemeente="Gemeente Proefstad", today=date(2025, 5, 1))
    path = write_docx(p, tmp_path / "plan.docx")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = docx_text(path)
    assert "Gemeente Proefstad" in text and "Plan van aanpak brede ondersteuning" in text
    assert "HKO-2025-000001" in text and "Anna Proef0" in text
    assert "Volledig vastgesteld" in text and "14-04-2025" in text and "Plan ondertekend door de persoon" in text
    assert "in het bijzijn van de dochter" in text
    for area in LEEFGEBIEDEN:
        assert area.label in text
        assert f"Situatie {area.label}: zorgen en kansen." in text and f"Hulpvraag {area.label}" in text
        for goal in GOALS[area.value]:
            assert goal in text
        for what, _who, _party in ACTIONS[area.value]:
            assert what in text
    assert "Externe partij: Kredietbank" in text and "Netwerk: oma" in text and "01-09-2025" in text
    assert "Plan van aanpak op hoofdlijnen" in text and "Volledig plan van aanpak" in text  # the termijnen
    assert "€ 1.234,56" in text and "€ 106,88" in text and "€ 1.341,44" in text and "Intake" not in text
    assert "Persoon (ouder)" in text and "Namens Gemeente Proefstad" in text
    for label in ("Naam:", "Datum:", "Handtekening:"):
        assert text.count(label) >= 2
    assert "9999" not in text  # no BSN on paper


def test_text_has_the_same_content_in_80_columns(store, full_plan):
    p = gather(store, full_plan.id, gemeente="Gemeente Proefstad", today=date(2025, 5, 1))
    text = render_text(p)
    assert max(len(line) for line in text.splitlines()) <= 80
    for area in LEEFGEBIEDEN:
        assert area.label.upper() in text
        for goal in GOALS[area.value]:
            assert f"[Open] {goal}" in text
        for what, _who, _party in ACTIONS[area.value]:
            assert what in text
    assert "Afgesproken op: 14-04-2025" in text and "ONDERTEKENING" in text
    assert "Wie: Externe partij: Kredietbank · Uiterlijk: 01-09-2025 · Gedaan: nee" in text


def test_a_long_text_wraps_and_an_old_version_prints(store, full_plan):
    plans = store.plans
    v2 = plans.start_concept(full_plan.id)
    plans.set_area_text(v2.id, "wonen", "situatie", "lang " * 100 + "\n" + "tweede alinea " * 20)
    text = render_text(gather(store, full_plan.id, gemeente="G"))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Concept" in text and "op basis van versie 1" in text
    old = render_text(gather(store, full_plan.id, gemeente="G", number=1))
    assert "lang lang" not in old and "Situatie Wonen" in old


def test_print_plan_writes_both_and_is_audited(store, full_plan, tmp_path):
    written = print_plan(store, full_plan.id, gemeente="G", folder=tmp_path, today=date(2025, 5, 1))
    assert [w.name for w in written] == [
        "plan-van-aanpak_HKO-2025-000001_v1_20250501.docx",
        "plan-van-aanpak_HKO-2025-000001_v1_20250501.txt",
    ]
    assert all(stat.S_IMODE(os.stat(w).st_mode) == 0o600 for w in written)
    audit = [e for e in store.audit.entries(case_id=full_plan.id) if e.action == "afgedrukt"]
    assert audit[-1].detail == {"versie": 1, "bestanden": [w.name for w in written]}


def test_no_plan_no_print(store, case):
    from herstel_tui.store.base import StoreError

    with pytest.raises(StoreError, match="nog geen plan van aanpak"):
        gather(store, case.id, gemeente="G")
