"""The table of events under the map, and what its "Download what I see" buttons write.

The browser holds the event columns of every event on the map (:func:`column_data`, one JSON
value per cell, as the GeoJSON export writes them) and draws the table and the downloads from
them (``maps/data/table.js``). Cells are text in the page (``textContent``), never HTML; the
only link is a source URL that :func:`maps.popup.source_links` let through. The CSV download
neutralises formula cells the way ``conflictmap run``'s events.csv does.

>>> [label for _, label in TABLE_COLUMNS]
['Date', 'Place', 'Type', 'Actor 1', 'Actor 2', 'Killed', 'Source']
>>> import pandas as pd
>>> frame = pd.DataFrame({"event_id": ["A", "B"], "fatalities": [3.0, None], "notes": ["=1+1", None]})
>>> data = column_data(frame, [1, 0])
>>> data["event_id"], data["fatalities"], data["notes"]
(['B', 'A'], [None, 3], [None, '=1+1'])
"""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Sequence

import numpy as np

from conflictmap.maps import values as v

# The event columns (DESIGN.md, "the contract"; geo.document.EVENT_COLUMNS holds the same
# names in the same order, tests/test_maps.py checks): what a download holds, in this order.
EXPORT_COLUMNS = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "assoc_actor_1", "country", "iso3", "admin1", "admin2",
    "location", "latitude", "longitude", "geo_precision", "fatalities",
    "civilian_fatalities", "injuries", "place_id", "place_source", "confidence",
    "source", "source_url", "doc_id", "notes",
)
WHOLE_NUMBER_COLUMNS = ("time_precision", "geo_precision", "fatalities", "civilian_fatalities", "injuries")
# OWASP "CSV Injection": a cell starting with one of these gets a leading ' (as geo.export does).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# (key, heading) of the table's columns; table.js knows how to fill and sort each key.
TABLE_COLUMNS = (
    ("date", "Date"), ("place", "Place"), ("type", "Type"), ("actor1", "Actor 1"),
    ("actor2", "Actor 2"), ("fatalities", "Killed"), ("source", "Source"),
)
ROW_HEIGHT = 24  # px: every row is one line, so the table draws only the rows in sight
DICTIONARY_SHARE = 0.5  # a column with fewer distinct values than this share of rows is sent as a dictionary


def json_cell(column: str, value):
    """One cell as JSON has it: null for every kind of missing, ISO text for dates, whole
    numbers as ints, other numbers as floats, anything else as text."""
    if v.is_null(value):
        return None
    if column == "event_date":
        return v.iso_date(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        if column in WHOLE_NUMBER_COLUMNS and number.is_integer():
            return int(number)
        return number
    if isinstance(value, (datetime.date, datetime.datetime)):
        return v.iso_date(value)
    return str(value)


def encode(values: list) -> list | dict:
    """A column as a plain list, as ``{"value": v}`` when every row holds the same value, or as
    ``{"values": [...], "codes": [...]}`` when few distinct values repeat (actors, types, places,
    dates): the page gets a fraction of the bytes. workbench.js ``decode`` reads all three.

    >>> encode([None] * 30), encode(["a", "b"])
    ({'value': None}, ['a', 'b'])
    """
    if len(values) >= 2 and all(type(value) is type(values[0]) and value == values[0] for value in values):
        return {"value": values[0]}
    if len(values) < 20:
        return values
    index: dict = {}
    codes = []
    for value in values:
        key = (type(value), value)
        code = index.get(key)
        if code is None:
            code = index[key] = len(index)
        codes.append(code)
    if len(index) >= DICTIONARY_SHARE * len(values):
        return values
    return {"values": [value for _, value in index], "codes": codes}


def column_data(frame, positions: Sequence[int]) -> dict[str, list]:
    """The event columns ``frame`` has, at ``positions`` (row positions), as JSON values."""
    data = {}
    for column in EXPORT_COLUMNS:
        if column not in frame.columns:
            continue
        cells = frame[column].to_numpy(dtype=object)[list(positions)] if len(positions) else []
        data[column] = [json_cell(column, cell) for cell in cells]
    return data


def table_options() -> dict:
    """What table.js is told: the columns, the export columns and the CSV rule."""
    return {
        "columns": [{"key": key, "label": label} for key, label in TABLE_COLUMNS],
        "rowHeight": ROW_HEIGHT,
        "formulaPrefixes": list(FORMULA_PREFIXES),
    }
