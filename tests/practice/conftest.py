"""Practice fixtures: a fixed clock, lessons completed some days ago, a reflection prompt."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Lesson, LessonProgress
from courseware.practice import common
from courseware.services.catalog import published
from courseware.services.learning import quizzes
from courseware.timezones import local_today, zone_named
from tests.conftest import read_lesson

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
WRONG_MANY = {"pick-one": ["b"], "pick-many": ["b"], "true-or-false": ["a"]}
PROMPT = "Where does habitual thinking show in your department?"
# A Wednesday, noon in Shanghai.
NOW = datetime(2026, 11, 25, 4, 0)
TODAY = date(2026, 11, 25)


@pytest.fixture
def clock(monkeypatch):
    """Pages see NOW (UTC, naive) and TODAY; `clock.move(days=...)` moves both."""

    class Clock:
        now = NOW

        @property
        def today(self) -> date:
            return local_today(zone_named("Asia/Shanghai"), self.now)

        def move(self, **delta) -> None:
            self.now = self.now + timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(common, "clock", lambda: fixed.now)
    return fixed


@pytest.fixture
def lessons(course) -> list[Lesson]:
    return published.lessons(db.session, course)


@pytest.fixture
def with_prompt(lessons) -> Lesson:
    """The first lesson, with a reflection question on its published revision."""
    first = lessons[0]
    first.published_revision.reflection = PROMPT
    db.session.commit()
    return first


def take(user, lesson, answers):
    attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
    return quizzes.submit_attempt(db.session, user, attempt.id, answers)


def complete(user, lesson, *, on: datetime, answers=None, right=None) -> None:
    """Complete the lesson (its quiz passed with `right`, after a first attempt with `answers` if
    given) and date the completion `on`."""
    if lesson.quiz is not None:
        if answers is not None:
            take(user, lesson, answers)
        take(user, lesson, right or RIGHT)
    read_lesson(user, lesson)
    record = db.session.scalar(
        sa.select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )
    assert record.completed_at is not None
    record.completed_at = on
    db.session.commit()


def form_errors(html: str) -> list[str]:
    import re

    return re.findall(r'<p class="field-error"[^>]*>([^<]+)</p>', html)
