
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from conflictmap.geo.casualties import Casualties, find_casualties, parse_count



@pytest.mark.parametrize("text, value", [
    ("dozens", 12),
    ("dozens of", 12),
    ("a dozen", 12),
    ("two dozen", 24),
    ("half a dozen", 6),
    ("tens", 10),
    ("hundreds", 100),
    ("scores", 20),
    ("between 5 and 10", 5),
    ("between five and ten", 5),
    ("5-10", 5),
    ("5 to 10", 5),
    ("five or six", 5),
    ("at least 20", 20),
    ("more than 30", 30),
    ("some 40", 40),
    ("about 7", 7),
    ("1,200", 1200),
    ("three", 3),
    ("Sixteen", 16),
    ("twenty-one", 21),
    ("ninety nine", 99),
    ("two hundred and fifty", 250),
    ("a hundred", 100),
    ("at least 1,171 people", 1171),
])
def test_parse_count_follows_acled_conventions(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", [
    "several", "a number of", "some", "many", "a few", "", "tanks", "24-hour", "2014-12-23", "a",
])
def test_parse_count_gives_none_for_non_counts_and_vague_words(text):
    assert parse_count(text) is None


def counts(sentence):
    c = find_casualties(sentence)
    return c.fatalities, c.civilian_fatalities, c.injuries, c.uncertain


def test_airstrike_count_is_not_a_death_toll():
    c = find_casualties("The coalition carried out 27 airstrikes, killing three civilians")
    assert (c.fatalities, c.civilian_fatalities, c.injuries, c.uncertain) == (3, 3, 0, False)
    assert c.evidence == ["killing three civilians"]


@pytest.mark.parametrize("sentence, expected", [
    ("Shelling killed two civilians near the bakery.", (2, 2, 0, False)),
    ("Six people were killed in the raid on the depot.", (6, 0, 0, False)),
    ("At least 20 ISIS fighters died when the tunnel collapsed.", (20, 0, 0, False)),
    ("The ambush ended the patrol, killing 4 members of the unit.", (4, 0, 0, False)),
    ("A car bomb hit the square, leaving 7 dead.", (7, 0, 0, False)),
    ("The explosion wounded dozens in the bus station.", (0, 0, 12, False)),
    ("Medics said one child was among the dead.", (1, 1, 0, False)),
    ("By evening the death toll rose to 15.", (15, 0, 0, False)),
    ("Between 5 and 10 soldiers were killed at the checkpoint.", (5, 0, 0, False)),
    ("Dozens of militants were killed in the valley.", (12, 0, 0, False)),
    ("Mortar fire killed a shepherd outside the village.", (1, 1, 0, False)),
    ("Nine fighters of the Northern Brigade were killed on the ridge.", (9, 0, 0, False)),
    ("Guards fired at the intruder, killing him at the gate.", (1, 0, 0, False)),
    ("Masked men shot dead a local notary in his office.", (1, 0, 0, False)),
    ("The raid killed a tribal elder and two of his sons.", (3, 2, 0, False)),
    ("Rockets hit the camp, killing three with many hurt.", (3, 0, 0, False)),
    ("Two suicide bombers and an army commander were killed at the gate.", (3, 0, 0, False)),
    ("The strike killed a number of fighters.", (0, 0, 0, True)),
    ("The shelling killed a family of six.", (6, 6, 0, False)),
    ("Gunmen assassinated a judge outside the court.", (1, 0, 0, False)),
    ("A farmer was shot and killed near the wells.", (1, 1, 0, False)),
])
def test_find_casualties_reads_the_common_phrasings(sentence, expected):
    assert counts(sentence) == expected


def test_killed_and_wounded_are_counted_apart():
    assert counts("Nine people were killed and fourteen others were wounded in the blast.") == (
        9, 0, 14, False)
    assert counts("Gunmen killed a guard and wounded two others at the gate.") == (1, 0, 2, False)


def test_lists_of_victims_add_up():
    assert counts("A rocket injured two men and a woman at the market.") == (0, 0, 3, False)
    assert counts("The strike killed three civilians and two soldiers.") == (5, 3, 0, False)


@pytest.mark.parametrize("sentence, dead, civilians", [
    ("Militants shelled the checkpoint, killing four guards, a police spokesman said on Monday.", 4, 0),
    ("The blast killed two farmers, a local official told reporters.", 2, 2),
    ("The blast killed two farmers, a child and a woman.", 4, 4),  # a list goes on
    ("The raid killed two soldiers, a policeman and a civilian who had reported the attack.", 4, 1),
])
def test_who_says_so_after_the_toll_is_no_further_victim(sentence, dead, civilians):
    found = find_casualties(sentence)
    assert (found.fatalities, found.civilian_fatalities) == (dead, civilians)


@pytest.mark.parametrize("sentence, dead, civilians", [
    ("A drone strike killed a shepherd and his three sons near the well.", 4, 4),
    ("A father and his daughter were killed when the shell hit their home.", 2, 2),
    ("The raid killed a nurse and their children.", 1, 1),  # how many children: not said
])
def test_a_victim_and_their_kin_add_up(sentence, dead, civilians):
    found = find_casualties(sentence)
    assert (found.fatalities, found.civilian_fatalities) == (dead, civilians)


@pytest.mark.parametrize("sentence, dead", [
    ("A farmer succumbed to wounds he received in last week's shelling.", 1),
    ("Four fighters succumbed to their injuries overnight.", 4),
    ("Gunmen assassinated the mukhtar of the village on his doorstep.", 1),
    ("The Ninth Brigade commander was shot dead at a checkpoint.", 1),
    ("The guards were killed at the gate.", 0),  # how many guards: not said
    ("Three captives were executed by their guards.", 3),
    ("A former policeman was found killed beside the road to the dam.", 1),
    ("Masked men shot dead a senior tribal sheikh outside his home.", 1),
    ("Border guards gunned down two militants at the crossing.", 2),
    ("The raid left one army or militia member dead and two wounded.", 1),
    ("Insurgents killed five Federal police at a checkpoint.", 5),
    ("A bomb-disposal engineer was killed while clearing the road.", 1),  # any noun, opening the clause
    ("A gunman was shot dead at the gate.", 1),  # a gunman is one, gunmen are not
    ("Raiders killed 4 SDF/YPG fighters near the silo.", 4),  # names with a slash
    ("Two Turkish-backed fighters (NLF) were killed in the ambush.", 2),  # an aside after the noun
    ("Two of the mayor's bodyguards were killed in the blast.", 2),  # two of the ...
    ("A girl and boy were killed when the shell struck their home.", 2),  # a bare second noun
    # members of a force written in lower case, and a clause that opens with a longer subject
    ("Two members of the police were killed at the checkpoint.", 2),
    ("On Monday, a member of the local security forces was killed near the bridge.", 1),
    ("An engineer of the municipal council was shot dead outside the office.", 1),
    ("A lorry of the border guards was hit by a mine.", 0),  # no one is said to be killed
])
def test_one_person_named_by_role_and_the_wounded_who_died_count(sentence, dead):
    assert find_casualties(sentence).fatalities == dead


def test_a_subset_is_not_counted_twice():
    assert counts("Eleven civilians, among them six children, were killed by the barrage.") == (
        11, 11, 0, False)
    assert counts("Ten people, including four women, were killed in the market.") == (10, 4, 0, False)


def test_family_members_are_civilians():
    assert counts("The raid killed five members of the same family.") == (5, 5, 0, False)


@pytest.mark.parametrize("sentence", [
    "Jets flew 16 strikes in a 24-hour period over the plains.",
    "The coalition launched 10 more strikes on Wednesday.",
    "The report covers 2014 and 2015 in 40 pages.",
    "Rebels destroyed a tank and two heavy machine guns.",
    "About 1,300 civilians have escaped the besieged district.",
    "The strike on March 3 hit an empty depot.",
])
def test_numbers_not_about_people_killed_do_not_count(sentence):
    assert counts(sentence) == (0, 0, 0, False)


def test_a_date_before_the_verb_is_not_a_count():
    assert counts("A strike on November 12 killed four civilians.") == (4, 4, 0, False)


def test_an_active_verb_is_not_read_as_a_tally():
    assert counts("30 militants killed two guards at the gate.") == (2, 0, 0, False)


def test_killing_without_a_number_is_zero_and_uncertain():
    assert counts("Several civilians were killed in the raid.") == (0, 0, 0, True)
    assert counts("The militants suffered casualties in the fighting.") == (0, 0, 0, True)
    assert counts("The bombing killed people in the market.") == (0, 0, 0, True)


def test_no_killing_no_uncertainty():
    assert counts("Troops entered the town on Monday.") == (0, 0, 0, False)
    assert counts("No one was killed in the attack.") == (0, 0, 0, False)


def test_an_upper_bound_is_counted_but_flagged():
    assert counts("Up to 10 people may have died in the fire.") == (10, 0, 0, True)


# --- properties ----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_count_never_raises(text):
    value = parse_count(text)
    assert value is None or value >= 0


fragments = st.sampled_from([
    "killed", "killing", "were", "wounded", "three", "12", "1,200", "dozens", "of", "civilians",
    "people", "ISIS", "fighters", "and", "a", "woman", "among", "them", "the", "dead", ",",
    "death", "toll", "rose", "to", "between", "5", "-", "10", "strikes", "December", "23",
    "several", "including", "children", "at", "least", "left", "injured", "no", "one",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(fragments, max_size=25) | st.text().map(lambda t: [t]))
def test_find_casualties_never_raises_and_counts_are_consistent(tokens):
    c = find_casualties(" ".join(tokens))
    assert isinstance(c, Casualties)
    assert c.fatalities >= 0 and c.civilian_fatalities >= 0 and c.injuries >= 0
    assert c.fatalities >= c.civilian_fatalities


@pytest.mark.parametrize("sentence, dead", [
    ("Rescuers found the bodies of six shepherds in a ravine.", 6),
    ("Nine bodies were recovered from a well outside the town.", 9),
    ("A farmer's body was discovered near the canal.", 1),
    ("The bodies of the dead were buried in the village cemetery.", 0),  # buried, not found: no number
])
def test_bodies_found_are_deaths(sentence, dead):
    assert find_casualties(sentence).fatalities == dead
