"""Case actions shared by the werkvoorraad (on the selected case) and the case screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from herstel_tui.tui.host import ListingScreen, desk_of

if TYPE_CHECKING:
    from herstel_tui.tui.screens.case_dialogs import CaseDialog


CASE_ACTIONS = ("record_step", "add_note", "urgency", "assign")


class CaseActions(ListingScreen):
    """A screen with a case at hand (the selected one, or the one shown): it implements
    ``case_id_for_action``. The dialogs are imported when first used, not at the first paint.
    A mixin, as ``ListingScreen``: ``class S(CaseActions, DeskScreen, Screen[None])``."""

    def case_id_for_action(self) -> int | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def after_change(self, result: object) -> None:
        if result:
            desk_of(self).refresh_lists()

    def _open_dialog(self, dialog: type[CaseDialog]) -> None:
        case_id = self.case_id_for_action()
        if case_id is None:
            return

        def done(result: object) -> None:
            if result:
                self.notify(dialog.SAVED_TEXT, timeout=3)  # the caseworker sees that it was saved
                for text in dialog.notices(result):
                    self.notify(text, severity="warning", timeout=15)
            self.after_change(result)

        desk_of(self).with_store(lambda: self.app.push_screen(dialog(case_id), done))

    def action_record_step(self) -> None:
        from herstel_tui.tui.screens.case_dialogs import StepDialog

        self._open_dialog(StepDialog)

    def action_add_note(self) -> None:
        from herstel_tui.tui.screens.case_dialogs import NoteDialog

        self._open_dialog(NoteDialog)

    def action_urgency(self) -> None:
        from herstel_tui.tui.screens.case_dialogs import UrgencyDialog

        self._open_dialog(UrgencyDialog)

    def action_assign(self) -> None:
        from herstel_tui.tui.screens.case_dialogs import AssignDialog

        self._open_dialog(AssignDialog)
