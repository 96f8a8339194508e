"""A course for the refresh check tests: three lessons, each with two learning objectives and a quiz
bank of four questions (two per objective; option a is right, a pinned "None of these" last), written
to tmp_path and imported; and the steps that bring a person to a refresh: complete every lesson,
give the course a validity, move to a day in the refresh window."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Course, Lesson, LessonRevision, User
from courseware.services import catalog
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog import CourseOutline, published
from courseware.services.learning import certificates, quizzes
from tests.conftest import read_lesson

SLUG = "refresh-course"
LESSONS = ("values", "habits", "goals")
VALIDITY_MONTHS = 12


def lesson_text(slug: str, order: int) -> str:
    return f"""\
---
title: Lesson about {slug}
module: Only module
order: {order}
minutes: 2
summary: What {slug} are about.
objectives:
  - id: {slug}-know
    text: Know the {slug}.
  - id: {slug}-apply
    text: Apply the {slug}.
---

Some text about {slug}.
"""


def quiz_text(slug: str) -> str:
    questions = ""
    for number in range(1, 5):
        objective = f"{slug}-know" if number % 2 else f"{slug}-apply"
        questions += f"""\
  - id: q{number}
    type: single
    prompt: {slug.title()} question {number}?
    objective: {objective}
    options:
      - text: Right {slug} {number}
        correct: true
        explain: Why right {slug} {number} is right.
      - text: Wrong {slug} {number}
        explain: Why wrong {slug} {number} is wrong.
      - text: Other wrong {slug} {number}
        explain: Why other wrong {slug} {number} is wrong.
      - text: None of these {slug} {number}
        explain: Why none of these {slug} {number} is wrong.
        pinned: true
"""
    return "pass_mark: 80\nquestions:\n" + questions


def import_refresh_course(tmp_path: Path, refresh_questions: int = 5) -> Course:
    lessons, quizzes_dir = tmp_path / "refresh" / "lessons" / SLUG, tmp_path / "refresh" / "quizzes"
    lessons.mkdir(parents=True)
    quizzes_dir.mkdir(parents=True)
    (lessons / "course.yaml").write_text("title: Refresh course\nmodules:\n  - Only module\n",
                                         encoding="utf-8")
    for order, slug in enumerate(LESSONS, start=1):
        (lessons / f"0{order}-{slug}.md").write_text(lesson_text(slug, order), encoding="utf-8")
        (quizzes_dir / f"{slug}.yaml").write_text(quiz_text(slug), encoding="utf-8")
    report = import_content(db.session, lessons.parent, quizzes_dir)
    assert report.ok, [str(e) for e in report.errors]
    course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
    course.refresh_questions = refresh_questions
    db.session.commit()
    return course


def outline(course: Course, language: str = "en") -> CourseOutline:
    return catalog.current(db.session, language).course_by_id(course.id)


def complete_course(user: User, course: Course) -> None:
    """Read every lesson and pass its quiz with every answer right."""
    for lesson in published.lessons(db.session, course):
        read_lesson(user, lesson)
        if lesson.active_quiz is not None:
            attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
            answers = {q["id"]: key_of(q) for q in quizzes.attempt_questions(attempt)}
            assert quizzes.submit_attempt(db.session, user, attempt.id, answers).passed


def give_validity(course: Course, months: int = VALIDITY_MONTHS) -> None:
    course.validity_months = months
    certificates.apply_validity(db.session, course)
    db.session.commit()


def in_refresh_window(user: User, course: Course, days_before_expiry: int = 10) -> datetime:
    """A moment inside the refresh window of the person's current certificate."""
    certificate = certificates.current_certificate(db.session, user.id, course.id)
    assert certificate is not None and certificate.expires_at is not None
    return certificate.expires_at - timedelta(days=days_before_expiry)


def revise_materially(lesson: Lesson, when: datetime) -> LessonRevision:
    """Publish a material source revision of the lesson (a completion on an older one needs review)."""
    old = lesson.published_revision
    assert old is not None
    new = LessonRevision(lesson=lesson, number=old.number + 1, title=old.title, summary=old.summary,
                         minutes=old.minutes, source=old.source + "\nMore.", html=old.html + "<p>More.</p>",
                         content_hash=f"changed-{old.number + 1}", material=True, published_at=when,
                         module_id=old.module_id, objectives=old.objectives)
    db.session.add(new)
    db.session.flush()
    lesson.published_revision = new
    db.session.commit()
    return new


def key_of(question: dict) -> list[str]:
    """The right option keys of a question."""
    return [option["key"] for option in question["options"] if option["correct"]]


def right_answers(questions) -> dict[str, list[str]]:
    """Every question of a check (refresh.CheckQuestion) answered right."""
    return {each.key: key_of(each.question) for each in questions}


def wrong_answers(questions) -> dict[str, list[str]]:
    """Every question answered with a wrong option."""
    return {each.key: [next(o["key"] for o in each.question["options"] if not o["correct"])]
            for each in questions}
