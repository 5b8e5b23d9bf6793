"""Gazetteer speed: one cold CLI lookup, and batch lookups per second on one core.

    python bench/bench_gazetteer.py [--names 5000]

Every figure is printed beside a baseline measured in the same process, so the ratio is
what to compare across machines:
- cold CLI: `conflictmap gazetteer lookup Hajin` wall time vs `python -c pass`;
- batch: Gazetteer.candidates on N distinct names (a fresh instance, so no cached answer)
  vs a Python dict of exact spellings (the floor any lookup pays).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from conflictmap.gazetteer import Gazetteer, default_db_path


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sample_names(n: int, seed: int = 7, typo_every: int = 0) -> list[str]:
    """n distinct theatre spellings; every typo_every-th loses a letter, as reporters misspell."""
    con = sqlite3.connect(f"file:{default_db_path()}?mode=ro", uri=True)
    names = [r[0] for r in con.execute(
        "SELECT DISTINCT n.name FROM names n JOIN places p ON p.id = n.place WHERE p.country IN ('SY','IQ')")]
    rng = random.Random(seed)
    picked = rng.sample(names, min(n, len(names)))
    out = []
    for i, name in enumerate(picked):
        if typo_every and i % typo_every == 0 and len(name) > 4:
            j = rng.randrange(1, len(name) - 1)
            name = name[:j] + name[j + 1:]  # drop a letter
        out.append(name)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    # The console script of this interpreter's environment (a venv need not be on PATH).
    beside = Path(sys.executable).with_name("conflictmap")
    exe = str(beside) if beside.exists() else shutil.which("conflictmap")
    if exe is None:
        sys.exit("conflictmap is not installed (pip install -e .)")
    python_start = wall([sys.executable, "-c", "pass"], args.repeat)
    cold = wall([exe, "gazetteer", "lookup", "Hajin"], args.repeat)
    print(f"cold CLI lookup: {cold:.3f} s wall (python -c pass: {python_start:.3f} s, ratio {cold / python_start:.1f}x)")

    for label, typo_every in (("spellings as in the sources", 0), ("one in three with a letter dropped", 3)):
        names = sample_names(args.names, typo_every=typo_every)
        exact = {n: i for i, n in enumerate(names)}
        started = time.perf_counter()
        for _ in range(20):
            for n in names:
                exact.get(n)
        dict_rate = 20 * len(names) / (time.perf_counter() - started)

        gaz = Gazetteer()  # fresh: nothing cached from the previous workload (fuzzy blocks are read as met)
        started = time.perf_counter()
        found = sum(1 for n in names if gaz.candidates(n, limit=1))
        rate = len(names) / (time.perf_counter() - started)
        print(f"batch lookup, {label}: {rate:,.0f} names/s on one core ({len(names)} distinct names, {found} resolved; "
              f"dict of exact spellings: {dict_rate:,.0f}/s, ratio 1/{dict_rate / rate:,.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
