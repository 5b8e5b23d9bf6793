"""The command line reads its choices and defaults from where they are defined (no copies),
so those modules must stay light: importing the CLI loads no NLP, GIS, map or HTTP library."""

import subprocess
import sys

HEAVY = ("spacy", "geopandas", "pandas", "folium", "geopy", "shapely", "pyogrio")


def test_cli_starts_without_heavy_libraries():
    code = f"import sys, conflictmap.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
