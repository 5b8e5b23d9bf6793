"""geo.nlp: the spaCy pipeline's place and actor mentions, on sentences written for these tests."""

import pytest
from spacy.tokens import Span

from conflictmap.geo.nlp import ExtensionClash, build_pipeline, register_extensions


@pytest.fixture(scope="module")
def nlp(gaz):
    return build_pipeline()


def places(doc):
    return [(s.text, s._.cm_cue, s._.cm_precision, s._.cm_role) for s in doc.spans["places"]]


def test_place_mention_has_offsets_into_the_text(nlp):
    text = "Shells landed near the town of Hajin on Sunday."
    doc = nlp(text)
    [span] = doc.spans["places"]
    assert (span.text, span.start_char, span.end_char) == ("Hajin", 31, 36)
    assert text[span.start_char:span.end_char] == "Hajin"


def test_cue_words_set_cue_and_precision(nlp):
    doc = nlp("Mortar rounds struck the outskirts of Mayadin and the village of Sufuhan in Idlib province.")
    assert places(doc) == [("Mayadin", "outskirts", 2, "event"), ("Sufuhan", "village", 1, "event"),
                           ("Idlib", "province", 3, "event")]


def test_a_cue_covers_a_list_of_names(nlp):
    doc = nlp("Jets pounded the towns of Hajin, Sousa and Baghouz overnight.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [("Hajin", "town"), ("Sousa", "town"),
                                                                     ("Baghouz", "town")]


def test_a_compass_word_frames_a_region_before_or_after_the_name(nlp):
    doc = nlp("Jets struck Hajin town in northeast Raqqa, and Sousa village in Raqqa western countryside.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [
        ("Hajin", "town"), ("Raqqa", "northeast"), ("Sousa", "village"), ("Raqqa", "countryside")]


def test_a_name_whose_article_precedes_an_ayn_mark_is_one_name(nlp):
    # "al-" before an apostrophe that writes the ayn: the hyphen splits as in "al-Amiriyah"
    doc = nlp("Regime machine guns raked the town of al-'Qwertiyah and the village of Kafr 'Zulaymat.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [("al-'Qwertiyah", "town"),
                                                                     ("Kafr 'Zulaymat", "village")]


def test_an_article_that_is_an_english_word_opens_the_name_it_is_hyphened_to(nlp):
    # Mamduhah: a Hasakah village of no note, found only with the cue before its article
    assert places(nlp("Gunmen fired on a checkpoint near as-Mamduhah at night.")) == [
        ("as-Mamduhah", "near", 2, "event")]
    assert places(nlp("Troops moved in an-Mamduhah and at-Mamduhah.")) == [
        ("an-Mamduhah", "in", 1, "event"), ("at-Mamduhah", "in", 1, "event")]


def test_unknown_name_framed_as_a_village_is_kept_for_resolution(nlp):
    doc = nlp("Jets struck the village of Qwertabaniya, a place no map knows.")
    assert places(doc) == [("Qwertabaniya", "village", 1, "event")]


def test_the_object_of_an_attack_verb_is_framed_as_a_place(nlp):
    # Mamduhah: a Hasakah village of no note, which a bare capitalised word would not be taken for
    assert places(nlp("Regime artillery shelled Mamduhah on Tuesday.")) == [("Mamduhah", "shelled", 1, "event")]
    assert places(nlp("Rebels captured the village Qwertabaniya at dawn.")) == [("Qwertabaniya", "village", 1, "event")]


@pytest.mark.parametrize("text, cue", [
    ("Regime forces managed to recapture Mamduhah at dawn.", "recapture"),
    ("Rebels tried to storm Mamduhah twice last week.", "storm"),
    ("Militants attempted to enter Mamduhah before dawn.", "enter"),
])
def test_an_attack_verb_yet_to_be_done_frames_its_object_as_the_past_one_does(nlp, text, cue):
    assert places(nlp(text)) == [("Mamduhah", cue, 1, "event")]
    # a storm's name is no object of the verb: "Storm Ciara" is capitalised
    assert places(nlp("Storm Mamduhah was named on Monday.")) == []


def test_an_attack_or_a_takeover_written_as_a_noun_frames_its_object_as_loosely_as_the_verb(nlp):
    # Mamduhah: a Hasakah village of no note, which a bare capitalised word would not be taken for
    assert places(nlp("Regime forces took control of Mamduhah after clashes.")) == [("Mamduhah", "control", 1, "event")]
    assert places(nlp("Rebels advanced to establish control over Mamduhah.")) == [("Mamduhah", "control", 1, "event")]
    assert places(nlp("Jets kept up the bombardment of Mamduhah.")) == [("Mamduhah", "bombardment", 1, "event")]
    # loosely: a word no place is spelt like is not made a place by it
    assert places(nlp("Regime forces took control of Qwertabaniya after clashes.")) == []


def test_a_name_located_by_the_words_after_it_is_framed(nlp):
    doc = nlp("Shells hit Mamduhah in northern Hasakah overnight.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]][0] == ("Mamduhah", "in")


def test_a_theatre_village_spelt_otherwise_is_a_place_in_theatre_news_only(nlp):
    theatre = nlp("Clashes went on in Aleppo, and regime jets bombed Mamduhiya in the afternoon.")
    assert "Mamduhiya" in [s.text for s in theatre.spans["places"]]
    world = nlp("Officials in England said voters in Mamduhiya backed the plan.")
    assert "Mamduhiya" not in [s.text for s in world.spans["places"]]


def test_invisible_characters_inside_a_name_keep_offsets_as_written(nlp):
    text = "Car bombs exploded in Ba\u00adghdad on Friday."
    doc = nlp(text)
    [span] = doc.spans["places"]
    assert span.text == "Ba\u00adghdad" and text[span.start_char:span.end_char] == span.text


def test_actors_are_found_with_canonical_name_and_kind(nlp):
    doc = nlp("Turkish forces and Kurdish fighters clashed in Afrin.")
    actors = [(s.text, s._.cm_actor, s._.cm_actor_kind) for s in doc.spans["actors"]]
    assert ("Turkish forces", "Turkish forces", "state") in actors
    assert any(text == "Kurdish fighters" and kind == "non-state" for text, _, kind in actors)
    assert [s.text for s in doc.spans["places"]] == ["Afrin"]


def test_an_actor_name_is_not_a_place(nlp):
    doc = nlp("Iraqi forces entered the town of Rutba on Monday.")
    assert [s._.cm_actor for s in doc.spans["actors"]] == ["Iraqi forces"]
    assert [s.text for s in doc.spans["places"]] == ["Rutba"]


@pytest.mark.parametrize("text", [
    "Rami Abdel Rahman, who heads the monitor, said the toll would rise.",
    "Reporters met Gen. Sinjar after the ceasefire.",
    "Spokesman Mosul said nothing more.",
])
def test_person_names_without_a_cue_are_not_places(nlp, text):
    doc = nlp(text)
    assert list(doc.spans["places"]) == []


def test_dateline_is_not_an_event_place(nlp):
    text = "Made-up heading of a report\n\nRAQQA, Syria (AFP) - Fighters seized a hill near Tabqa on Monday."
    doc = nlp(text)
    assert places(doc) == [("Syria", None, 1, "dateline"), ("Tabqa", "near", 2, "event")]
    start, end = doc._.cm_dateline
    assert text[start:end].startswith("RAQQA, Syria (AFP) -")


def test_a_place_name_later_in_the_body_is_no_dateline(nlp):
    doc = nlp("Fighters seized a hill near Tabqa on Monday.\nDAMASCUS, Syria - officials denied it.")
    assert doc._.cm_dateline is None
    assert all(s._.cm_role == "event" for s in doc.spans["places"])


@pytest.mark.parametrize("text, cue", [
    ("Turkish forces shelled the YPG-controlled town of Kafr Khasher on Monday.", "town"),
    ("Rebels entered the Kurdish-held village of Kafr Khasher on Monday.", "village"),
])
def test_a_town_held_by_a_group_named_before_it_is_framed_by_its_type(nlp, text, cue):
    # who holds the town is no place whose suburb it is ("the Garma suburb of Falluja")
    doc = nlp(text)
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [("Kafr Khasher", cue)]


def test_names_listed_before_a_plural_type_word_are_all_framed_by_it(nlp):
    doc = nlp("Rebels took Kafr Khasher, Tall Qasab and Umm Zeitoun villages on Monday.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [
        ("Kafr Khasher", "village"), ("Tall Qasab", "village"), ("Umm Zeitoun", "village")]
    # counties too, as US copy lists them
    doc = nlp("Flood warnings went out for Qwerton and Zyxford counties on Monday.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [("Qwerton", "county"), ("Zyxford", "county")]


@pytest.mark.parametrize("text, name, cue", [
    ("Shells fell on the Wafadeen camp on Monday.", "Wafadeen", "camp"),
    ("Rebels and regime forces clashed on the Zuhur front on Monday.", "Zuhur", "front"),
    # "military" between the name and its facility ("the Abu al-Duhur military airport")
    ("Regime jets took off from the Wafadeen military airport on Monday.", "Wafadeen", "airport"),
    ("Rockets hit the Zuhur military base overnight.", "Zuhur", "base"),
])
def test_a_camp_a_front_or_a_base_frames_the_name_before_it(nlp, text, name, cue):
    doc = nlp(text)
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [(name, cue)]


def test_towns_naming_a_road_by_its_ends_say_which_road_not_where_on_it(nlp):
    def roles(text):
        doc = nlp(text)
        return [(s.text, s._.cm_role) for s in doc.spans["places"]]

    # another place locates the event: both ends are routes, with or without spaces at the dash
    assert roles("A mine hit a bus on the Raqqa-Tabqa road near Mamduhah.") == [
        ("Raqqa", "route"), ("Tabqa", "route"), ("Mamduhah", "event")]
    assert roles("Militants ambushed a convoy on the Mosul - Kirkuk highway near Hajin.") == [
        ("Mosul", "route"), ("Kirkuk", "route"), ("Hajin", "event")]
    # the capitalised "The" opening a sentence is no part of the road's name
    assert roles("The Raqqa-Tabqa road was closed near Mamduhah.") == [
        ("Raqqa", "route"), ("Tabqa", "route"), ("Mamduhah", "event")]
    # nothing else but the province it runs through: the first end stands for the event, near it
    doc = nlp("A roadside bomb hit a truck on the Raqqa-Tabqa road in western Raqqa.")
    assert [(s.text, s._.cm_role, s._.cm_precision) for s in doc.spans["places"]] == [
        ("Raqqa", "event", 2), ("Tabqa", "route", 2), ("Raqqa", "event", 2)]
    # peoples' names are no road's ends: they stay demonyms, context and never an event place
    assert roles("Shells hit the Syrian-Turkish road on Monday.") == [("Syrian", "demonym"), ("Turkish", "demonym")]
    # a road between two towns written out is no road name: both are where it happened
    assert roles("Gunmen attacked a convoy on the road between Raqqa and Tabqa.") == [
        ("Raqqa", "event"), ("Tabqa", "event")]


def test_a_street_named_after_a_town_is_no_mention_of_the_town(nlp):
    doc = nlp("Mortar rounds hit the Hajin street and the Raqqa square in Mayadin city.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [("Mayadin", "event")]
    # a capitalised street word too, but not a road to a town, nor a road named by its ends
    doc = nlp("Shopkeepers on Raqqa Road said jets had struck Raqqa at dawn.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [("Raqqa", "event")]
    doc = nlp("Gunmen ambushed a convoy on the Aleppo road near Khanasser.")
    assert [s.text for s in doc.spans["places"]] == ["Aleppo", "Khanasser"]
    doc = nlp("An IED hit a bus on the Damascus-Aleppo Road near Saraqib.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [
        ("Damascus", "route"), ("Aleppo", "route"), ("Saraqib", "event")]


def test_a_papers_town_is_metonymy_not_where_the_news_happened(nlp):
    doc = nlp("The Baghdad Post reported that a car bomb killed nine people in Kirkuk.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [("Baghdad", "metonymy"), ("Kirkuk", "event")]
    doc = nlp("Jets struck Raqqa on Monday, the Mosul Times and the Aleppo Daily said.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [
        ("Raqqa", "event"), ("Mosul", "metonymy"), ("Aleppo", "metonymy")]


def test_based_in_is_metonymy(nlp):
    doc = nlp("The monitor, based in Britain, said jets hit Raqqa.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [("Britain", "metonymy"), ("Raqqa", "event")]


def test_officials_in_a_city_speak_for_it_but_an_official_there_is_where_it_happened(nlp):
    doc = nlp("Officials in Baghdad said gunmen had shot dead a local official in Kirkuk.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [("Baghdad", "metonymy"), ("Kirkuk", "event")]


def _roles(doc) -> dict:
    """Each place span's text and role."""
    return {s.text: s._.cm_role for s in doc.spans["places"]}


@pytest.mark.parametrize("text, name", [
    ("Fighters of the Free Mosul Army shelled the bridge.", "Mosul"),
    ("Suqour al-Raqqa fighters entered the village of Hajin.", "Raqqa"),
    ("The Hajin Military Council denied the report.", "Hajin"),
])
def test_a_place_inside_an_organisations_name_is_no_event_place(nlp, text, name):
    roles = _roles(nlp(text))
    assert roles.get(name) in (None, "metonymy") and name not in [t for t, r in roles.items() if r == "event"]


def test_an_army_base_is_still_a_place(nlp):
    roles = _roles(nlp("Rebels stormed the Mosul Army Base at dawn."))
    assert roles.get("Mosul") == "event"


def test_a_newline_ends_a_sentence(nlp):
    doc = nlp("Fighting raged in Hajin\nMosul was calm.")
    assert [s.text.strip() for s in doc.sents] == ["Fighting raged in Hajin", "Mosul was calm."]


def test_components_take_their_data_through_config(gaz):
    nlp = build_pipeline(db=str(gaz.path) if gaz.path else None)
    assert nlp.get_pipe_config("conflictmap_places")["db"] == (str(gaz.path) if gaz.path else None)
    assert "lexicon" in nlp.get_pipe_config("conflictmap_actors")


def test_a_foreign_extension_of_our_name_is_refused():
    Span.set_extension("cm_role", default="someone else's", force=True)
    try:
        with pytest.raises(ExtensionClash, match="cm_role"):
            register_extensions()
    finally:
        Span.set_extension("cm_role", default="event", force=True)
    register_extensions()  # ours again: a no-op


@pytest.mark.parametrize("name", ["Ma'arrat An Nu'man", "Ma’arrat al-Nu’man", "Da'el"])
def test_apostrophes_for_ayn_and_hamza_stay_inside_the_name(full_gaz, name):
    nlp = build_pipeline(db=str(full_gaz.path))
    doc = nlp(f"Regime forces shelled the town of {name} on Monday.")
    assert [s.text for s in doc.spans["places"]] == [name]


def test_contractions_and_possessives_are_no_places(nlp):
    doc = nlp("It's said they don't know Hajin's market.")
    assert [s.text for s in doc.spans["places"]] == ["Hajin"]


@pytest.mark.parametrize("text, name, bearing", [
    ("Jets struck a village in northern Homs.", "Homs", 0.0),
    ("Shelling hit farms in north-eastern rural Raqqa.", "Raqqa", 45.0),
    ("Clashes broke out in the southern countryside of Idleb.", "Idleb", 180.0),
    ("A mine exploded near a hamlet, west of Tikrit.", "Tikrit", 270.0),
    ("Rockets fell in Daraa south eastern countryside.", "Daraa", 135.0),
    ("Drones circled over Aleppo's north-western countryside.", "Aleppo", 315.0),
    ("Gunmen crossed from the southwest of Mosul.", "Mosul", 225.0),
    # a capitalised compass word is part of a name, and a name with no compass word has no bearing
    ("Drones struck a compound in North Waziristan.", "Waziristan", None),
    ("Regime forces shelled Hama city.", "Hama", None),
    ("A car bomb went off in the Homs countryside.", "Homs", None),
])
def test_a_compass_word_beside_a_name_gives_its_bearing(text, name, bearing):
    from conflictmap.geo.nlp import compass_bearing

    start = text.index(name)
    assert compass_bearing(text, start, start + len(name)) == bearing


@pytest.mark.parametrize("sentence, name", [
    # "Ain", "Tel", "Deir" are the place's own word (spring, hill, monastery): with "Arab" or a
    # person's name after them the whole is a place's name, found whole and not as the second word
    ("Protesters marched in Ain al-Arab against the shelling.", "Ain al-Arab"),
    ("Mortar rounds hit Ain Issa overnight.", "Ain Issa"),
])
def test_a_name_opening_with_a_places_own_word_is_found_whole(full_gaz, sentence, name):
    doc = build_pipeline(db=str(full_gaz.path))(sentence)
    assert [s.text for s in doc.spans["places"]] == [name]


@pytest.mark.parametrize("sentence, place", [
    ("US-backed fighters stormed Hajin at dawn.", "US"),
    ("Iran-allied militias shelled positions near Hajin.", "Iran"),
    ("Raqqa-based activists said jets struck Hajin.", "Raqqa"),
])
def test_a_place_joined_to_a_participle_says_who_not_where(nlp, sentence, place):
    roles = _roles(nlp(sentence))
    assert roles.get(place, "metonymy") == "metonymy" and roles["Hajin"] == "event"


@pytest.mark.parametrize("sentence, places", [
    # "Kinney" folds to the key of Qina, a notable Egyptian city, but no place is spelt nearly so
    ("The report by Kinney was released on Monday.", []),
    # a place spelt otherwise, its article aside, is spelt nearly so: "Raqqa" is Ar Raqqah
    ("Raqqa fell in October after a long siege.", ["Raqqa"]),
    ("Idleb remains under rebel control.", ["Idleb"]),
])
def test_a_word_alone_is_a_place_only_when_a_place_is_spelt_nearly_so(full_gaz, sentence, places):
    doc = build_pipeline(db=str(full_gaz.path))(sentence)
    assert [s.text for s in doc.spans["places"]] == places


def test_what_a_protest_is_about_is_its_topic_where_a_place_before_says_where_it_was(nlp):
    roles = _roles(nlp("Crowds marched in Manbij on Sunday, condemning the shelling of Hajin."))
    assert roles == {"Manbij": "event", "Hajin": "topic"}


@pytest.mark.parametrize("text", [
    "Protests in solidarity with Hajin were held in Manbij on Friday.",  # no place before: Manbij is where
    "Jets flew over Raqqa in support of the troops advancing on Hajin.",  # no protest: Hajin is fought over
])
def test_a_place_after_in_support_of_stays_an_event_place_without_a_protest_held_before(nlp, text):
    assert set(_roles(nlp(text)).values()) == {"event"}
