"""The one configuration file: TOML, validated by pydantic, errors naming file and key.

Location: ``--config``, else ``$HERSTEL_CONFIG``, else ``platformdirs.user_config_path("herstel")
/ "config.toml"``. A missing file is fine (defaults); a broken one is not.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from herstel_tui.domain.models import error_text
from herstel_tui.domain.text import TextError, clean_text, os_reason
from herstel_tui.files.portal_common import DEFAULT_LIMITS, ReadLimits, header_key
from herstel_tui.settings.cache import ConfigValues, write_config_cache
from herstel_tui.settings.paths import config_path, default_export_dir, login, resolve_db


class ConfigError(Exception):
    """str() is a Dutch message naming the file and the key."""


class Retention(BaseModel):
    """Years a closed case is kept, per outcome; the municipality sets them (Selectielijst)."""

    model_config = ConfigDict(extra="forbid")
    gedupeerd: Annotated[int, Field(ge=0, le=100)] = 20
    geen_uitsluitsel: Annotated[int, Field(ge=0, le=100)] = 7
    niet_gedupeerd: Annotated[int, Field(ge=0, le=100)] = 7
    overig: Annotated[int, Field(ge=0, le=100)] = 7


def _aliases(value: object) -> object:
    """A column may be given as one header name or as a list of accepted header names."""
    if isinstance(value, str):
        return [value]
    return value


Aliases = Annotated[list[str], BeforeValidator(_aliases)]


class _Columns(BaseModel):
    """Base for one portal list: each field lists the header names accepted for that column.

    Layouts of the portal lists are not public [unverified]: the defaults are a guess that a
    municipality corrects here without a code change. Headers match case-insensitively, with
    spaces trimmed. A header may not belong to two columns of the same list.
    """

    model_config = ConfigDict(extra="forbid")
    # fields that hold accepted cell values, not header names
    VOCABULARIES: ClassVar[tuple[str, ...]] = ()

    @field_validator("*")
    @classmethod
    def _clean(cls, value: object) -> object:
        if isinstance(value, list):
            cleaned = [" ".join(str(v).split()) for v in value]
            if any(not v for v in cleaned):
                raise ValueError("een kolomnaam of waarde mag niet leeg zijn")
            return cleaned
        return value

    @model_validator(mode="after")
    def _distinct(self):
        seen: dict[str, str] = {}
        vocab = set(self.VOCABULARIES)
        for name, value in self:
            if name in vocab or not isinstance(value, list):
                continue
            for header in value:
                key = header_key(header)
                if key in seen and seen[key] != name:
                    raise ValueError(f"kolomnaam {header!r} staat bij zowel {seen[key]!r} als {name!r}")
                seen[key] = name
        return self

    def column_fields(self) -> dict[str, list[str]]:
        """field -> accepted header names, for the fields that are columns (not vocabularies)."""
        return {name: value for name, value in self if isinstance(value, list) and name not in self.VOCABULARIES}


def _disjoint(model: BaseModel, *names: str) -> None:
    seen: dict[str, str] = {}
    for name in names:
        for word in getattr(model, name):
            key = header_key(word)
            if key in seen and seen[key] != name:
                raise ValueError(f"waarde {word!r} staat bij zowel {seen[key]!r} als {name!r}")
            seen[key] = name


class AnswerColumns(_Columns):
    """Antwoordbestand kindregeling: per child whether it belongs to UHT's population."""

    VOCABULARIES = ("ja", "nee")
    bsn: Aliases = Field(default_factory=lambda: ["BSN", "BSN kind"])
    resultaat: Aliases = Field(default_factory=lambda: ["Resultaat", "Behoort tot populatie", "Uitkomst"])
    ja: Aliases = Field(default_factory=lambda: ["ja", "j", "true", "waar", "1", "yes", "y"])
    nee: Aliases = Field(default_factory=lambda: ["nee", "n", "false", "onwaar", "0", "no"])

    @model_validator(mode="after")
    def _yes_no(self):
        if not self.ja or not self.nee:
            raise ValueError("ja en nee hebben elk minstens één waarde nodig")
        _disjoint(self, "ja", "nee")
        return self


class RegistrationColumns(_Columns):
    """Nieuwe aanmeldingen: contact data of registered parents who consented."""

    bsn: Aliases = Field(default_factory=lambda: ["BSN", "BSN aanvrager", "BSN ouder"])
    voornamen: Aliases = Field(default_factory=lambda: ["Voornamen", "Voornaam"])
    tussenvoegsel: Aliases = Field(default_factory=lambda: ["Tussenvoegsel", "Voorvoegsel"])
    achternaam: Aliases = Field(default_factory=lambda: ["Achternaam", "Geslachtsnaam"])
    geboortedatum: Aliases = Field(default_factory=lambda: ["Geboortedatum"])
    straat: Aliases = Field(default_factory=lambda: ["Straat", "Straatnaam"])
    huisnummer: Aliases = Field(default_factory=lambda: ["Huisnummer"])
    toevoeging: Aliases = Field(default_factory=lambda: ["Toevoeging", "Huisnummertoevoeging", "Huisletter"])
    postcode: Aliases = Field(default_factory=lambda: ["Postcode"])
    woonplaats: Aliases = Field(default_factory=lambda: ["Woonplaats", "Plaats"])
    telefoon: Aliases = Field(default_factory=lambda: ["Telefoon", "Telefoonnummer"])
    email: Aliases = Field(default_factory=lambda: ["E-mail", "E-mailadres", "Email", "Emailadres"])
    toeslagpartner_bsn: Aliases = Field(default_factory=lambda: ["BSN toeslagpartner", "BSN partner"])
    datum: Aliases = Field(default_factory=lambda: ["Datum", "Datum aanmelding", "Datum toestemming"])


class NegativeColumns(_Columns):
    """Negatieve beschikkingen: which UHT decision, on which date."""

    VOCABULARIES = ("eerste_toets", "integrale_beoordeling")
    bsn: Aliases = Field(default_factory=lambda: ["BSN", "BSN aanvrager", "BSN ouder"])
    datum: Aliases = Field(default_factory=lambda: ["Datum beschikking", "Beschikkingsdatum", "Datum"])
    soort: Aliases = Field(default_factory=lambda: ["Soort", "Soort beschikking", "Beoordeling"])
    eerste_toets: Aliases = Field(default_factory=lambda: ["eerste toets", "et", "eerste_toets"])
    integrale_beoordeling: Aliases = Field(
        default_factory=lambda: ["integrale beoordeling", "ib", "integrale_beoordeling"]
    )
    # Used for rows without a Soort (or a list without that column); None: such a row is refused.
    standaard_soort: Literal["eerste_toets", "integrale_beoordeling"] | None = None

    @model_validator(mode="after")
    def _kinds(self):
        _disjoint(self, "eerste_toets", "integrale_beoordeling")
        return self


class CollectorColumns(_Columns):
    """Lists for collectors (invorderaars): start or end of the publieke pauzeknop."""

    VOCABULARIES = ("start", "einde")
    bsn: Aliases = Field(default_factory=lambda: ["BSN", "BSN aanvrager", "BSN ouder", "BSN toeslagpartner"])
    actie: Aliases = Field(default_factory=lambda: ["Pauzeknop", "Actie", "Soort"])
    datum: Aliases = Field(default_factory=lambda: ["Datum", "Datum pauzeknop", "Ingangsdatum"])
    voornamen: Aliases = Field(default_factory=lambda: ["Voornamen", "Voornaam"])
    tussenvoegsel: Aliases = Field(default_factory=lambda: ["Tussenvoegsel", "Voorvoegsel"])
    achternaam: Aliases = Field(default_factory=lambda: ["Achternaam", "Geslachtsnaam"])
    geboortedatum: Aliases = Field(default_factory=lambda: ["Geboortedatum"])
    start: Aliases = Field(default_factory=lambda: ["start", "aan", "begin", "start pauzeknop"])
    einde: Aliases = Field(default_factory=lambda: ["einde", "eind", "uit", "stop", "einde pauzeknop"])

    @model_validator(mode="after")
    def _actions(self):
        _disjoint(self, "start", "einde")
        return self


class Limits(BaseModel):
    """``[grenzen]``: how much of a file from the portal or a mailbox is read at most. A file over a
    limit is refused whole with a message that names the limit (issue 15: bounded memory)."""

    model_config = ConfigDict(extra="forbid")
    regels: Annotated[int, Field(ge=1, le=10_000_000)] = DEFAULT_LIMITS.rows
    bestand_mb: Annotated[int, Field(ge=1, le=10_000)] = DEFAULT_LIMITS.file_mb
    tekens_per_cel: Annotated[int, Field(ge=100, le=1_000_000)] = DEFAULT_LIMITS.cell_chars
    uitgepakt_mb: Annotated[int, Field(ge=1, le=100_000)] = DEFAULT_LIMITS.unpacked_mb

    def read_limits(self) -> ReadLimits:
        return ReadLimits(
            rows=self.regels, file_mb=self.bestand_mb, cell_chars=self.tekens_per_cel, unpacked_mb=self.uitgepakt_mb
        )


class PortalColumns(BaseModel):
    """``[portaal_kolommen.*]``: the column mapping of each file read from the portal."""

    model_config = ConfigDict(extra="forbid")
    antwoordbestand: AnswerColumns = Field(default_factory=AnswerColumns)
    nieuwe_aanmeldingen: RegistrationColumns = Field(default_factory=RegistrationColumns)
    negatieve_beschikkingen: NegativeColumns = Field(default_factory=NegativeColumns)
    invordering: CollectorColumns = Field(default_factory=CollectorColumns)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gemeente: str = "Gemeente Voorbeeld"
    portaal_id: str | None = None
    medewerker: str = Field(default_factory=login)
    # how letters are signed ("A. de Vries, consulent brede ondersteuning"); default: medewerker
    ondertekening: str | None = None
    # the municipality's contact block under a letter: address, phone, opening hours (lines: \n)
    gemeente_contact: str = ""
    database: Path | None = None
    exportmap: Path | None = None
    # a folder with letters.toml and the letter templates, to use instead of the shipped ones
    briefsjablonen: Path | None = None
    bewaartermijnen: Retention = Field(default_factory=Retention)
    # binding id -> keys, as Textual's keymap takes them ("f5,r")
    toetsen: dict[str, str] = Field(default_factory=dict)
    # column mappings of the lists read from the Belastingdienst portal (layouts not public)
    portaal_kolommen: PortalColumns = Field(default_factory=PortalColumns)
    # limits on files read (rows, size, characters per cell, unpacked size of an xlsx)
    grenzen: Limits = Field(default_factory=Limits)

    @field_validator("portaal_id")
    @classmethod
    def _portal_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if not re.fullmatch(r"GPB[0-9A-Z]{4}", value):
            raise ValueError(f"portaal-id {value!r} klopt niet: verwacht GPB gevolgd door vier tekens (GPB1234)")
        return value

    @field_validator("medewerker", "gemeente")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("mag niet leeg zijn")
        return value.strip()

    @field_validator("toetsen")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        for binding_id, keys in value.items():
            if not keys.strip():
                raise ValueError(f"toets voor {binding_id!r} is leeg")
        return value

    def values(self) -> ConfigValues:
        """The plain values, as the quick paths get them from the cache."""
        return ConfigValues.from_json(self.model_dump(mode="json"))


def load_config(explicit: Path | str | None = None) -> tuple[Config, Path]:
    """Load and validate the config file; returns the config and the path it came from."""
    path = config_path(explicit)
    if not path.exists():
        if explicit or os.environ.get("HERSTEL_CONFIG"):
            raise ConfigError(f"{path}: configuratiebestand bestaat niet")
        config = Config()
        write_config_cache(path, config.model_dump(mode="json"))
        return config, path
    if path.is_dir():
        raise ConfigError(f"{path}: is een map, geen configuratiebestand")
    if not path.is_file():
        # A FIFO or device: reading it would wait forever (or eat someone else's data).
        raise ConfigError(
            f"{path}: is geen gewoon bestand (maar bijvoorbeeld een pijp of apparaat); geef een TOML-bestand op"
        )
    try:
        if path.stat().st_size > CONFIG_MAX_BYTES:
            raise ConfigError(
                f"{path}: is {path.stat().st_size // 1024} kB; een configuratiebestand is hoogstens "
                f"{CONFIG_MAX_BYTES // 1024} kB. Er is niets gewijzigd"
            )
        # utf-8-sig: Notepad saves "UTF-8" with a byte order mark; TOML itself does not allow one
        text = path.read_text(encoding="utf-8-sig")
        _refuse_deep_nesting(path, text)
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: geen geldige TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: geen geldige TOML (tabellen of lijsten te diep in elkaar genest)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: is geen UTF-8-tekst (onleesbaar teken op positie {exc.start}); sla het bestand op als UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: kan het bestand niet lezen ({os_reason(exc)})") from None
    raw = _text_policy(path, raw)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_config_errors(path, exc)) from None
    write_config_cache(path, config.model_dump(mode="json"))
    return config, path


CONFIG_MAX_BYTES = 256 * 1024
# tomllib needs memory quadratic in the depth of a dotted key (a.a.a... 100,000 deep: gigabytes) and
# recursion for nested arrays and inline tables: a line with more of these is refused first.
CONFIG_MAX_NESTING = 64


def _refuse_deep_nesting(path: Path, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.count(".") + line.count("[") + line.count("{") > CONFIG_MAX_NESTING:
            raise ConfigError(
                f"{path}: regel {number} is te diep genest (meer dan {CONFIG_MAX_NESTING} punten of haken); "
                "geen geldige configuratie. Er is niets gewijzigd"
            )


def _text_policy(path: Path, value: object, key: str = "") -> Any:
    """Every text in the file under the text policy (``domain/text``): NFC, bidi controls removed,
    a control character refused naming file and key."""
    if isinstance(value, str):
        try:
            return clean_text(value, field=f"sleutel '{key}'")
        except TextError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            name = _text_policy(path, k, f"{key}.{k}" if key else k)
            out[name] = _text_policy(path, v, f"{key}.{k}" if key else k)
        return out
    if isinstance(value, list):
        return [_text_policy(path, v, key) for v in value]
    return value


def format_config_errors(path: Path, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(bestand)"
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "onbekende sleutel"
        elif kind == "missing":
            msg = "ontbreekt"
        elif kind.startswith("int_"):
            msg = "moet een heel getal zijn"
        elif kind in ("greater_than_equal", "less_than_equal"):
            msg = f"waarde {err.get('input')!r} valt buiten het toegestane bereik"
        elif kind.startswith("string_"):
            msg = "moet tekst zijn"
        else:
            msg = error_text(err)
        lines.append(f"{path}: sleutel '{key}': {msg}")
    return "\n".join(lines)


def resolve_db_path(cli_db: Path | str | None, config: Config | ConfigValues) -> Path:
    """``--db`` beats ``$HERSTEL_DB`` beats the config's ``database`` beats the default."""
    return resolve_db(cli_db, config.database)


def resolve_export_dir(config: Config | ConfigValues) -> Path:
    return (config.exportmap or default_export_dir()).expanduser()
