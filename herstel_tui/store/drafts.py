"""Form drafts (``store.drafts``): one field of a form that cannot be saved for real yet, kept per
user and form so a closed window or a killed desk loses nothing typed."""

from __future__ import annotations

from herstel_tui.domain.clock import now_iso
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.text import normalise_text, text_fault
from herstel_tui.store.base import UNSET, PlanRefused, conflict
from herstel_tui.store.repository import Repository


def draft_key(kind: str, case_id: int, item: int | None = None) -> str:
    """The key of a form's draft: 'kosten:12:nieuw', 'kosten:12:34', 'vaststellen:12:7'."""
    return f"{kind}:{case_id}:{item if item is not None else 'nieuw'}"


class DraftRepository(Repository):
    """``store.drafts``"""

    def save(
        self, form: str, field: str, value: str, *, case_id: int | None = None, based_on: str | None = UNSET
    ) -> None:
        """Keep one field of a form that cannot be saved for real yet (per user and form).
        ``based_on``: the value the form showed; refused when another window of the same user
        stored a different draft value since (a draft nobody stored is never a conflict)."""
        if not isinstance(value, str) or len(value) > 10_000:
            raise PlanRefused("concept van het formulier is te groot")
        if text_fault(normalise_text(value, multiline=True), multiline=True):
            # not kept: the form's own save names the field and the character (text policy)
            raise PlanRefused("het concept bevat een stuurteken en is niet bewaard")
        with self.transaction():
            row = self.conn.execute(
                "SELECT value FROM form_drafts WHERE who = ? AND form = ? AND field = ?", (self.user, form, field)
            ).fetchone()
            if row is not None and row[0] == value:
                return
            if based_on is not UNSET and row is not None and row[0] != (based_on or ""):
                raise conflict("dit formulier (in een ander venster)")
            self.conn.execute(
                "INSERT INTO form_drafts (who, form, field, value, case_id, saved_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (who, form, field) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at",
                (self.user, form, field, value, case_id, now_iso()),
            )
            self.audit(
                AuditAction.DRAFT_SAVED,
                "formulier",
                None,
                case_id=case_id,
                person_id=self.store.cases.person_of(case_id) if case_id else None,
                detail={"formulier": form, "veld": field, "lengte": len(value)},
            )

    def load(self, form: str) -> dict[str, str]:
        return {
            f: v
            for f, v in self.conn.execute(
                "SELECT field, value FROM form_drafts WHERE who = ? AND form = ?", (self.user, form)
            )
        }

    def discard(self, form: str) -> None:
        self.conn.execute("DELETE FROM form_drafts WHERE who = ? AND form = ?", (self.user, form))

    def drop(self, form: str) -> None:
        with self.transaction():
            n = self.conn.execute(
                "SELECT count(*) FROM form_drafts WHERE who = ? AND form = ?", (self.user, form)
            ).fetchone()[0]
            if n:
                self.discard(form)
                self.audit(AuditAction.DRAFT_DROPPED, "formulier", None, detail={"formulier": form})
