"""Shared fixtures: the gazetteer database and the ../shared evaluation data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONFLICTMAP_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.fail(f"evaluation data not found at {SHARED}; set CONFLICTMAP_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def gaz():
    """The gazetteer the package would use; built by .ci/run (or the README's first command)."""
    from conflictmap.gazetteer import Gazetteer, GazetteerError

    try:
        return Gazetteer()
    except GazetteerError as exc:
        pytest.fail(f"{exc} (the README's first command builds it)")


@pytest.fixture(scope="session")
def assets():
    """The libraries a self-contained map inlines; fetched from the npm registry when missing."""
    import conflictmap.maps
    from conflictmap import maps
    from conflictmap.maps.assets import AssetError

    try:
        return maps.fetch_assets()
    except AssetError as exc:
        pytest.fail(f"cannot fetch the map's JavaScript libraries: {exc}")
