"""A real desk in its own process, driven by Pilot with random actions (for the torture test).

    python desk_driver.py DB LEDGER TAG SEED PLAN_CASE_ID SECONDS

Starts the desk the way `herstel` does on a light start (the list paints from read-only
connections, the full Store opens right after in a worker), then until SECONDS have passed, at
random: adds a contact note (F6, text, F2) on the selected case, types in the shared plan's
'Huidige situatie' of Financiën (F2 saves), searches the list. Every save the desk confirms is
appended to LEDGER (one line, fsync'ed) the moment the store call returned to the desk:
``note<TAB>text`` or ``plan<TAB>text``. The test kills this process at random moments.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time

from herstel_tui.settings.resources import open_store


def main() -> None:
    db, ledger, tag, seed, plan_case, seconds = sys.argv[1:7]
    rng = random.Random(int(seed))
    fd = os.open(ledger, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def record(kind: str, text: str) -> None:
        os.write(fd, f"{kind}\t{text}\n".encode())
        os.fsync(fd)

    from textual.widgets import TextArea

    from herstel_tui.settings.config import Config
    from herstel_tui.store.cases import CaseRepository
    from herstel_tui.store.plan import PlanRepository
    from herstel_tui.tui.data import DeskData
    from herstel_tui.tui.desk import HerstelApp
    from herstel_tui.tui.screens.plan import PlanScreen

    real_note = CaseRepository.add_note
    real_area = PlanRepository.set_area_text

    def add_contact_note(self, case_id, text, **kw):
        note = real_note(self, case_id, text, **kw)
        record("note", text)  # committed: the desk now shows it as saved
        return note

    def set_area_text(self, version_id, area, field, text, **kw):
        changed = real_area(self, version_id, area, field, text, **kw)
        if changed:
            record("plan", text)
        return changed

    CaseRepository.add_note = add_contact_note
    PlanRepository.set_area_text = set_area_text

    cfg = Config(medewerker=tag)
    data = DeskData(path=db, user=tag, opener=lambda: open_store(db, tag))
    app = HerstelApp(
        None,
        cfg.values(),
        data=data,
        finish_start=lambda d: (cfg, None, d.store.refreshed_on_open),
        env={"TERM": "xterm"},
    )
    deadline = time.monotonic() + float(seconds)
    counter = iter(range(1_000_000))

    async def settle(pilot) -> None:
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                break

    async def home(pilot) -> None:
        for _ in range(6):
            if len(app.screen_stack) <= 1:
                return
            # Esc on a form with typed text asks first (issue 17): "j" throws the unsaved text away
            await pilot.press("j" if type(app.screen).__name__ == "ConfirmDialog" else "escape")
            await settle(pilot)

    async def note(pilot) -> None:
        await home(pilot)
        await pilot.press("f6")
        await settle(pilot)
        if type(app.screen).__name__ != "NoteDialog":
            return
        await pilot.press(*f"{tag} notitie {next(counter)}")
        await pilot.press("f2")
        await settle(pilot)

    async def plan(pilot) -> None:
        if not isinstance(app.screen, PlanScreen):
            await home(pilot)
            app.push_screen(PlanScreen(data.store, int(plan_case)))
            await settle(pilot)
        box = (
            app.screen.query("#situatie-financien").first(TextArea) if app.screen.query("#situatie-financien") else None
        )
        if box is None or box.disabled:
            return
        box.focus()
        box.move_cursor(box.document.end)
        await pilot.press(*f" {tag}{next(counter)}")
        await pilot.press("f2")
        await settle(pilot)

    async def search(pilot) -> None:
        await home(pilot)
        await pilot.press("/", *rng.choice(["jan", "de", "99", "HKO"]))
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            print("ready", flush=True)
            first = (
                [plan, note] if rng.random() < 0.5 else [note, plan]
            )  # every desk edits the shared plan and adds a note, then at random
            while time.monotonic() < deadline:
                action = first.pop(0) if first else rng.choices([note, plan, search], weights=[5, 4, 1])[0]
                await action(pilot)
            await home(pilot)

    asyncio.run(run())
    os.close(fd)


if __name__ == "__main__":
    main()
