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
