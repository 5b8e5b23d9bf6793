"""Folium elements whose output reaches the page as a value, never as template source.

branca renders a ``MacroElement``'s macros and wraps each result in ``Element(result)``,
which Jinja2 compiles and renders a second time. Whatever an article put into that result
(a popup, an actor's name in the layer list, a place in a tooltip) would run as template
code: ``{{ 6*7 }}`` would show 42, ``{{ cycler.__init__.__globals__.os... }}`` would run on
the machine drawing the map, ``{% for %}`` would crash it. Every element of our maps that
carries text from an input is therefore rendered once, by :class:`RenderedOnce`, and its
result placed in the page as :class:`Markup`, a value Jinja2 prints without parsing.

>>> import folium
>>> m = folium.Map(tiles=None)
>>> _ = EventLayerControl().add_to(m)
>>> _ = folium.FeatureGroup(name="{{ 6*7 }}").add_to(m)
>>> html = m.get_root().render()
>>> '"{{ 6*7 }}"' in html, '"42"' in html  # the name as written, never the value 42
(True, False)
"""

from __future__ import annotations

import json

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

MACRO_TARGETS = ("header", "html", "script")

# Characters a JSON text keeps as they are but an HTML parser or a JavaScript template literal
# would read: written as \u escapes (inside JSON strings, the only place they can be), the
# data is inert in a <script> and anywhere a caller might paste it.
_INERT_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027", "`": "\\u0060",
                             "$": "\\u0024", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value) -> str:
    """``value`` as compact JSON that is safe inside ``<script>`` (keys keep their order).

    >>> print(script_json({"notes": "</script><b>`${x}`</b>", "n": 1}))
    {"notes":"\\u003c/script\\u003e\\u003cb\\u003e\\u0060\\u0024{x}\\u0060\\u003c/b\\u003e","n":1}
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(_INERT_JSON)


class Markup(Element):
    """Finished markup (HTML, CSS, a script) put into the page as it is; never parsed by Jinja2."""

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Markup"
        self.markup = markup


class RenderedOnce(MacroElement):
    """A MacroElement whose ``header``/``html``/``script`` macros are rendered exactly once.

    Used as a base of our own elements, and mixed in after a folium class (``class
    X(folium.GeoJson, RenderedOnce)``) so that folium's own ``render`` runs first and its final
    ``super().render()`` lands here instead of in branca's double-rendering one.
    """

    def render(self, **kwargs):
        figure = self.get_root()
        macros = self._template.module.__dict__
        for target in MACRO_TARGETS:
            macro = macros.get(target)
            if macro is not None:
                getattr(figure, target).add_child(Markup(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class EventLayerControl(folium.LayerControl, RenderedOnce):
    """folium's layer control; layer names (actor names) stay data."""


class DataGeoJson(folium.GeoJson, RenderedOnce):
    """folium's GeoJson layer; feature properties (place names) stay data."""
