"""The laptop file is a herstel database like any other (issue 19): the shell, a backup and
`controle` work on it; new persons and cases made there come home; the quick paths on the plain
team database never load SQLCipher."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from herstel_tui.cli.main import main as cli
from herstel_tui.domain.models import Person
from herstel_tui.services.backup import backup, restore
from herstel_tui.services.checkout import hand_in
from herstel_tui.settings.resources import open_store
from herstel_tui.store.base import looks_encrypted
from tests.services.checkout_support import ME, PASS, checkout, make_team
from tests.support.data import TEST_BSNS


def test_quick_search_on_the_team_file_does_not_load_sqlcipher_but_the_laptop_file_opens(
    tmp_path, monkeypatch, pinned_today
):
    team, ids = make_team(tmp_path / "team.db")
    zaak = team.cases.get(ids[0]).zaaknummer
    checkout(team, ids[:1], tmp_path / "laptop.db").close()
    team.close()
    code = (
        "import sys\nfrom herstel_tui.services.lookup import quick_search\n"
        f"rc = quick_search({str(tmp_path / 'team.db')!r}, None, 'Achternaam0', 'text')\n"
        "print('RC', rc, 'sqlcipher3' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "HOME": str(tmp_path), "HERSTEL_VANDAAG": pinned_today.isoformat()}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "RC 0 False" in r.stdout, r.stdout + r.stderr
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    r2 = CliRunner().invoke(cli, ["--db", str(tmp_path / "laptop.db"), "zoek", "Achternaam0"])
    assert r2.exit_code == 0 and zaak in r2.output, r2.output


def test_backup_and_controle_of_the_laptop_file_stay_encrypted(tmp_path, pinned_today):
    team, ids = make_team(tmp_path / "team.db")
    lap = checkout(team, ids[:2], tmp_path / "laptop.db")
    with lap:
        lap.cases.add_note(ids[0], "Voor de backup")
        copy = backup(lap, tmp_path / "laptop-backup.db")
        assert lap.maintenance.check().problems == []
    assert looks_encrypted(copy) and b"Voor de backup" not in copy.read_bytes()
    with open_store(copy, ME, passphrase=PASS) as restored:
        assert [n.text for n in restored.cases.notes(ids[0])] == ["Voor de backup"]
    # and back in place of the laptop file, encrypted as before
    with open_store(tmp_path / "laptop.db", ME, passphrase=PASS) as lap:
        lap.cases.add_note(ids[0], "Na de backup")
    restore(copy, tmp_path / "laptop.db", user=ME, overwrite=True, routekaart=team.routekaart, passphrase=PASS)
    assert looks_encrypted(tmp_path / "laptop.db")
    with open_store(tmp_path / "laptop.db", ME, passphrase=PASS) as lap:
        assert [n.text for n in lap.cases.notes(ids[0])] == ["Voor de backup"]
        assert lap.checkouts.origin() is not None
    team.close()


def test_a_person_and_case_made_on_the_laptop_come_home_with_a_team_zaaknummer(tmp_path, pinned_today):
    team, ids = make_team(tmp_path / "team.db")
    lap = checkout(team, ids[:1], tmp_path / "laptop.db")
    anchor = team.cases.get(ids[0]).person_id
    with lap:
        person, case = lap.persons.register(
            Person(bsn=TEST_BSNS[80], given_names="Nieuw", surname="Gezinslid"),
            role="toeslagpartner",
            household_of=anchor,
            track="brede_ondersteuning",
        )
        lap.cases.record_event(case.id, "aanvraag_herbeoordeling", pinned_today)
        lap.cases.add_note(case.id, "Aangemeld aan de keukentafel")
        laptop_zaak = case.zaaknummer
    # meanwhile the office opens a case too: the laptop's zaaknummer is taken
    with open_store(team.path, "b.bakker") as other:
        other.persons.register(
            Person(bsn=TEST_BSNS[81], given_names="Kantoor", surname="Zaak"), track="brede_ondersteuning"
        )
    report = hand_in(team, tmp_path / "laptop.db", PASS)
    assert report.counts["personen"] == 1 and report.counts["zaken"] == 1, report.applied
    home = team.persons.find_by_bsn(TEST_BSNS[80])
    assert home is not None
    (home_case,) = team.cases.of_person(home.id)
    assert team.cases.find(laptop_zaak).person_id != home.id  # the office's case has that number now
    assert f"nieuwe zaak {home_case.zaaknummer} (op de laptop {laptop_zaak})" in report.applied
    assert [e.step for e in team.cases.events(home_case.id)] == ["aanvraag_herbeoordeling"]
    assert [n.text for n in team.cases.notes(home_case.id)] == ["Aangemeld aan de keukentafel"]
    members = [p.given_names for p, _, _ in team.persons.household_of(anchor)]
    assert "Nieuw" in members
    assert team.maintenance.check().problems == []
    team.close()


def test_restoring_over_a_laptop_file_in_use_is_refused(tmp_path, pinned_today):
    import pytest

    from herstel_tui.store import StoreError

    team, ids = make_team(tmp_path / "team.db")
    lap = checkout(team, ids[:1], tmp_path / "laptop.db")
    copy = backup(lap, tmp_path / "kopie.db")
    with pytest.raises(StoreError, match="in gebruik"):  # the laptop's desk has it open
        restore(copy, tmp_path / "laptop.db", user=ME, overwrite=True, routekaart=team.routekaart, passphrase=PASS)
    lap.close()
    team.close()
