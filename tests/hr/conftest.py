"""A small company with known progress, so report figures can be checked by hand."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import Lesson, LessonRevision, Module, User
from courseware.models._time import utcnow
from courseware.services.catalog import published
from courseware.services.learning import completion, quizzes
from tests.conftest import ReadingClock, read_lesson

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
WRONG = {"pick-one": ["a"], "pick-many": ["b"], "true-or-false": ["b"]}


@dataclass
class Company:
    done: User       # International Trade: both lessons complete
    started: User    # International Trade: opened lesson 1
    idle: User       # International Trade: nothing
    failed: User     # Domestic Trade: read lesson 1, failed its quiz once


def take(user, lesson, answers):
    attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
    return quizzes.submit_attempt(db.session, user, attempt.id, answers)


@pytest.fixture
def company(course, make_user) -> Company:
    first, second = published.lessons(db.session, course)
    done = make_user(full_name="Ada Done", username="ada")
    started = make_user(full_name="Bo Started", username="bo")
    idle = make_user(full_name="Cy Idle", username="cy")
    failed = make_user(full_name="Di Failed", username="di", department="Domestic Trade")
    read_lesson(done, first)
    take(done, first, RIGHT)
    read_lesson(done, second)
    completion.record_open(db.session, started, first)
    read_lesson(failed, first)
    take(failed, first, WRONG)
    return Company(done, started, idle, failed)


# A Friday morning in May: the certificates in the tests are issued then.
START = datetime(2026, 5, 15, 9, 0)


@pytest.fixture
def clock(reading_clock, monkeypatch) -> ReadingClock:
    """One fixed clock for lesson progress, the certificates it issues, HR's reports and due dates."""
    from courseware.services.people import assignments
    from courseware.services.reports import completion as report_completion
    from courseware.services.reports import person

    reading_clock.now = START
    for module in (report_completion, person, assignments):
        monkeypatch.setattr(module, "utcnow", lambda: reading_clock.now)
    return reading_clock


def set_policy(course, validity_months: int | None, window_days: int = 30) -> None:
    """The course's certificate settings, as HR's page saves them (current certificates re-dated)."""
    from courseware.services.learning import certificates

    course.validity_months, course.refresh_window_days = validity_months, window_days
    certificates.apply_validity(db.session, course)
    db.session.commit()


def add_lesson(course, slug: str = "third-lesson") -> Lesson:
    """A new lesson without a quiz, published now at the end of the course."""
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    position = db.session.scalar(select(func.max(Lesson.position)).where(Lesson.course_id == course.id)) + 1
    lesson = Lesson(course_id=course.id, module_id=module.id, slug=slug, position=position)
    db.session.add(lesson)
    db.session.flush()
    revision = LessonRevision(lesson_id=lesson.id, number=1, title="Third lesson", source="Text.",
                              html="<p>Text.</p>", content_hash=slug, minutes=2, material=True,
                              published_at=utcnow(), module_id=module.id)
    db.session.add(revision)
    db.session.flush()
    lesson.published_revision_id = revision.id
    db.session.commit()
    return lesson


def revise(lesson: Lesson, *, material: bool) -> LessonRevision:
    """A new published revision of the lesson, material (completions need review) or minor."""
    old = lesson.published_revision
    new = LessonRevision(lesson=lesson, number=old.number + 1, title=old.title, summary=old.summary,
                         minutes=old.minutes, source=old.source + "\nMore.", html=old.html + "<p>More.</p>",
                         content_hash=f"{lesson.slug}-{old.number + 1}", material=material,
                         published_at=utcnow(), module_id=lesson.module_id)
    db.session.add(new)
    db.session.flush()
    lesson.published_revision = new
    db.session.commit()
    return new
