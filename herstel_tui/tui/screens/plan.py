"""The plan van aanpak: five leefgebieden with situation, help question, goals and actions.

Self-contained: ``PlanScreen(store, case_id)`` works on the desk (``HerstelApp``) and on any host
App. Reads run in ``@work(thread=True)`` workers that post messages back; every write goes through
the store's :class:`SaveQueue`, field by field as the caseworker types (:class:`Autosave`): a
dropped SSH connection loses at most the field being typed.

Content can change only in a concept. An agreed version keeps its texts; its goals' status and
its actions' "done" stay editable on the latest version (progress, not a change of the plan).
``w`` makes a new concept version copied from it; ``o`` shows the older versions, read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.events import DescendantBlur, DescendantFocus
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from herstel_tui.domain.dates import DateError, format_date
from herstel_tui.domain.plan import LEEFGEBIEDEN, Action, Goal, GoalStatus, Leefgebied, PlanVersion
from herstel_tui.tui import keymap
from herstel_tui.tui.bases import StoreScreen
from herstel_tui.tui.config import DeskConfig
from herstel_tui.tui.forms.choices import ChoiceDialog, ConfirmDialog
from herstel_tui.tui.forms.errors import Refusal
from herstel_tui.tui.forms.fields import ErrorLine, FieldChanged, changed_field, on_field_change
from herstel_tui.tui.forms.saving import Autosave, FieldValue, Job, Loaded, SaveQueue, post_read
from herstel_tui.tui.host import footer, header, refresh_host, set_blink
from herstel_tui.tui.screens.costs import CostsScreen
from herstel_tui.tui.screens.plan_dialogs import AgreeDialog, NazorgDialog
from herstel_tui.tui.screens.plan_form import (
    ActionField,
    ActionRow,
    AreaSection,
    GoalField,
    GoalRow,
    PlanAgreedMeanwhile,
    PlanBundle,
    PlanField,
    PlanForm,
    PlanWriter,
    head_markup,
    known_due,
    read_due,
    read_plan,
    widget_id,
)

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.store.plan import PlanRepository


def agreed_meanwhile(refusal: Refusal) -> bool:
    """The concept being written was agreed meanwhile (another desk, the CLI)."""
    from herstel_tui.store.base import VersionAgreed

    return isinstance(refusal.error, PlanAgreedMeanwhile | VersionAgreed)


class PlanScreen(StoreScreen):
    """The plan van aanpak of one case; ``version``: show that (older) version read-only."""

    HELP = "plan"
    BINDINGS = keymap.PLAN

    def __init__(
        self,
        store: Store,
        case_id: int,
        *,
        version: int | None = None,
        today: date | None = None,
        config: DeskConfig | None = None,
    ) -> None:
        super().__init__(store, today=today, config=config)
        self.case_id = case_id
        self.number = version  # None: the latest (editable) version
        self.bundle: PlanBundle | None = None
        self.writer = PlanWriter(store, case_id, None)
        self.current_area: Leefgebied = Leefgebied.FINANCIEN
        self.targets: dict[str, PlanField] = {}  # widget id -> the field it stands for
        self.errors: dict[PlanField, str] = {}
        self.autosave: Autosave[PlanField] = Autosave(
            self, lambda: self.store, self._job_for, saved=self._saved, failed=self._save_failed
        )
        self._viewed = False
        self._last_row: GoalRow | ActionRow | None = None
        self._status_shown: tuple[str, bool] | None = None

    # -- properties --------------------------------------------------------------------------

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

    @property
    def queue(self) -> SaveQueue:
        return SaveQueue.of(self.store)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield header()
        yield Static("Plan laden…", id="plankop")
        yield VerticalScroll(id="plan")
        yield Static("", id="planstatus")
        yield footer()

    def on_mount(self) -> None:
        self.sub_title = "Plan van aanpak"
        self.query_one("#plan").loading = True
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="plan-laden", exit_on_error=False)
    def _load(self, soft: bool = False) -> None:
        today, first = self.today, not self._viewed

        def read() -> PlanBundle:
            bundle = read_plan(self.store, self.case_id, self.number, today, log_view=first)
            if bundle.error is None:
                self._viewed = True  # who saw which plan when: once per screen, not on every reload
            return bundle

        post_read(self, read, store=self.store, tag=soft)  # tag True: only the heading; the form stays

    async def on_loaded(self, message: Loaded) -> None:
        message.stop()
        bundle: PlanBundle | None = message.value
        if message.tag:
            if bundle is not None and self.bundle is not None and bundle.error is None:
                self.bundle = bundle
                self._show_head()
                self.refresh_bindings()
            return
        container = self.query_one("#plan", VerticalScroll)
        container.loading = False
        if bundle is None:
            self._status(f"Plan kan niet worden geladen: {message.error}", error=True)
            return
        b = self.bundle = bundle
        self.writer.version_id = b.version.id if b.version and b.version.editable and not self.readonly else None
        self.autosave.reset()
        self.targets.clear()
        self.errors.clear()
        self._show_head()
        await container.remove_children()
        if b.error:
            await container.mount(Static(b.error, classes="leeg"))
            self.refresh_bindings()
            return
        await container.mount_all(self._form().sections(b.version))
        set_blink(*self.query("Input, TextArea"))
        self._status_saved()
        self.refresh_bindings()
        first = next(
            (w for w in self.query("#plan TextArea, #plan Input, #plan Select, #plan Checkbox") if not w.disabled), None
        )
        (first or container).focus()

    def _form(self) -> PlanForm:
        return PlanForm(content=self.content_editable, progress=self.progress_editable, register=self._register)

    def _register(self, target: PlanField, value: FieldValue) -> None:
        self.targets[widget_id(target)] = target
        self.autosave.remember(target, value)

    def _show_head(self) -> None:
        b = self.bundle
        assert b is not None
        markup = head_markup(b, readonly=self.readonly, today=self.today)
        self.query_one("#plankop", Static).update(Content.from_markup(markup))
        self.sub_title = f"Plan {b.case.zaaknummer}"

    # -- status line ---------------------------------------------------------------------------

    def _status(self, text: str, *, error: bool = False) -> None:
        if self._status_shown == (text, error):
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
        elif self.autosave.busy:
            self._status("Opslaan…")
        elif self.content_editable:
            self._status("Concept · wordt opgeslagen terwijl u typt · F1 help")
        else:
            self._status("Vastgesteld: alleen status en 'gedaan' wijzigen · F8 w: nieuwe versie")

    # -- saving fields -------------------------------------------------------------------------

    def _job_for(self, target: PlanField, value: FieldValue, based: FieldValue | None) -> Job | None:
        if isinstance(target, ActionField) and target.attr == "due":
            try:
                due = read_due(value)
            except DateError as exc:
                self._field_error(target, str(exc))
                self.autosave.forget(target)
                return None
            self._field_error(target, None)
            return self.writer.job(target, due, known_due(based))
        return self.writer.job(target, value, based)

    def _field_error(self, target: PlanField, message: str | None) -> None:
        slot = next(self.query(f"#fout-{widget_id(target)}").results(ErrorLine), None)
        if message:
            self.errors[target] = message
            if slot is not None:
                slot.show(message)
        else:
            self.errors.pop(target, None)
            if slot is not None:
                slot.clear()
        self._status_saved()

    def _flush(self, target: PlanField | None = None) -> None:
        self.autosave.flush(target)
        try:
            self._status_saved()
        except Exception:
            pass  # the screen is being taken down

    def _saved(self, target: PlanField, result: object) -> None:
        self.errors.pop(target, None)
        self._status_saved()
        self._after_first_write()

    def _after_first_write(self) -> None:
        """The first change of an empty plan made version 1: show it (without rebuilding the form)."""
        if self.bundle is not None and self.bundle.version is None and self.writer.version_id is not None:
            self._load(soft=True)

    def _save_failed(self, target: PlanField, refusal: Refusal) -> None:
        if refusal.conflict and not self.readonly:
            # Another desk saved this field after this screen read it: never write over that.
            # Tell the caseworker, keep what they typed visible in the message, show what is true now.
            mine = self._typed(target)
            shown = mine if len(mine) <= 300 else mine[:300] + "…"
            self.notify(
                f"Niet opgeslagen: {refusal.message}." + (f" Uw tekst was: “{shown}”" if mine.strip() else ""),
                title="Intussen gewijzigd",
                severity="warning",
                timeout=20,
            )
            self._flush()
            self.reload()
            return
        self.errors[target] = refusal.message
        self._status_saved()
        if agreed_meanwhile(refusal) and not self.readonly:
            # Someone agreed this concept meanwhile (another desk, the CLI): show what is true now.
            self.notify(
                f"Niet opgeslagen: {refusal.message}. Het plan wordt opnieuw geladen.", severity="warning", timeout=8
            )
            self.reload()

    def _typed(self, target: PlanField) -> str:
        w = next(iter(self.query(f"#{widget_id(target)}")), None)
        if isinstance(w, TextArea):
            return w.text
        return w.value if isinstance(w, Input) else ""

    def _field_event(self, widget: Widget | None, value: FieldValue, *, now: bool = False) -> None:
        if widget is None or self.bundle is None or self.readonly or widget.disabled:
            return
        target = self.targets.get(widget.id or "")
        if target is None:
            return
        self.autosave.changed(target, value, now=now)
        self._status_saved()

    @on_field_change
    def _field_changed(self, event: FieldChanged) -> None:
        widget, value, now = changed_field(event)
        if value is not None:  # a Select without a choice writes nothing
            self._field_event(widget, value, now=now)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        target = self.targets.get(event.widget.id or "")
        if target is not None and self.autosave.is_pending(target):
            self._flush(target)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        node: DOMNode | None = event.widget
        while node is not None and node is not self:
            if isinstance(node, AreaSection):
                self.current_area = node.area
                return
            node = node.parent

    def on_unmount(self) -> None:
        self._flush()

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
        self._flush()
        self.dismiss()

    def action_save_now(self) -> None:
        if self.readonly:
            return
        focused = self.focused
        target = self.targets.get(focused.id or "") if focused is not None else None
        if target is not None:
            if isinstance(focused, Input):
                self.autosave.changed(target, focused.value)
            elif isinstance(focused, TextArea):
                self.autosave.changed(target, focused.text)
        self._flush()

    def _refuse(self, message: str) -> None:
        self._status(f"Niet opgeslagen: {message}", error=True)
        self.notify(message, severity="error", timeout=6)

    def _refused(self, refusal: Refusal) -> None:
        self._refuse(refusal.message)

    def action_add_goal(self) -> None:
        self._add_row(lambda plans, version, area: plans.add_goal(version, area))

    def action_add_action(self) -> None:
        self._add_row(lambda plans, version, area: plans.add_action(version, area))

    def _add_row(self, add: Callable[[PlanRepository, int, Leefgebied], Goal | Action]) -> None:
        """A new goal or action in the leefgebied of the cursor, written at once, then shown."""
        if not self.content_editable:
            return
        writer, area = self.writer, self.current_area
        self._flush()
        self.queue.put(
            self,
            lambda: add(writer.plans, writer.concept(), area),
            lambda item: self.run_worker(self._mount_row(item), group="plan-mount", exclusive=False),
            self._refused,
        )

    async def _mount_row(self, item: Goal | Action) -> None:
        self._after_first_write()
        form, area = self._form(), item.area.value
        row: GoalRow | ActionRow
        if isinstance(item, Goal):
            box, hint = self.query_one(f"#doelen-{area}", Vertical), f"#geendoel-{area}"
            row = form.goal_row(item, len(box.children) + 1)
        else:
            box, hint = self.query_one(f"#acties-{area}", Vertical), f"#geenactie-{area}"
            row = form.action_row(item, len(box.children) + 1)
        await box.mount(row)
        for empty in self.query(hint):
            await empty.remove()
        self._cursor(row.query("Input, TextArea").first())
        self.refresh_bindings()

    def _cursor(self, widget: Widget) -> None:
        set_blink(widget)
        widget.focus()
        widget.scroll_visible(animate=False)

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
        node: DOMNode | None = self.focused
        while node is not None and node is not self:
            if isinstance(node, (GoalRow, ActionRow)):
                return node
            node = node.parent
        return self._last_row

    def action_delete_row(self) -> None:
        row = self._focused_row()
        if row is None or not self.content_editable:
            self.notify("Zet de cursor eerst in het doel of de actie die weg moet.", timeout=4)
            return
        plans = self.writer.plans
        job: Job
        if isinstance(row, GoalRow):
            gid = row.goal_id
            text = self.query_one(f"#{widget_id(GoalField(gid, 'text'))}", TextArea).text.strip() or "(leeg)"
            question, job = f"Doel '{text[:40]}' verwijderen?", (lambda: plans.delete_goal(gid))

            def of_row(t: PlanField) -> bool:
                return isinstance(t, GoalField) and t.goal_id == gid
        else:
            aid = row.action_id
            text = self.query_one(f"#{widget_id(ActionField(aid, 'what'))}", Input).value.strip() or "(leeg)"
            question, job = f"Actie '{text[:40]}' verwijderen?", (lambda: plans.delete_action(aid))

            def of_row(t: PlanField) -> bool:
                return isinstance(t, ActionField) and t.action_id == aid

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.autosave.drop_pending(keep=lambda t: not of_row(t))
            self.queue.put(
                self, job, lambda _: self.run_worker(self._unmount_row(row), group="plan-mount"), self._refused
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
        plans, case_id = self.writer.plans, self.case_id

        def push(version: PlanVersion | None) -> None:
            if version is None or not version.editable:
                self._refuse("er is nog geen concept om vast te stellen: vul eerst het plan in")
                return
            self.app.push_screen(AgreeDialog(self.store, case_id, version, today=self.given_today), self._after_dialog)

        # Through the queue: the concept is read after every field typed before it is written.
        self.queue.put(self, lambda: plans.version(case_id), push, self._refused)

    def _after_dialog(self, result: object) -> None:
        if result:
            refresh_host(self.app)
            self.reload()

    def action_new_version(self) -> None:
        v = self.version
        if v is None or v.editable or self.readonly:
            return
        plans, case_id = self.writer.plans, self.case_id
        self._flush()

        def made(new: PlanVersion) -> None:
            self.notify(f"Versie {new.number} gemaakt (concept). Versie {v.number} blijft bewaard.", timeout=5)
            self.reload()

        self.queue.put(self, lambda: plans.start_concept(case_id), made, self._refused)

    def action_versions(self) -> None:
        if self.bundle is None or not self.bundle.versions:
            return
        opts: list[tuple[str, str, str | None]] = []
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
                PlanScreen(self.store, self.case_id, version=number, today=self.given_today, config=self.given_config)
            )

        self.app.push_screen(ChoiceDialog("Versies van het plan (⏎ opent)", opts), chosen)

    def action_print(self) -> None:
        if self.version is None:
            return
        from herstel_tui.services.plan_print import print_plan
        from herstel_tui.settings.config import resolve_export_dir

        self._flush()
        cfg = self.config
        folder = resolve_export_dir(cfg)
        number, store, case_id, today = self.version.number, self.store, self.case_id, self.today

        def printed(written: list[Path]) -> None:
            names = " en ".join(p.name for p in written)
            self.notify(f"Afgedrukt: {names} in {folder}", timeout=8)

        # Through the queue: the print shows every field typed before it (and is audited).
        self.queue.put(
            self,
            lambda: print_plan(store, case_id, gemeente=cfg.gemeente, number=number, folder=folder, today=today),
            printed,
            lambda r: self._refuse(f"afdrukken mislukt: {r.message}"),
        )

    def action_nazorg(self) -> None:
        if self.bundle is None or self.bundle.version is None or self.readonly:
            return
        from herstel_tui.domain.plan import nazorg_problem

        self._flush()
        problem = nazorg_problem(self._current_goals_version())
        if problem:
            self.notify(f"Nazorg kan nog niet starten: {problem}.", severity="warning", timeout=6)
            return

        def done(result: object) -> None:
            if result:
                self.notify("Nazorg gestart (24 maanden).", timeout=5)
                refresh_host(self.app)
                self.reload()

        self.app.push_screen(NazorgDialog(self.store, self.case_id, today=self.given_today), done)

    def _current_goals_version(self) -> PlanVersion | None:
        """The version with the goal statuses as shown now (the form may be ahead of the load)."""
        v = self.version
        if v is None:
            return None

        def as_shown(g: Goal) -> Goal:
            assert g.id is not None
            status = next(self.query(f"#{widget_id(GoalField(g.id, 'status'))}").results(Select), None)
            if status is None or status.value is Select.NULL:
                return g
            return g.model_copy(update={"status": GoalStatus(str(status.value))})

        loaded = {g.id for g in v.goals}
        added = [row.goal for row in self.query(GoalRow) if row.goal.id not in loaded]
        goals = [as_shown(g) for g in [*v.goals, *added]]
        return v.model_copy(update={"goals": tuple(goals)})

    def action_costs(self) -> None:
        self._flush()
        self.app.push_screen(CostsScreen(self.store, self.case_id, today=self.given_today, config=self.given_config))

    def action_menu(self) -> None:
        keys = {b.action: b.key for b in keymap.PLAN if isinstance(b, Binding)}
        options = [(action, line, keys[action]) for action, line in keymap.PLAN_MENU.items()]
        usable: list[tuple[str, str, str | None]] = [o for o in options if self.check_action(o[0], ()) is True]
        self._last_row = self._focused_row()

        def chosen(value: object) -> None:
            if value:
                self.call_after_refresh(self.run_action, str(value))

        self.app.push_screen(ChoiceDialog("Meer (letter of ⏎)", usable), chosen)
