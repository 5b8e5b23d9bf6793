"""The flow on a Dask cluster (dask.distributed): for corpora bigger than one machine.

The client reads the articles (the one reader, :func:`geo.ingest.read_documents`, so CSV rows
spanning lines, encodings and bad-input reports work as in a plain run) and sends them to the
workers in partitions of up to :data:`PARTITION_DOCUMENTS` articles or :data:`PARTITION_CHARS`
characters. A worker runs :func:`geo.pipeline.extract_documents` on its partition (the
pipeline built and the gazetteer opened on its first partition, then kept) and sends back only
rows: each article's :class:`geo.pipeline.DocumentResult`, events unmerged. The client adds
them to the run's one :class:`geo.spill.Spill` in the articles' order, whatever order the
partitions finish in, so duplicates merge exactly as in a single-process run (the merge keeps
the first report and is order-sensitive: merging inside partitions first would not give the
same events), and the report's counts are those of one process.

Partitions go out a few at a time (twice the workers' threads, at least four, counting the
finished ones still waiting for an earlier one), so memory stays bounded on the client.

Workers need the package (``pip install 'conflictmap[dask]'``, the same version) and a
gazetteer: the database at the path the client passes, or their own default
(``$CONFLICTMAP_GAZETTEER``, else the packaged one) when the client passes none.

Only the standard library is imported here at module level: the command line reads
:func:`parse_address` without loading Dask or spaCy.

>>> parse_address("local:2"), parse_address("tcp://10.0.0.5:8786")
(2, 'tcp://10.0.0.5:8786')
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:
    import distributed

    from .document import Document
    from .pipeline import DocumentResult, RunResult
    from .spill import Spill

INSTALL_HINT = "pip install 'conflictmap[dask]'"
# Measured on 500 seed-length articles (about 600 words; 0.018 s each on one core): with the
# pipeline kept by each worker, a partition's round trip costs ~12 ms (sent, scheduled,
# answered; overlapped with other partitions' work), about 1 % of the ~0.9 s its 50 articles
# take, and a run ends at most one partition after its first worker
# falls idle (at 200 a partition, 500 articles made 3 partitions and one of two workers sat
# idle for the last third). The character cap keeps partitions of long articles as short in
# time. The client's share is ~0.7 ms an article (reading, sending, adding rows to the spill).
PARTITION_DOCUMENTS = 50
PARTITION_CHARS = 250_000
# Without a dashboard the scheduler still serves its health and metrics routes, on port 8787
# unless told otherwise (and a warning when that port is taken): a free loopback port instead.
LOCAL_SCHEDULER = {"dashboard_address": "127.0.0.1:0"}
_LOCAL = re.compile(r"local:(\d+)\Z")
_REMOTE = re.compile(r"(?:[a-z][a-z0-9+]*://)?\S+\Z")


class DaskUnavailable(ImportError):
    """dask.distributed is not installed; the message says how to install it."""


def require_distributed():
    """The ``distributed`` module, or :class:`DaskUnavailable` naming the extra to install."""
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailable(f"Dask is not installed: {INSTALL_HINT}") from exc
    return distributed


def parse_address(address: str) -> int | str:
    """``local:N`` -> N (worker processes to start); a scheduler address -> itself.

    >>> parse_address("local:0")
    Traceback (most recent call last):
    ValueError: local:N needs at least one worker, not 'local:0'
    """
    text = address.strip()
    local = _LOCAL.match(text)
    if local:
        if int(local[1]) < 1:
            raise ValueError(f"local:N needs at least one worker, not {address!r}")
        return int(local[1])
    if text.startswith("local") or not _REMOTE.match(text):
        raise ValueError(f"{address!r} is neither local:N nor a scheduler address such as tcp://host:8786")
    return text


# --- on the workers ---------------------------------------------------------------------------


@dataclass
class PartitionRows:
    """What a worker sends back for one partition: each article's small rows
    (:class:`geo.pipeline.DocumentResult`, unmerged), in order; no spaCy Docs."""

    found: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return len(self.found)

    @property
    def events(self) -> int:
        return sum(len(one.events) for one in self.found)


_pipelines = threading.local()  # a spaCy pipeline is not for two threads at once


def _pipeline(db: str | None, model: str | None):
    """The worker thread's pipeline for this database and model, built on its first partition
    and kept for the next ones."""
    from .nlp import build_pipeline

    cache = _pipelines.__dict__.setdefault("by_key", {})
    if (db, model) not in cache:
        cache.clear()  # one run at a time: do not keep an older run's pipeline
        cache[(db, model)] = build_pipeline(model=model, db=db)
    return cache[(db, model)]


def extract_partition(documents: Iterable[Document], db: str | None = None, model: str | None = None) -> PartitionRows:
    """Run the flow over one partition on a worker; the rows come back unmerged."""
    from .nlp import gazetteer  # one per worker process and database, shared with the pipeline's components
    from .pipeline import extract_documents

    nlp, gaz = _pipeline(db, model), gazetteer(db)
    started = time.perf_counter()
    found = [one for _, one in extract_documents(nlp, gaz, documents)]
    return PartitionRows(found, seconds=time.perf_counter() - started)


def extract_items(items: Any, first_number: int, published: date | None, db: str | None,
                  model: str | None) -> PartitionRows:
    """:func:`extract_partition` over a partition of a dask collection: a pandas DataFrame (a
    dask DataFrame's partition, rows with a ``text`` column) or a list of texts, Documents or
    dicts (a dask bag's). Plain texts are numbered from ``first_number``."""
    from .pipeline import as_documents

    return extract_partition(list(as_documents(items, published, first_number)), db, model)


# --- on the client ----------------------------------------------------------------------------


class DaskRunner:
    """A connection to a Dask cluster that runs the flow: ``local:N`` starts a LocalCluster of N
    worker processes on the loopback interface (one thread each, no dashboard) and closes it
    with the runner; a scheduler address (``tcp://host:8786``) connects to a running cluster;
    a ``distributed.Client`` is used as it is (and left open).

    ``db`` is the gazetteer database the workers open (None: each worker's default), ``model``
    a spaCy pipeline installed on the workers, ``agree_across_articles`` as in
    :func:`geo.pipeline.process_documents` (done here, once every partition is back). Use it in
    a ``with`` block, or :meth:`close` it.
    """

    def __init__(self, address: str | distributed.Client, *, db: str | None = None, model: str | None = None,
                 partition_documents: int | None = None, partition_chars: int | None = None,
                 agree_across_articles: bool = True):
        distributed = require_distributed()
        self.db = str(db) if db is not None else None
        self.model = model
        self.agree_across_articles = agree_across_articles
        self.partition_documents = partition_documents or PARTITION_DOCUMENTS
        self.partition_chars = partition_chars or PARTITION_CHARS
        self.partitions = 0
        self._cluster = self.client = None
        started = time.perf_counter()
        self._own_client = not isinstance(address, distributed.Client)
        try:
            if not self._own_client:
                self.client, self.address = address, address.scheduler.address
            else:
                target = parse_address(address)
                self.address = address
                if isinstance(target, int):
                    self._cluster = distributed.LocalCluster(
                        n_workers=target, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, worker_dashboard_address=None, scheduler_kwargs=LOCAL_SCHEDULER)
                    target = self._cluster
                self.client = distributed.Client(target, set_as_default=False)
            self.workers = len(self.client.nthreads())
            self._check_workers()
            self.load_seconds = time.perf_counter() - started  # the cluster started, or reached
        except BaseException:
            self.close()
            raise

    def _gazetteer(self):
        """The gazetteer here, where the run's articles settle (their outlets' second look,
        :meth:`geo.pipeline.RunResult.settle`); None when this machine has none: the articles
        then settle without it."""
        from conflictmap.gazetteer import Gazetteer, GazetteerError

        try:
            return Gazetteer(self.db)
        except GazetteerError:
            return None

    def _check_workers(self) -> None:
        """Every worker there now can import the package (a worker without it fails every task
        it is given, so say it before any article is read)."""
        try:
            versions = self.client.run(_package_version)
        except Exception as exc:  # raised by a worker, or its answer cannot be read
            raise RuntimeError(f"the Dask workers cannot run conflictmap ({type(exc).__name__}: {exc}); "
                               f"{INSTALL_HINT} on every worker") from exc
        from conflictmap import __version__

        other = {address: v for address, v in versions.items() if v != __version__}
        if other:
            raise RuntimeError(f"the Dask workers run other versions of conflictmap than this one ({__version__}): "
                               f"{', '.join(f'{a}: {v}' for a, v in sorted(other.items()))}")

    def process(self, documents: Iterable[Document], spill: Spill | None = None,
                on_partition: Callable[[PartitionRows], None] | None = None) -> RunResult:
        """:func:`geo.pipeline.process_documents` on the cluster (without a geocoder): the same
        RunResult, the same events in the same order. ``on_partition`` is called as each
        partition comes back."""
        client = self.client
        db, model = self.db, self.model

        def submissions():
            for batch in self._batches(documents):
                yield lambda batch=batch: client.submit(extract_partition, batch, db, model, pure=False)
        return self._gather(submissions(), spill, on_partition)

    def process_collection(self, collection, published: date | None = None, spill: Spill | None = None,
                           on_partition: Callable[[PartitionRows], None] | None = None) -> RunResult:
        """The same over a dask bag (texts, Documents or row dicts) or a dask DataFrame (a
        ``text`` column, optional ``id``, ``published``, ``source``, ``url``, ``title``), one task
        per partition of the collection. Plain texts are numbered over the whole collection
        (``text-1``, ...), as :func:`conflictmap.extract` numbers them; that takes one pass to
        count each partition first."""
        import dask

        if hasattr(collection, "columns") and "text" not in collection.columns:
            raise ValueError(f"a DataFrame of articles needs a 'text' column (it has {list(collection.columns)})")
        parts = collection.to_delayed()
        sizes = self.client.gather(self.client.compute([dask.delayed(_count)(part) for part in parts]))
        firsts = [1 + sum(sizes[:i]) for i in range(len(parts))]
        client, db, model = self.client, self.db, self.model

        def submissions():
            for part, first in zip(parts, firsts):
                task = dask.delayed(extract_items, pure=False)(part, first, published, db, model)
                yield lambda task=task: client.compute(task)
        return self._gather(submissions(), spill, on_partition)

    def report(self) -> dict:
        """The "dask" entry of report.json (workers: the most seen at once)."""
        return {"address": str(self.address), "partitions": self.partitions, "workers": self.workers}

    def close(self) -> None:
        if self._own_client and self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _batches(self, documents: Iterable[Document]) -> Iterator[list[Document]]:
        batch, chars = [], 0
        for document in documents:
            if batch and (len(batch) >= self.partition_documents or chars + len(document.text) > self.partition_chars):
                yield batch
                batch, chars = [], 0
            batch.append(document)
            chars += len(document.text)
        if batch:
            yield batch

    def _gather(self, submissions: Iterator[Callable[[], distributed.Future]], spill: Spill | None,
                on_partition: Callable[[PartitionRows], None] | None) -> RunResult:
        from distributed import as_completed

        from .pipeline import RunResult
        from .spill import Spill

        started = time.perf_counter()
        result = RunResult(spill=spill if spill is not None else Spill(),
                           agree_across_articles=self.agree_across_articles)
        pending: dict[Any, int] = {}  # future -> partition number
        done: dict[int, PartitionRows] = {}  # back, waiting for an earlier partition
        added = submitted = 0
        futures = as_completed(loop=self.client.loop)

        def submit_more():
            nonlocal submitted
            threads = self.client.nthreads()  # a cluster may grow or shrink during the run
            self.workers = max(self.workers, len(threads))
            window = max(4, 2 * sum(threads.values()))
            while submitted - added < window:
                submit = next(submissions, None)
                if submit is None:
                    return
                future = submit()
                pending[future] = submitted
                futures.add(future)
                submitted += 1

        try:
            submit_more()
            for future in futures:
                number = pending.pop(future)
                try:
                    part = future.result()
                except Exception as exc:
                    raise RuntimeError(f"partition {number + 1} failed on the Dask cluster: "
                                       f"{type(exc).__name__}: {exc}") from exc
                future.release()
                done[number] = part
                if on_partition:
                    on_partition(part)
                while added in done:
                    _account(result, done.pop(added))
                    added += 1
                submit_more()
            gaz = self._gazetteer()
            try:
                result.settle(gaz)
            finally:
                if gaz is not None:
                    gaz.close()
        except BaseException:
            if pending:
                self.client.cancel(list(pending))
            if spill is None:
                result.close()
            raise
        self.partitions += submitted
        result.timings["load"] = self.load_seconds
        result.timings["extract"] = time.perf_counter() - started
        result.timings["total"] = self.load_seconds + result.timings["extract"]
        return result


def _account(result: RunResult, part: PartitionRows) -> None:
    # The same bookkeeping as one process, article by article in input order.
    for one in part.found:
        result.add(one)
        result.documents += 1


def _count(items) -> int:
    return len(items) if hasattr(items, "__len__") else sum(1 for _ in items)


def _package_version() -> str:
    from conflictmap import __version__

    return __version__
