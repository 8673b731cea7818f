"""The audit trail as a person reads it: a functionaris gegevensbescherming asking "who looked at
this parent's file, and what changed?".

The stored rows keep the store's own words (field names, cents, ids); here they become Dutch
labels and values as the desk shows them (dates dd-mm-jjjj, euros, the routekaart's step titles,
urgency criteria by name), and the drafts a form kept while someone typed are folded into the save
they led to ("+ 5 concepten"). Texts themselves are never in the trail: a changed text says how
its length changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import AuditAction, Channel, CostKind, Outcome, Urgency
from herstel_tui.domain.models import AuditEntry
from herstel_tui.domain.text import for_terminal

ENTITIES = {
    "zaak": "zaak",
    "persoon": "persoon",
    "huishouden": "huishouden",
    "gebeurtenis": "stap",
    "contactmoment": "contactmoment",
    "kosten": "kostenpost",
    "plan": "plan van aanpak",
    "doel": "doel",
    "actie": "actie",
    "leefgebied": "leefgebied",
    "formulier": "formulier",
    "database": "database",
    "zaakoverzicht": "zaakoverzicht",
}

FIELDS = {
    "urgency": "urgentie",
    "casuistiekoverleg": "casuïstiekoverleg",
    "caseworker": "medewerker",
    "closed": "gesloten",
    "aantal_x100": "aantal",
    "prijs_centen": "tarief",
    "bedrag_centen": "bedrag",
    "stap": "stap",
    "uitkomst": "uitkomst",
    "datum": "datum",
    "reden": "reden",
    "kanaal": "kanaal",
    "formulier": "formulier",
    "veld": "veld",
    "lengte": "lengte",
    "given_names": "voornamen",
    "surname": "achternaam",
    "surname_prefix": "tussenvoegsel",
    "birth_date": "geboortedatum",
    "street": "straat",
    "house_number": "huisnummer",
    "city": "woonplaats",
    "phone": "telefoon",
    "preferred_channel": "voorkeurskanaal",
}

DRAFTS = (AuditAction.DRAFT_SAVED, AuditAction.DRAFT_DROPPED)


@dataclass
class AuditLine:
    """One row of the readable trail."""

    at: datetime
    who: str
    what: str  # "Zaak bekeken", "Kostenpost vastgelegd"
    zaak: str
    summary: str  # one line of the details
    details: list[str] = field(default_factory=list)  # the whole story of the row, line by line
    drafts: int = 0  # concept rows folded into this one


def euro(cents: object) -> str:
    if not isinstance(cents, int):
        return str(cents)
    whole, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


def value_text(key: str, value: Any, step_title: Callable[[str], str] | None = None) -> str:
    """A stored value as the desk shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if key in ("prijs_centen", "bedrag_centen"):
        return euro(value)
    if key == "soort":
        try:
            return CostKind(value).label
        except ValueError:
            return str(value)
    if key == "aantal_x100" and isinstance(value, int):
        return f"{value / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    for enum in (Urgency, Outcome, Channel):
        try:
            return enum(value).label
        except ValueError:
            pass
    if key == "stap" and step_title is not None and isinstance(value, str):
        return step_title(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return f"{len(value)} stuks"
    return str(value)


def detail_lines(detail: dict[str, Any] | None, step_title: Callable[[str], str] | None = None) -> list[str]:
    """'label: value' or 'label: old → new' per field; a text's change as its length. Cleaned for
    the terminal: an old row may hold an escape sequence (the trail is append-only)."""
    return [for_terminal(line).replace("\n", " ") for line in _detail_lines(detail, step_title)]


def _detail_lines(detail: dict[str, Any] | None, step_title: Callable[[str], str] | None) -> list[str]:
    out: list[str] = []
    for key, value in (detail or {}).items():
        label = FIELDS.get(key, key.replace("_", " "))
        if isinstance(value, dict) and "lengte" in value and isinstance(value["lengte"], dict):
            old, new = value["lengte"].get("oud"), value["lengte"].get("nieuw")
            out.append(f"{label}: tekst gewijzigd ({old} → {new} tekens)")
        elif isinstance(value, dict) and {"oud", "nieuw"} <= set(value):
            old_text = value_text(key, value["oud"], step_title)
            new_text = value_text(key, value["nieuw"], step_title)
            out.append(f"{label}: {old_text} → {new_text}")
        elif value is None:
            continue
        else:
            out.append(f"{label}: {value_text(key, value, step_title)}")
    return out


# Actions whose label already says what happened, whatever the row is about.
SELF_SPEAKING = {
    AuditAction.URGENCY,
    AuditAction.ASSIGNED,
    AuditAction.SCHEMA,
    AuditAction.DEMO_CREATED,
    AuditAction.BACKUP,
    AuditAction.RESTORED,
    AuditAction.SEARCHED,
    AuditAction.VERIFICATION_REQUESTED,
    AuditAction.VERIFICATION_ANSWERED,
    AuditAction.LETTER,
}


def what_text(e: AuditEntry) -> str:
    """'Zaak bekeken', 'Kostenpost vastgelegd', 'Urgentie gewijzigd'."""
    if e.action in SELF_SPEAKING or not e.entity:
        return e.action.label
    entity = for_terminal(ENTITIES.get(e.entity, e.entity))
    return f"{entity[:1].upper()}{entity[1:]} {e.action.label.lower()}"


def readable(
    entries: Sequence[AuditEntry], zaken: dict[int, str], step_title: Callable[[str], str] | None = None
) -> list[AuditLine]:
    """The rows (newest first, as the store gives them) as lines; a run of drafts by the same person
    on the same case goes into the save right after it, or stays one line when nothing was saved."""
    lines: list[AuditLine] = []
    pending: list[AuditEntry] = []  # drafts, newest first, not yet placed

    def line_of(e: AuditEntry) -> AuditLine:
        details = detail_lines(e.detail, step_title)
        zaak = zaken.get(e.case_id, "") if e.case_id else ""
        return AuditLine(e.at, for_terminal(e.who), what_text(e), zaak, "; ".join(details), details)

    def flush() -> None:
        if not pending:
            return
        first = pending[0]
        kept = sum(1 for d in pending if d.action is AuditAction.DRAFT_SAVED)
        dropped = any(d.action is AuditAction.DRAFT_DROPPED for d in pending)
        fields = sorted({str((d.detail or {}).get("veld")) for d in pending if (d.detail or {}).get("veld")})
        what = "Concept weggegooid" if dropped else "Concept, niet opgeslagen"
        summary = f"{kept} concepten" + (f" ({', '.join(fields)})" if fields else "")
        zaak = zaken.get(first.case_id, "") if first.case_id else ""
        lines.append(AuditLine(first.at, for_terminal(first.who), what, zaak, summary, [summary], len(pending)))
        pending.clear()

    for e in entries:
        if e.action in DRAFTS:
            if pending and (pending[0].who, pending[0].case_id) != (e.who, e.case_id):
                flush()
            pending.append(e)
            continue
        if pending and lines and lines[-1].drafts == 0 and _same(lines[-1], pending[0], zaken):
            # the drafts (older) led to the save just above them (newer)
            saved = lines[-1]
            saved.drafts = len(pending)
            saved.details.append(f"voorafgegaan door {len(pending)} concepten tijdens het typen")
            pending.clear()
        flush()
        lines.append(line_of(e))
    if pending and lines and lines[-1].drafts == 0 and _same(lines[-1], pending[0], zaken):
        lines[-1].drafts = len(pending)
        lines[-1].details.append(f"voorafgegaan door {len(pending)} concepten tijdens het typen")
        pending.clear()
    flush()
    return lines


def _same(line: AuditLine, draft: AuditEntry, zaken: dict[int, str]) -> bool:
    zaak = zaken.get(draft.case_id, "") if draft.case_id else ""
    return line.who == draft.who and line.zaak == zaak and not line.what.startswith(("Zaak bekeken", "Invoer"))
