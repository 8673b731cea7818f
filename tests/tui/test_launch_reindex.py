"""Issue 18: a desk started on a database whose case index must be rebuilt (a new routekaart)
shows how far the rebuild is before it paints, instead of a terminal that seems to hang."""

from __future__ import annotations

import shutil

from herstel_tui.domain import clock
from tests.support.data import TODAY


def test_full_start_shows_the_rebuild_before_the_desk(template_db, tmp_path, monkeypatch, capsys):
    from herstel_tui.tui import app, launch

    path = tmp_path / "desk.db"
    shutil.copy(template_db, path)
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'een oudere routekaart' WHERE key = 'routekaart_hash'")
    conn.commit()
    conn.close()
    started = []

    def run_app(store, cfg, **kw):  # instead of painting: what was on the terminal by then
        started.append((capsys.readouterr().err, store.meta("routekaart_hash") == store.routekaart.fingerprint))

    monkeypatch.setattr(app, "run_app", run_app)
    with clock.fixed(TODAY):
        assert launch.start(str(path), None, False) == 0
    err, current = started[0]
    assert current  # rebuilt before the desk starts
    assert err.splitlines()[0] == "Zaakindex bijwerken: 0 van 300 zaken"
    assert err.splitlines()[-1] == "Zaakindex bijwerken: 300 van 300 zaken"
