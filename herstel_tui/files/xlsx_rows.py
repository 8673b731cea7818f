"""The rows of a worksheet opened read-only by openpyxl, read straight from the sheet's XML.

openpyxl's read-only rows build a dictionary and descriptor objects per cell (an inline string is a
``Text`` object from an element tree): about 5 s for a 50,000-row portal list, most of the
import. :func:`sheet_rows` gives the same values for ``ws.iter_rows(min_row=..., values_only=True)``
after ``ws.reset_dimensions()`` (the same row tuples, gaps as empty rows, the same numbers, dates,
booleans and texts), with the workbook's own shared strings and date styles, but feeds the XML to
expat with callbacks per element and keeps only the values. The parser refuses what defusedxml
refuses for openpyxl (entity declarations, external references: the same exceptions); a damaged
sheet raises the parser's error like openpyxl's does. ``tests/files/test_xlsx_rows.py`` compares the two.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # expat's name: namespace}local
_ROW, _CELL, _VALUE, _INLINE = _MAIN + "row", _MAIN + "c", _MAIN + "v", _MAIN + "is"
_TEXT, _RUN, _PHONETIC, _DATA = _MAIN + "t", _MAIN + "r", _MAIN + "rPh", _MAIN + "sheetData"
CHUNK = 1 << 16


def _column(ref: str) -> int:
    """'AB12' -> 28 (1-based column of a cell reference)."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        elif 97 <= o <= 122:
            n = n * 26 + o - 96
        else:
            break
    return n


class _Rows:
    """Parser target: collects (row number, [(column, value)]) for each finished <row>."""

    def __init__(self, shared: list[str], epoch: Any, dates: set[int], durations: set[int]) -> None:
        self.shared, self.epoch, self.dates, self.durations = shared, epoch, dates, durations
        self.done: list[tuple[int, list[tuple[int, Any]]]] = []
        self.in_data = False
        self.row = 0
        self.col = 0
        self.cells: list[tuple[int, Any]] = []
        self.kind = "n"
        self.style = 0
        self.text: list[str] | None = None  # characters of the <v> or <t> being read
        self.value: str | None = None  # the cell's <v>
        self.inline: list[str] | None = None  # the pieces of an inline string (<is>)
        self.plain: str | None = None  # the <t> directly under <is> (openpyxl's Text.plain)
        self.depth_run = 0  # inside <r> of an inline string
        self.in_phonetic = 0  # inside <rPh>: not part of the text

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == _CELL:
            self.kind = attrib.get("t", "n")
            s = attrib.get("s")
            self.style = int(s) if s else 0
            ref = attrib.get("r")
            self.col = _column(ref) if ref else self.col + 1
            self.value = None
            self.inline = None
            self.plain = None
        elif tag == _VALUE:
            self.text = []
        elif tag == _TEXT:
            if self.inline is not None and not self.in_phonetic:
                self.text = []
        elif tag == _ROW:
            r = attrib.get("r")
            if r:
                try:
                    self.row = int(r)
                except ValueError:
                    val = float(r)
                    if not val.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    self.row = int(val)
            else:
                self.row += 1
            self.col = 0
            self.cells = []
        elif tag == _INLINE:
            self.inline = []
        elif tag == _RUN:
            self.depth_run += 1
        elif tag == _PHONETIC:
            self.in_phonetic += 1
        elif tag == _DATA:
            self.in_data = True

    def data(self, chunk: str) -> None:
        if self.text is not None:
            self.text.append(chunk)

    def end(self, tag: str) -> None:
        if tag == _VALUE:
            if self.text is not None:
                self.value = "".join(self.text)
                self.text = None
        elif tag == _TEXT:
            if self.text is not None and self.inline is not None:
                piece = "".join(self.text)
                self.text = None
                if self.depth_run:
                    self.inline.append(piece)
                else:
                    self.plain = piece
        elif tag == _CELL:
            if self.in_data:
                self.cells.append((self.col, self._cast()))
        elif tag == _ROW:
            if self.in_data:
                self.done.append((self.row, self.cells))
        elif tag == _RUN:
            self.depth_run -= 1
        elif tag == _PHONETIC:
            self.in_phonetic -= 1
        elif tag == _DATA:
            self.in_data = False

    def _cast(self) -> Any:
        """The value as openpyxl's WorkSheetParser.parse_cell gives it (data_only)."""
        kind = self.kind
        if kind == "inlineStr":
            if self.inline is None:
                return None
            return "".join([self.plain, *self.inline] if self.plain is not None else self.inline)
        value = self.value or None
        if value is None:
            return None
        if kind == "n":
            number: Any = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            if self.style in self.dates:
                from openpyxl.utils.datetime import from_excel

                try:
                    return from_excel(number, self.epoch, timedelta=self.style in self.durations)
                except (OverflowError, ValueError):
                    warnings.warn(f"Cell outside the limits for dates ({value})", stacklevel=2)
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (an error such as #N/A)

    def close(self) -> None:
        return None


def _parser(target: _Rows) -> Any:
    """An expat parser calling ``target``, defused as defusedxml defuses openpyxl's."""
    from xml.parsers import expat

    from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden  # type: ignore[import-untyped]

    def entity(name, is_parameter, value, base, sysid, pubid, notation):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)

    def unparsed(name, base, sysid, pubid, notation):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed
    parser.ExternalEntityRefHandler = external
    parser.StartElementHandler = target.start
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    return parser


def sheet_rows(ws: Any, min_row: int = 1) -> Iterator[tuple[Any, ...]]:
    """``ws.iter_rows(min_row=min_row, values_only=True)`` of a read-only worksheet whose
    dimensions were reset: a tuple per row up to the row's last cell, an empty tuple for a row
    without cells or a row missing from the file."""
    wb = ws.parent
    target = _Rows(ws._shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats)
    parser = _parser(target)
    counter = min_row
    with ws._get_source() as src:
        while True:
            chunk = src.read(CHUNK)
            parser.Parse(chunk, not chunk)
            for idx, cells in target.done:
                while counter < idx:  # rows missing from the file
                    counter += 1
                    yield ()
                if counter <= idx:
                    counter += 1
                    if not cells:
                        yield ()
                        continue
                    width = cells[-1][0]
                    row: list[Any] = [None] * width
                    for col, value in cells:
                        if 1 <= col <= width:
                            row[col - 1] = value
                    yield tuple(row)
            target.done.clear()
            if not chunk:
                break
