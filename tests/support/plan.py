"""Fixtures for the plan van aanpak and SPUK costs: small databases built through the store."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.data import TEST_BSNS

ME = "t.tester"
# Dates in the past of TODAY (01-06-2026): a test that uses them pins the clock (pinned_today).
AANMELDING = date(2025, 3, 3)
EERSTE_GESPREK = date(2025, 3, 17)
AGREED = date(2025, 4, 14)


def add_case(
    store,
    n: int,
    *,
    opened: date = date(2025, 3, 1),
    track: str = "brede_ondersteuning",
    talk: bool = True,
    closed: date | None = None,
    surname: str | None = None,
):
    """Person ``n`` (test-range BSN) with a case; with ``talk`` up to the eerste gesprek."""
    from herstel_tui.domain.models import Person

    person = store.persons.add(Person(bsn=TEST_BSNS[n], given_names="Anna", surname=surname or f"Proef{n}"))
    case = store.cases.open(person.id, track, opened=opened)
    if talk and track == "brede_ondersteuning":
        store.cases.record_event(case.id, "aanmelding_gemeente", max(opened, AANMELDING))
        store.cases.record_event(case.id, "eerste_gesprek", max(opened, EERSTE_GESPREK))
    if closed is not None:
        case = store.cases.close(case.id, closed)
    return case


@pytest.fixture
def plans(store):
    return store.plans


@pytest.fixture
def case(store):
    return add_case(store, 0)
