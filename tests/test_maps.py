"""maps/: the HTML map of an event frame, without a browser (see test_map_browser.py for one).

The events are made up for the tests: plausible places, actors and numbers, no article text.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import importlib
import io
import json
import re
import tarfile
import threading

import folium
import folium.plugins
import geopandas
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point


from conflictmap import maps
from conflictmap.geo.export import write_geojson
from conflictmap.geo.frame import events_frame
from conflictmap.maps.assets import AssetError, resolve
from conflictmap.maps.colors import KNOWN_ACTOR_COLORS, UNKNOWN_ACTOR_COLOR, actor_color
from conflictmap.maps.layers import EventIndex, EventPoints
from conflictmap.maps.popup import escape, popup_html
from conflictmap.maps.table import EXPORT_COLUMNS, FORMULA_PREFIXES, column_data, encode
from conflictmap.maps.timeline import timeline_unit
from conflictmap.maps.workbench import SCRIPTS, STYLES, Workbench, read_data_file

# The package's `render` is the function; its module is reached by name.
render_module = importlib.import_module("conflictmap.maps.render")

SCRIPT_NOTE = "Coalition jets struck an ISIS headquarters near Hajin <script>alert(1)</script>"
IMG_NOTE = "Shelling hit the market <img src=x onerror=alert(1)>"
DEIR_EZ_ZOR = (35.336, 40.141)  # lat, lon: Deir ez-Zor city, in Deir ez-Zor governorate
MOSUL = (36.34, 43.13)  # in Nineveh governorate


def sample_rows() -> list[dict]:
    return [
        {"event_id": "SYR-1", "event_date": "2014-12-23", "time_precision": 1,
         "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
         "actor1": "US-led coalition", "actor2": "Islamic State", "country": "Syria", "admin1": "Deir ez-Zor",
         "location": "Hajin", "latitude": 34.693, "longitude": 40.827, "geo_precision": 1, "fatalities": 7,
         "civilian_fatalities": 2, "injuries": 4, "source": "Example Wire",
         "source_url": "https://example.invalid/hajin?a=1&b=2", "notes": SCRIPT_NOTE, "confidence": 0.8},
        {"event_id": "SYR-2", "event_date": "2015-01-12", "time_precision": 2, "event_type": "Battles",
         "sub_event_type": "Armed clash", "actor1": "Islamic State", "actor2": "Syrian government forces",
         "country": "Syria", "location": "Deir ez-Zor", "latitude": DEIR_EZ_ZOR[0], "longitude": DEIR_EZ_ZOR[1],
         "geo_precision": 2, "fatalities": 12, "source_url": "javascript:alert(1)"},
        {"event_id": "IRQ-3", "event_date": None, "event_type": "Explosions/Remote violence",
         "sub_event_type": "Shelling/artillery/missile attack", "actor1": None, "country": "Iraq",
         "location": "Mosul", "latitude": MOSUL[0], "longitude": MOSUL[1], "geo_precision": 3, "notes": IMG_NOTE},
        {"event_id": "IRQ-4", "event_date": "2015-02-01", "time_precision": 3, "event_type": "Battles",
         "actor1": "Hezbollah", "location": "Somewhere in Anbar", "latitude": 33.42, "longitude": 43.3},
    ]


@pytest.fixture
def events():
    return events_frame(sample_rows())




def html_of(m: folium.Map) -> str:
    return m.get_root().render()


def actor_layers(m: folium.Map) -> list[folium.FeatureGroup]:
    return [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]


def markers_of(group: folium.FeatureGroup) -> list[folium.CircleMarker]:
    """The folium markers of one actor layer (they sit in the map's shared MarkerCluster)."""
    index = next(c for c in group._children.values() if isinstance(c, EventIndex))
    return [marker for marker, _ in index.entries]


def shared_cluster(m: folium.Map) -> folium.plugins.MarkerCluster:
    (cluster,) = [c for c in m._children.values() if isinstance(c, folium.plugins.MarkerCluster)]
    return cluster



# --- layers by actor, colours ---------------------------------------------------------------

def test_one_layer_per_actor_listed_in_the_layer_control(events):
    m = maps.build_map(events)
    names = [g.layer_name for g in actor_layers(m)]
    assert len(names) == 4
    for actor in ("US-led coalition", "Islamic State", "Hezbollah", "Unknown actor"):
        assert sum(actor in n for n in names) == 1, (actor, names)
    html = html_of(m)
    control = re.search(r"overlays :  \{(.*?)\},", html, re.S).group(1)
    for actor in ("US-led coalition", "Islamic State", "Hezbollah", "Unknown actor"):
        assert actor in control
    assert "Heat map: event density" in control and "Events per governorate (events shown)" in control
    # Known actors in palette order, others after, the unknown last.
    order = [re.search(r'cm-actor">(.*?)<', n).group(1) for n in names]
    assert order == ["US-led coalition", "Islamic State", "Hezbollah", "Unknown actor"]


def test_many_actors_still_get_a_layer_each():
    rows = [{"event_id": f"E{i}", "actor1": f"Brigade {i}", "latitude": 34 + i * 0.05, "longitude": 40}
            for i in range(30)]
    m = maps.build_map(events_frame(rows))
    assert len(actor_layers(m)) == 30
    colors = {actor_color(f"Brigade {i}") for i in range(30)}
    assert len(colors) >= 28  # hash colours rarely collide


@pytest.mark.parametrize("strategy", ["markers", "fast"])
def test_actor_colour_is_the_same_in_layer_list_markers_and_popups(events, strategy):
    m = maps.build_map(events, strategy=strategy)
    cluster = shared_cluster(m)
    for group in actor_layers(m):
        swatch = re.search(r'cm-swatch" style="background:(#[0-9a-f]{6})', group.layer_name).group(1)
        actor = re.search(r'cm-actor">(.*?)<', group.layer_name).group(1)
        assert swatch == actor_color(actor)
        if strategy == "markers":
            assert all(marker._parent is cluster for marker in markers_of(group))
            fills = {marker.options["fillColor"] for marker in markers_of(group)}
        else:
            points = next(c for c in group._children.values() if isinstance(c, EventPoints))
            fills = {style["fillColor"] for style in points.styles}
            assert points.cluster is cluster
        assert fills == {swatch}, (actor, fills)
    for _, row in events.iterrows():  # the popup's swatch too
        actor = row["actor1"] or "Unknown actor"
        assert f'cm-swatch" style="background:{actor_color(actor)}"></span>{actor}' in popup_html(row)
    assert actor_color("Islamic State") == KNOWN_ACTOR_COLORS["Islamic State"]
    assert actor_color(None) == actor_color("Unknown actor") == UNKNOWN_ACTOR_COLOR


def test_palette_colours_are_distinct_and_hash_colours_stable():
    from conflictmap.lexicon import read_actors

    coloured = [a["name"] for a in read_actors() if a.get("color")]  # every lexicon actor with a colour
    assert len(set(KNOWN_ACTOR_COLORS.values())) == len(KNOWN_ACTOR_COLORS) == len(coloured) >= 13
    assert actor_color("Hezbollah") == actor_color("hezbollah ") == actor_color("Hezbollah")
    assert actor_color("Hezbollah") not in KNOWN_ACTOR_COLORS.values()
    assert actor_color("islamic state") == KNOWN_ACTOR_COLORS["Islamic State"]


# --- markers and popups ------------------------------------------------------------------------

def test_marker_radius_and_style_follow_fatalities_type_and_date(events):
    m = maps.build_map(events, strategy="markers")
    by_id = {}
    for group in actor_layers(m):
        for marker in markers_of(group):
            by_id[marker.location[0]] = marker.options
    hajin, deir, mosul = by_id[34.693], by_id[DEIR_EZ_ZOR[0]], by_id[MOSUL[0]]
    assert deir["radius"] > hajin["radius"] > mosul["radius"]  # 12 > 7 > 0 killed
    assert mosul["dashArray"] and "cm-undated" in mosul["className"]
    assert not hajin["dashArray"] and "cm-undated" not in hajin["className"]
    assert hajin["color"] == hajin["fillColor"]  # remote violence: a ring in the actor colour
    assert deir["color"] != deir["fillColor"]  # battles: a dark outline


def test_popup_has_date_precision_type_actors_place_toll_evidence_and_source(events):
    html = popup_html(events.iloc[0])
    for text in ("2014-12-23 (precision: day)", "Explosions/Remote violence / Air/drone strike",
                 "US-led coalition <i>vs</i> Islamic State", "Hajin, Deir ez-Zor, Syria",
                 "(location: exact)", "7 killed (2 civilians), 4 injured", "Example Wire", "confidence 0.80"):
        assert text in html, text
    assert '<a href="https://example.invalid/hajin?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">' in html
    assert "precision: week" in popup_html(events.iloc[1])
    assert "(location: near)" in popup_html(events.iloc[1])
    assert "precision: month" in popup_html(events.iloc[3])


def test_unknown_dates_are_marked_in_the_popup(events):
    html = popup_html(events.iloc[2])
    assert '<b class="cm-date-unknown">date unknown</b>' in html
    assert "(location: province)" in html and "Unknown actor" in html


def test_only_http_links(events):
    assert "href" not in popup_html(events.iloc[1])  # javascript: stays out
    row = dict(sample_rows()[0], source_url="https://a.invalid/x; http://b.invalid/y; ftp://c.invalid/z")
    html = popup_html(row)
    assert html.count("<a href=") == 2 and "ftp:" not in html


@pytest.mark.parametrize("strategy", ["markers", "fast"])
@pytest.mark.parametrize("self_contained", [False, True])
def test_article_markup_appears_only_escaped(tmp_path, strategy, self_contained, request):
    if self_contained:
        request.getfixturevalue("assets")
    rows = sample_rows()
    rows[1]["location"] = "</script><script>alert(2)</script>"
    rows[3]["actor1"] = "<img src=x onerror=alert(3)>"
    rows[3]["notes"] = "`${alert(4)}` \\` ${alert(5)}"
    path = maps.render(events_frame(rows), tmp_path / "map.html", title="<script>alert(6)</script>",
                       strategy=strategy, self_contained=self_contained)
    html = path.read_text(encoding="utf-8")
    for raw in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
                "<img src=x onerror=alert(3)>", "${alert(4)}", "${alert(5)}", "<script>alert(6)</script>"):
        assert raw not in html, raw
    # Both builds pass popups as JSON in a script: Jinja's tojson also escapes < > & '
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in html
    assert "\\u0026#96;\\u0026#36;{alert(4)}" in html
    assert "<title>&lt;script&gt;alert(6)&lt;/script&gt;</title>" in html


def test_escape_neutralises_html_and_template_literals():
    assert escape('<a href="x">\'`${y}`\\</a>') == \
        "&lt;a href=&quot;x&quot;&gt;&#x27;&#96;&#36;{y}&#96;&#92;&lt;/a&gt;"


# --- date filter, heat map, choropleth ---------------------------------------------------------

def workbench_of(m: folium.Map) -> Workbench:
    return next(c for c in m._children.values() if isinstance(c, Workbench))


def test_workbench_knows_every_marker_its_actor_layer_date_and_governorate(events):
    m = maps.build_map(events, strategy="markers")
    bench = workbench_of(m)
    assert (bench.first, bench.last) == ("2014-12-23", "2015-02-01")
    groups = actor_layers(m)
    indexes = [next(c for c in g._children.values() if isinstance(c, EventIndex)) for g in groups]
    assert bench.groups == [(g.get_name(), index.get_name()) for g, index in zip(groups, indexes)]
    assert bench.cluster == shared_cluster(m).get_name()
    assert bench.actors == [["US-led coalition", actor_color("US-led coalition")],
                            ["Islamic State", actor_color("Islamic State")],
                            ["Hezbollah", actor_color("Hezbollah")], ["Unknown actor", UNKNOWN_ACTOR_COLOR]]
    # The data is in marker order: actor layer by actor layer, as the index entries.
    data = bench.data
    columns = dict(data["columns"])
    assert data["n"] == 4 == sum(len(index.entries) for index in indexes)
    assert columns["event_id"] == ["SYR-1", "SYR-2", "IRQ-4", "IRQ-3"]
    assert columns["event_date"] == [d for index in indexes for _, d in index.entries]
    assert [name for name, _ in data["columns"]] == [c for c in EXPORT_COLUMNS if c in events.columns]
    assert data["lat"] == [34.693, DEIR_EZ_ZOR[0], 33.42, MOSUL[0]] and data["fatalities"] == [7, 12, 0, 0]
    names = maps.load_boundaries()["name"].tolist()
    assert [names[r] for r in data["region"]] == ["Deir ez-Zor", "Deir ez-Zor", "Al Anbar", "Nineveh"]
    assert data["link"] == [0, None, None, None]  # 0: source_url is the link; javascript: is none
    assert bench.heat and bench.region_layer and bench.layer_control and bench.legend
    assert bench.regions["names"] == names and bench.regions["countries"][names.index("Nineveh")] == "Iraq"
    assert bench.timeline["unit"] == "day" and bench.table["formulaPrefixes"] == list(FORMULA_PREFIXES)
    html = html_of(m)
    assert html.count("ConflictMap.workbench({") == 1 and html.count("CM.workbench = function") == 1
    assert html.count('<aside class="cm-sidebar"') == 1 and '<div class="cm-timeline">' in html


def test_workbench_code_is_inline_and_the_same_online_and_offline(events, tmp_path, assets):
    online = maps.render(events, tmp_path / "online.html").read_text(encoding="utf-8")
    offline = maps.render(events, tmp_path / "offline.html", self_contained=True).read_text(encoding="utf-8")
    for name in SCRIPTS + STYLES:
        code = read_data_file(name)
        assert code.strip() and "</script" not in code.lower() and "</style" not in code.lower()
        assert f"conflictmap maps/data/{name}" in online and f"conflictmap maps/data/{name}" in offline
    # Nothing new is linked: the workbench is this package's own code.
    assert maps.assets.external_resources(offline) == []
    assert sorted(maps.assets.external_resources(online)) == sorted(
        maps.assets.external_resources(html_of(folium_reference_map(events))))


def folium_reference_map(events):
    """A map with the same libraries as ours and no workbench: what folium alone would link."""
    m = folium.Map(tiles=None)
    m.default_js, m.default_css = list(render_module.MAP_JS), list(render_module.MAP_CSS)
    folium.plugins.MarkerCluster().add_to(m)
    folium.plugins.HeatMap([[34.0, 40.0, 1.0]]).add_to(m)
    return m


def test_export_columns_are_the_event_columns():
    from conflictmap.geo.document import EVENT_COLUMNS
    from conflictmap.geo.export import FORMULA_PREFIXES as CLI_PREFIXES

    assert EXPORT_COLUMNS == EVENT_COLUMNS
    assert FORMULA_PREFIXES == CLI_PREFIXES


def test_column_data_is_json_as_the_geojson_export_writes_it(events):
    data = column_data(events.drop(columns="geometry"), [2, 0])
    assert data["event_id"] == ["IRQ-3", "SYR-1"]
    assert data["event_date"] == [None, "2014-12-23"]
    assert data["fatalities"] == [0, 7] and data["confidence"] == [None, 0.8]
    assert data["notes"] == [IMG_NOTE, SCRIPT_NOTE]  # as written: the page shows it as text
    assert json.loads(json.dumps(data)) == data
    # Floats read back from another tool are whole numbers again; NaN and NaT are null.
    odd = pd.DataFrame({"fatalities": [3.0, float("nan")], "event_date": [pd.Timestamp("2015-01-02"), pd.NaT]})
    assert column_data(odd, [0, 1]) == {"event_date": ["2015-01-02", None], "fatalities": [3, None]}


def test_repeated_values_are_sent_once():
    values = ["Islamic State", "SDF"] * 15 + [None] * 10
    encoded = encode(values)
    assert encoded["values"] == ["Islamic State", "SDF", None] and len(encoded["codes"]) == 40
    assert [encoded["values"][c] for c in encoded["codes"]] == values
    assert encode([f"id-{i}" for i in range(40)]) == [f"id-{i}" for i in range(40)]  # all distinct: a list
    assert encode([1, 1.0, True] * 10)["values"] == [1, 1.0, True]  # equal but not the same JSON


def test_the_data_in_the_page_is_inert(tmp_path):
    rows = [dict(sample_rows()[0], notes="</script><script>alert(1)</script> `${alert(2)}` &amp; 'x'",
                 location="<!-- <script>")]
    html = maps.render(events_frame(rows), tmp_path / "map.html").read_text(encoding="utf-8")
    data = re.search(r"data: (\{.*\})\n", html).group(1)
    assert not set("<>&'`$") & set(data)
    assert json.loads(data)["columns"][-1] == ["notes", ["</script><script>alert(1)</script> `${alert(2)}` &amp; 'x'"]]


def test_timeline_draws_days_for_short_spans_and_weeks_for_long_ones():
    assert timeline_unit("2015-01-01", "2015-04-30") == "day"  # 120 days
    assert timeline_unit("2015-01-01", "2015-05-01") == "week"
    assert timeline_unit("2015-01-01", None) == "day"


def test_heat_map_layer_is_toggleable_and_off_at_first(events):
    m = maps.build_map(events)
    heat = [c for c in m._children.values() if isinstance(c, folium.plugins.HeatMap)]
    assert len(heat) == 1 and heat[0].overlay and not heat[0].show and heat[0].control
    assert len(heat[0].data) == 4


def test_choropleth_counts_events_per_governorate():
    regions = maps.load_boundaries()
    points = geopandas.GeoDataFrame(
        {"fatalities": [3, 5, 0]},
        geometry=[Point(DEIR_EZ_ZOR[1], DEIR_EZ_ZOR[0]), Point(40.827, 34.693), Point(MOSUL[1], MOSUL[0])],
        crs=4326)
    counted = maps.count_events(points, regions).set_index("name")
    assert counted.loc["Deir ez-Zor", ["events", "fatalities"]].tolist() == [2, 8]
    assert counted.loc["Nineveh", ["events", "fatalities"]].tolist() == [1, 0]
    assert counted["events"].sum() == 3 and counted.attrs["outside"] == 0
    assert counted.loc["Baghdad", "events"] == 0


def test_choropleth_layer_has_counts_and_tooltips(events):
    m = maps.build_map(events)
    layer = next(c for c in m._children.values()
                 if isinstance(c, folium.GeoJson) and c.layer_name == "Events per governorate (events shown)")
    assert not layer.show and layer.control
    props = {f["properties"]["name"]: f["properties"] for f in layer.data["features"]}
    assert props["Deir ez-Zor"]["events"] == 2 and props["Deir ez-Zor"]["fatalities"] == 19
    assert props["Nineveh"]["events"] == 1 and props["Al Anbar"]["events"] == 1
    assert props["Deir ez-Zor"]["label"] == "<b>Deir ez-Zor (Syria)</b><br>2 events, 19 killed"
    assert props["Deir ez-Zor"]["fill"] and props["Baghdad"]["fill"] is None
    assert len(props) == 33 and {p["country"] for p in props.values()} == {"SY", "IQ"}
    assert any(isinstance(c, folium.GeoJsonTooltip) for c in layer._children.values())


def test_boundaries_false_or_custom(events, tmp_path):
    m = maps.build_map(events, boundaries=False)
    assert not [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    square = geopandas.GeoDataFrame({"name": ["Box"]}, geometry=[Point(40.5, 35).buffer(1)], crs=4326)
    m = maps.build_map(events, boundaries=square)
    layer = next(c for c in m._children.values() if isinstance(c, folium.GeoJson))
    assert layer.data["features"][0]["properties"]["events"] == 2  # Hajin, Deir ez-Zor


def test_packaged_governorates_are_the_current_wof_regions(shared, tmp_path):
    source = shared / "data" / "boundaries" / "wof_sy_iq_admin_polygons.geojson"
    built = maps.boundaries.build(source, out=tmp_path / "admin1.geojson")
    rebuilt = maps.boundaries.read_polygons(built)
    packaged = maps.load_boundaries()
    assert sorted(rebuilt["name"]) == sorted(packaged["name"])
    assert "United Nations Disengagement Observer Force" not in set(packaged["name_wof"])
    assert "At-Ta'mim" not in set(packaged["name_wof"])  # not current
    assert maps.boundaries.ADMIN1_FILE.stat().st_size < 200_000


# --- attribution, page -------------------------------------------------------------------------

def test_attribution_in_the_map_and_the_footer(events):
    html = html_of(maps.build_map(events))
    assert "OpenStreetMap</a> contributors" in html  # tile layer attribution
    add = re.search(r"attributionControl\.addAttribution\((.*?)\);", html).group(1)
    text = json.loads(add)
    assert "GeoNames" in text and "CC BY 4.0" in text and "Who's On First" in text
    footer = re.search(r'<footer class="cm-footer">(.*?)</footer>', html).group(1)
    assert "countries-states-cities" in text and "ODbL" in text
    for credit in ("OpenStreetMap", "GeoNames", "CC BY 4.0", "Who's On First", "countries-states-cities", "ODbL"):
        assert credit in footer


def test_empty_frame_still_renders(tmp_path):
    path = maps.render(events_frame([]), tmp_path / "empty.html")
    html = path.read_text(encoding="utf-8")
    assert "0 events" in html and "cm-dates" in html


def test_events_without_a_location_are_left_off_with_a_warning(events):
    events = events.copy()
    events.loc[1, "geometry"] = None
    events.loc[1, ["latitude", "longitude"]] = float("nan")
    with pytest.warns(UserWarning, match="1 event"):
        m = maps.build_map(events)
    assert sum(len(markers_of(g)) for g in actor_layers(m)) == 3


def test_fast_strategy_above_the_threshold(events, monkeypatch):
    monkeypatch.setattr(render_module, "FAST_THRESHOLD", 3)
    m = maps.build_map(events)
    assert any(isinstance(c, EventPoints) for g in actor_layers(m) for c in g._children.values())
    monkeypatch.setattr(render_module, "FAST_THRESHOLD", 5)
    m = maps.build_map(events)
    assert not any(isinstance(c, EventPoints) for g in actor_layers(m) for c in g._children.values())
    with pytest.raises(ValueError, match="strategy"):
        maps.build_map(events, strategy="quick")


def test_render_replaces_the_file_atomically(events, tmp_path, monkeypatch):
    out = tmp_path / "map.html"
    out.write_text("old map", encoding="utf-8")
    monkeypatch.setattr(render_module, "inline_assets", lambda m: (_ for _ in ()).throw(AssetError("no leaflet")))
    with pytest.raises(AssetError):
        maps.render(events, out, self_contained=True)
    assert out.read_text(encoding="utf-8") == "old map"
    monkeypatch.setattr("conflictmap.files.os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        maps.render(events, out)
    assert out.read_text(encoding="utf-8") == "old map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # no temporary file left
    monkeypatch.undo()
    maps.render(events, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- self-contained ----------------------------------------------------------------------------

def test_self_contained_map_links_nothing(events, tmp_path, assets):
    html = maps.render(events, tmp_path / "map.html", self_contained=True).read_text(encoding="utf-8")
    assert maps.assets.external_resources(html) == []
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)
    for library in ("leaflet@1.9.3 dist/leaflet.js", "jquery@3.7.1 dist/jquery.min.js",
                    "leaflet.markercluster@1.1.0 dist/leaflet.markercluster.js", "templates/leaflet_heat.min.js",
                    "leaflet@1.9.3 dist/leaflet.css", "MarkerCluster.Default.css"):
        assert library in html, library
    assert 'url("data:image/png;base64,' in html  # the layer control icon from leaflet.css
    assert "bootstrap" not in html.lower() and "fontawesome" not in html.lower()
    assert '"cm-base"' in html and "Country outlines" not in re.search(r"overlays :  \{(.*?)\},", html, re.S).group(1)
    assert len(html) < 1_000_000


def test_online_map_links_only_what_it_uses(events):
    links = maps.assets.external_resources(html_of(maps.build_map(events)))
    names = " ".join(links)
    assert "leaflet@1.9.3/dist/leaflet.js" in names and "leaflet.markercluster" in names and "leaflet_heat" in names
    assert not any(x in names for x in ("bootstrap", "fontawesome", "awesome-markers", "glyphicons"))
    for url in links:
        resolve(url)  # every link has an offline source


def test_every_folium_link_used_resolves_to_a_package_file():
    assert resolve("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css").spec == "leaflet@1.9.3"
    source = resolve("https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css")
    assert (source.package, source.version, source.path) == ("leaflet.markercluster", "1.1.0", "dist/MarkerCluster.css")
    assert resolve("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css").package == \
        "@fortawesome/fontawesome-free"
    with pytest.raises(AssetError, match="no offline source"):
        resolve("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css")


def test_missing_asset_offline_names_it_and_the_fetch_command(events, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_ASSETS", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("CONFLICTMAP_NPM_REGISTRY", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(AssetError) as info:
        maps.render(events, tmp_path / "map.html", self_contained=True)
    message = str(info.value)
    assert "leaflet@1.9.3" in message and "python -m conflictmap.maps.assets fetch" in message
    assert not (tmp_path / "map.html").exists()


class FakeRegistry:
    """An npm registry on localhost serving one package's metadata and tarball."""

    def __init__(self, name: str, version: str, files: dict[str, bytes], integrity: str | None = None):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for path, data in files.items():
                info = tarfile.TarInfo(f"package/{path}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        self.tarball = buffer.getvalue()
        real = "sha512-" + base64.b64encode(hashlib.sha512(self.tarball).digest()).decode()
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == f"/{name.replace('/', '%2f')}/{version}":
                    body = json.dumps({"name": name, "version": version, "dist": {
                        "tarball": f"{registry.url}/tarball.tgz", "integrity": integrity or real}}).encode()
                elif self.path == "/tarball.tgz":
                    body = registry.tarball
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_fetch_checks_integrity_and_unpacks_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_ASSETS", str(tmp_path / "cache"))
    registry = FakeRegistry("leaflet-fake", "1.0.0", {"dist/a.js": b"var a = 1;", "dist/img/p.png": b"PNG"})
    monkeypatch.setenv("CONFLICTMAP_NPM_REGISTRY", registry.url)
    try:
        folder = maps.assets.fetch_package("leaflet-fake", "1.0.0")
        assert (folder / "dist/a.js").read_bytes() == b"var a = 1;"
        assert maps.assets.is_cached("leaflet-fake", "1.0.0")
        registry.tarball = b"something else"  # a second fetch is served from the cache
        assert maps.assets.fetch_package("leaflet-fake", "1.0.0") == folder
    finally:
        registry.close()


def test_fetch_refuses_a_tarball_that_does_not_match(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_ASSETS", str(tmp_path / "cache"))
    bad = FakeRegistry("leaflet-fake", "1.0.0", {"dist/a.js": b"x"}, integrity="sha512-" + "A" * 86 + "==")
    pinned = FakeRegistry("leaflet", "1.9.3", {"dist/leaflet.js": b"not leaflet"})
    try:
        monkeypatch.setenv("CONFLICTMAP_NPM_REGISTRY", bad.url)
        with pytest.raises(AssetError, match="checksum mismatch"):
            maps.assets.fetch_package("leaflet-fake", "1.0.0")
        monkeypatch.setenv("CONFLICTMAP_NPM_REGISTRY", pinned.url)
        with pytest.raises(AssetError, match="pins"):
            maps.assets.fetch_package("leaflet", "1.9.3")
        assert not maps.assets.is_cached("leaflet", "1.9.3")
        assert not any((tmp_path / "cache").glob("*/*"))  # nothing half-unpacked
    finally:
        bad.close()
        pinned.close()


def test_assets_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_ASSETS", str(tmp_path / "cache"))
    monkeypatch.setenv("CONFLICTMAP_NPM_REGISTRY", "http://127.0.0.1:9")
    assert maps.assets.main(["status"]) == 0
    assert "leaflet@1.9.3\tmissing" in capsys.readouterr().out
    assert maps.assets.main(["fetch"]) == 1
    assert "cannot read its metadata" in capsys.readouterr().err


# --- reading files, the command line -----------------------------------------------------------

def test_map_from_the_geojson_conflictmap_run_writes(events, tmp_path):
    source = write_geojson(events, tmp_path / "events.geojson")
    again = maps.read_events(source)
    assert again.loc[0, "event_date"] == "2014-12-23"
    html = maps.render(again, tmp_path / "map.html").read_text(encoding="utf-8")
    assert "2014-12-23 (precision: day)" in html and "date unknown" in html


def test_cli_writes_the_map(events, tmp_path):
    source = write_geojson(events, tmp_path / "events.geojson")
    out = tmp_path / "out" / "map.html"
    result = CliRunner().invoke(maps.map_command, [str(source), "-o", str(out), "--title", "Winter 2014"])
    assert result.exit_code == 0, result.output
    assert "4 events ->" in result.output
    assert "<title>Winter 2014</title>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point"}}]}',
     "feature 1 has an invalid geometry"),
    (b"\xff\xfe\x00bad", "not UTF-8 text"),
])
def test_cli_errors_name_the_file(tmp_path, content, message):
    source = tmp_path / "events.geojson"
    if isinstance(content, bytes):
        source.write_bytes(content)
    elif content is not None:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(maps.map_command, [str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {source}: ") and message in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_cli_main_returns_the_exit_status(tmp_path, capsys):
    assert maps.cli_main([str(tmp_path / "nope.geojson"), "-o", str(tmp_path / "m.html")]) == 1
    assert f"{tmp_path / 'nope.geojson'}: no such file" in capsys.readouterr().err
    assert maps.cli_main(["--help"]) == 0
