"""The embedded SQLite gazetteer file: where it lives, its schema, opening it safely."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from conflictmap.files import cache_dir

PACKAGE_DB = Path(__file__).with_name("data") / "gazetteer.sqlite"
ENV_DB = "CONFLICTMAP_GAZETTEER"
SCHEMA_VERSION = "9"  # 2: name_keys and fuzzy_blocks, the indexes a run reads at start; 3: the world, demonyms;
# 4: keys fold "el" joined to a later word, district seats, governorates from boundary polygons;
# 5: the world's towns name their second-order division (county), which the ranker weighs, and
# names are indexed also as English copy writes them ("Western Ghariyah" for "Ghariyah al Gharbiyah")
# 6: keys fold "Abul" as "Abu al"; "<demonym> capital" names each country's capital ("Iraqi capital")
# 7: places are indexed by latitude (Gazetteer.divisions_near); 8: division_keys (Gazetteer.spelt_nearest_in)
# 9: demonyms.tsv's English forms ("Saudi", "Turks"), and every demonym names its country's capital;
# places are indexed by country and province

SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL UNIQUE,   -- GeoNames id where known, else 'wof:<id>'
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    kind TEXT NOT NULL,              -- populated place, admin1, admin2, country, airport/base, ...
    country TEXT,                    -- ISO 3166-1 alpha-2
    admin1 TEXT,
    admin2 TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    importance REAL NOT NULL DEFAULT 0,  -- 0..1, gazetteer.build.importance
    source TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,               -- gazetteer.names.name_key
    skel TEXT NOT NULL,              -- gazetteer.names.skeleton of key
    place INTEGER NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,              -- the spelling that produced the key
    alias INTEGER NOT NULL DEFAULT 0,-- curated aliases: the geo_precision they carry (1; 2 for an area's)
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
-- Computed by the build, read one row at a time: a run starts without scanning the names.
CREATE TABLE name_keys (             -- gazetteer.lookup.NameEntry per key
    key TEXT PRIMARY KEY,
    importance REAL NOT NULL,        -- of its most notable place
    theatre INTEGER NOT NULL         -- 1 when a place of that name lies in the theatre
) WITHOUT ROWID;
CREATE TABLE demonyms (              -- "Syrian" -> SY: context for an article, never an event place
    key TEXT PRIMARY KEY,            -- gazetteer.names.name_key
    name TEXT NOT NULL,
    country TEXT NOT NULL,           -- ISO 3166-1 alpha-2
    place INTEGER NOT NULL REFERENCES places(id)  -- the country's record
) WITHOUT ROWID;
CREATE TABLE division_keys (         -- the keys of a first-order division's places (Gazetteer.spelt_nearest_in)
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    keys TEXT NOT NULL,              -- sorted, joined by newlines
    PRIMARY KEY (country, admin1)
) WITHOUT ROWID;
CREATE TABLE fuzzy_blocks (          -- the keys a misspelt name is compared with (Gazetteer._fuzzy_keys)
    region TEXT NOT NULL,            -- 'near' (the theatre and its neighbours) or 'world'
    prefix TEXT NOT NULL,            -- the key's first one or two letters
    length INTEGER NOT NULL,
    keys TEXT NOT NULL,              -- sorted, joined by newlines
    PRIMARY KEY (region, prefix, length)
) WITHOUT ROWID;
"""
# places_division: a province's largest towns (the seat of an event known by its province) and a
# country's divisions ("northern Iraq"), 34 and 62 ms a question without it
INDEXES = ("CREATE INDEX names_skel ON names(skel); CREATE INDEX places_lat ON places(lat); "
           "CREATE INDEX places_division ON places(country, admin1);")


class GazetteerError(RuntimeError):
    """The gazetteer database is missing, unreadable or from another schema."""


REBUILD_HINT = "rebuild it with: conflictmap gazetteer build"


def default_db_path() -> Path:
    env = os.environ.get(ENV_DB)
    return Path(env) if env else PACKAGE_DB


def connect(path: str | os.PathLike | None = None) -> sqlite3.Connection:
    """Open the gazetteer read-only; raise GazetteerError saying how to rebuild it."""
    path = Path(path) if path else default_db_path()
    if not path.is_file():
        raise GazetteerError(f"gazetteer database not found at {path}; {REBUILD_HINT}")
    con = None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        version = dict(con.execute("SELECT k, v FROM meta")).get("schema_version")
        con.execute("SELECT id, place_id, name, lat, lon, kind, country, admin1, admin2, population, importance, source FROM places LIMIT 1")
        con.execute("SELECT key, skel, place, name, alias FROM names LIMIT 1")
        con.execute("SELECT key, importance, theatre FROM name_keys LIMIT 1")
        con.execute("SELECT region, prefix, length, keys FROM fuzzy_blocks LIMIT 1")
        con.execute("SELECT key, name, country, place FROM demonyms LIMIT 1")
        damage = _damage(con, path)
    except sqlite3.DatabaseError as exc:
        if con is not None:
            con.close()
        raise GazetteerError(f"gazetteer database {path} is corrupt or not a gazetteer ({exc}); {REBUILD_HINT}") from exc
    if damage or version != SCHEMA_VERSION:
        con.close()
        if damage:
            raise GazetteerError(f"gazetteer database {path} is corrupt ({damage}); {REBUILD_HINT}")
        raise GazetteerError(f"gazetteer database {path} has schema {version!r}, this version needs {SCHEMA_VERSION!r}; {REBUILD_HINT}")
    return con


_intact: set[tuple[str, int, int, int]] = set()  # files already checked in this process


def _damage(con: sqlite3.Connection, path: Path) -> str | None:
    """What SQLite's structural check finds wrong with the file, or None.

    Damaged pages would otherwise surface as a DatabaseError in the middle of a run, at the
    first query that reads them. The check reads every page (about 0.27 s for the 120 MB
    file), once per file: the file is opened immutable, and a file found intact is remembered
    by its path, inode, size and modification time, in this process and in a stamp under
    :func:`conflictmap.files.cache_dir` (a later start skips the check; a rebuilt or damaged
    file has another stamp). Where the stamp cannot be written, the check runs every time.
    """
    info = path.stat()
    key = (os.path.realpath(path), info.st_ino, info.st_size, info.st_mtime_ns)
    if key in _intact:
        return None
    stamp = cache_dir() / "gazetteer-checked" / hashlib.sha1(repr(key).encode()).hexdigest()
    if stamp.is_file():
        _intact.add(key)
        return None
    result = con.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        return result.splitlines()[-1]  # "*** in database main ***" heads the list
    _intact.add(key)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:
        pass  # a read-only home: checked again next time
    return None
