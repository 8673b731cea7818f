"""Hostile files against the portal reader: peak memory (RSS) and seconds, measured with
``/usr/bin/time -v`` on ``herstel portaal lijst aanmeldingen FILE --droog`` in a child process.

    python bench/bench_hostile.py [--only NAME] [--keep DIR]

The files (generated here, in a temporary folder; nothing big is stored in the repository):

- ``zipbom.xlsx``: under 1 MB on disk holding ~380 MB of sheet XML (2.9 million identical rows);
- ``rijen.xlsx``: a sheet with 1,048,576 data rows (Excel's maximum);
- ``scheiding.csv``: 100 MB of ``;`` (one line, no newline);
- ``veld.csv``: a header and one 100 MB field;
- ``grootste.xlsx``: not hostile, the largest list the default limits accept (99,990 rows), read
  whole and planned (dry run): what a legitimate file may cost.

Each file runs twice: with the default ``[grenzen]`` (refused from the file size or the zip's
declared size, before parsing) and with the size limits raised far out of the way
(``bestand_mb = 10000``, ``uitgepakt_mb = 100000``), so that the streaming limits (rows, characters
per line and per cell) have to hold memory alone. The floor is the same child doing nothing but
``herstel waar`` (Python, click, pydantic loaded). Issue 15 asks peak RSS <= 400 MB for every input.
The figures are noisy on a shared machine; run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
LIMIT_MB = 400

from tests.support.hostile import write_bytes_repeated, write_xlsx  # noqa: E402


def make_files(folder: Path, only: str | None) -> dict[str, Path]:
    files = {}

    def want(name: str) -> bool:
        return only is None or only == name

    if want("zipbom"):
        p = folder / "zipbom.xlsx"
        write_xlsx(p, 2_900_000, level=9, same=True)
        files["zipbom"] = p
    if want("rijen"):
        p = folder / "rijen.xlsx"
        write_xlsx(p, 1_048_576, wide=True, level=6)
        files["rijen"] = p
    if want("grootste"):
        p = folder / "grootste.xlsx"
        write_xlsx(p, 99_990)
        files["grootste"] = p
    if want("scheiding"):
        p = folder / "scheiding.csv"
        files["scheiding"] = write_bytes_repeated(p, b"", b";", 100 << 20)
    if want("veld"):
        p = folder / "veld.csv"
        files["veld"] = write_bytes_repeated(p, b"BSN;Voornamen;Achternaam\n999900006;Anna;", b"x", 100 << 20, b"\n")
    return files


def unpacked_mb(path: Path) -> float:
    if path.suffix != ".xlsx":
        return path.stat().st_size / 2**20
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist()) / 2**20


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(peak RSS in MB, wall seconds, exit code, last line of stderr) of ``python -m herstel_tui args``."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "herstel_tui", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    rss = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", r.stderr)
    secs = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    said = [line for line in r.stderr.splitlines() if line.startswith("Fout") or "grens" in line]
    code = r.returncode
    first = next((line for line in r.stdout.splitlines() if line.strip()), "")
    return rss, secs, code, (said[0] if said else first)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["zipbom", "rijen", "scheiding", "veld", "grootste"])
    ap.add_argument("--keep", type=Path, help="Generate the files in this folder and keep them.")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = Path(tmp) / "bench.db"
        default_cfg = Path(tmp) / "standaard.toml"
        default_cfg.write_text('gemeente = "Bench"\n', encoding="utf-8")
        raised_cfg = Path(tmp) / "ruim.toml"
        raised_cfg.write_text('gemeente = "Bench"\n[grenzen]\nbestand_mb = 10000\nuitgepakt_mb = 100000\n')
        env = {**os.environ, "HERSTEL_DB": str(db), "NO_COLOR": "1"}
        env.pop("HERSTEL_CONFIG", None)
        subprocess.run(
            [sys.executable, "-m", "herstel_tui", "--config", str(default_cfg), "demo", "--cases", "20"],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        floor = measure(["--config", str(default_cfg), "waar"], env)
        print(f"floor (herstel waar): {floor[0]:.0f} MB, {floor[1]:.2f} s")
        files = make_files(folder, opts.only)
        worst = 0.0
        print(
            f"{'file':<11}{'on disk':>9}{'unpacked':>10}  {'limits':<9}{'peak RSS':>9}{'x floor':>8}{'s':>7}  exit  message"
        )
        for name, path in files.items():
            for label, cfg in (("standaard", default_cfg), ("ruim", raised_cfg)):
                rss, secs, code, said = measure(
                    ["--config", str(cfg), "portaal", "lijst", "aanmeldingen", str(path), "--droog"], env
                )
                worst = max(worst, rss)
                print(
                    f"{name:<11}{path.stat().st_size / 2**20:>8.1f}M{unpacked_mb(path):>9.0f}M  {label:<9}"
                    f"{rss:>8.0f}M{rss / floor[0]:>8.1f}{secs:>7.1f}  {code:>4}  {said[:150]}"
                )
        verdict = "holds" if worst <= LIMIT_MB else "BROKEN"
        print(f"worst peak RSS {worst:.0f} MB; bound {LIMIT_MB} MB {verdict}")


if __name__ == "__main__":
    main()
