"""A 50,000-row portal list: read, planned and applied in reasonable time (in short batches, issue 13)."""
from __future__ import annotations

import time

from herstel_tui.portal.service import import_list

from .conftest import TEST_BSNS, TODAY, days_ago, write_xlsx

ROWS = 50_000


def test_fifty_thousand_row_registration_list(pstore, config, tmp_path, capsys):
    # The test range holds 9,091 valid BSNs, so 50,000 rows repeat them: each BSN first creates a
    # person, household and case; its later rows (same data) are skipped as duplicates, except
    # every 7th row, which brings a new phone number (an update).
    n = len(TEST_BSNS)
    data = [["BSN", "Voornamen", "Achternaam", "Straat", "Huisnummer", "Postcode", "Woonplaats", "Telefoon",
             "Datum aanmelding"]]
    for i in range(ROWS):
        b = TEST_BSNS[i % n]
        phone = f"06-{20_000_000 + i:08d}" if i >= n and i % 7 == 0 else f"06-{10_000_000 + i % n:08d}"
        data.append([b, "Sam", f"Achternaam{i % n}", "Kerkstraat", str(1 + (i % n) % 200), "3011 AB", "Rotterdam",
                     phone, days_ago(10)])
    path = write_xlsx(tmp_path / "aanmeldingen.xlsx", data)
    t0 = time.perf_counter()
    plan = import_list(pstore, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    t1 = time.perf_counter()
    done = import_list(pstore, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    t2 = time.perf_counter()
    assert plan.counts == done.counts
    assert len(done.outcomes) == ROWS
    assert done.counts == {"create": n, "update": done.counts["update"], "skip": ROWS - n - done.counts["update"],
                           "reject": 0}
    assert done.counts["update"] > 0
    assert pstore.counts()["persons"] == n and pstore.counts()["cases"] == n
    with capsys.disabled():
        print(f"\n50,000-row list: dry run {t1 - t0:.1f} s, apply {t2 - t1:.1f} s "
              f"({done.summary})")
    assert t2 - t1 < 120
