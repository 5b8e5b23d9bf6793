"""events.parquet: GeoParquet beside the GeoJSON, GeoPackage and CSV, written frame by frame.

The events are made up for the tests (plausible places and numbers, no article text).
"""

from __future__ import annotations

import json
import math
from datetime import date

import geopandas
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from conflictmap.geo.document import EVENT_COLUMNS
from conflictmap.geo.export import write_geoparquet, write_output_files, write_outputs
from conflictmap.geo.frame import NUL_STAND_IN, events_frame, mentions_frame

# Quotes, a NUL, line breaks, right-to-left marks and Arabic: article text is data.
AWKWARD_NOTE = 'He said "it\'s over";\r\nthen\0 \u200fقال\u200e\u202b <b>x</b> \\N'


def event(i: int, **fields) -> dict:
    return {
        "event_id": f"EV-{i:05d}", "event_date": date(2017, 1, 1 + i % 28).isoformat(), "time_precision": 1,
        "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Syrian Democratic Forces",
        "actor2": "ISIS", "country": "Syria", "location": "Hajin",
        "latitude": 34.0 + i / 1000, "longitude": 40.0 + i / 3000, "geo_precision": 1 + i % 3,
        "fatalities": i % 7, "doc_id": f"a-{i}", "notes": f"note {i}", **fields,
    }


def sample_events() -> list[dict]:
    return [
        event(0, event_date="2014-12-23", fatalities=7, civilian_fatalities=2, injuries=4, confidence=0.82,
              latitude=34.693, longitude=40.827, source=["Reuters", "AFP"], notes=AWKWARD_NOTE),
        # Sparse: nulls stay null, counts are 0 (ACLED's "unknown").
        {"event_id": "IRQ-0002", "event_date": "2015-03-02", "event_type": "Battles", "location": "Tikrit",
         "latitude": 34.6071, "longitude": 43.6782, "fatalities": 12, "notes": '=HYPERLINK("x")'},
        # West of Greenwich, more decimals than GeoJSON keeps, no date.
        event(2, event_date=None, latitude=36.1234567, longitude=-5.3456789),
    ]


def geo_metadata(path) -> dict:
    return json.loads(pq.read_schema(path).metadata[b"geo"])


def test_a_run_parquet_holds_the_same_events_as_its_geojson(tmp_path):
    paths = write_outputs(events_frame(sample_events()), None, {"events": 3}, tmp_path / "out")

    back = geopandas.read_parquet(paths["events.parquet"])
    features = json.loads(paths["events.geojson"].read_text(encoding="utf-8"))["features"]
    assert back.crs.to_epsg() == 4326
    assert list(back.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert len(back) == len(features) == 3
    for row, feature in zip(back.itertuples(), features):
        props = feature["properties"]
        assert row.event_id == props["event_id"]
        assert row.geometry.x == pytest.approx(feature["geometry"]["coordinates"][0], abs=1e-6)
        assert row.geometry.y == pytest.approx(feature["geometry"]["coordinates"][1], abs=1e-6)
        assert (row.event_date.isoformat() if row.event_date is not None else None) == props["event_date"]
        assert row.fatalities == props["fatalities"] and row.injuries == props["injuries"]
        assert (None if pd.isna(row.geo_precision) else row.geo_precision) == props["geo_precision"]
        assert row.notes == props["notes"]
    assert back.loc[0, "notes"] == AWKWARD_NOTE.replace("\0", NUL_STAND_IN)  # as in every output


def test_parquet_dtypes_are_typed_not_guessed(tmp_path):
    back = geopandas.read_parquet(write_geoparquet(events_frame(sample_events()), tmp_path / "events.parquet"))
    dtypes = back.dtypes.astype(str)
    assert dtypes["fatalities"] == dtypes["civilian_fatalities"] == dtypes["injuries"] == "int64"
    assert dtypes["geo_precision"] == dtypes["time_precision"] == "Int64"
    assert dtypes["latitude"] == dtypes["confidence"] == "float64"
    assert back["event_date"].tolist() == [date(2014, 12, 23), date(2015, 3, 2), None]
    assert back.loc[1, "time_precision"] is pd.NA and pd.isna(back.loc[1, "actor1"])
    assert back.loc[1, "civilian_fatalities"] == 0 and back.loc[0, "source"] == "Reuters; AFP"
    assert math.isnan(back.loc[1, "confidence"])
    schema = pq.read_schema(tmp_path / "events.parquet")
    assert str(schema.field("event_date").type) == "date32[day]"  # a Parquet DATE for QGIS, DuckDB, Spark
    assert str(schema.field("geometry").type) == "binary"  # WKB


def test_geo_metadata_says_geoparquet_wkb_points_in_wgs84(tmp_path):
    path = write_geoparquet(events_frame(sample_events()).to_crs(3857), tmp_path / "events.parquet")
    geo = geo_metadata(path)
    assert geo["version"] == "1.0.0" and geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point"]
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}  # reprojected back, as for GeoJSON
    back = geopandas.read_parquet(path)
    assert back.geometry[0].coords[0] == pytest.approx((40.827, 34.693), abs=1e-9)


def test_frames_become_row_groups_of_one_schema_even_with_an_all_null_column(tmp_path):
    frames = [
        events_frame([event(i) for i in range(0, 4)]),
        events_frame([event(i, actor2=None, event_date=None, geo_precision=None) for i in range(4, 7)]),
        events_frame([event(i) for i in range(7, 12)]),
    ]
    consumed = []

    def stream():
        for frame in frames:
            consumed.append(len(frame))
            yield frame

    write_output_files(stream(), [mentions_frame([])], {}, tmp_path)
    path = tmp_path / "events.parquet"
    assert consumed == [4, 3, 5]  # read once, shared with the other event files

    parquet = pq.ParquetFile(path)
    assert [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)] == [4, 3, 5]
    assert str(parquet.schema_arrow.field("actor2").type) == "string"  # not "null" for the middle part
    assert ds.dataset(path).to_table().num_rows == 12

    back = geopandas.read_parquet(path)
    assert back["event_id"].tolist() == [f"EV-{i:05d}" for i in range(12)]
    assert back["actor2"].isna().tolist() == [False] * 4 + [True] * 3 + [False] * 5
    assert str(back.dtypes["geo_precision"]) == "Int64" and back["geo_precision"].isna().sum() == 3
    assert back["event_date"].isna().sum() == 3
    assert back.crs.to_epsg() == 4326
    geojson = geopandas.read_file(tmp_path / "events.geojson")
    assert back.geometry.geom_equals_exact(geojson.geometry, tolerance=1e-6).all()


def test_an_empty_run_writes_an_empty_geoparquet(tmp_path):
    paths = write_outputs(events_frame([]), None, {"events": 0}, tmp_path / "out")
    path = paths["events.parquet"]
    assert pq.ParquetFile(path).metadata.num_rows == 0
    back = geopandas.read_parquet(path)
    assert len(back) == 0 and back.crs.to_epsg() == 4326
    assert list(back.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert str(back.dtypes["fatalities"]) == "int64" and str(back.dtypes["geo_precision"]) == "Int64"
    assert geo_metadata(path)["columns"]["geometry"]["geometry_types"] == ["Point"]  # as the GeoPackage layer


def test_no_frames_at_all_still_write_the_file(tmp_path):
    write_output_files([], [], {}, tmp_path)
    assert len(geopandas.read_parquet(tmp_path / "events.parquet")) == 0


@pytest.mark.filterwarnings("ignore:A geometry of type POLYGON:RuntimeWarning")  # the GeoPackage's
def test_a_non_point_frame_after_points_is_refused(tmp_path):
    # The "geo" metadata declared Point from the first frame: a polygon later would make it lie.
    points = events_frame([event(1)])
    square = events_frame([event(2)]).set_geometry(
        geopandas.GeoSeries([Polygon([(40, 34), (41, 34), (41, 35)])], crs=4326))
    with pytest.raises(ValueError, match="points only"):
        write_output_files([points, square], [], {}, tmp_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=st.text())
def test_any_note_round_trips_exactly(tmp_path, note):
    path = write_geoparquet(events_frame([{**sample_events()[0], "notes": note}]), tmp_path / "events.parquet")
    assert geopandas.read_parquet(path).loc[0, "notes"] == note.replace("\0", NUL_STAND_IN)
