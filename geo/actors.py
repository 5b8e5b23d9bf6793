"""Who did what to whom: actor mentions in a sentence, from a lexicon kept as data.

The lexicon (``conflictmap/data/actors.json``, see :mod:`conflictmap.lexicon`) lists each
actor once under its canonical name with the aliases reporters use for it. Matching is on word boundaries and case-aware: an alias
token written in capitals (``IS``, ``SDF``, ``NDF``) matches only in capitals, so the verb
"is" is never the Islamic State; other tokens match in any case. At each place the longest
alias wins ("ISIS" is one mention, not "ISIS" and "IS"). Hyphenated compounds are not
mentions: "anti-regime activists" and "ISIS-held territory" name no actor.

>>> [(m.actor, m.text) for m in find_actors("Regime helicopters hit IS positions")]
[('Syrian government forces', 'Regime helicopters'), ('Islamic State', 'IS')]
>>> canonical_actor("Daesh")
'Islamic State'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from conflictmap.lexicon import read_actors

CIVILIANS = "Civilians"
UNIDENTIFIED = "Unidentified armed group"  # ACLED's actor for attackers no one names


@dataclass(frozen=True)
class Actor:
    """One lexicon entry."""

    name: str
    kind: str  # "state" | "non-state" | "coalition" | "protesters" | "civilians"
    country: str | None  # ISO 3166 alpha-2, None for multinational or stateless actors
    aliases: tuple[str, ...]
    associated: tuple[str, ...] = ()  # names of groups coded as assoc_actor of this actor
    aircraft: bool = False  # an air strike can be attributed to it
    modifiers: tuple[str, ...] = ()  # words that name it before a force noun ("Turkish" jets)
    generic: tuple[str, ...] = ()  # words that open a mention naming no leader ("coalition jets")
    home_only: bool = False  # fights in its own country alone (the reporting it is known from says so)
    by_demonym: bool = False  # named by its country's demonym and a force noun (world_state_forces)


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a sentence; start/end are character offsets into that sentence."""

    actor: str  # canonical name
    start: int
    end: int
    text: str
    associated: bool  # matched an associated group (e.g. NDF for the Syrian government)
    kind: str


@lru_cache(maxsize=8)
def load_lexicon(path: str | Path | None = None) -> tuple[Actor, ...]:
    """Read the actor lexicon (the packaged one when ``path`` is None, followed by
    :func:`world_state_forces`); cached per path."""
    listed = tuple(
        Actor(
            name=e["name"], kind=e["kind"], country=e.get("country"),
            aliases=tuple(e.get("aliases", ())), associated=tuple(e.get("associated", ())),
            aircraft=bool(e.get("aircraft", False)), modifiers=tuple(e.get("modifiers", ())),
            generic=tuple(e.get("generic", ())), home_only=bool(e.get("home_only", False)),
        )
        for e in read_actors(path)
    )
    return listed if path is not None else listed + world_state_forces(listed)


@lru_cache(maxsize=1)
def demonym_named_actors() -> frozenset[str]:
    """The packaged lexicon's actors a mention names by a country's demonym ("Georgian troops")."""
    return frozenset(a.name for a in load_lexicon() if a.by_demonym)


# What a state's forces are called after its demonym ("Ethiopian drones", "Malian soldiers"); not
# "fighters", "militants" or "gunmen", whom a demonym does not make a state's ("Chechen fighters")
STATE_FORCE_NOUNS = ("forces", "troops", "soldiers", "army", "military", "air force", "jets", "warplanes",
                     "aircraft", "drones", "helicopters", "artillery", "navy", "police", "security forces",
                     "government forces")


def world_state_forces(listed: tuple[Actor, ...]) -> tuple[Actor, ...]:
    """The forces of each state ``listed`` does not hold, under ACLED's name ("Military Forces
    of Ethiopia"), named by the country's demonym before a state force noun ("Ethiopian drones
    struck Bahir Dar": before, an unidentified armed group); not a demonym an actor listed uses
    already ("Saudi" is the Saudi-led coalition's). Countries and demonyms:
    :func:`gazetteer.world.demonym_countries`."""
    from conflictmap.gazetteer.world import demonym_countries

    states = {a.country for a in listed if a.kind == "state" and a.country}
    used = {w.casefold() for a in listed for w in (*a.modifiers, *a.aliases)}
    by_country: dict[tuple[str, str], list[str]] = {}
    for demonym, country in demonym_countries().items():
        if country[0] not in states and demonym.casefold() not in used:
            by_country.setdefault(country, []).append(demonym)
    return tuple(Actor(name=f"Military Forces of {name}", kind="state", country=iso, aircraft=True, by_demonym=True,
                       aliases=tuple(f"{d} {noun}" for d in demonyms for noun in STATE_FORCE_NOUNS))
                 for (iso, name), demonyms in sorted(by_country.items()))


@lru_cache(maxsize=1)
def state_countries() -> dict[str, str]:
    """A country's own state forces in the packaged lexicon: actor name -> ISO alpha-2."""
    return {a.name: a.country for a in load_lexicon() if a.kind == "state" and a.country}


@lru_cache(maxsize=1)
def home_countries() -> dict[str, str]:
    """Every actor of the packaged lexicon with a home country, state or not ("YPG / Kurdish
    militias": SY): actor name -> ISO alpha-2. Islamic State or a coalition has none."""
    return {a.name: a.country for a in load_lexicon() if a.country}


@lru_cache(maxsize=1)
def home_only_actors() -> frozenset[str]:
    """The actors of the packaged lexicon that fight in their own country alone: in ACLED's
    Syria/Iraq dev notes, the Syrian government's forces 2,730 of 2,730 notes in Syria, Iraqi
    forces 170 of 170 in Iraq, HTS 405 and the SDF 234 all in Syria, the YPG 391 of 393; not
    Turkish (719 of 737 abroad), Russian or Israeli forces, nor Hezbollah (6 of 6 in Syria),
    nor "rebels" (913 of 913 in Syria, but a word for armed groups the world over)."""
    return frozenset(a.name for a in load_lexicon() if a.home_only and a.country)


_APOSTROPHES = "['\u2019\u02bc]"
_HYPHEN = "[-\u2010\u2011 ]"


def _token_pattern(token: str) -> str:
    if token == "US":
        return r"(?:U\.S\.|US)"
    body = "".join(_APOSTROPHES if c in "'\u2019" else re.escape(c) for c in token)
    letters = [c for c in token if c.isalpha()]
    # All-capital tokens of two letters or more are acronyms: match them only in capitals.
    if len(letters) >= 2 and not any(c.islower() for c in letters):
        return body
    return f"(?i:{body})"


def _alias_pattern(alias: str) -> str:
    parts = []
    for piece in re.split(r"(\s+|-)", alias.strip()):
        if not piece:
            continue
        if piece.isspace():
            parts.append(r"\s+")
        elif piece == "-":
            parts.append(_HYPHEN)
        else:
            parts.append(_token_pattern(piece))
    return "".join(parts)


@dataclass(frozen=True)
class _Matcher:
    # The first word of an alias (lower case) -> the aliases that start with it, as one
    # pattern: a sentence is scanned once, and each word costs a dict lookup unless some
    # alias starts with it (one pattern of ~270 alternatives tried at every word is 30x slower).
    patterns: dict[str, re.Pattern]
    targets: tuple[tuple[Actor, bool], ...]  # group index -> (actor, associated)


def _first_words(alias: str) -> set[str]:
    first = re.match(r"\w+", alias.strip())  # an alias must start with a letter or digit
    if first is None:
        return set()
    word = first.group().lower()
    return {word, "u"} if word == "us" else {word}  # "US" also matches "U.S."


@lru_cache(maxsize=8)
def _matcher(path: str | Path | None = None) -> _Matcher:
    entries = [(alias, actor, False) for actor in load_lexicon(path) for alias in actor.aliases]
    entries += [(alias, actor, True) for actor in load_lexicon(path) for alias in actor.associated]
    entries.sort(key=lambda e: -len(e[0]))  # regex alternation is first-match: longest first
    by_word: dict[str, list[str]] = {}
    for i, (alias, _, _) in enumerate(entries):
        for word in _first_words(alias):
            by_word.setdefault(word, []).append(f"(?P<a{i}>{_alias_pattern(alias)})")
    patterns = {word: re.compile(rf"(?:{'|'.join(alternatives)})(?![\w-])")
                for word, alternatives in by_word.items()}
    return _Matcher(patterns, tuple((actor, assoc) for _, actor, assoc in entries))


_WORD = re.compile(r"(?<![\w-])\w+")

# Force phrases the lexicon does not spell: modifiers of one or more actors, coordinated, then
# a force noun ("rebel and Islamist factions", "Syrian or Russian warplanes", "Kurdish
# fighters"). Each coordinated item may stack modifiers ("Syrian Kurdish fighters"): the
# last one before the noun or the next item names it; the first item is the doer named.
_NEUTRAL_WORDS = ("allied", "islamist", "islamic", "jihadist", "militia", "faction", "tribal", "armed", "loyal",
                  "special", "ground", "air")
_NEUTRAL = rf"(?i:{'|'.join(_NEUTRAL_WORDS)})"
_JOIN = r"(?:\s*,\s*(?:and\s+)?|\s+(?:and/or|and|or)\s+|\s*/\s*)"
_FORCE_NOUN = (r"(?i:forces|troops|soldiers|fighters|factions|militias|militiamen|militants|units|brigades|"
               r"battalions|warplanes|jets|aircraft|planes|helicopters|drones|artillery|army|gunmen|snipers|"
               r"tanks|patrols?|convoys?|members|elements|personnel|police|guards)")


@lru_cache(maxsize=8)
def _force_phrases(path: str | Path | None = None) -> tuple[re.Pattern, dict[str, Actor], frozenset[str]] | None:
    by_word = {m.casefold(): actor for actor in load_lexicon(path) for m in actor.modifiers}
    if not by_word:
        return None
    mod = "|".join(_token_pattern(m) for m in sorted({m for a in load_lexicon(path) for m in a.modifiers},
                                                       key=len, reverse=True))
    word = rf"(?:{mod}|{_NEUTRAL})"
    item = rf"{word}(?:\s+{word})*"
    pattern = re.compile(rf"(?P<first>{item})(?:{_JOIN}{item})*\s+{_FORCE_NOUN}(?:\s+{_FORCE_NOUN})?(?![\w-])")
    # the first word of each modifier ("pro" of "pro-regime") or neutral word: where to try
    starts = frozenset(re.match(r"\w+", w).group().casefold() for w in (*by_word, *_NEUTRAL_WORDS))
    return pattern, by_word, starts


def named_by_modifier(sentence: str, among: frozenset[str], lexicon: str | Path | None = None) -> str | None:
    """The first actor of ``among`` whose modifier word the sentence uses anywhere ("warplanes
    believed to be Russian" -> Russian forces), or None."""
    compiled = _force_phrases(lexicon)
    if compiled is None:
        return None
    by_word = compiled[1]
    for word in _WORD.finditer(sentence):
        actor = by_word.get(word.group().casefold())
        if actor is not None and actor.name in among and not _PLACE_NOUN_AFTER.match(sentence, word.end()):
            return actor.name
    return None


def modifier_before(sentence: str, position: int, lexicon: str | Path | None = None) -> str | None:
    """The actor whose modifier word stands right before ``position``, one lower-case word
    between allowed: "Turkish shelling", "Russian aerial bombardment" -> the trigger's doer."""
    compiled = _force_phrases(lexicon)
    found = _MODIFIER_BEFORE.search(sentence, 0, position) if compiled is not None else None
    actor = compiled[1].get(found.group(1).casefold()) if found else None
    return actor.name if actor is not None else None


_MODIFIER_BEFORE = re.compile(r"\b([A-Za-z]+)\s+(?:[a-z]+\s+)?$")

# "the Turkish border", "Syrian territory", "Turkish-backed", "the Syrian Observatory": the word
# names a place, a backer or begins another name
_PLACE_NOUN_AFTER = re.compile(r"-|\s+[A-Z][a-z]|\s+(?i:border|borders|side|frontier|territory|soil|city|capital|province|"
                               r"town|village|countryside|desert|coast|government|officials?|ministry|media)\b")


def _force_mentions(sentence: str, lexicon, starts: list[int]) -> list[ActorMention]:
    """Force phrases starting at ``starts``: where a modifier's or a neutral word's first word
    stands (find_actors notes them on its one pass over the words; tried at every character,
    the pattern cost as much as the whole lexicon)."""
    if not starts:
        return []  # also: a lexicon without modifiers
    pattern, by_word, _ = _force_phrases(lexicon)
    found, end = [], 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(sentence, start)
        if m is None:
            continue
        end = m.end()
        named = [by_word[w.casefold()] for w in re.findall(r"[\w-]+", m["first"]) if w.casefold() in by_word]
        if named:
            actor = named[-1]
            found.append(ActorMention(actor.name, m.start(), m.end(), m.group(), False, actor.kind))
    return found


def find_actors(sentence: str, lexicon: str | Path | None = None) -> list[ActorMention]:
    """Actor mentions in ``sentence``, non-overlapping, longest match first, sorted by start."""
    matcher = _matcher(lexicon)
    phrases = _force_phrases(lexicon)
    force_starts = phrases[2] if phrases is not None else frozenset()
    found, starts = [], []
    for word in _WORD.finditer(sentence):
        if word.group().casefold() in force_starts:
            starts.append(word.start())
        pattern = matcher.patterns.get(word.group().lower())
        m = pattern.match(sentence, word.start()) if pattern is not None else None
        if m:
            actor, assoc = matcher.targets[int(m.lastgroup[1:])]
            found.append(ActorMention(actor.name, m.start(), m.end(), m.group(), assoc, actor.kind))
    chosen: list[ActorMention] = []
    # Lexicon aliases first, longest first; then force phrases where no alias stands.
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)) + _force_mentions(sentence, lexicon, starts):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    # "suspected IS gunmen": the gunmen of the group named right before them are that group's
    return [m for i, m in enumerate(chosen) if not (
        i and m.actor == UNIDENTIFIED and chosen[i - 1].actor != UNIDENTIFIED
        and sentence[chosen[i - 1].end:m.start].isspace())]


def follow_named_kin(by_sentence: list[list[ActorMention]],
                     lexicon: str | Path | None = None) -> list[list[ActorMention]]:
    """An article's actor mentions, each that opens with a generic word of its actor (the lexicon's
    ``generic``: "coalition", "allied") taken as the actor of its kind last named in full before
    it, where there is one: in "The Saudi-led coalition said ... Coalition jets bombed Saada",
    the jets are the Saudi-led coalition's, not the US-led coalition's, which bare "coalition"
    names otherwise."""
    generic = {a.name: tuple(w.casefold() for w in a.generic) for a in load_lexicon(lexicon) if a.generic}
    if not generic:
        return by_sentence
    named: dict[str, str] = {}  # kind -> the actor of that kind last named in full
    out = []
    for mentions in by_sentence:
        kept = []
        for m in mentions:
            words = m.text.casefold().split()
            bare = any(words[:len(w.split())] == w.split() for w in generic.get(m.actor, ()))
            if bare and named.get(m.kind, m.actor) != m.actor:
                m = replace(m, actor=named[m.kind])
            elif not bare:
                named[m.kind] = m.actor
            kept.append(m)
        out.append(kept)
    return out


def canonical_actor(text: str, lexicon: str | Path | None = None) -> str | None:
    """The canonical actor for an alias or canonical name (a leading "the" is ignored)."""
    text = re.sub(r"^(?i:the)\s+", "", text.strip())
    for actor in load_lexicon(lexicon):
        if text.casefold() == actor.name.casefold():
            return actor.name
    mentions = find_actors(text, lexicon)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(text):
        return mentions[0].actor
    return None


# --- roles -------------------------------------------------------------------------------
# assign_roles is a word-order heuristic, not a parser. What it looks at:
#   * "by X" marks X as the agent (passive voice: "were killed by regime airstrikes",
#     "a strike by Russian aircraft") -- unless it reads "backed/supported/led by X": a
#     backer is no party to the event and is dropped; "controlled/held/occupied by X" says who
#     holds a place, and X is read as a target; a hedged aside names the doer too ("a sniper,
#     likely regime, shot ...").
#     So does "by a sniper of X" (the agent is one of X's).
#   * "against/targeting/fighting/with/on X" before the trigger marks X as a target, so
#     "The coalition fighting ISIS launched strikes" still makes the coalition actor1; but
#     "wounds received from regime shelling": X right before the trigger is its doer.
#   * Active voice: actor1 is the nearest non-target mention before the trigger (nearest,
#     because news wraps events in reporting clauses: "the coalition said ISIS attacked");
#     actor2 is the first other actor after the trigger, else another one before it.
#     With no doer before the trigger, two actors after it are read as the two sides
#     ("clashes between the SDF and ISIS"), but a lone one as the object ("jets hit ISIS
#     targets" -> (None, Islamic State)): better no actor1 than the target as actor1.
#   * Passive voice (an agent, or "was/were/been ..." right before the trigger): actor1 is
#     the agent; actor2 is the subject before the trigger, else the first other after it.
#   * Civilians are never actor1 (ACLED codes civilians only as the victims of violence).
#   * No trigger: the first "by" agent, else the first mention, is actor1.
# Known misses: subordinate clauses ("X, which Y attacked, ..."), coreference ("the
# militants"), and countries used as actors ("Iraq launched an air strike") are not seen.
_BACKER = re.compile(
    r"\b(?:backed|supported|aided|assisted|helped|led|spearheaded|armed|trained|funded)\s+by\s+"
    r"(?:(?:the|its|their|his|her|allied|loyal|local)\s+)*$",
    re.I,
)
# "an area controlled by Islamist factions": who holds a place, not who did what there; a side
# of the event all the same, the one the place belongs to, so read as a target
_HOLDER = re.compile(
    r"\b(?:controlled|held|run|dominated|administered|occupied)\s+by\s+(?:(?:the|its|their|allied)\s+)*$",
    re.I,
)
# "A sniper, likely regime, shot ...": the doer named in a hedged aside after the word for it
_HEDGED = re.compile(
    r",\s*(?:most\s+)?(?:likely|possibly|probably|presumably|suspected|believed\s+to\s+be)\s+(?:the\s+)?$", re.I)
_AGENT = re.compile(
    r"\bby\s+(?:(?:the|a|an|suspected|alleged|apparently|reportedly|unidentified)\s+)*"
    r"(?:(?:\w+\s+){1,2}?(?:of|from)\s+(?:(?:the|an?)\s+)?)?$",  # "shot by a sniper of the regime forces"
    re.I,
)
_TARGET = re.compile(
    r"\b(?:against|targeting|targeted|fighting|battling|with|on|at|from|hit|hitting)\s+"
    r"(?:(?:the|a|an|its|their)\s+)?$",
    re.I,
)
_MODIFIES = re.compile(r"\s+(?:[a-z]+\s+)?")  # "regime shelling", "Russian aerial shelling"
_CAUSE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)  # died / wounds received from ...
_BETWEEN = re.compile(r"\bbetween\b", re.I)
_COORDINATED = re.compile(r"\s*(?:,\s*)?(?:and/or|and|or|,)\s+(?:the\s+)?(?:(?:its|their)\s+)?(?:allied\s+)?", re.I)
# "is" only in lower case: "IS controlled the village" is the Islamic State, not a passive
_PASSIVE_AUX = re.compile(r"\b(?:was|were|been|being|(?-i:is)|are|be)\s+(?:\w+ly\s+)?$", re.I)


def _cue(sentence: str, mention: ActorMention) -> str | None:
    before = sentence[max(0, mention.start - 60):mention.start]
    if _BACKER.search(before):
        return "backer"
    if _HOLDER.search(before):
        return "holder"
    if _AGENT.search(before) or _HEDGED.search(before):
        return "agent"
    if _TARGET.search(before):
        return "target"
    return None


def _holding_is_the_event(sentence: str, mention: ActorMention, trigger_start: int | None) -> bool:
    """Whether the participle of "held by <mention>" is the event's trigger word itself."""
    start = max(0, mention.start - 60)
    found = _HOLDER.search(sentence[start:mention.start])
    return trigger_start is not None and found is not None and start + found.start() == trigger_start


def _first(mentions, exclude) -> str | None:
    return next((m.actor for m in mentions if m.actor not in exclude), None)


def assign_roles(
    sentence: str, mentions: list[ActorMention], trigger_start: int | None
) -> tuple[str | None, str | None]:
    """(actor1, actor2): who did it to whom around the event trigger at ``trigger_start``.

    >>> s = "Six civilians were killed by regime airstrikes"
    >>> assign_roles(s, find_actors(s), s.index("killed"))
    ('Syrian government forces', 'Civilians')
    """
    cued = [(m, _cue(sentence, m)) for m in sorted(mentions, key=lambda m: m.start)]
    if trigger_start is not None:  # "died from regime shelling": the trigger's own modifier does it
        cued = [(m, None if c == "target" and _MODIFIES.fullmatch(sentence, m.end, trigger_start)
                 and _CAUSE.search(sentence, 0, m.start) else c) for m, c in cued]
    cued = [(m, c) for m, c in cued if c != "backer"]
    # "held by X" is X's doing where holding is the event itself ("The village is held by the
    # SDF"), else it only says whose the place is
    cued = [(m, ("agent" if _holding_is_the_event(sentence, m, trigger_start) else "target") if c == "holder" else c)
            for m, c in cued]
    agents = [m for m, c in cued if c == "agent" and m.actor != CIVILIANS]
    plain = [(m, c) for m, c in cued if c != "agent"]
    pivot = len(sentence) if trigger_start is None else trigger_start
    before = [(m, c) for m, c in plain if m.start < pivot]
    after = [(m, c) for m, c in plain if m.start >= pivot]
    passive = bool(agents) or (
        trigger_start is not None and bool(_PASSIVE_AUX.search(sentence[:trigger_start]))
    )
    if passive:
        after_agents = [m for m in agents if m.start >= pivot]
        actor1 = (after_agents or agents)[0].actor if agents else None
        actor2 = _first([m for m, _ in before + after], {actor1})
        return actor1, actor2
    if trigger_start is None:
        doers = [m for m, c in before if c != "target" and m.actor != CIVILIANS]
        actor1 = doers[0].actor if doers else _first([m for m, _ in before], {CIVILIANS})
        return actor1, _first([m for m, _ in before], {actor1})
    doers = [m for m, c in before if c != "target" and m.actor != CIVILIANS]
    if doers:
        last = end = len(doers) - 1
        while last and _COORDINATED.fullmatch(sentence, doers[last - 1].end, doers[last].start):
            last -= 1  # "Regime and Russian warplanes struck": the first of coordinated doers
        # but a state's forces before the militias beside them: ACLED codes a joint operation
        # under the state, the allies as associated ("FSA and Turkish forces launched ...")
        group = doers[last:end + 1]
        actor1 = next((m.actor for m in group if m.kind == "state"), group[0].actor)
    elif len({m.actor for m, _ in after}) >= 2 or (after and _BETWEEN.search(sentence, trigger_start, after[0][0].start)):
        # "clashes pitting rebels against regime troops"; "clashes between pro-regime fighters and
        # a brigade": the first side named is the doer, though the other has no name we know
        actor1 = _first([m for m, c in after if c != "target"], {CIVILIANS})
    else:  # "jets hit ISIS targets": a lone actor after the verb is its object
        actor1 = None
    actor2 = _first([m for m, _ in after], {actor1}) or _first([m for m, _ in before], {actor1})
    return actor1, actor2
