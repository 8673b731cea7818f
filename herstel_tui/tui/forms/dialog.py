"""The desk's form dialog: a box with fields, an error line, Opslaan and Annuleren.

Every dialog that saves something is a :class:`FormDialog`. It reads what it needs in a thread
worker (``read``), fills its fields on the UI thread (``fill``), checks them when F2 is pressed
(``prepare`` raises :class:`FieldError` or returns the store call) and hands that call to the
store's :class:`SaveQueue`. What went wrong (a refused transition, a conflict, a validation fault)
stays in the dialog's own error line with the input kept, so nothing typed is lost; the dialog
closes only on success.

With ``DRAFT_FIELDS``, what is typed is also kept as a draft in the database while typing (through
:class:`Autosave`), restored when the form opens again after a dropped connection, and removed by
the real save (in its transaction) or by Annuleren.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from herstel_tui.domain.dates import DateError, parse_optional_date
from herstel_tui.domain.text import normalise_text, text_fault
from herstel_tui.tui.bases import DeskModal
from herstel_tui.tui.forms.errors import FieldError, Refusal, explain
from herstel_tui.tui.forms.fields import (
    ErrorLine,
    FieldChanged,
    changed_field,
    on_field_change,
    read_field,
    write_field,
)
from herstel_tui.tui.forms.saving import Autosave, FieldValue, Job, SaveQueue, store_call
from herstel_tui.tui.host import desk_of, footer, host_today, set_blink

if TYPE_CHECKING:
    from herstel_tui.store import Store

SAVE_LABEL = "Opslaan (F2)"


class FormScroll(VerticalScroll, can_focus=False):
    """The fields scroll when the form is taller than the screen; the scroll itself is no tab stop
    (a stop where typing goes nowhere and nothing shows focus)."""


def dialog_frame(title: str, fields: ComposeResult) -> ComposeResult:
    """The box every form of the desk shares: title, scrolling fields, error line, buttons."""
    with Vertical(id="dialoog"):
        yield Static(title, id="dialoogtitel")
        with FormScroll(id="formulier"):
            yield from fields
        yield ErrorLine("", id="fout")
        with Horizontal(id="knoppen"):
            yield Button(SAVE_LABEL, id="opslaan", variant="primary", compact=True, action="screen.save")
            yield Button("Annuleren (Esc)", id="annuleren", compact=True, action="screen.cancel")
    yield footer()


class FormDialog(DeskModal[object]):
    """A form in a box (see the module text). Subclasses set ``BINDINGS`` with ``keymap.form_bindings``."""

    HELP = "dialoog"
    TITLE_TEXT = "Dialoog"
    LOADING_TEXT = "laden…"
    LOAD_FAILED = "Kan niet laden"
    DRAFT_FIELDS: ClassVar[tuple[str, ...]] = ()
    DISCARD_QUESTION = "Invoer weggooien?"  # Esc with something typed asks this first (j/n)

    def __init__(self, store: Store | None = None, case_id: int | None = None, *, today: date | None = None) -> None:
        super().__init__()
        self._store = store
        self.case_id = case_id
        self._today = today
        self.saving = False
        self.ready_to_edit = False
        self.filled: dict[str, str] = {}  # the fields as filled, before anything was typed
        self.drafts: Autosave[str] = Autosave(self, lambda: self.store, self._draft_job, failed=self._draft_refused)

    @property
    def store(self) -> Store:
        """The store this form writes to: the one it was given, else the desk's."""
        return self._store if self._store is not None else desk_of(self).data.store

    @property
    def today(self) -> date:
        return host_today(self.app, self._today)

    @property
    def draft_form(self) -> str | None:
        """The key this form's draft is kept under (None: no drafts)."""
        return None

    # -- building and filling ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from dialog_frame(self.TITLE_TEXT, self.fields())

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        set_blink(*self.query("Input, TextArea"))
        if self.loads():
            self._show_loading()
            self._load()
        else:
            self._loaded(None, {})

    def loads(self) -> bool:
        """Whether the form reads something (in a worker) before it can be filled."""
        return True

    def _show_loading(self) -> None:
        # No LoadingIndicator: it animates, and --low-bandwidth means no repainting timers.
        self.query_one("#formulier").display = False
        self.query_one("#dialoogtitel", Static).update(f"{self.TITLE_TEXT} · {self.LOADING_TEXT}")

    @work(thread=True, group="dialoog-laden", exit_on_error=False)
    def _load(self) -> None:
        form = self.draft_form

        def read() -> tuple[object, dict[str, str]]:
            extra = self.read()
            draft = self.store.drafts.load(form) if form else {}
            return extra, draft

        try:
            extra, draft = store_call(self.app, self.store, read)
        except Exception as exc:
            self.app.call_from_thread(self.show_error, f"{self.LOAD_FAILED}: {explain(exc)}")
            return
        self.app.call_from_thread(self._loaded, extra, draft)

    def read(self) -> object:
        """What the form needs from the store (runs in a worker, under the store's lock)."""
        return None

    def _loaded(self, extra: object, draft: dict[str, str]) -> None:
        self.query_one("#formulier").display = True
        self.query_one("#dialoogtitel", Static).update(self.TITLE_TEXT)
        self.fill(extra)
        self.filled = self.form_values()
        for fid in self.DRAFT_FIELDS:
            self.drafts.remember(fid, self.field_value(fid))
        restored = False
        for fid, value in draft.items():
            if fid in self.DRAFT_FIELDS and value != self.field_value(fid):
                self.set_field(fid, value)
                restored = True
            self.drafts.remember(fid, value)
        self.ready_to_edit = True
        self.after_fill()
        if restored:
            self.notify("Niet opgeslagen invoer van de vorige keer is teruggezet.", timeout=5)

    def fill(self, extra: Any) -> None:
        """Put what ``read`` returned in the fields (UI thread)."""

    def after_fill(self) -> None:
        """Focus the first field, update derived text."""

    # -- fields ----------------------------------------------------------------------------------

    def field_value(self, fid: str) -> str:
        return read_field(self.query_one(f"#{fid}"))

    def form_values(self) -> dict[str, str]:
        """Every field with an id, as text (``read_field``)."""
        out: dict[str, str] = {}
        for widget in self.query("#formulier Input, #formulier TextArea, #formulier Select, #formulier Checkbox"):
            if widget.id and widget.id not in out:
                out[widget.id] = read_field(widget)
        return out

    @property
    def typed(self) -> bool:
        """Whether anything differs from the form as it was filled (typed, chosen or restored)."""
        return self.ready_to_edit and self.form_values() != self.filled

    def set_field(self, fid: str, value: str) -> None:
        write_field(self.query_one(f"#{fid}"), value)

    def past_date(self, field: str, missing: str = "vul een datum in (dd-mm-jjjj)") -> date:
        """The date in ``field``: required, dd-mm-jjjj, not in the future (a FieldError if not)."""
        try:
            when = parse_optional_date(self.field_value(field), label="datum")
        except DateError as exc:
            raise FieldError(str(exc), field) from None
        if when is None:
            raise FieldError(missing, field)
        if when > self.today:
            raise FieldError("de datum ligt in de toekomst", field)
        return when

    def field_changed(self, fid: str) -> None:
        """A field changed (UI thread): update derived text."""

    def field_left(self, fid: str) -> None:
        """A field lost focus: check it inline."""

    def _edited(self, widget: Widget | None, value: str, *, now: bool = False) -> None:
        if widget is None or not self.ready_to_edit or self.saving:
            return
        fid = widget.id or ""
        if fid in self.DRAFT_FIELDS:
            self.drafts.changed(fid, value, now=now)
        self.field_changed(fid)

    @on_field_change
    def _field_changed(self, event: FieldChanged) -> None:
        widget, value, now = changed_field(event)
        # as text, as read_field gives it: a checkbox '1' or '', no choice ''
        self._edited(widget, "1" if value is True else value or "", now=now)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        fid = event.widget.id or ""
        if fid and self.drafts.is_pending(fid):
            self.drafts.flush(fid)
        self.field_left(fid)

    # -- drafts ----------------------------------------------------------------------------------

    def _draft_job(self, key: str, value: FieldValue, based: FieldValue | None) -> Job | None:
        form = self.draft_form
        if form is None:
            return None
        drafts, case_id, text = self.store.drafts, self.case_id, str(value)
        shown = None if based is None else str(based)
        return lambda: drafts.save(form, key, text, case_id=case_id, based_on=shown)

    def _draft_refused(self, key: str, refusal: Refusal) -> None:
        if refusal.conflict:
            # The same form is open in another window and was changed there: show that version.
            self.notify(f"Niet bewaard: {refusal.message}.", severity="warning", timeout=10)
            self.ready_to_edit = False
            self._show_loading()
            self._load()

    # -- errors ----------------------------------------------------------------------------------

    def show_error(self, message: str, field: str | None = None, *, focus: bool = True) -> None:
        """Show a fault under ``field`` (and go there), or in the form's own error line."""
        if field:
            slots = self.query(f"#fout-{field}").results(ErrorLine)
            slot = next(slots, None)
            if slot is not None:
                slot.show(message)
                if focus:
                    self.query_one(f"#{field}").focus()
                return
        self.query_one("#fout", ErrorLine).show(message)

    def clear_error(self, field: str | None = None) -> None:
        """Hide the fault under ``field``, or every fault of the form."""
        for line in self.query(f"#fout-{field}" if field else ".veldfout, #fout").results(ErrorLine):
            line.clear()

    # -- saving ----------------------------------------------------------------------------------

    def check_text_fields(self) -> None:
        """The text policy (``domain/text``) for what was typed or pasted: a control character
        (ESC, NUL, BEL ...) is refused under its field, naming it; nothing is saved."""
        for widget in self.query("Input, TextArea"):
            if not widget.id or not isinstance(widget, (Input, TextArea)):
                continue
            multiline = isinstance(widget, TextArea)
            fault = text_fault(normalise_text(read_field(widget), multiline=multiline), multiline=multiline)
            if fault:
                label = next(iter(self.query(f"#label-{widget.id}").results(Label)), None)
                name = str(label.render()).strip().rstrip(":") if label is not None else "dit veld"
                raise FieldError(f"{name} {fault}", widget.id)

    def prepare(self) -> Callable[[], object]:
        """Check the form (UI thread); raise FieldError, or return the store call that saves it."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving or not self.ready_to_edit:
            return
        self.clear_error()
        try:
            self.check_text_fields()
            job = self.prepare()
        except FieldError as exc:
            self.show_error(str(exc), exc.field)
            return
        self.saving = True
        self.drafts.drop_pending()  # the real save removes the draft in its own transaction
        self._save_button(busy=True)
        SaveQueue.of(self.store).put(self, job, self._saved, self._refused)

    def _save_button(self, *, busy: bool) -> None:
        button = self.query_one("#opslaan", Button)
        button.disabled = busy
        button.label = "Opslaan…" if busy else SAVE_LABEL  # a colleague's save can hold the file a moment

    def _saved(self, result: object) -> None:
        self.dismiss(result if result is not None else True)

    def _refused(self, refusal: Refusal) -> None:
        self.saving = False
        self._save_button(busy=False)
        self.save_refused(refusal)

    def save_refused(self, refusal: Refusal) -> None:
        """The store refused the save: say why and keep the input."""
        self.show_error(f"Niet opgeslagen: {refusal.message}")

    def action_cancel(self) -> None:
        """Esc: close; with something typed, ask first (j throws it away, n or Esc keeps typing)."""
        if self.saving or not self.typed:
            self.discard()
            return
        from herstel_tui.tui.forms.choices import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard()

        self.app.push_screen(ConfirmDialog(self.DISCARD_QUESTION), answered)

    def discard(self) -> None:
        """Close without saving; the form's draft goes too."""
        form = self.draft_form
        self.drafts.drop_pending()
        if form is not None:
            drafts = self.store.drafts
            SaveQueue.of(self.store).put(self, lambda: drafts.drop(form))
        self.dismiss(None)
