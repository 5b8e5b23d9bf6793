"""The timeline under the map: events per day or week as bars stacked by actor, deaths as a line.

Drawn in the browser on a ``<canvas>`` by ``maps/data/timeline.js`` from the events the page
already holds; dragging over it (a brush) sets the date range of the whole map, a play button
steps through the weeks. Python only chooses the bar width and passes the numbers.

>>> timeline_unit("2014-12-23", "2015-02-01"), timeline_unit("2014-01-01", "2019-12-31")
('day', 'week')
>>> timeline_unit(None, None)
'day'
"""

from __future__ import annotations

from datetime import date

DAY_BARS_UP_TO = 120  # days: a longer span is drawn by week, one bar per Monday-to-Sunday
PLAY_STEP_DAYS = 7  # the play button moves the date range on by one week
PLAY_INTERVAL_MS = 900
FATALITIES_COLOR = "#b71c1c"


def timeline_unit(first: str | None, last: str | None) -> str:
    """ "day" for spans up to DAY_BARS_UP_TO days, else "week"."""
    if not first or not last:
        return "day"
    span = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    return "day" if span <= DAY_BARS_UP_TO else "week"


def timeline_options(first: str | None, last: str | None) -> dict:
    """What timeline.js is told (the colours of the bars are the actor layers')."""
    return {
        "unit": timeline_unit(first, last),
        "playStepDays": PLAY_STEP_DAYS,
        "playIntervalMs": PLAY_INTERVAL_MS,
        "fatalitiesColor": FATALITIES_COLOR,
    }
