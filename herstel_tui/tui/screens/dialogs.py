"""Dialogs: every change goes through the store in a thread worker; errors stay in the dialog.

A dialog shows what went wrong (a refused transition, a conflict, a validation fault) in its own
error line and keeps the input, so nothing typed is lost. It closes only on success.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape as esc
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from herstel_tui.domain.models import ROLE_TITLES, URGENCY_TITLES, Channel, Person, Role, Urgency
from herstel_tui.tui.data import CaseBundle
from herstel_tui.tui.format import d, parse_date

FIELD_LABELS = {
    "fact_date": "datum",
    "date": "datum",
    "text": "tekst",
    "channel": "kanaal",
    "step": "stap",
    "outcome": "uitkomst",
    "reason": "reden",
    "note": "notitie",
    "bsn": "BSN",
    "voornamen": "voornamen",
    "achternaam": "achternaam",
    "tussenvoegsel": "tussenvoegsel",
    "geboortedatum": "geboortedatum",
    "postcode": "postcode",
    "telefoon": "telefoon",
    "email": "e-mail",
    "caseworker": "medewerker",
}


def explain(exc: BaseException) -> str:
    """A Dutch line for any error a save can raise; field names in Dutch."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()))
            msg = explain_one(err)
            label = FIELD_LABELS.get(loc, loc)
            lines.append(f"{label}: {msg}" if label else msg)
        return "\n".join(lines)
    return str(exc) or exc.__class__.__name__


class FormError(Exception):
    """A fault found before saving; ``field`` is the id of the input to show it at."""

    def __init__(self, message: str, field: str | None = None, *, keep: bool = False):
        super().__init__(message)
        self.field = field
        self.keep = keep  # the inline messages are already shown: keep them


def row(label: str, widget: Widget, *, hint: str = "") -> ComposeResult:
    """One form line: label, input, and an error line under it that shows only when needed."""
    with Horizontal(classes="veld"):
        yield Label(label, classes="veldlabel")
        yield widget
    yield Static("", classes="veldfout", id=f"fout-{widget.id}")
    if hint:
        yield Static(hint, classes="veldhint")


def dialog_frame(title: str, fields: ComposeResult) -> ComposeResult:
    """The box every form dialog of the desk shares: title, scrolling fields, error line, buttons."""
    with Vertical(id="dialoog"):
        yield Static(title, id="dialoogtitel")
        with VerticalScroll(id="formulier"):
            yield from fields
        yield Static("", id="fout")
        with Horizontal(id="knoppen"):
            yield Button("Opslaan (F2)", id="opslaan", variant="primary", compact=True)
            yield Button("Annuleren (Esc)", id="annuleren", compact=True)
    yield Footer(compact=True, show_command_palette=False)


class Dialog(ModalScreen[object]):
    """A form in a box: F2 (or ctrl+s) saves in a worker, Esc or F3 cancels."""

    HELP = "dialoog"
    TITLE_TEXT = "Dialoog"
    BINDINGS = [
        Binding("f2,ctrl+s", "save", "Opslaan", id="dialoog.opslaan"),
        Binding("escape,f3", "cancel", "Annuleren", id="dialoog.annuleren"),
        Binding("f1", "app.help", "Help", id="dialoog.help"),
        # Priority, so a burst of keys over SSH ("abc<Tab>def") lands in the right fields: the
        # focus moves when Tab arrives, before the letters after it are routed.
        Binding("tab", "app.focus_next", "Volgend veld", show=False, priority=True, id="dialoog.volgend_veld"),
        Binding("shift+tab", "app.focus_previous", "Vorig veld", show=False, priority=True, id="dialoog.vorig_veld"),
    ]

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.bundle: CaseBundle | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        yield from dialog_frame(self.TITLE_TEXT, self.fields())

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = self.app.blink
        for area in self.query(TextArea):
            area.cursor_blink = self.app.blink
        if self.case_id is not None:
            # No LoadingIndicator: it animates, and --low-bandwidth means no repainting timers.
            self.query_one("#formulier").display = False
            self.query_one("#dialoogtitel", Static).update(f"{self.TITLE_TEXT} · zaak laden…")
            self._load_case()
        else:
            self.ready()

    @work(thread=True, group="dialoog-laden", exit_on_error=False)
    def _load_case(self) -> None:
        try:
            bundle = self.app.data.load_case(self.case_id, log=False)
            extra = self.load_extra()
        except Exception as exc:
            self.app.call_from_thread(self.show_error, f"Zaak kan niet worden geladen: {explain(exc)}")
            return
        self.app.call_from_thread(self._loaded, bundle, extra)

    def load_extra(self) -> Any:
        """More to read in the worker (runs off the UI thread)."""
        return None

    def _loaded(self, bundle: CaseBundle, extra: Any) -> None:
        self.bundle = bundle
        self.query_one("#formulier").display = True
        case, person = bundle.case, bundle.person
        self.query_one("#dialoogtitel", Static).update(
            Content.from_markup(f"[b]{esc(self.TITLE_TEXT)}[/b] · {esc(case.zaaknummer or '')} · {esc(person.naam)}")
        )
        self.ready(extra)

    def ready(self, extra: Any = None) -> None:
        """The form can be filled: set values, focus the first field."""

    # -- errors --------------------------------------------------------------------------------

    def show_error(self, message: str, field: str | None = None, *, keep: bool = False) -> None:
        if not keep:
            self.clear_errors()
        if field:
            try:
                target = self.query_one(f"#fout-{field}", Static)
            except Exception:
                target = None
            if target is not None:
                target.update(message)
                target.add_class("-zichtbaar")
                self.query_one(f"#{field}").focus()
                return
        fout = self.query_one("#fout", Static)
        fout.update(message)
        fout.add_class("-zichtbaar")

    def clear_errors(self) -> None:
        for s in self.query(".veldfout, #fout"):
            s.update("")  # type: ignore[attr-defined]
            s.remove_class("-zichtbaar")

    # -- saving --------------------------------------------------------------------------------

    def prepare(self) -> Callable[[], object]:
        """Check the form on the UI thread (cheap) and return the store call to run."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving or (self.case_id is not None and self.bundle is None):
            return
        try:
            job = self.prepare()
        except FormError as exc:
            self.show_error(str(exc), exc.field, keep=exc.keep)
            return
        self.saving = True
        self.clear_errors()
        button = self.query_one("#opslaan", Button)
        button.disabled = True
        button.label = "Opslaan…"  # a colleague's save can hold the file for a moment
        self._save(job)

    @work(thread=True, exclusive=True, group="opslaan", exit_on_error=False)
    def _save(self, job: Callable[[], object]) -> None:
        try:
            result = self.app.data.call(job)
        except Exception as exc:
            from herstel_tui.store import ConflictError

            conflict = isinstance(exc, ConflictError)
            self.app.call_from_thread(self._failed, explain(exc), conflict)
            return
        self.app.call_from_thread(self.dismiss, result if result is not None else True)

    def _failed(self, message: str, conflict: bool) -> None:
        self.saving = False
        button = self.query_one("#opslaan", Button)
        button.disabled = False
        button.label = "Opslaan (F2)"
        if conflict and self.case_id is not None:
            message += ". Controleer en sla opnieuw op."
            self.app.refresh_lists()
            self._reload_version()
        self.show_error(f"Niet opgeslagen: {message}")

    @work(thread=True, group="dialoog-laden", exit_on_error=False)
    def _reload_version(self) -> None:
        try:
            bundle = self.app.data.load_case(self.case_id, log=False)
        except Exception:
            return

        def take() -> None:
            self.bundle = bundle

        self.app.call_from_thread(take)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#opslaan")
    def _pressed_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#annuleren")
    def _pressed_cancel(self) -> None:
        self.action_cancel()

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def date_field(self, field: str) -> date:
        try:
            when = parse_date(self.value(f"#{field}"))
        except ValueError as exc:
            raise FormError(str(exc), field) from None
        if when > self.app.today:
            raise FormError("de datum ligt in de toekomst", field)
        return when


# -- Stap vastleggen ------------------------------------------------------------------------------


class StepDialog(Dialog):
    TITLE_TEXT = "Stap vastleggen"
    HELP = "stap"
    BINDINGS = [
        Binding("f4", "toggle_correction", "Correctie", id="dialoog.correctie"),
    ]

    def fields(self) -> ComposeResult:
        yield Static("", id="staatnu")
        yield OptionList(id="keuze", compact=True)
        yield Checkbox("Correctie: elke stap of uitkomst, met reden (F4)", id="correctie", compact=True)
        yield from row("Reden", Input(placeholder="waarom deze correctie", id="reden", compact=True))
        yield from row("Datum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
        yield from row("Notitie", Input(placeholder="(optioneel)", id="notitie", compact=True))

    def ready(self, extra: Any = None) -> None:
        assert self.bundle is not None
        self.query_one("#datum", Input).value = d(self.app.today)
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
        for w in self.query(".veld").results():
            if w.query("#reden"):
                w.display = on

    @on(Checkbox.Changed, "#correctie")
    def _correction(self, event: Checkbox.Changed) -> None:
        if self.bundle is None:
            return
        self._fill(event.value)
        self._show_reason(event.value)

    def action_toggle_correction(self) -> None:
        box = self.query_one("#correctie", Checkbox)
        box.value = not box.value

    def prepare(self) -> Callable[[], object]:
        assert self.bundle is not None
        keuze = self.query_one("#keuze", OptionList)
        option = keuze.highlighted_option
        if option is None or option.disabled or not option.id:
            raise FormError("kies een stap of uitkomst in de lijst", "keuze")
        step, _, outcome = option.id.partition("|")
        correction = self.query_one("#correctie", Checkbox).value
        reason = self.value("#reden") or None
        if correction and not reason:
            raise FormError("geef een reden voor de correctie", "reden")
        when = self.date_field("datum")
        note = self.value("#notitie") or None
        store, case = self.app.data.store, self.bundle.case

        def job() -> object:
            return store.cases.record_event(
                case.id,
                step,
                when,
                outcome=outcome or None,
                note=note,
                correction=correction,
                reason=reason if correction else None,
                expected_version=case.version,
            )

        return job


# -- Contactmoment --------------------------------------------------------------------------------


class NoteDialog(Dialog):
    TITLE_TEXT = "Contactmoment toevoegen"
    HELP = "notitie"

    def fields(self) -> ComposeResult:
        yield from row("Datum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
        yield from row(
            "Kanaal",
            Select(
                [(c.value, c.value) for c in Channel],
                value=Channel.TELEFOON.value,
                allow_blank=False,
                id="kanaal",
                compact=True,
            ),
        )
        yield Label("Verslag", classes="veldlabel")
        yield TextArea(id="tekst", tab_behavior="focus", soft_wrap=True, show_line_numbers=False, compact=True)
        yield Static("", classes="veldfout", id="fout-tekst")

    def ready(self, extra: Any = None) -> None:
        self.query_one("#datum", Input).value = d(self.app.today)
        self.query_one("#tekst", TextArea).focus()

    def prepare(self) -> Callable[[], object]:
        assert self.bundle is not None
        when = self.date_field("datum")
        text = self.query_one("#tekst", TextArea).text.strip()
        if not text:
            raise FormError("schrijf kort wat er is besproken", "tekst")
        channel = str(self.query_one("#kanaal", Select).value)
        store, case_id = self.app.data.store, self.bundle.case.id

        def job() -> object:
            return store.cases.add_note(case_id, text, channel=channel, on=when)

        return job


# -- Urgentie -------------------------------------------------------------------------------------


class UrgencyDialog(Dialog):
    TITLE_TEXT = "Urgentie"
    HELP = "urgentie"

    def fields(self) -> ComposeResult:
        yield Static(
            "UHT versnelt de beoordeling bij één van deze criteria. Aanvragen via het Serviceteam UHT (0800-2358358).",
            classes="uitleg",
        )
        criteria = RadioSet(id="criterium")
        criteria.compact = True
        with criteria:
            yield RadioButton("Geen urgentie", id="geen", value=True, compact=True)
            for u in Urgency:
                yield RadioButton(URGENCY_TITLES[u], id=u.value, compact=True)
        yield Static(
            "Zeer acuut en schrijnend zonder dat de criteria gelden: meld de ouder aan voor het "
            "wekelijkse casuïstiekoverleg VNG–UHT (hersteloperatie@vng.nl).",
            classes="uitleg",
        )
        yield Checkbox("Op het casuïstiekoverleg", id="overleg", compact=True)

    def ready(self, extra: Any = None) -> None:
        assert self.bundle is not None
        case = self.bundle.case
        target = case.urgency.value if case.urgency else "geen"
        self.query_one(f"#{target}", RadioButton).value = True
        self.query_one("#overleg", Checkbox).value = case.casuistiekoverleg
        self.query_one("#criterium").focus()

    def prepare(self) -> Callable[[], object]:
        assert self.bundle is not None
        pressed = self.query_one("#criterium", RadioSet).pressed_button
        urgency = None if pressed is None or pressed.id == "geen" else pressed.id
        overleg = self.query_one("#overleg", Checkbox).value
        store, case = self.app.data.store, self.bundle.case

        def job() -> object:
            return store.cases.set_urgency(case.id, urgency, overleg, expected_version=case.version)

        return job


# -- Toewijzen ------------------------------------------------------------------------------------


class AssignDialog(Dialog):
    TITLE_TEXT = "Toewijzen"
    HELP = "toewijzen"

    def fields(self) -> ComposeResult:
        yield from row("Medewerker", Input(placeholder="naam van de medewerker", id="medewerker", compact=True))
        yield Label("Bekende medewerkers (⏎ neemt over):", classes="veldlabel-breed")
        yield OptionList(id="medewerkers", compact=True)

    def load_extra(self) -> Any:
        data = self.app.data
        return data.call(data.store.cases.caseworkers)

    def ready(self, extra: Any = None) -> None:
        assert self.bundle is not None
        names = list(extra or [])
        me = self.app.config.medewerker
        if me not in names:
            names.insert(0, me)
        box = self.query_one("#medewerker", Input)
        box.suggester = SuggestFromList(names, case_sensitive=False)
        box.value = self.bundle.case.caseworker or ""
        lst = self.query_one("#medewerkers", OptionList)
        lst.add_options([Option(f"{n}  (ik)" if n == me else n, id=f"mw-{i}") for i, n in enumerate(names)])
        self._names = names
        box.focus()

    @on(OptionList.OptionSelected, "#medewerkers")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        name = self._names[int((event.option.id or "mw-0").removeprefix("mw-"))]
        self.query_one("#medewerker", Input).value = name
        self.query_one("#medewerker", Input).focus()

    @on(Input.Submitted, "#medewerker")
    def _submitted(self) -> None:
        self.action_save()

    def prepare(self) -> Callable[[], object]:
        assert self.bundle is not None
        name = self.value("#medewerker")
        if not name:
            raise FormError("geef de naam van de medewerker", "medewerker")
        store, case = self.app.data.store, self.bundle.case

        def job() -> object:
            return store.cases.assign(case.id, name, expected_version=case.version)

        return job


# -- Nieuwe persoon en zaak -----------------------------------------------------------------------

PERSON_FIELDS = [
    ("bsn", "BSN", "9 cijfers"),
    ("voornamen", "Voornamen *", ""),
    ("tussenvoegsel", "Tussenvoegsel", ""),
    ("achternaam", "Achternaam *", ""),
    ("geboortedatum", "Geboortedatum", "dd-mm-jjjj"),
    ("straat", "Straat", ""),
    ("huisnummer", "Huisnummer", ""),
    ("postcode", "Postcode", "1234 AB"),
    ("woonplaats", "Woonplaats", ""),
    ("telefoon", "Telefoon", ""),
    ("email", "E-mail", ""),
]
NO_CASE = "geen"


class NewPersonDialog(Dialog):
    TITLE_TEXT = "Nieuwe persoon en zaak"
    HELP = "nieuw"

    def __init__(self, anchor: Person | None = None) -> None:
        super().__init__(None)
        self.anchor = anchor
        self.touched: set[str] = set()

    def fields(self) -> ComposeResult:
        for fid, label, hint in PERSON_FIELDS:
            yield from row(label, Input(placeholder=hint, id=fid, compact=True))
        yield from row(
            "Zaak openen",
            Select(
                [
                    ("Brede ondersteuning", "brede_ondersteuning"),
                    ("Brede schuldenaanpak", "schuldenaanpak"),
                    ("Geen zaak (alleen persoon)", NO_CASE),
                ],
                value="brede_ondersteuning",
                allow_blank=False,
                id="spoor",
                compact=True,
            ),
        )
        if self.anchor is not None:
            yield Checkbox(f"In het huishouden van {self.anchor.naam}", id="bij", value=True, compact=True)
        yield from row(
            "Rol",
            Select(
                [(ROLE_TITLES[r], r.value) for r in Role],
                value=Role.KIND.value if self.anchor is not None else Role.AANVRAGER.value,
                allow_blank=False,
                id="rol",
                compact=True,
            ),
        )

    def ready(self, extra: Any = None) -> None:
        self.query_one("#bsn", Input).focus()

    def _raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {fid: self.value(f"#{fid}") or None for fid, _, _ in PERSON_FIELDS}
        return raw

    def _person(self, raw: dict[str, Any]) -> tuple[Person | None, dict[str, str]]:
        """Build the Person; on faults a Dutch message per field (pydantic via the domain)."""
        from pydantic import ValidationError

        errors: dict[str, str] = {}
        if raw.get("geboortedatum"):
            try:
                born = parse_date(raw["geboortedatum"])
                raw = {**raw, "geboortedatum": born}
            except ValueError as exc:
                errors["geboortedatum"] = str(exc)
                raw = {**raw, "geboortedatum": None}
        try:
            person = Person(**raw)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err.get("loc", ("",))[0])
                msg = explain_one(err)
                errors.setdefault(field, msg)
            return None, errors
        return (person if not errors else None), errors

    @on(Input.Blurred)
    def _check_field(self, event: Input.Blurred) -> None:
        fid = event.input.id or ""
        if fid not in {f for f, _, _ in PERSON_FIELDS}:
            return
        if event.input.value.strip():
            self.touched.add(fid)
        if fid not in self.touched:
            return
        _, errors = self._person(self._raw())
        slot = self.query_one(f"#fout-{fid}", Static)
        msg = errors.get(fid, "")
        slot.update(msg)
        slot.set_class(bool(msg), "-zichtbaar")

    def prepare(self) -> Callable[[], object]:
        person, errors = self._person(self._raw())
        if errors:
            self.clear_errors()
            first = None
            for fid, _, _ in PERSON_FIELDS:
                if fid in errors:
                    slot = self.query_one(f"#fout-{fid}", Static)
                    slot.update(errors[fid])
                    slot.add_class("-zichtbaar")
                    first = first or fid
            if first:
                self.query_one(f"#{first}").focus()
            raise FormError(
                f"{len(errors)} {'veld klopt' if len(errors) == 1 else 'velden kloppen'} niet; "
                "zie de meldingen bij de velden",
                keep=True,
            )
        assert person is not None
        track = str(self.query_one("#spoor", Select).value)
        role = str(self.query_one("#rol", Select).value)
        anchor = self.anchor if self.anchor is not None and self.query_one("#bij", Checkbox).value else None
        store = self.app.data.store

        def job() -> object:
            with store.transaction():
                new = store.persons.add(person)
                if anchor is not None:
                    store.persons.join_household_of(anchor.id, new.id, role)
                else:
                    store.persons.create_household([(new.id, role)])
                case = store.cases.open(new.id, track) if track != NO_CASE else None
            return (new, case)

        return job


def explain_one(err: dict) -> str:
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    kind = err.get("type")
    if kind == "missing" or (kind == "string_type" and err.get("input") is None):
        return "is verplicht"
    if kind == "string_too_short":
        return "mag niet leeg zijn"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return "is geen geldige datum (dd-mm-jjjj)"
    return msg


# -- Stap kiezen (filter) -------------------------------------------------------------------------


class StepFilterDialog(ModalScreen[object]):
    """Choose the step the werkvoorraad filters on (both tracks; milestones too)."""

    HELP = "stapfilter"
    KEEP = object()
    BINDINGS = [
        Binding("escape,f3", "cancel", "Annuleren", id="dialoog.annuleren"),
        Binding("f1", "app.help", "Help", id="dialoog.help"),
    ]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        from herstel_tui.settings.resources import default_routekaart

        rk = default_routekaart()
        seen: dict[str, str] = {}
        for track in rk.tracks.values():
            for node in track.nodes:
                seen.setdefault(node.id, node.title)
        options = [Option("Alle stappen (geen filter)", id="-")]
        options += [Option(title, id=sid) for sid, title in seen.items()]
        with Vertical(id="dialoog"):
            yield Static("[b]Filter op huidige stap[/b]  ⏎ kiest, Esc annuleert", id="dialoogtitel")
            yield OptionList(*options, id="stappen", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        lst = self.query_one(OptionList)
        if self.current:
            try:
                lst.highlighted = lst.get_option_index(self.current)
            except Exception:
                lst.highlighted = 0
        else:
            lst.highlighted = 0
        lst.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(None if event.option.id == "-" else event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(self.KEEP)


def all_dialog_classes() -> list[type]:
    return [Dialog, StepDialog, NoteDialog, UrgencyDialog, AssignDialog, NewPersonDialog, StepFilterDialog]
