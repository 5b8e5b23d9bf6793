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
    """``a``: the first report of a group (its own source and doc_id); ``b``: a new one."""
    if a.get("source") and a.get("source") == b.get("source") and a.get("doc_id") != b.get("doc_id"):
        # One outlet's two reports of one place and day are two events (a daily digest's
        # shelling of a town in the morning and again at night); the same outlet repeating
        # an event inside one report, or two outlets reporting one, are one.
        return False
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
    """Merge events of the same type and actor1 within MERGE_KM and MERGE_DAYS, first one kept,
    unless they are two reports of one source (:func:`_same_event`).

    Counts take the largest report (a later report's toll usually updates an early one; ACLED
    itself codes the most conservative of disagreeing sources);
    source, source_url and doc_id list every article, joined with "; ".
    """
    grid: dict[tuple, list[tuple[dict, dict]]] = defaultdict(list)  # (first report, merged row)
    kept: list[dict] = []
    for event in events:
        kind = (event["event_type"], event["sub_event_type"], event["actor1"])
        cx, cy = int(event["longitude"] // _CELL), int(event["latitude"] // _CELL)
        nearby = (o for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in grid.get((kind, cx + dx, cy + dy), ()))
        match = next((merged for first, merged in nearby if _same_event(first, event)), None)
        if match is not None:
            _absorb(match, event)
            continue
        merged = dict(event)
        grid[(kind, cx, cy)].append((event, merged))
        kept.append(merged)
    return kept
