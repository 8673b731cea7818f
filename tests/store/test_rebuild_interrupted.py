"""A rebuild of the case index stopped half-way (the desk closed, the process killed): the index is
not taken for current by the routekaart it was computed with before, nor by a text-only variant of
that one; it is rebuilt on the next open."""

from __future__ import annotations

import pytest

from herstel_tui.domain import clock
from herstel_tui.settings.resources import open_store
from herstel_tui.store import Store
from herstel_tui.store.overview import tallies_differ
from tests.store.test_case_deadlines import nine_weeks, recomputed, shipped_with
from tests.support.data import TODAY
from tests.support.demo import demo_fixtures

demo_file, demo = demo_fixtures("interrupted", cases=120, seed=29)


class _Stopped(Exception):
    pass


def _stop_after_first_batch(done: int, total: int) -> None:
    if done > 0:
        raise _Stopped


@pytest.mark.parametrize("back_to", ["the same", "a text change of it"])
def test_a_rebuild_stopped_half_way_is_done_again_with_the_previous_routekaart(demo, monkeypatch, back_to):
    monkeypatch.setattr("herstel_tui.store.cases.REBUILD_BATCH", 10)
    with clock.fixed(TODAY), open_store(demo, "t") as store:
        before = store.cases.stored_index()
        previous = store.routekaart
        if back_to != "the same":  # (index_hash written: as every whole index writes it)
            store.cases.rebuild_summaries(TODAY)
        store.routekaart = nine_weeks()  # a routekaart change, its rebuild stopped after 10 cases
        with pytest.raises(_Stopped):
            store.cases.rebuild_summaries(TODAY, progress=_stop_after_first_batch)
        assert store.cases.stored_index() != before  # (rows of the nine weeks written)
    rk = previous if back_to == "the same" else shipped_with(b"0800-2358358", b"0800-2358359")
    with clock.fixed(TODAY), Store(demo, "t", routekaart=rk) as store:
        assert store.cases.stored_index() == recomputed(store, TODAY) == before
        assert tallies_differ(store.conn) == []
        assert store.meta("routekaart_hash") == rk.fingerprint
