"""The SPUK year report against a hand-computed fixture, and its .xlsx export.

Fixture (brede ondersteuning unless noted; person: opened – closed):
  P0 2023-05-01 – open          P1 2024-02-10 – 2024-08-31    P2 2023-01-15 – 2023-12-31
  P3 2024-12-31 – open          P4 2025-01-01 – open          P5 schuldenaanpak 2024-03-01 (never counts)
  P6 2024-06-01 – open, also a schuldenaanpak case (counts once)
  P7 2022-01-01 – 2024-01-01 (closed on the first day of 2024: open in 2024)

Eligible in 2023: P0 P2 P7 = 3, cumulative 3.
Eligible in 2024: P0 P1 P3 P6 P7 = 5 (P2 closed before 2024, P4 opened after), cumulative P0-P3 P6 P7 = 6.
Eligible in 2025: P0 P3 P4 P6 = 4, cumulative 7.

Cost entries 2024 (by hand; P×Q rounded once, half up):
  A  2024-01-10 P0  1,5 uur × € 72,50  = € 108,75
  A  2024-03-05 P1  0,25 uur × € 72,50 = € 18,125 → € 18,13
  B  2024-02-01 P1  2 uur × € 85,50    = € 171,00
  B  2024-12-31 P3  1,25 uur × € 85,50 = € 106,875 → € 106,88
  C  2024-06-15 P0  factuur Kredietbank  € 1.234,56
  C  2024-07-01 P0  3 stuks × € 19,99  = € 59,97
  C  2024-09-09 P6  0,33 uur × € 85,00 = € 28,05
  outside 2024: C 2023-12-31 € 500,00 and A 2025-01-01 € 10,00
Totals 2024: A € 126,88 (2 posten), B € 277,88 (2), C € 1.322,58 (3); total € 1.727,34 (7 posten, 4 zaken).
"""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from herstel_tui.domain.costs import CostEntry
from tests.support.plan import add_case

# The fixture's costs and cases carry dates of 2022-2026: the clock says TODAY (01-06-2026), so they
# hold on any date the suite runs.
pytestmark = pytest.mark.usefixtures("pinned_today")

D = Decimal


@pytest.fixture
def fixture_store(store):
    s = store
    c = {}
    c[0] = add_case(s, 0, opened=date(2023, 5, 1), talk=False)
    c[1] = add_case(s, 1, opened=date(2024, 2, 10), talk=False, closed=date(2024, 8, 31))
    c[2] = add_case(s, 2, opened=date(2023, 1, 15), talk=False, closed=date(2023, 12, 31))
    c[3] = add_case(s, 3, opened=date(2024, 12, 31), talk=False)
    c[4] = add_case(s, 4, opened=date(2025, 1, 1), talk=False)
    c[5] = add_case(s, 5, opened=date(2024, 3, 1), track="schuldenaanpak", talk=False)
    c[6] = add_case(s, 6, opened=date(2024, 6, 1), talk=False)
    s.cases.open(c[6].person_id, "schuldenaanpak", opened=date(2024, 6, 1))
    c[7] = add_case(s, 7, opened=date(2022, 1, 1), talk=False, closed=date(2024, 1, 1))
    plans = s.plans

    def cost(n, d, comp, kind, q=None, p=None, actual=None, what="post"):
        plans.store.costs.add(
            CostEntry(
                case_id=c[n].id, date=d, component=comp, description=what, kind=kind, quantity=q, price=p, actual=actual
            )
        )

    cost(0, date(2024, 1, 10), "A", "uren", "1,5", "72,50")
    cost(1, date(2024, 3, 5), "A", "uren", "0,25", "72,50")
    cost(1, date(2024, 2, 1), "B", "uren", "2", "85,50")
    cost(3, date(2024, 12, 31), "B", "uren", "1,25", "85,50")
    cost(0, date(2024, 6, 15), "C", "werkelijk", actual="1.234,56", what="Factuur Kredietbank")
    cost(0, date(2024, 7, 1), "C", "stuks", "3", "19,99")
    cost(6, date(2024, 9, 9), "C", "uren", "0,33", "85")
    cost(0, date(2023, 12, 31), "C", "werkelijk", actual="500")
    cost(4, date(2025, 1, 1), "A", "werkelijk", actual="10")
    return s


def test_year_report_matches_the_hand_computed_fixture(fixture_store):
    r = fixture_store.costs.year_report(2024)
    assert [(x.component, x.entries, x.amount) for x in r.components] == [
        ("A", 2, D("126.88")),
        ("B", 2, D("277.88")),
        ("C", 3, D("1322.58")),
    ]
    assert r.total == D("1727.34") and r.total_cents == 172734 and r.entries == 7
    assert (r.eligible_year, r.eligible_cumulative, r.cases_with_costs) == (5, 6, 4)


@pytest.mark.parametrize(
    "year, in_year, cumulative, total",
    [(2022, 1, 1, "0.00"), (2023, 3, 3, "500.00"), (2025, 4, 7, "10.00"), (2026, 4, 7, "0.00")],
)
def test_other_years(fixture_store, year, in_year, cumulative, total):
    r = fixture_store.costs.year_report(year)
    assert (r.eligible_year, r.eligible_cumulative, r.total) == (in_year, cumulative, D(total))


def test_case_totals_are_sums_of_cents(fixture_store):
    plans = fixture_store.plans
    p0 = fixture_store.cases.find("HKO-2023-000001")
    assert plans.store.costs.totals(p0.id) == {"A": 10875, "C": 123456 + 5997 + 50000}
    assert plans.store.costs.totals(p0.id, 2024) == {"A": 10875, "C": 123456 + 5997}


def test_xlsx_export_is_exact_owner_only_and_named_by_date(fixture_store, tmp_path):
    from openpyxl import load_workbook

    from herstel_tui.services.spuk_report import default_name, export

    path = export(
        fixture_store,
        2024,
        None,
        gemeente="Gemeente Proefstad",
        export_dir=tmp_path / "exports",
        today=date(2025, 3, 1),
    )
    assert path.name == "SPUK-jaaroverzicht_2024_20250301.xlsx" == default_name(2024, date(2025, 3, 1))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    wb = load_workbook(path)
    assert wb.sheetnames == ["SiSa", "Kostenposten"]
    ws = wb["SiSa"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert rows["SPUK-verantwoording 2024"][1] == "Gemeente Proefstad"
    for comp, entries, amount in (
        ("A", 2, "126.88"),
        ("B", 2, "277.88"),
        ("C", 3, "1322.58"),
        ("Totaal", 7, "1727.34"),
    ):
        assert rows[comp][2] == entries
        assert Decimal(str(rows[comp][3])) == Decimal(amount)
    counts = [r for r in ws.iter_rows(values_only=True) if r and r[0] == "Personen in aanmerking voor ondersteuning"]
    assert [(r[1], r[2]) for r in counts] == [("in 2024", 5), ("cumulatief t/m 2024", 6)]
    # the workbook holds the exact decimal text of every amount
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    for text in ("<v>126.88</v>", "<v>277.88</v>", "<v>1322.58</v>", "<v>1727.34</v>"):
        assert text in xml
    detail = list(wb["Kostenposten"].iter_rows(values_only=True))
    assert len(detail) == 1 + 7
    assert sum(Decimal(str(r[7])) for r in detail[1:]) == Decimal("1727.34")
    assert not any("9999" in str(v) for r in detail for v in r if v)  # no BSNs in the export
    audit = [e for e in fixture_store.audit.entries() if e.action == "geëxporteerd"]
    assert audit and audit[-1].detail["bestand"] == path.name and audit[-1].detail["totaal_centen"] == 172734


def test_xlsx_to_a_named_file_or_folder(fixture_store, tmp_path):
    from herstel_tui.services.spuk_report import export

    p = export(fixture_store, 2024, tmp_path / "mijn.xlsx", gemeente="G", export_dir=tmp_path / "x")
    assert p == tmp_path / "mijn.xlsx" and p.exists()
    folder = tmp_path / "map"
    folder.mkdir()
    q = export(fixture_store, 2024, folder, gemeente="G", export_dir=tmp_path / "x", today=date(2025, 1, 2))
    assert q == folder / "SPUK-jaaroverzicht_2024_20250102.xlsx"
    with pytest.raises(ValueError, match=".xlsx"):
        export(fixture_store, 2024, tmp_path / "fout.csv", gemeente="G", export_dir=tmp_path)


def test_text_report(fixture_store):
    from herstel_tui.services.spuk_report import render_text, year_report

    text = render_text(year_report(fixture_store, 2024), gemeente="Gemeente Proefstad")
    assert "€ 1.727,34" in text and "€ 1.322,58" in text
    assert "in aanmerking voor ondersteuning in 2024: 5" in text and "cumulatief t/m 2024: 6" in text
    assert max(len(line) for line in text.splitlines()) <= 80
