"""The light start: the list paints from a plain read-only connection; the full Store and the
validated config follow in a worker; every action then works as usual."""

from __future__ import annotations

import subprocess
import sys

from herstel_tui.settings.cache import ConfigValues
from herstel_tui.settings.config import Config
from herstel_tui.settings.resources import open_store, routekaart_fingerprint
from herstel_tui.store.base import connections_open
from herstel_tui.store.caselist import CaseFilter, ListReader, quick_list_reader, ready_for_quick_read
from herstel_tui.tui.data import DeskData
from tests.support.pilot import settle
from tests.tui.conftest import ME, TODAY


def test_light_start_loads_neither_pydantic_nor_the_store(demo_store, tmp_path):
    code = (
        "import sys\nfrom herstel_tui.tui.launch import light_start\nimport herstel_tui.tui.app as a\n"
        "a.run_app_light = lambda *x, **k: None\n"
        f"print('RC', light_start({str(demo_store.path)!r}, None, False))\n"
        "print(sorted(m for m in ('pydantic', 'sqlite_utils', 'herstel_tui.store.db', 'herstel_tui.settings.config', 'sqlcipher3',"
        " 'json', 'herstel_tui.store.schema', 'herstel_tui.tui.bases', 'herstel_tui.tui.widgets.loading') if m in sys.modules))"
    )
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_CACHE_HOME": str(tmp_path / "k"),
        "PATH": "/usr/bin:/bin",
    }
    # the first start validates the (absent) config the full way and caches it
    warm = subprocess.run(
        [sys.executable, "-c", "from herstel_tui.settings.config import load_config; load_config()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert warm.returncode == 0, warm.stderr
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "RC 0" in r.stdout, r.stdout + r.stderr
    assert r.stdout.strip().endswith("[]")


def test_not_ready_after_a_routekaart_change_or_on_another_file(demo_store, tmp_path):
    assert ready_for_quick_read(demo_store.path, routekaart_fingerprint())
    demo_store.conn.execute("UPDATE meta SET value = 'anders' WHERE key = 'routekaart_hash'")
    assert not ready_for_quick_read(
        demo_store.path, routekaart_fingerprint()
    )  # the full start rebuilds the case index first
    other = tmp_path / "boodschappen.db"
    other.write_text("melk, brood")
    assert not ready_for_quick_read(other, routekaart_fingerprint())
    assert not ready_for_quick_read(tmp_path / "bestaat-niet.db", routekaart_fingerprint())


def test_the_check_connection_is_the_first_list_reader(demo_store, tmp_path):
    """The light start's check keeps its connection, and the first page is read on it: the same
    page a reader of its own reads; where the check says no, no connection stays open."""
    path = demo_store.path
    before = connections_open(path)
    reader = quick_list_reader(path, routekaart_fingerprint())
    assert reader is not None and connections_open(path) == before + 1
    data = DeskData(path=path, user=ME, opener=lambda: demo_store, reader=reader, today=TODAY)
    with data.reader() as rd:
        assert rd is reader
    first = data.first_page(CaseFilter())
    own = ListReader(path)
    try:
        assert first is not None and first.rows == own.page(CaseFilter(), TODAY, 0, len(first.rows))
    finally:
        own.close()
    data.close()
    assert connections_open(path) == before
    assert quick_list_reader(path, "een andere routekaart") is None
    assert quick_list_reader(tmp_path / "bestaat-niet.db", routekaart_fingerprint()) is None
    assert connections_open(path) == before


def test_the_first_paint_builds_neither_the_enums_nor_the_case_bundle():
    """The desk's first page shows the tracks' and outcomes' words from domain.words (the enum
    classes cost ~13 M instructions), and the case screen's dataclass comes with the case screen."""
    code = (
        "import sys\nimport herstel_tui.tui.launch, herstel_tui.tui.desk, herstel_tui.tui.screens.werkvoorraad\n"
        "print(sorted(m for m in ('herstel_tui.domain.enums', 'herstel_tui.tui.bundle') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


async def test_app_opens_store_and_swaps_in_the_real_config(demo_store):
    from herstel_tui.tui.desk import HerstelApp

    path = demo_store.path
    demo_store.close()
    opened = []

    def opener():
        s = open_store(path, ME)
        opened.append(s)
        return s

    def finish(data):
        return Config(medewerker=ME, gemeente="Gemeente Echt"), None, data.store.refreshed_on_open

    data = DeskData(path=path, user=ME, opener=opener, today=TODAY)
    light = ConfigValues(gemeente="Gemeente Licht", medewerker=ME)
    app = HerstelApp(
        None,
        light,
        data=data,
        finish_start=finish,
        today=TODAY,
        env={"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not data.store_open or opened  # the list needed no Store
        assert app.title == "herstel · DEMO · Gemeente Licht"  # a demo says so, read on the list's connection
        app.complete_start()
        await settle(pilot)
        assert data.store_open and isinstance(app.config, Config) and app.config.gemeente == "Gemeente Echt"
        # and a write goes through the Store that was opened late
        from herstel_tui.store import CaseFilter

        row = data.page(CaseFilter(), 0, 1)[0]
        app.open_case(row.id)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"Gebeld na lichte start")
        await pilot.press("f2")
        await settle(pilot)
    with open_store(path, ME) as s:
        assert s.cases.notes(row.id)[0].text == "Gebeld na lichte start"


def test_a_new_filter_interrupts_the_list_reads_still_running(demo_store):
    """On a million cases the count for one letter takes half a second: a keystroke stops the reads
    for the text before it instead of queueing behind them (DeskData.interrupt_list_reads)."""
    import sqlite3
    import threading
    import time

    data = DeskData(path=demo_store.path, user=ME, opener=lambda: demo_store, today=TODAY)
    slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000000) SELECT count(*) FROM n"
    outcome: list[object] = []

    def read() -> None:
        with data.reader() as rd:
            try:
                outcome.append(rd.conn.execute(slow).fetchone())
            except sqlite3.OperationalError as exc:
                outcome.append(exc)

    t = threading.Thread(target=read)
    started = time.perf_counter()
    t.start()
    time.sleep(0.2)  # the query is running
    data.interrupt_list_reads()
    t.join(timeout=30)
    assert isinstance(outcome[0], sqlite3.OperationalError) and "interrupt" in str(outcome[0])
    assert time.perf_counter() - started < 5  # (counting to 200 million takes far longer)
    # the reader goes back to the pool and serves the next filter normally
    from herstel_tui.store.caselist import CaseFilter

    assert data.first_page(CaseFilter()).rows


def _light_desk(path, opener):
    from herstel_tui.tui.desk import HerstelApp
    from herstel_tui.tui.launch import light_finish

    data = DeskData(path=path, user=ME, opener=opener, today=TODAY)
    app = HerstelApp(
        None,
        ConfigValues(gemeente="Gemeente Licht", medewerker=ME),
        data=data,
        finish_start=light_finish(path, None),
        today=TODAY,
        env={"TERM": "xterm"},
    )
    return app, data


async def test_the_store_waits_until_a_case_is_at_hand(demo_store):
    """Issue 18: on a light start with nothing in the case index to bring up to date, pydantic,
    the routekaart and the Store (~14 MB) load only when the caseworker turns to a case; a
    colleague's save still shows in the list meanwhile."""
    from tests.tui.test_wiring import first_case, list_lines

    row = first_case(demo_store)
    path = demo_store.path
    demo_store.close()
    opened = []

    def opener():
        opened.append(open_store(path, ME))
        return opened[-1]

    app, data = _light_desk(path, opener)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.complete_start()
        app.check_colleagues()
        await settle(pilot)
        assert not data.store_open and app.config.gemeente == "Gemeente Licht"
        await pilot.press("slash", *"a", "backspace")  # a search, typed and cleared
        await settle(pilot)
        assert not data.store_open
        with open_store(path, "collega") as other:
            p = other.persons.get(row.person_id)
            other.persons.update(p.model_copy(update={"surname": "Zzcollega"}))
        app.check_colleagues()
        await settle(pilot)
        assert any("Zzcollega" in line for line in list_lines(app))
        assert not data.store_open
        await pilot.press("escape", "down")  # to the list, and a case further
        await settle(pilot)
        assert data.store_open and len(opened) == 1
        # a colleague saves just as the Store opens: the check's last look on its own
        # connection sees it; from then on it reads the Store's, without reading the list again
        with open_store(path, "collega") as other:
            p = other.persons.get(row.person_id)
            other.persons.update(p.model_copy(update={"surname": "Zzlaatst"}))
        reloads = []
        real_reload = app.refresh_lists
        app.refresh_lists = lambda: (reloads.append(1), real_reload())
        app.check_colleagues()
        await settle(pilot)
        assert reloads == [1] and any("Zzlaatst" in line for line in list_lines(app))
        for _ in range(3):
            app.check_colleagues()
            await settle(pilot)
        assert reloads == [1] and not data.watching  # (the Store's connection from now on)
        with open_store(path, "collega") as other:
            p = other.persons.get(row.person_id)
            other.persons.update(p.model_copy(update={"surname": "Zzdaarna"}))
        app.check_colleagues()
        await settle(pilot)
        assert reloads == [1, 1] and any("Zzdaarna" in line for line in list_lines(app))


def test_a_period_run_out_opens_the_store_at_once(demo_store):
    """The full Store recomputes a period that has run out when it opens: then a light start
    opens it right after the first paint, as before, and the list is read again."""
    from datetime import timedelta

    from herstel_tui.tui.launch import light_finish
    from tests.tui.test_wiring import first_case

    row = first_case(demo_store)
    demo_store.conn.execute(
        "UPDATE case_summary SET next_kind = 'period', next_due = ? WHERE case_id = ?",
        ((TODAY - timedelta(days=1)).isoformat(), row.id),
    )
    path = demo_store.path
    demo_store.close()
    data = DeskData(path=path, user=ME, opener=lambda: open_store(path, ME), today=TODAY)
    assert data.stale_index()
    config, warning, refreshed = light_finish(path, None)(data)
    assert data.store_open and refreshed and isinstance(config, Config) and warning is None
    assert not data.stale_index()
    data.store.close()
    data.close()


def test_a_network_drive_is_warned_about_without_opening_the_store(demo_store, monkeypatch):
    """The warning the full start gives for a database on a network file system (no WAL there)
    comes on a light start too, also while the Store waits for its first use."""
    from herstel_tui.tui.launch import light_finish

    path = demo_store.path
    demo_store.close()
    monkeypatch.setattr("herstel_tui.store.base.filesystem_type", lambda p: "cifs")
    data = DeskData(path=path, user=ME, opener=lambda: open_store(path, ME), today=TODAY)
    config, warning, refreshed = light_finish(path, None)(data)
    assert config is None and not refreshed and not data.store_open
    assert warning is not None and "netwerkschijf" in warning
    data.close()


async def test_a_key_that_needs_the_store_opens_it_in_a_worker_first(demo_store):
    """Straight from the list on a light start, F6 (a note) and y (SPUK) open the Store in a
    worker and then their screen; an open that fails is said in Dutch, no traceback."""
    from herstel_tui.tui.screens.case_dialogs import NoteDialog
    from herstel_tui.tui.screens.spuk import SpukScreen

    path = demo_store.path
    demo_store.close()
    threads = []

    def opener():
        import threading

        threads.append(threading.current_thread() is threading.main_thread())
        return open_store(path, ME)

    app, data = _light_desk(path, opener)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not data.store_open
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog) and data.store_open and threads == [False]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SpukScreen)

    def refusing():
        raise OSError("schijf niet bereikbaar")

    app, data = _light_desk(path, refusing)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = []
        app.notify = lambda message, **kw: shown.append(message)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, SpukScreen) and not data.store_open
        assert shown == ["Database niet geopend: schijf niet bereikbaar"]


async def test_moving_through_the_list_starts_one_opening_of_the_store(demo_store):
    """Holding ↓ right after a light start asks for the Store with every row: one worker opens it."""
    path = demo_store.path
    demo_store.close()

    openings = []

    def slow():
        import time

        openings.append(path)
        time.sleep(0.5)  # the keys arrive while it opens
        return open_store(path, ME)

    app, data = _light_desk(path, slow)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert openings == []
        await pilot.press("down", "down", "down", "down", "down")
        await settle(pilot)
        assert data.store_open and openings == [path]


def test_the_start_pauses_the_cycle_collector_for_the_app(demo_store, monkeypatch):
    """Issue 18: importing Textual and building the first screen run without Python's cycle
    collector (tui/app.py); the app is told so, and the collector is on again when it ends."""
    import gc

    from herstel_tui.tui import app as start
    from herstel_tui.tui.desk import HerstelApp

    seen = []
    monkeypatch.setattr(HerstelApp, "run", lambda self: seen.append((gc.isenabled(), self.collector_paused)))
    data = DeskData(path=demo_store.path, user=ME, opener=lambda: demo_store, today=TODAY)
    assert gc.isenabled()
    start.run_app_light(data, ConfigValues(gemeente="Gemeente Licht", medewerker=ME), lambda d: (None, None, False))
    start.run_app(demo_store, Config(medewerker=ME))
    assert seen == [(False, True), (False, True)]
    assert gc.isenabled()


async def test_the_desk_turns_the_collector_back_on_once_painted(demo_store, monkeypatch):
    """After its first paint the desk freezes what the start made and turns the collector back
    on, without a pass of its own over the start's objects (a pass holds the GIL for tens of ms
    while the first frame may still be written): a desk that runs all day collects its cycles."""
    import gc

    from tests.tui.conftest import make_app

    passes: list[int] = []
    collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: passes.append(1) or collect(*a))
    gc.disable()
    try:
        app = make_app(demo_store, collector_paused=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled() and not app.collector_paused
            assert gc.get_freeze_count() > 0
            assert passes == []
    finally:
        gc.unfreeze()
        gc.enable()


FIRST_PAINT_IMPORTS = (
    "import herstel_tui.tui.launch, herstel_tui.tui.app, herstel_tui.tui.desk, herstel_tui.tui.screens.werkvoorraad\n"
)


def _after_first_paint_imports(code: str) -> list[str]:
    """The lines ``code`` prints in a new interpreter that has imported what the first paint imports."""
    r = subprocess.run(
        [sys.executable, "-c", "import re\n" + FIRST_PAINT_IMPORTS + code], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_the_first_paint_makes_no_textual_class_but_those_it_shows():
    """Textual makes every app, screen and widget class at import (~2 M instructions apiece,
    issue 18): the desk's first paint makes the app, its screen and the widgets on it; the bases
    they share with other screens (DeskApp, DeskScreen, ListingScreen, CaseActions) are mixins."""
    made = _after_first_paint_imports(
        "from textual.dom import DOMNode\n"
        "def made(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from made(sub)\n"
        "print(sorted({c.__qualname__ for c in made(DOMNode) if c.__module__.startswith('herstel_tui')}))"
    )
    assert made == [str(["CaseTable", "HerstelApp", "KeyBar", "SearchBox", "TitleBar", "WorkQueueScreen"])]


def test_the_first_paint_compiles_no_pattern_it_does_not_use():
    """The date, BSN and search-term patterns are compiled where first used (domain.text.LazyPattern),
    not by the first paint's imports (~0.3 M instructions apiece, issue 18)."""
    lines = _after_first_paint_imports(
        "from herstel_tui.domain import bsn, dates\n"
        "from herstel_tui.store import caselist\n"
        "lazy = [dates._DMY, dates._ISO, bsn._SEPARATORS, bsn._NINE, caselist._SEP, caselist._SHORT_ZAAK]\n"
        "compiled = {key[1] for key in re._cache}\n"
        "print(sorted(p._source[0] for p in lazy if p._source[0] in compiled))\n"
        "print(bool(dates._DMY.fullmatch('1-2-2026')), bsn._SEPARATORS.sub('', '1 2.3'), bool(caselist._SHORT_ZAAK.match('hko-2026-000001')))"
    )
    assert lines == ["[]", "True 123 True"]
