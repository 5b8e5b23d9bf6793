"""``python -m maps events.geojson -o map.html``: the same as ``conflictmap map``."""

import sys

from maps.cli import cli_main

sys.exit(cli_main())
