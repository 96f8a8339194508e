"""Times, dates, numbers and percentages as the reader reads them, in their language and time zone:
for templates (registered as filters in courseware.templating) and for the messages services and
commands write. Stored times are naive UTC; they are shown in the reader's zone
(courseware.timezones.reader_zone: the person's own, else the company's), and a page that shows a
time says which zone once (`time_zone_note`, in the footer of templates/base.html)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import g, has_app_context
from flask_babel import gettext as _

from courseware.language import current_language
from courseware.timezones import reader_zone, to_local, zone_key

# English keeps the site's own day-month-year; other languages use their long form (2026年11月25日).
_DATE_PATTERNS = {"en": "d MMMM y"}
# One way to write a time per language: 3 December 2026, 19:40 / 2026年12月3日 19:40. A language
# without a pattern here uses its CLDR skeleton.
_DATETIME_PATTERNS = {"en": "d MMMM y, HH:mm", "zh_CN": "y年M月d日 HH:mm"}
_DATETIME_SKELETON = "yMMMMdHHmm"
# How people call a zone where CLDR's name is not what they say.
_ZONE_NAMES = {("Asia/Shanghai", "zh_CN"): "北京时间"}


def format_datetime(value: datetime | None, zone: tzinfo | None = None) -> str:
    """A stored time (naive UTC) in `zone` (the reader's by default), in the reader's language."""
    if not value:
        return ""
    zone = zone or reader_zone()
    if has_app_context():
        g._times_shown = True  # the page names the zone once (times_shown, time_zone_note)
    return _local_datetime(to_local(value, zone), zone, current_language())


@lru_cache(maxsize=4096)
def _local_datetime(local: datetime, zone: tzinfo, language: str) -> str:
    # Babel takes a tenth of a millisecond a time; the same times (a person's attempts) come back
    # on every visit of their pages.
    pattern = _DATETIME_PATTERNS.get(language)
    if pattern:
        return babel_dates.format_datetime(local, pattern, tzinfo=zone, locale=language)
    return babel_dates.format_skeleton(_DATETIME_SKELETON, local, tzinfo=zone, locale=language)


def format_date(value: date | datetime | None) -> str:
    """A day; a stored time (naive UTC) gives its day in the reader's zone, a `date` stays as it is."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_local(value, reader_zone()).date()
    language = current_language()
    return babel_dates.format_date(value, _DATE_PATTERNS.get(language, "long"), locale=language)


def zone_name(zone: tzinfo) -> str:
    """A zone's name in the reader's language: China Standard Time, 北京时间, United Kingdom Time."""
    key, language = zone_key(zone), current_language()
    if (key, language) in _ZONE_NAMES:
        return _ZONE_NAMES[key, language]
    if not isinstance(zone, ZoneInfo):
        return key
    winter, summer = datetime(2026, 1, 15, tzinfo=zone), datetime(2026, 7, 15, tzinfo=zone)
    if winter.utcoffset() == summer.utcoffset():  # one offset all year: its standard name
        return babel_dates.get_timezone_name(winter, width="long", locale=language)
    return babel_dates.get_timezone_name(zone, width="long", locale=language)


def format_zone(zone: tzinfo) -> str:
    """A zone as pages name it: 'China Standard Time (Asia/Shanghai)', '北京时间（Asia/Shanghai）'."""
    name, key = zone_name(zone), zone_key(zone)
    return key if name == key else _("%(name)s (%(zone)s)", name=name, zone=key)


def times_shown() -> bool:
    """Whether this page has shown a time so far (the footer then names the zone)."""
    return bool(g.get("_times_shown")) if has_app_context() else False


def time_zone_note() -> str:
    return _("Times are in %(zone)s.", zone=format_zone(reader_zone()))


def format_number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):  # a report's table repeats the same counts hundreds of times
        return _whole_number(value, current_language())
    return babel_numbers.format_decimal(value, locale=current_language())


def whole_number_formatter() -> Callable[[int], str]:
    """format_number for the many counts of one page, the page's language read once."""
    language = current_language()
    return lambda value: _whole_number(value, language)


@lru_cache(maxsize=4096)
def _whole_number(value: int, language: str) -> str:
    return babel_numbers.format_decimal(value, locale=language)


def format_percent(value: int | float | None) -> str:
    """A figure out of 100 (as the services count them), e.g. 42 -> '42%'."""
    if value is None:
        return ""
    return _percent(value, current_language())


@lru_cache(maxsize=2048)
def _percent(value: int | float, language: str) -> str:
    return babel_numbers.format_percent(value / 100, locale=language)
