"""Files written whole or not at all: the one atomic writer every part of conflictmap uses.

A file is written under a temporary name in its own folder (same filesystem, so the rename is
atomic), flushed to disk, renamed over the old file, and the folder is flushed so the rename
itself survives a crash. Readers see the old file or the new one, never half of either; a
failure or an interruption leaves the old file and no temporary behind. Standard library only:
the geo, gazetteer and maps packages all import it, and so can the command line at start.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "note.txt"
>>> write_atomic(out, "hello").read_text(encoding="utf-8")
'hello'
>>> write_atomic(out, lambda tmp: tmp.write_bytes(b"bye")).read_bytes()
b'bye'
>>> sorted(p.name for p in out.parent.iterdir())
['note.txt']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path) -> Iterator[Path]:
    """Yield a temporary path for the block to create ``path``'s new file at; when the block
    ends normally, move it onto ``path`` atomically and durably.

    The temporary file sits in a private hidden folder ``.NAME.XXXX.tmp`` beside ``path`` and
    has ``path``'s own name, so writers that care about the extension (GDAL's GPKG driver) and
    their side files (SQLite journals) work unchanged, and it gets the usual umask permissions,
    not mkstemp's 0600. If the block raises anything, KeyboardInterrupt included, the folder
    is removed, the exception propagates and the old file at ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        tmp = workdir / path.name
        yield tmp
        if not tmp.is_file():
            raise RuntimeError(f"{path}: the writer did not create a file")
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def write_atomic(path, content: str | bytes | Callable[[Path], object], *, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` atomically (see :func:`replacing`); return ``path``.

    ``content`` is text (written with ``encoding`` and "\\n" line ends), bytes, or a function
    ``writer(tmp)`` that writes the file at the temporary path ``tmp`` itself.
    """
    path = Path(path)
    with replacing(path) as tmp:
        if isinstance(content, str):
            tmp.write_text(content, encoding=encoding, newline="\n")
        elif isinstance(content, (bytes, bytearray, memoryview)):
            tmp.write_bytes(content)
        else:
            content(tmp)
    return path


def fsync_file(path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(directory) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where the system cannot
    open a folder this way (Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def cache_dir() -> Path:
    """conflictmap's folder for what it may recompute: ``$XDG_CACHE_HOME/conflictmap``
    (``~/.cache/conflictmap``). Not created here."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root).expanduser() / "conflictmap"
