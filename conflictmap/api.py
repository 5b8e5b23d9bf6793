"""The Python API: articles in, an event GeoDataFrame out, then files and maps.

>>> import conflictmap as cm
>>> events = cm.extract(["Regime helicopters dropped barrel bombs on the village of Sufuhan "
...                      "in Idlib province on Tuesday, killing seven people."], published="2014-12-24")
>>> e = events.iloc[0]
>>> e.location, e.sub_event_type, int(e.fatalities), e.event_date.date().isoformat()
('Safuhun', 'Air/drone strike', 7, '2014-12-23')
>>> str(events["event_date"].dtype), events.crs.to_epsg()
('datetime64[ns]', 4326)

The frame has the columns of DESIGN.md in their order plus ``geometry`` (EPSG:4326);
``event_date`` is a datetime64 column here (``NaT`` where the article gives no date) and an
ISO "YYYY-MM-DD" string in the files :func:`write` produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:
    import distributed
    import folium
    import geopandas

    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geo.document import Document
    from conflictmap.geo.geocode import FallbackGeocoder


@dataclass
class Extraction:
    """What :func:`process` found: the events, every place mention (resolved or not, with its
    character offsets) and the run's report (counts, unresolved names, timings)."""

    events: geopandas.GeoDataFrame
    mentions: geopandas.GeoDataFrame
    report: dict = field(default_factory=dict)


def read_articles(paths: str | Path | Iterable[str | Path], *, published: str | date | None = None,
                  max_chars: int | None = None, problems: list | None = None) -> Iterator[Document]:
    """The articles in ``paths`` (.txt files, folders, .jsonl or .csv with a ``text`` field) as
    :class:`~conflictmap.geo.document.Document` objects, read lazily.

    A file or row that cannot be used is skipped and reported (``path:line: reason``): appended
    to ``problems`` when a list is given, else as a warning, so a folder with one bad file
    still gives the others.
    """
    import warnings

    from conflictmap.geo.ingest import MAX_DOCUMENT_CHARS, read_documents

    def report(problem) -> None:
        if problems is None:
            warnings.warn(str(problem), stacklevel=3)
        else:
            problems.append(problem)

    return read_documents(paths, published=_as_date(published), max_chars=max_chars or MAX_DOCUMENT_CHARS,
                          on_problem=report)


def process(texts_or_documents: str | Iterable[str | Document], *, published: str | date | None = None,
            gazetteer: Gazetteer | str | Path | None = None, workers: int = 1,
            geocoder: FallbackGeocoder | None = None, model: str | None = None,
            agree_across_articles: bool = True) -> Extraction:
    """Run the pipeline over texts (or Documents): the events, the place mentions and the report.

    ``published`` dates the plain texts (and Documents that state no date); ``gazetteer`` is a
    :class:`~conflictmap.gazetteer.Gazetteer` or the path of a gazetteer database (default:
    the one ``conflictmap gazetteer build`` wrote); ``workers`` > 1 runs spaCy in that many
    processes; ``geocoder`` places what the gazetteer cannot (see
    :func:`conflictmap.geo.geocode.open_geocoder`); ``model`` adds a spaCy pipeline's place
    entities (a package name or a folder); ``agree_across_articles=False`` resolves each
    article alone (by default a name the ranker is unsure of takes the place the other
    articles give it: :mod:`conflictmap.geo.collection`).
    """
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geo.frame import mentions_frame
    from conflictmap.geo.pipeline import as_documents, process_documents

    if isinstance(texts_or_documents, str):
        texts_or_documents = [texts_or_documents]
    gaz = gazetteer if isinstance(gazetteer, Gazetteer) else Gazetteer(gazetteer)
    documents = as_documents(texts_or_documents, _as_date(published))
    with process_documents(documents, gaz=gaz, model=model, workers=workers, geocoder=geocoder,
                           agree_across_articles=agree_across_articles) as result:
        return Extraction(events=_events_with_dates(result.spill.events()),
                          mentions=mentions_frame(result.spill.mentions()), report=result.report())


def extract(texts_or_documents: str | Iterable[str | Document], *, published: str | date | None = None,
            gazetteer: Gazetteer | str | Path | None = None, workers: int = 1,
            geocoder: FallbackGeocoder | None = None, model: str | None = None,
            agree_across_articles: bool = True) -> geopandas.GeoDataFrame:
    """The events of texts (or Documents) as a GeoDataFrame: :func:`process`'s ``events``."""
    return process(texts_or_documents, published=published, gazetteer=gazetteer, workers=workers,
                   geocoder=geocoder, model=model, agree_across_articles=agree_across_articles).events


def extract_dask(documents, client: distributed.Client | str | None = None, *, published: str | date | None = None,
                 gazetteer: Gazetteer | str | Path | None = None, model: str | None = None) -> geopandas.GeoDataFrame:
    """:func:`extract` on a Dask cluster: the same events, merged across partitions.

    ``documents`` is a dask bag of texts, Documents or dicts, a dask DataFrame with a ``text``
    column (optional ``id``, ``published``, ``source``, ``url``, ``title``; plain texts are
    numbered ``text-1``, ... over the whole collection, as :func:`extract` numbers them), or
    an ordinary iterable of texts or Documents (sent in partitions of 50). Each partition of
    the collection is one task; its rows come back and are merged here, in order.

    ``client``: a ``distributed.Client``, a scheduler address (``tcp://host:8786``) or
    ``local:N`` (N worker processes started for the call); None takes the current client.
    The workers need ``pip install 'conflictmap[dask]'`` and the gazetteer: ``gazetteer`` is
    a path they can read (None: each worker's default, ``$CONFLICTMAP_GAZETTEER`` or the
    packaged database); ``model`` a spaCy pipeline installed on them.

    >>> import dask.bag as db                                    # doctest: +SKIP
    >>> from distributed import Client                           # doctest: +SKIP
    >>> client = Client(n_workers=2, threads_per_worker=1)       # doctest: +SKIP
    >>> texts = db.from_sequence(["Coalition aircraft struck Islamic State positions near Hajin "
    ...                           "on Tuesday, killing four fighters."], npartitions=1)  # doctest: +SKIP
    >>> cm.extract_dask(texts, client, published="2018-12-13").location.tolist()  # doctest: +SKIP
    ['Hajīn']
    """
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geo.cluster import DaskRunner, require_distributed
    from conflictmap.geo.pipeline import as_documents

    if client is None:
        client = require_distributed().get_client()
    db = gazetteer.path if isinstance(gazetteer, Gazetteer) else gazetteer
    with DaskRunner(client, db=db, model=model) as runner:
        if hasattr(documents, "to_delayed"):  # a dask collection
            result = runner.process_collection(documents, published=_as_date(published))
        else:
            if isinstance(documents, str):
                documents = [documents]
            result = runner.process(as_documents(documents, _as_date(published)))
        with result:
            return _events_with_dates(result.spill.events())


def write(events: geopandas.GeoDataFrame, out_dir: str | Path, *, mentions: geopandas.GeoDataFrame | None = None,
          report: dict | None = None, map: bool = True, title: str | None = None) -> dict[str, Path]:
    """Write events.geojson, events.gpkg, events.csv, mentions.geojson, report.json and (unless
    ``map=False``) map.html into ``out_dir``, replacing its previous set as one. Returns the
    paths by file name. ``events`` is a frame from :func:`extract` (or any frame with the event
    columns); dates are written as ISO strings."""
    from conflictmap.geo.frame import events_frame, mentions_frame
    from conflictmap.geo.spill import OutputFolder
    from conflictmap.geo.export import write_output_files

    rows = events_frame(_records(events))
    mentions_rows = mentions_frame(_records(mentions)) if mentions is not None else mentions_frame([])
    with OutputFolder(out_dir) as folder:
        names = list(write_output_files([rows], [mentions_rows], report or {"events": len(rows)}, folder.path))
        if map:
            from conflictmap.maps.render import render

            render(rows, folder.path / "map.html", title=title)
            names.append("map.html")
        folder.commit()
    return {name: folder.target / name for name in names}


def to_map(events: geopandas.GeoDataFrame, *, title: str | None = None, strategy: str = "auto") -> folium.Map:
    """The interactive folium map of ``events`` (actor layers, date filter, clusters, heat map,
    governorates), to show in a notebook or ``.save()``."""
    from conflictmap.geo.frame import events_frame
    from conflictmap.maps.render import build_map

    return build_map(events_frame(_records(events)), title=title, strategy=strategy)


def _events_with_dates(rows) -> geopandas.GeoDataFrame:
    import pandas as pd

    from conflictmap.geo.frame import events_frame

    gdf = events_frame(rows)
    gdf["event_date"] = pd.to_datetime(gdf["event_date"], format="%Y-%m-%d").astype("datetime64[ns]")
    return gdf


def _records(gdf: geopandas.GeoDataFrame) -> list[dict]:
    """Rows of a frame as dicts the row coercion reads (NaT and NaN as None, Timestamps as dates)."""
    import pandas as pd

    from conflictmap.values import is_null

    table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore"))
    if "event_date" in table and pd.api.types.is_datetime64_any_dtype(table["event_date"]):
        table["event_date"] = table["event_date"].dt.date
    return [{k: (None if is_null(v) else v) for k, v in row.items()} for row in table.to_dict("records")]


def _as_date(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
