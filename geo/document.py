"""Plain data passed between the stages of the flow (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_DOCUMENT_CHARS = 1_000_000  # the longest article read: spaCy's default nlp.max_length


@dataclass
class Document:
    """One article as ingested: its text and what it says about itself."""

    doc_id: str  # file name for files, the id field for .jsonl/.csv rows
    text: str
    published: date | None = None  # None when neither the input nor --published says
    source: str | None = None  # outlet, e.g. "Reuters", from a field or "(Reuters)" in the text
    url: str | None = None
    title: str | None = None
    # "ERBIL, Kurdistan Region": where the report was filed from (geo.ingest.find_dateline, the
    # one detector; geo.nlp runs it on the text too, so plain texts get their datelines marked)
    dateline: str | None = None
    path: str | None = None  # the file it came from
    line: int | None = None  # 1-based line (jsonl) or row (csv) in that file


# The event columns: the contract between geo/, maps/ and every export. ACLED's names and
# order first (so analysts can merge), then conflictmap's own.
ACLED_COLUMNS = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "assoc_actor_1", "country", "iso3", "admin1", "admin2",
    "location", "latitude", "longitude", "geo_precision", "fatalities",
)
EXTRA_COLUMNS = (
    "civilian_fatalities", "injuries", "place_id", "place_source", "confidence",
    "source", "source_url", "doc_id", "notes",
)
EVENT_COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS
