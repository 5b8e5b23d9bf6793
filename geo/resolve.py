"""Toponym resolution in context: place mentions of one article -> gazetteer places.

A name alone is ambiguous (Sinjar in Iraq and in Syria; Tall Sha'ir four times over). The
article says more: the countries and provinces its other places point to, "X in Y province",
and the other places in the same sentence. Candidates from :mod:`gazetteer` are described by
those cues and by how each compares with its rivals (:data:`FEATURES`), and weighed by
gradient-boosted trees learned from coded events and gold toponyms (:class:`Ranker`,
``geo/data/ranker.json``, made by ``eval/train_ranker.py``). An event mention nothing fits is
asked of the online geocoder when one is given
(:mod:`geo.geocode`, with the article's countries and places as context), else it falls back to
its province with geo_precision 3 and stays listed as unresolved in the report.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from conflictmap.gazetteer import Candidate, Gazetteer
from conflictmap.gazetteer.indexes import BROAD_KINDS  # context, never an event's point
from conflictmap.gazetteer.distance import bearing_deg, haversine_km, haversine_matrix_km
from conflictmap.gazetteer.names import name_key, plain
from conflictmap.gazetteer.world import middle
from conflictmap.theatre import NEIGHBOURS, THEATRE, neighbours_of

if TYPE_CHECKING:  # geo.geocode imports geopy; a run without a geocoder need not
    import numpy

    from .geocode import FallbackGeocoder

RANKER_FILE = Path(__file__).with_name("data") / "ranker.json"
CANDIDATES = 20
NAMED_PROVINCE_POOL = 200  # _add_in_named_provinces: a name's places in a named province, among this many
IN_NAMED_PROVINCES = 5  # and at most this many of them
IN_FAR_COUNTRY = 3  # _add_in_far_countries: a name's places in a country the article is about,
FAR_SCORE_GAP = 0.1  # spelt about as well as its best match (not "London" as Luanda in a note on Angola)
MIN_SCORE = 0.78  # a name match below this is no match (``gazetteer lookup --fallback-below``)
SURE = 0.9  # a mention this sure of itself votes for the article's country and province
COUNTRY_NAMED_WEIGHT = 2
# Distances the features measure: the closer to the sentence's sure places, the likelier
# (falling to 0 at NEARBY_KM); "near the towns of A and B": B is not FAR_KM from A. How much
# each counts is learned (Ranker).
NEARBY_KM = 150
FAR_KM = 100
ADMIN_KINDS = ("admin1", "admin2")
CITY_PARTS = ("neighbourhood", "neighborhood", "suburb", "district")
CITY_PART_KM = 30
SAME_SPOT_KM = 10  # two candidates this near are one place to a map reader (the scorers' tolerance)
TOWN_PEOPLE = 10_000
BORDER_KM = 200  # a place spelt as written this near a province's towns may be in it for another source
# A city this big, named by its own name, is news from there even where the rest of the article
# is elsewhere ("Moscow" in a story from Ohio), never a wrong match for a village the gazetteer
# lacks (gold spans in context: LGL +0.007, GeoVirus +0.005; ACLED dev precision -0.001)
KNOWN_CITY = 300_000
# "X, Y and Z villages in the southern countryside of Idleb": how far after a name the province
# that locates it may come (LGL, GeoVirus gold spans in context +0.004, +0.008; ACLED dev
# recall +0.001, precision -0.001 against the whole sentence)
PROVINCE_AFTER_CHARS = 120
LIST_OF_DIVISIONS = 3  # a list this long, all its other names a country's divisions, is a list of them
# A town far from all the article's other places gives way to a namesake among them (_join_the_article)
JOIN_FAR_KM = 2 * FAR_KM
JOIN_NEAR_KM = 50
JOIN_PLACES = 2  # of the other names' places, at least this many near the namesake


@dataclass
class PlaceMention:
    """A place mention and what it resolved to (the row of mentions.geojson)."""

    doc_id: str
    text: str
    sentence: str
    sentence_index: int
    start_char: int
    end_char: int
    cue: str | None
    precision: int  # geo_precision: 1 the place, 2 near / part of it, 3 province
    role: str  # event, dateline, metonymy, demonym (a country's people: context, no event)
    place: Candidate | None = None
    score: float = 0.0
    place_source: str | None = None  # gazetteer | geocoder | cache
    fallback: bool = False  # resolved to a province because the name itself failed
    candidates: list[Candidate] = field(default_factory=list, repr=False)
    seat: Candidate | None = None  # where an event known only by its province stands (its largest town)
    # the part of its country a compass word names ("strikes in northern Iraq"): the mention is of
    # the country, and an event there stands in that part (geo.events), as a province's does
    area: Candidate | None = None
    # the other candidates the ranker would accept (probability at its threshold or above), best first
    rivals: list[tuple[Candidate, float]] = field(default_factory=list, repr=False)
    # the bearing a compass word beside the name gives ("northern Hama": 0; "west of Baiji": 270)
    bearing: float | None = None
    # the (country, first-order division) of each candidate: where the name may lie, kept when
    # the candidates are let go (geo.collection's second look asks it)
    provinces: frozenset = field(default_factory=frozenset, repr=False)
    read_precision: int = field(default=0, repr=False)  # the precision as read, before resolution

    def __post_init__(self) -> None:
        self.read_precision = self.read_precision or self.precision

    def as_read(self) -> PlaceMention:
        """A copy as the text gave it, before any resolution."""
        return replace(self, place=None, score=0.0, place_source=None, fallback=False, candidates=[], seat=None,
                       rivals=[], provinces=frozenset(), precision=self.read_precision)

    def unplace(self) -> None:
        """Forget the place found: the name was a wrong match (the geocoder or the province takes
        it, with the precision the text gave: "near Hajin" stays near whatever finds it)."""
        self.place, self.score, self.place_source, self.precision = None, 0.0, None, self.read_precision

    def as_row(self) -> dict:
        p = self.place
        return {
            "doc_id": self.doc_id, "text": self.text, "sentence": self.sentence,
            "start_char": self.start_char, "end_char": self.end_char,
            "place_id": p.place_id if p else None, "name": p.name if p else None,
            "score": round(self.score, 4) if p else None, "geo_precision": self.precision if p else None,
            "place_source": self.place_source, "latitude": p.lat if p else None, "longitude": p.lon if p else None,
            "role": self.role,
        }


def mentions_of(doc, doc_id: str) -> list[PlaceMention]:
    """PlaceMentions from a doc processed by geo.nlp's pipeline, one per ``doc.spans["places"]``
    span; each span's ``Span._.cm_place`` holds its mention, which :func:`resolve_mentions`
    (or :func:`resolve_doc`) then resolves in place."""
    from .nlp import compass_bearing, sentence_of, text_of  # here: the CLI reads this module's constants without spaCy

    sentences = list(doc.sents)
    index = sentence_of(sentences)
    text = text_of(doc)
    out = []
    for span in doc.spans.get("places", []):
        i = index(span)
        sent = sentences[i]
        mention = PlaceMention(
            doc_id=doc_id, text=span.text, sentence=text[sent.start_char:sent.end_char].strip(), sentence_index=i,
            start_char=span.start_char, end_char=span.end_char, cue=span._.cm_cue, precision=span._.cm_precision,
            role=span._.cm_role, bearing=compass_bearing(text, span.start_char, span.end_char),
        )
        span._.cm_place = mention
        out.append(mention)
    return out


def resolve_doc(doc, doc_id: str, gaz: Gazetteer, geocoder: FallbackGeocoder | None = None) -> list[PlaceMention]:
    """Resolve the place mentions of a doc geo.nlp's pipeline made, each other's context; each
    place span's ``Span._.cm_place`` holds its resolved :class:`PlaceMention`. Returns them.

    >>> from conflictmap.gazetteer import Gazetteer
    >>> from conflictmap.geo.nlp import build_pipeline
    >>> doc = build_pipeline()("Shells hit the village of Sufuhan in Idlib province.")
    >>> _ = resolve_doc(doc, "doc-1", Gazetteer())
    >>> [(s.text, s._.cm_place.place.admin1, s._.cm_place.precision) for s in doc.spans["places"]]
    [('Sufuhan', 'Idlib', 1), ('Idlib', 'Idlib', 3)]
    """
    return resolve_mentions(mentions_of(doc, doc_id), gaz, geocoder=geocoder)


PROVINCE_CUES = ("province", "governorate", "state", "oblast", "prefecture")  # the word after the name
# "the Idleb countryside", "southern Idleb", "central Hama": the governorate when one has that name
# (the city would claim a precision the text does not give); other names stay as they are
# ("western Mosul" is the city's west).
REGION_CUES = ("countryside", "central", *(d + suffix for d in ("north", "south", "east", "west", "northeast",
                                                                "northwest", "southeast", "southwest") for suffix in ("", "ern")))

REGION_SPELLING_GAP = 20  # rapidfuzz ratio points a province may be spelt worse than the best match


def _wants_province(m: PlaceMention) -> bool:
    return m.cue in PROVINCE_CUES or (m.cue in REGION_CUES and bool(m.candidates)
                                      and all(c.kind == "admin1" for c in m.candidates))


def _candidates(gaz: Gazetteer, m: PlaceMention, limit: int = CANDIDATES, country: str | None = None) -> list[Candidate]:
    found = gaz.candidates(m.text, country=country, limit=limit)
    if m.cue in REGION_CUES:
        # only a province spelt about as the best match is: "south of Ras al-Ain" is the town,
        # not Resen in North Macedonia, whose name folds to the same key
        spelt = plain(m.text)

        def spelling(c: Candidate) -> float:  # by the province's own names too: "eastern Deir-ez-Zor"
            return max(fuzz.ratio(spelt, plain(n)) for n in (c.matched, c.name, c.admin1) if n)

        best = max(map(spelling, found), default=0)
        provinces = [c for c in found if c.kind == "admin1" and _names_the_province(m.text, c)
                     and spelling(c) >= best - REGION_SPELLING_GAP]
        # nor one spelt only nearly so when a town bears the very name: "central Mandali" is
        # the Iraqi town, not Mandalay in Myanmar
        key = name_key(m.text)
        if not any(name_key(c.matched) == key for c in provinces) \
                and any(name_key(c.matched) == key for c in found if c.kind != "admin1"):
            return found
        return provinces or found
    if m.cue in PROVINCE_CUES:
        provinces = [c for c in found if c.kind == "admin1"]
        if not provinces:  # "Hassakeh province": the town's name, the province's point
            provinces = [p for c in found[:1] for p in [province_of(gaz, c)] if p]
        return provinces or found
    return found


def _names_the_province(text: str, province: Candidate) -> bool:
    """Whether ``text`` is the province's own name ("Idleb" for Idlib), not an old or
    alternative name it also carries ("Mosul" for Nineveh)."""
    return any(same_name(text, name) for name in (province.name, province.admin1) if name)


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name alike once folded ("Idleb", "Idlib"; "Deir al-Zor", "Deir ez-Zor")."""
    return fuzz.ratio(name_key(a), name_key(b)) >= 75


def province_of(gaz: Gazetteer, place: Candidate) -> Candidate | None:
    """The admin1 record of a place's province."""
    if not place.admin1:
        return None
    if place.kind == "admin1":
        return place
    for c in gaz.candidates(place.admin1, country=place.country, limit=10):
        if c.kind == "admin1" and c.admin1 == place.admin1:
            return c
    return None


def resolve_mentions(mentions: list[PlaceMention], gaz: Gazetteer,
                     geocoder: FallbackGeocoder | None = None) -> list[PlaceMention]:
    """Resolve one article's mentions in place, using each other as context. Returns them.

    ``geocoder``: asked for the event mentions the gazetteer leaves unresolved, before the
    province fallback.
    """
    ranker = default_ranker()
    for m, scored, scores in _ranked(mentions, gaz, ranker):
        k = int(scores.argmax())
        best, best_score = scored[k][0], float(scores[k])
        if m.role == "demonym" and (country := _demonym_country(m)) is not None:
            best, best_score = country, 1.0  # "Iranian" names Iran; the ranker learned from places, not people
        elif best.kind != "country" and not _own_name(best) \
                and (own := _country_by_own_name(m, [c for c, _ in scored])) is not None:
            # "Mexico" is the country, not Mexico City, which carries the name as another spelling
            best, best_score = scored[own][0], max(best_score, float(scores[own]))
        else:
            best_score = _sure_of_the_spot(best, best_score, scored, scores)
        if best_score >= ranker.threshold or (_known_city(best, m) and not _theatre_story(mentions)):
            m.place, m.score, m.place_source = best, best_score, "gazetteer"
            if best.kind == "admin1" or in_one_country(best):
                m.precision = 3  # a province, or a region of one country (the Donbas)
            elif best.precision > 1:  # "Eastern Ghouta" stands at Douma, its main town
                m.precision = best.precision
            m.rivals = sorted(((c, float(p)) for (c, _), p in zip(scored, scores)
                               if p >= ranker.threshold and c is not best), key=lambda r: -r[1])

    _divisions_in_a_list(mentions)
    _unplace_outside_named_province(mentions, gaz)
    _unplace_outside_focus(mentions)
    _unplace_away_from_home(mentions)
    _nearer_the_foreign_forces(mentions, gaz)
    _unplace_far_from_sentence(mentions)
    _join_the_article(mentions)
    _look_in_named_provinces(mentions, gaz, ranker)
    if geocoder is not None:
        _geocode_unresolved(mentions, gaz, geocoder)
    _fall_back_to_province(mentions, gaz, _provinces(mentions))
    for m in mentions:
        if m.place is not None and m.role == "event" and m.place.kind == "country" and m.bearing is not None:
            m.area = _part_of_country(gaz, m.place, m.bearing)
    for m in mentions:
        if m.place is not None and m.role == "event" and m.place.kind == "admin1":
            m.seat = _seat(gaz.largest_towns(m.place.country, m.place.admin1), _part_of_province(m, mentions))
    return mentions


def _known_city(place: Candidate, m: PlaceMention) -> bool:
    """Whether a place is a city of KNOWN_CITY people named by its own name. Outside a story
    from the theatre (:func:`_theatre_story`), the likeliest candidate of such a name is taken
    however unsure the ranker is: "A bomb exploded in Quetta", alone, scored 0.14, as the trees
    learned from notes on Syria and Iraq that a name alone abroad is a namesake. In one, the
    ranker decides: "al-Nasr west of Riyad" is no news from Riyadh, "Abul Gor" none from Bogor
    (taken, ACLED dev precision 0.8364 -> 0.836)."""
    return place.kind == "populated place" and place.population >= KNOWN_CITY and name_key(place.matched) == name_key(m.text)


def _theatre_story(mentions: list[PlaceMention]) -> bool:
    """Whether an article names an actor at home in the theatre or a neighbour of it, or has a
    sure event place there."""
    forces, homes = _countries_of(_article_actors(mentions))
    return bool((forces | homes) & {*THEATRE, *NEIGHBOURS}) \
        or any(top.country in THEATRE for top in map(_sure_event_place, mentions) if top is not None)


def _ranked(mentions: list[PlaceMention], gaz: Gazetteer, ranker: Ranker,
            extra: dict[int, list[Candidate]] | None = None) -> Iterator[tuple[PlaceMention, list, Sequence[float]]]:
    """Each mention that has candidates, with them and their features, and the ranker's
    probability for each."""
    ranked = [(m, scored) for m, scored in ranked_candidates(mentions, gaz, extra=extra) if scored]
    # every candidate of the article down the trees in one call (a call per mention cost more
    # in numpy's overhead than in the walk)
    everything = ranker.probabilities([features for _, scored in ranked for _, features in scored])
    start = 0
    for m, scored in ranked:
        yield m, scored, everything[start:start + len(scored)]
        start += len(scored)


def _look_in_named_provinces(mentions: list[PlaceMention], gaz: Gazetteer, ranker: Ranker) -> None:
    """An event name left without a place, in an article that names provinces, is looked for
    in each of them: the one place there spelt clearly nearer it than any other
    (:meth:`Gazetteer.spelt_nearest_in`, a looser net than the lookup's; "Jubb al Qasab village
    in southern Idleb" is Jubb al Ghasab, though places elsewhere are spelt nearer). The ranker
    weighs it beside the name's own candidates, which it rejected, and takes it when it would
    take any candidate. ACLED dev: location recall 0.842 -> 0.846, precision 0.8238 -> 0.8249
    (with names without a cue too: the same figures, for a second weighing of most long articles)."""
    named = sorted({(m.place.country, m.place.admin1) for m in mentions
                    if m.place is not None and m.place.kind == "admin1" and m.place.admin1})
    if not named:
        return
    from .nlp import ATTACK_CUES, NAMING_CUES

    # only a name framed as a place of its own ("X village", "the town of X", "shelled X"), not
    # "Geneva" or "Rudaw" in a Syrian story, nor a city's part
    framed = NAMING_CUES.union(ATTACK_CUES).difference(CITY_PARTS)
    extra = {id(m): found for m in mentions if m.place is None and m.role == "event" and m.cue in framed
             for found in [[c for p in named for c in [gaz.spelt_nearest_in(m.text, *p)] if c]] if found}
    if not extra:
        return
    for m, scored, scores in _ranked(mentions, gaz, ranker, extra):
        fresh = {c.place_id for c in extra.get(id(m), ())}
        best = max(((float(p), c) for (c, _), p in zip(scored, scores) if c.place_id in fresh),
                   default=None, key=lambda pc: pc[0])
        if best is not None and best[0] >= ranker.threshold:
            m.place, m.score, m.place_source = best[1], best[0], "gazetteer"


SEAT_PART_KM = 15.0  # a part of a province ("northern Aleppo") stands at a town at least this far from its capital
SEAT_PART_COS = math.cos(math.radians(45))  # and within 45 degrees of the compass word's bearing from it


def _sure_of_the_spot(best: Candidate, p: float, scored: list[tuple[Candidate, list]], scores) -> float:
    """How sure the ranker is that the mention names ``best``'s spot: the chance that it or
    one of the same spot is right (1 - the product of their chances of being wrong), a
    candidate of the same spot being one within SAME_SPOT_KM of it (a town's record in two
    sources) or the province of the same name it lies in (Ma'rib the town and the governorate:
    "missiles at Marib" is the town, whichever the trees favour)."""
    key = name_key(best.name)
    wrong = 1.0 - p
    for (c, _), q in zip(scored, scores):
        if c is best:
            continue
        if haversine_km(c.lat, c.lon, best.lat, best.lon) <= SAME_SPOT_KM or (
                c.kind == "admin1" and best.kind != "admin1" and c.country == best.country
                and c.admin1 == best.admin1 and name_key(c.name) == key):
            wrong *= 1.0 - float(q)
    return 1.0 - wrong


def _seat(towns: tuple[Candidate, ...], bearing: float | None) -> Candidate | None:
    """Where an event known only by its province stands: its largest town (ACLED: the
    provincial capital), or for a part of it ("clashes in northern Aleppo"), the largest town
    that lies that way from the capital (Azaz, as ACLED codes such events at a district's seat);
    the capital when none does."""
    if not towns or bearing is None:
        return towns[0] if towns else None
    capital = towns[0]
    return next((t for t in towns[1:] if haversine_km(capital.lat, capital.lon, t.lat, t.lon) >= SEAT_PART_KM
                 and _along(capital, t, bearing) >= SEAT_PART_COS), capital)


def in_one_country(place: Candidate) -> bool:
    """Whether a place is a region within one country (the Donbas, Darfur, "northern Iraq"): an
    event place like a province (geo_precision 3), where the text names no town of that country;
    a region of countries (the Middle East) is context."""
    return place.kind == "region" and bool(place.country)


COMPASS_ADJECTIVES = {0.0: "northern", 45.0: "north-eastern", 90.0: "eastern", 135.0: "south-eastern",
                      180.0: "southern", 225.0: "south-western", 270.0: "western", 315.0: "north-western"}


def _part_of_country(gaz: Gazetteer, country: Candidate, bearing: float) -> Candidate | None:
    """The part of a country a compass word names ("strikes in northern Iraq"): a region of that
    country at the middle of its first-order divisions that lie that way from its point (within
    45 degrees, SEAT_PART_KM or more away): Nineveh, Dahuk, Erbil, Sulaymaniyah, Kirkuk and Salah
    ad-Din for northern Iraq. None where no division does."""
    parts = [d for d in gaz.divisions_of(country.country)
             if haversine_km(country.lat, country.lon, d.lat, d.lon) >= SEAT_PART_KM
             and _along(country, d, bearing) >= SEAT_PART_COS]
    if not parts:
        return None
    lat, lon = middle((d.lat, d.lon) for d in parts)
    word = COMPASS_ADJECTIVES.get(bearing % 360, "")
    return replace(country, place_id=f"{country.place_id}:{word}", name=f"{word} {country.name}".strip(),
                   lat=lat, lon=lon, kind="region", precision=3)


def _along(start: Candidate, c: Candidate, bearing: float) -> float:
    """How straight ``c`` lies from ``start`` along ``bearing``: the cosine of the angle between
    the two bearings, 1 straight that way, -1 the opposite way."""
    return math.cos(math.radians(bearing_deg(start.lat, start.lon, c.lat, c.lon) - bearing))


def _part_of_province(m: PlaceMention, mentions: list[PlaceMention]) -> float | None:
    """The bearing of the part of its province an event known only by the province lies in: its
    own compass word ("clashes in southern Idleb"), or for a place that fell back to the
    province, the compass word of the province's name in its sentence ("Ghadqa in the southern
    countryside of Idleb")."""
    if m.bearing is not None or not m.fallback:
        return m.bearing
    return next((o.bearing for o in mentions if o.sentence_index == m.sentence_index and o is not m
                 and o.place == m.place and o.bearing is not None), None)


def _own_name(c: Candidate) -> bool:
    """Whether a candidate was found by its own name: as spelt, or for a division, as its name
    begins ("Lebanon" for Lebanon County, not for the Lebanon a city carries as another name)."""
    matched, name = plain(c.matched), plain(c.name)
    return matched == name or (c.kind in ADMIN_KINDS and name.startswith(matched + " "))


def _country_by_own_name(m: PlaceMention, candidates: list[Candidate]) -> int | None:
    """The index of a country among ``candidates`` whose own name is the one ``m`` writes.
    GeoVirus gold spans in context 0.806 -> 0.814 ("Mexico" beside "Mexico City"); LGL 0.820 ->
    0.819."""
    spelt = plain(m.text)
    return next((k for k, c in enumerate(candidates) if c.kind == "country" and plain(c.name) == spelt), None)


def _demonym_country(m: PlaceMention) -> Candidate | None:
    """The country a demonym mention names: its candidate from the gazetteer's demonyms, a
    country whose key is the mention's own."""
    key = name_key(m.text)
    return next((c for c in m.candidates if c.kind == "country" and name_key(c.matched) == key), None)


def _unplace_outside_focus(mentions: list[PlaceMention]) -> None:
    """An event place outside the theatre, in a country the rest of the article is not about
    (a Syrian village's namesake in China), is a wrong match: a namesake in the focus that the
    ranker accepts takes the mention, else the geocoder or the province fallback. The rest of the article is
    its other names: the countries they name and those their places were resolved to (a name
    repeated says nothing for itself). A country the article names is in its focus, so "shells
    from Syria hit Kilis, Turkey" keeps Kilis. The theatre is where the tool is used first: a
    place there is dropped for this only when found by another spelling in an article that
    names countries and none of the theatre's (:func:`_theatre_doubted`: "Nyanza Province" in a
    story about Kenya is not Iraq's Ninawa). Never dropped: a city of :data:`KNOWN_CITY` people
    named by its own name, nor a province the text calls one, spelt so ("Rebels seized Rubaya
    in North Kivu province": "rebels" are at home in Syria for the lexicon), nor a place of the
    very name an article names alone (no other place, no people, no armed group at home
    elsewhere) when the theatre has no place of that name that the ranker accepts
    ("Gainesville" and nothing else stays in Florida; "Fla." beside Iraq's Flayh, scored 0.07,
    in Florida; "Karak" alone is not Jordan's, nor "an Iranian drone ... Ghouta" Gotha in
    Germany), nor a place in a province where another of the article's names lies ("Dublin"
    beside Cuyahoga Falls is Dublin, Ohio, however much the article says of Toronto). In an article about
    elsewhere, only a place found by another spelling than the one written is dropped."""
    keys = [name_key(m.text) for m in mentions]
    # What each name says (the countries it names, those its places lie in, whether it names
    # people), taken before any is unplaced: the rest of the article is all but the name itself.
    named_by_others = _named_by_others(mentions, keys)
    placed_by: dict[str, Counter] = {}
    provinces_by: dict[tuple, set] = {}  # (country, province) -> the names placed there
    people = set()
    for m, key in zip(mentions, keys):
        if m.place is not None and m.role == "event" and m.place.kind not in BROAD_KINDS and m.place.country:
            placed_by.setdefault(key, Counter())[m.place.country] += 1
            provinces_by.setdefault((m.place.country, m.place.admin1), set()).add(key)
        if m.role == "demonym":
            people.add(key)
    all_placed = sum(placed_by.values(), Counter())
    forces, homes = _countries_of(_article_actors(mentions))
    homes |= neighbours_of(forces)
    spelt_countries = {country for m in mentions if (country := _named_country(m)) is not None
                       and m.candidates[0].kind == "country" and plain(m.candidates[0].matched) == plain(m.text)}
    for m, key in zip(mentions, keys):
        if m.place is None or m.role != "event" or m.place.kind in BROAD_KINDS:
            continue
        if m.place.country in THEATRE and not _theatre_doubted(m, spelt_countries):
            continue
        if _known_city(m.place, m):
            continue
        if m.place.kind == "admin1" and m.cue in PROVINCE_CUES and plain(m.place.matched) == plain(m.text):
            continue  # "in North Kivu province": a province the text calls one, spelt so, is no namesake
        names = named_by_others[key]
        places = all_placed - placed_by.get(key, Counter())
        # (a theatre namesake counts where the ranker accepts it: Iraq's Flayh folds onto "Fla."),
        # nor say its armed groups where they are at home: "Islamist factions shelled al-Hwayri"
        # is no news from Huari, Peru (a state's forces fight abroad: Russian forces in Avdiivka)
        if not names and not places and not people - {key} and name_key(m.place.matched) == key \
                and not any(c.country in THEATRE and name_key(c.matched) == key for c, _ in m.rivals) \
                and (not homes or m.place.country in homes):
            continue  # the article names nothing else, nor has the theatre a place of the name: it stands
        if m.place.admin1 and provinces_by.get((m.place.country, m.place.admin1), set()) - {key}:
            continue
        # an article naming no country nor other place is about the theatre, and the far homes
        # of its actors and of their neighbours ("Russian attacks near Pokrovsk": Ukraine's)
        focus = article_focus(names, places, _far_from(homes))
        # A name spelt as written, in an article about elsewhere, is the ranker's to judge:
        # world news names places abroad by their names (LGL in context 0.818 -> 0.821).
        if m.place.country not in focus and (plain(m.place.matched) != plain(m.text) or _theatre_news(focus)):
            # A namesake at the very spot in the focus is the place meant: Ceylanpinar carries
            # the name of Ras al-Ain, the Syrian town across the border from it.
            same = next(((c, p) for c, p in m.rivals if c.country in focus
                         and haversine_km(c.lat, c.lon, m.place.lat, m.place.lon) <= SAME_SPOT_KM), None)
            # Dropped for its spelling, it leaves the mention to a rival the ranker accepts spelt
            # as written, which this rule would keep: "Japan or Hong Kong" is Hong Kong, which
            # the trees ranked a hair below Huangqiang, a near spelling in China.
            if same is None and plain(m.place.matched) != plain(m.text):
                same = next(((c, p) for c, p in m.rivals if plain(c.matched) == plain(m.text)
                             and (c.country in focus or not _theatre_news(focus))), None)
            # Else it leaves the mention to the likeliest namesake inside the focus that the
            # ranker accepts ("Regime forces shelled Karak" is Syria's al-Karak, not the Jordanian
            # province), or to none.
            if same is None:
                same = next(((c, p) for c, p in m.rivals if c.country in focus and name_key(c.matched) == key), None)
            if same is None:
                m.unplace()
            else:
                m.place, m.score = same


def _theatre_news(focus: frozenset[str]) -> bool:
    """Whether an article is news from the theatre: about it and its neighbours alone. A world
    round-up that names Syria among ten countries is not ("In the Indian state of Jammu and
    Kashmir ... Syria, Iran, the US")."""
    return bool(focus & set(THEATRE)) and focus <= set(THEATRE) | set(NEIGHBOURS)


def _theatre_doubted(m: PlaceMention, countries: set[str]) -> bool:
    """Whether a theatre place is open to doubt: found by another spelling than the one
    written, in an article that names countries, each spelt as the gazetteer spells it, and
    none of the theatre's ("Nyanza Province" in a story about Kenya is not Iraq's Ninawa; a
    "Qadah" folded onto Malaysia's Kedah names no country)."""
    return bool(countries) and not countries & set(THEATRE) and plain(m.place.matched) != plain(m.text)


def _unplace_far_from_sentence(mentions: list[PlaceMention]) -> None:
    """A town found by another spelling than the one written, placed more than FAR_KM from
    every other town its sentence names while those lie together (within FAR_KM of each other:
    not a list of cities across a country), not listed beside them ("Beiji and Tal Afar"), and
    less sure of itself than the surest of them, is a wrong namesake for a name the gazetteer
    lacks ("Tall al-Sakher village near Hama" matched a Tall Sakar 400 km off); it goes to the
    geocoder or the province instead. On ACLED's dev notes 132 of 147 such places were more than
    10 km from the coded place. Event precision 0.724 -> 0.734, fatalities 0.874 -> 0.877,
    recall 0.789 -> 0.788. Without the spelling condition, precision rose to 0.740 but LGL in
    context fell 0.816 -> 0.809: world news names far-apart towns, each as written."""
    towns: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        if m.place is not None and m.role == "event" and m.place.kind not in (*ADMIN_KINDS, *BROAD_KINDS):
            towns.setdefault(m.sentence_index, []).append(m)
    far = []
    for sentence in towns.values():
        keys = [name_key(m.text) for m in sentence]
        for m, key in zip(sentence, keys):
            others = [o for o, k in zip(sentence, keys) if k != key and o.place.place_id != m.place.place_id]
            if others and plain(m.place.matched) != plain(m.text) and m.score < max(o.score for o in others) \
                    and all(_km_apart(m, o) > FAR_KM for o in others) \
                    and all(_km_apart(a, b) <= FAR_KM for a in others for b in others) \
                    and not any(coordinated(m, o) for o in others):
                far.append(m)
    for m in far:  # decided before any is unplaced: each against the sentence as resolved
        m.unplace()


def _join_the_article(mentions: list[PlaceMention]) -> None:
    """A town placed more than JOIN_FAR_KM from every place of the article's other names, where
    the ranker also accepts a namesake within JOIN_NEAR_KM of JOIN_PLACES of them, is that
    namesake: "New London" beside Mount Pleasant and Winfield is the Iowa town, not the
    Connecticut city the ranker put first on its own. Other names: the places the rest of
    the article's names were resolved to (a name's demonym, "New Londoners", counts apart
    only where it lies elsewhere), provinces and broader places aside; decided before any
    moves. LGL gold spans in context 0.855 -> 0.857 (three articles: New London, Plainview,
    Shawnee; none lost), GeoVirus and ACLED dev unchanged; with one other name enough,
    LGL fell to 0.8545."""
    keys = [name_key(m.text) for m in mentions]
    placed = [(key, m.place) for m, key in zip(mentions, keys)
              if m.place is not None and m.place.kind not in (*BROAD_KINDS, "admin1")]
    moves = []
    for m, key in zip(mentions, keys):
        if m.place is None or m.role != "event" or m.place.kind in (*BROAD_KINDS, "admin1") or not m.rivals:
            continue
        others = {(p.lat, p.lon) for k, p in placed if k != key and p.place_id != m.place.place_id}
        if len(others) < JOIN_PLACES or any(haversine_km(m.place.lat, m.place.lon, lat, lon) <= JOIN_FAR_KM
                                            for lat, lon in others):
            continue
        among = [(c, p) for c, p in m.rivals if c.kind not in BROAD_KINDS
                 and sum(haversine_km(c.lat, c.lon, lat, lon) <= JOIN_NEAR_KM for lat, lon in others) >= JOIN_PLACES]
        if among:
            moves.append((m, max(among, key=lambda r: r[1])))
    for m, (c, p) in moves:
        m.place, m.score = c, p


_AND = re.compile(r"\s*(?:,|,?\s+(?:and|or|&))\s+", re.I)


def _divisions_in_a_list(mentions: list[PlaceMention]) -> None:
    """In a list of a country's first-order divisions ("Oregon, Tennessee, Utah, Washington and
    Wisconsin"), a name the ranker also accepts as a division of that country is that division,
    not the city that bears its name (Washington, D.C.)."""
    by_sentence: dict[int, list[PlaceMention]] = {}
    for m in sorted(mentions, key=lambda m: m.start_char):
        if m.role == "event":
            by_sentence.setdefault(m.sentence_index, []).append(m)
    for sentence in by_sentence.values():
        chains = [[sentence[0]]]
        for a, b in zip(sentence, sentence[1:]):
            if coordinated(a, b):
                chains[-1].append(b)
            else:
                chains.append([b])
        for chain in (c for c in chains if len(c) >= LIST_OF_DIVISIONS):
            for m, after in zip(chain, [*chain[1:], None]):
                if after is not None and after.place is not None and m.place is not None \
                        and m.place.admin1 and m.place.admin1 == after.place.admin1:
                    continue  # "Washington, D.C.": a town and the division it lies in, not two items
                others = [o.place for o in chain if o is not m and o.place is not None]
                countries = {o.country for o in others}
                if m.place is None or m.place.kind == "admin1" or len(others) < LIST_OF_DIVISIONS - 1 \
                        or len(countries) != 1 or any(o.kind != "admin1" for o in others):
                    continue
                division = next(((c, p) for c, p in m.rivals if c.kind == "admin1" and c.country in countries), None)
                if division is not None:
                    m.place, m.score = division
                    m.precision = 3


def coordinated(a: PlaceMention, b: PlaceMention) -> bool:
    """Whether two mentions of a sentence stand side by side in a list ("Beiji and Tal Afar",
    "Hit, Haditha"): each a place of its own, not one locating the other."""
    a, b = sorted((a, b), key=lambda m: m.start_char)
    return bool(_AND.fullmatch(_between(a, b)))


def _km_apart(a: PlaceMention, b: PlaceMention) -> float:
    return haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)


def _unplace_outside_named_province(mentions: list[PlaceMention], gaz: Gazetteer) -> None:
    """"X town in Rural Damascus": when the words after X name the province (within
    :data:`PROVINCE_AFTER_CHARS`), a place found for X in another province (or country) is a
    wrong match for a name the gazetteer lacks, not news from elsewhere; X goes to the
    geocoder or to that province instead. A province named elsewhere in the sentence ("Houston
    police said ... California"), or written with another town after X ("Toronto, Ontario"),
    locates nothing of X, nor does one it lies a bearing from ("al-Ishaqi area, north of
    Baghdad": ACLED dev recall 0.8415 -> 0.842). A place whose province the gazetteer does not
    know is not outside it, nor is one on the province's border (:func:`_border_village`)."""
    named: dict[int, list[PlaceMention]] = {}
    towns: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        if m.place is not None and m.place.kind == "admin1" and m.role == "event":
            named.setdefault(m.sentence_index, []).append(m)
        elif m.place is not None and m.place.kind not in ADMIN_KINDS:
            towns.setdefault(m.sentence_index, []).append(m)
    for m in mentions:
        locating = [p for p in named.get(m.sentence_index, ()) if _locates(p, m, towns.get(m.sentence_index, ()))]
        provinces = {p.place.admin1 for p in locating}
        if provinces and m.place is not None and m.place.kind not in ADMIN_KINDS + ("country",) \
                and m.role == "event" and m.place.admin1 and m.place.admin1 not in provinces \
                and not _border_village(m, locating, gaz):
            m.unplace()


# A count and a preposition between a name and a province begin another item of a tally ("nine
# are in Sao Paulo, seven in Rio de Janeiro": the state locates the seven, not Sao Paulo)
_ANOTHER_TALLY = re.compile(r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|"
                            r"eleven|twelve|dozens|hundreds|thousands)\s+(?:\w+\s+){0,2}?(?:in|at)\s*$", re.I)


# "Ishaqi, north of Baghdad": a place the province is a bearing from lies outside it, if anywhere
_BEARING_FROM = re.compile(r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+(?:the\s+)?$", re.I)


def _locates(province: PlaceMention, m: PlaceMention, towns: Iterable[PlaceMention]) -> bool:
    """Whether a province named after ``m`` in its sentence says where ``m`` lies."""
    if not 0 <= province.start_char - m.end_char <= PROVINCE_AFTER_CHARS or _written_with_another(province, m, towns):
        return False
    between = _between(m, province)
    return not _ANOTHER_TALLY.search(between) and not _BEARING_FROM.search(between)


def _between(a: PlaceMention, b: PlaceMention) -> str:
    """The words of the sentence between mention ``a`` and a later mention ``b`` ("" when the
    sentence does not hold them so)."""
    gap = b.start_char - a.end_char
    if gap < 0:
        return ""
    found = re.search(re.escape(a.text) + f"(.{{{gap}}})" + re.escape(b.text), a.sentence, re.S)
    return found.group(1) if found else ""


def _border_village(m: PlaceMention, provinces: list[PlaceMention], gaz: Gazetteer) -> bool:
    """Whether the place found for ``m`` may lie in the province named after it for all the
    gazetteer says, as coders' and gazetteers' provinces disagree near their borders ("Deir
    Fool village in northern Hama" is Dayr Ful, just inside Homs): it is spelt as written while
    no place of that name lies in the province, and lies within BORDER_KM of one of the
    province's largest towns (:meth:`Gazetteer.largest_towns`) or is a town of TOWN_PEOPLE or
    more (a list's "Atlanta, Georgia; Houston ... California"); or a town of the province lies
    within SAME_SPOT_KM of it ("Quneitrat village in southern Hama", a near spelling of a
    village on the line; ACLED dev recall 0.8405 -> 0.8415, precision 0.8237 -> 0.8239). An
    Iraqi village of a name the gazetteer lacks in Syria is no border village of Idleb, 830 km
    away: ACLED dev precision 0.8287 -> 0.8305, recall unchanged (BORDER_KM 20 to 300:
    precision 0.8327 to 0.8307, recall 0.8496 to 0.8508; with no exemption for towns, LGL in
    context 0.8929 -> 0.8902: lists of US cities)."""
    key = name_key(m.text)
    names = {(p.place.country, p.place.admin1) for p in provinces}
    if name_key(m.place.matched) == key and not any((c.country, c.admin1) in names and name_key(c.matched) == key
                                                    for c in m.candidates):
        return m.place.population >= TOWN_PEOPLE or any(
            haversine_km(m.place.lat, m.place.lon, t.lat, t.lon) <= BORDER_KM
            for country, admin1 in names for t in gaz.largest_towns(country, admin1))
    return bool(names & gaz.divisions_near(m.place.lat, m.place.lon, SAME_SPOT_KM))


def _written_with_another(province: PlaceMention, m: PlaceMention, towns: Iterable[PlaceMention]) -> bool:
    """Whether another town named between ``m`` and ``province`` is written with it ("Dublin
    ... Toronto, Ontario": Ontario locates Toronto, not Dublin)."""
    return any(o is not m and m.end_char <= o.start_char and 0 <= province.start_char - o.end_char <= 2
               for o in towns)


def _sure_event_place(m: PlaceMention) -> Candidate | None:
    """An event mention's first candidate when it is sure enough to vote for the article's
    country and province."""
    return m.candidates[0] if m.candidates and m.candidates[0].score >= SURE and m.role == "event" else None


def _provinces(mentions: list[PlaceMention]) -> Counter:
    """How many sure event mentions of the article lie in each province."""
    return Counter(top.admin1 for top in map(_sure_event_place, mentions) if top is not None and top.admin1)


OWN_FEATURES = (
    "name_score", "first", "reciprocal_rank", "exact_key", "population", "town", "admin1", "admin2", "country",
    "focus", "neighbour", "main_country", "sentence_country", "near_sentence", "far_from_sentence", "has_sentence",
    "article_province", "parent_match", "parent_mismatch", "admin_not_wanted", "province_wanted", "admin1_named",
    "only_candidate", "cued", "country_share", "near_article", "actor_country", "spelling", "key_jaro",
    "near_other_names", "namesakes", "admin2_named", "other_names_near", "article_actor_country",
    "others_focus", "own_name", "bearing_fit", "province_of_other_names",
)
# A candidate's evidence beside its rivals': for each of these, its value less the largest among
# the mention's other candidates (0 for an only candidate). Scored alone, a candidate cannot
# tell "the most populous of its namesakes" from "a populous one", nor "the one in the
# province the article names" from "one of several there". Cross-validated top-1 of the trees
# (eval/train_ranker.py, labels of the day before): 0.923 without, 0.938 with (ACLED 0.902 ->
# 0.926). Those that compare what the article's sure places say (near_article, near_sentence,
# sentence_country, article_province, country_share, actor_country) are left out: a sure place
# is the first match of a name, not the ranker's choice, and one wrong ("Sanaa" first matches a
# village in Iraq) made every other candidate of the sentence lose to its namesakes. Without
# them, top-1 0.947 against 0.942 on today's labels.
RELATIVE = (
    "population", "name_score", "spelling", "key_jaro", "other_names_near", "focus", "others_focus",
    "parent_match", "admin2_named", "admin1_named", "exact_key", "own_name",
)
FEATURES = OWN_FEATURES + tuple(f"{name}_vs_others" for name in RELATIVE)
_RELATIVE_AT = tuple(OWN_FEATURES.index(name) for name in RELATIVE)
OTHER_NAMES_TOP = 5  # near_other_names: how many of each other name's candidates count,
LIKELY_SCORE_GAP = 0.05  # and how much worse than its best match they may match it
OTHER_NAME_KM = 50  # other_names_near: another name's likely place this near counts


@lru_cache(maxsize=4096)
def _actors_of(sentence: str) -> frozenset[str]:
    """The lexicon's actors a sentence names."""
    from .actors import find_actors

    return frozenset(m.actor for m in find_actors(sentence))


def _article_actors(mentions: list[PlaceMention]) -> frozenset[str]:
    """The lexicon's actors the sentences of an article's mentions name."""
    return frozenset().union(*map(_actors_of, {m.sentence for m in mentions}))


def _actor_countries(sentence: str) -> tuple[frozenset[str], frozenset[str]]:
    """The countries of the actors a sentence names (:func:`_countries_of`)."""
    return _countries_of(_actors_of(sentence))


def _countries_of(actors: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The countries of ``actors``: those whose state forces they are ("Regime forces shelled
    ...": SY), and the home countries of all, state or not ("YPG fighters": SY; "Houthi
    rebels": YE; Islamic State or a coalition names none). Forces fight abroad too (Turkish,
    Russian, US): the ranker weighs what each is worth."""
    from .actors import home_countries, state_countries

    state, home = state_countries(), home_countries()
    return frozenset(state[a] for a in actors if a in state), frozenset(home[a] for a in actors if a in home)


FOREIGN_TIE = 0.5  # a namesake the ranker finds this likely beside its choice may take a mention


def _nearer_the_foreign_forces(mentions: list[PlaceMention], gaz: Gazetteer) -> None:
    """A state's forces fighting in a neighbouring country fight near their border (Turkish
    forces in Afrin, not in Deir ez-Zor): where the article names such forces (not one of
    :func:`geo.actors.home_only_actors`), a town in a country their state borders gives way
    to a namesake of its name in that country that the ranker finds at least FOREIGN_TIE as
    likely and that lies less than half as far from the state's nearest first-order division
    ("Turkish forces clashed with the YPG in Bulbul": Bulbul in Afrin, not the Bulbul 380 km
    away in Deir ez-Zor, which the ranker put a hair above it)."""
    from .actors import home_only_actors

    abroad = _countries_of(_article_actors(mentions) - home_only_actors())[0]
    if not abroad:
        return

    def km_from(c: Candidate, country: str) -> float:
        return min((haversine_km(c.lat, c.lon, d.lat, d.lon) for d in gaz.divisions_of(country)), default=math.inf)

    for m in mentions:
        if m.place is None or m.role != "event" or m.place.kind in (*ADMIN_KINDS, *BROAD_KINDS):
            continue
        bordering = abroad & neighbours_of({m.place.country}) - {m.place.country}
        if not bordering:
            continue
        key = name_key(m.place.matched)

        def km(c: Candidate) -> float:
            return min(km_from(c, country) for country in bordering)

        rivals = [(c, p) for c, p in m.rivals if c.country == m.place.country and name_key(c.matched) == key
                  and p >= FOREIGN_TIE * m.score and c.kind not in (*ADMIN_KINDS, *BROAD_KINDS)]
        if rivals:
            nearest = min(rivals, key=lambda r: km(r[0]))
            if km(nearest[0]) < km(m.place) / 2:
                m.rivals = sorted([(m.place, m.score), *(r for r in m.rivals if r is not nearest)], key=lambda r: -r[1])
                m.place, m.score = nearest


def _unplace_away_from_home(mentions: list[PlaceMention]) -> None:
    """In an article one of whose actors fights in its own country alone
    (:func:`geo.actors.home_only_actors`: the Syrian government's forces, Iraqi forces, the
    YPG ...), an event place in a country neither the article names nor any of its actors is
    at home in is a namesake of a place the gazetteer lacks ("Regime forces shelled the village
    of al-Janabraah": no Iraqi village's news, though Iraq is the theatre too). It goes to the
    likeliest candidate at home that the ranker accepts, else to the geocoder or the province
    fallback. A town of TOWN_PEOPLE or more of the very name stays ("an SDF commander killed
    near Baiji"). ACLED dev event precision 0.8305 -> 0.8344, recall 0.8508 -> 0.8516 (6,270
    -> 6,244 events)."""
    from .actors import home_only_actors

    actors = _article_actors(mentions)
    if not actors & home_only_actors():
        return
    home = set(_countries_of(actors)[1]) | {c for m in mentions if (c := _named_country(m))} \
        | {m.place.country for m in mentions if m.role == "demonym" and m.place is not None}  # "Iraqi troops"
    for m in mentions:
        if m.place is None or m.role != "event" or m.place.kind in BROAD_KINDS or m.place.country in home:
            continue
        if m.place.population >= TOWN_PEOPLE and name_key(m.place.matched) == name_key(m.text):
            continue
        same = next(((c, p) for c, p in m.rivals if c.country in home), None)
        if same is None:
            m.unplace()
        else:
            m.place, m.score = same


def _add_in_named_provinces(mentions: list[PlaceMention], gaz: Gazetteer, limit: int) -> None:
    """A name's places in the provinces the article names, though the name alone ranks them
    below its first ``limit`` candidates, join its candidates (at most IN_NAMED_PROVINCES of
    them, best first, from its first NAMED_PROVINCE_POOL): "Jdideh village in the countryside
    of Idleb" is Idleb's Judaydah, behind twenty places spelt Jadidah elsewhere. The ranker
    weighs them with the rest. Only for a name none of whose candidates lies in a named province:
    ACLED dev location recall 0.8473 -> 0.8481, precision 0.826 -> 0.8269 (with every name 0.8483 and
    0.8275, but LGL two toponyms fewer)."""
    named = _named_provinces(mentions)
    for m in mentions:
        if (not named or not m.candidates or m.candidates[0].kind in (*BROAD_KINDS, "admin1")
                or m.cue in PROVINCE_CUES or any((c.country, c.admin1) in named for c in m.candidates)):
            continue
        seen = {c.place_id for c in m.candidates}
        more = [c for c in gaz.candidates(m.text, limit=NAMED_PROVINCE_POOL)[limit:]
                if (c.country, c.admin1) in named and c.place_id not in seen and c.kind not in (*BROAD_KINDS, *ADMIN_KINDS)]
        m.candidates = m.candidates + more[:IN_NAMED_PROVINCES]


def _far_from(countries: frozenset[str]) -> frozenset[str]:
    """Those of ``countries`` beyond the theatre and its neighbours."""
    return countries - {*THEATRE, *NEIGHBOURS}


def _add_in_far_countries(mentions: list[PlaceMention], gaz: Gazetteer, countries: frozenset[str]) -> None:
    """A name's places in the countries the article is about or whose armed groups it names,
    where those lie beyond the theatre and its neighbours, join its candidates (at most
    IN_FAR_COUNTRY of each, best first): the gazetteer asked a name alone ranks the theatre
    first, so "Saada province" in a note on the Houthis had twenty Syrian Saydas and Sa'dahs
    and not Yemen's province. The ranker weighs them with the rest."""
    far = sorted(_far_from(countries))
    if not far:
        return
    for m in mentions:
        if not m.candidates or m.candidates[0].kind in BROAD_KINDS:
            continue
        seen = {c.place_id for c in m.candidates}
        held = {c.country for c in m.candidates}
        best = max(c.score for c in m.candidates)
        m.candidates = m.candidates + [c for country in far if country not in held
                                       for c in _candidates(gaz, m, IN_FAR_COUNTRY, country)
                                       if c.place_id not in seen and c.score >= best - FAR_SCORE_GAP]


def _named_provinces(mentions: list[PlaceMention]) -> set[tuple[str, str | None]]:
    """(country, admin1) of the provinces the article names: mentions whose first candidate is a
    province and sure of itself."""
    return {(m.candidates[0].country, m.candidates[0].admin1) for m in mentions
            if m.candidates and m.candidates[0].kind == "admin1" and m.candidates[0].score >= SURE}


def ranked_candidates(mentions: list[PlaceMention], gaz: Gazetteer, limit: int = CANDIDATES,
                      extra: dict[int, list[Candidate]] | None = None,
                      ) -> Iterator[tuple[PlaceMention, list[tuple[Candidate, list[float]]]]]:
    """Each mention with its candidates (``m.candidates`` is set) and their features
    (:data:`FEATURES`): what the article says for and against each (:class:`Ranker` weighs them).
    ``extra``: more candidates for some mentions, by ``id(mention)``, after their own; given,
    only those mentions are yielded (the others' candidates still make their context)."""
    for m in mentions:
        m.candidates = _candidates(gaz, m, limit)
    _add_in_named_provinces(mentions, gaz, limit)

    # The article's own geography, from the mentions that are sure of themselves.
    countries = _countries(mentions)
    provinces = _provinces(mentions)
    # Whose war the article reports: the home countries of the actors anywhere in it, and of its
    # armed groups (no state's forces: Turkish troops fight in Syria)
    actors = [_actor_countries(s) for s in {m.sentence for m in mentions}]
    home = frozenset().union(*(h for _, h in actors))
    insurgents = frozenset().union(*(h - state for state, h in actors))
    # an armed group at home beyond the theatre and its neighbours says where the article is,
    # whatever a name's first match says ("clashes with the Houthis in Hodeidah" is not Syria's Hudaydah)
    focus = article_focus(filter(None, map(_named_country, mentions)), countries, insurgents) | _far_from(insurgents)
    _add_in_far_countries(mentions, gaz, focus)
    for m in mentions:
        if extra and id(m) in extra:
            seen = {c.place_id for c in m.candidates}
            m.candidates = m.candidates + [c for c in extra[id(m)] if c.place_id not in seen]
        m.provinces = frozenset((c.country, c.admin1) for c in m.candidates if c.admin1)
    near = neighbours_of(focus) - focus
    # The article's sure towns, for how near a candidate lies to the rest of the article: not a
    # name with a namesake in a province the article names ("Alexandria ... in Virginia" is no
    # evidence that the article is about the Egyptian city, its first match).
    named_provinces = _named_provinces(mentions)
    towns = [(m, m.candidates[0]) for m in mentions if m.candidates and m.candidates[0].score >= SURE
             and m.candidates[0].kind not in (*BROAD_KINDS, *ADMIN_KINDS) and m.candidates[0].country in focus
             and not any((c.country, c.admin1) in named_provinces for c in m.candidates[1:])]

    by_sentence: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_index, []).append(m)
    # What each name says of the article, so that a name says nothing for itself however often
    # it recurs ("Alexandria" seven times is no evidence that the article is about Egypt).
    keys = [name_key(m.text) for m in mentions]
    key_of = {id(m): key for m, key in zip(mentions, keys)}
    votes_of: dict[str, Counter] = {}
    provinces_of: dict[str, Counter] = {}
    named_of: dict[str, set] = {}  # provinces the name could be ("a town in Rural Damascus", "western Idleb")
    districts_of: dict[str, set] = {}  # districts and counties the name could be ("Henry County")
    for m, key in zip(mentions, keys):
        if (vote := _vote(m)) is not None:
            votes_of.setdefault(key, Counter())[vote[0]] += vote[1]
        if (top := _sure_event_place(m)) is not None and top.admin1:
            provinces_of.setdefault(key, Counter())[top.admin1] += 1
        named_of.setdefault(key, set()).update(c.admin1 for c in m.candidates if c.kind == "admin1")
        districts_of.setdefault(key, set()).update(_district(c) for c in m.candidates if c.kind == "admin2")
    named_by = Counter(a for names in named_of.values() for a in names)
    named_by_others = _named_by_others(mentions, keys)

    # Each name's likely places (its first candidates that are towns or districts and match the
    # name about as well as its best: "Shakopee" is the Minnesota town, not also Skopje), and for
    # each name those of all the other names.
    likely, likely_provinces = {}, {}
    for m, key in zip(mentions, keys):
        best = max((c.score for c in m.candidates), default=0.0)
        towns_likely = [c for c in m.candidates[:OTHER_NAMES_TOP]
                        if c.kind not in (*BROAD_KINDS, "admin1") and c.score >= best - LIKELY_SCORE_GAP]
        likely.setdefault(key, set()).update((c.lat, c.lon) for c in towns_likely)
        likely_provinces.setdefault(key, set()).update(_province_of(c) for c in towns_likely if c.admin1)
    other_points = {key: set().union(*(pts for k, pts in likely.items() if k != key)) for key in likely}
    # how many names may lie in each province, and how many names may lie in any
    province_names = Counter(p for ps in likely_provinces.values() for p in ps)
    placed_names = sum(1 for ps in likely_provinces.values() if ps)
    other_districts = {key: set().union(*(d for k, d in districts_of.items() if k != key)) for key in districts_of}

    for m, key in zip(mentions, keys):
        if extra is not None and id(m) not in extra:
            continue  # asked again for some mentions' extra candidates: the others are weighed already
        siblings = [o for o in by_sentence[m.sentence_index] if key_of[id(o)] != key]
        others = countries - votes_of.get(key, Counter())  # the rest of the article's votes
        main_country = others.most_common(1)[0][0] if others else None
        votes = sum(others.values())
        # The countries the rest of the article is about: a name alone in its note is no evidence
        # that the note is about the country of its own first match.
        others_focus = article_focus(named_by_others[key], others, insurgents)
        other_provinces = provinces - provinces_of.get(key, Counter())
        # Only sure theatre places set the sentence's context: a title-cased "Car" matching a
        # town in Iran must not pull "Baghdad" there. Distances are to towns: a province's or a
        # country's point says nothing of how near a village is (``parents`` has the province).
        sure = [o.candidates[0] for o in siblings if o.candidates and o.candidates[0].score >= SURE
                and o.candidates[0].kind not in (*BROAD_KINDS, *ADMIN_KINDS) and o.candidates[0].country in focus]
        parents = {o.candidates[0].admin1 for o in siblings if _wants_province(o) and o.candidates}
        named = {a for a, n in named_by.items() if n > (a in named_of[key])}  # by another name
        districts = other_districts[key]
        # The city a neighbourhood or suburb belongs to: a sure town of this sentence or the one before.
        # Only a town found by its own spelling anchors: "Jobar" fuzzily matched to Yabrud, or
        # folded onto Jawbar in Homs, must not pull "the suburb of Douma" away, nor its neighbours.
        anchors = [o.candidates[0] for o in siblings + by_sentence.get(m.sentence_index - 1, [])
                   if key_of[id(o)] != key and o.candidates and o.candidates[0].score >= SURE and o.role == "event"
                   and o.candidates[0].kind == "populated place"
                   and plain(o.candidates[0].matched) == plain(o.text)]
        spelt = plain(m.text)
        namesakes = sum(name_key(c.matched) == key for c in m.candidates) / limit
        elsewhere = {(t.lat, t.lon) for o, t in towns if key_of[id(o)] != key}
        # 1 at a town the rest of the article names, 0 at NEARBY_KM, below 0 further: one call per mention
        near_article = _nearness(m.candidates, elsewhere, lambda d: 1 - d / NEARBY_KM, 0.0)
        # How near the nearest of the other names' likely places lies, sure or not: "Jordan" and
        # "Shakopee" in one story are the two Minnesota towns 15 km apart, not a country and a town.
        near_other_names = _nearness(m.candidates, other_points[key], lambda d: math.log1p(d) / 10, 1.0)
        # How many of the other names may lie near: the nearest of thirty names' places is near
        # anything, a share of them is not
        other_names_near = _names_near(m.candidates, [pts for k, pts in likely.items() if k != key and pts])
        bearing_fit = _bearing_fit(m, siblings)
        # The share of the other names that may lie in the candidate's province (or the province
        # it is): "Alexandria ... Virginia" is the state, whose Alexandria is one of that name's places
        own_provinces = likely_provinces[key]
        other_names = max(1, placed_names - bool(own_provinces))

        def province_share(c: Candidate) -> float:
            p = _province_of(c)
            return (province_names[p] - (p in own_provinces)) / other_names if c.admin1 else 0.0
        scored = []
        for rank, c in enumerate(m.candidates):
            if m.cue in CITY_PARTS and anchors and all(haversine_km(c.lat, c.lon, o.lat, o.lon) > CITY_PART_KM for o in anchors):
                continue  # "the Damascus neighbourhood of Maisat" is not a village 200 km away
            nearest = min((haversine_km(c.lat, c.lon, o.lat, o.lon) for o in sure), default=None)
            scored.append((c, [
                c.score, rank == 0, 1 / (1 + rank), name_key(c.matched) == key, math.log1p(c.population) / 15,
                c.kind == "populated place", c.kind == "admin1", c.kind == "admin2", c.kind == "country",
                c.country in focus, c.country in near,
                not sure and main_country is not None and c.country == main_country,
                sum(o.country == c.country for o in sure) / len(sure) if sure else 0.0,
                max(0.0, 1 - nearest / NEARBY_KM) if sure else 0.0,
                bool(sure) and nearest > FAR_KM, bool(sure),
                bool(c.admin1) and other_provinces[c.admin1] > 0,
                bool(parents) and c.admin1 in parents,
                bool(parents) and c.admin1 not in parents and c.kind != "admin1",
                c.kind in ADMIN_KINDS and not _wants_province(m),
                c.kind == "admin1" and _wants_province(m),
                bool(c.admin1) and c.admin1 in named and c.kind != "admin1",
                len(m.candidates) == 1, m.cue is not None,
                # how much of the rest of the article's sure geography lies in the candidate's country
                others[c.country] / votes if votes else 0.0,
                near_article[rank],
                c.country in _actor_countries(m.sentence)[0],
                fuzz.ratio(spelt, plain(c.matched)) / 100,  # as written, before folding to keys
                JaroWinkler.similarity(key, name_key(c.matched)),  # the folded keys, prefix-weighted
                near_other_names[rank],
                namesakes,  # how many places share the name: a village's name is shared, a city's seldom
                c.kind != "admin2" and bool(c.admin2) and _district(c) in districts,  # "Paris and Henry County"
                other_names_near[rank],
                c.country in home,
                c.country in others_focus,
                # found by its own name, not one another place carries too: "Berea" is a
                # Kentucky town's, and an old name of Aleppo
                _own_name(c),
                bearing_fit(c),
                province_share(c),
            ]))
        yield m, _beside_rivals(scored)


BEARING_MIN_KM = 2.0  # nearer the anchor than this, a candidate is the anchor's place, in no direction of it


def _bearing_fit(m: PlaceMention, siblings: list[PlaceMention]):
    """How well a candidate lies in the direction a compass word of the sentence gives from
    another place ("Dahiriyah in northern Hama": north of Hama's point; "Sakriyat, west of
    Baiji"): the cosine of the angle between that bearing and the candidate's from the
    place's first match, 1 straight that way, -1 opposite; 0 without such a place (the
    nearest in the sentence counts)."""
    anchors = [o for o in siblings if o.bearing is not None and o.candidates]
    if not anchors:
        return lambda c: 0.0
    anchor = min(anchors, key=lambda o: abs(o.start_char - m.start_char))
    at = anchor.candidates[0]
    if at.kind != "admin1":  # "northern Hama" is the province's north, when the name is a province's too
        at = next((c for c in anchor.candidates[:3] if c.kind == "admin1" and c.score >= at.score - 0.05), at)

    def fit(c: Candidate) -> float:
        return 0.0 if haversine_km(at.lat, at.lon, c.lat, c.lon) < BEARING_MIN_KM else _along(at, c, anchor.bearing)
    return fit


def _beside_rivals(scored: list[tuple[Candidate, list]]) -> list[tuple[Candidate, list]]:
    """Each candidate's features (:data:`OWN_FEATURES`) followed by, for each of
    :data:`RELATIVE`, its value less the largest of the other candidates' (0 for an only one)."""
    for at in _RELATIVE_AT:
        values = [float(features[at]) for _, features in scored]
        if len(values) < 2:
            for _, features in scored:
                features.append(0.0)
            continue
        first, second = sorted(values, reverse=True)[:2]
        for (_, features), value in zip(scored, values):
            features.append(value - (first if value < first else second))  # less the largest among the others
    return scored


def _province_of(c: Candidate) -> tuple:
    """The province a candidate lies in (or is), comparable across sources' spellings."""
    return c.country, name_key(c.admin1 or "")


def _district(c: Candidate) -> tuple:
    """The county or district a candidate lies in (or is), comparable across sources' spellings."""
    return c.country, name_key(c.admin1 or ""), name_key(c.admin2 or "")


def _nearness(candidates: list[Candidate], points: set[tuple[float, float]], scale, none: float) -> list[float]:
    """Per candidate, ``scale`` of the distance in km to the nearest of ``points`` (``none``
    without points): one distance matrix per mention."""
    if not points or not candidates:
        return [none] * len(candidates)
    lats, lons = zip(*points)
    nearest_km = haversine_matrix_km([c.lat for c in candidates], [c.lon for c in candidates], lats, lons).min(axis=1)
    return [scale(float(d)) for d in nearest_km]


def _names_near(candidates: list[Candidate], names: list[set[tuple[float, float]]]) -> list[float]:
    """Per candidate, the share of ``names`` (each a set of (lat, lon): one name's likely
    places) with a place within OTHER_NAME_KM of it; 0 without names."""
    if not names or not candidates:
        return [0.0] * len(candidates)
    import numpy as np  # here: the CLI reads this module's constants without it

    points = [p for pts in names for p in pts]
    starts = np.cumsum([0] + [len(pts) for pts in names[:-1]])
    lats, lons = zip(*points)
    km = haversine_matrix_km([c.lat for c in candidates], [c.lon for c in candidates], lats, lons)
    nearest = np.minimum.reduceat(km, starts, axis=1)  # candidates x names
    return [float(v) for v in (nearest <= OTHER_NAME_KM).mean(axis=1)]


def _named_by_others(mentions: list[PlaceMention], keys: list[str]) -> dict[str, Counter]:
    """Per name (its key), the countries the article's other names name outright
    (:func:`_named_country`): a name says nothing of the article for itself, however often it
    recurs."""
    by_key: dict[str, Counter] = {}
    for m, key in zip(mentions, keys):
        if (country := _named_country(m)) is not None:
            by_key.setdefault(key, Counter())[country] += 1
    everything = sum(by_key.values(), Counter())
    return {key: everything - by_key.get(key, Counter()) for key in keys}


def _vote(m: PlaceMention) -> tuple[str, int] | None:
    """The country a sure event mention votes for, and how strongly: a country named outright
    ("Iraq's Ramadi") says more than a town that might be in it."""
    top = _sure_event_place(m)
    return None if top is None else (top.country, COUNTRY_NAMED_WEIGHT if top.kind == "country" else 1)


def _countries(mentions: list[PlaceMention]) -> Counter:
    """The countries of the article's sure event places, each by its votes."""
    countries = Counter()
    for country, weight in filter(None, map(_vote, mentions)):
        countries[country] += weight
    return countries


def _named_country(m: PlaceMention) -> str | None:
    """The country a mention names outright: a country or a province found by its own name
    (the dateline's included); a demonym names none ("Russian jets" say who, not where)."""
    top = m.candidates[0] if m.candidates and m.role != "demonym" else None
    if top is not None and top.kind in ("country", "admin1") and top.score >= SURE and top.country \
            and name_key(top.matched) == name_key(m.text) \
            and (top.kind == "country" or plain(top.matched) == plain(m.text)):
        return top.country
    return None


def article_focus(named: Iterable[str], countries: Counter, insurgents: frozenset[str] = frozenset()) -> frozenset[str]:
    """The countries an article is about: those it names (``named``, :func:`_named_country`)
    and the one most of its sure event places lie in (``countries``, ties kept); when it has
    neither, the theatre and the home countries of the armed groups it names (``insurgents``:
    "Houthi rebels hit Sanaa" is about Yemen as well). "Officials in Tenn. said Paris ..." is
    about the United States, and its Paris is the one in Tennessee."""
    most = max(countries.values(), default=0)
    return frozenset(set(named) | {c for c, n in countries.items() if c and n == most}) or frozenset(THEATRE) | insurgents


class Ranker:
    """Gradient-boosted trees over :data:`FEATURES`, learned from coded events and gold
    toponyms by ``eval/train_ranker.py`` (scikit-learn's HistGradientBoostingClassifier,
    exported as arrays and walked here with numpy alone): the probability that a candidate is
    the place meant. Trees, not a weighted sum, because what a feature says depends on the
    others: a country's name is right in world news and wrong for a village the note locates.
    A mention whose best candidate falls below ``threshold`` stays unresolved (the geocoder,
    else the province fallback, takes it): better no village than a far one."""

    def __init__(self, path: Path = RANKER_FILE):
        with open(path, encoding="utf-8") as fh:
            model = json.load(fh)
        if tuple(model["features"]) != FEATURES:
            raise ValueError(f"{path}: trained on other features than this version computes; "
                             "run eval/train_ranker.py")
        import numpy  # here: the CLI reads this module's constants without it

        # All trees' nodes in one array each, a node's children as global indices; a leaf is
        # its own child, so every candidate walks ``depth`` steps and ends on its leaf.
        trees = model["trees"]
        sizes = [len(t["value"]) for t in trees]
        self.roots = numpy.cumsum([0] + sizes[:-1])
        offset = numpy.repeat(self.roots, sizes)
        self.feature = numpy.concatenate([t["feature"] for t in trees]).astype(numpy.intp)
        self.split = numpy.concatenate([t["threshold"] for t in trees]).astype(float)
        self.value = numpy.concatenate([t["value"] for t in trees]).astype(float)
        leaf = numpy.concatenate([t["leaf"] for t in trees]).astype(bool)
        here = numpy.arange(len(leaf))
        children = numpy.stack([numpy.concatenate([t["left"] for t in trees]) + offset,
                                numpy.concatenate([t["right"] for t in trees]) + offset], axis=1)
        children[leaf] = here[leaf, None]
        self.children = children.ravel()  # node n's left child at 2n, its right at 2n + 1
        self.depth = int(model["depth"])
        self.baseline = float(model["baseline"])
        self.threshold = float(model["threshold"])

    def probabilities(self, features: list[list[float]]) -> numpy.ndarray:
        """The probability of each candidate (a row of :data:`FEATURES` values) being right."""
        import numpy

        x = numpy.asarray(features, dtype=float).reshape(-1, len(FEATURES))
        # flat indices into x and the children: one gather a level instead of two-axis indexing
        first = (numpy.arange(len(x)) * len(FEATURES))[:, None]
        flat_x = x.ravel()
        node = numpy.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):  # every candidate down every tree at once, one level a step
            right = flat_x.take(first + self.feature.take(node)) > self.split.take(node)
            node = self.children.take(2 * node + right)
        z = self.baseline + self.value.take(node).sum(axis=1)
        return 1 / (1 + numpy.exp(-z))


@lru_cache(maxsize=1)
def default_ranker() -> Ranker:
    return Ranker()


def _geocode_unresolved(mentions: list[PlaceMention], gaz: Gazetteer, geocoder: FallbackGeocoder) -> None:
    """Unresolved event mentions from the geocoder, asked with what the resolved ones say."""
    from .geocode import ArticleContext

    wanted = [m for m in mentions if m.place is None and m.role == "event"]
    if not wanted:
        return
    context = ArticleContext.of(m.place for m in mentions if m.place is not None and m.role == "event")
    for m in wanted:
        found = geocoder.locate(m.text, context, doc_id=m.doc_id)
        if found is None:
            continue
        place = in_gazetteer_terms(gaz, found.place)
        m.place, m.score, m.place_source = place, place.score, found.source
        if place.kind == "admin1":
            m.precision = 3


_PROVINCE_WORDS = re.compile(r"\b(?:governorate|province|muhafazat|wilayat)\b|محافظة", re.I)


def in_gazetteer_terms(gaz: Gazetteer, place: Candidate) -> Candidate:
    """A geocoded place with its province ("Deir ez-Zor Governorate") named as the gazetteer
    names it ("Deir ez-Zor"), so events compare and merge by province with the gazetteer's."""
    if not place.admin1 or not place.country:
        return place
    bare = _PROVINCE_WORDS.sub(" ", place.admin1).strip(" -,")
    for c in gaz.candidates(bare or place.admin1, country=place.country, limit=10):
        if c.kind == "admin1" and c.score >= MIN_SCORE:
            return replace(place, admin1=c.admin1)
    return place


def _names_country(m: PlaceMention) -> bool:
    """Whether the mention is a country's or a region's name as written ("Russia"; not
    "Howland", which folds like Holland, a name of the Netherlands)."""
    return bool(m.candidates) and m.candidates[0].kind in BROAD_KINDS and plain(m.candidates[0].matched) == plain(m.text)


def _fall_back_to_province(mentions: list[PlaceMention], gaz: Gazetteer, provinces: Counter) -> None:
    """An unresolved event mention takes the town its sentence names with it ("the Damascus
    neighbourhood of Maisat": Damascus, geo_precision 2), else its sentence's province, else the
    article's main province (geo_precision 3)."""
    main_province = None
    resolved = [m for m in mentions if m.place is not None]
    ranked = provinces.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        name = ranked[0][0]  # only a clear main province; a guess would put the event far away
        sample = next((m.place for m in resolved if m.place.admin1 == name), None)
        main_province = province_of(gaz, sample) if sample else None
    for m in mentions:
        if m.place is not None or m.role != "event" or _names_country(m):
            continue  # a country or region named is no village of the province ("Iran and Russia, Assad's backers")
        same_sentence = [o for o in resolved if o.sentence_index == m.sentence_index and o.role == "event"
                         and o.place.kind not in BROAD_KINDS]
        towns = [o.place for o in same_sentence if o.place.kind not in ADMIN_KINDS]
        regions = [o.place for o in same_sentence if o.place.kind == "admin1"]
        if towns:
            m.place, m.precision = towns[0], 2
        elif regions or main_province is not None:
            m.place, m.precision = (regions[0] if regions else main_province), 3
        else:
            continue
        m.score, m.place_source, m.fallback = 0.5, "gazetteer", True
