"""The portal's rules for a vraagbestand kindregeling, checked the way the portal reads the file.

The project's own test helper (no openpyxl, no package code): it opens the .xlsx as what it is, a
zip of XML parts, so what our writer produces is judged independently of the library that wrote it.

Rules (the domain brief, "Files exchanged with the Belastingdienst portal"):
- the name is ``VK-<portal id>-Kindregeling_<jjjjmmdd>.xlsx``, the date a real calendar date;
- exactly one worksheet; cell A1 holds exactly ``BSN``; nothing stands outside column A;
- every row below holds one BSN as text: nine digits that pass the 11-check (leading zeros kept);
- no blank rows between BSNs, no duplicates, no formulas; at least one BSN.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
NAME = re.compile(r"VK-(GPB[0-9A-Z]{4})-Kindregeling_(\d{8})\.xlsx")
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def bsn_ok(s: str) -> bool:
    """Nine digits and the 11-check (weights 9..2, the last digit counts -1), written out by hand."""
    if not re.fullmatch(r"\d{9}", s) or s == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(s[:8], range(9, 1, -1))) - int(s[8])
    return total % 11 == 0


@dataclass(frozen=True)
class Cell:
    ref: str
    column: str
    row: int
    kind: str  # "text", "number", "bool", "formula", "error"
    value: str


def _text(node: ET.Element | None) -> str:
    """All <t> text below a string item (rich text runs joined)."""
    if node is None:
        return ""
    return "".join(t.text or "" for t in node.iter(f"{{{NS['m']}}}t"))


def read_cells(path: Path) -> tuple[list[str], list[Cell]]:
    """The worksheet names and the non-empty cells of the first worksheet, as stored in the package."""
    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        sheets = workbook.findall("m:sheets/m:sheet", NS)
        names = [s.get("name", "") for s in sheets]
        if not sheets:
            return names, []
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", NS)}
        target = targets[sheets[0].get(f"{{{NS['r']}}}id")]
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [_text(si) for si in sst.findall("m:si", NS)]
        sheet = ET.fromstring(z.read(part))
    cells = []
    for c in sheet.iter(f"{{{NS['m']}}}c"):
        ref = c.get("r", "")
        m = CELL_REF.fullmatch(ref)
        if not m:
            raise ValueError(f"cell without a reference in {part}")
        t = c.get("t", "n")
        v = c.find("m:v", NS)
        if c.find("m:f", NS) is not None:
            kind, value = "formula", (v.text or "") if v is not None else ""
        elif t == "inlineStr":
            kind, value = "text", _text(c.find("m:is", NS))
        elif t == "s":
            kind, value = "text", shared[int(v.text)] if v is not None and v.text else ""
        elif t == "str":
            kind, value = "text", (v.text or "") if v is not None else ""
        elif t == "b":
            kind, value = "bool", (v.text or "") if v is not None else ""
        elif t == "e":
            kind, value = "error", (v.text or "") if v is not None else ""
        else:
            if v is None or v.text is None:
                continue  # a styled but empty cell holds nothing
            kind, value = "number", v.text
        if kind == "text" and value == "" and c.find("m:f", NS) is None:
            continue
        cells.append(Cell(ref, m.group(1), int(m.group(2)), kind, value))
    return names, cells


def check_vraagbestand(path: Path, portal_id: str | None = None, date: str | None = None) -> tuple[list[str], int]:
    """(problems, number of BSNs): no problems means the portal reads the file."""
    path = Path(path)
    problems: list[str] = []
    m = NAME.fullmatch(path.name)
    if not m:
        problems.append(f"file name {path.name!r} is not VK-GPB????-Kindregeling_jjjjmmdd.xlsx")
    else:
        if portal_id and m.group(1) != portal_id:
            problems.append(f"portal id {m.group(1)} in the name, expected {portal_id}")
        try:
            datetime.strptime(m.group(2), "%Y%m%d")
        except ValueError:
            problems.append(f"{m.group(2)} in the name is not a date")
        if date and m.group(2) != date:
            problems.append(f"date {m.group(2)} in the name, expected {date}")
    try:
        names, cells = read_cells(path)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as exc:
        return [*problems, f"not a readable xlsx: {exc}"], 0
    if len(names) != 1:
        problems.append(f"{len(names)} worksheets, expected exactly 1")
    by_row: dict[int, Cell] = {}
    for cell in cells:
        if cell.column != "A":
            problems.append(f"{cell.ref} holds {cell.value!r}: nothing may stand outside column A")
        else:
            by_row[cell.row] = cell
    head = by_row.pop(1, None)
    if head is None or (head.kind, head.value) != ("text", "BSN"):
        problems.append(f"A1 holds {head.value if head else None!r}, expected 'BSN'")
    seen: set[str] = set()
    expected_row = 2
    for row in sorted(by_row):
        cell = by_row[row]
        if row != expected_row:
            problems.append(f"blank row {expected_row} before a BSN in row {row}")
        expected_row = row + 1
        if cell.kind == "formula":
            problems.append(f"{cell.ref} holds a formula")
        elif cell.kind != "text":
            problems.append(f"{cell.ref} holds {cell.value!r} as {cell.kind}: BSNs must be stored as text")
        elif not bsn_ok(cell.value):
            problems.append(f"{cell.ref} holds {cell.value!r}: not a valid BSN (nine digits, 11-check)")
        if cell.value in seen:
            problems.append(f"{cell.ref} repeats BSN {cell.value}")
        seen.add(cell.value)
    if not by_row:
        problems.append("no BSN below the header")
    return problems, len(by_row)
