from pathlib import Path

import pytest

from herstel_tui.settings.config import Config, ConfigError, config_path, load_config, resolve_db_path


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_missing_default_file_gives_defaults():
    cfg, path = load_config()
    assert path.name == "config.toml" and "herstel" in str(path)
    assert cfg.portaal_id is None and cfg.medewerker


def test_full_file(tmp_path):
    p = write(
        tmp_path,
        """
gemeente = "Gemeente Rotterdam"
portaal_id = "gpb12ab"
medewerker = "A. de Vries"
[bewaartermijnen]
gedupeerd = 15
[toetsen]
"zaak.notitie" = "f6,n"
""",
    )
    cfg, path = load_config(p)
    assert path == p
    assert cfg.gemeente == "Gemeente Rotterdam"
    assert cfg.portaal_id == "GPB12AB"
    assert cfg.bewaartermijnen.gedupeerd == 15 and cfg.bewaartermijnen.niet_gedupeerd == 7
    assert cfg.toetsen == {"zaak.notitie": "f6,n"}


def test_unknown_key_names_file_and_key(tmp_path):
    p = write(tmp_path, 'gemeente = "X"\nkleur = "rood"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert str(exc.value) == f"{p}: sleutel 'kleur': onbekende sleutel"


def test_unknown_nested_key(tmp_path):
    p = write(tmp_path, "[bewaartermijnen]\nzomaar = 3\n")
    with pytest.raises(ConfigError, match=r"sleutel 'bewaartermijnen.zomaar': onbekende sleutel"):
        load_config(p)


@pytest.mark.parametrize("value", ["GPB123", "XPB1234", "GPB12345", "GPB12-4"])
def test_bad_portal_id(tmp_path, value):
    p = write(tmp_path, f'portaal_id = "{value}"\n')
    with pytest.raises(ConfigError, match=r"sleutel 'portaal_id': portaal-id .* klopt niet"):
        load_config(p)


def test_bad_retention(tmp_path):
    p = write(tmp_path, "[bewaartermijnen]\ngedupeerd = -1\n")
    with pytest.raises(ConfigError, match="bewaartermijnen.gedupeerd"):
        load_config(p)


def test_not_toml(tmp_path):
    p = write(tmp_path, "dit = is = geen toml")
    with pytest.raises(ConfigError, match="geen geldige TOML"):
        load_config(p)


def test_explicit_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="bestaat niet"):
        load_config(tmp_path / "nope.toml")


def test_env_var_chooses_file(tmp_path, monkeypatch):
    p = write(tmp_path, 'gemeente = "Uit env"\n')
    monkeypatch.setenv("HERSTEL_CONFIG", str(p))
    assert config_path() == p
    assert load_config()[0].gemeente == "Uit env"


def test_db_resolution_order(tmp_path, monkeypatch):
    cfg = Config(database=tmp_path / "cfg.db")
    assert resolve_db_path(None, cfg) == tmp_path / "cfg.db"
    monkeypatch.setenv("HERSTEL_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None, cfg) == tmp_path / "env.db"
    assert resolve_db_path(str(tmp_path / "cli.db"), cfg) == tmp_path / "cli.db"


def test_medewerker_defaults_to_login():
    import getpass

    assert Config().medewerker == getpass.getuser()


def test_the_cached_values_come_back_and_a_damaged_cache_is_none(tmp_path, monkeypatch):
    """The validated values are kept for the quick paths (settings.cache, marshal's format since
    issue 18); a file that cannot be read is no cache, and the full loader writes a new one."""
    from herstel_tui.settings import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "k"))
    f = tmp_path / "config.toml"
    f.write_text('gemeente = "Gemeente Proef"\nmedewerker = "p.proef"\n')
    load_config(f)
    values = cache.read_config_cache(f)
    assert values is not None and (values.gemeente, values.medewerker) == ("Gemeente Proef", "p.proef")
    cached = Path(cache._cache_file())
    for damaged in (b"", b"\x00garbage", cached.read_bytes()[:-3], b'{"stamp": null}'):
        cached.write_bytes(damaged)
        assert cache.read_config_cache(f) is None
    load_config(f)
    assert cache.read_config_cache(f) == values
