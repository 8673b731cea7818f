"""The vraagbestand kindregeling: the one file we write for the portal.

The portal's rules (domain.md, "Files exchanged with the Belastingdienst portal"; the VNG newsletter
of 25 May 2023): an .xlsx with exactly one worksheet, ``BSN`` in A1, one BSN per row below it and
nothing else; named ``VK-<portal id>-Kindregeling_<yyyymmdd>.xlsx`` with the creation date.
``shared/checks/check_vraagbestand.py`` reads our files the way the portal does.

Here: the name, the check of the BSNs (every offender listed, nothing written), and the writing
itself through ``files.atomic``: owner-only (0600), moved into place only when it is complete,
never over an existing file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from herstel_tui.domain import clock
from herstel_tui.domain.bsn import eleven_check, mask_digits
from herstel_tui.domain.portal import Offender, PortalError
from herstel_tui.domain.text import os_reason
from herstel_tui.files.atomic import TargetExists, atomic_path, private_dir

PORTAL_ID = re.compile(r"GPB[0-9A-Z]{4}")
NAME = re.compile(r"VK-(GPB[0-9A-Z]{4})-Kindregeling_(\d{8})\.xlsx")
SHEET_TITLE = "Blad1"


def vraagbestand_name(portal_id: str | None, day: date) -> str:
    """``VK-GPB1234-Kindregeling_20221104.xlsx``; no portal id, no name."""
    if not portal_id:
        raise PortalError(
            "Er is geen portaal-id ingesteld; zonder portaal-id kan er geen vraagbestand worden "
            'gemaakt. Zet portaal_id = "GPB…." in het configuratiebestand.'
        )
    if not PORTAL_ID.fullmatch(portal_id):
        raise PortalError(f"Portaal-id {portal_id!r} klopt niet: verwacht GPB gevolgd door vier tekens (GPB1234).")
    return f"VK-{portal_id}-Kindregeling_{day:%Y%m%d}.xlsx"


def check_bsns(entries: Iterable[tuple[str, object]]) -> tuple[list[str], list[Offender], int]:
    """Check ``(where, value)`` pairs for the vraagbestand.

    Returns (BSNs in first-seen order without duplicates, offenders, number of duplicates dropped).
    Only text of exactly nine digits that passes the 11-check goes in: the file must hold the BSN
    exactly as the register has it.
    """
    out: list[str] = []
    seen: set[str] = set()
    offenders: list[Offender] = []
    dropped = 0
    for where, value in entries:
        if not isinstance(value, str):
            offenders.append(Offender(where, mask_digits(str(value)), "geen tekst (een BSN is tekst)"))
            continue
        text = value.strip()
        if not (len(text) == 9 and text.isdigit()):
            offenders.append(Offender(where, mask_digits(text) or "(leeg)", "geen negen cijfers"))
            continue
        if not eleven_check(text):
            offenders.append(Offender(where, mask_digits(text), "klopt niet (elfproef)"))
            continue
        if text in seen:
            dropped += 1
            continue
        seen.add(text)
        out.append(text)
    return out, offenders, dropped


def refuse_offenders(offenders: Sequence[Offender]) -> None:
    """Refuse the whole export when any chosen BSN cannot go in, listing every one of them."""
    if offenders:
        n = len(offenders)
        raise PortalError(
            f"{n} BSN{'' if n == 1 else chr(39) + 's'} {'kan' if n == 1 else 'kunnen'} niet in het vraagbestand; "
            "er is niets geschreven en niets vastgelegd:",
            [str(o) for o in offenders],
        )


def write_vraagbestand(
    directory: Path | str, portal_id: str | None, bsns: Sequence[str], *, day: date | None = None
) -> tuple[Path, str]:
    """Write the vraagbestand for ``bsns`` into ``directory``; returns (path, sha256 of the file).

    ``bsns`` must already be checked and free of duplicates (``check_bsns``); they are checked
    again here, because a file the portal refuses is worse than an exception. The caller decides
    what to record; see ``herstel_tui.services.portal.export_vraagbestand``.
    """
    day = day or clock.today()
    name = vraagbestand_name(portal_id, day)
    checked, offenders, dropped = check_bsns((f"nr. {i}", b) for i, b in enumerate(bsns, 1))
    refuse_offenders(offenders)
    if dropped:
        raise PortalError(f"{dropped} dubbele BSN's in de lijst; een vraagbestand bevat elk BSN één keer")
    if not checked:
        raise PortalError("Er zijn geen BSN's om te versturen; er is geen vraagbestand geschreven.")
    directory = Path(directory).expanduser()
    target = directory / name
    if target.exists():
        raise PortalError(
            f"{target} bestaat al. Het portaal kent maar één vraagbestand per dag (de naam bevat alleen de "
            "datum); verstuur dat bestand of verplaats het eerst. Er is niets overschreven."
        )
    try:
        private_dir(directory)
    except OSError as exc:
        raise PortalError(f"De map {directory} kan niet worden gemaakt: {os_reason(exc)}") from None
    try:
        with atomic_path(target, overwrite=False) as tmp:
            _write_xlsx(tmp, checked)
            digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    except TargetExists:
        raise PortalError(f"{target} bestaat al; er is niets overschreven.") from None
    except OSError as exc:
        raise PortalError(
            f"Het vraagbestand kon niet worden geschreven in {directory}: {os_reason(exc)}. Er is niets vastgelegd."
        ) from None
    return target, digest


def _write_xlsx(path: Path, bsns: Sequence[str]) -> None:
    """One worksheet, A1 = 'BSN', then each BSN as a string cell; nothing else.

    Write-only mode streams the rows (less memory, faster). openpyxl 3.1 stores text as inline
    strings in either mode; Excel and the portal check read them as text cells.
    """
    from openpyxl import Workbook

    from herstel_tui.files.sheets import append_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    append_row(ws, ["BSN"])
    for b in bsns:
        append_row(ws, [b])  # a str stays a string cell (data type "s"): leading zeros are kept
    wb.save(path)
