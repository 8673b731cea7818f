"""Issue 9, the overview: every figure checked against the hand-computed fixture (conftest.py)."""

from __future__ import annotations

import json
import stat

import pytest

from herstel_tui.services.overview import compute_overview, export_xlsx, write_xlsx
from herstel_tui.settings.resources import open_store
from tests.support.data import TODAY
from tests.support.overview import BO, SA

pytestmark = pytest.mark.usefixtures("pinned_today")  # these tests mean TODAY


@pytest.fixture
def ov(hand):
    store, _ = hand
    return compute_overview(store, TODAY, "Gemeente Proefstad")


def test_cases_per_track(ov):
    assert ov.cases == 33
    got = [(t.track, t.cases, t.open, t.closed, t.new, t.persons) for t in ov.tracks]
    assert got == [(BO, 23, 19, 4, 12, 23), (SA, 10, 8, 2, 3, 10)]


def test_cases_per_current_step(ov):
    got = [(r.track, r.key, r.open, r.closed) for r in ov.steps]
    assert got == [
        (BO, None, 1, 0),
        (BO, "aanvraag_herbeoordeling", 1, 0),
        (BO, "ontvangst_gegevens", 1, 0),
        (BO, "contact_ouder", 1, 0),
        (BO, "start_brede_ondersteuning", 1, 0),
        (BO, "eerste_toets", 2, 0),
        (BO, "ondersteuning_kinderen", 0, 1),
        (BO, "ondersteuning_ex_partners", 1, 0),
        (BO, "integrale_beoordeling", 1, 0),
        (BO, "cws", 1, 0),
        (BO, "nazorg", 1, 0),
        (BO, "afronden_spuk", 0, 1),
        (BO, "continueren_regulier", 1, 0),
        (BO, "aanmelding_gemeente", 1, 0),
        (BO, "datum_eerste_gesprek_gecommuniceerd", 1, 0),
        (BO, "eerste_gesprek", 2, 0),
        (BO, "plan_hoofdlijnen", 1, 0),
        (BO, "plan_volledig", 1, 0),
        (BO, "afzien_brede_ondersteuning", 0, 2),
        (BO, "herstart_brede_ondersteuning", 0, 0),
        (BO, "eerste_betaling", 1, 0),
        (SA, None, 1, 0),
        (SA, "aanvraag_herbeoordeling", 1, 0),
        (SA, "start_pauzeknop", 1, 0),
        (SA, "eerste_toets", 1, 0),
        (SA, "aanvang_moratorium", 1, 0),
        (SA, "kwijtschelden_betalen", 0, 1),
        (SA, "integrale_beoordeling", 1, 0),
        (SA, "einde_pauzeknop", 1, 0),
        (SA, "opstarten_invordering", 0, 1),
        (SA, "eerste_betaling", 1, 0),
    ]
    assert ov.step(BO, None).title == "Nog niet gestart"
    assert ov.step(SA, "start_pauzeknop").title.startswith("Invorderaar ontvangt gegevens")


def test_cases_per_outcome(ov):
    got = [(r.track, r.key, r.open, r.closed) for r in ov.outcomes]
    assert got == [
        (BO, None, 11, 2),
        (BO, "gedupeerd", 5, 1),
        (BO, "geen_uitsluitsel", 1, 0),
        (BO, "niet_gedupeerd", 2, 1),
        (SA, None, 3, 0),
        (SA, "gedupeerd", 2, 1),
        (SA, "geen_uitsluitsel", 1, 0),
        (SA, "niet_gedupeerd", 2, 1),
    ]
    assert [r.title for r in ov.outcomes[:4]] == [
        "Nog geen uitkomst",
        "Gedupeerd",
        "Geen uitsluitsel",
        "Niet gedupeerd",
    ]


def test_statutory_deadlines_met_missed_running(ov):
    got = {d.rule: (d.met, d.late, d.overdue, d.running, d.lapsed) for d in ov.deadlines}
    assert got == {
        # gehaald: B5 B11 B17 B18 B21 B22; te laat: B12 B16; verlopen: B3 B15; lopend: B4 B14; vervallen: B19
        "eerste_gesprek_voeren": (6, 2, 2, 2, 1),
        # gehaald: B5 B11 B17 B18 B21; te laat: B12 B15; verlopen: B3 B16; lopend: B4 B14; vervallen: B19 B22
        "datum_eerste_gesprek_meedelen": (5, 2, 2, 2, 2),
        # gehaald: B11 B18; te laat: B17; verlopen: B5 B16; lopend: B21; vervallen: B22
        "plan_op_hoofdlijnen": (2, 1, 2, 1, 1),
    }
    egv = ov.deadline("eerste_gesprek_voeren")
    assert (egv.missed, egv.total) == (4, 13)
    assert (ov.deadline("plan_op_hoofdlijnen").missed, ov.deadline("plan_op_hoofdlijnen").total) == (3, 7)
    assert [d.title for d in ov.deadlines] == [
        "Eerste gesprek voeren",
        "Datum eerste gesprek vastleggen en meedelen",
        "Plan van aanpak op hoofdlijnen",
    ]


def test_urgent_nazorg_and_wind_down(ov):
    assert ov.urgent.total == 4  # B2 B6 B8 S3; B19 is closed
    assert ov.urgent.criteria == {
        "terminale_ziekte": 1,
        "executoriale_verkoop_of_uitzetting": 1,
        "onomkeerbare_situatie": 1,
    }
    assert ov.urgent.casuistiekoverleg == 2  # B6 B8
    assert ov.nazorg == 1  # B11
    assert (ov.afbouw, ov.afbouw_verlopen) == (2, 1)  # B13 (verlopen), B23


def test_per_caseworker(ov):
    got = [(w.caseworker, w.open, w.overdue, w.urgent) for w in ov.workers]
    assert got == [
        ("a.jansen", 10, 2, 2),  # overdue B3 B16; urgent B2 S3
        ("b.bakker", 9, 2, 1),  # overdue B5 B13; urgent B6
        # overdue B15; S10 waits on UHT's Brede Hulpteam (7 days): UHT's date, not the caseworker's work
        ("tester", 8, 1, 1),
    ]


def test_unassigned_cases_come_last(hand):
    store, ids = hand
    with store.transaction():
        store.conn.execute("UPDATE cases SET caseworker = NULL WHERE id = ?", (ids["B1"],))
    ov = compute_overview(store, TODAY)
    assert [(w.caseworker, w.open) for w in ov.workers] == [
        ("a.jansen", 9),
        ("b.bakker", 9),
        ("tester", 8),
        ("(niet toegewezen)", 1),
    ]


def test_the_peildatum_moves_the_running_figures(hand):
    """A week later the first talk of B4 (due on 01-06, lopend today) is overdue."""
    from datetime import timedelta

    store, _ = hand
    later = compute_overview(store, TODAY + timedelta(days=7))
    egv = later.deadline("eerste_gesprek_voeren")
    assert (egv.met, egv.late, egv.overdue, egv.running, egv.lapsed) == (6, 2, 3, 1, 1)


def test_sheets_and_text_fit_80_columns(ov):
    sheets = ov.sheets()
    assert [s.name for s in sheets] == [
        "Per spoor",
        "Per stap",
        "Per uitkomst",
        "Termijnen",
        "Gemeentelijke keuzes",
        "Urgent nazorg afbouw",
        "Per medewerker",
        "Toelichting",
    ]
    assert sheets[0].rows[-1] == {
        "spoor": "Totaal",
        "zaken": 33,
        "open": 27,
        "gesloten": 6,
        "nieuw": 15,
        "personen": None,
    }
    assert sheets[3].rows[0]["niet_gehaald"] == 4 and sheets[3].rows[0]["gehaald"] == 6
    # the municipal choice (datum meedelen) is kept apart from the statutory figures
    assert [r["termijn"] for r in sheets[3].rows] == ["Eerste gesprek voeren", "Plan van aanpak op hoofdlijnen"]
    assert [r["termijn"] for r in sheets[4].rows] == ["Datum eerste gesprek vastleggen en meedelen"]
    assert sheets[6].rows[-1] == {"medewerker": "Totaal", "open": 27, "verlopen": 5, "urgent": 4}
    notes = {r["begrip"]: r["betekenis"] for r in sheets[-1].rows}
    assert notes["Datum eerste gesprek vastleggen en meedelen"].startswith("gemeentelijke keuze.")
    assert (
        notes["Eerste gesprek voeren"].startswith("wettelijke termijn.")
        and "Bron: Wet" in notes["Eerste gesprek voeren"]
    )
    for sheet in sheets:
        assert all(len(line) <= 78 for line in sheet.text(78)), sheet.name
    json.dumps(ov.as_dict())  # serialisable as it is


def test_xlsx_one_sheet_per_table_with_a_date_in_the_name(hand, ov, tmp_path):
    from openpyxl import load_workbook

    store, _ = hand
    before = len(store.audit.entries())
    path = export_xlsx(store, ov, tmp_path / "export")
    assert path.name == "overzicht-20260601.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Per spoor",
        "Per stap",
        "Per uitkomst",
        "Termijnen",
        "Gemeentelijke keuzes",
        "Urgent nazorg afbouw",
        "Per medewerker",
        "Toelichting",
    ]
    rows = list(wb["Termijnen"].iter_rows(values_only=True))
    assert rows[0] == (
        "Termijn",
        "Periode",
        "Gehaald",
        "Te laat",
        "Verlopen",
        "Niet gehaald",
        "Lopend",
        "Vervallen",
        "Totaal",
    )
    assert rows[1] == ("Eerste gesprek voeren", "8 weken", 6, 2, 2, 4, 2, 1, 13)
    spoor = list(wb["Per spoor"].iter_rows(values_only=True))
    assert spoor[0][4] == "Nieuw in 2026" and spoor[1] == ("Brede ondersteuning", 23, 19, 4, 12, 23)
    assert list(wb["Per medewerker"].iter_rows(values_only=True))[1] == ("a.jansen", 10, 2, 2)
    # a second export the same day does not overwrite the first
    again = export_xlsx(store, ov, tmp_path / "export")
    assert again.name == "overzicht-20260601-2.xlsx" and path.exists()
    trail = store.audit.entries()[before:]
    assert [(a.action, a.entity, a.detail["bestand"]) for a in trail] == [
        ("geëxporteerd", "overzicht", "overzicht-20260601.xlsx"),
        ("geëxporteerd", "overzicht", "overzicht-20260601-2.xlsx"),
    ]
    assert not [p for p in (tmp_path / "export").iterdir() if p.name.startswith(".")]


def test_write_xlsx_to_a_given_file(ov, tmp_path):
    p = write_xlsx(ov, tmp_path / "maand.xlsx")
    assert p.exists() and stat.S_IMODE(p.stat().st_mode) == 0o600


def test_overview_of_a_demo_adds_up(tmp_path):
    from herstel_tui.services.demo import build_demo

    with open_store(tmp_path / "demo.db", "t") as store:
        build_demo(store, cases=300, seed=5, me="t", today=TODAY)
        ov = compute_overview(store, TODAY)
    assert ov.cases == 300 == sum(t.cases for t in ov.tracks)
    for t in ov.tracks:
        assert sum(r.total for r in ov.steps if r.track == t.track) == t.cases
        assert sum(r.total for r in ov.outcomes if r.track == t.track) == t.cases
        assert sum(r.open for r in ov.steps if r.track == t.track) == t.open
    assert sum(w.open for w in ov.workers) == sum(t.open for t in ov.tracks)
    for fig in ov.deadlines:
        assert fig.total > 0
