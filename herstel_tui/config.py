"""The one configuration file: TOML, validated by pydantic, errors naming file and key.

Location: ``--config``, else ``$HERSTEL_CONFIG``, else ``platformdirs.user_config_path("herstel")
/ "config.toml"``. A missing file is fine (defaults); a broken one is not.
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .paths import (  # noqa: F401 - re-exported: callers find every location here
    config_path,
    data_path,
    default_db_path,
    default_export_dir,
    login,
    write_config_cache,
)


class ConfigError(Exception):
    """str() is a Dutch message naming the file and the key."""


class Retention(BaseModel):
    """Years a closed case is kept, per outcome; the municipality sets them (Selectielijst)."""

    model_config = ConfigDict(extra="forbid")
    gedupeerd: Annotated[int, Field(ge=0, le=100)] = 20
    geen_uitsluitsel: Annotated[int, Field(ge=0, le=100)] = 7
    niet_gedupeerd: Annotated[int, Field(ge=0, le=100)] = 7
    overig: Annotated[int, Field(ge=0, le=100)] = 7


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gemeente: str = "Gemeente Voorbeeld"
    portaal_id: str | None = None
    medewerker: str = Field(default_factory=login)
    database: Path | None = None
    exportmap: Path | None = None
    bewaartermijnen: Retention = Field(default_factory=Retention)
    # binding id -> keys, as Textual's keymap takes them ("f5,r")
    toetsen: dict[str, str] = Field(default_factory=dict)

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


def load_config(explicit: Path | str | None = None) -> tuple[Config, Path]:
    """Load and validate the config file; returns the config and the path it came from."""
    path = config_path(explicit)
    if not path.exists():
        if explicit or os.environ.get("HERSTEL_CONFIG"):
            raise ConfigError(f"{path}: configuratiebestand bestaat niet")
        return Config(), path
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: geen geldige TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: kan het bestand niet lezen ({exc})") from None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_config_errors(path, exc)) from None
    write_config_cache(path, {"medewerker": config.medewerker,
                              "database": str(config.database) if config.database else None})
    return config, path


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
            msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: sleutel '{key}': {msg}")
    return "\n".join(lines)


def resolve_db_path(cli_db: Path | str | None, config: Config) -> Path:
    """``--db`` beats ``$HERSTEL_DB`` beats the config's ``database`` beats the default."""
    if cli_db:
        return Path(cli_db).expanduser()
    env = os.environ.get("HERSTEL_DB")
    if env:
        return Path(env).expanduser()
    if config.database:
        return config.database.expanduser()
    return default_db_path()


def resolve_export_dir(config: Config) -> Path:
    return (config.exportmap or default_export_dir()).expanduser()
