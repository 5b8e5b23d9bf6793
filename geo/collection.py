"""What a collection of articles says about a name: where its articles agree, a doubtful one follows.

A note that says only "the village of al-Bahra" leaves the ranker choosing among the villages
of that name, and a coin toss picks one hundreds of kilometres from the others. The same run
often names the same village in other articles with the context that settles it ("al-Bahra
town in eastern Deir-ez-Zor"). A run therefore counts, for each name (its key, so spellings
fold together), the ranker's score of each place the name was resolved to, summed over every
article; a mention the ranker is unsure of (score below :data:`DOUBT`) whose name the run
gives mostly to another place (more than :data:`MAJORITY` of the name's summed score) takes
that place, provided the ranker itself would accept it there (it is among the mention's
rivals: candidates at the ranker's threshold or above) and found it nearly as likely (at
least :data:`CLOSE` of the score of the place it chose): the run settles near ties, it does
not overrule an article's own evidence. Without that last condition a Texas paper's many
"Gainesville"s moved a Florida article's (LGL). Towns only: a province or country found is
never swapped, nor a mention found by an area's name ("Eastern Ghouta").

An outlet reports from somewhere too. A local paper's "Athens" is its own town in Texas, not
the Greek capital, and its other articles say so: most of them name places in one province.
:class:`OutletHomes` counts, per outlet (the article's source, else its URL's host), the
provinces each of its articles' places lie in; where more than :data:`OUTLET_SHARE` of an
outlet's other articles (at least :data:`OUTLET_ARTICLES`) name one province, that is its
home, and an article with a name that may lie there but was placed elsewhere, or nowhere, is
read again with its home named beside it, as a dateline names it (:func:`second_look`): the
ranker weighs the name's candidates as it weighs them in an article that names its state.
Wire services and ACLED's own notes name many provinces and have no home.

Measured on the ACLED dev notes (``eval/score_acled.py``), see the README for the figures.
A run of unrelated articles (local news from many towns, where "Athens" is Greece in one and
Tennessee in another) is the case against it: ``agree_across_articles=False`` in
:func:`geo.pipeline.process_documents` (``--each-article-alone``) resolves each alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

from conflictmap.gazetteer.names import name_key

from .document import Document
from .resolve import ADMIN_KINDS, BROAD_KINDS, PlaceMention, resolve_mentions

if TYPE_CHECKING:
    from conflictmap.gazetteer import Gazetteer

    from .geocode import FallbackGeocoder

DOUBT = 0.7  # below this ranker score a mention may follow the collection
MAJORITY = 0.5  # the share of a name's summed score its collection's place must hold
CLOSE = 0.5  # and the place it moves to must have at least this share of its own ranker score
_WIDE = frozenset((*ADMIN_KINDS, *BROAD_KINDS))
OUTLET_SHARE = 0.5  # an outlet's home: a province more than this share of its other articles name
OUTLET_ARTICLES = 2  # and it has at least this many other articles in the run

Vote = tuple[str, str, float]  # (name key, place id, ranker score)


def votes_of(mentions: Iterable[PlaceMention]) -> list[Vote]:
    """What one article's mentions say: each placed by the ranker (not by the geocoder or the
    province fallback) votes for its place with its score."""
    return [(name_key(m.text), m.place.place_id, m.score) for m in mentions
            if m.place is not None and m.place_source == "gazetteer" and not m.fallback]


def doubtful(m: PlaceMention) -> bool:
    """Whether the collection may move ``m``: a town the ranker is unsure of, with rivals."""
    return (m.place is not None and m.place_source == "gazetteer" and not m.fallback and m.score < DOUBT
            and m.place.kind not in _WIDE and m.place.precision == 1 and bool(m.rivals))


class NameVotes:
    """Per name key, the summed score of each place a run's mentions of it were resolved to."""

    def __init__(self) -> None:
        self._votes: dict[str, Counter] = defaultdict(Counter)

    def count(self, votes: Iterable[Vote], sign: int = 1) -> None:
        """Count an article's votes (``sign`` -1: take back votes counted before)."""
        for key, place_id, score in votes:
            counted = self._votes[key]
            counted[place_id] += sign * score
            if counted[place_id] <= 1e-9:  # taken back
                del counted[place_id]

    def choice(self, text: str) -> str | None:
        """The place id the run gives the name ``text`` mostly, else None."""
        votes = self._votes.get(name_key(text))
        if not votes:
            return None
        place_id, score = votes.most_common(1)[0]
        return place_id if score > MAJORITY * sum(votes.values()) else None


def agree(mentions: list[PlaceMention], votes: NameVotes) -> int:
    """Move each doubtful mention to the place the collection gives its name, where that place
    is one of its rivals and a town. Returns how many moved."""
    moved = 0
    for m in mentions:
        if not doubtful(m) or (choice := votes.choice(m.text)) in (None, m.place.place_id):
            continue
        k = next((k for k, (c, _) in enumerate(m.rivals) if c.place_id == choice), None)
        if k is None:
            continue
        place, score = m.rivals[k]
        if place.kind in _WIDE or place.precision != 1 or score < CLOSE * m.score:
            continue
        m.rivals = sorted([(m.place, m.score), *m.rivals[:k], *m.rivals[k + 1:]], key=lambda r: -r[1])
        m.place, m.score = place, score
        moved += 1
    return moved


def outlet_of(document: Document) -> str | None:
    """Who published the article: its source ("Reuters", "The Town Talk"), else its URL's host.

    >>> outlet_of(Document("1", "", url="https://www.thetowntalk.com/article/1"))
    'thetowntalk.com'
    """
    if document.source and document.source.strip():
        return document.source.strip().casefold()
    host = urlsplit(document.url or "").hostname
    return host.removeprefix("www.") if host else None


def provinces_named(mentions: Iterable[PlaceMention]) -> frozenset[tuple[str, str]]:
    """The (country, province) of each place the ranker found for an article: towns and
    divisions, not countries or regions."""
    return frozenset((m.place.country, m.place.admin1) for m in mentions
                     if m.place is not None and m.place_source == "gazetteer" and not m.fallback
                     and m.place.admin1 and m.place.kind not in BROAD_KINDS)


class OutletHomes:
    """Per outlet, the provinces each of its articles named, in the order counted."""

    def __init__(self) -> None:
        self._articles: dict[str, list[frozenset]] = defaultdict(list)
        self._named: dict[str, Counter] = defaultdict(Counter)  # per outlet: how many articles name each province

    def count(self, outlet: str, provinces: frozenset) -> int:
        """Count one article of ``outlet``; returns its number among the outlet's articles."""
        self._articles[outlet].append(provinces)
        self._named[outlet].update(provinces)
        return len(self._articles[outlet]) - 1

    def home(self, outlet: str, number: int) -> tuple[str, str] | None:
        """The province more than OUTLET_SHARE of the outlet's other articles name, and more
        of them than name any other (article ``number`` left out: its own places are in it
        already), else None."""
        articles = self._articles.get(outlet, [])
        others = len(articles) - 1
        if others < OUTLET_ARTICLES:
            return None
        own = articles[number]
        named = sorted(((n - (p in own), p) for p, n in self._named[outlet].items()), reverse=True)[:2]
        if not named or named[0][0] <= OUTLET_SHARE * others or (len(named) > 1 and named[1][0] == named[0][0]):
            return None  # no province most name, or two as many
        return named[0][1]


def may_lie_at_home(m: PlaceMention) -> bool:
    """Whether naming an outlet's home could move ``m``: its name may lie in more than one province."""
    return len(m.provinces) > 1


def away_from_home(mentions: Iterable[PlaceMention], home: tuple[str, str]) -> bool:
    """Whether a name of the article may lie in ``home`` but was placed elsewhere, or nowhere."""
    return any(home in m.provinces and (m.place is None or m.fallback or (m.place.country, m.place.admin1) != home)
               for m in mentions)


def second_look(mentions: list[PlaceMention], home: tuple[str, str], gaz: Gazetteer,
                geocoder: FallbackGeocoder | None = None) -> list[PlaceMention]:
    """The article's mentions as read, resolved again with its outlet's home province named
    beside them as a dateline (no event there, and not among those returned)."""
    fresh = [m.as_read() for m in mentions]
    if not fresh:
        return fresh
    dateline = PlaceMention(doc_id=mentions[0].doc_id, text=home[1], sentence=home[1], sentence_index=-1,
                            start_char=-1, end_char=-1, cue=None, precision=1, role="dateline")
    resolve_mentions([*fresh, dateline], gaz, geocoder=geocoder)
    return fresh


def look_again(mentions: list[PlaceMention], outlet: str | None, number: int | None, homes: OutletHomes,
               votes: NameVotes, gaz: Gazetteer, geocoder: FallbackGeocoder | None = None) -> list[PlaceMention] | None:
    """The article's :func:`second_look` where its outlet has a home a name of it may lie in but
    was not placed in, its votes counted anew; None where nothing calls for one."""
    home = homes.home(outlet, number) if outlet is not None and number is not None else None
    if home is None or not away_from_home(mentions, home):
        return None
    again = second_look(mentions, home, gaz, geocoder)
    votes.count(votes_of(mentions), -1)
    votes.count(votes_of(again))
    return again
