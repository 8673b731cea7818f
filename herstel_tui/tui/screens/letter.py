"""Brief maken: choose a letter for the case, see the text, make the .docx and .txt and record it.

A self-contained modal. Every store call runs in a thread worker through ``app.data`` (never SQL
here); only message handlers touch widgets. The letter written is exactly the text previewed:
if the case changed in between, making it is refused and the preview is read again.

Wiring (for the desk): ``app.push_screen(LetterScreen(case_id), callback)``; the screen dismisses
with the :class:`herstel_tui.services.letters.LetterResult` when a letter was made, else ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape as esc
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from herstel_tui.domain import clock
from herstel_tui.domain.dates import DateError, format_date, parse_date
from herstel_tui.tui import keymap
from herstel_tui.tui.bases import DeskModal
from herstel_tui.tui.forms.fields import ErrorLine
from herstel_tui.tui.forms.saving import Loaded, post_read
from herstel_tui.tui.host import desk_of, footer, set_blink
from herstel_tui.tui.widgets.scroll import ScrollBody

T = TypeVar("T")


class LetterPreview(ScrollBody):
    """The letter's text; ↑/↓ and PgUp/PgDn scroll."""

    HELP = "brief"
    BINDINGS = keymap.scroll_bindings("brief")


class LetterScreen(DeskModal[object]):
    HELP = "brief"
    BINDINGS = keymap.LETTER

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.bundle: Any = None
        self.letters: Any = None
        self.kinds: list[Any] = []
        self.preview_text: str | None = None
        self.preview_problem: str | None = None
        self.busy = False
        self._asked = 0  # sequence number of the latest preview request

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="briefdialoog"):
            yield Static("Brief maken", id="brieftitel")
            yield OptionList(id="briefsoorten", compact=True)
            with Horizontal(classes="briefveld", id="veld-datum"):
                yield Label("Datum gesprek")
                yield Input(placeholder="dd-mm-jjjj", id="briefdatum", compact=True)
            with Horizontal(classes="briefveld", id="veld-schuldeiser"):
                yield Label("Schuldeiser")
                yield Input(placeholder="naam van de schuldeiser", id="briefschuldeiser", compact=True)
            with LetterPreview(id="briefvoorbeeld"):
                yield Static("", id="briefvoorbeeldtekst")
            yield ErrorLine("", id="brieffout")
            with Horizontal(id="briefknoppen"):
                yield Button("Maken (F2)", id="briefmaken", variant="primary", compact=True, action="screen.make")
                yield Button("Annuleren (Esc)", id="briefannuleren", compact=True, action="screen.cancel")
        yield footer()

    def on_mount(self) -> None:
        set_blink(*self.query(Input))
        self.query_one("#veld-datum").display = False
        self.query_one("#veld-schuldeiser").display = False
        self.query_one("#briefdialoog").loading = True
        self._load()

    # -- loading -------------------------------------------------------------------------------

    @work(thread=True, group="brief-laden", exit_on_error=False)
    def _load(self) -> None:
        from herstel_tui.services.letters import letters_for

        desk = desk_of(self)

        def read() -> tuple[Any, Any]:
            bundle = desk.data.load_case(self.case_id, log=False)
            return bundle, letters_for(desk.config, desk.data.store.routekaart, desk.data.store)

        post_read(self, read)

    def on_loaded(self, message: Loaded) -> None:
        from herstel_tui.services.letters import recorded_first_talk

        message.stop()
        self.query_one("#briefdialoog").loading = False
        if message.value is None:
            self.show_error(f"Brieven kunnen niet worden geladen: {message.error}")
            return
        bundle, letters = message.value
        self.bundle, self.letters = bundle, letters
        case, person = bundle.case, bundle.person
        self.query_one("#brieftitel", Static).update(
            Content.from_markup(f"Brief maken · {esc(case.zaaknummer or '')} · {esc(person.name)}")
        )
        self.kinds = letters.for_track(case.track.value)
        lst = self.query_one("#briefsoorten", OptionList)
        lst.clear_options()
        if not self.kinds:
            lst.add_option(Option("Geen brieven voor dit spoor.", disabled=True))
            return
        # The letter that belongs to where the case stands comes first in the highlight.
        current = bundle.view.current.step if bundle.view.current is not None else None
        lst.add_options([Option(k.title, id=f"brief-{k.id}") for k in self.kinds])
        start = next((i for i, k in enumerate(self.kinds) if k.step == current), 0)
        talk = recorded_first_talk(bundle.view)
        if talk is not None and talk >= clock.today():  # a confirmation never announces a past talk
            self.query_one("#briefdatum", Input).value = format_date(talk)
        lst.highlighted = start
        lst.focus()
        self._fields_for(self.kinds[start])
        self.action_preview()

    # -- the chosen kind -----------------------------------------------------------------------

    @property
    def kind(self) -> Any:
        lst = self.query_one("#briefsoorten", OptionList)
        if not self.kinds or lst.highlighted is None or lst.highlighted >= len(self.kinds):
            return None
        return self.kinds[lst.highlighted]

    def _fields_for(self, kind: Any) -> None:
        self.query_one("#veld-datum").display = bool(kind and kind.needs_first_talk)
        self.query_one("#veld-schuldeiser").display = bool(kind and kind.needs_creditor)

    @on(OptionList.OptionHighlighted, "#briefsoorten")
    def _kind_changed(self) -> None:
        if self.bundle is None:
            return
        self._fields_for(self.kind)
        self.clear_error()
        self.action_preview()

    @on(OptionList.OptionSelected, "#briefsoorten")
    def _kind_chosen(self) -> None:
        # ⏎ on a letter: go to its first field, or to the text
        kind = self.kind
        if kind is not None and kind.needs_first_talk:
            self.query_one("#briefdatum", Input).focus()
        elif kind is not None and kind.needs_creditor:
            self.query_one("#briefschuldeiser", Input).focus()
        else:
            self.query_one(LetterPreview).focus()

    @on(Input.Changed)
    def _input_changed(self) -> None:
        if self.bundle is not None:
            self.clear_error()
            self.action_preview()

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.query_one(LetterPreview).focus()

    # -- preview -------------------------------------------------------------------------------

    def _inputs(self) -> tuple[Any, date | None, str | None] | None:
        """(kind, first talk, creditor) from the form, or None with the fault shown."""
        kind = self.kind
        if kind is None:
            return None
        talk = None
        if kind.needs_first_talk:
            raw = self.query_one("#briefdatum", Input).value.strip()
            if raw:
                try:
                    talk = parse_date(raw)
                except DateError as exc:
                    self._set_preview(None, f"Datum gesprek: {exc}")
                    return None
        creditor = self.query_one("#briefschuldeiser", Input).value.strip() or None if kind.needs_creditor else None
        return kind, talk, creditor

    def action_preview(self) -> None:
        if self.bundle is None:
            return
        got = self._inputs()
        if got is None:
            return
        self._asked += 1
        self._preview(self._asked, *got)

    @work(thread=True, group="brief-voorbeeld", exit_on_error=False)
    def _preview(self, asked: int, kind: Any, talk: date | None, creditor: str | None) -> None:
        from herstel_tui.services.letters import LetterError, prepare

        app = self.app
        try:
            text, problem = self._letter(prepare, kind, talk, creditor).text, None
        except LetterError as exc:
            text, problem = None, str(exc)
        except Exception as exc:
            text, problem = None, f"Voorbeeld niet gelukt: {exc}"
        app.call_from_thread(self._previewed, asked, text, problem)

    def _previewed(self, asked: int, text: str | None, problem: str | None) -> None:
        if asked != self._asked:
            return  # an older answer; a newer one is on its way
        self._set_preview(text, problem)

    def _set_preview(self, text: str | None, problem: str | None) -> None:
        self.preview_text = text
        shown = self.query_one("#briefvoorbeeldtekst", Static)
        if text is not None:
            shown.update(Content(text))
        else:
            shown.update(Content.from_markup(f"[$text-muted]{esc(problem or '')}[/]"))
        self.preview_problem = problem
        self.refresh_bindings()

    # -- making the letter ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "make":
            return None if self.busy else True
        return True

    def action_make(self) -> None:
        if self.busy or self.bundle is None:
            return
        if self.preview_text is None:
            self.show_error(self.preview_problem or "Kies eerst een brief.")
            return
        got = self._inputs()
        if got is None:
            return
        self.busy = True
        self.refresh_bindings()
        self._make(*got, self.preview_text)

    @work(thread=True, exclusive=True, group="brief-maken", exit_on_error=False)
    def _make(self, kind: Any, talk: date | None, creditor: str | None, shown: str) -> None:
        from herstel_tui.services.letters import produce
        from herstel_tui.settings.config import resolve_export_dir

        app = self.app
        try:
            folder = resolve_export_dir(desk_of(self).config)
            result = self._letter(produce, kind, talk, creditor, export_dir=folder, expect_text=shown)
        except Exception as exc:
            app.call_from_thread(self._make_failed, str(exc) or exc.__class__.__name__)
            return
        app.call_from_thread(self._made, result)

    def _letter(self, service: Callable[..., T], kind: Any, talk: date | None, creditor: str | None, **more: Any) -> T:
        """``prepare`` (the preview) or ``produce`` (the letter) for this case, on the desk's store."""
        desk = desk_of(self)
        data = desk.data
        result: T = data.call(
            service,
            data.store,
            desk.config,
            self.case_id,
            kind,
            today=desk.today,
            first_talk=talk,
            creditor=creditor,
            letters=self.letters,
            **more,
        )
        return result

    def _make_failed(self, message: str) -> None:
        self.busy = False
        self.refresh_bindings()
        self.show_error(f"Niet gemaakt, niets vastgelegd: {message}")
        self.action_preview()

    def _made(self, result: Any) -> None:
        self.busy = False
        # The file name on a line of its own, so the toast does not break it in two.
        self.app.notify(
            f"{result.docx.name}\n(en .txt) in {result.docx.parent}", title="Brief gemaakt en vastgelegd", timeout=8
        )
        self.dismiss(result)

    # -- errors and navigation -----------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.query_one("#brieffout", ErrorLine).show(message)

    def clear_error(self) -> None:
        self.query_one("#brieffout", ErrorLine).clear()

    def action_focus_text(self) -> None:
        self.query_one(LetterPreview).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["LetterPreview", "LetterScreen"]
