"""How an event marker looks: fill in the actor's colour, outline by event type, size by deaths.

Colour says who, the outline says what, the size says how deadly, a dashed outline says
the date is unknown. The legend is drawn from the same tables.

>>> marker_radius(0), marker_radius(4), marker_radius(10_000)
(4.0, 10.0, 30.0)
>>> s = marker_style("#1a1a1a", "Battles", dated=False)
>>> s["fill_color"], s["dash_array"], s["class_name"]
('#1a1a1a', '4 3', 'cm-event cm-undated')
"""

from __future__ import annotations

import math

# ACLED's event types; anything else gets OTHER_TYPE. Stroke "actor" means the actor colour.
EVENT_TYPE_STYLES: dict[str, dict] = {
    "Battles": {"stroke": "#202020", "weight": 1.5, "fill_opacity": 0.75},
    "Explosions/Remote violence": {"stroke": "actor", "weight": 3.5, "fill_opacity": 0.3},
    "Violence against civilians": {"stroke": "#c00000", "weight": 3.0, "fill_opacity": 0.75},
    "Strategic developments": {"stroke": "#ffffff", "weight": 1.5, "fill_opacity": 0.45},
    "Protests": {"stroke": "#ffffff", "weight": 1.5, "fill_opacity": 0.45},
    "Riots": {"stroke": "#ffffff", "weight": 1.5, "fill_opacity": 0.45},
}
OTHER_TYPE = "Other or unknown type"
OTHER_STYLE = {"stroke": "#707070", "weight": 1.0, "fill_opacity": 0.5}
LEGEND_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", OTHER_TYPE)

UNDATED_DASH = "4 3"
MIN_RADIUS = 4.0
RADIUS_PER_SQRT_DEATH = 3.0
MAX_RADIUS = 30.0


def marker_radius(fatalities: int) -> float:
    """Pixels: area grows with deaths (square-root scale), capped so a massacre stays clickable."""
    return min(MAX_RADIUS, MIN_RADIUS + RADIUS_PER_SQRT_DEATH * math.sqrt(max(0, fatalities)))


def type_style(event_type: str | None) -> dict:
    return EVENT_TYPE_STYLES.get(event_type or "", OTHER_STYLE)


def marker_style(color: str, event_type: str | None, dated: bool) -> dict:
    """folium CircleMarker keyword arguments (snake_case) for one event."""
    style = type_style(event_type)
    return {
        "color": color if style["stroke"] == "actor" else style["stroke"],
        "weight": style["weight"],
        "opacity": 0.95,
        "fill": True,
        "fill_color": color,
        "fill_opacity": style["fill_opacity"],
        "dash_array": None if dated else UNDATED_DASH,
        "class_name": "cm-event" if dated else "cm-event cm-undated",
    }


def leaflet_options(style: dict, radius: float) -> dict:
    """The same style as Leaflet path options (camelCase), for markers drawn in the browser."""
    options = {
        "radius": radius,
        "color": style["color"],
        "weight": style["weight"],
        "opacity": style["opacity"],
        "fill": True,
        "fillColor": style["fill_color"],
        "fillOpacity": style["fill_opacity"],
        "className": style["class_name"],
    }
    if style["dash_array"]:
        options["dashArray"] = style["dash_array"]
    return options
