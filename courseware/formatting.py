"""Times, dates, numbers and percentages as the reader reads them, in their language: for templates
(registered as filters in courseware.templating) and for the messages services and commands write."""
from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from courseware.language import current_language

# English keeps the site's own day-month-year; other languages use their long form (2026年11月25日).
_DATE_PATTERNS = {"en": "d MMMM y"}


def format_datetime(value: datetime | None) -> str:
    # Times are shown in UTC, ISO-like: read the same way in every language.
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def format_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    language = current_language()
    return babel_dates.format_date(value, _DATE_PATTERNS.get(language, "long"), locale=language)


def format_number(value: int | float | None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=current_language())


def format_percent(value: int | float | None) -> str:
    """A figure out of 100 (as the services count them), e.g. 42 -> '42%'."""
    if value is None:
        return ""
    return babel_numbers.format_percent(value / 100, locale=current_language())
