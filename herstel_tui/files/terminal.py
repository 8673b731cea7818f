"""Output for a terminal or a pipe: escape sequences that came from data never reach it.

:class:`GuardedStream` wraps ``sys.stdout``/``sys.stderr`` for the whole command line
(``cli.base.HerstelGroup.main``): every write passes :func:`herstel_tui.domain.text.for_terminal`, so
a name or note holding ESC/OSC/CSI/CR cannot clear the screen, set the window title, write the
clipboard (OSC 52), draw a hyperlink (OSC 8) or overwrite a line, whether stdout is a terminal or a
pipe. Rich tables are the one writer that styles on purpose: they render data as ``Text`` (never
markup), cleaned cell by cell, and write to :attr:`GuardedStream.trusted`.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from herstel_tui.domain.text import for_terminal

TYPE_CHECKING = False  # the quick paths (`herstel termijnen`) import this module: no typing at run time
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, TextIO


class GuardedStream(io.TextIOBase):
    """A text stream that writes through :func:`for_terminal` to ``trusted``."""

    def __init__(self, trusted: TextIO) -> None:
        super().__init__()
        self.trusted = trusted

    def write(self, s: str) -> int:
        self.trusted.write(for_terminal(s))
        return len(s)

    def flush(self) -> None:
        self.trusted.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.trusted, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.trusted.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.trusted, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.trusted, "errors", None)


def trusted(stream: Any) -> Any:
    """The stream under a guard (for a writer that cleans its own data and styles on purpose)."""
    return stream.trusted if isinstance(stream, GuardedStream) else stream


@contextmanager
def guarded_output() -> Iterator[None]:
    """stdout and stderr guarded for the duration (idempotent: a guarded stream is not wrapped twice)."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, GuardedStream):
        sys.stdout = GuardedStream(sys.stdout)
    if not isinstance(sys.stderr, GuardedStream):
        sys.stderr = GuardedStream(sys.stderr)
    try:
        yield
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            sys.stdout, sys.stderr = saved


class IndexProgress:
    """``progress(done, total)`` for a rebuild of the case index (after a routekaart change), as
    Dutch lines on stderr: "Zaakindex bijwerken: 40.000 van 100.000 zaken". The first and the last
    always, in between at most two a second."""

    def __init__(self, stream: TextIO | None = None, every: float = 0.5) -> None:
        self.stream = stream
        self.every = every
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        from herstel_tui.files.portal_common import thousands

        now = time.monotonic()
        if 0 < done < total and now - self.last < self.every:
            return
        self.last = now
        out = self.stream or sys.stderr
        out.write(f"Zaakindex bijwerken: {thousands(done)} van {thousands(total)} zaken\n")
        out.flush()
