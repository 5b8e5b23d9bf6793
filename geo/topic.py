"""What a sentence is about, as against where it happened: a protest's topic.

"Hundreds rallied in Qamishli in protest of the shelling of Afrin": the protest is in
Qamishli; Afrin, and the shelling, are what it protests. :func:`protest_topic` finds the words
that turn from the one to the other; geo.nlp gives the places after them role "topic" (no event
there) and geo.events reads no trigger in them.
"""

from __future__ import annotations

import re

# Words that make a sentence one about a protest, and the words that turn from where it was to
# what it protests: "rallied in Qamishli in protest of", "a sit-in in Idlib in solidarity with",
# "marched in Mosul, condemning". "In support of" alone is no turn: "jets flew over Raqqa in
# support of the troops advancing on Hajin" is no protest.
PROTEST_WORDS = re.compile(r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied|ying)|march(?:ed|es|ing)?|sit-ins?|vigils?)\b", re.I)
TOPIC = re.compile(r"\b(?:in\s+(?:protest|solidarity|support)\s+(?:of|with|against|at|over|for)|"
                   r"protest(?:s|ed|ing)?\s+(?:against|over)|denounc(?:ing|ed)|condemn(?:ing|ed)|"
                   r"to\s+(?:protest|denounce|condemn))\b", re.I)


def protest_topic(sentence: str) -> tuple[int, int] | None:
    """Where, in a sentence about a protest, the words saying what it protests stand (:data:`TOPIC`):
    their start and end; None in other sentences."""
    about = TOPIC.search(sentence)
    if about is None or not PROTEST_WORDS.search(sentence, 0, about.end()):
        return None
    return about.span()
