"""The geocoder's answers on disk, so no query is sent twice: one SQLite file, one row per query.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "geocode.sqlite"
>>> with GeocodeCache(path) as cache:
...     cache.put("k1", "Zarqat al-Test", [{"lat": 34.7, "lon": 40.85}])
...     cache.put("k2", "Nowhere at all", [])  # nothing found is an answer too
...     cache.get("k1"), cache.get("k2"), cache.get("k3")
([{'lat': 34.7, 'lon': 40.85}], [], None)

Only answers are stored, never faults: a timeout today must be asked again tomorrow. Each
answer is committed on its own in WAL mode with synchronous=FULL, so a run killed at any
moment (kill -9 included) leaves every answer it had received readable and nothing half-written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from conflictmap.files import cache_dir

ENV_CACHE = "CONFLICTMAP_GEOCODE_CACHE"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000  # another conflictmap run may be writing the same cache

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,        -- the normalised query, see geo.geocode.GeocodeQuery.cache_key
    query TEXT NOT NULL,         -- the spelling first sent
    answers TEXT NOT NULL,       -- JSON list of parsed answers; [] when the service found nothing
    created REAL NOT NULL        -- unix time
) WITHOUT ROWID;
"""


class GeocodeCacheError(RuntimeError):
    """The cache file cannot be opened, created or read."""


def default_cache_path() -> Path:
    """``$CONFLICTMAP_GEOCODE_CACHE``, else ``$XDG_CACHE_HOME/conflictmap/geocode.sqlite``
    (``~/.cache/conflictmap/geocode.sqlite``)."""
    configured = os.environ.get(ENV_CACHE)
    if configured:
        return Path(configured).expanduser()
    return cache_dir() / "geocode.sqlite"


class GeocodeCache:
    """Answers by query key. ``get`` tells a miss (None) from a cached "nothing found" ([])."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA synchronous = FULL")
            version = self._con.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise GeocodeCacheError(f"geocoder cache {self.path} has schema {version}, expected {SCHEMA_VERSION}; "
                                        f"move it aside or pass another --cache")
            self._con.executescript(SCHEMA)
            self._con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise GeocodeCacheError(f"cannot open the geocoder cache {self.path}: {exc}") from exc

    def get(self, key: str) -> list[dict] | None:
        try:
            row = self._con.execute("SELECT answers FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise GeocodeCacheError(f"cannot read the geocoder cache {self.path}: {exc}") from exc
        return None if row is None else json.loads(row[0])

    def put(self, key: str, query: str, answers: list[dict]) -> None:
        """Store one answer and commit it before returning."""
        try:
            self._con.execute("INSERT OR REPLACE INTO answers (key, query, answers, created) VALUES (?, ?, ?, ?)",
                              (key, query, json.dumps(answers, ensure_ascii=False), time.time()))
        except sqlite3.Error as exc:
            raise GeocodeCacheError(f"cannot write the geocoder cache {self.path}: {exc}") from exc

    def __len__(self) -> int:
        return self._con.execute("SELECT count(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
