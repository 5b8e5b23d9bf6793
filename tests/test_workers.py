"""--workers N: forked processes that give exactly the events of one process."""

import csv
import json
from datetime import date

import pytest

from conflictmap.geo import workers as workers_module
from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

TEXTS = [
    "Regime helicopters dropped barrel bombs on the village of Sufuhan in Idlib province on Tuesday, killing seven people.",
    "Iraq's air force struck two ISIS hideouts near Al-Qaim on Sunday.",
    "Coalition warplanes struck Islamic State positions near the town of Hajin on Monday, killing four fighters.",
    "A spokesman said talks would resume in the capital next week.",  # no event
    "Clashes between the SDF and ISIS fighters near the village of Qwertabad left three dead on Friday.",  # unknown place
]


def documents(n):
    # More articles than one batch, and the same report twice (d0 and d5, ...): merged across batches.
    return [Document(doc_id=f"d{i}", text=TEXTS[i % len(TEXTS)], published=date(2014, 12, 24)) for i in range(n)]


def test_two_workers_give_exactly_the_events_mentions_and_counts_of_one(gaz):
    n = workers_module.BATCH * 3 + 5
    with process_documents(documents(n), gaz=gaz) as one, process_documents(documents(n), gaz=gaz, workers=2) as two:
        assert one.events == two.events  # same rows, same order, same merged doc_ids
        assert one.mentions == two.mentions
        assert one.report()["unresolved_names"] == two.report()["unresolved_names"]
        assert (one.documents, one.resolved, one.fallbacks) == (two.documents, two.resolved, two.fallbacks)
        assert two.documents == n
        assert {e["actor1"] for e in two.events} >= {"Syrian government forces", "Iraqi forces"}
        sufuhan = [e for e in two.events if e["location"] == "Safuhun"]  # as GeoNames spells it
        assert len(sufuhan) == 1 and len(sufuhan[0]["doc_id"].split("; ")) > 1  # one event, reported by many


def test_progress_is_reported_for_every_article_in_order(gaz):
    seen = []
    with process_documents(documents(40), gaz=gaz, workers=2, on_document=lambda d, n: seen.append(d.doc_id)):
        pass
    assert seen == [f"d{i}" for i in range(40)]


def test_workers_and_an_online_geocoder_do_not_go_together(gaz):
    with pytest.raises(ValueError, match="without a geocoder"):
        process_documents(documents(2), gaz=gaz, workers=2, geocoder=object())


def test_an_error_in_the_stream_ends_the_workers_and_reaches_the_caller(gaz):
    def broken():
        yield from documents(workers_module.BATCH * 2)
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        process_documents(broken(), gaz=gaz, workers=2)
    assert not workers_module._loaded  # nothing kept for a next pool


def test_run_with_two_workers_writes_the_same_files_as_one(tmp_path, invoke):
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps({"id": d.doc_id, "text": d.text, "published": "2014-12-24"}) + "\n"
                                for d in documents(40)), encoding="utf-8")
    outs = {}
    for n in (1, 2):
        outs[n] = tmp_path / f"out{n}"
        result = invoke("run", articles, "--out", outs[n], "--offline", "--no-map", "--workers", str(n))
        assert result.exit_code == 0, result.stderr
    rows = {n: list(csv.DictReader(open(outs[n] / "events.csv", encoding="utf-8"))) for n in outs}
    assert rows[1] == rows[2] and len(rows[1]) >= 3
    assert (outs[1] / "mentions.geojson").read_text() == (outs[2] / "mentions.geojson").read_text()


def test_run_with_workers_and_an_online_geocoder_is_a_usage_error(tmp_path, invoke):
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    result = invoke("run", tmp_path / "a.txt", "--out", tmp_path / "out", "--workers", "2", "--geocoder", "nominatim",
                    "--user-agent", "conflictmap-tests")
    assert result.exit_code == 2
    assert "--workers 2 runs without the online geocoder" in result.stderr
    assert not (tmp_path / "out").exists()
