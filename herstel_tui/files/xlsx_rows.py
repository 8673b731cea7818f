"""The rows of a worksheet opened read-only by openpyxl, read straight from the sheet's XML.

openpyxl's read-only rows build a dictionary and descriptor objects per cell (an inline string is a
``Text`` object from an element tree): about 5 s for a 50,000-row portal list, most of the
import. :func:`sheet_rows` gives the same values for ``ws.iter_rows(min_row=..., values_only=True)``
after ``ws.reset_dimensions()`` (the same row tuples, gaps as empty rows, the same numbers, dates,
booleans and texts), with the workbook's own shared strings and date styles, but keeps only the
values. ``tests/files/test_xlsx_rows.py`` compares the two.

Two ways, one result:

- **the parser** (:class:`_Rows`): expat with callbacks per element, for any sheet. It refuses what
  defusedxml refuses for openpyxl (entity declarations, external references: the same
  exceptions); a damaged sheet raises the parser's error like openpyxl's does.
- **plain sheets** (:func:`_plain_cells`, three times as fast): the ``<sheetData>`` of a sheet as
  Excel, LibreOffice and openpyxl write it (rows of cells with ``r``, ``s`` and ``t`` in that
  order, a value, an inline string or a formula without attributes; UTF-8; no DTD) read with one
  regular expression per megabyte, its text checked as the parser would check it (the characters
  XML allows, entity references); expat still reads everything around ``<sheetData>``. Anything
  else in it, or any error at all, and the sheet is read by the parser after all, from the start
  (the rows already given are passed over): a sheet the fast way does not know is the parser's
  to read or refuse. Within it, a row of a *shape* (the same cells with the same attributes, each
  a ``<v>`` or an ``<is><t>``: most rows of a list; the row before's, or one met before) is read
  in one match of a pattern made for that shape (:func:`_shape`), its values cast as the tokens'
  are: a 50,000-row list in a third of the time. A row whose cells hold the texts of an earlier
  row of its shape is given that row's tuple of values again, cast once (a list repeats a person's
  rows: 50,000 rows, 15,000 different ones); whoever reads the rows can know such a row by that
  tuple (``portal_reader._collect`` does).
"""

from __future__ import annotations

import re
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
        inline = None
        if self.inline is not None:
            inline = "".join([self.plain, *self.inline] if self.plain is not None else self.inline)
        return _cast(self.kind, self.style, self.value, inline, self.shared, self.epoch, self.dates, self.durations)

    def close(self) -> None:
        return None


def _cast(
    kind: str,
    style: int,
    value: str | None,
    inline: str | None,
    shared: list[str],
    epoch: Any,
    dates: set[int],
    durations: set[int],
) -> Any:
    """A cell's value as openpyxl's WorkSheetParser.parse_cell gives it (data_only): ``kind`` its
    ``t``, ``style`` its ``s``, ``value`` the text of its ``<v>`` (None: none), ``inline`` the text
    of its ``<is>`` (None: none)."""
    if kind == "inlineStr":
        return inline
    value = value or None
    if value is None:
        return None
    if kind == "n":
        number: Any = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        if style in dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                warnings.warn(f"Cell outside the limits for dates ({value})", stacklevel=3)
                return "#VALUE!"
        return number
    if kind == "s":
        return shared[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return from_ISO8601(value)
    return value  # "str" (a formula's text), "e" (an error such as #N/A)


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
    without cells or a row missing from the file. A row of a shape whose cells hold what those of an
    earlier row of that shape held is that row's tuple again (the same object)."""
    counter = min_row
    dense: dict[int, tuple[int, ...]] = {}  # n -> (1, ..., n)
    for idx, cells in _row_cells(ws):
        while counter < idx:  # rows missing from the file
            counter += 1
            yield ()
        if counter <= idx:
            counter += 1
            if isinstance(cells, tuple):  # (the row's values already: a row of a shape)
                yield cells
            elif not cells:
                yield ()
            else:
                yield _values(cells, dense)


def _values(cells: list[tuple[int, Any]], dense: dict[int, tuple[int, ...]]) -> tuple[Any, ...]:
    """The tuple of a row's (column, value) cells (not none): a value per column up to the last
    cell's column, None where no cell is; ``dense``: n -> (1, ..., n), filled as met."""
    columns, values = zip(*cells)
    n = len(columns)
    if columns == (dense.get(n) or dense.setdefault(n, tuple(range(1, n + 1)))):
        return values  # (a cell in every column from A, in order: most rows)
    width = cells[-1][0]
    row: list[Any] = [None] * width
    for col, value in cells:
        if 1 <= col <= width:
            row[col - 1] = value
    return tuple(row)


# a row's cells: [(column, value)], or (a row of a shape, see _plain_cells) its values as sheet_rows gives them
Cells = list[tuple[int, Any]] | tuple[Any, ...]


def _row_cells(ws: Any) -> Iterator[tuple[int, Cells]]:
    """(row number, cells) of each <row> of the sheet, in the file's order: the plain way while the
    sheet is plain, else (from the start, passing over the rows given) the parser's."""
    given = 0
    try:
        for item in _plain_cells(ws):
            given += 1
            yield item
        return
    except Exception:  # not plain (or damaged): the parser reads it, or says what is wrong
        pass
    for item in _parsed_cells(ws):
        if given:
            given -= 1
            continue
        yield item


def _parsed_cells(ws: Any) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    wb = ws.parent
    target = _Rows(ws._shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats)
    parser = _parser(target)
    with ws._get_source() as src:
        while True:
            chunk = src.read(CHUNK)
            parser.Parse(chunk, not chunk)
            yield from target.done
            target.done.clear()
            if not chunk:
                break


# -- plain sheets ----------------------------------------------------------------------------------


class _Columns(dict):
    """'AB' -> 28, each computed once."""

    def __missing__(self, letters: str) -> int:
        n = self[letters] = _column(letters)
        return n


class _NotPlain(Exception):
    """The sheet is not as the plain way reads it: the parser reads it."""


PLAIN_CHUNK = 1 << 20  # the <sheetData> is read in pieces of about this size, cut after a </row>
_LONGEST_ROW = 8 << 20  # a row longer than this: the parser (it streams a row's text)
_HEAD_MAX = 4 << 20  # what comes before <sheetData> (it is small)
_DATA_START, _DATA_END = b"<sheetData>", b"</sheetData>"
# One token of a plain <sheetData>: a cell, a row's start (or an empty row), a row's end; else any
# character that is not XML white space (then the sheet is not plain). A cell: r, s and t in that
# order, then nothing, a <v>, an <is><t> or a <f> and a <v>.
_TOKEN = re.compile(
    r'<c(?: r="([A-Z]{1,3})\d+")?(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?[ \t\n]*'
    r'(?:/>|>(?:<f>[^<]*</f>)?(?:<v>([^<]*)</v>|<v/>|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
    r'|(<row)(?: r="(\d+)")?((?:[ \t\n]+[\w:.-]+="[^"<>&]*")*)[ \t\n]*(/?)>'
    r"|(</row>)"
    r"|([^ \t\n])"
)
# bytes XML 1.0 never allows (the control characters but tab and newline; a carriage return is
# allowed but changes the text: the parser's), and the characters above ASCII it does not allow
_BAD_BYTES = bytes([*range(0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20)])
_ALLOWED_BYTES = bytes(b for b in range(256) if b not in _BAD_BYTES)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
# A row's shape: the row of cells with a reference, r, s and t in that order, each a <v> or (an inline
# string) an <is><t> and nothing else. Rows mostly share a few shapes (a list's columns, the same
# styles): a row of the last row's shape is read in one match of a pattern made for that shape, its
# values in groups, instead of token by token (the same values: each is cast as _TOKEN's are). Its
# digits are ASCII ([0-9]: no call per digit, as \d makes in a str pattern); a row with other
# digits is read token by token.
_SHAPED_ROW = re.compile(
    r'[ \t\n]*<row r="[0-9]+"(?:[ \t\n]+[\w:.-]+="[^"<>&]*")*>'
    r'(?:<c r="[A-Z]{1,3}[0-9]+"(?: s="[0-9]+")?(?: t="[a-zA-Z]+")?>(?:<v>[^<]*</v>|<is><t>[^<]*</t></is>)</c>)+</row>'
)
_SHAPED_CELL = re.compile(r'<c r="([A-Z]{1,3})[0-9]+"( s="[0-9]+")?( t="[a-zA-Z]+")?>(<v>|<is>)')
_SHAPES = 64  # shapes kept per sheet (a sheet with more: its other rows token by token)
# how a shape's cell is cast: its text (an inline string), a shared string, a number, a styled number
# (a date), else _cast
_TEXT_CELL, _SHARED_CELL, _NUMBER_CELL, _STYLED_CELL, _OTHER_CELL = range(5)

# (the pattern's match, per cell: (column, how, s, t), the cells' columns, the cells that are not
# inline strings: (their index, column, how, s, t), the rows of the shape read so far: the texts of
# their cells -> the row's values)
Shape = tuple[
    Any,
    tuple[tuple[int, int, str, str], ...],
    tuple[int, ...],
    tuple[tuple[int, int, int, str, str], ...],
    dict[tuple[str, ...], tuple[Any, ...]],
]
_ROWS_KEPT = 1 << 16  # rows remembered per sheet (their texts and values) while it is read


def _shape(row: str, start: int, stop: int, columns: _Columns, shapes: dict[tuple, Shape | None]) -> Shape | None:
    """The shape of the row ``row[start:stop]`` (leading white space allowed), from ``shapes`` or
    made (up to _SHAPES); None when the row is not one a shape reads (then its tokens read it)."""
    if _SHAPED_ROW.fullmatch(row, start, stop) is None:
        return None
    cells = tuple(_SHAPED_CELL.findall(row, start, stop))
    if cells in shapes:
        return shapes[cells]
    if len(shapes) >= _SHAPES:
        return None
    spec: list[tuple[int, int, str, str]] = []
    parts = [r'[ \t\n]*<row r="([0-9]+)"((?:[ \t\n]+[\w:.-]+="[^"<>&]*")*)>']
    shape: Shape | None = None
    for letters, s, t, form in cells:
        style, kind = s[4:-1], t[4:-1]  # ( s="1" and  t="n": the values)
        if (kind == "inlineStr") != (form == "<is>"):  # (an inline string's <v>, another's <is>: rare)
            break
        if kind == "inlineStr":
            how = _TEXT_CELL
        elif kind == "s":
            how = _SHARED_CELL
        elif kind in ("", "n"):
            how = _STYLED_CELL if style else _NUMBER_CELL
        else:
            how = _OTHER_CELL
        spec.append((columns[letters], how, style, kind))
        value = "<v>([^<]*)</v>" if form == "<v>" else "<is><t>([^<]*)</t></is>"
        parts.append(f'<c r="{letters}[0-9]+"{s}{t}>{value}</c>')
    else:
        parts.append("</row>")
        others = tuple((j, *cell) for j, cell in enumerate(spec) if cell[1] != _TEXT_CELL)
        shape = (re.compile("".join(parts)).match, tuple(spec), tuple(cell[0] for cell in spec), others, {})
    shapes[cells] = shape
    return shape


def _char(m: re.Match) -> str:
    named, dec, hexa = m.groups()
    if named:
        return _NAMED[named]
    code = int(dec) if dec else int(hexa, 16)
    if not (
        code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    ):
        raise _NotPlain(f"character reference &#{code};")
    return chr(code)


def _unescape(text: str) -> str:
    return _ENTITY.sub(_char, text)


def _plain_cells(ws: Any) -> Iterator[tuple[int, Cells]]:
    """:func:`_parsed_cells` of a plain sheet (see the module's docstring); raises when the sheet
    is not plain, before giving the rows of the piece where that shows."""
    from xml.parsers import expat

    wb = ws.parent
    target = _Rows(ws._shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats)
    parser = _parser(target)
    scope: dict[str, list[str]] = {}  # namespace prefix -> its URIs, innermost last
    opened: list[int] = []
    parser.StartNamespaceDeclHandler = lambda prefix, uri: scope.setdefault(prefix or "", []).append(uri)
    parser.EndNamespaceDeclHandler = lambda prefix: scope[prefix or ""].pop()

    def start(tag: str, attrib: dict[str, str]) -> None:
        if tag == _DATA:
            opened.append(parser.CurrentByteIndex)
        target.start(tag, attrib)

    parser.StartElementHandler = start
    with ws._get_source() as src:
        head = b""
        while (at := head.find(_DATA_START)) < 0:
            chunk = src.read(CHUNK)
            if not chunk or len(head) > _HEAD_MAX:
                raise _NotPlain("no <sheetData>")
            head += chunk
        declared = _ENCODING.match(head)
        if not head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<!" in head[:at]:
            raise _NotPlain("not UTF-8, or a DTD")
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            raise _NotPlain("not UTF-8")
        body_at = at + len(_DATA_START)
        parser.Parse(head[:body_at], False)
        if opened != [at] or not target.in_data:
            raise _NotPlain("<sheetData> is not the sheet's")
        namespaces = "".join(f' xmlns:{p}="{uris[-1]}"' for p, uris in scope.items() if p and uris)
        row_attrs: set[str] = {""}  # the attributes of <row> after r that were found sound
        columns = _Columns()
        typed: dict[tuple[str, str], Any] = {}  # (style, number) -> the value (a date: from_excel once)
        shapes: dict[tuple, Shape | None] = {}  # the rows' shapes (None: one no pattern reads)
        shape: Shape | None = None  # the last row's
        kept = 0  # rows remembered by their shapes
        dense: dict[int, tuple[int, ...]] = {}  # (for _values)
        shared, epoch, dates, durations = target.shared, target.epoch, target.dates, target.durations

        def cast(kind: str, style: str, value: str) -> Any:
            return _cast(kind, int(style) if style else 0, value, None, shared, epoch, dates, durations)

        def dated(style: str, value: str) -> Any:
            """A styled number (a date, often the same one): cast once per style and value."""
            got = typed.get((style, value), typed)
            if got is typed:
                got = _cast("n", int(style), value, None, shared, epoch, dates, durations)
                if len(typed) < 10_000:
                    typed[(style, value)] = got
            return got

        def sound(attrs: str) -> None:
            """The attributes of a <row> (after r) as the parser would take them: well formed,
            their prefixes declared, no r and no namespace declaration among them."""
            if "xmlns" in attrs:
                raise _NotPlain("a namespace declared on a row")
            found: list[dict[str, str]] = []
            check = expat.ParserCreate(namespace_separator="}")
            check.StartElementHandler = lambda tag, attrib: found.append(attrib)
            check.Parse(f"<row{namespaces}{attrs}/>".encode(), True)
            if "r" in found[0]:
                raise _NotPlain("r is not the row's first attribute")
            row_attrs.add(attrs)

        rest = head[body_at:]
        while True:  # pieces of at most about PLAIN_CHUNK, each ending after a </row>
            end = rest.find(_DATA_END)
            last = 0 <= end <= PLAIN_CHUNK
            if not last:
                stop = end if end >= 0 else len(rest)
                cut = rest.rfind(b"</row>", 0, min(stop, PLAIN_CHUNK))
                if cut < 0:  # a row longer than a piece
                    cut = rest.find(b"</row>", 0, stop)
                if cut >= 0:
                    piece, rest = rest[: cut + 6], rest[cut + 6 :]
                elif end >= 0:  # the rest of the data has no </row>
                    last = True
                else:
                    chunk = src.read(PLAIN_CHUNK)
                    if not chunk or len(rest) > _LONGEST_ROW:
                        raise _NotPlain("no end of the sheet's data, or a very long row")
                    rest += chunk
                    continue
            if last:
                piece, rest = rest[:end], rest[end:]
            if piece.translate(None, _ALLOWED_BYTES):
                raise _NotPlain("a character XML does not allow, or a carriage return")
            text = piece.decode("utf-8")
            # ("]" first: found at once, and seldom there; a search for "]]>" walks every ">")
            if "\ufffe" in text or "\uffff" in text or ("]" in text and "]]>" in text):
                raise _NotPlain("a character XML does not allow")
            entities = "&" in text
            if entities and _BAD_AMPERSAND.search(text):
                raise _NotPlain("an & that is no reference")
            if entities:
                for entity in _ENTITY.finditer(text):
                    _char(entity)  # (a reference to a character XML does not allow: the parser's error)
            rows: list[tuple[int, Cells]] = []
            cells: list[tuple[int, Any]] | None = None
            number = col = 0
            pos, size = 0, len(text)
            while pos < size:
                stop = -1
                if cells is None:  # a row of the last row's shape, in one match
                    m = shape[0](text, pos) if shape is not None else None
                    if m is None:  # a row of another shape (or none): its shape, for it and the next rows
                        stop = text.find("</row>", pos)
                        stop = size if stop < 0 else stop + 6
                        other = _shape(text, pos, stop, columns, shapes)
                        if other is not None:
                            shape = other
                            m = shape[0](text, pos)
                    if m is not None and shape is not None:
                        found = m.groups()
                        attrs = found[1]
                        if attrs not in row_attrs:
                            sound(attrs)
                        texts = found[2:]
                        row_values = shape[4].get(texts)
                        if row_values is None:  # (else the row's cells hold what those of a row before held)
                            raw = texts if not entities else tuple(map(_unescape, texts))
                            # an inline string's value is its text (most cells): the others cast
                            values: list[tuple[int, Any]] = list(zip(shape[2], raw))
                            for j, col, how, style, kind in shape[3]:
                                value = raw[j]
                                if not value:
                                    values[j] = (col, None)
                                elif how == _SHARED_CELL:
                                    values[j] = (col, shared[int(value)])
                                elif how == _NUMBER_CELL:
                                    values[j] = (
                                        col,
                                        float(value) if ("." in value or "E" in value or "e" in value) else int(value),
                                    )
                                elif how == _STYLED_CELL:
                                    values[j] = (col, dated(style, value))
                                else:
                                    values[j] = (col, cast(kind, style, value))
                            row_values = _values(values, dense)
                            if kept < _ROWS_KEPT:
                                shape[4][texts] = row_values
                                kept += 1
                        number = int(found[0])
                        rows.append((number, row_values))
                        pos = m.end()
                        continue
                # else the tokens up to the next row's end (no token holds a "</row>" but that one)
                if stop < 0:
                    stop = text.find("</row>", pos)
                    stop = size if stop < 0 else stop + 6
                tokens = _TOKEN.findall(text, pos, stop)
                pos = stop
                for ref, style, kind, value, inline, text_, row, r, attrs, empty, close, stray in tokens:
                    if ref:  # a cell (most are), with its column
                        col = columns[ref]
                    elif row or close or stray:
                        if row:
                            if cells is not None:
                                raise _NotPlain("a row in a row")
                            if attrs not in row_attrs:
                                sound(attrs)
                            number = int(r) if r else number + 1
                            col = 0
                            if empty:
                                rows.append((number, []))
                            else:
                                cells = []
                        elif close:
                            if cells is None:
                                raise _NotPlain("</row> without <row>")
                            rows.append((number, cells))
                            cells = None
                        else:
                            raise _NotPlain(f"{stray!r} in the sheet's data")
                        continue
                    else:  # a cell without a reference: the next column
                        col += 1
                    if cells is None:
                        raise _NotPlain("a cell outside a row")
                    if entities:
                        value, text_ = _unescape(value), _unescape(text_)
                    # the common kinds here, the rest by _cast (the same values)
                    if kind == "inlineStr":
                        cells.append((col, text_ if inline else None))
                    elif kind == "s" and value:
                        cells.append((col, shared[int(value)]))
                    elif not style and value and (not kind or kind == "n"):
                        cells.append(
                            (col, float(value) if ("." in value or "E" in value or "e" in value) else int(value))
                        )
                    elif style and value and (not kind or kind == "n"):
                        cells.append((col, dated(style, value)))
                    else:
                        cells.append((col, cast(kind or "n", style, value)))
            if cells is not None:
                raise _NotPlain("a row without its end")
            yield from rows
            if last:
                break
            if end < 0:
                rest += src.read(PLAIN_CHUNK)
        # what follows the data, read by the parser (it has not seen the data: balanced elements)
        parser.Parse(rest, False)
        while chunk := src.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
