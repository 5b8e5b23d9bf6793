"""Admin1 polygons (governorates of Syria and Iraq) and event counts per polygon.

The map ships a small derived file, ``maps/data/admin1_sy_iq.geojson``: the Who's On First
region polygons of Syria and Iraq (current, not deprecated, with a governorate HASC code),
simplified as one coverage so neighbours still share their borders, and named as GeoNames
names them (the names geo/ writes in ``admin1``). ``python -m conflictmap.maps.boundaries build``
rebuilds it from the project's ``../shared/data/boundaries``.

>>> regions = load_boundaries()
>>> sorted(regions["country"].unique()), len(regions)
(['IQ', 'SY'], 33)
>>> from shapely.geometry import Point
>>> import geopandas
>>> events = geopandas.GeoDataFrame({"fatalities": [3, 0]},
...     geometry=[Point(40.141, 35.336), Point(43.13, 36.34)], crs=4326)
>>> counts = count_events(events, regions)
>>> counts.set_index("name").loc[["Deir ez-Zor", "Nineveh"], ["events", "fatalities"]].values.tolist()
[[1, 3], [1, 0]]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import shapely

from conflictmap.files import write_atomic
from conflictmap.theatre import THEATRE

DATA_DIR = Path(__file__).with_name("data")
ADMIN1_FILE = DATA_DIR / "admin1_sy_iq.geojson"
SIMPLIFY_TOLERANCE = 0.01  # degrees, about 1 km: invisible at the zooms a country map is read at
GRID = 0.001  # coordinates kept to about 100 m


class BoundariesError(ValueError):
    """A boundaries file that cannot be read or holds no polygons."""


def _shared_dir() -> Path:
    repo = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("CONFLICTMAP_SHARED", repo.parent / "shared"))


def admin1_polygons(gdf: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """The governorates among Who's On First polygons: placetype region in SY/IQ, current,
    not deprecated, and with a governorate code (this drops the UN buffer zone on the Golan)."""
    keep = gdf["placetype"].eq("region") & gdf["country"].isin(THEATRE)
    if "is_current" in gdf:
        keep &= pd.to_numeric(gdf["is_current"], errors="coerce").fillna(-1).ne(0)
    if "deprecated" in gdf:
        keep &= gdf["deprecated"].isna() | gdf["deprecated"].astype(str).str.strip().eq("")
    if "hasc" in gdf:
        keep &= gdf["hasc"].fillna("").astype(str).str.contains(".", regex=False)
    return gdf[keep & gdf.geometry.notna()].reset_index(drop=True)


def _geonames_admin1_names(codes_file: Path | None) -> dict[int, str]:
    """geonameid -> admin1 ASCII name, from GeoNames' admin1CodesASCII.txt."""
    if codes_file is None or not codes_file.is_file():
        return {}
    names = {}
    with open(codes_file, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[0][:2] in THEATRE and parts[3].isdigit():
                names[int(parts[3])] = parts[2]
    return names


def simplify_coverage(gdf: geopandas.GeoDataFrame, tolerance: float = SIMPLIFY_TOLERANCE) -> geopandas.GeoDataFrame:
    """Simplify polygons that tile a country together, so shared borders stay shared."""
    gdf = gdf.copy()
    geometry = gdf.geometry.values
    for country in gdf["country"].unique():
        mask = (gdf["country"] == country).to_numpy()
        geometry[mask] = shapely.coverage_simplify(geometry[mask], tolerance)
    gdf.geometry = shapely.make_valid(shapely.set_precision(geometry, GRID))
    return gdf


def prepare(gdf: geopandas.GeoDataFrame, names: dict[int, str] | None = None,
            tolerance: float = SIMPLIFY_TOLERANCE) -> geopandas.GeoDataFrame:
    """Who's On First polygons -> the simplified, named admin1 frame the map draws."""
    names = names or {}
    regions = admin1_polygons(gdf.to_crs(4326) if gdf.crs else gdf.set_crs(4326))
    gn_ids = pd.to_numeric(regions.get("gn_id"), errors="coerce") if "gn_id" in regions else None
    display = [
        names.get(int(gn), wof) if gn_ids is not None and pd.notna(gn) else wof
        for gn, wof in zip(gn_ids if gn_ids is not None else [None] * len(regions), regions["name"])
    ]
    out = geopandas.GeoDataFrame(
        {
            "name": display,
            "name_wof": regions["name"],
            "country": regions["country"],
            "hasc": regions.get("hasc"),
            "wof_id": pd.to_numeric(regions.get("wof_id"), errors="coerce").astype("Int64"),
        },
        geometry=regions.geometry.values,
        crs=4326,
    )
    return simplify_coverage(out, tolerance).sort_values(["country", "name"]).reset_index(drop=True)


def build(source: Path | None = None, out: Path = ADMIN1_FILE, codes_file: Path | None = None) -> Path:
    """Rebuild the packaged admin1 file from the Who's On First polygons in ../shared."""
    shared = _shared_dir()
    source = source or shared / "data" / "boundaries" / "wof_sy_iq_admin_polygons.geojson"
    codes_file = codes_file or shared / "data" / "gazetteer-sources" / "geonames_admin1CodesASCII.txt"
    if not Path(source).is_file():
        raise BoundariesError(f"{source}: no such file (set CONFLICTMAP_SHARED or pass --source)")
    regions = prepare(geopandas.read_file(source), _geonames_admin1_names(codes_file))
    collection = json.loads(regions.to_json(drop_id=True))
    collection["attribution"] = (
        "Who's On First (https://whosonfirst.org/), region polygons from Mesoshapes (CC0); "
        "names from GeoNames (CC BY 4.0). Simplified by conflictmap."
    )
    return write_atomic(out, json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")


@functools.lru_cache(maxsize=1)
def _packaged() -> geopandas.GeoDataFrame:
    if not ADMIN1_FILE.is_file():
        raise BoundariesError(f"{ADMIN1_FILE} is missing; rebuild it with `python -m conflictmap.maps.boundaries build`")
    return read_polygons(ADMIN1_FILE)


def read_polygons(path) -> geopandas.GeoDataFrame:
    try:
        with open(path, encoding="utf-8") as fh:
            collection = json.load(fh)
        gdf = geopandas.GeoDataFrame.from_features(collection["features"], crs=4326)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BoundariesError(f"{path}: cannot read polygons: {exc}") from exc
    if gdf.empty:
        raise BoundariesError(f"{path}: holds no polygons")
    return gdf


def load_boundaries(boundaries=None) -> geopandas.GeoDataFrame | None:
    """The admin1 frame for ``boundaries``: None -> the packaged file, False -> None (no
    choropleth), a path -> that file (Who's On First polygons are filtered and simplified as
    above), a GeoDataFrame -> itself. The frame has ``name`` and ``country`` columns."""
    if boundaries is False:
        return None
    if boundaries is None:
        return _packaged().copy()
    if isinstance(boundaries, geopandas.GeoDataFrame):
        gdf = boundaries.to_crs(4326) if boundaries.crs else boundaries.set_crs(4326)
    else:
        gdf = read_polygons(boundaries)
        if {"placetype", "country", "name"} <= set(gdf.columns):
            gdf = prepare(gdf)
    gdf = gdf[gdf.geometry.notna() & gdf.geom_type.isin(["Polygon", "MultiPolygon"])].copy()
    if gdf.empty:
        raise BoundariesError("the boundaries hold no polygons")
    if "name" not in gdf:
        gdf["name"] = [f"area {i + 1}" for i in range(len(gdf))]
    if "country" not in gdf:
        gdf["country"] = None
    return gdf.reset_index(drop=True)


def locate_events(events: geopandas.GeoDataFrame, regions: geopandas.GeoDataFrame) -> np.ndarray:
    """The position in ``regions`` of the polygon holding each event, -1 for none.

    A point on a shared border (or in two overlapping polygons) goes to the smaller polygon;
    an event without a geometry, or outside every polygon, is -1. The map passes these to the
    browser, which recounts the governorates for the events on show (maps.workbench).

    >>> from shapely.geometry import Point
    >>> regions = load_boundaries()
    >>> events = geopandas.GeoDataFrame(geometry=[Point(40.141, 35.336), Point(0, 0), None], crs=4326)
    >>> [regions["name"][i] if i >= 0 else None for i in locate_events(events, regions)]
    ['Deir ez-Zor', None, None]
    """
    located = np.full(len(events), -1, dtype=np.int64)
    geometry = events.geometry
    has_point = (geometry.notna() & ~geometry.is_empty).to_numpy()
    if not has_point.any():
        return located
    points = geopandas.GeoDataFrame(
        {"row": np.flatnonzero(has_point)}, geometry=geometry.values[has_point], crs=events.crs or 4326,
    ).to_crs(regions.crs or 4326)
    area = regions[[regions.geometry.name]].reset_index(drop=True).copy()
    area["region"] = range(len(area))
    area["size"] = shapely.area(area.geometry.values)
    joined = geopandas.sjoin(points, area, how="inner", predicate="intersects")
    joined = joined.sort_values(["size", "region"]).drop_duplicates("row", keep="first")
    located[joined["row"].to_numpy()] = joined["region"].to_numpy()
    return located


def count_events(events: geopandas.GeoDataFrame, regions: geopandas.GeoDataFrame,
                 located: np.ndarray | None = None) -> geopandas.GeoDataFrame:
    """``regions`` with ``events`` and ``fatalities`` columns: the events inside each polygon.

    A point on a shared border (or in two overlapping polygons) counts once, in the smaller
    polygon (:func:`locate_events`; pass its result as ``located`` when you have it). Events
    outside every polygon are not counted; ``regions.attrs["outside"]`` says how many there
    were (events without a geometry are not among them).
    """
    regions = regions.reset_index(drop=True).copy()
    regions["events"] = 0
    regions["fatalities"] = 0
    regions.attrs["outside"] = 0
    if located is None:
        located = locate_events(events, regions)
    has_point = (events.geometry.notna() & ~events.geometry.is_empty).to_numpy()
    if not has_point.any():
        return regions
    fatalities = pd.to_numeric(events.get("fatalities", pd.Series(0, index=events.index)), errors="coerce")
    fatalities = fatalities.fillna(0).clip(lower=0).to_numpy()
    inside = located >= 0
    per_region = pd.DataFrame({"region": located[inside], "fatalities": fatalities[inside]}) \
        .groupby("region").agg(events=("fatalities", "size"), fatalities=("fatalities", "sum"))
    regions.loc[per_region.index, "events"] = per_region["events"].astype(int).values
    regions.loc[per_region.index, "fatalities"] = per_region["fatalities"].astype(int).values
    regions.attrs["outside"] = int((has_point & ~inside).sum())
    return regions


def country_outlines(regions: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """One outline per country: the union of its admin1 polygons."""
    with_country = regions[regions["country"].notna()]
    if with_country.empty:
        return regions.iloc[0:0][["country", regions.geometry.name]]
    return with_country.dissolve("country", as_index=False)[["country", with_country.geometry.name]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conflictmap.maps.boundaries", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help=f"rebuild {ADMIN1_FILE.relative_to(DATA_DIR.parent.parent)}")
    b.add_argument("--source", type=Path, help="wof_sy_iq_admin_polygons.geojson [default: ../shared/data/boundaries]")
    b.add_argument("--out", type=Path, default=ADMIN1_FILE)
    args = parser.parse_args(argv)
    try:
        out = build(args.source, args.out)
    except BoundariesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    regions = read_polygons(out)
    print(f"wrote {out}: {len(regions)} admin1 polygons, {out.stat().st_size:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
