"""Shared test data: the pinned day and BSNs from the test range (start with 9999, pass the 11-check)."""

from __future__ import annotations

from datetime import date

from stdnum.nl import bsn as _bsn

TODAY = date(2026, 6, 1)  # a Monday: the day tests that pin the clock mean (fixture ``pinned_today``)

BSN_A = "999900006"
BSN_B = "999900018"
TEST_BSNS = [f"9999{n:05d}" for n in range(100_000) if _bsn.is_valid(f"9999{n:05d}")]
