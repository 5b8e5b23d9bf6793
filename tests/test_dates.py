import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from conflictmap.geo.dates import EventDate, resolve_event_date

WED = date(2014, 12, 24)  # a Wednesday



def resolved(sentence, published=WED):
    r = resolve_event_date(sentence, published)
    return r.date, r.precision


@pytest.mark.parametrize("sentence, expected", [
    ("Jets bombed the bridge on Tuesday.", (date(2014, 12, 23), 1)),
    ("Militants attacked Tuesday and withdrew.", (date(2014, 12, 23), 1)),
    ("Tuesday's barrage hit the port.", (date(2014, 12, 23), 1)),
    ("Fighting resumed on Monday morning.", (date(2014, 12, 22), 1)),
    ("The convoy was ambushed on Wednesday.", (WED, 1)),  # the publication weekday is that day
    ("The convoy was ambushed last Wednesday.", (date(2014, 12, 17), 1)),
    ("The raid came last Thursday.", (date(2014, 12, 18), 1)),
    ("The town fell yesterday.", (date(2014, 12, 23), 1)),
    ("The town fell today.", (WED, 1)),
    ("Shells landed overnight.", (date(2014, 12, 23), 1)),
    ("Raids ran from Sunday morning to Monday morning.", (date(2014, 12, 21), 1)),
    ("Over the past 24 hours jets struck the ridge.", (date(2014, 12, 23), 1)),
    ("Troops retook the hill three days ago.", (date(2014, 12, 21), 1)),
])
def test_relative_days(sentence, expected):
    assert resolved(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The militia advanced last week.", (date(2014, 12, 18), 2)),  # Thursday of that week
    ("The militia advanced earlier this week.", (date(2014, 12, 23), 2)),
    ("Dozens fled in the past week.", (date(2014, 12, 20), 2)),
    ("The base was shelled last weekend.", (date(2014, 12, 20), 2)),
    ("The militants were driven out last month.", (date(2014, 11, 15), 3)),
    ("Rebels took the town earlier this month.", (date(2014, 12, 12), 3)),
    ("Troops retook the refinery in mid-November.", (date(2014, 11, 15), 3)),
    ("The dam was captured in December 2013.", (date(2013, 12, 15), 3)),
])
def test_weeks_and_months(sentence, expected):
    assert resolved(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The strike on December 23 hit a school.", date(2014, 12, 23)),
    ("The strike on Dec. 23 hit a school.", date(2014, 12, 23)),
    ("The strike on 23 December 2014 hit a school.", date(2014, 12, 23)),
    ("The strike on December 23, 2014 hit a school.", date(2014, 12, 23)),
    ("The strike on the 23rd of December hit a school.", date(2014, 12, 23)),
    ("Logged as 2014-12-23 by the monitors.", date(2014, 12, 23)),
    ("The siege began on December 30.", date(2013, 12, 30)),  # would be in the future: last year
])
def test_explicit_dates(sentence, expected):
    assert resolved(sentence) == (expected, 1)


def test_year_comes_from_publication_across_new_year():
    assert resolved("Jets struck on December 29.", date(2015, 1, 3)) == (date(2014, 12, 29), 1)


def test_the_text_of_the_expression_is_kept():
    assert resolve_event_date("Jets struck on Tuesday.", WED).text == "Tuesday"


def test_a_date_of_speech_yields_to_the_date_of_the_event():
    s = "The ministry said Monday that jets had struck the depot on Sunday."
    assert resolved(s) == (date(2014, 12, 21), 1)


def test_a_date_of_speech_alone_is_only_a_week():
    assert resolved("Jets struck the depot, the ministry said Monday.") == (date(2014, 12, 22), 2)


def test_period_bounds_are_not_event_dates():
    assert resolve_event_date("Strikes since late September have hit the city.", WED) == EventDate(WED, 2, None)


def test_month_words_need_capitals_and_context():
    assert resolve_event_date("The coalition may strike again.", WED) == EventDate(WED, 2, None)


def test_no_date_expression_gives_the_report_week():
    assert resolve_event_date("Jets struck the depot.", WED) == EventDate(WED, 2, None)


def test_without_a_publication_date_nothing_is_invented():
    assert resolve_event_date("Jets struck on Tuesday.", None) == EventDate(None, None, "Tuesday")
    assert resolve_event_date("Jets struck yesterday.", None).date is None
    assert resolve_event_date("The militants left last month.", None).date is None
    assert resolve_event_date("Jets struck on December 23.", None).date is None
    assert resolve_event_date("Jets struck the depot.", None) == EventDate(None, None, None)


def test_without_a_publication_date_full_dates_still_resolve():
    assert resolved("Jets struck on 23 December 2014.", None) == (date(2014, 12, 23), 1)
    assert resolved("Logged as 2014-12-23.", None) == (date(2014, 12, 23), 1)


def test_too_coarse_expressions_give_no_date_but_say_why():
    assert resolve_event_date("The group grew strong last summer.", WED) == EventDate(None, None, "last summer")
    assert resolve_event_date("The dam was built in 1986.", WED) == EventDate(None, None, "in 1986")


def test_impossible_dates_are_ignored():
    assert resolve_event_date("It happened on February 30.", WED) == EventDate(WED, 2, None)


# --- properties ----------------------------------------------------------------------------

published_dates = st.none() | st.dates()
phrases = st.sampled_from([
    "on Tuesday", "last Thursday", "yesterday", "today", "last week", "last month",
    "earlier this month", "December 23", "23 December 2014", "Dec. 23", "2014-12-23",
    "over the past 24 hours", "3 days ago", "a few days ago", "since", "said", "Monday morning",
    "February 29", "in 2013", "last weekend", "99999999999 days ago", "the past 48 hours",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(phrases | st.text(max_size=10), max_size=6), published_dates)
def test_resolve_event_date_never_raises(parts, published):
    r = resolve_event_date(" ".join(parts), published)
    assert isinstance(r, EventDate)
    assert r.precision in (None, 1, 2, 3)
    assert (r.date is None) == (r.precision is None)
    relative = r.text is None or not re.search(r"(?:19|20)\d\d", r.text)
    if r.date is not None and published is not None and relative:
        assert r.date <= published + timedelta(days=1)  # nothing relative lands in the future


@settings(max_examples=200, deadline=None)
@given(st.text(), published_dates)
def test_resolve_event_date_never_raises_on_arbitrary_text(text, published):
    r = resolve_event_date(text, published)
    assert isinstance(r, EventDate)
    assert r.precision in (None, 1, 2, 3)
    assert (r.date is None) == (r.precision is None)
    if r.text is not None:
        assert r.text in text  # the expression is quoted from the sentence, never made up
