"""The rules Textual parsed from the first paint's stylesheet, kept between starts (issue 18).

Textual parses every source of the stylesheet at every start: its own App, Screen and widget
DEFAULT_CSS and the desk's werkvoorraad.tcss, ~50 M instructions before the first case row (half
of what the desk does beyond a bare Textual app at run time). What a source parses to depends on
the source alone (its text, where it was read from, whether it is a widget's default CSS, its
tie-breaker and scope: Textual's own key), the CSS variables (the theme) and Textual's code, and
Textual keeps it per source for a process in ``Stylesheet._parse_cache``. :class:`KeptRules` is
that cache, filled from a file in the user's cache folder as well: a source parsed at an earlier
start, with the same variables and by this very Textual (its code's files: path, size, mtime), is
not parsed again. Once the list is painted the desk keeps the rules its first paint used
(``keep``), when any of them were parsed anew (the first start, another theme, a new version).

(Textual 8.2: ``Stylesheet._parse_rules`` looks a source up in ``_parse_cache`` before it parses,
and stores what it parsed there; ``set_variables`` clears it.)
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

import textual
from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet

from herstel_tui.domain.digest import sha256_hex
from herstel_tui.settings.cache import code_files, read_pickle, write_pickle
from herstel_tui.settings.paths import cache_path

# Textual's own (Stylesheet.__init__)
PARSE_CACHE_SIZE = 64
# The code whose classes the rules are made of and which parses them: Textual's package, its CSS
# and its layouts
_TEXTUAL = os.path.dirname(os.path.realpath(textual.__file__))
_CODE = (_TEXTUAL, os.path.join(_TEXTUAL, "css"), os.path.join(_TEXTUAL, "layouts"))

# Textual's key of a source: (css, read_from, is_default_rules, tie_breaker, scope)
Source = tuple[Any, ...]


def kept_file() -> Path:
    """One file per installation of Textual (as the routekaart's cache: two installations for
    one user do not take turns overwriting it)."""
    return cache_path() / f"stylesheet-{sha256_hex(_TEXTUAL.encode())[:12]}.pickle"


def _code_key() -> bytes | None:
    code = code_files(*_CODE)
    return None if code is None else marshal.dumps([sys.version, code]).hex().encode()  # (one line)


class KeptRules(LRUCache[Source, list[Any]]):
    """Textual's parse cache of ``sheet``, which also finds the rules kept at an earlier start."""

    def __init__(self, sheet: Stylesheet, file: Path) -> None:
        super().__init__(PARSE_CACHE_SIZE)
        self.sheet = sheet
        self.file: Path | None = file  # (None once kept: the first paint's rules only)
        self._kept: dict[Source, list[Any]] | None = None  # read at the first source not in memory
        self.used: dict[Source, list[Any]] = {}  # each source's rules, as Textual asked for them
        self.parsed = False  # some source was not kept and Textual parsed it

    def __getitem__(self, source: Source) -> list[Any]:
        try:
            rules = super().__getitem__(source)
        except KeyError:
            if self._kept is None:
                self._kept = self._read()
            rules = self._kept[source]  # (a KeyError: Textual parses the source)
            super().set(source, rules)
        self.used[source] = rules
        return rules

    def set(self, key: Source, value: list[Any]) -> None:
        """(Textual parsed the source ``key``.)"""
        super().set(key, value)
        self.used[key] = value
        self.parsed = True

    __setitem__ = set

    def clear(self) -> None:
        """(New variables: the rules kept, and those used, were parsed with the old ones.)"""
        super().clear()
        self._kept = None
        self.used = {}

    def _read(self) -> dict[Source, list[Any]]:
        kept = read_pickle(self.file, _code_key) if self.file is not None else None
        if not isinstance(kept, tuple) or len(kept) != 2 or not isinstance(kept[1], dict):
            return {}
        variables, rules = kept
        return rules if variables == self.sheet._variables else {}

    def keep(self) -> None:
        """Keep the rules used so far (the first paint's) for the next start, if any was parsed."""
        file, self.file = self.file, None
        if file is None or not self.parsed:
            return
        key = _code_key()
        if key is not None:
            write_pickle(file, key, (dict(self.sheet._variables), dict(self.used)))


def keep_rules(sheet: Stylesheet) -> None:
    """Parse ``sheet``'s sources from the kept rules where it can (see the module). Only with a
    Textual whose stylesheet has the parse cache and the variables this module fills and reads
    (``textual>=1.0`` allows later versions: one without them parses every start, as before)."""
    if isinstance(getattr(sheet, "_parse_cache", None), LRUCache) and isinstance(
        getattr(sheet, "_variables", None), dict
    ):
        sheet._parse_cache = KeptRules(sheet, kept_file())


def keep_first_rules(sheet: Stylesheet) -> None:
    """After the first paint: keep the rules it used for the next start (once)."""
    cache = sheet._parse_cache
    if isinstance(cache, KeptRules):
        cache.keep()
