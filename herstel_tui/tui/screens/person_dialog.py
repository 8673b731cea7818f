"""Nieuwe persoon en zaak: a person (checked field by field as they are left), their household
and, if chosen, a case; saved in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input

from herstel_tui.domain.dates import DateError, parse_date
from herstel_tui.domain.models import Person, Role
from herstel_tui.tui.forms.errors import FieldError, explain_one
from herstel_tui.tui.forms.fields import Dropdown, ErrorLine, Tick, field_row
from herstel_tui.tui.screens.case_dialogs import CaseDialog

PERSON_FIELDS = [
    ("bsn", "BSN", "9 cijfers"),
    ("voornamen", "Voornamen *", ""),
    ("tussenvoegsel", "Tussenvoegsel", ""),
    ("achternaam", "Achternaam *", ""),
    ("geboortedatum", "Geboortedatum", "dd-mm-jjjj"),
    ("straat", "Straat", ""),
    ("huisnummer", "Huisnummer", ""),
    ("postcode", "Postcode", "4 cijfers, 2 letters"),
    ("woonplaats", "Woonplaats", ""),
    ("telefoon", "Telefoon", ""),
    ("email", "E-mail", ""),
]
PERSON_FIELD_IDS = {fid for fid, _, _ in PERSON_FIELDS}
NO_CASE = "geen"


class NewPersonDialog(CaseDialog):
    TITLE_TEXT = "Nieuwe persoon en zaak"
    HELP = "nieuw"

    def __init__(self, anchor: Person | None = None) -> None:
        super().__init__(None)
        self.joins = anchor  # the person whose household the new one joins (None: a household of their own)
        self.touched: set[str] = set()

    def fields(self) -> ComposeResult:
        for fid, label, hint in PERSON_FIELDS:
            yield from field_row(label, Input(placeholder=hint, id=fid, compact=True))
        yield from field_row(
            "Zaak openen",
            Dropdown(
                [
                    ("Brede ondersteuning", "brede_ondersteuning"),
                    ("Brede schuldenaanpak", "schuldenaanpak"),
                    ("Geen zaak (alleen persoon)", NO_CASE),
                ],
                value="brede_ondersteuning",
                allow_blank=False,
                id="spoor",
                compact=True,
            ),
        )
        if self.joins is not None:
            yield Tick(f"In het huishouden van {self.joins.name}", id="bij", value=True, compact=True)
        yield from field_row(
            "Rol",
            Dropdown(
                Role.choices(),
                value=Role.KIND.value if self.joins is not None else Role.AANVRAGER.value,
                allow_blank=False,
                id="rol",
                compact=True,
            ),
        )

    def ready(self, extra: Any) -> None:
        self.query_one("#bsn", Input).focus()

    def _raw(self) -> dict[str, Any]:
        return {fid: self.field_value(fid).strip() or None for fid, _, _ in PERSON_FIELDS}

    def _person(self, raw: dict[str, Any]) -> tuple[Person | None, dict[str, str]]:
        """Build the Person; on faults a Dutch message per field (pydantic via the domain)."""
        from pydantic import ValidationError

        errors: dict[str, str] = {}
        if raw.get("geboortedatum"):
            try:
                raw = {**raw, "geboortedatum": parse_date(raw["geboortedatum"])}
            except DateError as exc:
                errors["geboortedatum"] = str(exc)
                raw = {**raw, "geboortedatum": None}
        try:
            person = Person(**raw)
        except ValidationError as exc:
            for err in exc.errors():
                errors.setdefault(str(err.get("loc", ("",))[0]), explain_one(err))
            return None, errors
        return (person if not errors else None), errors

    def field_left(self, fid: str) -> None:
        """A person field is checked as soon as it is left (once it has been filled in)."""
        if fid not in PERSON_FIELD_IDS:
            return
        if self.field_value(fid).strip():
            self.touched.add(fid)
        if fid not in self.touched:
            return
        _, errors = self._person(self._raw())
        slot = self.query_one(f"#fout-{fid}", ErrorLine)
        if fid in errors:
            slot.show(errors[fid])
        else:
            slot.clear()

    def prepare(self) -> Callable[[], object]:
        person, errors = self._person(self._raw())
        if errors:
            first = None
            for fid, _, _ in PERSON_FIELDS:
                if fid in errors:
                    self.show_error(errors[fid], fid, focus=first is None)
                    first = first or fid
            raise FieldError(
                f"{len(errors)} {'veld klopt' if len(errors) == 1 else 'velden kloppen'} niet; "
                "zie de meldingen bij de velden"
            )
        assert person is not None
        track = self.field_value("spoor")
        role = self.field_value("rol")
        joins = self.joins.id if self.joins is not None and self.query_one("#bij", Checkbox).value else None
        store = self.store

        def job() -> object:
            with store.transaction():
                new = store.persons.add(person)
                assert new.id is not None
                if joins is not None:
                    store.persons.join_household_of(joins, new.id, role)
                else:
                    store.persons.create_household([(new.id, role)])
                case = store.cases.open(new.id, track) if track != NO_CASE else None
            return (new, case)

        return job
