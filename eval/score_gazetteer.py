"""Score the gazetteer against the shared evaluation data.

    python eval/score_gazetteer.py [--shared ../shared]

1. variants.tsv: top-1 within each row's tolerance, no country hint.
2. UCDP GED Iraq 2014-2018, where_prec 1 rows: the place as UCDP spells it in
   where_coordinates ("Ramādī town", "Baghdād city"), looked up whole with country IQ as a
   user would ask it; acc@10km against UCDP's point. Beside it, in the same run, an
   exact-name baseline: case-insensitive equality of the name, its feature word ("town",
   "village", ...) stripped, with any gazetteer spelling, most notable place first.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

from conflictmap.gazetteer import Gazetteer, default_db_path
from conflictmap.gazetteer.distance import haversine_km

FEATURE_WORDS = re.compile(r"\s+(town|city|village|district|area|base|air base|province|governorate|camp)$", re.I)
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def variants(gaz: Gazetteer, path: Path) -> dict:
    hits = total = 0
    misses = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            query, lat, lon, tol = row[0], float(row[1]), float(row[2]), float(row[3])
            total += 1
            best = gaz.lookup(query)
            if best and haversine_km(lat, lon, best.lat, best.lon) <= tol:
                hits += 1
            else:
                misses.append(query)
    return {"rows": total, "top1_within_tol": hits / total, "misses": misses}


def ucdp_names(path: Path) -> list[tuple[str, float, float]]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["where_prec"] != "1":
                continue
            rows.append((row["where_coordinates"].strip(), float(row["latitude"]), float(row["longitude"])))
    return rows


class ExactNameBaseline:
    """Case-insensitive exact spelling against every gazetteer name; most notable first."""

    def __init__(self, db: Path, country: str):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.best = {}
        for name, lat, lon, imp in con.execute(
            "SELECT n.name, p.lat, p.lon, p.importance FROM names n JOIN places p ON p.id = n.place WHERE p.country = ?",
            (country,),
        ):
            key = name.casefold()
            if key not in self.best or imp > self.best[key][2]:
                self.best[key] = (lat, lon, imp)

    def lookup(self, name: str):
        return self.best.get(name.casefold())


def ucdp(gaz: Gazetteer, path: Path, tol_km: float = 10.0) -> dict:
    rows = ucdp_names(path)
    baseline = ExactNameBaseline(default_db_path() if gaz.path is None else gaz.path, "IQ")
    ours = base = 0
    misses = {}
    for name, lat, lon in rows:
        best = gaz.lookup(name, country="IQ")
        if best and haversine_km(lat, lon, best.lat, best.lon) <= tol_km:
            ours += 1
        else:
            misses[name] = misses.get(name, 0) + 1
        hit = baseline.lookup(FEATURE_WORDS.sub("", name))
        if hit and haversine_km(lat, lon, hit[0], hit[1]) <= tol_km:
            base += 1
    return {
        "rows": len(rows),
        "distinct_names": len({r[0] for r in rows}),
        f"acc@{tol_km:g}km": round(ours / len(rows), 4),
        f"baseline_exact_name_acc@{tol_km:g}km": round(base / len(rows), 4),
        "top_misses": sorted(misses.items(), key=lambda kv: -kv[1])[:15],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    gaz = Gazetteer()
    started = time.perf_counter()
    report = {
        "variants": variants(gaz, args.shared / "data" / "variants.tsv"),
        "ucdp_iraq_where_prec_1": ucdp(gaz, args.shared / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv"),
    }
    report["seconds"] = round(time.perf_counter() - started, 2)
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
