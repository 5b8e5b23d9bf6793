"""How many were killed and wounded, by ACLED's conventions for reported numbers.

Conventions (the ones ACLED publishes, and conflictmap's choices where it has none):

* a range takes its lower bound: "between 5 and 10", "5-10", "five or six" -> 5;
* "at least 20", "more than 30", "some 40", "about 50" -> the number stated;
* "tens" 10, "dozens" 12, "hundreds" 100, "thousands" 1000 (ACLED's values); by the same
  reading "scores" is 20 and "several dozen" is 12; "a dozen" 12, "two dozen" 24,
  "half a dozen" 6, "a couple of" 2;
* vague plurals -- "several", "a number of", "some", "many", "a few" -- give no number:
  they count 0 with ``uncertain=True`` (conflictmap's choice: a coder supplies the number,
  nothing is invented);
* an upper bound ("up to 10", "fewer than 10") counts its number and is flagged uncertain;
* when killing is mentioned with no number at all: 0 and ``uncertain=True``;
* a victim and their kin add up ("a woman and her two children": 3); one person named by
  role counts 1 ("assassinated the mukhtar", "the commander was shot dead"); "succumbed to
  wounds" is a death;
* civilians count both in ``fatalities`` and ``civilian_fatalities``; "people" and "men"
  are not assumed civilian; "casualties" is not read as deaths (it includes the wounded);
* a figure the text sets for the whole event ("unknown number of fatalities coded as 10",
  "coding fatalities to one", "for a total of 11 fatalities", as coders' notes say) is the
  event's toll (:func:`stated_toll`), unless the text spreads it over places ("split between",
  "allocated", :func:`spreads_toll`).

Only numbers tied to people and to killing or wounding count, so "27 airstrikes", "a
24-hour period", "ten more strikes" and dates never do.

>>> find_casualties("A strike killed three civilians and wounded two others").fatalities
3
>>> parse_count("between 5 and 10"), parse_count("dozens")
(5, 12)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_MULTIPLES = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000}

_TENS_RE, _ONE_TO_NINE = "|".join(_TENS), "|".join(_UNITS[1:10])
_SMALL = rf"(?:(?:{_TENS_RE})(?:[-\s](?:{_ONE_TO_NINE}))?|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
_HUNDREDS = rf"(?:a|{_ONE_TO_NINE})\s+hundred(?:\s+(?:and\s+)?{_SMALL})?"
_BASIC = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_HUNDREDS}|{_SMALL})(?![\w-]))"
_MULT = (rf"(?:half\s+a\s+dozen|(?:a|{_BASIC})\s+dozen|(?:several|a\s+few)\s+(?:dozen|hundred|thousand)"
         r"|dozens|scores|tens|hundreds|thousands|a\s+couple(?:\s+of)?)")
_QUAL = (r"(?:at\s+least|more\s+than|over|about|around|nearly|almost|approximately|some|roughly|"
         r"an\s+estimated|as\s+many\s+as|no\s+fewer\s+than|no\s+less\s+than|close\s+to|a\s+total\s+of|"
         r"another|a\s+further|up\s+to|fewer\s+than|less\s+than|under|at\s+most)")
_UPPER = re.compile(r"^(?:up\s+to|fewer\s+than|less\s+than|under|at\s+most)\b", re.I)
_RANGE = rf"between\s+{_BASIC}\s+and\s+{_BASIC}|{_BASIC}\s*(?:-|–|—|\s+to\s+|\s+or\s+)\s*{_BASIC}"
_COUNT = rf"(?i:(?:{_QUAL}\s+)?(?:{_RANGE}|{_MULT}|{_BASIC}))"
_VAGUE = (r"(?i:several|a\s+number\s+of|a\s+few|many|some|multiple|numerous|"
          r"an\s+(?:unspecified|unknown|undetermined)\s+number\s+of)")
_COUNT_RE = re.compile(rf"\s*(?P<count>{_COUNT})(?=$|\s|[,.;:)])")


def _basic_value(text: str) -> int | None:
    text = text.strip().lower()
    if not re.fullmatch(_BASIC, text, re.I):
        return None
    if text[0].isdigit():
        return int(text.replace(",", ""))
    total = 0
    for word in re.split(r"[-\s]+", text):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in _WORD_VALUES or word == "a":
            total += _WORD_VALUES.get(word, 1)
    return total


def _count_value(text: str) -> int | None:
    text = re.sub(rf"^{_QUAL}\s+", "", " ".join(text.lower().split()))
    if (value := _basic_value(text)) is not None:
        return value
    if text in _MULTIPLES:
        return _MULTIPLES[text]
    if re.fullmatch(r"a\s+couple(?:\s+of)?", text):
        return 2
    if m := re.fullmatch(r"(?:several|a few)\s+(dozen|hundred|thousand)", text):
        return {"dozen": 12, "hundred": 100, "thousand": 1000}[m[1]]
    if text == "half a dozen":
        return 6
    if m := re.fullmatch(r"(.+?)\s+dozen", text):
        base = 1 if m[1] == "a" else _basic_value(m[1])
        return None if base is None else 12 * base
    m = re.fullmatch(r"between\s+(.+?)\s+and\s+(.+)", text) or re.fullmatch(
        r"(.+?)\s*(?:-|–|—|\s+to\s+|\s+or\s+)\s*(.+)", text
    )
    if m:  # a range counts its lower bound
        values = [_basic_value(m[1]), _basic_value(m[2])]
        return None if None in values else min(values)
    return None


def parse_count(text: str) -> int | None:
    """The number a count phrase stands for, by ACLED conventions; None if it is not one.

    A leading count is read and the rest ignored ("at least 20 people" -> 20). Vague
    words ("several", "many") are not counts and give None.
    """
    m = _COUNT_RE.match(text or "")
    return _count_value(m["count"]) if m else None


_TOLL_WORD = r"(?:fatalit(?:y|ies)|deaths|death\s+toll|(?<=unknown\s)number)"
_SET = r"(?:coded|estimated|set)\s+(?:as|to|at)"
_STATED_TOLL = re.compile(
    rf"\bfor\s+a\s+total\s+of\s+(?P<total>{_COUNT})\s+(?:fatalities|deaths|dead)\b"
    rf"|\b{_TOLL_WORD}(?:\s+[\w-]+){{0,4}}?\s*,?\s+(?:(?:is|are|was|were|has\s+been|have\s+been)\s+)?{_SET}\s+(?P<set>{_COUNT})"
    rf"|\bcod(?:ed|ing)\s+(?:the\s+)?(?:fatalit(?:y|ies)|deaths)\s+(?:as|to|at)\s+(?P<coded>{_COUNT})", re.I)
_SPREADS = re.compile(r"\b(?:split|distribut(?:ed|ing)|allocat(?:ed|ing)|divided)\b", re.I)


def stated_toll(sentence: str) -> int | None:
    """The fatalities a sentence sets for the whole event, or None.

    >>> stated_toll("An unknown number of fatalities, coded as 10, were reported.")
    10
    >>> stated_toll("Unknown fatalities coded to 10, for a total of 11 fatalities."), stated_toll("Ten were killed.")
    (11, None)
    """
    found = list(_STATED_TOLL.finditer(sentence))
    total = next((m["total"] for m in found if m["total"]), None)
    text = total or next((m["set"] or m["coded"] for m in found), None)
    return _count_value(text) if text else None


def spreads_toll(text: str) -> bool:
    """Whether a text spreads a toll over several places ("10 fatalities split between ...")."""
    return bool(_SPREADS.search(text))


# A place's name as notes write it in a list of allocations: capitalised words, with the
# article joined ("al-Shifunya") and apostrophes ("Dar'a").
_NAME = r"(?:(?:al|el|as|ad|ar|ash|at|az)-)?[A-Z][\w'’`-]*(?:\s+(?:(?:al|el|as|ad|ar|ash|at|az)-)?[A-Z][\w'’`-]*){0,3}"
_NAMES = rf"(?P<names>{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME}|\s+and\s+{_NAME}){{0,9}})"
_FATAL = r"(?:\s+fatalit(?:y|ies))?"
_ALLOCATIONS = (
    # "Bulbul and Raju each allocated 7", "Zamalka allocated 3 fatalities", "Hamam allocated 1 each"
    re.compile(rf"{_NAMES}\s+(?:each\s+)?allocated\s+(?P<count>{_COUNT}){_FATAL}"),
    # "4 allocated to Ali Baski and 3 each to Bulbul and Raju", "2 each allocated to Sarouja"
    re.compile(rf"(?<![\w.-])(?P<count>{_COUNT}){_FATAL}\s+(?:(?:each\s+)?allocated|each)\s+to\s+{_NAMES}"),
    # "2 fatalities allocated to Arnaz and 1 to Sheikh Ali"
    re.compile(rf"(?<=\band\s)(?P<count>{_COUNT})(?:\s+each)?\s+to\s+{_NAMES}"),
    # "The remaining 13 fatalities were: two for Beit Sawa, two for Harasta"
    re.compile(rf"(?<![\w.-])(?P<count>{_COUNT})\s+for\s+{_NAMES}"),
)
_EACH_PLACE = re.compile(  # the same number for every place: "each location allocated 1", "split, 5 each"
    rf"(?i:(?:each|all\s+other|the\s+other)\s+locations?\s+(?:each\s+)?allocated\s+(?P<count>{_COUNT})"
    rf"|split,?\s+(?P<split>{_COUNT})\s+each)")
_SPLIT_EVENLY = re.compile(  # "(10) split between the 2 locations", "20 fatalities split between Hatla and X"
    rf"(?i:(?:(?P<total>{_COUNT}){_FATAL}\s+(?:(?:are|were)\s+)?)?(?:split|divided|distributed)\s+(?:evenly\s+)?between\s+"
    rf"(?:the\s+)?(?:(?P<places>{_COUNT})\s+locations|(?-i:{_NAMES})))")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def allocated_tolls(text: str) -> tuple[dict[str, int], int | None]:
    """How a text spreads a toll over places: the count each named place gets, and the count
    every place gets where the text gives one for all (None when it gives none).

    >>> allocated_tolls("20 fatalities split between 3 locations, with Bulbul and Raju each allocated 7 "
    ...                 "and Jandairis allocated 6.")
    ({'Bulbul': 7, 'Raju': 7, 'Jandairis': 6}, None)
    >>> allocated_tolls("Unknown number of fatalities coded to 10 and split between the 2 locations.")
    ({}, 5)
    """
    named: dict[str, int] = {}
    for pattern in _ALLOCATIONS:
        for m in pattern.finditer(text):
            count = _count_value(m["count"])
            if count is None:
                continue
            for name in _LIST_SPLIT.split(m["names"]):
                if name[:1].isupper() or name.startswith(("al-", "el-")):
                    named.setdefault(name.strip(), count)
    every = None
    if (m := _EACH_PLACE.search(text)) is not None:
        every = _count_value(m["count"] or m["split"])
    elif not named and (m := _SPLIT_EVENLY.search(text)) is not None:
        total = _count_value(m["total"]) if m["total"] else stated_toll(text)
        places = _count_value(m["places"]) if m["places"] else len(_LIST_SPLIT.split(m["names"]))
        if total and places and total % places == 0:
            every = total // places
    return named, every


# --- sentences -----------------------------------------------------------------------------
_CIVILIAN_WORDS = (r"civilians?|child(?:ren)?|schoolchildren|kids?|wom[ae]n|boys?|girls?|bab(?:y|ies)|"
                   r"infants?|residents?|villagers?|refugees?|students?|worshippers?|passengers?|"
                   r"farmers?|shepherds?|journalists?|doctors?|medics?|nurses?|relatives?|pilgrims?|daughters?|sons?|"
                   r"wi(?:fe|ves)|husbands?|mothers?|fathers?|brothers?|sisters?|"
                   r"aid\s+workers?|workers?|famil(?:y|ies)|family\s+members|displaced")
_OTHER_WORDS = (r"people|persons?|individuals?|m[ae]n|fighters?|militants?|jihadists?|soldiers?|troops|"
                r"members?|forces|insurgents?|rebels?|gunm[ae]n|policem[ae]n|police\s+officers?|police|officers?|"
                r"guards?|personnel|combatants?|warriors?|militiam[ae]n|recruits?|servicem[ae]n|"
                r"terrorists?|detainees?|prisoners?|hostages?|volunteers?|others|victims|elements|"
                r"commanders?|leaders?|elders?|emirs?|associates?|(?:suicide\s+)?bombers?|attackers?|assailants?|"
                r"snipers?|officials?|employees?|clerics?|judges?|lawyers?|activists?|teachers?|pilots?|"
                r"agents?|operatives?|informants?|tribesm[ae]n|sheikhs?|mayors?|captains?|colonels?|"
                r"generals?|lieutenants?|sergeants?|conscripts?|paramilitar(?:y|ies)|jihadis|occupants|aides?|bodyguards?|"
                r"escorts?|drivers?|mukhtars?|mokhtars?|captives?")
_VICTIM = rf"(?i:{_CIVILIAN_WORDS}|{_OTHER_WORDS})(?![\w-])"
# Words that may stand between a number and its noun: "20 ISIS fighters", "four regime troops".
_MOD = (r"(?:[A-Z][\w'’./-]*|al-[A-Z][\w'’-]*|\w+-(?:backed|led|affiliated|allied|linked|aligned|controlled|supported)|"
        r"(?i:more|other|suspected|alleged|armed|innocent|unarmed|regime|"
        r"government|pro-[\w-]+|rebel|opposition|militia|jihadist|foreign|local|young|elderly|"
        r"security|army|police|civilian|displaced|enemy|female|male|teenage|of|the|its|their|his|"
        r"her|and|or|same|allied|loyalist|tribal|faction|mobili[sz]ation|military|former|senior|"
        r"unidentified|unknown))")
# "18 fighters of the Syrian army", "one member of the PMF", "a member of the police forces"
_FORCE_WORDS = (r"(?i:army|forces|militias?|police|security|border|guards?|civil\s+defen[cs]e|municipal|council|"
                r"local|federal|tribal|special|emergency|response)")
_OF_GROUP = (r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w'’./-]*|" + _FORCE_WORDS + r")"
             r"(?:\s+(?:[A-Z][\w'’./-]*|al-[A-Z][\w'’-]*|" + _FORCE_WORDS + r"))*)?")
_ASIDE = r"(?:\s*\([^()]{1,40}\))?"  # "3 tribal fighters (TMF) were killed"
# "Three of the officer's family members"
_PART_OF = rf"{_COUNT}\s+of\s+(?i:the|his|her|their)\s+(?:[\w'’-]+\s+){{0,3}}?{_VICTIM}"
_PHRASE = rf"(?:{_PART_OF}|(?:{_COUNT}|{_VAGUE}|(?i:an?))(?:\s+{_MOD}){{0,4}}?\s+{_VICTIM}{_OF_GROUP}{_ASIDE})"
# "a woman and her two children", "a man and his son", "a commander and two of his aides"
_KIN = rf"(?i:his|her|their)\s+(?:{_COUNT}\s+)?(?:{_MOD}\s+){{0,2}}?{_VICTIM}"
# Who says so, after a comma, is no further victim: "killing five soldiers, a military official said",
# "a police spokesman told reporters"
_SAYS = r"(?i:said|says|say|told|tells|added|stated|reported|reports|confirmed|claimed|announced)\b"
# the item's own few words, then the verb: not across "and", "who" ("a civilian who had reported it" died)
_SAID_BY = rf"(?:\s+(?!(?i:and|or|who|whom|which|that)\b)[\w'’-]+){{0,3}}?\s+{_SAYS}"
_GROUP = (rf"{_PHRASE}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{_PHRASE}|{_KIN}|{_VICTIM})(?!{_SAID_BY})){{0,6}}")  # "a woman and child"
_SUBSET_CUE = r"(?i:among\s+them|among\s+whom|including|of\s+whom|of\s+them)"
_SUBSET = rf"\s*,?\s*{_SUBSET_CUE}\s+(?P<subset>{_GROUP})\s*,?"
_AUX = (r"(?:(?i:were|was|have|has|had|been|are|is|being|be|also|reportedly|allegedly|all|both|later|"
        r"reported|confirmed|who|may|might|could|believed|feared|thought|said|to|found)\s+){0,5}")
_KILLED = (r"(?i:killed|dead|died|succumbed|perished|slain|executed|beheaded|massacred|shot\s+dead|shot\s+and\s+killed|assassinated|"
           r"lost\s+their\s+lives|deaths|fatalities)")
_HURT = r"(?i:wounded|injured|hurt|maimed)"
_KILL_ACT = (r"(?i:killed|killing|kills?|shot\s+dead|shot\s+and\s+killed|gunned\s+down|gunning\s+down|"
             r"assassinat(?:ed|ing)|executed|executing|"
             r"executions?\s+(?:by\s+\w+\s+)?of|massacred|slew|slaughtered|"
             r"claimed\s+the\s+lives\s+of|(?:the\s+)?(?:deaths?|killings?|lives)\s+of)")
_HURT_ACT = r"(?i:wounded|wounding|injured|injuring|injures?|wounds?|maimed)"
_OBJECT_AFTER = re.compile(rf"\s+(?:{_COUNT}|{_VAGUE}|(?i:an?|the|his|her|their|its)\b)")
# A number right after these is a day of the month or part of "no one", not a tally.
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?i:\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?|\bon|\bsince|\bno)\s*$"
)
_LEFT = r"(?<![\w,.-])"  # a number starts a word: not "F-16", not "1,171"'s tail
_VERB = rf"(?P<verb>{_KILLED}|{_HURT})\b"
_ACT_VERB = rf"\b(?P<verb>{_KILL_ACT}|{_HURT_ACT})\s+"
_BARE_AUX = r"(?P<aux>(?i:(?:others\s+)?(?:were|was|have\s+been|had\s+been|are)\s+)?)"
_CLAUSE_GOES_ON = r"(?i:and|in|on|at|near|during|while|when|as|after|before|inside|across|with|from|including)\b"
_AMONG_DEAD = r"(?i:(?:were\s+|was\s+)?among\s+the\s+(?:dead|killed|victims|fatalities))"
_PATTERNS = (  # (kind, regex); earlier patterns claim their numbers first
    # "Six civilians, among them two children, were killed", "three soldiers died"
    ("passive", re.compile(rf"{_LEFT}(?P<group>{_GROUP})(?:{_SUBSET})?\s+(?P<aux>{_AUX}){_VERB}")),
    # "killing three civilians", "wounded two men and a woman"
    ("active", re.compile(rf"{_ACT_VERB}(?P<group>{_GROUP})(?:{_SUBSET})?")),
    # "one child among the dead"
    ("among", re.compile(rf"{_LEFT}(?P<subset>{_GROUP})\s+{_AMONG_DEAD}")),
    # "leaving 7 dead", "ten others were wounded"
    ("passive", re.compile(rf"{_LEFT}(?P<group>{_COUNT})\s+{_BARE_AUX}{_VERB}")),
    # "the blast killed 12 in the market"
    ("active", re.compile(rf"{_ACT_VERB}(?P<group>{_COUNT})(?=\s*(?:[,.;:)]|$)|\s+{_CLAUSE_GOES_ON})")),
    # "shot at the attacker, killing him"
    ("active", re.compile(rf"{_ACT_VERB}(?P<group>(?i:him|her))\b")),
    # "shot dead a judicial investigator": one person, whatever the noun
    ("active", re.compile(rf"{_ACT_VERB}(?P<group>(?i:an?|one)\s+(?:[\w'’-]+\s+){{0,2}}?[\w'’-]+)"
                          rf"(?=\s*(?:[,.;:)]|$)|\s+{_CLAUSE_GOES_ON})")),
    # "assassinated the mukhtar", "the commander was shot dead": one person
    ("one", re.compile(rf"{_ACT_VERB}(?P<group>(?i:the)\s+(?:{_MOD}\s+){{0,2}}?{_VICTIM})")),
    ("one", _ONE_WAS_KILLED := re.compile(rf"(?<![\w-])(?P<group>(?:(?i:the)\s+)?(?:{_MOD}\s+){{0,3}}?{_VICTIM})"
                                          rf"\s+(?P<aux>(?i:was)\s+(?:\w+ly\s+)?){_VERB}")),
    # "An explosives expert was killed": one person, whatever the noun, when the clause opens with it
    ("one", _SOMEONE_WAS_KILLED := re.compile(
        rf"(?:^|(?<=[.;:,]\s))(?P<group>(?i:an?|one)\s+(?:[\w'’-]+\s+){{0,5}}?[\w'’-]+)"
        rf"\s+(?P<aux>(?i:was)\s+(?:\w+ly\s+)?){_VERB}")),
    # Bodies found: "the bodies of five people were found", "7 bodies were recovered", "a man's body"
    ("found", re.compile(rf"(?i:bod(?:y|ies))\s+of\s+(?P<group>{_GROUP})")),
    ("found", re.compile(rf"{_LEFT}(?P<group>{_COUNT})\s+(?:{_MOD}\s+){{0,2}}?(?i:bodies)\b")),
    ("one", re.compile(rf"(?P<group>(?i:an?|one)\s+(?:{_MOD}\s+){{0,2}}?{_VICTIM})['’]s\s+(?i:body)\b")),
    # "the death toll rose to 15"
    ("toll", re.compile(rf"(?i:death\s+toll\s+(?:\w+\s+){{0,3}}?(?:to|at|of|reached|hit))\s+(?P<group>{_COUNT})")),
)
_FOUND = re.compile(r"(?i:\b(?:found|recovered|retrieved|discovered|pulled|unearthed|exhumed)\b)")
_WAS_KILLED = re.compile(rf"\b(?i:was)\s+(?:\w+ly\s+)?{_VERB}")
_PHRASE_RE = re.compile(rf"{_PHRASE}|{_KIN}|{_VICTIM}")
_BARE_VICTIM = re.compile(_VICTIM)
_KIN_RE = re.compile(rf"(?i:his|her|their)\s")
_PLURAL = re.compile(r"(?i:s|children|people|men|personnel|police)$")  # "a man", "a gunman": one
_CIVILIAN_RE = re.compile(rf"(?i:\b(?:{_CIVILIAN_WORDS})\b)")
_KILL_WORD = re.compile(
    r"(?i:\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|fatalities|casualties|slain|perished|massacred?|executed|"
    r"gunned\s+down|gunning\s+down)\b)"
)
_NO_ONE = re.compile(r"(?i:\b(?:no\s+(?:one|casualties|deaths|fatalities)|nobody)\b)")
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_HURT_RE = re.compile(rf"^{_HURT}$|^{_HURT_ACT}$")


@dataclass
class Casualties:
    """Counts read from one sentence; ``evidence`` holds the phrases they were read from."""

    fatalities: int = 0
    civilian_fatalities: int = 0
    injuries: int = 0
    uncertain: bool = False
    evidence: list[str] = field(default_factory=list)


_VAGUE_RE = re.compile(_VAGUE)
_FAMILY_OF = re.compile(rf"(?i:an?\s+family)\s+of\s+(?P<count>{_COUNT})(?![\w-])")
_GROUP_NOUN = re.compile(r"(?i:an?\s+(?:family|group|crowd|number|unit|squad|convoy|gathering)\b)")


def _tally(group: str, tail: str = "") -> tuple[int, int, bool]:
    """(people, civilians, vague) in a victim group such as "two men and a woman"."""
    total = civilians = 0
    vague = False
    phrases = list(_PHRASE_RE.finditer(group)) or [None]
    for m in phrases:
        text = m.group() if m else group
        count_m = _COUNT_RE.match(text)
        if count_m:
            value = _count_value(count_m["count"])
        elif family := _FAMILY_OF.match(text + tail):  # "a family of three": three, civilians
            value = _count_value(family["count"])
            if value is not None:
                total += value
                civilians += value
            continue
        elif _VAGUE_RE.match(text) or _GROUP_NOUN.match(text):  # "a number of fighters"
            value = None
        elif kin := _KIN_RE.match(text):  # "her son": one, "her two sons": two; "their children": not said
            kin_count = _COUNT_RE.match(text, kin.end())
            value = _count_value(kin_count["count"]) if kin_count else None if _PLURAL.search(text) else 1
        else:  # "a woman", "him", or a vague "several fighters" (no number)
            one = re.match(r"(?i:an?\s|one\s|him$|her$)", text) or (  # "... and child": one
                _BARE_VICTIM.fullmatch(text) and not _PLURAL.search(text))
            value = 1 if one else None
        if value is None:
            vague = True
            continue
        vague = vague or bool(_UPPER.match(text.strip()))
        total += value
        if _CIVILIAN_RE.search(text) or re.match(r"\s*of\s+(?:a|the\s+same|one)\s+family", tail):
            civilians += value
    return total, civilians, vague


# Every pattern above needs one of these stems (its verb, "among the victims", "death toll"),
# and so does the "uncertain" flag below ("casualties"):
# most sentences of an article have none and are let go after one cheap search.
_ANY_VERB = re.compile(r"(?i:kill|dead|died|succumb|perish|slain|execut|behead|massacr|lives|death|fatalit|assassin|"
                       r"wound|injur|hurt|maim|slew|slaughter|victim|casualt|gunned\s+down|gunning\s+down|bod(?:y|ies))")


def find_casualties(sentence: str) -> Casualties:
    """Fatalities, civilian fatalities and injuries reported in one sentence."""
    result = Casualties()
    if not _ANY_VERB.search(sentence):
        return result
    claimed: list[tuple[int, int]] = []
    killed = killed_civ = subset = subset_civ = toll = 0
    for kind, pattern in _PATTERNS:
        if pattern in (_ONE_WAS_KILLED, _SOMEONE_WAS_KILLED) and not _WAS_KILLED.search(sentence):
            continue  # the costliest patterns, for a phrase most sentences lack
        if kind == "found" and not _FOUND.search(sentence):
            continue  # bodies count when found, not "the bodies of the dead were buried"
        for m in pattern.finditer(sentence):
            span = m.span("group") if kind != "among" else m.span("subset")
            if any(span[0] < e and s < span[1] for s, e in claimed):
                continue
            verb = m.groupdict().get("verb") or "killed"
            if kind == "passive" and not m["aux"].strip() and _OBJECT_AFTER.match(sentence, m.end()):
                continue  # "20 fighters killed four soldiers": an active verb, not a tally
            if _NOT_A_COUNT_BEFORE.search(sentence, 0, span[0]) or _YEAR_LIKE.fullmatch(sentence, *span):
                continue  # "on December 23 killed", "in 2014 killed", "no one was killed"
            if kind == "one":  # one person, whatever the words say of number
                if _PLURAL.search(sentence, *span):
                    continue  # "the troops was killed" is no one person
                people, civ, vague = 1, int(bool(_CIVILIAN_RE.search(sentence, *span))), False
            else:
                tail = sentence[m.end("group"):] if kind != "among" else ""
                people, civ, vague = _tally(sentence[span[0]:span[1]], tail)
            claimed.append(span)
            result.evidence.append(m.group().strip())
            result.uncertain |= vague
            hurt = bool(_HURT_RE.match(" ".join(verb.lower().split())))
            if kind == "among":
                subset, subset_civ = subset + people, subset_civ + civ
            elif kind == "toll":
                toll = max(toll, people)
            elif hurt:
                result.injuries += people
            else:
                killed, killed_civ = killed + people, killed_civ + civ
            if kind in ("passive", "active") and m.groupdict().get("subset") and not hurt:
                s_people, s_civ, _ = _tally(m["subset"])
                subset, subset_civ = subset + s_people, subset_civ + s_civ
    result.fatalities = max(killed, subset, toll)
    result.civilian_fatalities = min(max(killed_civ, subset_civ), result.fatalities)
    if result.fatalities == 0 and _KILL_WORD.search(sentence) and not _NO_ONE.search(sentence):
        result.uncertain = True
    return result
