"""Event cell values read one way everywhere: nulls, numbers, counts, precisions, dates.

``conflictmap.geo.frame`` builds the event frames from these (and refuses a value they cannot
read, naming the event); ``conflictmap.maps.values`` reads any frame's cells with them (and
takes an unreadable value as null). Each function gives ``None`` for a null or unreadable
value, so both callers decide what that means for them.

>>> is_null(float("nan")), number("2.5"), whole_number(3.0), whole_number(-1), precision("2")
(True, 2.5, 3, None, 2)
>>> iso_date("2014-12-23T08:00:00"), iso_date("last Tuesday")
('2014-12-23', None)
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

PRECISIONS = (1, 2, 3)  # time_precision: day, week, month; geo_precision: exact, near, province


def is_null(value) -> bool:
    """None, NaN, pandas' NA and NaT; a list or other non-scalar is not null."""
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


def number(value) -> float | None:
    """A finite number as ``float``; None for null, a bool, text that is no number, inf."""
    if is_null(value) or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def whole_number(value) -> int | None:
    """A whole number >= 0 as ``int`` (3.0 and "3" are 3); None for anything else."""
    result = number(value)
    return int(result) if result is not None and result.is_integer() and result >= 0 else None


def precision(value) -> int | None:
    """A precision (1, 2 or 3) as ``int``; None for null or anything else."""
    result = whole_number(value)
    return result if result in PRECISIONS else None


def iso_date(value) -> str | None:
    """A date as "YYYY-MM-DD" (from a date, a datetime, an ISO string with or without a time,
    a pandas or numpy timestamp); None for null or what is not a date."""
    if is_null(value):
        return None
    try:
        if isinstance(value, datetime):  # before date: datetime is a date subclass
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                return datetime.fromisoformat(text).date().isoformat()  # "2014-12-23T08:00:00"
        return pd.Timestamp(value).date().isoformat()
    except (TypeError, ValueError, OverflowError):
        return None
