"""What the practice views share: the clock and the reader's calendar day (their own time zone, else
the company's: courseware.timezones), and days written out in the reader's language."""
from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel import Locale
from babel import dates as babel_dates

from courseware.language import current_language
from courseware.models._time import utcnow
from courseware.timezones import local_today, reader_zone, to_local


def clock() -> datetime:
    """Now, naive UTC as stored (tests replace it to move the calendar)."""
    return utcnow()


def zone() -> tzinfo:
    return reader_zone()


def today() -> date:
    return local_today(zone(), clock())


def local_hour() -> int:
    return to_local(clock(), zone()).hour


# How a day is written on the practice pages, by language. English keeps the pages' own forms
# ("Wednesday 25 November 2026"); a language without patterns here uses its CLDR skeleton.
_DAY_PATTERNS = {
    "en": {"day_month": "d MMMM", "short": "d MMM", "weekday": "EEEE d MMMM", "full": "EEEE d MMMM y"},
    "zh_CN": {"day_month": "M月d日", "short": "M月d日", "weekday": "M月d日 EEEE", "full": "y年M月d日 EEEE"},
}
_DAY_SKELETONS = {"day_month": "MMMMd", "short": "MMMd", "weekday": "MMMMEEEEd", "full": "yMMMMEEEEd"}


def format_day(value: date, style: str = "full") -> str:
    """A calendar day in words: style is day_month, short, weekday or full."""
    language = current_language()
    pattern = _DAY_PATTERNS.get(language, {}).get(style)
    if pattern:
        return babel_dates.format_date(value, pattern, locale=language)
    return babel_dates.format_skeleton(_DAY_SKELETONS[style], value, locale=language)


def weekday_names() -> list[tuple[str, str]]:
    """Monday to Sunday as (abbreviated, full) names in the reader's language."""
    days = Locale.parse(current_language()).days["format"]
    return [(days["abbreviated"][n], days["wide"][n]) for n in range(7)]
