"""The theatre conflictmap covers first, and its neighbours: used by the build (which towns to
keep), the ranking (which to prefer) and event assembly (where events may lie)."""

THEATRE = ("SY", "IQ")
NEIGHBOURS = ("TR", "JO", "LB", "IL", "PS", "SA", "KW", "IR")
