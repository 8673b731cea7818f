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


def test_a_report_fills_each_text_once_and_every_row_as_textwrap(monkeypatch, capsys) -> None:
    """``_print_report`` fills a text shared by many rows once (the prefix's length decides where
    lines break), and each row still reads as textwrap fills it after that row's own prefix."""
    from herstel_tui.cli import portal
    from herstel_tui.domain.enums import ImportAction
    from herstel_tui.domain.portal import FileMeta, ImportReport, RowOutcome

    long = "ontvangst gegevens niet vastgelegd: " + "deze stap past niet bij een kind, " * 6 + "klaar."
    texts = [long, "dubbel: zelfde als regel 2", "", "   ", "een-heel-lang-woord-" * 6, "twee  spaties hier"]
    outcomes = [
        RowOutcome(row, ImportAction.REJECT, texts[row % len(texts)], None if row % 7 == 0 else "123456782")
        for row in range(2, 2002)
    ]
    outcomes.append(RowOutcome(1_234_567, ImportAction.REJECT, long, "123456782"))  # (a wider prefix)
    report = ImportReport(
        "aanmeldingen", "Nieuwe aanmeldingen", FileMeta("a.xlsx", "0" * 64, 1), "x", [], outcomes, False
    )
    calls: list[tuple[str, int, int]] = []
    fill = portal._fill

    def counted(text: str, indent: int, lead: int) -> str | None:
        calls.append((text, indent, lead))
        return fill(text, indent, lead)

    monkeypatch.setattr(portal, "_fill", counted)
    portal._print_report(report, True)
    printed = capsys.readouterr().out
    rows = [c for c in calls if c[1] == 33]
    assert len(rows) == len(set(rows)) == len(texts) + 1  # (each text once per prefix length)
    expected = [_textwrap(o.full_text, 33, f"{o.row:>6}  {o.action.label:<12}  {o.bsn_masked:<9}  ") for o in outcomes]
    assert "\n".join(expected) in printed
