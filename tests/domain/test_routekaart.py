"""Tests for the routekaart data file and engine (herstel_tui.domain.routekaart)."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from herstel_tui.domain.routekaart import (
    TRACKS,
    RecordedEvent,
    Routekaart,
    RoutekaartError,
    TransitionRefused,
    load_routekaart,
    parse_period,
)
from herstel_tui.settings.resources import data_file, default_routekaart

BO = "brede_ondersteuning"
SA = "schuldenaanpak"
DEFAULT = data_file("routekaart.toml")


@pytest.fixture(scope="module")
def rk() -> Routekaart:
    return load_routekaart(DEFAULT)


def d(s: str) -> date:
    return date.fromisoformat(s)


def ev(step: str, when: str, outcome: str | None = None, **kw) -> RecordedEvent:
    return RecordedEvent(step, d(when), outcome, **kw)


# ------------------------------------------------------------------------------------------
# The data file
# ------------------------------------------------------------------------------------------


def test_default_file_loads_both_tracks_in_routekaart_order(rk):
    assert tuple(rk.tracks) == TRACKS
    assert rk.tracks[BO].title == "Brede ondersteuning"
    assert rk.tracks[SA].title == "Brede schuldenaanpak"
    assert [s.id for s in rk.tracks[BO].steps] == [
        "aanvraag_herbeoordeling",
        "ontvangst_gegevens",
        "contact_ouder",
        "start_brede_ondersteuning",
        "eerste_toets",
        "ondersteuning_kinderen",
        "ondersteuning_ex_partners",
        "driegesprek",
        "integrale_beoordeling",
        "cws",
        "nazorg",
        "afronden_spuk",
        "continueren_regulier",
    ]
    assert [s.id for s in rk.tracks[SA].steps] == [
        "aanvraag_herbeoordeling",
        "start_pauzeknop",
        "eerste_toets",
        "aanvang_moratorium",
        "kwijtschelden_betalen",
        "integrale_beoordeling",
        "einde_pauzeknop",
        "opstarten_invordering",
    ]
    assert [m.id for m in rk.tracks[BO].milestones] == [
        "aanmelding_gemeente",
        "datum_eerste_gesprek_gecommuniceerd",
        "eerste_gesprek",
        "plan_hoofdlijnen",
        "plan_volledig",
        "afzien_brede_ondersteuning",
        "herstart_brede_ondersteuning",
        "eerste_betaling",
        "brede_hulpteam_verzoek",
        "brede_hulpteam_antwoord",
        "brede_hulpteam_afgesloten",
        "brief_verzonden",
    ]
    assert [m.id for m in rk.tracks[SA].milestones] == [
        "eerste_betaling",
        "brede_hulpteam_verzoek",
        "brede_hulpteam_antwoord",
        "brede_hulpteam_afgesloten",
        "brief_verzonden",
    ]


def test_default_routekaart_is_cached():
    assert default_routekaart() is default_routekaart()
    assert default_routekaart().path == DEFAULT


def test_step_attributes_follow_the_source(rk):
    et = rk.step(BO, "eerste_toets")
    assert et.title == "Eerste toets"
    assert et.outcomes == {
        "gedupeerd": "Gedupeerd",
        "geen_uitsluitsel": "Geen uitsluitsel",
        "niet_gedupeerd": "Niet gedupeerd",
    }
    assert et.actors == ("uht",)
    assert et.spuk_component is None
    assert "UHT.informatie.en.contact@toeslagen.nl" in [c.email for c in et.contacts]
    assert rk.step(BO, "integrale_beoordeling").outcomes == {
        "gedupeerd": "Gedupeerd",
        "niet_gedupeerd": "Niet gedupeerd",
    }
    # Formats named in the routekaart, per step.
    assert rk.step(BO, "contact_ouder").letters == ("Schriftelijk contact leggen met ouders",)
    assert rk.step(BO, "ontvangst_gegevens").letter_ids == ("brief_schuldeiser_moratorium",)
    assert rk.step(SA, "start_pauzeknop").letter_ids == ("brieven_ouders_moratorium",)
    assert "brieven_ouders_moratorium" in rk.step(SA, "aanvang_moratorium").letter_ids
    assert rk.step(BO, "datum_eerste_gesprek_gecommuniceerd").letter_ids == ("bevestiging_datum_eerste_gesprek",)
    # SPUK components
    assert rk.step(BO, "contact_ouder").spuk_component == "A"
    assert rk.step(BO, "start_brede_ondersteuning").spuk_component == "B"
    assert rk.step(BO, "nazorg").spuk_component == "C"
    assert rk.step(BO, "continueren_regulier").spuk_component is None  # reguliere middelen
    # Flags
    assert rk.step(BO, "driegesprek").anytime and rk.step(BO, "driegesprek").repeatable
    assert rk.step(BO, "integrale_beoordeling").optional  # may be waived after Gedupeerd
    assert not rk.step(BO, "eerste_toets").optional
    assert {s.id for s in rk.tracks[BO].nodes if s.end} == {
        "nazorg",
        "afronden_spuk",
        "continueren_regulier",
        "afzien_brede_ondersteuning",
    }
    assert {s.id for s in rk.tracks[SA].nodes if s.end} == {
        "kwijtschelden_betalen",
        "einde_pauzeknop",
        "opstarten_invordering",
    }
    assert rk.step(SA, "einde_pauzeknop").actors == ("invorderaar",)
    assert rk.step(BO, "cws").actor_titles == ("CWS", "Ouder")


def test_contacts_are_the_real_ones(rk):
    c = rk.contacts
    assert c["serviceteam_uht"].phone == "0800-2358358"
    assert c["brede_hulpteam"].email == "odg@belastingdienst.nl"
    assert "odg@toeslagen.nl" in c["brede_hulpteam"].note  # old address: out of use
    assert c["gegevensuitwisseling"].email == "gegevensuitwisseling@belastingdienst.nl"
    assert c["uht_informatie_contact"].email == "UHT.informatie.en.contact@toeslagen.nl"
    assert c["vng_hersteloperatie"].phone == "070-3738232"
    assert c["vng_hersteloperatie"].email == "hersteloperatie@vng.nl"
    assert str(c["serviceteam_uht"]) == "Serviceteam UHT · 0800-2358358"


def test_every_termijn_of_domain_md_is_in_the_file(rk):
    got = {r.id: (r.period.text, r.kind, r.start, r.stop[:1], r.tracks) for r in rk.rules.values()}
    assert got == {
        "eerste_gesprek_voeren": (
            "8 weken",
            "deadline",
            ("aanmelding_gemeente", "ontvangst_gegevens", "herstart_brede_ondersteuning"),
            ("eerste_gesprek",),
            (BO,),
        ),
        "datum_eerste_gesprek_meedelen": (
            "8 weken",
            "deadline",
            ("aanmelding_gemeente", "ontvangst_gegevens", "herstart_brede_ondersteuning"),
            ("datum_eerste_gesprek_gecommuniceerd",),
            (BO,),
        ),
        "plan_op_hoofdlijnen": ("8 weken", "deadline", ("eerste_gesprek",), ("plan_hoofdlijnen",), (BO,)),
        "volledig_plan_van_aanpak": ("2 jaar", "deadline", ("eerste_gesprek",), ("plan_volledig",), (BO,)),
        "afbouw_brede_ondersteuning": (
            "30 dagen",
            "deadline",
            ("integrale_beoordeling:niet_gedupeerd", "eerste_toets:niet_gedupeerd"),
            ("afronden_spuk",),
            (BO,),
        ),
        "nazorgperiode": ("24 maanden", "period", ("nazorg",), ("afzien_brede_ondersteuning",), (BO,)),
        "wettelijk_moratorium": (
            "1 jaar",
            "period",
            ("eerste_betaling",),
            ("eerste_toets:niet_gedupeerd",),
            (BO, SA),
        ),
        "acclimatiseringsfase": ("4 weken", "period", ("einde_pauzeknop",), ("opstarten_invordering",), (SA,)),
        "antwoord_brede_hulpteam": (
            "7 dagen",
            "deadline",
            ("brede_hulpteam_verzoek",),
            ("brede_hulpteam_antwoord",),
            (BO, SA),
        ),
    }


def test_titles(rk):
    assert rk.event_title(BO, "eerste_toets", "gedupeerd") == "Eerste toets: Gedupeerd"
    assert rk.event_title(BO, "nazorg") == "Nazorg"
    assert rk.outcome_title(SA, "integrale_beoordeling", "niet_gedupeerd") == "Niet gedupeerd"
    with pytest.raises(KeyError):
        rk.step(SA, "nazorg")  # only in brede ondersteuning
    with pytest.raises(KeyError):
        rk.outcome_title(BO, "eerste_toets", "misschien")


# ------------------------------------------------------------------------------------------
# Periods and calendar arithmetic
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, due",
    [
        ("8 weken", "2023-12-31", "2024-02-25"),
        ("1 jaar", "2024-02-29", "2025-02-28"),
        ("1 jaar", "2023-02-28", "2024-02-28"),
        ("2 jaar", "2024-02-29", "2026-02-28"),
        ("24 maanden", "2024-02-29", "2026-02-28"),
        ("24 maanden", "2022-08-31", "2024-08-31"),
        ("1 maand", "2024-01-31", "2024-02-29"),
        ("1 maand", "2023-01-31", "2023-02-28"),
        ("30 dagen", "2024-01-31", "2024-03-01"),
        ("30 dagen", "2023-01-31", "2023-03-02"),
        ("4 weken", "2024-02-05", "2024-03-04"),
        ("7 dagen", "2024-12-28", "2025-01-04"),
        ("1 dag", "2024-02-28", "2024-02-29"),
        ("1 jaar en 6 maanden", "2023-08-31", "2025-02-28"),
        ("2 jaren", "2024-03-01", "2026-03-01"),
        ("1 week", "2024-02-26", "2024-03-04"),
    ],
)
def test_period_calendar_arithmetic(text, start, due):
    p = parse_period(text)
    assert p.add(d(start)) == d(due)
    assert p.add(d(start)) == d(due)  # cached path gives the same answer


@pytest.mark.parametrize("bad", ["", "acht weken", "8 weekjes", "8", "weken", "0 dagen", "-3 dagen", "8 weken extra"])
def test_bad_period_is_refused(bad):
    with pytest.raises(ValueError, match="periode"):
        parse_period(bad)


# ------------------------------------------------------------------------------------------
# Walking every path of the source text
# ------------------------------------------------------------------------------------------


@dataclass
class S:
    """One recorded event in a walk, with what the case must look like afterwards."""

    step: str
    when: str
    outcome: str | None = None
    today: str | None = None  # evaluation date (default: the fact date)
    current: str | None = None  # expected current step id ("" = do not check)
    result: str | None | bool = False  # expected decisive outcome (False: do not check)
    route: set | None = None  # expected routekaart next steps {(step, outcome)}
    running: dict | None = None  # expected running termijnen {rule: due}
    closed: bool | None = None
    extra: list = field(default_factory=list)  # [(today, running, closed)] extra evaluations


BO_PRELUDE = [
    S(
        "aanvraag_herbeoordeling",
        "2023-01-02",
        current="aanvraag_herbeoordeling",
        result=None,
        route={
            ("ontvangst_gegevens", None),
            ("eerste_toets", "gedupeerd"),
            ("eerste_toets", "geen_uitsluitsel"),
            ("eerste_toets", "niet_gedupeerd"),
            ("ondersteuning_kinderen", None),
            ("driegesprek", None),
        },
        running={},
        closed=False,
    ),
    S(
        "ontvangst_gegevens",
        "2023-12-29",
        current="ontvangst_gegevens",
        route={
            ("contact_ouder", None),
            ("eerste_toets", "gedupeerd"),
            ("eerste_toets", "geen_uitsluitsel"),
            ("eerste_toets", "niet_gedupeerd"),
            ("ondersteuning_kinderen", None),
            ("driegesprek", None),
        },
        # 8 weeks from 29-12-2023, across the year end
        running={"eerste_gesprek_voeren": "2024-02-23", "datum_eerste_gesprek_meedelen": "2024-02-23"},
        closed=False,
    ),
    S("contact_ouder", "2024-01-05", current="contact_ouder"),
    S("datum_eerste_gesprek_gecommuniceerd", "2024-01-08", running={"eerste_gesprek_voeren": "2024-02-23"}),
    S(
        "start_brede_ondersteuning",
        "2024-01-15",
        current="start_brede_ondersteuning",
        route={
            ("eerste_toets", "gedupeerd"),
            ("eerste_toets", "geen_uitsluitsel"),
            ("eerste_toets", "niet_gedupeerd"),
            ("ondersteuning_kinderen", None),
            ("driegesprek", None),
        },
    ),
    S(
        "eerste_gesprek",
        "2024-01-15",
        current="eerste_gesprek",
        running={"plan_op_hoofdlijnen": "2024-03-11", "volledig_plan_van_aanpak": "2026-01-15"},
    ),
    S("plan_hoofdlijnen", "2024-03-01", running={"volledig_plan_van_aanpak": "2026-01-15"}),
]

SA_PRELUDE = [
    S(
        "aanvraag_herbeoordeling",
        "2023-01-02",
        current="aanvraag_herbeoordeling",
        result=None,
        route={("start_pauzeknop", None)},
        running={},
        closed=False,
    ),
    S(
        "start_pauzeknop",
        "2023-02-01",
        current="start_pauzeknop",
        result=None,
        route={("eerste_toets", "gedupeerd"), ("eerste_toets", "geen_uitsluitsel"), ("eerste_toets", "niet_gedupeerd")},
        running={},
        closed=False,
    ),
]

BO_GEDUPEERD_BRANCH = {
    ("ondersteuning_kinderen", None),
    ("ondersteuning_ex_partners", None),
    ("driegesprek", None),
    ("integrale_beoordeling", "gedupeerd"),
    ("nazorg", None),
}

PATHS = {
    # Track 1, eerste toets Gedupeerd, the parent waives the integrale beoordeling.
    "bo_gedupeerd_zonder_ib": (
        BO,
        BO_PRELUDE
        + [
            S(
                "eerste_toets",
                "2024-03-04",
                "gedupeerd",
                current="eerste_toets",
                result="gedupeerd",
                route=BO_GEDUPEERD_BRANCH,
                running={"volledig_plan_van_aanpak": "2026-01-15"},
                closed=False,
            ),
            S(
                "eerste_betaling",
                "2024-04-02",
                running={"volledig_plan_van_aanpak": "2026-01-15", "wettelijk_moratorium": "2025-04-02"},
            ),
            S("ondersteuning_kinderen", "2024-05-01", current="ondersteuning_kinderen"),
            S("ondersteuning_ex_partners", "2024-05-02", current="ondersteuning_ex_partners"),
            # driegesprek happens at any moment: it does not move the position of the case
            S(
                "driegesprek",
                "2024-05-10",
                current="ondersteuning_ex_partners",
                route={("driegesprek", None), ("integrale_beoordeling", "gedupeerd"), ("nazorg", None)},
            ),
            S("plan_volledig", "2024-06-03", current="plan_volledig", running={"wettelijk_moratorium": "2025-04-02"}),
            S(
                "nazorg",
                "2024-09-02",
                current="nazorg",
                result="gedupeerd",
                route=set(),
                running={"wettelijk_moratorium": "2025-04-02", "nazorgperiode": "2026-09-02"},
                closed=False,
                extra=[
                    ("2025-04-02", {"nazorgperiode": "2026-09-02"}, False),
                    ("2026-09-01", {"nazorgperiode": "2026-09-02"}, False),
                    ("2026-09-02", {}, True),
                ],
            ),
        ],
    ),
    # Track 1, eerste toets Gedupeerd, then integrale beoordeling and CWS.
    "bo_gedupeerd_met_ib_en_cws": (
        BO,
        BO_PRELUDE
        + [
            S("eerste_toets", "2024-03-04", "gedupeerd", result="gedupeerd", route=BO_GEDUPEERD_BRANCH),
            S(
                "integrale_beoordeling",
                "2024-06-10",
                "gedupeerd",
                current="integrale_beoordeling",
                result="gedupeerd",
                route={
                    ("ondersteuning_kinderen", None),
                    ("ondersteuning_ex_partners", None),
                    ("cws", None),
                    ("nazorg", None),
                },
            ),
            S(
                "cws",
                "2024-07-01",
                current="cws",
                route={
                    ("ondersteuning_kinderen", None),
                    ("ondersteuning_ex_partners", None),
                    ("nazorg", None),
                },
            ),
            S(
                "nazorg",
                "2024-09-02",
                current="nazorg",
                running={"nazorgperiode": "2026-09-02"},
                closed=False,  # nazorg also stops the 2-year plan
                extra=[("2026-09-02", {}, True)],
            ),
        ],
    ),
    # Track 1, Geen uitsluitsel, integrale beoordeling Gedupeerd.
    "bo_geen_uitsluitsel_ib_gedupeerd": (
        BO,
        BO_PRELUDE
        + [
            S(
                "eerste_toets",
                "2024-03-04",
                "geen_uitsluitsel",
                current="eerste_toets",
                result="geen_uitsluitsel",
                route={
                    ("driegesprek", None),
                    ("ondersteuning_kinderen", None),  # children of a possibly gedupeerde parent
                    ("integrale_beoordeling", "gedupeerd"),
                    ("integrale_beoordeling", "niet_gedupeerd"),
                },
                closed=False,
            ),
            S("driegesprek", "2024-04-01", current="eerste_toets", result="geen_uitsluitsel"),
            S(
                "integrale_beoordeling",
                "2024-10-01",
                "gedupeerd",
                current="integrale_beoordeling",
                result="gedupeerd",
                route={
                    ("ondersteuning_kinderen", None),
                    ("ondersteuning_ex_partners", None),
                    ("cws", None),
                    ("nazorg", None),
                },
            ),
            S(
                "eerste_betaling",
                "2024-10-15",
                running={"volledig_plan_van_aanpak": "2026-01-15", "wettelijk_moratorium": "2025-10-15"},
            ),
            S("ondersteuning_kinderen", "2024-11-01"),
            S("ondersteuning_ex_partners", "2024-11-02"),
            S("cws", "2024-12-02", current="cws"),
            S(
                "nazorg",
                "2025-03-03",
                current="nazorg",
                route=set(),
                running={"wettelijk_moratorium": "2025-10-15", "nazorgperiode": "2027-03-03"},
                closed=False,
                extra=[("2027-03-02", {"nazorgperiode": "2027-03-03"}, False), ("2027-03-03", {}, True)],
            ),
        ],
    ),
    # Track 1, Geen uitsluitsel, integrale beoordeling Niet gedupeerd: afronden with 30-day wind-down.
    "bo_geen_uitsluitsel_ib_niet_gedupeerd": (
        BO,
        BO_PRELUDE
        + [
            S("eerste_toets", "2024-03-04", "geen_uitsluitsel", result="geen_uitsluitsel"),
            S(
                "integrale_beoordeling",
                "2025-01-31",
                "niet_gedupeerd",
                current="integrale_beoordeling",
                result="niet_gedupeerd",
                route={("afronden_spuk", None), ("continueren_regulier", None)},
                running={"volledig_plan_van_aanpak": "2026-01-15", "afbouw_brede_ondersteuning": "2025-03-02"},
                closed=False,
            ),
            S(
                "afronden_spuk",
                "2025-02-20",
                current="afronden_spuk",
                result="niet_gedupeerd",
                route={("continueren_regulier", None)},
                running={},
                closed=True,
            ),
            S(
                "continueren_regulier",
                "2025-02-21",
                current="continueren_regulier",
                route=set(),
                running={},
                closed=True,
            ),
        ],
    ),
    # Track 1, eerste toets Niet gedupeerd.
    "bo_niet_gedupeerd": (
        BO,
        BO_PRELUDE
        + [
            S(
                "eerste_toets",
                "2024-03-04",
                "niet_gedupeerd",
                current="eerste_toets",
                result="niet_gedupeerd",
                route={("afronden_spuk", None), ("continueren_regulier", None)},
                running={"volledig_plan_van_aanpak": "2026-01-15", "afbouw_brede_ondersteuning": "2024-04-03"},
                closed=False,
            ),
            S(
                "continueren_regulier",
                "2024-03-20",
                current="continueren_regulier",
                route={("afronden_spuk", None)},
                closed=False,
            ),  # the wind-down still runs
            S("afronden_spuk", "2024-03-28", current="afronden_spuk", route=set(), running={}, closed=True),
        ],
    ),
    # Track 2, eerste toets Gedupeerd, integrale beoordeling waived.
    "sa_gedupeerd_zonder_ib": (
        SA,
        SA_PRELUDE
        + [
            S(
                "eerste_toets",
                "2023-06-01",
                "gedupeerd",
                current="eerste_toets",
                result="gedupeerd",
                route={
                    ("aanvang_moratorium", None),
                    ("kwijtschelden_betalen", None),
                    ("integrale_beoordeling", "gedupeerd"),
                },
                running={},
                closed=False,
            ),
            S("eerste_betaling", "2023-06-15", running={"wettelijk_moratorium": "2024-06-15"}),
            S(
                "aanvang_moratorium",
                "2023-06-15",
                current="aanvang_moratorium",
                running={"wettelijk_moratorium": "2024-06-15"},
            ),
            S(
                "kwijtschelden_betalen",
                "2023-09-01",
                current="kwijtschelden_betalen",
                route={("integrale_beoordeling", "gedupeerd")},
                running={"wettelijk_moratorium": "2024-06-15"},
                closed=False,
                extra=[("2024-06-14", {"wettelijk_moratorium": "2024-06-15"}, False), ("2024-06-15", {}, True)],
            ),
        ],
    ),
    # Track 2, eerste toets Gedupeerd, with integrale beoordeling.
    "sa_gedupeerd_met_ib": (
        SA,
        SA_PRELUDE
        + [
            S("eerste_toets", "2023-06-01", "gedupeerd", result="gedupeerd"),
            # the moratorium starts at the payment, not at the step "Aanvang wettelijk moratorium"
            S("aanvang_moratorium", "2023-06-20", running={}),
            S("eerste_betaling", "2023-06-20", running={"wettelijk_moratorium": "2024-06-20"}),
            S("kwijtschelden_betalen", "2023-09-01", closed=False),
            S(
                "integrale_beoordeling",
                "2023-12-01",
                "gedupeerd",
                current="integrale_beoordeling",
                result="gedupeerd",
                route=set(),
                running={"wettelijk_moratorium": "2024-06-20"},
                closed=False,
                extra=[("2024-06-20", {}, True)],
            ),
        ],
    ),
    # Track 2, Geen uitsluitsel, integrale beoordeling Gedupeerd; moratorium from a leap day.
    "sa_geen_uitsluitsel_ib_gedupeerd": (
        SA,
        SA_PRELUDE
        + [
            S(
                "eerste_toets",
                "2023-06-01",
                "geen_uitsluitsel",
                result="geen_uitsluitsel",
                route={("integrale_beoordeling", "gedupeerd"), ("integrale_beoordeling", "niet_gedupeerd")},
            ),
            S(
                "integrale_beoordeling",
                "2024-02-29",
                "gedupeerd",
                current="integrale_beoordeling",
                result="gedupeerd",
                route={("aanvang_moratorium", None), ("kwijtschelden_betalen", None)},
            ),
            S("eerste_betaling", "2024-02-29", running={"wettelijk_moratorium": "2025-02-28"}),
            S(
                "aanvang_moratorium",
                "2024-03-01",
                current="aanvang_moratorium",
                running={"wettelijk_moratorium": "2025-02-28"},
            ),
            S(
                "kwijtschelden_betalen",
                "2024-05-01",
                current="kwijtschelden_betalen",
                route=set(),
                closed=False,
                extra=[("2025-02-27", {"wettelijk_moratorium": "2025-02-28"}, False), ("2025-02-28", {}, True)],
            ),
        ],
    ),
    # Track 2, Geen uitsluitsel, integrale beoordeling Niet gedupeerd: einde pauzeknop.
    "sa_geen_uitsluitsel_ib_niet_gedupeerd": (
        SA,
        SA_PRELUDE
        + [
            S("eerste_toets", "2023-06-01", "geen_uitsluitsel"),
            S(
                "integrale_beoordeling",
                "2024-01-10",
                "niet_gedupeerd",
                result="niet_gedupeerd",
                route={("einde_pauzeknop", None)},
                running={},
                closed=False,
            ),
            S(
                "einde_pauzeknop",
                "2024-01-31",
                current="einde_pauzeknop",
                route={("opstarten_invordering", None)},
                running={"acclimatiseringsfase": "2024-02-28"},
                closed=False,
            ),
            S(
                "opstarten_invordering",
                "2024-02-28",
                current="opstarten_invordering",
                route=set(),
                running={},
                closed=True,
            ),
        ],
    ),
    # Track 2, eerste toets Niet gedupeerd: einde pauzeknop, opstarten invordering after 4 weeks.
    "sa_niet_gedupeerd": (
        SA,
        SA_PRELUDE
        + [
            S(
                "eerste_toets",
                "2023-06-01",
                "niet_gedupeerd",
                current="eerste_toets",
                result="niet_gedupeerd",
                route={("einde_pauzeknop", None)},
                running={},
                closed=False,
            ),
            S(
                "einde_pauzeknop",
                "2023-12-31",
                current="einde_pauzeknop",
                route={("opstarten_invordering", None)},
                running={"acclimatiseringsfase": "2024-01-28"},
                closed=False,
            ),
            S(
                "opstarten_invordering",
                "2024-01-29",
                current="opstarten_invordering",
                route=set(),
                running={},
                closed=True,
            ),
        ],
    ),
}


def route_next(view) -> set:
    return {(n.step, n.outcome) for n in view.next_steps if not n.milestone}


def running_map(view) -> dict:
    return {dl.rule: dl.due.isoformat() for dl in view.running}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_walk_every_path(rk, name):
    track, steps = PATHS[name]
    events: list[RecordedEvent] = []
    for i, s in enumerate(steps):
        new = RecordedEvent(s.step, d(s.when), s.outcome, id=i + 1)
        rk.check(track, events, new)  # must fit
        events.append(new)
        view = rk.evaluate(track, events, d(s.today or s.when))
        where = f"{name} na {s.step}"
        assert [x.event_id for x in view.done] == [e.id for e in sorted(events, key=lambda e: (e.fact_date, e.id))], (
            where
        )
        if s.current:
            assert view.current is not None and view.current.step == s.current, where
            assert view.current_title == rk.event_title(track, s.current, view.current.outcome), where
        if s.result is not False:
            assert view.outcome == s.result, where
        if s.route is not None:
            assert route_next(view) == s.route, where
        if s.running is not None:
            assert running_map(view) == s.running, where
        if s.closed is not None:
            assert view.closed is s.closed, where
        if view.running:
            assert view.next_deadline is view.running[0]
            assert [x.due for x in view.running] == sorted(x.due for x in view.running)
        for today, running, closed in s.extra:
            later = rk.evaluate(track, events, d(today))
            assert running_map(later) == running, f"{where} op {today}"
            assert later.closed is closed, f"{where} op {today}"


def test_issue_example_geen_uitsluitsel_niet_gedupeerd(rk):
    """Geen uitsluitsel → integrale beoordeling → Niet gedupeerd ends in Afronden and Mogelijk
    continueren, with the 30-day wind-down running (from a leap-year month end)."""
    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("eerste_toets", "2023-10-02", "geen_uitsluitsel"),
        ev("integrale_beoordeling", "2024-01-31", "niet_gedupeerd"),
    ]
    view = rk.evaluate(BO, events, d("2024-02-10"))
    titles = {n.title: n.branch for n in view.next_steps if not n.milestone}
    assert titles["Afronden brede ondersteuning op grond van SPUK"] == "Na integrale beoordeling: Niet gedupeerd"
    assert titles["Mogelijk continueren reguliere dienstverlening"] == "Na integrale beoordeling: Niet gedupeerd"
    (wind_down,) = [x for x in view.running if x.rule == "afbouw_brede_ondersteuning"]
    assert wind_down.start == d("2024-01-31")
    assert wind_down.due == d("2024-03-01")
    assert wind_down.days_left(d("2024-02-10")) == 20
    assert not wind_down.overdue(d("2024-03-01"))
    assert wind_down.overdue(d("2024-03-02"))
    assert view.overdue(d("2024-03-02")) == [wind_down]
    assert view.current_title == "Toekenning PZB en integrale beoordeling: Niet gedupeerd"
    assert not view.closed


def test_issue_example_opstarten_invordering_falls_due_after_4_weeks(rk):
    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("start_pauzeknop", "2023-02-01"),
        ev("eerste_toets", "2023-06-01", "niet_gedupeerd"),
        ev("einde_pauzeknop", "2024-02-05"),
    ]
    view = rk.evaluate(SA, events, d("2024-02-05"))
    (nxt,) = [n for n in view.next_steps if not n.milestone]
    assert (nxt.step, nxt.title, nxt.branch) == (
        "opstarten_invordering",
        "Opstarten invordering",
        "Na eerste toets: Niet gedupeerd",
    )
    assert nxt.earliest == d("2024-03-04")
    assert view.next_deadline.rule == "acclimatiseringsfase"
    assert view.next_deadline.due == d("2024-03-04")
    # a waiting period: never overdue; it ends by itself
    assert view.next_deadline.kind == "period"
    assert not view.next_deadline.overdue(d("2024-03-05"))
    assert rk.evaluate(SA, events, d("2024-03-05")).overdue(d("2024-03-05")) == []
    with pytest.raises(TransitionRefused) as exc:
        rk.check(SA, events, ev("opstarten_invordering", "2024-03-03"))
    assert str(exc.value) == (
        "Opstarten invordering kan pas vanaf 04-03-2024: de acclimatiseringsfase van 4 weken loopt dan af."
    )
    rk.check(SA, events, ev("opstarten_invordering", "2024-03-04"))


def test_branch_labels_follow_the_route(rk):
    # einde pauzeknop is reachable from two branches; its follow-up inherits the branch taken
    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("start_pauzeknop", "2023-02-01"),
        ev("eerste_toets", "2023-06-01", "geen_uitsluitsel"),
        ev("integrale_beoordeling", "2023-09-01", "niet_gedupeerd"),
        ev("einde_pauzeknop", "2023-09-10"),
    ]
    view = rk.evaluate(SA, events, d("2023-09-10"))
    (nxt,) = [n for n in view.next_steps if not n.milestone]
    assert nxt.branch == "Na integrale beoordeling: Niet gedupeerd"
    start = rk.evaluate(BO, [], d("2023-01-01"))
    assert {n.step: n.branch for n in start.next_steps}["aanvraag_herbeoordeling"] == "Aanmelding en start"
    assert {n.step: n.branch for n in start.next_steps}["aanmelding_gemeente"] == "Mijlpalen gemeente"


def test_optional_flags_per_branch(rk):
    base = [ev("aanvraag_herbeoordeling", "2023-01-02")]
    ged = rk.evaluate(BO, base + [ev("eerste_toets", "2023-03-01", "gedupeerd")], d("2023-03-01"))
    ib = [n for n in ged.next_steps if n.step == "integrale_beoordeling"]
    assert [(n.outcome, n.optional) for n in ib] == [("gedupeerd", True)]  # may be waived
    gu = rk.evaluate(BO, base + [ev("eerste_toets", "2023-03-01", "geen_uitsluitsel")], d("2023-03-01"))
    ib = [n for n in gu.next_steps if n.step == "integrale_beoordeling"]
    assert [(n.outcome, n.optional) for n in ib] == [("gedupeerd", False), ("niet_gedupeerd", False)]
    assert [n.title for n in ib] == [
        "Toekenning PZB en integrale beoordeling: Gedupeerd",
        "Toekenning PZB en integrale beoordeling: Niet gedupeerd",
    ]
    drie = [n for n in gu.next_steps if n.step == "driegesprek"]
    assert drie[0].anytime and drie[0].optional


def test_empty_case(rk):
    view = rk.evaluate(BO, [], d("2024-01-01"))
    assert view.current is None
    assert view.current_title == "Nog niet gestart"
    assert view.outcome is None
    assert view.done == [] and view.deadlines == [] and view.running == []
    assert view.next_deadline is None
    assert not view.closed
    assert route_next(view) == {("aanvraag_herbeoordeling", None)}
    # nothing before the registration: only the registration itself
    assert {n.step for n in view.next_steps if n.milestone} == {"aanmelding_gemeente"}


def test_zelfmelder_first_talk_8_weeks_from_31_december(rk):
    events = [ev("aanmelding_gemeente", "2023-12-31")]
    view = rk.evaluate(BO, events, d("2024-01-02"))
    assert running_map(view) == {
        "eerste_gesprek_voeren": "2024-02-25",
        "datum_eerste_gesprek_meedelen": "2024-02-25",
    }
    assert {"contact_ouder", "start_brede_ondersteuning"} <= {n.step for n in view.next_steps}
    assert view.running[0].days_left(d("2024-02-25")) == 0
    assert not view.running[0].overdue(d("2024-02-25"))
    assert view.running[0].overdue(d("2024-02-26"))
    # the earliest melding starts the termijn
    events.append(ev("ontvangst_gegevens", "2024-01-10"))
    with pytest.raises(TransitionRefused):  # no aanvraag at UHT recorded yet
        rk.check(BO, events[:1], events[1])
    view = rk.evaluate(BO, events, d("2024-01-10"))
    assert running_map(view)["eerste_gesprek_voeren"] == "2024-02-25"


def test_first_talk_communicated_rule_is_not_stopped_by_the_talk(rk):
    events = [
        ev("aanmelding_gemeente", "2024-01-31"),
        ev("eerste_gesprek", "2024-02-20"),
    ]
    view = rk.evaluate(BO, events, d("2024-04-01"))
    assert running_map(view) == {
        "datum_eerste_gesprek_meedelen": "2024-03-27",
        "plan_op_hoofdlijnen": "2024-04-16",
        "volledig_plan_van_aanpak": "2026-02-20",
    }
    assert [x.rule for x in view.overdue(d("2024-04-01"))] == ["datum_eerste_gesprek_meedelen"]
    stopped = [x for x in view.deadlines if x.rule == "eerste_gesprek_voeren"]
    assert stopped[0].stopped == d("2024-02-20")
    assert stopped[0].stopped_by == "Eerste gesprek gevoerd"
    assert not stopped[0].running


def test_afzien_closes_the_case(rk):
    events = [ev("aanmelding_gemeente", "2024-01-31"), ev("afzien_brede_ondersteuning", "2024-02-05")]
    view = rk.evaluate(BO, events, d("2024-02-05"))
    assert view.running == [] and view.closed
    assert view.current_title == "Persoon ziet af van brede ondersteuning"
    # the person comes back: a new talk starts termijnen again and re-opens the case
    events.append(ev("eerste_gesprek", "2024-06-03"))
    rk.check(BO, events[:2], events[2])
    view = rk.evaluate(BO, events, d("2024-06-03"))
    assert not view.closed
    assert running_map(view) == {"plan_op_hoofdlijnen": "2024-07-29", "volledig_plan_van_aanpak": "2026-06-03"}


def test_brede_hulpteam_each_request_has_its_own_7_days(rk):
    events = [ev("aanmelding_gemeente", "2024-12-01"), ev("brede_hulpteam_verzoek", "2024-12-28")]
    with pytest.raises(TransitionRefused, match="Antwoord Brede Hulpteam"):
        rk.check(BO, events[:1], ev("brede_hulpteam_antwoord", "2024-12-28"))
    rk.check(BO, events, ev("brede_hulpteam_verzoek", "2025-01-02"))  # repeatable
    events.append(ev("brede_hulpteam_verzoek", "2025-01-02"))
    view = rk.evaluate(BO, events, d("2025-01-03"))
    assert [(x.start.isoformat(), x.due.isoformat()) for x in view.running if x.waiting_on] == [
        ("2024-12-28", "2025-01-04"),
        ("2025-01-02", "2025-01-09"),
    ]
    assert "brede_hulpteam_antwoord" in {n.step for n in view.next_steps}
    for when in ("2025-01-06", "2025-01-07"):
        rk.check(BO, events, ev("brede_hulpteam_antwoord", when))
        events.append(ev("brede_hulpteam_antwoord", when))
    view = rk.evaluate(BO, events, d("2025-01-08"))
    assert view.waiting == []
    first, second = [x for x in view.deadlines if x.rule == "antwoord_brede_hulpteam"]
    assert first.stopped == d("2025-01-06") and first.due < first.stopped  # answered late
    assert second.stopped == d("2025-01-07")
    assert "brede_hulpteam_antwoord" not in {n.step for n in view.next_steps}
    with pytest.raises(TransitionRefused, match="Vraag gesteld aan het Brede Hulpteam"):
        rk.check(BO, events, ev("brede_hulpteam_antwoord", "2025-01-09"))
    # the Brede Hulpteam does not move the position of the case
    assert view.current.step == "aanmelding_gemeente"


def test_earlier_payment_recorded_later_moves_the_moratorium(rk):
    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("start_pauzeknop", "2023-02-01"),
        ev("eerste_toets", "2023-06-01", "gedupeerd"),
        ev("aanvang_moratorium", "2023-06-20"),
    ]
    assert running_map(rk.evaluate(SA, events, d("2023-07-01"))) == {}  # no payment yet
    rk.check(SA, events, ev("eerste_betaling", "2023-06-10"))
    events.append(ev("eerste_betaling", "2023-06-10"))
    assert running_map(rk.evaluate(SA, events, d("2023-07-01"))) == {"wettelijk_moratorium": "2024-06-10"}
    elapsed = rk.evaluate(SA, events, d("2024-06-10")).deadlines[0]
    assert elapsed.elapsed and elapsed.stopped == d("2024-06-10") and not elapsed.running


def test_done_is_ordered_by_fact_date_then_record_order(rk):
    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02", id=10),
        ev("aanmelding_gemeente", "2023-05-01", id=11),
        ev("eerste_toets", "2023-03-01", "gedupeerd", id=12),  # UHT's fact, recorded later
        ev("eerste_gesprek", "2023-05-01", id=13),
    ]
    view = rk.evaluate(BO, events, d("2023-05-02"))
    assert [x.event_id for x in view.done] == [10, 12, 11, 13]
    assert view.current.step == "eerste_gesprek"
    assert view.done[1].outcome_title == "Gedupeerd"
    assert view.done[1].title == "Eerste toets"
    assert view.done[2].milestone and not view.done[1].milestone


# ------------------------------------------------------------------------------------------
# Refusals
# ------------------------------------------------------------------------------------------

BO_BASE = [ev("aanvraag_herbeoordeling", "2023-01-02")]


def refused(rk, track, events, new) -> str:
    with pytest.raises(TransitionRefused) as exc:
        rk.check(track, events, new)
    return str(exc.value)


@pytest.mark.parametrize(
    "track, events, new, message",
    [
        # an outcome of the integrale beoordeling before the eerste toets
        (
            BO,
            BO_BASE,
            ev("integrale_beoordeling", "2023-03-01", "gedupeerd"),
            "Toekenning PZB en integrale beoordeling kan pas na eerste toets: Gedupeerd of na eerste toets: "
            "Geen uitsluitsel.",
        ),
        (
            SA,
            [ev("aanvraag_herbeoordeling", "2023-01-02"), ev("start_pauzeknop", "2023-01-05")],
            ev("integrale_beoordeling", "2023-03-01", "niet_gedupeerd"),
            "Toekenning PZB en integrale beoordeling kan pas na eerste toets: Gedupeerd of na eerste toets: "
            "Geen uitsluitsel.",
        ),
        # nazorg before any plan
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("nazorg", "2023-04-01"),
            "Nazorg kan pas na Plan van aanpak op hoofdlijnen afgesproken of Volledig plan van aanpak afgesproken.",
        ),
        # a second, different eerste-toets outcome
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("eerste_toets", "2023-04-01", "niet_gedupeerd"),
            "Eerste toets heeft al de uitkomst Gedupeerd (vastgelegd op 01-03-2023). Een andere uitkomst kan "
            "alleen als correctie, met een reden.",
        ),
        # the same thing twice
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("eerste_toets", "2023-04-01", "gedupeerd"),
            "Eerste toets: Gedupeerd is al vastgelegd op 01-03-2023.",
        ),
        (
            BO,
            BO_BASE,
            ev("aanvraag_herbeoordeling", "2023-02-01"),
            "Aanvraag herbeoordeling kinderopvangtoeslag bij UHT is al vastgelegd op 02-01-2023. Een wijziging "
            "kan alleen als correctie, met een reden.",
        ),
        # integrale beoordeling after eerste toets Niet gedupeerd
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "niet_gedupeerd")],
            ev("integrale_beoordeling", "2023-04-01", "gedupeerd"),
            "Toekenning PZB en integrale beoordeling hoort niet bij de gekozen route (Eerste toets: Niet "
            "gedupeerd). Deze stap volgt alleen na eerste toets: Gedupeerd of na eerste toets: Geen uitsluitsel.",
        ),
        # steps of a branch that was not taken
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("afronden_spuk", "2023-04-01"),
            "Afronden brede ondersteuning op grond van SPUK hoort niet bij de gekozen route (Eerste toets: "
            "Gedupeerd). Deze stap volgt alleen na eerste toets: Niet gedupeerd of na integrale beoordeling: "
            "Niet gedupeerd.",
        ),
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "niet_gedupeerd")],
            ev("ondersteuning_kinderen", "2023-04-01"),
            "Ondersteuning aan kinderen kan alleen vóór Eerste toets: Niet gedupeerd (01-03-2023). Kies een datum "
            "vóór 01-03-2023, of corrigeer Eerste toets: Niet gedupeerd met een reden.",
        ),
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "niet_gedupeerd")],
            ev("driegesprek", "2023-04-01"),
            "Driegesprek kan alleen vóór Eerste toets: Niet gedupeerd (01-03-2023). Kies een datum vóór "
            "01-03-2023, of corrigeer Eerste toets: Niet gedupeerd met een reden.",
        ),
        (
            SA,
            [
                ev("aanvraag_herbeoordeling", "2023-01-02"),
                ev("start_pauzeknop", "2023-01-05"),
                ev("eerste_toets", "2023-03-01", "gedupeerd"),
            ],
            ev("einde_pauzeknop", "2023-04-01"),
            "Einde publieke pauzeknop – invorderaar ontvangt gegevens hoort niet bij de gekozen route (Eerste "
            "toets: Gedupeerd). Deze stap volgt alleen na eerste toets: Niet gedupeerd of na integrale "
            "beoordeling: Niet gedupeerd.",
        ),
        (
            SA,
            [
                ev("aanvraag_herbeoordeling", "2023-01-02"),
                ev("start_pauzeknop", "2023-01-05"),
                ev("eerste_toets", "2023-03-01", "geen_uitsluitsel"),
                ev("integrale_beoordeling", "2023-06-01", "niet_gedupeerd"),
            ],
            ev("kwijtschelden_betalen", "2023-07-01"),
            "Kwijtschelden en betalen van schulden hoort niet bij de gekozen route (Toekenning PZB en "
            "integrale beoordeling: Niet gedupeerd). Deze stap volgt alleen na eerste toets: Gedupeerd of na "
            "integrale beoordeling: Gedupeerd.",
        ),
        # after Gedupeerd the integrale beoordeling has no other outcome in the routekaart
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("integrale_beoordeling", "2023-04-01", "niet_gedupeerd"),
            "Na eerste toets: Gedupeerd kan Toekenning PZB en integrale beoordeling alleen de uitkomst "
            "Gedupeerd hebben.",
        ),
        # CWS needs a finished integrale beoordeling
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")],
            ev("cws", "2023-04-01"),
            "Commissie Werkelijke Schade (CWS) kan pas na Toekenning PZB en integrale beoordeling.",
        ),
        # milestones in order
        (
            BO,
            [ev("aanmelding_gemeente", "2023-01-02")],
            ev("plan_hoofdlijnen", "2023-02-01"),
            "Plan van aanpak op hoofdlijnen afgesproken kan pas na Eerste gesprek gevoerd.",
        ),
        (
            BO,
            [ev("aanmelding_gemeente", "2023-01-02")],
            ev("plan_volledig", "2023-02-01"),
            "Volledig plan van aanpak afgesproken kan pas na Eerste gesprek gevoerd.",
        ),
        (
            BO,
            [],
            ev("eerste_gesprek", "2023-02-01"),
            "Eerste gesprek gevoerd kan pas na Aanmelding bij de gemeente (zelfmelding), Ontvangst gegevens "
            "ouder (als de ouder dit wenst) of Herstart brede ondersteuning.",
        ),
        (
            BO,
            BO_BASE,
            ev("eerste_betaling", "2023-02-01"),
            "Eerste compensatie uitbetaald kan pas na Eerste toets: Gedupeerd of Toekenning PZB en integrale "
            "beoordeling: Gedupeerd.",
        ),
        (
            BO,
            [],
            ev("eerste_toets", "2023-02-01", "gedupeerd"),
            "Eerste toets kan pas na Aanvraag herbeoordeling kinderopvangtoeslag bij UHT.",
        ),
        # dates
        (
            BO,
            BO_BASE + [ev("eerste_toets", "2023-03-01", "geen_uitsluitsel")],
            ev("integrale_beoordeling", "2023-02-28", "gedupeerd"),
            "De datum 28-02-2023 ligt vóór Eerste toets: Geen uitsluitsel (01-03-2023). Kies een latere datum, "
            "of leg een correctie vast met een reden.",
        ),
        (
            BO,
            [ev("aanmelding_gemeente", "2023-01-02"), ev("eerste_gesprek", "2023-01-10")],
            ev("plan_hoofdlijnen", "2023-01-09"),
            "De datum 09-01-2023 ligt vóór Eerste gesprek gevoerd (10-01-2023). Kies een latere datum, of leg "
            "een correctie vast met een reden.",
        ),
        # data checks
        (
            BO,
            BO_BASE,
            ev("eerste_toets", "2023-02-01"),
            "Kies een uitkomst voor Eerste toets: Gedupeerd, Geen uitsluitsel of Niet gedupeerd.",
        ),
        (
            BO,
            BO_BASE,
            ev("eerste_toets", "2023-02-01", "misschien"),
            "'misschien' is geen uitkomst van Eerste toets. Kies uit: Gedupeerd, Geen uitsluitsel of Niet gedupeerd.",
        ),
        (
            BO,
            BO_BASE,
            ev("ontvangst_gegevens", "2023-02-01", "gedupeerd"),
            "Ontvangst gegevens ouder (als de ouder dit wenst) heeft geen uitkomst.",
        ),
        (SA, [], ev("nazorg", "2023-02-01"), "'nazorg' is geen stap of mijlpaal van Brede schuldenaanpak."),
        (
            SA,
            [],
            ev("aanmelding_gemeente", "2023-02-01"),
            "'aanmelding_gemeente' is geen stap of mijlpaal van Brede schuldenaanpak.",
        ),
    ],
)
def test_refusals(rk, track, events, new, message):
    assert refused(rk, track, events, new) == message


def test_repeatable_steps_may_be_recorded_again(rk):
    events = BO_BASE + [ev("eerste_toets", "2023-03-01", "geen_uitsluitsel"), ev("driegesprek", "2023-04-01")]
    rk.check(BO, events, ev("driegesprek", "2023-05-01"))
    rk.check(
        BO,
        [ev("aanmelding_gemeente", "2023-01-02"), ev("datum_eerste_gesprek_gecommuniceerd", "2023-01-03")],
        ev("datum_eerste_gesprek_gecommuniceerd", "2023-01-20"),
    )


def test_eerste_toets_does_not_wait_for_the_municipality(rk):
    # UHT's eerste toets runs independently of the municipality's plan work
    rk.check(BO, BO_BASE, ev("eerste_toets", "2023-02-01", "gedupeerd"))
    rk.check(BO, BO_BASE + [ev("eerste_toets", "2023-02-01", "gedupeerd")], ev("ondersteuning_kinderen", "2023-02-02"))


# ------------------------------------------------------------------------------------------
# Corrections
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_correction_needs_a_reason(rk, reason):
    new = ev("eerste_toets", "2023-04-01", "niet_gedupeerd", correction=True, reason=reason)
    assert refused(rk, BO, BO_BASE + [ev("eerste_toets", "2023-03-01", "gedupeerd")], new) == (
        "Geef een reden voor de correctie."
    )
    # even when it would fit without being a correction
    assert (
        refused(rk, BO, BO_BASE, ev("eerste_toets", "2023-04-01", "gedupeerd", correction=True, reason=reason))
        == "Geef een reden voor de correctie."
    )


def test_correction_must_still_name_a_known_step_and_outcome(rk):
    assert "geen stap of mijlpaal" in refused(
        rk, BO, BO_BASE, ev("bestaat_niet", "2023-04-01", correction=True, reason="typfout")
    )
    assert "Kies een uitkomst" in refused(
        rk, BO, BO_BASE, ev("eerste_toets", "2023-04-01", correction=True, reason="typfout")
    )


def test_corrected_eerste_toets_supersedes_and_history_keeps_both(rk):
    events = BO_BASE + [
        ev("eerste_toets", "2023-03-01", "gedupeerd", id=2),
        ev("ondersteuning_kinderen", "2023-03-10", id=3),
    ]
    new = ev(
        "eerste_toets", "2023-03-01", "niet_gedupeerd", correction=True, reason="Beschikking verkeerd overgenomen", id=4
    )
    rk.check(BO, events, new)  # accepted
    events.append(new)
    view = rk.evaluate(BO, events, d("2023-03-15"))
    by_id = {x.event_id: x for x in view.done}
    assert by_id[2].superseded and by_id[2].outcome == "gedupeerd"
    assert not by_id[4].superseded and by_id[4].correction
    assert by_id[4].reason == "Beschikking verkeerd overgenomen"
    assert by_id[3].off_route and not by_id[3].superseded  # kinderen no longer fits the route
    assert view.outcome == "niet_gedupeerd"
    assert view.current.event_id == 4
    assert view.current_title == "Eerste toets: Niet gedupeerd"
    assert route_next(view) == {("ontvangst_gegevens", None), ("afronden_spuk", None), ("continueren_regulier", None)}
    assert running_map(view) == {"afbouw_brede_ondersteuning": "2023-03-31"}
    # the route now follows the corrected outcome
    rk.check(BO, events, ev("afronden_spuk", "2023-03-20"))
    assert "hoort niet bij de gekozen route" in refused(rk, BO, events, ev("nazorg", "2023-03-20"))


def test_correcting_a_negative_integrale_beoordeling_removes_the_wind_down(rk):
    events = BO_BASE + [
        ev("eerste_toets", "2023-03-01", "geen_uitsluitsel"),
        ev("integrale_beoordeling", "2023-09-01", "niet_gedupeerd"),
        ev("afronden_spuk", "2023-09-20"),
    ]
    view = rk.evaluate(BO, events, d("2023-09-20"))
    assert view.closed and view.outcome == "niet_gedupeerd"
    fix = ev("integrale_beoordeling", "2023-09-01", "gedupeerd", correction=True, reason="bezwaar toegewezen")
    rk.check(BO, events, fix)
    events.append(fix)
    view = rk.evaluate(BO, events, d("2023-09-25"))
    assert view.outcome == "gedupeerd"
    assert "afbouw_brede_ondersteuning" not in {x.rule for x in view.deadlines}
    afronden = [x for x in view.done if x.step == "afronden_spuk"][0]
    assert afronden.off_route
    assert not view.closed  # an off-route end step does not close the case
    assert view.current.step == "integrale_beoordeling"
    assert ("cws", None) in route_next(view)


def test_correction_bypasses_order_rules(rk):
    # an integrale beoordeling recorded before any eerste toets, as a correction
    new = ev(
        "integrale_beoordeling",
        "2023-02-01",
        "niet_gedupeerd",
        correction=True,
        reason="eerste toets staat in het oude systeem",
    )
    rk.check(BO, BO_BASE, new)
    view = rk.evaluate(BO, BO_BASE + [new], d("2023-02-01"))
    assert view.outcome == "niet_gedupeerd"
    assert [x.superseded for x in view.done] == [False, False]
    assert view.done[1].off_route  # it has no route to it


def test_correction_of_a_repeatable_step_supersedes_only_the_latest(rk):
    events = BO_BASE + [
        ev("eerste_toets", "2023-03-01", "geen_uitsluitsel", id=2),
        ev("driegesprek", "2023-04-01", id=3),
        ev("driegesprek", "2023-05-01", id=4),
        ev("driegesprek", "2023-05-02", correction=True, reason="datum verkeerd", id=5),
    ]
    view = rk.evaluate(BO, events, d("2023-06-01"))
    sup = {x.event_id: x.superseded for x in view.done}
    assert sup == {None: False, 2: False, 3: False, 4: True, 5: False}


# ------------------------------------------------------------------------------------------
# Random walks over next_steps reach every step and outcome
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("track", TRACKS)
def test_random_walks_reach_every_step_and_outcome(rk, track):
    wanted = set()
    for s in rk.tracks[track].nodes:
        if s.outcomes:
            wanted |= {(s.id, o) for o in s.outcomes}
        else:
            wanted.add((s.id, None))
    reached = set()
    closed_walks = 0
    rnd = random.Random(7)
    for _ in range(300):
        events: list[RecordedEvent] = []
        today = date(2023, 1, 2)
        for _ in range(40):
            view = rk.evaluate(track, events, today)
            if view.closed:
                closed_walks += 1
                break
            if not view.next_steps:
                break
            choice = rnd.choice(view.next_steps)
            when = max(today, choice.earliest or today)
            if choice.latest is not None and when > choice.latest:
                continue  # e.g. a registration with UHT after 1 January 2024
            new = RecordedEvent(choice.step, when, choice.outcome, id=len(events) + 1)
            rk.check(track, events, new)  # every offered next step must fit
            events.append(new)
            reached.add((choice.step, choice.outcome))
            today = when + timedelta(days=rnd.randrange(0, 30))
    assert reached == wanted
    assert closed_walks > 0


def test_next_steps_never_offer_a_refused_event(rk):
    # the inverse: everything not offered (and not repeatable-done) is refused
    events = BO_BASE + [ev("eerste_toets", "2023-03-01", "niet_gedupeerd")]
    view = rk.evaluate(BO, events, d("2023-03-02"))
    offered = {(n.step, n.outcome) for n in view.next_steps}
    for s in rk.tracks[BO].nodes:
        for o in list(s.outcomes) or [None]:
            new = RecordedEvent(s.id, d("2023-03-05"), o)
            try:
                rk.check(BO, events, new)
                ok = True
            except TransitionRefused:
                ok = False
            assert ok == ((s.id, o) in offered), (s.id, o)


# ------------------------------------------------------------------------------------------
# Malformed files
# ------------------------------------------------------------------------------------------


def variant(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = DEFAULT.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    text = text.replace(old, new, count)
    p = tmp_path / "routekaart.toml"
    p.write_text(text, encoding="utf-8")
    return p


def load_error(path: Path) -> str:
    with pytest.raises(RoutekaartError) as exc:
        load_routekaart(path)
    return str(exc.value)


def test_unknown_step_in_a_branch(tmp_path):
    p = variant(tmp_path, 'next = ["afronden_spuk", "continueren_regulier"]', 'next = ["afronden_spuk", "foo"]')
    msg = load_error(p)
    assert msg == (
        f"{p}: stap 'eerste_toets' in spoor 'brede_ondersteuning': uitkomst 'niet_gedupeerd': "
        "onbekende vervolgstap 'foo'"
    )


def test_unknown_next_step(tmp_path):
    p = variant(tmp_path, 'next = ["contact_ouder", "ondersteuning_kinderen"]', 'next = ["foo"]')
    assert load_error(p) == (
        f"{p}: stap 'ontvangst_gegevens' in spoor 'brede_ondersteuning': onbekende vervolgstap 'foo'"
    )


def test_cycle(tmp_path):
    p = variant(
        tmp_path,
        'not_before = ["acclimatiseringsfase"]',
        'not_before = ["acclimatiseringsfase"]\nnext = ["start_pauzeknop"]',
    )
    msg = load_error(p)
    assert msg.startswith(f"{p}: stap 'start_pauzeknop' in spoor 'schuldenaanpak': kringloop in de vervolgstappen: ")
    assert "start_pauzeknop → eerste_toets" in msg and "opstarten_invordering → start_pauzeknop" in msg


def test_cycle_through_requires(tmp_path):
    p = variant(
        tmp_path,
        'requires_any = ["aanmelding_gemeente", "ontvangst_gegevens", "herstart_brede_ondersteuning"]\ncycle = true\n\n'
        '[[milestones]]\nid = "plan_hoofdlijnen"',
        'requires_any = ["plan_hoofdlijnen"]\n\n[[milestones]]\nid = "plan_hoofdlijnen"',
    )
    msg = load_error(p)
    assert "kringloop in de vervolgstappen" in msg
    assert "eerste_gesprek → plan_hoofdlijnen → eerste_gesprek" in msg


def test_missing_title(tmp_path):
    p = variant(tmp_path, 'title = "Contact opnemen met de ouder"\n', "")
    assert load_error(p) == f"{p}: stap 'contact_ouder' in spoor 'brede_ondersteuning': titel ontbreekt"


def test_empty_title(tmp_path):
    p = variant(tmp_path, 'title = "Nazorg"\nexplanation', 'title = "  "\nexplanation')
    assert load_error(p) == f"{p}: stap 'nazorg' in spoor 'brede_ondersteuning': veld 'title': mag niet leeg zijn"


def test_period_that_does_not_parse(tmp_path):
    p = variant(tmp_path, 'period = "4 weken"', 'period = "vier weken"')
    msg = load_error(p)
    assert msg.startswith(f"{p}: termijn 'acclimatiseringsfase': veld 'period': ongeldige periode 'vier weken'")


def test_bad_actor(tmp_path):
    p = variant(tmp_path, 'actors = ["cws", "ouder"]', 'actors = ["cws", "rechter"]')
    assert load_error(p) == (
        f"{p}: stap 'cws' in spoor 'brede_ondersteuning': onbekende actor 'rechter' "
        "(toegestaan: uht, gemeente, invorderaar, ouder, cws)"
    )


def test_unknown_contact(tmp_path):
    p = variant(
        tmp_path,
        'contacts = ["gegevensuitwisseling"]\nnext = ["eerste_toets"]',
        'contacts = ["helpdesk"]\nnext = ["eerste_toets"]',
    )
    assert load_error(p) == f"{p}: stap 'start_pauzeknop' in spoor 'schuldenaanpak': onbekend contact 'helpdesk'"


def test_duplicate_step_id(tmp_path):
    p = variant(tmp_path, 'id = "continueren_regulier"', 'id = "afronden_spuk"')
    msg = load_error(p)
    assert f"{p}: stap 'afronden_spuk' in spoor 'brede_ondersteuning': dubbele id" in msg.splitlines()


def test_unknown_field(tmp_path):
    p = variant(tmp_path, 'id = "nazorg"\n', 'id = "nazorg"\nduur = "24 maanden"\n')
    assert load_error(p) == f"{p}: stap 'nazorg' in spoor 'brede_ondersteuning': onbekend veld 'duur'"


def test_unknown_spuk_component(tmp_path):
    p = variant(tmp_path, 'spuk_component = "C"\nrequires_any', 'spuk_component = "E"\nrequires_any')
    assert load_error(p) == (
        f"{p}: stap 'nazorg' in spoor 'brede_ondersteuning': onbekende SPUK-component 'E' (bekend: A, B, C)"
    )


def test_unknown_event_in_a_rule(tmp_path):
    p = variant(tmp_path, 'stop = ["opstarten_invordering"]', 'stop = ["opstart_invordering"]')
    assert load_error(p) == (
        f"{p}: termijn 'acclimatiseringsfase': onbekende gebeurtenis 'opstart_invordering' in 'stop'"
    )


def test_unknown_outcome_in_a_reference(tmp_path):
    p = variant(tmp_path, '"eerste_toets:niet_gedupeerd"]', '"eerste_toets:nee"]')
    assert load_error(p) == (
        f"{p}: termijn 'afbouw_brede_ondersteuning': onbekende gebeurtenis 'eerste_toets:nee' in 'start'"
    )


def test_unknown_requirement(tmp_path):
    p = variant(tmp_path, 'requires = ["integrale_beoordeling"]', 'requires = ["integrale_toets"]')
    assert load_error(p) == (
        f"{p}: stap 'cws' in spoor 'brede_ondersteuning': onbekende stap 'integrale_toets' in 'requires'"
    )


def test_unknown_rule_in_not_before(tmp_path):
    p = variant(tmp_path, 'not_before = ["acclimatiseringsfase"]', 'not_before = ["acclimatisatie"]')
    assert load_error(p) == (
        f"{p}: stap 'opstarten_invordering' in spoor 'schuldenaanpak': onbekende termijn 'acclimatisatie' "
        "in 'not_before'"
    )


def test_unknown_track_of_a_milestone(tmp_path):
    p = variant(
        tmp_path,
        'tracks = ["brede_ondersteuning"]\nactors = ["ouder", "gemeente"]',
        'tracks = ["jeugdzorg"]\nactors = ["ouder", "gemeente"]',
    )
    assert load_error(p) == (
        f"{p}: mijlpaal 'aanmelding_gemeente': onbekend spoor 'jeugdzorg' "
        "(toegestaan: brede_ondersteuning, schuldenaanpak)"
    )


def test_missing_track(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8")
    cut = text.index("# Track 2: brede schuldenaanpak")
    end = text.index("# Milestones: facts")
    p = tmp_path / "routekaart.toml"
    p.write_text(text[:cut] + text[end:], encoding="utf-8")
    msg = load_error(p)
    assert f"{p}: spoor 'schuldenaanpak' ontbreekt" in msg.splitlines()


def test_toml_syntax_error(tmp_path):
    p = variant(tmp_path, 'title = "Nazorg"', 'title = "Nazorg')
    msg = load_error(p)
    assert msg.startswith(f"{p}: geen geldige TOML op regel ")


def test_missing_file(tmp_path):
    p = tmp_path / "weg.toml"
    assert load_error(p) == f"{p}: bestand niet gevonden"


def test_several_faults_are_all_reported(tmp_path):
    p = variant(
        tmp_path,
        'contacts = ["gegevensuitwisseling"]\nnext = ["contact_ouder", "ondersteuning_kinderen"]',
        'contacts = ["x"]\nnext = ["y"]',
    )
    with pytest.raises(RoutekaartError) as exc:
        load_routekaart(p)
    assert exc.value.errors == [
        "stap 'ontvangst_gegevens' in spoor 'brede_ondersteuning': onbekend contact 'x'",
        "stap 'ontvangst_gegevens' in spoor 'brede_ondersteuning': onbekende vervolgstap 'y'",
    ]
    assert exc.value.path == p


# ------------------------------------------------------------------------------------------
# Changing the data changes what the app shows, without code changes
# ------------------------------------------------------------------------------------------


def test_changing_titles_and_periods_in_the_file(tmp_path, rk):
    p = tmp_path / "routekaart.toml"
    shutil.copy(DEFAULT, p)
    text = p.read_text(encoding="utf-8")
    text = text.replace('title = "Opstarten invordering"', 'title = "Invordering hervatten"', 1)
    text = text.replace('period = "4 weken"', 'period = "6 weken"', 1)
    text = text.replace('period = "1 jaar"', 'period = "18 maanden"', 1)
    text = text.replace(
        'title = "Niet gedupeerd"\nbranch = "Na eerste toets: Niet gedupeerd"',
        'title = "Geen gedupeerde"\nbranch = "Na eerste toets: Geen gedupeerde"',
    )
    p.write_text(text, encoding="utf-8")
    changed = load_routekaart(p)

    events = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("start_pauzeknop", "2023-02-01"),
        ev("eerste_toets", "2023-06-01", "niet_gedupeerd"),
        ev("einde_pauzeknop", "2024-02-05"),
    ]
    before = rk.evaluate(SA, events, d("2024-02-05"))
    after = changed.evaluate(SA, events, d("2024-02-05"))
    assert [n.title for n in before.next_steps if not n.milestone] == ["Opstarten invordering"]
    assert [n.title for n in after.next_steps if not n.milestone] == ["Invordering hervatten"]
    assert [n.branch for n in after.next_steps if not n.milestone] == ["Na eerste toets: Geen gedupeerde"]
    assert before.next_deadline.due == d("2024-03-04")
    assert after.next_deadline.due == d("2024-03-18")
    assert changed.event_title(SA, "eerste_toets", "niet_gedupeerd") == "Eerste toets: Geen gedupeerde"
    # the moratorium period (shared by both tracks) changed as well
    pay = [
        ev("aanvraag_herbeoordeling", "2023-01-02"),
        ev("eerste_toets", "2023-06-01", "gedupeerd"),
        ev("eerste_betaling", "2024-02-29"),
    ]
    assert running_map(rk.evaluate(BO, pay, d("2024-03-01"))) == {"wettelijk_moratorium": "2025-02-28"}
    assert running_map(changed.evaluate(BO, pay, d("2024-03-01"))) == {"wettelijk_moratorium": "2025-08-29"}
    with pytest.raises(TransitionRefused, match="kan pas vanaf 18-03-2024"):
        changed.check(SA, events, ev("opstarten_invordering", "2024-03-04"))


def test_unknown_step_in_the_history_is_shown_but_ignored(rk):
    # e.g. a step that was removed from the file after it was recorded
    events = BO_BASE + [ev("oude_stap", "2023-02-01", id=7)]
    view = rk.evaluate(BO, events, d("2023-02-02"))
    assert [x.step for x in view.done] == ["aanvraag_herbeoordeling", "oude_stap"]
    assert view.done[1].title == "oude_stap" and view.done[1].off_route
    assert view.current.step == "aanvraag_herbeoordeling"
    rk.check(BO, events, ev("ontvangst_gegevens", "2023-02-03"))
