"""conflictmap: English war reporting in; geocoded events, GIS files and interactive maps out.

>>> import conflictmap as cm
>>> events = cm.extract(["Coalition aircraft struck Islamic State positions near Hajin on "
...                      "Tuesday, killing four fighters."], published="2018-12-13")
>>> events[["location", "actor1", "fatalities"]].values.tolist()
[['Hajīn', 'US-led coalition', 4]]

``cm.extract`` gives the events as a GeoDataFrame (EPSG:4326), ``cm.process`` the events, the
place mentions and the report; ``cm.extract_dask`` the events of a dask bag or DataFrame of
articles, extracted on a Dask cluster; ``cm.read_articles`` reads files and folders;
``cm.write`` writes GeoJSON, GeoPackage, CSV and the map; ``cm.to_map`` gives the folium map;
``cm.Gazetteer`` looks places up. The packages underneath are ``conflictmap.gazetteer`` (place data, no news
text), ``conflictmap.geo`` (text to events and files) and ``conflictmap.maps`` (events to HTML).
Names are loaded on first use, so the command line starts without spaCy or geopandas.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conflictmap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "extract": "conflictmap.api",
    "extract_dask": "conflictmap.api",
    "process": "conflictmap.api",
    "Extraction": "conflictmap.api",
    "read_articles": "conflictmap.api",
    "write": "conflictmap.api",
    "to_map": "conflictmap.api",
    "Document": "conflictmap.geo.document",
    "EVENT_COLUMNS": "conflictmap.geo.document",
    "Gazetteer": "conflictmap.gazetteer",
    "GazetteerError": "conflictmap.gazetteer",
    "open_geocoder": "conflictmap.geo.geocode",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'conflictmap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
