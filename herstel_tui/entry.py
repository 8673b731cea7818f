"""The ``herstel`` console script: one quick router, then click.

Four invocations are answered without loading click and the command modules, because people wait
for them: the bare ``herstel`` (the desk's first paint), ``herstel zoek TERM``, ``herstel toon
ZAAK`` and ``herstel termijnen`` over SSH (each option at most once; a repeated one goes to click). The router knows
exactly the global options below; anything else (help, another command, an option
it does not know) goes to click (``herstel_tui.cli.main``), which gives the same answer or the
proper error. ``tests/cli/test_entry.py`` checks that every option here means the same in click.

The desk is opened through a callback handed to click (``obj={"open_desk": ...}``), so the command
line never imports the TUI.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# option -> click parameter name; the first take a value, the flags do not
GLOBAL_OPTIONS = {"--db": "db", "--config": "config"}
GLOBAL_FLAGS = {"--low-bandwidth": "low_bandwidth"}
QUICK_COMMAND = "zoek"
ZOEK_FORMATS = {"--json": "json", "--csv": "csv"}  # flag -> the value of zoek's (and termijnen's) ``fmt``
DUE_COMMAND = "termijnen"
DUE_OPTION, DUE_FLAG = "--binnen", "--mijn"  # termijnen's ``binnen`` (a value) and ``mijn`` (a flag)
DUE_DEFAULT = "14d"
CARD_COMMAND = "toon"
CARD_OPTION, CARD_FLAG = "--spoor", "--json"  # toon's ``spoor`` (a value, one of the tracks) and ``as_json``


class QuickCall:
    """What the router understood: the desk (``command`` None), ``zoek``, ``toon`` (``term`` the
    ZAAK, ``fmt`` "json" or "text") or ``termijnen`` (``fmt`` None: text). (A plain class, not a
    dataclass: this module runs before every quick start.)"""

    __slots__ = ("db", "config", "low_bandwidth", "command", "term", "fmt", "binnen", "mijn", "spoor")

    def __init__(
        self,
        db: str | None = None,
        config: str | None = None,
        low_bandwidth: bool = False,
        command: str | None = None,
        term: str = "",
        fmt: str | None = "text",
        binnen: str = DUE_DEFAULT,
        mijn: bool = False,
        spoor: str | None = None,
    ) -> None:
        self.db, self.config, self.low_bandwidth = db, config, low_bandwidth
        self.command, self.term, self.fmt = command, term, fmt
        self.binnen, self.mijn, self.spoor = binnen, mijn, spoor

    def _fields(self) -> tuple[object, ...]:
        fields = (self.db, self.config, self.low_bandwidth, self.command, self.term, self.fmt, self.binnen, self.mijn)
        return (*fields, self.spoor)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QuickCall) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"QuickCall{self._fields()!r}"


def route(argv: Sequence[str]) -> QuickCall | None:
    """The quick call for ``argv``, or None when click should answer."""
    values: dict[str, str] = {}
    low = False
    args = list(argv)
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        name, eq, val = opt.partition("=")
        if name in GLOBAL_OPTIONS:
            if not eq:
                if not args:
                    return None
                val = args.pop(0)
            if not val:
                return None
            values[GLOBAL_OPTIONS[name]] = val
        elif opt in GLOBAL_FLAGS:
            low = True
        else:
            return None
    base = QuickCall(values.get("db"), values.get("config"), low)
    if not args:
        return base
    if args[0] == DUE_COMMAND:
        return _route_due(base, args[1:])
    if args[0] == CARD_COMMAND:
        return _route_card(base, args[1:])
    if args[0] != QUICK_COMMAND:
        return None
    fmt, words = "text", []
    for a in args[1:]:
        if a in ZOEK_FORMATS:
            fmt = ZOEK_FORMATS[a]
        elif a.startswith("-"):
            return None
        else:
            words.append(a)
    term = " ".join(words).strip()
    if not term:
        return None
    return QuickCall(base.db, base.config, base.low_bandwidth, QUICK_COMMAND, term, fmt)


def _read_options(
    args: list[str], option: str, flags: dict[str, tuple[str, str]]
) -> tuple[dict[str, str], list[str]] | None:
    """A command's arguments as click reads them: ``option`` takes a value (the next argument
    whatever it is, or after ``=``), each flag sets its (name, value); each name at most once. The
    found values and the arguments, or None for anything else (click answers)."""
    found: dict[str, str] = {}
    rest: list[str] = []
    while args:
        arg = args.pop(0)
        name, eq, value = arg.partition("=")
        if name == option:
            if not eq:
                if not args:
                    return None
                value = args.pop(0)
        elif arg in flags:
            name, value = flags[arg]
        elif arg.startswith("-"):
            return None
        else:
            rest.append(arg)
            continue
        if name in found:
            return None
        found[name] = value
    return found, rest


def _route_due(base: QuickCall, args: list[str]) -> QuickCall | None:
    """``termijnen``'s options as click reads them (``--binnen`` takes the next argument whatever
    it is; services.lookup.quick_due leaves a period it does not read to click); each at most
    once, no arguments."""
    flags = {DUE_FLAG: ("mijn", ""), **{flag: ("fmt", fmt) for flag, fmt in ZOEK_FORMATS.items()}}
    read = _read_options(args, DUE_OPTION, flags)
    if read is None or read[1]:
        return None
    found = read[0]
    binnen, mijn, fmt = found.get(DUE_OPTION, DUE_DEFAULT), "mijn" in found, found.get("fmt")
    return QuickCall(base.db, base.config, base.low_bandwidth, DUE_COMMAND, fmt=fmt, binnen=binnen, mijn=mijn)


def _route_card(base: QuickCall, args: list[str]) -> QuickCall | None:
    """``toon``'s arguments as click reads them: one ZAAK (plain ASCII, as every zaaknummer and
    BSN, so click's NFC changes nothing), ``--spoor`` with one of the tracks (click's choice;
    another value is click's error) and ``--json``; each at most once."""
    from herstel_tui.domain.words import TRACK_SHORT  # (the tracks, without the enum classes)

    read = _read_options(args, CARD_OPTION, {CARD_FLAG: ("fmt", "json")})
    if read is None or len(read[1]) != 1 or not read[1][0].strip() or not read[1][0].isascii():
        return None
    found, (ref,) = read
    spoor = found.get(CARD_OPTION)
    if spoor is not None and spoor not in TRACK_SHORT:
        return None
    return QuickCall(base.db, base.config, base.low_bandwidth, CARD_COMMAND, ref, found.get("fmt", "text"), spoor=spoor)


def _needs_policy(arg: str) -> bool:
    """True when ``arg`` holds a control character, a bidi control or a lone surrogate (checked
    cheaply here; ``domain.text`` is the policy)."""
    return any(
        ord(c) < 0x20
        or 0x7F <= ord(c) <= 0x9F
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        or 0xD800 <= ord(c) <= 0xDFFF
        for c in arg
    )


def open_desk(db: str | None, config: str | None, low_bandwidth: bool) -> int:
    """Open the desk. The cyclic garbage collector is paused from here, as for the quick answers
    (``quick_answer``): the desk's imports and its first screen make many objects with few cycles
    among them, and the collector would walk them again and again before the first paint (~9 M
    instructions of the imports before ``tui/app.py`` pauses it; issue 18). A full start (no light
    one) turns it back on (``launch.start``); a light one after its first paint (``tui/app.py``)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        from herstel_tui.tui.launch import start

        return start(db, config, low_bandwidth, collector=enabled)
    finally:
        if enabled:
            gc.enable()


def quick_answer(call: QuickCall) -> int | None:
    """``zoek``, ``toon`` or ``termijnen`` on its quick path: the exit code, or None when click
    should answer. The cyclic garbage collector stays off once there is an answer: the process
    ends right after it, such an answer makes few cycles (reference counting frees the rest), and
    the collector would walk every object the imports made, several times (~4 % of `herstel toon`'s
    and `zoek`'s instructions). It is back on when click answers instead."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    code = None
    try:
        if call.command == QUICK_COMMAND:
            from herstel_tui.services.lookup import quick_search

            code = quick_search(call.db, call.config, call.term, call.fmt or "text")
        elif call.command == CARD_COMMAND:
            from herstel_tui.services.lookup import quick_toon

            code = quick_toon(call.db, call.config, call.term, call.spoor, call.fmt == "json")
        elif call.command == DUE_COMMAND:
            from herstel_tui.services.lookup import quick_due

            code = quick_due(call.db, call.config, call.binnen, call.mijn, call.fmt)
    finally:
        if code is None and enabled:
            gc.enable()
    return code


def main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    # an argument with a control character goes to click, which refuses it in Dutch (text policy)
    call = None if any(_needs_policy(a) for a in args) else route(args)
    if call is not None and call.command is None:
        sys.exit(open_desk(call.db, call.config, call.low_bandwidth))
    code = quick_answer(call) if call is not None else None
    if code is not None:
        sys.exit(code)
    _light_exit()
    from herstel_tui.cli.main import main as cli

    cli(args=args, prog_name="herstel", obj={"open_desk": open_desk})


def _light_exit() -> None:
    """At the process's end, every object left is frozen (``gc.freeze``) before the interpreter
    tears its modules down. A module's functions and its globals refer to each other, so without
    this the collector frees them one by one at the end, a full walk of everything a command
    imported (pydantic, openpyxl, the routekaart: ~0.05 s of a portal import's exit); frozen, the
    process ends and its memory goes at once. Every atexit handler still runs, the standard
    streams are still flushed and what a command opens it closes itself (the store, its files):
    only garbage in reference cycles is left unfinalised, as the exit leaves it anyway. Registered
    once (again: moved, not added)."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
