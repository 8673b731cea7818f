"""Reading portal lists: every nasty file a caseworker may bring, with its exact outcome."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herstel_tui.files.portal_common import CellError, PortalFileError, cell_bsn, cell_date, is_blank
from herstel_tui.files.portal_reader import SameRows, read_table
from herstel_tui.services.portal_lists import parse_table
from herstel_tui.settings.config import PortalColumns
from tests.support.portal import TEST_BSNS, TODAY, ZERO_BSN, write_csv, write_xlsx

COLS = PortalColumns().antwoordbestand.column_fields()
REQ = ("bsn", "resultaat")
B0, B1, B2 = TEST_BSNS[:3]


def parse(path):
    table = read_table(path, COLS, REQ)
    return table, parse_table("antwoord", table, PortalColumns(), TODAY)


def outcomes(parsed):
    """(row, action or 'ok', text, bsn) per row, in row order."""
    out = [(o.row, o.action, o.full_text, o.bsn) for o in parsed.outcomes]
    out += [(r.row, "ok", "; ".join(r.notes), r.bsn) for r in parsed.records]
    return sorted(out)


def test_plain_file(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat"], [B0, "ja"], [B1, "Nee"]])
    table, parsed = parse(p)
    assert (table.sheet, table.header_row, table.notes) == ("Blad1", 1, [])
    assert [(r.row, r.bsn, r.belongs) for r in parsed.records] == [(2, B0, True), (3, B1, False)]


def test_extra_worksheets_first_one_with_the_header_is_used(tmp_path):
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["BSN", "Resultaat"], [B0, "ja"]],
        title="Antwoorden",
        first=[("Toelichting", [["Dit bestand bevat de antwoorden"], ["BSN: zie het andere blad"]])],
        extra_sheets=[("Leeg", []), ("Nog een", [["BSN", "Resultaat"], [B1, "nee"]])],
    )
    table, parsed = parse(p)
    assert table.sheet == "Antwoorden"
    assert table.notes == ["werkblad 'Antwoorden' gebruikt; overgeslagen: 'Toelichting', 'Leeg', 'Nog een'"]
    assert [r.bsn for r in parsed.records] == [B0]


def test_merged_title_above_the_header_is_skipped(tmp_path):
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["Antwoordbestand kindregeling november", None], [None, None], ["BSN", "Resultaat"], [B0, "ja"]],
        merges=["A1:B1"],
    )
    table, parsed = parse(p)
    assert table.header_row == 3
    assert table.notes == ["kopregel gevonden op regel 3; de regels erboven zijn overgeslagen"]
    assert outcomes(parsed) == [(4, "ok", "", B0)]


def test_merged_two_row_header_is_refused_with_the_ranges(tmp_path):
    # "Kind" spans two columns; its sub-headers sit on row 2, while "Resultaat" spans rows 1-2.
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["Kind", None, "Resultaat"], ["BSN", "Naam", None], [B0, "Noah", "ja"]],
        merges=["A1:B1", "C1:C2"],
    )
    with pytest.raises(PortalFileError) as exc:
        parse(p)
    assert str(exc.value) == (
        "a.xlsx: geen kopregel met de kolommen BSN (of: BSN kind); Resultaat (of: Behoort "
        "tot populatie, Uitkomst) gevonden in de eerste 20 regels (werkbladen: 'Blad1'). Er is "
        "niets ingelezen."
    )
    assert exc.value.problems == [
        "werkblad 'Blad1' mist de kolom BSN (of: BSN kind)",
        "werkblad 'Blad1' heeft samengevoegde cellen in de kop (A1:B1, C1:C2)",
        "maak de samenvoeging ongedaan en zet elke kolomkop in één eigen cel",
    ]


def test_merged_header_cell_over_a_column_with_values_is_named(tmp_path):
    # "Resultaat" merged over B1:C1: column C has values but no header of its own.
    p = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat", None], [B0, "ja", "toelichting"]], merges=["B1:C1"])
    table, parsed = parse(p)
    assert table.notes == [
        "kolom C heeft geen kop maar wel 1 waarde(n); die zijn niet ingelezen",
        "samengevoegde cellen in de kop: B1:C1; alleen de eerste kolom van een samengevoegde kopcel telt",
    ]
    assert [r.belongs for r in parsed.records] == [True]


def test_bsn_stored_as_number_with_the_leading_zero_lost(tmp_path):
    lost = int(ZERO_BSN)  # 8 digits once Excel stored it as a number
    bad = 12345678  # 8 digits, but 012345678 fails the 11-check
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["BSN", "Resultaat"], [lost, "ja"], [float(lost), "ja"], [int(B0), "nee"], [bad, "ja"], [1234567, "ja"]],
    )
    _, parsed = parse(p)
    assert outcomes(parsed) == [
        (2, "ok", "BSN als getal opgeslagen; voorloopnul hersteld", ZERO_BSN),
        (3, "ok", "BSN als getal opgeslagen; voorloopnul hersteld", ZERO_BSN),
        (4, "ok", "BSN als getal opgeslagen", B0),
        (5, "reject", "BSN ******678 klopt niet (elfproef)", None),
        (6, "reject", "BSN ****567 als getal opgeslagen met 7 cijfers; een BSN heeft er 9", None),
    ]


def test_eight_digit_bsn_as_text_gets_its_zero(tmp_path):
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["BSN", "Resultaat"], [ZERO_BSN[1:], "ja"], ["9999000", "ja"], ["9999 0000 6", "ja"], ["99990000X", "ja"]],
    )
    _, parsed = parse(p)
    assert outcomes(parsed) == [
        (2, "ok", "BSN had 8 cijfers; voorloopnul aangevuld", ZERO_BSN),
        (3, "reject", "BSN ****000 heeft 7 cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)", None),
        (4, "ok", "", B0),
        (5, "reject", "BSN ******00X bevat andere tekens dan cijfers", None),
    ]


def test_trailing_spaces_in_headers_and_cells(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", [["  bsn ", " RESULTAAT  "], [f" {B0}  ", " Ja "], [f"{B1}\t", "nee "]])
    table, parsed = parse(p)
    assert table.headers == {"bsn": "bsn", "resultaat": "RESULTAAT"}
    assert [(r.bsn, r.belongs) for r in parsed.records] == [(B0, True), (B1, False)]


def test_blank_rows_between_are_skipped_and_at_the_end_ignored(tmp_path):
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [["BSN", "Resultaat"], [B0, "ja"], [None, None], ["  ", ""], [B1, "ja"], [None, None], [None, None]],
    )
    _, parsed = parse(p)
    assert outcomes(parsed) == [
        (2, "ok", "", B0),
        (3, "skip", "lege regel", None),
        (4, "skip", "lege regel", None),
        (5, "ok", "", B1),
    ]


def test_unknown_yes_no_value_and_missing_values(tmp_path):
    p = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["BSN", "Resultaat", "Opmerking"],
            [B0, "misschien", "x"],
            [B1, None, None],
            [None, "ja", None],
            [B2, True, None],
        ],
    )
    table, parsed = parse(p)
    assert table.notes == ["kolommen genegeerd (niet in de kolomindeling): Opmerking (C)"]
    assert outcomes(parsed) == [
        (2, "reject", "resultaat 'misschien' onbekend; verwacht ja of nee", B0),
        (3, "reject", "resultaat ontbreekt", B1),
        (4, "reject", "BSN ontbreekt", None),
        (5, "ok", "", B2),
    ]


def test_missing_column(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Uitslag"], [B0, "ja"]])
    with pytest.raises(PortalFileError) as exc:
        parse(p)
    assert exc.value.problems == ["werkblad 'Blad1' mist de kolom Resultaat (of: Behoort tot populatie, Uitkomst)"]


def test_column_twice_is_refused(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat", "bsn"], [B0, "ja", B1]])
    with pytest.raises(PortalFileError, match=r"een kolom staat meer dan eens in de kopregel: bsn \(kolom A en C\)"):
        parse(p)


# -- files that are not what they claim --------------------------------------------------------------


def test_empty_file(tmp_path):
    (tmp_path / "leeg.xlsx").write_bytes(b"")
    with pytest.raises(PortalFileError, match=r"^leeg.xlsx is leeg \(0 bytes\); er is niets ingelezen$"):
        parse(tmp_path / "leeg.xlsx")


def test_text_named_xlsx(tmp_path):
    (tmp_path / "lijst.xlsx").write_text("BSN;Resultaat\n999900006;ja\n", encoding="utf-8")
    with pytest.raises(PortalFileError) as exc:
        parse(tmp_path / "lijst.xlsx")
    assert str(exc.value) == (
        "lijst.xlsx is geen Excel-bestand (.xlsx). Het lijkt een tekstbestand; is het een "
        "CSV-bestand? Geef het dan de extensie .csv. Er is niets ingelezen."
    )


def test_random_bytes_named_xlsx(tmp_path):
    (tmp_path / "kapot.xlsx").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(PortalFileError, match=r"^kapot.xlsx is geen Excel-bestand \(.xlsx\). Er is niets ingelezen.$"):
        parse(tmp_path / "kapot.xlsx")


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "zip.xlsx", "w") as z:
        z.writestr("hallo.txt", "geen werkmap")
    with pytest.raises(PortalFileError, match=r"^zip.xlsx is geen geldig Excel-bestand \(.xlsx\): het is beschadigd"):
        parse(tmp_path / "zip.xlsx")


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat"], [B0, "ja"]])
    data = good.read_bytes()
    (tmp_path / "half.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(PortalFileError, match="geen geldig Excel-bestand"):
        parse(tmp_path / "half.xlsx")


def test_old_xls_and_unknown_suffix(tmp_path):
    (tmp_path / "oud.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(PortalFileError, match=r"oude Excel-formaat \(.xls\)"):
        parse(tmp_path / "oud.xls")
    (tmp_path / "lijst.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(PortalFileError, match=r"onbekend bestandstype '.pdf'; verwacht .xlsx of .csv"):
        parse(tmp_path / "lijst.pdf")


def test_missing_file(tmp_path):
    with pytest.raises(PortalFileError, match="bestaat niet"):
        parse(tmp_path / "nergens.xlsx")


# -- csv --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters(tmp_path, delimiter):
    p = write_csv(tmp_path / "a.csv", [["BSN", "Resultaat"], [B0, "ja"], [ZERO_BSN[1:], "nee"]], delimiter=delimiter)
    table, parsed = parse(p)
    assert table.sheet is None and table.where == "kopregel op regel 1"
    assert outcomes(parsed) == [(2, "ok", "", B0), (3, "ok", "BSN had 8 cijfers; voorloopnul aangevuld", ZERO_BSN)]


def test_csv_with_bom_and_blank_lines(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffBSN;Resultaat\r\n".encode() + f"{B0};ja\r\n;\r\n\r\n{B1};nee\r\n\r\n".encode())
    _, parsed = parse(p)
    assert outcomes(parsed) == [
        (2, "ok", "", B0),
        (3, "skip", "lege regel", None),
        (4, "skip", "lege regel", None),
        (5, "ok", "", B1),
    ]


def test_csv_in_the_wrong_encoding(tmp_path):
    p = write_csv(tmp_path / "a.csv", [["BSN", "Resultaat", "Naam"], [B0, "ja", "Zoë Öztürk"]], encoding="cp1252")
    with pytest.raises(PortalFileError) as exc:
        parse(p)
    assert str(exc.value) == (
        "a.csv is geen UTF-8-tekst (eerste onleesbare teken op regel 2). Sla de lijst in Excel "
        "op als 'CSV UTF-8 (door komma's gescheiden)' en lees haar opnieuw in. Er is niets "
        "ingelezen."
    )


def test_xlsx_named_csv(tmp_path):
    good = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat"], [B0, "ja"]])
    (tmp_path / "b.csv").write_bytes(good.read_bytes())
    with pytest.raises(PortalFileError, match=r"is een Excel-bestand met de extensie .csv"):
        parse(tmp_path / "b.csv")


def test_empty_csv(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"")
    with pytest.raises(PortalFileError, match=r"is leeg \(0 bytes\)"):
        parse(tmp_path / "a.csv")


# -- cells ------------------------------------------------------------------------------------------


def test_cell_dates():
    assert cell_date(datetime(2025, 3, 1, 0, 0)) == (date(2025, 3, 1), None)
    assert cell_date("01-03-2025") == (date(2025, 3, 1), None)
    assert cell_date(" 2025-03-01 ") == (date(2025, 3, 1), None)
    assert cell_date(45717) == (date(2025, 3, 1), "datum als getal opgeslagen; gelezen als 01-03-2025")
    with pytest.raises(CellError, match="ligt in de toekomst"):
        cell_date(date(2999, 1, 1), today=TODAY)
    with pytest.raises(CellError, match=r"'31-02-2025' is geen datum"):
        cell_date("31-02-2025")


def test_cell_bsn_never_shows_the_full_number():
    with pytest.raises(CellError) as exc:
        cell_bsn("999900007")
    assert "999900007" not in str(exc.value) and str(exc.value) == "BSN ******007 klopt niet (elfproef)"


def test_wrong_dimension_in_the_file_does_not_lose_rows(tmp_path):
    # Some tools write <dimension ref="A1"/> whatever the size; openpyxl would stop reading at A1.
    good = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Resultaat"], [B0, "ja"], [B1, "nee"]])
    bad = tmp_path / "b.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
                assert b'<dimension ref="A1"/>' in data
            zout.writestr(item, data)
    _, parsed = parse(bad)
    assert [r.bsn for r in parsed.records] == [B0, B1]


def test_a_bsn_cell_that_comes_again_gives_the_same_answer_each_time(tmp_path):
    """parse_table asks cell_bsn once per distinct cell (type and value): a number and a text of the
    same digits read apart, a refused cell is refused again on every row."""
    number = int(B0)
    rows = [["BSN", "Resultaat"], [B0, "ja"], [number, "ja"], [B0, "ja"], [number, "nee"], ["12", "ja"], ["12", "ja"]]
    _, parsed = parse(write_xlsx(tmp_path / "again.xlsx", rows))
    assert outcomes(parsed) == [
        (2, "ok", "", B0),
        (3, "ok", "BSN als getal opgeslagen", B0),
        (4, "ok", "", B0),
        (5, "ok", "BSN als getal opgeslagen", B0),
        (6, "reject", "BSN ** heeft 2 cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)", None),
        (7, "reject", "BSN ** heeft 2 cijfers; een BSN heeft er 9 (of 8 met een voorloopnul)", None),
    ]


# -- rows that come again ---------------------------------------------------------------------------

ROW = st.lists(
    st.sampled_from(["", " ", "ja", "x" * 12, None, 7, 2.5, datetime(2020, 1, 2), "  nee "]), max_size=5
).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    distinct=st.lists(ROW, min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), max_size=16),
    limits=st.tuples(st.integers(1, 20), st.integers(1, 13), st.integers(1, 60)),
)
def test_a_row_that_is_the_tuple_of_a_row_before_it_is_collected_as_the_long_way_collects_it(distinct, picks, limits):
    """``_collect`` knows a row that is the very tuple of a row before it (``sheet_rows`` gives a row
    whose cells repeat an earlier row's that row's tuple): the same dict, blank rows, counts of
    unmapped values and refusals (too many rows, a cell or the text over its limit) as a row read
    the long way."""
    from herstel_tui.files import portal_reader
    from herstel_tui.files.portal_common import ReadLimits

    rows = [distinct[i % len(distinct)] for i in picks]
    header = portal_reader._match_header(("BSN", "", "Resultaat"), portal_reader._lookup(COLS))
    n_rows, cell_chars, text = limits
    read_limits = ReadLimits(rows=n_rows, cell_chars=cell_chars, file_mb=text)

    def collected(source):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(portal_reader, "MB", 1)  # (file_mb: characters of text)
            try:
                return portal_reader._collect(source, 2, header, "l.xlsx", read_limits)
            except PortalFileError as exc:
                return str(exc)

    got = collected(iter(rows))
    assert got == collected(tuple(list(values)) for values in rows)  # (each row a tuple of its own)
    if not isinstance(got, str):  # a tuple that comes again: its dict again
        filled = [values for values in rows if not all(map(is_blank, values))]
        dicts: dict[int, set[int]] = {}
        for values, (_, kept) in zip(filled, got[0]):
            dicts.setdefault(id(values), set()).add(id(kept))
        assert all(len(ids) == 1 for ids in dicts.values())


def test_same_rows_knows_a_row_by_its_identity_only() -> None:
    """``SameRows`` gives what was made of the very row object: an equal row that is another
    object is not known; a row it remembers is held, so no new row takes its id (a hit is that
    row); past its limit it remembers nothing more."""
    memo: SameRows[str] = SameRows()
    row = {"bsn": "123456782"}
    memo.put(row, "record")
    assert memo.known.get(id(row)) == "record"
    assert memo.known.get(id({"bsn": "123456782"})) is None  # (equal, not the same)
    memo.put({"bsn": "dropped"}, "held")  # (only the memo holds this row)
    for _ in range(1000):
        assert memo.known.get(id({"bsn": "new"})) is None
    limited: SameRows[int] = SameRows(2)
    rows = [(i,) for i in range(3)]
    for i, r in enumerate(rows):
        limited.put(r, i)
    assert [limited.known.get(id(r)) for r in rows] == [0, 1, None]
