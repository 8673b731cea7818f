"""The Vraagbestand kindregeling dialog, driven with Pilot at 80x24 in a bare host app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from herstel_tui.settings.config import Config
from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog
from tests.support.pilot import Host, settle
from tests.support.portal import PORTAL_ID, TODAY, Family, dump, portal_reads


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_shows_who_goes_in_and_writes_the_file(store, config, tmp_path):
    parent, (noah, emma) = Family(store).household("Anna", "Jansen", ["Noah", "Emma"], kid_case="Noah")
    app = Host(lambda: VraagbestandDialog(store, config, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{TODAY:%Y%m%d}.xlsx"
        assert text(app, "#vk-uitleg") == f"2 kinderen gaan in het vraagbestand:\n{expected}"
        lines = text(app, "#vk-kinderen").splitlines()
        assert lines == [
            f"{emma.bsn_masked}  Emma Jansen             01-01-2010  nog niet geverifieerd",
            f"{noah.bsn_masked}  Noah Jansen             01-01-2010  nog niet geverifieerd",
        ]
        assert noah.bsn not in text(app, "#vk-kinderen")
        assert not app.screen.query_one("#vk-schrijven", Button).disabled
        await pilot.press("f2")
        await settle(pilot)
        assert text(app, "#vk-uitkomst").startswith(f"Geschreven: {expected}\n2 BSN's; de aanvraag is vastgelegd")
        assert app.screen.query_one("#vk-schrijven", Button).disabled
        await pilot.press("f2")  # a second press does nothing
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.result == expected
    assert portal_reads(expected, portal_id=PORTAL_ID)[0] == []
    assert [v["vraagbestand"] for v in store.portal.verifications_of(noah.id)] == [expected.name]


async def test_refusal_is_shown_in_dutch_and_nothing_recorded(store, config, tmp_path):
    Family(store).household("Anna", "Jansen", ["Noah"])
    target = tmp_path / "export" / f"VK-{PORTAL_ID}-Kindregeling_{TODAY:%Y%m%d}.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"al verstuurd")
    before = dump(store)
    app = Host(lambda: VraagbestandDialog(store, config, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "bestaat al" in text(app, "#vk-uitkomst")
        assert app.screen.query_one("#vk-uitkomst").has_class("-fout")
        assert not app.screen.query_one("#vk-schrijven", Button).disabled  # may try again after moving it
        await pilot.press("f3")
        await pilot.pause()
    assert app.result is None
    assert dump(store) == before


async def test_without_portal_id_it_says_why_and_cannot_write(store, tmp_path):
    Family(store).household("Anna", "Jansen", ["Noah"])
    app = Host(lambda: VraagbestandDialog(store, Config(exportmap=tmp_path / "export"), today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert text(app, "#vk-uitleg") == "1 kind gaat in het vraagbestand."
        assert text(app, "#vk-uitkomst").startswith("Er is geen portaal-id ingesteld")
        assert app.screen.query_one("#vk-schrijven", Button).disabled
        await pilot.press("f2")
        await settle(pilot)
    assert not (tmp_path / "export").exists()


async def test_open_requests_only_on_request(store, config, tmp_path):
    Family(store).household("Anna", "Jansen", ["Noah"])
    from herstel_tui.services.portal import export_vraagbestand

    export_vraagbestand(store, config, store.portal.children_to_verify(), directory=tmp_path / "eerder", today=TODAY)
    app = Host(lambda: VraagbestandDialog(store, config, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert text(app, "#vk-uitleg") == (
            "Geen kinderen om te verifiëren: elk kind met een BSN heeft een antwoord of een open aanvraag."
        )
        assert app.screen.query_one("#vk-schrijven", Button).disabled
        await pilot.click("#vk-open")
        await settle(pilot)
        assert text(app, "#vk-uitleg").startswith("1 kind gaat in het vraagbestand:")
        assert f"aangevraagd op {TODAY:%d-%m-%Y}" in text(app, "#vk-kinderen")


def test_dialog_module_is_the_only_portal_piece_that_imports_textual():
    import subprocess
    import sys

    code = (
        "import herstel_tui.services.portal, herstel_tui.files.portal_reader, herstel_tui.services.portal_lists, "
        "herstel_tui.files.vraagbestand, herstel_tui.files.verificatiecode, herstel_tui.store.portal, "
        "herstel_tui.cli.portal, sys; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'openpyxl', 'rich'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    ).stdout
    assert out.strip() == "[]"
