"""A check-in killed with SIGKILL halfway: the team database is as before, and a retry succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from herstel_tui.services.checkout import hand_in
from herstel_tui.settings.resources import open_store
from tests.services.checkout_support import ME, PASS, checkout, make_team, state

# The child hands the file in, and stops for good inside the transaction: after the notes, steps
# and fields are written, before the audit rows and the commit.
CHILD = """
import sys, time
from pathlib import Path
from herstel_tui.store import checkin
from herstel_tui.services.checkout import hand_in
from herstel_tui.settings.resources import open_store

team_path, lap_path, flag, passphrase = sys.argv[1:5]
original = checkin._Merge.audit

def stall(self):
    assert self.t.in_transaction and self.report.applied
    Path(flag).write_text("halfway")
    time.sleep(120)
    return original(self)

checkin._Merge.audit = stall
with open_store(team_path, "a.devries") as team:
    hand_in(team, Path(lap_path), passphrase)
"""


def test_check_in_killed_halfway_changes_nothing_and_a_retry_succeeds(tmp_path, pinned_today):
    team, ids = make_team(tmp_path / "team.db")
    lap_path = tmp_path / "laptop.db"
    with checkout(team, ids[:2], lap_path) as lap:
        lap.cases.add_note(ids[0], "Aan de keukentafel")
        lap.cases.record_event(ids[1], "eerste_toets", pinned_today, outcome="gedupeerd")
        lap.persons.update(lap.persons.get(lap.cases.get(ids[0]).person_id).model_copy(update={"phone": "06-5"}))
    before = state(team)
    team.close()

    flag = tmp_path / "halfway"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "team.db"), str(lap_path), str(flag), PASS], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None, "the check-in ended before it was halfway"
            assert time.monotonic() < deadline, "the check-in never got halfway"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    with open_store(tmp_path / "team.db", ME) as team:
        assert state(team) == before
        assert team.checkouts.out_with(ids[0]) is not None
        assert team.maintenance.check().problems == []
        report = hand_in(team, lap_path, PASS)
        assert report.counts == {"contactmoment": 1, "stappen": 1, "velden": 1}
        assert [n.text for n in team.cases.notes(ids[0])] == ["Aan de keukentafel"]
        assert team.checkouts.out_with(ids[0]) is None


WRITER = """
import sys
from herstel_tui.settings.resources import open_store

path, passphrase, case_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_store(path, "a.devries", passphrase=passphrase) as lap:
    n = 0
    while True:
        lap.cases.add_note(case_id, f"bevestigd {n}")
        print(f"ok {n}", flush=True)
        n += 1
"""


def test_the_laptop_file_survives_sigkill_with_every_confirmed_note(tmp_path, pinned_today):
    team, ids = make_team(tmp_path / "team.db")
    lap_path = tmp_path / "laptop.db"
    checkout(team, ids[:1], lap_path).close()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(lap_path), PASS, str(ids[0])],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    confirmed = -1
    try:
        assert child.stdout is not None
        for line in child.stdout:
            confirmed = int(line.split()[1])
            if confirmed >= 25:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait(10)
    assert confirmed >= 25
    with open_store(lap_path, ME, passphrase=PASS) as lap:
        assert lap.conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        assert lap.maintenance.check().problems == []
        texts = {n.text for n in lap.cases.notes(ids[0])}
    assert {f"bevestigd {n}" for n in range(confirmed + 1)} <= texts
    report = hand_in(team, lap_path, PASS)
    assert report.counts["contactmoment"] == len(texts)
    team.close()
