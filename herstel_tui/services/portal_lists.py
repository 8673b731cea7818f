"""From the rows of a portal file to typed records, or to a rejection with a Dutch reason.

Pure Python (no openpyxl, no SQL): ``herstel_tui.services.portal_import`` takes the records and
decides, against the register, what to create, update or skip.

Kinds (``KINDS``): ``antwoord`` (antwoordbestand kindregeling), ``aanmeldingen`` (nieuwe aanmeldingen
with contact data), ``negatief`` (negatieve beschikkingen), ``invordering`` (lists for collectors:
start or end of the publieke pauzeknop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from herstel_tui.domain.enums import ImportAction
from herstel_tui.domain.models import FIELD_OF_WORD, Person, validation_message
from herstel_tui.domain.portal import RowOutcome
from herstel_tui.files.portal_common import CellError, cell_bsn, cell_date, cell_phone, cell_text, header_key, is_blank
from herstel_tui.files.portal_reader import SameRows, Table
from herstel_tui.settings.config import PortalColumns

Kind = Literal["antwoord", "aanmeldingen", "negatief", "invordering"]

# kind -> (title, portal_files.kind, attribute of PortalColumns, required columns)
KINDS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "antwoord": ("Antwoordbestand kindregeling", "antwoordbestand", "antwoordbestand", ("bsn", "resultaat")),
    "aanmeldingen": ("Nieuwe aanmeldingen", "aanmeldingen", "nieuwe_aanmeldingen", ("bsn", "voornamen", "achternaam")),
    "negatief": ("Negatieve beschikkingen", "negatief", "negatieve_beschikkingen", ("bsn", "datum")),
    "invordering": ("Lijst voor invorderaars (pauzeknop)", "invordering", "invordering", ("bsn", "actie", "datum")),
}


def kind_title(kind: str) -> str:
    return KINDS[kind][0]


def columns_for(kind: str, mapping: PortalColumns) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    _, _, attr, required = KINDS[kind]
    return getattr(mapping, attr).column_fields(), required


@dataclass
class Record:
    row: int
    bsn: str
    notes: list[str] = field(default_factory=list)


@dataclass
class AnswerRecord(Record):
    belongs: bool = False


@dataclass
class RegistrationRecord(Record):
    # Person fields present in the row (blank cells left out: a blank never erases register data).
    person: dict[str, Any] = field(default_factory=dict)
    received: date | None = None  # the row's date (data received); None: the day of import
    partner_bsn: str | None = None


@dataclass
class NegativeRecord(Record):
    decided: date = date.min
    step: str = "eerste_toets"  # eerste_toets | integrale_beoordeling


@dataclass
class CollectorRecord(Record):
    action: str = "start"  # start | einde
    on: date = date.min
    person: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedList:
    kind: str
    table: Table
    records: list[Record]
    outcomes: list[RowOutcome]  # rows decided while parsing: rejected rows and blank rows

    @property
    def notes(self) -> list[str]:
        return self.table.notes


# Per list: (field, cell value) -> what the person model made of it; (field, type, raw cell) ->
# (value, note) of the cell functions (a raw cell's type in the key: 1, 1.0 and True read apart).
Known = dict[tuple, Any]
_UNJUDGED = object()
_FINAL = ("final",)  # known[_FINAL]: see _person_fields
_PERSON = ("person",)  # known[_PERSON]: see _judged


def parse_table(kind: str, table: Table, mapping: PortalColumns, today: date) -> ParsedList:
    return ListParser(kind, table, mapping, today).all()


class ListParser:
    """:func:`parse_table` a part at a time: ``parsed`` holds the rows parsed so far, in the list's
    order (``services.portal_import`` parses the rest in the pauses between its batches, when the
    write lock is free for colleagues).

    A row whose values are those of a row before it (the table's rows share one dict: see
    ``portal_reader._collect``) is parsed at once: a record or a refusal as that row's, with its own
    row number, notes and person fields (a 50,000-row list: 15,000 rows parsed, 35,000 known). The
    records and outcomes are read by who takes them, never changed."""

    def __init__(self, kind: str, table: Table, mapping: PortalColumns, today: date) -> None:
        self.parsed = ParsedList(
            kind, table, [], [RowOutcome(n, ImportAction.SKIP, "lege regel") for n in table.blank_rows]
        )
        self._cfg = getattr(mapping, KINDS[kind][2])
        self._parse = {
            "antwoord": _answer,
            "aanmeldingen": _registration,
            "negatief": _negative,
            "invordering": _collector,
        }[kind]
        self._today = today
        self._next = 0  # the index in table.rows of the first row not parsed
        self._known: Known = {}  # per list: the values the person model accepted
        # a BSN cell (its text; another cell: (type, cell), as 1, 1.0 and True read apart) -> cell_bsn's answer
        self._bsns: dict[Any, tuple[str, str | None]] = {}
        # a row's values -> the row's record or refusal: the rows parsed
        self._rows: SameRows[Record | RowOutcome] = SameRows()

    @classmethod
    def parsed_already(cls, parsed: ParsedList) -> ListParser:
        """A parser whose every row is parsed: ``parsed``."""
        self = cls.__new__(cls)
        self.parsed = parsed
        self._next = len(parsed.table.rows)
        return self

    @property
    def done(self) -> bool:
        return self._next >= len(self.parsed.table.rows)

    def all(self) -> ParsedList:
        while not self.done:
            self.more(len(self.parsed.table.rows))
        return self.parsed

    def more(self, n: int) -> None:
        """Parse the next ``n`` rows (fewer at the end)."""
        rows = self.parsed.table.rows
        records, outcomes = self.parsed.records, self.parsed.outcomes
        bsns, known, parse, cfg, today = self._bsns, self._known, self._parse, self._cfg, self._today
        parsed = self._rows
        parsed_before = parsed.known.get
        start = self._next
        for k in range(start, min(start + n, len(rows))):
            self._next = k + 1  # (a row that raised anything but CellError is not parsed again)
            number, values = rows[k]
            was = parsed_before(id(values))
            if was is not None:  # (the values of a row parsed before)
                if isinstance(was, RowOutcome):
                    outcomes.append(RowOutcome(number, was.action, was.text, was.bsn, was.notes.copy()))
                else:
                    records.append(_again(was, number))
                continue
            notes: list[str] = []
            bsn = None
            try:
                raw = values.get("bsn")
                key = raw if type(raw) is str else (type(raw), raw)
                got = bsns.get(key)  # (a BSN that comes again in the list: its answer again)
                if got is None:
                    got = bsns[key] = cell_bsn(raw)
                bsn, note = got
                if note:
                    notes.append(note)
                rec = parse(number, bsn, values, cfg, today, notes, known)
                records.append(rec)
                parsed.put(values, rec)
            except CellError as exc:
                out = RowOutcome(number, ImportAction.REJECT, str(exc), bsn, notes)
                outcomes.append(out)
                parsed.put(values, out)


_new = object.__new__


def _again(rec: Record, number: int) -> Record:
    """The record of row ``number``, whose values are those of ``rec``'s row: ``rec`` with that
    row number, and notes and person fields of its own."""
    again = _new(type(rec))
    fields = again.__dict__
    fields.update(rec.__dict__)
    fields["row"] = number
    fields["notes"] = rec.notes.copy()
    if "person" in fields:
        fields["person"] = fields["person"].copy()
    return again


def _vocab(value: Any, choices: dict[str, list[str]], label: str) -> str:
    """Map a cell to the key of ``choices`` whose words contain it (case-insensitive)."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = cell_text(value)
    if text is None:
        raise CellError(f"{label} ontbreekt")
    key = header_key(text)
    for name, words in choices.items():
        if key in {header_key(w) for w in words}:
            return name
    expected = " of ".join(words[0] for words in choices.values())
    raise CellError(f"{label} {text!r} onbekend; verwacht {expected}")


def _answer(
    number: int, bsn: str, values: dict[str, Any], cfg: Any, today: date, notes: list[str], known: Known
) -> Record:
    result = _vocab(values.get("resultaat"), {"ja": cfg.ja, "nee": cfg.nee}, "resultaat")
    return AnswerRecord(number, bsn, notes, belongs=result == "ja")


def _person_fields(
    values: dict[str, Any], today: date, notes: list[str], names: tuple[str, ...], known: Known
) -> dict[str, Any]:
    """The person fields of a row, validated by the domain model (Dutch errors).

    The model checks each field on its own (no rule joins two fields), so a value it accepted
    earlier in the list is not checked again: ``known`` holds what it made of each (field, value),
    and only the row's new values go through the model (a refusal names only those: the known
    ones passed). A cell met before in the list gives what it gave then at once (``known[_FINAL]``:
    per field, the raw cell -> (the model's value, the cell's note)), and only the row's other cells
    are worked out (a 50,000-row list: a new phone number, the rest of the row met before); a
    huisnummer with a toevoeging is made of two cells, so such a row goes the long way."""
    finals: dict[str, dict[Any, tuple[Any, str | None]]] | None = known.get(_FINAL)
    if finals is None:
        finals = known[_FINAL] = {name: {} for name in _REGISTRATION_FIELDS}
    if "toevoeging" not in values:
        given: dict[str, Any] = {}
        new: dict[str, Any] = {}  # field -> a value the model has not judged yet
        met: list[tuple[str, Any, str | None]] = []  # the cells not met before: (field, key, note)
        for name in names:
            raw = values.get(name)
            if raw is None:  # (an empty cell is not in ``values``)
                continue
            key = raw if type(raw) is str else (type(raw), raw)
            hit = finals[name].get(key)
            if hit is None:
                got = _cell(name, raw, today, known)
                if got is None:
                    continue
                value, note = got
                hit = known.get((name, value), _UNJUDGED), note
                if hit[0] is _UNJUDGED:
                    new[name] = value
                met.append((name, key, note))
            given[name], note = hit
            if note:
                notes.append(note)
        if new:
            for k, v in _judged(new, known).items():
                given[k] = known[(k, new[k])] = v
        for name, key, note in met:
            finals[name][key] = (given[name], note)
        return given
    out: dict[str, Any] = {}
    for name in names:
        raw = values.get(name)
        if raw is None:
            continue
        got = _cell(name, raw, today, known)
        if got is None:
            continue
        out[name], note = got
        if note:
            notes.append(note)
    extra = cell_text(values.get("toevoeging"))
    if extra:
        if "huisnummer" not in out:
            raise CellError("huisnummertoevoeging zonder huisnummer")
        out["huisnummer"] = f"{out['huisnummer']}{extra}" if len(extra) == 1 else f"{out['huisnummer']}-{extra}"
    judged: dict[str, Any] = {}  # field -> what the model made of it
    unjudged: dict[str, Any] = {}
    for k, v in out.items():
        got = known.get((k, v), _UNJUDGED)
        if got is _UNJUDGED:
            unjudged[k] = v
        else:
            judged[k] = got
    if not unjudged:
        return judged
    for k, v in _judged(unjudged, known).items():
        judged[k] = known[(k, unjudged[k])] = v
    return {k: judged[k] for k in out}


def _cell(name: str, raw: Any, today: date, known: Known) -> tuple[Any, str | None] | None:
    """(value, note) of a person field's cell (None: a blank cell), by the cell functions; a cell
    read before in this list (a street, a town, a name) as it was read then."""
    cell = (name, type(raw), raw)
    got = known.get(cell)
    if got is None:
        if is_blank(raw):
            return None
        if name == "geboortedatum":
            got = cell_date(raw, label="geboortedatum", today=today)
        elif name == "telefoon":
            got = cell_phone(raw)
        else:
            got = cell_text(raw), None
        known[cell] = got
    return got


def _judged(values: dict[str, Any], known: Known) -> dict[str, Any]:
    """What the person model makes of these values (field -> value), or its refusal (CellError):
    what ``Person.model_validate`` makes of them. The model judges each field on its own (no rule
    joins two), so each value is judged as an assignment to that field of a person of the list's
    own (``known[_PERSON]``), by the model's validator: the same value, or the same faults, named
    in the model's order of its fields (tests/services/test_portal_lists_model.py)."""
    person = known.get(_PERSON)
    if person is None:
        person = known[_PERSON] = Person.model_construct(given_names="x", surname="x")
    validator = Person.__pydantic_validator__
    faults: list[str] = []
    for k in sorted(values, key=_FIELD_ORDER.__getitem__) if len(values) > 1 else values:
        try:
            validator.validate_assignment(person, FIELD_OF_WORD.get(k, k), values[k])
        except ValidationError as exc:
            faults.append(validation_message(exc))
    if faults:
        raise CellError("\n".join(faults).replace("\n", "; "))
    fields = person.__dict__
    return {k: fields[FIELD_OF_WORD.get(k, k)] for k in values}


_REGISTRATION_FIELDS = (
    "voornamen",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
    "telefoon",
    "email",
)
# a person field (its Dutch word) -> its place among the model's fields
_FIELD_ORDER = {word: list(Person.model_fields).index(FIELD_OF_WORD[word]) for word in _REGISTRATION_FIELDS}


def _registration(
    number: int, bsn: str, values: dict[str, Any], cfg: Any, today: date, notes: list[str], known: Known
) -> Record:
    person = _person_fields(values, today, notes, _REGISTRATION_FIELDS, known)
    received = None
    raw = values.get("datum")
    cell = ("datum", type(raw), raw)  # (most rows of a list share a few dates: each read once)
    got = known.get(cell)
    if got is None and not is_blank(raw):
        got = known[cell] = cell_date(raw, label="datum", today=today)
    if got is not None:
        received, note = got
        if note:
            notes.append(note)
    partner = None
    raw = values.get("toeslagpartner_bsn")
    if raw is not None and not is_blank(raw):  # (an empty cell is not in ``values``)
        try:
            partner, note = cell_bsn(raw)
        except CellError as exc:
            notes.append(f"toeslagpartner niet gekoppeld: {str(exc)[0].lower()}{str(exc)[1:]}")
        else:
            if note:
                notes.append(f"toeslagpartner: {note[0].lower()}{note[1:]}")
            if partner == bsn:
                notes.append("toeslagpartner niet gekoppeld: zelfde BSN als de aanvrager")
                partner = None
    return RegistrationRecord(number, bsn, notes, person=person, received=received, partner_bsn=partner)


def _negative(
    number: int, bsn: str, values: dict[str, Any], cfg: Any, today: date, notes: list[str], known: Known
) -> Record:
    decided, note = cell_date(values.get("datum"), label="datum beschikking", today=today)
    if note:
        notes.append(note)
    raw = values.get("soort")
    if is_blank(raw):
        if cfg.standaard_soort is None:
            raise CellError("soort beschikking ontbreekt (eerste toets of integrale beoordeling)")
        step = cfg.standaard_soort
    else:
        step = _vocab(
            raw,
            {"eerste_toets": cfg.eerste_toets, "integrale_beoordeling": cfg.integrale_beoordeling},
            "soort beschikking",
        )
    return NegativeRecord(number, bsn, notes, decided=decided, step=step)


def _collector(
    number: int, bsn: str, values: dict[str, Any], cfg: Any, today: date, notes: list[str], known: Known
) -> Record:
    action = _vocab(values.get("actie"), {"start": cfg.start, "einde": cfg.einde}, "pauzeknop")
    on, note = cell_date(values.get("datum"), label="datum", today=today)
    if note:
        notes.append(note)
    person = _person_fields(values, today, notes, ("voornamen", "tussenvoegsel", "achternaam", "geboortedatum"), known)
    return CollectorRecord(number, bsn, notes, action=action, on=on, person=person)
