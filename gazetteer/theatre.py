"""The theatre conflictmap covers first, and its neighbours: used by the build (which towns to
keep), the ranking (which to prefer) and event assembly (where events may lie). The codes are
defined once, in :mod:`conflictmap.theatre`, which the map reads too."""

from conflictmap.theatre import NEIGHBOURS, THEATRE

__all__ = ["NEIGHBOURS", "THEATRE"]
