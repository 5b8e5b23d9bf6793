"""Interactive HTML maps of conflict events: the event GeoDataFrame in, one HTML file out.

maps/ reads only the event columns (see geo.document.EVENT_COLUMNS) and knows nothing about
how the events were found.

>>> import maps
>>> maps.actor_color("SDF"), maps.actor_color(None)
('#e6b800', '#8a8a8a')
"""

from conflictmap.maps.assets import AssetError, inline_assets
from conflictmap.maps.assets import fetch as fetch_assets
from conflictmap.maps.boundaries import BoundariesError, count_events, load_boundaries
from conflictmap.maps.cli import cli_main, map_command
from conflictmap.maps.colors import KNOWN_ACTOR_COLORS, actor_color
from conflictmap.maps.io import EventsFileError, read_events
from conflictmap.maps.popup import escape, popup_html
from conflictmap.maps.render import FAST_THRESHOLD, build_map, render

__all__ = [
    "AssetError", "BoundariesError", "EventsFileError", "FAST_THRESHOLD", "KNOWN_ACTOR_COLORS",
    "actor_color", "build_map", "cli_main", "count_events", "escape", "fetch_assets", "inline_assets",
    "load_boundaries", "map_command", "popup_html", "read_events", "render",
]
