"""The map as a workbench, driven in headless Chromium: the timeline brush, the governorate counts,
the table and its downloads, search, the layout at desktop and phone size.

The browser is the one test_map_browser.py drives (DevTools over a pipe, network cut off); the
map is self-contained. Expectations are worked out here in Python from the same made-up events
(dates, actors, the packaged governorates), so the page is checked against an independent count.
Screenshots go to tests/artifacts/workbench-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import random
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictmap import maps
from conflictmap.geo.frame import events_frame
from conflictmap.maps.colors import actor_color
from conflictmap.maps.layers import choropleth_breaks
from conflictmap.maps.table import EXPORT_COLUMNS
from test_map_browser import ARTIFACTS, TILE_HOST, DevTools, Page, chromium  # noqa: F401 (a fixture)
from test_map_browser import wait_until_settled

PLACES = [  # (location, lat, lon, admin1, country): each inside its governorate
    ("Hajin", 34.693, 40.827, "Deir ez-Zor", "Syria"),
    ("Raqqa", 35.95, 39.01, "Ar-Raqqah", "Syria"),
    ("Mosul", 36.34, 43.13, "Nineveh", "Iraq"),
    ("Tikrit", 34.607, 43.678, "Salah ad Din", "Iraq"),
    ("Aleppo", 36.2, 37.16, "Aleppo", "Syria"),
    ("Palmyra", 34.56, 38.27, "Homs", "Syria"),
]
ACTORS = ["Islamic State", "Syrian government forces", "SDF", "US-led coalition"]
FIRST = date(2015, 1, 2)
MARKUP_PLACE = "<img src=x onerror=\"window.__pwned='table'\">"
MARKUP_ACTOR = "<b onmouseover=\"window.__pwned='actor'\">Brigade</b>"
FORMULA_NOTES = "=HYPERLINK(\"http://evil.invalid\",\"click\")"


def workbench_rows() -> list[dict]:
    """53 made-up events over half a year (so the timeline draws weeks), six towns, four actors,
    three at one point, one undated, one whose place and actor are markup, one whose fields are
    formulas."""
    rows = []
    for i in range(47):
        location, lat, lon, admin1, country = PLACES[i % len(PLACES)]
        rows.append({
            "event_id": f"WB-{i:02d}", "event_date": (FIRST + timedelta(days=(i * 37) % 170)).isoformat(),
            "time_precision": 1, "event_type": "Battles" if i % 3 else "Explosions/Remote violence",
            "sub_event_type": "Armed clash" if i % 3 else "Air/drone strike", "actor1": ACTORS[i % len(ACTORS)],
            "actor2": ACTORS[(i + 1) % len(ACTORS)], "country": country, "admin1": admin1, "location": location,
            "latitude": round(lat + (i // 6) * 0.021, 4), "longitude": round(lon + (i // 6) * 0.017, 4),
            "geo_precision": 1, "fatalities": (i * 7) % 11, "source": "Example Wire",
            "source_url": f"https://news.example.invalid/{i}", "notes": f"Clashes near {location} ({i}).",
        })
    for k in range(3):  # geocoded to one point, as events placed at a town's centre are
        rows.append({"event_id": f"WB-DEIR-{k}", "event_date": f"2015-02-{10 + k}", "time_precision": 1,
                     "event_type": "Battles", "actor1": "Islamic State", "actor2": "Syrian government forces",
                     "location": "Deir ez-Zor", "admin1": "Deir ez-Zor", "country": "Syria",
                     "latitude": 35.336, "longitude": 40.141, "fatalities": k, "notes": f"Shelling in the city ({k})."})
    rows.append({"event_id": "WB-UNDATED", "event_date": None, "event_type": "Battles", "actor1": "SDF",
                 "location": "Mosul", "admin1": "Nineveh", "country": "Iraq", "latitude": 36.2, "longitude": 43.0,
                 "fatalities": 2})
    rows.append({"event_id": "WB-MARKUP", "event_date": "2015-03-03", "time_precision": 1, "event_type": "Battles",
                 "actor1": MARKUP_ACTOR, "location": MARKUP_PLACE, "admin1": "Homs", "country": "Syria",
                 "latitude": 34.9, "longitude": 37.5, "fatalities": 1, "source_url": "javascript:alert(1)"})
    rows.append({"event_id": "WB-FORMULA", "event_date": "2015-03-04", "time_precision": 1, "event_type": "Battles",
                 "actor1": "Islamic State", "actor2": "@SUM(A1:A9)", "location": "-Tabqa", "admin1": "Ar-Raqqah",
                 "country": "Syria", "latitude": 35.83, "longitude": 38.55, "fatalities": 3, "notes": FORMULA_NOTES})
    return rows


N_EVENTS = len(workbench_rows())


def expected_ids(rows, first=None, last=None, actors_off=(), query=None) -> set[str]:
    """The events the filter keeps: actor on, date in range (undated always), search matched."""
    kept = set()
    for row in rows:
        actor = row.get("actor1") or "Unknown actor"
        if actor in actors_off:
            continue
        when = row.get("event_date")
        if when and ((first and when < first) or (last and when > last)):
            continue
        if query and query.lower() not in " ".join(str(row.get(k) or "") for k in (
                "location", "admin1", "admin2", "country", "actor1", "actor2")).lower():
            continue
        kept.add(row["event_id"])
    return kept


def expected_regions(rows, ids) -> dict[str, int]:
    counted = maps.count_events(events_frame([r for r in rows if r["event_id"] in ids]), maps.load_boundaries())
    return {name: int(n) for name, n in zip(counted["name"], counted["events"]) if n}


# --- driving the page --------------------------------------------------------------------------

def mouse(page: Page, kind: str, x: float, y: float, pressed: bool = False):
    page.send("Input.dispatchMouseEvent", {
        "type": kind, "x": x, "y": y, "button": "left" if kind != "mouseMoved" or pressed else "none",
        "buttons": 1 if pressed or kind == "mousePressed" else 0, "clickCount": 1 if kind != "mouseMoved" else 0})


def click(page: Page, x: float, y: float):
    mouse(page, "mouseMoved", x, y)
    mouse(page, "mousePressed", x, y)
    mouse(page, "mouseReleased", x, y)


def drag(page: Page, x0: float, x1: float, y: float, steps: int = 8):
    mouse(page, "mouseMoved", x0, y)
    mouse(page, "mousePressed", x0, y)
    for k in range(1, steps + 1):
        mouse(page, "mouseMoved", x0 + (x1 - x0) * k / steps, y, pressed=True)
    mouse(page, "mouseReleased", x1, y)


def timeline_point(page: Page, iso_day: str) -> tuple[float, float]:
    """Page coordinates of the middle of ``iso_day`` on the timeline."""
    return tuple(page.js(f"""(() => {{
        const t = ConflictMap.current.timeline, r = t.plot.getBoundingClientRect();
        return [r.left + t.x(ConflictMap.util.dayNumber({json.dumps(iso_day)}) + 0.5, t.size()), r.top + r.height / 2];
    }})()"""))


def center_of(page: Page, selector: str) -> tuple[float, float]:
    return tuple(page.js(f"""(() => {{
        const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2];
    }})()"""))


def shown(page: Page) -> int:
    return int(page.js("document.querySelector('.cm-dates').dataset.shown"))


def drawn_markers(page: Page) -> int:
    """Markers on the map: single ones plus the events the cluster discs stand for."""
    return page.js("""(() => {
        const single = document.querySelectorAll('.leaflet-overlay-pane path.cm-event').length;
        const clustered = Array.from(document.querySelectorAll('.cm-cluster'))
            .reduce((sum, c) => sum + Number(c.textContent), 0);
        return single + clustered;
    })()""")


def reset(page: Page):
    """Every filter off, the view on all events, no popup: each test starts from the same page."""
    page.js("""(() => {
        const wb = ConflictMap.current;
        wb.map.closePopup();
        if (wb.timeline) { wb.timeline.stop(); }
        wb.groups.forEach(g => { if (!wb.map.hasLayer(g)) { wb.map.addLayer(g); } });
        [wb.regionLayer, wb.heat].forEach(l => { if (l && wb.map.hasLayer(l)) { wb.map.removeLayer(l); } });
        wb.table.viewBox.checked = false; wb.table.inView = false;
        if (document.body.classList.contains('cm-table-closed')) { wb.table.setOpen(true); }
        wb.setQuery('');
        wb.resetDates();
        wb.table.sortBy('date', 1);
        wb.table.scroller.scrollTop = 0;
        const zoom = wb.map.getZoom(), center = wb.map.getCenter();
        wb.map.fitBounds(Array.from(wb.lat, (lat, i) => [lat, wb.lon[i]]), {padding: [36, 36], maxZoom: 10, animate: false});
        window.__moved = zoom !== wb.map.getZoom() || !center.equals(wb.map.getCenter());
    })()""")
    if page.js("window.__moved"):  # the clusters re-form after a zoom, animated
        page.dt.drain(0.3)
        page.wait_js("!ConflictMap.current.cluster._inZoomAnimation")
    page.wait_js("document.querySelector('.leaflet-popup') === null")  # a closed popup fades out


def set_viewport(page: Page, width: int, height: int, mobile: bool = False):
    page.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                     "mobile": mobile})
    page.wait_js(f"innerWidth === {width} && (!window.ConflictMap || !ConflictMap.current"
                 f" || ConflictMap.current.map.getSize().x === document.querySelector('.folium-map').clientWidth)")
    page.dt.drain(0.1)


@pytest.fixture(scope="module")
def rows():
    return workbench_rows()


@pytest.fixture(scope="module")
def workbench(assets, chromium, tmp_path_factory, rows):  # noqa: F811 (chromium is a fixture)
    tmp = tmp_path_factory.mktemp("workbench")
    html = maps.render(events_frame(rows), tmp / "map.html", title="Workbench test", self_contained=True)
    dt = DevTools(chromium, tmp / "profile")
    page = Page(dt)
    set_viewport(page, 1366, 768)
    page.send("Page.navigate", {"url": html.as_uri()})
    dt.wait_for("Page.loadEventFired")
    page.wait_js("document.body.dataset.cmReady === '1'")
    dt.drain(0.4)
    page.downloads = tmp / "downloads"
    page.downloads.mkdir()
    dt.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(page.downloads),
                                            "eventsEnabled": True})
    yield page
    dt.close()


# --- the timeline -----------------------------------------------------------------------------

def test_timeline_bars_are_events_per_week_by_actor_in_the_layer_colours(workbench, rows):
    reset(workbench)
    bars = workbench.js("ConflictMap.current.timeline.model()")
    actors = workbench.js("ConflictMap.current.actors")
    assert workbench.js("ConflictMap.current.timeline.unit") == "week"  # half a year: weekly bars
    assert [color for _, color in actors] == [actor_color(name) for name, _ in actors]  # the layers' colours
    expected: dict[str, dict[str, int]] = {}
    deaths: dict[str, int] = {}
    for row in rows:
        if not row.get("event_date"):
            continue
        day = date.fromisoformat(row["event_date"])
        monday = (day - timedelta(days=day.weekday())).isoformat()
        expected.setdefault(monday, {}).setdefault(row["actor1"], 0)
        expected[monday][row["actor1"]] += 1
        deaths[monday] = deaths.get(monday, 0) + row.get("fatalities", 0)
    assert bars[0]["start"] == "2014-12-29"  # the Monday of 2015-01-02's week
    drawn = {bar["start"]: {actors[g][0]: n for g, n in enumerate(bar["byActor"]) if n} for bar in bars if bar["total"]}
    assert drawn == expected
    assert {bar["start"]: bar["deaths"] for bar in bars if bar["total"]} == deaths
    assert workbench.js("document.querySelector('.cm-timeline canvas').getAttribute('aria-label')").startswith(
        "Events per week from 2014-12-29")


def test_brushing_the_timeline_filters_markers_inputs_table_and_governorates(workbench, rows):
    reset(workbench)
    for layer in ("Events per governorate", "Heat map"):
        workbench.js(f"""(() => {{ const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
            .find(l => l.textContent.trim().startsWith('{layer}')); label.querySelector('input').click(); }})()""")
    before_regions = {r["name"]: r["events"] for r in workbench.js("ConflictMap.current.regionSummary()") if r["events"]}
    assert before_regions == expected_regions(rows, {r["event_id"] for r in rows})
    assert shown(workbench) == drawn_markers(workbench) == N_EVENTS

    x0, y = timeline_point(workbench, "2015-02-03")
    x1, _ = timeline_point(workbench, "2015-03-18")
    drag(workbench, x0, x1, y)
    workbench.dt.drain(0.2)
    first = workbench.js("document.querySelector('.cm-date-from').value")
    last = workbench.js("document.querySelector('.cm-date-to').value")
    assert (first, last) == ("2015-02-02", "2015-03-22")  # whole weeks, Monday to Sunday
    ids = expected_ids(rows, first, last)
    assert 2 < len(ids) < N_EVENTS - 10
    assert shown(workbench) == len(ids) == drawn_markers(workbench)
    assert workbench.js("ConflictMap.current.cluster.getLayers().length") == len(ids)
    assert workbench.js("ConflictMap.current.heat._latlngs.length") == len(ids)  # the heat map follows too
    assert not workbench.js("document.querySelector('.cm-brush').hidden")
    regions = {r["name"]: r["events"] for r in workbench.js("ConflictMap.current.regionSummary()") if r["events"]}
    assert regions == expected_regions(rows, ids) != before_regions
    # The layer is drawn in the classes of the new counts, and its legend says which.
    fills = workbench.js("""(() => { const wb = ConflictMap.current; const out = {};
        wb.regionLayer.eachLayer(l => { out[wb.regionNames[+l.feature.id]] = l.options.fillOpacity > 0 ? l.options.fillColor : null; });
        return out; })()""")
    breaks = choropleth_breaks(list(regions.values()))
    assert {name for name, fill in fills.items() if fill} == set(regions)
    assert workbench.js("Array.from(document.querySelectorAll('.cm-legend .cm-ramp span')).length") == len(breaks)
    deaths = sum(r.get("fatalities", 0) for r in rows if r["event_id"] in ids and r.get("admin1") == "Deir ez-Zor")
    tooltip = workbench.js("(() => { const wb = ConflictMap.current; const l = wb.regionLayer.getLayers()"
                           ".find(l => wb.regionNames[+l.feature.id] === 'Deir ez-Zor');"
                           " return wb.regionLayer.getTooltip()._content(l).textContent; })()")  # what hovering shows
    assert tooltip == f"Deir ez-Zor (Syria){regions['Deir ez-Zor']} events, {deaths} killed"
    table_ids = workbench.js("(() => { const wb = ConflictMap.current; "
                             "return wb.table.indices().map(i => wb.columns.event_id[i]); })()")
    assert set(table_ids) == ids and workbench.js("document.querySelector('.cm-table-count').textContent") == \
        f"{len(ids)} events"
    # Dragging inside the brush moves it, whole weeks at a time; arrow keys move it by one bar.
    x0, y = timeline_point(workbench, "2015-02-20")
    x1, _ = timeline_point(workbench, "2015-03-06")
    drag(workbench, x0, x1, y)
    assert workbench.js("[document.querySelector('.cm-date-from').value, document.querySelector('.cm-date-to').value]") \
        == ["2015-02-16", "2015-04-05"]
    workbench.js("document.querySelector('.cm-timeline-plot').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowLeft'}))")
    assert workbench.js("[document.querySelector('.cm-date-from').value, document.querySelector('.cm-date-to').value]") \
        == ["2015-02-09", "2015-03-29"]
    assert shown(workbench) == len(expected_ids(rows, "2015-02-09", "2015-03-29")) == drawn_markers(workbench)
    # Typing a date moves the brush; "All dates" takes it away.
    workbench.js("(() => { const f = document.querySelector('.cm-date-from'); f.value = '2015-03-01';"
                 " f.dispatchEvent(new Event('change')); })()")
    assert shown(workbench) == len(expected_ids(rows, "2015-03-01", "2015-03-29"))
    assert workbench.js("parseFloat(document.querySelector('.cm-brush').style.left)") == pytest.approx(
        timeline_point(workbench, "2015-03-01")[0] - workbench.js(
            "document.querySelector('.cm-timeline-plot').getBoundingClientRect().left") - 0.5 * workbench.js(
            "ConflictMap.current.timeline.size().plotWidth / (ConflictMap.current.timeline.end - ConflictMap.current.timeline.start)"),
        abs=0.5)
    workbench.js("document.querySelector('.cm-date-reset').click()")
    assert workbench.js("document.querySelector('.cm-brush').hidden")
    assert shown(workbench) == N_EVENTS
    assert workbench.js("ConflictMap.current.stats.lastRedraw.ms") < 1000


def test_a_click_on_the_timeline_picks_one_week_and_play_steps_through_the_weeks(workbench, rows):
    reset(workbench)
    x, y = timeline_point(workbench, "2015-01-14")
    click(workbench, x, y)
    assert workbench.js("[document.querySelector('.cm-date-from').value, document.querySelector('.cm-date-to').value]") \
        == ["2015-01-12", "2015-01-18"]
    assert shown(workbench) == len(expected_ids(rows, "2015-01-12", "2015-01-18"))
    workbench.js("ConflictMap.current.timeline.options.playIntervalMs = 300")  # a quicker tune for the test
    workbench.js("document.querySelector('.cm-play').click()")  # from the week picked, a week at a time
    steps = []
    deadline = time.monotonic() + 8
    while len(steps) < 3 and time.monotonic() < deadline:
        current = workbench.js("document.querySelector('.cm-date-from').value")
        if not steps or steps[-1] != current:
            steps.append(current)
        workbench.dt.drain(0.05)
    assert steps == ["2015-01-12", "2015-01-19", "2015-01-26"]
    assert workbench.js("document.querySelector('.cm-play').getAttribute('aria-pressed')") == "true"
    workbench.js("document.querySelector('.cm-play').click()")
    assert workbench.js("document.querySelector('.cm-play').textContent") == "\u25b6 Play"


# --- the table --------------------------------------------------------------------------------

def row_selector(page: Page, event_id: str) -> str:
    index = page.js(f"ConflictMap.current.columns.event_id.indexOf({json.dumps(event_id)})")
    return f'.cm-events tr.cm-row[data-index="{index}"]'


@pytest.mark.parametrize("event_id", ["WB-07", "WB-00", "WB-DEIR-1"])
def test_a_table_row_click_flies_to_the_event_and_opens_its_popup(workbench, rows, event_id):
    reset(workbench)
    row = next(r for r in rows if r["event_id"] == event_id)
    workbench.js(f"(() => {{ const wb = ConflictMap.current; const i = wb.columns.event_id.indexOf({json.dumps(event_id)});"
                 " wb.table.reveal(i, true); })()")
    selector = row_selector(workbench, event_id)
    assert workbench.js(f"document.querySelector('{selector} .cm-col-place').textContent") == row["location"]
    zoom = workbench.js("ConflictMap.current.map.getZoom()")
    click(workbench, *center_of(workbench, f"{selector} .cm-col-date"))
    workbench.wait_js("document.querySelector('.leaflet-popup-content') !== null", timeout=10)
    text = workbench.js("document.querySelector('.leaflet-popup-content').textContent")
    assert f"id {event_id}" in text and row["notes"] in text  # the right popup, even among events at one point
    assert workbench.js(f"document.querySelector('{selector}').classList.contains('cm-selected')")
    popup = workbench.js("(() => { const p = ConflictMap.current.map._popup; return [p.getLatLng().lat, p.getLatLng().lng]; })()")
    # At the event (or on a leg of the spider that splits events at one point).
    assert popup == pytest.approx([row["latitude"], row["longitude"]], abs=0.02)
    assert workbench.js("ConflictMap.current.map.getZoom()") >= zoom


@pytest.mark.parametrize("moving", ["pan", "flight"])
def test_a_row_clicked_while_the_map_moves_ends_with_its_popup_open(workbench, moving):
    """A row click while the map still pans (a popup's autopan, a drag's inertia) or flies to an
    earlier row's event: the popup opens once the map has arrived, and stays open (one opened on
    the way would close when the clusters re-form at the end of the flight)."""
    reset(workbench)
    index = workbench.js("ConflictMap.current.columns.event_id.indexOf('WB-DEIR-1')")  # one of three at a point
    row_click = "(i => { ConflictMap.current.table.reveal(i, true);" \
                " document.querySelector(`.cm-events tr.cm-row[data-index=\"${i}\"] td`).click(); })"
    if moving == "pan":
        workbench.js("void ConflictMap.current.map.panBy([160, 90], {duration: 0.5})")
    else:
        workbench.js(f"{row_click}(ConflictMap.current.columns.event_id.indexOf('WB-07'))")
        workbench.dt.drain(0.3)
    workbench.js(f"{row_click}({index})")
    workbench.wait_js("document.querySelector('.leaflet-popup-content') !== null", timeout=10)
    wait_until_settled(workbench)
    assert workbench.js(f"""(() => {{ const wb = ConflictMap.current, popup = wb.map._popup;
        return !!popup && popup.isOpen() && popup._source === wb.markers[{index}]; }})()""")
    assert "id WB-DEIR-1" in workbench.js("document.querySelector('.leaflet-popup-content').textContent")
    assert workbench.js("ConflictMap.current.selected") == index


def test_a_marker_click_highlights_its_row(workbench, rows):
    reset(workbench)
    workbench.js("document.querySelector('th.cm-col-place button').click()")  # not the map's order
    workbench.js("document.querySelector('.cm-table-scroll').scrollTop = 0")
    paths = workbench.js("document.querySelectorAll('.leaflet-overlay-pane path.cm-event').length")
    assert paths >= 2
    picked = set()
    for n in (0, paths - 1):
        workbench.js(f"document.querySelectorAll('.leaflet-overlay-pane path.cm-event')[{n}]"
                     ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        workbench.wait_js("document.querySelector('.leaflet-popup-content') !== null")
        text = workbench.js("document.querySelector('.leaflet-popup-content').textContent")
        event_id = text.split("id ", 1)[1].split(" ")[0]
        selected = workbench.js("Array.from(document.querySelectorAll('.cm-events tr.cm-selected'))"
                                ".map(tr => ConflictMap.current.columns.event_id[+tr.dataset.index])")
        assert selected == [event_id]
        # The table scrolled to the row.
        top, bottom, row_top, row_bottom = workbench.js("""(() => {
            const s = document.querySelector('.cm-table-scroll').getBoundingClientRect();
            const r = document.querySelector('.cm-events tr.cm-selected').getBoundingClientRect();
            return [s.top, s.bottom, r.top, r.bottom]; })()""")
        assert top <= row_top and row_bottom <= bottom + 0.5
        picked.add(event_id)
        workbench.js("void ConflictMap.current.map.closePopup()")
        workbench.wait_js("document.querySelector('.leaflet-popup') === null")  # it fades out
    assert len(picked) == 2


def test_the_table_sorts_by_any_column(workbench, rows):
    reset(workbench)
    ids = "(() => { const wb = ConflictMap.current; return wb.table.indices().map(i => wb.columns.event_id[i]); })()"
    dated = sorted((r for r in rows if r.get("event_date")), key=lambda r: (r["event_date"], r["event_id"]))
    assert workbench.js(ids)[0] == dated[0]["event_id"] and workbench.js(ids)[-1] == "WB-UNDATED"
    workbench.js("document.querySelector('th.cm-col-fatalities button').click()")
    workbench.js("document.querySelector('th.cm-col-fatalities button').click()")  # again: most deaths first
    assert workbench.js("document.querySelector('th.cm-col-fatalities').getAttribute('aria-sort')") == "descending"
    deaths = {r["event_id"]: r.get("fatalities", 0) for r in rows}
    order = [deaths[i] for i in workbench.js(ids)]
    assert order == sorted(order, reverse=True)
    workbench.js("document.querySelector('th.cm-col-place button').click()")
    places = workbench.js("(() => { const wb = ConflictMap.current; return wb.table.indices().map(i => wb.table.cell('place', i)); })()")
    folded = [p.lower().lstrip("-<") for p in places]
    assert folded == sorted(folded)


def test_markup_in_places_and_actors_stays_text(workbench):
    reset(workbench)
    workbench.js("ConflictMap.current.setQuery('Brigade')")
    assert shown(workbench) == 1
    cells = workbench.js("Array.from(document.querySelectorAll('.cm-events tr.cm-row td')).map(td => td.textContent)")
    assert MARKUP_PLACE in cells and MARKUP_ACTOR in cells
    assert workbench.js("document.querySelectorAll('.cm-events img, .cm-events b, .cm-sidebar img').length") == 0
    assert workbench.js("document.querySelectorAll('.cm-events a').length") == 0  # javascript: is no link
    workbench.js("document.querySelector('.cm-search').dispatchEvent(new Event('focus'))")
    options = workbench.js("Array.from(document.querySelectorAll('#cm-search-names option')).map(o => o.value)")
    assert MARKUP_PLACE in options and "Hajin" in options
    assert workbench.js("typeof window.__pwned") == "undefined"


# --- downloads ----------------------------------------------------------------------------------

def downloaded(page: Page, suffix: str, timeout: float = 10) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in page.downloads.glob(f"*{suffix}") if p.stat().st_size]
        if done:
            return done[0]
        page.dt.drain(0.1)
    raise AssertionError(f"no {suffix} file in {page.downloads}: {list(page.downloads.iterdir())}")


def test_download_what_i_see_writes_exactly_the_filtered_events(workbench, rows):
    reset(workbench)
    for old in workbench.downloads.iterdir():
        old.unlink()
    workbench.js("""(() => { const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .find(l => l.textContent.trim().startsWith('SDF')); label.querySelector('input').click(); })()""")
    workbench.js("ConflictMap.current.setDates('2015-02-01', '2015-04-30')")
    ids = expected_ids(rows, "2015-02-01", "2015-04-30", actors_off={"SDF"})
    assert shown(workbench) == len(ids)

    workbench.js("document.querySelector('.cm-download-geojson').click()")
    path = downloaded(workbench, ".geojson")
    assert path.name == "conflictmap-events-2015-02-01_2015-04-30.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert {f["properties"]["event_id"] for f in collection["features"]} == ids
    assert len(collection["features"]) == len(ids)
    by_id = {r["event_id"]: r for r in rows}
    for feature in collection["features"]:
        row = by_id[feature["properties"]["event_id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == pytest.approx([row["longitude"], row["latitude"]], abs=1e-6)
        assert list(feature["properties"]) == [c for c in EXPORT_COLUMNS if c in feature["properties"]]
        assert feature["properties"]["event_date"] == row["event_date"]
        assert feature["properties"]["fatalities"] == row.get("fatalities", 0)
    # It reads back as an events file: the same events, as a GIS tool would see them.
    again = maps.read_events(path)
    assert set(again["event_id"]) == ids and again.crs.to_epsg() == 4326

    workbench.js("document.querySelector('.cm-download-csv').click()")
    table = list(csv.DictReader(io.StringIO(downloaded(workbench, ".csv").read_text(encoding="utf-8"), newline="")))
    assert {r["event_id"] for r in table} == ids
    formula = next(r for r in table if r["event_id"] == "WB-FORMULA")
    assert formula["notes"] == "'" + FORMULA_NOTES and formula["actor2"] == "'@SUM(A1:A9)"
    assert formula["location"] == "'-Tabqa" and formula["latitude"] == "35.83"
    assert downloaded(workbench, ".csv").read_bytes().count(b"\r\n") == len(ids) + 1


def test_only_in_map_view_narrows_the_table_and_the_download(workbench, rows):
    reset(workbench)
    workbench.js("void ConflictMap.current.map.setView([36.34, 43.13], 9, {animate: false})")  # Mosul
    workbench.js("document.querySelector('.cm-table-inview input').click()")
    workbench.dt.drain(0.3)
    ids = json.loads(workbench.js("ConflictMap.current.table.exportText('geojson')"))["features"]
    mosul = {r["event_id"] for r in rows if r.get("location") == "Mosul"}
    assert {f["properties"]["event_id"] for f in ids} == mosul
    assert workbench.js("document.querySelector('.cm-table-count').textContent") == f"{len(mosul)} events in view"


# --- search -----------------------------------------------------------------------------------

def test_search_filters_by_place_or_actor_and_zooms(workbench, rows):
    reset(workbench)
    zoom = workbench.js("ConflictMap.current.map.getZoom()")
    workbench.js("document.querySelector('.cm-search').focus()")
    workbench.send("Input.insertText", {"text": "palmyra"})
    workbench.wait_js(f"document.querySelector('.cm-dates').dataset.shown === '{len(expected_ids(rows, query='palmyra'))}'")
    workbench.dt.drain(0.3)
    workbench.wait_js("!ConflictMap.current.map._animatingZoom")  # the map flies to them
    assert workbench.js("ConflictMap.current.map.getZoom()") > zoom
    center = workbench.js("(() => { const c = ConflictMap.current.map.getCenter(); return [c.lat, c.lng]; })()")
    assert center == pytest.approx([34.6, 38.33], abs=0.2)
    # Accents, case and hyphens do not matter; every word must match.
    workbench.js("ConflictMap.current.setQuery('DEIR EZ-ZÔR')")
    assert shown(workbench) == len(expected_ids(rows, query="deir ez-zor"))
    workbench.js("ConflictMap.current.setQuery('islamic state raqqa')")
    assert shown(workbench) == len([r for r in rows if "Islamic State" in (r.get("actor1"), r.get("actor2"))
                                    and r.get("admin1") == "Ar-Raqqah"])
    workbench.js("ConflictMap.current.setQuery('')")
    assert shown(workbench) == N_EVENTS


def test_actor_toggles_refilter_timeline_table_and_governorates(workbench, rows):
    reset(workbench)
    toggle = """(() => { const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .find(l => l.textContent.trim().startsWith('Islamic State')); label.querySelector('input').click(); })()"""
    workbench.js(toggle)
    ids = expected_ids(rows, actors_off={"Islamic State"})
    assert shown(workbench) == len(ids) == drawn_markers(workbench)
    group = workbench.js("ConflictMap.current.actors.findIndex(a => a[0] === 'Islamic State')")
    assert all(bar["byActor"][group] == 0 for bar in workbench.js("ConflictMap.current.timeline.model()"))
    assert {r["name"]: r["events"] for r in workbench.js("ConflictMap.current.regionSummary()") if r["events"]} == \
        expected_regions(rows, ids)
    workbench.js(toggle)
    assert shown(workbench) == N_EVENTS


# --- layout -----------------------------------------------------------------------------------

def boxes(page: Page) -> dict:
    return page.js("""(() => {
        const box = s => { const e = document.querySelector(s); if (!e) { return null; }
            const r = e.getBoundingClientRect(); const visible = getComputedStyle(e).display !== 'none' && r.width > 0;
            return visible ? [r.left, r.top, r.right, r.bottom] : null; };
        return {map: box('.folium-map'), layers: box('.leaflet-control-layers'), legend: box('.cm-legend'),
                filter: box('.cm-filter'), timeline: box('.cm-timeline'), table: box('.cm-table-scroll'),
                footer: box('.cm-footer'), header: box('.cm-header'), sidebar: box('.cm-sidebar'),
                width: document.documentElement.scrollWidth, innerWidth: innerWidth, innerHeight: innerHeight};
    })()""")


def overlaps(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_desktop_layout_keeps_the_map_clear(workbench):
    reset(workbench)
    set_viewport(workbench, 1366, 768)
    b = boxes(workbench)
    for panel in ("layers", "legend", "filter"):
        assert b[panel] and not overlaps(b[panel], b["map"]), (panel, b)
    for part in ("timeline", "table"):
        assert b[part][3] <= b["footer"][1] + 0.5 and not overlaps(b[part], b["map"]), (part, b)
    assert b["width"] <= b["innerWidth"]
    assert b["map"][2] - b["map"][0] > 900 and b["map"][3] - b["map"][1] > 300
    assert drawn_markers(workbench) == N_EVENTS  # every event is in sight at load
    workbench.screenshot(ARTIFACTS / "workbench-desktop.png")
    # Folding the sidebar and the table gives the map the room.
    workbench.js("document.querySelector('.cm-side-toggle').click(); document.querySelector('.cm-table-toggle').click()")
    workbench.dt.drain(0.3)
    wide = boxes(workbench)
    assert wide["sidebar"] is None and wide["table"] is None
    assert wide["map"][0] == 0 and wide["map"][3] > b["map"][3] + 100
    assert workbench.js("ConflictMap.current.map.getSize().x") == wide["innerWidth"]
    workbench.js("document.querySelector('.cm-side-toggle').click(); document.querySelector('.cm-table-toggle').click()")
    workbench.dt.drain(0.3)
    # At work: a brushed range, the governorates of what it holds, a row's event open on the map.
    workbench.js("""(() => { const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .find(l => l.textContent.trim().startsWith('Events per governorate')); label.querySelector('input').click(); })()""")
    x0, y = timeline_point(workbench, "2015-02-03")
    x1, _ = timeline_point(workbench, "2015-03-18")
    drag(workbench, x0, x1, y)
    index = workbench.js("ConflictMap.current.columns.event_id.indexOf('WB-06')")
    workbench.js(f"ConflictMap.current.table.reveal({index}, true)")
    click(workbench, *center_of(workbench, f'.cm-events tr.cm-row[data-index="{index}"] .cm-col-place'))
    workbench.wait_js("document.querySelector('.leaflet-popup-content') !== null", timeout=10)
    workbench.dt.drain(0.6)
    workbench.screenshot(ARTIFACTS / "workbench-desktop-brushed.png")


def test_phone_layout_folds_the_panels_into_a_drawer(workbench):
    reset(workbench)
    try:
        set_viewport(workbench, 390, 844, mobile=True)
        b = boxes(workbench)
        assert b["sidebar"] is None and b["width"] <= 390
        assert b["map"][0] == 0 and b["map"][2] == 390 and b["map"][3] - b["map"][1] > 350
        assert b["timeline"] and b["table"] and b["table"][3] <= b["footer"][1] + 0.5
        assert workbench.js("document.querySelector('.cm-side-toggle').getAttribute('aria-expanded')") == "false"
        reset(workbench)
        workbench.screenshot(ARTIFACTS / "workbench-phone.png")
        workbench.js("document.querySelector('.cm-side-toggle').click()")
        open_ = boxes(workbench)
        assert open_["sidebar"] and open_["layers"] and open_["legend"] and open_["sidebar"][2] <= 390
        workbench.screenshot(ARTIFACTS / "workbench-phone-drawer.png")
        workbench.js("document.querySelector('.cm-side-close').click()")
        assert boxes(workbench)["sidebar"] is None
    finally:
        set_viewport(workbench, 1366, 768)


# --- the helpers, alone -------------------------------------------------------------------------

def test_js_helpers_match_python(workbench):
    util = "ConflictMap.util"
    assert workbench.js(f"{util}.isoDay({util}.weekStart({util}.dayNumber('2015-01-01')))") == "2014-12-29"
    assert workbench.js(f"{util}.isoDay({util}.weekStart({util}.dayNumber('2014-12-29')))") == "2014-12-29"
    assert workbench.js(f"{util}.isoDay({util}.weekStart({util}.dayNumber('1969-12-28')))") == "1969-12-22"
    assert workbench.js(f"[{util}.dayNumber('2015-13-01'), {util}.dayNumber(null)].map(Number.isNaN)") == [True, True]
    for text, folded in [("Deir ez-Zor", "deir ez zor"), ("'Ayn al 'Arab", "ayn al arab"), ("Raqqā", "raqqa"),
                         ("  Tall ʿAfar ", "tall afar"), ("دير الزور", "دير الزور"), (None, "")]:
        assert workbench.js(f"{util}.fold({json.dumps(text)})") == folded, text
    prefixes = json.dumps(["=", "+", "-", "@", "\t", "\r"])
    for value, cell in [("=1+1", "'=1+1"), ("-3 killed", "'-3 killed"), ("@A1", "'@A1"), ("+1", "'+1"),
                        ("\tx", "'\tx"), ("Hajin", "Hajin"), ('say "hi", then', '"say ""hi"", then"'),
                        ("two\nlines", '"two\nlines"'), (-3.5, "-3.5"), (7, "7"), (None, "")]:
        assert workbench.js(f"{util}.csvCell({json.dumps(value)}, {prefixes})") == cell, value
    rng = random.Random(3)
    for _ in range(60):
        counts = [rng.choice([0, 0, 1, 2, 3, 5, 8, 13, rng.randint(0, 400)]) for _ in range(rng.randint(0, 40))]
        assert workbench.js(f"{util}.choroplethBreaks({json.dumps(counts)}, 5)") == choropleth_breaks(counts), counts
    legend = maps.layers.choropleth_layer(maps.count_events(events_frame(workbench_rows()), maps.load_boundaries()))[1]
    breaks = choropleth_breaks([int(n) for n in maps.count_events(events_frame(workbench_rows()),
                                                                  maps.load_boundaries())["events"]])
    assert workbench.js(f"{util}.rampLabels({json.dumps(breaks)})") == [text for _, text in legend]


@pytest.mark.parametrize("kind", ["empty", "no governorates"])
def test_an_empty_map_and_one_without_governorates_work(workbench, tmp_path, kind):
    if kind == "empty":
        html = maps.render(events_frame([]), tmp_path / "empty.html", self_contained=True)
    else:
        html = maps.render(events_frame(workbench_rows()[:5]), tmp_path / "plain.html", self_contained=True,
                           boundaries=False)
    page = Page(workbench.dt)  # a second tab in the same browser
    page.send("Page.navigate", {"url": html.as_uri()})
    page.wait_js(f"location.href === {json.dumps(html.as_uri())} && document.body !== null"
                 " && document.body.dataset.cmReady === '1'")
    page.dt.drain(0.3)
    assert page.session_events("Runtime.exceptionThrown") == []
    if kind == "empty":
        assert page.js("document.querySelector('.cm-timeline-empty').textContent") == "No dated events."
        assert page.js("document.querySelector('.cm-table-empty').textContent") == "No events pass the filter."
        assert page.js("document.querySelector('.cm-play').disabled")
    else:
        assert page.js("ConflictMap.current.regionSummary()") == []
        assert page.js("ConflictMap.current.table.count") == 5
        page.js("document.querySelector('.cm-table-toggle').click()")  # folds without a governorate layer too
        assert page.js("document.body.classList.contains('cm-table-closed')")
    page.send("Page.close")


def test_no_errors_and_nothing_from_the_network(workbench):
    exceptions = workbench.session_events("Runtime.exceptionThrown")
    assert not exceptions, exceptions
    errors = [c for c in workbench.session_events("Runtime.consoleAPICalled") if c["type"] in ("error", "assert")]
    assert not errors, errors
    requested = [r["request"]["url"] for r in workbench.session_events("Network.requestWillBeSent")]
    elsewhere = [u for u in requested if not u.startswith(("file:", "data:", "blob:")) and TILE_HOST not in u]
    assert not elsewhere, elsewhere
