"""The routekaart's rules as the seed text says them (issue 16). Every test quotes the sentence of
the VNG routekaart (or the newsletter, or the issue's source) that it enforces."""

from __future__ import annotations

from datetime import date

import pytest

from herstel_tui.domain.routekaart import RecordedEvent, Routekaart, TransitionRefused, load_routekaart
from herstel_tui.settings.resources import data_file

BO = "brede_ondersteuning"
SA = "schuldenaanpak"


@pytest.fixture(scope="module")
def rk() -> Routekaart:
    return load_routekaart(data_file("routekaart.toml"))


def d(s: str) -> date:
    return date.fromisoformat(s)


def ev(step: str, when: str, outcome: str | None = None, **kw) -> RecordedEvent:
    return RecordedEvent(step, d(when), outcome, **kw)


def refused(
    rk: Routekaart, track: str, events: list[RecordedEvent], new: RecordedEvent, role: str | None = None
) -> str:
    with pytest.raises(TransitionRefused) as exc:
        rk.check(track, events, new, role=role)
    return str(exc.value)


def running(view) -> dict[str, str]:
    return {dl.rule: dl.due.isoformat() for dl in view.running}


BO_BASE = [ev("aanvraag_herbeoordeling", "2023-01-02"), ev("ontvangst_gegevens", "2023-01-20")]
SA_BASE = [ev("aanvraag_herbeoordeling", "2023-01-02"), ev("start_pauzeknop", "2023-02-01")]


# -- 1. the moratorium starts at the payment ------------------------------------------------------

MORATORIUM = (
    "Vanaf het moment van uitbetalen van de Catshuisregeling treedt de wettelijke afkoelingsperiode van "
    "1 jaar in werking."
)
PARTNER = "De gedupeerde ouder en toeslagpartner krijgen zo tijd en ruimte"


def test_moratorium_runs_from_the_payment_not_from_an_earlier_aanvang(rk):
    assert "Vanaf het moment van uitbetalen van de Catshuisregeling" in MORATORIUM
    events = SA_BASE + [
        ev("eerste_toets", "2023-05-01", "gedupeerd"),
        ev("aanvang_moratorium", "2023-06-01"),
        ev("eerste_betaling", "2023-09-15"),
    ]
    view = rk.evaluate(SA, events, d("2024-06-01"))
    assert running(view) == {"wettelijk_moratorium": "2024-09-15"}  # not 01-06-2024
    assert rk.rule("wettelijk_moratorium").start == ("eerste_betaling",)
    # without a payment there is no moratorium yet, whatever "aanvang" says
    assert running(rk.evaluate(SA, events[:-1], d("2023-07-01"))) == {}


def test_moratorium_text_names_parent_and_toeslagpartner(rk):
    assert "toeslagpartner" in PARTNER
    assert "toeslagpartner" in rk.rule("wettelijk_moratorium").explanation
    assert "toeslagpartner" in rk.step(SA, "aanvang_moratorium").explanation


# -- 2. corrections ------------------------------------------------------------------------------

NEGATIVE = "De impact kan groot zijn door het wegvallen van het publiek moratorium."


def test_correction_to_niet_gedupeerd_ends_the_moratorium_and_off_route_events_count_no_more(rk):
    assert "wegvallen van het publiek moratorium" in NEGATIVE
    events = BO_BASE + [
        ev("eerste_toets", "2023-03-01", "gedupeerd", id=3),
        ev("eerste_betaling", "2023-04-01", id=4),
        ev("ondersteuning_ex_partners", "2023-04-10", id=5),
    ]
    assert "wettelijk_moratorium" in running(rk.evaluate(BO, events, d("2023-05-01")))
    fix = ev("eerste_toets", "2023-03-01", "niet_gedupeerd", correction=True, reason="beschikking herzien", id=6)
    rk.check(BO, events, fix)
    view = rk.evaluate(BO, events + [fix], d("2023-05-01"))
    assert "wettelijk_moratorium" not in {dl.rule for dl in view.deadlines}
    by_step = {x.step: x for x in view.done}
    assert by_step["eerste_betaling"].off_route and by_step["ondersteuning_ex_partners"].off_route
    assert running(view) == {"afbouw_brede_ondersteuning": "2023-03-31", "eerste_gesprek_voeren": "2023-03-17"} | {
        "datum_eerste_gesprek_meedelen": "2023-03-17"
    }
    # an off-route payment no longer enables anything that needs it
    assert "eerste_betaling" not in {n.step for n in view.next_steps}


def test_a_negative_integrale_beoordeling_stops_a_running_moratorium(rk):
    assert rk.rule("wettelijk_moratorium").stop == (
        "eerste_toets:niet_gedupeerd",
        "integrale_beoordeling:niet_gedupeerd",
    )


# -- 3. children of (possibly) gedupeerde parents ---------------------------------------------------

CHILDREN = (
    "Gemeenten ondersteunen op dit moment de kinderen die deel uitmaken van het gezin van (mogelijk) gedupeerde ouders."
)


def test_children_are_supported_before_the_eerste_toets(rk):
    assert "(mogelijk) gedupeerde ouders" in CHILDREN
    rk.check(BO, BO_BASE, ev("ondersteuning_kinderen", "2023-02-01"))
    rk.check(BO, [ev("aanmelding_gemeente", "2024-03-01")], ev("ondersteuning_kinderen", "2024-03-10"))
    after_no = BO_BASE + [ev("eerste_toets", "2023-03-01", "niet_gedupeerd")]
    assert refused(rk, BO, after_no, ev("ondersteuning_kinderen", "2023-04-01")).startswith(
        "Ondersteuning aan kinderen kan alleen vóór Eerste toets: Niet gedupeerd (01-03-2023)."
    )


# -- 4. restart after nazorg or afzien ---------------------------------------------------------

RESTART = "Als dat nodig is kan de Brede ondersteuning opnieuw opgestart worden."


def nazorg_case() -> list[RecordedEvent]:
    return BO_BASE + [
        ev("eerste_toets", "2023-01-24", "gedupeerd"),
        ev("datum_eerste_gesprek_gecommuniceerd", "2023-01-25"),
        ev("eerste_gesprek", "2023-02-01"),
        ev("plan_hoofdlijnen", "2023-03-01"),
        ev("nazorg", "2023-09-01"),
    ]


def test_restart_after_nazorg_is_a_new_round_on_the_same_case(rk):
    assert "opnieuw opgestart" in RESTART
    events = nazorg_case()
    restart = ev("herstart_brede_ondersteuning", "2024-02-01")
    rk.check(BO, events, restart)
    events.append(restart)
    view = rk.evaluate(BO, events, d("2024-02-02"))
    assert not view.closed
    # the first-talk termijn runs again, from the restart
    assert running(view)["eerste_gesprek_voeren"] == "2024-03-28"
    assert "nazorgperiode" not in running(view)
    # the earlier round stays visible on the timeline
    earlier = [x.step for x in view.done if x.earlier_round]
    assert earlier == ["datum_eerste_gesprek_gecommuniceerd", "eerste_gesprek", "plan_hoofdlijnen", "nazorg"]
    assert view.current.step == "herstart_brede_ondersteuning"
    # a new round: the talk, the plan and nazorg can be recorded again, not before the restart
    assert "De datum 15-01-2024 ligt vóór Herstart brede ondersteuning" in refused(
        rk, BO, events, ev("eerste_gesprek", "2024-01-15")
    )
    for step, when in [
        ("datum_eerste_gesprek_gecommuniceerd", "2024-02-05"),
        ("eerste_gesprek", "2024-02-20"),
        ("plan_hoofdlijnen", "2024-03-20"),
        ("nazorg", "2024-12-01"),
    ]:
        rk.check(BO, events, ev(step, when))
        events.append(ev(step, when))
    assert running(rk.evaluate(BO, events, d("2024-12-02"))) == {"nazorgperiode": "2026-12-01"}


def test_restart_after_afzien(rk):
    events = BO_BASE + [ev("afzien_brede_ondersteuning", "2023-02-01")]
    assert rk.evaluate(BO, events, d("2023-02-02")).closed
    rk.check(BO, events, ev("herstart_brede_ondersteuning", "2023-06-01"))
    view = rk.evaluate(BO, events + [ev("herstart_brede_ondersteuning", "2023-06-01")], d("2023-06-02"))
    assert not view.closed and running(view)["eerste_gesprek_voeren"] == "2023-07-27"


# -- 5. the driegesprek during UHT's assessment -------------------------------------------------

DRIEGESPREK = "Het driegesprek kan op enig moment tijdens het beoordelingsproces van UHT plaatsvinden."


def test_driegesprek_at_any_moment_of_the_assessment_only(rk):
    assert "op enig moment tijdens het beoordelingsproces van UHT" in DRIEGESPREK
    rk.check(BO, BO_BASE, ev("driegesprek", "2023-02-01"))  # before the eerste toets: UHT is assessing
    gu = BO_BASE + [ev("eerste_toets", "2023-03-01", "geen_uitsluitsel")]
    rk.check(BO, gu, ev("driegesprek", "2023-04-01"))
    negative = gu + [ev("integrale_beoordeling", "2023-09-01", "niet_gedupeerd")]
    assert refused(rk, BO, negative, ev("driegesprek", "2023-09-10")).startswith(
        "Driegesprek kan alleen vóór Toekenning PZB en integrale beoordeling (01-09-2023)."
    )
    ged = nazorg_case()
    assert "Driegesprek kan alleen vóór Nazorg" in refused(rk, BO, ged, ev("driegesprek", "2023-10-01"))
    assert "driegesprek" not in {n.step for n in rk.evaluate(BO, ged, d("2023-10-01")).next_steps}


# -- 6. the acclimatiseringsfase is a waiting period ----------------------------------------------

ACCLIMATISERING = "Dan wordt de invordering na een acclimatiseringsfase van 4 weken hervat."


def test_acclimatiseringsfase_is_never_overdue(rk):
    assert "acclimatiseringsfase van 4 weken" in ACCLIMATISERING
    events = SA_BASE + [ev("eerste_toets", "2023-06-01", "niet_gedupeerd"), ev("einde_pauzeknop", "2023-07-01")]
    for today in ("2023-07-28", "2023-07-29", "2023-08-30"):
        view = rk.evaluate(SA, events, d(today))
        assert view.overdue(d(today)) == []
    assert rk.rule("acclimatiseringsfase").kind == "period"


# -- 7. texts beyond the routekaart name their source and date -------------------------------------

EX_PARTNERS = "Op dit moment wordt een regeling voor ex-partners uitgewerkt."


def test_texts_beyond_the_routekaart_name_their_source(rk):
    step = rk.step(BO, "ondersteuning_ex_partners")
    assert EX_PARTNERS in step.explanation  # what the routekaart (May 2023) said
    assert "juli 2023" in step.explanation and "28-04-2023" in step.source
    for rule in ("eerste_gesprek_voeren", "datum_eerste_gesprek_meedelen", "plan_op_hoofdlijnen"):
        assert "1 januari 2025" in rk.rule(rule).source
    assert "25 mei 2023" in rk.rule("antwoord_brede_hulpteam").source
    assert "2024Z07750" in rk.rule("afbouw_brede_ondersteuning").source
    assert "25 mei 2023" in rk.step(BO, "brede_hulpteam_verzoek").source


# -- 8. registration closed on 1 January 2024 ------------------------------------------------------

CUT_OFF = "Aanmelden kan tot 1 januari 2024."


def test_a_registration_after_the_cut_off_is_flagged(rk):
    assert "tot 1 januari 2024" in CUT_OFF
    for track in (BO, SA):
        view = rk.evaluate(track, [ev("aanvraag_herbeoordeling", "2024-01-01")], d("2024-02-01"))
        assert view.done[0].warning is not None and CUT_OFF in view.done[0].warning
        ok = rk.evaluate(track, [ev("aanvraag_herbeoordeling", "2023-12-31")], d("2024-02-01"))
        assert ok.done[0].warning is None
        assert [
            n.latest for n in rk.evaluate(track, [], d("2024-02-01")).next_steps if n.step == "aanvraag_herbeoordeling"
        ] == [d("2023-12-31")]


# -- 9. municipal choices apart from the law --------------------------------------------------------


def test_municipal_choices_are_marked_apart_from_the_law(rk):
    meedelen = rk.rule("datum_eerste_gesprek_meedelen")
    assert meedelen.basis == "keuze" and not meedelen.statutory and meedelen.choice
    assert rk.rule("eerste_gesprek_voeren").statutory and rk.rule("eerste_gesprek_voeren").choice
    assert "Keuze:" not in rk.rule("eerste_gesprek_voeren").explanation  # the choice has its own field


# -- 10. deadlines another party owes -------------------------------------------------------------

BREDE_HULPTEAM = "Zij nemen dan zo spoedig mogelijk (uiterlijk binnen 7 dagen) contact met u op."


def test_uht_answer_is_waited_on_never_overdue_and_can_be_closed(rk):
    assert "uiterlijk binnen 7 dagen" in BREDE_HULPTEAM
    events = [ev("aanmelding_gemeente", "2024-01-01"), ev("brede_hulpteam_verzoek", "2024-01-02")]
    view = rk.evaluate(BO, events, d("2026-04-01"))  # 800+ days past UHT's date
    (waiting,) = view.waiting
    assert waiting.waiting_text == "wacht op UHT" and not waiting.overdue(d("2026-04-01"))
    assert view.next_deadline is not None and view.next_deadline.rule != "antwoord_brede_hulpteam"
    assert "antwoord_brede_hulpteam" not in {x.rule for x in view.overdue(d("2026-04-01"))}
    close = ev("brede_hulpteam_afgesloten", "2026-04-01")
    rk.check(BO, events, close)
    assert rk.evaluate(BO, events + [close], d("2026-04-01")).waiting == []
    alone = rk.evaluate(BO, [ev("aanvraag_herbeoordeling", "2023-01-01"), events[1]], d("2024-02-01"))
    assert alone.next_deadline is None  # only UHT's date runs: nothing of the caseworker's sorts to the top


# -- B. the order the routekaart implies ------------------------------------------------------------

FIRST_TALK = "Die neemt contact op met de ouder, inventariseert samen met de ouder de behoeften en stelt met hem of haar een plan van aanpak op"


def test_the_date_is_communicated_before_the_talk_it_announces(rk):
    assert "plan van aanpak op" in FIRST_TALK
    events = BO_BASE + [ev("eerste_gesprek", "2023-02-10")]
    assert refused(rk, BO, events, ev("datum_eerste_gesprek_gecommuniceerd", "2023-02-12")) == (
        "Datum eerste gesprek vastgelegd en meegedeeld kan alleen vóór Eerste gesprek gevoerd (10-02-2023). "
        "Kies een datum vóór 10-02-2023, of corrigeer Eerste gesprek gevoerd met een reden."
    )
    rk.check(BO, events, ev("datum_eerste_gesprek_gecommuniceerd", "2023-02-01"))  # it was, and is recorded late
    assert "datum_eerste_gesprek_gecommuniceerd" not in {
        n.step for n in rk.evaluate(BO, events, d("2023-02-12")).next_steps
    }


def test_the_full_plan_comes_with_or_after_the_outline(rk):
    events = BO_BASE + [ev("eerste_gesprek", "2023-02-10"), ev("plan_volledig", "2023-03-10")]
    assert refused(rk, BO, events, ev("plan_hoofdlijnen", "2023-03-20")).startswith(
        "Plan van aanpak op hoofdlijnen afgesproken kan alleen vóór Volledig plan van aanpak afgesproken (10-03-2023)."
    )
    rk.check(BO, events[:3], ev("plan_volledig", "2023-03-10"))  # a full plan at once counts as the outline too


def test_after_nazorg_only_nazorg_a_restart_or_contacts(rk):
    assert "In deze periode van 24 maanden wordt naar wens contact met elkaar gehouden." in (
        "Als de doelen uit het plan van aanpak behaald zijn, is er ruimte voor nazorg. In deze periode van 24 "
        "maanden wordt naar wens contact met elkaar gehouden."
    )
    events = nazorg_case()
    msg = refused(rk, BO, events, ev("plan_volledig", "2023-10-01"))
    assert msg == (
        "Na Nazorg (01-09-2023) past alleen nog Persoon ziet af van brede ondersteuning, Herstart brede "
        "ondersteuning, Eerste compensatie uitbetaald of een contactmoment. Moet het traject verder, leg dan "
        "eerst Herstart brede ondersteuning vast; klopt Nazorg niet, corrigeer die dan met een reden."
    )
    for ok in ("brief_verzonden", "brede_hulpteam_verzoek", "herstart_brede_ondersteuning", "eerste_betaling"):
        rk.check(BO, events, ev(ok, "2023-10-01"))
    offered = {n.step for n in rk.evaluate(BO, events, d("2023-10-01")).next_steps}
    assert offered <= {
        "brief_verzonden",
        "brede_hulpteam_verzoek",
        "herstart_brede_ondersteuning",
        "eerste_betaling",
        "afzien_brede_ondersteuning",
    }


def test_nothing_before_the_registration(rk):
    assert "Aanmelden kan tot 1 januari 2024." in CUT_OFF
    assert refused(rk, BO, [], ev("brede_hulpteam_verzoek", "2023-02-01")) == (
        "Vraag gesteld aan het Brede Hulpteam kan pas na Aanvraag herbeoordeling kinderopvangtoeslag bij UHT, "
        "Ontvangst gegevens ouder (als de ouder dit wenst) of Aanmelding bij de gemeente (zelfmelding)."
    )
    assert "kan pas na Aanvraag herbeoordeling" in refused(rk, SA, [], ev("brief_verzonden", "2023-02-01"))
    assert "ligt vóór" in refused(
        rk, BO, [ev("aanvraag_herbeoordeling", "2023-03-01")], ev("brief_verzonden", "2023-02-01")
    )


def test_steps_fit_the_persons_role(rk):
    events = [ev("aanmelding_gemeente", "2024-03-01")]
    assert refused(rk, BO, events, ev("ondersteuning_ex_partners", "2024-03-02"), role="kind") == (
        "Ondersteuning aan ex-partners past niet bij een kind: deze stap is voor een aanvrager, toeslagpartner, "
        "ex-toeslagpartner of nabestaande. Leg de stap vast in de zaak van die persoon."
    )
    assert "kind" not in rk.step(BO, "eerste_toets").roles
    rk.check(BO, events, ev("ondersteuning_kinderen", "2024-03-02"), role="kind")
    offered = {n.step for n in rk.evaluate(BO, events, d("2024-03-02"), role="kind").next_steps}
    assert "ondersteuning_kinderen" in offered and "aanvraag_herbeoordeling" not in offered


def test_every_dated_text_after_the_routekaart_names_its_source(rk):
    """The routekaart is of May 2023: a text about something later (a year from 2024, "sinds ...")
    names where it comes from."""
    import re

    later = re.compile(r"(?<!1 januari )\b202[4-9]\b|\bsinds\b")  # R itself: "Aanmelden kan tot 1 januari 2024"
    texts = [(n.id, n.explanation, n.source) for t in rk.tracks.values() for n in t.nodes]
    texts += [(r.id, r.explanation + " " + r.choice, r.source) for r in rk.rules.values()]
    missing = sorted({i for i, text, source in texts if later.search(text) and not source})
    assert missing == []
