"""`conflictmap run --dask` and cm.extract_dask: a real dask.distributed cluster on the loopback
interface (worker processes), the same events as a run in one process."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import distributed  # the dev extra installs the dask extra: these tests run wherever the others do
import pytest

import conflictmap as cm
from conflictmap.geo import cluster as cluster_module
from conflictmap.geo.pipeline import DocumentResult

PUBLISHED = "Published March 9th, 2017\n\n"
# The same strike in two files: one event with both sources, the larger toll.
STRIKE = "Coalition aircraft struck Islamic State positions near Hajin on Tuesday, killing four fighters.\n"
STRIKE_AGAIN = "Coalition warplanes bombed Islamic State positions near Hajin on Tuesday, killing six fighters.\n"
CLASH = "Iraqi forces clashed with Islamic State militants in western Mosul on Monday; three soldiers were killed."
SHELLING = "Syrian army artillery shelled rebel positions near Saraqib on Wednesday, wounding two people."
SEIZURE = "Islamic State fighters seized the town of Tal Afar on Thursday after heavy fighting with Iraqi troops."
# A CSV field over several lines: partitions are cut between documents, never inside a row.
BARREL_BOMBS = ("Regime helicopters dropped barrel bombs on the village of Sufuhan in Idlib province on Sunday, "
                'killing seven civilians.\nRescuers said "the market" was hit.')


@pytest.fixture()
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(PUBLISHED + STRIKE, encoding="utf-8")
    (folder / "b.txt").write_text(PUBLISHED + STRIKE_AGAIN, encoding="utf-8")
    rows = [{"id": "wire-1", "text": CLASH, "published": "2017-03-07"},
            {"id": "wire-2", "text": SHELLING, "published": "2017-03-09"},
            {"id": "wire-3", "text": SEIZURE, "published": "2017-03-10"}]
    lines = [json.dumps(row) for row in rows]
    lines.insert(1, "{not json")  # reported as wire.jsonl:2, the rest read
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    quoted = BARREL_BOMBS.replace('"', '""')
    (folder / "desk.csv").write_text(f'id,published,text\ndesk-1,2017-03-06,"{quoted}"\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scheduler(tiny_gazetteer):
    """A LocalCluster of two worker processes, loopback only; its scheduler's address."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, scheduler_kwargs=cluster_module.LOCAL_SCHEDULER) as local:
        yield local.scheduler_address


@pytest.fixture()
def client(scheduler):
    with distributed.Client(scheduler, set_as_default=False) as c:
        yield c


def run_twice(invoke, articles, tmp_path, *dask_args):
    """The same inputs run in one process and with ``dask_args``: (plain, dask) results and folders."""
    plain, spread = tmp_path / "plain", tmp_path / "dask"
    one = invoke("run", articles, "--out", plain, "--no-map")
    other = invoke("run", articles, "--out", spread, "--no-map", *dask_args)
    return one, other, plain, spread


def features(folder, name="events.geojson"):
    return json.loads((folder / name).read_text(encoding="utf-8"))["features"]


def assert_same_outputs(plain, spread):
    assert features(spread) == features(plain)
    assert features(spread, "mentions.geojson") == features(plain, "mentions.geojson")
    assert (spread / "events.csv").read_bytes() == (plain / "events.csv").read_bytes()
    report, dask_report = (json.loads((f / "report.json").read_text(encoding="utf-8")) for f in (plain, spread))
    for r in (report, dask_report):
        r.pop("timings_s")
    assert dask_report.pop("dask")["workers"] == 2
    assert dask_report == report


def test_local_cluster_run_equals_one_process(articles, tmp_path, invoke, monkeypatch):
    monkeypatch.setattr(cluster_module, "PARTITION_DOCUMENTS", 1)  # each article in a partition of its own
    one, other, plain, spread = run_twice(invoke, articles, tmp_path, "--dask", "local:2")
    assert one.exit_code == other.exit_code == 1, other.stderr  # the broken line
    assert f"{articles / 'wire.jsonl'}:2: not JSON" in other.stderr
    assert "6 articles" in other.stderr

    assert_same_outputs(plain, spread)
    events = {e["properties"]["location"]: e["properties"] for e in features(spread)}
    assert sorted(events) == ["Hajīn", "Mosul", "Safuhun", "Sarāqib", "Tall 'Afar"]
    strike = events["Hajīn"]  # reported by a.txt and b.txt, in different partitions: merged
    assert (strike["doc_id"], strike["event_date"], strike["fatalities"]) == ("a.txt; b.txt", "2017-03-07", 6)
    assert strike["event_id"].startswith("cm-")
    assert (events["Safuhun"]["doc_id"], events["Safuhun"]["fatalities"]) == ("desk-1", 7)
    assert (events["Mosul"]["event_date"], events["Mosul"]["fatalities"]) == ("2017-03-06", 3)
    report = json.loads((spread / "report.json").read_text(encoding="utf-8"))
    assert report["dask"] == {"address": "local:2", "partitions": 6, "workers": 2}
    assert report["documents"] == 6 and report["events"] == 5 and report["rejected_inputs"] == 1


def test_scheduler_address_run_equals_one_process(articles, tmp_path, invoke, scheduler, monkeypatch):
    monkeypatch.setattr(cluster_module, "PARTITION_DOCUMENTS", 2)
    one, other, plain, spread = run_twice(invoke, articles, tmp_path, "--dask", scheduler)
    assert one.exit_code == other.exit_code == 1
    assert_same_outputs(plain, spread)
    report = json.loads((spread / "report.json").read_text(encoding="utf-8"))
    assert report["dask"] == {"address": scheduler, "partitions": 3, "workers": 2}


def _rows_after(seconds: float, rows):
    time.sleep(seconds)
    return rows


def _event(doc_id: str, longitude: float) -> dict:
    return {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Iraqi forces", "actor2": None,
            "assoc_actor_1": None, "latitude": 36.34, "longitude": longitude, "event_date": "2017-03-06",
            "time_precision": 1, "fatalities": 1, "civilian_fatalities": 0, "injuries": 0, "confidence": 0.5,
            "geo_precision": 1, "source": None, "source_url": None, "doc_id": doc_id}


def test_partitions_are_merged_in_input_order_whatever_order_they_finish(client):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this file
    try:
        parts = [cluster_module.PartitionRows([DocumentResult([_event(f"p{i}", lon)], [], 0, [])])
                 for i, lon in enumerate((43.13, 40.0, 43.14, 43.15))]
        delays = (1.0, 0.0, 0.3, 0.0)  # the first partition comes back last
        submissions = (lambda d=d, p=p: client.submit(_rows_after, d, p, pure=False) for d, p in zip(delays, parts))
        arrived = []
        runner = cluster_module.DaskRunner(client)
        with runner._gather(submissions, None, arrived.append) as result:
            merged = [(e["doc_id"], e["longitude"]) for e in result.spill.events()]
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    order = [p.found[0].events[0]["doc_id"] for p in arrived]
    assert sorted(order) == ["p0", "p1", "p2", "p3"] and order[0] != "p0"  # p1 came back while p0 slept
    # p0 leads its group, as in one process; p2 and p3 are within 5 km of it, p1 is not.
    assert merged == [("p0; p2; p3", 43.13), ("p1", 40.0)]
    assert result.documents == 4 and runner.partitions == 4


def test_extract_dask_takes_a_bag_or_a_dataframe(client):
    import dask.bag
    import dask.dataframe
    import pandas as pd

    texts = [STRIKE, STRIKE_AGAIN, CLASH, BARREL_BOMBS, SHELLING, SEIZURE]
    expected = cm.extract(texts, published="2017-03-09")
    from_bag = cm.extract_dask(dask.bag.from_sequence(texts, npartitions=3), client, published="2017-03-09")
    pd.testing.assert_frame_equal(from_bag, expected)
    assert from_bag["doc_id"].tolist()[0] == "text-1; text-2"  # numbered over the whole bag, merged

    table = pd.DataFrame({"id": [f"row-{i}" for i in range(len(texts))], "text": texts,
                          "published": pd.to_datetime(["2017-03-09"] * 3 + [None] * 3)})
    documents = [cm.Document(doc_id=row.id, text=row.text, published=None if pd.isna(row.published) else
                             row.published.date()) for row in table.itertuples()]
    frame = dask.dataframe.from_pandas(table, npartitions=2)
    expected = cm.extract(documents)
    pd.testing.assert_frame_equal(cm.extract_dask(frame, client), expected)
    pd.testing.assert_frame_equal(cm.extract_dask(dask.bag.from_sequence(documents, npartitions=2), client), expected)
    pd.testing.assert_frame_equal(cm.extract_dask(documents, client), expected)  # a plain list: sent in partitions
    with pytest.raises(ValueError, match="'text' column"):
        cm.extract_dask(frame.rename(columns={"text": "body"}), client)


def test_a_worker_failure_is_an_error_not_a_traceback(articles, tmp_path, invoke, scheduler):
    out = tmp_path / "out"
    result = invoke("run", articles, "--out", out, "--dask", scheduler, "--model", "no_such_spacy_model")
    assert result.exit_code == 1
    assert "failed on the Dask cluster" in result.stderr and "no_such_spacy_model" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("--dask", "local:2", "--workers", "2"), "--dask and --workers do not go together"),
    (("--dask", "local:0"), "at least one worker"),
    (("--dask", "two machines"), "neither local:N nor a scheduler address"),
    (("--dask", "local:1", "--geocoder", "nominatim"), "without the online geocoder"),
])
def test_usage_errors(articles, tmp_path, invoke, args, message):
    result = invoke("run", articles, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2 and message in " ".join(result.stderr.split())
    assert not (tmp_path / "out").exists()


def test_without_dask_installed_says_what_to_install(articles, tmp_path, invoke, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = invoke("run", articles, "--out", tmp_path / "out", "--dask", "local:2")
    assert result.exit_code == 2 and "pip install 'conflictmap[dask]'" in result.stderr


def test_unreachable_scheduler_fails_before_reading(articles, tmp_path, invoke):
    import socket

    import dask

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = invoke("run", articles, "--out", tmp_path / "out", "--dask", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 1 and f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_sigterm_stops_the_local_cluster_and_keeps_previous_outputs(tmp_path, wait_until_articles_are_read):
    import signal

    import psutil

    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": f"r{i}", "text": STRIKE}) + "\n" for i in range(20_000)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.geojson").write_text("previous", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "conflictmap", "run", big, "--out", out, "--dask", "local:1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_articles_are_read(proc, out)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers  # the cluster's processes
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted after" in err and "intact" in err
    assert sorted(p.name for p in out.iterdir()) == ["events.geojson"]
    assert (out / "events.geojson").read_text(encoding="utf-8") == "previous"
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


def _run_documents(which: str) -> list:
    from datetime import date

    from tests.test_collection import BARE, LOCAL, PLACED

    if which == "bare":  # two notes place al-Bahra, one names it bare
        return [cm.Document("bare", BARE, date(2018, 3, 1))] + [
            cm.Document(f"placed{k}", PLACED, date(2018, 3, 2 + k)) for k in range(2)]
    return [cm.Document(f"d{k}", text, date(2010, 1, 1), url=f"https://easttexasnews.example/{k}")  # one outlet
            for k, text in enumerate(LOCAL)]


@pytest.mark.parametrize("which, counted", [
    ("bare", "moved_by_other_articles"),  # the run's articles agree on a name
    ("local", "read_again_beside_outlet_home"),  # an article read again beside its outlet's home
])
def test_the_cluster_settles_a_runs_held_articles_as_one_process_does(client, full_gazetteer, which, counted):
    # geo/collection.py: the held articles are settled here, once every partition is back (the
    # outlet's second look with this machine's gazetteer)
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geo.pipeline import process_documents

    docs = _run_documents(which)
    with process_documents(docs, gaz=Gazetteer(full_gazetteer)) as plain:
        expected = plain.events, plain.mentions, plain.report()[counted]
    with cluster_module.DaskRunner(client, db=full_gazetteer, partition_documents=1) as runner, \
            runner.process(docs) as spread:
        assert (spread.events, spread.mentions, spread.report()[counted]) == expected
    assert expected[2] == 1
