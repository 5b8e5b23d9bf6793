"""Write event and mention frames to files GIS tools open directly, never half-written.

Every output goes through :func:`write_atomic`: the new file is written next to its final
place and renamed over it only once complete, so a crash, a full disk or Ctrl-C leaves the
previous file as it was. (Only a hard kill can leave a hidden ``.NAME.*.tmp`` folder.)
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype, is_scalar
from shapely.geometry import mapping

from geo.document import EVENT_COLUMNS
from geo.frame import mentions_frame

COORDINATE_DECIMALS = 6  # about 10 cm, the figure RFC 7946 section 11.2 gives
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV Injection"
OUTPUT_NAMES = ("events.geojson", "events.gpkg", "events.csv", "mentions.geojson", "report.json")


def write_atomic(path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp)`` to write a temporary file, then move it onto ``path`` atomically.

    The temporary file sits in a private hidden folder in ``path``'s directory (same
    filesystem, so ``os.replace`` is atomic) and has ``path``'s own name, so writers that
    care about the extension (GDAL's GPKG driver warns otherwise) and their side files
    (SQLite journals) work unchanged; the file also gets the usual umask permissions,
    not mkstemp's 0600. If ``writer`` raises anything, KeyboardInterrupt included, the
    folder is removed, the exception propagates and the old file at ``path`` is untouched.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_atomic(out, lambda tmp: tmp.write_text("hello", encoding="utf-8")).read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        tmp = workdir / path.name
        writer(tmp)
        if not tmp.is_file():
            raise RuntimeError(f"{path}: the writer did not create a file")
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return path


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory this way.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_geojson(gdf: geopandas.GeoDataFrame, path) -> Path:
    """Write ``gdf`` as an RFC 7946 FeatureCollection: WGS84 lon/lat, no "crs" member.

    Properties are all non-geometry columns, nulls as JSON null (never NaN); coordinates
    are rounded to 6 decimals. A frame in another CRS is reprojected to EPSG:4326.

    >>> import tempfile
    >>> from geo.frame import events_frame
    >>> gdf = events_frame([{"event_id": "SYR-1", "latitude": 34.693, "longitude": 40.827}])
    >>> out = write_geojson(gdf, Path(tempfile.mkdtemp()) / "events.geojson")
    >>> fc = json.loads(out.read_text(encoding="utf-8"))
    >>> fc["features"][0]["geometry"], "crs" in fc
    ({'type': 'Point', 'coordinates': [40.827, 34.693]}, False)
    """
    collection = feature_collection(gdf)
    text = json.dumps(collection, ensure_ascii=False, allow_nan=False)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8", newline="\n"))


def feature_collection(gdf: geopandas.GeoDataFrame) -> dict:
    """The RFC 7946 FeatureCollection for ``gdf``, as plain JSON-ready Python data."""
    gdf = _to_wgs84(gdf)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    features = [
        {
            "type": "Feature",
            "properties": {str(c): _json_value(v) for c, v in zip(columns, values)},
            "geometry": _geometry(geom),
        }
        for values, geom in zip(gdf[columns].itertuples(index=False, name=None), gdf.geometry)
    ]
    return {"type": "FeatureCollection", "features": features}


def _to_wgs84(gdf: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    if gdf.crs is None:
        raise ValueError("the frame has no CRS; set it (events_frame uses EPSG:4326) before export")
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs(4326)


def _geometry(geom) -> dict | None:
    if geom is None or geom.is_empty:
        return None  # RFC 7946 3.2: an unlocated feature has "geometry": null
    geometry = mapping(geom)
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def _round(coordinates):
    if isinstance(coordinates, (int, float)):
        return round(float(coordinates), COORDINATE_DECIMALS)
    return [_round(c) for c in coordinates]


def _json_value(value):
    """A cell or report value as plain JSON: nulls (None, NaN, NA, NaT) become None."""
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        return [_json_value(v) for v in value]
    if value is None or (is_scalar(value) and bool(pd.isna(value))):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def write_gpkg(gdf: geopandas.GeoDataFrame, path, layer: str = "events") -> Path:
    """Write ``gdf`` as a one-layer GeoPackage (pyogrio), replacing any file at ``path``.

    An all-Point or empty frame is declared a Point layer, so QGIS styles it as points even
    when it holds no rows.

    >>> import tempfile
    >>> from geo.frame import events_frame
    >>> out = write_gpkg(events_frame([]), Path(tempfile.mkdtemp()) / "events.gpkg")
    >>> len(geopandas.read_file(out)), geopandas.read_file(out).crs.to_epsg()
    (0, 4326)
    """
    options = {}
    if set(gdf.geom_type.dropna()) <= {"Point"}:
        options["geometry_type"] = "Point"
    return write_atomic(
        path,
        lambda tmp: gdf.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio", **options),
    )


def write_csv(gdf: geopandas.GeoDataFrame, path) -> Path:
    """Write the events as UTF-8 CSV: ACLED's columns first (``EVENT_COLUMNS`` order), then
    any others; no geometry column (latitude and longitude are there).

    Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or
    CR) get a leading apostrophe, as OWASP advises; numeric columns are left alone.

    >>> import csv, tempfile
    >>> from geo.frame import events_frame
    >>> gdf = events_frame([{"event_id": "SYR-1", "latitude": 34.693, "longitude": -0.5,
    ...                      "notes": "=HYPERLINK(\\"http://x\\")"}])
    >>> out = write_csv(gdf, Path(tempfile.mkdtemp()) / "events.csv")
    >>> row = next(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    >>> row["notes"], row["longitude"]
    ('\\'=HYPERLINK("http://x")', '-0.5')
    """
    table = csv_table(gdf)
    return write_atomic(
        path,
        lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n"),
    )


def csv_table(gdf: geopandas.GeoDataFrame) -> pd.DataFrame:
    """The plain table ``write_csv`` writes: ordered columns, formula cells neutralised."""
    missing = [c for c in EVENT_COLUMNS if c not in gdf.columns]
    if missing:
        raise ValueError(f"not an event frame: missing columns {', '.join(missing)}")
    geometry = gdf.geometry.name if isinstance(gdf, geopandas.GeoDataFrame) else None
    extra = [c for c in gdf.columns if c not in EVENT_COLUMNS and c != geometry]
    table = pd.DataFrame(gdf[list(EVENT_COLUMNS) + extra])
    for column in table.columns:
        if not is_numeric_dtype(table[column]):
            table[column] = table[column].map(neutralise_formula, na_action="ignore")
    return table


def neutralise_formula(value):
    """Prefix ``'`` to a text cell a spreadsheet would read as a formula.

    >>> neutralise_formula("=1+1"), neutralise_formula("-3 killed"), neutralise_formula("Hajin")
    ("'=1+1", "'-3 killed", 'Hajin')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_json(obj, path) -> Path:
    """Write ``obj`` as pretty UTF-8 JSON (for report.json), atomically.

    Values JSON lacks are made plain: dates as ISO strings, paths as strings, numpy
    numbers as numbers, NaN and other nulls as null.

    >>> import tempfile
    >>> out = write_json({"events": np.int64(2), "when": date(2014, 12, 23), "score": math.nan},
    ...                  Path(tempfile.mkdtemp()) / "report.json")
    >>> json.loads(out.read_text(encoding="utf-8"))
    {'events': 2, 'when': '2014-12-23', 'score': None}
    """
    text = json.dumps(_json_value(obj), ensure_ascii=False, indent=2, allow_nan=False)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8", newline="\n"))


def write_outputs(
    events_gdf: geopandas.GeoDataFrame,
    mentions_gdf: geopandas.GeoDataFrame | None,
    report: dict,
    out_dir,
) -> dict[str, Path]:
    """Write events.geojson, events.gpkg, events.csv, mentions.geojson and report.json.

    ``out_dir`` is created if missing; each file is written atomically. Returns the paths
    keyed by file name. ``mentions_gdf=None`` writes an empty mentions.geojson.

    >>> import tempfile
    >>> from geo.frame import events_frame
    >>> paths = write_outputs(events_frame([]), None, {"events": 0}, Path(tempfile.mkdtemp()) / "out")
    >>> sorted(paths) == sorted(OUTPUT_NAMES) and all(p.is_file() for p in paths.values())
    True
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if mentions_gdf is None:
        mentions_gdf = mentions_frame([])
    return {
        "events.geojson": write_geojson(events_gdf, out_dir / "events.geojson"),
        "events.gpkg": write_gpkg(events_gdf, out_dir / "events.gpkg", layer="events"),
        "events.csv": write_csv(events_gdf, out_dir / "events.csv"),
        "mentions.geojson": write_geojson(mentions_gdf, out_dir / "mentions.geojson"),
        # Last: a report.json is only there once the files it describes are.
        "report.json": write_json(report, out_dir / "report.json"),
    }
