"""The ``conflictmap`` command line.

Heavy libraries (spaCy, geopandas) are imported inside the commands that need them, so a
gazetteer lookup starts in a fraction of a second.
"""

from __future__ import annotations

import importlib
import io
import json
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

import click

# Light modules only (no spaCy, geopandas, folium or geopy): they give the options' choices and
# defaults; the commands import the heavy ones when they run.
from conflictmap.geo.document import MAX_DOCUMENT_CHARS
from conflictmap.geo.geocode import GEOCODER_CHOICES
from conflictmap.geo.resolve import MIN_SCORE

LOOKUP_FIELDS = ("query", "name", "lat", "lon", "place_id", "country", "admin1", "kind", "score")


def geocoder_options(default: str):
    """The options that choose and configure the online geocoder fallback (geo.geocode)."""
    options = [
        click.option("--geocoder", type=click.Choice(GEOCODER_CHOICES), default=default, show_default=True,
                     help="Online geocoder (geopy) for places the gazetteer cannot resolve; none sends nothing."),
        click.option("--geocoder-url", metavar="URL", default=None,
                     help="A self-hosted server, e.g. http://localhost:8080 [default: the service's public one]."),
        click.option("--user-agent", metavar="UA", default=None, envvar="CONFLICTMAP_USER_AGENT",
                     help="User-Agent naming your application, ideally with a contact "
                          "[default: $CONFLICTMAP_USER_AGENT or conflictmap/VERSION]."),
        click.option("--cache", "geocode_cache", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="SQLite file of geocoder answers [default: $CONFLICTMAP_GEOCODE_CACHE or "
                          "~/.cache/conflictmap/geocode.sqlite]."),
        click.option("--geocoder-timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
                     help="Seconds to wait for one answer."),
        click.option("--geocoder-retries", type=click.IntRange(0, 10), default=2, show_default=True,
                     help="Retries of a failed request, with backoff (2 s, doubling; a 429's Retry-After is honoured)."),
    ]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def open_geocoder(geocoder, geocoder_url, user_agent, geocode_cache, geocoder_timeout, geocoder_retries):
    """The FallbackGeocoder the options ask for, or None for --geocoder none (nothing opened)."""
    if geocoder == "none":
        return None
    from conflictmap.geo.geocache import GeocodeCacheError
    from conflictmap.geo.geocode import GeocoderConfigError, open_geocoder as _open

    try:
        return _open(geocoder, url=geocoder_url, user_agent=user_agent, cache_path=geocode_cache,
                     timeout=geocoder_timeout, retries=geocoder_retries)
    except GeocoderConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    except GeocodeCacheError as exc:
        raise click.ClickException(str(exc)) from exc


class LazyGroup(click.Group):
    """Commands from other packages, imported only when used: `gazetteer lookup` must start
    without loading folium and geopandas."""

    lazy = {"map": "conflictmap.maps.cli:map_command"}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx, name):
        if name in self.lazy:
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflictmap")
def main():
    """Turn English war reporting into geocoded events and maps."""


@main.group()
def gazetteer():
    """Build and query the local gazetteer (GeoNames / Who's On First, offline)."""


@gazetteer.command("build")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Database to write [default: the package's gazetteer.sqlite, or $CONFLICTMAP_GAZETTEER].")
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with wof_sy_iq_places.jsonl.gz and the GeoNames admin code files "
                   "[default: $CONFLICTMAP_SOURCES; from a source checkout with the project's shared/ folder "
                   "beside it, ../shared/data/gazetteer-sources; an installed package needs one of the first two].")
@click.option("--geonames-dump", "dumps", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A GeoNames country dump (19-column format, e.g. YE.txt) to add; repeatable.")
@click.option("--world-min-population", type=click.IntRange(min=0), default=0, show_default=True,
              help="Towns outside Syria, Iraq and their neighbours are kept from this population up "
                   "(0: every town of the packaged GeoNames data, 500 people and more).")
def gazetteer_build(out, sources, dumps, world_min_population):
    """Rebuild the gazetteer database from its sources (atomic: the old file stays until done)."""
    from conflictmap.gazetteer.build import BuildError, build
    from conflictmap.gazetteer.store import default_db_path

    out = out or default_db_path()
    try:
        counts = build(out=out, sources=sources, geonames_dumps=dumps, world_min_population=world_min_population)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {out}: {counts['places']} places, {counts['names']} names, {counts['aliases']} curated aliases, "
               f"{counts['countries']} countries, {counts['admin1']} first-order divisions", err=True)


@gazetteer.command("lookup")
@click.argument("names", nargs=-1)
@click.option("--country", metavar="CC", default=None, help="Only places in this country (ISO 3166 alpha-2, e.g. IQ).")
@click.option("--limit", type=click.IntRange(min=1, max=100), default=1, show_default=True, help="Candidates per name.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Gazetteer database to read.")
@click.option("--fallback", is_flag=True,
              help="Ask the online geocoder (--geocoder) for names the gazetteer cannot resolve; adds a source field.")
@click.option("--fallback-below", type=click.FloatRange(0, 1), default=MIN_SCORE, show_default=True,
              help="With --fallback: a best gazetteer score below this counts as not resolved.")
@geocoder_options(default="nominatim")
def gazetteer_lookup(names, country, limit, fmt, db, fallback, fallback_below, **geocoder_settings):
    """Resolve place NAMEs (or one name per line of standard input) to places.

    With --format jsonl, exactly one JSON object is written per input name, in order;
    "lat" is null when nothing matches. With --fallback, names the gazetteer cannot resolve go
    to the geocoder (within --country, else Syria and Iraq) and a last field "source" says
    where the answer came from: gazetteer, geocoder or cache (null when nothing matched).
    """
    from conflictmap.gazetteer import Gazetteer, GazetteerError

    try:
        gaz = Gazetteer(db)
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc
    geocoder = open_geocoder(**geocoder_settings) if fallback else None
    try:
        _lookup_names(gaz, names, country, limit, fmt, fallback, fallback_below, geocoder)
    finally:
        if geocoder is not None:
            _echo_geocoder_summary(geocoder)
            geocoder.close()


def _lookup_names(gaz, names, country, limit, fmt, fallback, fallback_below, geocoder):
    context = None
    if geocoder is not None:
        from conflictmap.geo.geocode import ArticleContext
        from conflictmap.geo.resolve import in_gazetteer_terms

        context = ArticleContext.of([], countries=[country] if country else ())
    fields = LOOKUP_FIELDS + (("source",) if fallback else ())
    if names:
        queries = iter(names)
    else:
        # Undecodable bytes become U+FFFD: a bad line is answered, not a traceback.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        queries = (line.rstrip("\r\n") for line in stdin)

    out = sys.stdout
    if fmt == "table":
        out.write("\t".join(fields) + "\n")
    if fmt == "json":
        out.write("[")
    for i, query in enumerate(queries):
        found = gaz.candidates(query, country=country, limit=limit)
        source = "gazetteer" if found else None
        if geocoder is not None and (not found or found[0].score < fallback_below):
            located = geocoder.locate(query, context)
            if located is not None:  # else the gazetteer's weak candidates, if any, stand
                found, source = [in_gazetteer_terms(gaz, located.place)], located.source
        records = [lookup_record(query, c) for c in found] or [lookup_record(query, None)]
        if fmt == "jsonl" or fmt == "json":
            record = dict(records[0])
            if limit > 1:
                record["alternatives"] = records[1:] if found else []
            if fallback:
                record["source"] = source
            out.write(("," if fmt == "json" and i else "") + json.dumps(record, ensure_ascii=False) + "\n")
        else:
            for record in records:
                record["source"] = source
                out.write("\t".join("" if record[f] is None else _cell(record[f]) for f in fields) + "\n")
    if fmt == "json":
        out.write("]\n")


def _dask_address(ctx, param, value):
    """--dask: local:N or a scheduler address (a usage error else)."""
    if value is None:
        return None
    from conflictmap.geo.cluster import parse_address

    try:
        parse_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value.strip()


@main.command("run")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for events.geojson, events.gpkg, events.csv, mentions.geojson, report.json and map.html, "
                   "replaced as one set (see above).")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date (YYYY-MM-DD) for inputs that state none. Without it such articles get no absolute dates.")
@click.option("--max-chars", type=click.IntRange(min=1), default=MAX_DOCUMENT_CHARS, show_default=True,
              help="Longest article read, in characters; a longer one is reported as a bad input and skipped.")
@click.option("--offline", is_flag=True, help="No network at all: no geocoder (the default pipeline never uses it).")
@click.option("--model", default=None, help="A spaCy model to add its GPE/LOC/FAC entities (e.g. en_core_web_sm), when installed.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes on this machine: the pipeline is loaded once and forked; the same events as one.")
@click.option("--dask", "dask_address", metavar="ADDRESS", default=None, callback=_dask_address,
              help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or local:N (N worker processes "
                   "started for the run). Workers need conflictmap[dask] and the gazetteer (--db at the same path, "
                   "else their own default).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Gazetteer database to read.")
@click.option("--no-map", is_flag=True, help="Do not write map.html (an older one in --out goes with the old set).")
@click.option("--each-article-alone", is_flag=True,
              help="Resolve every article by itself. By default a place name the ranker is unsure of (two villages "
                   "of that name, nothing in the article to choose) takes the place the run's other articles give "
                   "it; such articles are written after the others.")
@click.option("--self-contained", is_flag=True,
              help="map.html opens with no network: libraries inlined (fetched once from the npm registry, "
                   "see `python -m conflictmap.maps.assets fetch`), outlines drawn under the tiles.")
@geocoder_options(default="none")
def run_command(inputs, out_dir, published, max_chars, offline, model, workers, dask_address, db, no_map,
                each_article_alone, self_contained, **geocoder_settings):
    """Extract geocoded events from articles: .txt files, folders, .jsonl or .csv with a text field.

    Bad inputs are reported as path:line: reason on stderr and skipped. Exit status 0 when all
    inputs were used, 1 when some were rejected or the disk filled up, 2 for a usage error,
    which includes an --out that cannot be written (said before any article is read), 130 when
    interrupted. Geocoder faults do not change the exit status: the places stay unresolved and
    report.json counts them.

    The outputs are written as one set into a hidden folder beside --out, then swapped in with
    a single rename: an interruption, a full disk, a crash or a second run into the same folder
    leaves either the whole previous set or the whole new one. If --out holds other files than
    conflictmap's (or is the current folder, a mount point or a symbolic link), the outputs are
    written inside it and replaced one by one instead, the other files left alone.
    """
    if offline and geocoder_settings["geocoder"] != "none":
        raise click.UsageError(f"--offline sends nothing; it cannot be combined with --geocoder {geocoder_settings['geocoder']}")
    if dask_address is not None:
        _check_dask_usage(geocoder_settings["geocoder"])
    if workers > 1 and geocoder_settings["geocoder"] != "none":
        raise click.UsageError(f"--workers {workers} runs without the online geocoder (--geocoder "
                               f"{geocoder_settings['geocoder']}): its rate limit and cache belong to one process; "
                               "drop --geocoder or --workers")
    from conflictmap.geo.spill import OutputFolder, OutputFolderError

    # SIGTERM ends the run like Ctrl-C: nothing half-written, and a word on how far it got.
    previous_handler = signal.signal(signal.SIGTERM, signal.default_int_handler)
    folder = None
    try:
        try:  # before anything is read: an unwritable --out should not cost a whole run
            folder = OutputFolder(out_dir)
        except OutputFolderError as exc:
            raise click.BadParameter(str(exc), param_hint="'--out'") from exc
        from conflictmap.gazetteer import Gazetteer, GazetteerError

        try:
            gaz = Gazetteer(db)
        except GazetteerError as exc:
            raise click.ClickException(str(exc)) from exc
        geocoder = open_geocoder(**geocoder_settings)
        dask = None
        try:
            if dask_address is not None:  # before anything is read, like --out
                dask = _open_dask(dask_address, db, gaz, model, not each_article_alone)
            _run(inputs, out_dir, folder, published, max_chars, offline, model, workers, no_map, self_contained, gaz,
                 geocoder, dask, agree=not each_article_alone)
        finally:
            if dask is not None:
                dask.close()
            if geocoder is not None:
                geocoder.close()
    except KeyboardInterrupt:  # while starting; _run says how far it got once reading began
        click.echo(f"interrupted after 0 articles; {out_dir} {_UNCHANGED}", err=True)
        sys.exit(130)
    finally:
        if folder is not None:
            folder.discard()
        signal.signal(signal.SIGTERM, previous_handler)


_UNCHANGED = "was not changed (previous outputs, if any, are intact)"


def _check_dask_usage(geocoder: str) -> None:
    ctx = click.get_current_context()
    if ctx.get_parameter_source("workers") not in (None, click.core.ParameterSource.DEFAULT):
        raise click.UsageError("--dask and --workers do not go together: with --dask the cluster's workers do the "
                               "work (local:N starts N of them)")
    if geocoder != "none":
        raise click.UsageError(f"--dask runs without the online geocoder (--geocoder {geocoder}): its rate limit "
                               "and cache belong to one process; drop --geocoder or --dask")
    from conflictmap.geo.cluster import DaskUnavailable, require_distributed

    try:
        require_distributed()
    except DaskUnavailable as exc:
        raise click.UsageError(f"--dask: {exc}") from exc


def _open_dask(address: str, db, gaz, model, agree: bool = True):
    """The DaskRunner for --dask: the local cluster started or the scheduler reached."""
    from conflictmap.gazetteer.store import default_db_path
    from conflictmap.geo.cluster import DaskRunner, parse_address

    local = isinstance(parse_address(address), int)
    # A local cluster opens this very file; remote workers open --db at the same path, else their own default.
    workers_db = Path(gaz.path or default_db_path()).resolve() if local else (Path(db).resolve() if db else None)
    try:
        return DaskRunner(address, db=workers_db, model=model, agree_across_articles=agree)
    except (OSError, TimeoutError) as exc:
        what = "start a local Dask cluster" if local else "reach the Dask scheduler at"
        raise click.ClickException(f"cannot {what} {address}: {exc}") from exc
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc


def _run(inputs, out_dir, folder, published, max_chars, offline, model, workers, no_map, self_contained, gaz, geocoder,
         dask=None, agree=True):
    from tqdm import tqdm

    from conflictmap.geo.ingest import read_documents
    from conflictmap.geo.pipeline import process_documents, write_results
    from conflictmap.geo.spill import Spill, is_disk_full

    bar = tqdm(desc="articles", unit=" doc", disable=None, file=sys.stderr)
    # Counted here, not read from the bar: a bar on a pipe is disabled and counts nothing.
    counts = Counter()

    def report_problem(problem):  # as the reader meets it, not at the end
        counts["rejected"] += 1
        bar.write(str(problem), file=sys.stderr)

    def progress(document, n_events, articles=1):
        counts["articles"] += articles
        counts["events"] += n_events
        bar.update(articles)
        bar.set_postfix(events=counts["events"], refresh=False)

    def partition_progress(part):  # --dask: as each partition comes back (events before merging)
        progress(None, part.events, articles=part.documents)

    documents = read_documents(inputs, published=published.date() if published else None, exclude=[out_dir],
                               max_chars=max_chars, on_problem=report_problem)
    spill = None
    try:
        spill = Spill(folder.path)  # beside the outputs: its bytes count in a full disk's message
        if dask is None:
            result = process_documents(documents, gaz=gaz, model=model, workers=workers, on_document=progress,
                                       geocoder=geocoder, spill=spill, agree_across_articles=agree)
        else:
            result = dask.process(documents, spill=spill, on_partition=partition_progress)
        bar.close()
        if geocoder is not None:
            _echo_geocoder_summary(geocoder)
        extra = {"rejected_inputs": counts["rejected"], "offline": True if offline else None,
                 "dask": dask.report() if dask is not None else None}
        names = list(write_results(result, folder.path, {k: v for k, v in extra.items() if v is not None}))
        if not no_map:  # the slow part, still interruptible: drawn into the new set with the rest
            from conflictmap.geo.frame import events_frame

            _render_map(events_frame(spill.events()), folder.path / "map.html", self_contained,
                        f"conflictmap: {result.documents} articles")
            names.append("map.html")
        spill.close()
        folder.commit()
    except KeyboardInterrupt:
        bar.close()
        where = "holds the new outputs" if folder.committed else _UNCHANGED
        click.echo(f"interrupted after {counts['articles']} articles; {out_dir} {where}", err=True)
        sys.exit(130)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:
        if is_disk_full(exc):
            raise click.ClickException(_disk_full_message(out_dir, folder)) from exc
        raise
    finally:
        if spill is not None:
            spill.close()
    how = f" (replaced file by file: {folder.file_by_file})" if folder.file_by_file else ""
    click.echo(f"{result.documents} articles, {spill.event_count} events -> {out_dir} ({', '.join(names)}){how}",
               err=True)
    if folder.kept_previous is not None:
        click.echo(f"{folder.kept_previous}: the previous outputs, kept because files were added beside them "
                   f"during the run", err=True)
    if counts["rejected"]:
        sys.exit(1)


def _disk_full_message(out_dir: Path, folder) -> str:
    written = folder.size()
    free = shutil.disk_usage(folder.path if folder.path.exists() else folder.target.parent).free
    return (f"no space left on the disk of {out_dir}: the new outputs need more than {_size(written + free)} free "
            f"there ({_size(written)} written before the disk filled, {_size(free)} free now); "
            f"{out_dir} was not changed")


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _render_map(events_gdf, path: Path, self_contained: bool, title: str) -> None:
    from conflictmap.maps.assets import AssetError
    from conflictmap.maps.render import render

    try:
        render(events_gdf, path, self_contained=self_contained, title=title)
    except AssetError as exc:
        raise click.ClickException(f"{exc} (or run without --self-contained)") from exc


def _echo_geocoder_summary(geocoder) -> None:
    for rejected in geocoder.stats.rejected:
        click.echo(f"geocoder: rejected {rejected['answer']!r} for {rejected['name']!r}: {rejected['reason']}", err=True)
    click.echo(geocoder.summary(), err=True)


def lookup_record(query: str, candidate) -> dict:
    """One output row of `gazetteer lookup`, fields in LOOKUP_FIELDS order."""
    if candidate is None:
        return {"query": query, **{f: None for f in LOOKUP_FIELDS[1:]}}
    return {"query": query, **{f: getattr(candidate, f) for f in LOOKUP_FIELDS[1:]}}


def _cell(value) -> str:
    # A query can hold tabs or control characters; the table stays one row per line.
    return "".join(ch if ch.isprintable() else " " for ch in str(value))[:200]


if __name__ == "__main__":
    sys.exit(main())
