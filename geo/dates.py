"""When an event happened, from the words of one sentence and the publication date.

``time_precision`` follows ACLED: 1 the day is known, 2 the week, 3 the month.

Conventions:

* A weekday ("Tuesday", "on Tuesday", "Tuesday's strike", "Monday morning") is the latest
  such day on or before publication: a Wednesday paper's "Tuesday" is the day before, and
  a Tuesday paper's "Tuesday" is that day. "last Tuesday" is strictly before publication.
* "yesterday", "last night", "overnight" -> publication - 1 day; "today", "this morning",
  "tonight" -> publication day; "N days ago" -> publication - N; all precision 1.
* A span is coded by its first day: "from Sunday morning to Monday morning" is Sunday, and
  "over the past 24 hours" / "a 24-hour period" is the day before publication (precision 1).
* "last week" -> the Thursday (midpoint) of the previous Monday-Sunday week, "this week" /
  "the past week" / "the past few days" -> the middle of the days up to publication,
  "a few days ago", "N weeks ago", "last weekend"; all precision 2.
* A month ("last month", "in November", "mid-November", "December 2014") -> the 15th, or
  the middle of the days before publication when it is the publication month ("earlier
  this month"); "the past month" -> 15 days before publication; precision 3.
* Explicit dates: "December 23", "Dec. 23", "23 December 2014", "2014-12-23". A missing
  year is the publication year, or the year before if that would put the day more than a
  day after publication.
* Several expressions: one that resolves beats one that does not, then the most precise
  wins, then the first. A date that only says when something was *said* ("the ministry
  said Monday") counts only when nothing else does, and then with precision 2: the event
  came on or before it. Dates after "since", "until", "through", "by", "before" bound a
  period and are ignored.
* Without a publication date, relative expressions give date None and precision None
  (never today's date); explicit dates with a year still resolve.
* A sentence with no date expression gets the publication date with precision 2 (the
  report's week), or (None, None) without one. Expressions too coarse for ACLED ("last
  year", "last summer", "in 2013") give date None with their text, so a caller can tell.

>>> from datetime import date
>>> resolve_event_date("Jets struck the town on Tuesday", date(2014, 12, 24))
EventDate(date=datetime.date(2014, 12, 23), precision=1, text='Tuesday')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
          r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_NUM = r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple\s+of)"
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 3, "couple of": 2}
_PERIOD = r"(?:morning|afternoon|evening|night)"

# (kind, pattern); matched case-insensitively except month names (so "may" is not May).
_EXPRESSIONS = [
    ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b"),
    ("dmy", rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b"),
    ("mdy", rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
    ("month", rf"\b(?P<pre>(?i:early|mid|late|in|during|of|last|this))[\s-]+{_MONTH}"
              rf"(?:,?\s+{_YEAR})?\b"),
    ("month", rf"\b{_MONTH},?\s+{_YEAR}"),  # a bare month needs a year: "May" is also a verb
    ("yesterday", r"(?i:\b(?:yesterday|last\s+night|overnight)\b)"),
    ("today", r"(?i:\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b)"),
    ("hours", r"(?i:\b(?:(?:past|last|previous)\s+|an?\s+)(?P<h>\d+|twenty-four|forty-eight)"
              r"[-\s]hours?(?:\s+period)?\b)"),
    ("ago", rf"(?i:\b{_NUM}\s+(?P<unit>days?|weeks?|months?)\s+ago\b)"),
    ("past_days", rf"(?i:\b(?:past|last|previous)\s+{_NUM}\s+days\b)"),
    ("weekday", rf"(?i:\b(?:(?P<last>last|this\s+past)\s+)?(?P<wd>{'|'.join(_WEEKDAYS)})"
                rf"(?:['’]s)?(?:\s+{_PERIOD})?\b)"),
    ("last_weekend", r"(?i:\b(?:last|past)\s+weekend\b)"),
    ("past_week", r"(?i:\b(?:the\s+)?(?:past|previous)\s+week\b|\bthe\s+last\s+week\b)"),
    ("this_week", r"(?i:\b(?:earlier\s+)?this\s+week\b)"),
    ("last_week", r"(?i:\blast\s+week\b)"),
    ("past_month", r"(?i:\b(?:the\s+)?(?:past|previous)\s+month\b|\bthe\s+last\s+month\b)"),
    ("this_month", r"(?i:\b(?:earlier\s+)?this\s+month\b)"),
    ("last_month", r"(?i:\blast\s+month\b)"),
    ("coarse", r"(?i:\b(?:last|this|past)\s+(?:year|summer|winter|spring|autumn|fall)\b)"
               r"|\b(?i:in)\s+(?:19|20)\d\d\b(?![-/])"),
]
_COMPILED = [(kind, re.compile(p)) for kind, p in _EXPRESSIONS]
_BOUNDARY_BEFORE = re.compile(r"(?i:\b(?:since|until|till|through|by|before)\s+(?:late\s+|early\s+|mid-?)?)$")
_SPEECH_BEFORE = re.compile(
    r"(?i:\b(?:said|says|announced|reported|stated|added|claimed|confirmed|told\s+\w+)\s+(?:on\s+)?)$"
)


@dataclass(frozen=True)
class EventDate:
    date: date | None
    precision: int | None  # ACLED time_precision: 1 day, 2 week, 3 month
    text: str | None  # the expression the date was read from; None when there was none


def _month_date(year: int, month: int, published: date | None) -> date:
    if published and (year, month) == (published.year, published.month):
        return date(year, month, max(1, (1 + published.day) // 2))
    return date(year, month, 15)


def _infer_year(month: int, day: int, published: date) -> date:
    candidate = date(published.year, month, day)
    if candidate > published + timedelta(days=1):
        candidate = date(published.year - 1, month, day)
    return candidate


def _resolve(kind: str, m: re.Match, published: date | None) -> tuple[date | None, int | None]:
    groups = m.groupdict()
    if kind in ("iso", "dmy", "mdy", "month"):
        if kind == "iso":
            month = int(groups["m"])
        else:
            month = [x[:3] for x in _MONTHS].index(groups["month"][:3].lower()) + 1
        year = int(groups["year"]) if groups.get("year") else None
        if kind == "month":
            if year is None:
                if published is None:
                    return None, None
                last = (groups.get("pre") or "").lower() == "last"
                year = published.year - (month > published.month or (last and month == published.month))
            return _month_date(year, month, published), 3
        day = int(groups["day"])
        if year is not None:
            return date(year, month, day), 1
        return (_infer_year(month, day, published), 1) if published else (None, None)
    if published is None or kind == "coarse":
        return None, None
    if kind == "yesterday":
        return published - timedelta(days=1), 1
    if kind == "today":
        return published, 1
    if kind == "hours":
        hours = {"twenty-four": 24, "forty-eight": 48}.get(groups["h"].lower()) or int(groups["h"])
        if hours <= 24:
            return published - timedelta(days=1), 1
        days = min(-(-hours // 24), 31)
        return published - timedelta(days=(days + 1) // 2), 2 if days <= 7 else 3
    if kind in ("ago", "past_days"):
        word = " ".join(groups["n"].lower().split())
        n = _NUMBERS.get(word) or int(word)
        unit = (groups.get("unit") or "days").lower()
        if unit.startswith("month"):
            then = published - relativedelta(months=n)
            return _month_date(then.year, then.month, published), 3
        if unit.startswith("week"):
            return published - timedelta(weeks=n), 2
        if kind == "ago":  # "a few days ago" is only known to the week
            return published - timedelta(days=n), 2 if word in ("few", "several") else 1
        return published - timedelta(days=(n + 1) // 2), 2 if n <= 7 else 3
    if kind == "weekday":
        target = _WEEKDAYS.index(groups["wd"].lower())
        back = (published.weekday() - target) % 7
        if groups["last"] and back == 0:
            back = 7
        return published - timedelta(days=back), 1
    if kind == "last_weekend":
        return published - timedelta(days=(published.weekday() - 5) % 7 or 7), 2
    if kind == "last_week":
        return published - timedelta(days=published.weekday() + 7) + timedelta(days=3), 2
    if kind == "past_week":
        return published - timedelta(days=4), 2  # middle of the seven days before publication
    if kind == "this_week":
        return published - timedelta(days=published.weekday() // 2), 2
    if kind == "past_month":
        return published - timedelta(days=15), 3
    if kind == "this_month":
        return _month_date(published.year, published.month, published), 3
    if kind == "last_month":
        then = published - relativedelta(months=1)
        return _month_date(then.year, then.month, None), 3
    return None, None


def resolve_event_date(sentence: str, published: date | None) -> EventDate:
    """The event date a sentence states, resolved against the publication date."""
    found = []  # (sort key, EventDate)
    taken: list[tuple[int, int]] = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(sentence or ""):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            before = sentence[max(0, m.start() - 40):m.start()]
            if _BOUNDARY_BEFORE.search(before):
                continue
            try:
                when, precision = _resolve(kind, m, published)
            except (ValueError, OverflowError):  # "Feb 30", or a day before year 1: no date
                continue
            speech = bool(_SPEECH_BEFORE.search(before)) and not re.search(r"['’]s\b", m.group())
            if speech and precision is not None:
                precision = max(precision, 2)
            text = m.group().strip()
            key = (when is None, speech, precision or 9, m.start())
            found.append((key, EventDate(when, precision, text)))
    if found:
        return min(found, key=lambda f: f[0])[1]
    return EventDate(published, 2 if published else None, None)
