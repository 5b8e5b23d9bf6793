"""The actors conflictmap knows, kept as data in one file: ``conflictmap/data/actors.json``.

Each entry says an actor's canonical name (what ``actor1`` and ``actor2`` hold), its kind
("state", "non-state", "coalition", "protesters", "civilians"), its country (ISO 3166 alpha-2,
null for multinational or stateless actors), whether it flies aircraft (an air strike can be
attributed to it), whether it fights in its own country alone ("home_only": a place abroad in
an article that names it is a namesake of a place the gazetteer lacks), its map colour
("#rrggbb"; without one the map derives a stable colour from the name), the aliases reporters
use, the groups coded as its associated actors, the modifiers that name it before a force
noun ("Turkish" jets, "rebel and Islamist" factions), and its generic words: a mention that
opens with one ("coalition jets") is another actor of its kind when the article has named
that one in full before ("the Saudi-led coalition ... coalition jets").
``conflictmap.geo`` reads the names, kinds and aliases to find actors in text;
``conflictmap.maps`` reads the names and colours. Here, in the root package, because the map
may not import geo. Standard library only.

>>> [(e["name"], e["kind"], e.get("color")) for e in read_actors()][:2]
[('US-led coalition', 'coalition', '#1f6fd1'), ('Islamic State', 'non-state', '#1a1a1a')]
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

ACTORS_FILE = Path(__file__).with_name("data") / "actors.json"


@lru_cache(maxsize=8)
def read_actors(path: str | Path | None = None) -> tuple[dict, ...]:
    """The entries of the actor file (the packaged one when ``path`` is None), in file order;
    cached per path, so treat them as read-only."""
    with open(path or ACTORS_FILE, encoding="utf-8") as fh:
        return tuple(json.load(fh))
