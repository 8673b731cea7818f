"""The plan van aanpak: five leefgebieden with situation, help question, goals and actions.

Self-contained: ``PlanScreen(store, case_id)`` works on the desk (``HerstelApp``) and on any
host App. Every store call runs off the UI thread:

- reads in ``@work(thread=True)`` workers that post messages back;
- writes through one ordered :class:`SaveQueue` per store (an app-level thread worker that
  drains it, so a write survives the screen closing). A field is written about half a second
  after the typing stops, and at once when it loses focus: a dropped SSH connection loses at
  most the field being typed.

Content can change only in a concept. An agreed version keeps its texts; its goals' status and
its actions' "done" stay editable on the latest version (progress, not a change of the plan).
``w`` makes a new concept version copied from it; ``o`` shows the older versions, read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape as esc
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from herstel_tui.domain import clock
from herstel_tui.domain.plan import (
    ACTOR_TITLES,
    CONSENT_TITLES,
    GOAL_STATUS_TITLES,
    LEEFGEBIEDEN,
    Action,
    Actor,
    Consent,
    Goal,
    GoalStatus,
    Leefgebied,
    PlanRuleError,
    PlanStatus,
    PlanVersion,
    agreement_problems,
    format_date,
    parse_nl_date,
)
from herstel_tui.tui.screens.dialogs import dialog_frame

DRAFT_DELAY = 0.5  # seconds of quiet before a typed field is written

# -- talking to the store ---------------------------------------------------------------------

_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_QUEUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def store_call(app: Any, store: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run store work alone: under the desk's lock when the app has one for this store, else
    under a lock of our own (a read must never see half of another thread's transaction)."""
    data = getattr(app, "data", None)
    if data is not None and getattr(data, "store", None) is store and hasattr(data, "call"):
        return data.call(fn, *args, **kwargs)
    with _REGISTRY_LOCK:
        lock = _LOCKS.get(store)
        if lock is None:
            lock = _LOCKS[store] = threading.RLock()
    with lock:
        return fn(*args, **kwargs)


class JobDone(Message):
    """A queued write finished (``error`` is a Dutch message when it failed)."""

    def __init__(
        self, result: Any, error: str | None, done: Callable[[Any], None] | None, failed: Callable[[str], None] | None
    ) -> None:
        super().__init__()
        self.result = result
        self.error = error
        self.done = done
        self.failed = failed


def explain(exc: BaseException) -> str:
    from pydantic import ValidationError

    from herstel_tui.domain.costs import cost_error_text

    if isinstance(exc, ValidationError):
        return cost_error_text(exc)
    return str(exc) or exc.__class__.__name__


class SaveQueue:
    """All writes of these screens to one store, in the order they were made.

    One thread worker (started on the app, so it outlives a screen) drains the queue and then
    ends, so ``app.workers.wait_for_complete()`` returns once everything is written.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self._items: deque = deque()
        self._lock = threading.Lock()
        self._running = False

    @classmethod
    def of(cls, store: Any) -> SaveQueue:
        with _REGISTRY_LOCK:
            q = _QUEUES.get(store)
            if q is None:
                q = _QUEUES[store] = cls(store)
            return q

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running or bool(self._items)

    def put(
        self,
        owner: Widget,
        job: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        app = getattr(owner, "_host_app", None) or owner.app
        with self._lock:
            self._items.append((owner, app, job, done, failed))
            if self._running:
                return
            self._running = True
        try:
            app.run_worker(
                self._drain,
                thread=True,
                group="plan-opslaan",
                exit_on_error=False,
                name="plan-opslaan",
                description="plan van aanpak opslaan",
            )
        except Exception:
            self._drain()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._items:
                    self._running = False
                    return
                owner, app, job, done, failed = self._items.popleft()
            try:
                result, error = store_call(app, self.store, job), None
            except Exception as exc:
                result, error = None, explain(exc)
            try:
                owner.post_message(JobDone(result, error, done, failed))
            except Exception:
                pass


class DraftMixin:
    """Debounced writes: a field's value is queued after DRAFT_DELAY of quiet or on blur."""

    def _draft_init(self, store: Any) -> None:
        self._queue = SaveQueue.of(store)
        self._pending: dict[str, Any] = {}
        self._known: dict[str, Any] = {}  # the value last written (or queued) per key
        self._timer: Timer | None = None

    def remember(self, key: str, value: Any) -> None:
        self._known[key] = value

    def changed(self, key: str, value: Any, *, now: bool = False) -> None:
        if self._known.get(key, _MISSING) == value:
            self._pending.pop(key, None)
            return
        self._pending[key] = value
        if now:
            self.flush(key)
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self.flush)  # type: ignore[attr-defined]

    def flush(self, key: str | None = None) -> None:
        keys = [key] if key is not None else list(self._pending)
        for k in keys:
            if k not in self._pending:
                continue
            value = self._pending.pop(k)
            # The value this change is based on: what the screen last read or wrote for the field.
            # The store refuses the save when someone else has changed the field since.
            based = self._known.get(k, _MISSING)
            job = self.job_for(k, value, None if based is _MISSING else based)
            if job is None:
                continue
            self._known[k] = value
            self._queue.put(
                self,
                job,
                lambda r, k=k: self.saved(k, r),  # type: ignore[arg-type]
                lambda e, k=k: self.save_failed(k, e),
            )
        if not self._pending and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def job_for(self, key: str, value: Any, based: Any = None) -> Callable[[], Any] | None:  # pragma: no cover
        raise NotImplementedError

    def saved(self, key: str, result: Any) -> None:
        pass

    def save_failed(self, key: str, error: str) -> None:
        self._known.pop(key, None)

    def on_job_done(self, message: JobDone) -> None:
        message.stop()
        if message.error is None:
            if message.done is not None:
                message.done(message.result)
        elif message.failed is not None:
            message.failed(message.error)


_MISSING = object()


def host_today(app: Any, today: date | None) -> date:
    return today or getattr(app, "today", None) or clock.today()


def host_config(app: Any, config: Any | None) -> Any:
    if config is not None:
        return config
    cfg = getattr(app, "config", None)
    if cfg is not None:
        return cfg
    from herstel_tui.settings.config import Config

    return Config()


# -- CSS shared by the screens and dialogs (theme variables only) ------------------------------

FORM_CSS = """
.veld { height: 1; }
.veldlabel { width: 16; height: 1; }
.veld Input { width: 1fr; }
.veld Select { width: 1fr; }
.veldfout { display: none; height: auto; color: $error; padding: 0 0 0 16; }
.veldfout.-zichtbaar { display: block; }
.veldhint { height: auto; color: $text-muted; padding: 0 0 0 16; }
"""

DIALOG_CSS = (
    FORM_CSS
    + """
PlanDialog { align: center middle; }
PlanDialog #dialoog { width: 78; max-width: 100%; height: auto; max-height: 100%; border: round $accent;
                      padding: 0 1; background: $surface; }
PlanDialog #dialoogtitel { height: auto; text-style: bold; margin: 0 0 1 0; }
PlanDialog #formulier { height: auto; max-height: 16; }
PlanDialog #fout { display: none; height: auto; color: $error; text-style: bold; margin: 1 0 0 0; }
PlanDialog #fout.-zichtbaar { display: block; }
PlanDialog #knoppen { height: 1; margin: 1 0 0 0; }
PlanDialog #knoppen Button { margin: 0 2 0 0; }
PlanDialog .uitleg { height: auto; color: $text-muted; margin: 0 0 1 0; }
PlanDialog OptionList { height: auto; max-height: 14; }
"""
)


def tab_bindings(prefix: str) -> list[Binding]:
    """Tab and shift+tab as priority bindings: the focus moves before the next key is handed
    out, so a burst of keys over SSH ("abc<Tab>def") lands in the right fields."""
    return [
        Binding("tab", "app.focus_next", "Volgend veld", show=False, priority=True, id=f"{prefix}.volgend_veld"),
        Binding("shift+tab", "app.focus_previous", "Vorig veld", show=False, priority=True, id=f"{prefix}.vorig_veld"),
    ]


def field_row(label: str, widget: Widget, *, hint: str = "") -> ComposeResult:
    with Horizontal(classes="veld", id=f"rij-{widget.id}"):
        yield Label(label, classes="veldlabel", id=f"label-{widget.id}")
        yield widget
    yield Static("", classes="veldfout", id=f"fout-{widget.id}")
    if hint:
        yield Static(hint, classes="veldhint", id=f"hint-{widget.id}")


# -- dialogs ------------------------------------------------------------------------------------


class PlanDialog(DraftMixin, ModalScreen[object]):
    """A form in a box: F2 saves (through the queue), Esc/F3 cancels. With ``DRAFT`` set, every
    field is kept as a draft in the database while typing and restored when the form reopens."""

    DEFAULT_CSS = DIALOG_CSS
    HELP = "dialoog"
    TITLE_TEXT = "Dialoog"
    DRAFT: str | None = None  # the draft form's kind ('kosten', 'vaststellen', ...)
    DRAFT_FIELDS: tuple[str, ...] = ()
    BINDINGS = [
        Binding("f2,ctrl+s", "save", "Opslaan", id="plandialoog.opslaan"),
        Binding("f3,escape", "cancel", "Annuleren", id="plandialoog.annuleren"),
        *tab_bindings("plandialoog"),
    ]

    def __init__(self, store: Any, case_id: int, *, today: date | None = None) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self._today = today
        self.saving = False
        self.ready_to_edit = False
        self._draft_init(store)

    @property
    def today(self) -> date:
        return host_today(self.app, self._today)

    @property
    def draft_form(self) -> str | None:
        return None

    def compose(self) -> ComposeResult:
        yield from dialog_frame(self.TITLE_TEXT, self.fields())

    def fields(self) -> ComposeResult:
        yield from ()

    def past_date(self, field: str, missing: str) -> date:
        """The date in ``field``: required, dd-mm-jjjj, not in the future (a FieldError if not)."""
        try:
            when = parse_nl_date(self.field_value(field), label=field)
        except PlanRuleError as exc:
            raise FieldError(str(exc), field) from None
        if when is None:
            raise FieldError(missing, field)
        if when > self.today:
            raise FieldError("de datum ligt in de toekomst", field)
        return when

    def on_mount(self) -> None:
        self._host_app = self.app
        blink = getattr(self.app, "blink", not self.app.is_headless)
        for box in self.query(Input):
            box.cursor_blink = blink
        self.query_one("#formulier").loading = True
        self._load()

    @work(thread=True, group="plandialoog-laden", exit_on_error=False)
    def _load(self) -> None:

        def read() -> tuple[Any, dict[str, str]]:
            extra = self.load(self.store.plans)
            draft = self.store.drafts.load(self.draft_form) if self.draft_form else {}
            return extra, draft

        try:
            extra, draft = store_call(self.app, self.store, read)
        except Exception as exc:
            self.app.call_from_thread(self.show_error, f"Kan niet laden: {explain(exc)}")
            return
        self.app.call_from_thread(self._loaded, extra, draft)

    def load(self, plans: Any) -> Any:
        """Read what the form needs (in the worker)."""
        return None

    def _loaded(self, extra: Any, draft: dict[str, str]) -> None:
        self.query_one("#formulier").loading = False
        self.fill(extra)
        for fid in self.DRAFT_FIELDS:
            self.remember(fid, self.field_value(fid))
        restored = False
        for fid, value in draft.items():
            if fid in self.DRAFT_FIELDS and value != self.field_value(fid):
                self.set_field(fid, value)
                restored = True
            self.remember(fid, value)
        self.ready_to_edit = True
        self.after_fill()
        if restored:
            self.notify("Niet opgeslagen invoer van de vorige keer is teruggezet.", timeout=5)

    def fill(self, extra: Any) -> None:
        """Put values in the fields (UI thread)."""

    def after_fill(self) -> None:
        """Focus the first field, update derived text."""

    # -- field access ----------------------------------------------------------------------------

    def field_value(self, fid: str) -> str:
        w = self.query_one(f"#{fid}")
        if isinstance(w, Input):
            return w.value
        if isinstance(w, Select):
            return "" if w.value is Select.NULL else str(w.value)
        if isinstance(w, TextArea):
            return w.text
        if isinstance(w, Checkbox):
            return "1" if w.value else ""
        raise TypeError(fid)

    def set_field(self, fid: str, value: str) -> None:
        w = self.query_one(f"#{fid}")
        if isinstance(w, Input):
            w.value = value
        elif isinstance(w, Select):
            try:
                w.value = value if value else Select.NULL
            except Exception:
                pass
        elif isinstance(w, TextArea):
            w.text = value
        elif isinstance(w, Checkbox):
            w.value = bool(value)

    # -- drafts ------------------------------------------------------------------------------------

    def job_for(self, key: str, value: Any, based: Any = None) -> Callable[[], Any] | None:
        form = self.draft_form
        if form is None:
            return None

        plans, case_id = self.store.plans, self.case_id
        return lambda: plans.store.drafts.save(form, key, value, case_id=case_id, based_on=based)

    def save_failed(self, key: str, error: str) -> None:
        super().save_failed(key, error)
        from herstel_tui.store.plan import CHANGED_MEANWHILE

        if CHANGED_MEANWHILE in error:
            # The same form is open in another window and was changed there: show that version.
            self.notify(f"Niet bewaard: {error}.", severity="warning", timeout=10)
            self.ready_to_edit = False
            self.query_one("#formulier").loading = True
            self._load()

    def _draft_event(self, widget: Widget | None, value: str, *, now: bool = False) -> None:
        if widget is None or not self.ready_to_edit or self.saving:
            return
        fid = widget.id or ""
        if fid in self.DRAFT_FIELDS:
            self.changed(fid, value, now=now)
        self.field_changed(fid)

    def field_changed(self, fid: str) -> None:
        """A field changed (UI thread): update derived text."""

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._draft_event(event.input, event.value)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self._draft_event(event.select, "" if event.value is Select.NULL else str(event.value), now=True)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._draft_event(event.checkbox, "1" if event.value else "", now=True)

    def on_descendant_blur(self, event: Any) -> None:
        fid = getattr(event.widget, "id", None)
        if fid and fid in self._pending:
            self.flush(fid)
        self.field_left(fid or "")

    def field_left(self, fid: str) -> None:
        """A field lost focus: check it inline."""

    # -- errors --------------------------------------------------------------------------------

    def show_error(self, message: str, field: str | None = None, *, focus: bool = True) -> None:
        if field:
            try:
                slot = self.query_one(f"#fout-{field}", Static)
            except Exception:
                slot = None
            if slot is not None:
                slot.update(message)
                slot.add_class("-zichtbaar")
                if focus:
                    self.query_one(f"#{field}").focus()
                return
        fout = self.query_one("#fout", Static)
        fout.update(message)
        fout.add_class("-zichtbaar")

    def clear_error(self, field: str | None = None) -> None:
        selector = f"#fout-{field}" if field else ".veldfout, #fout"
        for s in self.query(selector):
            s.update("")  # type: ignore[attr-defined]
            s.remove_class("-zichtbaar")

    # -- saving --------------------------------------------------------------------------------

    def prepare(self) -> Callable[[], Any]:
        """Check the form (UI thread); raise FieldError, or return the store call."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving or not self.ready_to_edit:
            return
        self.clear_error()
        try:
            job = self.prepare()
        except FieldError as exc:
            self.show_error(str(exc), exc.field)
            return
        self.saving = True
        self._pending.clear()  # the real save removes the draft in its own transaction
        self.query_one("#opslaan", Button).disabled = True
        self._queue.put(self, job, self._saved_ok, self._save_refused)

    def _saved_ok(self, result: Any) -> None:
        self.dismiss(result if result is not None else True)

    def _save_refused(self, message: str) -> None:
        self.saving = False
        self.query_one("#opslaan", Button).disabled = False
        self.show_error(f"Niet opgeslagen: {message}")

    def action_cancel(self) -> None:
        form = self.draft_form
        self._pending.clear()
        if form is not None:
            plans = self.store.plans
            self._queue.put(self, lambda: plans.store.drafts.drop(form))
        self.dismiss(None)

    @on(Button.Pressed, "#opslaan")
    def _pressed_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#annuleren")
    def _pressed_cancel(self) -> None:
        self.action_cancel()


class FieldError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AgreeDialog(PlanDialog):
    """Vaststellen: level, date agreed with the person, how consent was given."""

    HELP = "vaststellen"
    TITLE_TEXT = "Plan vaststellen"
    DRAFT = "vaststellen"
    DRAFT_FIELDS = ("niveau", "datum", "instemming", "toelichting")

    def __init__(self, store: Any, case_id: int, version: PlanVersion, *, today: date | None = None) -> None:
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
            Select(
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
            Select(
                [(CONSENT_TITLES[c], c.value) for c in Consent],
                prompt="kies hoe de persoon instemde",
                id="instemming",
                compact=True,
            ),
        )
        yield from field_row("Toelichting", Input(placeholder="(optioneel)", id="toelichting", compact=True))
        yield Static("", id="klaar", classes="uitleg")

    def load(self, plans: Any) -> Any:
        return plans.last_agreed(self.case_id)

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

    def prepare(self) -> Callable[[], Any]:
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

    def prepare(self) -> Callable[[], Any]:
        when = self.past_date("datum", "vul de startdatum in (dd-mm-jjjj)")

        plans, case_id = self.store.plans, self.case_id
        return lambda: plans.start_nazorg(case_id, when)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no: j/⏎ is yes, n/Esc is no."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog #vraag { width: 60; max-width: 100%; height: auto; border: round $warning; padding: 0 1;
                           background: $surface; }
    """
    HELP = "bevestigen"
    BINDINGS = [
        Binding("j,f2", "answer(True)", "Ja", id="bevestig.ja"),
        Binding("n,f3,escape", "answer(False)", "Nee", id="bevestig.nee"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(
            Content.from_markup(f"{esc(self.question)}\n\n[b]j[/b] of F2: ja   [b]n[/b] of Esc: nee"), id="vraag"
        )
        yield Footer(compact=True, show_command_palette=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceDialog(ModalScreen[object]):
    """A list to choose from: ↑/↓ and ⏎, or the letter in front; Esc closes."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog #keuzevak { width: 64; max-width: 100%; height: auto; max-height: 100%; border: round $accent;
                             padding: 0 1; background: $surface; }
    ChoiceDialog #keuzetitel { height: auto; text-style: bold; margin: 0 0 1 0; }
    ChoiceDialog OptionList { height: auto; max-height: 16; }
    """
    HELP = "keuze"
    BINDINGS = [Binding("f3,escape", "close", "Sluiten", id="keuze.sluiten")]

    def __init__(self, title: str, options: list[tuple[str, str, str | None]]) -> None:
        """``options``: (value, text, letter or None)."""
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="keuzevak"):
            yield Static(self.title_text, id="keuzetitel")
            yield OptionList(
                *[Option(f"{letter or ' '}  {text}", id=value) for value, text, letter in self.options],
                id="keuzes",
                compact=True,
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        lst = self.query_one(OptionList)
        lst.highlighted = 0 if self.options else None
        lst.focus()

    def on_key(self, event: Any) -> None:
        for value, _, letter in self.options:
            if letter and event.key == letter:
                event.stop()
                self.dismiss(value)
                return

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


# -- the plan screen ----------------------------------------------------------------------------


@dataclass
class PlanBundle:
    case: Any
    person: Any
    version: PlanVersion | None
    versions: list[PlanVersion]
    deadlines: list
    error: str | None = None


class PlanLoaded(Message):
    def __init__(self, bundle: PlanBundle | None, error: str | None = None, *, soft: bool = False) -> None:
        super().__init__()
        self.bundle = bundle
        self.error = error
        self.soft = soft  # only the heading and the bundle: the form stays as it is


class PlanText(TextArea, inherit_bindings=False):
    """A TextArea without its F6/F7 (select line/all): on the plan those keys belong to the screen."""

    BINDINGS = [b for b in TextArea.BINDINGS if not (isinstance(b, Binding) and b.key in ("f6", "f7"))]


class AreaSection(Vertical):
    HELP = "plan"

    def __init__(self, area: Leefgebied, *children: Widget) -> None:
        super().__init__(*children, id=f"gebied-{area.value}", classes="gebied")
        self.area = area


class GoalRow(Horizontal):
    def __init__(self, goal: Goal, *children: Widget) -> None:
        super().__init__(*children, id=f"doelrij-{goal.id}", classes="doelrij")
        self.goal = goal


class ActionRow(Vertical):
    def __init__(self, action: Action, *children: Widget) -> None:
        super().__init__(*children, id=f"actierij-{action.id}", classes="actierij")
        self.action = action


GOAL_OPTIONS = [(GOAL_STATUS_TITLES[s], s.value) for s in GoalStatus]
ACTOR_OPTIONS = [(ACTOR_TITLES[a], a.value) for a in Actor]

PLAN_CSS = (
    FORM_CSS
    + """
PlanScreen #plankop { height: auto; max-height: 3; padding: 0 1; background: $panel; }
PlanScreen #plan { height: 1fr; padding: 0 1; }
PlanScreen #plan:focus { background-tint: $foreground 3%; }
PlanScreen #planstatus { height: 1; padding: 0 1; color: $text-muted; }
PlanScreen #planstatus.-fout { color: $error; text-style: bold; }
PlanScreen .gebied { height: auto; }
PlanScreen .doelen { height: auto; }
PlanScreen .acties { height: auto; }
PlanScreen .gebiedkop { height: 1; margin: 1 0 0 0; text-style: bold; color: $accent; }
PlanScreen .subkop { height: 1; text-style: bold; }
PlanScreen .tekstveld { height: auto; }
PlanScreen .tekstveld TextArea { width: 1fr; height: 3; }
PlanScreen .tekstveld .veldlabel { height: 1; }
PlanScreen .doelrij { height: 1; }
PlanScreen .doelrij Input { width: 1fr; }
PlanScreen .doelrij Select { width: 14; }
PlanScreen .nr { width: 4; height: 1; }
PlanScreen .actierij .veldfout { padding: 0 0 0 4; }
PlanScreen .actierij { height: auto; }
PlanScreen .actieregel { height: 1; }
PlanScreen .actieregel Input { width: 1fr; }
PlanScreen .actieregel Checkbox { width: auto; }
PlanScreen .actieregel Select { width: 18; }
PlanScreen .actieregel .datum { width: 12; }
PlanScreen .actieregel .partij { width: 1fr; }
PlanScreen .kort { width: auto; height: 1; padding: 0 1; }
PlanScreen .leeg { height: 1; color: $text-muted; }
"""
)


class PlanScreen(DraftMixin, Screen):
    """The plan van aanpak of one case; ``version``: show that (older) version read-only."""

    DEFAULT_CSS = PLAN_CSS
    HELP = "plan"
    BINDINGS = [
        Binding("f3,escape,q", "back", "Terug", id="plan.terug"),
        Binding(
            "f2,ctrl+s",
            "save_now",
            "Opslaan",
            show=False,
            id="plan.opslaan",
            tooltip="Alles wordt al opgeslagen terwijl u typt; F2 schrijft meteen",
        ),
        Binding("f4,d", "add_goal", "Doel+", id="plan.doel", tooltip="Doel toevoegen in dit leefgebied (d)"),
        Binding("f5,a", "add_action", "Actie+", id="plan.actie", tooltip="Actie toevoegen in dit leefgebied (a)"),
        Binding("f6,l", "next_area", "Gebied", id="plan.leefgebied", tooltip="Naar het volgende leefgebied (l)"),
        Binding(
            "f7,v",
            "agree",
            "Vaststellen",
            id="plan.vaststellen",
            tooltip="Plan vaststellen: op hoofdlijnen of volledig (v)",
        ),
        Binding(
            "f8,m",
            "menu",
            "Meer",
            id="plan.meer",
            tooltip="Nieuwe versie, versies, afdrukken, nazorg, regel verwijderen, kosten (m)",
        ),
        Binding("w", "new_version", "Nieuwe versie", show=False, id="plan.wijzigen"),
        Binding("o", "versions", "Versies", show=False, id="plan.versies"),
        Binding("p", "print", "Afdrukken", show=False, id="plan.afdrukken"),
        Binding("z", "nazorg", "Nazorg starten", show=False, id="plan.nazorg"),
        Binding("x", "delete_row", "Regel verwijderen", show=False, id="plan.verwijder"),
        Binding("k", "costs", "Kosten", show=False, id="plan.kosten"),
        *tab_bindings("plan"),
    ]

    def __init__(
        self,
        store: Any,
        case_id: int,
        *,
        version: int | None = None,
        today: date | None = None,
        config: Any | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.number = version  # None: the latest (editable) version
        self._today = today
        self._config = config
        self.bundle: PlanBundle | None = None
        self.version_id: int | None = None  # set by the writer when a concept is created
        self.current_area: Leefgebied = Leefgebied.FINANCIEN
        self.errors: dict[str, str] = {}
        self._viewed = False
        self._draft_init(store)

    # -- properties --------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return host_today(self.app, self._today)

    @property
    def version(self) -> PlanVersion | None:
        return self.bundle.version if self.bundle else None

    @property
    def readonly(self) -> bool:
        """An older version, or a case without a brede-ondersteuning track."""
        return self.number is not None or (self.bundle is not None and self.bundle.error is not None)

    @property
    def content_editable(self) -> bool:
        if self.bundle is None or self.readonly:
            return False
        v = self.bundle.version
        return v is None or v.editable

    @property
    def progress_editable(self) -> bool:
        return self.bundle is not None and not self.readonly

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield Static("Plan laden…", id="plankop")
        yield VerticalScroll(id="plan")
        yield Static("", id="planstatus")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._host_app = self.app
        self.sub_title = "Plan van aanpak"
        self.query_one("#plan").loading = True
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="plan-laden", exit_on_error=False)
    def _load(self, soft: bool = False) -> None:

        def read() -> PlanBundle:
            plans = self.store.plans
            case = self.store.cases.get(self.case_id)
            person = self.store.persons.get(case.person_id)
            if case.track.value != "brede_ondersteuning":
                return PlanBundle(
                    case, person, None, [], [], "Een plan van aanpak hoort bij een zaak brede ondersteuning."
                )
            versions = plans.versions(self.case_id)
            version = plans.version(self.case_id, self.number) if versions else None
            if self.number is not None and version is None:
                return PlanBundle(case, person, None, versions, [], f"Versie {self.number} bestaat niet.")
            deadlines = plans.plan_deadlines(self.case_id, self.today)
            if not self._viewed:  # who saw which plan when: once per screen, not on every reload
                self.store.audit.viewed(person_id=case.person_id, case_id=self.case_id, what="plan")
                self._viewed = True
            return PlanBundle(case, person, version, versions, deadlines)

        try:
            bundle = store_call(self.app, self.store, read)
        except Exception as exc:
            if not soft:
                self.post_message(PlanLoaded(None, explain(exc)))
            return
        self.post_message(PlanLoaded(bundle, soft=soft))

    async def on_plan_loaded(self, message: PlanLoaded) -> None:
        message.stop()
        if message.soft:
            if message.bundle is not None and self.bundle is not None and message.bundle.error is None:
                self.bundle = message.bundle
                self._show_head()
                self.refresh_bindings()
            return
        container = self.query_one("#plan", VerticalScroll)
        container.loading = False
        if message.bundle is None:
            self._status(f"Plan kan niet worden geladen: {message.error}", error=True)
            return
        b = self.bundle = message.bundle
        self.version_id = b.version.id if b.version and b.version.editable and not self.readonly else None
        self._pending.clear()
        self._known.clear()
        self.errors.clear()
        self._show_head()
        await container.remove_children()
        if b.error:
            await container.mount(Static(b.error, classes="leeg"))
            self.refresh_bindings()
            return
        await container.mount_all(self._sections())
        blink = getattr(self.app, "blink", not self.app.is_headless)
        for box in self.query(Input):
            box.cursor_blink = blink
        for area in self.query(TextArea):
            area.cursor_blink = blink
        self._status_saved()
        self.refresh_bindings()
        first = next(
            (w for w in self.query("#plan TextArea, #plan Input, #plan Select, #plan Checkbox") if not w.disabled), None
        )
        (first or container).focus()

    def _show_head(self) -> None:
        b = self.bundle
        assert b is not None
        case, person, v = b.case, b.person, b.version
        head = f"[b]{esc(case.zaaknummer or '')}  {esc(person.sorteernaam)}[/b] · Plan van aanpak"
        if self.readonly and v is not None:
            head += " [i](oude versie)[/i]"
        if v is None:
            line2 = "Versie 1 · [b]Concept[/b] (nog leeg: begin met typen)"
        else:
            line2 = f"Versie {v.number} · [b]{esc(v.status.label)}[/b]"
            if v.agreed_on:
                consent = v.consent.value if v.consent else "—"
                line2 += f" {format_date(v.agreed_on)} · instemming: {esc(consent)}"
            elif v.based_on:
                line2 += f" (op basis van versie {v.based_on})"
        parts = []
        for d in b.deadlines:
            short = "Hoofdlijnen" if d.rule == "plan_op_hoofdlijnen" else "Volledig"
            if d.stopped and d.stopped > d.due:
                parts.append(f"{short}: [$warning]gestopt {format_date(d.stopped)}, na {format_date(d.due)}[/]")
            elif d.stopped:
                parts.append(f"{short}: gehaald {format_date(d.stopped)}")
            else:
                days = d.days_left(self.today)
                mark = "$error" if days < 0 else "$warning" if days <= 14 else ""
                when = f"uiterlijk {format_date(d.due)}"
                parts.append(f"{short}: [{mark} b]{when}[/]" if mark else f"{short}: {when}")
        line3 = " · ".join(parts) if parts else "[dim]Termijnen lopen vanaf het eerste gesprek[/]"
        self.query_one("#plankop", Static).update(Content.from_markup(f"{head}\n{line2}\n{line3}"))
        self.sub_title = f"Plan {case.zaaknummer}"

    def _sections(self) -> list[Widget]:
        b = self.bundle
        assert b is not None
        v = b.version
        content = self.content_editable
        out: list[Widget] = []
        for area in LEEFGEBIEDEN:
            text = v.area(area) if v else None
            children: list[Widget] = [Static(f"── {area.label} ──", classes="gebiedkop")]
            for fid, label, value in (
                (f"situatie-{area.value}", "Situatie", text.situation if text else ""),
                (f"hulpvraag-{area.value}", "Hulpvraag", text.question if text else ""),
            ):
                box = PlanText(
                    value,
                    id=fid,
                    tab_behavior="focus",
                    soft_wrap=True,
                    show_line_numbers=False,
                    compact=True,
                    disabled=not content,
                )
                self.remember(fid, value)
                children.append(Horizontal(Label(label, classes="veldlabel"), box, classes="tekstveld"))
            children.append(Static("Doelen", classes="subkop"))
            goals = v.goals_in(area) if v else []
            children.append(
                Vertical(
                    *[self._goal_row(g, i) for i, g in enumerate(goals, 1)], id=f"doelen-{area.value}", classes="doelen"
                )
            )
            if not goals:
                children.append(
                    Static(
                        "  geen doelen" + ("  (F4 of d: doel toevoegen)" if content else ""),
                        classes="leeg",
                        id=f"geendoel-{area.value}",
                    )
                )
            children.append(Static("Acties", classes="subkop"))
            actions = v.actions_in(area) if v else []
            children.append(
                Vertical(
                    *[self._action_row(x, i) for i, x in enumerate(actions, 1)],
                    id=f"acties-{area.value}",
                    classes="acties",
                )
            )
            if not actions:
                children.append(
                    Static(
                        "  geen acties" + ("  (F5 of a: actie toevoegen)" if content else ""),
                        classes="leeg",
                        id=f"geenactie-{area.value}",
                    )
                )
            out.append(AreaSection(area, *children))
        return out

    def _goal_row(self, g: Goal, n: int) -> GoalRow:
        content, progress = self.content_editable, self.progress_editable
        tid, sid = f"doel-{g.id}", f"doelstatus-{g.id}"
        self.remember(tid, g.text)
        self.remember(sid, g.status.value)
        return GoalRow(
            g,
            Label(f"{n}.", classes="nr"),
            Input(g.text, placeholder="doel", id=tid, compact=True, disabled=not content),
            Select(GOAL_OPTIONS, value=g.status.value, allow_blank=False, id=sid, compact=True, disabled=not progress),
        )

    def _action_row(self, x: Action, n: int) -> ActionRow:
        content, progress = self.content_editable, self.progress_editable
        ids = {k: f"{k}-{x.id}" for k in ("wat", "gedaan", "wie", "partij", "datum")}
        values = {
            "wat": x.what,
            "gedaan": x.done,
            "wie": x.who.value,
            "partij": x.party or "",
            "datum": format_date(x.due) if x.due else "",
        }
        for k, fid in ids.items():
            self.remember(fid, values[k])
        return ActionRow(
            x,
            Horizontal(
                Label(f"{n}.", classes="nr"),
                Input(x.what, placeholder="wat gebeurt er", id=ids["wat"], compact=True, disabled=not content),
                Checkbox("gedaan", x.done, id=ids["gedaan"], compact=True, disabled=not progress),
                classes="actieregel",
            ),
            Horizontal(
                Label("", classes="nr"),
                Select(
                    ACTOR_OPTIONS,
                    value=x.who.value,
                    allow_blank=False,
                    id=ids["wie"],
                    compact=True,
                    disabled=not content,
                ),
                Input(
                    x.party or "",
                    placeholder="naam of partij (bv. Kredietbank)",
                    id=ids["partij"],
                    classes="partij",
                    compact=True,
                    disabled=not content,
                ),
                Label("uiterlijk", classes="kort"),
                Input(
                    values["datum"],
                    placeholder="dd-mm-jjjj",
                    id=ids["datum"],
                    classes="datum",
                    compact=True,
                    disabled=not content,
                ),
                classes="actieregel",
            ),
            Static("", classes="veldfout", id=f"fout-{ids['datum']}"),
        )

    # -- status line ---------------------------------------------------------------------------

    def _status(self, text: str, *, error: bool = False) -> None:
        if getattr(self, "_status_shown", None) == (text, error):
            return  # typing calls this on every key: repaint only on a change
        self._status_shown = (text, error)
        s = self.query_one("#planstatus", Static)
        s.update(text)
        s.set_class(error, "-fout")

    def _status_saved(self) -> None:
        if self.errors:
            self._status("Niet opgeslagen: " + next(iter(self.errors.values())), error=True)
        elif self.readonly:
            self._status("Oude versie, alleen lezen · F8: versies, afdrukken · F3: terug")
        elif self._pending or self._queue.busy:
            self._status("Opslaan…")
        elif self.content_editable:
            self._status("Concept · wordt opgeslagen terwijl u typt · F1 help")
        else:
            self._status("Vastgesteld: alleen status en 'gedaan' wijzigen · F8 w: nieuwe versie")

    # -- saving fields -------------------------------------------------------------------------

    def _ensure_version(self, plans: Any) -> int:
        """(writer thread) The concept to write to, made on the first change of an empty plan."""
        if self.version_id is None:
            v = plans.start_concept(self.case_id)
            if not v.editable:
                raise PlanRuleError("dit plan is vastgesteld; maak eerst een nieuwe versie (w)")
            self.version_id = v.id
        return self.version_id

    def job_for(self, key: str, value: Any, based: Any = None) -> Callable[[], Any] | None:

        plans = self.store.plans
        kind, _, ident = key.partition("-")
        if kind in ("situatie", "hulpvraag"):
            return lambda: plans.set_area_text(self._ensure_version(plans), ident, kind, value, based_on=based)
        if kind == "doel":
            return lambda: plans.update_goal(int(ident), text=value, based_on={"text": based})
        if kind == "doelstatus":
            return lambda: plans.update_goal(int(ident), status=value, based_on={"status": based})
        if kind == "wat":
            return lambda: plans.update_action(int(ident), what=value, based_on={"what": based})
        if kind == "gedaan":
            return lambda: plans.update_action(int(ident), done=bool(value), based_on={"done": based})
        if kind == "wie":
            return lambda: plans.update_action(int(ident), who=value, based_on={"who": based})
        if kind == "partij":
            return lambda: plans.update_action(int(ident), party=value, based_on={"party": based})
        if kind == "datum":
            try:
                due = parse_nl_date(value, label="uiterlijk")
            except PlanRuleError as exc:
                self._field_error(key, str(exc))
                self._known.pop(key, None)
                return None
            self._field_error(key, None)
            return lambda: plans.update_action(int(ident), due=due, based_on={"due": based})
        return None

    def _field_error(self, key: str, message: str | None) -> None:
        try:
            slot = self.query_one(f"#fout-{key}", Static)
        except Exception:
            slot = None
        if message:
            self.errors[key] = message
            if slot is not None:
                slot.update(message)
                slot.add_class("-zichtbaar")
        else:
            self.errors.pop(key, None)
            if slot is not None:
                slot.update("")
                slot.remove_class("-zichtbaar")
        self._status_saved()

    def flush(self, key: str | None = None) -> None:
        super().flush(key)
        try:
            self._status_saved()
        except Exception:
            pass

    def saved(self, key: str, result: Any) -> None:
        self.errors.pop(key, None)
        self._status_saved()
        self._after_first_write()

    def _after_first_write(self) -> None:
        """The first change of an empty plan made version 1: show it (without rebuilding the form)."""
        if self.bundle is not None and self.bundle.version is None and self.version_id is not None:
            self._load(soft=True)

    def save_failed(self, key: str, error: str) -> None:
        from herstel_tui.store.plan import CHANGED_MEANWHILE

        super().save_failed(key, error)
        if CHANGED_MEANWHILE in error and not self.readonly:
            # Another desk saved this field after this screen read it: never write over that.
            # Tell the caseworker, keep what they typed visible in the message, show what is true now.
            mine = self._typed(key)
            shown = mine if len(mine) <= 300 else mine[:300] + "…"
            self.notify(
                f"Niet opgeslagen: {error}." + (f" Uw tekst was: “{shown}”" if mine.strip() else ""),
                title="Intussen gewijzigd",
                severity="warning",
                timeout=20,
            )
            self.flush()
            self.reload()
            return
        self.errors[key] = error
        self._status_saved()
        if "vastgesteld" in error and not self.readonly:
            # Someone agreed this concept meanwhile (another desk, the CLI): show what is true now.
            self.notify(f"Niet opgeslagen: {error}. Het plan wordt opnieuw geladen.", severity="warning", timeout=8)
            self.reload()

    def _typed(self, key: str) -> str:
        try:
            w = self.query_one(f"#{key}")
        except Exception:
            return ""
        value = getattr(w, "text", None) if isinstance(w, TextArea) else getattr(w, "value", "")
        return value if isinstance(value, str) else ""

    def _field_event(self, widget: Widget | None, value: Any, *, now: bool = False) -> None:
        if widget is None or self.bundle is None or not widget.id or self.readonly:
            return
        if widget.id.split("-", 1)[0] not in (
            "situatie",
            "hulpvraag",
            "doel",
            "doelstatus",
            "wat",
            "gedaan",
            "wie",
            "partij",
            "datum",
        ):
            return
        if widget.disabled:
            return
        self.changed(widget.id, value, now=now)
        self._status_saved()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._field_event(event.input, event.value)

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._field_event(event.text_area, event.text_area.text)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        self._field_event(event.select, str(event.value), now=True)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._field_event(event.checkbox, bool(event.value), now=True)

    def on_descendant_blur(self, event: Any) -> None:
        fid = getattr(event.widget, "id", None)
        if fid and fid in self._pending:
            self.flush(fid)

    def on_descendant_focus(self, event: Any) -> None:
        node = event.widget
        while node is not None and node is not self:
            if isinstance(node, AreaSection):
                self.current_area = node.area
                return
            node = node.parent

    def on_unmount(self) -> None:
        self.flush()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.bundle is None:
            return action in ("back",)
        if action in ("add_goal", "add_action", "delete_row"):
            return self.content_editable
        if action == "agree":
            return self.content_editable
        if action == "new_version":
            v = self.bundle.version
            return not self.readonly and v is not None and not v.editable
        if action == "nazorg":
            return not self.readonly and self.bundle.version is not None
        if action in ("print", "versions"):
            return self.bundle.version is not None
        if action in ("menu", "costs"):
            return self.bundle.error is None
        if action == "next_area":
            return self.bundle.error is None
        return True

    def action_back(self) -> None:
        self.flush()
        self.dismiss()

    def action_save_now(self) -> None:
        if self.readonly:
            return
        focused = self.focused
        if focused is not None and focused.id:
            if isinstance(focused, Input):
                self.changed(focused.id, focused.value)
            elif isinstance(focused, TextArea):
                self.changed(focused.id, focused.text)
        self.flush()

    def _area_for_new(self) -> Leefgebied:
        return self.current_area

    def action_add_goal(self) -> None:
        if not self.content_editable:
            return

        plans, area = self.store.plans, self._area_for_new()
        self.flush()
        self._queue.put(
            self,
            lambda: plans.add_goal(self._ensure_version(plans), area),
            lambda g: self.run_worker(self._mount_goal(g), group="plan-mount", exclusive=False),
            self._refused,
        )

    async def _mount_goal(self, g: Goal) -> None:
        self._after_first_write()
        box = self.query_one(f"#doelen-{g.area.value}", Vertical)
        n = len(box.children) + 1
        row = self._goal_row(g, n)
        await box.mount(row)
        for hint in self.query(f"#geendoel-{g.area.value}"):
            await hint.remove()
        self._cursor(row.query_one(Input))
        self.refresh_bindings()

    def action_add_action(self) -> None:
        if not self.content_editable:
            return

        plans, area = self.store.plans, self._area_for_new()
        self.flush()
        self._queue.put(
            self,
            lambda: plans.add_action(self._ensure_version(plans), area),
            lambda x: self.run_worker(self._mount_action(x), group="plan-mount", exclusive=False),
            self._refused,
        )

    async def _mount_action(self, x: Action) -> None:
        self._after_first_write()
        box = self.query_one(f"#acties-{x.area.value}", Vertical)
        n = len(box.children) + 1
        row = self._action_row(x, n)
        await box.mount(row)
        for hint in self.query(f"#geenactie-{x.area.value}"):
            await hint.remove()
        self._cursor(row.query_one(Input))

    def _cursor(self, widget: Widget) -> None:
        blink = getattr(self.app, "blink", not self.app.is_headless)
        if isinstance(widget, Input):
            widget.cursor_blink = blink
        widget.focus()
        widget.scroll_visible(animate=False)

    def _refused(self, message: str) -> None:
        self._status(f"Niet opgeslagen: {message}", error=True)
        self.notify(message, severity="error", timeout=6)

    def action_next_area(self) -> None:
        order = list(LEEFGEBIEDEN)
        nxt = order[(order.index(self.current_area) + 1) % len(order)]
        self.current_area = nxt
        section = self.query_one(f"#gebied-{nxt.value}", AreaSection)
        target = next((w for w in section.query("TextArea, Input, Select, Checkbox") if not w.disabled), None)
        section.scroll_visible(top=True, animate=False)
        if target is not None:
            target.focus(scroll_visible=False)

    def _focused_row(self) -> GoalRow | ActionRow | None:
        node = self.focused
        while node is not None and node is not self:
            if isinstance(node, (GoalRow, ActionRow)):
                return node
            node = node.parent
        return getattr(self, "_last_row", None)

    def action_delete_row(self) -> None:
        row = self._focused_row()
        if row is None or not self.content_editable:
            self.notify("Zet de cursor eerst in het doel of de actie die weg moet.", timeout=4)
            return

        plans = self.store.plans
        if isinstance(row, GoalRow):
            gid = row.goal.id
            text = self.query_one(f"#doel-{gid}", Input).value.strip() or "(leeg)"
            question, job = f"Doel '{text[:40]}' verwijderen?", (lambda: plans.delete_goal(gid))
        else:
            aid = row.action.id
            text = self.query_one(f"#wat-{aid}", Input).value.strip() or "(leeg)"
            question, job = f"Actie '{text[:40]}' verwijderen?", (lambda: plans.delete_action(aid))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            for k in [
                k for k in self._pending if k.endswith(f"-{row.goal.id if isinstance(row, GoalRow) else row.action.id}")
            ]:
                self._pending.pop(k, None)
            self._queue.put(
                self, job, lambda _r: self.run_worker(self._unmount_row(row), group="plan-mount"), self._refused
            )

        self.app.push_screen(ConfirmDialog(question), answered)

    async def _unmount_row(self, row: Widget) -> None:
        parent = row.parent
        await row.remove()
        if parent is not None:
            for i, r in enumerate(parent.children, 1):
                labels = r.query(".nr")
                if labels:
                    labels.first(Label).update(f"{i}.")
        self._last_row = None

    def action_agree(self) -> None:
        if not self.content_editable or self.bundle is None:
            return

        self.action_save_now()
        plans = self.store.plans

        def push(version: PlanVersion | None) -> None:
            if version is None or not version.editable:
                self._refused("er is nog geen concept om vast te stellen: vul eerst het plan in")
                return
            self.app.push_screen(AgreeDialog(self.store, self.case_id, version, today=self._today), self._after_dialog)

        # Through the queue: the concept is read after every field typed before it is written.
        self._queue.put(self, lambda: plans.version(self.case_id), push, self._refused)

    def _after_dialog(self, result: object) -> None:
        if result:
            self._refresh_app()
            self.reload()

    def _refresh_app(self) -> None:
        refresh = getattr(self.app, "refresh_lists", None)
        if callable(refresh):
            try:
                refresh()
            except Exception:
                pass

    def action_new_version(self) -> None:
        v = self.version
        if v is None or v.editable or self.readonly:
            return

        plans = self.store.plans
        self.flush()

        def made(new: PlanVersion) -> None:
            self.notify(f"Versie {new.number} gemaakt (concept). Versie {v.number} blijft bewaard.", timeout=5)
            self.reload()

        self._queue.put(self, lambda: plans.start_concept(self.case_id), made, self._refused)

    def action_versions(self) -> None:
        if self.bundle is None or not self.bundle.versions:
            return
        opts = []
        for v in reversed(self.bundle.versions):
            agreed = (
                f" op {format_date(v.agreed_on)}" if v.agreed_on else f", aangemaakt {format_date(v.created_at.date())}"
            )
            opts.append((str(v.number), f"Versie {v.number} · {v.status.label}{agreed}", None))

        def chosen(value: object) -> None:
            if value is None or self.bundle is None:
                return
            number = int(str(value))
            latest = self.bundle.versions[-1].number
            if number == (self.number or latest):
                return
            if number == latest:  # back from an old version to the plan itself
                self.dismiss()
                return
            self.app.push_screen(
                PlanScreen(self.store, self.case_id, version=number, today=self._today, config=self._config)
            )

        self.app.push_screen(ChoiceDialog("Versies van het plan (⏎ opent)", opts), chosen)

    def action_print(self) -> None:
        if self.version is None:
            return
        from herstel_tui.services.plan_print import print_plan
        from herstel_tui.settings.config import resolve_export_dir

        self.flush()
        cfg = host_config(self.app, self._config)
        folder = resolve_export_dir(cfg)
        number, store, case_id, today = self.version.number, self.store, self.case_id, self.today

        def printed(written: list[Path]) -> None:
            names = " en ".join(p.name for p in written)
            self.notify(f"Afgedrukt: {names} in {folder}", timeout=8)

        # Through the queue: the print shows every field typed before it (and is audited).
        self._queue.put(
            self,
            lambda: print_plan(store, case_id, gemeente=cfg.gemeente, number=number, folder=folder, today=today),
            printed,
            lambda e: self._refused(f"afdrukken mislukt: {e}"),
        )

    def action_nazorg(self) -> None:
        if self.bundle is None or self.bundle.version is None or self.readonly:
            return
        from herstel_tui.domain.plan import nazorg_problem

        self.flush()
        problem = nazorg_problem(self._current_goals_version())
        if problem:
            self.notify(f"Nazorg kan nog niet starten: {problem}.", severity="warning", timeout=6)
            return

        def done(result: object) -> None:
            if result:
                self.notify("Nazorg gestart (24 maanden).", timeout=5)
                self._refresh_app()
                self.reload()

        self.app.push_screen(NazorgDialog(self.store, self.case_id, today=self._today), done)

    def _current_goals_version(self) -> PlanVersion | None:
        """The version with the goal statuses as shown now (the form may be ahead of the load)."""
        v = self.version
        if v is None:
            return None
        goals = []
        for g in v.goals:
            try:
                value = self.query_one(f"#doelstatus-{g.id}", Select).value
                goals.append(g.model_copy(update={"status": GoalStatus(str(value))}))
            except Exception:
                goals.append(g)
        for row in self.query(GoalRow):
            if all(g.id != row.goal.id for g in goals):
                value = self.query_one(f"#doelstatus-{row.goal.id}", Select).value
                goals.append(row.goal.model_copy(update={"status": GoalStatus(str(value))}))
        return v.model_copy(update={"goals": tuple(goals)})

    def action_costs(self) -> None:
        from herstel_tui.tui.screens.costs import CostsScreen

        self.flush()
        self.app.push_screen(CostsScreen(self.store, self.case_id, today=self._today, config=self._config))

    def action_menu(self) -> None:
        options = [
            ("new_version", "Nieuwe versie maken (om het vastgestelde plan te wijzigen)", "w"),
            ("versions", "Versies bekijken (oude versies, alleen lezen)", "o"),
            ("print", "Afdrukken: .docx en tekst in de exportmap", "p"),
            ("nazorg", "Nazorg starten (alle doelen behaald)", "z"),
            ("delete_row", "Doel of actie onder de cursor verwijderen", "x"),
            ("costs", "SPUK-kosten van deze zaak", "k"),
        ]
        usable = [o for o in options if self.check_action(o[0], ()) is True]
        self._last_row = self._focused_row()

        def chosen(value: object) -> None:
            if value:
                self.call_after_refresh(self.run_action, str(value))

        self.app.push_screen(ChoiceDialog("Meer (letter of ⏎)", usable), chosen)


HELP_TEXTS: dict[str, tuple[str, str]] = {
    "plan": (
        "Plan van aanpak",
        (
            "Per leefgebied (financiën, wonen, zorg, gezin, werk): de huidige situatie, de hulpvraag, doelen "
            "met een status en acties (wat, wie, uiterlijk, gedaan). Tab gaat naar het volgende veld; alles "
            "wordt opgeslagen terwijl u typt. F4/d doel, F5/a actie in het leefgebied van de cursor, F6/l "
            "volgend leefgebied, F7/v vaststellen (op hoofdlijnen of volledig, met datum en instemming). "
            "Een vastgesteld plan verandert alleen in een nieuwe versie (F8 dan w); de status van doelen en "
            "'gedaan' blijven bij te houden. F8/m: versies, afdrukken, nazorg, verwijderen, kosten. Letters "
            "werken buiten tekstvelden; F-toetsen overal."
        ),
    ),
    "vaststellen": (
        "Plan vaststellen",
        (
            "Kies op hoofdlijnen of volledig, de datum waarop het plan met de persoon is afgesproken en hoe "
            "de persoon instemde. F2 legt het vast en zet de mijlpaal op de tijdlijn (de termijn stopt)."
        ),
    ),
    "nazorg": ("Nazorg starten", "Als alle doelen behaald zijn: 24 maanden nazorg vanaf de startdatum. F2 start."),
    "kosten": (
        "SPUK-kosten",
        (
            "Kostenposten van deze zaak, nieuwste eerst, met totalen per component. F4/n nieuw, ⏎ of F5/e "
            "wijzigen, F6/x verwijderen, F7/j jaaroverzicht."
        ),
    ),
    "kostenpost": (
        "Kostenpost",
        (
            "Datum, component (A/B/C), omschrijving en óf P×Q (uren × tarief, aantal × prijs) óf een werkelijk "
            "bedrag (bijv. een factuur van de Kredietbank). Bedragen als 1.234,56. P×Q wordt één keer "
            "afgerond op hele centen (half naar boven). Koppel de post aan een actie uit het plan."
        ),
    ),
    "spuk": (
        "SPUK-jaaroverzicht",
        (
            "Kosten per component in het jaar (op datum van de post), personen in aanmerking in het jaar en "
            "cumulatief. ←/→ of F4/F5 wisselt het jaar, F2/e exporteert naar .xlsx in de exportmap."
        ),
    ),
}


def screen_classes() -> list[type]:
    """Every class with bindings in these screens (for the desk's binding ids and help)."""
    from herstel_tui.tui.screens.costs import CostDialog, CostsScreen
    from herstel_tui.tui.screens.spuk import SpukScreen

    return [
        PlanScreen,
        PlanDialog,
        AgreeDialog,
        NazorgDialog,
        ConfirmDialog,
        ChoiceDialog,
        CostsScreen,
        CostDialog,
        SpukScreen,
    ]
