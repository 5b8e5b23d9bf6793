"""Article text is data: template syntax in any input field never runs when a map is drawn.

folium/branca render every element's output a second time as a Jinja2 template; an article
carrying ``{{ ... }}`` used to run code on the machine drawing the map (maps.elements). These
tests put template payloads into every field an input can set, through the Python API and
through both commands that draw maps, on both marker builds. The browser half (the literal
text in the popup) is in test_map_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conflictmap import maps
from conflictmap.geo.frame import events_frame
from conflictmap.maps.render import FAST_THRESHOLD

# Each would leave a trace if Jinja2 ran it: a file in the working directory, "looplooploop"
# in the page instead of the literal text, or a TemplateSyntaxError.
MKDIR = "{{ cycler.__init__.__globals__.os.mkdir(dict(PWNED=1)|first) }}"
POPEN = "{{ lipsum.__globals__.os.popen('touch PWNED_POPEN').read() }}"
ARITHMETIC = "{{ 6*7 }}"
STATEMENT = "{% for x in range(3) %}loop{% endfor %}"
UNCLOSED = "{# an unclosed comment {% if"
PAYLOADS = (MKDIR, POPEN, ARITHMETIC, STATEMENT, UNCLOSED)
TRACES = ("PWNED", "PWNED_POPEN")


def payload_event(**overrides) -> dict:
    row = {
        "event_id": "INJ-1", "event_date": "2018-12-11", "time_precision": 1,
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actor1": f"Coalition {ARITHMETIC}", "actor2": STATEMENT, "assoc_actor_1": UNCLOSED,
        "location": f"Hajin {POPEN}", "admin1": MKDIR, "country": "Syria",
        "latitude": 34.693, "longitude": 40.827, "geo_precision": 1, "fatalities": 4,
        "source": MKDIR, "source_url": "https://example.org/{{7*7}}/{%raw%}",
        "notes": f"Jets struck near Hajin {ARITHMETIC} {STATEMENT} {POPEN}",
    }
    row.update(overrides)
    return row


def assert_no_trace(folder: Path):
    left = [name for name in TRACES if (folder / name).exists()]
    assert not left, f"template code ran: {left} created in {folder}"


def template_sources(figure) -> list[str]:
    """The source of every template the rendered page was built from (branca keeps it)."""
    found = []

    def walk(element):
        source = getattr(element, "_template_str", None)
        if source:
            found.append(source)
        for child in element._children.values():
            walk(child)
    walk(figure)
    return found


@pytest.mark.parametrize("strategy", ["markers", "fast"])
def test_payloads_in_every_field_stay_text(tmp_path, monkeypatch, strategy):
    monkeypatch.chdir(tmp_path)
    m = maps.build_map(events_frame([payload_event()]), title=ARITHMETIC, strategy=strategy)
    figure = m.get_root()
    html = figure.render()
    assert_no_trace(tmp_path)
    for source in template_sources(figure):
        for payload in PAYLOADS:
            assert payload not in source, f"input text became template source: {payload}"
    assert "looplooploop" not in html
    assert ARITHMETIC in html and STATEMENT in html and MKDIR in html
    assert f"<title>{ARITHMETIC}</title>" in html
    assert "\\u003eCoalition {{ 6*7 }}\\u003c" in html  # the layer list names the actor as written


def test_auto_build_above_the_threshold_keeps_payloads_inert(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = [payload_event(event_id=f"INJ-{i}", latitude=34 + i / 1000) for i in range(FAST_THRESHOLD + 1)]
    html = maps.render(events_frame(rows), tmp_path / "map.html").read_text(encoding="utf-8")
    assert "function popupHtml(cells)" in html  # the browser-built markers
    assert_no_trace(tmp_path)
    assert "looplooploop" not in html and STATEMENT in html


@pytest.fixture()
def conflictmap(invoke, monkeypatch):
    """The command in this process, in the folder ``cwd`` (where a payload would create files)."""
    def run(*args, cwd: Path):
        monkeypatch.chdir(cwd)
        return invoke(*args)
    return run


@pytest.fixture()
def payload_articles(tmp_path) -> Path:
    """One JSONL article with a payload in each field the ingest reads."""
    path = tmp_path / "payloads.jsonl"
    article = {
        "id": "inj-1", "published": "2018-12-11", "source": MKDIR, "title": STATEMENT,
        "url": "https://example.org/{{7*7}}",
        "text": f"Coalition aircraft struck near Hajin on Tuesday {ARITHMETIC} {STATEMENT} {POPEN}, "
                f"killing four {UNCLOSED} fighters.",
    }
    path.write_text(json.dumps(article) + "\n", encoding="utf-8")
    return path


def test_run_draws_the_map_of_a_hostile_article(payload_articles, tmp_path, gaz, conflictmap):
    work = tmp_path / "work"
    work.mkdir()
    proc = conflictmap("run", payload_articles, "--out", tmp_path / "out", "--offline", cwd=work)
    assert proc.exit_code == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_no_trace(work)
    events = json.loads((tmp_path / "out" / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert events and events[0]["properties"]["source"] == MKDIR
    assert ARITHMETIC in events[0]["properties"]["notes"]
    html = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    assert MKDIR in html and "looplooploop" not in html


@pytest.mark.parametrize("strategy", ["markers", "fast"])
def test_map_command_draws_a_hostile_events_file(tmp_path, strategy, conflictmap):
    work = tmp_path / "work"
    work.mkdir()
    events = tmp_path / "events.geojson"
    events.write_text(events_frame([payload_event()]).to_json(), encoding="utf-8")
    out = tmp_path / "map.html"
    proc = conflictmap("map", events, "-o", out, "--title", POPEN, "--strategy", strategy, cwd=work)
    assert proc.exit_code == 0, proc.stderr
    assert_no_trace(work)
    html = out.read_text(encoding="utf-8")
    assert "looplooploop" not in html and STATEMENT in html and UNCLOSED in html
