"""Read event columns tolerantly: one kind of value per column, whatever the frame came from.

A frame built by ``geo.frame.events_frame`` already holds clean values; one read back from a
GeoJSON file by another tool may hold floats for counts, NaN for nulls or pandas
Timestamps for dates. The map reads every cell through these functions, so it never has to
guess and a missing column is just null. They read values as :mod:`conflictmap.values` does
for the event frames, taking what it cannot read as null.

>>> text(float("nan")), count("3"), count(None), precision(2.0), iso_date("2014-12-23T08:00")
(None, 3, 0, 2, '2014-12-23')
"""

from __future__ import annotations

from collections.abc import Mapping

from conflictmap.values import is_null, iso_date, number, precision

__all__ = ["GEO_PRECISION", "TIME_PRECISION", "UNKNOWN_ACTOR", "actor", "count", "get", "is_null", "iso_date",
           "number", "precision", "text"]

UNKNOWN_ACTOR = "Unknown actor"

TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
GEO_PRECISION = {1: "exact", 2: "near", 3: "province"}


def text(value) -> str | None:
    """A text cell as ``str``, or None for null and empty text."""
    if is_null(value):
        return None
    value = str(value).strip()
    return value or None


def count(value) -> int:
    """A count cell as an int >= 0; null or unreadable is 0 (ACLED's "unknown")."""
    result = number(value)
    return int(result) if result is not None and result > 0 else 0


def actor(value) -> str:
    """The actor a marker is layered under: the actor1 text, or "Unknown actor"."""
    return text(value) or UNKNOWN_ACTOR


def get(row: Mapping, column: str):
    """``row[column]``, or None when the frame has no such column."""
    try:
        return row[column]
    except (KeyError, IndexError):
        return None
