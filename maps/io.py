"""Read an events GeoJSON file (as ``conflictmap run`` writes it) into a GeoDataFrame.

The file is read with the standard ``json`` module, so values stay as written (dates stay
"YYYY-MM-DD" strings, nulls stay null) instead of being re-typed by a GIS driver. Every
problem is a :class:`EventsFileError` that names the file.

>>> import json, tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "events.geojson"
>>> _ = path.write_text(json.dumps({"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"event_id": "SYR-1", "event_date": "2014-12-23"},
...      "geometry": {"type": "Point", "coordinates": [40.827, 34.693]}}]}))
>>> gdf = read_events(path)
>>> gdf.loc[0, "event_date"], gdf.crs.to_epsg()
('2014-12-23', 4326)
>>> read_events(path.with_name("missing.geojson"))
Traceback (most recent call last):
...
conflictmap.maps.io.EventsFileError: ...missing.geojson: no such file
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import shapely.geometry


class EventsFileError(ValueError):
    """An events file that is missing or is not a GeoJSON FeatureCollection of events."""


def read_events(path) -> geopandas.GeoDataFrame:
    """The events of a GeoJSON FeatureCollection, EPSG:4326; features without a geometry
    are kept (with a null geometry) so the map can say how many it left off."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            collection = json.load(fh)
    except FileNotFoundError:
        raise EventsFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EventsFileError(f"{path}: is a folder, not a GeoJSON file") from None
    except UnicodeDecodeError as exc:
        raise EventsFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise EventsFileError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except OSError as exc:
        raise EventsFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        raise EventsFileError(f"{path}: not a GeoJSON FeatureCollection (expected "
                              '{"type": "FeatureCollection", "features": [...]})')
    rows, geometries = [], []
    for n, feature in enumerate(collection["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise EventsFileError(f"{path}: feature {n} is not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise EventsFileError(f"{path}: feature {n} has properties that are not an object")
        try:
            geometry = shapely.geometry.shape(feature["geometry"]) if feature.get("geometry") else None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EventsFileError(f"{path}: feature {n} has an invalid geometry: {exc}") from None
        rows.append(properties)
        geometries.append(geometry)
    return geopandas.GeoDataFrame(rows, geometry=geopandas.GeoSeries(geometries, crs=4326), crs=4326)
