"""Text to events: behaviour on our own sentences, and the seed articles against gold.json."""

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.document import EVENT_COLUMNS, Document
import conflictmap as cm
from conflictmap.geo.pipeline import process_documents

REPO = Path(__file__).resolve().parents[1]


def events_of(*texts, published=None):
    docs = [Document(doc_id=f"doc{i}", text=t, published=published, source=f"outlet{i}") for i, t in enumerate(texts)]
    return process_documents(docs)


def test_barrel_bomb_event_has_place_actor_count_and_date(gaz):
    gdf = cm.extract(
        ["Regime helicopters dropped barrel bombs on the village of Sufuhan in Idlib province on Tuesday, "
         "killing seven people."], published=date(2014, 12, 24))
    assert list(gdf.columns) == [*EVENT_COLUMNS, "geometry"] and gdf.crs.to_epsg() == 4326
    assert len(gdf) == 1
    e = gdf.iloc[0]
    assert haversine_km(35.607, 36.463, e.latitude, e.longitude) <= 8
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert e.actor1 == "Syrian government forces"
    assert e.fatalities == 7
    assert (e.event_date.date(), e.time_precision, e.geo_precision) == (date(2014, 12, 23), 1, 1)
    assert (e.country, e.iso3, e.admin1) == ("Syria", "SYR", "Idlib")
    assert "Sufuhan" in e.notes


def test_an_attack_on_a_road_named_by_its_ends_is_mapped_where_the_sentence_locates_it(gaz):
    near = cm.extract(["A roadside bomb hit an army truck on the Raqqa-Tabqa road near Hajin on Tuesday."],
                      published=date(2017, 6, 14))
    assert list(near.location) == ["Hajīn"]
    alone = cm.extract(["A roadside bomb hit an army truck on the Raqqa-Tabqa road on Tuesday."],
                       published=date(2017, 6, 14))
    assert len(alone) == 1 and alone.iloc[0].geo_precision == 2
    assert haversine_km(35.95, 39.01, alone.iloc[0].latitude, alone.iloc[0].longitude) <= 10  # Raqqa, not Tabqa


def test_no_publication_date_means_no_invented_date(gaz):
    result = events_of("Coalition aircraft struck Islamic State fighters near Hajin on Tuesday.")
    assert len(result.events) == 1
    assert result.events[0]["event_date"] is None and result.events[0]["time_precision"] is None


def test_dateline_and_based_in_are_not_event_locations(gaz):
    result = events_of("BEIRUT (Reuters) - Coalition jets struck Islamic State positions near Hajin on Monday, "
                       "an activist group based in Britain said.", published=date(2018, 12, 12))
    assert [e["location"] for e in result.events] == ["Hajīn"]
    assert result.events[0]["geo_precision"] == 2  # "near"
    assert result.events[0]["event_date"] == "2018-12-10"


def test_unknown_village_falls_back_to_its_province_and_is_reported(gaz):
    result = events_of("Regime warplanes bombed the village of Qwertabaniya in Raqqa province, killing three civilians.",
                       published=date(2015, 3, 2))
    assert len(result.events) == 1
    e = result.events[0]
    assert e["geo_precision"] == 3 and e["admin1"] == "Ar-Raqqah"
    assert "Qwertabaniya" in e["location"]
    assert haversine_km(35.95, 39.0, e["latitude"], e["longitude"]) < 120
    assert (e["fatalities"], e["civilian_fatalities"]) == (3, 3)
    assert "Qwertabaniya" in result.report()["unresolved_names"]


def test_country_possessive_is_an_actor_not_a_place(gaz):
    result = events_of("Iraq's air force struck two ISIS hideouts near Al-Qaim on Sunday.", published=date(2018, 5, 1))
    assert [(e["location"], e["actor1"], e["actor2"]) for e in result.events] == [("Al Qa'im", "Iraqi forces", "Islamic State")]


def test_same_event_from_two_articles_is_one_row_with_both_sources(gaz):
    a = "Coalition airstrikes hit Islamic State positions in Mayadin on Monday, killing four fighters."
    b = "On Monday, US-led coalition air strikes struck IS targets in al-Mayadeen, killing five militants."
    result = events_of(a, b, published=date(2017, 6, 13))
    assert len(result.events) == 1
    e = result.events[0]
    assert e["doc_id"] == "doc0; doc1" and e["source"] == "outlet0; outlet1"
    assert e["fatalities"] == 5  # the larger report


def test_list_of_towns_after_a_strike_sentence_each_get_an_event(gaz):
    result = events_of("Twelve coalition strikes in Iraq destroyed vehicles and buildings. "
                       "The targets were near the cities of Beiji, Tal Afar and Ramadi.", published=date(2014, 11, 3))
    places = sorted(e["location"] for e in result.events)
    assert places == sorted(["Baiji", "Tall 'Afar", "Ramadie"])
    assert all(e["actor1"] == "US-led coalition" for e in result.events)


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_seeds", REPO / "eval" / "score_seeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seed_score(shared, full_gazetteer):
    """The seed articles name places beyond the tiny gazetteer: scored on the full one."""
    from conflictmap.gazetteer.store import ENV_DB

    scorer = load_scorer()
    gold = json.loads((shared / "seeds" / "gold.json").read_text(encoding="utf-8"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_DB, str(full_gazetteer))
        return scorer.score(scorer.run_seeds(shared).events, gold)


def test_seeds_recall_of_required_places(seed_score):
    assert seed_score["recall_required_places"] >= 0.90, seed_score["missed_places"]


def test_seeds_precision_of_event_locations(seed_score):
    assert seed_score["precision_events_in_tolerance"] >= 0.85, seed_score["stray_events"]


def test_seeds_reference_events(seed_score):
    assert seed_score["reference_events_right"] >= 8, seed_score["missed_reference_events"]


def test_unstated_death_toll_is_zero_and_says_so(gaz):
    result = events_of("Coalition airstrikes killed several civilians in Hajin on Monday.", published=date(2018, 12, 12))
    assert len(result.events) == 1
    e = result.events[0]
    assert (e["fatalities"], e["civilian_fatalities"]) == (0, 0)
    assert "without an exact number" in e["notes"]
