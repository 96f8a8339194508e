"""What templates may call besides their own variables: formatting in the reader's language, and the
titles of the in-memory outline. All are registered here, in register_filters, each with its reason;
anything that reads the database comes from the view that renders the page."""
from __future__ import annotations

from flask import Flask, g
from markupsafe import Markup

from courseware.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    time_zone_note,
    times_shown,
)
from courseware.language import current_language


def lang_of(language: str | None) -> Markup:
    """` lang="en"` for an element whose text is in `language` on a page in another language (a lesson
    not yet translated: WCAG 3.1.2, language of parts), so that a screen reader reads it with the right
    voice; nothing when the two agree."""
    if not language or language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language.replace("_", "-")


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


def unread_notifications() -> int:
    """The signed-in person's unread notices, counted when they were loaded (auth.session.load_user):
    the bell in the header."""
    return int(g.get("unread_notifications", 0))


def register_filters(app: Flask) -> None:
    """Every template global and filter of the site's own; Flask, Babel and Flask-WTF add theirs, and
    i18n.init_app the language's (html_lang, current_language, languages, role_label)."""
    # Imported here: the practice blueprint's views import the services, which import the catalog.
    from courseware.practice.common import format_day, weekday_names

    # Lookups in the in-memory outline (read once a request): pages name the lessons and courses they list.
    app.add_template_global(lesson_title, "lesson_title")
    app.add_template_global(course_title, "course_title")
    # Text shown in a language other than the page's says so (lessons and quizzes not yet translated).
    app.add_template_global(lang_of, "lang_of")
    # Whether the signed-in person has a team (the header's "My team"): read with the person, no query.
    from courseware.auth.session import has_team

    app.add_template_global(has_team, "has_team")
    # Locale data only: the calendar macro's column heads, Monday to Sunday, in the reader's language.
    app.add_template_global(weekday_names, "practice_weekdays")
    # Counted with the signed-in person: the bell's number in every page's header.
    app.add_template_global(unread_notifications, "unread_notifications")
    # The footer names the reader's time zone once, on the pages that showed a time.
    app.add_template_global(times_shown, "times_shown")
    app.add_template_global(time_zone_note, "time_zone_note")
    # Formatting: times (in the reader's zone), dates, numbers, percentages and practice days in the
    # reader's language.
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_day, "practice_day")
