"""The geocoder fallback against a local Nominatim stand-in: placing, caching, politeness,
country sanity checks, faults, crash safety, and no network at all when switched off."""

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from click.testing import CliRunner


from conflictmap.gazetteer.distance import haversine_km
from conflictmap.cli import main
from conflictmap.geo.document import Document
from conflictmap.geo.geocache import GeocodeCache
from conflictmap.geo.geocode import (
    ArticleContext,
    FallbackGeocoder,
    GeocodeQuery,
    GeocoderConfigError,
    GeocoderSettings,
)
from conflictmap.geo.pipeline import process_documents

from nominatim_server import NominatimServer, nominatim_place, refused_url

ZARQAT = ("Coalition warplanes struck Islamic State positions in the village of Zarqat al-Test near Hajin "
          "on Tuesday, killing four fighters.")
SUFUHAN = "Regime artillery shelled the village of Sufuhan in Idlib province on Monday."
TURKISH = "Regime warplanes bombed the village of Umm Testiyat near Hajin on Monday, killing three civilians."
FAR = "Coalition jets struck the village of Ain Zqwerti near Hajin on Tuesday, killing two fighters."
NEAR_HAJIN = (34.7, 40.85)



@pytest.fixture()
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a proxy in the environment must not swallow the test
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with NominatimServer() as srv:
        srv.add(nominatim_place("Zarqat al-Test", *NEAR_HAJIN, county="Abu Kamal District"))
        srv.add(nominatim_place("Umm Testiyat", 37.1, 38.8, country_code="tr", state="Şanlıurfa", osm_id=2_000_000_002))
        srv.add(nominatim_place("Ain Zqwerti", 32.62, 36.1, state="Daraa Governorate", osm_id=2_000_000_003))
        yield srv


def settings(server, tmp_path, **overrides) -> GeocoderSettings:
    """Tiny waits so fault tests take fractions of a second (never for the public servers)."""
    fast = dict(service="nominatim", url=server.url if server else None, cache_path=tmp_path / "geocode.sqlite",
                timeout=0.3, retries=1, backoff_seconds=0.01, min_delay_seconds=0, max_retry_after=2)
    return GeocoderSettings(**{**fast, **overrides})


def run(texts, gaz, geocoder=None):
    docs = [Document(doc_id=f"doc{i}", text=t, published=date(2018, 12, 12)) for i, t in enumerate(texts)]
    return process_documents(docs, gaz=gaz, geocoder=geocoder)


def mention(result, text):
    return next(m for m in result.mentions if m["text"] == text)


@pytest.fixture()
def cli(gaz, monkeypatch):
    """`conflictmap` in this process (so socket guards apply); run's SIGTERM handler undone after.

    Commands get the session's gazetteer, already warm: a fresh one spends a second building
    its fuzzy index at the first unknown name, which is not what these tests are about."""
    from conflictmap import gazetteer

    monkeypatch.setattr(gazetteer, "Gazetteer", lambda path=None: gaz)
    previous = signal.getsignal(signal.SIGTERM)
    yield lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    signal.signal(signal.SIGTERM, previous)


# -- placing and caching ----------------------------------------------------------------------

def test_fallback_places_an_unknown_village_then_the_cache_answers(server, tmp_path, gaz):
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        first = run([ZARQAT, SUFUHAN], gaz, geocoder)
    e = next(e for e in first.events if e["location"] == "Zarqat al-Test")
    assert haversine_km(*NEAR_HAJIN, e["latitude"], e["longitude"]) < 0.1
    assert (e["place_source"], e["geo_precision"], e["country"], e["iso3"]) == ("geocoder", 1, "Syria", "SYR")
    assert e["admin1"] == "Deir ez-Zor"  # the service's "Deir ez-Zor Governorate", named as the gazetteer names it
    assert e["place_id"] == "osm:node/2000000001" and e["fatalities"] == 4
    assert "Zarqat al-Test" not in first.report()["unresolved_names"]
    assert any(x["location"] == "Safuhun" and x["place_source"] == "gazetteer" for x in first.events)

    [asked] = server.requests
    assert asked.path == "/search" and asked.headers["User-Agent"].startswith("conflictmap/")
    assert asked.params["q"] == "Zarqat al-Test" and asked.params["format"] == "jsonv2"
    assert asked.params["countrycodes"] == "sy"  # the article's country, from Hajin
    assert asked.params["viewbox"] == "40.0,34.0,41.5,35.5" and "bounded" not in asked.params
    assert asked.params["addressdetails"] == "1"
    report = first.report()["geocoder"]
    assert (report["requests"], report["cache_hits"], report["placed"], report["failures"]) == (1, 0, 1, 0)

    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        second = run([ZARQAT, SUFUHAN], gaz, geocoder)
    assert len(server.requests) == 1  # nothing sent the second time
    again = next(e for e in second.events if e["location"] == "Zarqat al-Test")
    assert again["place_source"] == "cache" and (again["latitude"], again["longitude"]) == (e["latitude"], e["longitude"])
    assert second.report()["geocoder"]["cache_hits"] == 1 and second.report()["geocoder"]["requests"] == 0


def test_cache_key_is_the_name_key_and_every_parameter_that_changes_the_answer():
    syria = ArticleContext(("SY",), (("Hajin", 34.69, 40.83),))
    key = GeocodeQuery("Zarqat al-Test", "nominatim", "http://x", syria).cache_key
    assert GeocodeQuery("Zarqat el-Test", "nominatim", "http://x", syria).cache_key == key
    near = ArticleContext(("SY",), (("Hajin", 34.6, 40.9),))  # same rounded viewbox
    assert GeocodeQuery("zarqat al test", "nominatim", "http://x", near).cache_key == key
    assert GeocodeQuery("Zarqat al-Test", "nominatim", "http://x", ArticleContext(("IQ", "SY"))).cache_key != key
    assert GeocodeQuery("Zarqat al-Test", "nominatim", "http://y", syria).cache_key != key
    assert GeocodeQuery("Zarqat al-Test", "photon", "http://x", syria).cache_key != key


def test_nothing_found_is_cached_but_a_fault_is_asked_again(server, tmp_path, gaz):
    server.fault = "empty"
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        run([ZARQAT], gaz, geocoder)
    assert geocoder.report()["empty"] == 1 and len(server.requests) == 1
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        run([ZARQAT], gaz, geocoder)
    assert len(server.requests) == 1 and geocoder.report()["cache_hits"] == 1

    server.fault = "500"
    other_cache = settings(server, tmp_path, cache_path=tmp_path / "other.sqlite")
    with FallbackGeocoder(other_cache) as geocoder:
        run([ZARQAT], gaz, geocoder)
    assert geocoder.report()["failures"] == 1
    with GeocodeCache(other_cache.cache_path) as cache:
        assert len(cache) == 0


# -- politeness -------------------------------------------------------------------------------

def test_lookup_fallback_is_rate_limited_cached_and_marks_sources(server, tmp_path, cli):
    names = ["Hajin", "Zarqat al-Test", "Umm Testiyat", "Shalbuzat"]
    args = ["gazetteer", "lookup", "--format", "jsonl", "--fallback", "--geocoder-url", server.url,
            "--cache", tmp_path / "lookup.sqlite", *names]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == names
    assert [r["source"] for r in rows] == ["gazetteer", "geocoder", None, None]
    assert list(rows[1])[-1] == "source" and rows[1]["lat"] == NEAR_HAJIN[0] and rows[1]["country"] == "SY"
    assert rows[1]["admin1"] == "Deir ez-Zor" and rows[1]["place_id"] == "osm:node/2000000001"
    assert rows[2]["lat"] is None  # the only answer was in Turkey, outside SY,IQ
    assert "rejected 'Umm Testiyat, Şanlıurfa, Türkiye'" in result.stderr

    # Three names went out (Hajin is the gazetteer's), at least a second apart by the server's clock.
    arrivals = [r.at for r in server.requests]
    assert len(arrivals) == 3 and all(r.params["countrycodes"] == "sy,iq" for r in server.requests)
    assert all(later - earlier >= 1.0 for earlier, later in zip(arrivals, arrivals[1:])), arrivals

    again = cli(*args)
    assert len(server.requests) == 3
    assert [json.loads(line)["source"] for line in again.stdout.splitlines()] == ["gazetteer", "cache", None, None]


def test_public_services_keep_their_rate_and_need_a_user_agent(tmp_path):
    with pytest.raises(GeocoderConfigError, match="one request a second"):
        FallbackGeocoder(GeocoderSettings(min_delay_seconds=0.2, cache_path=tmp_path / "c.sqlite"))
    with pytest.raises(GeocoderConfigError, match="user agent"):
        FallbackGeocoder(GeocoderSettings(user_agent=" ", cache_path=tmp_path / "c.sqlite"))


def test_retry_after_is_honoured(server, tmp_path, gaz):
    server.faults = ["429"]  # then answers
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        result = run([ZARQAT], gaz, geocoder)
    first, retry = server.requests
    assert retry.at - first.at >= 1.0  # Retry-After: 1
    assert mention(result, "Zarqat al-Test")["place_source"] == "geocoder"
    assert geocoder.report()["retries"] == 1 and geocoder.report()["failures"] == 0


# -- sanity checks ----------------------------------------------------------------------------

def test_answers_in_another_country_or_far_away_are_rejected_and_reported(server, tmp_path, gaz):
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        result = run([TURKISH, FAR], gaz, geocoder)
    rejected = {r["name"]: r for r in result.report()["geocoder"]["rejected"]}
    assert "in TR, outside the article's countries (SY)" in rejected["Umm Testiyat"]["reason"]
    assert rejected["Umm Testiyat"]["doc_id"] == "doc0" and rejected["Umm Testiyat"]["country"] == "TR"
    assert "km from Hajīn" in rejected["Ain Zqwerti"]["reason"] and "limit 300 km" in rejected["Ain Zqwerti"]["reason"]
    for name in rejected:  # both fell back to Hajin, the town their sentence names
        m = mention(result, name)
        assert (m["name"], m["geo_precision"], m["place_source"]) == ("Hajīn", 2, "gazetteer")
        assert name in result.report()["unresolved_names"]
    assert all(e["country"] == "Syria" for e in result.events)


def test_a_later_answer_that_fits_is_taken(server, tmp_path, gaz):
    server.add(nominatim_place("Umm Testiyat", 37.1, 38.8, country_code="tr", state="Şanlıurfa"),
               nominatim_place("Umm Testiyat", 34.75, 40.9, osm_id=2_000_000_009))
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        result = run([TURKISH], gaz, geocoder)
    m = mention(result, "Umm Testiyat")
    assert (m["place_id"], m["place_source"], m["geo_precision"]) == ("osm:node/2000000009", "geocoder", 1)
    assert [r["country"] for r in geocoder.report()["rejected"]] == ["TR"]


# -- faults -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def offline_events(gaz):
    return run([ZARQAT, SUFUHAN], gaz).events


@pytest.mark.parametrize("fault", ["timeout", "close", "refused", "429", "500", "503", "badjson", "badshape"])
def test_each_fault_leaves_the_run_complete_and_is_asked_again_next_time(fault, server, tmp_path, gaz, offline_events):
    server.fault = fault
    url = refused_url() if fault == "refused" else server.url
    with FallbackGeocoder(settings(server, tmp_path, url=url)) as geocoder:
        result = run([ZARQAT, SUFUHAN], gaz, geocoder)
    assert result.events == offline_events  # every other place and event exactly as without a geocoder
    m = mention(result, "Zarqat al-Test")
    assert (m["name"], m["geo_precision"], m["place_source"]) == ("Hajīn", 2, "gazetteer")  # the usual fallback
    report = result.report()["geocoder"]
    assert report["failures"] == 1 and report["failed"][0]["name"] == "Zarqat al-Test"
    assert report["requests"] == 2 and report["retries"] == 1  # bounded: one retry, then given up
    assert len(server.requests) == (0 if fault == "refused" else 2)

    server.fault = None  # the service is back: the name is asked again, not remembered as unknown
    with FallbackGeocoder(settings(server, tmp_path)) as geocoder:
        healed = run([ZARQAT, SUFUHAN], gaz, geocoder)
    assert mention(healed, "Zarqat al-Test")["place_source"] == "geocoder"


def test_a_dead_service_is_given_up_for_the_rest_of_the_run(tmp_path, gaz):
    dead = settings(None, tmp_path, url=refused_url(), max_consecutive_failures=2)
    with FallbackGeocoder(dead) as geocoder:
        result = run([ZARQAT, TURKISH, FAR, SUFUHAN], gaz, geocoder)
    report = result.report()["geocoder"]
    assert report["failures"] == 2 and report["not_asked"] == 1 and report["requests"] == 4
    assert "stopped asking after GeocodeUnavailable" in report["stopped"]
    assert any(e["location"] == "Safuhun" for e in result.events)


def test_cli_run_with_geocoder_writes_the_report_and_survives_a_fault(server, tmp_path, gaz, cli):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "zarqat.txt").write_text(ZARQAT, encoding="utf-8")
    (tmp_path / "in" / "sufuhan.txt").write_text(SUFUHAN, encoding="utf-8")
    common = ["run", tmp_path / "in", "--no-map", "--published", "2018-12-12", "--cache", tmp_path / "cli.sqlite"]

    ok = cli(*common, "--out", tmp_path / "ok", "--geocoder", "nominatim", "--geocoder-url", server.url)
    assert ok.exit_code == 0, ok.output
    events = json.loads((tmp_path / "ok" / "events.geojson").read_text(encoding="utf-8"))["features"]
    zarqat = next(f["properties"] for f in events if f["properties"]["location"] == "Zarqat al-Test")
    assert zarqat["place_source"] == "geocoder"
    report = json.loads((tmp_path / "ok" / "report.json").read_text(encoding="utf-8"))
    assert report["geocoder"]["requests"] == 1 and report["geocoder"]["url"] == server.url
    assert "geocoder nominatim: 1 requests" in ok.stderr

    down = cli(*common, "--out", tmp_path / "down", "--geocoder", "nominatim", "--geocoder-url", refused_url(),
               "--geocoder-retries", "0")
    assert down.exit_code == 0, down.output
    report = json.loads((tmp_path / "down" / "report.json").read_text(encoding="utf-8"))
    assert report["geocoder"]["failures"] == 1 and report["events"] == 2


# -- crash safety -----------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from conflictmap.geo.geocache import GeocodeCache
    cache = GeocodeCache(sys.argv[1])
    i = 0
    while True:
        cache.put(f"key-{i}", f"Place {i}", [{"lat": 34 + i / 1000, "lon": 40.0}] if i % 3 else [])
        print(i, flush=True)  # the answer is committed: a crash from here on must not lose it
        i += 1
""")


def test_cache_survives_kill_9_mid_run(tmp_path):
    path = tmp_path / "geocode.sqlite"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    acknowledged = [int(child.stdout.readline()) for _ in range(40)]
    child.kill()  # SIGKILL, in the middle of its next writes
    acknowledged += [int(line) for line in child.stdout.read().split()]
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with GeocodeCache(path) as cache:
        for i in acknowledged:
            assert cache.get(f"key-{i}") == ([{"lat": 34 + i / 1000, "lon": 40.0}] if i % 3 else [])
        assert len(cache) >= len(acknowledged)
        cache.put("after", "After", [])  # and it takes new answers
        assert cache.get("after") == []


# -- switched off -----------------------------------------------------------------------------

@pytest.fixture()
def no_network(monkeypatch):
    """Every way to open a connection raises and is recorded."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network use: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("switch", [["--offline"], ["--geocoder", "none"]])
def test_offline_and_geocoder_none_never_open_a_socket(switch, tmp_path, gaz, cli, no_network, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GEOCODE_CACHE", str(tmp_path / "never.sqlite"))
    (tmp_path / "zarqat.txt").write_text(ZARQAT, encoding="utf-8")
    result = cli("run", tmp_path / "zarqat.txt", "--out", tmp_path / "out", "--no-map", *switch)
    assert result.exit_code == 0, result.output
    assert no_network == []
    assert not (tmp_path / "never.sqlite").exists()  # not even the cache is opened
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["geocoder"] == {"service": "none"} and "Zarqat al-Test" in report["unresolved_names"]


def test_the_socket_guard_would_catch_a_geocoder(tmp_path, gaz, cli, no_network):
    (tmp_path / "zarqat.txt").write_text(ZARQAT, encoding="utf-8")
    result = cli("run", tmp_path / "zarqat.txt", "--out", tmp_path / "out", "--no-map", "--geocoder", "nominatim",
                 "--geocoder-url", "http://127.0.0.1:9", "--geocoder-retries", "0", "--cache", tmp_path / "c.sqlite")
    assert result.exit_code == 0, result.output
    assert len(no_network) == 1  # the one request it tried, caught (and counted as a failure)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["geocoder"]["failures"] == 1


def test_run_asks_no_geocoder_unless_told_and_offline_forbids_one(tmp_path, cli):
    from conflictmap.cli import run_command

    assert next(p.default for p in run_command.params if p.name == "geocoder") == "none"
    result = cli("run", tmp_path, "--out", tmp_path / "out", "--offline", "--geocoder", "nominatim")
    assert result.exit_code == 2 and "--offline" in result.output


def test_photon_speaks_geojson_and_is_checked_the_same_way(server, tmp_path):
    with FallbackGeocoder(settings(server, tmp_path, service="photon")) as geocoder:
        context = ArticleContext.of([], countries=["SY"])
        found = geocoder.locate("Zarqat al-Test", context)
        assert geocoder.locate("Umm Testiyat", context) is None
    assert server.requests[0].path == "/api"
    assert (found.place.lat, found.place.lon, found.place.country, found.source) == (*NEAR_HAJIN, "SY", "geocoder")
    assert geocoder.report()["rejected"][0]["country"] == "TR"
