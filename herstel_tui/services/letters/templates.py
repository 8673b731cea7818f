"""Letter templates and their index: which letters exist (``letters.toml``), which fields a
template may use, and filling a template. See the package text for the template syntax."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from herstel_tui.domain.models import error_text
from herstel_tui.domain.routekaart import Routekaart
from herstel_tui.settings.resources import data_file

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.settings.cache import ConfigValues
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store


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
    "medewerker": ("wie de brief ondertekent (configuratie: ondertekening, anders medewerker)", "A. de Vries"),
    "gemeente.contact": (
        "adres, telefoon en openingstijden van de gemeente (configuratie: gemeente_contact)",
        "Postbus 1, 9999 ZZ Voorbeeld · telefoon 14 099",
    ),
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
    "aanleiding": (
        "hoe de persoon bij de gemeente kwam: via UHT of zelf gemeld",
        "U heeft zich gemeld bij de Uitvoeringsorganisatie Herstel Toeslagen (UHT) en laten weten dat u hulp "
        "van de gemeente wilt.",
    ),
}
CONTACT_PARTS = {"naam": "name", "telefoon": "phone", "email": "email"}

# What to do when a field has no value for the case.
MISSING_HINTS = {
    "eerste_gesprek": "de datum van het eerste gesprek ontbreekt: geef de datum (dd-mm-jjjj) of leg eerst "
    "het eerste gesprek vast",
    "moratorium": "het wettelijk moratorium is voor deze zaak niet begonnen: leg eerst Eerste compensatie "
    "uitbetaald vast (het moratorium loopt vanaf de uitbetaling)",
    "schuldeiser": "geef de naam van de schuldeiser",
    "ouder.geboortedatum": "de geboortedatum van de persoon ontbreekt in het register; vul die eerst aan",
}

_FIELD_RE = re.compile(r"\{\{([^{}\n]*)\}\}")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def known_fields(rk: Routekaart) -> dict[str, tuple[str, str]]:
    """Every field a template may use, with a Dutch description and an example."""
    out = dict(FIELDS)
    for cid, c in rk.contacts.items():
        for part, attr in CONTACT_PARTS.items():
            out[f"contact.{cid}.{part}"] = (f"{part} van {c.name}", getattr(c, attr) or "")
    return out


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def template_fields(path: Path, text: str, known: dict[str, tuple[str, str]]) -> list[tuple[str, int]]:
    """The fields of a template with their line numbers; raises on a malformed or unknown field."""
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
    fields = template_fields(path, text, {name: ("", "") for name in values})
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
    requires: list[Literal["moratorium_loopt", "aangemeld"]] = []


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


def load_letters(directory: Path | str | None, rk: Routekaart) -> LetterSet:
    """Read and check ``letters.toml`` and every template it names (None: the shipped ones)
    against the routekaart ``rk``."""
    directory = Path(directory) if directory is not None else data_file("letters")
    index = directory / "letters.toml"
    try:
        raw = tomllib.loads(index.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise LetterTemplateError(index, "bestand niet gevonden") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterTemplateError(index, f"bestand kan niet worden gelezen ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LetterTemplateError(index, f"geen geldige TOML ({exc})") from None
    except RecursionError:
        raise LetterTemplateError(index, "geen geldige TOML (te diep in elkaar genest)") from None
    try:
        data = _IndexIn.model_validate(raw)
    except ValidationError as exc:
        faults = []
        for err in exc.errors():
            loc = err["loc"]
            where = (
                f"brief nr. {loc[1] + 1}"
                if len(loc) >= 2 and loc[0] == "letters" and isinstance(loc[1], int)
                else "bestand"
            )
            if len(loc) >= 2 and loc[0] == "letters" and isinstance(loc[1], int):
                try:
                    where = f"brief '{raw['letters'][loc[1]]['id']}'"
                except Exception:
                    pass
            key = ".".join(str(p) for p in loc[2:]) or ".".join(str(p) for p in loc)
            msg = (
                "onbekende sleutel"
                if err["type"] == "extra_forbidden"
                else ("ontbreekt" if err["type"] == "missing" else error_text(err))
            )
            faults.append(f"{where}: sleutel '{key}': {msg}")
        raise LetterTemplateError(index, "; ".join(faults)) from None
    kinds: dict[str, LetterKind] = {}
    known = known_fields(rk)
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
        fields = tuple(dict.fromkeys(name for name, _ in template_fields(path, text, known)))
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


def letters_for(config: Config | ConfigValues, rk: Routekaart, store: Store | None = None) -> LetterSet:
    """The letter templates carried in a laptop file (``herstel meenemen``: the municipality's
    folder in use at checkout, readable offline); else the municipality's own templates when the
    config names a folder; else the shipped ones."""
    carried = store.checkouts.carried_templates() if store is not None else {}
    if carried:
        return carried_letters(carried, rk)
    return load_letters(config.briefsjablonen, rk) if config.briefsjablonen else default_letters(rk)


def carried_letters(files: dict[str, str], rk: Routekaart) -> LetterSet:
    """Letters from templates carried as texts (file name -> text), checked like a folder's."""
    return _carried(tuple(sorted(files.items())), rk)


@functools.cache
def _carried(files: tuple[tuple[str, str], ...], rk: Routekaart) -> LetterSet:
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="herstel-sjablonen-"))  # 0700: only this user
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name, text in files:
        if Path(name).name != name or name in ("", ".", ".."):
            raise LetterTemplateError(folder, f"ongeldige bestandsnaam {name!r} in de meegenomen briefsjablonen")
        (folder / name).write_text(text, encoding="utf-8")
    return load_letters(folder, rk)


@functools.cache
def default_letters(rk: Routekaart) -> LetterSet:
    """The shipped letters, loaded once per routekaart."""
    return load_letters(None, rk)
