"""Settling a conflict from a check-in (issue 19) on the case screen: the first open conflict of the
case, both versions shown, and a choice — the team's, the laptop's, both, or a correction — with a
reason (services/checkout.resolve; audited). Key ``o`` on the case screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape as esc
from textual.widgets import Input, RadioButton, RadioSet, Static

from herstel_tui.domain.enums import OTHER_ROLES
from herstel_tui.tui.forms.errors import FieldError
from herstel_tui.tui.forms.fields import field_row
from herstel_tui.tui.screens.case_dialogs import CaseDialog, contradiction_notices

CHOICES = (
    ("team", "Houd de versie van het team"),
    ("laptop", "Houd de versie van de laptop"),
    ("beide", "Houd beide"),
    ("correctie", "Corrigeer: een nieuwe waarde"),
)


def _shown(value: Any, field: str = "") -> str:
    if isinstance(value, dict) and field != "huishouden":
        if "rows" in value:
            versions = value["rows"].get("plan_versions", [])
            return ", ".join(f"versie {v['number']} ({v['status']})" for v in versions) or "geen plan"
        return " ".join(str(v) for k, v in value.items() if v and k in ("step", "outcome", "fact_date"))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    from herstel_tui.store.checkout import shown_value

    return shown_value(field, value)


# What a correction takes, where it is not a field's new value.
_CORRECTION_HINTS = {
    "stap": "bij correctie: STAP of STAP:UITKOMST",
    "huishouden": f"bij correctie: een rol ({OTHER_ROLES})",
}


class ConflictDialog(CaseDialog):
    TITLE_TEXT = "Conflict bij inleveren"
    HELP = "conflict"

    @staticmethod
    def notices(result: object) -> list[str]:
        from herstel_tui.services.checkout import Resolved

        return contradiction_notices(result.contradicted) if isinstance(result, Resolved) else []

    def fields(self) -> ComposeResult:
        yield Static("", id="conflict")
        choice = RadioSet(id="keuze")
        choice.compact = True
        with choice:
            for value, label in CHOICES:
                yield RadioButton(label, id=value, value=value == "team", compact=True)
        yield from field_row("Waarde", Input(placeholder="bij correctie: de nieuwe waarde", id="waarde", compact=True))
        yield from field_row("Reden", Input(placeholder="waarom (komt in het logboek)", id="reden", compact=True))

    def ready(self, extra: Any) -> None:
        assert self.bundle is not None
        k = self.bundle.conflicts[0] if self.bundle.conflicts else None
        if k is None:
            self.query_one("#conflict", Static).update("Deze zaak heeft geen open conflict meer.")
            return
        more = len(self.bundle.conflicts) - 1
        self.query_one("#conflict", Static).update(
            Content.from_markup(
                f"{esc(k.message)}\n[b]Team:[/b] {esc(_shown(k.team_value, k.field))}\n"
                f"[b]Laptop:[/b] {esc(_shown(k.laptop_value, k.field))}"
                + (f" [dim](door {esc(k.laptop_by)})[/]" if k.laptop_by else "")
                + (f"\n[dim]Daarna nog {more} conflict(en).[/]" if more > 0 else "")
            )
        )
        hint = _CORRECTION_HINTS.get(k.field if k.field == "huishouden" else k.kind)
        if hint:
            self.query_one("#waarde", Input).placeholder = hint
        self.query_one("#keuze").focus()

    def prepare(self) -> Callable[[], object]:
        from herstel_tui.services.checkout import resolve

        assert self.bundle is not None
        if not self.bundle.conflicts:
            raise FieldError("geen open conflict", "reden")
        conflict_id = self.bundle.conflicts[0].id
        pressed = self.query_one("#keuze", RadioSet).pressed_button
        choice = pressed.id if pressed is not None and pressed.id else "team"
        reason = self.field_value("reden").strip()
        value = self.field_value("waarde").strip() or None
        if not reason:
            raise FieldError("geef een reden", "reden")
        if choice == "correctie" and not value:
            raise FieldError("geef bij een correctie de nieuwe waarde", "waarde")
        store = self.store
        return lambda: resolve(store, conflict_id, choice, reason, value)
