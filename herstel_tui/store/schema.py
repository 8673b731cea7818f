"""The schema, as an ordered list of migrations keyed by ``PRAGMA user_version``.

Each migration runs in its own transaction together with the bump of ``user_version``, so a
database is always at exactly one known version. Never edit a migration that has shipped: add
a new one.
"""
from __future__ import annotations

APPLICATION_ID = 0x48525354  # "HRST": marks a herstel database in the SQLite header

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

MIGRATIONS: list[Migration] = [
    (1, "kern: personen, huishoudens, zaken, tijdlijn, contactmomenten, audit", _V1_CORE),
    (2, "zaakoverzicht (afgeleid van de tijdlijn) voor de werkvoorraad", _V2_CASE_SUMMARY),
    (3, "zoeken op naam, BSN, zaaknummer en adres", _V3_SEARCH),
    (4, "gegevensportaal: vraag- en antwoordbestanden kindregeling, ingelezen lijsten, verificatiecodes",
     _V4_PORTAL),
]

LATEST = MIGRATIONS[-1][0]
