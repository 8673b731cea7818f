"""The dialogs that change a case: stap vastleggen, contactmoment, urgentie, toewijzen.

Each reads the case in a worker (``DeskData.load_case``), checks its fields, and saves one store
call with the case version it showed: a colleague's change in between is refused as a conflict,
the dialog says so, reads the case again and keeps the input for a second F2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape as esc
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.models import Channel, Urgency
from herstel_tui.tui import keymap
from herstel_tui.tui.bundle import CaseBundle
from herstel_tui.tui.forms.dialog import FormDialog
from herstel_tui.tui.forms.errors import FieldError, Refusal
from herstel_tui.tui.forms.fields import Choice, Dropdown, ErrorLine, Tick, field_row
from herstel_tui.tui.host import desk_of

if TYPE_CHECKING:
    from herstel_tui.domain.models import Case, TimelineEvent
    from herstel_tui.store import Store
    from herstel_tui.store.card import Misfit


class CaseDialog(FormDialog):
    """A form about one case (``case_id``), or about none (a new person)."""

    BINDINGS = keymap.DIALOG
    LOADING_TEXT = "zaak laden…"
    LOAD_FAILED = "Zaak kan niet worden geladen"
    SAVED_TEXT = "Opgeslagen."  # the toast after a save

    @staticmethod
    def notices(result: object) -> list[str]:
        """What the caseworker must know after the save besides SAVED_TEXT (each its own toast)."""
        return []

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__(None, case_id)
        self.bundle: CaseBundle | None = None

    def loads(self) -> bool:
        return self.case_id is not None

    def read(self) -> tuple[CaseBundle, object]:
        assert self.case_id is not None
        return desk_of(self).data.load_case(self.case_id, log=False), self.read_more()

    def read_more(self) -> object:
        """More to read in the worker besides the case."""
        return None

    def fill(self, extra: Any) -> None:
        if extra is None:
            self.ready(None)
            return
        bundle, more = extra
        self.bundle = bundle
        case, person = bundle.case, bundle.person
        self.query_one("#dialoogtitel", Static).update(
            Content.from_markup(f"[b]{esc(self.TITLE_TEXT)}[/b] · {esc(case.zaaknummer or '')} · {esc(person.name)}")
        )
        self.ready(more)

    def ready(self, extra: Any) -> None:
        """The case is read: set values, focus the first field."""

    @property
    def case(self) -> Case:
        assert self.bundle is not None
        return self.bundle.case

    def case_job(self, write: Callable[[Store, int, int], object]) -> Callable[[], object]:
        """The store call ``write(store, case id, case version)`` for the case as this dialog showed it."""
        store, case = self.store, self.case
        assert case.id is not None
        case_id, version = case.id, case.version
        return lambda: write(store, case_id, version)

    def save_refused(self, refusal: Refusal) -> None:
        message = refusal.message
        if refusal.conflict and self.case_id is not None:
            message += ". Controleer en sla opnieuw op."
            desk_of(self).refresh_lists()
            self._read_again()
        self.show_error(f"Niet opgeslagen: {message}")

    @work(thread=True, group="dialoog-laden", exit_on_error=False)
    def _read_again(self) -> None:
        """The case as it is now (its version), for the second F2; the input stays."""
        assert self.case_id is not None
        try:
            bundle = desk_of(self).data.load_case(self.case_id, log=False)
        except Exception:
            return
        self.app.call_from_thread(setattr, self, "bundle", bundle)


def contradiction_notices(contradicted: list[tuple[str, Misfit]]) -> list[str]:
    """The toast after a fact of UHT about the aanvrager was recorded that contradicts household
    members' cases (``persons.contradictions``): one, naming them; none when there are none."""
    if not contradicted:
        return []
    cases = ", ".join(f"zaak {misfit.number} ({name})" for name, misfit in contradicted)
    return [f"Let op: dit botst met {cases}. Controleer die zaak in het huishouden (h)."]


class StepSaved(NamedTuple):
    """A step recorded, and (name, misfit) of the household members' cases it now contradicts
    (``persons.contradictions``)."""

    event: TimelineEvent
    contradicted: list[tuple[str, Misfit]]


class StepDialog(CaseDialog):
    TITLE_TEXT = "Stap vastleggen"
    SAVED_TEXT = "Stap vastgelegd."
    HELP = "stap"
    DISCARD_QUESTION = "Stap niet vastleggen en de invoer weggooien?"
    BINDINGS = keymap.STEP_DIALOG

    def fields(self) -> ComposeResult:
        yield Static("", id="staatnu")
        yield OptionList(id="keuze", compact=True)
        yield Tick("Correctie: elke stap of uitkomst, met reden (F4)", id="correctie", compact=True)
        yield from field_row("Reden", Input(placeholder="waarom deze correctie", id="reden", compact=True))
        yield from field_row("Datum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
        yield from field_row("Notitie", Input(placeholder="(optioneel)", id="notitie", compact=True))

    def ready(self, extra: Any) -> None:
        assert self.bundle is not None
        self.query_one("#datum", Input).value = format_date(self.today)
        view = self.bundle.view
        self.query_one("#staatnu", Static).update(Content.from_markup(f"[b]Staat nu:[/b] {esc(view.current_title)}"))
        self._fill(correction=False)
        self._show_reason(False)
        self.query_one("#keuze").focus()

    def _options(self, correction: bool) -> list[Option]:
        assert self.bundle is not None
        view, rk = self.bundle.view, self.bundle.routekaart
        track = self.bundle.case.track.value
        out: list[Option] = []
        if not correction:
            last = None
            for s in view.next_steps:
                if s.branch != last:
                    out.append(Option(Content.from_markup(f"[i]{esc(s.branch)}[/i]"), disabled=True))
                    last = s.branch
                extra = " (optioneel)" if s.optional else ""
                out.append(Option(f"  {s.title}{extra}", id=f"{s.step}|{s.outcome or ''}"))
            if not out:
                out.append(
                    Option("Geen vervolgstappen: de route is afgelopen. Gebruik een correctie (F4).", disabled=True)
                )
            return out
        for node in rk.tracks[track].nodes:
            if node.outcomes:
                for oid, otitle in node.outcomes.items():
                    out.append(Option(f"{node.title}: {otitle}", id=f"{node.id}|{oid}"))
            else:
                out.append(Option(node.title, id=f"{node.id}|"))
        return out

    def _fill(self, correction: bool) -> None:
        keuze = self.query_one("#keuze", OptionList)
        keuze.clear_options()
        keuze.add_options(self._options(correction))
        for i, opt in enumerate(keuze.options):
            if not opt.disabled:
                keuze.highlighted = i
                break

    def _show_reason(self, on: bool) -> None:
        self.query_one("#rij-reden").display = on

    def field_changed(self, fid: str) -> None:
        if fid == "correctie":
            on = self.query_one("#correctie", Checkbox).value
            self._fill(on)
            self._show_reason(on)

    def action_toggle_correction(self) -> None:
        box = self.query_one("#correctie", Checkbox)
        box.value = not box.value

    def prepare(self) -> Callable[[], object]:
        option = self.query_one("#keuze", OptionList).highlighted_option
        if option is None or option.disabled or not option.id:
            raise FieldError("kies een stap of uitkomst in de lijst", "keuze")
        step, _, outcome = option.id.partition("|")
        correction = self.query_one("#correctie", Checkbox).value
        reason = self.field_value("reden").strip() or None
        if correction and not reason:
            raise FieldError("geef een reden voor de correctie", "reden")
        when = self.past_date("datum")
        note = self.field_value("notitie").strip() or None
        person_id = self.case.person_id

        def write(store: Store, case_id: int, version: int) -> StepSaved:
            # A fact of UHT about the aanvrager (the outcome, the payment) is recorded: UHT decided
            # it. The household members' cases it now contradicts are named, as a negatief list does.
            with store.persons.contradictions(person_id, step) as contradicted:
                event = store.cases.record_event(
                    case_id,
                    step,
                    when,
                    outcome=outcome or None,
                    note=note,
                    correction=correction,
                    reason=reason if correction else None,
                    expected_version=version,
                )
            return StepSaved(event, contradicted)

        return self.case_job(write)

    @staticmethod
    def notices(result: object) -> list[str]:
        return contradiction_notices(result.contradicted) if isinstance(result, StepSaved) else []


class NoteDialog(CaseDialog):
    TITLE_TEXT = "Contactmoment toevoegen"
    SAVED_TEXT = "Contactmoment opgeslagen."
    HELP = "notitie"
    DISCARD_QUESTION = "Notitie weggooien?"

    def fields(self) -> ComposeResult:
        yield from field_row("Datum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
        yield from field_row(
            "Kanaal",
            Dropdown(
                [(c.value, c.value) for c in Channel],
                value=Channel.TELEFOON.value,
                allow_blank=False,
                id="kanaal",
                compact=True,
            ),
        )
        yield Label("Verslag", classes="veldlabel")
        yield TextArea(id="tekst", tab_behavior="focus", soft_wrap=True, show_line_numbers=False, compact=True)
        yield ErrorLine("", classes="veldfout", id="fout-tekst")

    def ready(self, extra: Any) -> None:
        self.query_one("#datum", Input).value = format_date(self.today)
        self.query_one("#tekst", TextArea).focus()

    def prepare(self) -> Callable[[], object]:
        when = self.past_date("datum")
        text = self.field_value("tekst").strip()
        if not text:
            raise FieldError("schrijf kort wat er is besproken", "tekst")
        channel = self.field_value("kanaal")
        return self.case_job(lambda store, case_id, _: store.cases.add_note(case_id, text, channel=channel, on=when))


class UrgencyDialog(CaseDialog):
    TITLE_TEXT = "Urgentie"
    SAVED_TEXT = "Urgentie opgeslagen."
    HELP = "urgentie"

    def fields(self) -> ComposeResult:
        yield Static(
            "UHT versnelt de beoordeling bij één van deze criteria. Aanvragen via het Serviceteam UHT (0800-2358358).",
            classes="uitleg",
        )
        criteria = RadioSet(id="criterium")
        criteria.compact = True
        with criteria:
            yield Choice("Geen urgentie", id="geen", value=True, compact=True)
            for u in Urgency:
                yield Choice(u.label, id=u.value, compact=True)
        yield Static(
            "Zeer acuut en schrijnend zonder dat de criteria gelden: meld de ouder aan voor het "
            "wekelijkse casuïstiekoverleg VNG–UHT (hersteloperatie@vng.nl).",
            classes="uitleg",
        )
        yield Tick("Op het casuïstiekoverleg", id="overleg", compact=True)

    def ready(self, extra: Any) -> None:
        case = self.case
        target = case.urgency.value if case.urgency else "geen"
        self.query_one(f"#{target}", RadioButton).value = True
        self.query_one("#overleg", Checkbox).value = case.casuistiekoverleg
        self.query_one("#criterium").focus()

    def prepare(self) -> Callable[[], object]:
        pressed = self.query_one("#criterium", RadioSet).pressed_button
        urgency = None if pressed is None or pressed.id == "geen" else pressed.id
        overleg = self.query_one("#overleg", Checkbox).value
        return self.case_job(
            lambda store, case_id, version: store.cases.set_urgency(case_id, urgency, overleg, expected_version=version)
        )


class AssignDialog(CaseDialog):
    TITLE_TEXT = "Toewijzen"
    SAVED_TEXT = "Zaak toegewezen."
    HELP = "toewijzen"

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__(case_id)
        self.names: list[str] = []

    def fields(self) -> ComposeResult:
        yield from field_row("Medewerker", Input(placeholder="naam van de medewerker", id="medewerker", compact=True))
        yield Label("Bekende medewerkers (⏎ neemt over):", classes="veldlabel-breed")
        yield OptionList(id="medewerkers", compact=True)

    def read_more(self) -> object:
        return self.store.cases.caseworkers()

    def ready(self, extra: Any) -> None:
        names = list(extra or [])
        me = desk_of(self).config.medewerker
        if me not in names:
            names.insert(0, me)
        box = self.query_one("#medewerker", Input)
        box.suggester = SuggestFromList(names, case_sensitive=False)
        box.value = self.case.caseworker or ""
        lst = self.query_one("#medewerkers", OptionList)
        lst.add_options([Option(f"{n}  (ik)" if n == me else n, id=f"mw-{i}") for i, n in enumerate(names)])
        self.names = names
        box.focus()

    @on(OptionList.OptionSelected, "#medewerkers")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        name = self.names[int((event.option.id or "mw-0").removeprefix("mw-"))]
        self.query_one("#medewerker", Input).value = name
        self.query_one("#medewerker", Input).focus()

    @on(Input.Submitted, "#medewerker")
    def _submitted(self) -> None:
        self.action_save()

    def prepare(self) -> Callable[[], object]:
        name = self.field_value("medewerker").strip()
        if not name:
            raise FieldError("geef de naam van de medewerker", "medewerker")
        return self.case_job(
            lambda store, case_id, version: store.cases.assign(case_id, name, expected_version=version)
        )


CASE_DIALOGS: tuple[type[CaseDialog], ...] = (StepDialog, NoteDialog, UrgencyDialog, AssignDialog)
