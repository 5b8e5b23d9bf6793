"""Map size and render time for 1k and 10k synthetic events, beside a bare folium baseline.

    python bench/bench_map.py [--sizes 1000 10000] [--repeat 3] [--all-strategies]

Events are random points inside the Syrian and Iraqi governorates with every event column
filled as geo/ fills it (dates over 2014-2019 with some unknown, ACLED types, a dozen
actors plus a long tail, deaths skewed low, a sentence of notes, a source URL). For each
size the script renders the map the way ``maps.render`` would choose (``auto``: folium
markers below maps.render.FAST_THRESHOLD events, markers built in the browser from it up),
and a baseline in the same process: a bare ``folium.Map`` with one plain ``folium.Marker``
per event and nothing else. Ratios are what to compare across machines.
``--all-strategies`` also renders both strategies at every size, to check the threshold.
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
import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conflictmap import maps
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all-strategies", action="store_true")
    args = parser.parse_args(argv)

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
    print("* = the strategy maps.render picks at that size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
