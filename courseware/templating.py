"""What templates may call besides their own variables: formatting in the reader's language, and the
titles of the in-memory outline. All are registered here, in register_filters, each with its reason;
anything that reads the database comes from the view that renders the page."""
from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, g

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


def _reader_outline():
    """The in-memory course outline in the reader's language, looked up once per request."""
    from courseware.extensions import db
    from courseware.services import catalog

    if "_reader_outline" not in g:
        g._reader_outline = catalog.current(db.session)
    return g._reader_outline


def lesson_title(lesson_id: int | None, stored_title: str) -> str:
    """A lesson named on a page outside the outline (practice, HR), in the reader's language: the
    published title from the in-memory outline, else the title as stored."""
    if lesson_id is None:
        return stored_title
    return _reader_outline().lesson_title(lesson_id) or stored_title


def course_title(course_id: int | None, stored_title: str) -> str:
    if course_id is None:
        return stored_title
    return _reader_outline().course_title(course_id) or stored_title


def register_filters(app: Flask) -> None:
    """Every template global and filter of the site's own; Flask, Babel and Flask-WTF add theirs, and
    i18n.init_app the language's (html_lang, current_language, languages, role_label)."""
    # Imported here: the practice services format numbers with this module.
    from courseware.practice.common import format_day, weekday_names

    # Lookups in the in-memory outline (read once a request): pages name the lessons and courses they list.
    app.add_template_global(lesson_title, "lesson_title")
    app.add_template_global(course_title, "course_title")
    # Locale data only: the calendar macro's column heads, Monday to Sunday, in the reader's language.
    app.add_template_global(weekday_names, "practice_weekdays")
    # Formatting: times, dates, numbers, percentages and practice days in the reader's language.
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_day, "practice_day")
