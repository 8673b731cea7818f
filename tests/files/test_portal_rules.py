"""The test helper that reads a vraagbestand as the portal does must itself refuse every bad file.

Each bad file is built with openpyxl the way a hand-edited export would look; the helper reads the
raw package, so it judges what is stored, not what openpyxl reports back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.portal import PORTAL_ID, TEST_BSNS, ZERO_BSN
from tests.support.portal_rules import check_vraagbestand

GOOD_NAME = f"VK-{PORTAL_ID}-Kindregeling_20260105.xlsx"


def workbook(path: Path, rows: list[list], *, sheets: int = 1, formula_at: str | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if formula_at:
        ws[formula_at] = '="99990"&"0006"'
    for i in range(1, sheets):
        wb.create_sheet(f"Blad{i + 1}")
    wb.save(path)
    return path


def test_a_correct_file_passes(tmp_path):
    path = workbook(tmp_path / GOOD_NAME, [["BSN"], [TEST_BSNS[0]], [ZERO_BSN]])
    assert check_vraagbestand(path, PORTAL_ID, "20260105") == ([], 2)


@pytest.mark.parametrize(
    "name, problem",
    [
        ("VK-GPB12AB-Kindregeling_2026015.xlsx", "is not VK-GPB????-Kindregeling_jjjjmmdd.xlsx"),
        ("vraagbestand.xlsx", "is not VK-GPB????-Kindregeling_jjjjmmdd.xlsx"),
        ("VK-GPB12AB-Kindregeling_20260231.xlsx", "20260231 in the name is not a date"),
        ("VK-GPB99ZZ-Kindregeling_20260105.xlsx", "portal id GPB99ZZ in the name, expected GPB12AB"),
        ("VK-GPB12AB-Kindregeling_20260106.xlsx", "date 20260106 in the name, expected 20260105"),
    ],
)
def test_names_the_portal_refuses(tmp_path, name, problem):
    path = workbook(tmp_path / name, [["BSN"], [TEST_BSNS[0]]])
    problems, _ = check_vraagbestand(path, PORTAL_ID, "20260105")
    assert [p for p in problems if problem in p], problems


@pytest.mark.parametrize(
    "rows, kw, problem",
    [
        ([["BSN"], [TEST_BSNS[0]]], {"sheets": 2}, "2 worksheets, expected exactly 1"),
        ([["bsn"], [TEST_BSNS[0]]], {}, "A1 holds 'bsn', expected 'BSN'"),
        ([["BSN", "Naam"], [TEST_BSNS[0]]], {}, "B1 holds 'Naam': nothing may stand outside column A"),
        ([["BSN"], [int(TEST_BSNS[0])]], {}, "as number: BSNs must be stored as text"),
        ([["BSN"], [TEST_BSNS[0]], [None], [TEST_BSNS[1]]], {}, "blank row 3 before a BSN in row 4"),
        ([["BSN"], [TEST_BSNS[0]], [TEST_BSNS[0]]], {}, "A3 repeats BSN"),
        ([["BSN"], ["999900007"]], {}, "not a valid BSN"),
        ([["BSN"], ["99990000"]], {}, "not a valid BSN"),
        ([["BSN"]], {}, "no BSN below the header"),
        ([["BSN"], [TEST_BSNS[0]]], {"formula_at": "A3"}, "A3 holds a formula"),
    ],
)
def test_contents_the_portal_refuses(tmp_path, rows, kw, problem):
    path = workbook(tmp_path / GOOD_NAME, rows, **kw)
    problems, _ = check_vraagbestand(path, PORTAL_ID)
    assert [p for p in problems if problem in p], problems


def test_not_an_xlsx(tmp_path):
    path = tmp_path / GOOD_NAME
    path.write_bytes(b"BSN\n999900006\n")
    problems, count = check_vraagbestand(path, PORTAL_ID)
    assert count == 0 and problems and problems[-1].startswith("not a readable xlsx")
