"""The example notebook runs top to bottom on the bundled articles and shows what it says."""

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs the dev extra (nbclient, ipykernel)")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        parts.append(data.get("text/plain", "") if data else output.get("text", ""))
    return "\n".join(parts)


def test_the_example_notebook_runs_and_shows_events_map_and_files(gaz):
    nb = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "idlib-barrel-bombs.txt" in _text(code[0])
    table = _text(code[1])
    assert "event_date" in table and "fatalities" in table and re.search(r"\b20\d\d-\d\d-\d\d\b", table)
    assert "Freq: M" in _text(code[2])  # grouped by month: event_date is a real datetime column
    map_html = "".join(o.get("data", {}).get("text/html", "") for o in code[5].outputs)
    assert "leaflet" in map_html.lower() and "Example articles" in map_html  # the map shows inline
    assert "events.gpkg" in _text(code[6]) and "map.html" in _text(code[6])
    assert "location" in _text(code[7])
