"""Events and places on ACLED's own notes (Syria and Iraq, 2018, the dev split).

    python eval/score_acled.py [--shared ../shared] [--limit N] [--json FILE] [--cross-validate]
                               [--errors FILE.tsv]

Each distinct note is one document, published on the row's ``event_date_iso``. Figures:

- location recall: for rows coded geo_precision 1, the share whose note yields an event
  within 10 km of the coded point;
- event precision: the share of emitted events within 25 km of some row coded for their
  note (a merged event counts once for each of its notes);
- on matched pairs (a coded row and its note's nearest event within 25 km): event type
  against ``derived_event_type_2019`` where ACLED set it, fatalities exactly equal, and the
  actor1 family (state forces of one country, Islamic State, SDF/YPG, coalition, rebels,
  HTS, ...; :func:`actor_family`).

``--errors`` writes one line per precisely coded row that no event found, with why
(:func:`misses`): the place was found but gave no event, the name was found but placed
elsewhere or nowhere, the name is in the note but was not recognised, or the note does not
spell the coded name.

Every figure is also given per fold of a 5-fold split grouped by coded place name (no place
name is in two folds), mean and spread: a component tuned on four folds is scored on the
fifth, where every place is unseen. Nothing is tuned by this script; ``eval/`` trainers use
:func:`folds` to get the same split. The shipped ranker was fitted on these notes, so its
figures flatter it: ``--cross-validate`` resolves each fold's notes with a ranker fitted on
the other folds (of ACLED, UCDP and world news) and gives the figures for new reporting. The data stay in ../shared (ACLED terms): nothing is
copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RECALL_KM = 10.0
PRECISION_KM = 25.0
N_FOLDS = 5

# Families by words in the actor's name, ACLED's or ours; the first that matches wins.
_FAMILIES = (
    ("civilians", ("civilian",)),
    ("protesters", ("protester", "rioter")),
    ("unidentified", ("unidentified",)),
    ("islamic state", ("islamic state", "isis", "isil", "daesh")),
    ("hts", ("hts", "hayat tahrir", "nusra")),
    ("sdf", ("sdf", "qsd", "syrian democratic", "ypg", "kurdish")),
    ("coalition", ("coalition", "operation inherent resolve")),
    ("turkey", ("turkey", "turkish", "olive branch", "euphrates shield")),
    ("russia", ("russia",)),
    ("israel", ("israel",)),
    ("iraq", ("iraq", "peshmerga", "popular mobilization")),
    ("hezbollah", ("hezbollah", "hizbollah")),
    ("syria", ("military forces of syria", "syrian government", "regime", "national defense forces",
               "pro-government", "tiger")),
    ("rebels", ("rebel", "free syrian army", "jaysh", "ahrar", "zinki", "corps", "legion", "brigade",
                "islamist militia", "army of")),
)


def actor_families(name: str | None) -> set[str]:
    """Every family an actor name belongs to ("Allied Syrian and/or Russian Forces": two).

    >>> sorted(actor_families("Allied Syrian and/or Russian Forces"))
    ['russia', 'syria']
    """
    text = (name or "").casefold().replace("syrian and/or", "syrian government and/or")
    return {family for family, words in _FAMILIES if any(word in text for word in words)}


def actor_family(name: str | None) -> str | None:
    """The family of an actor name, ACLED's or conflictmap's (the first that fits), or None.

    >>> actor_family("Military Forces of Syria (2000-) Syrian Arab Air Force"), actor_family("Syrian government forces")
    ('syria', 'syria')
    >>> actor_family("QSD: Syrian Democratic Forces"), actor_family("YPG / Kurdish militias")
    ('sdf', 'sdf')
    """
    if not name:
        return None
    text = name.casefold()
    for family, words in _FAMILIES:
        if any(word in text for word in words):
            return family
    return None


def read_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["lat"], row["lon"] = float(row["latitude"]), float(row["longitude"])
        row["doc_id"] = "n" + hashlib.sha1(row["notes"].encode()).hexdigest()[:12]
    return rows


def folds(rows: list[dict], n: int = N_FOLDS) -> dict[str, int]:
    """Fold number of each row's place name (stable: a hash of the name), grouped so that a
    place name never appears in two folds."""
    return {r["location"]: int(hashlib.sha1(r["location"].casefold().encode()).hexdigest(), 16) % n for r in rows}


def note_folds(rows: list[dict]) -> dict[str, int]:
    """The fold of each note (doc_id): its first row's place name's."""
    fold_of = folds(rows)
    out: dict[str, int] = {}
    for row in rows:
        out.setdefault(row["doc_id"], fold_of[row["location"]])
    return out


def documents(rows: list[dict]) -> list[Document]:
    seen: dict[str, Document] = {}
    for row in rows:
        if row["doc_id"] not in seen:
            seen[row["doc_id"]] = Document(doc_id=row["doc_id"], text=row["notes"],
                                           published=date.fromisoformat(row["event_date_iso"]), source="ACLED")
    return list(seen.values())


def score(rows: list[dict], events: list[dict]) -> dict:
    """The figures for ``rows`` given every emitted event (events name their notes in doc_id)."""
    by_doc = _events_by_note(events)
    docs = {r["doc_id"] for r in rows}
    coded: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        coded[row["doc_id"]].append(row)

    precise = [r for r in rows if r["geo_precision"] == "1"]
    recall_hits = sum(any(_km(r, e) <= RECALL_KM for e in by_doc[r["doc_id"]]) for r in precise)
    emitted = [(d, e) for d in docs for e in by_doc[d]]
    precise_events = sum(any(_km(r, e) <= PRECISION_KM for r in coded[d]) for d, e in emitted)

    types, fatalities, actors = [], [], []
    for row in rows:
        near = [e for e in by_doc[row["doc_id"]] if _km(row, e) <= PRECISION_KM]
        if not near:
            continue
        event = min(near, key=lambda e: _km(row, e))
        if row["derived_event_type_2019"]:
            types.append(event.get("event_type") == row["derived_event_type_2019"])
        fatalities.append(int(event.get("fatalities") or 0) == int(row["fatalities"] or 0))
        gold = actor_families(row["actor1"])
        if gold:
            actors.append(actor_family(event.get("actor1")) in gold)
    return {
        "rows": len(rows), "notes": len(docs), "events": len(emitted),
        "location_recall": _share(recall_hits, len(precise)), "precise_rows": len(precise),
        "event_precision": _share(precise_events, len(emitted)),
        "matched_rows": len(fatalities),
        "type": _share(sum(types), len(types)),
        "fatalities_exact": _share(sum(fatalities), len(fatalities)),
        "actor_family": _share(sum(actors), len(actors)),
    }


MISS_KINDS = ("placed, no event", "named, placed elsewhere", "named, unplaced", "not recognised", "not spelt so")
SAME_NAME = 80  # rapidfuzz ratio of the index keys at which a mention names the coded place


def misses(rows: list[dict], events: list[dict], mentions: list[dict]) -> list[dict]:
    """Each geo_precision-1 row with no event within RECALL_KM of it, and why (MISS_KINDS):
    a mention within RECALL_KM that gave no event; else a mention spelt like the coded name,
    placed elsewhere (how far) or not at all; else the coded name in the note's text (the
    recogniser missed it); else a note that spells the place otherwise or not at all."""
    from rapidfuzz import fuzz

    from conflictmap.gazetteer.lookup import ALTERNATIVES
    from conflictmap.gazetteer.names import name_key

    by_doc = _events_by_note(events)
    mentions_of: dict[str, list[dict]] = defaultdict(list)
    for mention in mentions:
        mentions_of[mention["doc_id"]].append(mention)
    out = []
    for row in rows:
        if row["geo_precision"] != "1" or any(_km(row, e) <= RECALL_KM for e in by_doc[row["doc_id"]]):
            continue
        # ACLED codes a place by two names ("Ras al-Ain - Ras al-Hosn", "Abu Jarad (Tall Abu Jarad)"):
        # either counts
        keys = [k for part in ALTERNATIVES.split(row["location"]) if (k := name_key(part))]
        placed = [m for m in mentions_of[row["doc_id"]] if m.get("latitude") is not None]
        near = [m for m in placed if _km(row, m) <= RECALL_KM]
        named = [m for m in mentions_of[row["doc_id"]]
                 if max(fuzz.ratio(name_key(m["text"]), key) for key in keys) >= SAME_NAME]
        mention, km = None, None
        if near:
            kind, mention = MISS_KINDS[0], near[0]
        elif named:
            mention = next((m for m in named if m.get("latitude") is not None), named[0])
            kind = MISS_KINDS[1] if mention.get("latitude") is not None else MISS_KINDS[2]
        elif max(fuzz.partial_ratio(key, name_key(row["notes"])) for key in keys) >= SAME_NAME + 10:
            kind = MISS_KINDS[3]
        else:
            kind = MISS_KINDS[4]
        mention = mention or {}
        if mention.get("latitude") is not None:
            km = round(_km(row, mention))
        out.append({"kind": kind, "location": row["location"], "admin1": row["admin1"],
                    "mention": mention.get("text", ""), "placed_as": mention.get("name") or "",
                    "latitude": mention.get("latitude"), "longitude": mention.get("longitude"), "km": km,
                    "score": mention.get("score"), "doc_id": row["doc_id"], "notes": row["notes"]})
    return out


def write_misses(found: list[dict], path: Path) -> None:
    """:func:`misses` as a TSV, in the order of MISS_KINDS, and a count per kind on standard output."""
    order = {kind: i for i, kind in enumerate(MISS_KINDS)}
    found = sorted(found, key=lambda m: (order[m["kind"]], m["location"]))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(found[0]) if found else ["kind"], delimiter="\t")
        writer.writeheader()
        writer.writerows(found)
    counts = defaultdict(int)
    for m in found:
        counts[m["kind"]] += 1
    print("missed rows: " + ", ".join(f"{kind} {counts[kind]}" for kind in MISS_KINDS) + f" -> {path}")


def _events_by_note(events: list[dict]) -> dict[str, list[dict]]:
    """Each note's events (a merged event names all its notes in doc_id, "; " between)."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for event in events:
        for doc_id in str(event.get("doc_id") or "").split("; "):
            by_doc[doc_id].append(event)
    return by_doc


def _km(row: dict, event: dict) -> float:
    return haversine_km(row["lat"], row["lon"], float(event["latitude"]), float(event["longitude"]))


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


FIGURES = ("location_recall", "event_precision", "type", "fatalities_exact", "actor_family")


def run(docs: list[Document]) -> tuple[list[dict], list[dict]]:
    """The events and the place mentions of ``docs``."""
    with process_documents(docs) as result:
        return result.events, result.mentions


def run_folds(docs: list[Document], rows: list[dict], shared: Path) -> tuple[list[dict], list[dict]]:
    """:func:`run`, each fold's notes resolved by a ranker fitted without them. Duplicates are
    merged within a fold only."""
    import tempfile

    import train_ranker

    fold_of = note_folds(rows)
    events, mentions = [], []
    with tempfile.TemporaryDirectory() as folder:
        for k, path in train_ranker.fold_rankers(shared, Path(folder)).items():
            with train_ranker.ranker_in_use(path):
                found = run([d for d in docs if fold_of[d.doc_id] == k])
            events += found[0]
            mentions += found[1]
    return events, mentions


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--limit", type=int, default=None, help="Score only the first N notes (a quick look).")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this file.")
    parser.add_argument("--cross-validate", action="store_true",
                        help="Score each fold's notes with a ranker fitted on the other folds (eval/train_ranker.py; "
                             "about three minutes more): the shipped ranker has seen these notes.")
    parser.add_argument("--errors", type=Path, default=None,
                        help="Write the precisely coded rows no event found, and why, to this TSV.")
    args = parser.parse_args(argv)
    rows = read_rows(args.shared / "data" / "dev" / "acled_sy_iq_2018_dev.csv.gz")
    docs = documents(rows)
    if args.limit:
        docs = docs[: args.limit]
        kept = {d.doc_id for d in docs}
        rows = [r for r in rows if r["doc_id"] in kept]
    started = time.perf_counter()
    events, mentions = run_folds(docs, rows, args.shared) if args.cross_validate else run(docs)
    seconds = time.perf_counter() - started

    overall = score(rows, events)
    fold_of = folds(rows)
    per_fold = [score([r for r in rows if fold_of[r["location"]] == k], events) for k in range(N_FOLDS)]
    cv = {}
    for figure in FIGURES:
        values = [f[figure] for f in per_fold if f[figure] is not None]
        cv[figure] = {"mean": round(statistics.mean(values), 4), "sd": round(statistics.pstdev(values), 4)}
    report = {"overall": overall, "folds_by_place": per_fold, "cv": cv, "seconds": round(seconds, 1)}

    print(f"ACLED dev: {overall['notes']} notes, {overall['rows']} coded rows, {overall['events']} events "
          f"({seconds:.0f} s)")
    print(f"{'figure':<18} {'all':>7}  {'folds by place (mean ± sd)':>28}")
    for figure in FIGURES:
        print(f"{figure:<18} {overall[figure]:>7.3f}  {cv[figure]['mean']:>20.3f} ± {cv[figure]['sd']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.errors:
        write_misses(misses(rows, events, mentions), args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
