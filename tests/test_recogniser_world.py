"""geo.nlp on world news: abbreviations and names of countries, regions and big cities are
places without a cue; people's names, demonyms and common words are not, with no hand-written
list of them. Sentences written for these tests; the whole world needs the full gazetteer
(``full_gazetteer``, tests/conftest.py)."""

import pytest

from conflictmap.geo.nlp import build_pipeline, person_names


@pytest.fixture(scope="module")
def nlp(full_gazetteer):
    return build_pipeline(db=str(full_gazetteer))


def places(nlp, text):
    doc = nlp(text)  # kept: a doc's spans go with it
    return [s.text for s in doc.spans["places"] if s._.cm_role != "demonym"]


# -- abbreviations and names of countries, regions, states ------------------------------------

def test_dotted_and_capital_abbreviations_of_countries_are_places(nlp):
    assert places(nlp, "Officials in the U.S. and the UK condemned the shelling of the market.") == ["U.S.", "UK"]
    assert places(nlp, "US diplomats and U.K. envoys flew to the USA for the talks.") == ["US", "U.K.", "USA"]


def test_a_state_abbreviation_without_its_dot_is_a_word(nlp):
    assert places(nlp, "Mass graves were found near Mosul on Monday.") == ["Mosul"]
    assert places(nlp, "Wash the wounds, the medic in Boston, Mass., told them.") == ["Boston", "Mass."]


def test_an_english_word_named_as_a_village_is_a_place(nlp):
    # Has (Hass), a village of Idlib the gazetteer knows
    assert places(nlp, "Jets struck Has village at dawn, and the town has no shelter.") == ["Has"]
    assert places(nlp, "Has the village been hit?") == []
    assert places(nlp, "Jets struck the town of Has at dawn.") == ["Has"]  # the type word before it


def test_a_name_hyphened_through_a_short_lower_case_word_is_one_name(nlp):
    # nothing before: the run of name words ended at "au" and "Port" alone is no place
    assert places(nlp, "Gangs blocked the roads into Port-au-Prince on Sunday.") == ["Port-au-Prince"]
    assert places(nlp, "Drones struck an oil depot in Rostov-on-Don overnight.") == ["Rostov-on-Don"]
    # a road between two cities is still two places
    assert places(nlp, "The Damascus-to-Aleppo highway was cut near Saraqib.") == ["Damascus", "Aleppo", "Saraqib"]


def test_places_between_which_something_happened_are_places(nlp):
    # "between" frames both names as loosely as "in" does: known theatre villages, not just any word
    assert places(nlp, "Regime forces shelled the road between Jarjanaz and Tell Mannas on Monday.") == [
        "Jarjanaz", "Tell Mannas"]


def test_the_generic_word_opening_an_unknown_name_is_no_place_alone(nlp):
    # "Kafr" (village), "Abul" (father of): villages of those bare names exist, but here they
    # open names the gazetteer lacks
    assert places(nlp, "Rebels withdrew from the Kafr Qwertyn crossing and shelled Abul Zzyqat.") == []


def test_a_word_of_a_longer_unknown_name_is_no_place_without_a_cue(nlp):
    assert places(nlp, "Nour al-Zenki Movement fighters joined the assault on Monday.") == []
    assert places(nlp, "Baghdad Governorate officials met on Monday.") == ["Baghdad"]  # notable: taken alone
    # nor the last word of one
    assert places(nlp, "Aides at the White House said the truck stalled on County Road.") == []
    assert places(nlp, "Refugees crossed from Northern Syria into Turkey.") == ["Syria", "Turkey"]
    # notable only by another spelling folded onto the same key (Gera for "Grey"): not taken alone
    assert places(nlp, "Grey Wolves militants joined the assault on Raju.") == ["Raju"]


def test_a_single_name_beside_a_verb_of_speech_is_a_speaker_wherever_it_recurs(nlp):
    # Underwood, Heck: towns' names somewhere; here a lawyer, quoted, then named bare
    text = ('"Families fight over small things," Underwood said from his Toronto office. '
            "Clients often write to Underwood for advice. Such fights are common in Underwood's practice.")
    assert places(nlp, text) == ["Toronto"]  # even after "in": a speaker's name
    assert places(nlp, '"We will stay," said Heck, who lives in Leeds.') == ["Leeds"]
    # not where the place is the speakers' ("officials in Hajin said"), nor its police's
    assert "Hajin" in places(nlp, "Officials in Hajin said the strikes went on.")
    assert places(nlp, "A spokesman said Richmond police were called to the house.") == ["Richmond"]
    # a capital speaks for its government: still the place
    assert places(nlp, '"The talks are over," Moscow said on Monday.') == ["Moscow"]


def test_a_name_after_a_given_name_and_an_initial_is_a_persons_wherever_it_recurs(nlp):
    # Bell: a Californian city's name; here a man, named in full once, then bare
    text = ("Police shot Darnell K. Bell on Friday in North Las Vegas. Officers said Bell ran "
            "and then reached into Bell's car before the shots.")
    assert places(nlp, text) == ["North Las Vegas"]


def test_a_word_kept_for_a_theatre_place_of_its_key_must_be_spelt_as_one(nlp):
    # "House" folds onto Iraq's Al Hawsah and is spelt nearly as a Belgian village's name only
    assert places(nlp, "House leaders will present the budget, and the House votes on Friday.") == []
    # a theatre village spelt as written stays, unframed, in theatre news
    assert "Hajin" in places(nlp, "Regime jets bombed Deir ez-Zor; Hajin was quiet.")


def test_the_last_word_of_a_longer_name_is_a_place_only_when_a_notable_place_is_spelt_so(nlp):
    # "Road" folds onto Arwad's key, and only hamlets are spelt Road: the street is no place,
    # nor is the town it is named after; a county's numbered road is the county's
    assert places(nlp, "Firefighters put out the blaze at 6016 Dublin Road before dawn.") == []
    assert places(nlp, "The truck overturned on Douglas County Road 4 near Alexandria, Minnesota.") == [
        "Douglas County", "Alexandria", "Minnesota"]
    # a notable theatre place after a word for a mountain or a town's name stays one
    assert places(nlp, "Yazidi families are still sheltering on Mount Sinjar.")[-1:] == ["Sinjar"]
    # after any capitalised word but a direction, a qualifier or a demonym: "City Hall" is the building
    assert places(nlp, "The council meets at City Hall on Monday.") == []
    assert places(nlp, "Refugees crossed from Northern Syria into Iraqi Kurdistan.") == ["Syria", "Iraqi Kurdistan"]
    assert places(nlp, "Refugees crossed from Northern Syria into Turkish Kurdistan.") == ["Syria", "Kurdistan"]
    # nor is a word numbered ("Route" folds onto Rota's key), unless a theatre place is spelt so
    assert places(nlp, "Motorists on Route 72 and Scouts of Pack 122 joined the drive.") == []
    assert places(nlp, "In Hajin 25 people died on Monday.") == ["Hajin"]
    # the first word of a longer name keeps the old rule: a notable town spelt so
    assert places(nlp, "The Mansfield Police Department hired two officers.") == ["Mansfield"]


def test_eu_is_a_place(nlp):
    assert places(nlp, "EU ministers met in Brussels to discuss the sanctions.") == ["EU", "Brussels"]
    assert places(nlp, "The E.U. sent observers.") == ["E.U."]


def test_country_and_city_names_made_of_common_words_are_places_without_a_cue(nlp):
    assert places(nlp, "The United States and New York pledged more aid on Tuesday.") == ["United States", "New York"]


def test_a_division_whose_kind_is_in_its_name_is_a_place_without_a_cue(nlp):
    # a minor county, unframed, opening the sentence or before the noun it qualifies
    assert places(nlp, "Laurel County deputies closed the road after the storm.") == ["Laurel County"]
    assert places(nlp, "The Kanawha County school board met on Monday.") == ["Kanawha County"]
    assert places(nlp, "The Laurel deputies closed the road.") == []  # the bare name is no such place


def test_a_country_is_a_place_by_its_other_names_too(nlp):
    # not the gazetteer's own names ("The Netherlands", "Ivory Coast", "Myanmar")
    assert places(nlp, "Netherlands officials and Burma's generals met in Côte d'Ivoire.") == [
        "Netherlands", "Burma", "Côte d'Ivoire"]


def test_a_countrys_foreign_spelling_that_is_an_english_word_or_a_name_is_no_place_unframed(nlp):
    # countryinfo spells Iceland "Island", Dominica "Dominique": no English copy means them so
    assert places(nlp, "Island residents said Dominique left on Monday.") == []


def test_a_name_with_of_inside_is_one_place_where_the_gazetteer_has_it_so(nlp):
    assert places(nlp, "Aid reached the Democratic Republic of Congo and the Isle of Man.") == [
        "Democratic Republic of Congo", "Isle of Man"]
    assert places(nlp, "She studied at the University of Michigan.") == ["Michigan"]


@pytest.mark.parametrize("before, town", [
    ("Flooding closed roads near Columbus, Ohio. ", "Pickerington"),
    ("Rain fell on Dallas, Texas. ", "Southlake"),
])
def test_a_little_known_town_unframed_is_a_place_where_the_article_names_its_state(nlp, before, town):
    after = f"{town} officials said schools would stay shut."
    assert places(nlp, before + after)[-1] == town
    assert places(nlp, after) == []  # alone it is a capitalised word like any other


def test_a_state_abbreviation_after_a_town_is_a_place(nlp):
    assert places(nlp, "The trucks left Charleston, W.Va., on Friday for Washington, D.C.") == [
        "Charleston", "W.Va", "Washington", "D.C."]


def test_the_pronoun_us_is_no_place(nlp):
    assert places(nlp, "The villagers told us the convoy had left before dawn.") == []
    assert places(nlp, "Us and them: the shelters were full.") == []
    assert places(nlp, "TELL US WHAT YOU SAW AT THE CHECKPOINT") == []


def test_acronyms_of_armed_groups_stay_actors_not_places(nlp):
    doc = nlp("The SDF and the YPG fought IS near Raqqa while the SAA advanced on Deir ez-Zor.")
    assert [s.text for s in doc.spans["places"]] == ["Raqqa", "Deir ez-Zor"]
    assert {s.text for s in doc.spans["actors"]} >= {"SDF", "YPG", "IS", "SAA"}


def test_an_acronym_folding_onto_a_country_is_not_it(nlp):
    assert places(nlp, "The mayor said it was OK to reopen the school.") == []


# -- people --------------------------------------------------------------------------------------

def test_person_names_come_from_the_census_lists():
    given, surnames = person_names()
    assert {"kelly", "ahmed", "hassan", "jordan"} <= given
    assert "al" not in given  # a particle: "Al Qaim" is a town
    assert surnames["smith"] == 1


def test_a_given_name_and_a_surname_are_a_person_not_a_place(nlp):
    assert places(nlp, "Kelly Smith said the road north of the camp was closed.") == []
    assert places(nlp, "Ahmed Hassan told reporters that the bridge had collapsed.") == []


def test_a_given_name_that_is_also_a_little_known_division_still_opens_a_persons_name(nlp):
    # Michael and Patrick are parishes of a few hundred people (Isle of Man, Grenada), not
    # Georgia or Jordan: "Durr" (spelt nearly as a Syrian village) is his surname, no place
    assert places(nlp, "Michael Durr and his brother were questioned on Monday.") == []
    assert places(nlp, "Jordan Dyer, a student, was hurt.") == []


def test_the_town_a_person_is_of_is_a_place_though_a_given_name_is_spelt_so(nlp):
    # Trenton and Winona are given names too; after a person's name and "of" they are towns
    assert places(nlp, "Patrick Kowalczyk, 31, of Winona, was charged on Monday.") == ["Winona"]
    assert places(nlp, "Kelly Smith of Trenton won the spelling bee.") == ["Trenton"]
    assert places(nlp, "Trenton scored twice in the second half.") == []


def test_mount_or_lake_opening_a_name_is_no_place_alone(nlp):
    # "Mount" folds onto "Mont." (Montana's AP abbreviation): strikes on an unknown mountain were an
    # event in Montana; "Lake" alone was a village's name
    assert places(nlp, "Turkish jets bombed PKK camps on Mount Qandil on Monday, killing five militants.") == []
    assert places(nlp, "Jets bombed camps on Lake Assad on Monday.") == []
    assert places(nlp, "Yazidi families are still sheltering on Mount Sinjar.") == ["Sinjar"]
    assert places(nlp, "Troops moved to Mount Lebanon.") == ["Mount Lebanon"]


def test_a_given_name_before_who_lives_there_is_a_town(nlp):
    # Winona, Augusta and Clinton are given names too; "a Winona man", "an Augusta native",
    # "Clinton police" say who lives there
    assert places(nlp, "The body of a Winona man was found on Sunday. Winona police said it was not "
                       "suspicious.") == ["Winona", "Winona"]
    assert places(nlp, "An Augusta native and a Clinton couple won the county fair.") == ["Augusta", "Clinton"]
    # not a person's family, nor any word before "police": "Federal" is a town in Argentina
    assert places(nlp, "Kelly Smith visited the Chase family.") == []
    assert places(nlp, "The Federal police arrested two men in Kirkuk.") == ["Kirkuk"]


def test_a_name_after_a_title_and_its_surname_later_are_a_person(nlp):
    assert places(nlp, "Gen. Ahmed Hassan said the army would hold the line. Hassan added that "
                       "reinforcements were coming.") == []


def test_a_lone_given_name_is_a_person_unless_a_country_or_a_big_city(nlp):
    assert places(nlp, "Kelly said the shelling had stopped by noon.") == []
    assert places(nlp, "Dallas police said a suspect was held.") == ["Dallas"]
    assert places(nlp, "Jordan closed its border with Syria. Jordan Dyer, a student, was hurt.") == ["Jordan", "Syria"]


def test_a_given_name_the_text_frames_as_a_place_is_kept(nlp):
    assert places(nlp, "Clashes broke out in the town of Salah overnight, and shells hit the village of "
                       "Hassan.") == ["Salah", "Hassan"]
    assert places(nlp, "Rebels took Hassan Kalkawi village on Monday.") != []


# -- demonyms and common words --------------------------------------------------------------------

def test_demonyms_are_no_places_but_mentions_of_their_country(nlp, full_gaz):
    text = "Syrian and Haitian officials met South Korean envoys in Brussels."
    assert places(nlp, text) == ["Brussels"]
    doc = nlp(text)
    assert [(s.text, s._.cm_role) for s in doc.spans["places"] if s._.cm_role == "demonym"] == [
        ("Syrian", "demonym"), ("Haitian", "demonym"), ("South Korean", "demonym")]
    from conflictmap.geo.resolve import resolve_doc

    countries = {m.text: m.place.country for m in resolve_doc(doc, "d", full_gaz) if m.role == "demonym"}
    assert countries == {"Syrian": "SY", "Haitian": "HT", "South Korean": "KR"}


def test_a_saudi_city_is_no_event_in_sardinia(nlp, full_gaz):
    # "Saudi" folds near Soddì, a Sardinian village: as the demonym it names Saudi Arabia, no place
    doc = nlp("Houthi rebels fired a missile at a Saudi city, and Turks protested in Ankara.")
    assert [(s.text, s._.cm_role) for s in doc.spans["places"]] == [
        ("Saudi", "demonym"), ("Turks", "demonym"), ("Ankara", "event")]
    from conflictmap.geo.resolve import resolve_doc

    countries = {m.text: m.place.country for m in resolve_doc(doc, "d", full_gaz) if m.role == "demonym"}
    assert countries == {"Saudi": "SA", "Turks": "TR"}


def test_a_demonym_gives_no_event(full_gazetteer):
    import conflictmap

    events = conflictmap.extract(["Russian and Syrian jets bombed the village of Kafr Nabl on Monday, killing two."],
                                 gazetteer=full_gazetteer, published="2018-03-06")
    assert set(events.location) == {"Kafr Nabl"}, events[["location", "country"]].to_dict("records")


def test_a_capitalised_word_the_article_also_writes_in_lower_case_is_no_place(nlp):
    assert places(nlp, "The Circuit Court heard the case on Monday. The court adjourned until May.") == []


def test_names_once_listed_as_not_places_are_places_again(nlp):
    # "geneva" and "kobani" were on the hand list of words that are never places.
    assert places(nlp, "Envoys met in Geneva on Monday.") == ["Geneva"]
    assert places(nlp, "Clashes erupted near Kobani on Monday.") == ["Kobani"]


def test_a_name_a_type_word_frames_is_a_place_however_obscure_its_namesakes(nlp):
    # "Andan" is in the gazetteer only as an unknown village abroad; "town" says it is a place
    assert "Andan" in places(nlp, "Regime forces shelled Andan town in northern Aleppo.")
    assert "Andan" not in places(nlp, "Andan said the talks would resume.")


def test_a_theatre_villages_near_spelling_is_a_place_where_the_actors_are_at_home_in_the_theatre(nlp):
    # "Kafr Nabboudeha": no place is spelt so, Kafr Nabudah in Hama nearly. An article naming
    # only it and forces at home in Syria is theatre news; with none such, or Turkish troops
    # alone, a capitalised word near a village's name stays a word (world news: "McCollum").
    assert places(nlp, "Regime troops shelled farms in Kafr Nabboudeha on Monday.") == ["Kafr Nabboudeha"]
    assert places(nlp, "YPG fighters repelled an attack in Kafr Nabboudeha on Monday.") == ["Kafr Nabboudeha"]
    assert places(nlp, "Turkish troops shelled farms in Kafr Nabboudeha on Monday.") == []
    assert places(nlp, "Heavy shelling hit farms in Kafr Nabboudeha on Monday.") == []


def test_a_type_word_vouches_for_a_name_with_news_words_only_in_theatre_news_or_for_a_theatre_spelling(nlp):
    # "Assad" is a news word (the president), yet the suburb named after him is a place in
    # reporting by and on Syria's forces, and where no actor is named, because a Damascus
    # suburb is spelt nearly so (Dahiyat al Asad); in local news a type word after a body is
    # no place, nor a person's name before a word no theatre place is spelt like.
    assert places(nlp, "Syrian army shells hit homes in the Dahiet al-Assad suburb on Monday.")[0] == "Dahiet al-Assad"
    assert places(nlp, "Shells hit homes in the Dahiet al-Assad suburb on Monday.") == ["Dahiet al-Assad"]
    assert places(nlp, "The School Board met in the city on Monday.") == []
    assert "Rami Hollow" not in places(nlp, "Police patrolled the Rami Hollow neighbourhood on Monday.")


def test_a_word_that_tells_two_villages_apart_opens_a_name_where_the_gazetteer_holds_such_a_village(nlp):
    def places(text):
        doc = nlp(text)
        return [(s.text, s._.cm_cue) for s in doc.spans["places"]]

    # "Lower" is no news word here: the gazetteer holds Shuyukh Tahtani, the lower of two villages
    assert places("Army units shelled Lower Shyookh village on Monday.") == [("Lower Shyookh", "village")]
    # no lower Qwertabaniya is known: the village's own name is the place
    assert places("Army units shelled Lower Qwertabaniya village on Monday.") == [("Qwertabaniya", "village")]
    # nor is a road a village: "the Eastern Bypass" stays no place
    assert places("Traffic was diverted onto the Eastern Bypass road on Monday.") == []


def test_a_french_compass_division_is_found_by_its_english_name(nlp):
    # GeoNames writes "Nord Kivu"; copy writes "North Kivu", which the recogniser let go
    assert places(nlp, "Fighting raged in North Kivu on Tuesday.") == ["North Kivu"]


def test_the_demonym_naming_a_states_forces_is_still_a_place_mention(nlp):
    # Written for this test: the actor is Georgia's forces, and "Georgian" names Georgia for context
    doc = nlp("Georgian troops shelled the village on Monday.")
    assert [s.label_ for s in doc.spans["actors"]] == ["Military Forces of Georgia"]
    assert [s.text for s in doc.spans["places"]] == ["Georgian"]


def test_state_after_a_name_frames_a_province_only_where_it_ends_the_phrase(nlp):
    # Written for this test
    doc = nlp("Gunmen killed 12 farmers in Borno state on Sunday.")
    assert [(s.text, s._.cm_cue) for s in doc.spans["places"]] == [("Borno", "state")]
    # an adjective of the noun after it, or a name's own word: no cue
    assert places(nlp, "Two Republican state lawmakers said so.") == []
    doc = nlp("Fans of Ohio State cheered in Columbus.")
    assert all(s._.cm_cue != "state" for s in doc.spans["places"])
