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

Measured on the ACLED dev notes (``eval/score_acled.py``), see the README for the figures.
A run of unrelated articles (local news from many towns, where "Athens" is Greece in one and
Tennessee in another) is the case against it: ``agree_across_articles=False`` in
:func:`geo.pipeline.process_documents` (``--each-article-alone``) resolves each alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from conflictmap.gazetteer.names import name_key

from .resolve import ADMIN_KINDS, BROAD_KINDS, PlaceMention

DOUBT = 0.7  # below this ranker score a mention may follow the collection
MAJORITY = 0.5  # the share of a name's summed score its collection's place must hold
CLOSE = 0.5  # and the place it moves to must have at least this share of its own ranker score
_WIDE = frozenset((*ADMIN_KINDS, *BROAD_KINDS))

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

    def count(self, votes: Iterable[Vote]) -> None:
        for key, place_id, score in votes:
            self._votes[key][place_id] += score

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
