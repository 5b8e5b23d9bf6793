"""Write event and mention frames to files GIS tools open directly, never half-written.

A single file goes through :func:`conflictmap.files.write_atomic`: written next to its final
place and renamed over it only once complete. A run's whole set of outputs goes through
:class:`geo.spill.OutputFolder`: written into a fresh hidden folder and switched in with one
rename, so a crash, a full disk, a signal or a second run at the same time leaves either the
previous set or the new one, never a mix. (Only a hard kill can leave a hidden ``.NAME.*``
folder behind.)

events.parquet is one GeoParquet file however long the run: each frame of up to 5,000 events
(geo.pipeline.FRAME_ROWS) becomes one row group as it comes, so memory stays flat, and the row
groups are the partitions Dask, Spark or DuckDB split it by. One file rather than a folder of
parts: GDAL (so QGIS), DuckDB, geopandas and pyarrow all read a file, while GDAL reads a folder
only when built with Arrow's dataset library; and the output set stays a set of plain files,
which :class:`OutputFolder` replaces one by one where it must.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pandas.api.types import is_numeric_dtype
from shapely.geometry import mapping

from conflictmap.files import write_atomic
from conflictmap.geo.document import EVENT_COLUMNS
from conflictmap.geo.frame import EVENT_SCHEMA, NUL_STAND_IN, events_frame, mentions_frame
from conflictmap.geo.spill import OutputFolder, pause_for_tests
from conflictmap.values import is_null

COORDINATE_DECIMALS = 6  # about 10 cm, the figure RFC 7946 section 11.2 gives
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV Injection"
OUTPUT_NAMES = ("events.geojson", "events.gpkg", "events.csv", "events.parquet", "mentions.geojson", "report.json")
# Parquet types of the event columns, by their kind in geo.frame: fixed, so that every row
# group has the same schema even where a frame has a column of nulls only.
PARQUET_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),  # a Parquet DATE: the other outputs hold the same day as ISO text
    "count": pa.int64(),
    "precision": pa.int64(),  # nullable: read back as pandas Int64, as geo.frame has it
    "float": pa.float64(),
    "coord": pa.float64(),
}
GEOPARQUET_VERSION = "1.0.0"  # all it needs; GDAL reads 1.0.0 from 3.8 on, 1.1.0 only from 3.9


def write_geojson(gdf: geopandas.GeoDataFrame, path) -> Path:
    """Write ``gdf`` as an RFC 7946 FeatureCollection: WGS84 lon/lat, no "crs" member.

    Properties are all non-geometry columns, nulls as JSON null (never NaN); coordinates
    are rounded to 6 decimals. A frame in another CRS is reprojected to EPSG:4326.

    >>> import tempfile
    >>> from conflictmap.geo.frame import events_frame
    >>> gdf = events_frame([{"event_id": "SYR-1", "latitude": 34.693, "longitude": 40.827}])
    >>> out = write_geojson(gdf, Path(tempfile.mkdtemp()) / "events.geojson")
    >>> fc = json.loads(out.read_text(encoding="utf-8"))
    >>> fc["features"][0]["geometry"], "crs" in fc
    ({'type': 'Point', 'coordinates': [40.827, 34.693]}, False)
    """
    return write_atomic(path, lambda tmp: write_geojson_frames([gdf], tmp))


def write_geojson_frames(frames: Iterable[geopandas.GeoDataFrame], path) -> Path:
    """Write the rows of several frames as one FeatureCollection, frame by frame, in place
    (for a folder that is swapped in whole): the same bytes as :func:`write_geojson` of them
    all, without holding them all."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh, _feature_collection(fh) as add:
        for gdf in frames:
            add(gdf)
    return Path(path)


@contextmanager
def _feature_collection(fh):
    fh.write('{"type": "FeatureCollection", "features": [')
    separator = ""

    def add(gdf: geopandas.GeoDataFrame) -> None:
        nonlocal separator
        for feature in _features(gdf):
            fh.write(separator + json.dumps(feature, ensure_ascii=False, allow_nan=False))
            separator = ", "

    yield add
    fh.write("]}\n")


def feature_collection(gdf: geopandas.GeoDataFrame) -> dict:
    """The RFC 7946 FeatureCollection for ``gdf``, as plain JSON-ready Python data."""
    return {"type": "FeatureCollection", "features": list(_features(gdf))}


def _features(gdf: geopandas.GeoDataFrame) -> Iterator[dict]:
    gdf = _to_wgs84(gdf)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    for values, geom in zip(gdf[columns].itertuples(index=False, name=None), gdf.geometry):
        yield {
            "type": "Feature",
            "properties": {str(c): _json_value(v) for c, v in zip(columns, values)},
            "geometry": _geometry(geom),
        }


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
        return {_json_value(str(k)): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        return [_json_value(v) for v in value]
    if is_null(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return value.replace("\0", NUL_STAND_IN)  # as in every other output (geo.frame)
    if isinstance(value, (int, float, bool)):
        return value
    return _json_value(str(value))


def write_gpkg(gdf: geopandas.GeoDataFrame, path, layer: str = "events") -> Path:
    """Write ``gdf`` as a one-layer GeoPackage (pyogrio), replacing any file at ``path``.

    An all-Point or empty frame is declared a Point layer, so QGIS styles it as points even
    when it holds no rows.

    >>> import tempfile
    >>> from conflictmap.geo.frame import events_frame
    >>> out = write_gpkg(events_frame([]), Path(tempfile.mkdtemp()) / "events.gpkg")
    >>> len(geopandas.read_file(out)), geopandas.read_file(out).crs.to_epsg()
    (0, 4326)
    """
    return write_atomic(path, lambda tmp: _write_gpkg_frame(gdf, tmp, layer))


def _write_gpkg_frame(gdf: geopandas.GeoDataFrame, path: Path, layer: str, append: bool = False) -> None:
    options = {}
    if set(gdf.geom_type.dropna()) <= {"Point"}:
        options["geometry_type"] = "Point"
    gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", mode="a" if append else "w", **options)


def write_geoparquet(gdf: geopandas.GeoDataFrame, path) -> Path:
    """Write ``gdf`` as a GeoParquet file, replacing any file at ``path``.

    The schema is fixed by the columns and their kinds in geo.frame, not by the values (a
    run's frames go into one file as row groups that must all match, and one frame's actor2
    may be all null): text stays text (a NUL as ``NUL_STAND_IN``, as in every output), counts
    int64, precisions nullable int64 (pandas Int64 when read back), ``event_date`` a Parquet
    DATE (``datetime.date`` in pandas), geometry WKB in EPSG:4326 (reprojected if need be).
    The "geo" metadata is what geopandas writes for GeoParquet 1.0.0, with the geometry types
    declared and no bbox (optional, and not known when the file is opened). Readers:
    ``geopandas.read_parquet``, GDAL >= 3.8 (so QGIS), DuckDB, pyarrow, Dask, Spark.

    >>> import tempfile
    >>> from conflictmap.geo.frame import events_frame
    >>> gdf = events_frame([{"event_id": "SYR-1", "event_date": "2014-12-23",
    ...                      "latitude": 34.693, "longitude": 40.827, "geo_precision": 2}])
    >>> back = geopandas.read_parquet(write_geoparquet(gdf, Path(tempfile.mkdtemp()) / "events.parquet"))
    >>> back.crs.to_epsg(), back.geometry[0].coords[0], back.loc[0, "event_date"], back.loc[0, "geo_precision"]
    (4326, (40.827, 34.693), datetime.date(2014, 12, 23), np.int64(2))
    """

    def write(tmp: Path) -> None:
        with _geoparquet_row_groups(tmp) as add:
            add(gdf)

    return write_atomic(path, write)


@contextmanager
def _geoparquet_row_groups(path) -> Iterator[Callable[[geopandas.GeoDataFrame], None]]:
    """Write frames into one GeoParquet file at ``path`` in place (see :func:`write_geoparquet`),
    one row group per ``add(gdf)``, holding one frame at a time. The first frame fixes the
    schema; no frame at all writes an empty events file."""
    writer = None
    points_only = True  # what the "geo" metadata declares

    def add(gdf: geopandas.GeoDataFrame) -> None:
        nonlocal writer, points_only
        frame = _to_wgs84(gdf)
        types = _geometry_types(frame)
        if writer is None:
            points_only = types <= {"Point"}
            writer = pq.ParquetWriter(path, _geoparquet_schema(frame, points_only))
        elif points_only and not types <= {"Point"}:
            raise ValueError(f"{Path(path).name} was declared to hold points only; a frame has {sorted(types)}")
        table = _geoparquet_table(frame, writer.schema)
        if table.num_rows:
            writer.write_table(table, row_group_size=table.num_rows)

    try:
        yield add
        if writer is None:
            add(events_frame([]))
    finally:
        if writer is not None:
            writer.close()


def _geoparquet_schema(frame: geopandas.GeoDataFrame, points_only: bool) -> pa.Schema:
    """The file's schema: typed columns, the pandas metadata pyarrow makes for them (nullable
    Int64, no index), and geopandas' geometry field and "geo" metadata.

    Those two come from geopandas writing the frame without its rows (public API only), so the
    CRS (PROJJSON) and encoding are exactly what ``GeoDataFrame.to_parquet`` writes; the
    geometry types, which geopandas takes from the rows, are filled in: Point, as for the
    GeoPackage, unless the first frame holds other types (then none, meaning unknown).
    """
    geometry = frame.geometry.name
    buffer = io.BytesIO()
    frame.iloc[:0].to_parquet(buffer, index=False, schema_version=GEOPARQUET_VERSION)
    written = pq.read_schema(pa.BufferReader(buffer.getvalue()))
    geo = json.loads(written.metadata[b"geo"])
    geo["columns"][geometry]["geometry_types"] = ["Point"] if points_only else []

    columns = [c for c in frame.columns if c != geometry]
    inferred = pa.Schema.from_pandas(pd.DataFrame(frame[columns]), preserve_index=False)
    fields = [
        pa.field(c, PARQUET_TYPES[EVENT_SCHEMA[c]] if c in EVENT_SCHEMA else _not_null_type(inferred.field(c).type))
        for c in columns
    ]
    fields.append(written.field(geometry))
    typed = pa.Table.from_pandas(_parquet_columns(frame.iloc[:0]), schema=pa.schema(fields), preserve_index=False)
    return typed.schema.with_metadata({**typed.schema.metadata, b"geo": json.dumps(geo).encode("utf-8")})


def _not_null_type(type_: pa.DataType) -> pa.DataType:
    return pa.string() if pa.types.is_null(type_) else type_  # a column of nulls only: take it for text


def _geometry_types(frame: geopandas.GeoDataFrame) -> set[str]:
    """GeoParquet's names for the geometry types present ("Point", "Point Z", ...)."""
    located = frame.geometry.dropna()
    return set(located.geom_type + np.where(located.has_z, " Z", ""))


def _geoparquet_table(frame: geopandas.GeoDataFrame, schema: pa.Schema) -> pa.Table:
    table = pa.Table.from_pandas(_parquet_columns(frame), schema=schema, preserve_index=False)
    for i, field in enumerate(schema):
        if pa.types.is_string(field.type):
            table = table.set_column(i, field, pc.replace_substring(table.column(i), "\0", NUL_STAND_IN))
    return table


def _parquet_columns(frame: geopandas.GeoDataFrame) -> pd.DataFrame:
    """The frame as plain columns pyarrow converts: dates as ``datetime.date``, geometry as WKB."""
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    for column in table.columns:
        if EVENT_SCHEMA.get(column) == "date":
            table[column] = table[column].map(_as_date, na_action="ignore").astype(object)
    table[frame.geometry.name] = frame.geometry.to_wkb().astype(object)
    return table


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def write_csv(gdf: geopandas.GeoDataFrame, path) -> Path:
    """Write the events as UTF-8 CSV: ACLED's columns first (``EVENT_COLUMNS`` order), then
    any others; no geometry column (latitude and longitude are there).

    Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or
    CR) get a leading apostrophe, as OWASP advises; numeric columns are left alone.

    >>> import csv, tempfile
    >>> from conflictmap.geo.frame import events_frame
    >>> gdf = events_frame([{"event_id": "SYR-1", "latitude": 34.693, "longitude": -0.5,
    ...                      "notes": "=HYPERLINK(\\"http://x\\")"}])
    >>> out = write_csv(gdf, Path(tempfile.mkdtemp()) / "events.csv")
    >>> row = next(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    >>> row["notes"], row["longitude"]
    ('\\'=HYPERLINK("http://x")', '-0.5')
    """
    table = csv_table(gdf)
    return write_atomic(path, lambda tmp: _write_csv_table(table, tmp))


def _write_csv_table(table: pd.DataFrame, path_or_file, header: bool = True) -> None:
    table.to_csv(path_or_file, index=False, header=header, encoding="utf-8", lineterminator="\r\n")


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
    return write_atomic(path, _json_text(obj))


def _json_text(obj) -> str:
    return json.dumps(_json_value(obj), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_outputs(
    events_gdf: geopandas.GeoDataFrame,
    mentions_gdf: geopandas.GeoDataFrame | None,
    report: dict,
    out_dir,
) -> dict[str, Path]:
    """Write events.geojson, events.gpkg, events.csv, events.parquet, mentions.geojson and
    report.json.

    The set replaces what ``out_dir`` held as one (:class:`OutputFolder`). Returns the paths
    keyed by file name. ``mentions_gdf=None`` writes an empty mentions.geojson.

    >>> import tempfile
    >>> from conflictmap.geo.frame import events_frame
    >>> paths = write_outputs(events_frame([]), None, {"events": 0}, Path(tempfile.mkdtemp()) / "out")
    >>> sorted(paths) == sorted(OUTPUT_NAMES) and all(p.is_file() for p in paths.values())
    True
    """
    if mentions_gdf is None:
        mentions_gdf = mentions_frame([])
    with OutputFolder(out_dir) as folder:
        names = write_output_files([events_gdf], [mentions_gdf], report, folder.path)
        folder.commit()
    return {name: folder.target / name for name in names}


def write_output_files(
    event_frames: Iterable[geopandas.GeoDataFrame],
    mention_frames: Iterable[geopandas.GeoDataFrame],
    report: dict,
    folder,
) -> dict[str, Path]:
    """Write the six outputs into ``folder`` in place, frame by frame (a long run's rows
    never sit in memory together): meant for :attr:`OutputFolder.path`, which is swapped in
    whole. The event frames are read once, for all four event files."""
    folder = Path(folder)
    paths = {name: folder / name for name in OUTPUT_NAMES}
    frames = iter(event_frames)
    first = next(frames, None)
    with open(paths["events.geojson"], "w", encoding="utf-8", newline="\n") as geojson, \
            _feature_collection(geojson) as add_features, \
            open(paths["events.csv"], "w", encoding="utf-8", newline="") as table, \
            _geoparquet_row_groups(paths["events.parquet"]) as add_row_group:
        for i, gdf in enumerate(itertools.chain([events_frame([]) if first is None else first], frames)):
            add_features(gdf)
            _write_csv_table(csv_table(gdf), table, header=i == 0)
            _write_gpkg_frame(gdf, paths["events.gpkg"], "events", append=i > 0)
            add_row_group(gdf)
            pause_for_tests()
    write_geojson_frames(mention_frames, paths["mentions.geojson"])
    pause_for_tests()
    paths["report.json"].write_text(_json_text(report), encoding="utf-8", newline="\n")
    return paths
