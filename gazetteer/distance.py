"""Great-circle distance, the one measure of "near" used across conflictmap."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # of latitude


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between two WGS84 points: Kobani to Deir ez-Zor, say.

    >>> round(haversine_km(36.891, 38.353, 35.336, 40.141))
    236
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_matrix_km(lats1, lons1, lats2, lons2):
    """Distances in km from each of the first points to each of the second, as a numpy array
    (rows: first points): one call for a mention's candidates against an article's towns.

    >>> m = haversine_matrix_km([36.891], [38.353], [35.336, 36.891], [40.141, 38.353])
    >>> [round(float(x)) for x in m[0]]
    [236, 0]
    """
    import numpy  # here: a lookup alone does not need it

    p1 = numpy.radians(numpy.asarray(lats1, dtype=float))[:, None]
    p2 = numpy.radians(numpy.asarray(lats2, dtype=float))[None, :]
    dl = numpy.radians(numpy.asarray(lons2, dtype=float)[None, :] - numpy.asarray(lons1, dtype=float)[:, None])
    a = numpy.sin((p2 - p1) / 2) ** 2 + numpy.cos(p1) * numpy.cos(p2) * numpy.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * numpy.arcsin(numpy.minimum(1.0, numpy.sqrt(a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The initial bearing from the first point to the second, in degrees clockwise from
    north (0 to 360): Deir ez-Zor lies south-east of Kobani.

    >>> round(bearing_deg(36.891, 38.353, 35.336, 40.141))
    137
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360
