"""Score `conflictmap run` on the five seed articles against ../shared/seeds/gold.json.

    python eval/score_seeds.py [--shared ../shared] [--out DIR]

Runs the pipeline offline on the seeds (published dates as the articles state them, none
given on the command line), then prints:
- recall: share of gold's required places with an event of that article within tolerance;
- precision: share of events lying within tolerance of a place gold lists for their article;
- reference events: gold's ten events matched when an event of the article, within the
  place's tolerance, has actor1 containing one of actor1_has and the sub_event_type,
  fatalities and date gold gives (each checked only where gold states it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from conflictmap.gazetteer.distance import haversine_km

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def within(event: dict, place: dict) -> bool:
    return haversine_km(event["latitude"], event["longitude"], place["lat"], place["lon"]) <= place["tol_km"]


def of_article(events: list[dict], name: str) -> list[dict]:
    return [e for e in events if name in (e["doc_id"] or "").split("; ")]


def reference_match(event: dict, ref: dict) -> bool:
    actor = (event.get("actor1") or "").lower()
    if not any(a in actor for a in ref.get("actor1_has", [])):
        return False
    if "sub_event_type" in ref and event.get("sub_event_type") != ref["sub_event_type"]:
        return False
    if "fatalities" in ref and event.get("fatalities") != ref["fatalities"]:
        return False
    if "date" in ref and event.get("event_date") != ref["date"]:
        return False
    return True


def score(events: list[dict], gold: dict) -> dict:
    required = found = 0
    in_tol = total = 0
    refs = refs_ok = 0
    missed_places, stray_events, missed_refs = [], [], []
    for name, article in gold["articles"].items():
        mine = of_article(events, name)
        for place in article["places"]:
            if place.get("required"):
                required += 1
                if any(within(e, place) for e in mine):
                    found += 1
                else:
                    missed_places.append(f"{name}: {place['name']}")
        for e in mine:
            total += 1
            if any(within(e, p) for p in article["places"]):
                in_tol += 1
            else:
                stray_events.append(f"{name}: {e['location']} ({e['sub_event_type']})")
        places = {p["name"]: p for p in article["places"]}
        for ref in article.get("events", []):
            refs += 1
            near = [e for e in mine if within(e, places[ref["place"]])]
            if any(reference_match(e, ref) for e in near):
                refs_ok += 1
            else:
                missed_refs.append({"article": name, "ref": ref,
                                    "got": [{k: e[k] for k in ("location", "actor1", "sub_event_type", "fatalities", "event_date")} for e in near]})
    return {
        "recall_required_places": round(found / required, 4),
        "required_places": required,
        "precision_events_in_tolerance": round(in_tol / total, 4) if total else 0.0,
        "events": total,
        "reference_events_right": refs_ok,
        "reference_events": refs,
        "missed_places": missed_places,
        "stray_events": stray_events,
        "missed_reference_events": missed_refs,
    }


def run_seeds(shared: Path):
    from conflictmap.geo.ingest import read_documents
    from conflictmap.geo.pipeline import process_documents

    seeds = sorted((shared / "seeds").glob("*.txt"))
    return process_documents(read_documents(seeds))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    gold = json.loads((args.shared / "seeds" / "gold.json").read_text(encoding="utf-8"))
    result = run_seeds(args.shared)
    json.dump(score(result.events, gold), sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
