"""`herstel toon` reads the case card without pydantic or the full Store when that changes nothing
(``store.card``), and then shows exactly what the full Store's card shows, in text and JSON, and
audits the look the same; every ref that is not one case (unknown, two cases for a BSN, a child's
BSN, not a ref at all), and every stored row the models would change or refuse, goes to the full
path (issue 18: a faster wrong answer is a defect)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from herstel_tui.cli import base
from herstel_tui.cli.main import main
from herstel_tui.domain import clock
from herstel_tui.services.lookup import quick_card
from herstel_tui.store import card
from tests.support.child import child_env
from tests.support.data import TODAY
from tests.support.demo import build_demo_file, copy_of

AUDIT = "SELECT who, action, entity, entity_id, person_id, case_id, detail FROM audit ORDER BY id"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    db = build_demo_file(tmp_path_factory.mktemp("toon"), cases=300, seed=24)
    with sqlite3.connect(db) as conn:  # a step with a note of its own (the demo writes none)
        conn.execute("UPDATE events SET note = 'Zelf gemeld\naan de balie' WHERE id = (SELECT max(id) FROM events)")
    return db


def _one(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def _refs(db) -> tuple[list[str], list[str]]:
    """(refs the quick path answers, refs it leaves to the full path), as bench/compare_lookups picks them."""
    n = _one(db, "SELECT max(id) FROM cases")
    zaken = [_one(db, f"SELECT zaaknummer FROM cases WHERE id >= {n * k // 4} ORDER BY id LIMIT 1") for k in (1, 2, 3)]
    zaken += [
        _one(db, "SELECT zaaknummer FROM cases WHERE closed IS NOT NULL ORDER BY id LIMIT 1"),
        _one(db, "SELECT zaaknummer FROM cases WHERE urgency IS NOT NULL OR casuistiekoverleg = 1 ORDER BY id LIMIT 1"),
        _one(
            db, "SELECT zaaknummer FROM cases WHERE id IN (SELECT case_id FROM contact_notes) ORDER BY id DESC LIMIT 1"
        ),
        _one(
            db,
            "SELECT c.zaaknummer FROM cases c JOIN household_members m ON m.person_id = c.person_id WHERE "
            "m.household_id IN (SELECT household_id FROM household_members GROUP BY 1 HAVING count(*) > 2) "
            "ORDER BY c.id DESC LIMIT 1",
        ),
        _one(
            db,
            "SELECT c.zaaknummer FROM cases c JOIN household_members m ON m.person_id = c.person_id "
            "WHERE m.role IN ('toeslagpartner', 'kind') ORDER BY c.id LIMIT 1",
        ),
        _one(
            db, "SELECT zaaknummer FROM cases WHERE id IN (SELECT case_id FROM events WHERE note IS NOT NULL) LIMIT 1"
        ),
    ]
    one_case = _one(
        db,
        "SELECT p.bsn FROM persons p JOIN cases c ON c.person_id = p.id WHERE p.bsn IS NOT NULL "
        "GROUP BY p.id HAVING count(*) = 1 LIMIT 1",
    )
    two_cases = _one(
        db,
        "SELECT p.bsn FROM persons p JOIN cases c ON c.person_id = p.id WHERE p.bsn IS NOT NULL "
        "GROUP BY p.id HAVING count(*) > 1 LIMIT 1",
    )
    child = _one(
        db, "SELECT bsn FROM persons WHERE bsn IS NOT NULL AND id NOT IN (SELECT person_id FROM cases) LIMIT 1"
    )
    quick = [*zaken, zaken[0][4:], f"  {zaken[1].lower()} ", one_case, f"{one_case[:4]}.{one_case[4:6]}.{one_case[6:]}"]
    full = [two_cases, child, "HKO-2026-999999", "2026-999999", "12345", "999999999"]
    return quick, full


def _toon(db, args: list[str], *, quick: bool, monkeypatch) -> tuple[int, str, str]:
    with monkeypatch.context() as m:
        if not quick:
            m.setattr("herstel_tui.cli.lookup.quick_card", lambda *a, **k: None)
        r = CliRunner().invoke(main, ["--db", str(db), "toon", *args])
    return r.exit_code, r.stdout, r.stderr


def test_the_quick_card_is_the_full_card(template, tmp_path, monkeypatch):
    quick_db, full_db = copy_of(template, tmp_path, "quick.db"), copy_of(template, tmp_path, "full.db")
    answered, left = _refs(template)
    with clock.fixed(TODAY):
        calls = [[ref, *f] for ref in answered + left for f in ([], ["--json"])]
        calls += [[left[0], "--spoor", "schuldenaanpak"], [left[0], "--spoor", "brede_ondersteuning", "--json"]]
        for args in calls:
            assert _toon(quick_db, args, quick=True, monkeypatch=monkeypatch) == _toon(
                full_db, args, quick=False, monkeypatch=monkeypatch
            ), args
        for ref in answered:  # (and these it was the quick path that answered)
            assert quick_card(str(quick_db), None, ref, None, TODAY) is not None, ref
        for ref in left:
            assert quick_card(str(quick_db), None, ref, None, TODAY) is None, ref
    with sqlite3.connect(quick_db) as q, sqlite3.connect(full_db) as f:
        written = q.execute(AUDIT).fetchall()
        assert written[: len(f.execute(AUDIT).fetchall())] == f.execute(AUDIT).fetchall()
    # (quick_card itself audited each look it answered: one row more per ref answered)
    assert len(written) == len(f_rows := sqlite3.connect(full_db).execute(AUDIT).fetchall()) + len(answered)
    assert f_rows[-1][1] == "bekeken"


def test_the_router_prints_what_the_command_line_prints(template, tmp_path, monkeypatch, capsys):
    """`herstel toon` through the console script's router (``entry``: without click when the quick
    card answers, else click) gives the full path's exit code, lines and audit rows."""
    from herstel_tui import entry

    routed_db, full_db = copy_of(template, tmp_path, "routed.db"), copy_of(template, tmp_path, "full.db")
    answered, left = _refs(template)
    calls = [[ref, *f] for ref in answered + left[:3] for f in ([], ["--json"])]
    calls += [["--spoor", "schuldenaanpak", left[0]], [left[0], "--json", "--spoor=brede_ondersteuning"]]
    with clock.fixed(TODAY):
        for args in calls:
            argv = ["--db", str(routed_db), "toon", *args]
            assert entry.route(argv) is not None, args
            try:
                entry.main(argv)
                code = 0
            except SystemExit as stop:
                code = stop.code
            out, err = capsys.readouterr()
            assert (code, out, err) == _toon(full_db, args, quick=False, monkeypatch=monkeypatch), args
    with sqlite3.connect(routed_db) as r, sqlite3.connect(full_db) as f:
        assert r.execute(AUDIT).fetchall() == f.execute(AUDIT).fetchall()


# Stored values a model would change (strip, normalise) or refuse: the quick card must not show them
# as they are; the full path (its model) decides.
NOT_AS_STORED = [
    ("persons", "given_names", " Anna"),
    ("persons", "surname", "Jansen\x1b[2J"),
    ("persons", "surname_prefix", ""),
    ("persons", "postcode", "3011ab"),
    ("persons", "phone", " 06-12345678"),
    ("persons", "email", "geen-adres"),
    ("persons", "bsn", "123456789"),  # nine digits, but not through the 11-check
    ("persons", "birth_date", "2999-01-01"),
    ("persons", "preferred_channel", "Telefoon"),
    ("persons", "city", "Den\u202eHaag"),
    ("cases", "caseworker", "a.bakker "),
    ("cases", "urgency", "Terminale ziekte"),
    ("contact_notes", "text", "Gebeld\x07"),
    ("contact_notes", "channel", "Brief"),
    ("contact_notes", "recorded_at", "gisteren"),
    ("events", "recorded_at", "gisteren"),
]


@pytest.mark.parametrize(("table", "column", "value"), NOT_AS_STORED)
def test_a_row_the_model_would_change_goes_to_the_full_path(template, tmp_path, monkeypatch, table, column, value):
    db = copy_of(template, tmp_path, "quick.db")
    zaak = _one(db, "SELECT zaaknummer FROM cases WHERE id IN (SELECT case_id FROM contact_notes) ORDER BY id LIMIT 1")
    case_id, person_id = (
        sqlite3.connect(db).execute("SELECT id, person_id FROM cases WHERE zaaknummer = ?", (zaak,)).fetchone()
    )
    key = {"persons": ("id", person_id), "cases": ("id", case_id)}.get(table, ("case_id", case_id))
    with sqlite3.connect(db) as conn:  # as another tool might have written it
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key[0]} = ?", (value, key[1]))
    with clock.fixed(TODAY):
        assert quick_card(str(db), None, zaak, None, TODAY) is None
        assert _one(db, "SELECT count(*) FROM audit WHERE action = 'bekeken'") == 0  # nothing written


def test_the_refs_are_read_as_cli_base_reads_them():
    assert card.SHORT_ZAAKNUMMER.pattern == base.SHORT_ZAAKNUMMER.pattern


def test_the_quick_toon_loads_neither_pydantic_nor_the_store(template, tmp_path):
    db = copy_of(template, tmp_path, "quick.db")
    zaak = _one(db, "SELECT zaaknummer FROM cases ORDER BY id LIMIT 1")
    code = (
        "import sys\nfrom herstel_tui import entry\n"
        f"try:\n    entry.main(['--db', {str(db)!r}, 'toon', {zaak!r}])\nexcept SystemExit as stop:\n"
        "    print('RC', stop.code)\n"
        "print(sorted(m for m in ('pydantic', 'herstel_tui.store.db', 'herstel_tui.domain.models', 'click') "
        "if m in sys.modules))"
    )
    env = child_env(tmp_path, HERSTEL_VANDAAG=TODAY.isoformat())
    # the first start validates the routekaart (pydantic) and keeps it (settings.cache); the next do not
    for _ in range(2):
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert zaak in r.stdout and r.stdout.strip().endswith("RC 0\n[]"), r.stdout + r.stderr
