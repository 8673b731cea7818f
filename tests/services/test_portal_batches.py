"""Issue 13: list imports in short batches; an unfinished import is finished by reading the file again."""

from __future__ import annotations

import pytest

from herstel_tui.files.portal_common import AlreadyImported
from herstel_tui.services import portal_import
from herstel_tui.services.portal import import_list
from herstel_tui.settings.resources import open_store
from herstel_tui.store import StoreError
from tests.support.portal import TEST_BSNS, TODAY, days_ago, dump, failing_event, traced_import, write_xlsx

HEAD = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding"]


def rows(report):
    return [(o.row, o.action, o.full_text) for o in report.outcomes]


def registrations(tmp_path, n=40):
    data = [HEAD]
    for i in range(n):
        b = TEST_BSNS[i % 25]  # 25 persons; rows 26.. repeat them (skips, and phone updates)
        data.append(
            [b, "Sam", f"Smit{i % 25}", f"06-{10_000_000 + i:08d}" if i % 3 == 0 else "06-11111111", days_ago(5)]
        )
    return write_xlsx(tmp_path / "aanmeldingen.xlsx", data)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(portal_import, "BATCH_MIN_ROWS", 3)
    monkeypatch.setattr(portal_import, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(portal_import, "PAUSE_SECONDS", 0.0)


def test_batched_import_equals_the_dry_run_and_commits_in_steps(store, config, tmp_path, small_batches):
    path = registrations(tmp_path)
    before = dump(store)
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    assert dump(store) == before
    commits = []
    real = store.transaction

    def counting():
        commits.append(1)
        return real()

    store.transaction = counting
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    del store.transaction
    assert rows(plan) == rows(done)
    assert done.counts["create"] == 25 and done.counts["reject"] == 0
    assert len(commits) >= 40 // 3  # many short transactions, not one long one
    assert store.conn.execute("SELECT status FROM portal_files WHERE id = ?", (done.file_id,)).fetchone()[0] == "klaar"
    assert store.conn.execute("SELECT count(*) FROM portal_import_rows").fetchone()[0] == 0
    with pytest.raises(AlreadyImported):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)


def test_an_import_broken_off_after_some_batches_is_finished_by_reading_again(
    store, config, tmp_path, small_batches, monkeypatch
):
    path = registrations(tmp_path)
    # The reference: the same file into a copy of the same (empty) register, in one go.
    with open_store(tmp_path / "ref.db", "t.tester") as ref:
        expected = import_list(ref, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    with (
        failing_event(30, OSError("stroom weg")),
        pytest.raises(StoreError, match="is onderbroken na .* van 40 regels.*lees hetzelfde bestand opnieuw in"),
    ):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    half = store.counts()
    assert 0 < half["persons"] < 25
    assert any("niet afgemaakt" in p for p in store.maintenance.check().problems)
    # Not refused as 'already imported': it is finished, every row exactly once.
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert rows(done) == rows(expected)
    assert any("niet was afgemaakt" in n for n in done.notes)
    assert store.counts()["persons"] == 25 and store.counts()["cases"] == 25
    events = store.conn.execute(
        "SELECT case_id, step, count(*) FROM events GROUP BY case_id, step HAVING count(*) > 1"
    ).fetchall()
    assert events == []
    assert store.maintenance.check().ok
    (entry,) = [a for a in store.audit.entries() if a.entity == "portaalbestand"]
    assert entry.detail["create"] == 25


def test_a_dry_run_of_an_unfinished_import_shows_the_rest(store, config, tmp_path, small_batches, monkeypatch):
    path = registrations(tmp_path)
    with failing_event(20, OSError("stroom weg")), pytest.raises(StoreError):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    before = dump(store)
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    assert dump(store) == before
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert rows(plan) == rows(done)


@pytest.mark.parametrize("who", ["colleague", "this connection"])
def test_a_batch_reads_the_register_afresh_when_someone_wrote_since_the_last(
    store, config, tmp_path, small_batches, who
):
    """A batch keeps what the batch before it knew of the register only when nobody wrote in
    between: a colleague's save (another connection) or a write on the import's own connection
    during the pause is seen by the rows after it."""
    path = registrations(tmp_path)
    target = TEST_BSNS[5]  # made by row 7 (i = 5); row 32 (i = 30) brings it a new phone number
    other = open_store(store.path, "t.collega") if who == "colleague" else store
    changed = []

    def progress(done, total):
        if done >= 12 and not changed:  # person 5 exists; row 32 not reached yet
            person = other.persons.find_by_bsn(target)
            assert person is not None
            other.persons.update(person.model_copy(update={"phone": "06-10000030"}))
            changed.append(done)

    try:
        done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY, progress=progress)
    finally:
        if other is not store:
            other.close()
    assert changed and changed[0] < 30
    row = next(o for o in done.outcomes if o.row == 32)
    assert row.action == "skip", row.full_text  # the number is already there: nothing to change
    person = store.persons.find_by_bsn(target)
    assert person is not None and person.phone == "06-10000030"


def test_the_last_transaction_does_not_write_the_row_outcomes_it_deletes(store, config, tmp_path, small_batches):
    """Each transaction but the last writes its rows' outcomes (so a broken-off import resumes);
    the last one makes the file 'klaar' and deletes them, so it sends none of its own; the rows
    whose outcome was written before are still taken in once (no row twice)."""
    path = registrations(tmp_path)
    sent: list[int] = []  # per committed transaction: the outcome rows it sent
    done, seen = traced_import(store, config, path)
    per: list[int] = [0]
    for sql in seen:
        if sql.startswith("INSERT INTO portal_import_rows"):
            per[-1] += 1
        elif sql.strip().upper() == "COMMIT":
            sent.append(per[-1])
            per.append(0)
    assert len(sent) > 3 and sent[-1] == 0 and all(n > 0 for n in sent[:-1])
    assert sum(sent) < 40 and len(done.outcomes) == 40
    assert store.conn.execute("SELECT count(*) FROM portal_import_rows").fetchone()[0] == 0
    # the dry run (one transaction on a private copy: it sends none at all) plans the same
    with open_store(tmp_path / "dry.db", "t.tester") as other:
        plan = import_list(other, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    assert rows(plan) == rows(done)


def test_sqlite_keeps_its_temporary_files_in_memory_while_a_list_is_applied(store, config, tmp_path, small_batches):
    """Issue 18: a statement journal that outgrows 64 KiB would go to a temporary file for the rest of
    the transaction (318,000 writes of 4 KiB on a 50,000-row list); the connection's own setting is
    given back afterwards, also when the import breaks off."""
    path = registrations(tmp_path)
    setting = "PRAGMA temp_store"
    assert store.conn.execute(setting).fetchone()[0] == 0
    seen: list[int] = []

    def progress(done, total):  # between two batches
        seen.append(store.conn.execute(setting).fetchone()[0])

    with failing_event(30, OSError("stroom weg")), pytest.raises(StoreError, match="is onderbroken"):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY, progress=progress)
    assert seen and set(seen) == {2}  # MEMORY
    assert store.conn.execute(setting).fetchone()[0] == 0
    seen.clear()
    import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY, progress=progress)
    assert seen and set(seen) == {2}
    assert store.conn.execute(setting).fetchone()[0] == 0


def test_the_rows_are_parsed_in_the_pauses_between_the_batches(store, config, tmp_path, monkeypatch, small_batches):
    """Issue 18: the import parses the rows it needs inside a batch, and the rest while the write lock
    is free for colleagues (the pause); the plan and the outcome are the same as ever."""
    from herstel_tui.services.portal_lists import ListParser

    monkeypatch.setattr(portal_import, "PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(portal_import, "PARSE_STEP", 2)
    monkeypatch.setattr(portal_import, "PREFETCH_ROWS", 4)  # (the rows a batch reads ahead are parsed first)
    path = registrations(tmp_path)
    plan = import_list(store, config, "aanmeldingen", path, dry_run=True, today=TODAY)
    locked: list[bool] = []
    real = ListParser.more

    def more(self, n):
        locked.append(store.conn.in_transaction)
        return real(self, n)

    monkeypatch.setattr(ListParser, "more", more)
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert rows(done) == rows(plan)
    assert locked[0] is True  # the first batch's rows
    assert False in locked  # the rest in a pause


def test_an_import_broken_off_counts_the_records_of_the_whole_list(store, config, tmp_path, monkeypatch, small_batches):
    """Rows parsed a few at a time: the message still counts every record of the list (not the rows
    parsed so far, nor the rows refused while parsing), and reading the file again finishes it as one
    run would have."""
    monkeypatch.setattr(portal_import, "PARSE_STEP", 3)
    monkeypatch.setattr(portal_import, "PREFETCH_ROWS", 4)
    data = [HEAD]
    for i in range(40):
        b = TEST_BSNS[i % 25] if i % 6 else "12345"  # 7 rows refused while parsing
        data.append([b, "Sam", f"Smit{i % 25}", "06-11111111", days_ago(5)])
    path = write_xlsx(tmp_path / "aanmeldingen.xlsx", data)
    with open_store(tmp_path / "ref.db", "t.tester") as ref:
        expected = import_list(ref, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert expected.counts["reject"] == 7
    with (
        failing_event(12, OSError("stroom weg")),
        pytest.raises(StoreError, match="is onderbroken na .* van 33 regels"),
    ):
        import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    done = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert rows(done) == rows(expected)


def test_the_rows_done_are_counted_only_when_someone_wrote_since_the_last_batch(
    store, config, tmp_path, small_batches, monkeypatch
):
    """Issue 18: a batch counts the file's applied rows (to take in another run's) only when another
    connection committed, or this one wrote, since the batch before it; the rows another run applied
    meanwhile are still taken in, and not applied again."""
    from herstel_tui.store.portal import PortalLedger

    path = registrations(tmp_path)
    counted: list[int] = []
    real = PortalLedger.rows_done_count

    def counting(self, file_id):
        counted.append(file_id)
        return real(self, file_id)

    monkeypatch.setattr(PortalLedger, "rows_done_count", counting)
    import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert len(counted) == 1  # the first transaction (an unfinished run's rows), then nobody wrote

    # another run of the same file applies its last row (41) while this one pauses
    counted.clear()
    with open_store(tmp_path / "b.db", "t.tester") as fresh, open_store(tmp_path / "b.db", "t.collega") as other:
        wrote: list[int] = []

        def progress(done, total):
            if done >= 12 and not wrote:
                (fid,) = set(counted)
                with other.transaction():
                    other.conn.execute(
                        "INSERT INTO portal_import_rows (file_id, row, action, text, notes) VALUES (?, 41, 'skip', ?, ?)",
                        (fid, "door de andere sessie", '{"notes": [], "returned": true}'),
                    )
                wrote.append(done)

        done = import_list(fresh, config, "aanmeldingen", path, dry_run=False, today=TODAY, progress=progress)
    assert wrote and len(counted) == 2  # the first transaction, and the one after the other's commit
    assert [(o.action, o.text) for o in done.outcomes if o.row == 41] == [("skip", "door de andere sessie")]
