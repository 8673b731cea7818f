"""Dutch formatting that only the desk needs: days left, counts, cut to a column, short codes.

Dates are formatted and read by :mod:`herstel_tui.domain.dates`.
"""

from __future__ import annotations


def number(n: int) -> str:
    """1.234 (Dutch thousands separator)."""
    return f"{n:,}".replace(",", ".")


def zaken(n: int) -> str:
    return f"{number(n)} {'zaak' if n == 1 else 'zaken'}"


def days_short(days: int | None) -> str:
    """'12d' left, '-5d' overdue, '' without a deadline."""
    if days is None:
        return ""
    return f"{days}d"


def days_long(days: int) -> str:
    """'nog 12 dagen', 'vandaag', '5 dagen verlopen'."""
    if days == 0:
        return "vandaag"
    if days > 0:
        return f"nog {days} {'dag' if days == 1 else 'dagen'}"
    return f"{-days} {'dag' if days == -1 else 'dagen'} verlopen"


def truncate(text: str, width: int) -> str:
    """Cut to ``width`` cells with an ellipsis; pad to exactly ``width``."""
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():  # a cell per character: Rich's answer, without Rich
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def hanging(text: str, width: int, indent: int, *, first: int = 0) -> list[str]:
    """``text`` wrapped to ``width`` cells, every line after the first indented by ``indent``
    (a timeline line whose continuation stays right of the date); the first by ``first``."""
    import textwrap

    width = max(indent + 10, width)
    lines: list[str] = []
    for i, para in enumerate(text.splitlines() or [""]):
        wrapped = textwrap.wrap(
            para,
            width,
            initial_indent=" " * (first if i == 0 else indent),
            subsequent_indent=" " * indent,
            break_long_words=True,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [""])
    return lines
