"""Map controls: the event filter (dates and actor layers), the legend, the header, attribution and the footer.

Controls are :class:`maps.elements.RenderedOnce` elements (rendered by Jinja2 once; what they
carry is data, never template source) whose scripts build their DOM with
``document.createElement`` and ``textContent``; the only HTML they carry is fixed markup and
values escaped in Python (maps.popup.escape). No article text is ever put into a string of
HTML here.

>>> from maps.controls import ATTRIBUTION_HTML
>>> "GeoNames" in ATTRIBUTION_HTML and "Who's On First" in ATTRIBUTION_HTML
True
"""

from __future__ import annotations

from collections.abc import Sequence

from folium.template import Template

from conflictmap.maps.elements import Markup, RenderedOnce

from conflictmap.maps.popup import escape
from conflictmap.maps.style import EVENT_TYPE_STYLES, LEGEND_TYPES, OTHER_STYLE, UNDATED_DASH, marker_radius

LEGEND_DEATHS = (0, 5, 20)

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
ATTRIBUTION_HTML = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) · '
    'Boundaries: <a href="https://whosonfirst.org/">Who\'s On First</a>'
)
FOOTER_HTML = (
    '<footer class="cm-footer">Map tiles &copy; <a href="https://www.openstreetmap.org/copyright">'
    'OpenStreetMap</a> contributors · Places from <a href="https://www.geonames.org/">GeoNames</a> '
    '(CC BY 4.0) via <a href="https://whosonfirst.org/">Who\'s On First</a> · Governorate boundaries: '
    'Who\'s On First (Mesoshapes, CC0) · Events extracted automatically by conflictmap from news '
    'reports: check each event against its source.</footer>'
)

CSS = """
<style>
  .folium-map { position: absolute !important; top: 30px !important; bottom: 22px !important;
                height: auto !important; }
  .leaflet-container { background: #dde3e8; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .cm-header { position: fixed; left: 0; right: 0; top: 0; height: 30px; line-height: 30px; overflow: hidden;
               white-space: nowrap; text-overflow: ellipsis; padding: 0 10px; background: #263238; color: #fff;
               font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .cm-header h1 { display: inline; font-size: 15px; margin: 0 14px 0 0; }
  .cm-header .cm-summary { color: #cfd8dc; }
  .cm-footer { position: fixed; left: 0; right: 0; bottom: 0; height: 22px; line-height: 22px; overflow: hidden;
               white-space: nowrap; text-overflow: ellipsis; padding: 0 8px; font: 11px system-ui, sans-serif;
               color: #444; background: #f4f4f4; border-top: 1px solid #ccc; }
  .cm-footer a { color: #0b57a4; }
  .cm-panel { background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 5px;
              box-shadow: 0 1px 5px rgba(0,0,0,0.35); max-width: 300px; }
  .cm-panel h4 { margin: 0 0 4px; font-size: 13px; }
  .cm-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 5px;
               vertical-align: -1px; border: 1px solid rgba(0,0,0,0.4); }
  .leaflet-control-layers-overlays label { margin: 1px 0; }
  .leaflet-control-layers { max-width: 300px; }
  .leaflet-control-layers-overlays { max-height: 42vh; overflow-y: auto; }
  .cm-count { color: #666; font-size: 11px; }
  .cm-dates label { display: flex; justify-content: space-between; align-items: center; gap: 8px;
                    font-size: 12px; margin: 3px 0; }
  .cm-dates input[type=date] { font-size: 12px; width: 135px; }
  .cm-dates button { font-size: 11px; margin-top: 2px; }
  .cm-dates .cm-shown { font-size: 11px; color: #444; margin-top: 3px; }
  .cm-legend { font-size: 12px; }
  .cm-legend summary { font-weight: 600; cursor: pointer; }
  .cm-legend table { border-collapse: collapse; margin-top: 3px; }
  .cm-legend td { padding: 0 4px 0 0; vertical-align: middle; }
  .cm-legend .cm-note { color: #444; font-size: 11px; }
  .cm-legend .cm-ramp span { display: inline-block; padding: 0 5px; font-size: 11px; }
  .cm-popup table { border-collapse: collapse; font-size: 12px; }
  .cm-popup th { text-align: left; vertical-align: top; padding: 1px 8px 1px 0; color: #555; font-weight: 600; }
  .cm-popup td { padding: 1px 0; }
  .cm-popup q { font-style: italic; }
  .cm-date-unknown { color: #a00; }
  .cm-cluster { background: rgba(255,255,255,0.55); border-radius: 50%; }
  .cm-cluster div { margin: 4px; border-radius: 50%; text-align: center; font-weight: 600; font-size: 12px;
                    opacity: 0.9; }
</style>
"""


class MapStyle(RenderedOnce):
    """The page's own CSS (fixed text)."""

    _template = Template("""
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MapStyle"
        self.css = CSS


class Footer(Markup):
    """A fixed strip under the map with the data credits (fixed text)."""

    def __init__(self):
        super().__init__(FOOTER_HTML)
        self._name = "Footer"


class Attribution(RenderedOnce):
    """Adds the GeoNames and Who's On First credits to Leaflet's attribution control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html|tojson }});
        {% endmacro %}
    """)

    def __init__(self, html: str = ATTRIBUTION_HTML):
        super().__init__()
        self._name = "Attribution"
        self.html = html


class PanelControl(RenderedOnce):
    """A Leaflet control showing one block of HTML built in Python from escaped values."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str, css_class: str):
        super().__init__()
        self._name = "PanelControl"
        self.html = html
        self.position = position
        self.css_class = css_class


class Header(Markup):
    """A fixed strip over the map with the title and a one-line summary, both escaped."""

    def __init__(self, title: str, summary: str):
        super().__init__(f'<header class="cm-header"><h1>{escape(title)}</h1>'
                         f'<span class="cm-summary">{escape(summary)}</span></header>')
        self._name = "Header"


def _circle_svg(radius: float, fill: str, fill_opacity: float, stroke: str, weight: float, dash: str | None = None) -> str:
    size = int(2 * radius + weight + 4)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
            f'<circle cx="{size / 2}" cy="{size / 2}" r="{radius}" fill="{fill}" fill-opacity="{fill_opacity}" '
            f'stroke="{stroke}" stroke-width="{weight}"{dash_attr}/></svg>')


def legend(choropleth: Sequence[tuple[str, str]] = (), outside: int = 0) -> PanelControl:
    """What marker outlines, sizes and dashes mean, and the governorate colour classes, in
    a panel that folds away. Actor colours are shown next to each actor in the layer control."""
    sample = "#8a8a8a"
    rows = ['<details open><summary>Legend</summary><table>']
    for event_type in LEGEND_TYPES:
        style = EVENT_TYPE_STYLES.get(event_type, OTHER_STYLE)
        stroke = sample if style["stroke"] == "actor" else style["stroke"]
        svg = _circle_svg(6, sample, style["fill_opacity"], stroke, style["weight"])
        rows.append(f"<tr><td>{svg}</td><td>{escape(event_type)}</td></tr>")
    svg = _circle_svg(6, sample, 0.5, "#202020", 1.5, UNDATED_DASH)
    rows.append(f"<tr><td>{svg}</td><td>date unknown (always shown)</td></tr></table>")
    sizes = "".join(_circle_svg(marker_radius(n), sample, 0.5, "#202020", 1) for n in LEGEND_DEATHS)
    rows.append(f"<div>{sizes} {' · '.join(map(str, LEGEND_DEATHS))} killed</div>")
    rows.append('<div class="cm-note">Fill: actor (colours in the layer list). '
                "Numbered discs: clusters.</div>")
    if choropleth:
        ramp = "".join(f'<span style="background:{color}">{escape(text)}</span>' for color, text in choropleth)
        rows.append(f'<div>Events per governorate:</div><div class="cm-ramp">{ramp}</div>')
        if outside:
            rows.append(f'<div class="cm-note">{outside} event{"s" if outside != 1 else ""} '
                        "outside the governorates shown</div>")
    rows.append("</details>")
    return PanelControl("".join(rows), "topright", "cm-panel cm-legend")


class EventFilter(RenderedOnce):
    """Shows the events whose actor layer is on and whose date is in the chosen range.

    Two date inputs (``<input type=date>``) set the range; events without a date always stay
    visible. Turning an actor layer on or off in the layer control, or changing a date, puts
    the matching markers into the shared MarkerCluster and the matching points into the heat
    map. ``groups`` pairs each actor FeatureGroup's JS name with its index's
    (``{entries: [[marker, date], ...]}``); ``heat_points`` are ``[group number, date]`` in
    the heat map's point order.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var cluster = {{ this.cluster }};
            var groups = [
            {%- for group, index in this.groups %}
                {group: {{ group }}, entries: {{ index }}.entries},
            {%- endfor %}
            ];
            var heat = {{ this.heat or 'null' }};
            var heatKeys = {{ this.heat_points|tojson }};
            var heatPoints = heat && heat._latlngs ? heat._latlngs.slice() : [];
            var first = {{ this.first|tojson }}, last = {{ this.last|tojson }};
            var total = 0, undated = 0;
            groups.forEach(function (g) {
                total += g.entries.length;
                g.entries.forEach(function (e) { if (e[1] === null) { undated += 1; } });
            });
            function inRange(date, from, to) {
                return date === null || ((!from || date >= from) && (!to || date <= to));
            }
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'cm-panel cm-dates leaflet-control');
                var heading = L.DomUtil.create('h4', '', div);
                heading.textContent = 'Dates';
                function dateInput(text, value, cls) {
                    var label = L.DomUtil.create('label', '', div);
                    label.appendChild(document.createTextNode(text));
                    var input = L.DomUtil.create('input', cls, label);
                    input.type = 'date';
                    input.value = value || '';
                    input.min = first || '';
                    input.max = last || '';
                    return input;
                }
                var from = dateInput('From', first, 'cm-date-from');
                var to = dateInput('To', last, 'cm-date-to');
                var reset = L.DomUtil.create('button', 'cm-date-reset', div);
                reset.type = 'button';
                reset.textContent = 'All dates';
                var shown = L.DomUtil.create('div', 'cm-shown', div);
                function apply(countOnly) {
                    var a = from.value || null, b = to.value || null, keep = [];
                    var on = groups.map(function (g) { return map.hasLayer(g.group); });
                    groups.forEach(function (g, i) {
                        if (!on[i]) { return; }
                        g.entries.forEach(function (e) { if (inRange(e[1], a, b)) { keep.push(e[0]); } });
                    });
                    if (countOnly !== true) {
                        cluster.clearLayers();
                        cluster.addLayers(keep);
                        if (heat) {
                            heat.setLatLngs(heatPoints.filter(function (p, i) {
                                return on[heatKeys[i][0]] && inRange(heatKeys[i][1], a, b);
                            }));
                        }
                    }
                    shown.textContent = keep.length + ' of ' + total + ' events shown'
                        + (undated ? ' (' + undated + ' without a date)' : '');
                    div.setAttribute('data-shown', keep.length);
                }
                from.addEventListener('change', function () { apply(); });
                to.addEventListener('change', function () { apply(); });
                reset.addEventListener('click', function () {
                    from.value = first || '';
                    to.value = last || '';
                    apply();
                });
                map.on('overlayadd overlayremove', function (e) {
                    if (groups.some(function (g) { return g.group === e.layer; })) { apply(); }
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                apply(true);  // every event is in the cluster already: just count
                return div;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, cluster: str, groups: Sequence[tuple[str, str]], first: str | None, last: str | None,
                 heat: str | None = None, heat_points: Sequence[tuple[int, str | None]] = (),
                 position: str = "topleft"):
        super().__init__()
        self._name = "EventFilter"
        for name in [cluster] + [n for pair in groups for n in pair] + ([heat] if heat else []):
            if not name.replace("_", "").isalnum():
                raise ValueError(f"not a JavaScript identifier: {name!r}")
        self.cluster = cluster
        self.groups = list(groups)
        self.first, self.last = first, last
        self.heat = heat
        self.heat_points = [list(p) for p in heat_points]
        self.position = position
