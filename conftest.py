"""Doctests of the source folders, imported under their installed names.

pyproject's addopts run ``--doctest-modules`` over conflictmap/, geo/, gazetteer/ and maps/.
Those folders install as conflictmap.geo, conflictmap.gazetteer and conflictmap.maps
(setuptools package-dir), but pytest would import geo/spill.py by its path, as ``geo.spill``:
a second copy of the module beside ``conflictmap.geo.spill``, with its own globals. Here each
such doctest module is imported by its installed name instead, and checked to be that file.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

ROOT = Path(__file__).resolve().parent
INSTALLED_AS = {"conflictmap": "conflictmap", "geo": "conflictmap.geo",
                "gazetteer": "conflictmap.gazetteer", "maps": "conflictmap.maps"}


def installed_name(path: Path) -> str | None:
    """``conflictmap.geo.spill`` for geo/spill.py; None outside the four source folders."""
    try:
        parts = path.resolve().relative_to(ROOT).with_suffix("").parts
    except ValueError:
        return None
    if len(parts) < 2 or parts[0] not in INSTALLED_AS or path.suffix != ".py":
        return None
    parts = parts[1:-1] if parts[-1] == "__init__" else parts[1:]
    return ".".join((INSTALLED_AS[path.resolve().relative_to(ROOT).parts[0]], *parts))


class InstalledDoctestModule(DoctestModule):
    def _getobj(self):
        module = importlib.import_module(installed_name(self.path))
        if Path(module.__file__).resolve() != self.path.resolve():
            raise self.CollectError(f"{installed_name(self.path)} imports {module.__file__}, not {self.path} "
                                    "(reinstall: pip install -e '.[dev]')")
        return module


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent):
    collected = yield
    if installed_name(file_path) is None:
        return collected
    # __main__.py would run the command; the builtin plugin already leaves it out.
    swapped = [InstalledDoctestModule.from_parent(parent, path=file_path) if type(node) is DoctestModule else node
               for node in collected]
    return swapped
