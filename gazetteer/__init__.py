"""Local gazetteer for conflictmap: GeoNames / Who's On First places in an embedded SQLite file,
looked up by transliteration-aware name keys. Knows nothing about news text.

>>> from conflictmap.gazetteer import lookup
>>> lookup("Kobani")[0].name
"'Ayn al 'Arab"
"""

from .lookup import Candidate, Gazetteer, default_gazetteer, lookup
from .names import name_key, skeleton
from .store import GazetteerError, default_db_path

__all__ = ["Candidate", "Gazetteer", "GazetteerError", "default_db_path", "default_gazetteer", "lookup", "name_key", "skeleton"]
