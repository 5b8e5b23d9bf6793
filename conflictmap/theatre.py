"""The theatre conflictmap covers first, and its neighbours: ISO 3166 alpha-2 codes.

The gazetteer build keeps their towns whatever their size, the ranking prefers them, event
assembly keeps events inside them, and the map ships their governorate polygons. Defined here,
in the root package, because both the gazetteer and the map (which may not import each other)
read it; ``conflictmap.gazetteer.theatre`` gives the same names.

>>> [THEATRE_NAMES[code] for code in THEATRE]
['Syria', 'Iraq']
"""

THEATRE = ("SY", "IQ")
NEIGHBOURS = ("TR", "JO", "LB", "IL", "PS", "SA", "KW", "IR")
THEATRE_NAMES = {"SY": "Syria", "IQ": "Iraq"}
