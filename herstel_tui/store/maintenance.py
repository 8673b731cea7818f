"""Keeping the register trustworthy: backups, restore, checks, retention, removal.

All of it works on a live database: the backup uses SQLite's online backup API, so
colleagues can keep working while it runs.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from herstel_tui.domain import clock
from herstel_tui.store.base import (
    RESTORE_ADVICE,
    StoreError,
    check_database_file,
    check_regular_file,
    open_sqlite,
    replace_database,
)
from herstel_tui.store.db import Store, summary_row


def backup(store: Store, target: Path) -> Path:
    """Copy the live database to ``target`` (a file, or a folder to put a dated file in).

    Never overwrites: the finished copy is hard-linked into place (``link`` fails when the name
    exists, atomically, so two backups to one path at the same moment cannot both win); where
    the file system has no hard links, the name is claimed with an exclusive create instead.
    """
    target = Path(target).expanduser()
    into_folder = target.is_dir()
    if not into_folder and os.path.lexists(target):
        raise StoreError(f"{target} bestaat al; kies een andere naam (er is niets overschreven)")
    folder = target if into_folder else target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".herstel-backup-", suffix=".db", dir=folder)
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        dest = open_sqlite(tmp)
        try:
            with store._lock:
                store.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            problems = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
        if problems != "ok":
            raise StoreError(f"de kopie is niet in orde ({problems}); er is geen backup geschreven")
        _fsync(tmp)
        if into_folder:
            stamp = clock.today().strftime("%Y%m%d")
            n = 0
            while True:
                name = f"herstel-backup-{stamp}.db" if n == 0 else f"herstel-backup-{stamp}-{n}.db"
                if _place(tmp, folder / name):
                    target = folder / name
                    break
                n += 1
        elif not _place(tmp, target):
            raise StoreError(f"{target} bestaat al; kies een andere naam (er is niets overschreven)")
        _fsync(folder)
    except sqlite3.Error as exc:
        raise StoreError(f"backup naar {target} mislukt: {exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    with store.transaction():
        store._audit("backup", "database", None, detail={"naar": str(target)})
    return target


def _place(tmp: str, target: Path) -> bool:
    """Put the finished file ``tmp`` at ``target`` unless that name exists; False if it does."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # no hard links here (some network and FAT file systems): claim the name instead
    try:
        out = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    try:
        with open(tmp, "rb") as src:
            while chunk := src.read(1 << 20):
                os.write(out, chunk)
        os.fsync(out)
    except BaseException:
        os.close(out)
        Path(target).unlink(missing_ok=True)
        raise
    os.close(out)
    return True


def _fsync(path: str | Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def restore(source: Path, target: Path, *, user: str, overwrite: bool) -> None:
    """Put a backup in place of the database. Refuses to overwrite unless ``overwrite``, and
    refuses while anyone (a desk, a command) has the database open."""
    source, target = Path(source).expanduser(), Path(target).expanduser()
    if not source.is_file():
        raise StoreError(f"{source} bestaat niet")
    check_database_file(source)
    with Store(source, user, readonly=True) as probe:
        ok = probe.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"{source} is beschadigd ({ok}); er is niets teruggezet")
    check_regular_file(target)
    if target.exists() and target.stat().st_size and not overwrite:
        raise StoreError(
            f"{target} bestaat al. Bevestig met --ja dat deze database wordt vervangen "
            "(maak eerst een backup); er is niets gewijzigd"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".herstel-restore-", suffix=".db", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        src = open_sqlite(source, mode="ro")
        dst = open_sqlite(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            src.close()
            dst.close()
        _fsync(tmp)
        replace_database(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    with Store(target, user) as s, s.transaction():
        s._audit("teruggezet", "database", None, detail={"van": str(source)})


@dataclass
class CheckResult:
    problems: list[str]
    cases: int
    damaged: bool = False  # SQLite itself finds the file damaged: restore a backup

    @property
    def ok(self) -> bool:
        return not self.problems


def check(store: Store, today: date | None = None) -> CheckResult:
    """integrity_check, foreign keys, the audit trail's triggers and numbering, every case's
    events against the routekaart, the case index. A file SQLite finds damaged gives a Dutch
    StoreError with the advice to restore the latest backup (or ``damaged`` with the lines)."""
    try:
        return _check(store, today)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{store.path} is beschadigd ({exc}). {RESTORE_ADVICE}") from None


def _check(store: Store, today: date | None) -> CheckResult:
    from herstel_tui.domain.routekaart import RecordedEvent, TransitionRefused, default_routekaart

    today = today or clock.today()
    problems: list[str] = []
    conn = store.conn
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems += [f"integriteit: {line}" for line in integrity[:20]]
        return CheckResult(problems, 0, damaged=True)
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"verwijzing: {table} rij {rowid} verwijst naar een ontbrekende {parent}")
    problems += audit_problems(conn)
    for name, kind, at in conn.execute("SELECT name, kind, at FROM portal_files WHERE status = 'bezig'"):
        problems.append(
            f"portaal: het inlezen van {name} ({kind}, gestart {at[:16].replace('T', ' ')}) is niet "
            "afgemaakt; lees hetzelfde bestand opnieuw in om het af te maken"
        )
    rk = default_routekaart()
    cases = conn.execute("SELECT id, zaaknummer, track FROM cases ORDER BY id").fetchall()
    events_by_case: dict[int, list] = {}
    for cid, step, outcome, fact, corr, reason, eid in conn.execute(
        "SELECT case_id, step, outcome, fact_date, correction, reason, id FROM events ORDER BY case_id, id"
    ):
        events_by_case.setdefault(cid, []).append(
            RecordedEvent(
                step=step,
                outcome=outcome,
                fact_date=date.fromisoformat(fact),
                correction=bool(corr),
                reason=reason,
                id=eid,
            )
        )
    summaries = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            "SELECT case_id, current_step, current_title, outcome, next_due, next_rule, next_kind, closed, last_event "
            "FROM case_summary"
        )
    }
    for cid, zaak, track in cases:
        events = events_by_case.get(cid, [])
        for i, ev in enumerate(events):
            try:
                rk.check(track, events[:i], ev)
            except TransitionRefused as exc:
                problems.append(f"{zaak}: gebeurtenis {ev.id} ({ev.step}) past niet op de routekaart: {exc}")
                break
        if summaries.get(cid) != summary_row(track, events, today):
            problems.append(
                f"{zaak}: het zaakoverzicht wijkt af van de tijdlijn (herstel met `herstel controle --herbouw`)"
            )
    return CheckResult(problems, len(cases))


def audit_problems(conn: sqlite3.Connection) -> list[str]:
    """The audit trail is append-only: its triggers exist, and its ids run 1..n without a gap up
    to the highest id ever written (kept by the trigger audit_ids_grow). Deleted rows leave a gap
    or a lower highest id; ids handed out again after a deletion leave the mark behind."""
    from herstel_tui.store.schema import AUDIT_TRIGGERS

    out = []
    found = {
        name: " ".join((sql or "").split())
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        )
    }
    for name, event in AUDIT_TRIGGERS.items():
        sql = found.get(name)
        if sql is None:
            out.append(f"auditlogboek: de beveiliging {name} ontbreekt; regels kunnen zijn gewijzigd of gewist")
        elif event not in sql or "RAISE(ABORT" not in sql:
            out.append(f"auditlogboek: de beveiliging {name} is veranderd; regels kunnen zijn gewijzigd of gewist")
    lo, hi, n = conn.execute("SELECT min(id), max(id), count(*) FROM audit").fetchone()
    mark = conn.execute("SELECT value FROM meta WHERE key = 'audit_hoogste_id'").fetchone()
    mark = int(mark[0]) if mark else None
    if n and (lo != 1 or hi - lo + 1 != n):
        out.append(f"auditlogboek: {hi - n} van de regels 1 t/m {hi} ontbreken (gewist)")
    if mark is None:
        out.append("auditlogboek: het hoogste regelnummer is niet bijgehouden (meta ontbreekt)")
    elif (hi or 0) != mark:
        if (hi or 0) < mark:
            out.append(
                f"auditlogboek: er zijn regels tot nummer {mark} geschreven, maar de hoogste is nu "
                f"{hi or 0}: regels zijn gewist"
            )
        else:
            out.append(
                f"auditlogboek: regels {mark + 1} t/m {hi} zijn buiten herstel om toegevoegd of "
                "nummers zijn hergebruikt"
            )
    return out


@dataclass
class RetentionCandidate:
    case_id: int
    zaaknummer: str
    person_id: int
    closed: date
    outcome: str | None
    keep_until: date


def retention_candidates(store: Store, years: dict[str, int], today: date | None = None) -> list[RetentionCandidate]:
    """Cases closed longer ago than the retention period for their outcome."""
    today = today or clock.today()
    out = []
    for cid, zaak, pid, closed, outcome in store.conn.execute(
        "SELECT c.id, c.zaaknummer, c.person_id, coalesce(c.closed, s.last_event), s.outcome "
        "FROM cases c JOIN case_summary s ON s.case_id = c.id "
        "WHERE (c.closed IS NOT NULL OR s.closed = 1) ORDER BY c.id"
    ):
        if not closed:
            continue
        closed_d = date.fromisoformat(closed)
        keep = closed_d + relativedelta(years=years.get(outcome or "overig", years["overig"]))
        if keep <= today:
            out.append(RetentionCandidate(cid, zaak, pid, closed_d, outcome, keep))
    return out


def anonymise_case(store: Store, case_id: int) -> None:
    """Keep the figures (track, steps, dates) for reports; remove who the person was."""
    with store.transaction():
        case = store.get_case(case_id)
        others = store.conn.execute(
            "SELECT count(*) FROM cases WHERE person_id = ? AND id != ?", (case.person_id, case_id)
        ).fetchone()[0]
        store.conn.execute(
            "UPDATE events SET note = NULL, reason = CASE WHEN correction = 1 THEN 'geanonimiseerd' "
            "ELSE NULL END WHERE case_id = ?",
            (case_id,),
        )
        store.conn.execute("DELETE FROM contact_notes WHERE case_id = ?", (case_id,))
        from herstel_tui.store.plan import PlanStore

        PlanStore(store).anonymise(case_id)  # the plan's texts go; the cost figures stay for the accounts
        if not others:
            store.conn.execute(
                "UPDATE persons SET bsn = NULL, voornamen = 'geanonimiseerd', tussenvoegsel = NULL, "
                "achternaam = 'geanonimiseerd', geboortedatum = NULL, straat = NULL, huisnummer = NULL, "
                "postcode = NULL, woonplaats = NULL, telefoon = NULL, email = NULL WHERE id = ?",
                (case.person_id,),
            )
        store._audit(
            "geanonimiseerd",
            "zaak",
            case_id,
            person_id=case.person_id,
            case_id=case_id,
            detail={"zaaknummer": case.zaaknummer},
        )


def delete_case(store: Store, case_id: int) -> None:
    with store.transaction():
        case = store.get_case(case_id)
        store.conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
        others = store.conn.execute("SELECT count(*) FROM cases WHERE person_id = ?", (case.person_id,)).fetchone()[0]
        if not others:
            _delete_person_rows(store, case.person_id)
        store._audit(
            "verwijderd",
            "zaak",
            case_id,
            person_id=case.person_id,
            case_id=case_id,
            detail={"zaaknummer": case.zaaknummer, "reden": "bewaartermijn verstreken"},
        )


def _delete_person_rows(store: Store, person_id: int) -> None:
    # Tables of later migrations that point at persons cascade with ON DELETE CASCADE.
    store.conn.execute("DELETE FROM persons WHERE id = ?", (person_id,))
    store.conn.execute("DELETE FROM households WHERE id NOT IN (SELECT household_id FROM household_members)")


def remove_person(store: Store, person_id: int, reason: str) -> list[str]:
    """A person who declines support: remove them and everything about them.

    The audit row keeps who did it, when, the person's id and the zaaknummers — not the BSN
    or the name. Earlier audit rows stay (the trail is append-only), and name no BSN either.
    """
    if not reason.strip():
        raise StoreError("geef een reden voor het verwijderen")
    with store.transaction():
        store.get_person(person_id)
        zaken = [r[0] for r in store.conn.execute("SELECT zaaknummer FROM cases WHERE person_id = ?", (person_id,))]
        _delete_person_rows(store, person_id)
        store._audit(
            "verwijderd", "persoon", person_id, person_id=person_id, detail={"zaken": zaken, "reden": reason.strip()}
        )
    return zaken
