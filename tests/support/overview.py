"""The hand-computed fixture of the overview: 33 cases built one by one, with fixed dates.

Peildatum TODAY = 01-06-2026. Eight weeks = 56 days. Per case: the events (in record order),
then what each figure should say, worked out by hand (the expected totals are literals in
test_overview.py). EGV = rule eerste_gesprek_voeren, DM = datum_eerste_gesprek_meedelen,
PH = plan_op_hoofdlijnen. Every step that can be current appears as the current step of at least
one case, every outcome as the decisive outcome, every deadline state for each of the three rules.

Brede ondersteuning (23 cases)
  B1  (a.jansen) no events. Not started, open.
  B2  (a.jansen) aanvraag 05-01-26. Urgent: terminale ziekte. Open.
  B3  (a.jansen) aanvraag 01-12-25, ontvangst 05-01-26. EGV/DM due 02-03, running: verlopen. Overdue.
  B4  (b.bakker) aanvraag 01-04, ontvangst 06-04, contact 25-04. EGV/DM due 01-06 = peildatum: lopend.
  B5  (b.bakker) aanvraag 01-12-25, ontvangst 05-01, datum 10-01, eerste gesprek 20-01, contact 25-01,
      start BO 01-02 (current). EGV/DM gehaald; PH due 17-03 running: verlopen. Overdue.
  B6  (b.bakker) aanvraag 01-02, eerste toets geen uitsluitsel 01-03. Casuïstiekoverleg. Open.
  B7  (tester)   aanvraag 01-10-25, eerste toets gedupeerd 01-11-25, kinderen 01-12-25. Closed by hand.
  B8  (tester)   aanvraag 01-10-25, eerste toets gedupeerd 01-11-25, driegesprek 15-11-25,
      ex-partners 01-12-25, Brede Hulpteam vraag 28-05-26 (due 04-06: not overdue).
      Urgent: executoriale verkoop + casuïstiekoverleg.
  B9  (a.jansen) aanvraag 01-09-25, eerste toets geen uitsluitsel 01-10-25, integrale gedupeerd
      01-12-25, Brede Hulpteam vraag 02-03-26 and answer 05-03-26. Outcome gedupeerd.
  B10 (a.jansen) aanvraag, eerste toets gedupeerd, integrale gedupeerd, CWS 01-12-25.
  B11 (b.bakker) aanvraag 06-01-25, ontvangst 03-02-25, datum 10-02-25, eerste gesprek 17-02-25,
      plan hoofdlijnen 03-03-25, eerste toets gedupeerd 01-04-25, nazorg 02-03-26. EGV/DM/PH gehaald;
      nazorg runs: open, in nazorg.
  B12 (a.jansen) aanvraag 02-06-25, ontvangst 07-07-25 (EGV/DM due 01-09-25), eerste toets geen
      uitsluitsel 20-07-25, integrale niet gedupeerd 04-08-25, afronden 15-09-25. EGV/DM te laat;
      afbouw stopped. Closed.
  B13 (b.bakker) aanvraag 02-06-25, eerste toets niet gedupeerd 01-07-25, continueren 15-07-25.
      Afbouw due 31-07-25 running: in afbouw, verlopen. Open, overdue.
  B14 (tester)   aanmelding 11-05-26. EGV/DM due 06-07: lopend.
  B15 (tester)   aanmelding 05-01, datum 09-03. EGV running: verlopen; DM te laat. Overdue.
  B16 (a.jansen) aanmelding 05-01, eerste gesprek 16-03. EGV te laat; DM running: verlopen;
      PH due 11-05 running: verlopen. Overdue.
  B17 (b.bakker) aanmelding 05-01, datum 12-01, eerste gesprek 02-02, plan hoofdlijnen 06-04.
      EGV/DM gehaald; PH due 30-03: te laat.
  B18 (tester)   aanmelding 02-03, datum 09-03, eerste gesprek 23-03, plan volledig 18-05.
      EGV/DM gehaald; PH due 18-05, stopped on the due date by the full plan: gehaald.
  B19 (a.jansen) aanmelding 02-02, afzien 16-02. EGV/DM vervallen. Closed (urgent onomkeerbaar: not counted).
  B20 (tester)   aanvraag 01-05-25, eerste toets gedupeerd 02-06-25, eerste betaling 01-07-25,
      brief verzonden 20-05-26. Moratorium runs.
  B21 (a.jansen) aanmelding 06-04, datum 13-04, eerste gesprek 11-05. EGV/DM gehaald; PH due 06-07: lopend.
  B22 (b.bakker) aanmelding 03-11-25, eerste gesprek 24-11-25, afzien 08-12-25. EGV gehaald; DM and
      PH vervallen. Closed.
  B23 (tester)   aanvraag 01-04, eerste toets niet gedupeerd 18-05. Afbouw due 17-06: in afbouw, in time.

Brede schuldenaanpak (10 cases)
  S1  (b.bakker) no events.
  S2  (b.bakker) aanvraag 02-02-26.
  S3  (a.jansen) aanvraag 05-01, pauzeknop 12-01. Urgent: onomkeerbare situatie.
  S4  (a.jansen) aanvraag 01-12-25, pauzeknop 08-12-25, eerste toets geen uitsluitsel 05-01-26.
  S5  (tester)   …, eerste toets gedupeerd 03-11-25, aanvang moratorium 01-12-25.
  S6  (tester)   2024: aanvraag, pauzeknop, eerste toets gedupeerd, eerste betaling 04-11-24,
      kwijtschelden 02-12-24. Moratorium over on 04-11-25: closed.
  S7  (b.bakker) …, eerste toets geen uitsluitsel 06-10-25, integrale niet gedupeerd 01-12-25.
  S8  (a.jansen) …, eerste toets niet gedupeerd 06-10-25, einde pauzeknop 11-05-26
      (acclimatiseringsfase due 08-06 runs: open, not overdue).
  S9  (b.bakker) …, eerste toets niet gedupeerd 07-07-25, einde pauzeknop 04-08-25, opstarten
      invordering 01-09-25. Closed.
  S10 (tester)   …, eerste toets gedupeerd 06-10-25, eerste betaling 02-02-26, Brede Hulpteam vraag
      04-05-26 (due 11-05, unanswered: overdue), brief verzonden 20-05-26.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from herstel_tui.domain import clock
from herstel_tui.domain.models import Person
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from tests.support.data import TEST_BSNS, TODAY

BO, SA = "brede_ondersteuning", "schuldenaanpak"


def d(text: str) -> date:
    day, month, year = text.split("-")
    return date(2000 + int(year) if len(year) == 2 else int(year), int(month), int(day))


# (name, track, caseworker, opened, events [(step, date, outcome)], urgency, casuistiekoverleg, closed by hand)
CASES = [
    ("B1", BO, "a.jansen", "01-05-26", [], None, False, False),
    (
        "B2",
        BO,
        "a.jansen",
        "05-01-26",
        [("aanvraag_herbeoordeling", "05-01-26", None)],
        "terminale_ziekte",
        False,
        False,
    ),
    (
        "B3",
        BO,
        "a.jansen",
        "01-12-25",
        [("aanvraag_herbeoordeling", "01-12-25", None), ("ontvangst_gegevens", "05-01-26", None)],
        None,
        False,
        False,
    ),
    (
        "B4",
        BO,
        "b.bakker",
        "01-04-26",
        [
            ("aanvraag_herbeoordeling", "01-04-26", None),
            ("ontvangst_gegevens", "06-04-26", None),
            ("contact_ouder", "25-04-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B5",
        BO,
        "b.bakker",
        "01-12-25",
        [
            ("aanvraag_herbeoordeling", "01-12-25", None),
            ("ontvangst_gegevens", "05-01-26", None),
            ("datum_eerste_gesprek_gecommuniceerd", "10-01-26", None),
            ("eerste_gesprek", "20-01-26", None),
            ("contact_ouder", "25-01-26", None),
            ("start_brede_ondersteuning", "01-02-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B6",
        BO,
        "b.bakker",
        "01-02-26",
        [("aanvraag_herbeoordeling", "01-02-26", None), ("eerste_toets", "01-03-26", "geen_uitsluitsel")],
        None,
        True,
        False,
    ),
    (
        "B7",
        BO,
        "tester",
        "01-10-25",
        [
            ("aanvraag_herbeoordeling", "01-10-25", None),
            ("eerste_toets", "01-11-25", "gedupeerd"),
            ("ondersteuning_kinderen", "01-12-25", None),
        ],
        None,
        False,
        True,
    ),
    (
        "B8",
        BO,
        "tester",
        "01-10-25",
        [
            ("aanvraag_herbeoordeling", "01-10-25", None),
            ("eerste_toets", "01-11-25", "gedupeerd"),
            ("driegesprek", "15-11-25", None),
            ("ondersteuning_ex_partners", "01-12-25", None),
            ("brede_hulpteam_verzoek", "28-05-26", None),
        ],
        "executoriale_verkoop_of_uitzetting",
        True,
        False,
    ),
    (
        "B9",
        BO,
        "a.jansen",
        "01-09-25",
        [
            ("aanvraag_herbeoordeling", "01-09-25", None),
            ("eerste_toets", "01-10-25", "geen_uitsluitsel"),
            ("integrale_beoordeling", "01-12-25", "gedupeerd"),
            ("brede_hulpteam_verzoek", "02-03-26", None),
            ("brede_hulpteam_antwoord", "05-03-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B10",
        BO,
        "a.jansen",
        "01-09-25",
        [
            ("aanvraag_herbeoordeling", "01-09-25", None),
            ("eerste_toets", "01-10-25", "gedupeerd"),
            ("integrale_beoordeling", "01-11-25", "gedupeerd"),
            ("cws", "01-12-25", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B11",
        BO,
        "b.bakker",
        "06-01-25",
        [
            ("aanvraag_herbeoordeling", "06-01-25", None),
            ("ontvangst_gegevens", "03-02-25", None),
            ("datum_eerste_gesprek_gecommuniceerd", "10-02-25", None),
            ("eerste_gesprek", "17-02-25", None),
            ("plan_hoofdlijnen", "03-03-25", None),
            ("eerste_toets", "01-04-25", "gedupeerd"),
            ("nazorg", "02-03-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B12",
        BO,
        "a.jansen",
        "02-06-25",
        [
            ("aanvraag_herbeoordeling", "02-06-25", None),
            ("ontvangst_gegevens", "07-07-25", None),
            ("eerste_toets", "20-07-25", "geen_uitsluitsel"),
            ("integrale_beoordeling", "04-08-25", "niet_gedupeerd"),
            ("afronden_spuk", "15-09-25", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B13",
        BO,
        "b.bakker",
        "02-06-25",
        [
            ("aanvraag_herbeoordeling", "02-06-25", None),
            ("eerste_toets", "01-07-25", "niet_gedupeerd"),
            ("continueren_regulier", "15-07-25", None),
        ],
        None,
        False,
        False,
    ),
    ("B14", BO, "tester", "11-05-26", [("aanmelding_gemeente", "11-05-26", None)], None, False, False),
    (
        "B15",
        BO,
        "tester",
        "05-01-26",
        [("aanmelding_gemeente", "05-01-26", None), ("datum_eerste_gesprek_gecommuniceerd", "09-03-26", None)],
        None,
        False,
        False,
    ),
    (
        "B16",
        BO,
        "a.jansen",
        "05-01-26",
        [("aanmelding_gemeente", "05-01-26", None), ("eerste_gesprek", "16-03-26", None)],
        None,
        False,
        False,
    ),
    (
        "B17",
        BO,
        "b.bakker",
        "05-01-26",
        [
            ("aanmelding_gemeente", "05-01-26", None),
            ("datum_eerste_gesprek_gecommuniceerd", "12-01-26", None),
            ("eerste_gesprek", "02-02-26", None),
            ("plan_hoofdlijnen", "06-04-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B18",
        BO,
        "tester",
        "02-03-26",
        [
            ("aanmelding_gemeente", "02-03-26", None),
            ("datum_eerste_gesprek_gecommuniceerd", "09-03-26", None),
            ("eerste_gesprek", "23-03-26", None),
            ("plan_volledig", "18-05-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B19",
        BO,
        "a.jansen",
        "02-02-26",
        [("aanmelding_gemeente", "02-02-26", None), ("afzien_brede_ondersteuning", "16-02-26", None)],
        "onomkeerbare_situatie",
        False,
        False,
    ),
    (
        "B20",
        BO,
        "tester",
        "01-05-25",
        [
            ("aanvraag_herbeoordeling", "01-05-25", None),
            ("eerste_toets", "02-06-25", "gedupeerd"),
            ("eerste_betaling", "01-07-25", None),
            ("brief_verzonden", "20-05-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B21",
        BO,
        "a.jansen",
        "06-04-26",
        [
            ("aanmelding_gemeente", "06-04-26", None),
            ("datum_eerste_gesprek_gecommuniceerd", "13-04-26", None),
            ("eerste_gesprek", "11-05-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B22",
        BO,
        "b.bakker",
        "03-11-25",
        [
            ("aanmelding_gemeente", "03-11-25", None),
            ("eerste_gesprek", "24-11-25", None),
            ("afzien_brede_ondersteuning", "08-12-25", None),
        ],
        None,
        False,
        False,
    ),
    (
        "B23",
        BO,
        "tester",
        "01-04-26",
        [("aanvraag_herbeoordeling", "01-04-26", None), ("eerste_toets", "18-05-26", "niet_gedupeerd")],
        None,
        False,
        False,
    ),
    ("S1", SA, "b.bakker", "04-05-26", [], None, False, False),
    ("S2", SA, "b.bakker", "02-02-26", [("aanvraag_herbeoordeling", "02-02-26", None)], None, False, False),
    (
        "S3",
        SA,
        "a.jansen",
        "05-01-26",
        [("aanvraag_herbeoordeling", "05-01-26", None), ("start_pauzeknop", "12-01-26", None)],
        "onomkeerbare_situatie",
        False,
        False,
    ),
    (
        "S4",
        SA,
        "a.jansen",
        "01-12-25",
        [
            ("aanvraag_herbeoordeling", "01-12-25", None),
            ("start_pauzeknop", "08-12-25", None),
            ("eerste_toets", "05-01-26", "geen_uitsluitsel"),
        ],
        None,
        False,
        False,
    ),
    (
        "S5",
        SA,
        "tester",
        "01-10-25",
        [
            ("aanvraag_herbeoordeling", "01-10-25", None),
            ("start_pauzeknop", "08-10-25", None),
            ("eerste_toets", "03-11-25", "gedupeerd"),
            ("aanvang_moratorium", "01-12-25", None),
        ],
        None,
        False,
        False,
    ),
    (
        "S6",
        SA,
        "tester",
        "02-09-24",
        [
            ("aanvraag_herbeoordeling", "02-09-24", None),
            ("start_pauzeknop", "09-09-24", None),
            ("eerste_toets", "07-10-24", "gedupeerd"),
            ("eerste_betaling", "04-11-24", None),
            ("kwijtschelden_betalen", "02-12-24", None),
        ],
        None,
        False,
        False,
    ),
    (
        "S7",
        SA,
        "b.bakker",
        "01-09-25",
        [
            ("aanvraag_herbeoordeling", "01-09-25", None),
            ("start_pauzeknop", "08-09-25", None),
            ("eerste_toets", "06-10-25", "geen_uitsluitsel"),
            ("integrale_beoordeling", "01-12-25", "niet_gedupeerd"),
        ],
        None,
        False,
        False,
    ),
    (
        "S8",
        SA,
        "a.jansen",
        "01-09-25",
        [
            ("aanvraag_herbeoordeling", "01-09-25", None),
            ("start_pauzeknop", "08-09-25", None),
            ("eerste_toets", "06-10-25", "niet_gedupeerd"),
            ("einde_pauzeknop", "11-05-26", None),
        ],
        None,
        False,
        False,
    ),
    (
        "S9",
        SA,
        "b.bakker",
        "02-06-25",
        [
            ("aanvraag_herbeoordeling", "02-06-25", None),
            ("start_pauzeknop", "09-06-25", None),
            ("eerste_toets", "07-07-25", "niet_gedupeerd"),
            ("einde_pauzeknop", "04-08-25", None),
            ("opstarten_invordering", "01-09-25", None),
        ],
        None,
        False,
        False,
    ),
    (
        "S10",
        SA,
        "tester",
        "01-09-25",
        [
            ("aanvraag_herbeoordeling", "01-09-25", None),
            ("start_pauzeknop", "08-09-25", None),
            ("eerste_toets", "06-10-25", "gedupeerd"),
            ("eerste_betaling", "02-02-26", None),
            ("brede_hulpteam_verzoek", "04-05-26", None),
            ("brief_verzonden", "20-05-26", None),
        ],
        None,
        False,
        False,
    ),
]


def build(store: Store) -> dict[str, int]:
    """Record every case through the store (the engine checks each event). Returns name -> case id."""
    numbers = iter(TEST_BSNS)
    ids: dict[str, int] = {}
    for name, track, worker, opened, events, urgency, overleg, by_hand in CASES:
        person = store.persons.add(Person(bsn=next(numbers), given_names=f"Persoon {name}", surname="Proef"))
        case = store.cases.open(person.id, track, caseworker=worker, opened=d(opened))
        for step, when, outcome in events:
            store.cases.record_event(case.id, step, d(when), outcome=outcome)
        if urgency or overleg:
            store.cases.set_urgency(case.id, urgency, overleg)
        if by_hand:
            store.cases.close(case.id, d("01-05-26"))
        ids[name] = case.id
    # The case index as of the peildatum (whether a period has run out depends on the date).
    store.cases.rebuild_summaries(TODAY)
    return ids


@pytest.fixture(scope="session")
def hand_template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """The hand-made register, recorded once per session (rollback journal, so one file holds it)."""
    path = tmp_path_factory.mktemp("overview") / "template.db"
    with clock.fixed(TODAY), open_store(path, "tester") as store:
        ids = build(store)
        store.conn.execute("PRAGMA journal_mode = DELETE")
    return path, ids


def copy_of_hand(hand_template, folder: Path, name: str = "x.db") -> tuple[Path, dict[str, int]]:
    template, ids = hand_template
    path = folder / name
    shutil.copyfile(template, path)
    return path, dict(ids)


@pytest.fixture
def hand(hand_template, tmp_path):
    path, ids = copy_of_hand(hand_template, tmp_path)
    store = open_store(path, "tester")
    yield store, ids
    store.close()
