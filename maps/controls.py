"""Map controls: the legend, the header, attribution and the footer (the filter is maps.workbench's).

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
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0), '
    '<a href="https://github.com/dr5hn/countries-states-cities-database">countries-states-cities</a> (ODbL) · '
    'Boundaries: <a href="https://whosonfirst.org/">Who\'s On First</a>'
)
FOOTER_HTML = (
    '<footer class="cm-footer">Places from <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) via '
    '<a href="https://whosonfirst.org/">Who\'s On First</a>; province points from the '
    '<a href="https://github.com/dr5hn/countries-states-cities-database">countries-states-cities database</a> '
    '(ODbL 1.0) · Governorate boundaries: Who\'s On First '
    '(Mesoshapes, CC0) · Map tiles &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    'contributors · Events extracted automatically by conflictmap from news reports: check each event against '
    'its source.</footer>'
)

CSS = """
<style>
  .leaflet-container { background: #dde3e8; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .cm-header { position: fixed; left: 0; right: 0; top: 0; height: 30px; line-height: 30px; overflow: hidden;
               white-space: nowrap; text-overflow: ellipsis; padding: 0 10px; background: #263238; color: #fff;
               font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .cm-header h1 { display: inline; font-size: 15px; margin: 0 14px 0 0; }
  .cm-header .cm-summary { color: #cfd8dc; }
  .cm-footer { position: fixed; left: 0; right: 0; bottom: 0; height: 23px; line-height: 22px; overflow: hidden;
               box-sizing: border-box;
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


SIDEBAR_TOGGLE_HTML = (
    '<button type="button" class="cm-side-toggle" aria-controls="cm-sidebar" aria-expanded="true" '
    'title="Show or hide the filter, layers and legend">&#9776;</button>'
)


class Header(Markup):
    """A fixed strip over the map with the sidebar's toggle, the title and a one-line summary
    (title and summary escaped)."""

    def __init__(self, title: str, summary: str):
        super().__init__(f'<header class="cm-header">{SIDEBAR_TOGGLE_HTML}<h1>{escape(title)}</h1>'
                         f'<span class="cm-summary">{escape(summary)}</span></header>')
        self._name = "Header"


def _circle_svg(radius: float, fill: str, fill_opacity: float, stroke: str, weight: float, dash: str | None = None) -> str:
    size = int(2 * radius + weight + 4)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
            f'<circle cx="{size / 2}" cy="{size / 2}" r="{radius}" fill="{fill}" fill-opacity="{fill_opacity}" '
            f'stroke="{stroke}" stroke-width="{weight}"{dash_attr}/></svg>')


def legend(choropleth: Sequence[tuple[str, str]] = (), outside: int = 0, governorates: bool | None = None) -> PanelControl:
    """What marker outlines, sizes and dashes mean, and the governorate colour classes, in
    a panel that folds away. Actor colours are shown next to each actor in the layer control.
    ``governorates`` (default: when there are classes) shows the governorate block, whose
    ramp (``.cm-ramp``) and outside note (``.cm-outside``) the workbench redraws as the
    filter changes."""
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
    if governorates is None:
        governorates = bool(choropleth)
    if governorates:
        ramp = "".join(f'<span style="background:{color}">{escape(text)}</span>' for color, text in choropleth)
        rows.append(f'<div>Events per governorate (events shown):</div><div class="cm-ramp">{ramp}</div>')
        note = f'{outside} event{"s" if outside != 1 else ""} outside the governorates shown' if outside else ""
        rows.append(f'<div class="cm-note cm-outside">{note}</div>')
    rows.append("</details>")
    return PanelControl("".join(rows), "topright", "cm-panel cm-legend")
