"""The desk application: its keys and the way between its screens (see app.py for how it starts).

The screens are imported where they are first needed, so the first paint loads only the
werkvoorraad; the screens never import this module (they know the app as ``DeskApp``).
"""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.screen import ModalScreen, Screen

from herstel_tui.tui import keymap
from herstel_tui.tui.host import DeskApp
from herstel_tui.tui.styles import FIRST_STYLES


def _desk_commands() -> type[Provider]:
    from herstel_tui.tui.commands import DeskCommands

    return DeskCommands


class HerstelApp(DeskApp, App[object]):
    TITLE = "herstel"
    CSS_PATH = FIRST_STYLES  # the rest once the list is painted (DeskApp.read_all_styles)
    # The palette binding is ours (with an id and a plain second key), not Textual's default.
    COMMAND_PALETTE_BINDING = "ctrl+p"
    COMMANDS = {_desk_commands}

    BINDINGS = keymap.DESK

    def get_default_screen(self) -> Screen[None]:
        from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen

        return WorkQueueScreen()

    def on_mount(self) -> None:
        if self.collector_paused:
            self.call_after_refresh(self.resume_collector)
        if self.theme != self.desk_theme:
            self.theme = self.desk_theme
        # Colleagues' saves show without a restart: poll SQLite's data_version (a cheap read that
        # changes only when another connection commits) and repaint only when it changed.
        if not self.is_headless:
            self.set_interval(10.0 if self.low_bandwidth else 3.0, self.check_colleagues)
            if terminal_answers():
                self.set_interval(2.0, self.check_terminal)
        if self.finish_start is not None:
            self.set_timer(0.2, self.complete_start)

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

    def store_opened(self) -> None:
        # the dialogs too (they import the models), so the first F2 does not wait for them
        from herstel_tui.tui.screens import case_dialogs, person_dialog  # noqa: F401

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def complete_start(self) -> None:
        """Finish a light start: the network warning, and the full Store with the validated config
        when the list needs it now (see ``FinishStart``); else the Store opens on first use."""
        finish = self.finish_start
        if finish is None:
            return
        try:
            config, warning, refreshed = finish(self.data)
        except Exception as exc:
            self.call_from_thread(self.notify, f"Opstarten niet afgerond: {exc}", severity="error", timeout=15)
            return

        def done() -> None:
            if config is not None:
                self.config = config
            if warning:
                self.notify(warning, severity="warning", timeout=15)
            if refreshed:
                self.refresh_lists()

        self.call_from_thread(done)

    @work(thread=True, exclusive=True, group="colleagues", exit_on_error=False)
    def check_colleagues(self) -> None:
        """Show colleagues' saves: read again when another connection has committed since the last look."""
        try:
            saved = self.data.colleagues_saved()
        except Exception:
            return
        if saved:
            self.call_from_thread(self.refresh_lists)

    def check_terminal(self) -> None:
        """Leave when the terminal is gone. A session closed without the hangup reaching the desk (an
        SSH or Citrix session under ``su`` or ``sudo -u``, say) left Textual's input thread reading
        nothing, without end, at three quarters of a core, and the desk holding the database open (a
        restore refused as 'nog in gebruik'). Saves are confirmed one by one: nothing waits to be kept."""
        if not terminal_answers():
            self.exit(return_code=1)

    # -- app-wide actions ------------------------------------------------------------------------

    @property
    def working_screen(self) -> Screen[object]:
        """The screen the caseworker works on: under the command palette when that is open (the
        palette offers what that screen offers)."""
        from textual.command import CommandPalette

        for screen in reversed(self.screen_stack):
            if not isinstance(screen, CommandPalette):
                return screen
        return self.screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        screen = self.working_screen
        if action in ("quit", "new_person", "overview", "audit", "vraagbestand", "spuk") and isinstance(
            screen, ModalScreen
        ):
            return False
        if action == "new_person":
            # Only where a person is at hand; on the plan, costs and SPUK screens "n" is theirs
            # (the app's binding is a priority one and would otherwise take the key first).
            from herstel_tui.tui.screens.werkvoorraad import WorkQueueScreen

            if isinstance(screen, WorkQueueScreen):
                return True  # (without importing the case screen: the first paint's key line asks)
            from herstel_tui.tui.screens.zaak import CaseScreen

            return isinstance(screen, CaseScreen)
        return True

    def get_key_display(self, binding: Binding) -> str:
        return binding.key_display or keymap.key_name(binding.key)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from herstel_tui.tui.commands import DeskPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.read_all_styles()  # (forms.tcss aligns every ModalScreen, the palette too)
            self.push_screen(DeskPalette())

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
            self.with_store(lambda: self.push_screen(SpukScreen(self.store, today=self.today)))

    def action_vraagbestand(self) -> None:
        from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog

        if not isinstance(self.screen, VraagbestandDialog):
            self.with_store(lambda: self.push_screen(VraagbestandDialog(self.store, self.config)))

    def action_new_person(self) -> None:
        from herstel_tui.domain.models import Case, Person
        from herstel_tui.tui.screens.person_dialog import NewPersonDialog
        from herstel_tui.tui.screens.zaak import CaseScreen

        anchor = None
        if isinstance(self.screen, CaseScreen) and self.screen.bundle is not None:
            anchor = self.screen.bundle.person

        def done(result: object) -> None:
            if not isinstance(result, tuple):
                return
            person, case = result
            assert isinstance(person, Person) and (case is None or isinstance(case, Case))
            self.refresh_lists()
            if case is not None and case.id is not None:
                self.open_case(case.id)
            else:
                self.notify(f"{person.name} is toegevoegd.", timeout=4)

        self.push_screen(NewPersonDialog(anchor), done)

    def open_case(self, case_id: int) -> None:
        self._open_case_loaded(case_id)

    @work(thread=True, exclusive=True, group="open-case", exit_on_error=False)
    def _open_case_loaded(self, case_id: int) -> None:
        """Read the case first, then show its screen: one paint instead of "Zaak laden…" and then
        the case (a third of the bytes over a thin line). A failed read shows the screen, which
        reads again and says what went wrong."""
        from textual.worker import get_current_worker

        from herstel_tui.tui.screens.zaak import CaseScreen

        try:
            bundle = self.data.load_case(case_id, log=True)
        except Exception:
            bundle = None

        def show() -> None:
            self.push_screen(CaseScreen(case_id, bundle))

        if not get_current_worker().is_cancelled:
            self.call_from_thread(show)


def terminal_answers() -> bool:
    """Whether the desk's terminal is still there: after a hangup the input's tty answers no more
    (``isatty`` is False: tcgetattr fails with EIO), though the descriptor stays open."""
    import os
    import sys

    stdin = sys.__stdin__
    try:
        return stdin is not None and os.isatty(stdin.fileno())
    except (OSError, ValueError):  # closed, or no descriptor at all
        return False


def binding_ids() -> list[str]:
    """Every binding id of the desk, for the config file's [toetsen] and the help."""
    from herstel_tui.tui.bindings import SCREENS, ids_of

    return ids_of((HerstelApp, *SCREENS))
