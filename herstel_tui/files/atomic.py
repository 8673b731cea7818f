"""Owner-only, all-or-nothing file writes: the one way the package puts a file on disk.

Every file we write holds personal data (letters, exports, backups, plans), so:

- it is owner-only (0600) from its first byte, and folders we create are 0700 whatever the umask;
- it is written to a temporary file in the target folder, flushed to disk, and only then moved
  into place, so a reader never sees half a file and a killed process leaves no half file;
- ``overwrite=False`` never replaces an existing file, without a check-then-write race: the
  finished file is hard-linked into place (the link fails when the name exists); where the file
  system has no hard links the name is claimed with an exclusive create first.

    with atomic_path(target, overwrite=False) as tmp:
        workbook.save(tmp)            # anything that writes a path
    write_bytes(target, data)         # or bytes / text directly
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


class TargetExists(FileExistsError):
    """``overwrite=False`` and the name is taken; str() is Dutch."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} bestaat al; er is niets overschreven")
        self.path = path


def private_dir(folder: Path) -> Path:
    """Create ``folder`` (and missing parents) owner-only (0700, not the umask's idea); return it."""
    folder = Path(folder).expanduser()
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)  # mkdir's mode is masked by the umask
    return folder


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move the finished file ``tmp`` to ``target`` (same folder): replacing it when ``overwrite``,
    else only when the name is free (``TargetExists`` if not, ``tmp`` left as it was)."""
    _place(tmp, target, overwrite)
    _fsync_dir(target.parent)


def _place(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise TargetExists(target) from None
    except OSError:
        # No hard links on this file system (some network shares): claim the name exclusively.
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
        except FileExistsError:
            raise TargetExists(target) from None
        os.replace(tmp, target)
        return
    tmp.unlink()


@contextmanager
def temporary(folder: Path, *, prefix: str = ".herstel-", suffix: str = ".tmp") -> Iterator[Path]:
    """A private (0600) temporary file in ``folder`` (made owner-only if missing); whatever is still
    there when the block ends is removed. For writers that choose the final name afterwards."""
    folder = private_dir(folder)
    import tempfile  # here: the quick paths import this module

    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def fsync(path: Path) -> None:
    """Flush a finished file to disk before it is placed."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextmanager
def atomic_path(target: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a private temporary path beside ``target``; on a clean exit it becomes ``target``."""
    target = Path(target).expanduser()
    private_dir(target.parent)
    if not overwrite and os.path.lexists(target):
        raise TargetExists(target)
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)  # mkstemp creates it 0600
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)  # a writer may have recreated the file under its own mode
        fsync(tmp)
        place(tmp, target, overwrite=overwrite)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(target: Path, data: bytes, *, overwrite: bool = True) -> Path:
    target = Path(target).expanduser()
    with atomic_path(target, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: Path, text: str, *, overwrite: bool = True, encoding: str = "utf-8") -> Path:
    return write_bytes(target, text.encode(encoding), overwrite=overwrite)
