"""Producing a letter: the .docx and .txt written owner-only, and the letter recorded on the case,
all of it or nothing (see the package text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from herstel_tui.domain.enums import AuditAction
from herstel_tui.files.atomic import atomic_path, fsync, place, private_dir, temporary
from herstel_tui.files.letter_docx import letter_docx
from herstel_tui.services.letters.render import Draft, Wanted, prepare
from herstel_tui.services.letters.templates import LetterError, LetterKind

if TYPE_CHECKING:  # pragma: no cover
    from herstel_tui.settings.cache import ConfigValues
    from herstel_tui.settings.config import Config
    from herstel_tui.store import Store


def file_names(draft: Draft) -> tuple[str, str]:
    stem = f"brief-{draft.kind.id}-{draft.case.zaaknummer}-{draft.today:%Y%m%d}"  # a file name, not a shown date
    return stem + ".docx", stem + ".txt"


def _free_pair(directory: Path, docx_name: str, txt_name: str) -> tuple[Path, Path]:
    """Names in ``directory`` that do not exist yet: a second letter on one day gets -2, -3, …"""
    d_stem, t_stem = docx_name[:-5], txt_name[:-4]
    n = 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        a, b = directory / f"{d_stem}{suffix}.docx", directory / f"{t_stem}{suffix}.txt"
        if not a.exists() and not b.exists():
            return a, b
        n += 1


def docx_bytes(draft: Draft) -> bytes:
    """The letter as a .docx."""
    assert draft.case.zaaknummer is not None
    return letter_docx(
        draft.text,
        title=draft.kind.title,
        subject=draft.case.zaaknummer,
        author=draft.values.get("gemeente") or "",
        editor=draft.values.get("medewerker") or "",
        day=draft.today,
    )


def write_docx(draft: Draft, path: Path) -> Path:
    """Write only the .docx (owner-only), e.g. for a preview outside the app. Records nothing."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(docx_bytes(draft))
    return path


@dataclass
class LetterResult:
    kind: LetterKind
    zaaknummer: str
    docx: Path
    txt: Path
    event_id: int
    event_title: str
    note_id: int
    text: str
    today: date
    first_talk: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def produce(
    store: Store,
    config: Config | ConfigValues,
    case_id: int,
    kind: str | LetterKind,
    *,
    expect_text: str | None = None,
    export_dir: Path | None = None,
    docx_path: Path | None = None,
    txt_path: Path | None = None,
    **wanted: Unpack[Wanted],
) -> LetterResult:
    """Render, write the .docx and .txt and record the letter: all of it or nothing.

    ``expect_text``: the text the caseworker saw in the preview; if the case changed since, the
    letter is refused (LetterError) instead of writing something else than was shown.
    """
    from herstel_tui.settings.config import resolve_export_dir

    draft = prepare(store, config, case_id, kind, **wanted)
    if expect_text is not None and draft.text != expect_text:
        raise LetterError("De gegevens van de zaak zijn intussen gewijzigd; bekijk het voorbeeld opnieuw.")
    docx_name, txt_name = file_names(draft)
    directory = Path(export_dir) if export_dir is not None else resolve_export_dir(config)
    auto_docx, auto_txt = (None, None)
    if docx_path is None or txt_path is None:
        auto_docx, auto_txt = _free_pair(private_dir(directory), docx_name, txt_name)
    final_docx = Path(docx_path) if docx_path is not None else auto_docx
    final_txt = Path(txt_path) if txt_path is not None else auto_txt
    assert final_docx is not None and final_txt is not None
    if final_docx.resolve() == final_txt.resolve():
        raise LetterError("het .docx-bestand en het tekstbestand moeten verschillende namen hebben")
    for p in (final_docx, final_txt):
        if p.exists() and p.is_dir():
            raise LetterError(f"{p} is een map; geef een bestandsnaam")
        if not p.parent.is_dir():
            raise LetterError(f"de map {p.parent} bestaat niet")
    body = draft.text if draft.text.endswith("\n") else draft.text + "\n"
    placed: list[Path] = []
    existed = {p: p.exists() for p in (final_docx, final_txt)}
    with (
        temporary(final_docx.parent, prefix=".herstel-brief-", suffix=".docx") as tmp_docx,
        temporary(final_txt.parent, prefix=".herstel-brief-", suffix=".txt") as tmp_txt,
    ):
        tmp_docx.write_bytes(docx_bytes(draft))
        tmp_txt.write_bytes(body.encode("utf-8"))
        fsync(tmp_docx)
        fsync(tmp_txt)
        try:
            with store.transaction():
                event = store.cases.record_event(case_id, draft.kind.records, draft.today, note=draft.event_note)
                note = store.cases.add_note(
                    case_id,
                    f"Brief verstuurd: {draft.kind.title}. Bestand: {final_docx.name}",
                    channel="brief",
                    on=draft.today,
                )
                store.audit.append(
                    AuditAction.LETTER,
                    "zaak",
                    case_id,
                    person_id=draft.case.person_id,
                    case_id=case_id,
                    detail={"brief": draft.kind.id, "bestand": final_docx.name, "tekst": final_txt.name},
                )
                for tmp, final in ((tmp_docx, final_docx), (tmp_txt, final_txt)):
                    place(tmp, final, overwrite=True)
                    placed.append(final)
        except BaseException:
            for p in placed:
                if not existed[p]:
                    p.unlink(missing_ok=True)
            raise
    assert event.id is not None and note.id is not None and draft.case.zaaknummer is not None
    return LetterResult(
        kind=draft.kind,
        zaaknummer=draft.case.zaaknummer,
        docx=final_docx,
        txt=final_txt,
        event_id=event.id,
        event_title=store.routekaart.event_title(draft.case.track.value, draft.kind.records),
        note_id=note.id,
        text=draft.text,
        today=draft.today,
        first_talk=draft.first_talk,
    )
