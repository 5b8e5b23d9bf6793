"""``--workers N`` on one machine: the pipeline is loaded once and the process forked.

Each worker inherits the loaded pipeline (nothing is read or built again), opens its own
connection to the gazetteer (SQLite connections must not cross a fork), and runs the whole
flow (nlp -> resolve -> events) on batches of articles; only the small rows of
:class:`geo.pipeline.DocumentResult` come back, never spaCy Docs. Batches are handed out and
collected in input order with a bounded number in flight, so the events equal those of one
process and a stream of any length is never read ahead into memory.

Where ``fork`` does not exist (Windows), the run stays in one process and says so.
"""

from __future__ import annotations

import multiprocessing
import signal
import warnings
from collections import deque
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .document import Document
from .nlp import gazetteer

if TYPE_CHECKING:
    from spacy.language import Language

    from .pipeline import DocumentResult

BATCH = 16  # articles per task: enough to hide the hand-over, small enough to keep cores even
IN_FLIGHT = 3  # batches per worker handed out ahead of the one being collected

_loaded: dict = {}  # what the parent set before forking: the pipeline and the gazetteer path


def extract_in_workers(nlp: Language, db: Path | None, documents: Iterable[Document],
                       workers: int) -> Iterator[tuple[Document, DocumentResult]]:
    """(document, result) in input order, computed by ``workers`` forked processes."""
    from .pipeline import extract_documents

    if "fork" not in multiprocessing.get_all_start_methods():
        warnings.warn("this system cannot fork: the articles are read in one process", RuntimeWarning, stacklevel=2)
        yield from extract_documents(nlp, gazetteer(str(db) if db else None), documents)
        return
    _loaded.update(nlp=nlp, db=db)
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
    window: deque = deque()
    try:
        for batch in _batches(documents):
            window.append((batch, pool.apply_async(_extract_batch, (batch,))))
            if len(window) >= IN_FLIGHT * workers:
                yield from _collect(*window.popleft())
        while window:
            yield from _collect(*window.popleft())
        pool.close()
        pool.join()
    finally:
        pool.terminate()  # an interrupted run leaves no worker behind
        _loaded.clear()


def _collect(batch: list[Document], pending) -> Iterator[tuple[Document, DocumentResult]]:
    yield from zip(batch, pending.get())


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    documents = iter(documents)
    while batch := list(islice(documents, BATCH)):
        yield batch


def _start_worker() -> None:
    # Ctrl-C and SIGTERM are the parent's to handle: it ends the workers and says what is kept.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _loaded["gaz"] = gazetteer(str(_loaded["db"]) if _loaded["db"] else None)  # this process's own connection


def _extract_batch(batch: list[Document]) -> list[DocumentResult]:
    from .pipeline import extract_documents

    return [found for _, found in extract_documents(_loaded["nlp"], _loaded["gaz"], batch)]
