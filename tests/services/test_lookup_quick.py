"""services.lookup shows and writes the words of domain.enums without building the enums (the quick
path of `herstel zoek`): the plain tables must say what the enums say."""

from __future__ import annotations

from herstel_tui.domain.enums import AuditAction, Outcome, Track
from herstel_tui.services import lookup


def test_the_plain_words_are_the_enums():
    assert lookup.TRACK_SHORT == {t.value: t.short for t in Track}
    assert lookup.OUTCOME_LABELS == {o.value: o.label for o in Outcome}
    assert lookup.SEARCHED == AuditAction.SEARCHED.value


def test_outcome_label_and_track_short_as_the_enums_give_them():
    for value in [*(o.value for o in Outcome), *Outcome, None, "", "onbekend"]:
        member = Outcome.get(value)
        assert lookup.outcome_label(value) == (member.label if member else None)
    for value in [*(t.value for t in Track), "iets_nieuws"]:
        track = Track.get(value)
        assert lookup.TRACK_SHORT.get(value, value) == (track.short if track else value)


def test_the_fingerprint_read_without_pathlib_is_the_shipped_routekaarts(tmp_path):
    """routekaart_fingerprint reads the file itself (as text paths) while no routekaart is loaded:
    the same file, the same fingerprint, as data_file and the full load."""
    import subprocess
    import sys
    from pathlib import Path

    from herstel_tui.domain.digest import fingerprint
    from herstel_tui.settings import resources

    code = "from herstel_tui.settings import resources as r; print(r.routekaart_fingerprint())"
    env = {"PYTHONPATH": str(Path(__file__).parents[2]), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    shipped = fingerprint(resources.data_file(resources.ROUTEKAART_FILE).read_bytes())
    assert r.stdout.strip() == shipped == resources.default_routekaart().fingerprint
