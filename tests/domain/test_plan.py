"""Plan rules: what may be agreed, when nazorg may start."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.plan import (
    Action,
    AreaText,
    Goal,
    Leefgebied,
    PlanRuleError,
    PlanStatus,
    PlanVersion,
    agreement_problems,
    check_agreement,
    nazorg_problem,
    parse_nl_date,
)

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _pinned_today():
    """Every test here means TODAY: the package's clock says so too."""
    with clock.fixed(TODAY):
        yield


def version(**kw) -> PlanVersion:
    base = dict(id=1, case_id=1, number=1, status="concept", created_at=datetime(2025, 4, 1), created_by="t")
    return PlanVersion(**{**base, **kw})


def test_five_leefgebieden_in_order():
    assert [a.label for a in Leefgebied] == ["Financiën", "Wonen", "Zorg", "Gezin", "Werk"]
    v = version()
    assert v.area("wonen") == AreaText(area="wonen")  # an empty area when none is stored


def test_empty_plan_cannot_be_agreed():
    v = version()
    assert agreement_problems(v, PlanStatus.HOOFDLIJNEN) == [
        "vul voor ten minste één leefgebied een hulpvraag of een doel in"
    ]
    with pytest.raises(PlanRuleError, match="nog niet klaar om vast te stellen"):
        check_agreement(v, "hoofdlijnen", TODAY, "mondeling", previous=None, today=TODAY)


def test_hoofdlijnen_needs_little_volledig_more():
    v = version(
        areas=(AreaText(area="financien", question="Schulden in kaart"),),
        actions=(Action(id=1, uid=1, area="financien", what="Kredietbank", who="extern"),),
    )
    assert agreement_problems(v, PlanStatus.HOOFDLIJNEN) == []
    problems = agreement_problems(v, PlanStatus.VOLLEDIG)
    assert "een volledig plan heeft ten minste één doel" in problems
    assert "Financiën: noem de externe partij bij 'Kredietbank'" in problems
    v2 = version(
        areas=(AreaText(area="financien", question="Schulden in kaart"),),
        goals=(Goal(id=1, uid=1, area="wonen", text="Huis behouden"), Goal(id=2, uid=2, area="zorg")),
    )
    problems = agreement_problems(v2, PlanStatus.VOLLEDIG)
    assert "Wonen: vul de hulpvraag in" in problems
    assert "Zorg: een doel is nog leeg (vul het in of verwijder het)" in problems


def test_check_agreement_rules():
    ok = version(areas=(AreaText(area="werk", question="Werk vinden"),))
    assert (
        check_agreement(ok, "hoofdlijnen", TODAY, "ondertekend", previous=None, today=TODAY) is PlanStatus.HOOFDLIJNEN
    )
    cases = [
        (dict(level="concept"), "kies op hoofdlijnen of volledig"),
        (dict(level="half"), "kies op hoofdlijnen of volledig"),
        (dict(agreed_on=None), "vul de datum in"),
        (dict(agreed_on=date(2025, 6, 2)), "in de toekomst"),
        (dict(consent=""), "kies hoe de persoon heeft ingestemd"),
        (dict(consent="knipoog"), "onbekende manier van instemming"),
    ]
    for change, message in cases:
        args = {"level": "hoofdlijnen", "agreed_on": TODAY, "consent": "mondeling", **change}
        with pytest.raises(PlanRuleError, match=message):
            check_agreement(ok, args["level"], args["agreed_on"], args["consent"], previous=None, today=TODAY)
    agreed = version(status="volledig", agreed_on=date(2025, 5, 1), consent="mondeling")
    with pytest.raises(PlanRuleError, match="al vastgesteld"):
        check_agreement(agreed, "volledig", TODAY, "mondeling", previous=None, today=TODAY)
    with pytest.raises(PlanRuleError, match="ook volledig vastgesteld"):
        check_agreement(
            ok.model_copy(update={"number": 2}), "hoofdlijnen", TODAY, "mondeling", previous=agreed, today=TODAY
        )
    with pytest.raises(PlanRuleError, match="vóór de afspraak van versie 1"):
        check_agreement(ok, "volledig", date(2025, 4, 1), "mondeling", previous=agreed, today=TODAY)


def test_nazorg_only_when_every_goal_is_behaald():
    assert nazorg_problem(None) == "er is nog geen plan van aanpak"
    assert "geen doelen" in nazorg_problem(version())
    goals = (
        Goal(id=1, uid=1, area="wonen", text="Huis behouden", status="behaald"),
        Goal(id=2, uid=2, area="werk", text="Baan", status="bezig"),
        Goal(id=3, uid=3, area="zorg", text="Oud doel", status="vervallen"),
    )
    assert nazorg_problem(version(goals=goals)) == "nog niet alle doelen zijn behaald: 'Baan'"
    done = tuple(g.model_copy(update={"status": "behaald"}) if g.id == 2 else g for g in goals)
    assert nazorg_problem(version(goals=done)) is None
    only_dropped = (Goal(id=3, uid=3, area="zorg", text="Oud doel", status="vervallen"),)
    assert "geen doelen" in nazorg_problem(version(goals=only_dropped))


def test_dates_and_actions():
    assert parse_nl_date("1-7-2025") == date(2025, 7, 1)
    assert parse_nl_date("2025-07-01") == date(2025, 7, 1)
    assert parse_nl_date("  ") is None
    with pytest.raises(PlanRuleError, match="gebruik dd-mm-jjjj"):
        parse_nl_date("31-13-2025")
    a = Action(area="financien", what="Regeling", who="Externe partij", party=" Kredietbank ", due="01-07-2025")
    assert (a.who.value, a.party, a.due, a.who_text) == (
        "extern",
        "Kredietbank",
        date(2025, 7, 1),
        "Externe partij: Kredietbank",
    )
    with pytest.raises(ValueError, match="onbekende uitvoerder"):
        Action(area="financien", who="buurman")
    with pytest.raises(ValueError, match="doel is langer dan 500 tekens"):
        Goal(area="wonen", text="x" * 501)
