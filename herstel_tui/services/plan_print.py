"""The plan van aanpak as a document the person can read and sign: .docx and plain text.

Headless (no Textual); python-docx is imported inside :func:`write_docx` only. Both forms carry
the same content: the municipality (config), zaaknummer and name, version, status, the date it
was agreed and how consent was given, the statutory termijnen, each of the five leefgebieden
with situation, help question, goals (with status) and actions (what, who, by when, done), the
costs fixed in the plan, and a signature block for the person and the municipality. No BSN.

Files are written owner-only (0600) through ``files.atomic``, so a reader never sees half a
document.
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from herstel_tui.domain import clock
from herstel_tui.domain.costs import format_euro
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.plan import LEEFGEBIEDEN, Action, Goal, PlanVersion
from herstel_tui.domain.text import for_document
from herstel_tui.files.atomic import atomic_path
from herstel_tui.files.atomic import write_text as write_text_file
from herstel_tui.store import Store, StoreError

WIDTH = 80


@dataclass(frozen=True)
class DeadlineLine:
    title: str
    due: date
    stopped: date | None
    stopped_by: str | None
    overdue: bool

    @property
    def text(self) -> str:
        if self.stopped is not None:
            late = " (na de termijn)" if self.stopped > self.due else ""
            by = f": {self.stopped_by}" if self.stopped_by else ""
            return f"uiterlijk {format_date(self.due)}; gestopt op {format_date(self.stopped)}{by}{late}"
        return f"uiterlijk {format_date(self.due)}; " + ("VERLOPEN" if self.overdue else "loopt")


@dataclass(frozen=True)
class CostPrintLine:
    date: date
    action: str
    calculation: str
    amount_cents: int
    component: str


@dataclass
class PlanPrint:
    """Everything the printed plan shows, read from the store in one go."""

    gemeente: str
    zaaknummer: str
    name: str
    birth_date: date | None
    adres: str
    medewerker: str | None
    version: PlanVersion
    deadlines: list[DeadlineLine] = field(default_factory=list)
    costs: list[CostPrintLine] = field(default_factory=list)
    printed_on: date = field(default_factory=clock.today)

    @property
    def costs_total_cents(self) -> int:
        return sum(c.amount_cents for c in self.costs)


def gather(
    store: Store, case_id: int, *, gemeente: str, number: int | None = None, today: date | None = None
) -> PlanPrint:
    """Read what the printed plan needs (``number``: that version, else the latest)."""
    today = today or clock.today()
    plans = store.plans
    version = plans.version(case_id, number)
    if version is None:
        if number is None:
            raise StoreError("deze zaak heeft nog geen plan van aanpak")
        raise StoreError(f"versie {number} van het plan van aanpak bestaat niet")
    case = store.cases.get(case_id)
    person = store.persons.get(case.person_id)
    deadlines = [
        DeadlineLine(d.title, d.due, d.stopped, d.stopped_by, d.overdue(today))
        for d in plans.plan_deadlines(case_id, today)
    ]
    uids = {a.uid: a for a in version.actions}
    costs = [
        CostPrintLine(
            line.entry.date,
            uids[line.entry.action_uid].what,
            line.entry.calculation,
            line.entry.amount_cents,
            line.entry.component,
        )
        for line in reversed(store.costs.of_case(case_id))
        if line.entry.action_uid in uids
    ]
    return PlanPrint(
        gemeente=gemeente,
        zaaknummer=case.zaaknummer or "",
        name=person.name,
        birth_date=person.birth_date,
        adres=person.adres,
        medewerker=case.caseworker,
        version=version,
        deadlines=deadlines,
        costs=costs,
        printed_on=today,
    )


# -- shared wording ---------------------------------------------------------------------------------


def status_lines(p: PlanPrint) -> list[tuple[str, str]]:
    v = p.version
    rows = [("Zaaknummer", p.zaaknummer), ("Naam", p.name)]
    if p.birth_date:
        rows.append(("Geboortedatum", format_date(p.birth_date)))
    if p.adres:
        rows.append(("Adres", p.adres))
    if p.medewerker:
        rows.append(("Medewerker", p.medewerker))
    based = f" (op basis van versie {v.based_on})" if v.based_on else ""
    rows.append(("Versie", f"{v.number}{based}"))
    rows.append(("Status", v.status.label))
    if v.agreed_on:
        rows.append(("Afgesproken op", format_date(v.agreed_on)))
        rows.append(("Instemming", v.consent.label if v.consent else "—"))
        if v.consent_note:
            rows.append(("Toelichting", v.consent_note))
    else:
        rows.append(("Afgesproken op", "nog niet: dit is een concept"))
    return rows


def goal_label(version: PlanVersion, goal_uid: int | None) -> str | None:
    goal = version.goal_by_uid(goal_uid)
    if goal is None:
        return None
    goals = version.goals_in(goal.area)
    return f"doel {goals.index(goal) + 1}" if goal in goals else None


def action_facts(version: PlanVersion, a: Action) -> str:
    parts = [
        f"Wie: {a.who_text}",
        f"Uiterlijk: {format_date(a.due) if a.due else '—'}",
        f"Gedaan: {'ja' if a.done else 'nee'}",
    ]
    label = goal_label(version, a.goal_uid)
    if label:
        parts.append(f"Bij {label}")
    return " · ".join(parts)


def goal_text(g: Goal) -> str:
    return g.text.strip() or "(leeg)"


SIGN_ROWS = ("Naam", "Datum", "Handtekening")


# -- plain text -----------------------------------------------------------------------------------


def render_text(p: PlanPrint, width: int = WIDTH) -> str:
    """The plan as plain text, at most ``width`` columns."""
    out: list[str] = []
    rule, thin = "=" * width, "-" * width

    def wrap(text: str, indent: str = "  ", first: str | None = None) -> None:
        text = text.strip()
        if not text:
            out.append(indent + "—")
            return
        for i, para in enumerate(text.splitlines() or [""]):
            lines = textwrap.wrap(
                para,
                width=width,
                initial_indent=(first if first is not None and i == 0 else indent),
                subsequent_indent=indent,
                break_long_words=True,
                break_on_hyphens=False,
            )
            out.extend(lines or [indent.rstrip()])

    out.append(rule)
    out.append(p.gemeente[:width])
    out.append("PLAN VAN AANPAK BREDE ONDERSTEUNING")
    out.append(rule)
    for label, value in status_lines(p):
        wrap(value, indent=" " * 16, first=f"{label + ':':<16}")
    out.append("")
    out.append("Wettelijke termijnen")
    if not p.deadlines:
        out.append("  Nog niet gestart: de termijnen lopen vanaf het eerste gesprek.")
    for d in p.deadlines:
        wrap(f"{d.title}: {d.text}", indent="    ", first="  - ")
    v = p.version
    for area in LEEFGEBIEDEN:
        out.append("")
        out.append(thin)
        out.append(area.label.upper())
        out.append(thin)
        a = v.area(area)
        out.append("Huidige situatie")
        wrap(a.situation)
        out.append("Hulpvraag")
        wrap(a.question)
        for heading, items in (("Doelen", v.goals_in(area)), ("Acties", v.actions_in(area))):
            out.append(heading)
            if not items:
                out.append("  —")
            for i, item in enumerate(items, 1):
                if isinstance(item, Goal):
                    first = f"  {i}. [{item.status.label}] "
                    wrap(goal_text(item), indent=" " * len(first), first=first)
                else:
                    assert isinstance(item, Action)
                    first = f"  {i}. "
                    wrap(item.what.strip() or "(leeg)", indent=" " * len(first), first=first)
                    wrap(action_facts(v, item), indent=" " * len(first))
    if p.costs:
        out.append("")
        out.append(thin)
        out.append("KOSTEN VAN DE UITVOERING (P×Q)")
        out.append(thin)
        for c in p.costs:
            amount = format_euro(c.amount_cents)
            head = f"  {format_date(c.date)}  {c.component}  "
            body = f"{c.action}: {c.calculation}"
            room = width - len(head) - len(amount) - 1
            body = body if len(body) <= room else body[: max(room - 1, 0)] + "…"
            out.append(f"{head}{body:<{room}} {amount}")
        total = format_euro(p.costs_total_cents)
        out.append(f"{'Totaal':>{width - len(total) - 1}} {total}")
    out.append("")
    out.append(thin)
    out.append("ONDERTEKENING")
    out.append(thin)
    wrap("Zo afgesproken met de persoon. Een wijziging leidt tot een nieuwe versie van dit plan.", indent="")
    out.append("")
    col = (width - 4) // 2
    left, right = "Persoon (ouder)", f"Namens {p.gemeente}"
    out.append(f"{left[:col]:<{col}}    {right[:col]}")
    for label in SIGN_ROWS:
        out.append("")
        cell = f"{label}: " + "_" * (col - len(label) - 2)
        out.append(f"{cell}    {cell}")
    out.append("")
    out.append(f"Afgedrukt op {format_date(p.printed_on)} · {p.zaaknummer} · versie {v.number}")
    return "\n".join(line.rstrip() for line in out) + "\n"


# -- .docx --------------------------------------------------------------------------------------------


def fit_for_document(obj: Any) -> Any:
    """``obj`` with every text in it made fit for XML (``domain.text.for_document``): dataclasses,
    pydantic models, tuples and lists are copied, not changed. python-docx raises on NUL or ESC."""
    if isinstance(obj, str):
        return for_document(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(fit_for_document(x) for x in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: fit_for_document(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, BaseModel):
        return obj.model_copy(update={k: fit_for_document(v) for k, v in obj})
    return obj


def build_docx(p: PlanPrint):
    """A python-docx Document of the plan (python-docx imported here only)."""
    from docx import Document
    from docx.shared import Pt

    p = fit_for_document(p)
    doc = Document()
    doc.core_properties.title = f"Plan van aanpak {p.zaaknummer} versie {p.version.number}"
    doc.core_properties.author = p.gemeente
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_paragraph(p.gemeente).runs[0].bold = True
    doc.add_heading("Plan van aanpak brede ondersteuning", level=0)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in status_lines(p):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_heading("Wettelijke termijnen", level=1)
    if not p.deadlines:
        doc.add_paragraph("Nog niet gestart: de termijnen lopen vanaf het eerste gesprek.")
    for d in p.deadlines:
        doc.add_paragraph(f"{d.title}: {d.text}", style="List Bullet")
    v = p.version
    for area in LEEFGEBIEDEN:
        doc.add_heading(area.label, level=1)
        a = v.area(area)
        doc.add_heading("Huidige situatie", level=2)
        doc.add_paragraph(a.situation.strip() or "—")
        doc.add_heading("Hulpvraag", level=2)
        doc.add_paragraph(a.question.strip() or "—")
        doc.add_heading("Doelen", level=2)
        goals = v.goals_in(area)
        if goals:
            t = doc.add_table(rows=1, cols=3)
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, ("Nr", "Doel", "Status")):
                cell.text = text
            for i, g in enumerate(goals, 1):
                cells = t.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = str(i), goal_text(g), g.status.label
        else:
            doc.add_paragraph("—")
        doc.add_heading("Acties", level=2)
        actions = v.actions_in(area)
        if actions:
            t = doc.add_table(rows=1, cols=5)
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, ("Wat", "Wie", "Uiterlijk", "Gedaan", "Bij doel")):
                cell.text = text
            for x in actions:
                cells = t.add_row().cells
                cells[0].text = x.what.strip() or "(leeg)"
                cells[1].text = x.who_text
                cells[2].text = format_date(x.due) if x.due else "—"
                cells[3].text = "ja" if x.done else "nee"
                cells[4].text = goal_label(v, x.goal_uid) or "—"
        else:
            doc.add_paragraph("—")
    if p.costs:
        doc.add_heading("Kosten van de uitvoering (P×Q)", level=1)
        t = doc.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, ("Datum", "Component", "Actie", "Berekening", "Bedrag")):
            cell.text = text
        for c in p.costs:
            cells = t.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = format_date(c.date), c.component, c.action
            cells[3].text, cells[4].text = c.calculation, format_euro(c.amount_cents)
        cells = t.add_row().cells
        cells[3].text, cells[4].text = "Totaal", format_euro(p.costs_total_cents)
    doc.add_heading("Ondertekening", level=1)
    doc.add_paragraph("Zo afgesproken met de persoon. Een wijziging leidt tot een nieuwe versie van dit plan.")
    t = doc.add_table(rows=1 + len(SIGN_ROWS), cols=2)
    t.style = "Table Grid"
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "Persoon (ouder)", f"Namens {p.gemeente}"
    for i, label in enumerate(SIGN_ROWS, 1):
        for cell in t.rows[i].cells:
            cell.text = f"{label}:"
    t.rows[len(SIGN_ROWS)].height = Pt(48)
    doc.add_paragraph(f"Afgedrukt op {format_date(p.printed_on)} · {p.zaaknummer} · versie {v.number}")
    return doc


# -- files --------------------------------------------------------------------------------------------


def write_docx(p: PlanPrint, path: Path) -> Path:
    doc = build_docx(p)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return Path(path).expanduser()


def write_text(p: PlanPrint, path: Path) -> Path:
    return write_text_file(path, render_text(p))


def default_name(p: PlanPrint, suffix: str) -> str:
    """plan-van-aanpak_HKO-2026-000001_v2_20260601.docx"""
    return f"plan-van-aanpak_{p.zaaknummer}_v{p.version.number}_{p.printed_on:%Y%m%d}{suffix}"


def print_plan(
    store: Store,
    case_id: int,
    *,
    gemeente: str,
    number: int | None = None,
    docx: Path | None = None,
    txt: Path | None = None,
    folder: Path | None = None,
    today: date | None = None,
) -> list[Path]:
    """Write the plan as .docx and/or .txt; with neither path, both go into ``folder`` under
    their default names. The print is recorded in the audit trail."""

    p = gather(store, case_id, gemeente=gemeente, number=number, today=today)
    if docx is None and txt is None:
        if folder is None:
            raise ValueError("geef een bestand of een map")
        docx, txt = Path(folder) / default_name(p, ".docx"), Path(folder) / default_name(p, ".txt")
    written = []
    if docx is not None:
        written.append(write_docx(p, Path(docx)))
    if txt is not None:
        written.append(write_text(p, Path(txt)))
    store.plans.log_print(case_id, p.version.number, [w.name for w in written])
    return written
