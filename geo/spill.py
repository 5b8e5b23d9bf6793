"""A run's results set aside until they are complete: its rows on disk, its outputs in a hidden folder.

A long run makes millions of rows; held as dicts until the end they took a 97,000-article run
from 0.2 to 1.8 GB. :class:`Spill` writes each document's rows to a temporary SQLite file as
they come (rows as JSON) and gives them back at the end, the events merged exactly as
:func:`geo.merge.merge_duplicates` merges them, one group at a time.

:class:`OutputFolder` receives the new set of output files in a fresh hidden folder and
switches it in for the previous set with a single rename. Standard library only, so the CLI
can check its --out before it loads anything heavy.

>>> with Spill() as spill:
...     spill.add([{"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": None,
...                 "latitude": 34.69, "longitude": 40.83, "event_date": None, "fatalities": n,
...                 "civilian_fatalities": 0, "injuries": 0, "confidence": 0.5, "geo_precision": 1,
...                 "actor2": None, "assoc_actor_1": None, "time_precision": None,
...                 "source": None, "source_url": None, "doc_id": f"a{n}"} for n in (3, 5)], [])
...     [(e["doc_id"], e["fatalities"]) for e in spill.events()], spill.event_count
([('a3; a5', 5)], 1)
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from conflictmap.files import fsync_dir

from .ingest import OUTPUT_FILE_NAMES

# merge_duplicates holds every kept event in memory; this is the same rule over rows on disk.
from .merge import _CELL, MERGE_DAYS, _absorb, _same_event

try:
    import fcntl
except ImportError:  # Windows: no lock between runs replacing files one by one
    fcntl = None

COMMIT_EVERY = 2000  # rows; the file is scratch (no journal, no fsync), a commit only bounds the cache

# What an output folder may hold and still count as conflictmap's alone: its files, the side
# files SQLite gives a GeoPackage that QGIS has open, and hidden temporaries of a killed run.
_SIDE_FILES = frozenset({"events.gpkg-wal", "events.gpkg-shm", "events.gpkg-journal"})
_TEMPORARY = re.compile(r"\.(?:conflictmap-.*|(?:{})\..*)\Z".format("|".join(map(re.escape, OUTPUT_FILE_NAMES))))
RENAME_EXCHANGE = 2  # linux/fs.h
TEST_DELAY_ENV = "CONFLICTMAP_TEST_WRITE_DELAY"

_SCHEMA = """
CREATE TABLE mentions (data TEXT NOT NULL);
CREATE TABLE events (leader INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX events_by_group ON events (leader);
CREATE TABLE leaders (id INTEGER PRIMARY KEY, kind TEXT, cx INTEGER, cy INTEGER, day TEXT,
                      latitude REAL, longitude REAL, source TEXT, doc_id TEXT);
CREATE INDEX leaders_nearby ON leaders (kind, cx, cy, day);
CREATE TABLE held (data BLOB NOT NULL);
"""


class Spill:
    """A scratch SQLite file in ``directory`` (default: the system's temporary folder) holding
    the rows of a run; removed by :meth:`close`, at the end of a ``with`` block, or when the
    object is collected.

    Only the merge's index (type, actor, grid cell, date and position of each distinct event)
    is searched as events arrive, on disk too, so memory stays flat however long the run.
    """

    def __init__(self, directory: str | os.PathLike | None = None):
        fd, name = tempfile.mkstemp(prefix=".conflictmap-spill-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.path = Path(name)
        # One thread uses it at a time, but the garbage collector may close it from another.
        self._db = sqlite3.connect(name, check_same_thread=False)
        self._finalizer = weakref.finalize(self, _remove, self._db, self.path)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = MEMORY"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(_SCHEMA)
        self.event_count = 0  # after merging
        self.mention_count = 0
        self._rows = 0
        self._uncommitted = 0

    def add(self, events: Iterable[dict], mentions: Iterable[dict]) -> None:
        """Store one document's event and mention rows (plain JSON-ready dicts)."""
        db = self._db
        for event in events:
            self._rows += 1
            leader = self._leader(event, self._rows)
            db.execute("INSERT INTO events (rowid, leader, data) VALUES (?, ?, ?)",
                       (self._rows, leader, json.dumps(event, ensure_ascii=False)))
            self._uncommitted += 1
        rows = [(json.dumps(m, ensure_ascii=False),) for m in mentions]
        db.executemany("INSERT INTO mentions (data) VALUES (?)", rows)
        self.mention_count += len(rows)
        self._uncommitted += len(rows)
        if self._uncommitted >= COMMIT_EVERY:
            db.commit()
            self._uncommitted = 0

    def hold(self, data: bytes) -> None:
        """Keep one document's pickled state aside until the run has read every document."""
        self._db.execute("INSERT INTO held (data) VALUES (?)", (data,))
        self._uncommitted += 1

    def held(self) -> Iterator[bytes]:
        """The held documents in the order they came, each given once (taken off the file)."""
        last = 0
        while True:
            rows = self._db.execute("SELECT rowid, data FROM held WHERE rowid > ? ORDER BY rowid LIMIT 64",
                                    (last,)).fetchall()
            if not rows:
                return
            for last, data in rows:
                yield data
            self._db.execute("DELETE FROM held WHERE rowid <= ?", (last,))

    def _leader(self, event: dict, rowid: int) -> int:
        """The row id of the first event this one duplicates, else its own (a new leader)."""
        kind = json.dumps([event["event_type"], event["sub_event_type"], event["actor1"]])
        cx, cy = int(event["longitude"] // _CELL), int(event["latitude"] // _CELL)
        day = event["event_date"]
        if day:
            when = date.fromisoformat(day)
            same_days = ("day BETWEEN ? AND ?",
                         ((when - timedelta(MERGE_DAYS)).isoformat(), (when + timedelta(MERGE_DAYS)).isoformat()))
        else:
            same_days = ("day IS NULL", ())
        # merge_duplicates scans the nine cells column by column, each in arrival order.
        candidates = self._db.execute(
            f"SELECT id, latitude, longitude, day, source, doc_id FROM leaders WHERE kind = ? AND cx IN (?, ?, ?) "
            f"AND cy IN (?, ?, ?) AND {same_days[0]} ORDER BY cx, cy, id",
            (kind, cx - 1, cx, cx + 1, cy - 1, cy, cy + 1, *same_days[1]),
        )
        for leader, latitude, longitude, leader_day, source, doc_id in candidates:
            first = {"latitude": latitude, "longitude": longitude, "event_date": leader_day,
                     "source": source, "doc_id": doc_id}
            if _same_event(first, event):
                return leader
        self._db.execute("INSERT INTO leaders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (rowid, kind, cx, cy, day, event["latitude"], event["longitude"],
                          event.get("source"), event.get("doc_id")))
        self.event_count += 1
        return rowid

    def events(self) -> Iterator[dict]:
        """The merged events in the order merge_duplicates gives them (first report first)."""
        self._db.commit()
        rows = self._db.execute("SELECT leader, data FROM events ORDER BY leader, rowid")
        for _, group in groupby(rows, key=itemgetter(0)):
            kept = json.loads(next(group)[1])
            for _, data in group:
                _absorb(kept, json.loads(data))
            yield kept

    def mentions(self) -> Iterator[dict]:
        """Every place mention, in the order they were added."""
        self._db.commit()
        for (data,) in self._db.execute("SELECT data FROM mentions ORDER BY rowid"):
            yield json.loads(data)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _remove(db: sqlite3.Connection, path: Path) -> None:
    db.close()
    path.unlink(missing_ok=True)


class OutputFolderError(Exception):
    """The output folder cannot be written; the message names it and says why."""


class OutputFolder:
    """A fresh hidden folder that receives a whole set of outputs, then takes ``target``'s place.

    Where ``target`` is missing or holds nothing but conflictmap's outputs, the new folder is
    its sibling ``.NAME.new-PID-XXXX`` and :meth:`commit` swaps the two in one rename (Linux
    ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, between which ``target`` is
    briefly missing), then removes the previous set. Whatever happens, readers and other
    runs see the whole previous set or the whole new one, and of two runs the last to commit
    wins whole. Where ``target`` holds files of its own, is the current folder (or holds it), a
    mount point or a symbolic link (``file_by_file`` says which), the new folder is made inside
    it and :meth:`commit` replaces conflictmap's files one by one, under a lock that keeps
    another run's commit out, other files untouched; only a crash in those milliseconds could
    leave a mix. Outputs the new set lacks (a map, when none was drawn) go either way.

    Making one checks that the place is writable (:class:`OutputFolderError` says why not),
    so a run can fail before it reads anything. SIGINT and SIGTERM wait while :meth:`commit`
    works, and are raised after it (``committed`` is then True). Leaving a ``with`` block
    without committing removes the new folder.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> with OutputFolder(out) as folder:
    ...     _ = (folder.path / "report.json").write_text("{}", encoding="utf-8")
    ...     folder.commit()
    >>> sorted(p.name for p in out.parent.iterdir()), sorted(p.name for p in out.iterdir())
    (['out'], ['report.json'])
    """

    def __init__(self, target):
        self.target = Path(os.path.abspath(target))
        self.committed = False
        self.kept_previous: Path | None = None  # where files that appeared in target during the run were left
        self.file_by_file = _why_not_whole(self.target)  # None, or why the folder cannot be swapped whole
        home = self.target if self.file_by_file else self.target.parent
        try:
            _make_folder(home)
            if self.target.exists() and not os.access(self.target, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            prefix = f".conflictmap-new-{os.getpid()}-" if self.file_by_file else f".{self.target.name}.new-{os.getpid()}-"
            self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=home))
        except OSError as exc:
            raise OutputFolderError(f"cannot write to {self.target}: {exc.strerror or exc}") from None
        try:
            if not self.file_by_file:  # the folder itself is replaced: target's permissions, not mkdtemp's 0700
                os.chmod(self.path, stat.S_IMODE(os.stat(self.target).st_mode) if self.target.is_dir() else 0o777 & ~_umask())
        except BaseException:  # a signal, say: nobody else knows the folder yet
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def commit(self) -> None:
        """Put the new set in ``target``'s place (see the class)."""
        with _signals_deferred():
            pause_for_tests()
            self.file_by_file = self.file_by_file or _why_not_whole(self.target)  # files may have appeared
            if self.file_by_file:
                self._replace_files()
                self.committed = True
            else:
                previous = _swap(self.path, self.target)
                self.committed = True
                pause_for_tests()
                if previous is not None:
                    self._remove_previous(previous)
            fsync_dir(self.target.parent)

    def discard(self) -> None:
        """Remove the new folder unless committed; nothing else is touched."""
        if not self.committed:
            with _signals_deferred(raise_after=False):  # a second Ctrl-C must not leave it half removed
                shutil.rmtree(self.path, ignore_errors=True)

    def size(self) -> int:
        """Bytes written so far into the new folder."""
        total = 0
        for folder, _, names in os.walk(self.path):
            for name in names:
                try:
                    total += os.lstat(os.path.join(folder, name)).st_size
                except OSError:  # gone meanwhile
                    pass
        return total

    def _replace_files(self) -> None:
        fd = os.open(self.target, os.O_RDONLY)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # another run's commit goes wholly before or after this one
            names = [name for name in os.listdir(self.path) if not name.startswith(".")]
            for stale in OUTPUT_FILE_NAMES - set(names):
                (self.target / stale).unlink(missing_ok=True)
            for name in sorted(names, key=lambda name: name == "report.json"):  # the report last
                os.replace(self.path / name, self.target / name)
                pause_for_tests()
            os.fsync(fd)
        finally:
            os.close(fd)
        shutil.rmtree(self.path, ignore_errors=True)

    def _remove_previous(self, previous: Path) -> None:
        # The new set is in place: what fails here is tidying, not the run.
        for entry in os.scandir(previous):
            if not _is_ours(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
        try:
            os.rmdir(previous)
        except OSError:  # a file was put into target while the run wrote: keep it where it can be found
            self.kept_previous = self.target.with_name(f"{self.target.name}.previous-{os.getpid()}")
            try:
                os.rename(previous, self.kept_previous)
            except OSError:
                self.kept_previous = previous

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()


def _is_ours(name: str) -> bool:
    return name in OUTPUT_FILE_NAMES or name in _SIDE_FILES or bool(_TEMPORARY.match(name))


def _why_not_whole(folder: Path) -> str | None:
    """Why swapping ``folder`` as a whole would take something from someone, or None."""
    if folder.is_symlink():
        return f"{folder} is a symbolic link"
    if not folder.is_dir():
        return None  # missing: nothing to take (a file there fails when the folder is made)
    if os.path.ismount(folder):
        return f"{folder} is a mount point"
    try:
        cwd = Path.cwd()
    except OSError:
        cwd = None
    if cwd is not None and cwd.is_relative_to(folder.resolve()):
        return f"{folder} is the current folder"  # a shell sitting in it would be left in the removed one
    others = sorted(name for name in os.listdir(folder) if not _is_ours(name))
    if others:
        return f"{folder} holds other files ({', '.join(others[:3])}{', ...' if len(others) > 3 else ''})"
    return None


def _make_folder(folder: Path) -> None:
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p.is_symlink())
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{existing} is a file" if existing.exists() else f"{existing} is a broken link")
    folder.mkdir(parents=True, exist_ok=True)


def _swap(new: Path, target: Path) -> Path | None:
    """Put ``new`` at ``target`` in one rename; return where the previous folder now is, if any."""
    while True:
        try:
            _exchange(new, target)
            return new
        except FileNotFoundError:  # no target yet
            try:
                os.rename(new, target)
                return None
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                # Another run put its folder there first: exchange with it.
        except NotImplementedError:
            return _swap_in_two_renames(new, target)


def _swap_in_two_renames(new: Path, target: Path) -> Path | None:
    # Between the two renames target does not exist (never half-filled); a crash there leaves
    # the previous set in the hidden .NAME.old-* folder.
    previous = target.with_name(f".{target.name}.old-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        os.rename(target, previous)
    except FileNotFoundError:
        previous = None
    try:
        os.rename(new, target)
    except BaseException:
        if previous is not None:
            os.rename(previous, target)
        raise
    return previous


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically; NotImplementedError where the system or filesystem cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        raise NotImplementedError
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise NotImplementedError
        raise OSError(err, os.strerror(err), str(b))


@functools.lru_cache(maxsize=None)
def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True) if os.name == "posix" else None
    except OSError:
        return None


@contextmanager
def _signals_deferred(raise_after: bool = True):
    """SIGINT and SIGTERM wait until the block is done, then take effect (if ``raise_after``).

    Blocking them with pthread_sigmask is not enough: the kernel hands a signal to any thread
    that does not block it, and Python then runs the handler in the main thread anyway. A
    handler that only notes the signal works whichever thread receives it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if caught and raise_after:
            signal.raise_signal(caught[0])


def pause_for_tests() -> None:
    # Tests widen the writing window with it, to land signals and a second run inside.
    delay = os.environ.get(TEST_DELAY_ENV)
    if delay:
        time.sleep(float(delay))


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk or the quota is full, as the OS,
    SQLite or GDAL (through pyogrio, as text) say it."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if re.search(r"No space left on device|disk is full|Disk quota exceeded", str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

