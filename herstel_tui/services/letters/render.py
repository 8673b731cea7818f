"""A draft: the letter for one case, rendered (reads only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict, Unpack

from herstel_tui.domain import clock
from herstel_tui.domain.dates import format_date, long_date, weekday_date
from herstel_tui.domain.models import Case, Person
from herstel_tui.domain.routekaart import CaseView, Routekaart
from herstel_tui.services.letters.templates import (
    CONTACT_PARTS,
    MISSING_HINTS,
    LetterError,
    LetterKind,
    LetterSet,
    fill,
    letters_for,
)

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.settings.cache import ConfigValues
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store


@dataclass
class Draft:
    kind: LetterKind
    case: Case
    person: Person
    today: date
    text: str
    values: dict[str, str | None]
    first_talk: date | None = None
    creditor: str | None = None
    moratorium: tuple[date, date] | None = None

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def event_note(self) -> str:
        if self.kind.records == "datum_eerste_gesprek_gecommuniceerd" and self.first_talk:
            return f"{self.kind.title}: eerste gesprek op {weekday_date(self.first_talk)} (per brief)"
        if self.creditor:
            return f"{self.kind.title} (aan {self.creditor})"
        return self.kind.title


def _initials(given_names: str) -> str:
    parts = [p for p in re.split(r"[\s]+", given_names.strip()) if p]
    return "".join(p[0].upper() + "." for p in parts)


def case_values(
    rk: Routekaart,
    case: Case,
    person: Person,
    view: CaseView,
    config: Config | ConfigValues,
    today: date,
    *,
    first_talk: date | None = None,
    creditor: str | None = None,
) -> dict[str, str | None]:
    """The flat field table for one case. ``None`` means: not known for this case."""
    surname = " ".join(p for p in (person.surname_prefix, person.surname) if p)
    initials = _initials(person.given_names)
    street = " ".join(p for p in (person.street, person.house_number) if p)
    town = " ".join(p for p in (person.postcode, person.city) if p)
    mor = _moratorium(view)
    values: dict[str, str | None] = {
        "datum": long_date(today),
        "datum.kort": format_date(today),
        "gemeente": config.gemeente,
        "medewerker": config.ondertekening or config.medewerker,
        "gemeente.contact": config.gemeente_contact,
        "zaaknummer": case.zaaknummer,
        "zaak.spoor": rk.tracks[case.track.value].title,
        "zaak.medewerker": case.caseworker or "",
        "ouder.naam": person.name,
        "ouder.voorletters": initials,
        "ouder.achternaam": surname,
        "ouder.aanhef": f"Geachte {initials} {surname}".replace("  ", " ").strip(),
        "ouder.straat": street,
        "ouder.postcode_woonplaats": town,
        "ouder.adres": ", ".join(p for p in (street, town) if p),
        "ouder.geboortedatum": long_date(person.birth_date) if person.birth_date else None,
        "eerste_gesprek.datum": weekday_date(first_talk) if first_talk else None,
        "eerste_gesprek.datum.kort": format_date(first_talk) if first_talk else None,
        "moratorium.begin": long_date(mor[0]) if mor else None,
        "moratorium.einde": long_date(mor[1]) if mor else None,
        "schuldeiser.naam": creditor.strip() if creditor and creditor.strip() else None,
        "aanleiding": _occasion(view),
    }
    for cid, c in rk.contacts.items():
        for part, attr in CONTACT_PARTS.items():
            values[f"contact.{cid}.{part}"] = getattr(c, attr) or ""
    return values


def _counts(view: CaseView, step: str) -> bool:
    return any(d.step == step and not d.superseded and not d.off_route and not d.earlier_round for d in view.done)


def _occasion(view: CaseView) -> str:
    """What brought the person to the municipality: a zelfmelder did not report to UHT for our help."""
    if _counts(view, "aanmelding_gemeente") and not _counts(view, "ontvangst_gegevens"):
        return "U heeft zich bij ons gemeld voor hulp van de gemeente."
    return (
        "U heeft zich gemeld bij de Uitvoeringsorganisatie Herstel Toeslagen (UHT) en laten weten dat u hulp van "
        "de gemeente wilt."
    )


def _moratorium(view: CaseView) -> tuple[date, date] | None:
    for dl in view.deadlines:
        if dl.rule == "wettelijk_moratorium":
            return dl.start, dl.due
    return None


def recorded_first_talk(view: CaseView) -> date | None:
    """The date of the recorded (not superseded) eerste gesprek, if any."""
    for ds in view.done:
        if ds.step == "eerste_gesprek" and not ds.superseded and not ds.off_route:
            return ds.fact_date
    return None


class Wanted(TypedDict, total=False):
    """What the caseworker asks of a letter beyond its kind (all optional)."""

    today: date | None  # the letter's date (default: today)
    first_talk: date | None  # the date of the first talk to confirm (default: the recorded one)
    creditor: str | None  # the creditor a letter is addressed to
    letters: LetterSet | None  # the letter set (default: the config's or the shipped one)


def prepare(
    store: Store, config: Config | ConfigValues, case_id: int, kind: str | LetterKind, **wanted: Unpack[Wanted]
) -> Draft:
    """Render the letter for a case (reads only). Raises LetterError with a Dutch message."""
    today, first_talk, creditor = wanted.get("today"), wanted.get("first_talk"), wanted.get("creditor")
    letters = wanted.get("letters")
    today = today or clock.today()
    letters = letters or letters_for(config, store.routekaart, store)
    k = kind if isinstance(kind, LetterKind) else letters.get(kind)
    case = store.cases.get(case_id)
    track = case.track.value
    if track not in k.tracks:
        raise LetterError(f"De brief '{k.title}' hoort niet bij het spoor {case.track.label} (zaak {case.zaaknummer}).")
    person = store.persons.get(case.person_id)
    view = store.cases.view(case_id, today)
    if first_talk is None and k.needs_first_talk:
        talk = recorded_first_talk(view)
        first_talk = talk if talk is not None and talk >= today else None  # never a past talk
    if k.records == "datum_eerste_gesprek_gecommuniceerd" and first_talk is not None and first_talk < today:
        raise LetterError(
            f"De brief kan niet worden gemaakt: het eerste gesprek op {format_date(first_talk)} ligt in het "
            "verleden. Een bevestiging kondigt het gesprek aan: geef de datum van het (nieuwe) gesprek."
        )
    if "aangemeld" in k.requires:
        if not any(_counts(view, s) for s in ("aanvraag_herbeoordeling", "ontvangst_gegevens", "start_pauzeknop")):
            raise LetterError(
                "De brief kan niet worden gemaakt: leg eerst de aanmelding bij UHT vast (Aanvraag herbeoordeling "
                "of Ontvangst gegevens)."
            )
        if view.outcome == "niet_gedupeerd":
            raise LetterError(
                "De brief kan niet worden gemaakt: de ouder is niet erkend als gedupeerd, dus de publieke "
                "pauzeknop geldt niet meer."
            )
    if "moratorium_loopt" in k.requires:
        mor = None
        for dl in view.deadlines:
            if dl.rule == "wettelijk_moratorium":
                mor = dl
        if mor is None:
            raise LetterError("De brief kan niet worden gemaakt: " + MISSING_HINTS["moratorium"] + ".")
        if mor.stopped is not None or today >= mor.due:
            raise LetterError(
                f"De brief kan niet worden gemaakt: het wettelijk moratorium liep af op "
                f"{long_date(mor.due)}; deze brief zegt dat het van kracht is."
            )
        if today < mor.start:
            raise LetterError(
                f"De brief kan niet worden gemaakt: het wettelijk moratorium begint pas op {long_date(mor.start)}."
            )
    values = case_values(store.routekaart, case, person, view, config, today, first_talk=first_talk, creditor=creditor)
    text = fill(k.template, k.text, values)
    return Draft(
        k,
        case,
        person,
        today,
        text,
        values,
        first_talk=first_talk,
        creditor=values["schuldeiser.naam"] if k.needs_creditor else None,
        moratorium=_moratorium(view),
    )
