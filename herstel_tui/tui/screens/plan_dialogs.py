"""The plan's dialogs: vaststellen and nazorg starten (and the base of the cost entry form).

They work on any host App, with the store they are given; what is typed in them is kept as a
draft in the database until it is saved or cancelled (see :class:`FormDialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape as esc
from textual.widgets import Input, Select, Static

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.plan import Consent, PlanStatus, PlanVersion, agreement_problems
from herstel_tui.tui import keymap
from herstel_tui.tui.forms.dialog import FormDialog
from herstel_tui.tui.forms.errors import FieldError
from herstel_tui.tui.forms.fields import Dropdown, field_row

if TYPE_CHECKING:
    from herstel_tui.store import Store


class PlanDialog(FormDialog):
    """A form of the plan van aanpak or the SPUK costs, on the store it is given."""

    BINDINGS = keymap.PLAN_DIALOG
    case_id: int

    def __init__(self, store: Store, case_id: int, *, today: date | None = None) -> None:
        super().__init__(store, case_id, today=today)


class AgreeDialog(PlanDialog):
    """Vaststellen: level, date agreed with the person, how consent was given."""

    HELP = "vaststellen"
    TITLE_TEXT = "Plan vaststellen"
    DRAFT = "vaststellen"
    DRAFT_FIELDS = ("niveau", "datum", "instemming", "toelichting")

    def __init__(self, store: Store, case_id: int, version: PlanVersion, *, today: date | None = None) -> None:
        super().__init__(store, case_id, today=today)
        self.version = version

    @property
    def draft_form(self) -> str:
        from herstel_tui.store.plan import draft_key

        return draft_key(self.DRAFT, self.case_id, self.version.id)

    def fields(self) -> ComposeResult:
        yield Static(
            "Het plan is met de persoon besproken en afgesproken. Vastleggen stopt de wettelijke "
            "termijn op de tijdlijn. Daarna kan de inhoud alleen in een nieuwe versie veranderen.",
            classes="uitleg",
        )
        yield from field_row(
            "Niveau",
            Dropdown(
                [("Op hoofdlijnen", "hoofdlijnen"), ("Volledig", "volledig")],
                value="hoofdlijnen",
                allow_blank=False,
                id="niveau",
                compact=True,
            ),
        )
        yield from field_row("Afgesproken op", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
        yield from field_row(
            "Instemming",
            Dropdown(
                Consent.choices(),
                prompt="kies hoe de persoon instemde",
                id="instemming",
                compact=True,
            ),
        )
        yield from field_row("Toelichting", Input(placeholder="(optioneel)", id="toelichting", compact=True))
        yield Static("", id="klaar", classes="uitleg")

    def read(self) -> object:
        return self.store.plans.last_agreed(self.case_id)

    def fill(self, previous: Any) -> None:
        self.query_one("#dialoogtitel", Static).update(
            Content.from_markup(f"[b]Plan vaststellen[/b] · versie {self.version.number}")
        )
        self.query_one("#datum", Input).value = format_date(self.today)
        if previous is not None and previous.status is PlanStatus.VOLLEDIG:
            self.query_one("#niveau", Select).value = "volledig"

    def after_fill(self) -> None:
        self.field_changed("niveau")
        self.query_one("#niveau").focus()

    def field_changed(self, fid: str) -> None:
        if fid != "niveau":
            return
        level = PlanStatus(self.field_value("niveau") or "hoofdlijnen")
        problems = agreement_problems(self.version, level)
        text = (
            ("[b]Nog niet klaar:[/b] " + esc("; ".join(problems)))
            if problems
            else "Het plan is klaar om vast te stellen."
        )
        self.query_one("#klaar", Static).update(Content.from_markup(text))

    def field_left(self, fid: str) -> None:
        if fid == "datum":
            try:
                self._date()
                self.clear_error("datum")
            except FieldError as exc:
                self.show_error(str(exc), "datum", focus=False)

    def _date(self) -> date:
        return self.past_date("datum", "vul de datum van de afspraak in (dd-mm-jjjj)")

    def prepare(self) -> Callable[[], object]:
        when = self._date()
        consent = self.field_value("instemming")
        if not consent:
            raise FieldError("kies hoe de persoon heeft ingestemd", "instemming")
        level = self.field_value("niveau")
        note = self.field_value("toelichting").strip() or None
        plans, vid, form, today = self.store.plans, self.version.id, self.draft_form, self.today
        return lambda: plans.agree(vid, level, when, consent, note, today=today, draft=form)


class NazorgDialog(PlanDialog):
    HELP = "nazorg"
    TITLE_TEXT = "Nazorg starten"

    def fields(self) -> ComposeResult:
        yield Static(
            "Alle doelen van het plan zijn behaald. De nazorg duurt 24 maanden, met contact naar "
            "wens van de ouder; zo nodig start de brede ondersteuning opnieuw.",
            classes="uitleg",
        )
        yield from field_row("Startdatum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))

    def fill(self, extra: Any) -> None:
        self.query_one("#datum", Input).value = format_date(self.today)

    def after_fill(self) -> None:
        self.query_one("#datum").focus()

    def prepare(self) -> Callable[[], object]:
        when = self.past_date("datum", "vul de startdatum in (dd-mm-jjjj)")
        plans, case_id = self.store.plans, self.case_id
        return lambda: plans.start_nazorg(case_id, when)
