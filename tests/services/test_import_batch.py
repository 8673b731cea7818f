"""Issue 18: a portal list import writes new persons, households, cases, events, person changes,
audit rows and row outcomes in bulk (``store/import_batch.py``). The same lists imported with the
bulk path and with every write through the repositories one by one leave the same tables, row for
row and id for id, and the same reports; a failing row leaves nothing in either path."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from herstel_tui.domain.enums import Role, Track
from herstel_tui.domain.models import Person
from herstel_tui.domain.portal import FileMeta
from herstel_tui.services import portal_import
from herstel_tui.services.portal import import_list
from herstel_tui.services.portal_handler import ListHandler
from herstel_tui.services.portal_refs import CaseRef
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store, StoreError, import_batch, import_flush
from herstel_tui.store.base import AUDIT_INSERT
from herstel_tui.store.import_batch import ImportBatch
from herstel_tui.store.persons import MEMBER_INSERT
from herstel_tui.store.portal import ROW_DONE
from tests.support.households import joiners, own_outcome
from tests.support.portal import TEST_BSNS, TODAY, days_ago, traced_import, write_xlsx
from tests.support.tables import TABLES, index_rows, table_rows


def tables(store: Store) -> dict[str, list[tuple]]:
    return table_rows(store.conn)


def rows(report):
    return [(o.row, o.action, o.full_text) for o in report.outcomes]


def register(store: Store) -> None:
    """What is there before the lists: a parent with a case and events (one shared with the household),
    a child with a case of their own, a person without a case."""
    parent = store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen", phone="06-12345678"))
    child = store.persons.add(Person(bsn=TEST_BSNS[1], given_names="Tim", surname="Jansen"))
    store.persons.create_household([(parent.id, Role.AANVRAGER), (child.id, Role.KIND)])
    case = store.cases.open(parent.id, "brede_ondersteuning", opened=days_ago(200))
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 5, 1))
    store.cases.record_event(case.id, "eerste_toets", days_ago(150), outcome="gedupeerd")  # shared with Tim
    store.cases.open(child.id, "brede_ondersteuning", opened=days_ago(100))
    store.persons.add(Person(bsn=TEST_BSNS[2], given_names="Piet", surname="Bakker", street="Dorpsweg"))


def family(store: Store, n: int = 0) -> int:
    """A parent (TEST_BSNS[2n]) with a case whose eerste toets the child (TEST_BSNS[2n + 1]) shares:
    returns the child's id."""
    parent = store.persons.add(Person(bsn=TEST_BSNS[2 * n], given_names="Anna", surname="Jansen"))
    child = store.persons.add(Person(bsn=TEST_BSNS[2 * n + 1], given_names="Tim", surname="Jansen"))
    store.persons.create_household([(parent.id, Role.AANVRAGER), (child.id, Role.KIND)])
    case = store.cases.open(parent.id, "brede_ondersteuning", opened=days_ago(200))
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 5, 1))
    store.cases.record_event(case.id, "eerste_toets", days_ago(150), outcome="gedupeerd")  # shared with Tim
    assert child.id is not None
    return child.id


def lists(folder) -> list[tuple[str, object]]:
    b = TEST_BSNS
    collect = [["BSN", "Voornamen", "Achternaam", "Pauzeknop", "Datum"]]
    for i in range(12):
        # new persons start the pauzeknop; an einde for someone without a start is refused (after
        # the person and the case were made in the batch: both taken back)
        collect.append([b[10 + i], "Ali", f"Bakker{i}", "einde" if i % 4 == 3 else "start", days_ago(5 + i)])
    collect.append([b[2], None, None, "start", days_ago(3)])  # a known person without a case
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Straat", "Geboortedatum", "Datum aanmelding"]
    head.append("BSN toeslagpartner")
    regs = [head]
    for i in range(60):
        n = b[10 + i % 30]
        partner = b[10 + (i + 1) % 30] if i % 9 == 0 else None
        street = "Laan 1" if i % 5 else f"Weg {i}"  # address changes: the search row follows
        name = (None, None) if i % 13 == 7 else ("Noor", f"Visser{i % 30}")  # unknown without names: refused
        regs.append(
            [n, *name, f"06-{30_000_000 + i % 30 // 10:08d}", street, date(1990, 1, 1 + i % 20), days_ago(3), partner]
        )
    regs.append([b[0], "Anna", "Jansen", "06-87654321", "Kerkstraat 2", None, days_ago(2)])  # known, new address
    regs.append([b[1], "Tim", "Jansen", None, None, None, days_ago(2)])  # a child, the parent's outcome shared
    regs.append([b[45], "Eva", "de Wit", None, None, None, TODAY + timedelta(days=3)])  # a date in the future
    negatives = [["BSN", "Datum", "Soort"], [b[10], days_ago(1), "eerste toets"], [b[0], days_ago(1), "eerste toets"]]
    return [
        ("invordering", write_xlsx(folder / "invordering.xlsx", collect)),
        ("aanmeldingen", write_xlsx(folder / "aanmeldingen.xlsx", regs)),
        ("negatief", write_xlsx(folder / "negatief.xlsx", negatives)),
    ]


def imported_both_ways(config, tmp_path, monkeypatch, prepare, files, batch_rows=0):
    """The lists imported into a register made by ``prepare`` with the bulk path and with every
    write through the repositories (in transactions of ``batch_rows`` rows each, when given: the
    batch's memory starts afresh in each): the same reports and tables; returns the bulk path's."""
    if batch_rows:
        monkeypatch.setattr(portal_import, "BATCH_MIN_ROWS", batch_rows)
        monkeypatch.setattr(portal_import, "BATCH_SECONDS", 0.0)
        monkeypatch.setattr(portal_import, "PAUSE_SECONDS", 0.0)
    results = {}
    for bulk in (True, False):
        monkeypatch.setattr(ImportBatch, "bulk", bulk)
        with open_store(tmp_path / f"{bulk}.db", "t.tester") as store:
            prepare(store)
            reports = [rows(import_list(store, config, kind, path, dry_run=False, today=TODAY)) for kind, path in files]
            results[bulk] = reports, tables(store)
    (bulk_reports, bulk_tables), (single_reports, single_tables) = results[True], results[False]
    assert bulk_reports == single_reports
    for name in TABLES:
        assert bulk_tables[name] == single_tables[name], name
    return bulk_reports, bulk_tables


@pytest.mark.parametrize("small_batches", [False, True])
def test_bulk_writes_equal_one_by_one_writes(config, tmp_path, monkeypatch, small_batches):
    files = lists(tmp_path)
    bulk_reports, bulk_tables = imported_both_ways(config, tmp_path, monkeypatch, register, files, 4 * small_batches)
    # the lists did what they are for: persons made and refused, addresses changed, partners linked
    actions = [action for report in bulk_reports for _, action, _ in report]
    assert {"create", "update", "skip", "reject"} <= set(actions)
    assert len(bulk_tables["persons"]) > 30 and any(r[2] == "toeslagpartner" for r in bulk_tables["household_members"])
    assert any("Kerkstraat 2" in body for _, body in bulk_tables["case_search"])


def test_a_dry_runs_batch_keeps_no_audit_rows_and_no_row_outcomes(store):
    """A dry run's batch (``throwaway``: its private copy is thrown away unread) holds what later
    rows read back through the repositories (the person, the case), but no audit rows and no row
    outcomes: nothing reads those, and a row writing through the repositories would send them."""
    before = tables(store)
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store, throwaway=True)
        with batch.row():
            made = batch.add_person(Person(bsn=TEST_BSNS[1], given_names="Tim", surname="Smit"), TODAY)
            batch.open_case(made["id"], portal_import.Track.BREDE_ONDERSTEUNING, TODAY)
        batch.row_outcome(1, 2, "create", "nieuw", [], True)
        assert batch.pending[AUDIT_INSERT] == [] and batch.pending[ROW_DONE] == []
        assert [len(rows) for sql, rows in batch.pending.items() if sql.startswith("INSERT INTO persons")] == [1]
        with batch.direct():  # what it holds is sent: the person and the case, nothing else
            pass
    after = tables(store)
    assert [r[1] for r in after["persons"]] == [TEST_BSNS[1]] and len(after["cases"]) == 1
    assert (
        after["audit"] == before["audit"]
        and store.conn.execute("SELECT count(*) FROM portal_import_rows").fetchone()[0] == 0
    )


def test_a_failing_row_takes_back_its_bulk_writes_and_its_direct_ones(store):
    store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen"))
    before = tables(store)
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store)
        with pytest.raises(RuntimeError), batch.row():
            made = batch.add_person(Person(bsn=TEST_BSNS[1], given_names="Tim", surname="Smit"), TODAY)
            cid, _ = batch.open_case(made["id"], portal_import.Track.BREDE_ONDERSTEUNING, TODAY)
            with batch.direct():  # written through the repository, inside the row's savepoint
                anna = store.persons.find_by_bsn(TEST_BSNS[0])
                assert anna is not None
                store.persons.create_household([(anna.id, Role.AANVRAGER), (made["id"], Role.KIND)])
            raise RuntimeError("stroom weg")
        assert (
            batch.person(TEST_BSNS[1]) is None
            and batch.case(made["id"], portal_import.Track.BREDE_ONDERSTEUNING) is None
        )
        with batch.row():  # the next row gets the ids the failed one had
            again = batch.add_person(Person(bsn=TEST_BSNS[2], given_names="Eva", surname="Wit"), TODAY)
        batch.flush()
    assert again["id"] == made["id"]
    after = tables(store)
    assert [r[1] for r in after["persons"]] == [TEST_BSNS[0], TEST_BSNS[2]]
    assert after["cases"] == before["cases"] == [] and cid
    assert [r[2] for r in after["household_members"]] == ["aanvrager"]  # Eva's; Anna's household went
    assert [(r[2], r[3]) for r in after["audit"][len(before["audit"]) :]] == [
        ("aangemaakt", "persoon"),
        ("aangemaakt", "huishouden"),
    ]


def test_a_batch_whose_bulk_writes_fail_is_undone_and_the_import_finished_by_reading_again(
    config, tmp_path, monkeypatch
):
    """The design of issue 13 holds for the bulk writes too: a batch whose rows SQLite refuses when
    they are sent (a full disk) is rolled back whole; the batches before it stay, the file stays
    'bezig', and reading it again applies every row exactly once, as one run would have."""
    monkeypatch.setattr(portal_import, "BATCH_MIN_ROWS", 5)
    monkeypatch.setattr(portal_import, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(portal_import, "PAUSE_SECONDS", 0.0)
    kind, path = lists(tmp_path)[1]
    with open_store(tmp_path / "ref" / "herstel.db", "t.tester") as ref:
        register(ref)
        expected = rows(import_list(ref, config, kind, path, dry_run=False, today=TODAY))
        want = tables(ref)
    real = ImportBatch.flush
    sent = {"n": 0}

    def full_disk(self, upto=None):
        if upto is None:
            sent["n"] += 1
            if sent["n"] == 3:  # the third batch's rows
                raise sqlite3.OperationalError("database or disk is full")
        return real(self, upto)

    with open_store(tmp_path / "run" / "herstel.db", "t.tester") as store:
        register(store)
        with monkeypatch.context() as m:
            m.setattr(ImportBatch, "flush", full_disk)
            with pytest.raises(StoreError, match="onderbroken na 10 van"):
                import_list(store, config, kind, path, dry_run=False, today=TODAY)
        assert store.conn.execute("SELECT count(*) FROM portal_import_rows").fetchone()[0] == 10
        assert store.portal.unfinished()
        done = import_list(store, config, kind, path, dry_run=False, today=TODAY)
        assert rows(done) == expected
        got = tables(store)
    for name in TABLES:
        assert got[name] == want[name], name


def test_the_audit_details_written_as_text_are_audit_json():
    from herstel_tui.store.base import audit_json
    from herstel_tui.store.import_rows import case_detail, household_detail

    for pid in (1, 42, 10**12):
        assert household_detail(pid) == audit_json({"leden": [{"persoon": pid, "rol": Role.AANVRAGER.value}]})
    for user in ("t.tester", 'a"b\\c', "Zoë Çelik", "\u2028\t"):
        for track in portal_import.Track:
            want = audit_json({"zaaknummer": "HKO-2026-000012", "spoor": track.value, "medewerker": user})
            assert case_detail("HKO-2026-000012", track, audit_json(user)) == want


def test_the_engines_verdict_is_asked_once_per_kind_of_history(store, monkeypatch):
    """record_event remembers the engine's verdict per (track, role, events without ids, new event):
    the same refusal (the engine's words) for cases that start alike, a verdict of its own for
    another history."""
    from herstel_tui.domain.routekaart import TransitionRefused

    calls = []
    real = store.routekaart.check
    monkeypatch.setattr(store.routekaart, "check", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    track, on = portal_import.Track.SCHULDENAANPAK, days_ago(3)
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store)
        cases = []
        for n in range(3):
            with batch.row():
                made = batch.add_person(Person(bsn=TEST_BSNS[n], given_names="Ali", surname=f"Bakker{n}"), TODAY)
                cases.append(batch.open_case(made["id"], track, on)[0])
        refusals = []
        for cid in cases[:2]:
            with pytest.raises(TransitionRefused) as exc, batch.row():
                batch.record_events(cid, [("einde_pauzeknop", None, on, None)])
            refusals.append(str(exc.value))
        assert len(calls) == 1 and refusals[0] == refusals[1] and "pauzeknop" in refusals[0].lower()
        steps = ["aanvraag_herbeoordeling", "start_pauzeknop"]
        with batch.row():
            batch.record_events(cases[2], [(step, None, on, None) for step in steps])
        assert len(calls) == 3  # each a history of its own
        with pytest.raises(TransitionRefused) as exc, batch.row():  # einde after a start: asked again
            batch.record_events(cases[2], [("einde_pauzeknop", None, on, None)])
        assert len(calls) == 4 and "pauzeknop" in str(exc.value).lower()
        batch.flush()
    assert [e.step for e in store.cases.events(cases[2])] == steps
    assert store.cases.events(cases[0]) == store.cases.events(cases[1]) == []


def test_the_updatable_columns_are_in_the_tables_order():
    """ImportBatch.update_person's audit detail names a person's changes in the table's order."""
    assert list(import_flush.UPDATABLE) == [k for k in import_flush.PERSON_FIELDS if k in import_flush.UPDATABLE]


def test_address_changes_go_as_runs_of_distinct_persons():
    """One UPDATE ... FROM per run in which no person comes twice (SQLite would take one of a
    person's rows, any): the runs keep the list's order."""
    from herstel_tui.store.import_rows import distinct_runs

    rows = [("a", 1), ("b", 2), ("c", 1), ("d", 3), ("e", 3), ("f", 4)]
    assert list(distinct_runs(rows)) == [[("a", 1), ("b", 2)], [("c", 1), ("d", 3)], [("e", 3), ("f", 4)]]
    assert list(distinct_runs([])) == []


def test_the_plain_inserts_go_as_statements_of_many_rows(store):
    """The batch sends its audit rows (and its other plain INSERTs) as statements of up to 999
    parameters, not one statement per row, with the same rows in the same order as one by one."""
    from herstel_tui.store.base import AUDIT_INSERT
    from herstel_tui.store.bulk import insert_many as insert_rows

    made = [
        ("2026-12-02T10:00:00", "t.tester", "aangemaakt", "persoon", n, None, None, f'{{"n": {n}, "naam": "Zoë"}}')
        for n in range(1, 301)
    ]
    first = store.conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        with store.transaction():
            insert_rows(store.conn, AUDIT_INSERT, made)
    finally:
        store.conn.set_trace_callback(None)
    # (SQLite traces a statement again for each trigger it fires: its distinct texts are the statements)
    inserts = {s for s in statements if s.startswith("INSERT INTO audit")}
    assert len(inserts) == 3  # 124 + 124 + 52 rows of 8 parameters
    got = store.conn.execute(
        "SELECT id, at, who, action, entity, entity_id, person_id, case_id, detail FROM audit WHERE id > ? ORDER BY id",
        (first,),
    ).fetchall()
    assert got == [(first + i, *row) for i, row in enumerate(made, 1)]


def test_a_refused_rows_case_history_is_read_once(config, tmp_path):
    """A list against a register refuses many rows, often the same person's again (here a child's:
    the derived aanvraag does not fit a child). The case's history, read before the row wrote
    anything through the repositories, is the register as the rows before left it: it holds after
    the refused row (what the row appended is taken off again) and is not read a second time."""
    with open_store(tmp_path / "r.db", "t.tester") as store:
        register(store)
        tim = [TEST_BSNS[1], "Tim", "Jansen", days_ago(2)]
        path = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Voornamen", "Achternaam", "Datum aanmelding"], tim, tim, tim])
        before = tables(store)
        report, statements = traced_import(store, config, path)
        after = tables(store)
    assert [o.action for o in report.outcomes] == ["reject"] * 3
    assert all("kind" in o.text for o in report.outcomes)
    history = "SELECT step, fact_date, outcome, correction, reason, id FROM events WHERE case_id"
    assert sum(s.startswith(history) for s in statements) == 1
    assert after["events"] == before["events"]


def test_changed_addresses_rewrite_the_search_rows_in_bulk(store):
    """A person's change of address rewrites the search rows of their cases (the trigger), a new
    case's row reads its person. The batch sends the changes before its new cases and deletes the
    changed persons' search rows first, in one statement (FTS5 writes its pending terms out at every
    row inserted under the rowid it has just deleted): the search rows are the same as written one
    by one."""
    ids = []
    for n, street in enumerate(("Oudeweg", "Kade")):
        person = store.persons.add(
            Person(bsn=TEST_BSNS[n], given_names="Anna", surname=f"Jansen{n}", street=street, house_number="1")
        )
        store.cases.open(person.id, portal_import.Track.SCHULDENAANPAK, opened=days_ago(30))
        ids.append(person.id)
    statements: list[str] = []
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store)
        batch.prefetch(TEST_BSNS[:2])
        for n, street in enumerate(("Nieuwstraat", "Dijk")):
            with batch.row():
                row = batch.update_person(batch.person(TEST_BSNS[n]), {"street": street})
                batch.open_case(row["id"], portal_import.Track.BREDE_ONDERSTEUNING, days_ago(1))
        store.conn.set_trace_callback(statements.append)
        try:
            batch.flush()
        finally:
            store.conn.set_trace_callback(None)
    search = dict(store.conn.execute("SELECT rowid, body FROM case_search"))
    cases = store.conn.execute("SELECT id, person_id FROM cases ORDER BY id").fetchall()
    assert len(cases) == 4
    for cid, pid in cases:
        street = "Nieuwstraat 1" if pid == ids[0] else "Dijk 1"
        assert street in search[cid] and "Oudeweg" not in search[cid] and "Kade" not in search[cid]
    sent = [s.split(" (")[0].split(" SET ")[0] for s in statements if not s.startswith("--")]
    assert (
        sent.index("DELETE FROM case_search WHERE rowid IN")
        < sent.index("UPDATE persons")
        < sent.index("INSERT INTO cases")
    )


def test_a_refused_row_forgets_the_history_of_the_case_it_opened(store):
    """The id of a case a refused row opened is given again to the next case opened, maybe another
    person's: that case's history is its own (here a child's, to whom an aanvraag does not fit),
    not the refused row's."""
    from herstel_tui.domain.routekaart import TransitionRefused

    parent = store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen"))
    child = store.persons.add(Person(bsn=TEST_BSNS[1], given_names="Tim", surname="Jansen"))
    store.persons.create_household([(parent.id, Role.AANVRAGER), (child.id, Role.KIND)])
    track, on = portal_import.Track.BREDE_ONDERSTEUNING, days_ago(3)
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store)
        batch.prefetch(TEST_BSNS[:2])
        with pytest.raises(TransitionRefused), batch.row():  # the parent: no eerste toets yet
            first, _ = batch.open_case(parent.id, track, on)
            batch.record_events(first, [("ontvangst_gegevens", None, on, None)])
        with pytest.raises(TransitionRefused) as refused, batch.row():
            again, _ = batch.open_case(child.id, track, on)
            assert again == first
            batch.record_events(again, [("aanvraag_herbeoordeling", None, on, None)])
        assert "kind" in str(refused.value)
        batch.flush()
    assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_a_person_refused_again_and_again_has_their_household_facts_read_once(config, tmp_path, monkeypatch):
    """A child's first row opens the child's case, whose aanvraag is refused (it does not fit a
    child: a note, the case stays), and the child's next rows are refused for it. The engine's
    refusal takes back the history it was judged on, so each row reads the case's history again:
    the child's role and the facts the household shares with them are read once, not at every row."""
    with open_store(tmp_path / "r.db", "t.tester") as store:
        child = family(store)
        tim = [TEST_BSNS[1], "Tim", "Jansen", days_ago(2)]
        path = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Voornamen", "Achternaam", "Datum aanmelding"], tim, tim, tim])
        before = tables(store)
        reads: list[list[int]] = []
        real = store.persons.main_roles
        monkeypatch.setattr(store.persons, "main_roles", lambda ids: reads.append(list(ids)) or real(ids))
        real_rows = import_batch.shared_rows  # (with the persons: see ImportBatch.ahead)
        monkeypatch.setattr(
            import_batch, "shared_rows", lambda conn, ids: reads.append(list(ids)) or real_rows(conn, ids)
        )
        report = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
        after = tables(store)
    assert [o.action for o in report.outcomes] == ["update", "reject", "reject"]
    assert all("kind" in o.text for o in report.outcomes[1:]) and "kind" in report.outcomes[0].notes[0]
    assert reads == [[child]]
    assert len(after["cases"]) == len(before["cases"]) + 1 and after["events"] == before["events"]


def partner_register(store: Store) -> None:
    """register(), and: Kees, aanvrager of a household of his own; Sem, a child in Lot's household
    (made after Kees's); Joop in no household; each with a case; Piet in none either, without."""
    register(store)
    made = [
        store.persons.add(Person(bsn=TEST_BSNS[n], given_names=name, surname="Mol"))
        for n, name in ((3, "Kees"), (4, "Lot"), (5, "Sem"), (6, "Joop"))
    ]
    kees, lot, sem, joop = (p.id for p in made)
    store.persons.create_household([(kees, Role.AANVRAGER)])
    store.persons.create_household([(lot, Role.AANVRAGER), (sem, Role.KIND)])
    for pid in (kees, sem, joop):
        store.cases.open(pid, "brede_ondersteuning", opened=days_ago(100))


def partner_list(folder):
    """Rows linking toeslagpartners: a child who becomes Kees's toeslagpartner (their main
    household: his is older), refused before the link and judged as a toeslagpartner after it;
    Joop, in no household (his is made), and Piet, in none either; a new person's household; a
    link that is there already."""
    b = TEST_BSNS
    head = ["BSN", "Voornamen", "Achternaam", "Datum aanmelding", "BSN toeslagpartner"]
    rows = [
        [b[5], "Sem", "Mol", days_ago(4), None],  # a child: no aanvraag, refused (his case's history kept)
        [b[3], "Kees", "Mol", days_ago(3), b[5]],
        [b[6], "Joop", "Mol", days_ago(4), None],
        [b[5], "Sem", "Mol", days_ago(3), None],  # now Kees's toeslagpartner (in the next batch, of two rows)
        [b[6], "Joop", "Mol", days_ago(2), b[2]],
        [b[2], "Piet", "Bakker", days_ago(2), None],
        [b[20], "Eva", "de Wit", days_ago(2), b[0]],  # a new person's household, Anna (aanvrager) in it
        [b[20], "Eva", "de Wit", days_ago(1), b[0]],  # there already
        [b[4], "Lot", "Mol", days_ago(1), b[2]],
    ]
    return write_xlsx(folder / "partners.xlsx", [head, *rows])


@pytest.mark.parametrize("small_batches", [False, True])
def test_partners_linked_in_bulk_equal_one_by_one(config, tmp_path, monkeypatch, small_batches):
    """A toeslagpartner is linked in the batch (persons.main_household, create_household,
    in_household and add_to_household as the batch's rows): the same tables and reports as
    through the repositories, the later rows judged with the roles the links gave."""
    files = [("aanmeldingen", partner_list(tmp_path))]
    imported_both_ways(config, tmp_path, monkeypatch, partner_register, files, 2 * small_batches)


def _refused_again_list(folder):
    """Sem, a child with a case (partner_register): rows the engine refuses (no aanvraag for a
    child), repeated, with a row between them that changes his phone, and after a row that links
    him as Kees's toeslagpartner (his role changes: judged afresh)."""
    b = TEST_BSNS
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding", "BSN toeslagpartner"]
    sem = [b[5], "Sem", "Mol", None, days_ago(4), None]
    later = [b[5], "Sem", "Mol", None, days_ago(3), None]
    phone = [b[5], "Sem", "Mol", "06-12121212", days_ago(3), None]
    with_phone = [b[5], "Sem", "Mol", "06-12121212", days_ago(3), None]
    kees = [b[3], "Kees", "Mol", None, days_ago(3), b[5]]
    rows = [sem, sem, sem, later, later, phone, with_phone, with_phone, sem, kees, with_phone, with_phone]
    return write_xlsx(folder / "refused.xlsx", [head, *rows])


@pytest.mark.parametrize("batch_rows", [0, 3])
def test_steps_refused_on_the_same_history_are_not_judged_again(config, tmp_path, monkeypatch, batch_rows):
    """Steps the batch refused on a case are refused for the same reason without judging them again
    (ListHandler.record_steps) while the batch judges the same steps on the same history; another
    date (other steps) or a partner link that changes the person's role: judged afresh. The same
    reports and tables as row by row."""
    files = [("aanmeldingen", _refused_again_list(tmp_path))]
    judged: list[int] = []  # the cases whose steps the batch judged
    real = ImportBatch.record_events
    monkeypatch.setattr(
        ImportBatch, "record_events", lambda self, case_id, steps: judged.append(case_id) or real(self, case_id, steps)
    )
    reports, _ = imported_both_ways(config, tmp_path, monkeypatch, partner_register, files, batch_rows)
    actions = [action for _, action, _ in reports[0]]
    assert actions == [*["reject"] * 5, "update", *["reject"] * 3, "update", "update", "skip"]
    assert all("past niet bij een kind" in text for _, action, text in reports[0] if action == "reject")
    assert "toeslagpartner Sem Mol gekoppeld" in reports[0][9][2] and "ontvangst gegevens" in reports[0][10][2]
    # Sem's steps judged by the batch at rows 1 and 4 (another date) and 9 (the first date again);
    # not at 2, 3, 5, 6 (the phone changed, not the history), 7, 8; Kees's at 10; Sem's at 11 by
    # the repositories (his role changed by the link, not yet sent). (Nobody writes between the
    # batches of three rows: they keep the batch.)
    kees, sem = 3, 4  # (partner_register: register()'s two cases, then Kees's, Sem's)
    assert judged == [sem, sem, sem, kees]


def test_the_refusals_remembered_are_those_of_the_batch(store):
    """ListHandler.record_steps remembers the refusals its batch judged (the same steps on the same
    history: refused again without judging); another batch reads the register afresh, and the
    refusals of the one before are forgotten (nothing of that batch is kept alive by them)."""
    children = [family(store, n) for n in range(2)]
    cases = [store.cases.open(child, "brede_ondersteuning", opened=days_ago(10)).id for child in children]
    handler = ListHandler(store, FileMeta("a.xlsx", "0" * 64, 1), 1, TODAY)
    steps = [("aanvraag_herbeoordeling", None, date(2023, 5, 1), None)]
    with store.transaction():
        for n in range(2):
            handler.batch = batch = ImportBatch(store)
            batch.prefetch(TEST_BSNS[:4])
            judged: list[int] = []
            real = batch.record_events
            batch.record_events = lambda case_id, steps, real=real, judged=judged: (
                judged.append(case_id) or real(case_id, steps)
            )
            case = CaseRef(cases[n], "", Track.BREDE_ONDERSTEUNING, children[n])
            assert "past niet bij een kind" in (handler.record_steps(case, steps) or "")
            assert list(handler.refused) == [cases[n]] and handler.refused_by is batch
            assert handler.record_steps(case, steps) == handler.refused[cases[n]][-1]
            assert judged == [cases[n]]


def test_a_partner_link_waits_in_the_batch_and_a_failing_row_takes_it_back(store):
    """link_partner writes as the batch's rows (nothing sent, no savepoint: the rows before it stay in
    the batch), a failing row takes its link back, and a person whose household a link made (their
    role: aanvrager) has their steps written by the repositories until the batch is sent."""
    anna, kees, piet, eva = (
        store.persons.add(Person(bsn=TEST_BSNS[n], given_names=name, surname="Jansen"))
        for n, name in enumerate(("Anna", "Kees", "Piet", "Eva"))
    )
    store.persons.create_household([(anna.id, Role.AANVRAGER)])
    piets = store.cases.open(piet.id, portal_import.Track.BREDE_ONDERSTEUNING, opened=days_ago(9)).id
    before = tables(store)
    statements: list[str] = []
    with store.transaction(), store.cases.summaries_once():
        batch = ImportBatch(store)
        batch.prefetch(TEST_BSNS[:5])
        store.conn.set_trace_callback(statements.append)
        changes = store.conn.total_changes
        try:
            with batch.row():
                made = batch.add_person(Person(bsn=TEST_BSNS[4], given_names="Bo", surname="Smit"), TODAY)
                assert batch.link_partner(made["id"], anna.id, TODAY)
            with pytest.raises(RuntimeError), batch.row():
                assert batch.link_partner(kees.id, eva.id, TODAY)
                raise RuntimeError("stroom weg")
            with batch.row():
                assert batch.link_partner(piet.id, anna.id, TODAY)
                assert not batch.link_partner(piet.id, anna.id, TODAY)  # there already
                assert not batch.knows(piets, ["ontvangst_gegevens"])
        finally:
            store.conn.set_trace_callback(None)
        assert statements and store.conn.total_changes == changes  # (reads only)
        with batch.row(), batch.direct(persons=()):  # (it sends what the batch holds)
            pass
        with batch.row():  # another link after it: Piet's role is the database's again
            assert batch.link_partner(made["id"], eva.id, TODAY)
            assert batch.knows(piets, ["ontvangst_gegevens"])
        batch.flush()
    after = tables(store)
    added = [r for r in after["household_members"] if r not in before["household_members"]]
    want = [(2, made["id"], "aanvrager"), (2, anna.id, "toeslagpartner"), (3, piet.id, "aanvrager")]
    assert sorted(added) == sorted([*want, (3, anna.id, "toeslagpartner"), (2, eva.id, "toeslagpartner")])
    assert [(r[2], r[3], r[4]) for r in after["audit"][len(before["audit"]) :]] == [
        ("aangemaakt", "persoon", made["id"]),
        ("aangemaakt", "huishouden", 2),
        ("toegevoegd", "huishouden", 2),
        ("aangemaakt", "huishouden", 3),
        ("toegevoegd", "huishouden", 3),
        ("toegevoegd", "huishouden", 2),
    ]


def test_the_household_facts_of_the_coming_rows_are_read_at_once(config, tmp_path):
    """The role and the shared facts of the persons of the coming rows are read with the persons
    (two queries), not person by person when their case's history is needed."""
    with open_store(tmp_path / "r.db", "t.tester") as store:
        children = []
        for n in range(3):
            family(store, n)
            children.append([TEST_BSNS[2 * n + 1], "Tim", "Jansen", days_ago(2)])
        path = write_xlsx(tmp_path / "a.xlsx", [["BSN", "Voornamen", "Achternaam", "Datum aanmelding"], *children])
        report, statements = traced_import(store, config, path)
    assert [o.action for o in report.outcomes] == ["update"] * 3  # (the case opened; the aanvraag refused: a note)
    assert all("kind" in o.notes[0] for o in report.outcomes)
    roles = "SELECT person_id, role FROM household_members WHERE person_id IN"
    # the three at once: with the persons, and for the index rows of their cases
    assert [s for s in statements if s.startswith(roles)] == [s for s in statements if s.startswith(roles)][:1] * 2


def test_a_partner_linked_by_an_earlier_row_has_their_household_facts_read_again(config, tmp_path, monkeypatch):
    """The facts read with the persons are forgotten for the persons a row changes through the
    repositories: a person linked as toeslagpartner by an earlier row of the list shares the
    aanvrager's facts at their own row (as imported row by row)."""
    anna = [TEST_BSNS[0], "Anna", "Jansen", days_ago(2), TEST_BSNS[1]]
    piet = [TEST_BSNS[1], "Piet", "Jansen", days_ago(2), None]
    head = ["BSN", "Voornamen", "Achternaam", "Datum aanmelding", "BSN toeslagpartner"]
    path = write_xlsx(tmp_path / "a.xlsx", [head, anna, piet])
    results = []
    for bulk in (True, False):
        monkeypatch.setattr(ImportBatch, "bulk", bulk)
        with open_store(tmp_path / f"{bulk}.db", "t.tester") as store:
            parent = store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen"))
            store.persons.add(Person(bsn=TEST_BSNS[1], given_names="Piet", surname="Jansen"))
            store.persons.create_household([(parent.id, Role.AANVRAGER)])
            case = store.cases.open(parent.id, "brede_ondersteuning", opened=days_ago(200))
            store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 5, 1))
            store.cases.record_event(case.id, "eerste_toets", days_ago(150), outcome="gedupeerd")
            results.append(
                (rows(import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)), tables(store))
            )
    for name in TABLES:
        assert results[0][1][name] == results[1][1][name], name
    assert results[0][0] == results[1][0]
    assert "toeslagpartner Piet Jansen gekoppeld" in results[0][0][0][2]


def _phones_list(folder):
    """Twelve rows: persons 0-5 known (their phone changes), 6-11 new."""
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding"]
    body = [[TEST_BSNS[n], "Noor", f"Visser{n}", f"06-{40_000_000 + n:08d}", days_ago(3)] for n in range(12)]
    return write_xlsx(folder / "a.xlsx", [head, *body])


def _known(store: Store) -> None:
    for n in range(6):
        store.persons.add(Person(bsn=TEST_BSNS[n], given_names="Noor", surname=f"Visser{n}", phone="06-11111111"))


def _batches_of_four(monkeypatch, pause: float) -> None:
    """Transactions of four rows each (whatever the clock says), each reading its four rows' persons."""
    monkeypatch.setattr(portal_import, "BATCH_MIN_ROWS", 4)
    monkeypatch.setattr(portal_import, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(portal_import, "PREFETCH_ROWS", 4)
    monkeypatch.setattr(portal_import, "PAUSE_SECONDS", pause)


def test_the_next_rows_persons_are_read_in_the_pause(config, tmp_path, monkeypatch):
    """Between two batches, with every row parsed, the persons of the next rows are read while the
    write lock is free (the batch keeps them: nobody wrote in between), not in the next batch."""
    path = _phones_list(tmp_path)
    results = []
    for pause in (0.001, 0.0):  # (no pause: every read inside a batch)
        _batches_of_four(monkeypatch, pause)
        with open_store(tmp_path / f"{pause}.db", "t.tester") as store:
            _known(store)
            locked: list[bool] = []
            real = ImportBatch.prefetch

            def prefetch(batch, bsns, store=store, locked=locked, real=real):
                locked.append(store.conn.in_transaction)
                return real(batch, bsns)

            monkeypatch.setattr(ImportBatch, "prefetch", prefetch)
            report = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
            monkeypatch.setattr(ImportBatch, "prefetch", real)
            results.append((rows(report), tables(store), locked))
    (paused, paused_tables, paused_locked), (plain, plain_tables, plain_locked) = results
    assert paused_locked == [True, False, False] and plain_locked == [True, True, True]
    assert [action for _, action, _ in paused] == ["update"] * 6 + ["create"] * 6
    assert paused == plain
    for name in TABLES:
        assert paused_tables[name] == plain_tables[name], name


def test_persons_read_in_the_pause_are_read_again_after_a_colleagues_save(config, tmp_path, monkeypatch):
    """A colleague who saves in the pause, after the persons of the next rows were read, changes
    what the next batch reads: it reads the register afresh (a phone number the colleague already
    saved is not changed again)."""
    _batches_of_four(monkeypatch, pause=0.001)
    path = _phones_list(tmp_path)
    with open_store(tmp_path / "r.db", "t.tester") as store:
        _known(store)
        real = ImportBatch.prefetch
        saved = []

        def prefetch(batch, bsns):
            bsns = list(bsns)
            real(batch, bsns)
            if not store.conn.in_transaction and not saved:  # the first pause: row 5's person changed
                with open_store(store.path, "collega") as other:
                    person = other.persons.find_by_bsn(TEST_BSNS[4])
                    other.persons.update(person.model_copy(update={"phone": "06-40000004"}))
                saved.append(bsns)

        monkeypatch.setattr(ImportBatch, "prefetch", prefetch)
        report = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
    assert saved and TEST_BSNS[4] in saved[0]
    assert ["telefoon" in o.full_text for o in report.outcomes[3:6]] == [True, False, True]


def test_the_import_checkpoints_after_its_batches_not_at_their_commits(config, tmp_path, monkeypatch):
    """SQLite's automatic checkpoint is off while the batches commit (the import checkpoints right
    after each batch, before anything else, so that a colleague's save waiting for the lock does not
    do it; and at its end), and on again afterwards, with the WAL checkpointed as the last commit
    would have left it."""
    _batches_of_four(monkeypatch, pause=0.001)
    path = _phones_list(tmp_path)
    with open_store(tmp_path / "r.db", "t.tester") as store:
        _known(store)
        setting = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        during: list[int] = []
        real = ImportBatch.flush

        def flush(batch, upto=None):
            during.append(store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
            return real(batch, upto)

        monkeypatch.setattr(ImportBatch, "flush", flush)
        report, statements = traced_import(store, config, path, progress=True)
        after = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        _, wal, done = store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert report.counts["update"] == 6 and len(during) == 3
    assert setting > 0 and during == [0, 0, 0] and after == setting
    assert sum(s == "PRAGMA wal_checkpoint(PASSIVE)" for s in statements) == 3  # two pauses and the end
    assert wal == done
    sent = [s for s in statements if s in ("COMMIT", "PRAGMA wal_checkpoint(PASSIVE)", "-- progress")]
    assert sent == ["COMMIT", "PRAGMA wal_checkpoint(PASSIVE)", "-- progress"] * 2 + sent[-2:]
    assert sent[-2:] == ["COMMIT", "PRAGMA wal_checkpoint(PASSIVE)"]


def test_an_import_inside_a_callers_transaction_does_not_checkpoint(config, tmp_path, monkeypatch):
    """Inside a caller's transaction (the batches join it, the pauses lie inside it) the import
    leaves the checkpoints to that transaction's commit: SQLite refuses one inside a transaction."""
    _batches_of_four(monkeypatch, pause=0.001)
    path = _phones_list(tmp_path)
    with open_store(tmp_path / "r.db", "t.tester") as store:
        _known(store)
        with store.transaction():
            report, statements = traced_import(store, config, path)
    assert report.counts["update"] == 6
    assert "PRAGMA wal_checkpoint(PASSIVE)" not in statements


def test_a_refusal_is_judged_again_when_a_failing_rows_event_gave_way_to_another(store):
    """The history a refusal was judged on is known by its list, its length and its last event: a
    failing row's event taken back and another row's added in its place makes the same length, not
    the same history, and the batch judges the steps again."""
    family(store)
    parent = store.persons.find_by_bsn(TEST_BSNS[0])
    case_id = store.cases.of_person(parent.id)[0].id
    handler = ListHandler(store, FileMeta("a.xlsx", "0" * 64, 1), 1, TODAY)
    case = CaseRef(case_id, "", Track.BREDE_ONDERSTEUNING, parent.id)
    again = [("aanvraag_herbeoordeling", None, date(2023, 5, 1), None)]
    with store.transaction(), store.cases.summaries_once():
        handler.batch = batch = ImportBatch(store)
        batch.prefetch(TEST_BSNS[:2])
        judged: list[int] = []
        real = batch.record_events
        batch.record_events = lambda case_id, steps: judged.append(case_id) or real(case_id, steps)
        batch.begin_row()  # a row that records an event, is refused another, and fails
        assert handler.record_steps(case, [("ontvangst_gegevens", None, days_ago(20), None)]) is None
        refused = handler.record_steps(case, again)
        assert refused
        batch.fail_row()
        batch.begin_row()  # the next row records another event in its place
        assert handler.record_steps(case, [("ontvangst_gegevens", None, days_ago(10), None)]) is None
        assert len(judged) == 3
        assert handler.record_steps(case, again)
        assert len(judged) == 4  # judged again (the same length, another history)
        assert handler.record_steps(case, again)
        assert len(judged) == 4  # (and now remembered)
        batch.end_row()


def _fresh_index(store: Store, case_id: int) -> tuple[list[tuple], list[tuple]]:
    """The case's index rows as the engine makes them of the register now (written, then read)."""
    with store.transaction():
        store.cases.refresh_index([case_id])
    return index_rows(store.conn, case_id)


def _anna_decided(store: Store) -> tuple[int, int]:
    """Anna, aanvrager, whose eerste toets (a fact her toeslagpartner shares) found her niet
    gedupeerd ten days ago (the afbouw of brede ondersteuning runs); Piet, in no household, with a
    case without events. Returns (Anna's household, Piet's case)."""
    anna = store.persons.add(Person(bsn=TEST_BSNS[0], given_names="Anna", surname="Jansen"))
    piet = store.persons.add(Person(bsn=TEST_BSNS[2], given_names="Piet", surname="Bakker"))
    hid = store.persons.create_household([(anna.id, Role.AANVRAGER)]).id
    case = store.cases.open(anna.id, "brede_ondersteuning", opened=days_ago(200))
    store.cases.record_event(case.id, "aanvraag_herbeoordeling", date(2023, 5, 1))
    store.cases.record_event(case.id, "eerste_toets", days_ago(10), outcome="niet_gedupeerd")
    theirs = store.cases.open(piet.id, "brede_ondersteuning", opened=days_ago(100)).id
    assert hid is not None and theirs is not None
    return hid, theirs


def test_joining_a_household_refreshes_the_index_of_the_joiners_cases(store):
    """A person who joins a household shares the aanvrager's facts from then on (a toeslagpartner
    inherits her eerste toets, and with it the afbouw's termijn): their cases' index rows follow
    (persons.add_to_household, persons.create_household)."""
    hid, piet_case = _anna_decided(store)
    alone = index_rows(store.conn, piet_case)
    assert alone[1] == []  # (no termijn of his own)
    piet = store.cases.person_of(piet_case)
    store.persons.add_to_household(hid, piet, Role.TOESLAGPARTNER)
    joined = index_rows(store.conn, piet_case)
    assert joined != alone and joined[1]  # the afbouw's termijn, inherited
    assert joined == _fresh_index(store, piet_case)


@pytest.mark.parametrize("batch_rows", [0, 1])
@pytest.mark.parametrize("bulk", [True, False])
def test_a_toeslagpartner_linked_by_a_list_gets_the_index_of_the_facts_now_shared(
    config, tmp_path, monkeypatch, bulk, batch_rows
):
    """A list that links a toeslagpartner to an aanvrager whose shared facts were recorded before:
    the partner's case index shows what they now inherit, whichever batch wrote what."""
    if batch_rows:
        monkeypatch.setattr(portal_import, "BATCH_MIN_ROWS", batch_rows)
        monkeypatch.setattr(portal_import, "BATCH_SECONDS", 0.0)
        monkeypatch.setattr(portal_import, "PAUSE_SECONDS", 0.0)
    monkeypatch.setattr(ImportBatch, "bulk", bulk)
    head = ["BSN", "Voornamen", "Achternaam", "Datum aanmelding", "BSN toeslagpartner"]
    rows = [
        [TEST_BSNS[2], "Piet", "Bakker", days_ago(3), None],
        [TEST_BSNS[0], "Anna", "Jansen", days_ago(2), TEST_BSNS[2]],
    ]
    path = write_xlsx(tmp_path / "link.xlsx", [head, *rows])
    with open_store(tmp_path / "r.db", "t.tester") as store:
        _, piet_case = _anna_decided(store)
        report = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY)
        assert "toeslagpartner Piet Bakker gekoppeld" in report.outcomes[1].text
        stored = index_rows(store.conn, piet_case)
        assert stored[1]  # the afbouw's termijn, inherited
        assert stored == _fresh_index(store, piet_case)


def test_a_refused_row_on_a_case_the_row_opened_is_not_judged_or_read_again(store):
    """A row that opens a child's case and whose steps the engine refuses keeps the case (the row is
    recorded, its steps refused): the case's history read for judging them stays with the row, so the
    same steps in the next row of that person are refused from the handler's memo, without judging
    them again or reading the history from the database again."""
    child = family(store)
    handler = ListHandler(store, FileMeta("a.xlsx", "0" * 64, 1), 1, TODAY)
    steps = [("aanvraag_herbeoordeling", None, date(2023, 5, 1), None)]
    judged: list[int] = []
    statements: list[str] = []
    with store.transaction(), store.cases.summaries_once():
        handler.batch = batch = ImportBatch(store)
        batch.prefetch(TEST_BSNS[:2])
        real = batch.record_events
        batch.record_events = lambda case_id, steps, real=real: judged.append(case_id) or real(case_id, steps)
        with batch.row():
            case_id, number = batch.open_case(child, Track.BREDE_ONDERSTEUNING, TODAY)
            case = CaseRef(case_id, number, Track.BREDE_ONDERSTEUNING, child)
            first = handler.record_steps(case, steps)
            assert "past niet bij een kind" in (first or "")
        store.conn.set_trace_callback(statements.append)
        try:
            with batch.row():
                assert handler.record_steps(case, steps) == first
        finally:
            store.conn.set_trace_callback(None)
    assert judged == [case_id]
    assert not [s for s in statements if "FROM events" in s]
    assert store.cases.events(case_id) == []


@pytest.mark.parametrize("batch_rows", [0, 2, 3])
def test_a_list_never_links_a_toeslagpartner_whose_own_timeline_says_otherwise(
    config, tmp_path, monkeypatch, batch_rows
):
    """A list names Bo, whose own case has his outcome (niet gedupeerd) and the pauzeknop ended on it,
    as the toeslagpartner of Anna (geen uitsluitsel): sharing her outcome would contradict his
    timeline. The link is not made, the row says why (the rest of it is done), and `herstel
    controle` names nothing new. The same for Dirk, in no household before his row (it makes his: it
    waits in the batch), whose outcome is gedupeerd. Eva (her own row first: her new case's events
    wait in the batch) and Piet (no case) are linked; then Bo as toeslagpartner of Noor, a person
    the list makes, Bo's own row, Eva again, for Kim, and Sem, whose timeline contradicts Anna's
    outcome already, for Lot, a person the list makes (nothing new for Sem: linked). The batch
    judges each link before it writes it, from what it holds and what the database tells: the same
    reports and tables as with every write through the repositories, in one transaction or in
    batches of two or three."""
    b = TEST_BSNS
    head = ["BSN", "Voornamen", "Achternaam", "Telefoon", "Datum aanmelding", "BSN toeslagpartner"]
    body = [
        [b[0], "Anna", "Bos", "06-11111111", days_ago(3), b[1]],
        [b[6], "Dirk", "Kok", "06-66666666", days_ago(3), b[1]],
        [b[2], "Eva", "Bos", "06-77777777", days_ago(3), None],
        [b[0], "Anna", "Bos", "06-22222222", days_ago(3), b[2]],
        [b[0], "Anna", "Bos", "06-22222222", days_ago(3), b[3]],
        [b[4], "Noor", "Kok", "06-33333333", days_ago(3), b[1]],
        [b[1], "Bo", "Bos", "06-44444444", days_ago(2), None],
        [b[5], "Kim", "Kok", "06-55555555", days_ago(2), b[2]],
        [b[8], "Lot", "Kok", "06-88888888", days_ago(2), b[7]],
    ]
    files = [("aanmeldingen", write_xlsx(tmp_path / "a.xlsx", [head, *body]))]

    def prepare(store: Store) -> None:
        joiners(store, b)
        store.persons.add(Person(bsn=b[3], given_names="Piet", surname="Bos"))
        dirk = store.persons.add(Person(bsn=b[6], given_names="Dirk", surname="Kok"))
        assert dirk.id is not None
        own_outcome(store, dirk.id, "gedupeerd")  # (in no household: the list makes his, as aanvrager)
        # Sem's timeline contradicts Anna's outcome already (a place an import wrote before this check)
        sem = store.persons.add(Person(bsn=b[7], given_names="Sem", surname="Bos"))
        assert sem.id is not None
        own_outcome(store, sem.id, "niet_gedupeerd")
        with store.transaction():
            store.conn.execute(MEMBER_INSERT, (1, sem.id, "toeslagpartner"))

    judged: list[str | None] = []  # the batch's own verdicts on links
    real = ImportBatch._refusal
    monkeypatch.setattr(
        ImportBatch,
        "_refusal",
        lambda self, *a: judged.append(got := real(self, *a)) or got,  # type: ignore[func-returns-value]
    )
    reports, after = imported_both_ways(config, tmp_path, monkeypatch, prepare, files, batch_rows)
    texts = [text for _, _, text in reports[0]]
    refused = "toeslagpartner Bo Bos niet gekoppeld: in zaak HKO-"
    own = "past Eerste toets: Niet gedupeerd van 01-04-2023 dan niet meer naast Eerste toets: "
    assert refused in texts[0] and f"{own}Geen uitsluitsel van 01-04-2023 van de aanvrager" in texts[0]
    assert "bijgewerkt: telefoon" in texts[0]  # (the rest of the row is done)
    assert refused in texts[1] and f"{own}Gedupeerd van 01-04-2023 van de aanvrager" in texts[1]
    assert "toeslagpartner Eva Bos gekoppeld" in texts[3] and "toeslagpartner Piet Bos gekoppeld" in texts[4]
    assert "toeslagpartner Bo Bos gekoppeld" in texts[5] and "toeslagpartner Eva Bos gekoppeld" in texts[7]
    # (Bo at Anna's and at Dirk's: judged by the batch, which refused both)
    assert all(got is not None and f"niet gekoppeld: {got}" in text for got, text in zip(judged[:2], texts))
    # Lot's household (she is new), which gives Sem nothing new: his old contradiction is not this link's to refuse
    assert "toeslagpartner Sem Bos gekoppeld" in texts[8]
    members = sorted((m[1], m[2]) for m in after["household_members"] if m[0] == 1)
    assert members == [(1, "aanvrager"), (3, "toeslagpartner"), (4, "toeslagpartner"), (6, "toeslagpartner")]
    with open_store(tmp_path / "True.db", "t.tester") as store:
        problems = store.maintenance.check().problems
    assert len(problems) == 1 and "(eerste_toets) past niet op de routekaart" in problems[0]  # (Sem's, from before)
