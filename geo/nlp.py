"""The spaCy pipeline: sentences, place mentions and actor mentions on a blank English model.

No statistical model is needed: ``spacy.blank("en")`` plus the components registered here.
When a model is given (``build_pipeline(model="en_core_web_sm")``) and installed, its GPE,
LOC and FAC entities join the place candidates.

>>> nlp = build_pipeline()
>>> doc = nlp("Coalition jets struck near the town of Hajin in Deir ez-Zor province.")
>>> [(s.text, s._.cm_cue, s._.cm_precision, s._.cm_role) for s in doc.spans["places"]]
[('Hajin', 'town', 1, 'event'), ('Deir ez-Zor', 'province', 3, 'event')]

Every extension conflictmap sets is prefixed ``cm_`` (another library's ``Span._.role`` is not
ours to reuse) and registered once, at import; a name another library registered first with a
different definition is refused with :class:`ExtensionClash` rather than silently shared.

- ``doc.spans["places"]``: place mentions. ``Span._.cm_cue`` is the word that framed them (near,
  town, province, ...), ``Span._.cm_precision`` the geo_precision it implies (1 the place, 2 near
  or part of it, 3 a province), ``Span._.cm_role`` "event", "dateline", "metonymy", "demonym",
  "route" (a town naming a road by its ends) or "topic" (what a protest held elsewhere is about), and
  ``Span._.cm_place`` the :class:`geo.resolve.PlaceMention` resolution made of it (None before).
- ``doc.spans["actors"]``: actor mentions, with ``Span._.cm_actor`` (the canonical actor),
  ``Span._.cm_associated`` and ``Span._.cm_actor_kind``.
- ``Doc._.cm_dateline``: (start_char, end_char) of the article's dateline, where
  :func:`geo.ingest.find_dateline` (the one dateline detector) finds one, else None.
- ``Doc._.cm_text``: ``doc.text`` kept once read (:func:`text_of`).

Components are registered by name and configured as data: ``conflictmap_places`` takes the
gazetteer database (``{"db": path}``), ``conflictmap_actors`` the actor lexicon
(``{"lexicon": path}``); None means the packaged ones.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable

import numpy
import spacy
from rapidfuzz import fuzz
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lang.char_classes import ALPHA, HYPHENS
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.lookup import KIND_WORDS, Candidate
from conflictmap.gazetteer.names import ARTICLES, GENERIC_PREFIXES, QUALIFIERS as ARABIC_QUALIFIERS, bare, name_key, plain
from conflictmap.theatre import THEATRE

from .actors import ActorMention, demonym_named_actors, find_actors, follow_named_kin, home_countries
from .ingest import find_dateline
from .topic import protest_topic

MAX_NAME_TOKENS = 7
LINK_MAX_LETTERS = 4  # "au", "on", "upon", "sur", "de", "la": a word longer is no link inside a name
# Lower-case words that may start or sit inside a place name ("al-Dshaisha", "tel Shayer").
NAME_PARTICLES = ARTICLES | {"tel", "tal", "tall", "bin", "ibn", "abu", "umm", "bani", "wadi", "deir", "ain"}
# Those that are a place's own word (hill, valley, monastery, spring): a name's content, so that
# "Ain al-Arab" is a name of two words, not the word "Arab"
PLACE_PARTICLES = frozenset({"tel", "tal", "tall", "wadi", "deir", "ain"})
NAME_JOINERS = {"-", "'", "’", "`", "‘"}
# Words that open many Arabic place names ("the village of", "the house of", "the hill of"...)
GENERIC_FIRST_WORDS = GENERIC_PREFIXES | {
    "kafr", "kfar", "beit", "bayt", "jabal", "jebel", "tal", "tel", "tall", "tell", "abu", "abul", "deir", "dayr",
    "ain", "ayn", "ras", "sheikh", "shaykh", "khirbet", "khirbat", "umm", "um", "qasr", "hosh", "mazraat", "maarat",
    "wadi", "bir",
    # and English ones: "Mount Qandil" is no Montana ("Mont."), "Lake Assad" no village called Lake
    "mount", "mt", "lake"}
# Characters a reader does not see, which text copied from web pages and right-to-left editors
# carries inside names ("Ha\u00adjin"): soft hyphen, zero-width space, (non-)joiners, word
# joiner, bidi marks, embeddings and isolates, BOM. Matching ignores them and a no-break space
# counts as a space; spans and offsets still point at the text as written.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
NO_BREAK_SPACES = "\u00a0\u202f"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_NO_BREAK_SPACE = re.compile(f"[{NO_BREAK_SPACES}]")
# A place from the gazetteer this notable (0..1, see gazetteer.build.importance) is taken on
# its name alone; a lesser one needs a cue ("village of", "near", "province") around it.
NOTABLE = 0.35
WORLD_NOTABLE = 0.8
DEMONYM = "DEMONYM"  # the label of a demonym's span ("Syrian"), beside "PLACE"
# A name a cue frames as a place ("at Marib", "in Tulsa") anywhere in the world, from a town of
# about 1,800 people (importance is log10(population) / 6.5): set on the LGL and GeoVirus dev
# corpora (toponym F1 0.64 -> 0.72 and 0.86 -> 0.88 from 0.8; ACLED unchanged).
WORLD_FRAMED = 0.5
HELD_CANDIDATES = 10  # a held word's namesakes looked at for one in the article's provinces

# People the news names who also name places after them ("the Dahiet al-Assad suburb").
NEWS_PEOPLE = frozenset({"assad", "bashar", "rami", "abdel", "rahman", "mohammad", "muhammad", "ahmad", "ali", "hassan",
                         "hussein", "ibrahim", "omar", "abu", "bakr", "baghdadi"})
# Capitalised words of news prose that are also some village's name somewhere.
NOT_PLACES = STOP_WORDS | NEWS_PEOPLE | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "islamic", "state", "states", "army", "free", "observatory",
    "coalition", "force", "forces", "task", "joint", "combined", "human", "rights", "general",
    "commission", "revolution", "democratic", "kurdish", "kurds", "iraqi", "syrian", "american", "russian",
    "turkish", "arab", "arabs", "daesh", "isis", "isil", "reuters", "afp", "ap", "arabiya", "anadolu",
    "agency", "ministry", "justice", "source", "comments", "article", "copyright", "gov", "col",
    "lt", "maj", "gen", "president", "government", "regime", "national", "defense", "defence",
    "movement", "militia", "militias", "front", "sunni", "shia", "shiite", "christian", "yazidi",
    "euphrates", "tigris", "river", "valley", "desert", "border", "law", "conflict",
    "conventions", "united", "nations", "news", "press", "television", "times", "star", "daily",
    "statement", "spokesperson", "spokesman", "official", "officials", "police", "security",
    "operation", "operations", "center", "centre", "command", "control", "leader", "leaders",
    "town", "city", "village", "province", "airport", "base", "hospital", "school", "market",
    "mosque", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "central", "greater", "upper", "lower", "new", "old", "al", "el", "sign", "please", "also",
    "another", "after", "since", "according", "elsewhere", "meanwhile", "source", "link",
    "hezbollah", "hamas",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "dozen", "dozens",
}
PERSON_TITLES = {"gov", "president", "lt", "col", "maj", "gen", "mr", "mrs", "ms", "dr", "sheikh", "minister",
                 "commander", "spokesman", "spokesperson", "general", "colonel", "captain", "sgt"}

# Abbreviations a place goes by: "US", "U.S.", "UK", "EU", "D.C.", "W.Va." (the tokenizer may
# leave the last dot off, before a comma). An all-capital word of up to five letters is
# otherwise an organisation or a weapon (SANA, TOW, SDF), so an abbreviation is a place only
# when it is how the gazetteer spells a country, region, continent or first-order division.
_DOTTED = re.compile(r"[A-Z][A-Za-z]{0,4}(?:\.[A-Za-z]{1,5})*\.?")
_INITIAL = re.compile(r"[A-Z]\.")
ABBREVIATED_KINDS = frozenset({"country", "region", "continent", "admin1"})
# A capitalised given name with no cue is a person ("Kelly said"), unless it is spelt as a
# country, region or first-order division ("Jordan", "Georgia") or as a city this big ("Dallas").
GIVEN_NAME_CITY_POPULATION = 300_000
# Such a place's name before a capitalised word is a person's only when that word is a surname
# this common (rank in the US Census list): "Jordan Dyer", "Paris Hilton"; not "Georgia
# Bureau of Investigation", "Paris High School".
COMMON_SURNAME_RANK = 2000

# Words before a name that frame it as a place, and the geo_precision each implies.
CUES_BEFORE = {
    "village": 1, "villages": 1, "town": 1, "towns": 1, "city": 1, "cities": 1, "neighbourhood": 1,
    "neighborhood": 1, "suburb": 1, "district": 1, "area": 2, "region": 2, "countryside": 2,
    "outskirts": 2, "near": 2, "around": 2, "outside": 2, "vicinity": 2, "edge": 2, "between": 2,
    "province": 3, "governorate": 3, "in": 1, "at": 1, "on": 1, "from": 1, "into": 1, "to": 1, "of": 1,
    "north": 2, "south": 2, "east": 2, "west": 2, "northeast": 2, "northwest": 2, "southeast": 2, "southwest": 2,
}
# Not "neighbourhood" after a name: "the Damascus neighbourhood of Maisat" names the city first.
CUES_AFTER = {"province": 3, "governorate": 3, "state": 3, "oblast": 3, "prefecture": 3, "countryside": 2,
              "area": 2, "region": 2, "city": 1, "town": 1, "village": 1, "outskirts": 2,
              "airport": 1, "airbase": 1, "base": 1, "refinery": 2, "dam": 2, "field": 2, "hospital": 1,
              "camp": 1, "front": 2}
# Cues after a name only in lower case and ending the phrase: "in Borno state on Sunday", "Chin
# state,"; not "Ohio State" (a university), "Islamic State" (a group), nor the adjective of "two
# Republican state lawmakers", "the Minnesota State Chess Association state tournament" (LGL end
# to end, as any "state": precision 0.7992 -> 0.798)
NOUN_CUES_AFTER = frozenset({"state"})
SINGULAR = {"towns": "town", "cities": "city", "villages": "village", "counties": "county"}
CITY_PART_WORDS = frozenset({"suburb", "neighbourhood", "neighborhood"})
# A name located by the words after it: "Basufan in northern Aleppo", "X near central Hama".
LOCATED_AFTER = re.compile(r"(?:in|near)\s+(?:the\s+)?(?:(?:north|south)?(?:east|west)?(?:ern)|central)\s", re.I)
# An attack's verb before its object: done ("shelled Maraanaz") or to be done ("managed to
# recapture Zarzur", "an attempt to storm Kafr Nabudah"). Lower case: "Storm Ciara" is no cue.
ATTACK_VERBS = ("shelled", "shell", "bombed", "bomb", "bombarded", "bombard", "struck", "strike", "targeted", "target",
                "raided", "raid", "stormed", "storm", "captured", "capture", "recaptured", "recapture", "seized",
                "seize", "entered", "enter", "controlled", "control")
# A cue word only frames the name when the phrase around it says so ("the town of X", "near X").
LOCATIVE = re.compile(
    r"\b(?:(?P<type>village|town|city|cities|towns|villages|neighbou?rhood|suburb|district|area|region|"
    r"countryside|outskirts|province|governorate|vicinity|edge)s? of(?: the)?|"
    r"(?<=the )(?P<named>village|town)|"  # "captured the village Zarzur"
    r"(?P<rel>near|around|outside|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? of)(?: the)?|"
    r"(?P<prep>in|at|on|from|into|to|across|inside|towards?|including|between|"
    rf"(?-i:{'|'.join(ATTACK_VERBS)})|"
    r"control (?:of|over)|(?:bombardment|shelling|bombing|capture|recapture|siege|storming) of)|"  # "took control of X"
    r"(?P<dir>(?:north|south|east|west|northeast|northwest|southeast|southwest)ern|central|"
    r"(?-i:(?:north|south)(?:east|west)?|east|west)))\s+$",  # "in northeast Idleb"; not "East Timor"
    re.I,
)
# Type words strong enough to make a capitalised common word a place: "the cities of ..., Al-Asad".
NAMING_CUES = frozenset({"village", "town", "city", "neighbourhood", "neighborhood", "suburb", "district"})
# Prepositions frame a name only loosely: enough for a known village, not for an unknown word.
# An attack's verb frames its object as loosely ("shelled Maraanaz", "captured Zarzur").
ATTACK_CUES = frozenset({"including", *ATTACK_VERBS,  # the verbs "control", "capture" are nouns too ("took control of X")
                         # and as nouns: "the shelling of X"
                         "bombardment", "shelling", "bombing", "siege", "storming"})
COMPASS = ("north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest")
DIRECTIONS = frozenset({*COMPASS, *(d + "ern" for d in COMPASS), "central"})
# Words that tell two places of one name apart ("Eastern Maliha", "Lower Shyookh", "Old Aleppo":
# the English of the gazetteer's Arabic qualifiers, and the compass): part of the name they
# open, never a place alone.
QUALIFIERS = frozenset({*DIRECTIONS, *ARABIC_QUALIFIERS})
# The compass word beside a name, read as a bearing (degrees clockwise from north): "northern
# Hama", "north-eastern rural Hama", "the southern countryside of Idleb", "west of Baiji",
# "Idleb south eastern countryside", "Aleppo's northern countryside". Lower case only: "North
# Waziristan" and "West Bank" are names.
_COMPASS_WORD = r"(?P<ns>north|south)?(?(ns)(?:[- ]?(?P<ew1>east|west))?|(?P<ew2>east|west))(?:ern)?"
_BEARING_BEFORE = re.compile(
    rf"\b{_COMPASS_WORD}\s+(?:(?:rural|countryside|outskirts|parts?|side|suburbs|edge|areas?)\s+)?(?:of\s+)?"
    rf"(?:the\s+|rural\s+)?$")
_BEARING_AFTER = re.compile(rf"(?:['’]s?)?\s+{_COMPASS_WORD}\s+(?:countryside|rural|outskirts|suburbs|parts?|areas?)\b")
_BEARINGS = {"north": 0.0, "east": 90.0, "south": 180.0, "west": 270.0}


def compass_bearing(text: str, start_char: int, end_char: int) -> float | None:
    """The bearing a compass word beside the name at ``start_char:end_char`` of ``text`` gives
    (see :data:`_BEARING_BEFORE`), or None: from the place named towards the part meant."""
    found = _BEARING_BEFORE.search(text, max(0, start_char - 60), start_char) \
        or _BEARING_AFTER.match(text, end_char, end_char + 40)
    if found is None:
        return None
    ns, ew = found["ns"], found["ew1"] or found["ew2"]
    if ns and ew:  # the bisector: north-west is 315, not the mean of 0 and 270
        return {("north", "east"): 45.0, ("south", "east"): 135.0, ("south", "west"): 225.0,
                ("north", "west"): 315.0}[ns, ew]
    return _BEARINGS[ns or ew]


LOOSE_CUES = frozenset({*ATTACK_CUES, "in", "at", "on", "from", "into", "to", "of", "across", "inside", "toward", "towards",
                        "between",
                        *DIRECTIONS})
# Type words beside a name that frame it as a place rather than a person's ("Hassan Kalkawi
# village", "the village Mohammed Shir Bek", "the Dana sub-district"), and the prepositions
# that frame a person's name as a place's ("clashes in Khalil", not "according to Khalil").
PLACE_TYPES = frozenset(CUES_AFTER) | NAMING_CUES | {
    "villages", "towns", "cities", "district", "sub", "subdistrict", "county", "township", "twp", "basin", "square",
    "bridge", "valley", "mountain", "mountains", "hills", "camp", "checkpoint", "crossing", "plain", "island", "lake",
    "river", "creek", "bay", "beach", "falls", "springs", "heights", "park", "woods", "gate", "street", "avenue",
    "road"}
PLACE_PREPOSITIONS = frozenset({"in", "at", "into", "inside", "across"})
# A place's name inside an organisation's names the place but is where nothing happened (role
# "metonymy"): "Free Idlib Army", "Turkistan Islamic Party", "Al-Sham Corps", "Dublin City
# Council" (a capitalised head noun in the same run of names), "Ahrar al-Sham", "Suqour
# al-Sham" (an Arabic word for a group before it or opening it). A facility after the head
# makes it a place again ("Army Base").
ORGANISATION_HEADS = frozenset({
    "corps", "army", "party", "brigade", "brigades", "battalion", "battalions", "division", "front", "movement",
    "council", "committee", "committees", "legion", "force", "forces", "militia", "militias", "group",
    "organization", "organisation", "observatory", "agency", "ministry", "company", "union", "alliance",
    "league", "network", "authority", "command",
    # a paper's or a newsroom's: "the Washington Post reported that a car bomb killed nine in Baghdad"
    "times", "post", "herald", "journal", "tribune", "gazette", "chronicle", "telegraph", "observer", "guardian",
    "dispatch", "bulletin", "sentinel", "examiner", "inquirer", "enquirer", "courier", "daily", "news", "mail",
    "mirror", "globe", "register", "ledger", "statesman", "press", "star", "sun"})
ORGANISATION_PREFIXES = frozenset({
    "ahrar", "jaysh", "jaish", "liwa", "liwaa", "harakat", "harakah", "suquor", "suqour", "suqur", "faylaq",
    "failaq", "ansar", "jund", "katibat", "kataib", "kata'ib", "firqat", "tahrir", "thuwar", "jabhat", "saraya",
    "usbat", "tajammu", "asa'ib", "asaib"})
FACILITIES = frozenset({"base", "camp", "airport", "airbase", "barracks", "academy", "airfield", "headquarters", "hq"})
METONYMY = re.compile(
    r"\b(?:based|headquartered|exiled|living|lives|based out|ministry|embassy|government|officials|authorities|"
    r"parliament|court|headquarters|talks|summit|conference)\s+in\s+(?:the\s+)?$", re.I)

# A place that qualifies who someone is, joined to a participle: "US-backed fighters",
# "Iran-allied militias", "Raqqa-based activists" say who, not where anything happened
_BACKED_BY = re.compile(r"[-\u2013]\s?[a-z]+ed\b")

# The extensions conflictmap sets, and their defaults. One prefix, so no other library's
# extension of a generic name is taken for ours (or ours for theirs).
SPAN_EXTENSIONS = {
    "cm_cue": None, "cm_precision": 1, "cm_role": "event", "cm_place": None,
    "cm_actor": None, "cm_associated": False, "cm_actor_kind": None,
}
DOC_EXTENSIONS = {"cm_dateline": None, "cm_text": None}


class ExtensionClash(RuntimeError):
    """Another library registered an extension of one of conflictmap's names differently."""


def register_extensions() -> None:
    """Register conflictmap's Doc and Span extensions (done at import; calling again is a no-op).

    >>> register_extensions()
    >>> Span.get_extension("cm_role")
    ('event', None, None, None)
    """
    for cls, extensions in ((Span, SPAN_EXTENSIONS), (Doc, DOC_EXTENSIONS)):
        for name, default in extensions.items():
            wanted = (default, None, None, None)  # spaCy's (default, method, getter, setter)
            if not cls.has_extension(name):
                cls.set_extension(name, default=default)
            elif cls.get_extension(name) != wanted:
                raise ExtensionClash(
                    f"{cls.__name__}._.{name} is already registered with another definition "
                    f"{cls.get_extension(name)!r}; conflictmap needs default={default!r}. Another library "
                    f"uses conflictmap's cm_ prefix; sharing the name would mix its values with ours.")


register_extensions()


@lru_cache(maxsize=4)
def gazetteer(db: str | None = None) -> Gazetteer:
    """One open gazetteer per database and process for the components (the database at
    ``db``, else the default one). A forked worker opens its own: SQLite connections must
    not cross a fork."""
    return Gazetteer(db)


os.register_at_fork(after_in_child=gazetteer.cache_clear)


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once per document and kept on it: spaCy joins every token anew at
    each read of ``doc.text``, which read at every step cost a quarter of a run."""
    if doc._.cm_text is None:
        doc._.cm_text = doc.text
    return doc._.cm_text


def _visible(text: str) -> str:
    """The text as a reader sees it: invisible characters gone, no-break spaces plain ones."""
    if text.isascii():
        return text
    return _NO_BREAK_SPACE.sub(" ", _INVISIBLE.sub("", text))


# Transliterated names carry apostrophes for ayn and hamza inside one word: "Da'el", "Nu’man".
AYN_MARKS = "'’ʼ`‘"  # the marks copy writes for ayn and hamza
AYN = f"[{AYN_MARKS}]"
# Letters joined by those marks ("Da'el"), or led by one ("'Amiriyah" of "al-'Amiriyah")
_APOSTROPHE_WORD = re.compile(rf"{AYN}?[^\W\d_]+(?:{AYN}[^\W\d_]+)*")


def _alphabetic(word: str) -> bool:
    """Letters only, or letters joined by apostrophes ("Da'el"): a word a name can be made of."""
    return word.isalpha() or _APOSTROPHE_WORD.fullmatch(word) is not None


def _is_abbreviation(word: str) -> bool:
    """An all-capital word of two to five letters ("US", "SDF") or capitalised letters with
    dots ("U.S.", "E.U.", "D.C.", "Ky.", "W.Va", "St.")."""
    if word.isalpha():
        return word.isupper() and 2 <= len(word) <= 5
    return "." in word and _DOTTED.fullmatch(word) is not None


def _spelling(text: str) -> str:
    """What two spellings of one abbreviation share: "U.S." and "US", "W.Va" and "W.Va."."""
    return re.sub(r"[.\s]", "", _visible(text))


@lru_cache(maxsize=1)
def undotted_state_abbreviations() -> frozenset[str]:
    """US states' AP abbreviations without their dot, lower case ("mass", "miss", "wash"): an
    abbreviation names the state only with its dot ("Mass."); "Mass graves" is no state."""
    from conflictmap.gazetteer.world import us_state_abbreviations

    return frozenset(a.rstrip(".").lower() for forms in us_state_abbreviations().values() for a in forms
                     if "." not in a.rstrip("."))


@lru_cache(maxsize=1)
def person_names() -> tuple[frozenset[str], dict[str, int]]:
    """Given names, and surnames with their rank (1 the commonest), lower case: the US Census
    Bureau's 1990 frequency lists that the ``names`` package ships (5,163 given names, 88,799
    surnames). Name particles ("al", "del", "ben") are not given names: "Al Qaim" is a town."""
    import names

    def read(kind: str) -> dict[str, int]:
        with open(names.FILES[kind], encoding="ascii") as fh:  # NAME FREQUENCY CUMULATIVE RANK
            return {row[0].lower(): int(row[3]) for row in map(str.split, fh) if row}

    given = (read("first:male").keys() | read("first:female").keys()) - NAME_PARTICLES
    return frozenset(given), read("last")


def _is_demonym(db: str | None, name: str) -> bool:
    """"Haitian", "Americans": a demonym or its plural, as spelt (their name keys fold onto
    villages' names: "Thai" and "Tah")."""
    folded, known = " ".join(name.casefold().split()), gazetteer(db).demonyms()
    return folded in known or (folded.endswith("s") and folded[:-1] in known)


@lru_cache(maxsize=100_000)
def _spelt_as(db: str | None, text: str) -> tuple[Candidate, ...]:
    """The places among the gazetteer's best candidates for ``text`` whose name is spelt exactly
    so, capitals included (dots and spaces aside): "EU" is the European Union's, "Eu" a French
    town's; "OK" folds onto "UK" but is spelt otherwise."""
    want = _spelling(text)
    return tuple(c for c in gazetteer(db).candidates(text, limit=10) if _spelling(c.matched) == want)  # cached: not to be changed


def _spelt_places(db: str | None, text: str) -> tuple[tuple[str, int], ...]:
    """(kind, population) of the places spelt ``text`` (:func:`_spelt_as`)."""
    if _is_demonym(db, text):
        return ()  # the demonym's own row names its country: "Iraqi" is spelt so, but no place
    return tuple((c.kind, c.population) for c in _spelt_as(db, text))


def _spelt_in_theatre(db: str | None, text: str) -> bool:
    """Whether a theatre place is spelt ``text`` (:func:`_spelt_as`): "Sinjar" is, "Road" only
    folds onto Arwad's key."""
    return any(c.country in THEATRE for c in _spelt_as(db, text))


_ELIDED = re.compile(r"[dl]['’][A-Z]")  # "d'Ivoire": a French article elided before a name


class _Words:
    """What the matcher asks of each token, computed once per document: spaCy makes a new
    Token object at every ``doc[i]``, and the matcher looks at each token many times."""

    __slots__ = ("word", "lower", "capital", "abbrev", "name", "joiner", "link", "punct", "start", "end", "common")

    def __init__(self, doc: Doc):
        text = text_of(doc)
        start, length, punct, spaced = doc.to_array([IDX, LENGTH, IS_PUNCT, SPACY]).T.tolist()
        self.start, self.punct = start, [bool(p) for p in punct]
        self.end = [a + n for a, n in zip(start, length)]
        raw = [text[a:b] for a, b in zip(self.start, self.end)]  # Token.text, without making Tokens
        self.word = [_visible(t) for t in raw]  # as a reader sees it
        self.lower = [w.lower() for w in self.word]
        self.abbrev = [_is_abbreviation(w) for w in self.word]
        # Words the document itself writes in lower case: common words ("the court", "a road").
        self.common = {w for w in self.word if w.islower() and w.isalpha()}
        # Dotted abbreviations count as capitalised words: "U.S.", "St. Petersburg".
        # So does a French name after an elided article: "Côte d'Ivoire", "L'Aquila".
        self.capital = [(_alphabetic(w) and (w.lstrip(AYN_MARKS)[:1].isupper() or bool(_ELIDED.match(w))))
                        or (a and not w.isalpha()) for w, a in zip(self.word, self.abbrev)]
        # A word that may be part of a name: capitalised, or a particle ("al", "tel").
        self.name = [c or (w.isalpha() and lo in NAME_PARTICLES) for c, w, lo in zip(self.capital, self.word, self.lower)]
        # A hyphen or apostrophe inside a name ("ez-Zor"), or a no-break space ("Deir\u00a0ez-Zor").
        self.joiner = [not s and (w in NAME_JOINERS or not t.strip(NO_BREAK_SPACES))
                       for s, w, t in zip(spaced, self.word, raw)]
        # A short lower-case word hyphened between two capitalised ones: "Port-au-Prince",
        # "Rostov-on-Don", "Stratford-upon-Avon" are one name each, as "Aix-en-Provence" is
        n = len(self.word)
        self.link = [0 < k < n - 2 and not s and self.word[k].isalpha() and self.word[k].islower()
                     and len(self.word[k]) <= LINK_MAX_LETTERS and self.word[k - 1] == "-" and self.joiner[k - 1]
                     and self.word[k + 1] == "-" and self.joiner[k + 1] and self.capital[k + 2]
                     for k, s in enumerate(spaced)]

    def is_acronym(self, i: int, j: int) -> bool:
        """TOW, SANA, SOHR: short all-capital words are organisations and weapons, not places."""
        return j == i + 1 and self.word[i].isupper() and len(self.word[i]) <= 5

    def name_end(self, i: int, limit: int) -> int:
        """End (exclusive) of the longest run of name tokens starting at i."""
        j = i
        while j < limit and j - i < MAX_NAME_TOKENS and (self.name[j] or (j > i and (self.joiner[j] or self.link[j]))):
            j += 1
        while j > i and not self.capital[j - 1]:
            j -= 1  # a name ends on a capitalised word, not on "al" or a hyphen
        return j

    def person_end(self, i: int, end: int) -> int:
        """End (exclusive) of a person's name in the name run i..end-1: particles that are
        English words end it ("Terry Foegler as Dublin's"); "al" does not ("Ahmed al-Hassan")."""
        j = next((k for k in range(i + 1, end) if self.lower[k] in STOP_WORDS), end)
        while j > i + 1 and not self.capital[j - 1]:
            j -= 1
        return j

    def content_words(self, i: int, j: int) -> list[str]:
        """The words of tokens i..j-1 that are not particles ("al", "abu") or punctuation; a
        place's own word is content ("ain", "tel": :data:`PLACE_PARTICLES`)."""
        return [w for w in self.lower[i:j] if _alphabetic(w) and (w not in NAME_PARTICLES or w in PLACE_PARTICLES)]


def _ends_noun_phrase(words: _Words, k: int) -> bool:
    """Whether the lower-case word at ``k`` ends its phrase: what follows is punctuation, the
    end or a stop word ("Borno state on Sunday"), not a noun it qualifies ("state lawmakers")."""
    after = _next_word(words, k + 1)
    return words.word[k].islower() and (after is None or words.punct[after] or words.lower[after] in STOP_WORDS)


def _cue(words: _Words, text: str, start: int, end: int,
         before: tuple[str | None, int] | None = None) -> tuple[str | None, int]:
    """The word framing tokens start..end-1 as a place, and the precision it implies.
    ``text`` is ``doc.text`` (spaCy joins every token each time it is read: read it once per
    document); ``before`` is :func:`_cue_before` for the start, when already known."""
    after = [k for k in range(end, min(end + 5, len(words.word))) if words.word[k]][:3]
    for n, k in enumerate(after):
        if n < 2 and (words.word[k] in DIRECTIONS or words.lower[k] in ("'s", "’s", "military")):
            continue  # "Idleb western countryside", "Aleppo's northern countryside", "X military airport"
        if words.lower[k] in CUES_AFTER and (words.lower[k] not in NOUN_CUES_AFTER or _ends_noun_phrase(words, k)):
            return words.lower[k], CUES_AFTER[words.lower[k]]
        if words.lower[k] in CITY_PART_WORDS:
            # "the Dahiet al-Assad suburb (of Damascus)"; "the Damascus suburb of Harasta" frames
            # the city too, which is found anyway, and near the suburb
            return words.lower[k], 1
        if not words.punct[k]:
            break
    if (listed := _LISTED_THEN_TYPED.match(text, words.end[end - 1])) is not None:
        return SINGULAR[listed["type"].lower()], 1  # "took Nqeir, Abdin and Termala villages"
    before = before if before is not None else _cue_before(text, words.start[start])
    if before[0] is None and end < len(words.start) and LOCATED_AFTER.match(text, words.start[end]):
        return "in", 1  # "Basufan in northern Aleppo"
    return before


# A name in a list that a plural type word ends: "Nqeir, Mastumeh, Abdin and Termala villages".
_LISTED_NAME = r"(?:(?:al|el)-)?[A-Z][\w'’`-]*(?:\s+(?:(?:(?:al|el)-)?[A-Z][\w'’`-]*|al|el)){0,3}"
_LISTED_THEN_TYPED = re.compile(
    rf"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_LISTED_NAME}){{0,12}}\s+(?P<type>(?i:villages|towns|cities|counties))\b")

# Places in the plural before "in X": X is a region holding them, the province when one has its name
_MANY_PLACES = re.compile(r"\b(?:villages|towns|areas)\s+$", re.I)

# "the YPG-controlled town of", "the Kurdish-held villages of": who holds it, not a place's name
_HELD_BY = re.compile(r"-[a-z]+\s+$")


def _cue_before(text: str, start_char: int) -> tuple[str | None, int]:
    """The cue in the 40 characters before ``start_char`` ("the village of", "near")."""
    before = _visible(text[max(0, start_char - 40):start_char])
    m = LOCATIVE.search(before)
    if m and m.group("type") and re.search(r"[A-Z][\w'’-]*\s+$", before[:m.start()]) \
            and not _HELD_BY.search(before, 0, m.start()):
        return "in", 1  # "the Garma suburb of Falluja": Falluja is the city the suburb belongs to
    if m and m.group("prep") and m.group("prep").lower() in ("in", "across") \
            and _MANY_PLACES.search(before, 0, m.start()):
        return "countryside", CUES_BEFORE["countryside"]  # "towns and villages in Idleb": the province's
    if m:
        word = (m.group("type") or m.group("named") or m.group("rel") or m.group("prep") or m.group("dir")).lower().split()[0]
        word = SINGULAR.get(word, word)
        return word, CUES_BEFORE.get(word, CUES_BEFORE.get(word.rstrip("ern"), 1))
    return None, 1


def _role(doc, span: Span, text: str) -> str:
    before = _visible(text[max(0, span.start_char - 30):span.start_char])
    if METONYMY.search(before) or _BACKED_BY.match(text, span.end_char):
        return "metonymy"
    # "ERBIL, Kurdistan Region –" or "BEIRUT (Reuters) -" opening the body: where the report
    # was filed from, not where anything happened.
    dateline = doc._.cm_dateline
    if dateline is not None and dateline[0] <= span.start_char and span.end_char <= dateline[1]:
        return "dateline"
    return "event"


def _protest_topics(found: list[Span], text: str) -> None:
    """The places a protest sentence names after the words that say what it protests, when a
    place before those words says where it was, get role "topic"."""
    by_sentence: dict[int, list[Span]] = {}
    for span in found:
        by_sentence.setdefault(span.sent.start_char, []).append(span)
    for start, spans in by_sentence.items():
        if (about := protest_topic(text[start:spans[0].sent.end_char])) is None:
            continue
        if not any(s.end_char <= start + about[0] and s._.cm_role == "event" for s in spans):
            continue  # "Protests in solidarity with Afrin were held in Qamishli": no place before
        for span in spans:
            if span.start_char >= start + about[1] and span._.cm_role == "event":
                span._.cm_role = "topic"


@Language.component("conflictmap_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """News copy puts headlines, datelines and bylines on lines of their own: a newline ends a sentence.

    A statistical model's parser fixes sentences as it parses (spaCy refuses changes after
    that, E043): build_pipeline puts this component before the parser, which keeps these
    boundaries; a doc parsed already is left as the parser cut it.
    """
    if doc.has_annotation("DEP") or len(doc) < 2:
        return doc
    # Written as arrays: each Token.is_sent_start assignment rescans the whole doc.
    starts = doc.to_array([SENT_START]).astype(numpy.int64)  # 1 starts a sentence, -1 does not, 0 unset
    offsets, spaces = doc.to_array([IDX, IS_SPACE]).T
    newlines = [m.start() for m in re.finditer("\n", text_of(doc))]
    after_newline = numpy.unique(numpy.searchsorted(offsets, newlines, side="right"))  # the token after each
    starts[after_newline[after_newline < len(doc)]] = 1
    spaces[0] = spaces[-1] = 0
    starts[spaces.astype(bool)] = -1  # a blank line is not a sentence of its own
    doc.from_array([SENT_START], starts.astype(numpy.uint64))
    return doc


@Language.factory("conflictmap_actors", default_config={"lexicon": None})
def make_actor_matcher(nlp: Language, name: str, lexicon: str | None):
    return ActorMatcher(lexicon)


class ActorMatcher:
    """Actor mentions from the lexicon (:mod:`geo.actors`), sentence by sentence, as
    ``doc.spans["actors"]``."""

    def __init__(self, lexicon: str | None = None):
        self.lexicon = str(lexicon) if lexicon else None

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = text_of(doc)
        for sent in doc.sents:
            for m in find_actors(text[sent.start_char:sent.end_char], self.lexicon):
                span = doc.char_span(sent.start_char + m.start, sent.start_char + m.end, label=m.actor,
                                     alignment_mode="expand")
                if span is not None:
                    span._.cm_actor = m.actor
                    span._.cm_associated = m.associated
                    span._.cm_actor_kind = m.kind
                    spans.append(span)
        doc.spans["actors"] = spans
        return doc


def sentence_of(sentences: list[Span]) -> Callable[[Span], int]:
    """For ``list(doc.sents)``: the index of the sentence holding a span (``Span.sent``
    walks the tokens to find it, at every call)."""
    starts = [s.start for s in sentences]
    return lambda span: bisect_right(starts, span.start) - 1


def actors_by_sentence(doc: Doc) -> list[list[ActorMention]]:
    """The actor mentions conflictmap_actors found, per sentence, offsets within the sentence."""
    sentences = list(doc.sents)
    index = sentence_of(sentences)
    out: list[list[ActorMention]] = [[] for _ in sentences]
    for span in doc.spans.get("actors", []):
        i = index(span)
        sent = sentences[i]
        out[i].append(ActorMention(
            span._.cm_actor, span.start_char - sent.start_char, span.end_char - sent.start_char, span.text,
            span._.cm_associated, span._.cm_actor_kind))
    return follow_named_kin(out)


@Language.factory("conflictmap_places", default_config={"db": None})
def make_place_matcher(nlp: Language, name: str, db: str | None):
    return PlaceMatcher(db)


class PlaceMatcher:
    """Finds place names: gazetteer keys over token runs, then names framed by a cue.

    Abbreviations ("US", "U.K.", "D.C.") are places when spelt so as a country, region,
    continent or state; people's names (the ``names`` package's census lists: "Kelly Smith",
    a name after a title, its surname later), demonyms (the gazetteer's) and capitalised
    words the article also writes in lower case are not, unless a cue frames them.
    """

    def __init__(self, db: str | None = None):
        self.db = str(db) if db else None
        gazetteer(self.db)  # a missing or damaged database is said now, not at the first article

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        words = _Words(doc)
        dateline = find_dateline(text)
        doc._.cm_dateline = (dateline.start, dateline.end) if dateline else None
        taken = set()
        by_demonym = demonym_named_actors()
        for span in doc.spans.get("actors", []):
            # the demonym that names a state's forces ("Georgian troops") is the place matcher's
            # still, as it was before the lexicon named them: a country the article names, as
            # context (LGL counts it a toponym). Lexicon actors keep their words ("Turkish forces":
            # with those left too, ACLED dev recall 0.8531 -> 0.8528, GeoVirus end-to-end F1
            # 0.8721 -> 0.8708)
            taken.update(range(span.start + (span.label_ in by_demonym), span.end))
        found = []
        people = _People()
        self._people_by_form(words, taken, people)
        held: list[tuple[int, int]] = []  # names of towns a province the article names would vouch for
        theatre_actors = _theatre_actors(doc)
        for sent in doc.sents:
            i, previous = sent.start, None
            while i < sent.end:
                if not words.name[i]:  # most tokens: no name starts here
                    i += 1
                    continue
                listed = previous is not None and _continues_list(words, previous.end, i)
                span = self._match_at(doc, words, text, i, sent, taken, previous if listed else None, people,
                                      theatre_actors, held)
                if span is None:
                    i += 1
                    continue
                found.append(span)
                taken.update(range(span.start, span.end))
                i, previous = span.end, span
        found += self._towns_of_the_articles_provinces(doc, words, text, found, taken, held)
        found = self._theatre_spellings_in_theatre_news(found, theatre_actors)
        found += self._repeated_names(doc, words, text, found, taken, people)
        for ent in doc.ents:  # a statistical model's GPE/LOC/FAC, when one ran before us
            if ent.label_ in ("GPE", "LOC", "FAC") and not taken.intersection(range(ent.start, ent.end)):
                content = words.content_words(ent.start, ent.end)
                if words.is_acronym(ent.start, ent.end) or not content or all(w in NOT_PLACES for w in content):
                    continue  # a small model's "Tuesday" or "SANA" is no place either
                span = Span(doc, ent.start, ent.end, label="PLACE")
                span._.cm_cue, span._.cm_precision = _cue(words, text, span.start, span.end)
                found.append(span)
        for span in found:
            if span.label_ == DEMONYM:
                span._.cm_role = "demonym"
            elif _in_organisation(words, span.start, words.name_end(span.start, len(doc))):
                span._.cm_role = "metonymy"  # "Free Idlib Army", "Dublin City Council": no event there
            else:
                span._.cm_role = _role(doc, span, text)
        streets = {id(span) for span in found if _names_a_street(words, span.end)}
        _protest_topics(found, text)
        # a road named by its ends ("the Damascus-Aleppo Road") keeps them; a street's name is dropped
        kept = [span for span in self._road_ends(doc, words, found) if id(span) not in streets]
        doc.spans["places"] = sorted(kept, key=lambda s: s.start)
        return doc

    def _road_ends(self, doc: Doc, words: _Words, found: list[Span]) -> list[Span]:
        """Towns that name a road by its ends ("the Baghdad-Kirkuk road", "the Damascus - Aleppo
        highway") say which road, not where on it: each end is a mention of its own, with role
        "route", no event place. Where nothing else in the sentence locates the event ("an IED
        exploded on the Sarmada-al-Dana road"), the first end stands for it, near it
        (geo_precision 2), as ACLED codes such events."""
        kept = list(found)
        for road in (k for k, w in enumerate(words.lower) if w in ROAD_WORDS):
            span = _road_name(words, road)
            if span is None:
                continue
            start, end = span
            inside = [s for s in kept if start <= s.start and s.end <= end and s.label_ == "PLACE"]
            if not inside or len(inside) < sum(start <= s.start and s.end <= end for s in kept):
                continue  # no town the recogniser took ("Hyland-Croy Road" is a street), or a people's name

            ends = self._ends(doc, words, start, end, inside)
            if not ends:
                continue
            kept = [s for s in kept if s not in inside]
            sentence = ends[0].sent
            # by a place on it, not by the province it runs through ("in eastern Homs")
            located = any(s._.cm_role == "event" and s.sent == sentence and s._.cm_cue not in WIDE_CUES
                          for s in kept)
            for k, place in enumerate(ends):
                place._.cm_role = "event" if k == 0 and not located else "route"
            kept += ends
        return kept

    def _ends(self, doc: Doc, words: _Words, start: int, end: int, inside: list[Span]) -> list[Span]:
        """The towns of a road's name (tokens start..end-1), split at its dashes, an article
        hyphened to the name after it kept with it ("Homs-As-Salamiyeh": Homs, As-Salamiyeh):
        those the recogniser found, or the gazetteer knows by that name."""
        pieces, first = [], start
        for k in range(start + 1, end - 1):
            if words.word[k] in ROAD_DASHES and not (k - first == 1 and words.lower[first] in ARTICLES):
                pieces.append((first, k))
                first = k + 1
        pieces.append((first, end))
        found = {(s.start, s.end) for s in inside}
        ends = []
        for a, b in pieces:
            if (a, b) not in found and gazetteer(self.db).name_entry(name_key(doc[a:b].text)) is None:
                continue
            place = Span(doc, a, b, label="PLACE")
            # the cue before the road's name ("near the Damascus-Aleppo highway") is its first end's
            place._.cm_cue = inside[0]._.cm_cue if a == start == inside[0].start else None
            place._.cm_precision = 2
            ends.append(place)
        return ends

    def _theatre_spellings_in_theatre_news(self, found: list[Span], theatre_actors: bool) -> list[Span]:
        """Names kept only for a theatre place's near spelling ("in Meshmeshan") stay only in
        an article about the theatre, one that names more notable theatre places by their own
        spelling, and actors at home there ("regime forces", "YPG"; one vote in all), than
        other places: world news has capitalised words that happen to be near a Syrian
        village's name ("McCollum")."""
        gaz = gazetteer(self.db)
        entries = [gaz.name_entry(name_key(s.text)) for s in found]
        theatre = sum(e.in_theatre and e.importance >= NOTABLE for e in entries if e is not None)
        theatre += theatre_actors
        if theatre and theatre >= sum(not e.in_theatre for e in entries if e is not None):
            return found
        return [s for s, e in zip(found, entries) if e is not None or _typed(s._.cm_cue) or s.label_ != "PLACE"]

    @staticmethod
    def _repeated_names(doc: Doc, words: _Words, text: str, found: list[Span], taken: set,
                        people: _People) -> list[Span]:
        """A name the article has already framed as a place ("in X", "X sub-district") is a
        place wherever it recurs, however it is cased ("tel Shayer") or bare ("airstrikes
        al-Dshaisha and ..."), even where it read as a person's name ("with Omar Ushaghi
        allocated 3"); not a part of a person's name ("Ahmed Hassan" after "in Hassan")."""
        names = {s.text.lower() for s in found
                 if (s._.cm_cue is not None or _type_word(words, _next_word(words, s.end))) and len(s.text) > 3}
        if not names:
            return []
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b", re.I)
        more = []
        for m in pattern.finditer(text):
            span = doc.char_span(m.start(), m.end(), label="PLACE")
            if span is None or taken.intersection(range(span.start, span.end)):
                continue
            if people.tokens.intersection(range(span.start, span.end)) and (span.start, span.end) not in people.runs:
                continue
            span._.cm_cue, span._.cm_precision = _cue(words, text, span.start, span.end)
            taken.update(range(span.start, span.end))
            more.append(span)
        return more

    def _match_at(self, doc: Doc, words: _Words, text: str, i: int, sent: Span, taken: set,
                  listed_after: Span | None, people: _People, theatre_actors: bool,
                  held: list[tuple[int, int]]) -> Span | None:
        if (i in taken or i in people.tokens or not words.name[i]
                or (words.lower[i] in STOP_WORDS and not words.abbrev[i] and not _named_by_type(words, i, sent)
                    and not _joined_article(words, i))):
            return None
        end = self._name_with_of(words, text, i, words.name_end(i, sent.end), sent.end)
        previous = next((k for k in range(i - 1, max(sent.start, i - 3) - 1, -1)
                         if words.word[k].strip() not in ("", ".")), None)
        if previous is not None and words.lower[previous].rstrip(".") in PERSON_TITLES:  # "Gen." is one token
            people.add(words, i, words.person_end(i, end))  # "Gen. Ahmed Hassan": Hassan is his name too
            return None
        before = _cue_before(text, words.start[i])  # one start, up to MAX_NAME_TOKENS ends
        given, surnames = person_names()
        # A given name opening a run of capitalised words, not framed as a place's by a type
        # word ("Hassan Kalkawi village", "the town of ...") nor after a particle ("Deir Jamal").
        named = words.lower[i] in given and listed_after is None and not words.word[i].isupper() and not (
            (previous == i - 1 and words.lower[previous] in NAME_PARTICLES)
            or _typed(_cue(words, text, i, end, before)[0])
            or _type_word(words, previous) or _type_word(words, _next_word(words, i + 1))
            or _type_word(words, _next_word(words, end)) or _residents_after(words, end))
        # "Kelly Smith", "Ahmed al-Hassan": a given name and more capitalised words, not a type
        # of place ("Madison County", "Echo Park"); a common surname after a country's, a
        # state's or a big city's name ("Jordan Dyer", not "Georgia Bureau"); a division of little
        # note is no such name ("Michael Durr": Michael is a sheading of the Isle of Man).
        person_end = words.person_end(i, end)
        surname = next((k for k in range(i + 1, person_end) if words.capital[k] and _alphabetic(words.word[k])), None)
        person = named and surname is not None and not _type_word(words, surname) and (
            surnames.get(words.lower[surname], COMMON_SURNAME_RANK + 1) <= COMMON_SURNAME_RANK
            or not (self._notable_broad(words.word[i]) or self._city(words.word[i])))
        for j in range(end, i, -1):
            if taken.intersection(range(i, j)) or people.tokens.intersection(range(i, j)) or not words.capital[j - 1]:
                continue
            if j == i + 1 and words.abbrev[i]:
                if not self._abbreviation(words, i):
                    continue  # SANA, TOW, SDF, "IS": organisations and weapons
                span = Span(doc, i, j, label="PLACE")
                span._.cm_cue, span._.cm_precision = _cue(words, text, i, j, before)
                return span
            if words.is_acronym(i, j):
                continue  # "Tochka-U"
            if j > i + 1 and (_INITIAL.fullmatch(words.word[i]) or not _alphabetic(words.word[j - 1])):
                continue  # an initial opens no place's name ("E. Main") and a dotted word ends none ("Irvin E.")
            if j == i + 1 and person:
                people.add(words, i, person_end)
                return None
            cue, precision = _cue(words, text, i, j, before)
            if listed_after is not None and listed_after._.cm_cue is not None and cue is None:
                # "the cities of Beiji, Taji and Mosul": the cue covers the list
                cue, precision = listed_after._.cm_cue, listed_after._.cm_precision
            typed = _typed(cue)
            content = words.content_words(i, j)
            if not content:
                continue
            name = _visible(text[words.start[i]:words.end[j - 1]])
            if _is_demonym(self.db, name) or (previous == i - 1 and _is_demonym(self.db, f"{words.word[i - 1]} {name}")):
                # "Haitian officials", "South Korean", "the Dutch province of Limburg": a country's
                # people, kept as a mention of the country (role "demonym"), never an event's place
                first = i - 1 if not _is_demonym(self.db, name) else i
                if taken.intersection(range(first, j)):
                    return None
                after = _next_word(words, j)
                if after == j and words.lower[after] == "capital" and end <= after + 1 and gazetteer(self.db).name_entry(
                        name_key(f"{name} capital")) is not None:
                    span = Span(doc, first, after + 1, label="PLACE")  # "the Iraqi capital": Baghdad
                    span._.cm_cue, span._.cm_precision = None, 1
                    return span
                span = Span(doc, first, j, label=DEMONYM)
                span._.cm_cue, span._.cm_precision = None, 3
                return span
            if all(w in QUALIFIERS for w in content):
                continue  # "the town of Eastern Maliha": "Eastern" is no town
            if (cue not in NAMING_CUES and all(w in NOT_PLACES for w in content)
                    and not (len(content) > 1 and self._broad(name))):  # "United States", not "Islamic State"
                continue
            if j == i + 1 and not typed and words.lower[i] in people.words and (
                    cue not in PLACE_PREPOSITIONS or words.lower[i] in people.sure):
                continue  # "Smith said", "according to Smith": a person named earlier
            if words.lower[j - 1] == "capital" and end > j:
                continue  # "Iraqi Capital Markets": a company's name, not the Iraqi capital
            if j == i + 1 and end > j and words.lower[i] in GENERIC_FIRST_WORDS:
                continue  # "Kafr Lusin", "Abul Thohur": the generic word opening a longer name is no place alone
            if j == i + 1 and words.lower[i] in undotted_state_abbreviations() and not text.startswith(".", words.end[i]):
                continue  # "Mass graves", "Miss Smith": an AP abbreviation names a state with its dot only
            if j == i + 1 and cue is None and words.lower[i] in words.common and not self._broad(name):
                continue  # "Circuit Court", "Memorial Day" where the article also writes "court", "day"
            info = gazetteer(self.db).name_entry(name_key(name))
            if info is not None:
                importance, theatre = info
                # "Kelly Smith, 24, of Trenton"; a name of two words or more, or a given name, before
                # who lives there: "a Glen Allen woman", "a Winona man" (not any word: "the Federal police")
                framed = cue is not None or _of_person(words, i, people) or (
                    (j > i + 1 or words.lower[i] in given) and _residents_after(words, j))
                keep = ((theatre and (importance >= NOTABLE or framed or len(content) > 1)) or importance >= WORLD_NOTABLE
                        or (framed and importance >= WORLD_FRAMED) or cue in NAMING_CUES  # "Andan town", "the village of X"
                        or (j > i + 1 and words.lower[j - 1] in KIND_WORDS))  # "Kanawha County": its kind in its name
                if keep and person:  # "Ahmed Hassan" may fold onto some village's name; "Glen Allen" is one
                    keep = importance >= WORLD_NOTABLE or (framed and theatre) or bool(_spelt_places(self.db, name))
                if keep and j == i + 1 and not framed and named:
                    keep = self._broad(name) or self._city(name)  # "Kelly said" / "Jordan said"
                if keep and j == i + 1 and not framed and not _spelt_nearly(
                        self.db, name, in_theatre=importance < WORLD_NOTABLE):
                    # "Road", "Hall", "Way": a word whose key folds like Arwad, Ha'il, UAE; kept for a
                    # theatre place of its key, only where a theatre place is spelt so ("House" folds
                    # onto Iraq's Al Hawsah, and is spelt nearly as Belgium's Housse: no place)
                    keep = False
                # "on Route 72", "Pack 122": a numbered word, unframed or framed by a preposition
                # that is no place's ("in Hajin 25 people died" stays)
                numbered = (j < sent.end and words.word[j].isdigit() and not typed
                            and cue not in PLACE_PREPOSITIONS)
                tail = keep and j == i + 1 and (numbered or (not framed and _tail_of_name(words, i, sent, self.db)))
                if tail and not (self._broad(name) or self._city(name)
                                 or ((numbered or importance >= WORLD_NOTABLE) and _spelt_in_theatre(self.db, name))):
                    # "the White House", "Dublin Road": the last word of a longer unknown name is no
                    # place unless a country, a province, a big city or a notable theatre place is
                    # spelt so ("Mount Sinjar"; "Road" folds onto Arwad's key, only hamlets are spelt
                    # Road); nor is a word numbered, unless a theatre place is spelt so
                    keep = False
                elif keep and j == i + 1 and not framed and end > j and (
                        importance < WORLD_NOTABLE or not _spelt_places(self.db, name)):
                    # "Nour al-Zenki Movement": the first word of a longer unknown name, unless a
                    # place of world note is spelt so ("Mansfield Police Department"; "Grey
                    # Wolves": Gera is notable, no Grey)
                    keep = False
                elif (not keep and j == i + 1 and not framed and not person and not named and not theatre
                      and importance >= WORLD_FRAMED and end == j and not _tail_of_name(words, i, sent, self.db)
                      and _spelt_nearly(self.db, name)):
                    held.append((i, j))  # "Concord developer": a town's name where the article's towns lie?
            else:
                # Not in the gazetteer but framed as a place ("the village of X", "X province"):
                # keep it, resolution will try the fuzzy net or fall back to the province.
                # Framed loosely ("in Meshmeshan", "shelled Maraanaz"): when a theatre place
                # is spelt nearly so ("Mishmishan").
                # In an article whose actors are at home in the theatre a type word vouches for a
                # name that bears a person's ("the Dahiet al-Assad suburb"), not for one with other
                # news words ("the Mosul Army Base"); elsewhere no name with news words is a place.
                # a word that tells two villages of one name apart opens the name, no news word,
                # where the gazetteer holds such a village ("Eastern Maliha village", "shelled
                # Western Tiba"; not "the Eastern Bypass")
                news = [w for k, w in enumerate(content)
                        if w in NOT_PLACES and not (k == 0 and _qualified_place(self.db, name))]
                named_after = typed and len(news) < len(content) and set(news) <= NEWS_PEOPLE and (
                    theatre_actors or _near_spelling_in_theatre(self.db, name))
                keep = named_after or not news and (
                    typed or (cue is not None and _near_spelling_in_theatre(self.db, name)))
            if keep:
                span = Span(doc, i, j, label="PLACE")
                span._.cm_cue, span._.cm_precision = cue, precision
                return span
        return None

    def _towns_of_the_articles_provinces(self, doc: Doc, words: _Words, text: str, found: list[Span], taken: set,
                                          held: list[tuple[int, int]]) -> list[Span]:
        """Words held back as too little known to be places unframed ("Concord developer Kevin
        Guay", "Pickerington officials said") that are the very spelling of a town in a
        first-order division where a place the article found lies (its first match, spelt as
        written): the article is about that state or province, and the town is one of its.
        LGL end to end recall 0.8667 -> 0.8918, placed within 161 km 0.7562 -> 0.7795
        (precision 0.7404 -> 0.7396: no gold toponym lost); GeoVirus placed 0.8152 -> 0.8207;
        ACLED dev unchanged."""
        if not held:
            return []
        gaz = gazetteer(self.db)
        provinces = set()
        for name in {span.text for span in found if span.label_ == "PLACE"}:  # each name once
            best = gaz.lookup(name)
            if best is not None and best.admin1 and best.kind != "country" and plain(best.matched) == plain(name):
                provinces.add((best.country, best.admin1))
        more = []
        for i, j in held:
            name = _visible(text[words.start[i]:words.end[j - 1]])
            if taken.intersection(range(i, j)) or not any(
                    plain(c.matched) == plain(name) and (c.country, c.admin1) in provinces
                    for c in gaz.candidates(name, limit=HELD_CANDIDATES)):
                continue
            span = Span(doc, i, j, label="PLACE")
            span._.cm_cue, span._.cm_precision = None, 1
            taken.update(range(i, j))
            more.append(span)
        return more

    def _name_with_of(self, words: _Words, text: str, i: int, end: int, limit: int) -> int:
        """The end of a name that holds "of" or "of the" between capitalised words where the
        gazetteer has it so ("Democratic Republic of the Congo", "Isle of Man"), else ``end``
        ("University of Michigan" is no place's name: Michigan is found alone)."""
        if end >= limit or words.lower[end] != "of":
            return end
        k = end + 1 + (end + 1 < limit and words.lower[end + 1] == "the")
        if k >= limit or not words.capital[k]:
            return end
        longer = words.name_end(k, limit)
        name = _visible(text[words.start[i]:words.end[longer - 1]])
        return longer if gazetteer(self.db).name_entry(name_key(name)) is not None else end

    def _people_by_form(self, words: _Words, taken: set, people: _People) -> None:
        """People whose names say so by their form, before any place is looked for: speakers
        (:meth:`_speakers`), and a name, an initial and a name ("Tyrise M. Bell"), whose last
        word is the person's wherever it recurs ("shot Bell", "into Bell's car")."""
        self._speakers(words, taken, people)
        n = len(words.word)
        for k in range(1, n - 1):
            if (_INITIAL.fullmatch(words.word[k]) and words.capital[k - 1] and _alphabetic(words.word[k - 1])
                    and not words.abbrev[k - 1] and words.capital[k + 1] and _alphabetic(words.word[k + 1])
                    and not taken.intersection((k - 1, k + 1))):
                people.add(words, k - 1, k + 2)
                people.sure.update(w for w in (words.lower[k - 1], words.lower[k + 1]) if w not in NOT_PLACES)

    def _speakers(self, words: _Words, taken: set, people: _People) -> None:
        """A single capitalised word right before a verb of speech or right after one ("Kotzer
        said", "said Kotzer") is a person, there and where the word recurs bare ("for Kotzer"),
        where a stop sets the name apart on its other side (not "officials in Hajin said",
        "said Richmond police"), unless a country, a province or a big city is spelt so
        ("Moscow said": its government)."""
        n = len(words.lower)
        for k, word in enumerate(words.lower):
            if word not in SPEECH_VERBS:
                continue
            # the name alone between the verb and a stop: '", Kotzer said', '", said Kotzer, who'
            for i, beyond in ((k - 1, k - 2), (k + 1, k + 2)):
                if (0 <= i < n and i not in taken and words.name[i] and words.capital[i] and _alphabetic(words.word[i])
                        and not words.abbrev[i] and words.lower[i] not in NOT_PLACES
                        and (beyond < 0 or beyond >= n or words.punct[beyond])
                        and not (self._broad(words.word[i]) or self._city(words.word[i]))):
                    people.add(words, i, i + 1)
                    people.sure.add(words.lower[i])

    def _broad(self, name: str) -> bool:
        """Whether ``name`` is spelt so as a country, region, continent or first-order
        division is ("United States", "EU", "U.S.", "Ky.", "Jordan")."""
        return gazetteer(self.db).name_entry(name_key(name)) is not None and any(
            kind in ABBREVIATED_KINDS for kind, _ in _spelt_places(self.db, name))

    def _notable_broad(self, name: str) -> bool:
        """Whether ``name`` is spelt so as a country, region, continent or first-order division
        (:meth:`_broad`) and is a name of world note (WORLD_NOTABLE: "Georgia", "Jordan"; not
        "Michael" or "Patrick", parishes and sheadings of a few hundred people)."""
        return self._broad(name) and gazetteer(self.db).name_entry(name_key(name)).importance >= WORLD_NOTABLE

    def _city(self, name: str) -> bool:
        """Whether a city of GIVEN_NAME_CITY_POPULATION or more is spelt ``name`` ("Dallas")."""
        return gazetteer(self.db).name_entry(name_key(name)) is not None and any(
            population >= GIVEN_NAME_CITY_POPULATION for _, population in _spelt_places(self.db, name))

    def _abbreviation(self, words: _Words, i: int) -> bool:
        """Whether the abbreviation at token i names a place: "US", "U.K.", "EU", "D.C.", "Ky.";
        not "SDF", "IS" or "OK", nor the pronoun in capitals ("TELL US WHAT")."""
        if not words.word[i].replace(".", "").isupper() and i + 1 < len(words.word) and words.capital[i + 1] \
                and words.lower[i + 1] in person_names()[0]:
            return False  # "Del. Brian Moran", "Miss. Kelly": a title before a name, not Delaware
        if words.lower[i] in STOP_WORDS:
            for k in (i - 1, i + 1):
                if (0 <= k < len(words.word) and words.word[k].isalpha() and words.word[k].isupper()
                        and len(words.word[k]) > 1 and not (words.abbrev[k] and self._broad(words.word[k]))):
                    return False  # capitals all along: the pronoun as much as the country
        return self._broad(words.word[i])


def _in_organisation(words: _Words, i: int, end: int) -> bool:
    """Whether the names from token i to ``end`` belong to an organisation's name."""
    if words.lower[i] in ORGANISATION_PREFIXES and end > i + 1:
        return True  # "Suquor al-Sham" itself
    k = i - 1
    while k >= 0 and (words.joiner[k] or words.lower[k] in NAME_PARTICLES or not words.word[k].strip()):
        k -= 1
    if k >= 0 and words.lower[k] in ORGANISATION_PREFIXES:
        return True
    head = next((h for h in range(i + 1, end) if words.lower[h] in ORGANISATION_HEADS), None)
    if head is None:
        return False
    after = _next_word(words, head + 1)
    return not (after is not None and words.lower[after] in FACILITIES)


# Who lives in a place, after its name: "a Winona man", "an Augusta native", "Roselle police";
# not "the Chase family", whose name is a person's. LGL, a given name before one of these: 35
# gold toponyms, 6 not (2 of them places LGL left out: "Glen Allen woman", "Winona police").
# They frame a given name or a name of two words or more, not any word ("the Federal police"):
# LGL end to end recall 0.8944 -> 0.8978, precision 0.7989 -> 0.7994; any word, 0.9021 and
# 0.7996, but "Federal" became eight ACLED events.
RESIDENTS = frozenset({"man", "woman", "men", "women", "couple", "resident", "residents", "native", "natives",
                       "police", "teen", "teens", "teenager", "boy", "girl"})


def _residents_after(words: _Words, end: int) -> bool:
    """Whether the name ending before token ``end`` is followed by who lives there (RESIDENTS)."""
    return end < len(words.lower) and words.lower[end] in RESIDENTS and not words.capital[end]


def _of_person(words: _Words, i: int, people: _People) -> bool:
    """Whether token i follows "<a person's name> of": "Theresa Pilkington of Jeannette", and
    as papers write it, with commas and an age between ("Michael Durr, 24, of Trenton")."""
    if i < 2 or words.lower[i - 1] != "of":
        return False
    k = i - 2
    while k > 0 and (words.word[k] == "," or words.word[k].isdigit() or not words.word[k].strip()):
        k -= 1
    return k in people.tokens


NEAR_SPELLING = 0.8  # a lookup score (gazetteer.lookup) this high is the name, spelt otherwise


SPELT_NEARLY = 80  # fuzz.ratio of the plain spellings: "Idleb" is Idlib (80), "Road" no Arwad (67)


@lru_cache(maxsize=20_000)
def _spelt_nearly(db: str | None, text: str, in_theatre: bool = False) -> bool:
    """Whether one of the gazetteer's best matches for ``text`` (``in_theatre``: in the
    theatre) is spelt about as written, not only folded to the same key: a word alone,
    unframed, is a place only then."""
    spelt = bare(text)
    return any(fuzz.ratio(spelt, bare(c.matched)) >= SPELT_NEARLY and (c.country in THEATRE or not in_theatre)
               for c in gazetteer(db).candidates(text, limit=10))


@lru_cache(maxsize=20_000)
def _qualified_place(db: str | None, name: str) -> bool:
    """Whether the gazetteer holds the place a part word opening ``name`` tells apart."""
    return bool(gazetteer(db).qualified(name))


@lru_cache(maxsize=20_000)
def _near_spelling_in_theatre(db: str | None, name: str) -> bool:
    best = gazetteer(db).lookup(name)
    return best is not None and best.score >= NEAR_SPELLING and best.country in THEATRE


def _theatre_actors(doc: Doc) -> bool:
    """Whether the document names an actor at home in the theatre (regime forces, YPG, HTS)."""
    home = home_countries()
    return any(home.get(s.label_) in THEATRE for s in doc.spans.get("actors", []))


def _typed(cue: str | None) -> bool:
    """Whether a cue frames a name as a place by more than a preposition."""
    return cue is not None and cue not in LOOSE_CUES


def _next_word(words: _Words, end: int) -> int | None:
    """The first token from ``end`` on that is not a hyphen or a space ("X sub-district")."""
    return next((k for k in range(end, min(end + 3, len(words.word))) if words.word[k].strip() not in ("", "-")), None)


def _tail_of_name(words: _Words, i: int, sent: Span, db: str | None) -> bool:
    """Whether the word at ``i`` follows a capitalised word of the same run of names ("the
    White House", "County Road"), not a word that is no name ("Northern Syria")."""
    k = i - 1
    return (k > sent.start and words.capital[k] and _alphabetic(words.word[k])
            and words.lower[k] not in STOP_WORDS and words.lower[k] not in QUALIFIERS
            and words.lower[k] not in NAME_PARTICLES and not _is_demonym(db, words.word[k]))


# Verbs of speech: the single name beside one is a speaker ("Kotzer said", "said Underwood")
SPEECH_VERBS = frozenset({"said", "says", "told", "added", "explained", "noted", "recalled", "admitted", "admits",
                          "asked", "replied", "insisted", "argued", "warned", "wrote", "stated"})
ROAD_WORDS = frozenset({"road", "highway", "motorway"})
# A street's name: a town's name before one of these is the street's, in another town ("the
# Hajin street" in Mayadin, "6016 Dublin Road"), and no mention of the town. STREETS in any case
# ("Baghdad street"); STREET_NAMES capitalised only ("the Aleppo road" runs to Aleppo) and not
# before a number ("County Road 4" is a road of the county's). LGL, every mention before one:
# 101 not gold, 3 gold ("North Druid Hills Road", "Upper Richmond Road West", "Lebanon Street
# Superintendent"); GeoVirus: 1 not gold.
STREETS = frozenset({"street", "avenue", "square", "boulevard"})
STREET_NAMES = frozenset({"Road", "Rd", "Drive", "Lane", "Way", "Ave", "Blvd", "Place", "Terrace", "Parkway"})
# Cues of a province a road runs through ("in eastern Homs"), not of a place on it ("north of Tuz")
WIDE_CUES = frozenset({*(d + "ern" for d in COMPASS), "central", "province", "governorate", "countryside", "region"})
ROAD_DASHES = frozenset({"-", "\u2013", "\u2014"})


def _road_name(words: _Words, road: int) -> tuple[int, int] | None:
    """The tokens of the towns naming the road whose word is at ``road`` ("Baghdad - Kirkuk" in
    "the Baghdad - Kirkuk road"; "international" may come between), or None when the words
    before it are no names joined by a dash ("the main road", "Hyland Road")."""
    k = road - 1
    while k >= 0 and not words.word[k].strip():
        k -= 1
    if k >= 0 and words.lower[k] == "international":
        k -= 1
    end, start, dashes = k + 1, None, 0
    while k >= 0:
        if not words.word[k].strip():
            k -= 1
            continue
        if words.word[k] in ROAD_DASHES and start is not None:
            dashes += 1
        elif (words.capital[k] and words.lower[k] not in STOP_WORDS) \
                or (words.lower[k] in ARTICLES and k + 1 < end and words.word[k + 1] in ROAD_DASHES):
            # a name or an article joined to one ("Homs-As-Salamiyeh"), not "The" opening the sentence
            start = k
        else:
            break
        k -= 1
    if not dashes or start is None or not words.capital[start] or not words.capital[end - 1]:
        return None
    return start, end


def _names_a_street(words: _Words, end: int) -> bool:
    """Whether the name ending before token ``end`` is a street's: a street word follows it
    (:data:`STREETS`, :data:`STREET_NAMES`), and no number after that."""
    k = _next_word(words, end)
    if k is None or not (words.lower[k] in STREETS or words.word[k] in STREET_NAMES):
        return False
    number = _next_word(words, k + 1)
    return number is None or not words.word[number][:1].isdigit()


def _joined_article(words: _Words, i: int) -> bool:
    """Whether the word at ``i`` is the Arabic article hyphened to the name after it ("near
    as-Sukkariyah", "at at-Tanf", "in an-Nabk"): "as", "at" and "an" are English words too,
    but never before a hyphen and a capital."""
    return (words.lower[i] in ARTICLES and i + 2 < len(words.word) and words.joiner[i + 1]
            and words.word[i + 1] == "-" and words.capital[i + 2])


def _named_by_type(words: _Words, i: int, sent: Span) -> bool:
    """"strikes on Has village", "the town of Has": a capitalised word inside the sentence
    right before "village" or "town", or right after "village of" or "town of", is a place's
    name even when it is an English word."""
    if i <= sent.start or not words.capital[i]:
        return False
    k = _next_word(words, i + 1)
    if k is not None and words.lower[k] in ("village", "town"):
        return True
    before = [w for w in words.lower[max(sent.start, i - 4):i] if w.strip()]
    return before[-2:] in (["village", "of"], ["town", "of"])


def _type_word(words: _Words, k: int | None) -> bool:
    return k is not None and words.lower[k] in PLACE_TYPES


class _People:
    """The person names of a document met so far: their tokens are no place, nor are their
    words where they recur bare ("Smith said", "according to Smith")."""

    __slots__ = ("tokens", "runs", "words", "sure")

    def __init__(self):
        self.tokens: set[int] = set()
        self.runs: set[tuple[int, int]] = set()
        self.words: set[str] = set()
        # words of names a person's by their form (quoted as speaking, or after a given name and
        # an initial: "Tyrise M. Bell"): no place even after "in" ("in Kotzer's practice")
        self.sure: set[str] = set()

    def add(self, words: _Words, i: int, end: int) -> None:
        self.tokens.update(range(i, end))
        self.runs.add((i, end))
        self.words.update(w for w in words.content_words(i, end) if w not in NOT_PLACES)


def _continues_list(words: _Words, previous_end: int, i: int) -> bool:
    """Whether token i follows a place ending at ``previous_end`` as the next item of a list: "X, Y and Z"."""
    between = [w for w in words.lower[previous_end:i] if w]
    return 0 < len(between) <= 2 and all(w in (",", "and", "or", ", and") for w in between)


OWN_COMPONENTS = ("conflictmap_sentences", "conflictmap_actors", "conflictmap_places")


def build_pipeline(model: str | None = None, db: str | None = None, lexicon: str | None = None) -> Language:
    """spacy.blank("en") (or the named model, when installed) plus conflictmap's components.

    ``model``: a spaCy package name or a pipeline folder (``nlp.to_disk``); its GPE, LOC and FAC
    entities join the place candidates. ``db``: the gazetteer database, ``lexicon``: the actor
    lexicon (None: the packaged ones), passed to the components as their config.
    """
    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer"])
        except OSError as exc:
            raise RuntimeError(f"spaCy model {model!r} is not installed (pip install it, or drop --model)") from exc
        for name in OWN_COMPONENTS:  # a pipeline saved from build_pipeline: configured anew below
            if name in nlp.pipe_names:
                nlp.remove_pipe(name)
    else:
        nlp = spacy.blank("en")
    # Wire copy and scraped exports glue items with ";" or "|" and no space: "Baghdad;Iraq".
    # Invisible characters at a word's edge come off it ("\u200fHajin\u200e" is a clean token
    # between two marks), and a hyphen they touch still splits "ez\u200b-Zor" like "ez-Zor".
    # A hyphen before an ayn mark splits too: "al-'Amiriyah" like "al-Amiriyah".
    infixes = list(nlp.Defaults.infixes) + [
        r"[;|]", rf"(?<=[{ALPHA}])[{INVISIBLE}]*(?:{HYPHENS})[{INVISIBLE}]*(?=[{ALPHA}]|{AYN}[{ALPHA}])"]
    # One new tokenizer rather than three assignments: each reloads its 5,000 special cases.
    old = nlp.tokenizer
    nlp.tokenizer = Tokenizer(
        nlp.vocab, rules=old.rules, token_match=old.token_match, url_match=old.url_match,
        prefix_search=compile_prefix_regex([f"[{INVISIBLE}]", *nlp.Defaults.prefixes]).search,
        suffix_search=compile_suffix_regex([f"[{INVISIBLE}]", *nlp.Defaults.suffixes]).search,
        infix_finditer=compile_infix_regex(infixes).finditer)
    # Newline boundaries go in before a parser or senter decides the rest (the parser keeps
    # boundaries set before it, and refuses them after: E043); without one, the sentencizer
    # splits on punctuation first.
    segmenter = next((name for name in nlp.pipe_names if name in ("parser", "senter")), None)
    if segmenter:
        nlp.add_pipe("conflictmap_sentences", before=segmenter)
    else:
        if "sentencizer" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
        nlp.add_pipe("conflictmap_sentences")
    nlp.add_pipe("conflictmap_actors", config={"lexicon": str(lexicon) if lexicon else None})
    nlp.add_pipe("conflictmap_places", config={"db": str(db) if db else None})
    return nlp
