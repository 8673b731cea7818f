"""Issue 15, point 5: leaks and rough edges, each reproduced and fixed."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main
from herstel_tui.domain.models import Person
from herstel_tui.services.demo import remove_stale_demo_files
from herstel_tui.settings.resources import open_store
from tests.support.data import BSN_A, BSN_B

REPO = Path(__file__).resolve().parents[2]


def run(*args, **kw):
    return CliRunner().invoke(main, list(args), **kw)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path, "t.tester") as s:
        p = s.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen"))
        s.cases.open(p.id, "brede_ondersteuning")
    return path


def audit_text(db) -> str:
    with open_store(db, "x") as s:
        return "\n".join(json.dumps(e.model_dump(mode="json")) for e in s.audit.entries())


@pytest.mark.parametrize("typed", ["999,900,006", "9999/00/006", "9999_00_006", "9999.00.006", "9999 00 006"])
def test_a_bsn_typed_with_separators_is_found_and_never_stored_in_full(db, typed):
    r = run("--db", str(db), "zoek", typed)
    assert r.exit_code == 0, r.output
    assert "Jansen" in r.output and BSN_A not in r.output
    r = run("--db", str(db), "toon", typed)
    assert r.exit_code == 0, r.output
    text = audit_text(db)
    assert typed not in text and BSN_A not in text and "".join(c for c in typed if c.isdigit()) not in text


@pytest.mark.parametrize("typed", ["9999/00/018", "9999_00_018", "999,900,018"])
def test_persoon_nieuw_normalises_a_bsn_with_separators(db, typed):
    r = run("--db", str(db), "persoon", "nieuw", "--bsn", typed, "--voornamen", "Piet", "--achternaam", "Vos")
    assert r.exit_code == 0, r.output
    with open_store(db, "x") as s:
        assert s.persons.find_by_bsn(BSN_B).surname == "Vos"
    assert BSN_B not in audit_text(db)


def test_a_bsn_failing_the_eleven_check_is_masked_in_the_error(db):
    r = run("--db", str(db), "toon", "999900007")
    assert r.exit_code == 2
    assert "999900007" not in r.output
    assert r.output == (
        "Fout: '******007' is geen zaaknummer (HKO-jjjj-nnnnnn) en geen geldig BSN: BSN ******007 klopt niet (elfproef)\n"
    )
    r = run("--db", str(db), "persoon", "nieuw", "--bsn", "123456789", "--voornamen", "A", "--achternaam", "B")
    assert r.exit_code == 2 and "123456789" not in r.output and "******789" in r.output


def write_config(tmp_path, text: str | bytes) -> Path:
    cfg = tmp_path / "config.toml"
    if isinstance(text, bytes):
        cfg.write_bytes(text)
    else:
        cfg.write_text(text, encoding="utf-8")
    return cfg


@pytest.mark.parametrize(
    "body",
    ["a = " + "[" * 5000 + "]" * 5000, "a" + ".a" * 100_000 + " = 1", "x = " + "{a = " * 3000 + "1" + "}" * 3000],
    ids=["arrays", "dotted key", "inline tables"],
)
def test_deeply_nested_toml_gives_a_dutch_message(tmp_path, body):
    cfg = write_config(tmp_path, body + "\n")
    r = run("--config", str(cfg), "waar")
    assert r.exit_code == 2
    assert r.output == (
        f"Fout: {cfg}: regel 1 is te diep genest (meer dan 64 punten of haken); geen geldige configuratie. "
        "Er is niets gewijzigd\n"
    )


def test_nesting_that_python_cannot_recurse_is_caught_too(tmp_path, monkeypatch):
    """Below the line guard, tomllib's own RecursionError still becomes Dutch."""
    import herstel_tui.settings.config as config

    monkeypatch.setattr(config, "CONFIG_MAX_NESTING", 10**9)
    cfg = write_config(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    r = run("--config", str(cfg), "waar")
    assert r.exit_code == 2
    assert r.output == f"Fout: {cfg}: geen geldige TOML (tabellen of lijsten te diep in elkaar genest)\n"


def test_config_saved_with_a_bom_is_accepted(tmp_path):
    cfg = write_config(tmp_path, '\ufeffgemeente = "Gemeente Proefstad"\n'.encode())
    r = run("--config", str(cfg), "waar")
    assert r.exit_code == 0, r.output
    assert "Gemeente:          Gemeente Proefstad" in r.output


def test_config_value_with_a_control_character_names_file_and_key(tmp_path):
    cfg = write_config(tmp_path, 'medewerker = "A. de Vries\\u001b]0;x\\u0007"\n')
    r = run("--config", str(cfg), "waar")
    assert r.exit_code == 2
    assert r.output == (
        f"Fout: {cfg}: sleutel 'medewerker' bevat het stuurteken ESC (U+001B) op positie 12; haal het weg "
        "en probeer het opnieuw\n"
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("[bewaartermijnen]\ngedupeerd = 'veel'\n", "sleutel 'bewaartermijnen.gedupeerd': moet een heel getal zijn"),
        ("[grenzen]\nregels = 0\n", "sleutel 'grenzen.regels': waarde 0 valt buiten het toegestane bereik"),
        ("toetsen = 5\n", "sleutel 'toetsen': moet een tabel zijn"),
        ("[portaal_kolommen.negatieve_beschikkingen]\nstandaard_soort = 'x'\n", "is geen geldige keuze"),
    ],
)
def test_config_errors_are_dutch(tmp_path, body, message):
    """Issue 15: "Value should have at least 1 item ..." leaked in English."""
    cfg = write_config(tmp_path, body)
    r = run("--config", str(cfg), "waar")
    assert r.exit_code == 2
    assert message in r.output
    for english in ("Value", "should", "Input", "valid", "item"):
        assert english not in r.output


def test_letter_templates_with_no_letters_is_dutch(tmp_path):
    """Issue 15: "Value should have at least 1 item after validation, not 0" leaked from letters.toml."""
    folder = tmp_path / "sjablonen"
    folder.mkdir()
    (folder / "letters.toml").write_text("letters = []\n", encoding="utf-8")
    cfg = write_config(tmp_path, f'briefsjablonen = "{folder}"\n')
    r = run("--config", str(cfg), "brieven")
    assert r.exit_code == 2
    assert "letters: moet minstens 1 waarden hebben" in r.output or "mag niet leeg zijn" in r.output
    for english in ("Value", "should", "item", "after validation"):
        assert english not in r.output


def test_a_zero_byte_database_has_its_own_message(tmp_path):
    empty = tmp_path / "leeg.db"
    empty.touch()
    r = run("--db", str(empty), "toon", "HKO-2026-000001")
    assert r.exit_code == 2
    assert r.output == (
        f"Fout: {empty} is leeg (0 bytes): geen herstel-database, misschien afgebroken bij het kopiëren. "
        "Er is niets gewijzigd. Zet een backup terug (herstel terugzetten) of maak een nieuwe database (herstel aanmaken)\n"
    )
    assert empty.stat().st_size == 0


def test_a_killed_demo_leaves_nothing_behind_after_the_next_run(tmp_path):
    """SIGKILL during `herstel demo` leaves its temporary database; the next run removes it."""
    target = tmp_path / "demo.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-m", "herstel_tui", "demo", "--cases", "100000", "--db", str(target)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".herstel-demo-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = list(tmp_path.glob(".herstel-demo-*"))
    assert left, "the demo was killed before it made its temporary file"
    assert all(f".herstel-demo-{child.pid}-" in p.name for p in left)
    r = run("demo", "--cases", "5", "--db", str(target))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_a_path_through_a_file_is_a_dutch_message_not_a_traceback(tmp_path):
    """`herstel demo --db some_file/x.db` ended in NotADirectoryError's traceback."""
    a_file = tmp_path / "gewoon-bestand"
    a_file.write_text("x")
    target = a_file / "demo.db"
    r = run("demo", "--cases", "5", "--db", str(target))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    assert f"{target} kan niet worden gemaakt: een deel van het pad is geen map; er is niets gewijzigd." in r.output
    assert a_file.read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["gewoon-bestand"]
    r = run("--db", str(target), "zoek", "999900001")
    assert r.exit_code == 2 and "een deel van het pad is geen map" in r.output, r.output


def test_stale_demo_files_of_a_live_process_are_kept(tmp_path):
    mine = tmp_path / f".herstel-demo-{os.getpid()}-abc.db"
    mine.touch()
    old = tmp_path / ".herstel-demo-oudeversie.db"
    old.touch()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert remove_stale_demo_files(tmp_path) == [old]
    assert mine.exists()


def test_folders_the_app_creates_are_owner_only_whatever_the_umask(tmp_path):
    """Under umask 000 the folders came out 0777 while the files in them were 0600."""
    base = tmp_path / "nieuw"
    code = "import os, sys\nos.umask(0)\nfrom herstel_tui.entry import main\nmain(sys.argv[1:])\n"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    db = base / "data" / "herstel.db"
    export = base / "export" / "sub"
    cfg = write_config(tmp_path, f'exportmap = "{export}"\n')
    for args in (
        ["demo", "--cases", "5", "--db", str(db)],
        ["--config", str(cfg), "--db", str(db), "overzicht", "--xlsx"],
    ):
        r = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [sys.executable, "-c", code, "--db", str(db), "backup"], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    for folder in (base, base / "data", base / "export", export, base / "data" / "backups"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for f in [db, *export.iterdir(), *(base / "data" / "backups").iterdir()]:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
