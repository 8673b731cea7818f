"""Letters from templates: render a letter for a case to plain text and .docx, and record it.

Headless: never imports Textual; python-docx is imported only inside the function that writes a
.docx. The templates and their index live in ``data/letters/`` (``letters.toml``), so a
municipality changes the wording without code.

Template syntax
---------------
Plain UTF-8 text with fields written ``{{name}}`` (spaces inside the braces allowed). The value
is put in literally: a value is never read as a template, and there is nothing else (no code,
no conditions, no attribute access: a field name is a key in one flat table built here). An
unknown field raises :class:`LetterTemplateError` naming the template file, the line and the
field; a known field without a value for this case (no date of the first talk, no moratorium,
no creditor) raises :class:`LetterError` saying what to supply. Paragraphs are separated by an
empty line; in the .docx a line starting with ``Betreft:`` is bold and ``- `` lines are bullets.

What producing a letter writes (:func:`produce`)
------------------------------------------------
All in one ``Store.transaction()``, so either all of it is written or none of it:

1. one timeline event through ``Store.record_event`` (the routekaart engine judges it):
   ``datum_eerste_gesprek_gecommuniceerd`` for the confirmation of the date of the first talk
   (its note states the date), ``brief_verzonden`` for every other letter (its note holds the
   letter's title); the store writes its own audit row ``vastgelegd / gebeurtenis``;
2. one contact note through ``Store.add_contact_note`` (channel ``brief``, text "Brief verstuurd:
   <titel>", with the file name); the store writes its own audit row ``vastgelegd / contactmoment``;
3. one audit row ``brief / zaak`` with ``{"brief": soort, "bestand": <docx name>, "tekst": <txt name>}``;
4. the .docx and .txt files (owner-only, 0600), written to temporary files first and moved into
   place as the last step of the transaction; if anything fails, nothing is recorded and no file
   is left behind.

So one letter is exactly one event, one contact note and three audit rows. If the engine refuses
the event (e.g. the confirmation before any melding), nothing is written and the Dutch reason is
raised as ``TransitionRefused``. No full BSN is ever available to a template.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from herstel_tui.domain import clock

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store

__all__ = [
    "LetterError",
    "LetterTemplateError",
    "LetterKind",
    "LetterSet",
    "Draft",
    "LetterResult",
    "FIELDS",
    "load_letters",
    "default_letters",
    "dutch_date",
    "dutch_date_long",
    "prepare",
    "produce",
    "write_docx",
    "file_names",
]

# -- Dutch dates, without locale --------------------------------------------------------------------

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def dutch_date(d: date) -> str:
    """3 maart 2026"""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def dutch_date_long(d: date) -> str:
    """dinsdag 3 maart 2026"""
    return f"{WEEKDAYS[d.weekday()]} {dutch_date(d)}"


def short_date(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


# -- errors ---------------------------------------------------------------------------------------


class LetterError(ValueError):
    """A letter cannot be made; ``str()`` is a Dutch message for the caseworker."""


class LetterTemplateError(LetterError):
    """A template or the index is wrong; the message names the file (and the field)."""

    def __init__(self, path: Path | str, message: str, fields: list[str] | None = None):
        self.path = Path(path)
        self.fields = fields or []
        super().__init__(f"{self.path}: {message}")


# -- fields ---------------------------------------------------------------------------------------

# name -> (Dutch description, example). Contacts are added from the routekaart: contact.<id>.naam etc.
FIELDS: dict[str, tuple[str, str]] = {
    "datum": ("datum van de brief", "23 november 2026"),
    "datum.kort": ("datum van de brief, kort", "23-11-2026"),
    "gemeente": ("naam van de gemeente (configuratie: gemeente)", "Gemeente Voorbeeld"),
    "medewerker": ("wie de brief maakt (configuratie: medewerker)", "A. de Vries"),
    "zaaknummer": ("zaaknummer", "HKO-2026-000123"),
    "zaak.spoor": ("spoor van de zaak", "Brede ondersteuning"),
    "zaak.medewerker": ("medewerker aan wie de zaak is toegewezen", "a.devries"),
    "ouder.naam": ("volledige naam", "Anna Maria de Vries"),
    "ouder.voorletters": ("voorletters", "A.M."),
    "ouder.achternaam": ("achternaam met tussenvoegsel", "de Vries"),
    "ouder.aanhef": ("aanhef", "Geachte A.M. de Vries"),
    "ouder.straat": ("straat en huisnummer", "Dorpsstraat 12"),
    "ouder.postcode_woonplaats": ("postcode en woonplaats", "3011 AB Rotterdam"),
    "ouder.adres": ("adres op één regel", "Dorpsstraat 12, 3011 AB Rotterdam"),
    "ouder.geboortedatum": ("geboortedatum", "14 mei 1980"),
    "eerste_gesprek.datum": ("datum van het eerste gesprek, met weekdag", "dinsdag 3 maart 2026"),
    "eerste_gesprek.datum.kort": ("datum van het eerste gesprek, kort", "03-03-2026"),
    "moratorium.begin": ("begin van het wettelijk moratorium", "1 juli 2026"),
    "moratorium.einde": ("einde van het wettelijk moratorium", "1 juli 2027"),
    "schuldeiser.naam": ("naam van de schuldeiser (herstel brief … --schuldeiser)", "CJIB"),
}
CONTACT_PARTS = {"naam": "name", "telefoon": "phone", "email": "email"}

# What to do when a field has no value for the case.
MISSING_HINTS = {
    "eerste_gesprek": "de datum van het eerste gesprek ontbreekt: geef de datum (dd-mm-jjjj) of leg eerst "
    "het eerste gesprek vast",
    "moratorium": "het wettelijk moratorium is voor deze zaak niet begonnen: leg eerst Eerste compensatie "
    "uitbetaald of Aanvang wettelijk moratorium vast",
    "schuldeiser": "geef de naam van de schuldeiser",
    "ouder.geboortedatum": "de geboortedatum van de persoon ontbreekt in het register; vul die eerst aan",
}

_FIELD_RE = re.compile(r"\{\{([^{}\n]*)\}\}")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def known_fields() -> dict[str, tuple[str, str]]:
    """Every field a template may use, with a Dutch description and an example."""
    from herstel_tui.domain.routekaart import default_routekaart

    out = dict(FIELDS)
    for cid, c in default_routekaart().contacts.items():
        for part, attr in CONTACT_PARTS.items():
            out[f"contact.{cid}.{part}"] = (f"{part} van {c.name}", getattr(c, attr) or "")
    return out


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def template_fields(path: Path, text: str) -> list[tuple[str, int]]:
    """The fields of a template with their line numbers; raises on a malformed or unknown field."""
    known = known_fields()
    found: list[tuple[str, int]] = []
    unknown: list[str] = []
    bad: list[str] = []
    for m in _FIELD_RE.finditer(text):
        name = m.group(1).strip()
        line = _line_of(text, m.start())
        if not _NAME_RE.match(name):
            bad.append(f"ongeldig veld '{m.group(0)}' op regel {line}")
        elif name not in known:
            unknown.append(name)
            bad.append(f"onbekend veld '{name}' op regel {line}")
        else:
            found.append((name, line))
    # Braces left over once the fields are blanked out (same length, so positions still hold).
    masked = _FIELD_RE.sub(lambda m: " " * len(m.group(0)), text)
    for token, other in (("{{", "}}"), ("}}", "{{")):
        i = masked.find(token)
        if i >= 0:
            bad.append(f"'{token}' zonder bijbehorende '{other}' op regel {_line_of(text, i)}")
    if bad:
        hint = " Bekende velden: herstel brieven --velden." if unknown else ""
        raise LetterTemplateError(path, "; ".join(bad) + "." + hint, unknown)
    return found


def fill(path: Path, text: str, values: dict[str, str | None]) -> str:
    """Put the values in the template. Unknown fields and missing values raise a Dutch error."""
    fields = template_fields(path, text)
    missing = [name for name, _ in fields if values.get(name) is None]
    if missing:
        hints = []
        for name in dict.fromkeys(missing):
            hint = MISSING_HINTS.get(name) or MISSING_HINTS.get(name.split(".")[0]) or f"{name} is niet bekend"
            if hint not in hints:
                hints.append(hint)
        raise LetterError("De brief kan niet worden gemaakt: " + "; ".join(hints) + ".")
    return _FIELD_RE.sub(lambda m: str(values[m.group(1).strip()]), text)


# -- the index ------------------------------------------------------------------------------------


class _KindIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    routekaart: str = Field(min_length=1)
    tracks: list[Literal["brede_ondersteuning", "schuldenaanpak"]] = Field(min_length=1)
    step: str = Field(min_length=1)
    template: str = Field(min_length=1)
    recipient: Literal["ouder", "schuldeiser"]
    records: Literal["brief_verzonden", "datum_eerste_gesprek_gecommuniceerd"]
    requires: list[Literal["moratorium_loopt"]] = []


class _IndexIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    letters: list[_KindIn] = Field(min_length=1)


@dataclass(frozen=True)
class LetterKind:
    id: str
    title: str
    routekaart: str  # format id in routekaart.toml [letters]
    tracks: tuple[str, ...]
    step: str
    step_title: str
    template: Path
    text: str
    recipient: str
    records: str
    requires: tuple[str, ...]
    fields: tuple[str, ...]  # the fields the template uses

    def needs(self, prefix: str) -> bool:
        return any(f == prefix or f.startswith(prefix + ".") for f in self.fields)

    @property
    def needs_first_talk(self) -> bool:
        return self.needs("eerste_gesprek")

    @property
    def needs_creditor(self) -> bool:
        return self.needs("schuldeiser")


@dataclass(frozen=True)
class LetterSet:
    directory: Path
    kinds: dict[str, LetterKind]

    def get(self, kind: str) -> LetterKind:
        key = kind.strip().lower()
        if key in self.kinds:
            return self.kinds[key]
        for k in self.kinds.values():  # the routekaart format id works too
            if k.routekaart == key:
                return k
        raise LetterError(f"onbekende brief {kind!r}; kies uit: {', '.join(self.kinds)}")

    def for_track(self, track: str) -> list[LetterKind]:
        return [k for k in self.kinds.values() if track in k.tracks]


def load_letters(directory: Path | str | None = None) -> LetterSet:
    """Read and check ``letters.toml`` and every template it names (default: the shipped ones)."""
    from herstel_tui.domain.routekaart import default_routekaart
    from herstel_tui.settings.resources import data_file

    directory = Path(directory) if directory is not None else data_file("letters")
    index = directory / "letters.toml"
    try:
        raw = tomllib.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LetterTemplateError(index, "bestand niet gevonden") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterTemplateError(index, f"bestand kan niet worden gelezen ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LetterTemplateError(index, f"geen geldige TOML ({exc})") from None
    try:
        data = _IndexIn.model_validate(raw)
    except ValidationError as exc:
        faults = []
        for err in exc.errors():
            loc = err["loc"]
            where = f"brief nr. {loc[1] + 1}" if len(loc) >= 2 and loc[0] == "letters" else "bestand"
            if len(loc) >= 2 and loc[0] == "letters" and isinstance(loc[1], int):
                try:
                    where = f"brief '{raw['letters'][loc[1]]['id']}'"
                except Exception:
                    pass
            key = ".".join(str(p) for p in loc[2:]) or ".".join(str(p) for p in loc)
            msg = (
                "onbekende sleutel"
                if err["type"] == "extra_forbidden"
                else ("ontbreekt" if err["type"] == "missing" else str(err["msg"]).removeprefix("Value error, "))
            )
            faults.append(f"{where}: sleutel '{key}': {msg}")
        raise LetterTemplateError(index, "; ".join(faults)) from None
    rk = default_routekaart()
    kinds: dict[str, LetterKind] = {}
    for k in data.letters:
        if k.id in kinds:
            raise LetterTemplateError(index, f"brief '{k.id}': dubbele id")
        if k.routekaart not in rk.letters:
            raise LetterTemplateError(
                index,
                f"brief '{k.id}': onbekend format '{k.routekaart}' "
                f"(bekend in routekaart.toml: {', '.join(rk.letters)})",
            )
        step_tracks = [t for t in k.tracks if rk.has_step(t, k.step)]
        if not step_tracks:
            raise LetterTemplateError(index, f"brief '{k.id}': onbekende stap '{k.step}' in {', '.join(k.tracks)}")
        for t in k.tracks:
            if not rk.has_step(t, k.records):
                raise LetterTemplateError(
                    index, f"brief '{k.id}': de mijlpaal '{k.records}' bestaat niet in spoor '{t}' van routekaart.toml"
                )
        path = directory / k.template
        if path.resolve().parent != directory.resolve():
            raise LetterTemplateError(index, f"brief '{k.id}': het sjabloon moet naast letters.toml staan")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LetterTemplateError(path, f"sjabloon van brief '{k.id}' niet gevonden") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LetterTemplateError(path, f"sjabloon kan niet worden gelezen ({exc})") from None
        fields = tuple(dict.fromkeys(name for name, _ in template_fields(path, text)))
        kinds[k.id] = LetterKind(
            id=k.id,
            title=k.title,
            routekaart=k.routekaart,
            tracks=tuple(k.tracks),
            step=k.step,
            step_title=rk.step(step_tracks[0], k.step).title,
            template=path,
            text=text,
            recipient=k.recipient,
            records=k.records,
            requires=tuple(k.requires),
            fields=fields,
        )
    return LetterSet(directory, kinds)


_DEFAULT: LetterSet | None = None


def letters_for(config: Config) -> LetterSet:
    """The municipality's own templates when the config names a folder, else the shipped ones."""
    folder = getattr(config, "briefsjablonen", None)
    return load_letters(folder) if folder else default_letters()


def default_letters() -> LetterSet:
    """The shipped letters, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_letters(None)
    return _DEFAULT


# -- a draft: the letter for one case, rendered -----------------------------------------------------


@dataclass
class Draft:
    kind: LetterKind
    case: Any
    person: Any
    today: date
    text: str
    values: dict[str, str | None]
    first_talk: date | None = None
    creditor: str | None = None
    moratorium: tuple[date, date] | None = None

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def event_note(self) -> str:
        if self.kind.records == "datum_eerste_gesprek_gecommuniceerd" and self.first_talk:
            return f"{self.kind.title}: eerste gesprek op {dutch_date_long(self.first_talk)} (per brief)"
        if self.creditor:
            return f"{self.kind.title} (aan {self.creditor})"
        return self.kind.title


def _initials(voornamen: str) -> str:
    parts = [p for p in re.split(r"[\s]+", voornamen.strip()) if p]
    return "".join(p[0].upper() + "." for p in parts)


def case_values(
    kind: LetterKind,
    case: Any,
    person: Any,
    view: Any,
    config: Config,
    today: date,
    *,
    first_talk: date | None = None,
    creditor: str | None = None,
) -> dict[str, str | None]:
    """The flat field table for one case. ``None`` means: not known for this case."""
    from herstel_tui.domain.routekaart import default_routekaart

    rk = default_routekaart()
    surname = " ".join(p for p in (person.tussenvoegsel, person.achternaam) if p)
    initials = _initials(person.voornamen)
    street = " ".join(p for p in (person.straat, person.huisnummer) if p)
    town = " ".join(p for p in (person.postcode, person.woonplaats) if p)
    mor = _moratorium(view)
    values: dict[str, str | None] = {
        "datum": dutch_date(today),
        "datum.kort": short_date(today),
        "gemeente": config.gemeente,
        "medewerker": config.medewerker,
        "zaaknummer": case.zaaknummer,
        "zaak.spoor": rk.tracks[case.track.value].title,
        "zaak.medewerker": case.caseworker or "",
        "ouder.naam": person.naam,
        "ouder.voorletters": initials,
        "ouder.achternaam": surname,
        "ouder.aanhef": f"Geachte {initials} {surname}".replace("  ", " ").strip(),
        "ouder.straat": street,
        "ouder.postcode_woonplaats": town,
        "ouder.adres": ", ".join(p for p in (street, town) if p),
        "ouder.geboortedatum": dutch_date(person.geboortedatum) if person.geboortedatum else None,
        "eerste_gesprek.datum": dutch_date_long(first_talk) if first_talk else None,
        "eerste_gesprek.datum.kort": short_date(first_talk) if first_talk else None,
        "moratorium.begin": dutch_date(mor[0]) if mor else None,
        "moratorium.einde": dutch_date(mor[1]) if mor else None,
        "schuldeiser.naam": creditor.strip() if creditor and creditor.strip() else None,
    }
    for cid, c in rk.contacts.items():
        for part, attr in CONTACT_PARTS.items():
            values[f"contact.{cid}.{part}"] = getattr(c, attr) or ""
    return values


def _moratorium(view: Any) -> tuple[date, date] | None:
    for dl in view.deadlines:
        if dl.rule == "wettelijk_moratorium":
            return dl.start, dl.due
    return None


def recorded_first_talk(view: Any) -> date | None:
    """The date of the recorded (not superseded) eerste gesprek, if any."""
    for ds in view.done:
        if ds.step == "eerste_gesprek" and not ds.superseded and not ds.off_route:
            return ds.fact_date
    return None


def prepare(
    store: Store,
    config: Config,
    case_id: int,
    kind: str | LetterKind,
    *,
    today: date | None = None,
    first_talk: date | None = None,
    creditor: str | None = None,
    letters: LetterSet | None = None,
) -> Draft:
    """Render the letter for a case (reads only). Raises LetterError with a Dutch message."""
    today = today or clock.today()
    letters = letters or letters_for(config)
    k = kind if isinstance(kind, LetterKind) else letters.get(kind)
    case = store.get_case(case_id)
    track = case.track.value
    if track not in k.tracks:
        from herstel_tui.domain.models import TRACK_TITLES

        raise LetterError(
            f"De brief '{k.title}' hoort niet bij het spoor {TRACK_TITLES[case.track]} (zaak {case.zaaknummer})."
        )
    person = store.get_person(case.person_id)
    view = store.case_view(case_id, today)
    if first_talk is None and k.needs_first_talk:
        first_talk = recorded_first_talk(view)
    if "moratorium_loopt" in k.requires:
        mor = None
        for dl in view.deadlines:
            if dl.rule == "wettelijk_moratorium":
                mor = dl
        if mor is None:
            raise LetterError("De brief kan niet worden gemaakt: " + MISSING_HINTS["moratorium"] + ".")
        if mor.stopped is not None or today >= mor.due:
            raise LetterError(
                f"De brief kan niet worden gemaakt: het wettelijk moratorium liep af op "
                f"{dutch_date(mor.due)}; deze brief zegt dat het van kracht is."
            )
        if today < mor.start:
            raise LetterError(
                f"De brief kan niet worden gemaakt: het wettelijk moratorium begint pas op {dutch_date(mor.start)}."
            )
    values = case_values(k, case, person, view, config, today, first_talk=first_talk, creditor=creditor)
    text = fill(k.template, k.text, values)
    return Draft(
        k,
        case,
        person,
        today,
        text,
        values,
        first_talk=first_talk,
        creditor=values["schuldeiser.naam"] if k.needs_creditor else None,
        moratorium=_moratorium(view),
    )


# -- files ----------------------------------------------------------------------------------------


def file_names(draft: Draft) -> tuple[str, str]:
    stem = f"brief-{draft.kind.id}-{draft.case.zaaknummer}-{draft.today:%Y%m%d}"
    return stem + ".docx", stem + ".txt"


def _free_pair(directory: Path, docx_name: str, txt_name: str) -> tuple[Path, Path]:
    """Names in ``directory`` that do not exist yet: a second letter on one day gets -2, -3, …"""
    d_stem, t_stem = docx_name[:-5], txt_name[:-4]
    n = 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        a, b = directory / f"{d_stem}{suffix}.docx", directory / f"{t_stem}{suffix}.txt"
        if not a.exists() and not b.exists():
            return a, b
        n += 1


def docx_bytes(draft: Draft) -> bytes:
    """The letter as a .docx (python-docx, imported here: it costs start-up time)."""
    import io

    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    style.paragraph_format.space_after = Pt(8)
    props = doc.core_properties
    props.title = draft.kind.title
    props.subject = draft.case.zaaknummer
    props.author = draft.values.get("gemeente") or ""
    props.last_modified_by = draft.values.get("medewerker") or ""
    props.comments = ""
    props.keywords = ""
    stamp = datetime(draft.today.year, draft.today.month, draft.today.day)
    props.created = stamp
    props.modified = stamp
    for block in re.split(r"\n\s*\n", draft.text.strip("\n")):
        lines = block.split("\n")
        p = None
        for i, line in enumerate(lines):
            if line.startswith("- "):
                doc.add_paragraph(line[2:], style="List Bullet")
                p = None
                continue
            if p is None:
                p = doc.add_paragraph()
            run = p.add_run(line)
            if line.startswith("Betreft:"):
                run.bold = True
            if i + 1 < len(lines) and not lines[i + 1].startswith("- "):
                run.add_break()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _write_temp(directory: Path, data: bytes, suffix: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=".herstel-brief-", suffix=suffix, dir=directory)  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_docx(draft: Draft, path: Path) -> Path:
    """Write only the .docx (owner-only), e.g. for a preview outside the app. Records nothing."""
    path = Path(path)
    tmp = _write_temp(path.parent, docx_bytes(draft), ".docx")
    os.replace(tmp, path)
    return path


@dataclass
class LetterResult:
    kind: LetterKind
    zaaknummer: str
    docx: Path
    txt: Path
    event_id: int
    event_title: str
    note_id: int
    text: str
    today: date
    first_talk: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _target_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def produce(
    store: Store,
    config: Config,
    case_id: int,
    kind: str | LetterKind,
    *,
    today: date | None = None,
    first_talk: date | None = None,
    creditor: str | None = None,
    export_dir: Path | None = None,
    docx_path: Path | None = None,
    txt_path: Path | None = None,
    expect_text: str | None = None,
    letters: LetterSet | None = None,
) -> LetterResult:
    """Render, write the .docx and .txt and record the letter: all of it or nothing.

    ``expect_text``: the text the caseworker saw in the preview; if the case changed since, the
    letter is refused (LetterError) instead of writing something else than was shown.
    """
    from herstel_tui.settings.config import resolve_export_dir

    draft = prepare(
        store, config, case_id, kind, today=today, first_talk=first_talk, creditor=creditor, letters=letters
    )
    if expect_text is not None and draft.text != expect_text:
        raise LetterError("De gegevens van de zaak zijn intussen gewijzigd; bekijk het voorbeeld opnieuw.")
    docx_name, txt_name = file_names(draft)
    directory = Path(export_dir) if export_dir is not None else resolve_export_dir(config)
    auto_docx, auto_txt = (None, None)
    if docx_path is None or txt_path is None:
        auto_docx, auto_txt = _free_pair(_target_dir(directory), docx_name, txt_name)
    final_docx = Path(docx_path) if docx_path is not None else auto_docx
    final_txt = Path(txt_path) if txt_path is not None else auto_txt
    assert final_docx is not None and final_txt is not None
    if final_docx.resolve() == final_txt.resolve():
        raise LetterError("het .docx-bestand en het tekstbestand moeten verschillende namen hebben")
    for p in (final_docx, final_txt):
        if p.exists() and p.is_dir():
            raise LetterError(f"{p} is een map; geef een bestandsnaam")
        if not p.parent.is_dir():
            raise LetterError(f"de map {p.parent} bestaat niet")
    body = draft.text if draft.text.endswith("\n") else draft.text + "\n"
    tmp_docx = _write_temp(final_docx.parent, docx_bytes(draft), ".docx")
    try:
        tmp_txt = _write_temp(final_txt.parent, body.encode("utf-8"), ".txt")
    except BaseException:
        tmp_docx.unlink(missing_ok=True)
        raise
    placed: list[Path] = []
    existed = {p: p.exists() for p in (final_docx, final_txt)}
    try:
        with store.transaction():
            event = store.record_event(case_id, draft.kind.records, draft.today, note=draft.event_note)
            note = store.add_contact_note(
                case_id,
                f"Brief verstuurd: {draft.kind.title}. Bestand: {final_docx.name}",
                channel="brief",
                on=draft.today,
            )
            store._audit(
                "brief",
                "zaak",
                case_id,
                person_id=draft.case.person_id,
                case_id=case_id,
                detail={"brief": draft.kind.id, "bestand": final_docx.name, "tekst": final_txt.name},
            )
            os.replace(tmp_docx, final_docx)
            placed.append(final_docx)
            os.replace(tmp_txt, final_txt)
            placed.append(final_txt)
    except BaseException:
        for p in placed:
            if not existed[p]:
                p.unlink(missing_ok=True)
        tmp_docx.unlink(missing_ok=True)
        tmp_txt.unlink(missing_ok=True)
        raise
    from herstel_tui.domain.routekaart import default_routekaart

    return LetterResult(
        kind=draft.kind,
        zaaknummer=draft.case.zaaknummer,
        docx=final_docx,
        txt=final_txt,
        event_id=event.id,
        event_title=default_routekaart().event_title(draft.case.track.value, draft.kind.records),
        note_id=note.id,
        text=draft.text,
        today=draft.today,
        first_talk=draft.first_talk,
    )
