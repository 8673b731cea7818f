"""Issue 18: an import's batch knows the facts each case it wrote shares with the household's
aanvrager (it judges the case's events by them), and tells the case index refresh at the end of its
transaction (``CaseRepository.index_later``, ``ImportBatch.known_facts``), which then does not read
them again. What it tells is what the register says then, for every case it tells, and the index is
the one computed from the register alone (the one-by-one path tells nothing)."""

from __future__ import annotations

import pytest

import herstel_tui.store.cases
from herstel_tui.services.portal import import_list
from herstel_tui.settings.resources import open_store
from herstel_tui.store.cases import CaseRepository
from tests.services.test_import_batch import (
    family,
    imported_both_ways,
    lists,
    partner_list,
    partner_register,
    register,
)
from tests.support.portal import TEST_BSNS, TODAY, days_ago, write_xlsx


def _families(store) -> None:
    """register(), and two families whose child has no case yet."""
    register(store)
    family(store, 20)
    family(store, 21)


def _children(folder) -> list[tuple[str, object]]:
    """lists(), then the families' children and parents registering: a child's case opened, its
    aanvraag refused (the case stays: it shares the parent's eerste toets), the parents' new events."""
    head = ["BSN", "Voornamen", "Achternaam", "Datum aanmelding"]
    rows = [[TEST_BSNS[n], "Tim", "Jansen", days_ago(2)] for n in (41, 40, 43, 42, 41)]
    return [*lists(folder), ("aanmeldingen", write_xlsx(folder / "kinderen.xlsx", [head, *rows]))]


def _checked_refresh(monkeypatch) -> list[tuple[int, int]]:
    """At each index refresh told by a batch: every case it tells, its facts compared with the
    register's (``cases.inherited``); returns (cases told, cases with shared facts) per refresh."""
    told: list[tuple[int, int]] = []
    refresh = CaseRepository.refresh_index

    def checking(self, case_ids, today=None):
        known = self._known
        if known is not None:
            shared = 0
            for cid in case_ids:
                facts = known(cid)
                if facts is None:
                    continue
                case = self.get(cid)
                assert facts == self.inherited(case.person_id, case.track.value), cid
                shared += bool(facts)
            told.append((len(case_ids), shared))
        return refresh(self, case_ids, today)

    monkeypatch.setattr(CaseRepository, "refresh_index", checking)
    return told


@pytest.mark.parametrize("batch_rows", [0, 2, 4])
@pytest.mark.parametrize("which", ["lists", "partners"])
def test_the_facts_a_batch_tells_the_index_are_the_registers(config, tmp_path, monkeypatch, which, batch_rows):
    """New persons, refused children, address changes, a shared fact written through the
    repositories (the negatief list), toeslagpartners linked in the batch, in one transaction and in
    many: what the batch tells is what the register says, and the index (every refresh by shape, with
    what it was told) is the one-by-one path's (from the register alone)."""
    monkeypatch.setattr(herstel_tui.store.cases, "SHAPED_FROM", 1)
    told = _checked_refresh(monkeypatch)
    if which == "lists":
        files, prepare = _children(tmp_path), _families
    else:
        files, prepare = [("aanmeldingen", partner_list(tmp_path))], partner_register
    imported_both_ways(config, tmp_path, monkeypatch, prepare, files, batch_rows)
    assert told and sum(n for n, _ in told) > 0
    if which == "lists":
        assert any(shared for _, shared in told)  # (the families' children among them)


def test_an_index_refresh_told_by_the_batch_reads_no_shared_facts(config, tmp_path, monkeypatch):
    """A refresh at the end of a transaction whose cases the batch told reads no household facts
    (before: two queries per refresh of many cases, 0.10 s of the 50,000-row list on the 100k demo)."""
    import herstel_tui.store.card

    reads: list[int] = []
    shared_rows = herstel_tui.store.card.shared_rows
    refresh = CaseRepository.refresh_index
    in_refresh = [False]
    told: list[bool] = []  # per refresh: every case told by the batch

    def counting(conn, persons, *more):
        if in_refresh[0]:
            reads.append(len(persons))
        return shared_rows(conn, persons, *more)

    def marking(self, case_ids, today=None):
        known = self._known
        in_refresh[0] = known is not None and all(known(cid) is not None for cid in case_ids)
        told.append(in_refresh[0])
        try:
            return refresh(self, case_ids, today)
        finally:
            in_refresh[0] = False

    monkeypatch.setattr(herstel_tui.store.card, "shared_rows", counting)
    monkeypatch.setattr(CaseRepository, "refresh_index", marking)
    monkeypatch.setattr(herstel_tui.store.cases, "SHAPED_FROM", 1)
    with open_store(tmp_path / "r.db", "t.tester") as store:
        register(store)
        for kind, path in lists(tmp_path):
            import_list(store, config, kind, path, dry_run=False, today=TODAY)
        assert store.conn.execute("SELECT count(*) FROM case_summary").fetchone()[0] > 20
    assert any(told) and reads == []
