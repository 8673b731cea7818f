"""The case screen: person and household, routekaart timeline, termijnen, next steps, notes."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.markup import escape as esc
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import Outcome
from herstel_tui.tui import keymap
from herstel_tui.tui.bundle import CaseBundle
from herstel_tui.tui.format import days_long, hanging
from herstel_tui.tui.forms.saving import Loaded, post_read
from herstel_tui.tui.host import DeskScreen, desk_of, footer, header
from herstel_tui.tui.screens.actions import CASE_ACTIONS, CaseActions
from herstel_tui.tui.widgets.scroll import ScrollBody

TIMELINE_INDENT = 12  # "dd-mm-jjjj  ": wrapped timeline lines start under the step, not the date


class CaseBody(ScrollBody):
    HELP = "zaak"
    BINDINGS = keymap.scroll_bindings("zaak")


class Household(OptionList):
    HELP = "huishouden"
    BINDINGS = [Binding("enter", "select", "Open zaak", id="zaak.open_lid")]


class CaseScreen(CaseActions, DeskScreen, Screen[None]):
    HELP = "zaak"
    AUTO_FOCUS = "CaseBody"

    BINDINGS = keymap.CASE_SCREEN

    def __init__(self, case_id: int, bundle: CaseBundle | None = None) -> None:
        """``bundle``: the case as already read (and its viewing logged) by whoever opens it."""
        super().__init__()
        self.case_id = case_id
        self.bundle: CaseBundle | None = None
        self._given = bundle
        self.bsn_shown = False
        self._first = bundle is None
        self._wrapped_at = 0  # the width the timeline was wrapped for

    def compose(self) -> ComposeResult:
        yield header()
        yield Static("Zaak laden…", id="kop")
        with CaseBody(id="inhoud"):
            yield Static("", id="persoon", classes="sectie")
            yield Static("Huishouden", classes="kopje", id="huishouden-kop")
            yield Household(id="huishouden", compact=True)
            yield Static("", id="tijdlijn", classes="sectie")
            yield Static("", id="termijnen", classes="sectie")
            yield Static("", id="vervolg", classes="sectie")
            yield Static("", id="uitleg", classes="sectie")
            yield Static("", id="notities", classes="sectie")
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "Zaak"
        if self._given is not None:
            # Focus and content before the first paint: one frame, not three.
            self.set_focus(self.query_one(CaseBody))
            self._show(self._given)
            self._given = None
        else:
            self.reload()

    def reload(self) -> None:
        self.stale = False
        self._load(self._first)
        self._first = False

    @work(thread=True, exclusive=True, group="case", exit_on_error=False)
    def _load(self, log: bool) -> None:
        post_read(self, lambda: desk_of(self).data.load_case(self.case_id, log=log))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.value is not None:
            self._show(message.value)
            return
        self.query_one("#kop", Static).update(
            Content.from_markup(f"[$error b]Zaak kan niet worden geladen:[/] {esc(message.error or '')}")
        )

    # -- rendering -----------------------------------------------------------------------------

    def _show(self, b: CaseBundle) -> None:
        self.bundle = b
        today = desk_of(self).today
        case, person, view = b.case, b.person, b.view
        self.sub_title = f"Zaak {case.zaaknummer}"
        kop = f"[b]{esc(case.zaaknummer or '')}  {esc(person.sort_name)}[/b]  ·  {esc(b.track_title)}"
        if case.urgency:
            kop += "  [$error b]! urgent[/]"
        if case.casuistiekoverleg:
            kop += "  [$error b]! casuïstiekoverleg[/]"
        if case.closed or view.closed:
            kop += "  · [dim]gesloten[/]"
        self.query_one("#kop", Static).update(Content.from_markup(kop))

        # Persoon
        bsn = (person.bsn or "—") if self.bsn_shown else person.bsn_masked
        lines = [
            "[b $accent]Persoon[/]",
            f"[b]{esc(person.name)}[/b]   BSN {esc(bsn)}   geboren {format_date(person.birth_date)}",
        ]
        if person.adres:
            lines.append(esc(person.adres))
        contact = "   ".join(
            p
            for p in (
                person.phone and f"tel. {person.phone}",
                person.email,
                person.preferred_channel and f"voorkeur: {person.preferred_channel}",
            )
            if p
        )
        if contact:
            lines.append(esc(contact))
        zaak = f"Zaak: {b.track_title}, medewerker {case.caseworker or '—'}, geopend {format_date(case.opened)}"
        if case.closed:
            zaak += f", gesloten {format_date(case.closed)}"
        lines.append(esc(zaak))
        if case.urgency:
            lines.append(f"[$error b]Urgent:[/] {esc(case.urgency.label)}")
        if case.casuistiekoverleg:
            lines.append("[$error b]Aangemeld voor het casuïstiekoverleg VNG–UHT[/]")
        if b.laptop:
            who, since = b.laptop
            lines.append(
                f"[$warning b]Mee op laptop van {esc(who)}[/] sinds {format_date(date.fromisoformat(since[:10]))}"
            )
        for k in b.conflicts:
            lines.append(f"[$error b]Conflict bij inleveren ({k.id}):[/] {esc(k.message)}")
        if b.conflicts:
            lines.append("[dim]o: conflict oplossen (houd team, laptop, beide, of corrigeer; met reden)[/]")
        self._set("#persoon", lines)

        # Huishouden: every member, each case of theirs selectable
        hh = self.query_one(Household)
        hh.clear_options()
        options: list[Option] = []
        for member, role, cases in b.household:
            label = f"{role.label:<17} {member.name}"
            if not cases:
                options.append(Option(f"{label}  (geen zaak)", disabled=True))
            for c in cases:
                this = c.id == case.id
                prompt = f"{label}  {c.track.short} {c.zaaknummer}"
                options.append(Option(prompt + ("  (deze zaak)" if this else ""), id=f"zaak-{c.id}", disabled=this))
        hh.add_options(options)
        self.query_one("#huishouden-kop", Static).update(
            Content.from_markup("[b $accent]Huishouden[/]  [dim](h, dan ⏎: zaak van een lid openen)[/]")
        )

        # Tijdlijn: continuation lines stay right of the date; a step's note under its step
        width = self._wrapped_at = self._text_width()
        lines = ["[b $accent]Tijdlijn[/]"]
        if not view.done:
            lines.append("[dim]Nog niets vastgelegd.[/]")
        for step in view.done:
            text = f"{format_date(step.fact_date)}  {step.event_title}"
            style = ""
            if step.superseded:
                text, style = text + "  (vervangen)", "dim strike"
            elif step.off_route:
                text, style = text + "  (buiten de route)", "dim"
            elif step.earlier_round:
                text, style = text + "  (vorige ronde)", "dim"
            if step.inherited:
                text += "  (van de aanvrager)"
            if step.correction:
                text += f"  (correctie: {step.reason or ''})"
            now_mark = view.current is not None and step is view.current
            wrapped = [esc(x) for x in hanging(text, width - (6 if now_mark else 0), TIMELINE_INDENT)]
            if style:
                wrapped = [f"[{style}]{x}[/]" for x in wrapped]
            if step.warning:
                wrapped[-1] += "  [$warning b]let op: na de sluitingsdatum[/]"
            if now_mark:
                wrapped[-1] += "  [b $accent]◀ nu[/]"
            lines.extend(wrapped)
            note = b.event_notes.get(step.event_id) if step.event_id is not None else None
            if note:
                lines.extend(
                    f"[i]{esc(x)}[/]"
                    for x in hanging("Notitie: " + note, width, TIMELINE_INDENT + 2, first=TIMELINE_INDENT)
                )
        now = f"[b]Staat nu:[/] {esc(view.current_title)}"
        if view.outcome:
            now += f"   [b]uitkomst tot nu toe:[/] {esc(Outcome(view.outcome).label)}"
        lines.append(now)
        self._set("#tijdlijn", lines)

        # Termijnen
        lines = ["[b $accent]Lopende termijnen[/]"]
        if not view.running:
            lines.append("[dim]Geen lopende termijnen.[/]")
        for dl in sorted(view.running, key=lambda x: x.due):
            days = dl.days_left(today)
            verb = "uiterlijk" if dl.kind == "deadline" else "loopt tot"
            line = f"{esc(dl.title)}{' [dim](gemeentelijke keuze)[/]' if dl.choice else ''}: {verb} {format_date(dl.due)}  "
            if dl.waiting_on:  # another party owes this date: never the caseworker's overdue work
                line += f"[dim]{esc(dl.waiting_text)}[/]"
            elif dl.kind == "deadline" and days < 0:
                line += f"[$error b]{days_long(days)}[/]"
            elif dl.kind == "deadline" and days <= 14:
                line += f"[$warning b]{days_long(days)}[/]"
            else:
                line += days_long(days)
            lines.append(line)
        self._set("#termijnen", lines)

        # Mogelijke vervolgstappen, per tak
        lines = ["[b $accent]Mogelijke vervolgstappen[/]"]
        if not view.next_steps:
            lines.append("[dim]Geen: de route is afgelopen.[/]")
        for branch, steps in groupby(view.next_steps, key=lambda s: s.branch):
            lines.append(f"[i]{esc(branch)}:[/]")
            for s in steps:
                extra = []
                if s.optional:
                    extra.append("optioneel")
                if s.anytime:
                    extra.append("op elk moment")
                if s.earliest and s.earliest > today:
                    extra.append(f"vanaf {format_date(s.earliest)}")
                lines.append(f"  • {esc(s.title)}" + (f" [dim]({', '.join(extra)})[/]" if extra else ""))
        self._set("#vervolg", lines)

        # Huidige stap: uitleg en contacten
        lines = []
        step = b.step
        if step is not None:
            heading = "Huidige stap" if view.current is not None else "Eerste stap"
            lines.append(f"[b $accent]{heading}: {esc(step.title)}[/]")
            lines.append(esc(step.explanation))
            if step.source:
                lines.append(f"[dim]Bron (na of naast de routekaart): {esc(step.source)}[/]")
            if step.actors:
                lines.append("Wie: " + esc(", ".join(step.actor_titles)))
            for contact in step.contacts:
                lines.append(
                    "Contact: [b]"
                    + esc(contact.name)
                    + "[/b]"
                    + esc("".join(f", {x}" for x in (contact.phone, contact.email) if x))
                )
                if contact.note:
                    lines.append(f"  [dim]{esc(contact.note)}[/]")
                if contact.id == "serviceteam_uht":
                    lines.append(self._verification_line(b))
            for letter in step.letters:
                lines.append(f"Format: {esc(letter)}")
        self._set("#uitleg", lines)

        # Contactmomenten, nieuwste eerst
        lines = [f"[b $accent]Contactmomenten ({len(b.notes)})[/]"]
        if not b.notes:
            lines.append("[dim]Nog geen contactmomenten. F6 of c voegt er een toe.[/]")
        for n in b.notes:
            lines.append(f"[b]{format_date(n.date)}  {esc(n.channel.value):<10}[/b] [dim]{esc(n.by or '')}[/]")
            lines.append(esc(n.text))
        self._set("#notities", lines)
        self.refresh_bindings()

    @staticmethod
    def _verification_line(b: CaseBundle) -> str:
        code = b.verification
        if code is None:
            return "  [$warning]Geen verificatiecode ingelezen[/] [dim](herstel portaal verificatiecode BESTAND)[/]"
        until = format_date(code.valid_until)
        if code.expired:
            return f"  [$error b]Verificatiecode {esc(code.code)} is verlopen[/] (geldig t/m {until})"
        return f"  Verificatiecode: [b]{esc(code.code)}[/b] (geldig t/m {until})"

    def _text_width(self) -> int:
        """Cells a section's line has: the screen less the body's padding and scrollbar gutter."""
        return max(40, self.app.size.width - 4)

    def on_resize(self) -> None:
        # Rewrap for a new width (only then: a repaint of everything costs bytes over SSH); a window
        # that now holds it all shows it from the top.
        if self.bundle is not None and self._text_width() != self._wrapped_at:
            self._show(self.bundle)
        body = self.query_one(CaseBody)
        self.call_after_refresh(lambda: body.scroll_to(y=min(body.scroll_y, body.max_scroll_y), animate=False))

    def _set(self, selector: str, lines: list[str]) -> None:
        self.query_one(selector, Static).update(Content.from_markup("\n".join(lines)))

    # -- actions -------------------------------------------------------------------------------

    def case_id_for_action(self) -> int | None:
        return self.case_id if self.bundle is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CASE_ACTIONS or action in ("letter", "case_audit", "plan", "costs"):
            return self.bundle is not None
        if action == "reveal_bsn":
            return self.bundle is not None and bool(self.bundle.person.bsn)
        return True

    def action_letter(self) -> None:
        from herstel_tui.tui.screens.letter import LetterScreen

        if self.bundle is not None:
            self.app.push_screen(LetterScreen(self.case_id), self.after_change)

    def action_plan(self) -> None:
        from herstel_tui.tui.screens.plan import PlanScreen

        if self.bundle is not None:
            desk = desk_of(self)
            self.app.push_screen(
                PlanScreen(desk.store, self.case_id, today=desk.today, config=desk.config),
                self.after_change,
            )

    def action_costs(self) -> None:
        from herstel_tui.tui.screens.costs import CostsScreen

        if self.bundle is not None:
            desk = desk_of(self)
            self.app.push_screen(CostsScreen(desk.store, self.case_id, today=desk.today), self.after_change)

    def action_case_audit(self) -> None:
        from herstel_tui.tui.screens.audit import AuditScreen

        if self.bundle is not None:
            self.app.push_screen(AuditScreen(self.case_id, self.bundle.case.zaaknummer))

    def action_resolve_conflict(self) -> None:
        if self.bundle is None or not self.bundle.conflicts:
            self.notify("Deze zaak heeft geen conflict bij inleveren.")
            return
        from herstel_tui.tui.screens.conflict_dialog import ConflictDialog

        self._open_dialog(ConflictDialog)

    def action_reload(self) -> None:
        self.reload()

    def action_household(self) -> None:
        self.set_focus(self.query_one(Household))

    @on(OptionList.OptionSelected, "#huishouden")
    def _member(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid.startswith("zaak-"):
            desk_of(self).open_case(int(oid.removeprefix("zaak-")))

    def action_reveal_bsn(self) -> None:
        if self.bundle is None:
            return
        if self.bsn_shown:
            self.bsn_shown = False
            self._show(self.bundle)
            return
        self._reveal(self.bundle.person.id)

    @work(thread=True, group="reveal", exit_on_error=False)
    def _reveal(self, person_id: int) -> None:
        data = desk_of(self).data
        try:
            data.call(data.store.audit.viewed, person_id=person_id, case_id=self.case_id, what="bsn")
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"BSN niet getoond: {exc}", severity="error")
            return

        def shown() -> None:
            self.bsn_shown = True
            if self.bundle is not None:
                self._show(self.bundle)

        self.app.call_from_thread(shown)
