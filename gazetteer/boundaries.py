"""The division a point lies in, from boundary polygons (``../shared/data/boundaries``).

Who's On First leaves the governorate and district of some villages unset (757 Syrian and
1,297 Iraqi localities): the resolver then cannot tell that "Abu Ajwa village in the Hama
countryside" lies in Hama. The same repositories' admin polygons
(``wof_sy_iq_admin_polygons.geojson``: governorates as ``region``, districts as ``county``)
say which division holds each such point.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

POLYGONS_FILE = "wof_sy_iq_admin_polygons.geojson"


class Divisions:
    """Point-in-polygon over one placetype's polygons (shapely's STRtree)."""

    def __init__(self, features: list[dict], placetype: str):
        from shapely import STRtree
        from shapely.geometry import shape

        chosen = [f for f in features if f["properties"].get("placetype") == placetype
                  and f["properties"].get("is_current") != 0 and f.get("geometry")]
        self.ids = [f["properties"]["wof_id"] for f in chosen]
        self.tree = STRtree([shape(f["geometry"]) for f in chosen])

    def containing(self, points: Iterable[tuple[float, float]]) -> list[int | None]:
        """The WOF id of the polygon holding each (lat, lon), None outside all (or where two
        overlap: a border drawn twice decides nothing)."""
        from shapely.geometry import Point

        out = []
        for lat, lon in points:
            hits = self.tree.query(Point(lon, lat), predicate="intersects")
            out.append(self.ids[hits[0]] if len(hits) == 1 else None)
        return out


def read_divisions(path: Path) -> dict[str, Divisions]:
    """``region`` and ``county`` polygons of a WOF admin GeoJSON, by placetype."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    return {placetype: Divisions(features, placetype) for placetype in ("region", "county")}
