"""What templates may call besides their own variables: formatting in the reader's language, and the
titles of the in-memory outline. All are registered here, in register_filters, each with its reason;
anything that reads the database comes from the view that renders the page."""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from flask import Flask, current_app, g
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

if TYPE_CHECKING:
    from courseware.services.catalog import Outline

def lang_of(language: str | None) -> Markup:
    """` lang="en"` for an element whose text is in `language` on a page in another language (a lesson
    not yet translated: WCAG 3.1.2, language of parts), so that a screen reader reads it with the right
    voice; nothing when the two agree."""
    if not language or language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language.replace("_", "-")


def reader_outline() -> Outline:
    """The in-memory course outline in the reader's language, looked up once per request (views
    that read it first make the page's other lookups free)."""
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
    return reader_outline().lesson_title(lesson_id) or stored_title


def course_title(course_id: int | None, stored_title: str) -> str:
    if course_id is None:
        return stored_title
    return reader_outline().course_title(course_id) or stored_title


class FragmentCache:
    """Parts of pages rendered once and kept by each process: the same for everyone who gets the same
    key, in the same language, at the same content version.

    A template marks such a part with `{% call cached_fragment("name", key...) %}…{% endcall %}`;
    whatever the part shows must follow from the name, the key, the language and the published
    content alone (never a person's name, a form token, a time shown in the reader's zone). The key
    takes the content version this request read from the database (`catalog.current`), so that an
    instance serves new content as soon as another has published it; a new version empties the
    cache. Bounded: past MAX_BYTES the oldest parts go first."""

    MAX_BYTES = 8 * 1024 * 1024

    def __init__(self) -> None:
        self._parts: dict[tuple[Hashable, ...], Markup] = {}
        self._version: int | None = None
        self._size = 0
        self._lock = threading.Lock()
        self.renders = 0

    def get(self, version: int, key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
        part = self._parts.get(key) if version == self._version else None
        if part is not None:
            return part
        part = Markup(render())
        with self._lock:
            self.renders += 1
            if version != self._version:
                if self._version is not None and version < self._version:
                    return part  # an older request, still on the previous content: not kept
                self._parts, self._size, self._version = {}, 0, version
            while self._parts and self._size + len(part) > self.MAX_BYTES:
                self._size -= len(self._parts.pop(next(iter(self._parts))))
            self._parts[key] = part
            self._size += len(part)
        return part


FRAGMENTS_KEY = "page_fragments"
FRAME_KEY = "page_frame"


def cached_fragment(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The template global behind `{% call cached_fragment(...) %}`: a part that shows published
    content, kept per language and content version (see FragmentCache)."""
    cache: FragmentCache = current_app.extensions[FRAGMENTS_KEY]
    return cache.get(reader_outline().version, (name, current_language(), *key), caller)


def cached_frame(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """`{% call cached_frame(...) %}`: a part of the page's frame (navigation, footer) that shows no
    content, only the interface in the reader's language: kept per language until a restart, as the
    templates and catalogs are, and read without the database (error pages use it too)."""
    cache: FragmentCache = current_app.extensions[FRAME_KEY]
    return cache.get(0, (name, current_language(), *key), caller)


def unread_notifications() -> int:
    """The signed-in person's unread notices, counted when they were loaded (auth.session.load_user):
    the bell in the header."""
    return int(g.get("unread_notifications", 0))


def register_filters(app: Flask) -> None:
    """Every template global and filter of the site's own; Flask, Babel and Flask-WTF add theirs, and
    i18n.init_app the language's (html_lang, current_language, languages, role_label)."""
    # Imported here: the practice blueprint's views import the services, which import the catalog.
    from courseware.practice.common import format_day, weekday_names

    # Parts of pages rendered once per language and content version (FragmentCache).
    app.extensions[FRAGMENTS_KEY] = FragmentCache()
    app.extensions[FRAME_KEY] = FragmentCache()
    app.add_template_global(cached_fragment, "cached_fragment")
    app.add_template_global(cached_frame, "cached_frame")
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
