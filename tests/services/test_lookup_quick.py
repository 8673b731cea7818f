"""services.lookup shows and writes the words of domain.enums without building the enums (the quick
path of `herstel zoek`): the plain tables must say what the enums say."""

from __future__ import annotations

import pytest

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


# -- `herstel termijnen`'s table (issue 18) ---------------------------------------------------------

DUE_NAMES = [
    "Jansen, Anna",
    "Abcdefghijklmn",  # exactly the width
    "Abcdefghijklmno",  # one over: clipped
    "Vries, Pieter Johannes de",
    "Kort",
    "",
    None,
    "Evil\x1b]0;titel\x07, Eva",
    "Regel\nop regel",
    "Tab\tin naam",
    "Bidi\u202egnirts",
    "Ünïcödé, Zoë",
    "   ",
    "Csi\x9b2J, Cees",  # a C1 control
    "Los\ud800, Lot",  # a lone surrogate
    "Nbsp\u00a0en\u200bzwsp",  # not printable, not a control: stays
]


def _due_rows(titles: dict[str, str]) -> list[tuple]:
    dues = ["2026-05-01", "2026-06-01", "2026-06-02", "2026-07-15"]
    zaken = ["HKO-2026-000001", "HKO-2026-0000012", "2026-000003", None, "HKO\x1b[2J-2026"]
    rules = list(titles)
    return [
        (
            dues[i % len(dues)],
            zaken[i % len(zaken)],
            name,
            "schuldenaanpak" if i % 2 else "brede_ondersteuning",
            rules[i % len(rules)],
            "medewerker",
        )
        for i, name in enumerate(DUE_NAMES * 3)
    ]


def _table_rows(found: list[tuple], today, titles: dict[str, str]) -> list[dict]:
    """The rows as `termijnen` built them before DueTable (with the enums and the routekaart)."""
    from datetime import date

    from herstel_tui.domain.dates import format_date

    rows = []
    for due_text, zaak, name, track, rule, worker in found:
        days = (date.fromisoformat(due_text) - today).days
        rows.append(
            {
                "uiterlijk": format_date(date.fromisoformat(due_text)),
                "dagen": days,
                "termijn_tekst": lookup.days_text(days),
                "zaaknummer": zaak,
                "naam": name,
                "spoor": Track(track).short,
                "termijn": titles[rule],
                "medewerker": worker,
            }
        )
    return rows


@pytest.mark.parametrize("columns", ["60", "80", "132", "300"])
@pytest.mark.parametrize(
    "titles",
    [
        {"a": "Eerste gesprek voeren", "b": "Beslissen op de aanvraag binnen de wettelijke termijn van acht weken"},
        {"a": "", "b": "Titel\x07met bel", "c": "   "},
    ],
)
def test_due_table_writes_what_the_table_writes(monkeypatch, columns, titles):
    import io
    from datetime import date

    monkeypatch.setenv("COLUMNS", columns)
    today = date(2026, 6, 1)
    found = _due_rows(titles)
    rows = _table_rows(found, today, titles)
    due = lookup.DueTable(found, today, titles)
    for fmt in ("text", "json", "csv"):
        ours, theirs = io.StringIO(), io.StringIO()
        due.emit(fmt, ours, color=False)
        lookup.Table(lookup.DUE_COLUMNS, rows).emit(fmt, theirs, color=False)
        assert ours.getvalue() == theirs.getvalue(), fmt
    assert due.rows == rows
    brief = lookup.DueTable([(r[0], r[1], r[2], r[4]) for r in found], today, titles, brief=True)
    ours, theirs = io.StringIO(), io.StringIO()
    brief.emit("text", ours, color=False)
    due.emit("text", theirs, color=False)
    assert ours.getvalue() == theirs.getvalue()
    with pytest.raises(ValueError):
        brief.emit("json", io.StringIO())


@pytest.mark.parametrize("columns", ["60", "132"])
def test_due_table_text_past_the_guard_is_what_the_guard_writes(monkeypatch, columns):
    """DueTable writes plain text past the terminal guard (its cells are cleaned one by one): the
    same text as the table written through the guard, hostile names and titles included."""
    import io
    from datetime import date

    from herstel_tui.files.terminal import GuardedStream

    monkeypatch.setenv("COLUMNS", columns)
    titles = {"a": "Titel\x1b]52;c;Zm9v\x07 klembord", "b": "Bidi\u202e titel", "c": "Gewoon"}
    today = date(2026, 6, 1)
    found = _due_rows(titles)
    theirs = io.StringIO()
    lookup.Table(lookup.DUE_COLUMNS, _table_rows(found, today, titles)).emit("text", GuardedStream(theirs), color=False)
    for table in (
        lookup.DueTable(found, today, titles),
        lookup.DueTable([(r[0], r[1], r[2], r[4]) for r in found], today, titles, brief=True),
    ):
        ours = io.StringIO()
        table.emit("text", GuardedStream(ours), color=False)
        assert ours.getvalue() == theirs.getvalue()
        assert "\x1b" not in ours.getvalue() and "\x9b" not in ours.getvalue() and "\u202e" not in ours.getvalue()


def test_within_is_today_plus_the_period():
    from datetime import date

    from herstel_tui.cli.lookup import parse_within, within

    days = [date(2024, 2, 29), date(2025, 1, 31), date(2026, 12, 31), date(2026, 6, 1), date(1, 1, 1)]
    for text in ["14d", "0", "3w", " 2 W ", "1m", "13m", "1j", "4J", "100d", "7"]:
        for day in days:
            assert within(text, day) == day + parse_within(text), (text, day)
    for text in ["999999999d", "9999j"]:
        with pytest.raises((OverflowError, ValueError)) as ours:
            within(text, days[0])
        with pytest.raises((OverflowError, ValueError)) as theirs:
            days[0] + parse_within(text)
        assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)
