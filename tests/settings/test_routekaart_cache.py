"""The shipped routekaart is validated once per version of the file and the code, then read from
the cache (``settings.cache``): the same objects, never a stale or foreign file (issue 18)."""

from __future__ import annotations

import os
from datetime import date

import pytest

from herstel_tui.domain.routekaart import RecordedEvent, parse_routekaart
from herstel_tui.settings import cache, resources


@pytest.fixture
def fresh():
    """default_routekaart() as in a new process (its per-process memo emptied before and after)."""
    resources.default_routekaart.cache_clear()
    yield resources.default_routekaart
    resources.default_routekaart.cache_clear()


def _shipped() -> tuple[bytes, os.PathLike]:
    path = resources.data_file(resources.ROUTEKAART_FILE)
    return path.read_bytes(), path


def test_a_second_start_reads_the_cache_and_gets_the_same_routekaart(fresh, monkeypatch):
    text, path = _shipped()
    first = fresh()
    assert cache.read_routekaart_cache(text, path) is not None
    fresh.cache_clear()

    def no_validation(*_a, **_k):
        raise AssertionError("validated again although the cache is current")

    monkeypatch.setattr("herstel_tui.domain.routekaart.parse_routekaart", no_validation)
    second = fresh()
    assert second is not first
    validated = parse_routekaart(text, path)
    # the same routekaart as a fresh validation of the file: every step, rule, text and hash ...
    for name in ("path", "tracks", "rules", "contacts", "letters", "spuk_components", "fingerprint"):
        assert getattr(second, name) == getattr(validated, name), name
    assert second.index_fingerprint == validated.index_fingerprint != ""
    # ... and engines that walk a case the same way
    for track in validated.tracks.values():
        events = [RecordedEvent(step.id, date(2026, 1, 5 + i)) for i, step in enumerate(track.steps[:3])]
        for today in (date(2026, 1, 20), date(2026, 9, 1)):
            assert second.evaluate(track.id, events, today) == validated.evaluate(track.id, events, today)


def test_other_bytes_or_another_path_are_not_served_from_the_cache(fresh):
    text, path = _shipped()
    fresh()
    assert cache.read_routekaart_cache(text + b"\n# anders\n", path) is None
    assert cache.read_routekaart_cache(text, path.with_name("elders.toml")) is None


def test_a_change_in_the_domain_code_makes_the_cache_stale(fresh, monkeypatch, tmp_path):
    code = tmp_path / "domain"
    (code / "routekaart").mkdir(parents=True)
    model = code / "routekaart" / "model.py"
    model.write_text("x = 1\n")
    monkeypatch.setattr(cache, "_DOMAIN", code)
    text, path = _shipped()
    fresh()
    assert cache.read_routekaart_cache(text, path) is not None
    model.write_text("x = 22\n")  # another size (and mtime): the classes in the pickle may differ
    assert cache.read_routekaart_cache(text, path) is None


def test_a_damaged_or_loosely_permitted_cache_is_not_read(fresh):
    text, path = _shipped()
    fresh()
    target = cache._routekaart_cache_file(path)
    os.chmod(target, 0o620)  # the group may write it: someone else could have put code in it
    assert cache.read_routekaart_cache(text, path) is None
    os.chmod(target, 0o600)
    assert cache.read_routekaart_cache(text, path) is not None
    head = target.read_bytes().partition(b"\n")[0]
    target.write_bytes(head + b"\nnot a pickle")
    assert cache.read_routekaart_cache(text, path) is None
    fresh.cache_clear()
    assert fresh().fingerprint == parse_routekaart(text, path).fingerprint  # validated and cached again
    assert cache.read_routekaart_cache(text, path) is not None


def test_without_source_files_to_tell_the_code_apart_there_is_no_cache(fresh, monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "_DOMAIN", tmp_path / "nergens")  # a zip or a sourceless install
    text, path = _shipped()
    assert fresh().fingerprint == parse_routekaart(text, path).fingerprint  # validated, not cached
    assert not cache._routekaart_cache_file(path).exists()
    assert cache.read_routekaart_cache(text, path) is None


# -- the termijnen' titles (`herstel termijnen` over SSH, issue 18) --------------------------------


def _titles_of(routekaart) -> dict[str, str]:
    return {rid: rule.title for rid, rule in routekaart.rules.items()}


def _text_path() -> tuple[bytes, str]:
    path = os.path.join(resources._data_dir_text(), resources.ROUTEKAART_FILE)
    with open(path, "rb") as fh:
        return fh.read(), path


def test_rule_titles_are_the_routekaarts_and_then_come_from_the_cache(fresh, monkeypatch):
    text, path = _text_path()
    assert cache.read_rule_titles(text, path) is None
    titles = resources.rule_titles()  # loads the routekaart; kept only while none was loaded before
    assert titles == _titles_of(parse_routekaart(text, resources.data_file(resources.ROUTEKAART_FILE)))
    assert cache.read_rule_titles(text, path) == titles
    fresh.cache_clear()

    def no_load(*_a, **_k):
        raise AssertionError("the routekaart loaded although its titles are kept")

    monkeypatch.setattr(cache, "read_routekaart_cache", no_load)
    monkeypatch.setattr("herstel_tui.domain.routekaart.parse_routekaart", no_load)
    assert resources.rule_titles() == titles
    assert not fresh.cache_info().currsize


def test_rule_titles_after_a_load_come_from_the_loaded_routekaart(fresh):
    text, path = _text_path()
    rk = fresh()
    assert resources.rule_titles() == _titles_of(rk)
    assert cache.read_rule_titles(text, path) is None  # (the next quick start writes them)


def test_rule_titles_of_other_bytes_other_code_or_a_loose_file_are_not_read(fresh, monkeypatch, tmp_path):
    code = tmp_path / "domain"
    (code / "routekaart").mkdir(parents=True)
    model = code / "routekaart" / "model.py"
    model.write_text("x = 1\n")
    monkeypatch.setattr(cache, "_DOMAIN", code)
    text, path = _text_path()
    titles = resources.rule_titles()
    assert cache.read_rule_titles(text, path) == titles
    assert cache.read_rule_titles(text + b"\n# anders\n", path) is None
    assert cache.read_rule_titles(text, path + ".elders") is None
    target = cache._rule_titles_file(path)
    os.chmod(target, 0o620)
    assert cache.read_rule_titles(text, path) is None
    os.chmod(target, 0o600)
    assert cache.read_rule_titles(text, path) == titles
    model.write_text("x = 22\n")  # another size (and mtime): the code that makes the titles may differ
    assert cache.read_rule_titles(text, path) is None
    model.write_text("x = 1\n")
    os.utime(model, ns=(0, 0))
    assert cache.read_rule_titles(text, path) is None
    with open(target, "w") as fh:
        fh.write("{kapot")
    assert cache.read_rule_titles(text, path) is None
    fresh.cache_clear()
    assert resources.rule_titles() == titles  # loaded and kept again
    assert cache.read_rule_titles(text, path) == titles


def test_without_source_files_the_titles_are_not_kept(fresh, monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "_DOMAIN", tmp_path / "nergens")
    text, path = _text_path()
    assert resources.rule_titles() == _titles_of(fresh())
    assert not os.path.exists(cache._rule_titles_file(path))
