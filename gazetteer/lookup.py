"""Candidate lookup: name -> ranked places from the embedded gazetteer.

>>> from conflictmap.gazetteer import Gazetteer
>>> best = Gazetteer().lookup("Deir al-Zor")
>>> best.name, round(best.lat, 1), round(best.lon, 1)
('Deir ez-Zor', 35.3, 40.1)

Candidates come from three nets, widest last: the transliteration key
(:func:`gazetteer.names.name_key`), its consonant skeleton, and a fuzzy search over all keys
sharing the first letter. They are ranked by string similarity (rapidfuzz) of the keys, with
weak priors from the kind of place and its population.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from rapidfuzz import fuzz, process

from .distance import KM_PER_DEGREE, haversine_km
from .indexes import BROAD_KINDS, BROAD_OR_DIVISION, KEY_SEPARATOR, REGIONS, prefixes
from .names import QUALIFIERS, bare, english_qualified, name_key, plain, skeleton, without_generic_prefix
from .store import connect
from .theatre import NEIGHBOURS, THEATRE

# How much of the score is the spelling and how much the kind/population prior.
SIMILARITY_WEIGHT = 0.8
KIND_PRIOR = {
    "populated place": 1.0,
    "airport/base": 0.9,
    "neighbourhood": 0.8,
    "admin1": 0.9,  # below a town of the same notability (Idlib the city), above a lesser one (California, MD)
    "admin2": 0.6,
}
# Countries, continents and regions (BROAD_KINDS): known by every reader under their names, so
# only a name of theirs matches them, never a near spelling ("Iowa" is not Iraq, "Tennessee" not Tunisia).
OTHER_KIND_PRIOR = 0.5
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) below which a fuzzy key is not a candidate
SHORT_KEY = 5  # keys this short allow no substitution in the fuzzy net
SHORT_FUZZY_CUTOFF = 85
SKELETON_LIMIT = 400  # a short skeleton ("bj") can match many keys; rank only this many
EXACT_SPELLING_BONUS = 0.02  # the literal spelling beats another name folded to the same key
ALIAS_BONUS = 0.1  # a curated alias is the project's answer for that spelling
OWN_NAME_BONUS = 0.1  # a place's own name beats another place's alternate name ("Indiana")
FUZZY_OWN_NAME_BONUS = 0.01  # likewise among near spellings, where it only breaks near ties
# Arabic writes no short vowels, so spellings with the same consonants are near-certainly one
# name; only for skeletons long enough not to collide by chance.
SKELETON_MIN = 3
SKELETON_FLOOR = 0.8
SKELETON_MIN_RATIO = 60
SKELETON_CAP = 0.9

LARGEST_TOWNS = 30  # Gazetteer.largest_towns: a province's seats, by population
# Gazetteer.spelt_nearest_in: how near a division's place must be spelt to a name (rapidfuzz
# ratio of the keys), and how much nearer than any other spot of the division
DIVISION_FUZZY_CUTOFF = 70
DIVISION_MARGIN = 10
DIVISION_SPOT_KM = 5.0
DIVISION_KEYS = 20  # the division's keys spelt nearest that are compared
_COLUMNS = "p.id, p.place_id, p.name, p.lat, p.lon, p.kind, p.country, p.admin1, p.admin2, p.population, p.source, p.importance"
# a place with the name matched: rows for Gazetteer._candidate, then the name's alias flag and key
_NAMES_SELECT = f"SELECT {_COLUMNS}, n.name, n.alias, n.key FROM names n JOIN places p ON p.id = n.place"


@dataclass(frozen=True)
class Candidate:
    """One place a name may refer to, with how well it matched (score 0..1)."""

    place_id: str
    name: str
    lat: float
    lon: float
    kind: str
    country: str | None
    admin1: str | None
    admin2: str | None
    population: int
    source: str
    matched: str  # the gazetteer spelling the query matched
    score: float
    precision: int = 1  # 2 when the spelling is an area's, known by this town ("Eastern Ghouta": Douma)

    def as_dict(self) -> dict:
        return asdict(self)


class NameEntry(NamedTuple):
    """What :meth:`Gazetteer.name_entry` knows of one name key."""

    importance: float  # of its most notable place (0..1, gazetteer.build.importance)
    in_theatre: bool  # whether any place of that name lies in the theatre (gazetteer.theatre)


# A name asked alone, with no article around it: the theatre first (geo.resolve weighs the
# article's own countries instead).
THEATRE_PRIOR = {**dict.fromkeys(NEIGHBOURS, 0.75), **dict.fromkeys(THEATRE, 1.0)}
WORLD_PRIOR = 0.5


def prior(kind: str, importance: float, country: str | None) -> float:
    """Weak preference (0..1) for towns over districts, for notable places, for the theatre."""
    if kind in BROAD_KINDS:  # "Russia" is the country wherever the reader is, not Ar Rusiyah
        return 1.0
    return (KIND_PRIOR.get(kind, OTHER_KIND_PRIOR) * (0.4 + 0.6 * importance)
            * THEATRE_PRIOR.get(country or "", WORLD_PRIOR))


def _best(*lists: Iterable[Candidate]) -> list[Candidate]:
    """The candidates of several queries, each place once with its best score, best first."""
    merged: dict[str, Candidate] = {}
    for candidates in lists:
        for c in candidates:
            if c.place_id not in merged or c.score > merged[c.place_id].score:
                merged[c.place_id] = c
    return sorted(merged.values(), key=lambda c: -c.score)


# The word after a division's name that says what it is ("Sindh Province", "Akita Prefecture"),
# and those of them that say a second-order division ("Boone County")
KIND_WORDS = frozenset({"province", "prefecture", "governorate", "state", "oblast", "region", "county",
                        "district", "department", "emirate", "canton", "wilaya", "territory"})
SECOND_ORDER_WORDS = frozenset({"county", "district", "department"})
# The words after a place's name that say what it is ("Baghdad city", "Hit town", "Tabqa
# airbase"), and the kind of place they call for first (none: any town or village)
SETTLEMENT_WORDS = {"city": None, "town": None, "village": None, "hamlet": None,
                    "air base": "airport/base", "airbase": "airport/base", "airport": "airport/base",
                    "military airport": "airport/base", "military airbase": "airport/base",
                    "base": "airport/base", "military base": "airport/base", "army base": "airport/base",
                    # works named for the town beside them, which the gazetteer holds and they not
                    "dam": None, "refinery": None, "oil refinery": None,
                    "neighbourhood": "neighbourhood", "neighborhood": "neighbourhood"}
SURE_WHOLE = 0.95  # the whole name's match of the kind called for, at least this close, stands first
_KIND = "|".join(sorted(map(re.escape, SETTLEMENT_WORDS), key=len, reverse=True))
# "Hit town", "Tabqa airbase"; "the town of Hajin", "city of Mosul"
# (the stem as short as can be: "Tabqa military airport" is Tabqa's, not "Tabqa military"'s airport)
_SETTLEMENT_AFTER = re.compile(rf"^(?P<stem>.*?\S)\s+(?P<kind>{_KIND})\s*$", re.I | re.S)
_SETTLEMENT_BEFORE = re.compile(rf"^\s*(?:the\s+)?(?P<kind>{_KIND})\s+of\s+(?:the\s+)?(?P<stem>\S.*)$", re.I | re.S)
_ARTICLE = re.compile(r"^\s*the\s+(?P<rest>\S.*)$", re.I | re.S)
# Words before a name that say which part of a place, or which of two villages, is meant: where
# the gazetteer knows no such part, the place itself is a candidate
PART_WORDS = frozenset({"western", "eastern", "northern", "southern", "upper", "lower"})
DIVISION_LIMIT = 20  # of the name's candidates, its divisions are looked for among this many
SURE_QUALIFIED_RATIO = 90  # a qualified place this near the name is the one meant (:func:`_of_name`)
ALTERNATIVES = re.compile(r"\s+[-\u2013]\s+|\s*/\s*|\s*[()]\s*")  # "A - B", "A/B", "A (B)"


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Each place once, at its first appearance."""
    seen: set[str] = set()
    return [c for c in candidates if not (c.place_id in seen or seen.add(c.place_id))]


def _consonants(key: str) -> str:
    """A name key without its vowels: "mulaha" and "maliha" are both "mlh"."""
    return re.sub("[aeiouy]", "", key)


def _qualifier(c: Candidate) -> tuple[str, str] | None:
    """The English part word (:data:`PART_WORDS`) a gazetteer place carries, before its name or
    as the Arabic adjective after it (:func:`english_qualified`), and the key of the rest of the
    name (by the name it was found by, else its own): "Mulayhah ash Sharqiyah" is ("eastern",
    "mulaha"); None for none."""
    for text in (c.matched, c.name):
        for english in (text, *english_qualified(text)):
            word, _, rest = english.partition(" ")
            if rest and word.casefold() in PART_WORDS:
                return word.casefold(), name_key(rest)
    return None


def _carries(c: Candidate, word: str, rest_key: str, sure: bool = False) -> bool:
    """Whether ``c`` is the place of name ``rest_key`` with part word ``word`` (:func:`_of_name`)."""
    q = _qualifier(c)
    return q is not None and q[0] == word and _of_name(q[1], rest_key, sure)


def _of_name(key: str, rest_key: str, sure: bool = False) -> bool:
    """Whether a qualified place's name (``key``, its qualifier left out) is ``rest_key`` spelt
    otherwise: by the same consonants ("Maliha" and Mulayhah, m-l-h; "Tiba" and Tayyibah), or
    nearly so; ``sure``, very nearly ("Shyookh" and Shuyukh; not "Sarja" and Saray, whose name
    without its qualifier is asked too)."""
    return fuzz.ratio(key, rest_key) >= (SURE_QUALIFIED_RATIO if sure else FUZZY_CUTOFF) or _consonants(key) == _consonants(rest_key)


class Gazetteer:
    """Read-only access to the gazetteer database.

    One instance is cheap to keep and safe to share between threads for reading.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self._con = connect(path)
        self._lock = threading.Lock()
        self._cached = lru_cache(maxsize=100_000)(self._candidates)
        self._name_entry = lru_cache(maxsize=200_000)(self._read_name_entry)
        self._fuzzy_block = lru_cache(maxsize=20_000)(self._read_fuzzy_block)
        self._demonyms: frozenset[str] | None = None
        self._largest_towns = lru_cache(maxsize=10_000)(self._read_largest_towns)
        self._divisions_of = lru_cache(maxsize=512)(self._read_divisions_of)
        self._division_keys = lru_cache(maxsize=256)(self._read_division_keys)
        self._spelt_nearest_in = lru_cache(maxsize=20_000)(self._read_spelt_nearest_in)

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._con.execute("SELECT k, v FROM meta"))

    def get(self, place_id: str) -> Candidate | None:
        """The place with this id (GeoNames id or 'wof:<id>'), score 1."""
        with self._lock:
            row = self._con.execute(f"SELECT {_COLUMNS}, p.name FROM places p WHERE p.place_id = ?", (str(place_id),)).fetchone()
        return self._candidate(row, 1.0) if row else None

    def candidates(self, name: str, country: str | None = None, limit: int = 5) -> list[Candidate]:
        """Places this name may denote, best first; [] when nothing is close enough.

        ``country`` (ISO alpha-2) keeps only places in that country.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be str, not {type(name).__name__}")
        if not name_key(name):
            return []
        country, limit = (country or "").upper() or None, max(1, int(limit))
        return (self._after_article(name, country, limit) or self._settlement(name, country, limit)
                or self._named(name, country, limit))

    def _after_article(self, name: str, country: str | None, limit: int) -> list[Candidate]:
        """The candidates of a name written after "the" ("the Levant", "the Philippines", "the
        United States": a Syrian village, nothing and a Syrian village before), where no place
        is spelt so whole ("The Hague", "The Bronx"): those of the rest; [] otherwise."""
        words = _ARTICLE.match(name)
        if words is None or not name_key(words["rest"]):
            return []
        if any(plain(c.matched) == plain(name) for c in self._named(name, country, limit)):
            return []
        return self.candidates(words["rest"], country, limit)

    def _named(self, name: str, country: str | None, limit: int) -> list[Candidate]:
        """:meth:`candidates` of the name as a whole."""
        key = name_key(name)

        def ask(spelling: str, limit: int = limit) -> tuple[Candidate, ...]:
            return self._cached(name_key(spelling), plain(spelling), country, limit)

        found = list(ask(name))  # "Western Ghariyeh" too: the index holds names as English copy writes them
        words = name.split()
        part_word = words[0].casefold() if len(words) > 1 and words[0].casefold() in PART_WORDS else None
        if part_word:
            # "Eastern Atshana" is not `Atshanah Gharbiyah, though spelt nearly so, nor "Eastern
            # Maliha" Nahiyat Ali ash Sharqi, which shares only the qualifier
            rest_key = name_key(" ".join(words[1:]))
            found = [c for c in found if _qualifier(c) is None or _carries(c, part_word, rest_key)]
        if any(name_key(c.matched) == key for c in found):
            return found  # spelt whole
        # "Damascus - Barzeh", "Hosh/Zariqiyah", "Tal Abyad (Gire Spi)": a name given with its
        # alternative or its parent is rarely spelt whole; each part is asked too, the best first.
        parts = [part for part in ALTERNATIVES.split(name) if name_key(part)]
        if len(words) > 2:
            # "Kafr Naseh Elatareb", "Mreimin Afrin": the name, then its district's
            parts += [" ".join(words[:-1])]
        if not found:
            # "Al Ghūţah ash Sharqīyah" as English copy writes it, Eastern Ghouta, where nothing
            # is spelt nearly as asked
            parts += english_qualified(name)
        if part_word:
            found = self._qualified(part_word, " ".join(words[1:]), found, ask, parts)
            parts = [part for part in parts if part != name]  # asked again, it would bring back what was let go
        if len(words) == 1 and len(words[0]) > 6 and words[0][:2].casefold() in ("al", "el"):
            parts.append(words[0][2:])  # "Alzaafaranah": the article joined to the name
        divisions: list[Candidate] = []
        if len(words) > 1 and words[-1].casefold() in KIND_WORDS:
            # "Hebei province", "Akita Prefecture": a division the index holds by its name alone
            # (else "Hebei province" was a near spelling of Khabarovsk, "Idlib province" Iran's Ilam)
            stem = " ".join(words[:-1])
            stem_key = name_key(stem)
            of_name = [c for c in ask(stem, max(limit, DIVISION_LIMIT))
                       if c.kind in ("admin1", "admin2") and name_key(c.matched) == stem_key]
            # "Idleb province" is the governorate, not its district of the name
            fits = "admin2" if words[-1].casefold() in SECOND_ORDER_WORDS else "admin1"
            divisions = [replace(c, matched=f"{c.matched} {words[-1]}")
                         for c in ([c for c in of_name if c.kind == fits] or of_name)]
        if (not parts or parts == [name]) and not divisions:
            return found[:limit]
        return _best(found, divisions, *map(ask, parts))[:limit]

    def _settlement(self, name: str, country: str | None, limit: int) -> list[Candidate]:
        """The candidates of a name that ends with the words for its kind ("Baghdad city", "Hit
        town", as UCDP's coders write places; "Tabqa airbase") or opens with them ("the town of
        Hajin"), where no place is spelt so whole ("Jersey City", "Sadr City", "Mosul Airport"
        are): those of the rest of the name that are no country or province, those of the kind
        the words call for first (an air base the gazetteer lacks is the town of its name),
        else all of them; [] when that finds nothing. The whole name's near spellings do not
        stand beside them: its key folds "Taji town" onto China's Taijitun. (A division's kind,
        "Idleb province", is read by :meth:`_named`, which asks for the division's exact name.)"""
        words = _SETTLEMENT_AFTER.match(name) or _SETTLEMENT_BEFORE.match(name)
        if words is None or not name_key(words["stem"]):
            return []
        whole = self._named(name, country, limit)
        if any(plain(c.matched) == plain(name) for c in whole):
            return []
        wanted = SETTLEMENT_WORDS[" ".join(words["kind"].casefold().split())]
        # a place of that kind the whole name matches closely ("Al Taqaddum air base": Al
        # Taqaddum Airport) comes first
        sure = [c for c in whole if wanted is not None and c.kind == wanted and c.score >= SURE_WHOLE]
        of_stem = self.candidates(words["stem"], country, max(limit, DIVISION_LIMIT))
        towns = [c for c in of_stem if c.kind not in BROAD_OR_DIVISION] or of_stem
        towns.sort(key=lambda c: c.kind != wanted)  # stable: by score within each
        before, after = name[:words.start("stem")], name[words.end("stem"):]  # "the town of ", " town"
        return _unique(sure + [replace(c, matched=(before + c.matched + after).strip()) for c in towns])[:limit]

    @staticmethod
    def _qualified(word: str, rest: str, found: list[Candidate], ask, parts: list[str]) -> list[Candidate]:
        """The candidates of "<word> <rest>" ("Eastern Maliha", "Lower Shyookh"), ``word`` one of
        :data:`PART_WORDS`, given those ``found`` for the whole name (no place of another
        qualifier or another name among them): the places the gazetteer writes as ``rest`` with
        that qualifier after it, in Arabic (Mulayhah ash Sharqiyah, Shuyukh Tahtani), join them.
        Where the gazetteer knows no place sure to be it ("Eastern Farhaniyeh"), ``rest`` itself
        joins ``parts``: Al Farhaniyah."""
        rest_key = name_key(rest)
        asked = [c for form in QUALIFIERS[word] for c in ask(f"{rest} {form}") if _carries(c, word, rest_key)]
        found = _best(found, asked)
        if not any(_carries(c, word, rest_key, sure=True) for c in found):
            parts.append(rest)
        return found

    def qualified(self, name: str) -> list[Candidate]:
        """The places of a name opened by a part word ("Eastern Maliha") that carry it on the
        rest of the name (Mulayhah ash Sharqiyah); [] for another name ("Eastern Bypass")."""
        words = name.split()
        if len(words) < 2 or words[0].casefold() not in PART_WORDS:
            return []
        word, rest_key = words[0].casefold(), name_key(" ".join(words[1:]))
        return [c for c in self.candidates(name, limit=DIVISION_LIMIT) if _carries(c, word, rest_key)]

    def lookup(self, name: str, country: str | None = None) -> Candidate | None:
        """The best candidate, or None."""
        found = self.candidates(name, country, 1)
        return found[0] if found else None

    def name_entry(self, key: str) -> NameEntry | None:
        """What the gazetteer knows of a name key (:func:`gazetteer.names.name_key`): how
        notable its most notable place is and whether one lies in the theatre; None for a key
        no place has. What a text scanner asks of each capitalised word, without a lookup.

        >>> entry = Gazetteer().name_entry(name_key("Hajin"))
        >>> entry.in_theatre, entry.importance > 0
        (True, True)
        >>> Gazetteer().name_entry(name_key("Qwertyville")) is None
        True
        """
        return self._name_entry(key)

    def demonyms(self) -> frozenset[str]:
        """The demonyms the gazetteer knows, case-folded ("syrian", "haitian"): a country's
        people, which name its country in a lookup but are no place in a text."""
        if self._demonyms is None:
            self._demonyms = frozenset(name.casefold() for (name,) in self._rows_for("SELECT name FROM demonyms", ()))
        return self._demonyms

    def largest_town(self, country: str | None, admin1: str | None) -> Candidate | None:
        """The most populous town of a province (None when no town there has a known
        population): where an event known only by its province stands, as ACLED's codebook puts
        such events at the provincial capital, which the largest town usually is."""
        return next(iter(self.largest_towns(country, admin1)), None)

    def largest_towns(self, country: str | None, admin1: str | None) -> tuple[Candidate, ...]:
        """The province's towns of known population, most populous first (at most
        ``LARGEST_TOWNS``): the seats a part of the province may stand at ("northern Aleppo")."""
        return self._largest_towns(country, admin1) if country and admin1 else ()

    def divisions_of(self, country: str | None) -> tuple[Candidate, ...]:
        """The country's first-order divisions: the parts a compass word names ("northern Iraq")."""
        return self._divisions_of(country) if country else ()

    def divisions_near(self, lat: float, lon: float, km: float) -> set[tuple[str, str]]:
        """(country, first-order division) of every town within ``km`` of the point: the
        provinces a place near a border may be given to by one source or another."""
        dlat = km / KM_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        rows = self._rows_for("SELECT lat, lon, country, admin1 FROM places "
                              "WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND kind = 'populated place' "
                              "AND admin1 IS NOT NULL", (lat - dlat, lat + dlat, lon - dlon, lon + dlon))
        return {(country, admin1) for a, b, country, admin1 in rows if haversine_km(lat, lon, a, b) <= km}

    def spelt_nearest_in(self, name: str, country: str, admin1: str) -> Candidate | None:
        """The one place of a first-order division spelt clearly nearer ``name`` than any other
        there, or None: a looser net than :meth:`candidates`, for a name the text puts in that
        division ("Jubb al Qasab village in southern Idleb": Jubb al Ghasab, though places
        elsewhere are spelt nearer), cast only where no other spot of the division is spelt
        about as near (DIVISION_MARGIN).

        Spellings are compared by their keys (rapidfuzz ratio, at least DIVISION_FUZZY_CUTOFF);
        records of one place in two sources (within DIVISION_SPOT_KM) count as one spot."""
        return self._spelt_nearest_in(name_key(name), country, admin1)

    def _read_spelt_nearest_in(self, key: str, country: str, admin1: str) -> Candidate | None:
        if not key or not country or not admin1:
            return None
        near = process.extract(key, self._division_keys(country, admin1), scorer=fuzz.ratio,
                               score_cutoff=DIVISION_FUZZY_CUTOFF - DIVISION_MARGIN, limit=DIVISION_KEYS)
        if not near or near[0][1] < DIVISION_FUZZY_CUTOFF:
            return None
        similarity = {k: s for k, s, _i in near}
        rows = self._rows_for(f"{_NAMES_SELECT} WHERE n.key IN ({','.join('?' * len(near))}) "
                              "AND p.country = ? AND p.admin1 = ? "
                              f"AND p.kind NOT IN ({','.join('?' * len(BROAD_OR_DIVISION))})",
                              (*similarity, country, admin1, *BROAD_OR_DIVISION))
        if not rows:
            return None
        rows.sort(key=lambda r: (-similarity[r[14]], -r[11], r[1]))
        best = rows[0]
        rival = next((similarity[r[14]] for r in rows if haversine_km(r[3], r[4], best[3], best[4]) > DIVISION_SPOT_KM), 0)
        if similarity[best[14]] - rival < DIVISION_MARGIN:
            return None
        return self._candidate(best, SIMILARITY_WEIGHT * similarity[best[14]] / 100
                               + (1 - SIMILARITY_WEIGHT) * prior(best[5], best[11], best[6]))

    def _read_division_keys(self, country: str, admin1: str) -> tuple[str, ...]:
        rows = self._rows_for("SELECT keys FROM division_keys WHERE country = ? AND admin1 = ?", (country, admin1))
        return tuple(rows[0][0].split(KEY_SEPARATOR)) if rows else ()

    def _read_largest_towns(self, country: str, admin1: str) -> tuple[Candidate, ...]:
        rows = self._rows_for(f"SELECT {_COLUMNS}, p.name FROM places p WHERE p.kind = 'populated place' "
                              "AND p.country = ? AND p.admin1 = ? AND p.population > 0 "
                              "ORDER BY p.population DESC LIMIT ?", (country, admin1, LARGEST_TOWNS))
        return tuple(self._candidate(row, 1.0) for row in rows)

    def _read_divisions_of(self, country: str) -> tuple[Candidate, ...]:
        rows = self._rows_for(f"SELECT {_COLUMNS}, p.name FROM places p WHERE p.kind = 'admin1' AND p.country = ? "
                              "ORDER BY p.place_id", (country,))
        return tuple(self._candidate(row, 1.0) for row in rows)

    def _read_name_entry(self, key: str) -> NameEntry | None:
        row = self._rows_for("SELECT importance, theatre FROM name_keys WHERE key = ?", (key,))
        return NameEntry(row[0][0], bool(row[0][1])) if row else None

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _candidate(row: tuple, score: float) -> Candidate:
        # row: the place's columns and the spelling matched, then (from a name) its alias column
        return Candidate(
            place_id=row[1], name=row[2], lat=row[3], lon=row[4], kind=row[5], country=row[6],
            admin1=row[7], admin2=row[8], population=row[9] or 0, source=row[10], matched=row[12],
            score=round(min(score, 1.0), 4), precision=(row[13] if len(row) > 13 else 0) or 1,
        )

    def _rows_for(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def _fuzzy_keys(self, key: str) -> list[str]:
        # Blocks of keys by region, first letters and length (gazetteer.indexes): a ratio of
        # FUZZY_CUTOFF is impossible between strings whose lengths differ more than `spread`.
        # A typo in the first letters is left to the skeleton net.
        spread = (100 - FUZZY_CUTOFF) / 100
        lengths = range(int(len(key) * (1 - spread)), int(len(key) / (1 - spread)) + 2)
        for region in REGIONS:
            for prefix in prefixes(key):
                found = []
                for n in lengths:
                    found += process.extract(key, self._fuzzy_block(region, prefix, n), scorer=fuzz.ratio,
                                             score_cutoff=FUZZY_CUTOFF, limit=25)
                if found:
                    return [k for k, _score, _i in sorted(found, key=lambda f: -f[1])[:25]]
        return []

    def _read_fuzzy_block(self, region: str, prefix: str, length: int) -> tuple[str, ...]:
        # Blocks are stored under two letters; a one-letter prefix takes all of its letter's.
        rows = self._rows_for("SELECT keys FROM fuzzy_blocks WHERE region = ? AND prefix >= ? AND prefix < ? "
                              "AND length = ?", (region, prefix, prefix + "\U0010ffff" if len(prefix) == 1
                                                 else prefix + "\x00", length))
        return tuple(sorted({k for (keys,) in rows for k in keys.split(KEY_SEPARATOR)}))

    def _candidates(self, key: str, spelling: str, country: str | None, limit: int) -> tuple[Candidate, ...]:
        # row: 0 id, 1 place_id, 2 name, 3 lat, 4 lon, 5 kind, 6 country, 7 admin1, 8 admin2,
        #      9 population, 10 source, 11 importance, 12 matched name, 13 alias, 14 key
        rows = self._rows_for(f"{_NAMES_SELECT} WHERE n.key = ?", (key,))
        # "Russian", "Americans": the country a demonym names, as a curated name of it
        rows += self._rows_for(f"SELECT {_COLUMNS}, d.name, 1, d.key FROM demonyms d JOIN places p "
                               "ON p.id = d.place WHERE d.key IN (?, ?)",
                               (key, key[:-1] if key.endswith("s") else key))
        skel = skeleton(key)
        if len(skel) >= SKELETON_MIN:  # shorter skeletons collide by chance; the fuzzy net covers them
            rows += self._rows_for(f"{_NAMES_SELECT} WHERE n.skel = ? AND n.key != ? LIMIT {SKELETON_LIMIT}", (skel, key))
        if country:
            rows = [r for r in rows if r[6] == country]
        best_similarity = max((fuzz.ratio(key, r[14]) for r in rows), default=0)
        if best_similarity < 90:
            keys = [k for k in self._fuzzy_keys(key) if k != key]
            if keys:
                marks = ",".join("?" * len(keys))
                extra = self._rows_for(f"{_NAMES_SELECT} WHERE n.key IN ({marks})", tuple(keys))
                rows += [r for r in extra if not country or r[6] == country]

        cutoff = SHORT_FUZZY_CUTOFF if len(key) <= SHORT_KEY else FUZZY_CUTOFF
        best: dict[int, tuple[float, tuple]] = {}
        plural = key[:-1] if key.endswith("s") else key  # "Americans": the demonym's key
        for row in rows:
            # a curated name (alias, demonym) is sure of its own spelling only: met by a near
            # spelling or the same consonants ("Murak" and "America"), it is spelt like any other
            curated = bool(row[13]) and row[14] in (key, plural)
            if row[5] in BROAD_KINDS and row[14] != key and not row[13]:
                continue
            similarity = 1.0 if curated else fuzz.ratio(key, row[14]) / 100.0
            if len(skel) >= SKELETON_MIN and similarity * 100 >= SKELETON_MIN_RATIO and skeleton(row[14]) == skel \
                    and row[5] not in BROAD_KINDS:
                # Raised, but kept below an exact key: "Neirab" is An Nayrab, not 'Ayn al 'Arab.
                similarity = max(similarity, min(SKELETON_CAP, SKELETON_FLOOR + (1 - SKELETON_FLOOR) * similarity))
            if similarity * 100 < cutoff:
                continue
            if row[14] == key:
                # "Hawijah" is spelt as "Al Hawijah" is, "Amiriyah" as "Nahiyat al Amiriyah"
                if bare(row[12]) == bare(spelling) or bare(without_generic_prefix(row[12]) or "") == bare(spelling):
                    similarity += EXACT_SPELLING_BONUS
                if key in (name_key(row[2]), name_key(without_generic_prefix(row[2]) or "")):  # the place's own name
                    similarity += OWN_NAME_BONUS
            elif row[12] == row[2]:
                # a near spelling of the place's own name, before one another place carries too
                # ("Dahiet Elasad": Dahiyat al Asad, not Qura al Asad, which has that name as well)
                similarity += FUZZY_OWN_NAME_BONUS
            score = SIMILARITY_WEIGHT * similarity + (1 - SIMILARITY_WEIGHT) * prior(row[5], row[11], row[6])
            if curated:
                score += ALIAS_BONUS
            if row[0] not in best or score > best[row[0]][0]:
                best[row[0]] = (score, row)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1][1]))[:limit]
        return tuple(self._candidate(row, score) for score, row in ranked)


_default: Gazetteer | None = None
_default_lock = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer on the default database (opened on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Gazetteer()
        return _default


def lookup(name: str, country: str | None = None, limit: int = 1) -> list[Candidate]:
    """Module-level shortcut: ``default_gazetteer().candidates(name, country, limit)``."""
    return default_gazetteer().candidates(name, country, limit)
