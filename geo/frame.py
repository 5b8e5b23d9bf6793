"""Event and place-mention rows as GeoDataFrames (EPSG:4326), the input of every export.

Each frame has a fixed schema: the columns, in order, and one kind per column. Values are
coerced to that kind once, here, so the exports and the map never have to guess: text is
``str`` or ``None`` (object dtype, so "missing" is ``None`` rather than a truthy NaN; a NUL
character becomes ``NUL_STAND_IN``),
counts are ``int64``, precisions are nullable ``Int64``, dates are ISO "YYYY-MM-DD" strings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import geopandas
import pandas as pd
from shapely.geometry import Point

from conflictmap.geo.document import EVENT_COLUMNS
from conflictmap.values import PRECISIONS, is_null, iso_date, whole_number

CRS = "EPSG:4326"
# GDAL keeps text as C strings, so a GeoPackage cuts a cell at a NUL character. Every output
# shows one as this visible stand-in instead (one character, so offsets still hold).
NUL_STAND_IN = "\u2400"  # SYMBOL FOR NULL

# Column kinds: "text" str|None; "count" int >= 0 (missing is 0, ACLED's "unknown");
# "precision" 1..3 or null; "float" float|NaN; "coord" float, required for events;
# "date" ISO date string|None; "offset" int >= 0 or null.
EVENT_SCHEMA: dict[str, str] = {column: "text" for column in EVENT_COLUMNS}
EVENT_SCHEMA.update(
    event_date="date",
    time_precision="precision",
    geo_precision="precision",
    latitude="coord",
    longitude="coord",
    fatalities="count",
    civilian_fatalities="count",
    injuries="count",
    confidence="float",
)

MENTION_COLUMNS = (
    "doc_id", "text", "sentence", "start_char", "end_char", "place_id", "name", "score",
    "geo_precision", "place_source", "latitude", "longitude", "role",
)
MENTION_SCHEMA: dict[str, str] = {column: "text" for column in MENTION_COLUMNS}
MENTION_SCHEMA.update(
    start_char="offset",
    end_char="offset",
    score="float",
    geo_precision="precision",
    latitude="float",
    longitude="float",
)

DTYPES = {
    "text": object,
    "date": object,
    "count": "int64",
    "precision": "Int64",
    "offset": "Int64",
    "float": "float64",
    "coord": "float64",
}


def events_frame(events: Iterable[Mapping]) -> geopandas.GeoDataFrame:
    """One row per event dict, columns exactly ``EVENT_COLUMNS`` plus a Point ``geometry``.

    Missing keys become null (counts become 0, ACLED's "unknown"); keys outside
    ``EVENT_COLUMNS`` are dropped. Every event needs coordinates: a ValueError names the
    event that has none, or has an impossible value.

    >>> from datetime import date
    >>> gdf = events_frame([{"event_id": "SYR-1", "event_date": date(2014, 12, 23),
    ...                      "latitude": 34.693, "longitude": 40.827, "fatalities": 3}])
    >>> gdf.loc[0, "event_date"], int(gdf.loc[0, "injuries"]), str(gdf["fatalities"].dtype)
    ('2014-12-23', 0, 'int64')
    >>> gdf.geometry[0].coords[0], gdf.crs.to_epsg()
    ((40.827, 34.693), 4326)
    >>> events_frame([{"event_id": "SYR-2", "location": "Hajin"}])
    Traceback (most recent call last):
    ...
    ValueError: event 'SYR-2': latitude is missing; an event needs coordinates
    """
    return _frame(events, EVENT_SCHEMA, kind="event")


def mentions_frame(mentions: Iterable[Mapping]) -> geopandas.GeoDataFrame:
    """One row per place mention, columns ``MENTION_COLUMNS`` plus a Point ``geometry``.

    Unlike events, a mention may be unresolved: null coordinates give a null geometry
    (an RFC 7946 Feature with ``"geometry": null``), so evaluation can see what failed.

    >>> gdf = mentions_frame([
    ...     {"doc_id": "a1", "text": "Hajin", "start_char": 20, "end_char": 25,
    ...      "latitude": 34.693, "longitude": 40.827, "score": 0.9, "geo_precision": 1},
    ...     {"doc_id": "a1", "text": "Atlantis", "start_char": 40, "end_char": 48}])
    >>> gdf["geometry"].isna().tolist(), gdf.loc[1, "geo_precision"] is pd.NA
    ([False, True], True)
    """
    return _frame(mentions, MENTION_SCHEMA, kind="mention")


def _frame(records: Iterable[Mapping], schema: dict[str, str], kind: str) -> geopandas.GeoDataFrame:
    rows = [_coerce_row(record, schema, _label(record, i, kind)) for i, record in enumerate(records)]
    data = {
        column: pd.Series([row[column] for row in rows], dtype=DTYPES[column_kind])
        for column, column_kind in schema.items()
    }
    geometry = [_point(row["longitude"], row["latitude"]) for row in rows]
    return geopandas.GeoDataFrame(
        data, geometry=geopandas.GeoSeries(geometry, crs=CRS), crs=CRS
    )


def _label(record: Mapping, index: int, kind: str) -> str:
    """How error messages name a record: its event_id, else its position."""
    if kind == "event" and not is_null(record.get("event_id")):
        return f"event {str(record['event_id'])!r}"
    return f"{kind} #{index}"


def _coerce_row(record: Mapping, schema: dict[str, str], label: str) -> dict:
    return {
        column: COERCE[column_kind](record.get(column), column, label)
        for column, column_kind in schema.items()
    }


def _point(lon: float, lat: float) -> Point | None:
    return None if math.isnan(lon) or math.isnan(lat) else Point(lon, lat)


def _text(value, column: str, label: str) -> str | None:
    if is_null(value):
        return None
    if isinstance(value, (list, tuple)):
        # A merged event keeps every source; ACLED joins several with "; ".
        return "; ".join(str(v) for v in value if not is_null(v)).replace("\0", NUL_STAND_IN) or None
    return str(value).replace("\0", NUL_STAND_IN)


def _iso_date(value, column: str, label: str) -> str | None:
    if is_null(value):
        return None
    text = iso_date(value)
    if text is None:
        raise ValueError(f"{label}: {column} {value!r} is not a date")
    return text


def _whole_number(value, column: str, label: str) -> int:
    number = whole_number(value)
    if number is None:
        raise ValueError(f"{label}: {column} must be a whole number >= 0, got {value!r}")
    return number


def _count(value, column: str, label: str) -> int:
    return 0 if is_null(value) else _whole_number(value, column, label)


def _offset(value, column: str, label: str):
    return pd.NA if is_null(value) else _whole_number(value, column, label)


def _precision(value, column: str, label: str):
    if is_null(value):
        return pd.NA
    number = _whole_number(value, column, label)
    if number not in PRECISIONS:
        raise ValueError(f"{label}: {column} must be 1, 2 or 3, got {value!r}")
    return number


def _float(value, column: str, label: str) -> float:
    if is_null(value):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label}: {column} must be a number, got {value!r}") from None
    if column in ("latitude", "longitude"):
        _check_range(number, column, label)
    return number


def _coordinate(value, column: str, label: str) -> float:
    if is_null(value):
        raise ValueError(f"{label}: {column} is missing; an event needs coordinates")
    return _float(value, column, label)


def _check_range(number: float, column: str, label: str) -> None:
    limit = 90.0 if column == "latitude" else 180.0
    if not -limit <= number <= limit:  # also catches inf and nan
        raise ValueError(f"{label}: {column} {number!r} is outside [-{limit:g}, {limit:g}]")


COERCE = {
    "text": _text,
    "date": _iso_date,
    "count": _count,
    "precision": _precision,
    "offset": _offset,
    "float": _float,
    "coord": _coordinate,
}
