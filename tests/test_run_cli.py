"""`conflictmap run`: outputs, exit statuses and messages a user sees."""

import csv
import json
import subprocess
import sys
from types import SimpleNamespace

import geopandas
import pytest

from conflictmap.geo.document import ACLED_COLUMNS, EVENT_COLUMNS

STRIKE = "Coalition warplanes struck Islamic State positions near the town of Hajin on Tuesday, killing four fighters.\n"
SHELLING = "Regime artillery shelled the village of Sufuhan in Idlib province on Monday.\n"


@pytest.fixture()
def conflictmap(invoke):
    """The command in this process (tests/conftest.py); only the signal test starts a real one."""
    def run(*args):
        result = invoke(*args)
        return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)
    return run


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Published December 24th, 2014\n\n" + STRIKE, encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({"id": "row-1", "text": SHELLING, "published": "2014-12-23",
                                                "source": "Wire", "url": "https://example.org/1"}) + "\n",
                                    encoding="utf-8")
    return folder


def test_run_writes_every_output(inputs, tmp_path, gaz, conflictmap):
    out = tmp_path / "out"
    proc = conflictmap("run", inputs, "--out", out, "--offline")
    assert proc.returncode == 0, proc.stderr
    for name in ("events.geojson", "events.gpkg", "events.csv", "events.parquet", "mentions.geojson", "report.json"):
        assert (out / name).is_file(), name

    geojson = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert "crs" not in geojson
    props = {f["properties"]["doc_id"]: f for f in geojson["features"]}
    hajin = props["a.txt"]
    lon, lat = hajin["geometry"]["coordinates"]
    assert abs(lat - 34.69) < 0.2 and abs(lon - 40.83) < 0.2  # RFC 7946: [lon, lat]
    assert hajin["properties"]["event_date"] == "2014-12-23" and hajin["properties"]["fatalities"] == 4
    assert list(hajin["properties"]) == list(EVENT_COLUMNS)
    sufuhan = props["row-1"]["properties"]
    assert sufuhan["sub_event_type"] == "Shelling/artillery/missile attack"
    assert sufuhan["source_url"] == "https://example.org/1" and sufuhan["event_date"] == "2014-12-22"

    with open(out / "events.csv", newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    gpkg = geopandas.read_file(out / "events.gpkg")
    assert len(gpkg) == 2 and gpkg.crs.to_epsg() == 4326
    parquet = geopandas.read_parquet(out / "events.parquet")
    assert parquet.crs.to_epsg() == 4326 and list(parquet.columns) == list(EVENT_COLUMNS) + ["geometry"]
    assert sorted(parquet["doc_id"]) == sorted(props) and parquet["fatalities"].tolist() == [
        props[doc_id]["properties"]["fatalities"] for doc_id in parquet["doc_id"]]
    assert {str(d) for d in parquet["event_date"]} == {"2014-12-23", "2014-12-22"}

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 2 and report["events"] == 2 and report["rejected_inputs"] == 0
    mentions = json.loads((out / "mentions.geojson").read_text(encoding="utf-8"))["features"]
    hajin_mention = next(m["properties"] for m in mentions if m["properties"]["text"] == "Hajin")
    assert STRIKE[hajin_mention["start_char"] - len("Published December 24th, 2014\n\n"):].startswith("Hajin")


def test_bad_inputs_are_named_skipped_and_exit_1(inputs, tmp_path, gaz, conflictmap):
    (inputs / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (inputs / "broken.jsonl").write_text('{"text": "fine"}\n{not json\n', encoding="utf-8")
    out = tmp_path / "out"
    proc = conflictmap("run", inputs, "--out", out)
    assert proc.returncode == 1
    assert f"{inputs / 'junk.bin'}: binary file" in proc.stderr
    assert f"{inputs / 'broken.jsonl'}:2:" in proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 3 and report["rejected_inputs"] == 2


def test_published_option_dates_undated_inputs(tmp_path, gaz, conflictmap):
    (tmp_path / "x.txt").write_text(STRIKE, encoding="utf-8")
    out = tmp_path / "out"
    assert conflictmap("run", tmp_path / "x.txt", "--out", out, "--published", "2018-12-13").returncode == 0
    event = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert event["event_date"] == "2018-12-11"


def test_usage_errors_exit_2(tmp_path, conflictmap):
    assert conflictmap("run", tmp_path).returncode == 2  # no --out
    proc = conflictmap("run", tmp_path, "--out", tmp_path / "o", "--published", "24/12/2014")
    assert proc.returncode == 2 and "--published" in proc.stderr


def test_sigterm_mid_run_keeps_previous_outputs(tmp_path, gaz, wait_until_articles_are_read):
    import signal

    rows = [json.dumps({"id": f"r{i}", "text": STRIKE}) for i in range(20_000)]
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.geojson").write_text("previous", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "conflictmap", "run", big, "--out", out],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_articles_are_read(proc, out)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted after" in err and "intact" in err
    assert (out / "events.geojson").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["events.geojson"]


def test_run_writes_a_map_with_the_events(inputs, tmp_path, gaz, conflictmap):
    out = tmp_path / "out"
    assert conflictmap("run", inputs, "--out", out).returncode == 0
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "US-led coalition" in html and "Syrian government forces" in html  # one layer per actor
    assert "GeoNames" in html and "On First" in html  # attribution
    assert conflictmap("run", inputs, "--out", tmp_path / "nomap", "--no-map").returncode == 0
    assert not (tmp_path / "nomap" / "map.html").exists()
