"""Issue 13: the plan van aanpak edited in two desks at once loses nothing silently.

Each desk is its own Store on the same file, as two caseworkers' desks are. A save that is based on
a text someone else has changed since is refused, and the desk says so and shows the new text.
"""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from herstel_tui.settings.resources import open_store
from herstel_tui.store import ConflictError
from herstel_tui.store.plan import draft_key
from herstel_tui.tui.screens.plan import PlanScreen
from tests.support.pilot import Host, notices, settle
from tests.support.plan import ME, add_case


@pytest.fixture
def two_desks(tmp_path):
    db = tmp_path / "gedeeld.db"
    with open_store(db, ME) as s:
        case = add_case(s, 0)
        v = s.plans.start_concept(case.id)
        s.plans.set_area_text(v.id, "financien", "situatie", "Oude tekst")
    a, b = open_store(db, "desk.a"), open_store(db, "desk.b")
    yield a, b, case, v
    a.close()
    b.close()


def texts(store, case_id):
    v = store.plans.version(case_id)
    return v.area("financien").situation


def test_stale_area_text_is_refused(two_desks):
    a, b, case, v = two_desks
    b.plans.set_area_text(v.id, "financien", "situatie", "Situatie volgens B", based_on="Oude tekst")
    with pytest.raises(ConflictError, match="Huidige situatie bij .* is intussen door een ander gewijzigd"):
        a.plans.set_area_text(v.id, "financien", "situatie", "Oude tekst en meer van A", based_on="Oude tekst")
    assert texts(a, case.id) == "Situatie volgens B"
    # Based on what is there now, A may change it; an equal value is never a conflict.
    a.plans.set_area_text(v.id, "financien", "situatie", "Samen", based_on="Situatie volgens B")
    b.plans.set_area_text(v.id, "financien", "situatie", "Samen", based_on="Situatie volgens B")
    assert texts(b, case.id) == "Samen"


def test_stale_goal_action_and_draft_saves_are_refused(two_desks):
    a, b, case, v = two_desks
    g = a.plans.add_goal(v.id, "financien", "Schuldenvrij")
    x = a.plans.add_action(v.id, "financien", what="Bellen", party="Kredietbank")
    b.plans.update_goal(g.id, text="Schuldenvrij in 2026", based_on={"text": "Schuldenvrij"})
    with pytest.raises(ConflictError):
        a.plans.update_goal(g.id, text="Schuldenvrij!", based_on={"text": "Schuldenvrij"})
    b.plans.update_action(x.id, party="Stadsbank", based_on={"party": "Kredietbank"})
    with pytest.raises(ConflictError):
        a.plans.update_action(x.id, party="Kredietbank Oost", based_on={"party": "Kredietbank"})
    b.plans.update_action(x.id, due="01-06-2026", based_on={"due": ""})
    with pytest.raises(ConflictError):
        a.plans.update_action(x.id, due="01-07-2026", based_on={"due": ""})
    a.plans.update_action(x.id, done=True, based_on={"done": False})  # another field: no conflict
    key = draft_key("kosten", case.id)
    b.drafts.save(key, "omschrijving", "Van B", case_id=case.id, based_on="")
    with pytest.raises(ConflictError, match="ander venster"):
        b.drafts.save(key, "omschrijving", "Van A", case_id=case.id, based_on="")
    assert a.drafts.load(key) == {}  # drafts are per user: A's own draft is separate
    refused = [e for e in a.audit.entries(case_id=case.id) if "A" in str(e.detail)]
    assert a.plans.version(case.id).goals[0].text == "Schuldenvrij in 2026"
    assert refused == []


async def test_two_desks_on_one_plan_tell_the_second_one(two_desks):
    """The issue's reproduction: desk B saves its text; desk A, still showing the older text, types on."""
    a, b, case, v = two_desks
    app_a = Host(lambda: PlanScreen(a, case.id))
    app_b = Host(lambda: PlanScreen(b, case.id))
    async with app_a.run_test(size=(80, 24), notifications=True) as pa, app_b.run_test(size=(80, 24)) as pb:
        await settle(pa)
        await settle(pb)
        box_b = pb.app.screen.query_one("#situatie-financien", TextArea)
        assert box_b.text == "Oude tekst"
        box_b.focus()
        box_b.text = ""
        await pb.press(*"Situatie volgens B")
        await pb.press("f2")
        await settle(pb)
        assert texts(a, case.id) == "Situatie volgens B"

        box_a = pa.app.screen.query_one("#situatie-financien", TextArea)
        assert box_a.text == "Oude tekst"  # A still shows its older text ...
        box_a.focus()
        box_a.move_cursor(box_a.document.end)
        await pa.press(*" en A")  # ... and types on
        await pa.press("f2")
        await settle(pa)
        await settle(pa)
        assert texts(a, case.id) == "Situatie volgens B"  # B's text is kept
        shown = notices(pa.app)
        assert any("intussen door een ander gewijzigd" in m and "Oude tekst en A" in m for m in shown), shown
        assert pa.app.screen.query_one("#situatie-financien", TextArea).text == "Situatie volgens B"
        # B's screen is right: its text is the saved one.
        assert pb.app.screen.query_one("#situatie-financien", TextArea).text == "Situatie volgens B"
    changes = [e for e in a.audit.entries(case_id=case.id) if e.entity == "plan" and e.action == "gewijzigd"]
    assert [e.who for e in changes] == [ME, "desk.b"]
