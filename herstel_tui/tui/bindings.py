"""Every screen and widget of the desk that has key bindings, and their binding ids.

Imports every screen, so only what needs the whole list imports this module (the desk, when a
keymap is configured, adds its own bindings: ``desk.binding_ids``).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

from herstel_tui.tui.forms.choices import ChoiceDialog, ConfirmDialog
from herstel_tui.tui.forms.fields import DropdownOverlay
from herstel_tui.tui.screens.audit import AuditScreen
from herstel_tui.tui.screens.case_dialogs import CASE_DIALOGS, CaseDialog
from herstel_tui.tui.screens.costs import CostDialog, CostsScreen
from herstel_tui.tui.screens.help import HelpScreen
from herstel_tui.tui.screens.letter import LetterPreview, LetterScreen
from herstel_tui.tui.screens.overview import OverviewBody, OverviewScreen
from herstel_tui.tui.screens.person_dialog import NewPersonDialog
from herstel_tui.tui.screens.plan import PlanScreen
from herstel_tui.tui.screens.plan_dialogs import AgreeDialog, NazorgDialog, PlanDialog
from herstel_tui.tui.screens.spuk import SpukScreen
from herstel_tui.tui.screens.step_filter import StepFilterDialog
from herstel_tui.tui.screens.vraagbestand import VraagbestandDialog
from herstel_tui.tui.screens.werkvoorraad import SearchBox, WorkQueueScreen
from herstel_tui.tui.screens.zaak import CaseBody, CaseScreen, Household
from herstel_tui.tui.widgets.caselist import CaseTable

SCREENS: tuple[type[DOMNode], ...] = (
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
    CaseDialog,
    *CASE_DIALOGS,
    NewPersonDialog,
    StepFilterDialog,
    PlanScreen,
    PlanDialog,
    AgreeDialog,
    NazorgDialog,
    ConfirmDialog,
    ChoiceDialog,
    CostsScreen,
    CostDialog,
    SpukScreen,
    DropdownOverlay,
)


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits)."""
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


def ids_of(classes: tuple[type[DOMNode], ...]) -> list[str]:
    """The binding ids of these classes (and what they inherit), each once, in order."""
    ids: list[str] = []
    for cls in classes:
        for klass in cls.__mro__:
            if isinstance(klass, type) and issubclass(klass, DOMNode):
                for b in own_bindings(klass):
                    if b.id and b.id not in ids:
                        ids.append(b.id)
    return ids
