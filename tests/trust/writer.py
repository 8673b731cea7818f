"""A writer process for the crash and concurrency tests (run as a script)."""

import sys
import time
from pathlib import Path

from herstel_tui.settings.resources import open_store
from herstel_tui.store import ConflictError


def notes(db: str, case_id: int, count: int, tag: str) -> None:
    with open_store(db, tag) as s:
        for i in range(count):
            s.cases.add_note(case_id, f"{tag} {i}")
            print(i, flush=True)  # printed only after the commit returned: a confirmed save


def assign(db: str, case_id: int, name: str, go: str) -> None:
    with open_store(db, name) as s:
        version = s.cases.get(case_id).version  # both read the same version ...
        print("read", flush=True)
        while not Path(go).exists():  # ... then save at the same moment
            time.sleep(0.005)
        try:
            s.cases.assign(case_id, name, expected_version=version)
            print("saved", flush=True)
        except ConflictError as exc:
            print("conflict", exc, flush=True)


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "notes":
        notes(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        assign(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
