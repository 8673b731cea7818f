"""The desk on a laptop file (issue 19): its title says so, work done there reaches the team at
check-in, and the team's desk shows which cases are out and which came back with a conflict."""

from __future__ import annotations

from herstel_tui.services.checkout import hand_in
from herstel_tui.store import CaseFilter
from herstel_tui.tui.screens.conflict_dialog import ConflictDialog
from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
from herstel_tui.tui.widgets.caselist import CaseTable
from tests.services.checkout_support import PASS, checkout, colleague, make_team
from tests.support.pilot import open_case, screen_text, settle
from tests.tui.conftest import TODAY, make_app


async def test_desk_on_the_laptop_file_and_back(tmp_path):
    team, ids = make_team(tmp_path / "team.db")
    lap_path = tmp_path / "laptop.db"
    lap = checkout(team, ids[:2], lap_path)
    first = lap.cases.page(CaseFilter(), 0, 1, today=TODAY)[0]
    app = make_app(lap)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.title.endswith("meegenomen 01-06-2026, 2 zaken")
        assert isinstance(app.screen, WorkQueueScreen)
        await pilot.press("f6")  # a contact note on the selected case, on the laptop
        await settle(pilot)
        await pilot.press(*"Gesprek aan de keukentafel")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
    assert [n.text for n in lap.cases.notes(first.id)] == ["Gesprek aan de keukentafel"]
    lap.close()

    # the team's desk: the case is out on the laptop
    for size, marker in (((80, 24), "laptop · "), ((140, 30), "mee op laptop van a.devries · ")):
        app = make_app(team)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            table = app.screen.query_one(CaseTable)
            lines = [table.render_line(y).text for y in range(table.scrollable_content_region.height)]
            assert len([line for line in lines if marker in line]) == 2, "\n".join(lines)
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, first.id)
        assert "Mee op laptop van a.devries" in screen_text(app)
        assert screen is app.screen

    # a colleague changed the phone meanwhile, and so did the laptop: a conflict on the case screen
    pid = team.cases.get(first.id).person_id
    with colleague(team) as other:
        other.persons.update(other.persons.get(pid).model_copy(update={"phone": "06-12121212"}))
    from herstel_tui.settings.resources import open_store

    with open_store(lap_path, "a.devries", passphrase=PASS) as lap2:
        lap2.persons.update(lap2.persons.get(pid).model_copy(update={"phone": "06-34343434"}))
    report = hand_in(team, lap_path, PASS)
    assert [n.text for n in team.cases.notes(first.id)] == ["Gesprek aan de keukentafel"]
    assert len(report.conflicts) == 1
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, first.id)
        text = screen_text(app)
        assert "Conflict bij inleveren" in text and "06-34343434" in text
        assert "Mee op laptop" not in text
        await pilot.press("o")  # settle it here: keep the laptop's number, with a reason
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "06-12121212" in screen_text(app) and "06-34343434" in screen_text(app)
        await pilot.press("down", "enter", "tab", "tab")
        await pilot.press(*"Ouder belde met het nieuwe nummer", "f2")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictDialog)
        assert "Conflict bij inleveren" not in screen_text(app)
    assert team.persons.get(pid).phone == "06-34343434"
    assert team.checkouts.conflicts() == []
    assert [e.detail["keuze"] for e in team.audit.entries() if e.action == "conflict opgelost"] == ["laptop"]
    team.close()


def test_herstel_db_laptop_file_asks_the_passphrase_and_refuses_a_wrong_one(tmp_path, monkeypatch, capsys):
    import herstel_tui.tui.app as app_module
    from herstel_tui.tui.launch import start

    team, ids = make_team(tmp_path / "team.db")
    checkout(team, ids[:1], tmp_path / "laptop.db").close()
    team.close()
    opened = []
    monkeypatch.setattr(app_module, "run_app", lambda store, cfg, **kw: opened.append(store.checkouts.origin()))
    monkeypatch.setenv("HERSTEL_WACHTWOORD", "niet-het-goede")
    assert start(str(tmp_path / "laptop.db"), None, False) == 2
    assert "wachtwoord klopt niet" in capsys.readouterr().err and opened == []
    monkeypatch.setenv("HERSTEL_WACHTWOORD", PASS)
    assert start(str(tmp_path / "laptop.db"), None, False) == 0
    assert opened and opened[0].cases == 1


async def test_a_conflict_settled_on_the_case_screen_names_the_members_case_it_contradicts(tmp_path):
    """The case screen's `o`: keep the laptop's "niet gedupeerd"; besides the toast that it was
    saved, one warning names the child's case it now contradicts, whole on the 80x24 screen (as
    after F2 on the aanvrager's case: test_acties)."""
    from datetime import date

    from herstel_tui.domain import clock
    from tests.services.checkout_support import conflicted_outcome
    from tests.support.pilot import notices

    with clock.fixed(TODAY):
        team, ids = make_team(tmp_path / "team.db")
        k, kids = conflicted_outcome(team, ids[0], tmp_path / "laptop.db")
        app = make_app(team)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await open_case(pilot, ids[0])
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, ConflictDialog)
            await pilot.press("down", "enter", "tab", "tab")  # the laptop's version
            await pilot.press(*"UHT belde", "f2")
            await settle(pilot)
            assert not isinstance(app.screen, ConflictDialog)
            warned = [n for n in notices(app) if "Let op" in n]
            toasts = list(app.screen.query("Toast"))
            assert toasts and all(t.region.y >= 0 and t.region.bottom <= 24 for t in toasts)
        assert len(warned) == 1 and f"zaak {kids.zaaknummer} (Kind Achternaam0)" in " ".join(warned[0].split())
        assert team.cases.last_event(ids[0], "eerste_toets") == (date(2026, 5, 10).isoformat(), "niet_gedupeerd")
        team.close()


async def test_a_second_aanvrager_from_the_laptop_is_settled_on_the_case_screen_with_a_role(tmp_path):
    """The conflict of a place as aanvrager (a household has one): the dialog's Waarde asks for a
    role; keeping the laptop's version is refused in the dialog, nothing saved; a correction with
    ex-toeslagpartner places Ouder0 so, and the conflict is gone."""
    from herstel_tui.domain import clock
    from tests.services.checkout_support import second_aanvrager
    from tests.support.pilot import error_text

    with clock.fixed(TODAY):
        team, ids = make_team(tmp_path / "team.db")
        household, anna, other, _kees, _report = second_aanvrager(team, ids[0], ids[1], tmp_path / "laptop.db")
        members = "SELECT person_id, role FROM household_members WHERE household_id = ? ORDER BY person_id"
        before = team.conn.execute(members, (household,)).fetchall()
        app = make_app(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await open_case(pilot, ids[0])
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, ConflictDialog)
            assert "een rol (toeslagpartner" in str(app.screen.query_one("#waarde").placeholder)
            await pilot.press("down", "enter", "tab", "tab", *"gescheiden", "f2")  # the laptop's version
            await settle(pilot)
            assert isinstance(app.screen, ConflictDialog)
            assert "een huishouden heeft één aanvrager" in error_text(app)
            assert team.conn.execute(members, (household,)).fetchall() == before
            app.screen.query_one("#correctie").value = True
            app.screen.query_one("#waarde").focus()
            await pilot.press(*"ex-toeslagpartner", "f2")
            await settle(pilot)
            assert not isinstance(app.screen, ConflictDialog)
        assert (anna, "ex-toeslagpartner") in team.conn.execute(members, (household,)).fetchall()
        assert team.checkouts.conflicts() == [] and other in dict(before)
        team.close()
