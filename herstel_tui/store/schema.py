"""The schema, as an ordered list of migrations keyed by ``PRAGMA user_version``.

Each migration runs in its own transaction together with the bump of ``user_version``, so a
database is always at exactly one known version. Never edit a migration that has shipped: add
a new one.
"""

from __future__ import annotations

from herstel_tui.store.base import APPLICATION_ID, LATEST
from herstel_tui.store.tally_sql import OVERVIEW_FILL, OVERVIEW_TRIGGERS

# (version, description, SQL script). The runner wraps each script in BEGIN IMMEDIATE ...
# PRAGMA user_version = N; COMMIT, and rolls back on any error.
Migration = tuple[int, str, str]

_V1_CORE = f"""
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE persons (
            id              INTEGER PRIMARY KEY,
            bsn             TEXT UNIQUE CHECK (bsn IS NULL OR (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*')),
            voornamen       TEXT NOT NULL CHECK (length(trim(voornamen)) > 0),
            tussenvoegsel   TEXT,
            achternaam      TEXT NOT NULL CHECK (length(trim(achternaam)) > 0),
            geboortedatum   TEXT,
            straat          TEXT,
            huisnummer      TEXT,
            postcode        TEXT,
            woonplaats      TEXT,
            telefoon        TEXT,
            email           TEXT,
            voorkeurskanaal TEXT
        );
        CREATE TABLE households (
            id            INTEGER PRIMARY KEY,
            registered_on TEXT
        );
        CREATE TABLE household_members (
            household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
            person_id    INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            role         TEXT NOT NULL CHECK (role IN
                           ('aanvrager', 'toeslagpartner', 'ex-toeslagpartner', 'kind', 'nabestaande')),
            PRIMARY KEY (household_id, person_id)
        );
        CREATE INDEX household_members_person ON household_members(person_id);
        CREATE TABLE cases (
            id                INTEGER PRIMARY KEY,
            zaaknummer        TEXT NOT NULL UNIQUE,
            person_id         INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            track             TEXT NOT NULL CHECK (track IN ('brede_ondersteuning', 'schuldenaanpak')),
            caseworker        TEXT,
            opened            TEXT NOT NULL,
            closed            TEXT,
            urgency           TEXT,
            casuistiekoverleg INTEGER NOT NULL DEFAULT 0,
            version           INTEGER NOT NULL DEFAULT 1,
            UNIQUE (person_id, track)
        );
        CREATE TABLE events (
            id          INTEGER PRIMARY KEY,
            case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            step        TEXT NOT NULL,
            outcome     TEXT,
            fact_date   TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            note        TEXT,
            correction  INTEGER NOT NULL DEFAULT 0,
            reason      TEXT,
            CHECK (correction = 0 OR length(trim(reason)) > 0)
        );
        CREATE INDEX events_case ON events(case_id, fact_date, id);
        CREATE TABLE contact_notes (
            id          INTEGER PRIMARY KEY,
            case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            date        TEXT NOT NULL,
            channel     TEXT NOT NULL,
            text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
            by          TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX contact_notes_case ON contact_notes(case_id, date);
        -- Append-only: no foreign keys (the trail outlives what it describes), no updates, no deletes.
        CREATE TABLE audit (
            id        INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            who       TEXT NOT NULL,
            action    TEXT NOT NULL,
            entity    TEXT NOT NULL,
            entity_id INTEGER,
            person_id INTEGER,
            case_id   INTEGER,
            detail    TEXT
        );
        CREATE INDEX audit_case ON audit(case_id);
        CREATE INDEX audit_person ON audit(person_id);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'het auditlogboek kan niet worden gewijzigd'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'het auditlogboek kan niet worden gewist'); END;
        PRAGMA application_id = {APPLICATION_ID};
"""

# A derived index for the case list: what the routekaart engine says about each case,
# refreshed in the same transaction as every event written. The events stay the only
# truth. The store rebuilds this table when the routekaart file changes (its hash is kept in
# meta) and, on open, refreshes the cases whose next date is a period (nazorg, moratorium)
# that has run out since: those are the only rows that time alone can change.
_V2_CASE_SUMMARY = """
        CREATE TABLE case_summary (
            case_id       INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
            current_step  TEXT,
            current_title TEXT NOT NULL,
            outcome       TEXT,
            next_due      TEXT,
            next_rule     TEXT,
            next_kind     TEXT,
            closed        INTEGER NOT NULL DEFAULT 0,
            last_event    TEXT
        );
        -- the default order of the werkvoorraad: soonest date first, cases without one last
        CREATE INDEX case_summary_due ON case_summary(coalesce(next_due, '9999-12-31'), case_id);
        CREATE INDEX case_summary_step ON case_summary(current_step);
        -- the rows time alone can change: periods (nazorg, moratorium) that run out
        CREATE INDEX case_summary_period ON case_summary(next_due) WHERE next_kind = 'period';
        CREATE INDEX cases_caseworker ON cases(caseworker);
        CREATE INDEX persons_name ON persons(achternaam, voornamen);
"""


# Search over name, BSN, zaaknummer and address for the case list: one trigram FTS5 row per
# case (rowid = case id), kept current by triggers, so any substring of 3+ characters is an
# index lookup at 100,000 cases.
_SEARCH_BODY = """coalesce(c.zaaknummer, '') || ' ' || coalesce(p.voornamen, '') || ' ' ||
    coalesce(p.tussenvoegsel, '') || ' ' || coalesce(p.achternaam, '') || ' ' || coalesce(p.bsn, '') || ' ' ||
    coalesce(p.straat, '') || ' ' || coalesce(p.huisnummer, '') || ' ' || coalesce(p.postcode, '') || ' ' ||
    replace(coalesce(p.postcode, ''), ' ', '') || ' ' || coalesce(p.woonplaats, '')"""

_V3_SEARCH = f"""
        CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize = 'trigram');
        INSERT INTO case_search (rowid, body)
            SELECT c.id, {_SEARCH_BODY} FROM cases c JOIN persons p ON p.id = c.person_id;
        CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN
            INSERT INTO case_search (rowid, body)
                SELECT c.id, {_SEARCH_BODY} FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id = new.id;
        END;
        CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN
            DELETE FROM case_search WHERE rowid = old.id;
        END;
        CREATE TRIGGER case_search_person AFTER UPDATE ON persons BEGIN
            DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE person_id = new.id);
            INSERT INTO case_search (rowid, body)
                SELECT c.id, {_SEARCH_BODY} FROM cases c JOIN persons p ON p.id = c.person_id
                WHERE c.person_id = new.id;
        END;
"""


# Files exchanged with the Belastingdienst portal (herstel_tui/store/portal.py does all SQL).
# portal_files: every file written (vraagbestand) or read (antwoordbestand, lists, verificatiecode),
#   with its sha256; a file read once is refused the second time (idempotent imports).
# child_verifications: one row per child per vraagbestand; the answer from the antwoordbestand
#   is filled in on the open request(s) of that child. ``bsn`` is the number as sent.
# verification_codes: the code for the UHT Serviceteam, renewed every 6 months.
_V4_PORTAL = """
        CREATE TABLE portal_files (
            id        INTEGER PRIMARY KEY,
            kind      TEXT NOT NULL CHECK (kind IN ('vraagbestand', 'antwoordbestand', 'aanmeldingen',
                                                    'negatief', 'invordering', 'verificatiecode')),
            direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
            name      TEXT NOT NULL,
            sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
            rows      INTEGER NOT NULL DEFAULT 0,
            summary   TEXT,
            at        TEXT NOT NULL,
            by        TEXT NOT NULL
        );
        CREATE UNIQUE INDEX portal_files_imported ON portal_files(sha256) WHERE direction = 'import';
        CREATE TABLE child_verifications (
            id              INTEGER PRIMARY KEY,
            person_id       INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            bsn             TEXT NOT NULL CHECK (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*'),
            requested_on    TEXT NOT NULL,
            request_file_id INTEGER NOT NULL REFERENCES portal_files(id),
            answered_on     TEXT,
            answer_file_id  INTEGER REFERENCES portal_files(id),
            belongs         INTEGER CHECK (belongs IN (0, 1)),
            CHECK ((answered_on IS NULL) = (belongs IS NULL))
        );
        CREATE INDEX child_verifications_person ON child_verifications(person_id, answered_on);
        CREATE INDEX child_verifications_bsn ON child_verifications(bsn);
        CREATE TABLE verification_codes (
            id          INTEGER PRIMARY KEY,
            code        TEXT NOT NULL CHECK (length(trim(code)) > 0),
            portal_id   TEXT NOT NULL,
            file_date   TEXT NOT NULL,
            valid_from  TEXT NOT NULL,
            valid_until TEXT NOT NULL CHECK (valid_until >= valid_from),
            file_id     INTEGER NOT NULL REFERENCES portal_files(id)
        );
        CREATE INDEX verification_codes_valid ON verification_codes(valid_from, id);
"""

# Plan van aanpak and SPUK costs (herstel_tui/store/plan.py does all SQL).
# plans: one per case. plan_versions: concept → hoofdlijnen | volledig; at most one concept per plan;
#   an agreed version is frozen (triggers below refuse changes to its content; progress — a goal's
#   status, an action's done — stays writable and is guarded by the store).
# plan_goals / plan_actions: ``uid`` is the same goal/action across versions: the id of the row
#   where it was first made (that row is never deleted once a later version copied it).
# cost_entries: money as INTEGER cents, quantities as INTEGER hundredths; ``action_uid`` links to
#   a plan action (its first row). Components are data (routekaart.toml [spuk_components]).
# form_drafts: what a form holds before it can be saved for real (the cost and agreement forms),
#   per user and form, one row per field; removed in the transaction that saves the form.
_V5_PLAN = """
        CREATE TABLE plans (
            id      INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE
        );
        CREATE TABLE plan_versions (
            id           INTEGER PRIMARY KEY,
            plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            number       INTEGER NOT NULL CHECK (number >= 1),
            status       TEXT NOT NULL DEFAULT 'concept' CHECK (status IN ('concept', 'hoofdlijnen', 'volledig')),
            based_on     INTEGER,
            created_at   TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            agreed_on    TEXT,
            consent      TEXT CHECK (consent IS NULL OR consent IN ('ondertekend', 'mondeling', 'schriftelijk', 'digitaal')),
            consent_note TEXT,
            agreed_at    TEXT,
            agreed_by    TEXT,
            UNIQUE (plan_id, number),
            CHECK ((status = 'concept') = (agreed_on IS NULL)),
            CHECK (status = 'concept' OR consent IS NOT NULL)
        );
        CREATE UNIQUE INDEX plan_versions_one_concept ON plan_versions(plan_id) WHERE status = 'concept';
        CREATE TABLE plan_areas (
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            area       TEXT NOT NULL CHECK (area IN ('financien', 'wonen', 'zorg', 'gezin', 'werk')),
            situation  TEXT NOT NULL DEFAULT '',
            question   TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, area)
        );
        CREATE TABLE plan_goals (
            id         INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            uid        INTEGER NOT NULL,
            area       TEXT NOT NULL CHECK (area IN ('financien', 'wonen', 'zorg', 'gezin', 'werk')),
            position   INTEGER NOT NULL DEFAULT 0,
            text       TEXT NOT NULL DEFAULT '',
            status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'bezig', 'behaald', 'vervallen')),
            UNIQUE (version_id, uid)
        );
        CREATE INDEX plan_goals_version ON plan_goals(version_id, area, position);
        CREATE TABLE plan_actions (
            id         INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            uid        INTEGER NOT NULL,
            area       TEXT NOT NULL CHECK (area IN ('financien', 'wonen', 'zorg', 'gezin', 'werk')),
            position   INTEGER NOT NULL DEFAULT 0,
            goal_uid   INTEGER,
            what       TEXT NOT NULL DEFAULT '',
            who        TEXT NOT NULL DEFAULT 'gemeente' CHECK (who IN ('ouder', 'netwerk', 'gemeente', 'extern')),
            party      TEXT,
            due        TEXT,
            done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
            UNIQUE (version_id, uid)
        );
        CREATE INDEX plan_actions_version ON plan_actions(version_id, area, position);
        CREATE INDEX plan_actions_uid ON plan_actions(uid);
        CREATE TRIGGER plan_versions_frozen BEFORE UPDATE ON plan_versions WHEN old.status <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_areas_frozen BEFORE UPDATE ON plan_areas
            WHEN (SELECT status FROM plan_versions WHERE id = old.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_areas_frozen_insert BEFORE INSERT ON plan_areas
            WHEN (SELECT status FROM plan_versions WHERE id = new.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_goals_frozen BEFORE UPDATE OF version_id, uid, area, position, text ON plan_goals
            WHEN (SELECT status FROM plan_versions WHERE id = old.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_goals_frozen_insert BEFORE INSERT ON plan_goals
            WHEN (SELECT status FROM plan_versions WHERE id = new.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_actions_frozen
            BEFORE UPDATE OF version_id, uid, area, position, goal_uid, what, who, party, due ON plan_actions
            WHEN (SELECT status FROM plan_versions WHERE id = old.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TRIGGER plan_actions_frozen_insert BEFORE INSERT ON plan_actions
            WHEN (SELECT status FROM plan_versions WHERE id = new.version_id) <> 'concept'
            BEGIN SELECT RAISE(ABORT, 'een vastgestelde versie van het plan van aanpak kan niet worden gewijzigd'); END;
        CREATE TABLE cost_entries (
            id                  INTEGER PRIMARY KEY,
            case_id             INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            date                TEXT NOT NULL,
            component           TEXT NOT NULL CHECK (length(component) BETWEEN 1 AND 8),
            description         TEXT NOT NULL CHECK (length(trim(description)) > 0),
            kind                TEXT NOT NULL CHECK (kind IN ('uren', 'stuks', 'werkelijk')),
            quantity_hundredths INTEGER CHECK (quantity_hundredths IS NULL OR quantity_hundredths > 0),
            price_cents         INTEGER CHECK (price_cents IS NULL OR price_cents > 0),
            amount_cents        INTEGER NOT NULL CHECK (amount_cents > 0),
            action_uid          INTEGER REFERENCES plan_actions(id),
            recorded_at         TEXT NOT NULL,
            recorded_by         TEXT NOT NULL,
            CHECK ((kind = 'werkelijk') = (quantity_hundredths IS NULL AND price_cents IS NULL)),
            CHECK (kind = 'werkelijk' OR (quantity_hundredths IS NOT NULL AND price_cents IS NOT NULL))
        );
        CREATE INDEX cost_entries_case ON cost_entries(case_id, date);
        CREATE INDEX cost_entries_date ON cost_entries(date, component);
        CREATE INDEX cost_entries_action ON cost_entries(action_uid);
        CREATE TABLE form_drafts (
            who      TEXT NOT NULL,
            form     TEXT NOT NULL,
            field    TEXT NOT NULL,
            value    TEXT NOT NULL,
            case_id  INTEGER REFERENCES cases(id) ON DELETE CASCADE,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (who, form, field)
        );
        CREATE INDEX form_drafts_case ON form_drafts(case_id);
        CREATE INDEX cases_track_opened ON cases(track, opened);
"""

# Issue 13.
# audit_ids_grow: an audit row's id must be above every id ever written (kept in meta as
#   'audit_hoogste_id'). Rows deleted behind the other triggers' back would otherwise have their
#   ids handed out again; this refuses such a write, and `herstel controle` compares the
#   highest id, the count and the mark.
# portal_files.status: 'bezig' while a list import is applied in short batches, 'klaar' once its
#   last batch committed. portal_import_rows: the outcome of each row of an unfinished import,
#   written in the same transaction as the row's changes, so a re-run of the same file applies
#   every row exactly once. Emptied when the import completes (the texts name people).
_V6_CONCURRENCY = """
        INSERT OR REPLACE INTO meta (key, value)
            VALUES ('audit_hoogste_id', (SELECT coalesce(max(id), 0) FROM audit));
        CREATE TRIGGER audit_ids_grow AFTER INSERT ON audit
        BEGIN
            SELECT RAISE(ABORT, 'auditlogboek aangetast: regelnummer hergebruikt')
                WHERE NEW.id <= CAST((SELECT value FROM meta WHERE key = 'audit_hoogste_id') AS INTEGER);
            UPDATE meta SET value = NEW.id WHERE key = 'audit_hoogste_id';
        END;
        ALTER TABLE portal_files ADD COLUMN status TEXT NOT NULL DEFAULT 'klaar'
            CHECK (status IN ('bezig', 'klaar'));
        CREATE TABLE portal_import_rows (
            file_id INTEGER NOT NULL REFERENCES portal_files(id) ON DELETE CASCADE,
            row     INTEGER NOT NULL,
            action  TEXT NOT NULL,
            text    TEXT NOT NULL,
            notes   TEXT,
            PRIMARY KEY (file_id, row)
        ) WITHOUT ROWID;
"""

# Identifiers in English (issue 14): the person columns get the names of the model's fields. SQLite
# (3.25+) rewrites the index, the CHECK constraints and the search triggers that name them.
_PERSON_COLUMNS = {
    "voornamen": "given_names",
    "tussenvoegsel": "surname_prefix",
    "achternaam": "surname",
    "geboortedatum": "birth_date",
    "straat": "street",
    "huisnummer": "house_number",
    "woonplaats": "city",
    "telefoon": "phone",
    "voorkeurskanaal": "preferred_channel",
}
_V7_ENGLISH = "\n".join(f"ALTER TABLE persons RENAME COLUMN {old} TO {new};" for old, new in _PERSON_COLUMNS.items())

# Issue 15: the text policy (domain/text) for rows written before it. Control characters and escape
# sequences are removed (newline and tab kept where a field has lines), bidi controls dropped, NFC.
# herstel_scrub(text, multiline), herstel_now() and herstel_user() are registered on the connection
# by the migration runner (store/db.py), so the policy stays in one place (Python). One audit row
# per changed record names the fields (not the values: they may hold the very sequences removed).
# Agreed plan versions are frozen by triggers and left as they are; every output is sanitised anyway.
_CONCEPT = "(SELECT status FROM plan_versions WHERE id = {vid}) = 'concept'"
# table -> (entity, id, person_id, case_id, extra condition, {column: (word, multiline)})
_TEXT_TABLES: dict[str, tuple[str, str, str, str, str, dict[str, tuple[str, bool]]]] = {
    "persons": (
        "persoon",
        "id",
        "id",
        "NULL",
        "",
        {
            c: (w, False)
            for c, w in (
                ("given_names", "voornamen"),
                ("surname_prefix", "tussenvoegsel"),
                ("surname", "achternaam"),
                ("street", "straat"),
                ("house_number", "huisnummer"),
                ("postcode", "postcode"),
                ("city", "woonplaats"),
                ("phone", "telefoon"),
                ("email", "email"),
            )
        },
    ),
    "cases": ("zaak", "id", "person_id", "id", "", {"caseworker": ("medewerker", False)}),
    "events": (
        "gebeurtenis",
        "id",
        "NULL",
        "case_id",
        "",
        {"note": ("toelichting", True), "reason": ("reden", True), "recorded_by": ("door", False)},
    ),
    "contact_notes": ("contactmoment", "id", "NULL", "case_id", "", {"text": ("tekst", True), "by": ("door", False)}),
    "cost_entries": (
        "kostenpost",
        "id",
        "NULL",
        "case_id",
        "",
        {"description": ("omschrijving", False), "recorded_by": ("door", False)},
    ),
    "plan_versions": (
        "plan",
        "id",
        "NULL",
        "(SELECT case_id FROM plans WHERE plans.id = plan_id)",
        "status = 'concept'",
        {"consent_note": ("toelichting", True), "created_by": ("door", False), "agreed_by": ("door", False)},
    ),
    "plan_areas": (
        "plan",
        "version_id",
        "NULL",
        "NULL",
        _CONCEPT.format(vid="version_id"),
        {"situation": ("situatie", True), "question": ("hulpvraag", True)},
    ),
    "plan_goals": ("doel", "id", "NULL", "NULL", _CONCEPT.format(vid="version_id"), {"text": ("doel", True)}),
    "plan_actions": (
        "actie",
        "id",
        "NULL",
        "NULL",
        _CONCEPT.format(vid="version_id"),
        {"what": ("actie", True), "party": ("partij", False)},
    ),
    "portal_files": ("portaalbestand", "id", "NULL", "NULL", "", {"name": ("bestand", False), "by": ("door", False)}),
    "form_drafts": ("concept", "NULL", "NULL", "case_id", "", {"value": ("waarde", True)}),
}


def _text_cleaning_sql() -> str:
    """Per table one pass that finds the changed rows and names their fields (a temporary table),
    then one audit row each and the update of just those rows."""
    parts = []
    for table, (entity, ident, person, case, extra, columns) in _TEXT_TABLES.items():
        names = " || ".join(
            f"CASE WHEN {c} IS NOT herstel_scrub({c}, {int(m)}) THEN '{w}, ' ELSE '' END"
            for c, (w, m) in columns.items()
        )
        where = f"WHERE {extra}" if extra else ""
        parts.append(
            f"CREATE TEMP TABLE herstel_dirty AS SELECT rid, velden FROM "
            f"(SELECT rowid AS rid, {names} AS velden FROM {table} {where}) WHERE velden <> '';"
        )
        parts.append(
            "INSERT INTO audit (at, who, action, entity, entity_id, person_id, case_id, detail) "
            f"SELECT herstel_now(), herstel_user(), 'tekens verwijderd', '{entity}', {ident}, {person}, {case}, "
            "json_object('velden', rtrim(d.velden, ', '), 'migratie', 'stuurtekens verwijderd') "
            f"FROM herstel_dirty d JOIN {table} ON {table}.rowid = d.rid ORDER BY d.rid;"
        )
        sets = ", ".join(f"{c} = herstel_scrub({c}, {int(m)})" for c, (_, m) in columns.items())
        parts.append(f"UPDATE {table} SET {sets} WHERE rowid IN (SELECT rid FROM herstel_dirty);")
        parts.append("DROP TABLE herstel_dirty;")
    return "\n".join(parts)


_V9_TEXT_POLICY = _text_cleaning_sql()
# Issue 19: taking cases along on a laptop (an encrypted copy, services/checkout.py) and bringing
# the work back. Every database gets a stable identity (meta 'database_id'), so a laptop file is
# only ever handed in to the team database it came from.
# Team side: checkouts (one per `herstel meenemen`), checkout_cases (which cases are out, to whom;
#   returned_at set at check-in), checkin_applied (each laptop row or field value applied, keyed by
#   checkout and the laptop's id: a second check-in of the same file applies nothing twice),
#   checkin_conflicts (what could not be applied: both versions kept until someone resolves it).
# Laptop side: checkout_origin (one row: which team database, who, when, and per table the highest
#   id copied: rows above it are new on the laptop), checkout_state (per case its state at
#   checkout: highest event and note id, the case's fields), checkout_persons (each person's row).
_V8_CHECKOUT = """
        INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));
        CREATE TABLE checkouts (
            id          TEXT PRIMARY KEY,
            taken_by    TEXT NOT NULL,
            taken_at    TEXT NOT NULL,
            cases       INTEGER NOT NULL,
            returned_at TEXT,
            returned_by TEXT
        );
        CREATE TABLE checkout_cases (
            checkout_id TEXT NOT NULL REFERENCES checkouts(id),
            case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            taken_by    TEXT NOT NULL,
            taken_at    TEXT NOT NULL,
            returned_at TEXT,
            PRIMARY KEY (checkout_id, case_id)
        );
        CREATE INDEX checkout_cases_out ON checkout_cases(case_id) WHERE returned_at IS NULL;
        CREATE TABLE checkin_applied (
            checkout_id TEXT NOT NULL,
            kind        TEXT NOT NULL,
            laptop_id   TEXT NOT NULL,
            team_id     INTEGER,
            value       TEXT,
            PRIMARY KEY (checkout_id, kind, laptop_id)
        ) WITHOUT ROWID;
        CREATE TABLE checkin_conflicts (
            id           INTEGER PRIMARY KEY,
            checkout_id  TEXT NOT NULL,
            case_id      INTEGER REFERENCES cases(id) ON DELETE CASCADE,
            person_id    INTEGER REFERENCES persons(id) ON DELETE CASCADE,
            kind         TEXT NOT NULL CHECK (kind IN ('stap', 'persoon', 'zaak', 'plan')),
            field        TEXT NOT NULL,
            team_value   TEXT,
            laptop_value TEXT,
            laptop_by    TEXT,
            laptop_at    TEXT,
            message      TEXT NOT NULL,
            at           TEXT NOT NULL,
            resolved_at  TEXT,
            resolved_by  TEXT,
            resolution   TEXT CHECK (resolution IS NULL OR resolution IN ('team', 'laptop', 'beide', 'correctie')),
            reason       TEXT
        );
        CREATE INDEX checkin_conflicts_case ON checkin_conflicts(case_id) WHERE resolved_at IS NULL;
        CREATE TABLE checkout_origin (
            checkout_id TEXT PRIMARY KEY,
            team_db     TEXT NOT NULL,
            team_path   TEXT NOT NULL,
            taken_by    TEXT NOT NULL,
            taken_at    TEXT NOT NULL,
            marks       TEXT NOT NULL
        );
        CREATE TABLE checkout_state (
            case_id      INTEGER PRIMARY KEY,
            zaaknummer   TEXT NOT NULL,
            max_event_id INTEGER NOT NULL,
            max_note_id  INTEGER NOT NULL,
            max_audit_id INTEGER NOT NULL,
            case_row     TEXT NOT NULL
        );
        CREATE TABLE checkout_persons (
            person_id INTEGER PRIMARY KEY,
            row       TEXT NOT NULL,
            row_hash  TEXT NOT NULL
        );
"""

# The werkvoorraad's default order (issue 17): the caseworker's own dates first, cases waiting on
# another party (UHT's answer) after them; the same expressions as store/caselist._ORDER, so the
# first page of 100,000 cases stays an index walk. The case index's next date became the
# caseworker's own one (a waited-on date only when nothing else runs): forgetting the routekaart
# fingerprint makes the next open recompute every row (a new, empty database keeps it).
_V10_WORK_ORDER = """
CREATE INDEX IF NOT EXISTS case_summary_work ON case_summary(
    coalesce(next_rule, '') IN ('antwoord_brede_hulpteam'), coalesce(next_due, '9999-12-31'), case_id
);
DELETE FROM meta WHERE key = 'routekaart_hash' AND EXISTS (SELECT 1 FROM case_summary);
"""

# A laptop file carries the municipality's own letter templates in use at checkout (a folder on a
# network share is out of reach offline). Name -> text; empty on the team side.
_V11_CARRIED_TEMPLATES = """
        CREATE TABLE checkout_templates (
            name TEXT PRIMARY KEY CHECK (name NOT LIKE '%/%' AND name NOT LIKE '%\\%' AND name != ''),
            text TEXT NOT NULL
        );
"""

# The reports' termijnen (issue 18): every termijn the routekaart engine sees in a case, one row each,
# written with the case index in the same transaction as every event. Nothing here depends on the
# day: ``stopped`` is the date of the event that stopped it (NULL: no such event; a period whose due
# date has passed ran out by itself, which a query decides with its own peildatum). Forgetting the
# routekaart fingerprint makes the next open fill it together with the case index.
_V12_CASE_DEADLINES = """
CREATE TABLE IF NOT EXISTS case_deadlines (
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,   -- the engine's order of the case's termijnen
    rule       TEXT NOT NULL,
    kind       TEXT NOT NULL,      -- 'deadline' | 'period'
    own        INTEGER NOT NULL,   -- 1: the municipality owes it; 0: another party (UHT), waited on
    start      TEXT NOT NULL,
    due        TEXT NOT NULL,
    stopped    TEXT,
    stopped_by TEXT,               -- the stop event's title
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_deadlines_running ON case_deadlines(kind, due) WHERE stopped IS NULL;
DELETE FROM meta WHERE key = 'routekaart_hash' AND EXISTS (SELECT 1 FROM case_summary);
"""

# The werkvoorraad in sections, today's work first (issue 17): this week's own deadlines, overdue
# ones, those waiting on another party, the rest. Which section a case is in depends on today, so
# the index holds what does not: the kind of the case's next date (store/caselist.work_kind: 0 the
# caseworker's own deadline, 1 nothing to act on, 2 owed by another party), the date, the case;
# each section is then one range of it. It replaces the index of version 10.
_V13_WORK_SECTIONS = """
CREATE INDEX IF NOT EXISTS case_summary_sections ON case_summary(
    (CASE WHEN closed = 0 AND next_due IS NOT NULL AND coalesce(next_kind, 'deadline') = 'deadline'
     THEN 2 * (coalesce(next_rule, '') IN ('antwoord_brede_hulpteam')) ELSE 1 END),
    coalesce(next_due, '9999-12-31'),
    case_id
);
DROP INDEX IF EXISTS case_summary_work;
"""

# Issue 18: a person's search rows are rewritten only when a column they hold changes (a portal list
# that brings 10,000 new phone numbers rewrote 10,000 trigram rows for nothing). Same body as the
# trigger of migration 3, in the column names of migration 7.
_SEARCHED = ("bsn", "voornamen", "tussenvoegsel", "achternaam", "straat", "huisnummer", "postcode", "woonplaats")


def _english(sql: str) -> str:
    for old, new in _PERSON_COLUMNS.items():
        sql = sql.replace(f"p.{old},", f"p.{new},")
    return sql


_V14_SEARCH_COLUMNS = f"""
DROP TRIGGER case_search_person;
CREATE TRIGGER case_search_person AFTER UPDATE OF {", ".join(_PERSON_COLUMNS.get(c, c) for c in _SEARCHED)}
ON persons BEGIN
    DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE person_id = new.id);
    INSERT INTO case_search (rowid, body)
        SELECT c.id, {_english(_SEARCH_BODY)} FROM cases c JOIN persons p ON p.id = c.person_id
        WHERE c.person_id = new.id;
END;
"""

_TRIGGERS_SQL = ";\n".join(OVERVIEW_TRIGGERS.values())
_FILL_SQL = ";\n".join(OVERVIEW_FILL)
_V15_OVERVIEW_TALLIES = f"""
CREATE TABLE IF NOT EXISTS overview_groups (grp TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS overview_deadlines (
    grp        TEXT PRIMARY KEY,
    rule       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    stopped_by TEXT,
    due        TEXT,     -- NULL once stopped
    late       INTEGER,  -- stopped after the due date; NULL while not stopped
    n          INTEGER NOT NULL
) WITHOUT ROWID;
{_TRIGGERS_SQL};
{_FILL_SQL};
CREATE INDEX IF NOT EXISTS case_deadlines_running_rule ON case_deadlines(rule, due) WHERE stopped IS NULL;
"""

# Issue 18: audit_ids_grow in one statement: the mark is read and moved on in the one UPDATE of its
# meta row (the check and the update of migration 6 looked the row up twice per audit row: a third
# of writing the 55,845 audit rows of a 50,000-row portal list). The guarantee is the same: an
# audit row whose id is not above the mark (an id handed out again after rows were deleted behind
# the other triggers' back) aborts the write with the same message, and the mark is the highest id
# ever written. Without the meta row nothing is checked or kept, as before (controle names that).
_V16_AUDIT_MARK = """
DROP TRIGGER audit_ids_grow;
CREATE TRIGGER audit_ids_grow AFTER INSERT ON audit
BEGIN
    UPDATE meta SET value = CASE WHEN NEW.id <= CAST(value AS INTEGER)
        THEN RAISE(ABORT, 'auditlogboek aangetast: regelnummer hergebruikt') ELSE NEW.id END
    WHERE key = 'audit_hoogste_id';
END;
"""

# Issue 18: `herstel termijnen` reads each running termijn's own and rule from the index that finds
# it, not from the table (one lookup fewer a row: ~18 M instructions at 8,500 rows of the 100k demo).
# It replaces the index of version 12 (same name, same leading columns, so every query that used it
# still does); SQLite 3.40 counts a partial index as covering only when it holds ``stopped`` too.
_V17_RUNNING_COVERING = """
DROP INDEX IF EXISTS case_deadlines_running;
CREATE INDEX case_deadlines_running ON case_deadlines(kind, due, own, rule, stopped) WHERE stopped IS NULL;
"""

# The case index is recomputed once, at the next opening by a writer (CaseRepository.refresh_derived),
# because the code that keeps it changed: a household member shares the aanvrager's facts only in
# the households where they have their main role (store/card.inherited_of; before, in any household,
# so a child who was someone's toeslagpartner elsewhere could hold that person's outcome), and the
# members' rows now follow a hand-in's shared fact and a removed aanvrager's case or person, which
# before left them stale until `herstel controle --herbouw`. (About 1.5 s at 100,000 cases; a file
# without cases, a new one, keeps its index as it is.)
_V18_SHARED_BY_MAIN_ROLE = """
DELETE FROM meta WHERE key IN ('routekaart_hash', 'index_hash', 'index_rules') AND EXISTS (SELECT 1 FROM cases);
"""

MIGRATIONS: list[Migration] = [
    (1, "kern: personen, huishoudens, zaken, tijdlijn, contactmomenten, audit", _V1_CORE),
    (2, "zaakoverzicht (afgeleid van de tijdlijn) voor de werkvoorraad", _V2_CASE_SUMMARY),
    (3, "zoeken op naam, BSN, zaaknummer en adres", _V3_SEARCH),
    (4, "gegevensportaal: vraag- en antwoordbestanden kindregeling, ingelezen lijsten, verificatiecodes", _V4_PORTAL),
    (5, "plan van aanpak (versies, leefgebieden, doelen, acties), SPUK-kosten en formulierconcepten", _V5_PLAN),
    (6, "meerdere sessies: auditnummers alleen oplopend, portaalimport in korte stappen", _V6_CONCURRENCY),
    (7, "kolommen van personen met Engelse namen", _V7_ENGLISH),
    (8, "meenemen op een laptop en inleveren: identiteit, uitgeleende zaken, conflicten", _V8_CHECKOUT),
    (9, "stuurtekens en escapereeksen uit bestaande tekst verwijderd (geaudit)", _V9_TEXT_POLICY),
    (10, "werkvoorraad: eigen termijnen eerst, wachten op anderen daarna", _V10_WORK_ORDER),
    (11, "meegenomen briefsjablonen van de gemeente (op een laptopbestand)", _V11_CARRIED_TEMPLATES),
    (12, "termijnen per zaak voor de rapportages (overzicht, termijnen)", _V12_CASE_DEADLINES),
    (13, "werkvoorraad in secties: deze week, verlopen, wacht op anderen, later", _V13_WORK_SECTIONS),
    (14, "zoekindex alleen bijwerken als naam, BSN of adres wijzigt", _V14_SEARCH_COLUMNS),
    (15, "tellingen voor het overzicht, bijgehouden bij elke wijziging", _V15_OVERVIEW_TALLIES),
    (16, "auditnummers bewaakt in één bijwerking per regel", _V16_AUDIT_MARK),
    (17, "lopende termijnen direct uit hun index (herstel termijnen)", _V17_RUNNING_COVERING),
    (18, "zaakoverzicht opnieuw: gedeelde feiten alleen uit het huishouden van de eigen rol", _V18_SHARED_BY_MAIN_ROLE),
]

# The triggers that keep the audit trail append-only; `herstel controle` checks they exist.
AUDIT_TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit",
    "audit_no_delete": "BEFORE DELETE ON audit",
    "audit_ids_grow": "AFTER INSERT ON audit",
}

if MIGRATIONS[-1][0] != LATEST:  # (not an assert: it holds under python -O too)
    raise RuntimeError(f"store.base.LATEST is {LATEST}, the last migration {MIGRATIONS[-1][0]}")
