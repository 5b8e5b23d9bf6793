"""Transliteration-aware name keys.

Journalists, coders and gazetteers spell the same Arabic or Kurdish place many ways:
``Deir al-Zor``, ``Deir ez-Zor`` and ``Dayr az Zawr`` are one city. Every name in the
gazetteer is indexed under :func:`name_key`, and a query is looked up under the same key,
so those spellings meet without a table of every variant.

>>> name_key("Deir al-Zor") == name_key("Dayr az Zawr") == name_key("Deir ez-Zor")
True
>>> name_key("Tall 'Afar") == name_key("Tel Afar")
True

A key is deliberately lossy; candidates that share it are ranked afterwards by string
similarity (see :mod:`gazetteer.lookup`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Arabic definite article as Latin transliterations write it, assimilated or not.
ARTICLES = frozenset(
    "al el il ul ad ed ar er as es ash esh at et az ez an en adh ath dh".split()
)
# Sun letters the article assimilates to when written joined: "Ezzor", "Arraqqa".
_JOINED_ARTICLE = re.compile(r"^[ae](t|d|r|z|s|sh|n)\1(?=[aeiou])")

# Whole-word variants that letter folding alone does not unite.
_WORD_FOLDS = {
    "abu": "bu", "albu": "bu", "abou": "bu", "bou": "bu", "abo": "bu",
    "abul": "bu",  # "Abul Thohur": Abu and the article, written as one word ("Abu al Duhur")
    "tall": "tal", "tel": "tal", "tell": "tal", "til": "tal",
    "dier": "deir", "der": "deir", "dayr": "deir", "dair": "deir",
    "jebel": "jabal", "jabel": "jabal", "jbel": "jabal",
    "kfar": "kafr", "kafar": "kafr",
    "um": "umm", "om": "umm",
    "sheikh": "shaykh", "shaikh": "shaykh", "sheik": "shaykh", "shaik": "shaykh",
    "khirbet": "khirbat", "kherbet": "khirbat",
    # English abbreviations: "St. Marc" is Saint-Marc, "Mt. Pleasant" Mount Pleasant, "Ft. Hood" Fort Hood
    "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort",
}

# Ordered letter folds on the joined, article-free string.
_LETTER_FOLDS = (
    (re.compile(r"ou|oo|uu"), "u"),
    (re.compile(r"ee|ie"), "i"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters: Hassakeh, Raqqa, Tall
    (re.compile(r"iy(?=[aeh]|$)"), "i"),  # -iyah / -iyeh / -iya endings
    # Diphthongs, but not a consonantal y/w before a vowel (Darayya, Mayadin, Hawar).
    (re.compile(r"(?:ai|ay|ei|ey)(?![aeiou])"), "e"),  # Dayr/Deir/Dair, Ayn/Ain/Ein, Bayji/Baiji
    (re.compile(r"(?:aw|au|ow)(?![aeiou])"), "o"),  # Zawr/Zor
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"ck|q|c(?!h)"), "k"),
    (re.compile(r"(?<=[aeiou])h(?=\s|$)"), ""),  # final -ah / -eh (ta marbuta)
    (re.compile(r"e"), "a"),
    (re.compile(r"o"), "u"),
    (re.compile(r"y"), "i"),
    (re.compile(r"w"), "u"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # folds above can create new doubles
)

_MARKS = re.compile(r"[\u0027\u0060\u00b4\u2018\u2019\u02bb\u02bc\u02be\u02bf\u02b9\u055a\u2032]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTER_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي"})
_VOWELS = re.compile(r"[aeiou]")

MAX_NAME_CHARS = 200  # no real place name is longer; longer input is not a name


def is_arabic_script(text: str) -> bool:
    return bool(_ARABIC.search(text))


@lru_cache(maxsize=200_000)  # spellings recur from article to article, as keys do
def plain(text: str) -> str:
    """Lower-case ASCII words: diacritics, ayn/hamza marks and punctuation removed.

    >>> plain("Tall ʿAfar")
    'tall afar'
    """
    text = unicodedata.normalize("NFC", text[:MAX_NAME_CHARS])
    text = _MARKS.sub("", text)
    return _NON_ALNUM.sub(" ", anyascii(text).lower().replace("'", "").replace("`", "")).strip()


@lru_cache(maxsize=200_000)
def bare(spelling: str) -> str:
    """A spelling in plain letters without its leading Arabic article.

    >>> bare("Al Hawijah"), bare("Ar-Raqqah"), bare("As")
    ('hawijah', 'raqqah', 'as')
    """
    words = plain(spelling).split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in ARTICLES else words)


def _fold_tokens(tokens: list[str]) -> list[str]:
    # The article only folds when something follows it: a place called "As" stays "as".
    kept = [t for i, t in enumerate(tokens) if not (t in ARTICLES and i + 1 < len(tokens))]
    out = []
    for i, tok in enumerate(kept):
        if i > 0:
            tok = _JOINED_ARTICLE.sub(r"\1", tok)
            if tok.startswith("el") and len(tok) >= 6:
                tok = tok[2:]  # "Dahiet Elasad", "Orm Eljoz", "Kafr Naseh Elatareb": el- written joined
        out.append(_WORD_FOLDS.get(tok, tok))
    return out


def _arabic_key(text: str) -> str:
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text[:MAX_NAME_CHARS]))
    text = text.translate(_ARABIC_LETTER_FOLDS)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in re.split(r"[\s\-_،,]+", text) if w]
    return "ar:" + "".join(words)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The index key of a name: equal for the usual transliterations of one place.

    Returns "" for text that holds no letters or digits.
    """
    if is_arabic_script(name):
        return _arabic_key(name)
    tokens = plain(name).split()
    if not tokens:
        return ""
    joined = " ".join(_fold_tokens(tokens))
    for pattern, repl in _LETTER_FOLDS:
        joined = pattern.sub(repl, joined)
    return joined.replace(" ", "")


# Words GeoNames puts before many Iraqi and Syrian names that reporters leave out: "Qaryat
# Kharbardan" (the village of Kharbardan) is "Kharbardan", "Nahiyat al Haqlaniyah" (the
# subdistrict of) "Haqlaniyah", "Madinat ..." (the city of) likewise.
GENERIC_PREFIXES = frozenset({"qaryat", "qaryah", "nahiyat", "nahiyah", "madinat", "mintaqat"})
# Those of them that make the place a seat: the centre of a subdistrict (nahiya), a city.
SEAT_PREFIXES = frozenset({"nahiyat", "nahiyah", "madinat"})


def without_generic_prefix(name: str) -> str | None:
    """``name`` without its generic first word, or None when it has none (or nothing after it).

    >>> without_generic_prefix("Qaryat al Hajjaj"), without_generic_prefix("Hajjaj")
    ('al Hajjaj', None)
    """
    first, _, rest = name.strip().partition(" ")
    if plain(first) in GENERIC_PREFIXES and len(plain(rest).replace(" ", "")) >= 3:
        return rest
    return None


def skeleton(key: str) -> str:
    """Consonants of a key: a coarse bucket for spellings whose vowels disagree.

    >>> skeleton(name_key("Idleb")) == skeleton(name_key("Idlib"))
    True
    """
    if key.startswith("ar:"):
        return key
    return _VOWELS.sub("", key) or key


# The English word reporters put before a village's name for the Arabic adjective that ends it
# in the gazetteer: "Western Ghariyeh" is "Ghariyah al Gharbiyah", "Upper Diwan" "Diwan Fawqani".
QUALIFIERS = {
    "western": ("gharbiyah", "gharbi"), "eastern": ("sharqiyah", "sharqi"), "northern": ("shamaliyah", "shamali"),
    "southern": ("janubiyah", "janubi"), "upper": ("fawqani", "fawqa", "ulya"), "lower": ("tahtani", "tahta", "sufla"),
    # the feminine elatives too: Urum al Kubra is "Big Orm", Asbaynah as Sughra "Little Asbaynah"
    "big": ("kabir", "kabirah", "kubra"), "greater": ("kabir", "kabirah", "kubra"),
    "small": ("saghir", "saghirah", "sughra"), "little": ("saghir", "saghirah", "sughra"),
    "new": ("jadid", "jadidah"), "old": ("qadim", "qadimah"),
}


@lru_cache(maxsize=1)
def _english_of() -> dict[str, tuple[str, ...]]:
    english: dict[str, list[str]] = {}
    for word, forms in QUALIFIERS.items():
        for form in forms:
            english.setdefault(name_key(form), []).append(word.capitalize())
    return {key: tuple(words) for key, words in english.items()}


def english_qualified(name: str) -> list[str]:
    """The name as English copy writes it when it ends with an Arabic adjective of direction,
    height, size or age (:data:`QUALIFIERS`), the article before it dropped; [] for others.

    >>> english_qualified("Ghariyah al Gharbiyah"), english_qualified("Shuyukh Tahtani")
    (['Western Ghariyah'], ['Lower Shuyukh'])
    >>> english_qualified("Tahtani"), english_qualified("Al Ghariyah")
    ([], [])
    """
    words = name.split()
    if len(words) < 2:
        return []
    english = _english_of().get(name_key(words[-1]), ())
    rest = words[:-2] if len(words) > 2 and plain(words[-2]) in ARTICLES else words[:-1]
    return [f"{word} {' '.join(rest)}" for word in english] if rest else []
