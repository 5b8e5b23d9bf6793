"""Candidate recall: is the right place among the candidates the gazetteer offers for a name?

    python eval/score_candidates.py [--shared ../shared] [--limit 20]

For each coded place name (ACLED dev rows with geo_precision 1: ``location``; UCDP Iraq rows
with where_prec 1: ``where_coordinates`` as written, "Bayjī town"),
the share of rows for which a candidate within 10 km of the coded point is among the first
``--limit`` candidates of ``Gazetteer.candidates(name)`` (no country given), counted over the
rows where the gazetteer holds some place within 10 km of the point at all (the others no
ranking can fix). Also: top-1 within 10 km, and the rows whose name finds nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score_acled  # noqa: E402

from conflictmap.gazetteer import Gazetteer  # noqa: E402
from conflictmap.gazetteer.distance import haversine_km  # noqa: E402

KM = 10.0


def names_and_points(shared: Path) -> dict[str, list[tuple[str, float, float]]]:
    acled = [(r["location"], r["lat"], r["lon"])
             for r in score_acled.read_rows(shared / "data" / "dev" / "acled_sy_iq_2018_dev.csv.gz")
             if r["geo_precision"] == "1"]
    with open(shared / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv", encoding="utf-8", newline="") as fh:
        ucdp = [(r["where_coordinates"].strip(), float(r["latitude"]), float(r["longitude"]))
                for r in csv.DictReader(fh) if r["where_prec"] == "1"]
    return {"ACLED dev (geo_precision 1)": acled, "UCDP Iraq (where_prec 1)": ucdp}


def any_place_near(gaz: Gazetteer, points: list[tuple[float, float]]) -> np.ndarray:
    """Whether the gazetteer holds some place within KM of each point."""
    with gaz._lock:
        coords = np.array(gaz._con.execute("SELECT lat, lon FROM places").fetchall())
    lat, lon = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    out = []
    for plat, plon in points:
        a, b = np.radians(plat), np.radians(plon)
        d = 2 * 6371.0 * np.arcsin(np.sqrt(np.sin((lat - a) / 2) ** 2 + np.cos(a) * np.cos(lat) * np.sin((lon - b) / 2) ** 2))
        out.append(bool((d <= KM).any()))
    return np.array(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=score_acled.DEFAULT_SHARED)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    gaz = Gazetteer()
    for label, rows in names_and_points(args.shared).items():
        reachable = any_place_near(gaz, [(lat, lon) for _, lat, lon in rows])
        in_top, top1, nothing = [], [], 0
        for (name, lat, lon), ok in zip(rows, reachable):
            found = gaz.candidates(name, limit=args.limit)
            nothing += not found
            if ok:
                near = [haversine_km(c.lat, c.lon, lat, lon) <= KM for c in found]
                in_top.append(any(near))
                top1.append(bool(near) and near[0])
        print(f"{label}: {len(rows):,} rows, {reachable.sum():,} with a gazetteer place within {KM:.0f} km; "
              f"right candidate in the top {args.limit}: {np.mean(in_top):.3f}, top 1: {np.mean(top1):.3f}; "
              f"names finding nothing: {nothing / len(rows):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
