"""Fixtures for the portal tests: small registers, portal files built with openpyxl, DB dumps.

Only BSNs of the test range (starting with 9999) are used, except where a test needs a BSN with
a leading zero: the test range has none, so ``ZERO_BSN`` is computed (see there).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from stdnum.nl import bsn as stdnum_bsn

from herstel_tui.domain.models import Person
from herstel_tui.services.portal import import_list
from herstel_tui.settings.config import Config
from herstel_tui.store import Store
from tests.support.data import TEST_BSNS

PORTAL_ID = "GPB12AB"
TODAY = date.today()


def _zero_bsn() -> str:
    # Every number of the test range 9999xxxxx has nine significant digits, so none can lose a
    # leading zero. A synthetic number that passes the 11-check and starts with 0 is computed here
    # (never stored outside a temporary test database).
    for n in range(12_345_600, 12_346_000):
        if stdnum_bsn.is_valid(f"{n:09d}"):
            return f"{n:09d}"
    raise AssertionError("no synthetic BSN found")


ZERO_BSN = _zero_bsn()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def write_xlsx(
    path: Path,
    rows: list[list],
    *,
    title: str = "Blad1",
    extra_sheets: list[tuple[str, list[list]]] = (),
    first: list[tuple[str, list[list]]] = (),
    merges: list[str] = (),
) -> Path:
    """An .xlsx with ``rows`` on sheet ``title``; sheets in ``first`` come before it."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, data in first:
        ws = wb.create_sheet(name)
        for r in data:
            ws.append(r)
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for name, data in extra_sheets:
        extra = wb.create_sheet(name)
        for r in data:
            extra.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def dump(store: Store) -> str:
    """Everything in the database, to compare before and after."""
    return "\n".join(store.conn.iterdump())


def portal_reads(path: Path, *, portal_id: str | None = None, date: str | None = None) -> tuple[list[str], int]:
    """What the portal makes of a vraagbestand: (problems, BSN count); see portal_rules."""
    from tests.support.portal_rules import check_vraagbestand

    return check_vraagbestand(path, portal_id, date)


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(portaal_id=PORTAL_ID, exportmap=tmp_path / "export", medewerker="t.tester")


class Family:
    """A register: parents with households, children (role kind) and cases."""

    def __init__(self, store: Store):
        self.store = store
        self.bsns = iter(TEST_BSNS)

    def person(self, first: str, last: str, bsn: str | None = "next", **kw) -> Person:
        if bsn == "next":
            bsn = next(self.bsns)
        return self.store.persons.add(Person(bsn=bsn, given_names=first, surname=last, **kw))

    def household(
        self, parent_first: str, last: str, kids: list[str], *, parent_case: bool = True, kid_case: str | None = None
    ) -> tuple[Person, list[Person]]:
        parent = self.person(parent_first, last)
        children = [self.person(k, last, birth_date=date(2010, 1, 1)) for k in kids]
        self.store.persons.create_household([(parent.id, "aanvrager"), *[(c.id, "kind") for c in children]])
        if parent_case:
            self.store.cases.open(parent.id, "brede_ondersteuning", opened=days_ago(100))
        for c in children:
            if c.given_names == kid_case:
                self.store.cases.open(c.id, "brede_ondersteuning", opened=days_ago(50))
        return parent, children


@pytest.fixture
def family(store) -> Family:
    return Family(store)


@pytest.fixture
def cli(tmp_path, db_path):
    """Run ``herstel --db … --config … ARGS`` through CliRunner; returns (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from herstel_tui.cli.main import main
    from herstel_tui.cli.portal import portaal

    if "portaal" not in main.commands:
        main.add_command(portaal)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'portaal_id = "{PORTAL_ID}"\nexportmap = "{tmp_path / "export"}"\nmedewerker = "t.tester"\n', encoding="utf-8"
    )

    def run(*args: str, db: Path | None = None, config: Path | None = cfg):
        runner = CliRunner()
        base = ["--db", str(db or db_path)]
        if config is not None:
            base += ["--config", str(config)]
        r = runner.invoke(main, [*base, *args], catch_exceptions=False)
        return r.exit_code, r.stdout, r.stderr

    run.config_path = cfg
    return run


@contextmanager
def failing_event(n: int, error: BaseException) -> Iterator[dict[str, int]]:
    """Inside the block, the ``n``-th timeline event an import writes raises ``error``, on either of
    its paths (the repository's ``record_event`` or the import batch's own); yields the counter."""
    from herstel_tui.store.cases import CaseRepository
    from herstel_tui.store.import_batch import ImportBatch

    calls = {"n": 0}
    with pytest.MonkeyPatch.context() as mp:
        for cls in (CaseRepository, ImportBatch):
            real = cls.record_event

            def flaky(self, *a, _real=real, **kw):
                calls["n"] += 1
                if calls["n"] == n:
                    raise error
                return _real(self, *a, **kw)

            mp.setattr(cls, "record_event", flaky)
        yield calls


def traced_import(store: Store, config, path, *, progress: bool = False):
    """The report of importing the aanmeldingen list at ``path``, and the statements it sent (with
    ``progress``: and "-- progress" where it reported its progress)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    told = (lambda done, total: statements.append("-- progress")) if progress else None
    try:
        report = import_list(store, config, "aanmeldingen", path, dry_run=False, today=TODAY, progress=told)
    finally:
        store.conn.set_trace_callback(None)
    return report, statements
