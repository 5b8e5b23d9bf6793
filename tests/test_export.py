"""Event frames and the GIS exports: GeoJSON (RFC 7946), GeoPackage, CSV, report.json.

The events are made up for the tests (plausible places and numbers, no article text).
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date
from pathlib import Path

import geopandas
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


from conflictmap import geo
from conflictmap.geo.document import ACLED_COLUMNS, EVENT_COLUMNS
from conflictmap.geo.export import (
    OUTPUT_NAMES,
    write_atomic,
    write_csv,
    write_geojson,
    write_gpkg,
    write_json,
    write_outputs,
)
from conflictmap.geo.frame import MENTION_COLUMNS, events_frame, mentions_frame

NOTE_HAJIN = 'Coalition jets struck "an ISIS headquarters" near Hajin (هجين) <script>alert(1)</script>'
FORMULA_NOTE = '=HYPERLINK("http://example.invalid/x","click")'


def sample_events() -> list[dict]:
    return [
        {
            "event_id": "SYR-0001", "event_date": date(2014, 12, 23), "time_precision": 1,
            "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
            "actor1": "Military Forces of the United States (2009-2017)", "actor2": "ISIS",
            "assoc_actor_1": None, "country": "Syria", "iso3": "SYR", "admin1": "Deir ez-Zor",
            "admin2": "Abu Kamal", "location": "Hajin", "latitude": 34.693, "longitude": 40.827,
            "geo_precision": 2, "fatalities": 7, "civilian_fatalities": 2, "injuries": 4,
            "place_id": "170063", "place_source": "gazetteer", "confidence": 0.82,
            "source": ["Reuters", "AFP"], "source_url": "https://example.invalid/hajin",
            "doc_id": "a-001", "notes": NOTE_HAJIN,
        },
        {
            # Sparse row: nulls must stay null; counts default to 0 (ACLED's "unknown").
            "event_id": "IRQ-0002", "event_date": "2015-03-02",
            "event_type": "Battles", "sub_event_type": "Armed clash",
            "country": "Iraq", "iso3": "IRQ", "location": "Tikrit",
            "latitude": 34.6071, "longitude": 43.6782, "geo_precision": 1,
            "fatalities": 12, "doc_id": "a-002", "notes": FORMULA_NOTE,
        },
        {
            # West of Greenwich, to see a negative longitude left numeric in the CSV.
            "event_id": "TST-0003", "event_date": "2016-01-05", "time_precision": 2,
            "event_type": "Battles", "sub_event_type": "Armed clash", "location": "Test point",
            "latitude": 36.1234567, "longitude": -5.3456789, "geo_precision": 3,
            "doc_id": "a-003", "notes": "-dozens of fighters, @ a checkpoint",
        },
    ]


@pytest.fixture
def events_gdf():
    return events_frame(sample_events())


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


# --- events_frame / mentions_frame -----------------------------------------------------


def test_events_frame_columns_dtypes_and_crs(events_gdf):
    assert list(events_gdf.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert events_gdf.crs.to_epsg() == 4326
    dtypes = events_gdf.dtypes.astype(str)
    for column in ("fatalities", "civilian_fatalities", "injuries"):
        assert dtypes[column] == "int64"
    for column in ("latitude", "longitude", "confidence"):
        assert dtypes[column] == "float64"
    assert dtypes["geo_precision"] == dtypes["time_precision"] == "Int64"
    assert events_gdf["event_date"].tolist() == ["2014-12-23", "2015-03-02", "2016-01-05"]
    assert events_gdf.geometry[0].coords[0] == (40.827, 34.693)


def test_events_frame_missing_keys_become_null(events_gdf):
    sparse = events_gdf.iloc[1]
    assert sparse["actor1"] is None and sparse["source_url"] is None
    assert sparse["time_precision"] is pd.NA
    assert math.isnan(sparse["confidence"])
    assert sparse["civilian_fatalities"] == 0 and sparse["injuries"] == 0


def test_events_frame_joins_several_sources_acled_style(events_gdf):
    assert events_gdf.loc[0, "source"] == "Reuters; AFP"


def test_events_frame_drops_keys_outside_the_contract():
    gdf = events_frame([{**sample_events()[0], "evidence": ["a", "b"]}])
    assert "evidence" not in gdf.columns


def test_events_frame_empty_has_columns_and_crs():
    gdf = events_frame([])
    assert len(gdf) == 0
    assert list(gdf.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert str(gdf.dtypes["fatalities"]) == "int64"


@pytest.mark.parametrize("missing", [{"latitude": None}, {"longitude": math.nan}, {"latitude": pd.NA}])
def test_events_frame_names_the_event_without_coordinates(missing):
    events = sample_events()
    events[1].update(missing)
    with pytest.raises(ValueError, match="IRQ-0002"):
        events_frame(events)


@pytest.mark.parametrize(
    "bad",
    [
        {"latitude": 134.0},
        {"longitude": -190.0},
        {"fatalities": -1},
        {"fatalities": 2.5},
        {"fatalities": "many"},
        {"geo_precision": 4},
        {"event_date": "23/12/2014"},
    ],
)
def test_events_frame_rejects_impossible_values_naming_the_event(bad):
    with pytest.raises(ValueError, match="SYR-0001"):
        events_frame([{**sample_events()[0], **bad}])


def test_events_frame_accepts_iso_datetime_and_numeric_strings():
    gdf = events_frame([{**sample_events()[0], "event_date": "2014-12-23T06:30:00", "fatalities": "7"}])
    assert gdf.loc[0, "event_date"] == "2014-12-23"
    assert gdf.loc[0, "fatalities"] == 7


def test_mentions_frame_allows_unresolved_mentions():
    gdf = mentions_frame([
        {"doc_id": "a-001", "text": "Hajin", "sentence": NOTE_HAJIN, "start_char": 31,
         "end_char": 36, "place_id": "170063", "name": "Hajin", "score": 0.91,
         "geo_precision": 1, "place_source": "gazetteer", "latitude": 34.693, "longitude": 40.827},
        {"doc_id": "a-001", "text": "the Observatory", "start_char": 50, "end_char": 65},
    ])
    assert list(gdf.columns) == list(MENTION_COLUMNS) + ["geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry[0].coords[0] == (40.827, 34.693)
    assert gdf.geometry[1] is None
    assert str(gdf.dtypes["start_char"]) == "Int64"


# --- GeoJSON --------------------------------------------------------------------------


def test_geojson_is_rfc7946(events_gdf, tmp_path):
    fc = read_json(write_geojson(events_gdf, tmp_path / "events.geojson"))
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc
    assert len(fc["features"]) == 3
    first = fc["features"][0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [40.827, 34.693]}  # lon, lat
    assert list(first["properties"]) == list(EVENT_COLUMNS)
    assert first["properties"]["event_date"] == "2014-12-23"
    assert first["properties"]["fatalities"] == 7 and type(first["properties"]["fatalities"]) is int
    assert first["properties"]["geo_precision"] == 2
    assert first["properties"]["notes"] == NOTE_HAJIN


def test_geojson_nulls_stay_null_and_coordinates_are_rounded(events_gdf, tmp_path):
    path = write_geojson(events_gdf, tmp_path / "events.geojson")
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text
    assert "هجين" in text  # ensure_ascii=False: readable UTF-8, not \u escapes
    sparse = read_json(path)["features"][1]["properties"]
    assert sparse["actor1"] is None
    assert sparse["time_precision"] is None
    assert sparse["confidence"] is None
    third = read_json(path)["features"][2]["geometry"]["coordinates"]
    assert third == [-5.345679, 36.123457]


def test_geojson_reprojects_other_crs(events_gdf, tmp_path):
    fc = read_json(write_geojson(events_gdf.to_crs(3857), tmp_path / "events.geojson"))
    assert fc["features"][0]["geometry"]["coordinates"] == [40.827, 34.693]


def test_geojson_refuses_frame_without_crs(events_gdf, tmp_path):
    with pytest.raises(ValueError, match="CRS"):
        write_geojson(events_gdf.set_crs(None, allow_override=True), tmp_path / "events.geojson")
    assert list(tmp_path.iterdir()) == []


def test_geojson_opens_in_geopandas(events_gdf, tmp_path):
    back = geopandas.read_file(write_geojson(events_gdf, tmp_path / "events.geojson"))
    assert back.crs.to_epsg() == 4326
    assert back["event_id"].tolist() == events_gdf["event_id"].tolist()
    assert back["notes"].tolist() == events_gdf["notes"].tolist()


# --- GeoPackage -----------------------------------------------------------------------


def test_gpkg_round_trip(events_gdf, tmp_path):
    path = write_gpkg(events_gdf, tmp_path / "events.gpkg")
    back = geopandas.read_file(path, layer="events")
    assert back.crs.to_epsg() == 4326
    assert list(back.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert len(back) == len(events_gdf)
    for column in EVENT_COLUMNS:
        assert [_plain(v) for v in back[column]] == [_plain(v) for v in events_gdf[column]], column
    assert back.geometry.geom_equals(events_gdf.geometry).all()


def _plain(value):
    """Compare across dtypes: a null is None whichever null it is, 3.0 equals 3."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def test_gpkg_empty_frame_is_a_point_layer(tmp_path):
    import pyogrio

    path = write_gpkg(events_frame([]), tmp_path / "events.gpkg")
    info = pyogrio.read_info(path, layer="events")
    assert info["features"] == 0
    assert info["geometry_type"] == "Point"
    assert list(info["fields"]) == list(EVENT_COLUMNS)


# --- CSV ------------------------------------------------------------------------------


def test_csv_columns_and_formula_neutralised(events_gdf, tmp_path):
    header, rows = read_csv_rows(write_csv(events_gdf, tmp_path / "events.csv"))
    assert header[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    assert header == list(EVENT_COLUMNS)
    assert "geometry" not in header
    assert rows[1]["notes"] == "'" + FORMULA_NOTE
    assert rows[2]["notes"].startswith("'-dozens")
    assert rows[2]["longitude"] == "-5.3456789"  # numeric column: no apostrophe
    assert float(rows[2]["longitude"]) == -5.3456789
    assert rows[0]["notes"] == NOTE_HAJIN  # quotes, Arabic and markup survive as text
    assert rows[0]["fatalities"] == "7" and rows[0]["event_date"] == "2014-12-23"
    assert rows[1]["actor1"] == "" and rows[1]["time_precision"] == ""


def test_csv_keeps_extra_columns_after_the_contract(events_gdf, tmp_path):
    events_gdf["review"] = ["ok", "+check", None]
    header, rows = read_csv_rows(write_csv(events_gdf, tmp_path / "events.csv"))
    assert header == list(EVENT_COLUMNS) + ["review"]
    assert rows[1]["review"] == "'+check"


def test_csv_refuses_a_frame_without_the_event_columns(events_gdf, tmp_path):
    with pytest.raises(ValueError, match="fatalities"):
        write_csv(events_gdf.drop(columns=["fatalities"]), tmp_path / "events.csv")


# --- atomic writes --------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_write_atomic_keeps_old_file_and_leaves_no_temp(tmp_path, error):
    target = tmp_path / "events.geojson"
    target.write_text("old", encoding="utf-8")

    def failing_writer(tmp: Path) -> None:
        tmp.write_text("half a fil", encoding="utf-8")
        raise error

    with pytest.raises(type(error)):
        write_atomic(target, failing_writer)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["events.geojson"]


def test_write_atomic_replaces_and_cleans_up(tmp_path):
    target = tmp_path / "sub" / "report.json"
    write_atomic(target, lambda tmp: tmp.write_text("old", encoding="utf-8"))
    write_atomic(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_write_atomic_writer_that_writes_nothing(tmp_path):
    with pytest.raises(RuntimeError, match="did not create"):
        write_atomic(tmp_path / "x.json", lambda tmp: None)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_gpkg_write_keeps_old_file(events_gdf, tmp_path, monkeypatch):
    target = write_gpkg(events_gdf, tmp_path / "events.gpkg")
    before = target.read_bytes()
    real_to_file = geopandas.GeoDataFrame.to_file

    def interrupted(self, filename, *args, **kwargs):
        real_to_file(self, filename, *args, **kwargs)  # GDAL wrote a whole new file...
        raise KeyboardInterrupt  # ...and then Ctrl-C, before the rename

    monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_gpkg(events_gdf.iloc[:1], target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["events.gpkg"]


# --- report.json and write_outputs ----------------------------------------------------


def test_write_json_is_pretty_and_plain(tmp_path):
    path = write_json({"events": 3, "published": date(2014, 12, 23), "ratio": math.nan,
                       "place": "هجين"}, tmp_path / "report.json")
    text = path.read_text(encoding="utf-8")
    assert "\n  " in text and "هجين" in text
    assert json.loads(text) == {"events": 3, "published": "2014-12-23", "ratio": None, "place": "هجين"}


def test_write_outputs_writes_every_file(events_gdf, tmp_path):
    mentions = mentions_frame([{"doc_id": "a-001", "text": "Hajin", "start_char": 31, "end_char": 36,
                                "latitude": 34.693, "longitude": 40.827}])
    out = tmp_path / "new" / "out"
    paths = write_outputs(events_gdf, mentions, {"events": 3}, out)
    assert set(paths) == set(OUTPUT_NAMES)
    assert all(p.parent == out and p.is_file() for p in paths.values())
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)
    assert len(read_json(paths["mentions.geojson"])["features"]) == 1
    assert read_json(paths["report.json"]) == {"events": 3}


def test_empty_event_list_writes_valid_empty_outputs(tmp_path):
    paths = write_outputs(events_frame([]), mentions_frame([]), {"events": 0}, tmp_path)
    for name in ("events.geojson", "mentions.geojson"):
        assert read_json(paths[name]) == {"type": "FeatureCollection", "features": []}
    back = geopandas.read_file(paths["events.gpkg"])
    assert len(back) == 0 and back.crs.to_epsg() == 4326
    header, rows = read_csv_rows(paths["events.csv"])
    assert header == list(EVENT_COLUMNS) and rows == []


# --- properties -----------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=st.text())
def test_any_note_is_safe_in_csv_and_exact_in_geojson(tmp_path, note):
    gdf = events_frame([{**sample_events()[0], "notes": note}])
    note = note.replace("\0", geo.frame.NUL_STAND_IN)  # a GeoPackage cannot hold NUL: no output does
    geojson = write_geojson(gdf, tmp_path / "events.geojson")
    assert read_json(geojson)["features"][0]["properties"]["notes"] == note

    _, rows = read_csv_rows(write_csv(gdf, tmp_path / "events.csv"))
    cell = rows[0]["notes"]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (note, "'" + note)
    assert rows[0]["longitude"] == "40.827"


