"""Letters: small, hand-made cases (fixed dates, test-range BSNs 9999…) and the letters' config.

Tests using these pin the clock to ``TODAY`` (fixture ``pinned_today``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from herstel_tui.domain.models import Person
from herstel_tui.settings.config import Config
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from tests.support.data import TEST_BSNS

GEMEENTE = "Gemeente Proefstad"
MEDEWERKER = "A. de Vries"


def bsns() -> list[str]:
    return list(TEST_BSNS)


@pytest.fixture
def export_dir(tmp_path) -> Path:
    return tmp_path / "export"


@pytest.fixture
def letter_config(export_dir) -> Config:
    return Config(gemeente=GEMEENTE, medewerker=MEDEWERKER, exportmap=export_dir)


class Cases:
    """A store with four persons and their cases:

    - ``bo``: brede ondersteuning, gegevens ontvangen 05-01-2026 (a melding: the confirmation fits);
    - ``bo_new``: brede ondersteuning, only the aanvraag at UHT (no melding: the confirmation is refused);
    - ``sa``: schuldenaanpak, gedupeerd, eerste betaling 02-02-2026 (moratorium until 02-02-2027);
    - ``sa_old``: schuldenaanpak, gedupeerd, eerste betaling 03-03-2025 (moratorium over on 03-03-2026).
    """

    def __init__(self, store: Store):
        self.store = store
        ids = iter(bsns())
        s = store
        self.anna = s.persons.add(
            Person(
                bsn=next(ids),
                given_names="Anna Maria",
                surname_prefix="de",
                surname="Vries",
                birth_date=date(1984, 5, 14),
                street="Dorpsstraat",
                house_number="12",
                postcode="3011 AB",
                city="Rotterdam",
            )
        )
        self.bo = s.cases.open(self.anna.id, "brede_ondersteuning", opened=date(2026, 1, 5))
        s.cases.record_event(self.bo.id, "aanvraag_herbeoordeling", date(2025, 11, 3))
        s.cases.record_event(self.bo.id, "ontvangst_gegevens", date(2026, 1, 5))

        self.piet = s.persons.add(
            Person(
                bsn=next(ids),
                given_names="Piet",
                surname="Bakker",
                street="Kerkstraat",
                house_number="3",
                postcode="1011AA",
                city="Amsterdam",
            )
        )
        self.bo_new = s.cases.open(self.piet.id, "brede_ondersteuning", opened=date(2026, 2, 2))
        s.cases.record_event(self.bo_new.id, "aanvraag_herbeoordeling", date(2026, 2, 2))

        self.sevda = s.persons.add(
            Person(
                bsn=next(ids),
                given_names="Sevda",
                surname="Kaya",
                birth_date=date(1979, 12, 1),
                street="Molenweg",
                house_number="7 b",
                postcode="5611 AA",
                city="Eindhoven",
            )
        )
        self.sa = s.cases.open(self.sevda.id, "schuldenaanpak", opened=date(2025, 9, 1))
        for step, when, outcome in [
            ("aanvraag_herbeoordeling", date(2025, 9, 1), None),
            ("start_pauzeknop", date(2025, 9, 8), None),
            ("eerste_toets", date(2025, 10, 6), "gedupeerd"),
            ("eerste_betaling", date(2026, 2, 2), None),
        ]:
            s.cases.record_event(self.sa.id, step, when, outcome=outcome)

        self.kees = s.persons.add(
            Person(bsn=next(ids), given_names="Kees", surname="Smit", birth_date=date(1970, 1, 31))
        )
        self.sa_old = s.cases.open(self.kees.id, "schuldenaanpak", opened=date(2024, 9, 2))
        for step, when, outcome in [
            ("aanvraag_herbeoordeling", date(2024, 9, 2), None),
            ("start_pauzeknop", date(2024, 9, 9), None),
            ("eerste_toets", date(2024, 10, 7), "gedupeerd"),
            ("eerste_betaling", date(2025, 3, 3), None),
        ]:
            s.cases.record_event(self.sa_old.id, step, when, outcome=outcome)


@pytest.fixture
def cases(tmp_path) -> Cases:
    store = open_store(tmp_path / "brieven.db", "t.tester")
    yield Cases(store)
    store.close()


def counts(store: Store) -> dict[str, int]:
    return store.counts()
