"""``python -m conflictmap.maps events.geojson -o map.html``: the same as ``conflictmap map``."""

import sys

from conflictmap.maps.cli import cli_main

sys.exit(cli_main())
