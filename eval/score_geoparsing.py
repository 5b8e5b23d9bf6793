"""World news geoparsing: LGL and GeoVirus (../shared/data/dev/geoparsing), gold toponyms with offsets.

    python eval/score_geoparsing.py [--shared ../shared] [--corpus lgl GeoVirus] [--limit N]

Per corpus:

- gold span: ``Gazetteer.lookup(phrase)`` for each gold toponym alone: Acc@161 km, median
  error, AUC of the log error curve (Gritta et al. 2018: the area under ln(1 + error) scaled
  by ln(20039), the largest error on Earth; lower is better), and how many find nothing;
- end to end: each article through the pipeline (``process_documents``, offline): toponym
  precision, recall and F1 by character-offset overlap, and the share of gold toponyms found
  and placed within 161 km.

Nothing here is tuned on these corpora; they measure how the theatre's tool does on world news.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KM = 161.0
EARTH_MAX_KM = 20039.0


def read_corpus(path: Path) -> list[tuple[str, list[tuple[int, int, str, float, float]]]]:
    """(text, [(start, end, phrase, lat, lon)]) per article; toponyms without coordinates are left out."""
    articles = []
    for article in ET.parse(path).getroot():
        text = article.findtext("text") or ""
        gold = []
        for t in article.iter():
            if t.tag not in ("toponym", "location"):
                continue
            lat = t.findtext("gaztag/lat") or t.findtext("lat")
            lon = t.findtext("gaztag/lon") or t.findtext("lon")
            if lat and lon:
                gold.append((int(t.findtext("start")), int(t.findtext("end")),
                             t.findtext("phrase") or t.findtext("name") or "", float(lat), float(lon)))
        articles.append((text, gold))
    return articles


def gold_span(gaz: Gazetteer, articles) -> dict:
    errors, nothing = [], 0
    for _, gold in articles:
        for _, _, phrase, lat, lon in gold:
            found = gaz.lookup(phrase)
            if found is None:
                nothing += 1
                errors.append(EARTH_MAX_KM)
            else:
                errors.append(haversine_km(found.lat, found.lon, lat, lon))
    auc = statistics.mean(math.log1p(e) / math.log(EARTH_MAX_KM) for e in errors)
    return {"toponyms": len(errors), "acc@161": round(sum(e <= KM for e in errors) / len(errors), 4),
            "median_km": round(statistics.median(errors)), "auc": round(auc, 4), "found_nothing": nothing}


def end_to_end(articles) -> dict:
    docs = [Document(doc_id=f"a{i}", text=text, published=date(2010, 1, 1)) for i, (text, _) in enumerate(articles)]
    with process_documents(docs) as result:
        mentions = result.mentions
    by_doc: dict[str, list[dict]] = {}
    for m in mentions:
        by_doc.setdefault(m["doc_id"], []).append(m)
    gold_n = found_n = matched_gold = placed = matched_found = 0
    for i, (_, gold) in enumerate(articles):
        found = by_doc.get(f"a{i}", [])
        gold_n += len(gold)
        found_n += len(found)
        overlaps = lambda m, g: m["start_char"] < g[1] and g[0] < m["end_char"]  # noqa: E731
        matched_found += sum(any(overlaps(m, g) for g in gold) for m in found)
        for g in gold:
            hits = [m for m in found if overlaps(m, g)]
            matched_gold += bool(hits)
            placed += any(m["latitude"] is not None and haversine_km(m["latitude"], m["longitude"], g[3], g[4]) <= KM
                          for m in hits)
    precision = matched_found / found_n if found_n else 0.0
    recall = matched_gold / gold_n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "placed@161": round(placed / gold_n, 4)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--corpus", nargs="+", default=["lgl", "GeoVirus"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each corpus")
    args = parser.parse_args(argv)
    gaz = Gazetteer()
    for name in args.corpus:
        articles = read_corpus(args.shared / "data" / "dev" / "geoparsing" / f"{name}.xml")[:args.limit]
        print(f"{name}: {len(articles)} articles")
        print("  gold span:", gold_span(gaz, articles))
        print("  end to end:", end_to_end(articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
