"""The cyclic garbage collector held off while the desk starts (``app.run_app_light``) and turned
back on once the list's first page is painted (``screens.werkvoorraad``): a module of its own, so
neither imports the other."""

from __future__ import annotations

_PAUSED: set[str] = set()  # "gc" while the desk's start (app.run_app_light) holds the cyclic garbage collector off


def pause_collector() -> None:
    """The cyclic garbage collector off, if it is on (:func:`resume_collector` turns it back on)."""
    import gc

    if gc.isenabled():
        gc.disable()
        _PAUSED.add("gc")


def resume_collector() -> None:
    """The cyclic garbage collector on again, if :func:`pause_collector` turned it off."""
    if "gc" in _PAUSED:
        import gc

        _PAUSED.discard("gc")
        gc.enable()
