"""Life stories for the demo: what a caseworker recognises, with realistic gaps in days.

A story is one household's route through the routekaart, as days relative to the moment the
municipality got involved (day 0: the melding or the data from UHT). UHT's decisions are the
household's *fate*: one outcome for the parent's brede ondersteuning and schuldenaanpak alike, shared
by the toeslagpartner's case and followed by a child's case. The scenarios:

- via UHT: aanvraag → ontvangst gegevens → contact → datum meegedeeld → eerste gesprek within 8
  weeks → plan op hoofdlijnen within 8 weeks → volledig plan → nazorg (sometimes a restart);
- zelfmelding: aanmelding bij de gemeente instead of the data from UHT;
- schuldenaanpak: aanvraag → pauzeknop → eerste toets → payment → moratorium → kwijtschelden, or
  einde pauzeknop → opstarten invordering after the acclimatiseringsfase;
- a negative outcome with the 30-day wind-down; afzien (sometimes a restart); a late talk or plan now
  and then, and a question to the Brede Hulpteam.

Every story is checked event by event with :meth:`Routekaart.check` (and the person's role) before
use; a story the engine refuses is not used (``rejected`` counts them; the tests expect none).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from herstel_tui.domain.routekaart import RecordedEvent, Routekaart, TransitionRefused

BO = "brede_ondersteuning"
SA = "schuldenaanpak"
EPOCH = date(2000, 1, 1)
SHARED_PARTNER = ("eerste_toets", "integrale_beoordeling", "eerste_betaling")
SHARED_CHILD = ("eerste_toets", "integrale_beoordeling")

Ev = tuple[str, str | None, int]  # step, outcome, day relative to the municipal start


@dataclass
class Story:
    scenario: str
    registered: int  # day of the registration with UHT (may move earlier, never later)
    bo: list[Ev] | None = None
    sa: list[Ev] | None = None
    partner_sa: list[Ev] | None = None
    child_bo: list[Ev] | None = None
    ex_bo: list[Ev] | None = None

    @property
    def span(self) -> int:
        days = [d for evs in (self.bo, self.sa, self.partner_sa, self.child_bo, self.ex_bo) if evs for _, _, d in evs]
        return max(days, default=0)


def _fate(rng: random.Random, reg: int) -> dict:
    """UHT's decisions for the household: eerste toets, integrale beoordeling, payment."""
    r = rng.random()
    toets = reg + rng.randrange(60, 420)
    if r < 0.08:
        return {"toets": None, "final": None}
    outcome = "gedupeerd" if r < 0.62 else "geen_uitsluitsel" if r < 0.82 else "niet_gedupeerd"
    fate: dict = {"toets": toets, "outcome": outcome, "ib": None, "paid": None}
    if outcome == "gedupeerd":
        fate["paid"] = toets + rng.randrange(14, 90)
        if rng.random() < 0.3:
            fate["ib"] = ("gedupeerd", toets + rng.randrange(150, 480))
    elif outcome == "geen_uitsluitsel":
        ib = toets + rng.randrange(120, 480)
        ib_out = "gedupeerd" if rng.random() < 0.6 else "niet_gedupeerd"
        fate["ib"] = (ib_out, ib)
        if ib_out == "gedupeerd":
            fate["paid"] = ib + rng.randrange(14, 90)
    fate["final"] = fate["ib"][0] if fate["ib"] else outcome
    fate["negative_day"] = (
        fate["ib"][1]
        if fate["ib"] and fate["ib"][0] == "niet_gedupeerd"
        else toets
        if outcome == "niet_gedupeerd"
        else None
    )
    return fate


def _uht_events(fate: dict) -> list[Ev]:
    out: list[Ev] = []
    if fate.get("toets") is None:
        return out
    out.append(("eerste_toets", fate["outcome"], fate["toets"]))
    if fate["ib"]:
        out.append(("integrale_beoordeling", fate["ib"][0], fate["ib"][1]))
    if fate["paid"] is not None:
        out.append(("eerste_betaling", None, fate["paid"]))
    return out


def _round(rng: random.Random, evs: list[Ev], start: int, *, late: float = 0.12) -> int:
    """One round of municipal support from ``start``: contact, date communicated, the first talk
    (normally within 8 weeks), the plan op hoofdlijnen (normally within 8 weeks of the talk).
    Returns the day of the plan."""
    contact = start + rng.randrange(1, 12)
    evs.append(("contact_ouder", None, contact))
    told = contact + rng.randrange(0, 7)
    if rng.random() < late / 3:  # the date communicated late, the talk later still
        told = start + rng.randrange(57, 75)
        talk = told + rng.randrange(3, 20)
    elif rng.random() > late:
        talk = rng.randrange(max(told + 3, start + 14), start + 55)
    else:
        talk = start + rng.randrange(60, 110)
    evs.append(("datum_eerste_gesprek_gecommuniceerd", None, told))
    evs.append(("eerste_gesprek", None, talk))
    evs.append(("start_brede_ondersteuning", None, talk))
    plan = talk + (rng.randrange(10, 52) if rng.random() > late * 0.7 else rng.randrange(60, 95))
    evs.append(("plan_hoofdlijnen", None, plan))
    return plan


def _restart_round(rng: random.Random, evs: list[Ev], start: int) -> int:
    evs.append(("herstart_brede_ondersteuning", None, start))
    told = start + rng.randrange(2, 14)
    evs.append(("datum_eerste_gesprek_gecommuniceerd", None, told))
    talk = told + rng.randrange(5, 35)
    evs.append(("eerste_gesprek", None, talk))
    plan = talk + rng.randrange(10, 50)
    evs.append(("plan_hoofdlijnen", None, plan))
    return plan


def parent_bo(rng: random.Random, fate: dict, reg: int, kids: bool) -> tuple[str, list[Ev]]:
    evs: list[Ev] = [("aanvraag_herbeoordeling", None, reg)]
    zelf = rng.random() < 0.25
    evs.append(("aanmelding_gemeente" if zelf else "ontvangst_gegevens", None, 0))
    scenario = "zelfmelding" if zelf else "via UHT"
    uht = _uht_events(fate)
    evs += uht
    final, negative = fate.get("final"), fate.get("negative_day")
    if rng.random() < 0.07:  # the parent declines support, sometimes comes back later
        day = rng.randrange(3, 30)
        evs.append(("contact_ouder", None, day))
        evs.append(("afzien_brede_ondersteuning", None, day + rng.randrange(0, 20)))
        scenario = "afzien"
        if rng.random() < 0.3 and negative is None:
            _restart_round(rng, evs, day + rng.randrange(120, 400))
            scenario = "afzien, herstart"
        return scenario, _cut_after_negative(rng, evs, negative)
    plan = _round(rng, evs, 0)
    talk = next(d for s, _, d in evs if s == "eerste_gesprek")
    if rng.random() < 0.15:
        evs.append(("brief_verzonden", None, rng.randrange(1, 10)))
    if rng.random() < 0.08:  # a question to UHT's Brede Hulpteam
        asked = talk + rng.randrange(0, 60)
        evs.append(("brede_hulpteam_verzoek", None, asked))
        r = rng.random()
        if r < 0.75:
            evs.append(("brede_hulpteam_antwoord", None, asked + rng.randrange(2, 9)))
        elif r < 0.9:
            evs.append(("brede_hulpteam_afgesloten", None, asked + rng.randrange(10, 40)))
    if kids and final != "niet_gedupeerd" and negative is None:
        evs.append(("ondersteuning_kinderen", None, talk + rng.randrange(5, 90)))
    if fate.get("outcome") == "geen_uitsluitsel" and rng.random() < 0.35:
        first, last = fate["toets"], fate["ib"][1]
        if last - first > 10:
            evs.append(("driegesprek", None, rng.randrange(first + 1, last)))
    if negative is not None:
        return "negatief, afbouw", _cut_after_negative(rng, evs, negative)
    if final == "gedupeerd":
        decided = fate["ib"][1] if fate["ib"] else fate["toets"]
        if rng.random() < 0.1:
            evs.append(("ondersteuning_ex_partners", None, max(decided, talk) + rng.randrange(5, 60)))
        if fate["ib"] and rng.random() < 0.25:
            evs.append(("cws", None, fate["ib"][1] + rng.randrange(20, 200)))
        if rng.random() < 0.7:
            evs.append(("plan_volledig", None, plan + rng.randrange(60, 400)))
        if rng.random() < 0.45:  # goals reached: nazorg, after everything else of the round
            nazorg = max(d for _, _, d in evs) + rng.randrange(30, 200)
            evs.append(("nazorg", None, nazorg))
            scenario = "gedupeerd, nazorg"
            if rng.random() < 0.15:
                _restart_round(rng, evs, nazorg + rng.randrange(120, 500))
                scenario = "nazorg, herstart"
    return scenario, evs


def _cut_after_negative(rng: random.Random, evs: list[Ev], negative: int | None) -> list[Ev]:
    """A negative decision: the wind-down within 30 days (now and then late), then nothing of the
    municipality's own route; sometimes regular services continue."""
    if negative is None:
        return evs
    done = negative + (rng.randrange(5, 29) if rng.random() < 0.85 else rng.randrange(35, 70))
    kept = [e for e in evs if e[2] <= negative or e[0] in SHARED_PARTNER]
    kept.append(("afronden_spuk", None, done))
    if rng.random() < 0.5:
        kept.append(("continueren_regulier", None, done + rng.randrange(0, 14)))
    return kept


def parent_sa(rng: random.Random, fate: dict, reg: int) -> list[Ev]:
    first = fate["toets"] if fate.get("toets") is not None else reg + 400
    paused = reg + rng.randrange(7, max(8, min(90, first - reg)))
    evs: list[Ev] = [("aanvraag_herbeoordeling", None, reg), ("start_pauzeknop", None, paused)]
    evs += _uht_events(fate)
    if fate.get("final") == "gedupeerd" and fate["paid"] is not None:
        evs.append(("aanvang_moratorium", None, fate["paid"] + rng.randrange(0, 10)))
        if rng.random() < 0.6:
            evs.append(("kwijtschelden_betalen", None, fate["paid"] + rng.randrange(60, 300)))
    elif fate.get("negative_day") is not None:
        ended = fate["negative_day"] + rng.randrange(5, 30)
        evs.append(("einde_pauzeknop", None, ended))
        if rng.random() < 0.7:
            evs.append(("opstarten_invordering", None, ended + 28 + rng.randrange(0, 20)))
    if rng.random() < 0.05:
        asked = paused + rng.randrange(10, 120)
        evs.append(("brede_hulpteam_verzoek", None, asked))
        if rng.random() < 0.8:
            evs.append(("brede_hulpteam_antwoord", None, asked + rng.randrange(2, 9)))
        else:
            evs.append(("brede_hulpteam_afgesloten", None, asked + rng.randrange(10, 40)))
    if rng.random() < 0.1:
        evs.append(("brief_verzonden", None, paused + rng.randrange(0, 20)))
    return evs


def partner_sa(sa: list[Ev]) -> list[Ev]:
    """The toeslagpartner's own schuldenaanpak: the same registration and pauzeknop; outcome and
    payment are the parent's (inherited, not recorded again)."""
    return [e for e in sa if e[0] not in SHARED_PARTNER and not e[0].startswith("brede_hulpteam")]


def child_bo(rng: random.Random, start: int) -> list[Ev]:
    """An older child who reports to the municipality; the case follows the parent's outcome."""
    evs: list[Ev] = [("aanmelding_gemeente", None, start)]
    talk_plan = _round(rng, evs, start, late=0.05)
    evs.append(("ondersteuning_kinderen", None, talk_plan - rng.randrange(0, 10)))
    return evs


def ex_bo(rng: random.Random, start: int) -> list[Ev]:
    """An ex-toeslagpartner with the own scheme: the municipality's support only."""
    evs: list[Ev] = [("aanmelding_gemeente", None, start)]
    _round(rng, evs, start, late=0.1)
    return evs


def make_story(rng: random.Random, *, kids: bool, older_kid: bool, partner: bool, ex: bool) -> Story:
    reg = -rng.randrange(20, 500)
    fate = _fate(rng, reg)
    negative = fate.get("negative_day")
    if negative is not None and negative < 30:  # UHT decides after the municipality started
        shift = 30 + rng.randrange(0, 200) - negative
        for key in ("toets", "paid", "negative_day"):
            if fate.get(key) is not None:
                fate[key] += shift
        if fate["ib"]:
            fate["ib"] = (fate["ib"][0], fate["ib"][1] + shift)
    scenario, bo = parent_bo(rng, fate, reg, kids)
    story = Story(scenario, reg, bo=bo if rng.random() < 0.92 else None)
    if rng.random() < 0.35 or story.bo is None:
        story.sa = parent_sa(rng, fate, reg)
        if partner and rng.random() < 0.4:
            story.partner_sa = partner_sa(story.sa)
    if older_kid and fate.get("final") != "niet_gedupeerd" and negative is None and rng.random() < 0.25:
        story.child_bo = child_bo(rng, rng.randrange(0, 200))
    if ex and rng.random() < 0.4:
        story.ex_bo = ex_bo(rng, rng.randrange(0, 120))
    return story


def _inherited(evs: list[Ev] | None, steps: tuple[str, ...]) -> list[RecordedEvent]:
    if not evs:
        return []
    return [
        RecordedEvent(s, EPOCH + timedelta(days=d), o, inherited=True) for s, o, d in sorted_events(evs) if s in steps
    ]


def sorted_events(evs: list[Ev]) -> list[Ev]:
    """Events in the order they happened (same day: as written)."""
    return [e for _, e in sorted(enumerate(evs), key=lambda p: (p[1][2], p[0]))]


def accepted(rk: Routekaart, story: Story) -> bool:
    """Whether every timeline of the story fits the routekaart, event by event, for each role."""
    parent_src = story.sa if story.sa else story.bo
    checks = [
        (BO, story.bo, "aanvrager", []),
        (SA, story.sa, "aanvrager", []),
        (SA, story.partner_sa, "toeslagpartner", _inherited(parent_src, SHARED_PARTNER)),
        (BO, story.child_bo, "kind", _inherited(story.bo or story.sa, SHARED_CHILD)),
        (BO, story.ex_bo, "ex-toeslagpartner", []),
    ]
    for track, evs, role, history in checks:
        if not evs:
            continue
        history = list(history)
        for s, o, d in sorted_events(evs):
            ev = RecordedEvent(s, EPOCH + timedelta(days=d), o)
            try:
                rk.check(track, history, ev, role=role)
            except TransitionRefused:
                return False
            history.append(ev)
    return True
