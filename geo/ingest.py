"""Ingest: input paths to :class:`~geo.document.Document` objects, the first stage of the flow.

Plain-text articles (any extension), folders of them (recursively), and ``.jsonl`` / ``.csv``
tables with one article per row are read one at a time, so a corpus of any size streams.
A bad input never stops the run: it is recorded as an :class:`InputProblem` and skipped.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "depot.txt").write_text("Jets hit a made-up depot\\n\\nPublished March 3rd, 2016\\n\\n"
...                                      "TELL SABUR, Syria (AFP) - A raid hit an empty depot.\\n")
>>> _ = (folder / "rows.jsonl").write_text('{"id": "r1", "text": "A quiet day."}\\n{oops\\n')
>>> problems = []
>>> [(d.doc_id, d.published, d.dateline, d.source) for d in read_documents([folder], problems=problems)]
[('depot.txt', datetime.date(2016, 3, 3), 'TELL SABUR, Syria', 'AFP'), ('r1', None, None, None)]
>>> [str(p).split(": ")[1] for p in problems], problems[0].line
(['not JSON'], 2)
"""

from __future__ import annotations

import codecs
import csv
import functools
import json
import logging
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

import charset_normalizer
from dateutil import parser as dateutil_parser

from conflictmap.geo.document import MAX_DOCUMENT_CHARS, Document

log = logging.getLogger(__name__)

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
SNIFF_CHUNK = 1 << 20
# What `conflictmap run` writes into its --out folder (geo.export and the CLI name their files
# from here): a folder walk never reads them back as articles.
OUTPUT_FILE_NAMES = frozenset({
    "events.geojson", "events.gpkg", "events.csv", "events.parquet", "mentions.geojson", "report.json", "map.html",
})
# No encoding read here takes more than four bytes for a character, so a plain-text file larger
# than this many times the character limit is refused without being read to its end.
MAX_BYTES_PER_CHAR = 4
# A table line holds one article: its text may be JSON-escaped (\uXXXX is six characters for
# one) and other fields come with it.
MAX_ESCAPE_CHARS = 6
LINE_HEADROOM = 1 << 16
PASS_OVER_CHUNK = 1 << 20

# The UTF-32 LE mark begins with the UTF-16 LE one, so the longer marks are tried first.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte code pages English-language newsrooms covering the region have used, most likely
# first. Short English text gives charset-normalizer little to go on and several of these
# decode it identically, so this order breaks its ties toward the Western Windows code page.
LEGACY_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp1256", "mac_roman", "cp1251", "iso8859_6")

HEADER_LINES = 12  # title, date and byline lines all sit above this in real copy
DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# A source in brackets: "(Reuters)", "(Zaman Al Wasl)", but not "(Photo: AP)" or "(2)".
_SOURCE = r"\((?P<source>[A-Z][^():\d\n]{0,38})\)"
# "ERBIL, Kurdistan Region –", "BEIRUT, Dec 24 (Reuters) -": an all-caps place, an optional
# region and day, an optional source, then a dash before a body that starts like a sentence.
# The capital after the dash keeps "US-led ..." and "ISIS - the group ..." out.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]*)*)"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z'’.\-]*(?: [A-Za-z'’.\-]+){0,3}?))?"
    r"(?:,?[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?"
    rf"(?:[ \t]*{_SOURCE})?"
    rf"[ \t]*[{DASHES}]{{1,2}}[ \t]*(?=[A-Z0-9\"“‘'(])"
)
_SOURCE_LEAD = re.compile(rf"{_SOURCE}[ \t]*(?:[{DASHES}]|$)")
_DATE_LABEL = re.compile(
    r"[ \t]*(?:first[ \t]+)?(?:published|posted|date)\b(?:[ \t]+on\b)?[ \t]*[:\-–—]?[ \t]*(?P<when>\S.*)$",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(rf"[ \t]+[{DASHES}|•·][ \t]+|[ \t]*\|[ \t]*|[ \t]+(?:at|by)[ \t]+", re.IGNORECASE)
_BYLINE = re.compile(r"[ \t]*(?:By|BY)[ \t]+[A-Z][^\n]{0,80}$")
_SCRAPER_TAG = re.compile(r"[ \t]*\[[^\]\n]*\][ \t]*$")  # "[ad_1]" and similar scraper leftovers
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0e, 0x20)) + b"\x7f"
_FILE_KINDS = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
               (stat.S_ISSOCK, "socket"))
_YEAR = re.compile(r"\d\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class InputProblem:
    """An input that was skipped or only partly read, and why.

    >>> str(InputProblem("news/a.jsonl", 7, "not JSON: Expecting value (column 1)"))
    'news/a.jsonl:7: not JSON: Expecting value (column 1)'
    """

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


class _Skip(Exception):  # a whole input cannot be read; the message is the reason reported
    pass


class _TooLarge(Exception):
    """A table line (or CSV row) over the limit; it has been read past, not kept."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def read_documents(
    paths: Iterable[str | Path],
    published: date | None = None,
    problems: list[InputProblem] | None = None,
    *,
    max_chars: int = MAX_DOCUMENT_CHARS,
    exclude: Iterable[str | Path] = (),
    on_problem: Callable[[InputProblem], None] | None = None,
) -> Iterator[Document]:
    """Yield one Document per article found under ``paths``, in order, one at a time.

    Folders are walked recursively in sorted order, hidden files and folders skipped.
    ``.jsonl`` / ``.ndjson`` and ``.csv`` files hold one article per line / row, with a
    required ``text`` field and optional ``id``, ``published``, ``source``, ``url``, ``title``;
    every other file is one plain-text article. A text file's doc_id is its name, or its path
    relative to the folder given when two files share a name; a row's is its ``id``, else
    ``<file name>:<line>``. Fields win over what the text says about itself.

    Bad inputs (missing, unreadable, binary, empty, not a regular file, broken lines or rows,
    articles longer than ``max_chars``) are reported as they are met and skipped; nothing
    raises for bad content. Reports go to ``on_problem`` when given, else are appended to
    ``problems``: a callback holds nothing, however many rows are bad. A row whose
    ``published`` is not a date is reported and still yielded, as if it had no such field.
    ``published`` fills in every document that states no publication date of its own.

    A folder walk never enters the folders in ``exclude`` (the run's own --out) and passes
    over files named like conflictmap's outputs (OUTPUT_FILE_NAMES); a path given here
    is read whatever its name.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if on_problem is not None:
        report = on_problem
    else:
        report = problems.append if problems is not None else (lambda problem: None)
    excluded = frozenset(os.path.realpath(folder) for folder in exclude)
    for found in _label_inputs(_find_inputs(paths, excluded)):
        if isinstance(found, InputProblem):
            report(found)
            continue
        path, label = found
        for doc in _read_input(path, label, report, max_chars):
            if doc.published is None:
                doc.published = published
            yield doc


@dataclass(frozen=True)
class Dateline:
    """Where a report was filed from, as the first line of its body says ("ERBIL, Kurdistan
    Region –"): not where anything happened. Offsets are into the article text."""

    place: str  # "ERBIL, Kurdistan Region"
    source: str | None  # "Reuters" from "BEIRUT (Reuters) -"
    start: int  # where the dateline begins
    end: int  # just after its dash: every name in [start, end) is part of the dateline


def parse_article_header(text: str) -> dict:
    """What a plain-text article says about itself: published, dateline, source, title.

    Only the top of the article is read and anything unclear is None; no date is invented.

    >>> parse_article_header("Rebels cut a supply road\\n\\nPosted: Dec. 24, 2014\\n\\n"
    ...                      "DAMASCUS, Syria (Reuters) — Fighting went on.")
    {'published': datetime.date(2014, 12, 24), 'dateline': 'DAMASCUS, Syria', 'source': 'Reuters', 'title': 'Rebels cut a supply road'}
    """
    return _scan_header(text)[0]


def find_dateline(text: str) -> Dateline | None:
    """The article's dateline, where :func:`parse_article_header` finds it (the first line of
    the body, under any title, date and byline lines), with its offsets; None when it has none.
    The one dateline detector: :mod:`geo.nlp` asks it which place names are datelines.

    >>> text = "Made-up heading\\n\\nPublished March 3, 2016\\n\\nTELL SABUR, Syria (AFP) - A raid."
    >>> dateline = find_dateline(text)
    >>> dateline.place, dateline.source, text[dateline.start:dateline.end]
    ('TELL SABUR, Syria', 'AFP', 'TELL SABUR, Syria (AFP) - ')
    >>> find_dateline("The monitor, based in BEIRUT - said nothing.") is None
    True
    """
    return _scan_header(text)[1]


def _scan_header(text: str) -> tuple[dict, Dateline | None]:
    lines = _header_lines(text)
    title_index = _title_line_index([line for _, line in lines])
    header = {"published": None, "dateline": None, "source": None,
              "title": lines[title_index][1].strip() if title_index is not None else None}
    dateline, body_found = None, False
    for index, (offset, line) in enumerate(lines):
        if index == title_index or not line.strip():
            continue
        when = _header_date(line)
        if when is not None:
            header["published"] = header["published"] or when
        elif not body_found and not _BYLINE.match(line) and not _SCRAPER_TAG.match(line):
            body_found, found = _read_body_start(line, offset, header)
            dateline = dateline or found
    return header, dateline


def _header_lines(text: str) -> list[tuple[int, str]]:
    """The first HEADER_LINES lines of ``text`` with the offset each starts at."""
    lines, start = [], 0
    for brk in _LINE_BREAK.finditer(text):
        lines.append((start, text[start:brk.start()]))
        start = brk.end()
        if len(lines) == HEADER_LINES:
            return lines
    lines.append((start, text[start:]))
    return lines


@functools.lru_cache(maxsize=4096)  # one outlet's articles repeat the same few date lines
def parse_date(value: str) -> date | None:
    """The calendar date ``value`` states in full, else None (never completed from today).

    >>> parse_date("December 24th, 2014 - 08:53 GMT"), parse_date("Tuesday"), parse_date("03/04/2014")
    (datetime.date(2014, 12, 24), None, None)
    """
    if len(value) > 100:  # a date is short; long strings are prose, and slow to parse
        return None
    iso = _ISO_DATE.match(value.strip())
    if iso:  # dateutil's dayfirst would read 2015-01-02 as February 1st
        try:
            return _plausible(date.fromisoformat(iso.group()))
        except ValueError:
            return None
    if not _YEAR.search(value):  # most header lines are not dates; dateutil is slow to say so
        return None
    readings = set()
    # Far-apart defaults and both day orders: a missing or ambiguous part shows as disagreement.
    for default, dayfirst in ((datetime(1901, 1, 1), False), (datetime(2002, 2, 2), False), (datetime(1901, 1, 1), True)):
        try:
            readings.add(dateutil_parser.parse(value, default=default, dayfirst=dayfirst, ignoretz=True).date())
        except (ValueError, OverflowError, TypeError):
            return None
    return _plausible(readings.pop()) if len(readings) == 1 else None


def _plausible(when: date) -> date | None:
    return when if 1900 <= when.year <= 2100 else None


def _title_line_index(lines: list[str]) -> int | None:
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    standing_alone = index is not None and index + 1 < len(lines) and not lines[index + 1].strip()
    if not standing_alone or not any(line.strip() for line in lines[index + 2:]):
        return None  # a title sits above a blank line and a body
    title = lines[index].strip()
    looks_like_title = (len(title) <= 150 and len(title.split()) >= 2 and not title.endswith(".")
                        and any(ch.isalpha() for ch in title))
    return index if looks_like_title and _header_date(title) is None else None


def _header_date(line: str) -> date | None:
    if len(line) > 100:
        return None
    label = _DATE_LABEL.match(line)
    if label is None:
        return parse_date(line.strip()) if len(line.strip()) <= 40 else None
    when = label.group("when").strip()
    return parse_date(when) or parse_date(_DATE_TAIL.split(when, maxsplit=1)[0])


def _read_body_start(line: str, offset: int, header: dict) -> tuple[bool, Dateline | None]:
    """Take the dateline and source from the body's first line (``offset`` is where the line
    starts in the text); False if it was only a source."""
    indent = len(line) - len(line.lstrip())
    line = line.lstrip()
    dateline = _DATELINE.match(line)
    if dateline:
        region = dateline.group("region")
        header["dateline"] = dateline.group("place") + (f", {region}" if region else "")
        header["source"] = header["source"] or dateline.group("source")
        return True, Dateline(header["dateline"], dateline.group("source"), offset + indent, offset + indent + dateline.end())
    source = _SOURCE_LEAD.match(line)
    if source:
        header["source"] = header["source"] or source.group("source")
        return bool(line[source.end():].strip()), None
    return True, None


def _find_inputs(paths: Iterable[str | Path], excluded: frozenset[str]) -> Iterator[tuple[Path, str] | InputProblem]:
    """Every file to read with its path relative to the folder it was found in."""
    for given in paths:
        path = Path(given)
        if os.path.isdir(path):
            yield from _walk_folder(path, path, set(), excluded)
        else:
            yield path, path.as_posix()


def _walk_folder(folder: Path, root: Path, seen: set[str],
                 excluded: frozenset[str]) -> Iterator[tuple[Path, str] | InputProblem]:
    real = os.path.realpath(folder)
    if real in seen:  # a symlink back up the tree would otherwise recurse forever
        return
    if folder != root and real in excluded:  # the output folder, unless it is the input named
        return
    seen.add(real)
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield InputProblem(str(folder), None, _os_reason(exc))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir():
                yield from _walk_folder(path, root, seen, excluded)
            elif entry.name in OUTPUT_FILE_NAMES:  # a previous run's --out inside the input
                log.info("%s: not read, conflictmap writes files of that name", path)
            elif entry.is_file() or entry.is_symlink():
                yield path, path.relative_to(root).as_posix()
            else:
                yield InputProblem(str(path), None, _not_regular(entry.stat(follow_symlinks=False).st_mode))
        except OSError as exc:
            yield InputProblem(str(path), None, _os_reason(exc))


def _label_inputs(found: Iterable[tuple[Path, str] | InputProblem]) -> list[tuple[Path, str] | InputProblem]:
    """Give each file the shortest unique label: its name, its relative path, its full path."""
    unique, seen = [], set()  # paths only: every name must be known before the first label
    for item in found:
        if not isinstance(item, InputProblem):
            key = os.path.normcase(os.path.abspath(item[0]))
            item = InputProblem(str(item[0]), None, "listed twice, read once") if key in seen else item
            seen.add(key)
        unique.append(item)
    files = [item for item in unique if not isinstance(item, InputProblem)]
    names = Counter(path.name for path, _ in files)
    relatives = Counter(relative for path, relative in files if names[path.name] > 1)

    def label(path: Path, relative: str) -> str:
        if names[path.name] == 1:
            return path.name
        return relative if relatives[relative] == 1 else path.as_posix()

    return [item if isinstance(item, InputProblem) else (item[0], label(*item)) for item in unique]


def _read_input(path: Path, label: str, report: Callable[[InputProblem], None], max_chars: int) -> Iterator[Document]:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        report(InputProblem(str(path), None, _os_reason(exc)))
        return
    if not stat.S_ISREG(mode):  # a FIFO can block forever and /dev/zero never ends
        report(InputProblem(str(path), None, _not_regular(mode)))
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES or suffix in CSV_SUFFIXES:
        yield from _read_table(path, label, report, max_chars)
        return
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_chars * MAX_BYTES_PER_CHAR + 1)
        if len(data) > max_chars * MAX_BYTES_PER_CHAR:
            raise _Skip(f"too large: more than {max_chars * MAX_BYTES_PER_CHAR:,} bytes "
                        f"(the limit is {max_chars:,} characters), skipped")
        text = _decode(data, path)
        if len(text) > max_chars:
            raise _Skip(_too_long(text, max_chars))
    except OSError as exc:
        report(InputProblem(str(path), None, _os_reason(exc)))
    except _Skip as skip:
        report(InputProblem(str(path), None, str(skip)))
    else:
        yield Document(doc_id=label, text=text, path=str(path), **parse_article_header(text))


def _not_regular(mode: int) -> str:
    kind = next((name for is_kind, name in _FILE_KINDS if is_kind(mode)), "special file")
    return f"not a regular file ({kind}), skipped"


def _too_long(text: str, max_chars: int) -> str:
    # spaCy refuses a text over its nlp.max_length (E088) and would end the whole run.
    return f"article is {len(text):,} characters; the limit is {max_chars:,}"


def _looks_binary(chunk: bytes) -> bool:
    """More control bytes than text has: one stray NUL in a table costs its row, not the file."""
    return len(chunk) - len(chunk.translate(None, _CONTROL_BYTES)) > len(chunk) / 100


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read: {exc.strerror or exc}"


def _decode(data: bytes, path: Path) -> str:
    """The text of a whole file, BOM stripped and newlines made \\n."""
    encoding = _byte_order_mark_encoding(data)
    if encoding is None and b"\x00" in data:
        raise _Skip("binary file, skipped")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        if encoding is not None:
            raise _Skip(f"not valid {encoding} text despite its byte order mark, skipped") from None
        encoding = _detect_legacy_encoding(data)
        log.info("%s: not UTF-8, read as %s (charset-normalizer)", path, encoding)
        text = data.decode(encoding)
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise _Skip("empty file, skipped")
    if len(_CONTROL_CHARS.findall(text)) > len(text) / 100:
        raise _Skip("binary file, skipped")
    return text


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes, so offsets stay true."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _byte_order_mark_encoding(head: bytes) -> str | None:
    return next((encoding for mark, encoding in BYTE_ORDER_MARKS if head.startswith(mark)), None)


def _detect_legacy_encoding(data: bytes) -> str:
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS))
    if not matches:
        raise _Skip("binary file, skipped")
    least_chaos = min(match.chaos for match in matches)
    fitting = {enc for match in matches if match.chaos <= least_chaos + 0.01 for enc in match.could_be_from_charset}
    for encoding in [e for e in LEGACY_ENCODINGS if e in fitting] + [matches.best().encoding]:
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:  # charset-normalizer reads samples, not always every byte
            continue
    raise _Skip("undecodable text, skipped")


def _sniff_table_encoding(path: Path) -> str:
    """The encoding of a possibly huge table, read in chunks so it never sits in memory whole."""
    with open(path, "rb") as stream:
        chunk = last = stream.read(SNIFF_CHUNK)
        if not chunk.removeprefix(codecs.BOM_UTF8).strip():
            raise _Skip("empty file, skipped")
        encoding = _byte_order_mark_encoding(chunk)
        if encoding is not None:
            return encoding
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk:
                if _looks_binary(chunk):
                    raise _Skip("binary file, skipped")
                decoder.decode(chunk)
                last, chunk = chunk, stream.read(SNIFF_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = _detect_legacy_encoding(last if not chunk else chunk)
            log.info("%s: not UTF-8, read as %s (charset-normalizer)", path, encoding)
            return encoding
    return "utf-8"


def _read_table(path: Path, label: str, report: Callable[[InputProblem], None], max_chars: int) -> Iterator[Document]:
    csv_table = path.suffix.lower() in CSV_SUFFIXES
    rows = _csv_rows if csv_table else _jsonl_rows
    lines, line, encoding = None, 0, "utf-8"
    try:
        encoding = _sniff_table_encoding(path)
        with open(path, encoding=encoding, newline="") as stream:
            lines = _CappedLines(stream, max_chars * MAX_ESCAPE_CHARS + LINE_HEADROOM, rows_span_lines=csv_table)
            for line, row in rows(lines):
                if isinstance(row, str):
                    report(InputProblem(str(path), line, row))
                    continue
                doc = _row_document(row, path, line, label, report, max_chars)
                if doc is not None:
                    yield doc
        if line == 0:
            report(InputProblem(str(path), None, "no rows, skipped"))
    except _Skip as skip:
        report(InputProblem(str(path), None, str(skip)))
    except OSError as exc:
        report(InputProblem(str(path), None, _os_reason(exc)))
    except UnicodeDecodeError:
        line = lines.number if lines else 0
        report(InputProblem(str(path), None, f"not {encoding} text after line {line}, rest of file skipped"))


class _CappedLines:
    """The lines of a table, none (and for CSV no row of several lines) longer than ``limit``
    characters: an overlong one is read past in pieces and raises _TooLarge, so one huge line
    costs that line and never the memory to hold it."""

    def __init__(self, stream: TextIO, limit: int, rows_span_lines: bool):
        self.stream, self.limit, self.rows_span_lines = stream, limit, rows_span_lines
        self.number = 0  # lines consumed, those read past included
        self._row = 0  # characters of the current row so far
        self._quoted = False  # inside a quoted CSV field at the end of the last line

    def __iter__(self):
        return self

    def new_row(self) -> None:
        """A CSV reader is about to ask for the first line of a row."""
        self._row, self._quoted = 0, False

    def __next__(self) -> str:
        line = self.stream.readline(self.limit - self._row + 1)
        if not line:
            raise StopIteration
        self._row += len(line)
        if self._row > self.limit:
            first = self.number + 1
            self._read_past(line)
            what = "a row" if self.rows_span_lines else "a line"
            raise _TooLarge(first, f"too large: {what} of more than {self.limit:,} characters, skipped")
        self.number += 1
        self._quoted ^= self.rows_span_lines and line.count('"') % 2 == 1
        if not self.rows_span_lines:
            self._row = 0
        return line

    def _read_past(self, piece: str) -> None:
        # The rest of the row: to the end of its line, and on while a CSV quote is open (an
        # even count of quotes closes it; a stray one only matters in a row already refused).
        while piece:
            self._quoted ^= self.rows_span_lines and piece.count('"') % 2 == 1
            if piece.endswith(("\n", "\r")):
                self.number += 1
                if not self._quoted:
                    break
            piece = self.stream.readline(PASS_OVER_CHUNK)
        self.new_row()


def _jsonl_rows(lines: _CappedLines) -> Iterator[tuple[int, dict | str]]:
    """(line number, the row's fields or why the line is not a row) for each non-blank line."""
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except _TooLarge as exc:
            yield exc.line, str(exc)
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            # JSON allows "\u0000" in a string, never the raw byte.
            what = "raw NUL byte" if line[exc.pos:exc.pos + 1] == "\x00" else exc.msg
            yield lines.number, f"not JSON: {what} (column {exc.colno})"
        except RecursionError:
            yield lines.number, "not JSON: nested too deeply"
        except ValueError as exc:  # e.g. an integer longer than Python will convert
            yield lines.number, f"not JSON: {exc}"
        else:
            yield lines.number, row if isinstance(row, dict) else "not a JSON object, skipped"


def _csv_rows(lines: _CappedLines) -> Iterator[tuple[int, dict | str]]:
    """(line the row starts on, the row's fields or why it is not a row) for each data row."""
    # The default 128 KiB cell limit is smaller than some long-form articles; _CappedLines
    # bounds a row instead.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    reader = csv.reader(lines)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        yield lines.number, f"not CSV: {exc}, file skipped"
        return
    except _TooLarge as exc:
        yield exc.line, f"{exc}, file skipped"
        return
    if "text" not in header:
        yield lines.number, "no text column in the header row, file skipped"
        return
    while True:
        start = lines.number + 1
        lines.new_row()
        try:
            values = next(reader)
        except StopIteration:
            return
        except _TooLarge as exc:
            yield start, str(exc)
            continue
        except csv.Error as exc:
            yield start, f"not CSV: {exc}, row skipped"
            if lines.number < start:  # the reader made no progress: stop rather than spin
                return
            continue
        if values:
            row = dict.fromkeys(header, "")  # a short row has the column, empty
            row.update(zip(header, values))
            yield start, row


def _row_document(row: dict, path: Path, line: int, label: str,
                  report: Callable[[InputProblem], None], max_chars: int) -> Document | None:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        reason = ("no text field" if "text" not in row else
                  "empty text field" if text is None or isinstance(text, str) else "text field is not a string")
        report(InputProblem(str(path), line, f"{reason}, skipped"))
        return None
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if len(text) > max_chars:
        report(InputProblem(str(path), line, _too_long(text, max_chars)))
        return None
    header = parse_article_header(text)
    published = _field(row, "published")
    when = parse_date(published) if published else None
    if published and when is None:
        report(InputProblem(str(path), line, f"published {published!r} is not a date; read without one"))
    return Document(
        doc_id=_field(row, "id") or f"{label}:{line}", text=text,
        published=when or header["published"], source=_field(row, "source") or header["source"],
        url=_field(row, "url"), title=_field(row, "title") or header["title"],
        dateline=header["dateline"], path=str(path), line=line,
    )


def _field(row: dict, name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    return str(value).strip() or None
