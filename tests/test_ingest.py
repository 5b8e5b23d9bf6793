"""Ingest: files, folders and tables in; Document objects and InputProblems out.

Every fixture is written here into tmp_path; the articles are made up.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


from conflictmap.geo.ingest import InputProblem, parse_article_header, parse_date, read_documents

STRIKE_ARTICLE = (
    "Drones strike a fuel depot near Tell Sabur\n"
    "\n"
    "Published December 24th, 2014 - 08:53 GMT\n"
    "\n"
    "TELL SABUR, Syria (AFP) – Two drones hit a fuel depot outside the invented town of "
    "Tell Sabur on Tuesday, a monitoring group said.\n"
    "\n"
    "No one was hurt, the group added.\n"
)
UNDATED_ARTICLE = "Coalition jets struck a bridge over the Little Zab in a made-up raid on Monday.\n"


def write(path, content, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path


def read_all(paths, **kwargs):
    problems = []
    docs = list(read_documents(paths, problems=problems, **kwargs))
    return docs, problems


# --- folders, tables and doc ids ---------------------------------------------------------

def test_folder_with_nested_text_jsonl_and_csv_gives_every_document_in_sorted_order(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "b_strike.txt", STRIKE_ARTICLE)
    write(corpus / "2015" / "a_bridge.txt", UNDATED_ARTICLE)
    write(corpus / "2015" / "feed.jsonl",
          json.dumps({"id": "wire-1", "text": "Shelling hit a made-up village."}) + "\n"
          + json.dumps({"id": "wire-2", "text": "A convoy was ambushed on an invented road."}) + "\n")
    write(corpus / "sheet.csv", "id,text,source\nrow-1,\"Mortars fell on a fictional market.\",AP\n")
    write(corpus / ".hidden.txt", UNDATED_ARTICLE)
    write(corpus / ".git" / "notes.txt", UNDATED_ARTICLE)

    docs, problems = read_all([corpus])

    assert problems == []
    assert [d.doc_id for d in docs] == ["a_bridge.txt", "wire-1", "wire-2", "b_strike.txt", "row-1"]
    assert docs[0].path == str(corpus / "2015" / "a_bridge.txt")
    assert (docs[1].path, docs[1].line) == (str(corpus / "2015" / "feed.jsonl"), 1)
    assert (docs[2].line, docs[4].line, docs[4].source) == (2, 2, "AP")


def test_files_sharing_a_name_are_told_apart_by_their_relative_path(tmp_path):
    write(tmp_path / "corpus" / "iraq" / "report.txt", UNDATED_ARTICLE)
    write(tmp_path / "corpus" / "syria" / "report.txt", STRIKE_ARTICLE)
    write(tmp_path / "corpus" / "syria" / "other.txt", UNDATED_ARTICLE)

    docs, _ = read_all([tmp_path / "corpus"])

    assert [d.doc_id for d in docs] == ["iraq/report.txt", "other.txt", "syria/report.txt"]


def test_the_same_file_listed_twice_is_read_once(tmp_path):
    article = write(tmp_path / "a.txt", UNDATED_ARTICLE)

    docs, problems = read_all([tmp_path, article])

    assert [d.doc_id for d in docs] == ["a.txt"]
    assert [str(p) for p in problems] == [f"{article}: listed twice, read once"]


def test_rows_without_id_are_named_after_their_file_and_line(tmp_path):
    feed = write(tmp_path / "feed.jsonl", '{"text": "First."}\n\n{"text": "Second."}\n')
    sheet = write(tmp_path / "sheet.csv", 'text\n"A cell\nover two lines."\nLast.\n')

    docs, problems = read_all([feed, sheet])

    assert problems == []
    assert [d.doc_id for d in docs] == ["feed.jsonl:1", "feed.jsonl:3", "sheet.csv:2", "sheet.csv:4"]
    assert docs[2].text == "A cell\nover two lines."


def test_row_fields_fill_the_document_and_win_over_the_text(tmp_path):
    row = {"id": 7, "text": STRIKE_ARTICLE, "published": "2015-01-02", "source": "Wire",
           "url": "https://example.org/7", "title": "Given title"}
    feed = write(tmp_path / "feed.jsonl", json.dumps(row) + "\n")

    (doc,), _ = read_all([feed])

    assert (doc.doc_id, doc.published, doc.source, doc.url, doc.title) == (
        "7", date(2015, 1, 2), "Wire", "https://example.org/7", "Given title")
    assert doc.dateline == "TELL SABUR, Syria"  # only the text can say where it was filed


def test_a_row_without_those_fields_takes_them_from_its_text(tmp_path):
    quoted = STRIKE_ARTICLE.replace('"', '""')
    sheet = write(tmp_path / "sheet.csv", f' Text \n"{quoted}"\n')

    (doc,), _ = read_all([sheet])

    assert (doc.published, doc.source, doc.title) == (
        date(2014, 12, 24), "AFP", "Drones strike a fuel depot near Tell Sabur")


def test_documents_stream_one_at_a_time(tmp_path):
    write(tmp_path / "a.txt", UNDATED_ARTICLE)
    later = write(tmp_path / "b.txt", UNDATED_ARTICLE)
    problems = []
    docs = read_documents([tmp_path], problems=problems)

    assert next(docs).doc_id == "a.txt"
    later.unlink()  # gone after listing, before reading: reported, not raised
    assert list(docs) == []
    assert [str(p) for p in problems] == [f"{later}: no such file or directory"]


def test_a_single_path_is_not_read_as_a_list_of_characters(tmp_path):
    article = write(tmp_path / "a.txt", UNDATED_ARTICLE)

    assert [d.doc_id for d in read_documents(str(article))] == ["a.txt"]


# --- what a plain-text article says about itself -----------------------------------------

def test_an_article_header_gives_title_date_dateline_and_source(tmp_path):
    (doc,), _ = read_all([write(tmp_path / "strike.txt", STRIKE_ARTICLE)])

    assert doc.published == date(2014, 12, 24)
    assert doc.title == "Drones strike a fuel depot near Tell Sabur"
    assert (doc.dateline, doc.source) == ("TELL SABUR, Syria", "AFP")
    assert doc.text == STRIKE_ARTICLE


@pytest.mark.parametrize("date_line", [
    "Published December 24th, 2014 - 08:53 GMT",
    "Published on 24 December 2014",
    "Posted: Dec. 24, 2014",
    "Posted: Dec. 24, 2014 by A. Writer",
    "Published: 24 December 2014 | 10:32 AM",
    "2014-12-24",
    "Wednesday, December 24, 2014",
])
def test_publication_date_lines(date_line):
    text = f"Fighting flares near an invented dam\n\n{date_line}\n\nThe rest of a made-up report.\n"

    assert parse_article_header(text)["published"] == date(2014, 12, 24)


@pytest.mark.parametrize("text", [
    UNDATED_ARTICLE,
    "A made-up report.\n\nPublished Tuesday\n",  # a weekday is not a date
    "A made-up report.\n\nPosted: December 24\n",  # nor is a day without its year
    "A made-up report.\n\nPublished 03/04/2014\n",  # March 4th or April 3rd: unknown
    "Hazm fighters posted video of the raid on 24 December 2014, the made-up group said.\n",
    "A made-up report of a raid.\n" + "More text.\n" * 20 + "Copyright © 2021 Invented Daily.\n",
])
def test_no_date_is_invented(text):
    assert parse_article_header(text)["published"] is None


@pytest.mark.parametrize("body, dateline, source", [
    ("ERBIL, Kurdistan Region – Made-up jets struck two hideouts.", "ERBIL, Kurdistan Region", None),
    ("BEIRUT (Reuters) - An invented convoy was hit.", "BEIRUT", "Reuters"),
    ("DAMASCUS, Syria — Shells fell on a fictional suburb.", "DAMASCUS, Syria", None),
    ("BEIRUT, Dec 24 (Reuters) - An invented convoy was hit.", "BEIRUT", "Reuters"),
    ("DEIR EZ-ZOR, Syria (AP) -- A made-up checkpoint fell.", "DEIR EZ-ZOR, Syria", "AP"),
    ("(AFP) - A fictional ferry sank.", None, "AFP"),
    ("(Invented Wire)- A fictional ferry sank.", None, "Invented Wire"),
    ("US-led jets hit a made-up target near Hajin.", None, None),
    ("ISIS - the group said in a made-up statement - claimed the raid.", None, None),
    ("The monitor, based in BEIRUT - said nothing.", None, None),
    ("(Photo: AP) A made-up caption.", None, None),
])
def test_dateline_and_source_at_the_start_of_the_body(body, dateline, source):
    header = parse_article_header(f"Heading of a made-up report\n\n{body}\n")

    assert (header["dateline"], header["source"]) == (dateline, source)


def test_a_sentence_starting_with_by_is_not_a_byline():
    text = "By the time jets arrived the made-up convoy had gone.\nMOSUL, Iraq – Not a dateline here.\n"

    assert parse_article_header(text)["dateline"] is None


def test_dateline_after_byline_and_scraper_tag():
    text = "[ad_1]\nBy Jane Roe\nMOSUL, Iraq (AP) — A made-up raid.\n"

    assert parse_article_header(text)["dateline"] == "MOSUL, Iraq"


def test_a_source_on_its_own_line_before_the_dateline():
    text = "(AFP)\nRAQQA, Syria – A made-up raid.\n"

    assert parse_article_header(text)["dateline"] == "RAQQA, Syria"
    assert parse_article_header(text)["source"] == "AFP"


@pytest.mark.parametrize("text", [
    UNDATED_ARTICLE,
    "A first sentence that ends with a period.\n\nThen more.\n",
    "Heading without a blank line after it\nBody goes on here.\n",
    "[ad_1]\n\nBody of a made-up report.\n",
    "Heading only, nothing after it\n",
    "Heading with only blank lines after it\n\n\n",
])
def test_no_title_unless_a_short_first_line_stands_alone(text):
    assert parse_article_header(text)["title"] is None


def test_parse_article_header_on_nothing():
    assert parse_article_header("") == {"published": None, "dateline": None, "source": None, "title": None}


# --- the published argument --------------------------------------------------------------

def test_published_argument_fills_only_documents_without_a_date(tmp_path):
    write(tmp_path / "dated.txt", STRIKE_ARTICLE)
    write(tmp_path / "undated.txt", UNDATED_ARTICLE)

    without, _ = read_all([tmp_path])
    with_default, _ = read_all([tmp_path], published=date(2016, 5, 1))

    assert [d.published for d in without] == [date(2014, 12, 24), None]
    assert [d.published for d in with_default] == [date(2014, 12, 24), date(2016, 5, 1)]


def test_a_row_with_an_unreadable_date_is_reported_and_still_read(tmp_path):
    feed = write(tmp_path / "feed.jsonl", json.dumps({"id": "x", "text": "A made-up raid.", "published": "soon"}) + "\n")

    docs, problems = read_all([feed])
    filled, _ = read_all([feed], published=date(2016, 5, 1))

    assert [(d.doc_id, d.published) for d in docs] == [("x", None)]
    assert [str(p) for p in problems] == [f"{feed}:1: published 'soon' is not a date; read without one"]
    assert filled[0].published == date(2016, 5, 1)


# --- decoding ------------------------------------------------------------------------------

CURLY = "“We heard jets,” a made-up witness said. It’s the third raid — the café is shut.\n"


def test_cp1252_with_curly_quotes_is_decoded_and_the_guess_is_logged(tmp_path, caplog):
    article = write(tmp_path / "legacy.txt", CURLY, encoding="cp1252")

    with caplog.at_level(logging.INFO, logger="conflictmap.geo.ingest"):
        (doc,), problems = read_all([article])

    assert doc.text == CURLY and problems == []
    assert "read as cp1252" in caplog.text


def test_latin1_text_is_decoded(tmp_path):
    text = "Le café près de la rivière, à Genève, a fermé.\n"

    (doc,), _ = read_all([write(tmp_path / "fr.txt", text, encoding="latin-1")])

    assert doc.text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded_and_the_mark_dropped(tmp_path, encoding):
    boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    raw = boms.get(encoding, b"") + STRIKE_ARTICLE.encode(encoding)

    (doc,), problems = read_all([write(tmp_path / "wide.txt", raw)])

    assert doc.text == STRIKE_ARTICLE and problems == []
    assert doc.published == date(2014, 12, 24)


def test_newlines_become_line_feeds_and_nothing_else_changes(tmp_path):
    raw = "Heading of a made-up report\r\n\r\n  Body\twith  spaces,\rold Mac line.  \r\n"

    (doc,), _ = read_all([write(tmp_path / "crlf.txt", raw)])

    assert doc.text == "Heading of a made-up report\n\n  Body\twith  spaces,\nold Mac line.  \n"


def test_legacy_tables_are_decoded_too(tmp_path):
    sheet = write(tmp_path / "sheet.csv", "id,text\nq1,\"" + CURLY.strip() + "\"\n", encoding="cp1252")
    feed = write(tmp_path / "wide.jsonl", json.dumps({"id": "w1", "text": CURLY}, ensure_ascii=False), encoding="utf-16")

    docs, problems = read_all([sheet, feed])

    assert [d.text for d in docs] == [CURLY.strip(), CURLY] and problems == []


# --- bad inputs: reported, skipped, the rest still read -----------------------------------

def test_bad_files_are_reported_and_good_ones_still_read(tmp_path):
    rng = random.Random(7)
    binary = write(tmp_path / "photo.txt", bytes(rng.randrange(256) for _ in range(4000)))
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.txt", " \n\t\r\n")
    good = write(tmp_path / "good.txt", UNDATED_ARTICLE)
    missing = tmp_path / "missing.txt"

    docs, problems = read_all([binary, empty, missing, blank, good])

    assert [d.doc_id for d in docs] == ["good.txt"]
    assert [str(p) for p in problems] == [
        f"{binary}: binary file, skipped",
        f"{empty}: empty file, skipped",
        f"{missing}: no such file or directory",
        f"{blank}: empty file, skipped",
    ]


def test_a_broken_jsonl_line_is_reported_with_its_number(tmp_path):
    lines = [
        {"id": "a", "text": "A made-up raid."},
        {"id": "b", "text": "Another made-up raid."},
        '{"id": "c", "text": "cut off',
        {"id": "d", "body": "no text here"},
        ["not", "an", "object"],
        {"id": "e", "text": "   "},
        {"id": "f", "text": 42},
        {"id": "g", "text": "The last made-up raid."},
    ]
    feed = write(tmp_path / "feed.jsonl", "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines))

    docs, problems = read_all([feed])

    assert [d.doc_id for d in docs] == ["a", "b", "g"]
    assert [d.line for d in docs] == [1, 2, 8]
    assert [str(p) for p in problems] == [
        f"{feed}:3: not JSON: Invalid control character at (column 29)",
        f"{feed}:4: no text field, skipped",
        f"{feed}:5: not a JSON object, skipped",
        f"{feed}:6: empty text field, skipped",
        f"{feed}:7: text field is not a string, skipped",
    ]


def test_a_csv_row_without_text_is_reported_with_its_line(tmp_path):
    sheet = write(tmp_path / "sheet.csv", 'id,text\nr1,"A made-up raid."\nr2,\nr3,"Another made-up raid."\n')

    docs, problems = read_all([sheet])

    assert [d.doc_id for d in docs] == ["r1", "r3"]
    assert [str(p) for p in problems] == [f"{sheet}:3: empty text field, skipped"]  # the column is there


def test_a_csv_without_a_text_column_is_reported_once(tmp_path):
    sheet = write(tmp_path / "sheet.csv", "id,body\nr1,A made-up raid.\n")

    docs, problems = read_all([sheet])

    assert docs == []
    assert [str(p) for p in problems] == [f"{sheet}:1: no text column in the header row, file skipped"]


@pytest.mark.parametrize("name, content, reason", [
    ("empty.jsonl", b"", "empty file, skipped"),
    ("blank.csv", b"\n\n", "empty file, skipped"),
    ("header.csv", b"id,text\n", "no rows, skipped"),
    ("binary.jsonl", b'{"text": "a"}\n\x00\x01\x02', "binary file, skipped"),
])
def test_tables_with_nothing_to_read(tmp_path, name, content, reason):
    table = write(tmp_path / name, content)

    docs, problems = read_all([table])

    assert docs == [] and [str(p) for p in problems] == [f"{table}: {reason}"]


def test_a_very_long_csv_cell_is_read(tmp_path):
    long_text = "A made-up sentence about a raid. " * 10_000
    sheet = write(tmp_path / "long.csv", f'text\n"{long_text}"\n')

    (doc,), problems = read_all([sheet])

    assert doc.text == long_text and problems == []


def test_links_and_pipes_in_a_folder_are_handled(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", UNDATED_ARTICLE)
    os.mkfifo(corpus / "pipe")
    (corpus / "loop").symlink_to(corpus)  # a folder that contains itself
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")

    docs, problems = read_all([corpus])

    assert [d.doc_id for d in docs] == ["a.txt"]
    assert [str(p) for p in problems] == [
        f"{corpus / 'dangling.txt'}: no such file or directory",
        f"{corpus / 'pipe'}: not a regular file (FIFO), skipped",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_reported(tmp_path):
    locked = write(tmp_path / "locked.txt", UNDATED_ARTICLE)
    locked.chmod(0)

    docs, problems = read_all([locked])

    assert docs == [] and [str(p) for p in problems] == [f"{locked}: cannot read: Permission denied"]


def test_problems_print_as_path_line_reason():
    assert str(InputProblem("a/b.csv", 3, "no text field, skipped")) == "a/b.csv:3: no text field, skipped"
    assert str(InputProblem("a/b.txt", None, "empty file, skipped")) == "a/b.txt: empty file, skipped"


def test_parse_date_wants_a_whole_date():
    assert parse_date("24th of December 2014") == date(2014, 12, 24)
    assert parse_date("2015-01-02") == parse_date("2015-01-02T08:53:00Z") == date(2015, 1, 2)
    assert parse_date("24/12/2014") == date(2014, 12, 24)
    assert parse_date("2014") is None
    assert parse_date("December 2014") is None



# --- properties ----------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".jsonl", ".csv", ""]))
def test_arbitrary_bytes_never_make_read_documents_raise(tmp_path, content, suffix):
    path = write(tmp_path / f"input{suffix}", content)
    problems = []

    docs = list(read_documents([path], problems=problems))

    assert docs or problems
    assert all(isinstance(d.text, str) and d.text.strip() and "\r" not in d.text for d in docs)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600) | st.lists(st.sampled_from([
    "Published ", "Posted: ", "December 24th, 2014", "2014-12-24", "ERBIL, Kurdistan Region – ",
    "(Reuters) ", "BEIRUT", " - ", "\n", "\n\n", "\r\n", "Heading of a report", ".", "[ad_1]", "By ",
]), max_size=30).map("".join))
def test_parse_article_header_never_raises(text):
    header = parse_article_header(text)

    assert set(header) == {"published", "dateline", "source", "title"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Nd", "No"]), max_size=400))
def test_text_without_digits_never_gets_a_date(text):
    assert parse_article_header(text)["published"] is None
