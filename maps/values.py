"""Read event columns tolerantly: one kind of value per column, whatever the frame came from.

A frame built by ``geo.frame.events_frame`` already holds clean values; one read back from a
GeoJSON file by another tool may hold floats for counts, NaN for nulls or pandas
Timestamps for dates. The map reads every cell through these functions, so it never has to
guess and a missing column is just null.

>>> text(float("nan")), count("3"), count(None), precision(2.0), iso_date("2014-12-23T08:00")
(None, 3, 0, 2, '2014-12-23')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd

UNKNOWN_ACTOR = "Unknown actor"

TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
GEO_PRECISION = {1: "exact", 2: "near", 3: "province"}


def is_null(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (str, int)):  # the common cells first: this runs for every cell
        return False
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False
    except (TypeError, ValueError):
        return False


def text(value) -> str | None:
    """A text cell as ``str``, or None for null and empty text."""
    if is_null(value):
        return None
    value = str(value).strip()
    return value or None


def count(value) -> int:
    """A count cell as an int >= 0; null or unreadable is 0 (ACLED's "unknown")."""
    if is_null(value) or isinstance(value, bool):
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return int(number) if math.isfinite(number) and number > 0 else 0


def precision(value) -> int | None:
    """A precision cell (1, 2 or 3), or None when null or out of range."""
    if is_null(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number in (1, 2, 3) else None


def number(value) -> float | None:
    if is_null(value) or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def iso_date(value) -> str | None:
    """A date cell as "YYYY-MM-DD", or None when null or not a date."""
    if is_null(value):
        return None
    try:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            value = value.strip()
            try:
                return date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                return None
        return pd.Timestamp(value).date().isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def actor(value) -> str:
    """The actor a marker is layered under: the actor1 text, or "Unknown actor"."""
    return text(value) or UNKNOWN_ACTOR


def get(row: Mapping, column: str):
    """``row[column]``, or None when the frame has no such column."""
    try:
        return row[column]
    except (KeyError, IndexError):
        return None
