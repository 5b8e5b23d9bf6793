"""Map size and render time for 1k and 10k synthetic events, beside a bare folium baseline;
then the maps in headless Chromium: time to interactive and the redraw after a timeline brush.

    python bench/bench_map.py [--sizes 1000 10000] [--repeat 3] [--all-strategies] [--no-browser]

Events are random points inside the Syrian and Iraqi governorates with every event column
filled as geo/ fills it (dates over 2014-2019 with some unknown, ACLED types, a dozen
actors plus a long tail, deaths skewed low, a sentence of notes, a source URL). For each
size the script renders the map the way ``maps.render`` would choose (``auto``: folium
markers below maps.render.FAST_THRESHOLD events, markers built in the browser from it up),
and a baseline in the same process: a bare ``folium.Map`` with one plain ``folium.Marker``
per event and nothing else. Ratios are what to compare across machines.
``--all-strategies`` also renders both strategies at every size, to check the threshold.

In the browser (Chromium, as tests/test_map_browser.py drives it: network off, 1366x768; skipped
without it or with ``--no-browser``) each size's self-contained map is opened and timed:

* time to interactive: from navigation to the first frame drawn after the workbench is ready
  (every marker clustered, timeline, table, governorate counts);
* brush redraw: a real mouse drag over the timeline (CDP input events) for three date ranges;
  from the mouse release to the first frame drawn after the map, heat map, governorates,
  timeline and table follow (median of the three).

The browser baseline is a bare folium map with the same libraries inlined: one MarkerCluster
holding one ``folium.CircleMarker`` per event, nothing else. Its time to interactive is to the
first frame after its last script; its "redraw" is Leaflet.markercluster's own cost of the same
change done the plain way (``clearLayers()`` then ``addLayers()`` of the events the brush kept).
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import folium
import folium.plugins
import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the DevTools client of the browser tests

from conflictmap import maps
from conflictmap.maps.assets import inline_assets  # noqa: E402
from conflictmap.geo.frame import events_frame  # noqa: E402

render_module = importlib.import_module("conflictmap.maps.render")

TYPES = [
    ("Explosions/Remote violence", "Air/drone strike", 0.35),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.2),
    ("Explosions/Remote violence", "Suicide bomb", 0.05),
    ("Battles", "Armed clash", 0.25),
    ("Battles", "Non-state actor overtakes territory", 0.05),
    ("Violence against civilians", "Attack", 0.1),
]
TAIL_ACTORS = [f"Local militia {i}" for i in range(20)]


def random_points(n: int, rng: random.Random) -> list[tuple[float, float, str]]:
    """(lat, lon, governorate) uniformly inside the packaged Syria/Iraq governorates."""
    regions = maps.load_boundaries()
    union = shapely.prepared.prep(regions.union_all())
    minx, miny, maxx, maxy = regions.total_bounds
    out = []
    while len(out) < n:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if union.contains(Point(lon, lat)):
            out.append((lat, lon))
    names = regions["name"].tolist()
    hits = regions.sindex.query(shapely.points([(lon, lat) for lat, lon in out]), predicate="intersects")
    admin1 = {int(p): names[int(r)] for p, r in zip(*hits)}
    return [(lat, lon, admin1.get(i)) for i, (lat, lon) in enumerate(out)]


def synthetic_events(n: int, seed: int = 11):
    rng = random.Random(seed)
    actors = list(maps.KNOWN_ACTOR_COLORS)
    start = date(2014, 1, 1)
    rows = []
    for i, (lat, lon, admin1) in enumerate(random_points(n, rng)):
        event_type, sub_type, _ = rng.choices(TYPES, weights=[t[2] for t in TYPES])[0]
        roll = rng.random()
        actor1 = rng.choice(actors) if roll < 0.8 else (rng.choice(TAIL_ACTORS) if roll < 0.93 else None)
        fatalities = min(int(rng.expovariate(0.25)), 300)
        rows.append({
            "event_id": f"BENCH-{i:06d}",
            "event_date": None if rng.random() < 0.05 else start + timedelta(days=rng.randrange(6 * 365)),
            "time_precision": rng.choice([1, 1, 1, 2, 3]),
            "event_type": event_type, "sub_event_type": sub_type,
            "actor1": actor1, "actor2": rng.choice(actors),
            "country": "Syria" if lon < 42.4 else "Iraq", "admin1": admin1,
            "location": f"Village {i}", "latitude": round(lat, 5), "longitude": round(lon, 5),
            "geo_precision": rng.choice([1, 1, 2, 3]), "fatalities": fatalities,
            "civilian_fatalities": rng.randint(0, fatalities), "injuries": rng.randint(0, 20),
            "place_id": str(100000 + i), "place_source": "gazetteer", "confidence": round(rng.uniform(0.4, 1), 2),
            "source": "Example Wire", "source_url": f"https://news.example.invalid/2016/{i}",
            "notes": f"{actor1 or 'Unidentified forces'} struck positions near Village {i} in {admin1} "
                     f"province on Tuesday, killing {fatalities} people, a monitoring group said.",
        })
    return events_frame(rows)


def find_chromium() -> str | None:
    from test_map_browser import find_chromium as find

    return find()


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def baseline(events, path: Path) -> Path:
    m = folium.Map(location=(34.8, 40.5), zoom_start=6)
    for lat, lon in zip(events.geometry.y, events.geometry.x):
        folium.Marker((lat, lon)).add_to(m)
    m.save(str(path))
    return path


BRUSHES = ((0.10, 0.40), (0.50, 0.60), (0.20, 0.90))  # fractions of the timeline's width
VIEWPORT = (1366, 768)


def browser_baseline(events, path: Path) -> Path:
    """A bare self-contained folium map: one MarkerCluster of CircleMarkers, marking when drawn."""
    m = folium.Map(location=(34.8, 40.5), zoom_start=6, tiles=None)
    m.options["maxZoom"] = 19  # Leaflet.markercluster needs one (our maps get it from the tile layer)
    m.default_js, m.default_css = list(render_module.MAP_JS), list(render_module.MAP_CSS)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    for lat, lon in zip(events.geometry.y, events.geometry.x):
        folium.CircleMarker((lat, lon), radius=6).add_to(cluster)
    # The page's scripts run as one; the frame after them is the first with the markers drawn.
    m.get_root().script.add_child(folium.Element(
        "requestAnimationFrame(() => setTimeout(() => { window.__interactiveAt = performance.now();"
        " window.__cluster = " + cluster.get_name() + ";"
        " window.__markers = Object.keys(window).filter(k => k.startsWith('circle_marker_')).map(k => window[k]);"
        " }, 0));"))
    inline_assets(m)
    m.save(str(path))
    return path


def open_page(chromium: str, html: Path, profile: Path):
    from test_map_browser import DevTools, Page

    dt = DevTools(chromium, profile, window=VIEWPORT)
    page = Page(dt)
    page.send("Emulation.setDeviceMetricsOverride", {"width": VIEWPORT[0], "height": VIEWPORT[1],
                                                     "deviceScaleFactor": 1, "mobile": False})
    page.send("Page.navigate", {"url": html.as_uri()})
    dt.wait_for("Page.loadEventFired", timeout=600)
    return dt, page


def brush(page, a: float, b: float) -> dict:
    """Drags over the timeline from fraction a to b of its width; the redraw that followed."""
    from test_map_workbench import drag

    x0, x1, y = page.js(f"""(() => {{ const t = ConflictMap.current.timeline, r = t.plot.getBoundingClientRect();
        const w = t.size().plotWidth; return [r.left + 30 + {a} * w, r.left + 30 + {b} * w, r.top + r.height / 2]; }})()""")
    drag(page, x0, x1, y)
    page.wait_js("ConflictMap.current.stats.lastRedraw && ConflictMap.current.stats.lastRedraw.id === "
                 "ConflictMap.current.redrawId", timeout=120)
    return page.js("ConflictMap.current.stats.lastRedraw")


def browser_figures(chromium: str, ours: Path, base: Path, out: Path) -> dict:
    dt, page = open_page(chromium, ours, out / f"profile-{ours.stem}")
    try:
        page.wait_js("ConflictMap.current && ConflictMap.current.interactiveAt > 0", timeout=600)
        tti = page.js("ConflictMap.current.interactiveAt")
        n = page.js("ConflictMap.current.n")
        redraws = [brush(page, a, b) for a, b in BRUSHES]
        errors = page.session_events("Runtime.exceptionThrown")
    finally:
        dt.close()
    if errors:
        raise RuntimeError(f"{ours}: script errors: {errors}")
    dt, page = open_page(chromium, base, out / f"profile-{base.stem}")
    try:
        page.wait_js("window.__interactiveAt > 0", timeout=600)
        base_tti = page.js("window.__interactiveAt")
        base_redraws = [page.js(f"""new Promise(resolve => {{
            const keep = window.__markers.slice(0, {r['shown']}), started = performance.now();
            window.__cluster.clearLayers(); window.__cluster.addLayers(keep);
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0)); }})""")
            for r in redraws]
    finally:
        dt.close()
    return {"n": n, "tti": tti, "base_tti": base_tti, "redraw": statistics.median(r["ms"] for r in redraws),
            "base_redraw": statistics.median(base_redraws), "kept": [r["shown"] for r in redraws]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all-strategies", action="store_true")
    parser.add_argument("--no-browser", action="store_true", help="leave out the Chromium figures")
    args = parser.parse_args(argv)
    chromium = None if args.no_browser else find_chromium()
    browser_rows = []

    out = Path(tempfile.mkdtemp(prefix="bench_map."))
    print(f"threshold for the fast strategy: {render_module.FAST_THRESHOLD} events; files in {out}")
    print(f"{'events':>7} {'strategy':>9} {'size MB':>8} {'render s':>9} | {'baseline MB':>11} {'baseline s':>10}"
          f" | {'size x':>6} {'time x':>6}")
    for n in args.sizes:
        events = synthetic_events(n)
        base_s, base_path = timed(lambda: baseline(events, out / f"baseline-{n}.html"), args.repeat)
        base_mb = base_path.stat().st_size / 1e6
        chosen = "fast" if n >= render_module.FAST_THRESHOLD else "markers"
        strategies = ["markers", "fast"] if args.all_strategies else [chosen]
        for strategy in strategies:
            path = out / f"map-{n}-{strategy}.html"
            secs, _ = timed(lambda: maps.render(events, path, strategy=strategy), args.repeat)
            mb = path.stat().st_size / 1e6
            mark = "*" if strategy == chosen else " "
            print(f"{n:>7} {strategy + mark:>9} {mb:>8.2f} {secs:>9.2f} | {base_mb:>11.2f} {base_s:>10.2f}"
                  f" | {mb / base_mb:>6.2f} {secs / base_s:>6.2f}")
        path = out / f"map-{n}-self-contained.html"
        secs, _ = timed(lambda: maps.render(events, path, self_contained=True), 1)
        print(f"{n:>7} {'self-c.':>9} {path.stat().st_size / 1e6:>8.2f} {secs:>9.2f}   (auto strategy, "
              "libraries and outlines inlined)")
        if chromium:
            base = browser_baseline(events, out / f"browser-baseline-{n}.html")
            browser_rows.append(browser_figures(chromium, path, base, out))
    print("* = the strategy maps.render picks at that size")
    if not chromium:
        print("no browser figures (--no-browser, or Chromium not found: set $CHROMIUM)")
        return 0
    print(f"\nIn headless Chromium, {VIEWPORT[0]}x{VIEWPORT[1]}, self-contained maps (baseline: bare folium, "
          "one MarkerCluster of CircleMarkers)")
    print(f"{'events':>7} {'interactive s':>13} {'baseline s':>10} {'x':>5} | {'brush redraw ms':>15}"
          f" {'baseline ms':>11} {'x':>5} | events kept by the 3 brushes")
    for r in browser_rows:
        print(f"{r['n']:>7} {r['tti'] / 1000:>13.2f} {r['base_tti'] / 1000:>10.2f} {r['tti'] / r['base_tti']:>5.2f} |"
              f" {r['redraw']:>15.0f} {r['base_redraw']:>11.0f} {r['redraw'] / r['base_redraw']:>5.2f} |"
              f" {', '.join(map(str, r['kept']))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
