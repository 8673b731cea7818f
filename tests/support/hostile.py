"""Hostile files, generated (nothing big is stored in the repository): the tests use them small,
``bench/bench_hostile.py`` full size."""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_xlsx(
    path: Path, rows: int, *, wide: bool = True, level: int = 6, same: bool = False, cell: str = "", column: str = "D"
) -> None:
    """A minimal xlsx written part by part (openpyxl would need minutes and gigabytes for this):
    a header BSN/Voornamen/Achternaam and ``rows`` data rows, streamed into the zip. ``same``: every
    row identical and without cell references (allowed by OOXML), so it compresses ~1000 to 1: a
    zip bomb. ``cell``: this text in ``column`` (D: not a mapped one) of every row (a long cell)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD.encode())
            fh.write(
                f'<row r="1">{_cell("A1", "BSN")}{_cell("B1", "Voornamen")}{_cell("C1", "Achternaam")}</row>'.encode()
            )
            chunk: list[str] = []
            bomb_row = "<row>" + "".join(_inline(t) for t in ("999900006", "Anna", "Jansen")) + "</row>"
            for r in range(2, rows + 2):
                if same:
                    chunk.append(bomb_row)
                elif cell:
                    chunk.append(f'<row r="{r}">{_cell(f"A{r}", "999900006")}{_cell(f"{column}{r}", cell)}</row>')
                elif wide:
                    chunk.append(
                        f'<row r="{r}">{_cell(f"A{r}", "999900006")}{_cell(f"B{r}", f"Anna{r % 997}")}'
                        f"{_cell(f'C{r}', f'Jansen{r % 991}')}</row>"
                    )
                else:
                    chunk.append(f'<row r="{r}">{_cell(f"A{r}", "999900006")}</row>')
                if len(chunk) == 10_000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write("".join(chunk).encode())
            fh.write(SHEET_TAIL.encode())


def write_bytes_repeated(path: Path, head: bytes, byte: bytes, size: int, tail: bytes = b"") -> Path:
    """``head``, then ``byte`` repeated to ``size`` bytes (written in 1 MB pieces), then ``tail``."""
    with open(path, "wb") as fh:
        fh.write(head)
        left = size
        while left > 0:
            n = min(left, 1 << 20)
            fh.write(byte * n)
            left -= n
        fh.write(tail)
    return path


def write_xlsx_with_entities(path: Path) -> Path:
    """An xlsx whose sheet declares entities (billion laughs, an external file): a DTD in a file
    from a mailbox is refused whole (defusedxml), never expanded."""
    write_xlsx(path, 2)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    dtd = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
    )
    sheet = sheet.replace("?>\n", "?>\n" + dtd, 1).replace("<t>Anna", "<t>&c;&x;Anna", 1)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path
