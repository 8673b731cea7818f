"""settings.paths answers where platformdirs would, without importing it on the quick paths."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from herstel_tui.settings import paths

HOMES = ["/home/ouder", "/home/ouder/", "relative/home", None]
XDG_VALUES = [None, "", "/srv/xdg", "relative/xdg", "  "]


@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("xdg", XDG_VALUES)
@pytest.mark.parametrize(
    ("ours", "theirs", "var"),
    [
        (lambda: paths.config_path().parent, platformdirs.user_config_path, "XDG_CONFIG_HOME"),
        (paths.data_path, platformdirs.user_data_path, "XDG_DATA_HOME"),
        (paths.cache_path, platformdirs.user_cache_path, "XDG_CACHE_HOME"),
    ],
)
def test_same_directory_as_platformdirs(monkeypatch, home, xdg, ours, theirs, var):
    monkeypatch.delenv("HERSTEL_CONFIG", raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home)
    if xdg is not None:
        monkeypatch.setenv(var, xdg)
    assert ours() == theirs(paths.APP)


def test_config_file_name_and_overrides(monkeypatch, tmp_path):
    monkeypatch.delenv("HERSTEL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert paths.config_path() == tmp_path / "herstel" / "config.toml"
    monkeypatch.setenv("HERSTEL_CONFIG", str(tmp_path / "elders.toml"))
    assert paths.config_path() == tmp_path / "elders.toml"
    assert paths.config_path("~/x.toml") == Path("~/x.toml").expanduser()


@pytest.mark.parametrize(
    "env",
    [
        {"LOGNAME": "a.bakker", "USER": "root"},
        {"USER": "m.kaya", "USERNAME": "x"},
        {"LNAME": "l.naam"},
        {"USERNAME": "w.user"},
        {"LOGNAME": "", "USER": "leeg.eerst"},
        {},  # none set: the password database
    ],
)
def test_login_is_getpass_getuser(monkeypatch, env):
    import getpass

    for name in paths._LOGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paths.login() == getpass.getuser()
