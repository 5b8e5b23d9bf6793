"""The main job: articles in, geocoded events out.

>>> from geo import extract_events_frame
>>> gdf = extract_events_frame(["Regime helicopters dropped barrel bombs on the village of "
...                             "Sufuhan in Idlib province on Tuesday, killing seven people."],
...                            published="2014-12-24")
>>> gdf.loc[0, ["location", "sub_event_type", "actor1", "fatalities", "event_date"]].tolist()
['Safuhun', 'Air/drone strike', 'Syrian government forces', 7, '2014-12-23']

Documents stream through spaCy's ``nlp.pipe`` (``workers`` > 1 uses its n_process); only the
small per-article results are kept, never the Docs, so memory stays flat over large corpora.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from gazetteer import Gazetteer

from .document import Document
from .events import extract_events
from .merge import merge_duplicates
from .nlp import actors_by_sentence, build_pipeline
from .resolve import PlaceMention, mentions_of, resolve_mentions

if TYPE_CHECKING:
    from .geocode import FallbackGeocoder

BATCH_SIZE = 64


@dataclass
class RunResult:
    events: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    documents: int = 0
    unresolved: Counter = field(default_factory=Counter)
    fallbacks: int = 0
    timings: dict = field(default_factory=dict)
    geocoder: dict | None = None  # FallbackGeocoder.report(); None when no geocoder was asked

    def report(self) -> dict:
        resolved = sum(1 for m in self.mentions if m["place_id"] is not None)
        return {
            "documents": self.documents,
            "mentions": len(self.mentions),
            "resolved": resolved,
            "province_fallbacks": self.fallbacks,
            "unresolved_names": dict(self.unresolved.most_common()),
            "events": len(self.events),
            "geocoder": self.geocoder or {"service": "none"},
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def process_documents(
    documents: Iterable[Document],
    gaz: Gazetteer | None = None,
    model: str | None = None,
    workers: int = 1,
    on_document: Callable[[Document, int], None] | None = None,
    geocoder: FallbackGeocoder | None = None,
) -> RunResult:
    """Run the flow nlp -> resolve -> events over documents; merge duplicate events at the end.

    ``geocoder`` (:class:`geo.geocode.FallbackGeocoder`) places the event mentions the
    gazetteer cannot; its requests, cache hits, rejections and failures go to the report.
    """
    started = time.perf_counter()
    gaz = gaz or Gazetteer()
    nlp = build_pipeline(model=model, db=gaz.path)
    result = RunResult()
    result.timings["load"] = time.perf_counter() - started
    stream = ((d.text, d) for d in documents)
    raw_events: list[dict] = []
    for doc, document in nlp.pipe(stream, as_tuples=True, batch_size=BATCH_SIZE, n_process=max(1, workers)):
        mentions = resolve_mentions(mentions_of(doc, document.doc_id), gaz, geocoder=geocoder)
        sentences = [s.text for s in doc.sents]
        events = extract_events(document, sentences, mentions, actors_by_sentence(doc))
        raw_events.extend(events)
        _account(result, mentions)
        result.documents += 1
        if on_document:
            on_document(document, len(events))
    result.timings["extract"] = time.perf_counter() - started - result.timings["load"]
    result.events = merge_duplicates(raw_events)
    result.geocoder = geocoder.report() if geocoder is not None else None
    result.timings["total"] = time.perf_counter() - started
    return result


def _account(result: RunResult, mentions: list[PlaceMention]) -> None:
    for m in mentions:
        result.mentions.append(m.as_row())
        if m.fallback:
            result.fallbacks += 1
        if m.place is None or m.fallback:
            result.unresolved[m.text] += 1


def _as_documents(items: Iterable[str | Document], published: date | None) -> Iterator[Document]:
    for i, item in enumerate(items):
        if isinstance(item, Document):
            yield item
        else:
            yield Document(doc_id=f"text-{i + 1}", text=item, published=published)


def extract_events_frame(texts: Iterable[str | Document], published: str | date | None = None, **kwargs):
    """Texts (or Documents) -> the event GeoDataFrame (EPSG:4326), DESIGN.md's columns."""
    from .frame import events_frame

    if isinstance(published, str):
        published = date.fromisoformat(published)
    return events_frame(process_documents(_as_documents(texts, published), **kwargs).events)


def write_run(result: RunResult, out_dir: Path, extra_report: dict | None = None, events_gdf=None) -> dict[str, Path]:
    """Write events.geojson, events.gpkg, events.csv, mentions.geojson and report.json atomically."""
    from .export import write_outputs
    from .frame import events_frame, mentions_frame

    report = {**result.report(), **(extra_report or {})}
    events_gdf = events_frame(result.events) if events_gdf is None else events_gdf
    return write_outputs(events_gdf, mentions_frame(result.mentions), report, out_dir)
