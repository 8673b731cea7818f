"""The verification codes (``store.codes``) with which staff ask the UHT Serviceteam for status
information; renewed every six months. The audit trail never holds a code (masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from herstel_tui.domain import clock
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.portal import FileMeta
from herstel_tui.store.repository import Repository


def mask_code(code: str) -> str:
    return "*" * max(0, len(code) - 2) + code[-2:]


@dataclass(frozen=True)
class VerificationCode:
    code: str
    portal_id: str
    valid_from: date
    valid_until: date
    file_name: str
    imported_at: datetime
    today: date

    @property
    def expired(self) -> bool:
        return self.today > self.valid_until

    @property
    def not_yet_valid(self) -> bool:
        return self.today < self.valid_from

    @property
    def days_left(self) -> int:
        return (self.valid_until - self.today).days

    @property
    def masked(self) -> str:
        return mask_code(self.code)


class _DryRun(Exception):
    pass


class VerificationCodes(Repository):
    """``store.codes``"""

    def add(
        self,
        *,
        code: str,
        portal_id: str,
        file_date: date,
        valid_from: date,
        valid_until: date,
        file: FileMeta,
        dry_run: bool = False,
    ) -> bool:
        """Store the code read from a verificatiecode file. Returns False when exactly this code
        with these dates was already stored (from another copy of the file): then only the file
        is noted."""
        try:
            with self.transaction():
                self.store.portal.refuse_if_imported(file)
                fid = self.store.portal.add_file(
                    kind="verificatiecode", direction="import", file_name=file.name, sha256=file.sha256, rows=1
                )
                exists = self.conn.execute(
                    "SELECT 1 FROM verification_codes WHERE code = ? AND valid_from = ? AND valid_until = ?",
                    (code, valid_from.isoformat(), valid_until.isoformat()),
                ).fetchone()
                if not exists:
                    self.conn.execute(
                        "INSERT INTO verification_codes (code, portal_id, file_date, valid_from, valid_until, file_id)"
                        " VALUES (?,?,?,?,?,?)",
                        (code, portal_id, file_date.isoformat(), valid_from.isoformat(), valid_until.isoformat(), fid),
                    )
                self.audit(
                    AuditAction.IMPORTED,
                    "verificatiecode",
                    fid,
                    detail={
                        "bestand": file.name,
                        "code": mask_code(code),
                        "geldig_van": valid_from.isoformat(),
                        "geldig_tot": valid_until.isoformat(),
                        "nieuw": not exists,
                    },
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return not exists

    def current(self, today: date | None = None) -> VerificationCode | None:
        """The code to use today: the most recent one already in force (valid_from <= today), else
        the most recent one imported. ``expired`` says whether its six months have passed."""
        today = today or clock.today()
        sql = (
            "SELECT v.code, v.portal_id, v.valid_from, v.valid_until, f.name, f.at FROM verification_codes v "
            "JOIN portal_files f ON f.id = v.file_id "
        )
        with self.reading():
            row = self.conn.execute(
                sql + "WHERE v.valid_from <= ? ORDER BY v.valid_from DESC, v.id DESC LIMIT 1", (today.isoformat(),)
            ).fetchone()
            if row is None:
                row = self.conn.execute(sql + "ORDER BY v.valid_from DESC, v.id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        code, pid, vf, vu, name, at = row
        return VerificationCode(
            code, pid, date.fromisoformat(vf), date.fromisoformat(vu), name, datetime.fromisoformat(at), today
        )
