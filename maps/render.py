"""Event GeoDataFrame -> an interactive folium map, and the map -> one HTML file.

>>> import tempfile
>>> from pathlib import Path
>>> import geopandas
>>> from shapely.geometry import Point
>>> events = geopandas.GeoDataFrame(
...     {"event_date": ["2014-12-23"], "time_precision": [1], "actor1": ["US-led coalition"],
...      "event_type": ["Explosions/Remote violence"], "fatalities": [3], "location": ["Hajin"]},
...     geometry=[Point(40.827, 34.693)], crs=4326)
>>> out = render(events, Path(tempfile.mkdtemp()) / "map.html", title="Hajin")
>>> html = out.read_text(encoding="utf-8")
>>> "US-led coalition" in html and "2014-12-23" in html
True
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import folium
import geopandas

from conflictmap.files import write_atomic
from conflictmap.theatre import THEATRE_NAMES
from conflictmap.maps import values as v
from conflictmap.maps.assets import AssetError, external_resources, inline_assets
from conflictmap.maps.boundaries import count_events, load_boundaries, locate_events
from conflictmap.maps.colors import actor_color, actor_order
from conflictmap.maps.controls import OSM_ATTRIBUTION, Attribution, Footer, Header, MapStyle, legend
from conflictmap.maps.elements import EventLayerControl
from conflictmap.maps.layers import (BASE_PANE, CHOROPLETH_COLORS, CHOROPLETH_PANE, EventRecord, actor_layer,
                                     choropleth_layer, event_cluster, heat_layer, outline_layers)
from conflictmap.maps.popup import escape, popup_cells
from conflictmap.maps.style import marker_radius, marker_style
from conflictmap.maps.table import table_options
from conflictmap.maps.timeline import timeline_options
from conflictmap.maps.workbench import Layout, Workbench, WorkbenchCode, workbench_data

FAST_THRESHOLD = 2000  # from this many events up, actor layers are built in the browser
STRATEGIES = ("auto", "markers", "fast")
DEFAULT_CENTER = (34.8, 40.5)  # between Damascus and Baghdad
DEFAULT_ZOOM = 6
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

# folium links Bootstrap, Font Awesome, glyphicons and awesome-markers for its Icon markers;
# these maps draw circle markers only, so they link Leaflet and jQuery (folium's popups use
# it) and nothing else. Plugins add their own (MarkerCluster, HeatMap).
MAP_JS = [(name, url) for name, url in folium.Map.default_js if name in ("leaflet", "jquery")]
MAP_CSS = [(name, url) for name, url in folium.Map.default_css if name == "leaflet_css"]


def event_records(events: geopandas.GeoDataFrame) -> list[EventRecord]:
    """One :class:`EventRecord` per event with a location; others are skipped with a warning.

    The location is the row's geometry (a Point, or a point on any other shape), else its
    latitude/longitude columns; a plain DataFrame with those columns works too.
    """
    crs = getattr(events, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        events = events.to_crs(4326)
    try:
        geometries = list(events.geometry)
        table = events.drop(columns=[events.geometry.name])
    except AttributeError:  # no active geometry column
        geometries, table = [None] * len(events), events
    records, skipped = [], 0
    # Plain dicts: reading cells from a row Series costs 20x more.
    for position, (row, geom) in enumerate(zip(table.to_dict("records"), geometries)):
        lat, lon = _location(row, geom)
        if lat is None:
            skipped += 1
            continue
        actor = v.actor(row.get("actor1"))
        color = actor_color(actor)
        date = v.iso_date(row.get("event_date"))
        fatalities = v.count(row.get("fatalities"))
        records.append(EventRecord(
            lat=lat, lon=lon, actor=actor, color=color, date=date, fatalities=fatalities,
            radius=round(marker_radius(fatalities), 1),
            style=marker_style(color, v.text(row.get("event_type")), dated=date is not None),
            popup_cells=popup_cells(row), position=position,
        ))
    if skipped:
        warnings.warn(f"{skipped} event(s) without a location were left off the map", stacklevel=3)
    return records


def _location(row, geom) -> tuple[float | None, float | None]:
    if geom is not None and not v.is_null(geom) and not geom.is_empty:
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        return point.y, point.x
    lat, lon = v.number(v.get(row, "latitude")), v.number(v.get(row, "longitude"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _summary(records: list[EventRecord]) -> tuple[str, str | None, str | None]:
    dates = sorted(r.date for r in records if r.date)
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    parts = [f"{len(records)} event{'s' if len(records) != 1 else ''}"]
    if first:
        parts.append(first if first == last else f"{first} to {last}")
    undated = len(records) - len(dates)
    if undated:
        parts.append(f"{undated} without a date")
    parts.append(f"{sum(r.fatalities for r in records)} killed")
    return " · ".join(parts), first, last


def build_map(events: geopandas.GeoDataFrame, *, title: str | None = None, boundaries=None,
              strategy: str = "auto", outlines: bool = False, heat: bool = True) -> folium.Map:
    """The folium map of ``events`` (a GeoDataFrame with the event columns, EPSG:4326).

    One toggleable layer per actor1 (null -> "Unknown actor"), its events as circle markers
    in one shared MarkerCluster, a heat map and a governorate choropleth (both off at first),
    a legend, attribution, and the workbench around them (maps.workbench: the filter by
    actor, dates and search, the timeline, the table and its downloads, the page layout;
    the choropleth follows the filter). ``boundaries``: None
    for the packaged Syria/Iraq governorates, False for no choropleth, or a path /
    GeoDataFrame of polygons. ``strategy``: "markers" (folium elements), "fast" (drawn in the
    browser), or "auto" (fast from FAST_THRESHOLD events up).
    ``outlines`` draws governorate and country outlines under the tiles.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    records = event_records(events)
    fast = strategy == "fast" or (strategy == "auto" and len(records) >= FAST_THRESHOLD)
    summary, first, last = _summary(records)
    title = title or "Conflict events"

    m = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None, control_scale=True)
    m.get_root().title = escape(title)  # branca writes it into <title> as is
    m.default_js, m.default_css = list(MAP_JS), list(MAP_CSS)
    regions = load_boundaries(boundaries)

    folium.map.CustomPane(BASE_PANE, z_index=150, pointer_events=False).add_to(m)
    folium.map.CustomPane(CHOROPLETH_PANE, z_index=390, pointer_events=True).add_to(m)
    if outlines and regions is not None:
        for layer in outline_layers(regions):
            layer.add_to(m)
    folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19, control=False).add_to(m)

    by_actor: dict[str, list[EventRecord]] = {}
    for rec in records:
        by_actor.setdefault(rec.actor, []).append(rec)
    counts = Counter({actor: len(recs) for actor, recs in by_actor.items()})
    cluster = event_cluster()
    actor_layers = [actor_layer(actor, actor_color(actor), by_actor[actor], cluster, fast=fast)
                    for actor in actor_order(by_actor, counts)]
    cluster.add_to(m)  # before the actor groups: their indexes name its markers
    for layer in actor_layers:
        layer.group.add_to(m)
    # The heat map and the filter see the events in actor-layer order.
    ordered = [rec for layer in actor_layers for rec in layer.records]

    heat_map = None
    if heat and ordered:
        heat_map = heat_layer(ordered)
        heat_map.add_to(m)
    choropleth = None
    choropleth_legend, outside, located = [], 0, None
    if regions is not None:
        regions = regions.reset_index(drop=True)
        points = _points(ordered)
        located = locate_events(points, regions)
        choropleth, choropleth_legend, outside = choropleth_layer(count_events(points, regions, located))
        choropleth.add_to(m)

    layer_control = EventLayerControl(collapsed=False, position="topright")
    layer_control.add_to(m)
    legend_panel = legend(choropleth_legend, outside, governorates=choropleth is not None)
    legend_panel.add_to(m)
    Workbench(
        cluster.get_name(), [(layer.group.get_name(), layer.index.get_name()) for layer in actor_layers],
        [(layer.actor, layer.color) for layer in actor_layers], first, last,
        workbench_data(events, ordered, located),
        heat=heat_map.get_name() if heat_map else None,
        region_layer=choropleth.get_name() if choropleth is not None else None,
        regions=_region_options(regions) if choropleth is not None else None,
        layer_control=layer_control.get_name(), legend=legend_panel.get_name(),
        timeline=timeline_options(first, last), table=table_options(),
    ).add_to(m)
    Attribution().add_to(m)
    MapStyle().add_to(m)
    root = m.get_root()
    root.header.add_child(WorkbenchCode(), name="cm_workbench_code")
    root.html.add_child(Header(title, summary), name="cm_header")
    root.html.add_child(Layout(), name="cm_layout")
    root.html.add_child(Footer(), name="cm_footer")

    if records:
        lats = [r.lat for r in records]
        lons = [r.lon for r in records]
        # The filter, layer list and legend sit beside the map, not on it: a margin for the
        # largest markers only.
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=10, padding=(36, 36))
    return m


def _region_options(regions) -> dict:
    return {"names": [str(name) for name in regions["name"]],
            "countries": [THEATRE_NAMES.get(c, c) if isinstance(c, str) else None for c in regions["country"]],
            "colors": list(CHOROPLETH_COLORS)}


def _points(records: list[EventRecord]) -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(
        {"fatalities": [r.fatalities for r in records]},
        geometry=geopandas.points_from_xy([r.lon for r in records], [r.lat for r in records]), crs=4326,
    )


def render(events: geopandas.GeoDataFrame, path, *, title: str | None = None, self_contained: bool = False,
           boundaries=None, strategy: str = "auto") -> Path:
    """Write the map of ``events`` to ``path`` as one HTML file, atomically.

    ``self_contained=True`` inlines every script and stylesheet (fetched once from the npm
    registry into the asset cache, see maps.assets) and draws governorate and country
    outlines under the tiles, so the file shows the events with no network at all.
    """
    path = Path(path)
    m = build_map(events, title=title, boundaries=boundaries, strategy=strategy, outlines=self_contained)
    if self_contained:
        inline_assets(m)
    html = m.get_root().render()
    if self_contained:
        remaining = external_resources(html)
        if remaining:
            raise AssetError(f"the map still links {', '.join(remaining)}; it would not open offline")
    return write_atomic(path, html)

