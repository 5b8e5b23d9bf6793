"""``conflictmap map events.geojson -o map.html``: the map as a click command.

``map_command`` is a plain click command, so geo/cli.py can register it with
``main.add_command(map_command)``; ``cli_main(argv)`` runs it alone (``python -m maps``).

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(map_command, ["/nonexistent/events.geojson", "-o", "/tmp/map.html"])
>>> result.exit_code, result.output.strip()
(1, 'Error: /nonexistent/events.geojson: no such file')
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click


@click.command("map")
@click.argument("events", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (replaced atomically).")
@click.option("--self-contained", is_flag=True,
              help="Inline every script and stylesheet and draw outlines under the tiles: the file opens "
                   "with no network. Libraries come from the npm registry once (python -m conflictmap.maps.assets fetch).")
@click.option("--title", default=None, help="Title shown on the map and as the page title.")
@click.option("--boundaries", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Polygons for the per-governorate layer [default: the packaged Syria/Iraq governorates].")
@click.option("--no-boundaries", is_flag=True, help="Leave out the per-governorate layer.")
@click.option("--strategy", type=click.Choice(["auto", "markers", "fast"]), default="auto", show_default=True,
              help="How markers are built: folium elements, in the browser (fast), or by size.")
def map_command(events, out, self_contained, title, boundaries, no_boundaries, strategy):
    """Draw EVENTS (a GeoJSON file from `conflictmap run`) as an interactive HTML map."""
    from conflictmap.maps.assets import AssetError
    from conflictmap.maps.boundaries import BoundariesError
    from conflictmap.maps.io import EventsFileError, read_events
    from conflictmap.maps.render import render

    try:
        gdf = read_events(events)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = render(gdf, out, title=title, self_contained=self_contained,
                          boundaries=False if no_boundaries else boundaries, strategy=strategy)
    except (EventsFileError, BoundariesError, AssetError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write it: {exc.strerror or exc}") from exc
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    click.echo(f"{len(gdf)} events -> {path} ({path.stat().st_size:,} bytes)", err=True)


def cli_main(argv=None) -> int:
    """Run the map command with ``argv``; returns the exit status instead of exiting."""
    try:
        map_command.main(args=list(argv) if argv is not None else None, prog_name="conflictmap map",
                         standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0

