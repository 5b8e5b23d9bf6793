"""eval/score_acled.py's list of missed rows: why a coded place got no event."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import score_acled  # noqa: E402


def _row(doc_id, location, lat, lon, notes, precision="1"):
    return {"doc_id": doc_id, "location": location, "admin1": "Idleb", "lat": lat, "lon": lon,
            "geo_precision": precision, "notes": notes}


def test_each_missed_row_says_why():
    rows = [
        _row("a", "Kafr Nabl", 35.61, 36.56, "Shelling hit Kafr Nabl."),  # found there: no miss
        _row("b", "Sarmin", 35.90, 36.72, "Shelling hit Sarmin."),  # placed there, no event
        _row("c", "Hbit (Habit)", 35.44, 36.54, "Warplanes struck the town of Hbit."),  # placed in Iraq
        _row("d", "Tamanah", 35.64, 36.75, "Warplanes struck al-Tamanah."),  # named, no place
        _row("e", "Maarzita", 35.55, 36.70, "Warplanes struck maarzita."),  # not recognised
        _row("f", "Kurin - Kurin Sharqi", 35.70, 36.70, "Warplanes struck a village south of the city."),  # not named
        _row("g", "Idleb", 35.93, 36.63, "Warplanes struck Idleb.", precision="3"),  # not precise
    ]
    events = [{"doc_id": "a; z", "latitude": 35.62, "longitude": 36.57}]
    mentions = [
        {"doc_id": "b", "text": "Sarmin", "name": "Sarmin", "latitude": 35.90, "longitude": 36.72},
        {"doc_id": "c", "text": "Hbit", "name": "Hit", "latitude": 33.64, "longitude": 42.82},
        {"doc_id": "d", "text": "al-Tamanah", "name": None, "latitude": None, "longitude": None},
    ]
    found = {m["location"]: m for m in score_acled.misses(rows, events, mentions)}
    assert {k: m["kind"] for k, m in found.items()} == {
        "Sarmin": "placed, no event", "Hbit (Habit)": "named, placed elsewhere", "Tamanah": "named, unplaced",
        "Maarzita": "not recognised", "Kurin - Kurin Sharqi": "not spelt so"}
    assert found["Hbit (Habit)"]["placed_as"] == "Hit" and 600 < found["Hbit (Habit)"]["km"] < 700


def test_the_misses_file_is_a_table_with_a_header(tmp_path, capsys):
    miss = {"kind": "not recognised", "location": "Maarzita", "notes": "a\tb"}
    score_acled.write_misses([miss], tmp_path / "m.tsv")
    lines = (tmp_path / "m.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["kind", "location", "notes"] and len(lines) == 2
    assert "not recognised 1" in capsys.readouterr().out
