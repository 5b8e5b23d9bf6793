"""Place resolution on UCDP GED Iraq headlines (2014-2018).

    python eval/score_ucdp_headlines.py [--shared ../shared]

Every source_headline runs through the pipeline as a one-row document (id, text,
published = date_end). For rows coded where_prec 1-2 (the exact place, or within 25 km),
the share with a resolved mention within 25 km of UCDP's point. Beside it, in the same run,
a baseline: every capitalised word and word pair of the headline looked up by exact,
case-insensitive spelling among the gazetteer's Iraqi names, most notable place first.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from conflictmap.gazetteer import default_db_path
from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TOL_KM = 25.0


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["where_prec"] in ("1", "2") and r["source_headline"].strip()]


def baseline_points(db: Path) -> dict[str, tuple[float, float]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    best: dict[str, tuple[float, float, float]] = {}
    for name, lat, lon, imp in con.execute(
            "SELECT n.name, p.lat, p.lon, p.importance FROM names n JOIN places p ON p.id = n.place WHERE p.country = 'IQ'"):
        key = name.casefold()
        if key not in best or imp > best[key][2]:
            best[key] = (lat, lon, imp)
    return {k: (v[0], v[1]) for k, v in best.items()}


def baseline_hit(headline: str, points: dict, lat: float, lon: float) -> bool:
    words = re.findall(r"[A-Z][\w'-]+", headline)
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    return any(g.casefold() in points and haversine_km(lat, lon, *points[g.casefold()]) <= TOL_KM for g in grams)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    rows = read_rows(args.shared / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv")
    docs = [Document(doc_id=r["id"], text=r["source_headline"], published=date.fromisoformat(r["date_end"][:10]))
            for r in rows]
    started = time.perf_counter()
    result = process_documents(docs)
    elapsed = time.perf_counter() - started
    by_doc: dict[str, list[tuple[float, float]]] = {}
    for m in result.mentions:
        if m["latitude"] is not None:
            by_doc.setdefault(m["doc_id"], []).append((m["latitude"], m["longitude"]))
    points = baseline_points(default_db_path())
    ours = base = 0
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        if any(haversine_km(lat, lon, a, b) <= TOL_KM for a, b in by_doc.get(r["id"], [])):
            ours += 1
        if baseline_hit(r["source_headline"], points, lat, lon):
            base += 1
    report = {
        "rows_where_prec_1_2": len(rows),
        f"share_with_mention_within_{TOL_KM:g}km": round(ours / len(rows), 4),
        f"baseline_exact_capitalised_words_within_{TOL_KM:g}km": round(base / len(rows), 4),
        "rows_with_any_resolved_mention": sum(1 for r in rows if by_doc.get(r["id"])),
        "pipeline_seconds": round(elapsed, 1),
    }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
