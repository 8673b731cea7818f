"""What the store hands SQLite and how: the values an import's batch binds, a None bound through its
registered adapter, the audit details' JSON (issue 18: a 50,000-row import binds 159,000 Nones and
encodes 30,000 details; each took the slow way)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herstel_tui.domain.enums import AuditAction, ImportAction, Track
from herstel_tui.domain.models import Person
from herstel_tui.store.base import audit_json, json_text
from herstel_tui.store.import_batch import ImportBatch
from tests.support.data import TEST_BSNS, TODAY

PLAIN = (int, float, str, bytes, type(None))  # what sqlite3 binds without its adapter protocol (None: registered)

JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(),
        st.dates(),  # (not JSON: default=str)
        st.sampled_from(list(AuditAction)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(), st.integers(), st.booleans(), st.none()), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(value=JSON)
def test_json_text_is_what_the_encoder_writes(value):
    assert audit_json(value) == json.JSONEncoder(ensure_ascii=False, default=str).encode(value)
    plain = json_text()
    try:
        want = json.JSONEncoder(ensure_ascii=False).encode(value)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            plain(value)
    else:
        assert plain(value) == want


def test_json_text_after_a_refusal_is_the_same():
    """A value JSON has no form for leaves nothing behind in the one encoder."""
    plain = json_text()
    with pytest.raises(TypeError):
        plain({"a": [date(2026, 1, 1)]})
    assert plain({"a": [1, "b"]}) == '{"a": [1, "b"]}'


def test_a_none_is_bound_through_its_registered_adapter_as_null():
    adapter = sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol))
    assert adapter is not None and adapter(None) is None
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b)")
    conn.execute("INSERT INTO t VALUES (?, ?)", (None, 1))
    assert conn.execute("SELECT typeof(a), a IS NULL FROM t").fetchall() == [("null", 1)]


def test_the_batch_binds_plain_values(store):
    """Every value an import's batch sends is one sqlite3 binds as it is (an enum's value as a plain
    str, not the enum, which would go through sqlite3's adapter protocol)."""
    from herstel_tui.store.import_flush import PERSON_UPDATE as _PERSON_UPDATE

    with store.transaction(), store.cases.summaries_once():
        fid = store.portal.add_file(
            kind="aanmeldingen", direction="import", file_name="a.xlsx", sha256="0" * 64, status="bezig"
        )
        batch = ImportBatch(store)
        with batch.row():
            made = batch.add_person(Person(bsn=TEST_BSNS[0], given_names="Ali", surname="Bakker"), TODAY)
            cid = batch.open_case(made["id"], Track.SCHULDENAANPAK, TODAY)[0]
            batch.record_events(cid, [("aanvraag_herbeoordeling", None, date(2023, 5, 1), None)])
            batch.update_person(batch.person(TEST_BSNS[0]), {"phone": "06-12345678"})
        batch.row_outcome(fid, 2, ImportAction.CREATE, "nieuw", [], True)
        rows = [row[1] if sql == _PERSON_UPDATE else row for sql, got in batch.pending.items() for row in got]
        assert len(rows) == 13  # person, household, member, case, event, version, change, 5 audit rows, outcome
        assert all(type(v) in PLAIN for row in rows for v in row), [
            (v, type(v)) for row in rows for v in row if type(v) not in PLAIN
        ]
        batch.flush()
    assert store.conn.execute("SELECT action FROM portal_import_rows").fetchall() == [("create",)]
    assert [a for (a,) in store.conn.execute("SELECT action FROM audit ORDER BY id")][-5:] == [
        AuditAction.CREATED,
        AuditAction.CREATED,
        AuditAction.CREATED,
        AuditAction.RECORDED,
        AuditAction.CHANGED,
    ]
