"""A run's articles agree on a name (geo/collection.py): a mention the ranker is unsure of takes
the place the other articles give that name, when the ranker would accept it there. And an
outlet's articles say where it reports from: a name that may lie in its home province is read
again beside it."""

from datetime import date

import pytest

from conflictmap.gazetteer import Candidate
from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.collection import NameVotes, OutletHomes, agree, outlet_of, votes_of
from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents
from conflictmap.geo.resolve import PlaceMention


def _place(place_id, kind="populated place", lat=35.0, lon=38.0):
    return Candidate(place_id, "Tall Ahmar", lat, lon, kind, "SY", None, None, 0, "geonames", "Tall Ahmar", 1.0)


def _mention(place, score, rivals, text="Tal Ahmar"):
    m = PlaceMention("d", text, "", 0, 0, len(text), None, 1, "event")
    m.place, m.score, m.place_source, m.rivals = place, score, "gazetteer", rivals
    return m


def _run_votes(mentions):
    votes = NameVotes()
    votes.count(votes_of(mentions))
    return votes


def test_a_doubtful_mention_takes_the_place_the_other_articles_give_its_name():
    east, west = _place("east", lon=40.0), _place("west", lon=36.0)
    others = [_mention(east, 0.95, []), _mention(east, 0.9, [])]
    doubtful = _mention(west, 0.45, [(east, 0.35)])
    votes = _run_votes([*others, doubtful])
    assert agree([doubtful], votes) == 1
    assert doubtful.place is east and doubtful.score == 0.35
    assert doubtful.rivals == [(west, 0.45)]  # the place it gave up stays a rival


@pytest.mark.parametrize("case", ["sure of itself", "rival far less likely", "rival below the threshold",
                                  "no majority", "a province", "geocoded"])
def test_the_run_settles_near_ties_only(case):
    east, west = _place("east", lon=40.0), _place("west", lon=36.0)
    score, rivals, others = 0.45, [(east, 0.35)], [_mention(east, 0.95, [])]
    if case == "sure of itself":
        score = 0.8
    elif case == "rival far less likely":  # a Texas paper's many Gainesvilles do not move Florida's
        rivals = [(east, 0.2)]
    elif case == "rival below the threshold":
        rivals = []
    elif case == "no majority":
        others.append(_mention(west, 0.95, []))
    elif case == "a province":
        east = _place("east", kind="admin1", lon=40.0)
        rivals, others = [(east, 0.35)], [_mention(east, 0.95, [])]
    m = _mention(west, score, rivals)
    if case == "geocoded":
        m.place_source = "geocoder"
    assert agree([m], _run_votes([*others, m])) == 0
    assert m.place is west


def test_spellings_of_one_name_vote_together():
    east, west = _place("east", lon=40.0), _place("west", lon=36.0)
    votes = _run_votes([_mention(east, 0.9, [], text="Tall al-Ahmar"), _mention(east, 0.9, [], text="Tall al Ahmar")])
    m = _mention(west, 0.4, [(east, 0.3)], text="Tall Al Ahmar")
    assert agree([m], votes) == 1 and m.place is east


# Written for the tests: two notes place al-Bahra by the province, one names it bare. Of the
# villages called so, the bare note's ranker picks one near Hama; the run's is on the Euphrates.
BARE = "Turkish artillery shelled the village of al-Bahra on Monday."
PLACED = "Two fighters were killed in clashes in the village of al-Bahra in the eastern countryside of Deir ez-Zor."


def _bahra(workers=1, agree_across_articles=True, gaz=None):
    docs = [Document("bare", BARE, date(2018, 3, 1))]
    docs += [Document(f"placed{k}", PLACED, date(2018, 3, 2 + k)) for k in range(2)]
    with process_documents(docs, gaz=gaz, workers=workers, agree_across_articles=agree_across_articles) as result:
        return result.events, result.mentions, result.report()


def _event_of(events, doc_id):
    return next(e for e in events if doc_id in str(e["doc_id"]).split("; "))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bare_village_name_lands_where_the_runs_other_notes_place_it(full_gaz, workers):
    events, mentions, report = _bahra(workers, gaz=full_gaz)
    placed, bare = _event_of(events, "placed0"), _event_of(events, "bare")
    assert placed["location"] == "Al Bahrah" and placed["longitude"] > 40  # on the Euphrates, east of Deir ez-Zor
    assert haversine_km(bare["latitude"], bare["longitude"], placed["latitude"], placed["longitude"]) < 1
    assert report["moved_by_other_articles"] == 1
    assert [m["doc_id"] for m in mentions][-1] == "bare"  # the held article comes last


def test_each_article_alone_keeps_the_rankers_own_choice(full_gaz):
    events, _, report = _bahra(agree_across_articles=False, gaz=full_gaz)
    placed, bare = _event_of(events, "placed0"), _event_of(events, "bare")
    assert haversine_km(bare["latitude"], bare["longitude"], placed["latitude"], placed["longitude"]) > 100
    assert report["moved_by_other_articles"] == 0


def test_the_command_line_can_resolve_each_article_alone(tmp_path, invoke, full_gazetteer):
    import json

    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps({"id": d, "text": t, "published": "2018-03-0%d" % (k + 1)}) + "\n"
                                for k, (d, t) in enumerate([("bare", BARE), ("placed0", PLACED), ("placed1", PLACED)])))
    spots = {}
    for flag in ([], ["--each-article-alone"]):
        out = tmp_path / f"out{len(flag)}"
        result = invoke("run", str(articles), "--out", str(out), "--offline", "--no-map", "--db", str(full_gazetteer),
                        *flag)
        assert result.exit_code == 0, result.stderr
        rows = json.loads((out / "events.geojson").read_text())["features"]
        spots[bool(flag)] = {d: f["geometry"]["coordinates"] for f in rows for d in f["properties"]["doc_id"].split("; ")}
    assert spots[False]["bare"] == spots[False]["placed0"]
    assert spots[True]["bare"] != spots[True]["placed0"]


# Written for the tests: a local paper's three stories name towns of its county's state; the
# fourth names "Athens", the Texas town it reports from, not the Greek capital.
LOCAL = ["The city council in Corsicana met on Monday to discuss road repairs.",
         "A new clinic opened in Tyler, Texas, on Friday.",
         "Fans from Waxahachie filled the stadium on Saturday.",
         "The Athens City Council approved the budget on Wednesday."]
ATHENS_TEXAS = (32.205, -95.856)


@pytest.mark.parametrize("url, in_texas, workers", [
    ("https://www.easttexasnews.example/story/", True, 1),  # one outlet, at home in Texas
    ("https://www.easttexasnews.example/story/", True, 2),  # the articles read in worker processes
    (None, False, 1),  # four articles of no known outlet: each alone, Athens is the Greek capital
])
def test_a_name_that_may_lie_in_its_outlets_home_province_is_read_there(full_gaz, url, in_texas, workers):
    docs = [Document(f"d{k}", text, date(2010, 1, 1), url=url and f"{url}{k}") for k, text in enumerate(LOCAL)]
    with process_documents(docs, gaz=full_gaz, workers=workers) as result:
        [athens] = [m for m in result.mentions if m["text"] == "Athens"]
        report, placed = result.report(), sum(m["place_id"] is not None for m in result.mentions)
    assert (haversine_km(athens["latitude"], athens["longitude"], *ATHENS_TEXAS) < 10) == in_texas
    assert report["read_again_beside_outlet_home"] == (1 if in_texas else 0)
    assert report["resolved"] == placed  # the counts follow the second reading


def test_an_outlets_home_is_the_province_most_of_its_other_articles_name():
    texas, ohio = ("US", "Texas"), ("US", "Ohio")
    homes = OutletHomes()
    numbers = [homes.count("paper", provinces) for provinces in
               (frozenset({texas}), frozenset({texas, ohio}), frozenset({ohio}), frozenset())]
    assert homes.home("paper", numbers[3]) is None  # Texas in 2 of 3 others, Ohio in 2 of 3: no clear home
    homes.count("paper", frozenset({texas}))
    assert homes.home("paper", numbers[3]) == texas  # 3 of 4
    assert homes.home("paper", numbers[0]) is None  # its own Texas left out: 2 of 4 others, not more than half
    homes.count("wire", frozenset({ohio}))
    homes.count("wire", frozenset({ohio}))
    assert homes.home("wire", 0) is None  # one other article: too few to say


def test_an_outlet_is_the_source_else_the_urls_host():
    assert outlet_of(Document("1", "", source=" Reuters ", url="https://www.example.com/a")) == "reuters"
    assert outlet_of(Document("1", "", url="https://news.example.org/a/b")) == "news.example.org"
    assert outlet_of(Document("1", "")) is None


def test_each_article_alone_takes_no_outlets_home_either(full_gaz):
    docs = [Document(f"d{k}", text, date(2010, 1, 1), url=f"https://easttexasnews.example/{k}")
            for k, text in enumerate(LOCAL)]
    with process_documents(docs, gaz=full_gaz, agree_across_articles=False) as result:
        [athens] = [m for m in result.mentions if m["text"] == "Athens"]
        assert result.report()["read_again_beside_outlet_home"] == 0
    assert haversine_km(athens["latitude"], athens["longitude"], *ATHENS_TEXAS) > 1000
