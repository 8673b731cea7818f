"""The desk application class (imports Textual; see app.py for why it lives apart)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from herstel_tui.tui.app import ANSI_THEME, pick_theme
from herstel_tui.tui.data import DeskData

if TYPE_CHECKING:
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store


class HerstelApp(App):
    TITLE = "herstel"
    CSS_PATH = "desk.tcss"
    # The palette binding is ours (with an id and a plain second key), not Textual's default.
    COMMAND_PALETTE_BINDING = "ctrl+p"
    COMMANDS = {lambda: _desk_commands()}

    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help", priority=True),
        Binding("ctrl+p,colon", "command_palette", "Opdrachten", show=False, id="app.palette", priority=True),
        Binding("f9,n", "new_person", "Nieuw", id="app.nieuw", priority=True),
        Binding("f10,q", "quit", "Stop", id="app.quit"),
        Binding(
            "i",
            "overview",
            "Overzicht",
            show=False,
            id="app.overzicht",
            tooltip="Cijfers: per spoor, stap, uitkomst; termijnen gehaald en gemist",
        ),
        Binding(
            "e",
            "vraagbestand",
            "Vraagbestand",
            show=False,
            id="app.vraagbestand",
            tooltip="Vraagbestand kindregeling voor het gegevensportaal maken",
        ),
        Binding("j", "audit", "Logboek", show=False, id="app.logboek", tooltip="Het auditlogboek"),
        Binding("y", "spuk", "SPUK", show=False, id="app.spuk", tooltip="SPUK-jaaroverzicht (kosten per component)"),
    ]

    def __init__(
        self,
        store: Store | None,
        config: Config | Any,
        *,
        low_bandwidth: bool = False,
        today: date | None = None,
        env: Mapping[str, str] | None = None,
        data: DeskData | None = None,
        finish_start: Any = None,
    ):
        theme = pick_theme(env, low_bandwidth=low_bandwidth)
        # Native ANSI colours from the first frame (and with NO_COLOR: no colour at all, rather
        # than Textual's grey rendering of a truecolour theme).
        super().__init__(ansi_color=True if theme == ANSI_THEME else None)
        self.config = config
        # A light start (see desk_start.py) paints the list first and then, in a worker, opens the
        # full Store and validates the config: ``finish_start`` returns the validated Config.
        self._finish_start = finish_start
        self.low_bandwidth = low_bandwidth
        self.data = data or DeskData(store, today)
        self.title = f"herstel · {config.gemeente}"
        self.sub_title = config.medewerker
        self.desk_theme = theme
        self.theme = theme
        if low_bandwidth:
            self.animation_level = "none"

    @property
    def store(self) -> Store:
        return self.data.store

    @property
    def today(self) -> date:
        return self.data.today

    @property
    def blink(self) -> bool:
        """Blinking cursors are repainting timers: off in --low-bandwidth and in tests."""
        return not (self.low_bandwidth or self.is_headless)

    def get_default_screen(self) -> Screen:
        from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen

        return WorkQueueScreen()

    def on_mount(self) -> None:
        if self.theme != self.desk_theme:
            self.theme = self.desk_theme
        # Colleagues' saves show without a restart: poll SQLite's data_version (a cheap read that
        # changes only when another connection commits) and repaint only when it changed.
        if not self.is_headless:
            self.set_interval(10.0 if self.low_bandwidth else 3.0, self._watch_colleagues)
        if self._finish_start is not None:
            self.set_timer(0.2, self._complete_start)

        keymap = dict(self.config.toetsen)
        if keymap:
            unknown = sorted(set(keymap) - set(binding_ids()))
            self.set_keymap(keymap)
            if unknown:
                self.notify(
                    "Onbekende toets-id in de configuratie: " + ", ".join(unknown) + ". Zie F1 voor de ids.",
                    severity="warning",
                    timeout=8,
                )

    def on_unmount(self) -> None:
        self.data.close()

    _seen_version: int | None = None

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def _complete_start(self) -> None:
        try:
            config, warning, refreshed = self._finish_start(self.data)
        except Exception as exc:
            self.call_from_thread(self.notify, f"Opstarten niet afgerond: {exc}", severity="error", timeout=15)
            return

        def done() -> None:
            self.config = config
            if warning:
                self.notify(warning, severity="warning", timeout=15)
            if refreshed:
                self.refresh_lists()

        self.call_from_thread(done)

    @work(thread=True, exclusive=True, group="colleagues", exit_on_error=False)
    def _watch_colleagues(self) -> None:
        try:
            version = self.data.call(self.data.store.data_version)
        except Exception:
            return
        if self._seen_version is not None and version != self._seen_version:
            self.call_from_thread(self.refresh_lists)
        self._seen_version = version

    # -- app-wide actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from textual.screen import ModalScreen

        if action in ("quit", "new_person", "overview", "audit", "vraagbestand", "spuk") and isinstance(
            self.screen, ModalScreen
        ):
            return False
        if action == "new_person":
            # Only where a person is at hand; on the plan, costs and SPUK screens "n" is theirs
            # (the app's binding is a priority one and would otherwise take the key first).
            from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
            from herstel_tui.tui.screens.zaak import CaseScreen

            return isinstance(self.screen, (WorkQueueScreen, CaseScreen))
        return True

    def get_key_display(self, binding: Binding) -> str:
        from herstel_tui.tui.screens.help import key_name

        return binding.key_display or key_name(binding.key)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="Zoek een opdracht of zaaknummer…"))

    def action_help(self) -> None:
        from herstel_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def action_overview(self) -> None:
        from herstel_tui.tui.screens.overview import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen())

    def action_audit(self) -> None:
        from herstel_tui.tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def action_spuk(self) -> None:
        from herstel_tui.tui.screens.spuk import SpukScreen

        if not isinstance(self.screen, SpukScreen):
            self.push_screen(SpukScreen(self.store, today=self.today))

    def action_vraagbestand(self) -> None:
        from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog

        if not isinstance(self.screen, VraagbestandDialog):
            self.push_screen(VraagbestandDialog(self.store, self.config))

    def action_new_person(self) -> None:
        from herstel_tui.tui.screens.dialogs import NewPersonDialog
        from herstel_tui.tui.screens.zaak import CaseScreen

        anchor = None
        if isinstance(self.screen, CaseScreen) and self.screen.bundle is not None:
            anchor = self.screen.bundle.person

        def done(result: object) -> None:
            if not result:
                return
            person, case = result  # type: ignore[misc]
            self.refresh_lists()
            if case is not None:
                self.open_case(case.id)
            else:
                self.notify(f"{person.naam} is toegevoegd.", timeout=4)

        self.push_screen(NewPersonDialog(anchor), done)

    def open_case(self, case_id: int) -> None:
        from herstel_tui.tui.screens.zaak import CaseScreen

        self.push_screen(CaseScreen(case_id))

    def refresh_lists(self) -> None:
        """A change was saved: every screen re-reads what it shows when it is next visible."""
        from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen
        from herstel_tui.tui.screens.zaak import CaseScreen

        for screen in self.screen_stack:
            if isinstance(screen, (WorkQueueScreen, CaseScreen)):
                screen.stale = True
        top = self.screen
        if isinstance(top, (WorkQueueScreen, CaseScreen)):
            top.reload()


def _desk_commands():
    from herstel_tui.tui.commands import DeskCommands

    return DeskCommands


def binding_ids() -> list[str]:
    """Every binding id of the desk, for the config file's [toetsen] and the help."""
    from herstel_tui.tui.screens.audit import AuditScreen
    from herstel_tui.tui.screens.dialogs import all_dialog_classes
    from herstel_tui.tui.screens.help import HelpScreen
    from herstel_tui.tui.screens.letter import LetterPreview, LetterScreen
    from herstel_tui.tui.screens.overview import OverviewBody, OverviewScreen
    from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog
    from herstel_tui.tui.screens.werkvoorraad import SearchBox, WorkQueueScreen
    from herstel_tui.tui.screens.zaak import CaseBody, CaseScreen, Household
    from herstel_tui.tui.widgets.caselist import CaseTable

    ids: list[str] = []
    for cls in (
        HerstelApp,
        WorkQueueScreen,
        SearchBox,
        CaseTable,
        CaseScreen,
        CaseBody,
        Household,
        HelpScreen,
        AuditScreen,
        LetterScreen,
        LetterPreview,
        OverviewScreen,
        OverviewBody,
        VraagbestandDialog,
        *all_dialog_classes(),
        *_extra_screens(),
    ):
        for klass in cls.__mro__:
            for b in klass.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and b.id and b.id not in ids:
                    ids.append(b.id)
    return ids


def _extra_screens() -> list[type]:
    """Screens of the plan van aanpak and SPUK costs."""
    from herstel_tui.tui.screens.plan import screen_classes

    return screen_classes()
