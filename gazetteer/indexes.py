"""The indexes the build computes once so that a run reads them row by row instead of
scanning 300,000 names at every start (and again in every worker).

- ``name_keys``: per name key, how notable its most notable place is and whether one lies in
  the theatre (:class:`gazetteer.lookup.NameEntry`): what the text scanner asks of every
  capitalised run of words.
- ``division_keys``: per first-order division, the keys of its places: the few hundred a name
  the text puts in that province is compared with (:meth:`gazetteer.lookup.Gazetteer.spelt_nearest_in`).
- ``fuzzy_blocks``: the keys a misspelt name is compared with, blocked by region (the theatre
  and its neighbours first, the world only when they have nothing), by the first two letters,
  then one, and by length; one miss compares hundreds of keys, not 300,000.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from .theatre import NEIGHBOURS, THEATRE

REGIONS = ("near", "world")  # searched in this order
KEY_SEPARATOR = "\n"  # name keys are single-line
# Countries, continents and regions: places readers know by their names, and context rather
# than a point an event can stand at
BROAD_KINDS = ("country", "continent", "region")
# division_keys holds the places a division's name may be misspelt for, not the division itself
BROAD_OR_DIVISION = (*BROAD_KINDS, "admin1")


def region_of(country: str | None) -> str:
    return "near" if country in THEATRE + NEIGHBOURS else "world"


def prefixes(key: str) -> tuple[str, str]:
    """The blocks a key is searched in: its first two letters, then its first letter (the
    blocks of every two letters starting with it; each key is stored once, under its first two)."""
    return key[:2], key[:1]


def write_indexes(con: sqlite3.Connection, known: dict[str, float] | None = None) -> None:
    """Fill name_keys and fuzzy_blocks from the places and names tables; ``known``: key ->
    importance of names readers know a place by although not its own (a country's English
    names: "Netherlands", "Côte d'Ivoire", "Burma"; ``Place.known``)."""
    marks = ",".join("?" * len(THEATRE))
    # Outside the theatre only a place's own name, a curated alias or a continent's English
    # name counts: "Car" is one of Kerman's many alternate names, but no reader means Kerman
    # by it, nor Iceland by "Island".
    con.execute(
        f"INSERT INTO name_keys SELECT n.key, max(CASE WHEN coalesce(p.country, '') IN ({marks}) OR n.alias = 1 "
        f"OR n.name = p.name OR p.kind = 'continent' THEN p.importance ELSE 0 END), "
        f"max(coalesce(p.country, '') IN ({marks})) "
        "FROM names n JOIN places p ON p.id = n.place GROUP BY n.key", THEATRE + THEATRE)
    con.executemany("UPDATE name_keys SET importance = max(importance, ?) WHERE key = ?",
                    [(importance, key) for key, importance in sorted((known or {}).items())])
    divisions = defaultdict(set)
    for country, admin1, key in con.execute(
            "SELECT p.country, p.admin1, n.key FROM names n JOIN places p ON p.id = n.place WHERE p.country IS NOT NULL "
            f"AND p.admin1 IS NOT NULL AND p.kind NOT IN ({','.join('?' * len(BROAD_OR_DIVISION))})", BROAD_OR_DIVISION):
        divisions[country, admin1].add(key)
    con.executemany("INSERT INTO division_keys VALUES (?, ?, ?)",
                    ((*division, KEY_SEPARATOR.join(sorted(keys))) for division, keys in sorted(divisions.items())))
    blocks = defaultdict(set)
    for key, country in con.execute("SELECT DISTINCT n.key, p.country FROM names n JOIN places p ON p.id = n.place"):
        blocks[region_of(country), key[:2], len(key)].add(key)
    con.executemany("INSERT INTO fuzzy_blocks VALUES (?, ?, ?, ?)",
                    ((*block, KEY_SEPARATOR.join(sorted(keys))) for block, keys in sorted(blocks.items())))
