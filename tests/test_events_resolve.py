"""Event assembly (geo.events.extract_events) and place resolution in context
(geo.resolve.resolve_mentions), on sentences written for these tests and the tiny gazetteer."""

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.document import Document
from conflictmap.geo.events import extract_events
from conflictmap.gazetteer.lookup import Candidate
from conflictmap.geo.resolve import (PlaceMention, _join_the_article, _unplace_outside_focus,
                                     _unplace_outside_named_province, resolve_mentions)

SINJAR_IQ = (36.321, 41.877)


def mention(sentences, i, text, cue=None, precision=1, role="event", doc_id="d1"):
    start = sentences[i].index(text)
    return PlaceMention(doc_id=doc_id, text=text, sentence=sentences[i], sentence_index=i, start_char=start,
                        end_char=start + len(text), cue=cue, precision=precision, role=role)


def resolved(gaz, sentences, *specs):
    return resolve_mentions([mention(sentences, *spec) for spec in specs], gaz)


# --- resolve_mentions ---------------------------------------------------------------------------


def test_a_known_town_resolves_with_its_gazetteer_record(gaz):
    s = ["Jets struck Hajin on Monday."]
    [m] = resolved(gaz, s, (0, "Hajin"))
    assert m.place.place_id == "174506" and m.place_source == "gazetteer" and 0 < m.score <= 1
    assert m.as_row()["name"] == "Hajīn" and m.as_row()["start_char"] == s[0].index("Hajin")


def test_an_ambiguous_name_takes_the_country_of_its_neighbours(gaz):
    alone = resolved(gaz, ["Fighting was reported in Sinjar."], (0, "Sinjar"))[0]
    assert alone.place.country == "IQ" and haversine_km(*SINJAR_IQ, alone.place.lat, alone.place.lon) < 10
    s = ["Regime jets bombed Sinjar and Safuhun in Idlib province."]
    beside_idlib = resolved(gaz, s, (0, "Sinjar"), (0, "Safuhun"), (0, "Idlib", "province", 3))
    assert beside_idlib[0].place.country == "SY", beside_idlib[0].place


def test_province_cue_resolves_to_the_governorate(gaz):
    s = ["Shelling hit villages in Idlib province."]
    [m] = resolved(gaz, s, (0, "Idlib", "province", 3))
    assert m.place.kind == "admin1" and m.precision == 3


def test_an_unknown_village_falls_back_to_the_province_the_sentence_names(gaz):
    s = ["Warplanes bombed Qwertabaniya in Raqqa province."]
    village, province = resolved(gaz, s, (0, "Qwertabaniya"), (0, "Raqqa", "province", 3))
    assert village.fallback and village.place.kind == "admin1" and village.precision == 3
    assert village.place.admin1 == province.place.admin1


def test_a_big_city_abroad_named_by_its_name_stays_in_an_article_about_elsewhere(gaz):
    s = ["Jets struck Hajin and Safuhun on Monday.", "Hundreds protested in Beirut against the strikes."]
    hajin, safuhun, beirut = resolved(gaz, s, (0, "Hajin"), (0, "Safuhun"), (1, "Beirut"))
    assert (beirut.place.name, beirut.place.country, beirut.fallback) == ("Beirut", "LB", False)


def test_a_province_named_before_a_town_does_not_locate_it(gaz):
    s = ["Elders who fled Diyala said coalition jets struck Hajin on Monday."]
    province, town = resolved(gaz, s, (0, "Diyala"), (0, "Hajin"))
    assert province.place.kind == "admin1" and town.place.place_id == "174506" and not town.fallback


def test_a_village_whose_province_the_gazetteer_lacks_is_not_outside_the_province_named(gaz):
    # the tiny gazetteer's Arak (Who's On First, in the Homs desert) has no province recorded
    s = ["Regime jets struck Arak village in the east of Homs province."]
    village, province = resolved(gaz, s, (0, "Arak"), (0, "Homs", "province", 3))
    assert province.place.kind == "admin1" and not village.fallback
    assert haversine_km(34.643, 38.569, village.place.lat, village.place.lon) < 10


def _town(country, lat, lon, name="Qwertayn"):
    return Candidate(place_id=f"{country}-{lat}-{name}", name=name, lat=lat, lon=lon, kind="populated place",
                     country=country, admin1="A", admin2=None, population=1000, source="test",
                     matched=name, score=0.95)


@pytest.mark.parametrize("rival_lon, rival_name, country, score", [
    (40.07, "Qwertayn", "SY", 0.45),  # the same spot
    (40.6, "Qwertayn", "SY", 0.45),  # a namesake 50 km away
    (40.6, "Qwertaynah", "TR", 0.6),  # another name: the theatre has none of this one, the place stands
])
def test_a_place_abroad_gives_way_to_an_accepted_namesake_in_the_focus(rival_lon, rival_name, country, score):
    # Twin towns across a border carry one name (Ceylanpinar in Turkey is also called Ras al-Ain,
    # the Syrian town beside it): in an article about Syria the Syrian one is meant. So is a
    # Syrian namesake elsewhere that the ranker accepts ("Regime forces shelled Karak" is Daraa's
    # al-Karak, not Jordan's). A rival of another name is no namesake, and a name alone in its
    # article that the theatre lacks stands where it is.
    s = ["Jets struck Kurdish positions south of Qwertayn on Monday."]
    m = mention(s, 0, "Qwertayn")
    abroad, rival = _town("TR", 36.85, 40.05), _town("SY", 36.85, rival_lon, rival_name)
    m.place, m.score, m.candidates, m.rivals = abroad, 0.6, [abroad, rival], [(rival, 0.45)]
    _unplace_outside_focus([m])
    assert (m.place.country, m.score) == (country, score)


@pytest.mark.parametrize("neighbours, moved", [
    (2, True),  # two other towns 10-20 km from the small namesake: the article is about there
    (1, False),  # one is not enough: a lone neighbour may itself be the wrong namesake
])
def test_a_town_far_from_the_articles_other_places_gives_way_to_a_namesake_among_them(neighbours, moved):
    # "The council of Port Qwerty met; residents of Zxcton and Vbnfield came": a small Port
    # Qwerty beside those two towns, not the big one 1,500 km away the ranker put first
    s = ["The council of Port Qwerty met on Tuesday.", "Residents of Zxcton and Vbnfield drove in for the vote."]
    town = mention(s, 0, "Port Qwerty")
    big, small = _town("US", 41.35, -72.1, "Port Qwerty"), _town("US", 40.93, -91.4, "Port Qwerty")
    town.place, town.score, town.rivals = big, 0.94, [(small, 0.35)]
    others = []
    for name, lat in [("Zxcton", 40.96), ("Vbnfield", 41.12)][:neighbours]:
        other = mention(s, 1, name)
        other.place, other.score = _town("US", lat, -91.5, name), 0.6
        others.append(other)
    _join_the_article([town, *others])
    assert (town.place is small, town.score) == ((True, 0.35) if moved else (False, 0.94))


class _Towns:
    """A gazetteer that knows only which provinces have towns near a point."""

    def __init__(self, near):
        self.near = near

    def divisions_near(self, lat, lon, km):
        return self.near


@pytest.mark.parametrize("near, kept", [
    ({("SY", "Homs"), ("SY", "Hama")}, True),  # on the line: the coder's province and the gazetteer's differ
    ({("SY", "Homs")}, False),  # deep in another province: a wrong namesake for a village the gazetteer lacks
])
def test_a_village_named_in_a_province_it_lies_beside_is_on_the_border(near, kept):
    s = ["Regime forces shelled Qwertirat village in southern Hama on Monday."]
    village, province = mention(s, 0, "Qwertirat", "village"), mention(s, 0, "Hama", "southern", 3)
    village.place = replace(_town("SY", 34.94, 36.95, "Al Qwertiyat"), admin1="Homs")
    village.candidates = [village.place]
    province.place = Candidate(place_id="P", name="Hamah", lat=35.2, lon=37.2, kind="admin1", country="SY",
                               admin1="Hama", admin2=None, population=1, source="test", matched="Hama", score=1.0)
    _unplace_outside_named_province([village, province], _Towns(near))
    assert (village.place is not None) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("A bomb hit a police car in the Qwertaqi area, north of Baghdad, on Monday.", True),  # a bearing from it
    ("A bomb hit a police car in the Qwertaqi area of Baghdad on Monday.", False),  # in it
])
def test_a_place_the_province_is_a_bearing_from_is_not_said_to_lie_in_it(sentence, kept):
    village, province = mention([sentence], 0, "Qwertaqi", "area"), mention([sentence], 0, "Baghdad", "north", 3)
    village.place = replace(_town("IQ", 34.05, 43.99, "Qwertaqiyah"), admin1="Salah ad Din")
    village.candidates = [village.place]
    province.place = Candidate(place_id="B", name="Baghdad", lat=33.3, lon=44.4, kind="admin1", country="IQ",
                               admin1="Baghdad", admin2=None, population=1, source="test", matched="Baghdad", score=1.0)
    _unplace_outside_named_province([village, province], _Towns(set()))
    assert (village.place is not None) == kept


def test_a_country_named_but_left_unresolved_is_no_village_of_the_province_beside_it():
    # "Iran and Russia, the backers of ... in Hasaka province": the ranker may turn the country
    # down as an event's place; it must not then fall back to the province as if a village there
    from conflictmap.geo.resolve import _fall_back_to_province

    s = ["Iran and Russia, the main backers of the government, sent troops to Hasaka province."]
    russia, village, hasaka = mention(s, 0, "Russia"), mention(s, 0, "Iran"), mention(s, 0, "Hasaka", "province", 3)
    village.text = "Irun"  # a name spelt otherwise than the country it matched: a village the gazetteer lacks
    country = Candidate(place_id="RU", name="Russia", lat=61.5, lon=105.3, kind="country", country="RU", admin1=None,
                        admin2=None, population=1, source="test", matched="Russia", score=1.0)
    province = Candidate(place_id="H", name="Al-Hasakah", lat=36.5, lon=40.9, kind="admin1", country="SY",
                         admin1="Al-Hasakah", admin2=None, population=1, source="test", matched="Hasaka", score=1.0)
    russia.candidates, village.candidates = [country], [replace(country, matched="Iran")]
    hasaka.place, hasaka.candidates = province, [province]
    _fall_back_to_province([russia, village, hasaka], None, Counter())
    assert russia.place is None
    assert village.place is province and village.fallback  # not the country's name as written: it falls back


def test_nonsense_stays_unresolved(gaz):
    [m] = resolved(gaz, ["Something happened in Xqzvbnm."], (0, "Xqzvbnm"))
    assert m.place is None and m.as_row()["latitude"] is None and m.as_row()["place_id"] is None


# --- extract_events -----------------------------------------------------------------------------


def events(gaz, sentences, specs, published=date(2017, 6, 14)):
    doc = Document(doc_id="d1", text=" ".join(sentences), published=published, source="Test Wire")
    return extract_events(doc, sentences, resolved(gaz, sentences, *specs))


def test_one_strike_sentence_is_one_event_with_actor_place_toll_and_date(gaz):
    s = ["Coalition warplanes struck Islamic State positions in Hajin on Monday, killing six fighters."]
    [e] = events(gaz, s, [(0, "Hajin")])
    assert (e["event_type"], e["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (e["actor1"], e["actor2"]) == ("US-led coalition", "Islamic State")
    assert e["location"] == "Hajīn" and e["fatalities"] == 6
    assert e["event_date"] == "2017-06-12" and e["source"] == "Test Wire" and e["doc_id"] == "d1"
    assert s[0] in e["notes"]


@pytest.mark.parametrize("sentences, dead", [
    # the coder's figure for a toll no one counted, and for one counted too low
    (["Rebels and regime troops clashed in Hajin on Monday.", "An unknown number of fatalities, coded as 10, were reported."], 10),
    (["Rebels and regime troops clashed in Hajin on Monday, killing two soldiers.",
      "Fatalities on both sides, coded to 8 for a total of 10 fatalities."], 10),
    (["A car bomb exploded at a checkpoint in Hajin on Monday, coding fatalities to one for the driver."], 1),
    # a figure spread evenly over two places: each its half
    (["Rebels and regime troops clashed in Hajin on Monday.", "Unknown fatalities coded as 10, split between Hajin and Baiji."], 5),
])
def test_a_toll_the_text_sets_for_the_event_is_its_toll(gaz, sentences, dead):
    [e] = events(gaz, sentences, [(0, "Hajin")])
    assert e["fatalities"] == dead


def test_a_toll_the_text_shares_out_gives_each_place_its_share(gaz):
    s = ["Rebels and regime troops clashed in Hajin and Baiji on Monday, killing at least ten.",
         "The unknown toll is coded as 10 and split between the 2 locations, with 6 allocated to Hajin and 4 to Baiji."]
    tolls = {e["location"]: e["fatalities"] for e in events(gaz, s, [(0, "Hajin"), (0, "Baiji")])}
    assert tolls == {"Hajīn": 6, "Baiji": 4}


def test_a_place_without_anything_happening_is_no_event(gaz):
    assert events(gaz, ["Hajin is a town on the Euphrates."], [(0, "Hajin")]) == []


def test_a_dateline_is_not_where_the_event_happened(gaz):
    s = ["MOSUL - Coalition jets struck Islamic State fighters in Tal Afar on Monday."]
    found = events(gaz, s, [(0, "MOSUL", None, 1, "dateline"), (0, "Tal Afar")])
    assert [e["location"] for e in found] == ["Tall 'Afar"]


def test_a_list_of_targets_continues_the_strike_before_it_and_the_toll_goes_to_the_first(gaz):
    s = ["Coalition aircraft carried out nine strikes in Iraq, killing twelve militants.",
         "The targets were near Beiji and Tal Afar."]
    found = events(gaz, s, [(0, "Iraq"), (1, "Beiji"), (1, "Tal Afar")])
    assert sorted(e["location"] for e in found) == ["Baiji", "Tall 'Afar"]
    assert {e["actor1"] for e in found} == {"US-led coalition"}
    assert len({e["event_id"] for e in found}) == 2


def test_a_strike_in_a_country_alone_is_no_located_event(gaz):
    assert events(gaz, ["Coalition aircraft carried out nine strikes in Iraq."], [(0, "Iraq")]) == []


def test_without_a_publication_date_no_date_is_invented(gaz):
    s = ["Regime artillery shelled Safuhun on Tuesday."]
    [e] = events(gaz, s, [(0, "Safuhun")], published=None)
    assert e["event_date"] is None and e["time_precision"] is None
    assert e["actor1"] == "Syrian government forces"


def test_the_toll_in_the_next_sentence_belongs_to_the_event_before_it(gaz):
    s = ["Regime helicopters dropped barrel bombs on Safuhun on Tuesday.",
         "Four civilians, including two children, were killed and nine were hurt."]
    [e] = events(gaz, s, [(0, "Safuhun")])
    assert (e["fatalities"], e["civilian_fatalities"], e["injuries"]) == (4, 4, 9)
    assert s[0] in e["notes"] and s[1] in e["notes"]  # the sentence that says so goes with it


def test_a_later_total_is_not_added_to_an_event_that_has_its_own_toll(gaz):
    s = ["Regime artillery shelled Safuhun on Tuesday, killing two men.",
         "Some 40 people have been killed in the province this month."]
    [e] = events(gaz, s, [(0, "Safuhun")])
    assert e["fatalities"] == 2 and s[1] not in e["notes"]
    far = ["Regime artillery shelled Safuhun on Tuesday.", "The market was closed.",
           "Three soldiers were killed in a separate ambush."]
    [e] = events(gaz, far, [(0, "Safuhun")])
    assert e["fatalities"] == 0


def test_a_strike_whose_adjective_names_a_state_is_that_states(gaz):
    [e] = events(gaz, ["Turkish shelling wounded two shepherds in Safuhun on Tuesday."], [(0, "Safuhun")])
    assert e["actor1"] == "Turkish forces" and e["sub_event_type"] == "Shelling/artillery/missile attack"


def test_a_doer_named_nowhere_is_acleds_unidentified_group_and_a_protest_is_the_protesters(gaz):
    [shelled] = events(gaz, ["Shells fell on Safuhun on Tuesday, killing a woman."], [(0, "Safuhun")])
    assert shelled["actor1"] == "Unidentified armed group" and shelled["fatalities"] == 1
    [protest] = events(gaz, ["Hundreds of people protested in Safuhun on Friday."], [(0, "Safuhun")])
    assert protest["event_type"] == "Protests" and protest["actor1"] == "Protesters"
    # a doer named earlier in the article is still the doer
    s = ["Regime artillery shelled Safuhun on Tuesday.", "Shells also fell on Hajin."]
    assert {e["actor1"] for e in events(gaz, s, [(0, "Safuhun"), (1, "Hajin")])} == {"Syrian government forces"}


def test_forces_named_by_office_as_the_first_side_of_a_clash_are_its_doer(gaz):
    # Written for this test: IS was the doer and the army no side at all
    [e] = events(gaz, ["Clashes between army troops and IS fighters in Tal Afar killed five."], [(0, "Tal Afar")])
    assert (e["actor1"], e["actor2"]) == ("Iraqi forces", "Islamic State")
    # a side the lexicon names first stays the doer
    [e] = events(gaz, ["Clashes between IS fighters and army troops in Tal Afar killed five."], [(0, "Tal Afar")])
    assert e["actor1"] == "Islamic State"


def test_a_toll_of_another_kind_in_the_next_sentence_is_added(gaz):
    s = ["Regime jets struck Safuhun on Tuesday, wounding six people.", "Two men later died of their wounds."]
    [e] = events(gaz, s, [(0, "Safuhun")])
    assert (e["fatalities"], e["injuries"]) == (2, 6)


def test_forces_named_by_office_alone_are_the_state_forces_of_the_country_it_happened_in(gaz):
    [syria] = events(gaz, ["Army troops shelled Safuhun on Tuesday."], [(0, "Safuhun")])
    assert syria["actor1"] == "Syrian government forces"
    [iraq] = events(gaz, ["Federal police clashed with gunmen in Tal Afar on Tuesday."], [(0, "Tal Afar")])
    assert iraq["actor1"] == "Iraqi forces"
    # the army as the target is no doer
    [bomb] = events(gaz, ["A roadside bomb hit an army patrol in Tal Afar on Tuesday."], [(0, "Tal Afar")])
    assert bomb["actor1"] == "Unidentified armed group"
    # nor are its victims
    [victims] = events(gaz, ["Two soldiers were killed by a roadside bomb in Tal Afar on Tuesday."], [(0, "Tal Afar")])
    assert victims["actor1"] == "Unidentified armed group" and victims["fatalities"] == 2


def _placed(sentence, text, name, kind, admin1, admin2=None, cue=None):
    from conflictmap.gazetteer import Candidate

    m = mention([sentence], 0, text, cue=cue)
    m.place = Candidate(place_id=f"{kind}:{name}", name=name, lat=33.5, lon=36.3, kind=kind, country="SY",
                        admin1=admin1, admin2=admin2, population=0, source="test", matched=text, score=1.0)
    return m


@pytest.mark.parametrize("kind, admin2", [("admin1", None), ("admin2", "Markaz Rif Dimashq")])
def test_a_province_or_district_that_locates_a_town_bearing_its_districts_name_is_no_event_of_its_own(kind, admin2):
    from conflictmap.geo.events import _event_places

    s = "Artillery shelled Harasta in Rural Damascus on Monday."
    # the town bears its own district's name (Harasta in Harasta district); the province the
    # sentence names to locate it, taken for the province or for a district of it, is the town's
    town = _placed(s, "Harasta", "Harasta", "populated place", "Rif-dimashq", "Harasta")
    province = _placed(s, "Rural Damascus", "Rural Damascus", kind, "Rif-dimashq", admin2)
    assert [m.text for m in _event_places([town, province])] == ["Harasta"]
    # but a city of the province's own name does not locate it: "shelled Idlib and Idlib province"
    s = "Artillery shelled Idlib and villages of Idlib province."
    city = _placed(s, "Idlib", "Idlib", "populated place", "Idlib", "Idlib")
    governorate = _placed(s, "Idlib", "Idlib", "admin1", "Idlib")
    governorate.start_char = s.rindex("Idlib")
    governorate.end_char = governorate.start_char + len("Idlib")
    assert [m.place.kind for m in _event_places([city, governorate])] == ["populated place", "admin1"]


@pytest.mark.parametrize("name, province, point", [
    ("Jubb al Qasab", "Idleb", (35.516, 37.103)),  # Jubb al Ghasab; alone, nothing is accepted
    ("Ghadfqa", "Idleb", (35.674, 36.791)),  # Al Ghadfah
    ("Hawalek", "Homs", (34.805, 36.641)),  # Hawalik, which the ranker finds by itself beside "Homs"
])
def test_a_name_the_lookup_misses_is_the_one_place_of_the_named_province_spelt_near_it(full_gaz, name, province, point):
    # "village" frames the name as a place of its own: without it, nothing is looked for
    def at_point(m):
        return m.place is not None and not m.fallback and haversine_km(*point, m.place.lat, m.place.lon) < 5

    s = [f"Government aircraft bombed {name} village in southern {province} on Sunday."]
    village = resolved(full_gaz, s, (0, name, "village"), (0, province, "southern", 3))[0]
    assert at_point(village), village.place
    alone = resolved(full_gaz, [f"Government aircraft bombed {name} village on Sunday."], (0, name, "village"))[0]
    assert not at_point(alone), alone.place  # no province to look in


@pytest.mark.parametrize("name, part, point", [
    ("Jdideh", "southeast", (35.767, 37.025)),  # Judaydah, behind twenty places spelt Jadidah elsewhere
    ("Hamdieh", "southern", (35.616, 36.656)),  # Al-Hamidiah, behind Hamdaniyah, Hamdiyah and others
])
def test_a_namesake_in_the_named_province_is_a_candidate_however_far_down_the_name_alone_puts_it(
        full_gaz, name, part, point):
    import conflictmap as cm

    assert not any(haversine_km(*point, c.lat, c.lon) < 5 for c in full_gaz.candidates(name, limit=20))
    text = f"Army units stormed {name} village in the {part} Idleb countryside after clashes with rebels."
    [event] = cm.extract([text], published="2018-03-01", gazetteer=full_gaz).to_dict("records")
    assert event["geo_precision"] == 1, event["location"]
    assert haversine_km(*point, event["latitude"], event["longitude"]) < 5, event["location"]


def test_a_name_not_framed_as_a_place_is_not_looked_for_by_a_near_spelling(full_gaz):
    # the name of a council, a newspaper or a person beside a province is no place of it
    s = ["Jubb al Qasab said government aircraft bombed villages in southern Idleb on Sunday."]
    name = resolved(full_gaz, s, (0, "Jubb al Qasab"), (0, "Idleb", "southern", 3))[0]
    assert name.place is None or name.fallback, name.place  # not Jubb al Ghasab


def test_a_place_let_go_keeps_the_precision_its_text_gave():
    # a name resolved to a province (geo_precision 3), then found a wrong match, goes to the
    # geocoder or the province fallback as the text gave it: "near X" stays 2, a bare name 1
    s = ["Shells fell near Karak and on Busra on Monday."]
    province = Candidate(place_id="admin1:Karak", name="Karak", lat=31.1, lon=35.7, kind="admin1", country="JO",
                         admin1="Karak", admin2=None, population=0, source="test", matched="Karak", score=1.0)
    near, bare = mention(s, 0, "Karak", cue="near", precision=2), mention(s, 0, "Busra")
    for m in (near, bare):
        m.place, m.precision = province, 3
        m.unplace()
    assert (near.place, near.precision, near.as_row()["geo_precision"]) == (None, 2, None)
    assert (bare.place, bare.precision) == (None, 1)
    near.place = province  # what the geocoder or the province then finds carries the text's precision
    assert near.as_row()["geo_precision"] == 2


@pytest.mark.parametrize("text, point", [
    # the western of two villages, which the gazetteer knows in Arabic; not Tuba, spelt nearer "Tiba"
    ("Government forces shelled Western Tiba in northern Homs on Tuesday.", (34.876, 36.466)),
    ("Government forces shelled Eastern Maliha village in the countryside of Dar'a, wounding a farmer.", (32.759, 36.366)),
])
def test_an_event_at_the_eastern_or_western_of_two_villages_lies_there(full_gaz, text, point):
    import conflictmap as cm

    [event] = cm.extract([text], published="2018-03-01", gazetteer=full_gaz).to_dict("records")
    assert event["geo_precision"] == 1, event["location"]
    assert haversine_km(*point, event["latitude"], event["longitude"]) < 5, event["location"]
