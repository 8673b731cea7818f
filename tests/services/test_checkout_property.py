"""Property: for random interleavings of work on the laptop and in the office (with check-ins in
between), after the last check-in every action confirmed on either side is in the team database
exactly once, or in a listed conflict."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from herstel_tui.domain.routekaart import TransitionRefused
from herstel_tui.services.checkout import hand_in
from herstel_tui.settings.resources import open_store
from tests.services.checkout_support import PASS, checkout, colleague, make_team

STEPS = [
    ("eerste_toets", "gedupeerd"),
    ("eerste_toets", "niet_gedupeerd"),
    ("ontvangst_gegevens", None),
    ("start_pauzeknop", None),
]
ACTION = st.one_of(
    st.tuples(st.sampled_from(["laptop", "team"]), st.just("note"), st.integers(0, 1), st.just(0)),
    st.tuples(st.sampled_from(["laptop", "team"]), st.just("step"), st.integers(0, 1), st.integers(0, len(STEPS) - 1)),
    st.tuples(st.sampled_from(["laptop", "team"]), st.just("phone"), st.integers(0, 1), st.integers(0, 9)),
    st.tuples(st.just("laptop"), st.just("checkin"), st.just(0), st.just(0)),
)


@example(actions=[("laptop", "phone", 1, 1), ("team", "phone", 1, 0)])
@example(actions=[("laptop", "phone", 0, 1), ("laptop", "checkin", 0, 0), ("team", "phone", 0, 0)])
@example(actions=[("team", "step", 0, 0), ("laptop", "step", 0, 1), ("laptop", "note", 0, 0)])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, min_size=1, max_size=12))
def test_every_confirmed_action_arrives_once_or_is_a_listed_conflict(actions, pinned_today):
    with tempfile.TemporaryDirectory() as tmp:
        team, ids = make_team(Path(tmp) / "team.db", n=2)
        lap_path = Path(tmp) / "laptop.db"
        lap = checkout(team, ids, lap_path)
        other = colleague(team)
        notes: list[str] = []
        events: dict[str, str] = {}  # token -> side
        phones: dict[str, dict[int, str]] = {"laptop": {}, "team": {}}  # side -> person -> last value
        for n, (side, kind, i, arg) in enumerate(actions):
            store = lap if side == "laptop" else other
            case_id = ids[i]
            token = f"{side}-{n}"
            if kind == "note":
                store.cases.add_note(case_id, f"notitie {token}")
                notes.append(f"notitie {token}")
            elif kind == "step":
                step, outcome = STEPS[arg]
                try:
                    store.cases.record_event(case_id, step, date(2026, 3, 1 + n), outcome=outcome, note=token)
                except TransitionRefused:
                    continue  # refused where it was tried: not confirmed
                events[token] = side
            elif kind == "phone":
                pid = store.cases.get(case_id).person_id
                # never the number the person had at checkout (06-1000000i): a change, not a no-op
                value = f"06-{2 if side == 'laptop' else 3}{n:02d}0000{arg}"
                store.persons.update(store.persons.get(pid).model_copy(update={"phone": value}))
                phones[side][pid] = value
            else:
                lap.close()
                hand_in(team, lap_path, PASS)
                lap = open_store(lap_path, "a.devries", passphrase=PASS)
        lap.close()
        other.close()
        report = hand_in(team, lap_path, PASS)
        assert hand_in(team, lap_path, PASS).nothing_new or report.nothing_new

        conflicts = team.checkouts.conflicts()
        stored_notes = [r[0] for r in team.conn.execute("SELECT text FROM contact_notes")]
        for text in notes:
            assert stored_notes.count(text) == 1, text
        stored_events = [r[0] for r in team.conn.execute("SELECT note FROM events WHERE note IS NOT NULL")]
        in_conflict = [k.laptop_value.get("note") for k in conflicts if k.kind == "stap"]
        for token, side in events.items():
            if side == "team":
                assert stored_events.count(token) == 1, token
            else:
                assert stored_events.count(token) + in_conflict.count(token) == 1, token
        for pid, value in phones["team"].items():
            assert team.persons.get(pid).phone == value  # the office's last word is never overwritten
        for pid, value in phones["laptop"].items():
            # in place; or brought in by an earlier check-in and changed in the office since; or listed
            listed = [k.laptop_value for k in conflicts if k.kind == "persoon" and k.person_id == pid]
            applied = team.conn.execute(
                "SELECT value FROM checkin_applied WHERE kind = 'veld' AND laptop_id = ?", (f"persons.{pid}.phone",)
            ).fetchone()
            arrived = applied is not None and json.loads(applied[0]) == value
            assert team.persons.get(pid).phone == value or arrived or value in listed, (value, listed)
        assert all(json.dumps(k.team_value) for k in conflicts)
        team.close()
