"""Read a portal list (.xlsx or .csv) into rows keyed by the configured column names.

What a caseworker's file may look like, and what happens:

- **not an xlsx** (a renamed file, a damaged download), **an old .xls**, **an empty file (0 bytes)**,
  **a CSV that is not UTF-8**: one Dutch :class:`PortalFileError`, nothing read.
- **extra worksheets**: the first worksheet whose first rows hold the expected header is used; the
  report says which one and which others were passed over.
- **a title above the header** (often merged over the width of the table): the header is looked
  for in the first rows; the report says on which row it was found.
- **merged header cells**: a merged cell keeps its text only in its first column. When the
  required columns are not found, or when a column with values has no header, the merged ranges
  of the top of the sheet are read and named in the message, so the caseworker can unmerge them.
- **blank rows** between data rows are reported as skipped; blank rows at the end are ignored.
- **columns that are not in the mapping** are ignored and named in the report.

Headers match case-insensitively with spaces trimmed (``portal_common.header_key``). Cell values are
returned as openpyxl or the CSV gives them; ``services/portal_lists.py`` turns them into BSNs, dates
and text. Rows of an xlsx whose cells repeat an earlier row's may share that row's dict of values
(a list repeats a person's rows), so that a parser can know them at once.
"""

from __future__ import annotations

import csv
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from herstel_tui.files.portal_common import (
    DEFAULT_LIMITS,
    MB,
    PortalFileError,
    ReadLimits,
    header_key,
    is_blank,
    thousands,
    unreadable,
)
from herstel_tui.files.xlsx_rows import sheet_rows

HEADER_SCAN_ROWS = 20
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass
class Table:
    """The data rows of a portal file, keyed by field name (the keys of the column mapping)."""

    path: Path
    sheet: str | None  # None for CSV
    header_row: int
    headers: dict[str, str]  # field -> header text as found in the file
    # (row number as Excel shows it, field -> raw value); rows with the same cells may share one dict
    # (an xlsx's: see _collect): read it, never change it
    rows: list[tuple[int, dict[str, Any]]]
    blank_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        sheet = f"werkblad '{self.sheet}', " if self.sheet is not None else ""
        return f"{sheet}kopregel op regel {self.header_row}"


R = TypeVar("R")


class SameRows(Generic[R]):
    """What was made of a row met before, known by the row's identity (a row that repeats an
    earlier one is that row's object again: its tuple from ``sheet_rows``, its dict from
    ``_collect``): ``known``, ``id(row) -> result``, read with ``known.get(id(row))``. Every row
    remembered (``put``) is held here, so no other object can have its id while this lives: a hit
    is that very row. At most ``limit`` rows (None: every row)."""

    __slots__ = ("known", "_held", "_limit")

    def __init__(self, limit: int | None = None) -> None:
        self.known: dict[int, R] = {}
        self._held: list[object] = []
        self._limit = limit

    def put(self, row: object, result: R) -> None:
        if self._limit is None or len(self._held) < self._limit:
            self.known[id(row)] = result
            self._held.append(row)


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_table(
    path: Path | str,
    columns: dict[str, list[str]],
    required: Sequence[str],
    *,
    label: str = "lijst",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Table:
    """Read ``path`` (.xlsx or .csv) and map its columns with ``columns`` (field -> header names).

    Raises PortalFileError (Dutch) when the file cannot be read, lacks a required column, or is
    over one of ``limits`` (checked before parsing where the file says it, else while streaming).
    """
    path = Path(path)
    if not path.exists():
        raise PortalFileError(f"{path} bestaat niet")
    if path.is_dir():
        raise PortalFileError(f"{path} is een map, geen bestand")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise unreadable(path, exc) from None
    if size == 0:
        raise PortalFileError(f"{path.name} is leeg (0 bytes); er is niets ingelezen")
    limits.check_size(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise PortalFileError(
            f"{path.name} is in het oude Excel-formaat (.xls). Sla het op als .xlsx of .csv en lees het opnieuw in."
        )
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, columns, required, label, limits)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, columns, required, label, limits)
    raise PortalFileError(f"{path.name}: onbekend bestandstype '{suffix or '(geen)'}'; verwacht .xlsx of .csv")


# -- header matching ------------------------------------------------------------------------------


def _lookup(columns: dict[str, list[str]]) -> dict[str, str]:
    return {header_key(alias): fld for fld, aliases in columns.items() for alias in aliases}


@dataclass
class _Header:
    fields: dict[str, int]  # field -> column index
    texts: dict[str, str]  # field -> header text
    unknown: list[tuple[int, str]]  # (column index, header text) not in the mapping
    unnamed: list[int]  # empty header cells left of the last named one
    width: int
    duplicates: list[str]


def _match_header(values: Sequence[Any], lookup: dict[str, str]) -> _Header:
    fields: dict[str, int] = {}
    texts: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    empty: list[int] = []
    duplicates: list[str] = []
    last = -1
    for i, v in enumerate(values):
        if is_blank(v):
            empty.append(i)
            continue
        last = i
        text = " ".join(str(v).split())
        fld = lookup.get(header_key(text))
        if fld is None:
            unknown.append((i, text))
        elif fld in fields:
            duplicates.append(f"{text} (kolom {col_letter(fields[fld])} en {col_letter(i)})")
        else:
            fields[fld] = i
            texts[fld] = text
    return _Header(fields, texts, unknown, [i for i in empty if i < last], last + 1, duplicates)


def _describe_missing(missing: Iterable[str], columns: dict[str, list[str]]) -> str:
    parts = []
    for fld in missing:
        names = columns.get(fld) or [fld]
        parts.append(names[0] + (f" (of: {', '.join(names[1:])})" if len(names) > 1 else ""))
    return "; ".join(parts)


def _find_header(
    rows: Iterable[tuple[int, Sequence[Any]]], lookup: dict[str, str], required: Sequence[str]
) -> tuple[int, _Header] | tuple[None, _Header | None]:
    """The first row (of the first HEADER_SCAN_ROWS) that holds every required column."""
    best: _Header | None = None
    for number, values in rows:
        if number > HEADER_SCAN_ROWS:
            break
        h = _match_header(values, lookup)
        if all(r in h.fields for r in required):
            return number, h
        if h.fields and (best is None or len(h.fields) > len(best.fields)):
            best = h
    return None, best


# -- xlsx -----------------------------------------------------------------------------------------


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_ranges(ws: Any, up_to_row: int) -> list[str]:
    """Merged ranges that touch rows 1..up_to_row, read from the sheet's XML (read-only mode has no
    merged_cells). Best effort: an unreadable sheet gives []."""
    found: list[tuple[int, int, str, str]] = []
    try:
        src = ws._get_source()
    except Exception:
        return []
    try:
        tail = b""
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            for m in _MERGE.finditer(data):
                c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3), m.group(4)
                if r1 <= up_to_row:
                    ref = f"{c1.decode()}{r1}" + (f":{c2.decode()}{int(r2)}" if c2 else "")
                    key = (r1, len(c1), c1.decode(), ref)
                    if key not in found:
                        found.append(key)
            tail = data[-200:]
    except Exception:
        pass
    finally:
        src.close()
    return [ref for *_, ref in sorted(found)]


def check_unpacked(path: Path, limits: ReadLimits) -> None:
    """Refuse an xlsx whose parts unpack to more than the limits, from the sizes its zip directory
    declares (a zip bomb: 1.4 MB holding 380 MB of XML). The declared sizes bind: Python's zipfile
    stops at the declared size and a part that holds more fails its CRC. The shared strings are
    read whole by openpyxl, so they have a limit of their own (``bestand_mb``)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl gives the proper message
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked_mb * MB:
        raise limits.refuse(
            path.name,
            f"pakt uit tot {total / MB:.0f} MB (mogelijk een zip-bom)",
            "uitgepakt_mb",
            f"{limits.unpacked_mb} MB",
        )
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > limits.file_mb * MB:
        raise limits.refuse(
            path.name, f"heeft {strings / MB:.0f} MB aan gedeelde teksten", "bestand_mb", f"{limits.file_mb} MB"
        )


_LOAD_LOCK = threading.Lock()


@contextmanager
def _no_dimension_scan() -> Iterator[None]:
    """Skip openpyxl's size probe while a workbook is opened read-only. When a sheet has no
    <dimension> element (a generated file, a zip bomb) that probe parses the WHOLE sheet (37 s and
    growing memory for 2 million rows) only to learn a size we throw away (``reset_dimensions``)."""
    import openpyxl.reader.excel as excel
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class _Unsized(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            return None

    with _LOAD_LOCK:
        excel.ReadOnlyWorksheet = _Unsized
        try:
            yield
        finally:
            excel.ReadOnlyWorksheet = ReadOnlyWorksheet


def _open_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS):
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head.startswith(b"PK"):
        hint = ""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            hint = " Het lijkt een oud .xls-bestand; sla het op als .xlsx of .csv."
        elif all(32 <= b < 127 or b in (9, 10, 13) for b in head) or head.startswith(b"\xef\xbb\xbf"):
            hint = " Het lijkt een tekstbestand; is het een CSV-bestand? Geef het dan de extensie .csv."
        raise PortalFileError(f"{path.name} is geen Excel-bestand (.xlsx).{hint} Er is niets ingelezen.")
    limits.check_size(path)
    check_unpacked(path, limits)
    try:
        # read_only: rows are streamed from the sheet's XML, never a whole sheet in memory
        with _no_dimension_scan():
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise PortalFileError(
            f"{path.name} is geen geldig Excel-bestand (.xlsx): het is beschadigd of in een "
            f"ander formaat ({type(exc).__name__}). Er is niets ingelezen."
        ) from None
    except Exception as exc:
        raise PortalFileError(
            f"{path.name} kan niet als Excel-bestand worden gelezen ({type(exc).__name__}: "
            f"{exc}). Er is niets ingelezen."
        ) from None


def _read_xlsx(
    path: Path, columns: dict[str, list[str]], required: Sequence[str], label: str, limits: ReadLimits
) -> Table:
    wb = _open_workbook(path, limits)
    try:
        lookup = _lookup(columns)
        sheets = list(wb.worksheets)
        if not sheets:
            raise PortalFileError(f"{path.name} heeft geen werkbladen; er is niets ingelezen")
        chosen: tuple[Any, int, _Header] | None = None
        near_misses: list[str] = []
        merged_notes: list[str] = []
        for ws in sheets:
            # The <dimension> a writer puts in the file may be wrong (some tools write "A1"); openpyxl
            # would then silently stop reading there. Read what is really in the sheet instead.
            ws.reset_dimensions()
            try:
                top = list(enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True), 1))
            except Exception as exc:
                raise PortalFileError(
                    f"{path.name}: werkblad '{ws.title}' kan niet worden gelezen "
                    f"({type(exc).__name__}). Er is niets ingelezen."
                ) from None
            number, header = _find_header(top, lookup, required)
            if number is not None:
                assert header is not None
                chosen = (ws, number, header)
                break
            if header is not None:
                missing = [r for r in required if r not in header.fields]
                near_misses.append(f"werkblad '{ws.title}' mist de kolom {_describe_missing(missing, columns)}")
            merged = _merged_ranges(ws, HEADER_SCAN_ROWS)
            if merged:
                merged_notes.append(f"werkblad '{ws.title}' heeft samengevoegde cellen in de kop ({', '.join(merged)})")
        if chosen is None:
            problems = near_misses + merged_notes
            if merged_notes:
                problems.append("maak de samenvoeging ongedaan en zet elke kolomkop in één eigen cel")
            names = ", ".join(f"'{ws.title}'" for ws in sheets)
            raise PortalFileError(
                f"{path.name}: geen kopregel met de kolommen {_describe_missing(required, columns)} gevonden "
                f"in de eerste {HEADER_SCAN_ROWS} regels (werkbladen: {names}). Er is niets ingelezen.",
                problems,
            )
        ws, number, header = chosen
        _check_duplicates(path, header)
        notes: list[str] = []
        others = [s.title for s in sheets if s is not ws]
        if others:
            notes.append(f"werkblad '{ws.title}' gebruikt; overgeslagen: " + ", ".join(f"'{t}'" for t in others))
        if number > 1:
            notes.append(f"kopregel gevonden op regel {number}; de regels erboven zijn overgeslagen")
        try:
            rows, blanks, stray = _collect(sheet_rows(ws, number + 1), number + 1, header, path.name, limits)
        except PortalFileError:
            raise
        except Exception as exc:  # damaged XML further down, or a DTD/entity (defusedxml refuses those)
            raise PortalFileError(
                f"{path.name}: werkblad '{ws.title}' kan niet worden gelezen ({type(exc).__name__}). "
                "Er is niets ingelezen."
            ) from None
        _note_columns(notes, header, stray)
        if stray or header.unnamed:
            merged = _merged_ranges(ws, number)
            if merged:
                notes.append(
                    f"samengevoegde cellen in de kop: {', '.join(merged)}; alleen de eerste kolom van "
                    "een samengevoegde kopcel telt"
                )
        return Table(path, ws.title, number, header.texts, rows, blanks, notes)
    finally:
        wb.close()


def _check_duplicates(path: Path, header: _Header) -> None:
    if header.duplicates:
        raise PortalFileError(
            f"{path.name}: een kolom staat meer dan eens in de kopregel: "
            f"{'; '.join(header.duplicates)}. Er is niets ingelezen."
        )


_ROWS_KEPT = 1 << 16  # rows remembered by _collect while it reads a list


def _collect(
    source: Iterable[Sequence[Any]], first: int, header: _Header, name: str, limits: ReadLimits
) -> tuple[list[tuple[int, dict[str, Any]]], list[int], dict[int, int]]:
    """Data rows keyed by field; blank rows between data rows; counts of values in unmapped columns.
    Refuses (PortalFileError) past ``limits.rows`` rows or a cell over ``limits.cell_chars``.

    A row that is the very tuple of a row before it (``sheet_rows`` gives a row whose cells repeat
    an earlier row's that row's tuple) is known at once: the same dict of values (one object for
    those rows: read it, don't change it), the same text, the same unmapped cells."""
    last = first + limits.rows  # the first row number past the limit
    text_left = limits.file_mb * MB  # characters of text kept from the mapped columns
    rows: list[tuple[int, dict[str, Any]]] = []
    blanks: list[int] = []
    pending: list[int] = []
    stray: dict[int, int] = {}
    mapped = set(header.fields.values())
    items = list(header.fields.items())
    unmapped: dict[int, list[int]] = {}  # a row's width -> its columns that are not mapped
    # a row met before -> (its dict, its text, its unmapped columns with a value) (tuples: a CSV's rows
    # are lists, each a new one)
    seen: SameRows[tuple[dict[str, Any], int, tuple[int, ...]]] = SameRows(_ROWS_KEPT)
    known = seen.known.get
    cell_chars = limits.cell_chars
    for number, values in enumerate(source, first):
        if number >= last:
            raise limits.refuse(
                name, f"heeft meer dan {thousands(limits.rows)} regels", "regels", f"{thousands(limits.rows)} regels"
            )
        got = known(id(values))
        if got is not None:
            kept, text, filled = got
        else:
            blank = True  # (is_blank for every cell, in the same pass)
            text = 0  # the row's characters of text
            for v in values or ():
                if isinstance(v, str):
                    text += len(v)
                    if len(v) > cell_chars:
                        raise limits.refuse(
                            name,
                            f"heeft op regel {number} een cel van meer dan {thousands(cell_chars)} tekens",
                            "tekens_per_cel",
                            f"{thousands(cell_chars)} tekens",
                        )
                    if blank and v.strip():
                        blank = False
                elif v is not None:
                    blank = False
            if blank:
                pending.append(number)
                continue
            n = len(values)
            # only the cells that hold something: a row costs memory, and a blank cell reads as absent
            kept = {fld: values[i] for fld, i in items if i < n and values[i] is not None}
            others = unmapped.get(n)
            if others is None:
                others = unmapped[n] = [i for i in range(n) if i not in mapped]
            if others:  # (else every cell of the row is a mapped one)
                text = sum(len(v) for v in kept.values() if isinstance(v, str))
            filled = tuple([i for i in others if not is_blank(values[i])])
            if type(values) is tuple:
                seen.put(values, (kept, text, filled))
        if pending:
            blanks.extend(pending)
            pending = []
        text_left -= text
        if text_left < 0:
            raise limits.refuse(
                name,
                f"heeft in de gelezen kolommen meer dan {limits.file_mb} miljoen tekens (tot regel {number})",
                "bestand_mb",
                f"{limits.file_mb} MB",
            )
        rows.append((number, kept))
        for i in filled:
            stray[i] = stray.get(i, 0) + 1
    return rows, blanks, stray


def _note_columns(notes: list[str], header: _Header, stray: dict[int, int]) -> None:
    if header.unknown:
        notes.append(
            "kolommen genegeerd (niet in de kolomindeling): "
            + ", ".join(f"{t} ({col_letter(i)})" for i, t in header.unknown)
        )
    named = {i for i, _ in header.unknown}
    for i in sorted(stray):
        if i in named:
            continue
        notes.append(f"kolom {col_letter(i)} heeft geen kop maar wel {stray[i]} waarde(n); die zijn niet ingelezen")


# -- csv ------------------------------------------------------------------------------------------


def _read_csv(
    path: Path, columns: dict[str, list[str]], required: Sequence[str], label: str, limits: ReadLimits
) -> Table:
    """Streamed: lines are read one at a time (each at most MAX_LINE characters), fields at most
    ``limits.cell_chars``; only the mapped values of each row are kept."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04"):
        raise PortalFileError(
            f"{path.name} is een Excel-bestand met de extensie {path.suffix}; "
            "geef het de extensie .xlsx. Er is niets ingelezen."
        )
    if b"\x00" in head:
        raise PortalFileError(f"{path.name} is geen tekstbestand (CSV); er is niets ingelezen")
    lines = _Lines(path, limits)
    try:
        with open(path, "rb") as fh, _field_limit(limits.cell_chars + 1):
            lines.fh = fh
            first = lines.first_text_line()
            if first is None:
                raise PortalFileError(f"{path.name} bevat geen tekst; er is niets ingelezen")
            delimiter = _sniff_delimiter(first)
            records = csv.reader(lines, delimiter=delimiter)
            top = [r for _, r in zip(range(HEADER_SCAN_ROWS), records)]
            lookup = _lookup(columns)
            number, found = _find_header(enumerate(top, 1), lookup, required)
            if number is None or found is None:
                header = found
                problems = []
                if header is not None:
                    missing = [r for r in required if r not in header.fields]
                    problems.append(f"de kopregel mist de kolom {_describe_missing(missing, columns)}")
                raise PortalFileError(
                    f"{path.name}: geen kopregel met de kolommen {_describe_missing(required, columns)} gevonden in "
                    f"de eerste {HEADER_SCAN_ROWS} regels (scheidingsteken '{delimiter}'). Er is niets ingelezen.",
                    problems,
                )
            header = found
            _check_duplicates(path, header)
            notes = []
            if number > 1:
                notes.append(f"kopregel gevonden op regel {number}; de regels erboven zijn overgeslagen")
            rows, blanks, stray = _collect(
                itertools.chain(top[number:], records), number + 1, header, path.name, limits
            )
    except UnicodeDecodeError:
        raise PortalFileError(
            f"{path.name} is geen UTF-8-tekst (eerste onleesbare teken op regel {lines.number}). Sla de lijst "
            "in Excel op als 'CSV UTF-8 (door komma's gescheiden)' en lees haar opnieuw in. Er is niets ingelezen."
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise limits.refuse(
                path.name,
                f"heeft op regel {lines.number} een veld van meer dan {thousands(limits.cell_chars)} tekens",
                "tekens_per_cel",
                f"{thousands(limits.cell_chars)} tekens",
            ) from None
        raise PortalFileError(f"{path.name} is geen geldig CSV-bestand ({exc}); er is niets ingelezen") from None
    _note_columns(notes, header, stray)
    return Table(path, None, number, header.texts, rows, blanks, notes)


# A physical line longer than this (in bytes) is refused before it is split (a line of 100 MB of ';' would
# otherwise become a list of 100 million fields).
MAX_LINE = 1_000_000


class _Lines:
    """The lines of a file opened in binary, each read with a bound (MAX_LINE bytes) and decoded
    as UTF-8 (a BOM on the first line dropped); counts them for messages. Lines end at LF, CR LF
    or a lone CR (Excel for Mac's "CSV (Macintosh)"), and keep their ending, as a text file opened
    with ``newline=""`` gives them to the csv module."""

    CHUNK = 1 << 16

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.path, self.limits = path, limits
        self.fh: Any = None
        self.number = 0
        self._pending: list[str] = []
        self._buf = b""
        self._pos = 0
        self._eof = False
        self._cr: int | None = None  # the next CR in the buffer at or after _pos (-1: none); None: unknown

    def _too_long(self) -> PortalFileError:
        return self.limits.refuse(
            self.path.name,
            f"heeft op regel {self.number + 1} een regel van meer dan {thousands(MAX_LINE)} tekens",
            "tekens_per_cel",
            f"{thousands(MAX_LINE)} tekens per regel",
        )

    def _more(self) -> bool:
        """Read the next chunk into the buffer (dropping what was consumed); False at the end."""
        chunk = self.fh.read(self.CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        self._cr = None
        return True

    def _next_cr(self) -> int:
        """The next CR (remembered: most files have none, and searching the whole buffer for it on
        every line would cost a full scan per line)."""
        if self._cr is None or 0 <= self._cr < self._pos:
            self._cr = self._buf.find(b"\r", self._pos)
        return self._cr

    def _read(self) -> str:
        while True:
            buf, pos = self._buf, self._pos
            lf, cr = buf.find(b"\n", pos), self._next_cr()
            ends = [i for i in (lf, cr) if i >= 0]
            if ends:
                end = min(ends) + 1
                if end == cr + 1 and end == len(buf) and not self._eof:
                    if self._more():  # a CR at the end of the buffer: is an LF next?
                        continue
                if end == cr + 1 and buf[end : end + 1] == b"\n":
                    end += 1
                break
            if len(buf) - pos > MAX_LINE:
                raise self._too_long()
            if self._eof or not self._more():
                end = len(self._buf)
                break
        raw = self._buf[self._pos : end]
        self._pos = end
        if len(raw) > MAX_LINE:
            raise self._too_long()
        if not raw:
            return ""
        self.number += 1
        # decoded line by line, so an unreadable byte is reported on its own line
        return raw.decode("utf-8-sig" if self.number == 1 else "utf-8")

    def first_text_line(self) -> str | None:
        """The first non-blank line (kept, so the CSV reader still gets it)."""
        while True:
            line = self._read()
            if not line:
                return None
            self._pending.append(line)
            if line.strip():
                return line

    def __iter__(self) -> Iterator[str]:
        while self._pending:
            yield self._pending.pop(0)
        while line := self._read():
            yield line


@contextmanager
def _field_limit(n: int) -> Iterator[None]:
    """csv's field size limit for the duration (it is process-wide; restored after)."""
    old = csv.field_size_limit(n)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _sniff_delimiter(first: str) -> str:
    """';' (Dutch Excel), ',' or tab: whichever occurs most in the first non-blank line."""
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
