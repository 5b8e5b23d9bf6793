"""geo.merge: one event reported twice becomes one row that keeps every source."""

from conflictmap.geo.merge import MERGE_DAYS, MERGE_KM, merge_duplicates


def event(**fields):
    row = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
           "actor1": "US-led coalition", "actor2": "Islamic State", "assoc_actor_1": None,
           "event_date": "2017-06-12", "time_precision": 1, "latitude": 35.0136, "longitude": 40.4520,
           "geo_precision": 1, "fatalities": 4, "civilian_fatalities": 0, "injuries": None, "confidence": 0.8,
           "source": "Wire A", "source_url": "https://example.invalid/a", "doc_id": "a"}
    row.update(fields)
    if "source" not in fields:  # another report is another outlet's unless a test says otherwise
        row["source"] = f"Wire {row['doc_id'].upper()}"
    return row


def test_same_strike_from_two_outlets_is_one_row_with_both_sources():
    a = event()
    b = event(latitude=35.03, longitude=40.47, event_date="2017-06-13", fatalities=5, geo_precision=2,
              source="Radio B", source_url="https://example.invalid/b", doc_id="b")  # ~2.5 km, a day later
    merged = merge_duplicates([a, b])
    assert len(merged) == 1
    row = merged[0]
    assert row["source"] == "Wire A; Radio B" and row["doc_id"] == "a; b"
    assert row["source_url"] == "https://example.invalid/a; https://example.invalid/b"
    assert row["fatalities"] == 5  # the larger report
    assert row["geo_precision"] == 1  # the more precise place
    assert row["event_date"] == "2017-06-12"  # the first report's
    assert a["doc_id"] == "a" and a["source"] == "Wire A"  # the inputs are not modified


def test_the_same_source_twice_is_listed_once():
    merged = merge_duplicates([event(), event()])
    assert len(merged) == 1 and merged[0]["source"] == "Wire A" and merged[0]["doc_id"] == "a"


def test_one_outlets_two_reports_of_a_place_and_day_are_two_events():
    """A daily digest that reports Duma shelled in the morning and again at night."""
    morning = event(source="Daily Digest", doc_id="digest-1", fatalities=0)
    night = event(source="Daily Digest", doc_id="digest-2", fatalities=3)
    merged = merge_duplicates([morning, night])
    assert [row["fatalities"] for row in merged] == [0, 3]
    # reports whose outlet is not known merge as before
    unsourced = merge_duplicates([event(source=None, doc_id="x"), event(source=None, doc_id="y")])
    assert len(unsourced) == 1 and unsourced[0]["doc_id"] == "x; y"


def test_different_type_or_actor_stays_apart():
    shelling = event(event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack")
    regime = event(actor1="Syrian government forces", doc_id="b")
    assert len(merge_duplicates([event(), shelling])) == 2
    assert len(merge_duplicates([event(), regime])) == 2


def test_far_apart_places_stay_apart():
    # ~0.08 degrees of latitude is ~9 km: beyond MERGE_KM
    assert MERGE_KM < 9
    assert len(merge_duplicates([event(), event(latitude=35.0136 + 0.08, doc_id="b")])) == 2


def test_dates_more_than_a_day_apart_stay_apart():
    assert MERGE_DAYS == 1
    assert len(merge_duplicates([event(), event(event_date="2017-06-14", doc_id="b")])) == 2
    assert len(merge_duplicates([event(), event(event_date="2017-06-11", doc_id="b")])) == 1


def test_an_undated_report_merges_only_with_undated_ones():
    undated = event(event_date=None, time_precision=None, doc_id="b")
    assert len(merge_duplicates([event(), undated])) == 2
    merged = merge_duplicates([undated, dict(undated, doc_id="c", source="Wire C")])
    assert len(merged) == 1 and merged[0]["doc_id"] == "b; c"


def test_missing_fields_are_filled_from_the_duplicate():
    a = event(actor2=None)
    b = event(actor2="Islamic State", doc_id="b", civilian_fatalities=2)
    row = merge_duplicates([a, b])[0]
    assert row["actor2"] == "Islamic State" and row["civilian_fatalities"] == 2


def test_across_grid_cells_neighbours_still_merge():
    # 40.4999 and 40.5001 fall in different 0.1-degree cells but are metres apart
    merged = merge_duplicates([event(longitude=40.4999), event(longitude=40.5001, doc_id="b")])
    assert len(merged) == 1
