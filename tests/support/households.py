"""A household whose aanvrager has an outcome, and persons with cases of their own who might join it
(issue 16: the household on the route)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from herstel_tui.domain.models import Person
from herstel_tui.store import Store


def own_outcome(store: Store, person_id: int, outcome: str) -> int:
    """A schuldenaanpak case of the person up to UHT's eerste toets with this outcome: its id."""
    case = store.cases.open(person_id, "schuldenaanpak", opened=date(2023, 1, 2))
    assert case.id is not None
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 1, 3))
    store.cases.record_event(case.id, "start_pauzeknop", date(2023, 2, 1))
    store.cases.record_event(case.id, "eerste_toets", date(2023, 4, 1), outcome=outcome)
    return case.id


class Joiners(NamedTuple):
    anna: int  # aanvrager of the household, geen uitsluitsel
    bo: int  # his own outcome (niet gedupeerd) and the pauzeknop ended on it
    bos_case: int
    eva: int  # a case without an outcome of her own
    evas_case: int
    household: int


def joiners(store: Store, bsns: list[str]) -> Joiners:
    """Anna (``bsns[0]``) in a household of her own with geen uitsluitsel; Bo (``bsns[1]``), whose
    own timeline contradicts sharing that outcome; Eva (``bsns[2]``), whose timeline fits it."""
    anna, bo, eva = (
        store.persons.add(Person(bsn=bsns[n], given_names=name, surname="Bos"))
        for n, name in enumerate(("Anna", "Bo", "Eva"))
    )
    assert anna.id is not None and bo.id is not None and eva.id is not None
    household = store.persons.create_household([(anna.id, "aanvrager")])
    assert household.id is not None
    own_outcome(store, anna.id, "geen_uitsluitsel")
    bos = own_outcome(store, bo.id, "niet_gedupeerd")
    store.cases.record_event(bos, "einde_pauzeknop", date(2023, 6, 1))
    evas = store.cases.open(eva.id, "schuldenaanpak", opened=date(2023, 1, 2)).id
    assert evas is not None
    store.cases.record_event(evas, "aanvraag_herbeoordeling", date(2023, 1, 3))
    return Joiners(anna.id, bo.id, bos, eva.id, evas, household.id)
