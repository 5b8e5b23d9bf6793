"""The analyst's workbench around the map: filters, search, timeline, table, and the page layout.

One :class:`Workbench` element hands the browser every event the map draws (its marker, actor
layer, date, place, deaths, governorate and event columns: :func:`workbench_data`) and starts
``ConflictMap.workbench`` (``maps/data/workbench.js``), which

* keeps the filter: actor layers on, a date range (two date inputs, or a brush over the
  timeline), a place-or-actor search; undated events always stay;
* puts the events that pass into the shared MarkerCluster (only the ones that changed), the
  heat map, and recounts the governorate layer and its legend;
* draws the timeline (``timeline.js``, :mod:`maps.timeline`) and the table with its downloads
  (``table.js``, :mod:`maps.table`), and links table rows and markers both ways;
* lays out the page: header, a sidebar holding the filter, the layer list and the legend (so
  they never cover the events; a drawer on small screens), the map, the timeline and the
  table under it, the footer with the data credits.

The JavaScript and CSS are this package's own files in ``maps/data/``, inlined into every
map (online or ``--self-contained``): no library beyond the ones folium links. They build the
page with DOM calls and ``textContent``; article text is never written as HTML.

>>> code = WorkbenchCode().markup
>>> all(f"CM.{name} = " in code for name in ("workbench", "Timeline", "EventTable")) and "<style>" in code
True
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence

from folium.template import Template

from conflictmap.maps.assets import inline_script
from conflictmap.maps.elements import Markup, RenderedOnce, script_json
from conflictmap.maps.popup import source_links
from conflictmap.maps.table import column_data, encode

SCRIPTS = ("workbench.js", "timeline.js", "table.js")
STYLES = ("workbench.css",)
COORDINATE_DECIMALS = 6  # as the GeoJSON export rounds them (RFC 7946 section 11.2)

LAYOUT_HTML = (
    '<aside class="cm-sidebar" id="cm-sidebar" aria-label="Filter, layers and legend"></aside>'
    '<section class="cm-dock" aria-label="Timeline and table of the events shown">'
    '<div class="cm-timeline"></div><div class="cm-table"></div></section>'
)
def read_data_file(name: str) -> str:
    return importlib.resources.files("conflictmap.maps").joinpath("data", name).read_text(encoding="utf-8")


class WorkbenchCode(Markup):
    """The workbench's own CSS and JavaScript, inline (fixed text from maps/data/)."""

    def __init__(self):
        styles = "".join(f"<style>/* conflictmap maps/data/{name} */\n{read_data_file(name)}</style>\n"
                         for name in STYLES)
        scripts = "".join(f"<script>/* conflictmap maps/data/{name} */\n{inline_script(read_data_file(name))}"
                          "</script>\n" for name in SCRIPTS)
        super().__init__(styles + scripts)
        self._name = "WorkbenchCode"


class Layout(Markup):
    """The empty sidebar and dock (timeline, table) the workbench fills (fixed markup)."""

    def __init__(self):
        super().__init__(LAYOUT_HTML)
        self._name = "Layout"


def workbench_data(events, records, regions: Sequence[int] | None = None) -> dict:
    """Every event the map draws, in the order of its markers (actor layer by actor layer).

    ``records``: the map's :class:`maps.layers.EventRecord` in marker order; ``regions``: the
    governorate of each (maps.boundaries.locate_events), or None without a governorate layer.
    """
    try:
        table = events.drop(columns=[events.geometry.name])
    except AttributeError:  # a plain DataFrame, or no active geometry column
        table = events
    positions = [rec.position for rec in records]
    # [name, values] pairs: the download writes the columns in this order.
    columns = [[name, encode(values)] for name, values in column_data(table, positions).items()]
    # The table's link: the first http(s) URL of source_url; 0 when that is the whole cell (the
    # usual case: the page already holds it), null when there is none.
    links = [None] * len(records)
    if "source_url" in table and positions:
        for k, url in enumerate(table["source_url"].to_numpy(dtype=object)[positions]):
            link = next(iter(source_links(url)), None)
            links[k] = 0 if link is not None and link == url else link
    return {
        "n": len(records),
        "columns": columns,
        "lat": [round(rec.lat, COORDINATE_DECIMALS) for rec in records],
        "lon": [round(rec.lon, COORDINATE_DECIMALS) for rec in records],
        "fatalities": [rec.fatalities for rec in records],
        "region": [int(r) for r in regions] if regions is not None else None,
        "link": encode(links),
    }


def _check_names(*names):
    for name in names:
        if name is not None and not name.replace("_", "").isalnum():
            raise ValueError(f"not a JavaScript identifier: {name!r}")


class Workbench(RenderedOnce):
    """Starts the workbench over the map it is added to (add it after the layers and controls
    it names: ``cluster``, the actor ``groups`` as (FeatureGroup, index) JS names, the heat
    map, the governorate layer, the layer control and the legend).

    ``actors``: (name, colour) of each group; ``regions``: the governorate layer's features as
    {"names", "countries", "colors"} or None; ``data``: :func:`workbench_data`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = ConflictMap.workbench({
            map: {{ this._parent.get_name() }},
            cluster: {{ this.cluster }},
            groups: [
            {%- for group, index in this.groups %}
                {layer: {{ group }}, entries: {{ index }}.entries},
            {%- endfor %}
            ],
            actors: {{ this.actors|tojson }},
            heat: {{ this.heat or 'null' }},
            regionLayer: {{ this.region_layer or 'null' }},
            regions: {{ this.regions|tojson }},
            layerControl: {{ this.layer_control or 'null' }},
            legend: {{ this.legend or 'null' }},
            first: {{ this.first|tojson }},
            last: {{ this.last|tojson }},
            timeline: {{ this.timeline|tojson }},
            table: {{ this.table|tojson }},
            data: {{ this.data_json }}
        });
        {% endmacro %}
    """)

    def __init__(self, cluster: str, groups: Sequence[tuple[str, str]], actors: Sequence[tuple[str, str]],
                 first: str | None, last: str | None, data: dict, *, heat: str | None = None,
                 region_layer: str | None = None, regions: dict | None = None, layer_control: str | None = None,
                 legend: str | None = None, timeline: dict | None = None, table: dict | None = None):
        super().__init__()
        self._name = "Workbench"
        _check_names(cluster, heat, region_layer, layer_control, legend, *(n for pair in groups for n in pair))
        if len(actors) != len(groups):
            raise ValueError("one (actor, colour) per group")
        self.cluster = cluster
        self.groups = [tuple(pair) for pair in groups]
        self.actors = [list(pair) for pair in actors]
        self.first, self.last = first, last
        self.data = data
        self.data_json = script_json(data)
        self.heat = heat
        self.region_layer = region_layer
        self.regions = regions
        self.layer_control = layer_control
        self.legend = legend
        self.timeline = timeline or {}
        self.table = table or {}
