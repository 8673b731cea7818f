"""The report lines of ``herstel portaal``: ``_wrap`` fills a plain text itself (a 50,000-row
report) and must give exactly what ``textwrap.fill`` gives, for every text and indent."""

from __future__ import annotations

import random
import textwrap

from herstel_tui.cli.portal import WIDTH, _wrap


def _textwrap(text: str, indent: int, first: str) -> str:
    return (
        textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=" " * indent, break_on_hyphens=False)
        or first.rstrip()
    )


def _random_text(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(0, 30)):
        n = rng.choice([1, 2, 3, 5, 8, 12, 20, 40, 47, 48, 79, 80, 81, 120])
        pieces.append("".join(rng.choice("abcdeé-;:,.0123456789") for _ in range(n)))
        pieces.append(rng.choice([" ", " ", " ", " ", "  ", "\t", "\n", "\u00a0", " - "]))
    text = "".join(pieces)
    return rng.choice([text, text.strip(), " " + text, text.strip() + " ", text.replace("  ", " ").strip()])


def test_wrap_is_textwrap_fill_for_random_texts() -> None:
    rng = random.Random(18)
    plain = 0
    for _ in range(20_000):
        text = _random_text(rng)
        indent = rng.choice([0, 2, 4, 33, 40, 60])  # (textwrap itself never ends when the indent fills the line)
        first = rng.choice(
            ["", "  ", "  - ", f"{rng.randint(1, 999999):>6}  {'afgewezen':<12}  {'*****1234':<9}  ", "x" * 47]
        )  # (textwrap never ends on a first indent wider than the line)
        plain += bool(text) and text == " ".join(text.split(" ")) and "  " not in text
        assert _wrap(text, indent, first) == _textwrap(text, indent, first), (text, indent, first)
    assert plain > 1000  # (the fast way was taken often)


def test_wrap_real_report_lines() -> None:
    lead = f"{48213:>6}  {'afgewezen':<12}  {'*****0042':<9}  "
    for text in (
        "A. de Vries-Jansen: Aanvraag herbeoordeling kinderopvangtoeslag bij UHT past niet bij een kind: "
        "deze stap is voor een aanvrager of een toeslagpartner.",
        "dubbel: zelfde als regel 12",
        "",
        "   ",
        "een-heel-lang-woord-" * 6,
    ):
        for indent, first in ((33, lead), (2, ""), (4, "  - ")):
            assert _wrap(text, indent, first) == _textwrap(text, indent, first)
