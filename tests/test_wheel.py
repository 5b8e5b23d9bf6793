"""The wheel: one top-level package, conflictmap, with geo, gazetteer and maps inside it.

The wheel is built from a copy of the source tree (without the 30 MB gazetteer, so it stays
small and the clone gets no build/ folder) and installed with --no-deps into a fresh venv
whose only other path is the test venv's site-packages (for spaCy, geopandas, ...; its .pth
files, the editable install's included, are not run from there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("conflictmap", "geo", "gazetteer", "maps")


def run(*args, **kwargs):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, tree / name)
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, tree / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite", "*.tmp", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
        "-w", dist, tree)
    wheels = list(dist.glob("conflictmap-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The venv's python, conflictmap installed from the wheel."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (purelib / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    return python


def test_wheel_holds_one_top_level_package(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        recorded = [line.split(",")[0] for line in zf.read(record).decode().splitlines() if line]
    tops = {n.split("/")[0] for n in names} | {n.split("/")[0] for n in recorded}
    assert tops == {"conflictmap", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, tops
    for sub in ("geo/pipeline.py", "gazetteer/build.py", "gazetteer/data/aliases.tsv", "maps/render.py"):
        assert f"conflictmap/{sub}" in names, sub
    assert not any(n.startswith(("geo/", "gazetteer/", "maps/")) for n in names)
    assert not any(n.endswith(".sqlite") for n in names)  # none in the copy it was built from


def test_installed_wheel_imports_as_one_namespace(installed):
    script = (
        "import importlib, sys, sysconfig, pathlib\n"
        "import conflictmap, conflictmap.geo, conflictmap.maps, conflictmap.gazetteer\n"
        "from conflictmap.gazetteer.names import name_key\n"
        "assert name_key('Deir ez-Zor') == name_key('Dayr az Zawr')\n"
        "site = pathlib.Path(sysconfig.get_paths()['purelib'])\n"
        "for m in (conflictmap, conflictmap.geo, conflictmap.maps, conflictmap.gazetteer):\n"
        "    assert pathlib.Path(m.__file__).is_relative_to(site / 'conflictmap'), m.__file__\n"
        "for top in ('geo', 'maps', 'gazetteer'):\n"
        "    assert importlib.util.find_spec(top) is None, top\n"
        "print(sorted(p.name for p in site.iterdir()))\n"
    )
    out = run(installed, "-c", script, cwd=installed.parents[1]).stdout
    listed = eval(out)  # noqa: S307 - our own script's repr of a list of names
    assert not {"geo", "maps", "gazetteer"} & set(listed), listed
    assert "conflictmap" in listed


def test_installed_command_without_sources_names_both_ways(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CONFLICTMAP_SOURCES",)}
    proc = subprocess.run([installed.parent / "conflictmap", "gazetteer", "build", "--out", tmp_path / "g.sqlite"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "--sources" in proc.stderr and "CONFLICTMAP_SOURCES" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "g.sqlite").exists()
