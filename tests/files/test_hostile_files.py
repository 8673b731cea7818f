"""Issue 15, point 4: bounded reading. Files from the portal or a mailbox are refused whole, naming
the limit of ``[grenzen]``, before they cost memory. The files are generated (tests/support/hostile),
small here under small limits; ``bench/bench_hostile.py`` runs them full size with /usr/bin/time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from herstel_tui.files.portal_common import PortalFileError, ReadLimits, cell_text
from herstel_tui.files.portal_reader import MAX_LINE, read_table
from tests.support.hostile import write_bytes_repeated, write_xlsx, write_xlsx_with_entities

COLUMNS = {"bsn": ["BSN"], "voornamen": ["Voornamen"], "achternaam": ["Achternaam"]}
REQUIRED = ["bsn"]
SMALL = ReadLimits(rows=10, file_mb=1, cell_chars=100, unpacked_mb=1)
LIMIT_HINT = "onder [grenzen] in de configuratie). Er is niets ingelezen."


def read(path: Path, limits: ReadLimits = SMALL):
    return read_table(path, COLUMNS, REQUIRED, limits=limits)


def test_zip_bomb_refused_from_its_declared_size(tmp_path):
    p = tmp_path / "bom.xlsx"
    write_xlsx(p, 30_000, level=9, same=True)  # ~4 MB of XML in a few kB
    assert p.stat().st_size < 100_000
    with pytest.raises(PortalFileError) as exc:
        read(p)
    assert str(exc.value).startswith(
        "bom.xlsx pakt uit tot 4 MB (mogelijk een zip-bom); de grens is 1 MB (uitgepakt_mb "
    )
    assert str(exc.value).endswith(LIMIT_HINT)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_too_many_rows(tmp_path, suffix):
    p = tmp_path / f"rijen{suffix}"
    if suffix == ".xlsx":
        write_xlsx(p, 11)
    else:
        p.write_text("BSN;Voornamen\n" + "999900006;Anna\n" * 11, encoding="utf-8")
    with pytest.raises(PortalFileError) as exc:
        read(p)
    assert str(exc.value) == f"rijen{suffix} heeft meer dan 10 regels; de grens is 10 regels (regels {LIMIT_HINT}"
    assert len(read(p, ReadLimits(rows=11)).rows) == 11  # at the limit: read


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_cell_over_the_limit(tmp_path, suffix):
    p = tmp_path / f"cel{suffix}"
    if suffix == ".xlsx":
        write_xlsx(p, 3, cell="x" * 101)
    else:
        p.write_text("BSN;Voornamen\n999900006;" + "x" * 101 + "\n", encoding="utf-8")
    with pytest.raises(PortalFileError) as exc:
        read(p)
    assert "een cel van meer dan 100 tekens" in str(exc.value) or "een veld van meer dan 100 tekens" in str(exc.value)
    assert str(exc.value).endswith(f"de grens is 100 tekens (tekens_per_cel {LIMIT_HINT}")


def test_more_text_than_the_limit_in_the_mapped_columns(tmp_path):
    """A small file may unpack into much text (within uitgepakt_mb): what is kept is capped too."""
    p = tmp_path / "tekst.xlsx"
    write_xlsx(p, 3, cell="x" * 400_000, column="B")
    limits = ReadLimits(file_mb=1, cell_chars=1_000_000, unpacked_mb=100)
    with pytest.raises(PortalFileError) as exc:
        read(p, limits)
    assert str(exc.value) == (
        f"tekst.xlsx heeft in de gelezen kolommen meer dan 1 miljoen tekens (tot regel 4); de grens is 1 MB "
        f"(bestand_mb {LIMIT_HINT}"
    )


def test_a_file_over_the_size_limit(tmp_path):
    p = write_bytes_repeated(tmp_path / "groot.csv", b"BSN;Voornamen\n", b";", (1 << 20) + 1)
    with pytest.raises(PortalFileError) as exc:
        read(p)
    assert str(exc.value) == f"groot.csv is 1.0 MB; de grens is 1 MB (bestand_mb {LIMIT_HINT}"


@pytest.mark.parametrize("body", [b";", b"x"], ids=["separators", "one field"])
def test_a_line_over_a_million_characters(tmp_path, body):
    head = b"" if body == b";" else b"BSN;Voornamen\n999900006;"
    p = write_bytes_repeated(tmp_path / "regel.csv", head, body, MAX_LINE + 10, b"\n")
    with pytest.raises(PortalFileError) as exc:
        read(p, ReadLimits())
    line = 1 if body == b";" else 2
    assert str(exc.value) == (
        f"regel.csv heeft op regel {line} een regel van meer dan 1.000.000 tekens; de grens is "
        f"1.000.000 tekens per regel (tekens_per_cel {LIMIT_HINT}"
    )


def test_an_xlsx_with_entities_is_refused_whole(tmp_path):
    """XML entity attacks (billion laughs, external entities): defusedxml refuses the DTD."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # installed as a dependency, so openpyxl parses with it
    p = write_xlsx_with_entities(tmp_path / "entiteiten.xlsx")
    with pytest.raises(PortalFileError) as exc:
        read(p, ReadLimits())
    assert str(exc.value).startswith("entiteiten.xlsx: werkblad 'Blad1' kan niet worden gelezen (")
    assert str(exc.value).endswith("). Er is niets ingelezen.")


def test_nul_after_byte_4096_is_removed_from_the_cell(tmp_path):
    """Issue 15, point 3: a NUL after the first 4096 bytes reached the register (and broke `brief`)."""
    p = tmp_path / "nul.csv"
    p.write_bytes(b"BSN;Voornamen;Achternaam\n" + b"999900006;Anna;Jansen\n" * 300 + b"999900018;Pi\x00et\x1b[2J;Vos\n")
    table = read(p, ReadLimits())
    assert cell_text(table.rows[-1][1]["voornamen"]) == "Piet"


PEAK = "\nimport resource\nprint('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"


def peak_rss_mb_of_child(code: str) -> float:
    """The child's own peak RSS (ru_maxrss of RUSAGE_SELF, read by the child as it ends), in MB."""
    r = subprocess.run([sys.executable, "-c", code + PEAK], check=True, capture_output=True, text=True, timeout=300)
    (line,) = [x for x in r.stdout.splitlines() if x.startswith("PEAK ")]
    return int(line.split()[1]) / 1024


def test_memory_stays_bounded_while_streaming(tmp_path):
    """A smaller-scale proof of the bound (the full-size one is bench/bench_hostile.py): 20 MB of ';'
    on one line and a 20 MB field, with the size limit out of the way, cost a child process no more
    than 60 MB over the same child reading nothing; each is refused."""
    sep = write_bytes_repeated(tmp_path / "sep.csv", b"", b";", 20 << 20)
    field = write_bytes_repeated(tmp_path / "field.csv", b"BSN;Voornamen\n999900006;", b"x", 20 << 20, b"\n")
    code = (
        "from herstel_tui.files.portal_reader import read_table\n"
        "from herstel_tui.files.portal_common import ReadLimits, PortalFileError\n"
        "try:\n"
        "    read_table(PATH, {'bsn': ['BSN']}, ['bsn'], limits=ReadLimits(file_mb=10_000))\n"
        "except PortalFileError as exc:\n"
        "    print('REFUSED', exc)\n"
    )
    floor = peak_rss_mb_of_child("import herstel_tui.files.portal_reader")
    for path in (sep, field):
        peak = peak_rss_mb_of_child(code.replace("PATH", repr(str(path))))
        assert peak < floor + 60, (path.name, peak, floor)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR (Excel for Mac)"])
def test_csv_line_endings_while_streaming(tmp_path, ending):
    p = tmp_path / "eindes.csv"
    body = ending.join(["BSN;Voornamen", "999900006;Anna", '999900018;"Piet' + ending + 'Jan"', "999900031;Noor", ""])
    p.write_bytes(body.encode())
    rows = read(p, ReadLimits()).rows
    assert [(n, r["voornamen"]) for n, r in rows] == [(2, "Anna"), (3, "Piet" + ending + "Jan"), (4, "Noor")]


def test_a_long_csv_streams_across_chunks(tmp_path):
    """Lines that straddle the reader's 64 kB chunks, a CR LF split between two chunks."""
    p = tmp_path / "lang.csv"
    lines = ["BSN;Voornamen"] + [f"999900006;Naam{i:05d}" + "x" * (i % 50) for i in range(20_000)]
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    rows = read(p, ReadLimits()).rows
    assert len(rows) == 20_000 and rows[-1][1]["voornamen"] == "Naam19999" + "x" * (19_999 % 50)


@pytest.mark.parametrize("chunk", range(1, 10))
def test_line_splitting_matches_a_text_file_whatever_the_chunk(tmp_path, monkeypatch, chunk):
    import io

    from herstel_tui.files import portal_reader

    text = 'a;b\r\nc\rd\n\r\n\re;"f\r\ng"\r\nlaatste'
    p = tmp_path / "x.csv"
    p.write_bytes(text.encode())
    monkeypatch.setattr(portal_reader._Lines, "CHUNK", chunk)
    lines = portal_reader._Lines(p, ReadLimits())
    with open(p, "rb") as fh:
        lines.fh = fh
        got = list(lines)
    assert got == list(io.StringIO(text, newline=""))


def test_a_bsn_list_of_nothing_but_newlines_is_streamed(tmp_path):
    """`portaal vraagbestand --uit`: 10 MB of newlines became a list of 10 million lines (80 MB)."""
    from herstel_tui.services.portal import read_bsn_file

    p = write_bytes_repeated(tmp_path / "leeg.txt", b"BSN\r\n999900006\n", b"\n", 10 << 20, b"999900018")
    code = f"from herstel_tui.services.portal import read_bsn_file\nprint('ROWS', len(read_bsn_file({str(p)!r})))\n"
    floor = peak_rss_mb_of_child("import herstel_tui.services.portal")
    assert peak_rss_mb_of_child(code) < floor + 30
    assert [v for _, v in read_bsn_file(p)] == ["999900006", "999900018"]
