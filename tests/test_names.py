import re

import pytest
from hypothesis import given, settings, strategies as st

from conflictmap.gazetteer.names import MAX_NAME_CHARS, name_key, plain, skeleton

# The DESIGN.md's hard cases: each group is one place spelled as news, coders and GeoNames do.
SAME_PLACE = [
    ["Deir al-Zor", "Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Dair al-Zour"],
    ["Ain al-Arab", "'Ayn al 'Arab", "Ayn al-Arab", "Ein al-Arab"],
    ["Al-Bukamal", "Abu Kamal", "Albu Kamal", "Ālbū Kamāl"],
    ["Beiji", "Bayji", "Baiji"],
    ["Tal Afar", "Tall 'Afar", "Tel Afar", "Tall ʿAfar"],
    ["Baghouz Fawqani", "Al Baghuz Fawqani", "Baghuz Fawqani"],
    ["Hassakeh", "Hasakah", "al-Hasaka", "Al Ḩasakah"],
    ["Mayadin", "al-Mayadeen", "Mayādīn"],
    ["Raqqa", "al-Raqqah", "Ar Raqqah", "Raqqah"],
    ["Qamishli", "Kamishli", "Al Qamishli"],
    ["Khan Sheikhoun", "Khan Shaykhun"],
    ["Abul Kusour", "Abu al-Qusour", "Abu al Qusur"],  # "Abul": Abu and the article as one word
    # English abbreviations of the first word: the gazetteer may hold only one form
    ["St. Marc", "Saint-Marc", "St Marc"],
    ["Mt. Pleasant", "Mount Pleasant"],
    ["Ft. Hood", "Fort Hood"],
]


@pytest.mark.parametrize("group", SAME_PLACE, ids=lambda g: g[0])
def test_transliterations_of_one_place_share_a_key(group):
    keys = {name_key(n) for n in group}
    assert len(keys) == 1, dict(zip(group, map(name_key, group)))


@pytest.mark.parametrize("a,b", [("Homs", "Hama"), ("Raqqa", "Rutba"), ("Idlib", "Irbil"), ("Darayya", "Daraa")])
def test_different_places_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_vowel_only_differences_share_a_skeleton():
    assert skeleton(name_key("Sufuhan")) == skeleton(name_key("Safuhun"))
    assert skeleton(name_key("Idleb")) == skeleton(name_key("Idlib"))


def test_arabic_script_folds_article_and_letter_forms():
    assert name_key("هجين") == name_key("الهجين")
    assert name_key("دير الزور") == name_key("دير  الزّور")
    assert name_key("هجين").startswith("ar:")


def test_article_alone_is_a_name_not_an_article():
    assert name_key("As") == "as"


def test_no_letters_gives_empty_key():
    assert name_key("") == ""
    assert name_key("  -- '' \x00\x07 ") == ""


@settings(deadline=None)  # a loaded machine paused one example 0.4 s in a full parallel suite; no timing here
@given(st.text(max_size=300))
def test_any_text_gives_a_clean_key(text):
    key = name_key(text)
    assert key == "" or key.startswith("ar:") or re.fullmatch(r"[a-z0-9]+", key)


@given(st.text(max_size=MAX_NAME_CHARS * 3))
def test_plain_is_lowercase_ascii_words(text):
    out = plain(text)
    assert out == out.strip() and out.isascii() and out == out.lower()


def test_el_written_joined_to_a_later_word_is_the_article():
    assert name_key("Dahiet Elasad") == name_key("Dahiet al-Asad")
    assert name_key("Kafr Naseh Elatareb") == name_key("Kafr Naseh al-Atareb")
    assert name_key("Elasad") != name_key("Asad")  # a name's first word keeps its letters
