"""The main job: articles in, geocoded events out (:func:`conflictmap.extract` is the public
entry point).

Documents stream through spaCy's ``nlp.pipe`` (``workers`` > 1: forked processes, see
:mod:`geo.workers`); each article's events and place mentions go to a scratch file
(:class:`geo.spill.Spill`) as soon as it is done, and the Docs are never kept, so memory
stays flat over large corpora. An article with a mention the ranker doubts waits in the
spill (its mentions, sentences and actors, pickled) until every article has voted on the
names (:mod:`geo.collection`); then it follows the run's choice and its rows are added.
"""

from __future__ import annotations

import pickle
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from conflictmap.gazetteer import Gazetteer

from .collection import (NameVotes, OutletHomes, agree, doubtful, look_again, may_lie_at_home, outlet_of,
                         provinces_named, votes_of)
from .document import Document
from .events import extract_events
from .nlp import actors_by_sentence, build_pipeline, text_of
from .resolve import resolve_doc
from .spill import Spill

if TYPE_CHECKING:
    import geopandas
    from spacy.language import Language

    from .geocode import FallbackGeocoder

BATCH_SIZE = 64
FRAME_ROWS = 5000  # rows per frame when the outputs are written: bounded memory, few GeoPackage appends


@dataclass
class RunResult:
    """What a run found. Events (merged) and mentions stay in ``spill`` on disk: ``events`` and
    ``mentions`` read them into lists once (fine for thousands of articles), ``event_frames``
    and ``mention_frames`` stream them. ``close()`` (or a ``with`` block) removes the file."""

    spill: Spill = field(default_factory=Spill, repr=False)
    documents: int = 0
    resolved: int = 0
    unresolved: Counter = field(default_factory=Counter)
    fallbacks: int = 0
    timings: dict = field(default_factory=dict)
    geocoder: dict | None = None  # FallbackGeocoder.report(); None when no geocoder was asked
    # Articles agree (geo.collection): an article with a doubtful mention waits in the spill
    # until every article has voted, then follows the run's choice for its names.
    agree_across_articles: bool = True
    votes: NameVotes = field(default_factory=NameVotes, repr=False)
    homes: OutletHomes = field(default_factory=OutletHomes, repr=False)
    read_again: int = 0  # articles read again beside their outlet's home (geo.collection)
    moved: int = 0  # mentions moved to the place the run's other articles give their name

    @cached_property
    def events(self) -> list[dict]:
        return list(self.spill.events())

    @cached_property
    def mentions(self) -> list[dict]:
        return list(self.spill.mentions())

    def event_frames(self, rows: int = FRAME_ROWS) -> Iterator[geopandas.GeoDataFrame]:
        from .frame import events_frame

        return map(events_frame, _chunks(self.spill.events(), rows))

    def mention_frames(self, rows: int = FRAME_ROWS) -> Iterator[geopandas.GeoDataFrame]:
        from .frame import mentions_frame

        return map(mentions_frame, _chunks(self.spill.mentions(), rows))

    def add(self, found: DocumentResult) -> None:
        """One article's rows and counts (``documents`` is the caller's to count)."""
        self.resolved += sum(row["place_id"] is not None for row in found.mentions)
        self.fallbacks += found.fallbacks
        self.unresolved.update(found.unresolved)
        if not self.agree_across_articles:
            self.spill.add(found.events, found.mentions)
            return
        self.votes.count(found.votes)
        number = self.homes.count(found.outlet, found.provinces) if found.outlet else None
        if found.held is None:
            self.spill.add(found.events, found.mentions)
        else:
            self._hold(found.held, found.outlet, number, settled=None)

    def _tally(self, mentions: list, sign: int) -> None:
        """Count (``sign`` -1: take back) an article's resolved, fallback and unresolved mentions,
        as :meth:`add` counts them from its rows."""
        self.resolved += sign * sum(m.place is not None for m in mentions)
        self.fallbacks += sign * sum(m.fallback for m in mentions)
        names = Counter(m.text for m in mentions if m.place is None or m.fallback)
        if sign > 0:
            self.unresolved.update(names)
        else:
            self.unresolved.subtract(names)
            self.unresolved += Counter()  # drop the names no longer unresolved anywhere

    def _hold(self, held: tuple, outlet: str | None, number: int | None, settled: bool | None) -> None:
        """``settled``: None in the first round; then whether the article was read again."""
        self.spill.hold(pickle.dumps((held, outlet, number, settled), protocol=pickle.HIGHEST_PROTOCOL))

    def settle(self, gaz: Gazetteer | None = None, geocoder: FallbackGeocoder | None = None) -> None:
        """Add the articles held for the run, in two rounds. First each is read again beside
        its outlet's home province where a name of it may lie there but was placed elsewhere
        (:func:`geo.collection.second_look`; only with ``gaz``), its votes counted anew; then,
        every vote in, each doubtful mention moves to its name's place in the run where the
        ranker accepts it there (:func:`geo.collection.agree`). LGL gold spans in context: 0.8879
        with the first reading's votes, 0.892 with the second's."""
        for held in self.spill.held():  # rows held during the first round come after all others
            (document, sentences, mentions, actors, events), outlet, number, looked = pickle.loads(held)
            if looked is None:  # the first round
                again = look_again(mentions, outlet, number, self.homes, self.votes, gaz, geocoder) if gaz else None
                looked = again is not None
                if looked:
                    for m in again:
                        m.candidates = []  # held once more: rivals are what a move needs
                    self._tally(mentions, -1)
                    self._tally(again, 1)
                    mentions = again
                    self.read_again += 1
                self._hold((document, sentences, mentions, actors, events), outlet, number, looked)
                continue
            moved = agree(mentions, self.votes)
            self.moved += moved
            if looked or moved:
                events = extract_events(document, sentences, mentions, actors)
            self.spill.add(events, [m.as_row() for m in mentions])

    def report(self) -> dict:
        return {
            "documents": self.documents,
            "mentions": self.spill.mention_count,
            "resolved": self.resolved,
            "province_fallbacks": self.fallbacks,
            "moved_by_other_articles": self.moved,
            "read_again_beside_outlet_home": self.read_again,
            "unresolved_names": dict(self.unresolved.most_common()),
            "events": self.spill.event_count,
            "geocoder": self.geocoder or {"service": "none"},
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def close(self) -> None:
        self.spill.close()

    def __enter__(self) -> RunResult:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def process_documents(
    documents: Iterable[Document],
    gaz: Gazetteer | None = None,
    model: str | None = None,
    workers: int = 1,
    on_document: Callable[[Document, int], None] | None = None,
    geocoder: FallbackGeocoder | None = None,
    spill: Spill | None = None,
    agree_across_articles: bool = True,
) -> RunResult:
    """Run the flow nlp -> resolve -> events over documents; duplicate events are merged as
    they are read back (:func:`geo.merge.merge_duplicates`'s rule).

    ``geocoder`` (:class:`geo.geocode.FallbackGeocoder`) places the event mentions the
    gazetteer cannot; its requests, cache hits, rejections and failures go to the report.
    The rows wait in ``spill``, else in a new :class:`~geo.spill.Spill` in the system's
    temporary folder (the CLI makes its own beside the outputs, so a RAM-backed /tmp does
    not hold a long run); a spill passed in is the caller's to close, even on failure.

    ``agree_across_articles``: a mention the ranker doubts takes the place the run's other
    articles give its name (:mod:`geo.collection`); False resolves each article alone.
    """
    started = time.perf_counter()
    if workers > 1 and geocoder is not None:
        raise ValueError("workers > 1 runs without a geocoder: its rate limit and cache belong to one process")
    gaz = gaz or Gazetteer()
    nlp = build_pipeline(model=model, db=gaz.path)
    result = RunResult(spill=spill if spill is not None else Spill(), agree_across_articles=agree_across_articles)
    result.timings["load"] = time.perf_counter() - started
    if workers > 1:
        from .workers import extract_in_workers

        found = extract_in_workers(nlp, gaz.path, documents, workers)
    else:
        found = extract_documents(nlp, gaz, documents, geocoder)
    try:
        for document, one in found:
            result.add(one)
            result.documents += 1
            if on_document:
                on_document(document, len(one.events))
        result.settle(gaz, geocoder)
    except BaseException:
        if spill is None:
            result.close()
        raise
    finally:
        found.close()  # the workers end with the run, also on Ctrl-C
    result.timings["extract"] = time.perf_counter() - started - result.timings["load"]
    result.geocoder = geocoder.report() if geocoder is not None else None
    result.timings["total"] = time.perf_counter() - started
    return result


@dataclass
class DocumentResult:
    """What one article gave: small rows only (a worker process sends them back)."""

    events: list[dict]
    mentions: list[dict]  # PlaceMention.as_row()
    fallbacks: int  # mentions placed at their province because the name itself failed
    unresolved: list[str]  # names left unplaced, or placed only by the province fallback
    votes: list = field(default_factory=list)  # geo.collection.votes_of the mentions
    # (document, sentences, mentions, actors, events) when a mention is doubtful
    # (geo.collection.doubtful), or when the article has an outlet and a name that may lie in
    # more than one province: the run may move it once every article has voted
    held: tuple | None = None
    outlet: str | None = None  # geo.collection.outlet_of the document
    provinces: frozenset = frozenset()  # geo.collection.provinces_named of its mentions


def extract_documents(nlp: Language, gaz: Gazetteer, documents: Iterable[Document],
                      geocoder: FallbackGeocoder | None = None) -> Iterator[tuple[Document, DocumentResult]]:
    """The flow nlp -> resolve -> events, article by article, in order."""
    stream = ((d.text, d) for d in documents)
    for doc, document in nlp.pipe(stream, as_tuples=True, batch_size=BATCH_SIZE):
        mentions = resolve_doc(doc, document.doc_id, gaz, geocoder=geocoder)  # also on Span._.cm_place
        text = text_of(doc)  # Span.text joins its tokens; a slice of the text is the same string
        sentences = [text[s.start_char:s.end_char] for s in doc.sents]
        actors = actors_by_sentence(doc)
        events = extract_events(document, sentences, mentions, actors)
        held, outlet = None, outlet_of(document)
        if any(map(doubtful, mentions)) or (outlet is not None and any(map(may_lie_at_home, mentions))):
            for m in mentions:
                m.candidates = []  # the ranker's work is done; rivals are what a move needs
            held = (document, sentences, mentions, actors, events)
        yield document, DocumentResult(
            events, [m.as_row() for m in mentions], sum(m.fallback for m in mentions),
            [m.text for m in mentions if m.place is None or m.fallback], votes_of(mentions), held,
            outlet, provinces_named(mentions))


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def as_documents(items: Iterable[str | Document | dict], published: date | None = None,
                 first_number: int = 1) -> Iterator[Document]:
    """Documents from texts (``text-N``, as :func:`conflictmap.extract` names them), Documents,
    row dicts or a pandas DataFrame's rows (``text`` and optional ``id``, ``published``,
    ``source``, ``url``, ``title``). ``published`` dates those that state no date.

    >>> [(d.doc_id, d.published) for d in as_documents(["a", {"id": 7, "text": "b", "published": "2014-12-24"}], first_number=3)]
    [('text-3', None), ('7', datetime.date(2014, 12, 24))]
    """
    if hasattr(items, "to_dict") and hasattr(items, "columns"):  # a pandas DataFrame
        if "text" not in items.columns:
            raise ValueError(f"a DataFrame of articles needs a 'text' column (it has {list(items.columns)})")
        items = items.to_dict("records")
    for number, item in enumerate(items, start=first_number):
        if isinstance(item, Document):
            document = item
        elif isinstance(item, str):
            document = Document(doc_id=f"text-{number}", text=item)
        elif isinstance(item, dict):
            document = _row_document(item, number)
        else:
            raise TypeError(f"an article is a str, a Document or a dict with a 'text', not {type(item).__name__}")
        if document.published is None and published is not None:
            document = replace(document, published=published)
        yield document


def _row_document(row: dict, number: int) -> Document:
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError(f"article {number}: its 'text' is {type(text).__name__}, not a string")
    return Document(doc_id=_cell(row.get("id")) or f"text-{number}", text=text, published=_date(row.get("published")),
                    source=_cell(row.get("source")), url=_cell(row.get("url")), title=_cell(row.get("title")))


def _cell(value) -> str | None:
    from conflictmap.values import is_null

    return None if is_null(value) else (str(value).strip() or None)


def _date(value) -> date | None:
    from .ingest import parse_date

    if _cell(value) is None:
        return None
    if isinstance(value, datetime):  # pandas' Timestamp too
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value))


def write_run(result: RunResult, out_dir: Path, extra_report: dict | None = None) -> dict[str, Path]:
    """Write events.geojson, events.gpkg, events.csv, mentions.geojson and report.json into
    ``out_dir``, replacing its previous set as one (:class:`geo.spill.OutputFolder`)."""
    from .spill import OutputFolder

    with OutputFolder(out_dir) as folder:
        names = write_results(result, folder.path, extra_report)
        folder.commit()
    return {name: folder.target / name for name in names}


def write_results(result: RunResult, folder: Path, extra_report: dict | None = None) -> dict[str, Path]:
    """Write the five outputs into ``folder`` in place, streamed from the spill (for
    :attr:`geo.spill.OutputFolder.path`)."""
    from .export import write_output_files

    report = {**result.report(), **(extra_report or {})}
    return write_output_files(result.event_frames(), result.mention_frames(), report, folder)
