"""Issue 15: text the caseworker types into the plan (saved as they type) and form drafts: a control
character is refused naming the field, nothing saved; reading old rows keeps working."""

from __future__ import annotations

import pytest

from herstel_tui.store import PlanRefused
from tests.support.plan import add_case

# These histories carry fixed dates (2025): the clock says TODAY (01-06-2026), so they hold on any
# date the suite runs (a real clock before April 2025 put their facts in the future).
pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def concept(store):
    case = add_case(store, 0)
    return store.plans.start_concept(case.id)


def test_plan_area_text_with_escape_is_refused(store, concept):
    with pytest.raises(PlanRefused) as exc:
        store.plans.set_area_text(concept.id, "financien", "hulpvraag", "Schulden\x1b]0;x\x07")
    assert str(exc.value) == (
        "hulpvraag bevat het stuurteken ESC (U+001B) op positie 9; haal het weg en probeer het opnieuw"
    )
    assert store.plans.version(concept.case_id).area("financien").question == ""


def test_plan_goal_and_action_with_controls_are_refused(store, concept):
    with pytest.raises(PlanRefused, match="^doel bevat het stuurteken BEL"):
        store.plans.add_goal(concept.id, "financien", "Schuldenvrij\x07")
    with pytest.raises(PlanRefused, match="^partij bevat het stuurteken NUL"):
        store.plans.add_action(concept.id, "financien", what="Bellen", who="extern", party="Krediet\x00bank")
    goal = store.plans.add_goal(concept.id, "financien", "Schulden\nvrij\tmaken")  # lines and tabs are fine
    with pytest.raises(PlanRefused, match=r"^doel bevat het stuurteken CSI \(U\+009B\)"):
        store.plans.update_goal(goal.id, text="x\x9b2J")
    assert goal.text == "Schulden\nvrij\tmaken"


def test_a_draft_with_a_control_character_is_not_kept(store):
    with pytest.raises(PlanRefused, match="stuurteken"):
        store.drafts.save("persoon", "voornamen", "Anna\x1b[2J")
    store.drafts.save("persoon", "voornamen", "Anna\u202e")  # a bidi control is only dropped later
    assert store.conn.execute("SELECT count(*) FROM form_drafts").fetchone()[0] == 1
