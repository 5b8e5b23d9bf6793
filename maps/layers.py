"""The layers of an event map: one per actor, a heat map, governorate counts, base outlines.

Each function returns folium elements to add to a map; none writes HTML by hand.

All event markers sit in one shared ``MarkerCluster`` (so the events of a dozen actors in
one town make one cluster, not a dozen stacked ones). Each actor has a toggleable
``FeatureGroup`` in the layer control; it carries the actor's index of markers and dates, and
the workbench (maps.workbench) puts into the cluster the markers whose actor is on, whose date
is in range and that match the search. Markers come in two builds with the same look and
behaviour:

* ``"markers"``: one folium ``CircleMarker`` with a folium ``Popup`` per event. Every marker
  is an element of the tree a caller can inspect.
* ``"fast"``: the events of an actor as one JSON array from which the browser creates the
  same circle markers and popups (:class:`EventPoints`). Python writes half as much and
  renders ~5x faster (bench/bench_map.py), which matters from a few thousand events up.

>>> from maps.layers import cluster_icon_function
>>> "#37474f" in cluster_icon_function()
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import folium
import folium.plugins
from folium.template import Template

from conflictmap.maps.boundaries import country_outlines
from conflictmap.maps.colors import is_hex_color
from conflictmap.maps.elements import DataGeoJson, RenderedOnce, script_json
from conflictmap.maps.popup import POPUP_LABELS, escape, wrap_cells
from conflictmap.maps.style import leaflet_options
from conflictmap.theatre import THEATRE_NAMES

POPUP_MAX_WIDTH = 380
CLUSTER_OPTIONS = {
    "maxClusterRadius": 35,
    "showCoverageOnHover": False,
    "spiderfyOnMaxZoom": True,
    # No chunkedLoading: markercluster 1.1.0 (what folium links) then throws on a map move
    # during loading under Leaflet 1.9; one synchronous addLayers of 10k markers takes ~0.3 s.
    "chunkedLoading": False,
}
BASE_PANE = "cm-base"  # under the tiles: seen only where tiles did not load
CHOROPLETH_PANE = "cm-choropleth"  # above the tiles, under the event markers
CHOROPLETH_COLORS = ("#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404")


@dataclass
class EventRecord:
    """What the map needs of one event, read once from the frame."""

    lat: float
    lon: float
    actor: str
    color: str
    date: str | None
    fatalities: int
    radius: float
    style: dict
    popup_cells: list  # escaped HTML per popup row (maps.popup.popup_cells)
    position: int = -1  # the event's row position in the frame the map was drawn from

    @property
    def popup(self) -> str:
        return wrap_cells(self.popup_cells)


@dataclass
class ActorLayer:
    """The folium elements of one actor, and the JS name of its date index."""

    actor: str
    color: str
    group: folium.FeatureGroup
    index: RenderedOnce  # EventIndex or EventPoints
    records: list[EventRecord] = field(default_factory=list)


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` ("#rrggbb")."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000" if luminance > 0.55 else "#fff"


CLUSTER_COLOR = "#37474f"  # neutral: a cluster mixes actors; markers carry the actor colours


def cluster_icon_function(color: str = CLUSTER_COLOR) -> str:
    """Leaflet.markercluster's iconCreateFunction: a disc with the number of events."""
    if not is_hex_color(color):
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return f"""function (cluster) {{
        var n = cluster.getChildCount();
        var size = n < 10 ? 30 : (n < 100 ? 36 : 44);
        var html = '<div style="background-color:{color};color:{text_color_on(color)};'
            + 'width:' + (size - 8) + 'px;height:' + (size - 8) + 'px;line-height:' + (size - 8) + 'px">'
            + '<span>' + n + '</span></div>';
        return L.divIcon({{html: html, className: 'marker-cluster cm-cluster', iconSize: L.point(size, size)}});
    }}"""


def layer_label(actor: str, color: str, n_events: int) -> str:
    """The layer control's entry (Leaflet writes it as HTML): swatch, escaped name, count."""
    return (f'<span class="cm-swatch" style="background:{color}"></span>'
            f'<span class="cm-actor">{escape(actor)}</span> <span class="cm-count">({n_events})</span>')


class EventIndex(RenderedOnce):
    """``var <name> = {entries: [[marker, "YYYY-MM-DD" or null], ...]}`` over folium markers,
    for the workbench's filter."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {entries: [
        {%- for marker, date in this.entries %}
            [{{ marker.get_name() }}, {{ date|tojson }}],
        {%- endfor %}
        ]};
        {% endmacro %}
    """)

    def __init__(self, entries: Sequence[tuple[folium.CircleMarker, str | None]]):
        super().__init__()
        self._name = "EventIndex"
        self.entries = list(entries)


class EventPoints(RenderedOnce):
    """Many events of one actor, created in the browser from one JSON array (fast build).

    Each row is ``[lat, lon, radius, style index, date or null, popup cells]``. The cells are
    escaped in Python (maps.popup.popup_cells); the browser only wraps them in the same fixed
    table markup as maps.popup.wrap_cells, when a popup opens. Jinja's ``tojson`` keeps the
    array inert inside the ``<script>``. Exposes ``{entries: [[marker, date], ...]}`` like
    :class:`EventIndex`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles|tojson }};
            var labels = {{ this.labels|tojson }};
            var rows = {{ this.rows_json }};
            function popupHtml(cells) {
                var html = '<div class="cm-popup"><table>';
                for (var i = 0; i < labels.length; i++) {
                    if (cells[i] !== null && cells[i] !== undefined) {
                        html += '<tr><th>' + labels[i] + '</th><td>' + cells[i] + '</td></tr>';
                    }
                }
                return html + '</table></div>';
            }
            function bind(marker, cells) {
                marker.bindPopup(function () { return popupHtml(cells); }, {maxWidth: {{ this.max_width }}});
            }
            var entries = new Array(rows.length), markers = new Array(rows.length);
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var marker = L.circleMarker([r[0], r[1]], Object.assign({radius: r[2]}, styles[r[3]]));
                bind(marker, r[5]);
                markers[i] = marker;
                entries[i] = [marker, r[4]];
            }
            {{ this.cluster.get_name() }}.addLayers(markers);
            return {entries: entries};
        })();
        {% endmacro %}
    """)

    def __init__(self, cluster: folium.plugins.MarkerCluster, records: Sequence[EventRecord]):
        super().__init__()
        self._name = "EventPoints"
        self.cluster = cluster
        self.max_width = POPUP_MAX_WIDTH
        self.labels = [escape(label) for label in POPUP_LABELS]
        styles, index = [], {}
        self.rows = []
        for rec in records:
            key = tuple(sorted((k, v) for k, v in rec.style.items()))
            if key not in index:
                index[key] = len(styles)
                options = leaflet_options(rec.style, rec.radius)
                del options["radius"]
                styles.append(options)
            cells = list(rec.popup_cells)
            while cells and cells[-1] is None:
                cells.pop()
            self.rows.append([round(rec.lat, 5), round(rec.lon, 5), round(rec.radius, 1), index[key], rec.date, cells])
        self.styles = styles
        self.rows_json = script_json(self.rows)  # compact: the bulk of a big map


class EventPopup(RenderedOnce):
    """The popup of one folium marker, its HTML passed to Leaflet as a JSON string.

    Not ``folium.Popup``: that renders its HTML a second time as a Jinja2 template, so article
    text in it would run as template code (maps.elements).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {maxWidth: {{ this.max_width }}});
        {% endmacro %}
    """)

    def __init__(self, html: str, max_width: int = POPUP_MAX_WIDTH):
        super().__init__()
        self._name = "EventPopup"
        self.html = html
        self.max_width = int(max_width)


def event_cluster() -> folium.plugins.MarkerCluster:
    """The one MarkerCluster every event marker goes into (not itself in the layer control)."""
    return folium.plugins.MarkerCluster(
        name="Events", control=False, icon_create_function=cluster_icon_function(), options=dict(CLUSTER_OPTIONS)
    )


def actor_layer(actor: str, color: str, records: Sequence[EventRecord],
                cluster: folium.plugins.MarkerCluster, fast: bool) -> ActorLayer:
    """One actor's toggleable FeatureGroup and its events' markers, which go into ``cluster``.

    Add ``cluster`` to the map before the returned group: the group's index refers to the
    markers by name.
    """
    group = folium.FeatureGroup(name=layer_label(actor, color, len(records)), overlay=True, show=True)
    if fast:
        index = EventPoints(cluster, records)
    else:
        entries = []
        for rec in records:
            marker = folium.CircleMarker(location=(rec.lat, rec.lon), radius=rec.radius, **rec.style)
            EventPopup(rec.popup).add_to(marker)
            marker.add_to(cluster)
            entries.append((marker, rec.date))
        index = EventIndex(entries)
    index.add_to(group)
    return ActorLayer(actor, color, group, index, list(records))


def heat_layer(records: Sequence[EventRecord]) -> folium.plugins.HeatMap:
    """Event density (one unit per event), off until chosen in the layer control."""
    return folium.plugins.HeatMap(
        [[round(r.lat, 5), round(r.lon, 5), 1.0] for r in records],
        name="Heat map: event density",
        show=False, radius=18, blur=15, min_opacity=0.35, max_zoom=12,
    )


def choropleth_breaks(counts: Sequence[int]) -> list[int]:
    """Lower bounds of up to five classes of non-zero counts (quantiles, rounded up)."""
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    distinct = sorted(set(values))
    if len(distinct) <= len(CHOROPLETH_COLORS):
        return distinct
    k = len(CHOROPLETH_COLORS)
    breaks = [values[0]] + [values[min(len(values) - 1, math.ceil(len(values) * i / k))] for i in range(1, k)]
    return sorted(set(breaks))


def choropleth_color(count: int, breaks: Sequence[int]) -> str | None:
    if count <= 0 or not breaks:
        return None
    shift = len(CHOROPLETH_COLORS) - len(breaks)  # few classes take the darker colours
    cls = max(i for i, lower in enumerate(breaks) if count >= lower)
    return CHOROPLETH_COLORS[cls + shift]


CHOROPLETH_NAME = "Events per governorate (events shown)"


def choropleth_layer(counted) -> tuple[folium.GeoJson, list[tuple[str, str]], int]:
    """Events and deaths per admin1 polygon (``counted``: maps.boundaries.count_events), as a
    toggleable GeoJson layer with a tooltip per governorate. Returns the layer, its legend
    classes and the number of events outside every polygon.

    These are the counts of all events; in the page the workbench recounts them for the
    events on show (dates, actors, search) and restyles the layer, its tooltips and legend.
    """
    breaks = choropleth_breaks(counted["events"].tolist())
    features = []
    for i, row in enumerate(counted.itertuples(index=False)):
        country = THEATRE_NAMES.get(row.country, row.country)
        where = f"{row.name} ({country})" if country else str(row.name)
        label = (f"<b>{escape(where)}</b><br>{row.events} event{'s' if row.events != 1 else ''}, "
                 f"{row.fatalities} killed")
        features.append({
            "type": "Feature",
            "id": str(i),  # folium keys its styles by feature id; names need not be unique
            "properties": {"name": str(row.name), "country": row.country, "events": int(row.events),
                           "fatalities": int(row.fatalities), "label": label,
                           "fill": choropleth_color(int(row.events), breaks)},
            "geometry": row.geometry.__geo_interface__,
        })
    layer = DataGeoJson(
        {"type": "FeatureCollection", "features": features},
        name=CHOROPLETH_NAME,
        show=False,
        style_function=_choropleth_style,
        highlight_function=lambda feature: {"weight": 3, "color": "#333"},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
        pane=CHOROPLETH_PANE,
    )
    legend = []
    for i, lower in enumerate(breaks):
        upper = breaks[i + 1] - 1 if i + 1 < len(breaks) else None
        text = f"{lower}" if upper == lower else (f"{lower}–{upper}" if upper is not None else f"{lower}+")
        legend.append((choropleth_color(lower, breaks), text))
    return layer, legend, counted.attrs.get("outside", 0)


def _choropleth_style(feature):
    fill = feature["properties"]["fill"]
    return {"fillColor": fill or "#ffffff", "fillOpacity": 0.65 if fill else 0.0,
            "color": "#666", "weight": 1, "opacity": 0.8}


def outline_layers(regions) -> list[folium.GeoJson]:
    """Governorate and country outlines in a pane under the tiles: when tiles cannot load
    (offline), the events still sit on a recognisable map."""
    land = folium.GeoJson(
        regions[[regions.geometry.name]].__geo_interface__,
        name="Outlines", control=False, pane=BASE_PANE, interactive=False,
        style_function=lambda f: {"color": "#9a9a9a", "weight": 0.8, "fillColor": "#f2efe9", "fillOpacity": 1},
    )
    borders = folium.GeoJson(
        country_outlines(regions)[["geometry"]].__geo_interface__,
        name="Country outlines", control=False, pane=BASE_PANE, interactive=False,
        style_function=lambda f: {"color": "#555555", "weight": 2, "fill": False},
    )
    return [land, borders]
