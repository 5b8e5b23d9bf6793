"""The popup of one event, as HTML in which every value from an article is escaped.

Article text (notes, places, actors, sources) is untrusted: it reaches the page through
Leaflet's ``innerHTML``, as a JSON string in a script (never as template source, see
maps.elements). :func:`escape` neutralises HTML's ``& < > " '`` and, so that the escaped
HTML stays inert wherever a caller embeds it, a JavaScript template literal's backtick,
``$`` and backslash. Only ``http``/``https`` source URLs become links.

>>> html = popup_html({"event_date": "2014-12-23", "time_precision": 1,
...                    "notes": "<script>alert(1)</script>", "source_url": "javascript:alert(1)"})
>>> "<script>" in html, "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "href" in html
(False, True, False)
>>> "2014-12-23" in html and "precision: day" in html
True
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from conflictmap.maps import values as v
from conflictmap.maps.colors import actor_color

_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(value) -> str:
    """``value`` as text that is inert in HTML and inside a JavaScript template literal.

    >>> escape("<img src=x onerror=alert(1)> `${x}` \\\\")
    '&lt;img src=x onerror=alert(1)&gt; &#96;&#36;{x}&#96; &#92;'
    """
    return _html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without spaces or control characters."""
    if not url or _SPACE_OR_CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def source_links(source_url) -> list[str]:
    """The http(s) URLs of a ``source_url`` cell ("; " between the sources of a merged event).

    >>> source_links("https://a.invalid/1; javascript:alert(1); http://b.invalid/2")
    ['https://a.invalid/1', 'http://b.invalid/2']
    """
    return [url for url in (safe_url(part.strip()) for part in (v.text(source_url) or "").split("; ")) if url]


def date_text(event_date: str | None, time_precision: int | None) -> str:
    """ "2014-12-23 (precision: day)", or "date unknown"."""
    if event_date is None:
        return "date unknown"
    label = v.TIME_PRECISION.get(time_precision, "unknown")
    return f"{event_date} (precision: {label})"


POPUP_LABELS = ("Date", "Event", "Actors", "Where", "Toll", "Report", "Source", "Coding")


def wrap_cells(cells) -> str:
    """The popup HTML around escaped cells (one per POPUP_LABELS entry, None to leave out).
    EventPoints in maps.layers repeats this in JavaScript for markers built in the browser."""
    rows = "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>"
                   for label, cell in zip(POPUP_LABELS, cells) if cell is not None)
    return f'<div class="cm-popup"><table>{rows}</table></div>'


def popup_html(row: Mapping) -> str:
    """The popup HTML of one event row (a dict or a frame row); missing columns are null."""
    return wrap_cells(popup_cells(row))


def popup_cells(row: Mapping) -> list[str | None]:
    """The escaped HTML of each popup row (see POPUP_LABELS), None where there is nothing."""
    get = lambda column: v.get(row, column)  # noqa: E731
    event_date = v.iso_date(get("event_date"))
    when = escape(date_text(event_date, v.precision(get("time_precision"))))
    date_cell = when if event_date else f'<b class="cm-date-unknown">{when}</b>'

    kind = " / ".join(t for t in (v.text(get("event_type")), v.text(get("sub_event_type"))) if t)
    event_cell = escape(kind or "type unknown")

    actor1 = v.actor(get("actor1"))
    actors = f'<span class="cm-swatch" style="background:{actor_color(actor1)}"></span>{escape(actor1)}'
    actor2 = v.text(get("actor2"))
    if actor2:
        actors += f" <i>vs</i> {escape(actor2)}"
    assoc = v.text(get("assoc_actor_1"))
    if assoc:
        actors += f" <small>(with {escape(assoc)})</small>"

    place = ", ".join(t for t in (v.text(get(c)) for c in ("location", "admin2", "admin1", "country")) if t)
    geo = v.GEO_PRECISION.get(v.precision(get("geo_precision")), "unknown")
    where = f"{escape(place or 'place unknown')} <small>(location: {escape(geo)})</small>"

    toll = f"{v.count(get('fatalities'))} killed"
    civilians, injured = v.count(get("civilian_fatalities")), v.count(get("injuries"))
    if civilians:
        toll += f" ({civilians} civilian{'s' if civilians != 1 else ''})"
    if injured:
        toll += f", {injured} injured"

    notes = v.text(get("notes"))
    report = f'<q class="cm-notes">{escape(notes)}</q>' if notes else None

    source = v.text(get("source"))
    links = []
    for url in source_links(get("source_url")):
        host = urlsplit(url).hostname or url
        links.append(f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(host)}</a>')
    source_cell = " ".join([escape(source)] * bool(source) + links) or None

    meta = []
    if v.text(get("event_id")):
        meta.append(f"id {v.text(get('event_id'))}")
    confidence = v.number(get("confidence"))
    if confidence is not None:
        meta.append(f"confidence {confidence:.2f}")
    if v.text(get("place_source")):
        meta.append(f"place from {v.text(get('place_source'))}")
    coding = f"<small>{escape(' · '.join(meta))}</small>" if meta else None

    return [date_cell, event_cell, actors, where, escape(toll), report, source_cell, coding]
