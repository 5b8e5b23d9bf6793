import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from conflictmap.geo.actors import (
    ActorMention, assign_roles, canonical_actor, find_actors, follow_named_kin, load_lexicon, modifier_before,
)


def actors_in(sentence):
    return [m.actor for m in find_actors(sentence)]



def test_regime_helicopters_are_syrian_government_forces():
    mentions = find_actors("Regime helicopters dropped barrel bombs on the town")
    assert [(m.actor, m.text, m.kind) for m in mentions] == [
        ("Syrian government forces", "Regime helicopters", "state")
    ]


def test_the_verb_is_is_not_islamic_state():
    assert actors_in("This is a quiet town and it is far from the front.") == []
    assert actors_in("Is the road open?") == []
    assert actors_in("Fighters of IS attacked the checkpoint.") == ["Islamic State"]


def test_isis_is_one_mention_not_two():
    mentions = find_actors("ISIS shelled the village.")
    assert len(mentions) == 1
    assert (mentions[0].actor, mentions[0].text, mentions[0].start, mentions[0].end) == (
        "Islamic State", "ISIS", 0, 4
    )


def test_longest_alias_wins_and_spans_are_exact():
    s = "A statement from the US-led coalition said allied warplanes struck Daesh militants."
    got = [(m.actor, m.text) for m in find_actors(s)]
    assert got == [
        ("US-led coalition", "US-led coalition"),
        ("US-led coalition", "allied warplanes"),
        ("Islamic State", "Daesh militants"),
    ]
    for m in find_actors(s):
        assert s[m.start:m.end] == m.text


@pytest.mark.parametrize("sentence, actor", [
    ("The Combined Joint Task Force announced new raids.", "US-led coalition"),
    ("U.S.-led jets flew over the desert.", "US-led coalition"),
    ("The US and its allies widened the campaign.", "US-led coalition"),
    ("Russian warplanes pounded the hills.", "Russian forces"),
    ("The Syrian Democratic Forces advanced along the river.", "SDF"),
    ("People's Protection Units held the crossing.", "YPG / Kurdish militias"),
    ("Hashd al-Shaabi units moved north.", "Iraqi forces"),
    ("Kurdish Peshmerga repelled the assault.", "Peshmerga"),
    ("Turkish warplanes bombed a ridge.", "Turkish forces"),
    ("The Free Syrian Army claimed the hill.", "Rebel groups"),
    ("Hayat Tahrir al-Sham fighters entered the town.", "Jabhat al-Nusra / HTS"),
    ("Villagers fled toward the border.", "Civilians"),
    ("ISIL fighters retreated.", "Islamic State"),
    # beyond the first theatre
    ("Houthi fighters fired a missile at the port.", "Houthis"),
    ("Saudi-led coalition jets bombed a bridge.", "Saudi-led coalition"),
    ("Ukrainian troops crossed the river at dawn.", "Ukrainian forces"),
    ("Russian artillery shelled the suburbs overnight.", "Russian forces"),
    ("RSF fighters looted the market.", "Rapid Support Forces"),
    ("The Sudanese army recaptured the bridge.", "Sudanese Armed Forces"),
    ("Al-Shabaab militants stormed a hotel.", "al-Shabaab"),
    ("Boko Haram insurgents raided a village.", "Boko Haram"),
    ("Taliban fighters seized the district centre.", "Taliban"),
    ("Israeli warplanes struck a depot near the airport.", "Israeli forces"),
    ("The IDF said it shelled the ridge.", "Israeli forces"),
    ("Hamas militants fired rockets across the border.", "Hamas"),
    ("The Qassam Brigades claimed the attack.", "Hamas"),
])
def test_aliases_map_to_canonical_actors(sentence, actor):
    assert actors_in(sentence) == [actor]


def test_a_possessive_air_force_is_an_actor_span_for_the_pipeline():
    s = "ANYTOWN - Iraq\u2019s air force bombed a depot across the border."
    [m] = find_actors(s)
    assert m.actor == "Iraqi forces"
    assert s[m.start:m.end] == "Iraq\u2019s air force"  # the place "Iraq" lies inside it


def test_associated_groups_map_to_their_actor_and_are_flagged():
    mentions = find_actors("Troops and the NDF held the airport; pro-regime militias withdrew as Tiger Forces advanced.")
    assoc = [(m.actor, m.text, m.associated) for m in mentions if m.associated]
    assert assoc == [
        ("Syrian government forces", "NDF", True),
        ("Syrian government forces", "pro-regime militias", True),
        ("Syrian government forces", "Tiger Forces", True),
    ]


def test_hyphenated_compounds_name_no_actor():
    assert actors_in("Anti-regime activists described ISIS-held districts.") == []


def test_acronyms_do_not_match_in_lower_case():
    assert actors_in("The sdf and the ypg.") == []


def test_canonical_actor():
    assert canonical_actor("Daesh") == "Islamic State"
    assert canonical_actor("the Islamic State") == "Islamic State"
    assert canonical_actor("IS") == "Islamic State"
    assert canonical_actor("is") is None
    assert canonical_actor("regime warplanes") == "Syrian government forces"
    assert canonical_actor("SDF") == "SDF"
    assert canonical_actor("a farmer's cooperative") is None


def test_lexicon_is_data_with_required_fields():
    lexicon = load_lexicon()
    names = {a.name for a in lexicon}
    assert {"US-led coalition", "Islamic State", "Syrian government forces", "Russian forces",
            "SDF", "YPG / Kurdish militias", "Iraqi forces", "Peshmerga", "Turkish forces",
            "Rebel groups", "Jabhat al-Nusra / HTS", "Civilians"} <= names
    for actor in lexicon:
        assert actor.kind in {"state", "non-state", "coalition", "protesters", "civilians"}
        assert actor.country is None or (len(actor.country) == 2 and actor.country.isupper())


def test_a_custom_lexicon_can_be_loaded(tmp_path):
    path = tmp_path / "lex.json"
    path.write_text(json.dumps([{"name": "Blue Brigade", "kind": "non-state", "country": None,
                                 "aliases": ["Blue Brigade", "BB"], "associated": []}]))
    [m] = find_actors("The BB took the bridge.", lexicon=path)
    assert (m.actor, m.text) == ("Blue Brigade", "BB")


def test_a_bare_coalition_is_the_coalition_the_article_named_in_full_before():
    sentences = ["Coalition jets struck a bridge on Monday.", "The Saudi-led coalition said the strike was legal.",
                 "Coalition warplanes returned on Tuesday.", "Allied aircraft hit a depot."]
    found = follow_named_kin([find_actors(s) for s in sentences])
    # before the Saudi-led coalition is named, bare "coalition" keeps its first-theatre reading
    assert [[m.actor for m in ms] for ms in found] == [
        ["US-led coalition"], ["Saudi-led coalition"], ["Saudi-led coalition"], ["Saudi-led coalition"]]
    # a coalition named in full by a generic word's actor itself stays: "the US-led coalition ... coalition jets"
    us = follow_named_kin([find_actors("The US-led coalition said coalition jets hit a depot.")])
    assert [m.actor for m in us[0]] == ["US-led coalition", "US-led coalition"]


def test_coalition_jets_in_a_yemen_story_are_the_saudi_led_coalitions(full_gaz):
    import conflictmap as cm

    text = ("The Saudi-led coalition announced a new offensive in Yemen on Sunday. Coalition jets then bombed "
            "Houthi positions in Hodeidah, residents said.")
    events = cm.extract([text], published="2023-04-20", gazetteer=full_gaz).to_dict("records")
    assert [(e["location"], e["actor1"], e["actor2"]) for e in events] == [
        ("Al Ḩudaydah", "Saudi-led coalition", "Houthis")]


def test_alias_keys_do_not_collide_between_actors():
    seen = {}
    for actor in load_lexicon():
        for alias in actor.aliases + actor.associated:
            key = alias.casefold()
            assert seen.setdefault(key, actor.name) == actor.name, alias


# --- roles ---------------------------------------------------------------------------------

def roles(sentence, trigger):
    start = sentence.index(trigger) if trigger else None
    return assign_roles(sentence, find_actors(sentence), start)


def test_active_voice_doer_before_trigger_target_after():
    assert roles("The coalition carried out 27 airstrikes against ISIS near the dam.", "airstrikes") == (
        "US-led coalition", "Islamic State")
    assert roles("Russian aircraft targeted ISIS near the oasis.", "targeted") == (
        "Russian forces", "Islamic State")
    assert roles("Turkish warplanes hit IS positions overnight.", "hit") == (
        "Turkish forces", "Islamic State")


def test_passive_voice_agent_after_by_is_actor1():
    assert roles("Nine civilians were killed by regime airstrikes on the market.", "killed") == (
        "Syrian government forces", "Civilians")
    assert roles("Another raid, this time by Russian aircraft, wounded two villagers.", "wounded") == (
        "Russian forces", "Civilians")


def test_an_agent_named_as_one_of_a_force_is_actor1():
    s = "A farmer died after he was shot by a gunman of the regime militias near the mill."
    assert roles(s, "shot")[0] == "Syrian government forces"


def test_the_force_whose_shelling_caused_the_death_is_actor1():
    s = "An elderly man died of wounds he received from regime shelling on the bakery last week."
    assert roles(s, "shelling") == ("Syrian government forces", None)
    # but a force the doer acts with is no doer
    s = "Iraqi jets in coordination with the US-led coalition killed six militants."
    assert roles(s, "killed")[0] == "Iraqi forces"


def test_the_gunmen_of_a_group_named_right_before_them_are_that_group():
    assert actors_in("Masked ISIS gunmen stopped the bus at dawn.") == ["Islamic State"]
    assert actors_in("ISIS said gunmen stopped the bus.") == ["Islamic State", "Unidentified armed group"]


def test_a_force_and_its_allies_acting_together_give_the_force_as_actor1():
    s = "Turkish troops and allied Syrian factions shelled a hamlet north of the dam."
    assert roles(s, "shelled")[0] == "Turkish forces"
    s = "Iraqi troops and their allied tribal fighters stormed the farms."
    assert roles(s, "stormed")[0] == "Iraqi forces"


def test_a_state_adjective_right_before_the_trigger_names_its_forces():
    s = "Russian heavy bombardment hit the bakery at noon."
    assert modifier_before(s, s.index("bombardment")) == "Russian forces"
    s = "Turkish shelling wounded a shepherd."
    assert modifier_before(s, s.index("shelling")) == "Turkish forces"
    s = "Residents fled the shelling."
    assert modifier_before(s, s.index("shelling")) is None


def test_passive_without_agent_has_no_actor1():
    assert roles("Five civilians were killed in the shelling.", "killed") == (None, "Civilians")


def test_civilians_are_never_actor1():
    assert roles("Civilians were hit when coalition jets bombed the bridge.", "bombed") == (
        "US-led coalition", "Civilians")
    assert roles("Residents said the strike hit a bakery.", "strike") == (None, "Civilians")


def test_a_target_before_the_trigger_is_not_the_doer():
    s = "The US-led coalition fighting ISIS launched ten strikes on Tuesday."
    assert roles(s, "strikes") == ("US-led coalition", "Islamic State")


def test_backers_are_not_parties():
    s = "The SDF, backed by the US-led coalition, attacked ISIS in the village."
    assert roles(s, "attacked") == ("SDF", "Islamic State")


def test_reporting_clause_does_not_steal_actor1():
    s = "The coalition said ISIS fighters attacked Peshmerga lines near the lake."
    assert roles(s, "attacked") == ("Islamic State", "Peshmerga")


def test_both_parties_after_the_trigger():
    s = "Clashes pitting rebel groups against regime troops spread to the old city."
    assert roles(s, "Clashes") == ("Rebel groups", "Syrian government forces")


def test_no_trigger_and_no_actors():
    assert assign_roles("Quiet day.", [], None) == (None, None)
    assert roles("ISIS and the SDF traded fire.", None) == ("Islamic State", "SDF")


# --- properties ----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_actors_never_raises_and_mentions_are_sane(sentence):
    mentions = find_actors(sentence)
    for m in mentions:
        assert isinstance(m, ActorMention)
        assert 0 <= m.start < m.end <= len(sentence)
        assert sentence[m.start:m.end] == m.text
    for a, b in zip(mentions, mentions[1:]):
        assert a.end <= b.start


words = st.sampled_from(["ISIS", "IS", "is", "regime", "the", "coalition", "killed", "by",
                         "civilians", "against", "SDF", "Iraq's", "air", "force", ",", "anti-regime"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=20), st.integers(min_value=0, max_value=200) | st.none())
def test_assign_roles_never_raises_and_never_makes_civilians_actor1(tokens, trigger):
    sentence = " ".join(tokens)
    if trigger is not None:
        trigger = min(trigger, len(sentence))
    mentions = find_actors(sentence)
    actor1, actor2 = assign_roles(sentence, mentions, trigger)
    names = {m.actor for m in mentions}
    assert actor1 is None or actor1 in names
    assert actor2 is None or actor2 in names
    assert actor1 != "Civilians"
    assert actor1 is None or actor1 != actor2


def test_a_lone_actor_after_the_verb_is_the_target_not_the_doer():
    assert roles("Unmarked jets hit a Daesh depot near the river.", "hit") == (None, "Islamic State")
    assert roles("Later a drone struck on an ISIS convoy.", "struck") == (None, "Islamic State")


@pytest.mark.parametrize("sentence, actor", [
    ("QSD forces clashed with IS fighters near the dam.", "SDF"),  # the SDF's Arabic acronym
    ("Syrian or Russian warplanes bombed the market.", "Syrian government forces"),  # not "Russian warplanes"
    ("Islamist faction fighters shelled the checkpoint.", "Rebel groups"),
    ("Olive Branch forces took control of the village.", "Turkish forces"),
    ("Unidentified gunmen shot dead a council member.", "Unidentified armed group"),
])
def test_names_coders_and_wires_use_find_their_actor(sentence, actor):
    assert actors_in(sentence)[0] == actor


@pytest.mark.parametrize("sentence, actor", [
    ("The rebel and Islamist factions shelled a checkpoint.", "Rebel groups"),
    ("Syrian Kurdish fighters repelled the attack.", "YPG / Kurdish militias"),
    ("Turkish and allied forces advanced on the hill.", "Turkish forces"),
    ("Ukrainian drones hit a depot.", "Ukrainian forces"),
])
def test_force_phrases_the_lexicon_does_not_spell_name_their_actor(sentence, actor):
    assert [m.actor for m in find_actors(sentence)] == [actor]


def test_force_phrases_need_a_force_noun():
    assert [m.actor for m in find_actors("Russian-made missiles and Syrian refugees were in the news.")] == ["Civilians"]


def test_coordinated_doers_make_the_first_one_actor1():
    s = "Regime and Russian warplanes carried out strikes on the village."
    assert assign_roles(s, find_actors(s), s.index("strikes")) == ("Syrian government forces", "Russian forces")


def test_a_state_and_militias_acting_together_make_the_state_actor1():
    # ACLED codes a joint operation under the state's forces, the militias beside them associated
    s = "Rebel fighters and Turkish troops stormed the village at dawn."
    assert assign_roles(s, find_actors(s), s.index("stormed"))[0] == "Turkish forces"
    s = "HTS and Ahrar al-Sham fighters stormed the village at dawn."  # no state: the first named
    assert assign_roles(s, find_actors(s), s.index("stormed"))[0] == "Jabhat al-Nusra / HTS"


def test_a_backer_after_a_possessive_is_no_party():
    s = "Regime forces supported by their allied gunmen recaptured the hill from HTS."
    assert assign_roles(s, find_actors(s), s.index("recaptured"))[0] == "Syrian government forces"


def test_an_air_force_named_by_its_country_alone_is_the_striker():
    from conflictmap.geo.actors import named_by_modifier
    from conflictmap.geo.events import air_capable
    assert named_by_modifier("Jets believed to be Russian bombed the market.", air_capable()) == "Russian forces"
    assert named_by_modifier("Jets bombed a market near the Turkish border.", air_capable()) is None
    assert named_by_modifier("Jets killed three, the Syrian Observatory said.", air_capable()) is None


def test_is_in_capitals_before_the_verb_is_the_doer_not_a_passive():
    s = "IS captured the village after a night of fighting."
    assert assign_roles(s, find_actors(s), s.index("captured"))[0] == "Islamic State"
    s = "The village is held by the SDF."
    assert assign_roles(s, find_actors(s), s.index("held"))[0] == "SDF"


def test_the_first_side_of_clashes_between_two_is_actor1_though_the_other_is_unknown():
    s = "Clashes broke out between pro-regime fighters and the Hawks of the Coast brigade near the village."
    assert assign_roles(s, find_actors(s), s.index("Clashes"))[0] == "Syrian government forces"


@pytest.mark.parametrize("sentence, trigger, roles", [
    # who holds a place is no passive doer
    ("Regime forces shelled a village controlled by HTS on Monday, damaging homes.", "shelled",
     ("Syrian government forces", "Jabhat al-Nusra / HTS")),
    ("Turkish jets struck a town held by the YPG.", "struck", ("Turkish forces",)),
    # a doer named in a hedged aside is actor1
    ("A sniper, likely regime, shot a man near the bakery on Tuesday.", "sniper", ("Syrian government forces",)),
    ("Gunmen, possibly IS, attacked a checkpoint at dawn.", "attacked", ("Islamic State",)),
    # the agent of "the blast of an IS bomb" is the weapon's owner
    ("Three soldiers were wounded by the blast of an IS roadside bomb near the bridge.", "wounded", ("Islamic State",)),
])
def test_the_doer_beside_a_place_holder_an_aside_or_a_weapon(sentence, trigger, roles):
    found = assign_roles(sentence, find_actors(sentence), sentence.index(trigger))
    assert found[:len(roles)] == roles


@pytest.mark.parametrize("sentence, actor", [
    # a state the lexicon does not list: its demonym before a state force noun names its forces
    ("Ethiopian drones struck a market in Bahir Dar.", "Military Forces of Ethiopia"),
    ("Malian soldiers repelled an attack on their base.", "Military Forces of Mali"),
    # a demonym two states share is the more populous one's
    ("The Congolese army retook the town.", "Military Forces of Democratic Republic of the Congo"),
    # a demonym the lexicon uses already keeps its actor
    ("Saudi jets struck the port.", "Saudi-led coalition"),
    ("Syrian troops shelled the village.", "Syrian government forces"),
])
def test_the_forces_of_any_state_are_named_by_its_demonym(sentence, actor):
    assert actors_in(sentence) == [actor]


def test_a_demonym_before_fighters_or_gunmen_names_no_state():
    assert actors_in("Somali gunmen stormed a hotel.") == ["Unidentified armed group"]
    assert actors_in("Chechen fighters joined the assault.") == []
