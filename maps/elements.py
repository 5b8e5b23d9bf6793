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

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

MACRO_TARGETS = ("header", "html", "script")


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
