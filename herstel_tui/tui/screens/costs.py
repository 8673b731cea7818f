"""SPUK costs of one case: the entries with totals per component, and the entry form.

``CostsScreen(store, case_id)``; ``CostDialog(store, case_id, entry_id=None)``. The form keeps
what is typed as a draft in the database (restored when it reopens after a dropped connection)
and saves the entry and removes the draft in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape as esc
from textual.widgets import DataTable, Input, Label, Select, Static

from herstel_tui.domain.costs import (
    COST_FIELD_LABELS,
    CostEntry,
    CostKind,
    format_euro,
    format_quantity,
    parse_money,
    parse_quantity,
    pxq,
)
from herstel_tui.domain.dates import format_date
from herstel_tui.tui import keymap
from herstel_tui.tui.bases import StoreScreen
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.forms.choices import ConfirmDialog
from herstel_tui.tui.forms.errors import FieldError, explain_one
from herstel_tui.tui.forms.fields import Dropdown, field_row
from herstel_tui.tui.forms.saving import Loaded, SaveQueue, post_read
from herstel_tui.tui.host import footer, header, refresh_host
from herstel_tui.tui.screens.plan_dialogs import PlanDialog
from herstel_tui.tui.screens.spuk import SpukScreen

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.store.costs import CostLine


@dataclass
class CostsBundle:
    case: Any
    person: Any
    lines: list[CostLine]
    totals: dict[str, int]
    components: dict[str, str]


class CostsScreen(StoreScreen):
    HELP = "kosten"
    BINDINGS = keymap.COSTS

    def __init__(
        self, store: Store, case_id: int, *, today: date | None = None, config: DeskConfig | None = None
    ) -> None:
        super().__init__(store, today=today, config=config)
        self.case_id = case_id
        self.bundle: CostsBundle | None = None
        self._viewed = False

    def compose(self) -> ComposeResult:
        yield header()
        yield Static("Kosten laden…", id="kostenkop")
        table: DataTable = DataTable(id="posten", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="postdetail")
        yield Static("", id="totalen")
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "SPUK-kosten"
        table = self.query_one("#posten", DataTable)
        for label, key, width in (
            ("Datum", "datum", 10),
            ("Comp", "comp", 4),
            ("Omschrijving", "oms", 24),
            ("Berekening", "ber", 18),
            ("Bedrag", "bedrag", 12),
        ):
            table.add_column(label, key=key, width=width)
        table.loading = True
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="kosten-laden", exit_on_error=False)
    def _load(self) -> None:
        def read() -> CostsBundle:
            case = self.store.cases.get(self.case_id)
            person = self.store.persons.get(case.person_id)
            lines = self.store.costs.of_case(self.case_id)
            totals = self.store.costs.totals(self.case_id)
            if not self._viewed:
                self.store.audit.viewed(person_id=case.person_id, case_id=self.case_id, what="kosten")
                self._viewed = True
            return CostsBundle(case, person, lines, totals, self.store.routekaart.spuk_components)

        post_read(self, read, store=self.store)

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        table = self.query_one("#posten", DataTable)
        table.loading = False
        if message.value is None:
            self.query_one("#kostenkop", Static).update(
                Content.from_markup(f"[$error b]Kosten kunnen niet worden geladen:[/] {esc(message.error or '')}")
            )
            return
        b = self.bundle = message.value
        self.sub_title = f"Kosten {b.case.zaaknummer}"
        self.query_one("#kostenkop", Static).update(
            Content.from_markup(
                f"[b]{esc(b.case.zaaknummer or '')}  {esc(b.person.sort_name)}[/b] · SPUK-kosten · "
                f"{len(b.lines)} {'post' if len(b.lines) == 1 else 'posten'}"
            )
        )
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        for line in b.lines:
            e = line.entry
            table.add_row(
                format_date(e.date),
                e.component,
                e.description,
                e.calculation,
                Text(format_euro(e.amount_cents), justify="right"),
                key=str(e.id),
            )
        if b.lines:
            table.move_cursor(row=min(keep, len(b.lines) - 1))
        parts = [f"[b]{esc(c)}[/b] {esc(format_euro(b.totals.get(c, 0)))}" for c in b.components]
        extra = [c for c in b.totals if c not in b.components]
        parts += [f"[b]{esc(c)}[/b] {esc(format_euro(b.totals[c]))}" for c in extra]
        total = sum(b.totals.values())
        lines = ["Totaal per component:  " + "   ".join(parts), f"[b]Totaal: {esc(format_euro(total))}[/b]"]
        if not b.lines:
            lines.insert(0, "[dim]Nog geen kostenposten. F4 of n legt er een vast.[/]")
        self.query_one("#totalen", Static).update(Content.from_markup("\n".join(lines)))
        self._show_detail()
        self.refresh_bindings()
        table.focus()

    def _selected(self) -> CostLine | None:
        if self.bundle is None or not self.bundle.lines:
            return None
        table = self.query_one("#posten", DataTable)
        row = table.cursor_row
        if row is None or row < 0 or row >= len(self.bundle.lines):
            return None
        return self.bundle.lines[row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        line = self._selected()
        text = ""
        if line is not None:
            e = line.entry
            text = f"Bij actie: {line.action_text}" if line.action_text else "Niet gekoppeld aan een actie"
            if e.recorded_by:
                text = f"{e.recorded_by} · " + text
        self.query_one("#postdetail", Static).update(text)

    @on(DataTable.RowSelected)
    def _selected_row(self) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):
            return self._selected() is not None
        if action == "new":
            return self.bundle is not None
        return True

    def _after(self, result: object) -> None:
        if result:
            refresh_host(self.app)
            self.reload()

    def action_new(self) -> None:
        if self.bundle is None:
            return
        self.app.push_screen(CostDialog(self.store, self.case_id, today=self.given_today), self._after)

    def action_edit(self) -> None:
        line = self._selected()
        if line is None:
            return
        self.app.push_screen(
            CostDialog(self.store, self.case_id, entry_id=line.entry.id, today=self.given_today), self._after
        )

    def action_delete(self) -> None:
        line = self._selected()
        if line is None:
            return
        e, costs = line.entry, self.store.costs
        cost_id = e.id
        assert cost_id is not None

        def answered(yes: bool | None) -> None:
            if yes:
                SaveQueue.of(self.store).put(
                    self,
                    lambda: costs.delete(cost_id),
                    lambda _: self._after(True),
                    lambda r: self.notify(r.message, severity="error", timeout=6),
                )

        self.app.push_screen(
            ConfirmDialog(f"Kostenpost '{e.description[:40]}' ({format_euro(e.amount_cents)}) verwijderen?"), answered
        )

    def action_year_report(self) -> None:
        line = self._selected()
        year = line.entry.date.year if line is not None else self.today.year
        self.app.push_screen(SpukScreen(self.store, year, today=self.given_today, config=self.config))


class CostDialog(PlanDialog):
    """One cost entry: new (``entry_id=None``) or a change of an existing one."""

    HELP = "kostenpost"
    TITLE_TEXT = "Kostenpost"
    DISCARD_QUESTION = "Kostenpost weggooien?"
    DRAFT = "kosten"
    DRAFT_FIELDS = ("datum", "component", "omschrijving", "soort", "aantal", "prijs", "bedrag", "actie")

    def __init__(self, store: Store, case_id: int, *, entry_id: int | None = None, today: date | None = None) -> None:
        super().__init__(store, case_id, today=today)
        self.entry_id = entry_id
        self.entry: CostEntry | None = None

    @property
    def draft_form(self) -> str:
        from herstel_tui.store.plan import draft_key

        return draft_key(self.DRAFT, self.case_id, self.entry_id)

    def fields(self) -> ComposeResult:
        yield from field_rows()

    def read(self) -> object:
        entry = self.store.costs.get(self.entry_id) if self.entry_id is not None else None
        return entry, self.store.plans.action_choices(self.case_id), self.store.routekaart.spuk_components

    def fill(self, extra: Any) -> None:
        entry, choices, components = extra
        self.entry = entry
        comp = self.query_one("#component", Select)
        # Whole titles: the dropdown wraps them (a cut at 60 characters left "hul", "leide", "vas").
        comp.set_options([(f"{cid} · {title}", cid) for cid, title in components.items()])
        actie = self.query_one("#actie", Select)
        actie.set_options([("(niet gekoppeld)", "-")] + [(c.label, str(c.uid)) for c in choices])
        actie.value = "-"
        title = "Kostenpost wijzigen" if entry is not None else "Nieuwe kostenpost"
        self.query_one("#dialoogtitel", Static).update(Content.from_markup(f"[b]{title}[/b]"))
        if entry is None:
            self.query_one("#datum", Input).value = format_date(self.today)
            self.query_one("#soort", Select).value = CostKind.UREN.value
            return
        self.query_one("#datum", Input).value = format_date(entry.date)
        try:
            comp.value = entry.component
        except Exception:
            pass
        self.query_one("#omschrijving", Input).value = entry.description
        self.query_one("#soort", Select).value = entry.kind.value
        if entry.quantity is not None:
            self.query_one("#aantal", Input).value = format_quantity(entry.quantity)
        if entry.price is not None:
            self.query_one("#prijs", Input).value = format_euro(entry.price).removeprefix("€ ")
        if entry.actual is not None:
            self.query_one("#bedrag", Input).value = format_euro(entry.actual).removeprefix("€ ")
        if entry.action_uid is not None:
            try:
                actie.value = str(entry.action_uid)
            except Exception:
                pass

    def after_fill(self) -> None:
        self._kind_changed()
        self._compute()
        self.query_one("#datum" if self.entry is None else "#omschrijving").focus()

    def _kind(self) -> CostKind:
        value = self.field_value("soort") or CostKind.UREN.value
        return CostKind(value)

    def _kind_changed(self) -> None:
        kind = self._kind()
        self.query_one("#rij-aantal").display = kind.is_pxq
        self.query_one("#rij-prijs").display = kind.is_pxq
        self.query_one("#rij-bedrag").display = not kind.is_pxq
        self.query_one("#label-aantal", Label).update("Uren" if kind is CostKind.UREN else "Aantal")
        self.query_one("#label-prijs", Label).update("Tarief (€)" if kind is CostKind.UREN else "Prijs (€)")

    def _compute(self) -> None:
        kind = self._kind()
        out = self.query_one("#uitkomst", Static)
        try:
            if kind.is_pxq:
                q = parse_quantity(self.field_value("aantal"), label="aantal")
                p = parse_money(self.field_value("prijs"), label="prijs")
                unit = "uur" if kind is CostKind.UREN else "stuks"
                text = (
                    f"Bedrag: {format_quantity(q)} {unit} × {format_euro(p)} = [b]{format_euro(pxq(p, q))}[/b]"
                    "  [dim](afgerond op hele centen)[/]"
                )
            else:
                text = f"Bedrag: [b]{format_euro(parse_money(self.field_value('bedrag')))}[/b]"
        except (ValueError, TypeError):
            text = "Bedrag: —"
        out.update(Content.from_markup(text))

    def field_changed(self, fid: str) -> None:
        if fid == "soort":
            self._kind_changed()
        if fid in ("soort", "aantal", "prijs", "bedrag"):
            self._compute()

    def field_left(self, fid: str) -> None:
        checks = {
            "datum": lambda v: self._date(),
            "aantal": lambda v: parse_quantity(v, label="aantal") if v.strip() else None,
            "prijs": lambda v: parse_money(v, label="prijs") if v.strip() else None,
            "bedrag": lambda v: parse_money(v, label="bedrag") if v.strip() else None,
        }
        if fid not in checks:
            return
        try:
            checks[fid](self.field_value(fid))
        except (ValueError, TypeError, FieldError) as exc:
            self.show_error(str(exc), fid, focus=False)
            return
        self.clear_error(fid)

    def _date(self) -> date:
        return self.past_date("datum", "vul de datum in (dd-mm-jjjj)")

    def prepare(self) -> Callable[[], Any]:
        from pydantic import ValidationError

        when = self._date()
        kind = self._kind()
        actie = self.field_value("actie")
        raw = {
            "id": self.entry_id,
            "case_id": self.case_id,
            "date": when,
            "component": self.field_value("component"),
            "description": self.field_value("omschrijving"),
            "kind": kind.value,
            "quantity": self.field_value("aantal") if kind.is_pxq else None,
            "price": self.field_value("prijs") if kind.is_pxq else None,
            "actual": self.field_value("bedrag") if not kind.is_pxq else None,
            "action_uid": int(actie) if actie and actie != "-" else None,
        }
        if not raw["component"]:
            raise FieldError("kies een component", "component")
        try:
            entry = CostEntry(**raw)
        except ValidationError as exc:
            first = None
            for err in exc.errors():
                loc = str(err.get("loc", ("",))[0]) if err.get("loc") else ""
                msg = explain_one(err)
                fid = COST_FIELD_LABELS.get(loc)  # the form's fields are named by these labels
                if fid:
                    self.show_error(msg, fid, focus=first is None)
                    first = first or fid
                else:
                    self.show_error(msg)
            raise FieldError("de kostenpost klopt nog niet; zie de meldingen", None) from None
        costs, form = self.store.costs, self.draft_form
        if self.entry_id is None:
            return lambda: costs.add(entry, draft=form)
        return lambda: costs.update(entry, draft=form)


def field_rows() -> ComposeResult:
    yield from field_row("Datum", Input(placeholder="dd-mm-jjjj", id="datum", compact=True))
    yield from field_row("Component", Dropdown([], prompt="kies A, B of C", id="component", compact=True))
    yield from field_row(
        "Omschrijving", Input(placeholder="wat is er gedaan of betaald", id="omschrijving", compact=True)
    )
    yield from field_row(
        "Soort",
        Dropdown(
            CostKind.choices(),
            value=CostKind.UREN.value,
            allow_blank=False,
            id="soort",
            compact=True,
        ),
    )
    yield from field_row("Uren", Input(placeholder="bijv. 1,5", id="aantal", compact=True))
    yield from field_row("Tarief (€)", Input(placeholder="bijv. 85,00", id="prijs", compact=True))
    yield from field_row("Bedrag (€)", Input(placeholder="bijv. 1.234,56", id="bedrag", compact=True))
    yield from field_row(
        "Bij actie", Dropdown([("(niet gekoppeld)", "-")], value="-", allow_blank=False, id="actie", compact=True)
    )
    yield Static("Bedrag: —", id="uitkomst", classes="uitleg")
