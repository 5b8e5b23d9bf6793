"""Peak memory of `conflictmap run` as the corpus grows: it should stay flat.

    python bench/bench_memory.py [--sizes 1000 10000 [100000]] [--map]

Each size is a fresh `conflictmap run --offline --no-map` over one generated JSONL file of
short articles (one or two sentences: a strike, shelling or a clash at one of a few dozen
towns of Syria and Iraq, dated over five years, so some reports merge and most do not). The
peak resident memory is the child's own (os.wait4), the ratio is against the first size, and
docs/s counts the whole run, start-up included, and the pipeline alone (report.json timings).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PLACES = [
    "Hajin", "Mayadin", "Raqqa", "Tabqa", "Manbij", "Kobani", "Deir ez-Zor", "Abu Kamal", "Mosul",
    "Tal Afar", "Ramadi", "Fallujah", "Tikrit", "Baiji", "Sinjar", "Idlib", "Aleppo", "Homs",
    "Palmyra", "Al-Qaim", "Haditha", "Kirkuk", "Hit", "Jarablus", "al-Bab", "Sufuhan", "Shaddadi",
]
ACTORS = ["Coalition warplanes", "Regime helicopters", "Russian jets", "Iraqi troops", "Turkish artillery",
          "Islamic State fighters", "Kurdish forces"]
ACTIONS = ["struck positions near {p}", "shelled the town of {p}", "bombed a market in {p}",
           "clashed with militants outside {p}", "hit a checkpoint on the road to {p}"]
TAILS = ["killing {n} people", "killing {n} fighters", "wounding {n} civilians", "local activists said"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "late on Saturday", "on Sunday"]


def write_corpus(path: Path, n: int, seed: int = 7) -> None:
    """n made-up one- or two-sentence articles, one JSON object a line."""
    rng = random.Random(seed)
    start = date(2014, 6, 1)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            place = rng.choice(PLACES)
            text = (f"{rng.choice(ACTORS)} {rng.choice(ACTIONS).format(p=place)} {rng.choice(DAYS)}, "
                    f"{rng.choice(TAILS).format(n=rng.randint(2, 40))}.")
            if rng.random() < 0.4:
                text += f" Residents of {rng.choice(PLACES)} reported heavy smoke."
            published = start + timedelta(days=rng.randrange(1800))
            fh.write(json.dumps({"id": f"g{i}", "text": text, "published": published.isoformat(),
                                 "source": f"outlet{i % 13}"}) + "\n")


def measure(corpus: Path, out: Path, with_map: bool) -> tuple[float, float, dict]:
    """(peak RSS in MB, wall seconds, report.json) of one run in a fresh process."""
    cmd = [sys.executable, "-m", "conflictmap", "run", str(corpus), "--out", str(out), "--offline"]
    if not with_map:
        cmd.append("--no-map")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not every child's
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return usage.ru_maxrss / 1024, wall, report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000],
                        help="documents per run; the first is the baseline of the ratio")
    parser.add_argument("--map", action="store_true", help="also draw map.html (the map holds every event)")
    args = parser.parse_args(argv)
    base = None
    print("docs\tpeak RSS MB\tratio\tdocs/s (run)\tdocs/s (pipeline)\tevents\tmentions")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for n in args.sizes:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            write_corpus(corpus, n)
            peak, wall, report = measure(corpus, Path(tmp) / f"out-{n}", args.map)
            base = base or peak
            extract = report["timings_s"].get("extract") or float("nan")
            print(f"{n}\t{peak:,.0f}\t{peak / base:.2f}\t{n / wall:,.0f}\t{n / extract:,.0f}\t"
                  f"{report['events']}\t{report['mentions']}", flush=True)
            corpus.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
