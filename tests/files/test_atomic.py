"""Owner-only, all-or-nothing writes (files/atomic.py)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from herstel_tui.files.atomic import TargetExists, atomic_path, private_dir, write_bytes, write_text


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_file_is_owner_only_and_folders_ignore_the_umask(tmp_path):
    old = os.umask(0)
    try:
        target = write_text(tmp_path / "a" / "b" / "brief.txt", "Geachte heer")
    finally:
        os.umask(old)
    assert target.read_text() == "Geachte heer"
    assert mode(target) == 0o600
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    assert private_dir(tmp_path / "a") == tmp_path / "a"  # an existing folder is left as it is


def test_failure_leaves_neither_file_nor_temporary(tmp_path):
    target = tmp_path / "x.xlsx"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_false_refuses_and_keeps_the_old_bytes(tmp_path):
    target = write_bytes(tmp_path / "backup.db", b"first")
    with pytest.raises(TargetExists, match="bestaat al; er is niets overschreven"):
        write_bytes(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.db"]


def test_two_writers_to_one_name_exactly_one_wins(tmp_path):
    target = tmp_path / "same.txt"
    results: list[str] = []
    barrier = threading.Barrier(2)

    def writer(text: str) -> None:
        with atomic_path(target, overwrite=False) as tmp:
            tmp.write_text(text)
            barrier.wait()
        results.append(text)

    def run(text: str) -> None:
        try:
            writer(text)
        except TargetExists:
            results.append("refused")

    threads = [threading.Thread(target=run, args=(t,)) for t in ("een", "twee")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("refused") == 1 and len(results) == 2
    assert target.read_text() in ("een", "twee")
    assert [p.name for p in tmp_path.iterdir()] == ["same.txt"]
