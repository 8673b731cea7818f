"""The vocabulary of the files exchanged with the Belastingdienst portal, shared by the readers and
writers (files/), the ledger (store/) and the use cases (services/): refusals, a file's identity,
the outcome of a row and the report of an import. Standard library only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from herstel_tui.domain.bsn import mask_bsn
from herstel_tui.domain.enums import ImportAction


class PortalError(Exception):
    """A refusal that concerns the whole operation; str() is Dutch. ``problems`` lists details."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    def full_text(self) -> str:
        return "\n".join([str(self), *[f"  {p}" for p in self.problems]])


class PortalFileError(PortalError):
    """The file itself cannot be read (not an xlsx, empty, wrong encoding, no header...)."""


class AlreadyImported(PortalError):
    """The same file (same sha256) was read before; nothing is done a second time."""


class NothingToDo(PortalError):
    """Nothing to write or to read (no children to verify, no rows under the header)."""


@dataclass(frozen=True)
class FileMeta:
    """A file read from the portal: its name and the sha256 of its bytes (idempotence)."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Offender:
    """A BSN that cannot go into a vraagbestand, and why (the value masked)."""

    where: str  # "--bsn 2", "kinderen.txt regel 3", "persoon 12"
    value: str  # masked
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.value}: {self.reason}"


@dataclass
class RowOutcome:
    """What happens (or happened) to one row of a portal file."""

    row: int
    action: ImportAction
    text: str
    bsn: str | None = None  # normalised; shown masked only
    notes: list[str] = field(default_factory=list)

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn) if self.bsn else "—"

    @property
    def full_text(self) -> str:
        return "; ".join([self.text, *self.notes]) if self.notes else self.text


@dataclass
class ImportReport:
    """The plan (dry run) or the result (applied) of reading one portal file."""

    kind: str
    title: str
    file: FileMeta
    where: str  # "werkblad 'Blad1', kopregel op regel 1"
    notes: list[str]
    outcomes: list[RowOutcome]
    dry_run: bool
    file_id: int | None = None

    def count(self, action: ImportAction | str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(o.action for o in self.outcomes)  # (one pass: 50,000 outcomes, four actions)
        return {a.value: tally[a] for a in ImportAction}

    @property
    def summary(self) -> str:
        c = self.counts
        parts = [f"{c[a.value]} {a.label}" for a in ImportAction]
        return f"{', '.join(parts)} ({len(self.outcomes)} regels)"

    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == ImportAction.REJECT]
