"""One colour per actor, the same in every map: the actor file's colours (:mod:`conflictmap.lexicon`),
then a stable hash colour.

The colour of an actor never depends on which other actors a map holds, so two maps of
different weeks can be compared side by side.

>>> actor_color("Islamic State")
'#1a1a1a'
>>> actor_color("Hezbollah") == actor_color("Hezbollah") and actor_color("Hezbollah").startswith("#")
True
>>> actor_order(["Hezbollah", "SDF", "Unknown actor", "Islamic State"])
['Islamic State', 'SDF', 'Hezbollah', 'Unknown actor']
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections.abc import Iterable

from conflictmap.lexicon import read_actors
from conflictmap.maps.values import UNKNOWN_ACTOR

# The actors geo/ names most often, each in a colour that reads on OpenStreetMap tiles and
# stays apart from its likely opponents (coalition blue vs IS black, SDF yellow vs Turkish
# orange, government red vs rebel brown): the "color" of their entries in the actor file, in
# its order, which is also the legend's.
KNOWN_ACTOR_COLORS: dict[str, str] = {e["name"]: e["color"] for e in read_actors() if e.get("color")}
UNKNOWN_ACTOR_COLOR = "#8a8a8a"

_BY_KEY = {name.casefold(): color for name, color in KNOWN_ACTOR_COLORS.items()}
_HEX = re.compile(r"#[0-9a-f]{6}")


def actor_color(actor: str | None) -> str:
    """The "#rrggbb" colour of ``actor``: its palette colour, else one derived from its name."""
    if actor is None or actor == UNKNOWN_ACTOR:
        return UNKNOWN_ACTOR_COLOR
    known = _BY_KEY.get(actor.strip().casefold())
    if known:
        return known
    # md5, not hash(): Python salts str hashes per process, a map must not change colour.
    digest = hashlib.md5(actor.strip().casefold().encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.36 + digest[2] / 255 * 0.16
    saturation = 0.55 + digest[3] / 255 * 0.3
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(round(red * 255), round(green * 255), round(blue * 255))


def is_hex_color(value: str) -> bool:
    return bool(_HEX.fullmatch(value))


def actor_order(actors: Iterable[str], counts: dict[str, int] | None = None) -> list[str]:
    """Actors as the map lists them: palette order, then the others (most events first,
    then by name), "Unknown actor" last."""
    counts = counts or {}
    known_rank = {name.casefold(): i for i, name in enumerate(KNOWN_ACTOR_COLORS)}

    def key(name: str):
        if name == UNKNOWN_ACTOR:
            return (2, 0, 0, "")
        rank = known_rank.get(name.casefold())
        if rank is not None:
            return (0, rank, 0, "")
        return (1, 0, -counts.get(name, 0), name.casefold())

    return sorted(set(actors), key=key)
