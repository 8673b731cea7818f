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


# -- the text twins of the quick paths (no pathlib) -------------------------------------------------

TEXTS = [
    "",
    ".",
    "./",
    "/",
    "//",
    "///",
    "////x",
    "//srv/x",
    "a",
    "a/",
    "a//b",
    "./a/./b/",
    "../a",
    "a/../b",
    "/a/b/",
    "~",
    "~/",
    "~/x.db",
    "~root/x",
    "./~x",
    "/~x",
    "a/~",
    "x.db",
    " spaties /x ",
    "é/ß.db",
]


@pytest.mark.parametrize("text", TEXTS)
def test_pure_text_is_what_pathlib_makes_of_it(text):
    assert paths.pure_text(text) == str(Path(text))


def test_pure_text_on_any_text():
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(alphabet="/.~a", max_size=12))
    def same(text):
        assert paths.pure_text(text) == str(Path(text))

    same()


@pytest.mark.parametrize("home", ["/home/ouder", "/home/ouder/", "/", "", "relatief"])
@pytest.mark.parametrize("text", [*TEXTS, "~root", "~/a/../b"])
def test_expanded_text_is_pathlib_expanduser(monkeypatch, home, text):
    monkeypatch.setenv("HOME", home)
    try:
        theirs: str | None = str(Path(text).expanduser())
    except RuntimeError:  # "~x" of a user without a home: pathlib refuses, the twin says None
        theirs = None
    assert paths.expanded_text(text) == theirs


def test_expanded_text_where_pathlib_refuses():
    with pytest.raises(RuntimeError):
        Path("~geen_gebruiker_zo/x.db").expanduser()
    assert paths.expanded_text("~geen_gebruiker_zo/x.db") is None


@pytest.mark.parametrize("explicit", [None, "", "/etc/herstel.toml", "~/c.toml", "./c.toml", "c//d.toml"])
@pytest.mark.parametrize("env", [None, "", "~/elders.toml", "/srv//x.toml"])
@pytest.mark.parametrize("xdg", [None, "/srv/xdg/", "relatief"])
def test_config_text_is_config_path(monkeypatch, explicit, env, xdg):
    for name, value in (("HERSTEL_CONFIG", env), ("XDG_CONFIG_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert paths.config_text(explicit) == str(paths.config_path(explicit))


@pytest.mark.parametrize("cli_db", [None, "", "/srv/h.db", "~/h.db", "./h.db", "a//b.db/"])
@pytest.mark.parametrize("env", [None, "", "~/e.db", "/srv/./e.db"])
@pytest.mark.parametrize("configured", [None, "/cfg/h.db", "~/cfg.db", "cfg/../h.db"])
def test_resolve_db_text_is_resolve_db(monkeypatch, cli_db, env, configured):
    if env is None:
        monkeypatch.delenv("HERSTEL_DB", raising=False)
    else:
        monkeypatch.setenv("HERSTEL_DB", env)
    theirs = paths.resolve_db(cli_db, Path(configured) if configured else None)
    assert paths.resolve_db_text(cli_db, configured) == str(theirs)
    assert paths.cache_text() == str(paths.cache_path())
