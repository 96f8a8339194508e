"""The lesson page's shared boxes, kept as rendered (templating.FragmentCache) instead of read and
rendered on every view: the question board ("From the questions" and "Ask about this lesson") and the
featured reflections ("What managers wrote").

- The featured reflections are the same for every reader: kept per lesson, language and featured
  version.
- The question board is the same for every reader who has no part of their own in it (asked nothing
  under the lesson, marked no question, does not moderate, no form came back with errors): kept per
  lesson, language, time zone (it shows times) and board version, with a stand-in for the form token
  that each request puts its own in place of. Everyone else gets their board built per request.

The versions live in the database (models/boards.py) and are read with the reader's state in one
query (discussion.board.reader_state), so that a change made through another instance shows at once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, g, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from courseware.extensions import db
from courseware.language import current_language
from courseware.models import User
from courseware.practice import panels as practice_panels
from courseware.services.catalog import CourseOutline, LessonOutline
from courseware.services.discussion import board
from courseware.templating import FRAGMENTS_KEY, FragmentCache, reader_outline
from courseware.timezones import reader_zone, zone_key

# Stands for the request's form token in a kept board; random per process, so no text can forge it.
TOKEN = "csrf-" + secrets.token_hex(16)
_SEPARATOR = "board-" + secrets.token_hex(16)  # between the pinned answers and the board


@dataclass(frozen=True)
class LessonBoxes:
    """What the lesson template shows: either `questions` (the reader's own board, rendered by the
    template) or the kept `pinned` and `section`; and the `featured` box, always kept."""

    questions: board.Board | None
    pinned: Markup | None
    section: Markup | None
    featured: Markup


def _cache() -> FragmentCache:
    return current_app.extensions[FRAGMENTS_KEY]


def lesson_boxes(viewer: User, course: CourseOutline, lesson: LessonOutline, personal: bool) -> LessonBoxes:
    """The boxes for this reader; `personal` asks for their own board (a form came back with errors)."""
    state = board.reader_state(db.session, viewer, lesson.id)
    featured = _featured(lesson, state.featured_version)
    if personal or state.own_board:
        return LessonBoxes(board.board(db.session, viewer, lesson.id), None, None, featured)
    pinned, section = _shared_board(course, lesson, state.questions_version)
    return LessonBoxes(None, pinned, section, featured)


def _featured(lesson: LessonOutline, version: int) -> Markup:
    def render() -> str:
        return render_template("practice/_featured_reflections.html",
                               featured_reflections=practice_panels.featured_reflections(lesson))

    key = ("featured-reflections", current_language(), lesson.id, version)
    return _cache().get(reader_outline().version, key, render)


def _shared_board(course: CourseOutline, lesson: LessonOutline, version: int) -> tuple[Markup, Markup]:
    def render() -> str:
        shared = board.shared_board(db.session, lesson.id)
        html = render_template("learn/_shared_board.html", questions=shared, course=course,
                               lesson=lesson, failed=None, separator=_SEPARATOR)
        # Whether it shows a time (the footer then names the zone), then the board with a stand-in token.
        return ("1" if shared.questions else "0") + html.replace(generate_csrf(), TOKEN)

    key = ("question-board", current_language(), zone_key(reader_zone()), lesson.id, version)
    kept = str(_cache().get(reader_outline().version, key, render))
    if kept[0] == "1":
        g._times_shown = True  # as format_datetime does when it renders (formatting.times_shown)
    pinned, section = kept[1:].replace(TOKEN, generate_csrf()).split(_SEPARATOR, 1)
    return Markup(pinned), Markup(section)  # parts of what Jinja rendered
