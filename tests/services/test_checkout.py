"""Taking cases along on a laptop and handing them in (issue 19): work on both sides, then check in."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from herstel_tui.cli.main import main as cli
from herstel_tui.domain import clock
from herstel_tui.domain.models import Person
from herstel_tui.services.checkout import hand_in, resolve, shred
from herstel_tui.settings.resources import open_store
from herstel_tui.store import CaseFilter, StoreError
from herstel_tui.store.base import looks_encrypted
from tests.services.checkout_support import (
    COLLEAGUE,
    ME,
    PASS,
    checkout,
    colleague,
    conflicted_outcome,
    make_team,
    second_aanvrager,
    state,
)
from tests.support.data import TEST_BSNS
from tests.support.tables import index_rows, table_rows

LAPTOP_DAY = date(2026, 6, 2)


@pytest.fixture
def team(tmp_path, pinned_today):
    store, ids = make_team(tmp_path / "team.db")
    store.ids = ids  # type: ignore[attr-defined]
    yield store
    store.close()


@pytest.fixture
def lap_path(tmp_path):
    return tmp_path / "laptop.db"


def test_the_laptop_file_is_encrypted_and_complete(team, lap_path):
    lap = checkout(team, team.ids[:2], lap_path)
    with lap:
        assert lap.encrypted
        origin = lap.checkouts.origin()
        assert origin is not None and origin.cases == 2 and origin.taken_by == ME
        assert origin.team_db == team.checkouts.database_id()
        # person, household (the child came along), timeline, search
        household = lap.persons.household_of(lap.cases.get(team.ids[0]).person_id)
        assert [m[0].given_names for m in household] == ["Ouder0", "Kind"]
        assert [e.step for e in lap.cases.events(team.ids[0])] == ["aanvraag_herbeoordeling"]
        assert {r.id for r in lap.cases.page(CaseFilter(search="Achternaam1"))} == {team.ids[1]}
        assert lap.maintenance.check().problems == []
    assert looks_encrypted(lap_path)
    assert b"Achternaam" not in lap_path.read_bytes()  # nothing readable at rest
    rows = {r.id: r for r in team.cases.page(CaseFilter())}
    assert rows[team.ids[0]].laptop == ME and rows[team.ids[2]].laptop is None
    assert team.checkouts.out_with(team.ids[0])[0] == ME
    assert [e.action for e in team.audit.entries(case_id=team.ids[0])][-1] == "meegenomen"


def test_no_overlap_everything_arrives_with_its_own_who_and_when(team, lap_path):
    a, b, c = team.ids
    lap = checkout(team, [a, b], lap_path)
    with clock.fixed(LAPTOP_DAY), lap:
        lap.cases.add_note(a, "Keukentafelgesprek gevoerd", channel="huisbezoek")
        lap.cases.record_event(a, "eerste_toets", LAPTOP_DAY, outcome="gedupeerd")
        person = lap.persons.get(lap.cases.get(b).person_id)
        lap.persons.update(person.model_copy(update={"phone": "06-99999999"}))
        lap.cases.set_urgency(b, "terminale_ziekte")
    with colleague(team) as other:
        other.cases.add_note(c, "Op kantoor gebeld")
    report = hand_in(team, lap_path, PASS)
    assert report.conflicts == []
    assert report.counts == {"contactmoment": 1, "stappen": 1, "velden": 2}
    notes = [n.text for n in team.cases.notes(a)]
    assert notes.count("Keukentafelgesprek gevoerd") == 1
    ev = team.cases.events(a)[-1]
    assert (ev.step, ev.outcome, ev.recorded_by, ev.recorded_at.date()) == (
        "eerste_toets",
        "gedupeerd",
        ME,
        LAPTOP_DAY,
    )
    assert team.persons.get(team.cases.get(b).person_id).phone == "06-99999999"
    assert team.cases.get(b).urgency.value == "terminale_ziekte"
    assert team.cases.view(a).outcome == "gedupeerd"  # the case index follows
    laptop_rows = [e for e in team.audit.entries(case_id=a) if (e.detail or {}).get("op_laptop")]
    assert {e.action for e in laptop_rows} >= {"vastgelegd"} and all(e.at.date() == LAPTOP_DAY for e in laptop_rows)
    assert team.audit.entries()[-1].action == "ingeleverd"
    assert team.checkouts.out_with(a) is None
    assert [n.text for n in team.cases.notes(c)] == ["Op kantoor gebeld"]


def test_a_colleagues_note_on_the_same_case_both_stay(team, lap_path):
    a = team.ids[0]
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.cases.add_note(a, "Notitie op de laptop")
    with colleague(team) as other:
        other.cases.add_note(a, "Notitie van de collega")
    report = hand_in(team, lap_path, PASS)
    assert report.conflicts == []
    assert sorted(n.text for n in team.cases.notes(a)) == ["Notitie op de laptop", "Notitie van de collega"]


def test_a_colleagues_step_that_refuses_the_laptops_step_is_a_conflict_and_nothing_is_lost(team, lap_path):
    a = team.ids[0]
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.cases.record_event(a, "eerste_toets", date(2026, 5, 20), outcome="niet_gedupeerd")
        lap.cases.add_note(a, "Uitslag telefonisch doorgegeven")
    with colleague(team) as other:
        other.cases.record_event(a, "eerste_toets", date(2026, 5, 18), outcome="gedupeerd")
    dry = hand_in(team, lap_path, PASS, dry=True)
    before = state(team)
    assert len(dry.conflicts) == 1 and "Eerste toets" in dry.conflicts[0]
    report = hand_in(team, lap_path, PASS)
    assert (report.conflicts, report.applied[-1:]) == (dry.conflicts, dry.applied[-1:])  # --droog said it exactly
    assert state(team) != before
    # the colleague's fact stands, the laptop's is kept in the conflict, the note arrived
    assert [(e.step, e.outcome) for e in team.cases.events(a)][-1] == ("eerste_toets", "gedupeerd")
    (k,) = team.checkouts.conflicts(case_id=a)
    assert (k.kind, k.laptop_value["outcome"], k.laptop_by) == ("stap", "niet_gedupeerd", ME)
    assert "Uitslag telefonisch doorgegeven" in [n.text for n in team.cases.notes(a)]
    # resolved: the laptop's outcome recorded as a correction with the reason
    resolve(team, k.id, "laptop", "UHT bevestigt niet gedupeerd")
    last = team.cases.events(a)[-1]
    assert (last.outcome, last.correction, last.reason) == ("niet_gedupeerd", True, "UHT bevestigt niet gedupeerd")
    assert team.checkouts.conflicts(case_id=a) == []
    with pytest.raises(StoreError, match="al opgelost"):
        resolve(team, k.id, "team", "nog eens")


def test_the_same_persons_phone_changed_on_both_sides(team, lap_path):
    a = team.ids[0]
    pid = team.cases.get(a).person_id
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.persons.update(lap.persons.get(pid).model_copy(update={"phone": "06-22222222"}))
    with colleague(team) as other:
        other.persons.update(other.persons.get(pid).model_copy(update={"phone": "06-33333333"}))
    report = hand_in(team, lap_path, PASS)
    assert len(report.conflicts) == 1 and "telefoon" in report.conflicts[0]
    assert team.persons.get(pid).phone == "06-33333333"  # nothing overwritten
    (k,) = team.checkouts.conflicts(case_id=a)
    assert (k.kind, k.field, k.team_value, k.laptop_value) == ("persoon", "phone", "06-33333333", "06-22222222")
    with pytest.raises(StoreError, match="passen niet in één veld"):
        resolve(team, k.id, "beide", "twee nummers in gebruik")
    assert team.persons.get(pid).phone == "06-33333333" and team.checkouts.conflicts(case_id=a) == [k]
    resolve(team, k.id, "laptop", "ouder gaf het nieuwe nummer aan huis")
    assert team.persons.get(pid).phone == "06-22222222"


def test_a_bsn_changed_on_the_laptop_to_anothers_is_a_conflict_and_the_rest_arrives(team, lap_path):
    a, b = team.ids[0], team.ids[1]
    pid, other_pid = team.cases.get(a).person_id, team.cases.get(b).person_id
    other_bsn = team.persons.get(other_pid).bsn
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.persons.update(lap.persons.get(pid).model_copy(update={"bsn": other_bsn}))
        lap.cases.add_note(a, "Aan huis: BSN overgenomen van een brief")
    before = team.persons.get(pid).bsn
    report = hand_in(team, lap_path, PASS)  # was: a database error, nothing applied
    assert len(report.conflicts) == 1 and "andere persoon" in report.conflicts[0]
    assert other_bsn not in report.conflicts[0]  # masked
    assert team.persons.get(pid).bsn == before and team.persons.get(other_pid).bsn == other_bsn
    assert "Aan huis: BSN overgenomen van een brief" in [n.text for n in team.cases.notes(a)]
    (k,) = team.checkouts.conflicts(case_id=a)
    assert (k.kind, k.field, k.laptop_value) == ("persoon", "bsn", other_bsn)
    with pytest.raises(StoreError):
        resolve(team, k.id, "laptop", "toch die van de brief")  # the store refuses a BSN twice
    assert team.persons.get(pid).bsn == before
    resolve(team, k.id, "team", "de brief was van de buurvrouw")
    assert team.checkouts.conflicts(case_id=a) == []


def test_check_in_twice_changes_nothing_the_second_time(team, lap_path):
    a = team.ids[0]
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.cases.add_note(a, "Eenmaal")
        lap.persons.update(lap.persons.get(lap.cases.get(a).person_id).model_copy(update={"phone": "06-44444444"}))
    assert not hand_in(team, lap_path, PASS).nothing_new
    before = state(team)
    again = hand_in(team, lap_path, PASS)
    assert again.nothing_new
    assert state(team) == before
    assert [n.text for n in team.cases.notes(a)] == ["Eenmaal"]


def test_work_done_after_a_check_in_comes_in_with_the_next_one(team, lap_path):
    a = team.ids[0]
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.cases.add_note(a, "Eerste")
    hand_in(team, lap_path, PASS)
    with open_store(lap_path, ME, passphrase=PASS) as lap:
        lap.cases.add_note(a, "Tweede")
    report = hand_in(team, lap_path, PASS)
    assert report.counts == {"contactmoment": 1}
    assert sorted(n.text for n in team.cases.notes(a)) == ["Eerste", "Tweede"]


def test_a_laptop_file_of_another_team_database_is_refused(team, lap_path, tmp_path):
    other, _ = make_team(tmp_path / "ander.db", n=1)
    with other:
        checkout(other, [other.cases.page(CaseFilter())[0].id], lap_path).close()
    before = state(team)
    with pytest.raises(StoreError, match="andere database"):
        hand_in(team, lap_path, PASS)
    assert state(team) == before


def test_a_wrong_passphrase_or_a_tampered_file_is_refused(team, lap_path, tmp_path, monkeypatch):
    a = team.ids[0]
    with checkout(team, [a], lap_path) as lap:
        lap.cases.add_note(a, "Geheim")
    before = state(team)
    with pytest.raises(StoreError, match="wachtwoord klopt niet"):
        hand_in(team, lap_path, "verkeerd-wachtwoord")
    monkeypatch.setenv("HERSTEL_WACHTWOORD", "verkeerd-wachtwoord")
    result = CliRunner().invoke(cli, ["--db", str(team.path), "inleveren", str(lap_path), "--bewaar"])
    assert result.exit_code == 2 and "wachtwoord klopt niet" in result.output
    result = CliRunner().invoke(cli, ["--db", str(lap_path), "toon", team.cases.get(a).zaaknummer])
    assert result.exit_code == 2 and "wachtwoord klopt niet" in result.output
    data = bytearray(lap_path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed in the middle of the file
    tampered = tmp_path / "aangetast.db"
    tampered.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        hand_in(team, tampered, PASS)
    assert state(team) == before
    assert "Geheim" not in [n.text for n in team.cases.notes(a)]


def test_cli_take_along_hand_in_and_shred(team, lap_path, monkeypatch):
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    zaak = team.cases.get(team.ids[0]).zaaknummer
    run = CliRunner().invoke
    r = run(cli, ["--db", str(team.path), "meenemen", "--zaak", zaak, "--huishouden", "--naar", str(lap_path)])
    assert r.exit_code == 0, r.output
    assert "1 zaak meegenomen" in r.output
    r = run(cli, ["--db", str(team.path), "meenemen", "--zaak", zaak, "--naar", str(lap_path) + "2"])
    assert r.exit_code == 2 and "al meegenomen" in r.output
    r = run(cli, ["--db", str(lap_path), "notitie", zaak, "Via de shell op de laptop"])
    assert r.exit_code == 0, r.output
    r = run(cli, ["--db", str(team.path), "inleveren", str(lap_path), "--droog"])
    assert r.exit_code == 0 and "Zou inleveren: 1 contactmoment" in r.output and "niets gewijzigd" in r.output
    assert team.cases.notes(team.ids[0]) == []
    r = run(cli, ["--db", str(team.path), "inleveren", str(lap_path), "--verwijder"])
    assert r.exit_code == 0 and "overschreven en verwijderd" in r.output, r.output
    assert not lap_path.exists()
    assert [n.text for n in team.cases.notes(team.ids[0])] == ["Via de shell op de laptop"]


def test_shred_refuses_an_open_file(team, lap_path):
    lap = checkout(team, [team.ids[0]], lap_path)
    with pytest.raises(StoreError, match="nog geopend"):
        shred(lap_path)
    lap.close()
    shred(lap_path)
    assert not lap_path.exists()


def test_conflict_cli_lists_and_resolves(team, lap_path, monkeypatch):
    a = team.ids[0]
    pid = team.cases.get(a).person_id
    with checkout(team, [a], lap_path) as lap:
        lap.persons.update(lap.persons.get(pid).model_copy(update={"email": "laptop@example.org"}))
    with colleague(team) as other:
        other.persons.update(other.persons.get(pid).model_copy(update={"email": "kantoor@example.org"}))
    hand_in(team, lap_path, PASS)
    run = CliRunner().invoke
    r = run(cli, ["--db", str(team.path), "conflict"])
    assert r.exit_code == 0 and "email" in r.output and "laptop@example.org" in r.output
    (k,) = team.checkouts.conflicts()
    r = run(cli, ["--db", str(team.path), "conflict", "oplossen", str(k.id), "--houd", "correctie", "--reden", "x"])
    assert r.exit_code == 2 and "--waarde" in r.output
    args = ["conflict", "oplossen", str(k.id), "--houd", "correctie", "--waarde", "ouder@example.org"]
    r = run(cli, ["--db", str(team.path), *args, "--reden", "ouder belde"])
    assert r.exit_code == 0, r.output
    assert team.persons.get(pid).email == "ouder@example.org"
    resolved = [e for e in team.audit.entries() if e.action == "conflict opgelost"]
    assert resolved and json.dumps(resolved[0].detail).count("ouder belde") == 1
    assert COLLEAGUE != ME


def _plan_case(store, case_id):
    store.cases.record_event(case_id, "aanmelding_gemeente", date(2026, 1, 10))
    store.cases.record_event(case_id, "eerste_gesprek", date(2026, 1, 20))


def test_a_plan_made_on_the_laptop_arrives_whole_with_its_costs(team, lap_path):
    from herstel_tui.domain.costs import CostEntry

    a = team.ids[0]
    _plan_case(team, a)
    v = team.plans.start_concept(a)
    team.plans.add_goal(v.id, "financien", "Overzicht van de schulden")
    lap = checkout(team, [a], lap_path)
    with lap:
        lv = lap.plans.start_concept(a)
        goal = lap.plans.add_goal(lv.id, "wonen", "Huur betalen")
        action = lap.plans.add_action(lv.id, "wonen", what="Gesprek met verhuurder", goal_uid=goal.uid)
        lap.plans.agree(lv.id, "hoofdlijnen", date(2026, 5, 30), "ondertekend")
        lap.costs.add(
            CostEntry(
                case_id=a,
                date=date(2026, 5, 30),
                component="C",
                description="Keukentafel",
                kind="uren",
                quantity="1",
                price="80",
                action_uid=action.uid,
            )
        )
        lap_plan = [(g.text, g.area.value) for g in lap.plans.version(a).goals]
    report = hand_in(team, lap_path, PASS)
    assert report.conflicts == [] and report.counts["plannen"] == 1 and report.counts["kosten"] == 1
    agreed = team.plans.version(a)
    assert agreed.status.value == "hoofdlijnen" and [(g.text, g.area.value) for g in agreed.goals] == lap_plan
    (act,) = agreed.actions
    assert (
        act.what == "Gesprek met verhuurder"
        and act.goal_uid == [g for g in agreed.goals if g.text == "Huur betalen"][0].uid
    )
    (line,) = team.costs.of_case(a)
    assert line.entry.action_uid == act.uid
    assert "plan_hoofdlijnen" in [e.step for e in team.cases.events(a)]
    assert team.maintenance.check().problems == []
    assert hand_in(team, lap_path, PASS).nothing_new


def test_a_plan_changed_on_both_sides_is_a_conflict_that_keeps_both(team, lap_path):
    a = team.ids[0]
    _plan_case(team, a)
    v = team.plans.start_concept(a)
    lap = checkout(team, [a], lap_path)
    with lap:
        lap.plans.add_goal(v.id, "zorg", "Van de laptop")
    team.plans.add_goal(v.id, "werk", "Van kantoor")
    report = hand_in(team, lap_path, PASS)
    assert len(report.conflicts) == 1 and "plan van aanpak" in report.conflicts[0]
    assert [g.text for g in team.plans.version(a).goals] == ["Van kantoor"]
    (k,) = team.checkouts.conflicts(case_id=a)
    with pytest.raises(StoreError):
        resolve(team, k.id, "beide", "allebei")
    resolve(team, k.id, "laptop", "het gesprek aan huis is leidend")
    assert [g.text for g in team.plans.version(a).goals] == ["Van de laptop"]
    assert [g["text"] for g in team.checkouts.conflict(k.id).team_value["rows"]["plan_goals"]] == ["Van kantoor"]


def test_assignment_and_urgency_merge_field_by_field_and_dry_changes_nothing(team, lap_path):
    a, b = team.ids[:2]
    assert team.checkouts.mine(ME) == team.ids  # --mijn: the open cases assigned to me
    lap = checkout(team, [a, b], lap_path)
    with lap:
        lap.cases.assign(a, "c.laptop")
        lap.cases.set_urgency(b, "onomkeerbare_situatie")
    with colleague(team) as other:
        other.cases.set_urgency(b, "terminale_ziekte")
    before = state(team)
    dry = hand_in(team, lap_path, PASS, dry=True)
    assert state(team) == before and team.checkouts.out_with(a) is not None
    assert dry.counts == {"velden": 1} and len(dry.conflicts) == 1
    report = hand_in(team, lap_path, PASS)
    assert (report.counts, report.conflicts) == (dry.counts, dry.conflicts)
    assert team.cases.get(a).caseworker == "c.laptop"
    assert team.cases.get(b).urgency.value == "terminale_ziekte"
    (k,) = team.checkouts.conflicts(case_id=b)
    assert (k.kind, k.field, k.team_value, k.laptop_value) == (
        "zaak",
        "urgency",
        "terminale_ziekte",
        "onomkeerbare_situatie",
    )
    resolve(team, k.id, "laptop", "UHT belde")
    assert team.cases.get(b).urgency.value == "onomkeerbare_situatie"


def test_two_connections_write_the_laptop_file_at_once(team, lap_path):
    import threading

    a = team.ids[0]
    checkout(team, [a], lap_path).close()
    errors: list[BaseException] = []

    def writer(who: str) -> None:
        try:
            with open_store(lap_path, who, passphrase=PASS) as s:
                for n in range(15):
                    s.cases.add_note(a, f"{who} {n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in ("bureau", "shell")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = hand_in(team, lap_path, PASS)
    assert report.counts == {"contactmoment": 30}
    assert len({n.text for n in team.cases.notes(a)}) == 30


def test_a_case_removed_in_the_office_meanwhile_is_not_brought_back(team, lap_path):
    a, b = team.ids[:2]
    with checkout(team, [a, b], lap_path) as lap:
        lap.cases.add_note(a, "Over iemand die vergeten wil worden")
        lap.cases.add_note(b, "Gewoon")
    person = team.persons.get(team.cases.get(a).person_id)
    team.maintenance.remove_person(person.id, "wil geen ondersteuning")
    report = hand_in(team, lap_path, PASS)
    assert report.counts == {"contactmoment": 1}
    assert any("verwijderd" in line for line in report.conflicts)
    assert [n.text for n in team.cases.notes(b)] == ["Gewoon"]
    assert team.conn.execute("SELECT count(*) FROM contact_notes WHERE text LIKE 'Over iemand%'").fetchone() == (0,)
    assert team.maintenance.check().problems == []
    assert hand_in(team, lap_path, PASS).nothing_new


def test_a_form_draft_made_on_the_laptop_comes_along_once(team, lap_path):
    a = team.ids[0]
    with checkout(team, [a], lap_path) as lap:
        lap.drafts.save("kosten", "omschrijving", "Reiskosten huisbezoek", case_id=a)
    report = hand_in(team, lap_path, PASS)
    assert report.counts == {"concepten": 1}
    assert team.drafts.load("kosten") == {"omschrijving": "Reiskosten huisbezoek"}
    team.drafts.drop("kosten")  # saved for real in the office
    assert hand_in(team, lap_path, PASS).nothing_new
    assert team.drafts.load("kosten") == {}


def test_the_municipalitys_letter_templates_go_along_and_work_offline(team, lap_path, tmp_path, monkeypatch):
    """R lists letters per step; the issue: a laptop file holds "the routekaart and letter templates in
    use". The municipality's folder (config briefsjablonen, often a network share) is carried inside
    the file, so the laptop writes the municipality's letter with the share out of reach."""
    import shutil

    from herstel_tui.settings.resources import data_file

    share = tmp_path / "share" / "sjablonen"
    shutil.copytree(data_file("letters"), share)
    contact = share / "contact.txt"
    contact.write_text(contact.read_text(encoding="utf-8") + "\nGemeente Proefstad, team Herstel (eigen sjabloon)\n")
    config = tmp_path / "config.toml"
    config.write_text(f'medewerker = "{ME}"\nbriefsjablonen = "{share}"\n', encoding="utf-8")
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    zaak = team.cases.get(team.ids[0]).zaaknummer
    run = CliRunner().invoke
    base = ["--db", str(team.path), "--config", str(config)]
    r = run(cli, [*base, "meenemen", "--zaak", zaak, "--naar", str(lap_path)])
    assert r.exit_code == 0, r.output
    shutil.rmtree(tmp_path / "share")  # offline: the share is out of reach
    r = run(cli, ["--db", str(lap_path), "--config", str(config), "brief", "contact", zaak, "--droog"])
    assert r.exit_code == 0, r.output
    assert "team Herstel (eigen sjabloon)" in r.output
    r = run(cli, ["--db", str(team.path), "--config", str(config), "brief", "contact", zaak, "--droog"])
    assert r.exit_code == 2 and "niet gevonden" in r.output  # the team side has no copy: it reads the share


def handed_in_index(team, lap_path, case_id: int) -> tuple:
    """Hand the laptop's work in; the case's index rows then, which must be what the engine makes of
    the register (a fresh computation changes nothing)."""
    hand_in(team, lap_path, PASS)
    stored = index_rows(team.conn, case_id)
    with team.transaction():
        team.cases.refresh_index([case_id])
    assert index_rows(team.conn, case_id) == stored
    return stored


def test_a_toeslagpartner_added_on_the_laptop_gets_the_index_of_the_facts_now_shared(team, lap_path):
    """A person put in a household on the laptop shares the aanvrager's facts in the office too: her
    eerste toets found her niet gedupeerd, so his case gets the afbouw's termijn. After the check-in
    his case's index rows are what the engine makes of the register (store/checkin.py: the members
    who joined a household have their cases' index refreshed, as persons.add_to_household does)."""
    anna_case = team.ids[0]
    team.cases.record_event(anna_case, "eerste_toets", date(2026, 5, 22), outcome="niet_gedupeerd")
    piet = team.persons.add(Person(bsn=TEST_BSNS[10], given_names="Piet", surname="Bakker"))  # (in no household)
    piet_case = team.cases.open(piet.id, "brede_ondersteuning", opened=date(2026, 3, 2)).id
    alone = index_rows(team.conn, piet_case)
    assert alone[1] == []  # (no termijn of his own)
    lap = checkout(team, [anna_case, piet_case], lap_path)
    with lap:
        household = lap.persons.main_household(lap.cases.get(anna_case).person_id)
        assert household is not None
        lap.persons.add_to_household(household, lap.cases.get(piet_case).person_id, "toeslagpartner")
        assert index_rows(lap.conn, piet_case)[1]  # (on the laptop, persons.add_to_household)
    stored = handed_in_index(team, lap_path, piet_case)
    assert stored[1] and stored != alone  # the afbouw's termijn, inherited


def test_a_shared_fact_handed_in_reaches_the_index_of_the_members_in_the_office(team, lap_path):
    """Anna's eerste toets recorded on the laptop holds for Piet, her toeslagpartner, whose case
    stayed in the office. After the hand-in his case's index rows are what the engine makes of the
    register, as after ``cases.record_event`` in the office (before: stale until ``controle
    --herbouw``, and his list row without the afbouw's termijn)."""
    anna_case = team.ids[0]
    anna = team.cases.get(anna_case).person_id
    piet = team.persons.add(Person(bsn=TEST_BSNS[10], given_names="Piet", surname="Bakker"))
    household = team.persons.main_household(anna)
    assert household is not None
    team.persons.add_to_household(household, piet.id, "toeslagpartner")
    piet_case = team.cases.open(piet.id, "brede_ondersteuning", opened=date(2026, 3, 2)).id
    alone = index_rows(team.conn, piet_case)
    lap = checkout(team, [anna_case], lap_path)
    with lap:
        lap.cases.record_event(anna_case, "eerste_toets", date(2026, 5, 22), outcome="niet_gedupeerd")
    stored = handed_in_index(team, lap_path, piet_case)
    assert stored[1] and stored != alone  # the afbouw's termijn, inherited
    assert team.maintenance.check().ok


def test_a_handed_in_fact_that_contradicts_a_members_case_is_taken_and_the_case_named(team, lap_path, monkeypatch):
    """UHT's negatieve beschikking about Ouder0, recorded on the laptop, holds for her child, whose
    case in the office holds ondersteuning aan kinderen after its date ("Ondersteuning aan kinderen
    kan alleen vóór Eerste toets: Niet gedupeerd"). The fact is UHT's: it is handed in, as the
    negatief list and the desk take it, and the hand-in names the child's case (the dry run too), as
    they do. Before, the hand-in said nothing and only `herstel controle` found it."""
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    anna_case = team.ids[0]
    kid = next(p for p, role, _ in team.persons.household_of(team.cases.get(anna_case).person_id) if role == "kind")
    kids = team.cases.open(kid.id, "brede_ondersteuning", opened=date(2026, 3, 2))
    team.cases.record_event(kids.id, "aanmelding_gemeente", date(2026, 3, 2))
    team.cases.record_event(kids.id, "ondersteuning_kinderen", date(2026, 5, 20))
    with checkout(team, [anna_case], lap_path) as lap:
        lap.cases.record_event(anna_case, "eerste_toets", date(2026, 5, 10), outcome="niet_gedupeerd")
    named = (
        f"let op: zaak {kids.zaaknummer} van Kind Achternaam0: Ondersteuning aan kinderen van 20-05-2026 past "
        "niet naast Eerste toets: Niet gedupeerd van 10-05-2026 van de aanvrager. Controleer die zaak."
    )
    run = CliRunner().invoke
    for extra, done in ((["--droog"], "Zou inleveren: 1 stap."), (["--bewaar"], "Ingeleverd: 1 stap.")):
        r = run(cli, ["--db", str(team.path), "inleveren", str(lap_path), *extra])
        assert r.exit_code == 0, r.output
        assert named in " ".join(r.output.split()) and done in r.output, r.output
    assert team.cases.last_event(anna_case, "eerste_toets") == ("2026-05-10", "niet_gedupeerd")
    problems = [p for p in team.maintenance.check().problems if "past niet" in p]
    assert [p.split(":")[0] for p in problems] == [kids.zaaknummer]


def test_an_aanvrager_placed_on_the_laptop_gives_the_members_the_index_of_her_facts(team, lap_path):
    """Kees is toeslagpartner in a household without an aanvrager; on the laptop Anna is placed in it
    as aanvrager (``persons.add_to_household``, which indexes the others there). After the hand-in
    Kees shares her "niet gedupeerd" in the office too, and his case's index rows follow (before,
    only Anna's cases were re-indexed)."""
    anna_case = team.ids[0]
    anna = team.cases.get(anna_case).person_id
    team.cases.record_event(anna_case, "eerste_toets", date(2026, 2, 1), outcome="niet_gedupeerd")
    kees = team.persons.add(Person(bsn=TEST_BSNS[20], given_names="Kees", surname="Bos")).id
    household = team.persons.create_household([(kees, "toeslagpartner")]).id
    kees_case = team.cases.open(kees, "schuldenaanpak", opened=date(2023, 1, 2)).id
    team.cases.record_event(kees_case, "aanvraag_herbeoordeling", date(2023, 1, 3))
    team.cases.record_event(kees_case, "start_pauzeknop", date(2023, 2, 1))
    alone = index_rows(team.conn, kees_case)
    with checkout(team, [anna_case, kees_case], lap_path) as lap:
        lap.persons.add_to_household(household, anna, "aanvrager")
    assert handed_in_index(team, lap_path, kees_case) != alone
    assert [(e.step, e.outcome) for e in team.cases.inherited(kees, "schuldenaanpak")] == [
        ("eerste_toets", "niet_gedupeerd")
    ]


def test_a_conflict_settled_with_the_laptops_outcome_names_the_members_case_it_contradicts(team, lap_path):
    """`herstel conflict oplossen … --houd laptop` records UHT's outcome as a correction, all the same
    (UHT decided it), and names the child's case it now contradicts, as the hand-in, the desk and the
    negatief list do ("Ondersteuning aan kinderen kan alleen vóór Eerste toets: Niet gedupeerd")."""
    k, kids = conflicted_outcome(team, team.ids[0], lap_path)
    args = ["--db", str(team.path), "conflict", "oplossen", str(k.id), "--houd", "laptop", "--reden", "UHT belde"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert said.startswith(f"Conflict {k.id} opgelost (laptop). let op: zaak {kids.zaaknummer} van Kind Achternaam0: ")
    assert "Ondersteuning aan kinderen van 20-05-2026 past niet naast " in said and said.endswith(
        "Controleer die zaak."
    )
    assert team.cases.last_event(team.ids[0], "eerste_toets") == ("2026-05-10", "niet_gedupeerd")
    assert [p.split(":")[0] for p in team.maintenance.check().problems if "past niet" in p] == [kids.zaaknummer]


def test_a_child_in_two_households_is_named_once_at_hand_in(team, lap_path):
    """The child is in both parents' households (apart); the laptop records an outcome for each, and
    the mother's "niet gedupeerd" contradicts the child's ondersteuning aan kinderen: the hand-in
    names that case once, not once per parent's fact."""
    mother_case, father_case = team.ids[0], team.ids[1]
    mother, father = (team.cases.get(c).person_id for c in (mother_case, father_case))
    kid = next(p for p, role, _ in team.persons.household_of(mother) if role == "kind")
    fathers = team.persons.create_household([(father, "aanvrager")]).id
    assert fathers is not None
    team.persons.add_to_household(fathers, kid.id, "kind")
    kids = team.cases.open(kid.id, "brede_ondersteuning", opened=date(2026, 3, 2))
    team.cases.record_event(kids.id, "aanmelding_gemeente", date(2026, 3, 2))
    team.cases.record_event(kids.id, "ondersteuning_kinderen", date(2026, 5, 20))
    with checkout(team, [mother_case, father_case], lap_path) as lap:
        lap.cases.record_event(father_case, "eerste_toets", date(2026, 5, 9), outcome="gedupeerd")
        lap.cases.record_event(mother_case, "eerste_toets", date(2026, 5, 10), outcome="niet_gedupeerd")
    (warning,) = hand_in(team, lap_path, PASS).warnings
    assert warning.startswith(f"zaak {kids.zaaknummer} van Kind Achternaam0: Ondersteuning aan kinderen van 20-05-2026")


def test_a_laptop_file_with_only_its_log_does_not_say_nothing_changed(team, lap_path, monkeypatch):
    """A case looked at on the laptop and nothing else: the hand-in takes the laptop's audit rows
    into the team's trail and marks the file returned, so `herstel inleveren` says so ("alleen het
    logboek"), not "Er is niets gewijzigd". The second time there is nothing new."""
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    case = team.cases.get(team.ids[0])
    with checkout(team, [case.id], lap_path) as lap:
        lap.audit.viewed(person_id=case.person_id, case_id=case.id, what="zaak")
    run = CliRunner().invoke
    r = run(cli, ["--db", str(team.path), "inleveren", str(lap_path), "--bewaar"])
    assert r.exit_code == 0, r.output
    assert "Ingeleverd: alleen het logboek." in r.output and "niets gewijzigd" not in r.output, r.output
    r = run(cli, ["--db", str(team.path), "inleveren", str(lap_path), "--bewaar"])
    assert r.exit_code == 0 and "Niets nieuw in" in r.output and "Er is niets gewijzigd." in r.output, r.output


def test_a_second_aanvrager_from_the_laptop_is_a_conflict_settled_with_another_role(team, lap_path, monkeypatch):
    """Kees's household has no aanvrager when the case goes along; the laptop places Ouder0 there as
    aanvrager, the office Ouder1 meanwhile. A household has one aanvrager (``add_to_household``
    refuses a second): the hand-in does not take the laptop's place but makes it a conflict, kept
    on the case screen; 'laptop' is refused with the roles to choose, a correction gives the role."""
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    household, anna, other, kees, report = second_aanvrager(team, team.ids[0], team.ids[1], lap_path)
    members = "SELECT person_id, role FROM household_members WHERE household_id = ? ORDER BY person_id"
    assert team.conn.execute(members, (household,)).fetchall() == [(other, "aanvrager"), (kees, "toeslagpartner")]
    assert report.conflicts == [
        f"huishouden {household}: Ouder0 Achternaam0 is op de laptop als aanvrager toegevoegd, maar Ouder1 Achternaam1 "
        "is daar al aanvrager (een huishouden heeft één aanvrager). Houd de versie van het team, of corrigeer met een "
        "andere rol (toeslagpartner, ex-toeslagpartner, kind of nabestaande)."
    ]
    (k,) = team.checkouts.conflicts(case_id=team.ids[0])
    assert hand_in(team, lap_path, PASS).conflicts == []  # (handed in twice: the same conflict, once)
    run = CliRunner().invoke
    before = table_rows(team.conn)
    r = run(cli, ["--db", str(team.path), "conflict", "oplossen", str(k.id), "--houd", "laptop", "--reden", "x"])
    assert r.exit_code == 2 and "een huishouden heeft één aanvrager" in r.output and table_rows(team.conn) == before
    args = ["conflict", "oplossen", str(k.id), "--houd", "correctie", "--waarde", "ex-toeslagpartner"]
    r = run(cli, ["--db", str(team.path), *args, "--reden", "gescheiden"])
    assert r.exit_code == 0, r.output
    assert (anna, "ex-toeslagpartner") in team.conn.execute(members, (household,)).fetchall()
    assert team.checkouts.conflicts() == [] and team.maintenance.check().ok
