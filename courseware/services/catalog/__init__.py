"""The catalog: the one door to published content and the reader's language.

Owns the published outline of every course (courses, modules, lessons, their current revisions and
quizzes) in each language, kept in memory per process and refreshed when `content_version` changes,
and the one definition of a published lesson for queries that need rows or SQL totals.
Pages read lessons from the outline (`current`, `lesson_html`), never from the database; writes and
HR totals use `published`. May import: models, content, language, errors.

- outline.py          the immutable outline objects and how one is loaded (five queries).
- cache.py            one outline per language per process; the lessons' HTML, read on first view.
- content_version.py  the number that tells every process its outline is stale, and the session
                      hooks (registered once, in cache.init_app) that raise it on every content write.
- published.py        published lessons and courses from the database.
- summary.py          a lesson's key points and "Try this week" task, for its printable summary.
"""
from courseware.services.catalog.cache import current, init_app, lesson_html
from courseware.services.catalog.outline import (
    CourseOutline,
    LessonOutline,
    ModuleOutline,
    Outline,
    RevisionOutline,
    load_outline,
)
from courseware.services.catalog.summary import LessonSummary, lesson_summary

__all__ = ["CourseOutline", "LessonOutline", "LessonSummary", "ModuleOutline", "Outline",
           "RevisionOutline", "current", "init_app", "lesson_html", "lesson_summary", "load_outline"]
