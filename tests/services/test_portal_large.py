"""A large portal list (5,000 rows, repeating BSNs): planned and applied with the same counts (in short
batches, issue 13). The 50,000-row figure is measured by bench/bench_import.py, not here."""

from __future__ import annotations

from herstel_tui.services.portal import import_list
from tests.support.portal import TEST_BSNS, TODAY, days_ago, write_xlsx

ROWS = 5_000
DISTINCT = 1_800


def list_rows(rows: int, bsns: list[str]) -> list[list]:
    """Each BSN first creates a person, household and case; its later rows (same data) are skipped as
    duplicates, except every 7th row, which brings a new phone number (an update)."""
    n = len(bsns)
    data = [
        [
            "BSN",
            "Voornamen",
            "Achternaam",
            "Straat",
            "Huisnummer",
            "Postcode",
            "Woonplaats",
            "Telefoon",
            "Datum aanmelding",
        ]
    ]
    for i in range(rows):
        b = bsns[i % n]
        phone = f"06-{20_000_000 + i:08d}" if i >= n and i % 7 == 0 else f"06-{10_000_000 + i % n:08d}"
        data.append(
            [
                b,
                "Sam",
                f"Achternaam{i % n}",
                "Kerkstraat",
                str(1 + (i % n) % 200),
                "3011 AB",
                "Rotterdam",
                phone,
                days_ago(10),
            ]
        )
    return data


def test_large_registration_list_with_repeats(store, config, tmp_path):
    bsns = TEST_BSNS[:DISTINCT]
    path = write_xlsx(tmp_path / "aanmeldingen.xlsx", list_rows(ROWS, bsns))
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    assert store.counts()["persons"] == 0  # the dry run changed nothing
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert plan.counts == done.counts
    assert len(done.outcomes) == ROWS
    last_phone: dict[str, str] = {}
    updates = 0  # a repeated BSN is an update exactly when its phone differs from the one last applied
    for row in list_rows(ROWS, bsns)[1:]:
        if row[0] in last_phone and last_phone[row[0]] != row[7]:
            updates += 1
        last_phone[row[0]] = row[7]
    assert updates > 0
    assert done.counts == {"create": DISTINCT, "update": updates, "skip": ROWS - DISTINCT - updates, "reject": 0}
    assert store.counts()["persons"] == DISTINCT and store.counts()["cases"] == DISTINCT
