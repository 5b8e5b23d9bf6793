"""One event reported by many articles (or twice in one) becomes one row with every source."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from conflictmap.gazetteer.distance import haversine_km

MERGE_KM = 5.0
MERGE_DAYS = 1
_CELL = 0.1  # degrees; MERGE_KM is well inside one cell's neighbourhood at these latitudes
_JOINED = ("source", "source_url", "doc_id")


def _same_event(a: dict, b: dict) -> bool:
    if haversine_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) > MERGE_KM:
        return False
    if a["event_date"] and b["event_date"]:
        gap = abs((date.fromisoformat(a["event_date"]) - date.fromisoformat(b["event_date"])).days)
        return gap <= MERGE_DAYS
    return a["event_date"] == b["event_date"]  # both unknown


def _absorb(kept: dict, dup: dict) -> None:
    for col in ("fatalities", "civilian_fatalities", "injuries", "confidence"):
        kept[col] = max(kept[col] or 0, dup[col] or 0)
    for col in _JOINED:
        values = [v for v in (kept[col] or "").split("; ") + (dup[col] or "").split("; ") if v]
        kept[col] = "; ".join(dict.fromkeys(values)) or None
    kept["geo_precision"] = min(kept["geo_precision"], dup["geo_precision"])
    for col in ("actor2", "assoc_actor_1", "event_date", "time_precision"):
        if kept[col] is None:
            kept[col] = dup[col]


def merge_duplicates(events: list[dict]) -> list[dict]:
    """Merge events of the same type and actor1 within MERGE_KM and MERGE_DAYS, first one kept.

    Counts take the largest report (ACLED's practice when sources disagree on one event);
    source, source_url and doc_id list every article, joined with "; ".
    """
    grid: dict[tuple, list[dict]] = defaultdict(list)
    kept: list[dict] = []
    for event in events:
        kind = (event["event_type"], event["sub_event_type"], event["actor1"])
        cx, cy = int(event["longitude"] // _CELL), int(event["latitude"] // _CELL)
        nearby = (o for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in grid.get((kind, cx + dx, cy + dy), ()))
        match = next((o for o in nearby if _same_event(o, event)), None)
        if match is not None:
            _absorb(match, event)
            continue
        event = dict(event)
        grid[(kind, cx, cy)].append(event)
        kept.append(event)
    return kept
