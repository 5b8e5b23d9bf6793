"""Faults in what the user hands us end cleanly (issue 9): oversized articles, devices and
pipes, a damaged gazetteer, outputs inside an input folder, stray NUL bytes, floods of empty
rows, invisible characters inside place names.

Every article here is made up for these tests.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictmap.gazetteer.distance import haversine_km
from conflictmap.gazetteer.store import REBUILD_HINT, GazetteerError, default_db_path
from conflictmap.cli import main
from conflictmap.geo.document import Document
from conflictmap.geo.ingest import MAX_DOCUMENT_CHARS, OUTPUT_FILE_NAMES, InputProblem, read_documents

REPO = Path(__file__).resolve().parents[1]
RAID = "Coalition aircraft struck an invented depot near Hajin on Tuesday, a made-up monitor said.\n"
SHELLING = "Regime artillery shelled a fictional farm outside Deir ez-Zor on Monday.\n"
HAJIN = (34.69, 40.83)
DEIR_EZ_ZOR = (35.33, 40.14)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def read_all(paths, **kwargs):
    problems = []
    docs = list(read_documents(paths, problems=problems, **kwargs))
    return docs, [str(p) for p in problems]


def read_in_child(*paths, timeout=60):
    """read_documents in a child process with its address space capped: a read that hangs or
    never ends fails this test instead of taking the test run down with it."""
    script = textwrap.dedent("""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from conflictmap.geo.ingest import read_documents
        problems = []
        docs = [d.doc_id for d in read_documents(sys.argv[1:], problems=problems)]
        print(json.dumps({"docs": docs, "problems": [str(p) for p in problems]}))
    """)
    proc = subprocess.run([sys.executable, "-c", script, *map(str, paths)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture()
def cli():
    """`conflictmap` in this process; run's SIGTERM handler undone afterwards."""
    previous = signal.getsignal(signal.SIGTERM)
    yield lambda *args: CliRunner().invoke(main, [str(a) for a in args])
    signal.signal(signal.SIGTERM, previous)


def ended_cleanly(result) -> bool:
    """A ClickException or sys.exit, not an exception escaping the command."""
    return result.exception is None or isinstance(result.exception, SystemExit)


# --- 1. an article longer than spaCy will take -----------------------------------------------

def test_an_article_over_the_length_limit_is_reported_and_the_others_read(tmp_path):
    long_article = write(tmp_path / "long.txt", "A made-up report. " * 100)  # 1,800 characters
    short_article = write(tmp_path / "short.txt", RAID)
    feed = write(tmp_path / "feed.jsonl", "\n".join(json.dumps({"id": f"r{n}", "text": text}) for n, text in
                                                    enumerate([RAID, "A made-up report. " * 100, SHELLING], 1)))

    docs, problems = read_all([long_article, short_article, feed], max_chars=1_000)

    assert [d.doc_id for d in docs] == ["short.txt", "r1", "r3"]
    assert problems == [f"{long_article}: article is 1,800 characters; the limit is 1,000",
                        f"{feed}:2: article is 1,800 characters; the limit is 1,000"]


def test_the_default_limit_is_spacy_s_and_an_article_exactly_at_it_is_read(tmp_path):
    assert MAX_DOCUMENT_CHARS == 1_000_000
    at_limit = write(tmp_path / "at.txt", "x" * (MAX_DOCUMENT_CHARS - 1) + "\n")

    docs, problems = read_all([at_limit])

    assert len(docs[0].text) == MAX_DOCUMENT_CHARS and problems == []


def test_run_reports_an_article_spacy_would_refuse_and_goes_on(tmp_path, cli, gaz):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", RAID)
    huge = write(corpus / "huge.txt", "A made-up paragraph about nothing at all.\n" * 28_579)  # 1,200,318 chars
    out = tmp_path / "out"

    result = cli("run", corpus, "--out", out, "--offline", "--no-map")

    assert ended_cleanly(result), result.exception
    assert result.exit_code == 1
    assert f"{huge}: article is 1,200,318 characters; the limit is 1,000,000" in result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 1 and report["events"] == 1


# --- 2. devices, pipes and files too large to be an article -----------------------------------

def test_a_fifo_nobody_writes_to_is_reported_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = write(tmp_path / "good.txt", RAID)

    found = read_in_child(fifo, good, timeout=30)

    assert found == {"docs": ["good.txt"], "problems": [f"{fifo}: not a regular file (FIFO), skipped"]}


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_dev_zero_is_reported_not_read_forever():
    found = read_in_child("/dev/zero", timeout=30)

    assert found == {"docs": [], "problems": ["/dev/zero: not a regular file (character device), skipped"]}


def test_a_symlink_in_a_folder_to_a_fifo_is_not_opened(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", RAID)
    os.mkfifo(tmp_path / "pipe")
    (corpus / "b.txt").symlink_to(tmp_path / "pipe")

    found = read_in_child(corpus, timeout=30)

    assert found == {"docs": ["a.txt"], "problems": [f"{corpus / 'b.txt'}: not a regular file (FIFO), skipped"]}


def test_run_does_not_hang_on_a_fifo_that_is_being_fed(tmp_path, gaz):
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    good = write(tmp_path / "good.txt", RAID)
    stop = threading.Event()

    def feed():
        try:
            with open(fifo, "wb") as pipe:  # blocks until someone opens the other end
                while not stop.is_set():
                    pipe.write(b"An endless made-up report. " * 2_000)
                    stop.wait(0.01)
        except OSError:  # the reader went away
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "conflictmap", "run", fifo, good, "--out", tmp_path / "out",
                               "--offline", "--no-map"], capture_output=True, text=True, timeout=120)
    finally:
        stop.set()
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # lets a writer still waiting in open() go
        writer.join(timeout=10)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"{fifo}: not a regular file (FIFO), skipped" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["documents"] == 1


def test_a_huge_text_file_is_refused_after_reading_only_its_start(tmp_path):
    sparse = tmp_path / "dump.txt"
    with open(sparse, "wb") as fh:
        fh.write(RAID.encode())
        fh.truncate(8 << 30)  # 8 GiB that read whole would blow the child's 2 GiB cap

    found = read_in_child(sparse, timeout=60)

    assert found == {"docs": [], "problems": [
        f"{sparse}: too large: more than 4,000,000 bytes (the limit is 1,000,000 characters), skipped"]}


def test_an_overlong_jsonl_line_is_reported_for_that_line_only(tmp_path):
    lines = [json.dumps({"id": "a", "text": RAID}), json.dumps({"id": "b", "text": "word " * 100_000}),
             json.dumps({"id": "c", "text": SHELLING})]
    feed = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")

    docs, problems = read_all([feed], max_chars=1_000)

    assert [d.doc_id for d in docs] == ["a", "c"]
    assert len(problems) == 1 and problems[0].startswith(f"{feed}:2: too large")


def test_an_overlong_csv_row_is_reported_and_the_rows_after_it_read(tmp_path):
    # The long cell spans many short lines, each one harmless: the row as a whole is too big.
    long_cell = '"' + "A made-up line, with a comma.\n" * 5_000 + '"'
    sheet = write(tmp_path / "sheet.csv", f'id,text\nr1,"{RAID}"\nr2,{long_cell}\nr3,"{SHELLING}"\n')

    docs, problems = read_all([sheet], max_chars=1_000)

    assert [d.doc_id for d in docs] == ["r1", "r3"]
    assert len(problems) == 1 and problems[0].startswith(f"{sheet}:4: too large")


# --- 3. a damaged gazetteer -------------------------------------------------------------------

@pytest.fixture(scope="module")
def corrupt_db(tmp_path_factory):
    """The real gazetteer with garbage written over pages through its middle; its first page
    (header and schema) is intact, so it opens and answers small queries."""
    source = default_db_path()
    if not source.is_file():
        pytest.fail(f"no gazetteer at {source} (the README's first command builds it)")
    db = tmp_path_factory.mktemp("corrupt") / "corrupt.sqlite"
    shutil.copyfile(source, db)
    size, rng = db.stat().st_size, random.Random(9)
    with open(db, "r+b") as fh:
        for tenth in range(1, 10):
            fh.seek(size * tenth // 10 // 4096 * 4096)
            fh.write(rng.randbytes(4 * 4096))
    return db


def test_a_damaged_gazetteer_is_refused_when_opened(corrupt_db):
    from conflictmap.gazetteer import Gazetteer

    with pytest.raises(GazetteerError, match=REBUILD_HINT):
        Gazetteer(corrupt_db)


def test_lookup_on_a_damaged_gazetteer_says_how_to_rebuild_it(corrupt_db, cli):
    result = cli("gazetteer", "lookup", "Hajin", "--db", corrupt_db)

    assert ended_cleanly(result), result.exception
    assert result.exit_code != 0
    assert "rebuild it with: conflictmap gazetteer build" in result.stderr and "Traceback" not in result.output


def test_run_on_a_damaged_gazetteer_says_how_to_rebuild_it(corrupt_db, cli, tmp_path):
    article = write(tmp_path / "a.txt", RAID)

    result = cli("run", article, "--out", tmp_path / "out", "--offline", "--no-map", "--db", corrupt_db)

    assert ended_cleanly(result), result.exception
    assert result.exit_code != 0
    assert "rebuild it with: conflictmap gazetteer build" in result.stderr and "Traceback" not in result.output


# --- 4. outputs inside an input folder --------------------------------------------------------

def test_output_files_and_the_excluded_folder_are_not_read_as_articles(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", RAID)
    for name in OUTPUT_FILE_NAMES:  # left by a run with --out corpus, and by one with --out corpus/out
        write(corpus / name, '{"made": "up output"}\n')
        write(corpus / "out" / name, '{"made": "up output"}\n')
    write(corpus / "out" / "notes.txt", SHELLING)  # a stray file in the output folder: still not walked
    write(corpus / "2015" / "b.txt", SHELLING)

    # A different spelling of the same folder is excluded all the same.
    docs, problems = read_all([corpus], exclude=[tmp_path / "corpus" / ".." / "corpus" / "out"])

    assert [d.doc_id for d in docs] == ["b.txt", "a.txt"] and problems == []  # 2015/ sorts first
    assert {"events.geojson", "events.gpkg", "events.csv", "events.parquet", "mentions.geojson", "report.json",
            "map.html"} <= set(OUTPUT_FILE_NAMES)


def test_an_output_file_named_by_the_user_is_still_read(tmp_path):
    table = write(tmp_path / "events.csv", f'id,text\nr1,"{RAID}"\n')

    docs, problems = read_all([table], exclude=[tmp_path])

    assert [d.doc_id for d in docs] == ["r1"] and problems == []


def test_an_input_folder_that_is_also_excluded_is_still_read_without_its_outputs(tmp_path):
    corpus = tmp_path / "corpus"  # as after `conflictmap run corpus --out corpus`
    write(corpus / "a.txt", RAID)
    write(corpus / "report.json", '{"made": "up output"}\n')
    write(corpus / "map.html", "<html>made-up output</html>\n")

    docs, problems = read_all([corpus], exclude=[corpus])

    assert [d.doc_id for d in docs] == ["a.txt"] and problems == []


def test_a_second_run_into_a_folder_inside_the_input_does_not_read_the_first_run_s_outputs(tmp_path, cli, gaz):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", RAID)
    write(corpus / "b.txt", SHELLING)

    reports = []
    for _ in range(2):
        result = cli("run", corpus, "--out", corpus / "out", "--offline")
        assert ended_cleanly(result) and result.exit_code == 0, result.output
        reports.append(json.loads((corpus / "out" / "report.json").read_text(encoding="utf-8")))

    assert reports[0]["documents"] == reports[1]["documents"] == 2
    assert reports[0]["events"] == reports[1]["events"] == 2


# --- 5. NUL bytes in tables -------------------------------------------------------------------

def test_a_raw_nul_in_one_jsonl_line_costs_that_line_only(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": RAID}).encode(),
        b'{"id": "b", "text": "A made-up \x00 report."}',
        json.dumps({"id": "c", "text": "A made-up \x00 report with an escaped NUL."}).encode(),  # "\u0000"
        json.dumps({"id": "d", "text": SHELLING}).encode(),
    ]
    feed = write(tmp_path / "feed.jsonl", b"\n".join(lines) + b"\n")

    docs, problems = read_all([feed])

    assert [d.doc_id for d in docs] == ["a", "c", "d"]
    assert docs[1].text == "A made-up \x00 report with an escaped NUL."
    assert problems == [f"{feed}:2: not JSON: raw NUL byte (column 32)"]


def test_a_stray_nul_does_not_make_a_csv_table_binary(tmp_path):
    sheet = write(tmp_path / "sheet.csv",
                  f'id,text\nr1,"{RAID}"\nr2,"A made-up\x00 report."\nr3,"{SHELLING}"\n'.encode())

    docs, problems = read_all([sheet])

    assert [d.doc_id for d in docs] == ["r1", "r2", "r3"] and problems == []


def test_a_table_of_binary_noise_is_still_binary(tmp_path):
    noise = write(tmp_path / "noise.jsonl", random.Random(3).randbytes(20_000))

    docs, problems = read_all([noise])

    assert docs == [] and problems == [f"{noise}: binary file, skipped"]


# --- 6. floods of empty rows ------------------------------------------------------------------

def test_empty_cells_say_empty_text_and_missing_columns_say_no_text_field(tmp_path):
    sheet = write(tmp_path / "sheet.csv", f'id,text\nr1,\nr2,"   "\nr3\nr4,"{RAID}"\n')
    feed = write(tmp_path / "feed.jsonl", '{"id": "a", "text": ""}\n{"id": "b"}\n')

    docs, problems = read_all([sheet, feed])

    assert [d.doc_id for d in docs] == ["r4"]
    assert problems == [f"{sheet}:2: empty text field, skipped", f"{sheet}:3: empty text field, skipped",
                        f"{sheet}:4: empty text field, skipped",
                        f"{feed}:1: empty text field, skipped", f"{feed}:2: no text field, skipped"]


def test_problems_stream_to_the_callback_as_they_are_met(tmp_path):
    empty_rows = 200_000
    sheet = write(tmp_path / "sheet.csv", f'id,text\nfirst,"{RAID}"\n' + "x,\n" * empty_rows + f'last,"{RAID}"\n')
    kept = []
    docs_when_seen = []

    def on_problem(problem: InputProblem):
        docs_when_seen.append(len(docs))

    docs = []
    for doc in read_documents([sheet], problems=kept, on_problem=on_problem):
        docs.append(doc.doc_id)

    assert docs == ["first", "last"] and kept == []  # given a callback, nothing is held
    assert len(docs_when_seen) == empty_rows and set(docs_when_seen) == {1}  # all before "last" came


def test_every_empty_row_is_reported_as_empty_text(tmp_path):
    sheet = write(tmp_path / "sheet.csv", "id,text\n" + "x,\n" * 200_000)
    reasons = set()
    lines = []

    def on_problem(problem: InputProblem):
        reasons.add(problem.reason)
        lines.append(problem.line)

    assert list(read_documents([sheet], on_problem=on_problem)) == []
    assert reasons == {"empty text field, skipped"} and lines == list(range(2, 200_002))


# --- 7. invisible characters inside place names -----------------------------------------------

@pytest.mark.parametrize("text, spelling, where", [
    ("Coalition aircraft struck near Ha\u00adjin on Tuesday.", "Ha\u00adjin", HAJIN),  # soft hyphen
    ("Coalition aircraft struck near Ha\u200djin on Tuesday.", "Ha\u200djin", HAJIN),  # zero-width joiner
    ("Coalition aircraft struck near Ha\u200cjin on Tuesday.", "Ha\u200cjin", HAJIN),  # zero-width non-joiner
    ("Coalition aircraft struck near \u200fHajin\u200e on Tuesday.", "Hajin", HAJIN),  # bidi marks around it
    ("Regime artillery shelled the outskirts of Deir\u00a0ez-Zor on Monday.", "Deir\u00a0ez-Zor", DEIR_EZ_ZOR),
    ("Regime artillery shelled the outskirts of Deir\u202fez-Zor on Monday.", "Deir\u202fez-Zor", DEIR_EZ_ZOR),
    ("Regime artillery shelled the outskirts of \u2067Deir ez\u200b-Zor\u2069 on Monday.", "Deir ez\u200b-Zor",
     DEIR_EZ_ZOR),
    ("Regime artillery shelled the outskirts of \u202bDeir\u00a0ez-Zor\u202c on Monday.", "Deir\u00a0ez-Zor",
     DEIR_EZ_ZOR),
])
def test_invisible_characters_inside_a_place_name_do_not_lose_the_place(text, spelling, where, gaz):
    from conflictmap.geo.pipeline import process_documents

    result = process_documents([Document(doc_id="a", text=text)], gaz=gaz)

    (event,) = result.events
    assert haversine_km(*where, event["latitude"], event["longitude"]) < 10
    assert event["notes"] == text  # the sentence as written
    (mention,) = result.mentions
    assert text[mention["start_char"]:mention["end_char"]] == mention["text"] == spelling



def test_a_gazetteer_found_intact_once_is_still_refused_once_damaged(tmp_path, monkeypatch):
    # Intact files are remembered by a stamp (path, inode, size, mtime) so that later starts
    # skip the whole-file check; damage written in place, the size kept, is still caught.
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.gazetteer import store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_intact", set())
    db = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(default_db_path(), db)
    Gazetteer(db).close()
    assert len(list((tmp_path / "cache" / "conflictmap" / "gazetteer-checked").iterdir())) == 1
    Gazetteer(db).close()  # the stamp answers

    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(random.Random(3).randbytes(8 * 4096))
    assert db.stat().st_size == size
    with pytest.raises(GazetteerError, match=REBUILD_HINT):
        Gazetteer(db)
