"""The plan in the store: versions, agreement with the routekaart milestone, progress, drafts."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from herstel_tui.domain.costs import CostEntry
from herstel_tui.domain.plan import GoalStatus, PlanStatus
from herstel_tui.settings.resources import open_store
from herstel_tui.store.base import StoreError
from herstel_tui.store.plan import PlanRefused, draft_key
from tests.support.plan import AGREED, EERSTE_GESPREK, add_case

# These histories carry fixed dates (2025): the clock says TODAY (01-06-2026), so they hold on any
# date the suite runs (a real clock before April 2025 put their facts in the future).
pytestmark = pytest.mark.usefixtures("pinned_today")


def fill(plans, vid):
    plans.set_area_text(vid, "financien", "situatie", "Schulden bij energie en zorgverzekeraar")
    plans.set_area_text(vid, "financien", "hulpvraag", "Overzicht en regeling")
    g = plans.add_goal(vid, "financien", "Schuldenvrij over 3 jaar")
    a = plans.add_action(
        vid,
        "financien",
        what="Aanmelden Kredietbank",
        who="extern",
        party="Kredietbank",
        due="01-07-2025",
        goal_uid=g.uid,
    )
    return g, a


def test_migration_5_is_the_latest_and_has_the_tables(store):
    from herstel_tui.store.schema import LATEST, MIGRATIONS

    assert 5 in [m[0] for m in MIGRATIONS] and [m[0] for m in MIGRATIONS][-1] == LATEST == store.schema_version()
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "plans",
        "plan_versions",
        "plan_areas",
        "plan_goals",
        "plan_actions",
        "cost_entries",
        "form_drafts",
    } <= tables
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_plan_is_a_concept_with_five_leefgebieden(plans, case, store):
    assert plans.version(case.id) is None and plans.versions(case.id) == []
    v = plans.start_concept(case.id)
    assert (v.number, v.status, v.latest, v.editable) == (1, PlanStatus.CONCEPT, True, True)
    assert [a.area.value for a in v.areas] == ["financien", "wonen", "zorg", "gezin", "werk"]
    assert plans.start_concept(case.id).id == v.id  # the same concept again
    sa = add_case(store, 1, track="schuldenaanpak")
    with pytest.raises(PlanRefused, match="brede ondersteuning"):
        plans.start_concept(sa.id)


def test_field_saves_are_audited_small_and_without_text(plans, case, store):
    v = plans.start_concept(case.id)
    assert plans.set_area_text(v.id, "wonen", "situatie", "Huurachterstand, dreigende uitzetting")
    assert not plans.set_area_text(v.id, "wonen", "situatie", "Huurachterstand, dreigende uitzetting")  # no-op
    rows = [e for e in store.audit.entries(case_id=case.id) if e.entity == "plan" and e.action == "gewijzigd"]
    assert len(rows) == 1
    assert rows[0].detail == {"leefgebied": "wonen", "veld": "situatie", "lengte": {"oud": 0, "nieuw": 37}}
    trail = json.dumps([e.detail for e in store.audit.entries()], ensure_ascii=False)
    assert "uitzetting" not in trail  # free text never enters the append-only audit trail
    with pytest.raises(PlanRefused, match="langer dan 4000"):
        plans.set_area_text(v.id, "wonen", "situatie", "x" * 4001)


def test_agreeing_records_the_milestone_and_stops_the_termijn(plans, case, store):
    v = plans.start_concept(case.id)
    fill(plans, v.id)
    before = store.conn.execute("SELECT next_rule FROM case_summary WHERE case_id = ?", (case.id,)).fetchone()[0]
    assert before == "datum_eerste_gesprek_meedelen" or before == "plan_op_hoofdlijnen"
    agreed = plans.agree(v.id, "hoofdlijnen", AGREED, "ondertekend", "getekend aan de keukentafel")
    assert (agreed.status, agreed.agreed_on, agreed.consent.value, agreed.editable) == (
        PlanStatus.HOOFDLIJNEN,
        AGREED,
        "ondertekend",
        False,
    )
    events = store.cases.events(case.id)
    assert [(e.step, e.fact_date) for e in events][-1] == ("plan_hoofdlijnen", AGREED)
    assert "instemming: plan ondertekend door de persoon" in events[-1].note
    dl = {d.rule: d for d in plans.plan_deadlines(case.id)}
    assert dl["plan_op_hoofdlijnen"].stopped == AGREED
    assert dl["volledig_plan_van_aanpak"].stopped is None
    rules = {r[0] for r in store.conn.execute("SELECT next_rule FROM case_summary WHERE case_id = ?", (case.id,))}
    assert "plan_op_hoofdlijnen" not in rules  # the case list shows the next termijn, refreshed in the same write


def test_refused_by_the_routekaart_nothing_is_saved(plans, store):
    case = add_case(store, 3, talk=False)
    v = plans.start_concept(case.id)
    fill(plans, v.id)
    audit_before = len(store.audit.entries())
    with pytest.raises(PlanRefused, match="kan pas na Eerste gesprek gevoerd"):
        plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")
    assert plans.version(case.id).status is PlanStatus.CONCEPT
    assert store.cases.events(case.id) == []
    assert len(store.audit.entries()) == audit_before
    # and a date before the eerste gesprek is refused too
    other = add_case(store, 4)
    v2 = plans.start_concept(other.id)
    fill(plans, v2.id)
    with pytest.raises(PlanRefused):
        plans.agree(v2.id, "hoofdlijnen", date(2025, 3, 1), "mondeling")
    assert plans.version(other.id).status is PlanStatus.CONCEPT


def test_an_agreed_version_is_frozen_and_a_change_makes_a_new_version(plans, case, store):
    v1 = plans.start_concept(case.id)
    g, a = fill(plans, v1.id)
    plans.agree(v1.id, "hoofdlijnen", AGREED, "mondeling")
    with pytest.raises(PlanRefused, match="vastgesteld en kan niet meer worden gewijzigd"):
        plans.set_area_text(v1.id, "financien", "situatie", "anders")
    with pytest.raises(PlanRefused, match="vastgesteld"):
        plans.add_goal(v1.id, "werk", "Werk")
    with pytest.raises(PlanRefused, match="vastgesteld"):
        plans.update_action(a.id, what="anders")
    # the database refuses too, whatever a caller tries
    with pytest.raises(sqlite3.IntegrityError, match="kan niet worden gewijzigd"):
        store.conn.execute("UPDATE plan_areas SET situation = 'x' WHERE version_id = ?", (v1.id,))
    with pytest.raises(sqlite3.IntegrityError, match="kan niet worden gewijzigd"):
        store.conn.execute("UPDATE plan_versions SET status = 'concept', agreed_on = NULL WHERE id = ?", (v1.id,))
    # progress on the latest version is not a change of the plan
    assert plans.update_goal(g.id, status="bezig").status is GoalStatus.BEZIG
    assert plans.update_action(a.id, done=True).done is True

    v2 = plans.start_concept(case.id)
    assert (v2.number, v2.based_on, v2.status) == (2, 1, PlanStatus.CONCEPT)
    assert [x.uid for x in v2.goals] == [g.uid] and [x.uid for x in v2.actions] == [a.uid]
    assert v2.goals[0].status is GoalStatus.BEZIG and v2.actions[0].done
    assert v2.actions[0].goal_uid == g.uid
    plans.set_area_text(v2.id, "financien", "situatie", "Schulden bij energie (regeling loopt)")
    plans.add_goal(v2.id, "werk", "Parttime werk")
    old = plans.version(case.id, 1)
    assert (old.latest, old.area("financien").situation) == (False, "Schulden bij energie en zorgverzekeraar")
    assert [x.text for x in old.goals] == ["Schuldenvrij over 3 jaar"]
    with pytest.raises(PlanRefused, match="oude versie"):
        plans.update_goal(g.id, status="behaald")  # progress only on the latest version
    assert plans.start_concept(case.id).id == v2.id
    with pytest.raises(PlanRefused, match="niet de nieuwste versie"):
        plans.agree(old.id, "volledig", AGREED, "mondeling")
    # version 2 agreed volledig: the plan_volledig milestone; hoofdlijnen is not recorded twice
    plans.set_area_text(v2.id, "werk", "hulpvraag", "Werk vinden")
    done = plans.agree(v2.id, "volledig", date(2025, 5, 20), "digitaal")
    assert done.status is PlanStatus.VOLLEDIG
    steps = [e.step for e in store.cases.events(case.id)]
    assert steps.count("plan_hoofdlijnen") == 1 and steps.count("plan_volledig") == 1
    v3 = plans.start_concept(case.id)
    with pytest.raises(PlanRefused, match="ook volledig vastgesteld"):
        plans.agree(v3.id, "hoofdlijnen", date(2025, 5, 21), "digitaal")
    assert [v.number for v in plans.versions(case.id)] == [1, 2, 3]


def test_a_second_hoofdlijnen_version_does_not_record_the_milestone_again(plans, case, store):
    v1 = plans.start_concept(case.id)
    fill(plans, v1.id)
    plans.agree(v1.id, "hoofdlijnen", AGREED, "mondeling")
    v2 = plans.start_concept(case.id)
    plans.set_area_text(v2.id, "zorg", "hulpvraag", "Rust")
    plans.agree(v2.id, "hoofdlijnen", date(2025, 4, 20), "mondeling")
    assert [e.step for e in store.cases.events(case.id)].count("plan_hoofdlijnen") == 1


def test_goals_and_actions(plans, case):
    v = plans.start_concept(case.id)
    g1 = plans.add_goal(v.id, "gezin", "Rust in huis")
    g2 = plans.add_goal(v.id, "gezin")
    a = plans.add_action(v.id, "gezin", what="Gezinscoach", goal_uid=g1.uid)
    assert (g1.position, g2.position) == (0, 1)
    assert plans.update_action(a.id, due="15-08-2025").due == date(2025, 8, 15)
    assert plans.update_action(a.id, due="").due is None
    with pytest.raises(PlanRefused, match="gebruik dd-mm-jjjj"):
        plans.update_action(a.id, due="32-01-2025")
    with pytest.raises(PlanRefused, match="onbekende uitvoerder"):
        plans.update_action(a.id, who="buurman")
    with pytest.raises(PlanRefused, match="onbekend veld"):
        plans.update_action(a.id, colour="rood")
    with pytest.raises(PlanRefused, match="onbekende doelstatus"):
        plans.update_goal(g1.id, status="klaar")
    plans.delete_goal(g1.id)  # the action stays, no longer linked to the goal
    v = plans.version(case.id)
    assert [x.text for x in v.goals_in("gezin")] == [""] and v.actions[0].goal_uid is None
    plans.delete_action(a.id)
    assert plans.version(case.id).actions == ()
    with pytest.raises(PlanRefused, match="bestaat niet"):
        plans.update_goal(g1.id, text="x")


def test_nazorg_from_the_plan(plans, store):
    case = add_case(store, 5)
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2025, 3, 1))
    v = plans.start_concept(case.id)
    g, a = fill(plans, v.id)
    g2 = plans.add_goal(v.id, "werk", "Oud doel")
    plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")
    with pytest.raises(PlanRefused, match="nog niet alle doelen zijn behaald: 'Schuldenvrij over 3 jaar'"):
        plans.start_nazorg(case.id, date(2025, 9, 1))
    plans.update_goal(g.id, status="behaald")
    plans.update_goal(g2.id, status="vervallen")
    with pytest.raises(PlanRefused, match="Nazorg"):  # the routekaart: only after a positive eerste toets
        plans.start_nazorg(case.id, date(2025, 9, 1))
    store.cases.record_event(case.id, "eerste_toets", date(2025, 5, 1), outcome="gedupeerd")
    ev = plans.start_nazorg(case.id, date(2025, 9, 1))
    assert ev.step == "nazorg"
    view = store.cases.view(case.id, today=date(2025, 9, 2))
    nazorg = next(d for d in view.running if d.rule == "nazorgperiode")
    assert nazorg.due == date(2027, 9, 1)  # 24 months, calendar arithmetic


def test_cost_entries_are_integer_cents_and_audited(plans, case, store):
    v = plans.start_concept(case.id)
    _, a = fill(plans, v.id)
    e = plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 1),
            component="C",
            description="Begeleiding",
            kind="uren",
            quantity="1,25",
            price="85,50",
            action_uid=a.uid,
        )
    )
    assert e.id and e.amount == Decimal("106.88")
    row = store.conn.execute(
        "SELECT typeof(amount_cents), amount_cents, typeof(quantity_hundredths), "
        "quantity_hundredths, price_cents FROM cost_entries WHERE id = ?",
        (e.id,),
    ).fetchone()
    assert row == ("integer", 10688, "integer", 125, 8550)
    back = plans.store.costs.get(e.id)
    assert (back.quantity, back.price, back.amount) == (Decimal("1.25"), Decimal("85.50"), Decimal("106.88"))
    assert isinstance(back.amount, Decimal)
    changed = plans.store.costs.update(
        CostEntry(
            id=e.id,
            case_id=case.id,
            date=date(2025, 5, 1),
            component="C",
            description="Begeleiding budget",
            kind="werkelijk",
            actual="99,99",
        )
    )
    assert (changed.kind.value, changed.amount, changed.action_uid) == ("werkelijk", Decimal("99.99"), None)
    audit = [x for x in store.audit.entries(case_id=case.id) if x.entity == "kosten"]
    assert [x.action for x in audit] == ["vastgelegd", "gewijzigd"]
    assert audit[0].detail["bedrag_centen"] == 10688 and "Begeleiding" not in json.dumps(audit[0].detail)
    assert audit[1].detail["bedrag_centen"] == {"oud": 10688, "nieuw": 9999}
    assert audit[1].detail["omschrijving"] == {"lengte": {"oud": 11, "nieuw": 18}}
    lines = plans.store.costs.of_case(case.id)
    assert [ln.entry.id for ln in lines] == [e.id]
    plans.store.costs.delete(e.id)
    assert plans.store.costs.of_case(case.id) == []
    with pytest.raises(PlanRefused, match="bestaat niet"):
        plans.store.costs.get(e.id)


def test_cost_links_to_plan_actions_survive_versions(plans, case, store):
    v1 = plans.start_concept(case.id)
    _, a = fill(plans, v1.id)
    entry = plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 2),
            component="C",
            description="Factuur",
            kind="werkelijk",
            actual="1.234,56",
            action_uid=a.uid,
        )
    )
    plans.agree(v1.id, "hoofdlijnen", AGREED, "mondeling")
    v2 = plans.start_concept(case.id)
    plans.update_action(v2.actions[0].id, what="Aanmelden Kredietbank (gedaan)")
    assert plans.store.costs.of_case(case.id)[0].action_text == "Financiën: Aanmelden Kredietbank (gedaan)"
    plans.delete_action(v2.actions[0].id)  # the copy may go; the agreed version keeps the action
    assert plans.store.costs.of_case(case.id)[0].action_text == "Financiën: Aanmelden Kredietbank"
    other = add_case(store, 6)
    with pytest.raises(PlanRefused, match="hoort niet bij het plan"):
        plans.store.costs.add(
            CostEntry(
                case_id=other.id,
                date=date(2025, 5, 2),
                component="C",
                description="x",
                kind="werkelijk",
                actual="1",
                action_uid=a.uid,
            )
        )
    v3case = add_case(store, 7)
    w = plans.start_concept(v3case.id)
    lone = plans.add_action(w.id, "werk", what="Sollicitatietraining")
    plans.store.costs.add(
        CostEntry(
            case_id=v3case.id,
            date=date(2025, 5, 2),
            component="C",
            description="Training",
            kind="stuks",
            quantity="2",
            price="150",
            action_uid=lone.uid,
        )
    )
    with pytest.raises(PlanRefused, match="1 kostenpost gekoppeld"):
        plans.delete_action(lone.id)
    assert entry.id


def test_drafts_per_user_and_form_dropped_with_the_save(plans, case, store, tmp_path):

    form = draft_key("kosten", case.id)
    plans.store.drafts.save(form, "omschrijving", "Factuur Kredietb", case_id=case.id)
    plans.store.drafts.save(form, "bedrag", "1.234,5", case_id=case.id)
    plans.store.drafts.save(form, "bedrag", "1.234,56", case_id=case.id)
    assert plans.store.drafts.load(form) == {"omschrijving": "Factuur Kredietb", "bedrag": "1.234,56"}
    other_user = open_store(store.path, "iemand.anders")
    assert other_user.drafts.load(form) == {}
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 2),
            component="C",
            description="Factuur",
            kind="werkelijk",
            actual="1.234,56",
        ),
        draft=form,
    )
    assert plans.store.drafts.load(form) == {}
    drafts = [e for e in store.audit.entries(case_id=case.id) if e.entity == "formulier"]
    assert len(drafts) == 3 and all("1.234" not in json.dumps(e.detail) for e in drafts)


def test_forgetting_a_case_removes_its_plan_and_costs(plans, case, store):
    v = plans.start_concept(case.id)
    _, a = fill(plans, v.id)
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 2),
            component="C",
            description="x",
            kind="werkelijk",
            actual="5",
            action_uid=a.uid,
        )
    )
    plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")
    plans.store.drafts.save(draft_key("kosten", case.id), "x", "y", case_id=case.id)
    store.maintenance.delete_case(case.id)
    for table in ("plans", "plan_versions", "plan_areas", "plan_goals", "plan_actions", "cost_entries", "form_drafts"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_anonymise_keeps_the_accounts(plans, case, store):
    v = plans.start_concept(case.id)
    _, a = fill(plans, v.id)
    plans.store.costs.add(
        CostEntry(
            case_id=case.id,
            date=date(2025, 5, 2),
            component="C",
            description="Factuur x",
            kind="werkelijk",
            actual="5",
            action_uid=a.uid,
        )
    )
    plans.agree(v.id, "hoofdlijnen", AGREED, "mondeling")
    plans.anonymise(case.id)
    assert plans.version(case.id) is None
    (entry,) = plans.store.costs.of_case(case.id)
    assert (entry.entry.description, entry.entry.amount_cents, entry.entry.action_uid) == ("geanonimiseerd", 500, None)


def test_unknown_case_and_version(plans):
    with pytest.raises(StoreError):
        plans.start_concept(999)
    with pytest.raises(StoreError):
        plans.set_area_text(999, "wonen", "situatie", "x")
    assert EERSTE_GESPREK < AGREED


def test_a_restart_round_records_its_own_plan_milestone(plans, case, store):
    # R (nazorg): "Als dat nodig is kan de Brede ondersteuning opnieuw opgestart worden."
    v = plans.start_concept(case.id)
    fill(plans, v.id)
    plans.agree(v.id, "volledig", AGREED, "mondeling")
    store.cases.record_event(case.id, "afzien_brede_ondersteuning", date(2025, 5, 1))
    store.cases.record_event(case.id, "herstart_brede_ondersteuning", date(2025, 9, 1))
    store.cases.record_event(case.id, "eerste_gesprek", date(2025, 9, 15))
    v2 = plans.start_concept(case.id)
    plans.agree(v2.id, "volledig", date(2025, 10, 1), "mondeling")
    steps = [(e.step, e.fact_date) for e in store.cases.events(case.id)]
    assert steps[-1] == ("plan_volledig", date(2025, 10, 1))  # the new round's plan, recorded again
