import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.entry import open_desk
from herstel_tui.settings.resources import open_store
from tests.support.data import BSN_A, BSN_B


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, **kw):
    """click as the console script wires it (herstel_tui.entry hands in the desk opener)."""
    return runner.invoke(main, list(args), catch_exceptions=False, obj={"open_desk": open_desk}, **kw)


@pytest.fixture
def small_db(tmp_path, runner):
    path = tmp_path / "demo.db"
    r = run(runner, "demo", "--cases", "40", "--db", str(path))
    assert r.exit_code == 0, r.output
    return path


def test_demo_builds_database(small_db):
    with open_store(small_db, "t") as s:
        assert s.counts()["cases"] == 40
        assert s.meta("demo") == "1"
        assert (small_db.stat().st_mode & 0o777) == 0o600


def test_demo_refuses_to_overwrite(small_db, runner):
    before = small_db.read_bytes()
    r = run(runner, "demo", "--cases", "5", "--db", str(small_db))
    assert r.exit_code == 2
    assert "bestaat al; er is niets gewijzigd" in r.output
    assert small_db.read_bytes() == before


def test_demo_leaves_no_temp_files(small_db):
    assert sorted(p.name for p in small_db.parent.iterdir()) == ["demo.db"]


def test_waar(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HERSTEL_DB", str(tmp_path / "x.db"))
    r = run(runner, "waar")
    assert r.exit_code == 0
    assert f"Database:          {tmp_path / 'x.db'}  (bestaat nog niet; maak hem met: herstel aanmaken)" in r.output
    assert "Configuratie:" in r.output and "Exports:" in r.output


def test_waar_says_a_demo_is_one(runner, small_db, tmp_path):
    r = run(runner, "--db", str(small_db), "waar")
    assert f"Database:          {small_db}  (bestaat, demodatabase met synthetische zaken)" in r.output
    assert run(runner, "aanmaken", "--db", str(tmp_path / "r.db")).exit_code == 0
    r = run(runner, "--db", str(tmp_path / "r.db"), "waar")
    assert f"Database:          {tmp_path / 'r.db'}  (bestaat)" in r.output


def test_person_new_and_child(tmp_path, runner):
    db = str(tmp_path / "r.db")
    open_store(db, "t").close()
    r = run(runner, "--db", db, "persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen")
    assert r.exit_code == 0, r.output
    assert "BSN ******006" in r.output and BSN_A not in r.output
    r = run(
        runner,
        "--db",
        db,
        "persoon",
        "nieuw",
        "--bsn",
        BSN_B,
        "--voornamen",
        "Noor",
        "--achternaam",
        "Jansen",
        "--rol",
        "kind",
        "--bij",
        BSN_A,
    )
    assert r.exit_code == 0, r.output
    r = run(runner, "--db", db, "zaak", "nieuw", BSN_B)
    assert r.exit_code == 0 and "HKO-" in r.output
    with open_store(db, "t") as s:
        anna = s.persons.find_by_bsn(BSN_A)
        assert [(p.given_names, role.value) for p, role, _ in s.persons.household_of(anna.id)] == [
            ("Anna", "aanvrager"),
            ("Noor", "kind"),
        ]


def test_a_second_aanvrager_in_a_household_is_refused_with_the_roles_to_choose(tmp_path, runner):
    """``--bij`` without ``--rol`` meant aanvrager: the household got two. Now a clear Dutch refusal,
    exit 2, and the person is not registered either (one transaction)."""
    db = str(tmp_path / "r.db")
    open_store(db, "t").close()
    r = run(runner, "--db", db, "persoon", "nieuw", "--bsn", BSN_A, "--voornamen", "Anna", "--achternaam", "Jansen")
    assert r.exit_code == 0, r.output
    before = snapshot(db)
    r = run(
        runner, "--db", db, "persoon", "nieuw", "--bsn", BSN_B, "--voornamen", "Kees", "--achternaam", "Jansen",
        "--bij", BSN_A,
    )  # fmt: skip
    assert r.exit_code == 2
    assert "Fout: dit huishouden heeft al een aanvrager; kies een andere rol (toeslagpartner, " in r.output
    assert snapshot(db) == before


def snapshot(path):
    conn = sqlite3.connect(path)
    out = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("persons", "audit", "households")}
    conn.close()
    return out


@pytest.mark.parametrize(
    "bsn, message",
    [
        ("999900007", "BSN ******007 klopt niet (elfproef)"),  # masked: a mistyped BSN is still a BSN (issue 15)
        ("12345", "heeft 5 cijfers"),
    ],
)
def test_invalid_bsn_clear_message_nothing_changed(tmp_path, runner, bsn, message):
    db = str(tmp_path / "r.db")
    open_store(db, "t").close()
    before = snapshot(db)
    r = run(runner, "--db", db, "persoon", "nieuw", "--bsn", bsn, "--voornamen", "A", "--achternaam", "B")
    assert r.exit_code == 2
    assert message in r.output and "Traceback" not in r.output
    assert snapshot(db) == before


def test_unknown_role_clear_message_nothing_changed(tmp_path, runner):
    db = str(tmp_path / "r.db")
    open_store(db, "t").close()
    before = snapshot(db)
    r = run(
        runner,
        "--db",
        db,
        "persoon",
        "nieuw",
        "--bsn",
        BSN_A,
        "--voornamen",
        "A",
        "--achternaam",
        "B",
        "--rol",
        "buurman",
    )
    assert r.exit_code == 2
    assert "onbekende rol in het huishouden 'buurman'" in r.output
    assert snapshot(db) == before


def test_child_of_unknown_person_changes_nothing(tmp_path, runner):
    db = str(tmp_path / "r.db")
    open_store(db, "t").close()
    before = snapshot(db)
    r = run(
        runner,
        "--db",
        db,
        "persoon",
        "nieuw",
        "--bsn",
        BSN_A,
        "--voornamen",
        "A",
        "--achternaam",
        "B",
        "--rol",
        "kind",
        "--bij",
        BSN_B,
    )
    assert r.exit_code == 2 and "geen persoon met BSN ******018" in r.output
    assert snapshot(db) == before


def test_db_not_sqlite(tmp_path, runner):
    bad = tmp_path / "notities.db"
    bad.write_text("geen database")
    r = run(runner, "--db", str(bad), "zaak", "nieuw", BSN_A)
    assert r.exit_code == 2
    assert "is geen SQLite-database" in r.output
    assert bad.read_text() == "geen database"


def test_db_newer_schema(tmp_path, runner):
    db = tmp_path / "nieuw.db"
    open_store(db, "t").close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    r = run(runner, "--db", str(db), "zaak", "nieuw", BSN_A)
    assert r.exit_code == 2 and "schemaversie 99" in r.output
    assert db.read_bytes() == before


def test_config_unknown_key(tmp_path, runner):
    cfg = tmp_path / "config.toml"
    cfg.write_text('gemeente = "X"\nkleurtje = 1\n')
    r = run(runner, "--config", str(cfg), "waar")
    assert r.exit_code == 2
    assert f"{cfg}: sleutel 'kleurtje': onbekende sleutel" in r.output


def test_desk_refuses_missing_db(tmp_path, runner):
    r = run(runner, "--db", str(tmp_path / "weg.db"))
    assert r.exit_code == 2 and "bestaat niet" in r.output
    assert not (tmp_path / "weg.db").exists()


def test_python_dash_m(tmp_path):
    r = subprocess.run([sys.executable, "-m", "herstel_tui", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "werkplek" in r.stdout
