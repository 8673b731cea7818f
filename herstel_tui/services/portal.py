"""What the CLI and the desk call: portal files end to end.

Each function joins a reader or writer of ``files/`` to the ledger (``store.portal``) and the
import engine (``services.portal_import``).
None of them prints; results and refusals are values and Dutch exceptions (``PortalError`` and
subclasses), so the CLI and a Textual worker can show them each in their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import BsnError, bsn_fault, mask_bsn, mask_digits, normalize_bsn
from herstel_tui.domain.dates import format_date
from herstel_tui.domain.enums import AuditAction
from herstel_tui.domain.portal import ImportReport, NothingToDo, Offender, PortalError, PortalFileError
from herstel_tui.files.portal_common import DEFAULT_LIMITS, file_meta, unreadable
from herstel_tui.files.vraagbestand import check_bsns, refuse_offenders, vraagbestand_name, write_vraagbestand
from herstel_tui.services.portal_import import apply_import
from herstel_tui.services.portal_lists import KINDS, ListParser, columns_for
from herstel_tui.settings.cache import ConfigValues
from herstel_tui.settings.config import Config, resolve_export_dir
from herstel_tui.store import Store
from herstel_tui.store.base import collector_paused
from herstel_tui.store.codes import VerificationCode
from herstel_tui.store.portal import ChildCandidate


def resolve_children(
    store: Store, entries: Iterable[tuple[str, str]]
) -> tuple[list[ChildCandidate], list[Offender], int]:
    """Children chosen by BSN (``(where, raw)`` from ``--bsn`` or a file), in the order given.

    Returns (children, offenders, duplicates dropped). An offender is a BSN that is not valid, not in
    the register, or not registered as a child in any household; the caller refuses the whole export
    when there is any. Explicit choices are taken even when verified or requested before.
    """
    children: list[ChildCandidate] = []
    offenders: list[Offender] = []
    seen: set[str] = set()
    dropped = 0
    for where, raw in entries:
        try:
            bsn = normalize_bsn(raw)
        except BsnError:
            offenders.append(Offender(where, mask_digits(str(raw)), bsn_fault(str(raw)) or "klopt niet"))
            continue
        if bsn in seen:
            dropped += 1
            continue
        seen.add(bsn)
        child = store.portal.child(bsn)
        if child is None:
            known = store.persons.exists(bsn)
            offenders.append(
                Offender(
                    where,
                    mask_bsn(bsn),
                    "is in geen huishouden als kind ingeschreven" if known else "staat niet in het register",
                )
            )
            continue
        children.append(child)
    return children, offenders, dropped


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int
    notes_written: int
    file_id: int


def export_name(config: Config, day: date) -> str:
    return vraagbestand_name(config.portaal_id, day)


def export_vraagbestand(
    store: Store,
    config: Config | ConfigValues,
    children: Sequence[ChildCandidate],
    *,
    directory: Path | str | None = None,
    today: date | None = None,
) -> ExportResult:
    """Write the vraagbestand for ``children`` and record it, all or nothing.

    The file is written inside the store transaction that records it: when recording fails the file
    is removed again, and when writing fails nothing is recorded.
    """
    today = today or clock.today()
    vraagbestand_name(config.portaal_id, today)  # no portal id: refuse before anything else
    if not children:
        raise NothingToDo("Er zijn geen kinderen om te verifiëren; er is geen vraagbestand geschreven.")
    bsns, offenders, dropped = check_bsns((f"persoon {c.person_id}", c.bsn) for c in children)
    refuse_offenders(offenders)
    if dropped:
        first: dict[str, ChildCandidate] = {}
        for c in children:
            first.setdefault(c.bsn, c)
        children = list(first.values())
    folder = Path(directory).expanduser() if directory else resolve_export_dir(config)
    written: Path | None = None
    try:
        with store.transaction():
            written, digest = write_vraagbestand(folder, config.portaal_id, bsns, day=today)
            summary = record_export(store, file_name=written.name, sha256=digest, children=children, day=today)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return ExportResult(written, len(bsns), summary["contactmomenten"], summary["bestand_id"])


def record_export(
    store: Store, *, file_name: str, sha256: str, children: Sequence[ChildCandidate], day: date
) -> dict[str, int]:
    """Record a written vraagbestand: the file, one request per child, a contact note on the cases
    concerned (``store.portal.cases_concerned``) and the audit trail (count and masked BSNs only)."""
    ledger = store.portal
    with store.transaction():
        fid = ledger.add_file(
            kind="vraagbestand", direction="export", file_name=file_name, sha256=sha256, rows=len(children)
        )
        ledger.record_requests(fid, children, day)
        notes = 0
        when = format_date(day)
        for c in children:
            first = c.name.split(" ")[0]
            notes += ledger.note_on_cases(
                c.person_id,
                f"Verificatie kindregeling aangevraagd op {when} (bestand {file_name}).",
                f"Verificatie kindregeling aangevraagd op {when} voor kind {first} ({c.bsn_masked}) "
                f"(bestand {file_name}).",
                day,
            )
            store.audit.append(
                AuditAction.VERIFICATION_REQUESTED,
                "kindverificatie",
                fid,
                person_id=c.person_id,
                detail={"bestand": file_name, "bsn": c.bsn_masked},
            )
        summary = {"aantal": len(children), "contactmomenten": notes}
        ledger.set_summary(fid, summary)
        store.audit.append(
            AuditAction.EXPORTED,
            "vraagbestand",
            fid,
            detail={"bestand": file_name, "aantal": len(children), "bsn": [c.bsn_masked for c in children]},
        )
    return {"bestand_id": fid, **summary}


def read_bsn_file(path: Path | str) -> list[tuple[str, str]]:
    """``(where, text)`` per non-blank line of a text file with one BSN per line (for ``--uit``)."""
    path = Path(path)
    limits = DEFAULT_LIMITS
    out: list[tuple[str, str]] = []
    try:
        limits.check_size(path)
        # streamed, each line bounded: a file of nothing but newlines costs no memory
        with open(path, encoding="utf-8-sig", newline=None) as fh:
            for number, line in enumerate(iter(lambda: fh.readline(1000), ""), 1):
                if len(line) >= 1000:
                    raise PortalFileError(f"{path.name} regel {number} is te lang; zet er één BSN per regel in")
                value = line.split(";")[0].split(",")[0].strip()
                if value and value.upper() != "BSN":
                    if len(out) >= limits.rows:
                        raise limits.refuse(
                            path.name, f"heeft meer dan {limits.rows} BSN's", "regels", f"{limits.rows} regels"
                        )
                    out.append((f"{path.name} regel {number}", value))
    except UnicodeDecodeError:
        raise PortalFileError(f"{path.name} is geen UTF-8-tekst; zet er één BSN per regel in") from None
    except OSError as exc:
        raise unreadable(path, exc) from None
    return out


def import_list(
    store: Store,
    config: Config,
    kind: str,
    path: Path | str,
    *,
    dry_run: bool,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read a portal list (``antwoord``, ``aanmeldingen``, ``negatief``, ``invordering``) and plan
    (``dry_run``) or apply it in one transaction."""
    if kind not in KINDS:
        raise PortalError(f"onbekende soort lijst {kind!r}; kies uit: {', '.join(KINDS)}")
    today = today or clock.today()
    path = Path(path)
    meta = file_meta(path)
    store.portal.refuse_if_imported(meta)  # cheap, before reading 50,000 rows
    columns, required = columns_for(kind, config.portaal_kolommen)
    from herstel_tui.files.portal_reader import read_table

    with collector_paused():
        table = read_table(path, columns, required, limits=config.grenzen.read_limits())
        # Every row under the header is a record or a refusal (parse_table): none, nothing to do.
        if not table.rows:
            raise NothingToDo(
                f"{path.name} heeft geen regels onder de kopregel ({table.where}); er is niets gewijzigd."
            )
        # The rows are parsed while the list is applied (in the pauses between its batches).
        parser = ListParser(kind, table, config.portaal_kolommen, today)
        return apply_import(store, parser, meta, dry_run=dry_run, today=today, progress=progress)


@dataclass(frozen=True)
class CodeImport:
    code: VerificationCode | None
    new: bool
    notes: list[str]


def import_verification_code(
    store: Store, config: Config, path: Path | str, *, today: date | None = None
) -> CodeImport:
    """Read a verificatiecode file and store its code (see ``verificatiecode.py`` for the layout)."""
    from herstel_tui.files.verificatiecode import read_code_file

    today = today or clock.today()
    path = Path(path)
    meta = file_meta(path)
    store.portal.refuse_if_imported(meta)
    cf = read_code_file(path, config.portaal_id, today)
    new = store.codes.add(
        code=cf.code,
        portal_id=cf.portal_id,
        file_date=cf.file_date,
        valid_from=cf.valid_from,
        valid_until=cf.valid_until,
        file=meta,
    )
    return CodeImport(store.codes.current(today), new, cf.notes)
