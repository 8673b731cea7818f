import json
import sqlite3
from datetime import date

import pytest

from herstel_tui.domain.models import Person, Role
from herstel_tui.settings.resources import open_store
from herstel_tui.store import ConflictError, StoreError
from herstel_tui.store.caselist import CaseFilter
from herstel_tui.store.schema import APPLICATION_ID, LATEST, MIGRATIONS
from tests.support.data import BSN_A, BSN_B


def person(bsn=BSN_A, **kw) -> Person:
    base = dict(
        bsn=bsn,
        given_names="Anna",
        surname="Jansen",
        birth_date=date(1985, 3, 1),
        street="Kerkstraat",
        house_number="12",
        postcode="3011ab",
        city="Rotterdam",
        phone="06-12345678",
        email="anna@voorbeeld.nl",
        preferred_channel="telefoon",
    )
    base.update(kw)
    return Person(**base)


def audit_actions(store):
    return [(e.action, e.entity) for e in store.audit.entries()]


# -- migrations -------------------------------------------------------------------------------


def test_migrates_empty_file_to_latest(db_path):
    with open_store(db_path, "t") as s:
        assert s.schema_version() == LATEST
        assert s.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {
            "persons",
            "cases",
            "households",
            "household_members",
            "events",
            "contact_notes",
            "audit",
            "case_summary",
        } <= tables
        assert audit_actions(s) == [("schema", "database")]
    assert (db_path.stat().st_mode & 0o777) == 0o600


def test_migrates_from_previous_version(db_path):
    # Build a database at version LATEST-1 exactly as the old code would have, with data in it.
    conn = sqlite3.connect(db_path, isolation_level=None)
    # the SQL functions the Store gives its migration scripts (migration 9 cleans text with them)
    from herstel_tui.domain.text import scrub_stored

    conn.create_function(
        "herstel_scrub", 2, lambda v, m: scrub_stored(v, multiline=bool(m)) if isinstance(v, str) else v
    )
    conn.create_function("herstel_now", 0, lambda: "2026-06-01T09:00:00+02:00")
    conn.create_function("herstel_user", 0, lambda: "t")
    for version, _t, script in MIGRATIONS[:-1]:
        conn.executescript(f"BEGIN;{script}\nPRAGMA user_version = {version};COMMIT;")
    cols = {r[1] for r in conn.execute("PRAGMA table_info(persons)")}  # Dutch names before migration 7
    first, last = ("given_names", "surname") if "given_names" in cols else ("voornamen", "achternaam")
    conn.execute(f"INSERT INTO persons (bsn, {first}, {last}) VALUES (?, 'Piet', 'Vos')", (BSN_A,))
    conn.close()
    with open_store(db_path, "t") as s:
        assert s.schema_version() == LATEST
        assert s.persons.find_by_bsn(BSN_A).surname == "Vos"


def test_reopen_is_idempotent(db_path):
    open_store(db_path, "t").close()
    with open_store(db_path, "t") as s:
        assert s.schema_version() == LATEST
        assert audit_actions(s) == [("schema", "database")]


def test_failing_migration_rolls_back(db_path, monkeypatch):
    from herstel_tui.store import schema

    bad = list(schema.MIGRATIONS) + [(LATEST + 1, "kapot", "CREATE TABLE x (a); INSERT INTO nope VALUES (1);")]
    monkeypatch.setattr("herstel_tui.store.db.MIGRATIONS", bad)
    monkeypatch.setattr("herstel_tui.store.db.LATEST", LATEST + 1)
    with pytest.raises(StoreError):
        open_store(db_path, "t")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'x'").fetchone()[0] == 0


def test_newer_schema_is_refused_and_untouched(db_path):
    open_store(db_path, "t").close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match=f"schemaversie {LATEST + 1}.*Werk herstel bij"):
        open_store(db_path, "t")
    assert db_path.read_bytes() == before


def test_not_sqlite_is_refused_and_untouched(db_path):
    db_path.write_text("dit is een boodschappenlijst\n")
    with pytest.raises(StoreError, match="geen SQLite-database"):
        open_store(db_path, "t")
    assert db_path.read_text() == "dit is een boodschappenlijst\n"


def test_foreign_sqlite_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recepten (naam TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="geen herstel-database"):
        open_store(db_path, "t")


# -- constraints ------------------------------------------------------------------------------


def test_bsn_unique(store):
    store.persons.add(person())
    with pytest.raises(StoreError, match=r"al een persoon met BSN \*+006"):
        store.persons.add(person(given_names="Ander"))
    assert store.counts()["persons"] == 1


def test_bsn_stored_as_text_nine_digits(store):
    p = store.persons.add(person(bsn="011234568"))
    typ, value = store.conn.execute("SELECT typeof(bsn), bsn FROM persons WHERE id = ?", (p.id,)).fetchone()
    assert (typ, value) == ("text", "011234568")


def test_schema_check_refuses_bad_bsn_even_past_the_model(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO persons (bsn, given_names, surname) VALUES ('12345', 'a', 'b')")


def test_one_case_per_person_per_track(store):
    p = store.persons.add(person())
    store.cases.open(p.id, "brede_ondersteuning")
    with pytest.raises(StoreError, match="al een zaak in het spoor Brede ondersteuning"):
        store.cases.open(p.id, "brede_ondersteuning")
    store.cases.open(p.id, "schuldenaanpak")
    assert [c.track.value for c in store.cases.of_person(p.id)] == ["brede_ondersteuning", "schuldenaanpak"]


def test_unknown_role_refused(store):
    p = store.persons.add(person())
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="onbekende rol in het huishouden 'oom'"):
        store.persons.create_household([(p.id, "oom")])
    assert store.conn.execute("SELECT count(*) FROM households").fetchone()[0] == 0


def test_foreign_keys_enforced(store):
    with pytest.raises(StoreError, match="persoon 999 bestaat niet"):
        store.cases.open(999, "brede_ondersteuning")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO cases (zaaknummer, person_id, track, opened) VALUES ('X', 999, 'schuldenaanpak', '2025-01-01')"
        )


def test_audit_is_append_only(store):
    store.persons.add(person())
    with pytest.raises(sqlite3.IntegrityError, match="kan niet worden gewijzigd"):
        store.conn.execute("UPDATE audit SET who = 'iemand'")
    with pytest.raises(sqlite3.IntegrityError, match="kan niet worden gewist"):
        store.conn.execute("DELETE FROM audit")


# -- round trips ------------------------------------------------------------------------------


def test_person_round_trip(store):
    p = store.persons.add(person(surname_prefix="de"))
    back = store.persons.get(p.id)
    assert back == p
    assert back.postcode == "3011 AB" and back.name == "Anna de Jansen"
    assert store.persons.find_by_bsn(BSN_A) == p


def test_update_person_audits_old_and_new(store):
    p = store.persons.add(person())
    store.persons.update(p.model_copy(update={"phone": "06-87654321"}))
    assert store.persons.get(p.id).phone == "06-87654321"
    last = store.audit.entries()[-1]
    assert last.action == "gewijzigd" and last.person_id == p.id
    assert last.detail == {"telefoon": {"oud": "06-12345678", "nieuw": "06-87654321"}}


def test_household_round_trip(store):
    a = store.persons.add(person())
    b = store.persons.add(person(bsn=BSN_B, given_names="Kees"))
    kid = store.persons.add(person(bsn=None, given_names="Noor", birth_date=date(2010, 5, 5)))
    store.persons.create_household(
        [(a.id, "aanvrager"), (b.id, Role.TOESLAGPARTNER), (kid.id, "kind")], date(2023, 1, 5)
    )
    case = store.cases.open(kid.id, "brede_ondersteuning")
    hh = store.persons.household_of(a.id)
    assert [(p.given_names, r) for p, r, _ in hh] == [
        ("Anna", Role.AANVRAGER),
        ("Kees", Role.TOESLAGPARTNER),
        ("Noor", Role.KIND),
    ]
    assert hh[2][2] == [case]


def test_case_round_trip_and_zaaknummer(store):
    p = store.persons.add(person())
    q = store.persons.add(person(bsn=BSN_B))
    c1 = store.cases.open(p.id, "brede_ondersteuning", opened=date(2026, 2, 1), caseworker="m.kaya")
    c2 = store.cases.open(q.id, "brede_ondersteuning", opened=date(2026, 3, 1))
    c3 = store.cases.open(q.id, "schuldenaanpak", opened=date(2025, 3, 1))
    assert (c1.zaaknummer, c2.zaaknummer, c3.zaaknummer) == ("HKO-2026-000001", "HKO-2026-000002", "HKO-2025-000001")
    assert store.cases.get(c1.id) == c1
    assert store.cases.find("hko-2026-000001 ") == c1
    assert c2.caseworker == "t.tester"


def test_contact_note_round_trip(store):
    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning")
    n1 = store.cases.add_note(c.id, "Gebeld, afspraak gemaakt", channel="telefoon", on=date(2026, 1, 5))
    n2 = store.cases.add_note(c.id, "Huisbezoek", channel="huisbezoek", on=date(2026, 2, 5))
    assert store.cases.notes(c.id) == [n2, n1]  # newest first
    assert n1.by == "t.tester"
    with pytest.raises(Exception, match="kanaal 'duif'"):
        store.cases.add_note(c.id, "x", channel="duif")


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_event_round_trip_and_summary(store):
    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning", opened=date(2025, 1, 1))
    view = store.cases.view(c.id)
    first = view.next_steps[0]
    ev = store.cases.record_event(c.id, first.step, date(2025, 1, 2), outcome=first.outcome, note="Aangemeld")
    assert store.cases.events(c.id) == [ev]
    assert ev.recorded_by == "t.tester" and ev.note == "Aangemeld"
    row = store.conn.execute("SELECT current_step FROM case_summary WHERE case_id = ?", (c.id,)).fetchone()
    assert row[0] == first.step
    assert store.cases.get(c.id).version == 2


@pytest.mark.usefixtures("pinned_today")  # fixed dates of 2024-2025: today is TODAY
def test_record_event_refused_leaves_nothing(store):
    from herstel_tui.domain.routekaart import TransitionRefused

    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning")
    before = store.counts()
    with pytest.raises(TransitionRefused):
        store.cases.record_event(c.id, "integrale_beoordeling", date(2025, 1, 2), outcome="gedupeerd")
    assert store.counts() == before


def test_optimistic_lock(store):
    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning")
    store.cases.assign(c.id, "m.kaya", expected_version=c.version)
    with pytest.raises(ConflictError, match="intussen door een ander gewijzigd"):
        store.cases.assign(c.id, "p.jansen", expected_version=c.version)
    assert store.cases.get(c.id).caseworker == "m.kaya"


def test_urgency(store):
    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning")
    c2 = store.cases.set_urgency(c.id, "terminale_ziekte")
    assert c2.urgent and c2.urgency.label == "Terminale ziekte"
    with pytest.raises(Exception, match="onbekende urgentiecriterium"):
        store.cases.set_urgency(c.id, "verveling")
    assert store.cases.get(c.id).urgency.value == "terminale_ziekte"


def test_every_change_is_audited(store):
    p = store.persons.add(person())
    c = store.cases.open(p.id, "brede_ondersteuning")
    store.cases.add_note(c.id, "Gebeld")
    store.cases.assign(c.id, "m.kaya")
    store.cases.set_urgency(c.id, "onomkeerbare_situatie")
    store.audit.viewed(person_id=p.id, case_id=c.id)
    assert audit_actions(store) == [
        ("schema", "database"),
        ("aangemaakt", "persoon"),
        ("aangemaakt", "zaak"),
        ("vastgelegd", "contactmoment"),
        ("toegewezen", "zaak"),
        ("urgentie", "zaak"),
        ("bekeken", "zaak"),
    ]
    assert all(e.who == "t.tester" for e in store.audit.entries())
    created = store.audit.entries()[1]
    assert created.detail["bsn"] == "******006"  # never the full BSN in the trail
    assert json.dumps(created.detail).count(BSN_A) == 0


def test_register_is_all_or_nothing(store):
    anna, case = store.persons.register(person(), track="brede_ondersteuning", caseworker="m.kaya")
    assert case.person_id == anna.id and case.caseworker == "m.kaya"
    kid, none = store.persons.register(person(bsn=BSN_B, given_names="Noor"), role="kind", household_of=anna.id)
    assert none is None
    assert [(p.given_names, r.value) for p, r, _ in store.persons.household_of(anna.id)] == [
        ("Anna", "aanvrager"),
        ("Noor", "kind"),
    ]
    before = store.counts()
    with pytest.raises(StoreError, match="persoon 9999 bestaat niet"):  # fails after the person was added
        store.persons.register(
            person(bsn="999900031", given_names="Piet"), role="kind", track="brede_ondersteuning", household_of=9999
        )
    assert store.counts() == before


def test_data_version_sees_other_connections(db_path):
    with open_store(db_path, "a") as a, open_store(db_path, "b") as b:
        v = a.data_version()
        a.persons.add(person())
        assert a.data_version() == v  # own commits do not count
        b.persons.add(person(bsn=BSN_B))
        assert a.data_version() != v


def test_audit_rows_of_older_versions_read_in_todays_vocabulary(tmp_path):
    """Older versions wrote 'export' for an export of the overview; it reads as the one action now."""
    from herstel_tui.domain.enums import AuditAction
    from herstel_tui.store.base import append_audit

    with open_store(tmp_path / "oud.db", "t") as s, s.transaction() as conn:
        append_audit(conn, "t", "export", "overzicht", None, detail={"bestand": "overzicht-20250101.xlsx"})  # type: ignore[arg-type]
    with open_store(tmp_path / "oud.db", "t") as s:
        last = s.audit.entries()[-1]
    assert last.action is AuditAction.EXPORTED and last.action == "geëxporteerd"


def test_search_rows_follow_searched_columns_only(store):
    """Migration 14: a person's search rows are rewritten when name, BSN or address change, not for
    a new phone number or e-mail address (a portal list brings thousands of those)."""
    p = store.persons.add(Person(bsn=BSN_A, given_names="Anna", surname="Jansen", street="Laan"))
    case = store.cases.open(p.id, "brede_ondersteuning")

    def search_row():
        return store.conn.execute("SELECT rowid, body FROM case_search WHERE rowid = ?", (case.id,)).fetchone()

    changes = store.conn.total_changes
    store.persons.update(p.model_copy(update={"phone": "06-12345678", "email": "a@example.nl"}))
    assert store.conn.total_changes - changes == 1 + 1 + 1  # the person, the audit row and its number
    before = search_row()
    store.persons.update(store.persons.get(p.id).model_copy(update={"street": "Kerkstraat", "surname": "Visser"}))
    assert search_row() != before and "Kerkstraat" in search_row()[1] and "Visser" in search_row()[1]
    assert store.cases.page(CaseFilter(search="Kerkstraat"))[0].zaaknummer == case.zaaknummer


def test_the_light_schema_version_is_the_last_migration():
    """store.base.LATEST (what the quick paths check a file against, without the migrations' SQL)
    is the last migration's version; schema.py refuses to load otherwise."""
    from herstel_tui.store import base

    assert base.LATEST == MIGRATIONS[-1][0] == LATEST
