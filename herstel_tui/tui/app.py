"""Starting the desk: ``run_app`` (a full start) and ``run_app_light`` (the list first).

This module does not import Textual at the top: the start first sets a thread reading the first
page of the werkvoorraad, then imports Textual and the app (desk.py), so the query and the
~200 ms import of Textual overlap and the first paint already has rows.

Python's cycle collector is paused from here until the list is painted (``DeskApp.collector_paused``):
importing Textual and building the first screen make some 75,000 objects, with few cycles among
them, that set the collector off again and again for a pass over all of them (~30 M instructions
before the first paint, issue 18). After the paint the desk freezes what the start made (a
long-lived heap that later passes need not walk; no pass over it) and turns the collector back on.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from herstel_tui.tui.data import DeskData

if TYPE_CHECKING:
    from herstel_tui.store import Store
    from herstel_tui.tui.config import DeskConfig
    from herstel_tui.tui.host import FinishStart


def run_app(store: Store, config: DeskConfig, *, low_bandwidth: bool = False) -> None:
    _run(DeskData(store), config, store=store, low_bandwidth=low_bandwidth)


def run_app_light(
    data: DeskData, config: DeskConfig, finish_start: FinishStart, *, low_bandwidth: bool = False
) -> None:
    """The desk before the full Store and config are loaded: they follow in a worker."""
    _run(data, config, finish_start=finish_start, low_bandwidth=low_bandwidth)


def _run(
    data: DeskData,
    config: DeskConfig,
    *,
    store: Store | None = None,
    finish_start: FinishStart | None = None,
    low_bandwidth: bool,
) -> None:
    from herstel_tui.store.caselist import CaseFilter

    gc.disable()  # until the first paint (above)
    data.prefetch(CaseFilter())  # the first page is read while Textual is imported and starts up
    from herstel_tui.tui.desk import HerstelApp

    app = HerstelApp(
        store, config, low_bandwidth=low_bandwidth, data=data, finish_start=finish_start, collector_paused=True
    )
    try:
        app.run()
    finally:
        gc.enable()  # (an app that ended before its first paint)
