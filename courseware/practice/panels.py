"""What the practice area shows on the learner's pages, computed by their views (courseware/learn):
the dashboard's panel (today's plan and streak, or a follow-up check, and an open culture pulse), a
lesson's reflection box and the reflections featured in it. The templates practice/_dashboard.html,
practice/_reflection_box.html and practice/_featured_reflections.html show them."""
from __future__ import annotations

from collections.abc import Iterable

from flask import g

from courseware.extensions import db
from courseware.models import Lesson, User
from courseware.practice.common import clock, today
from courseware.services.catalog.outline import LessonOutline
from courseware.services.learning import followups
from courseware.services.learning.progress import CourseProgress
from courseware.services.practice import daily, featuring
from courseware.services.practice import reflections as practice_reflections
from courseware.services.pulse import answering


def dashboard_panel(person: User, courses: Iterable[CourseProgress] | None = None) -> dict:
    """Today's plan and streak, or (on a day a follow-up check waits) the check: two queries at most.
    `courses` are the dashboard's CourseProgress, whose completions spare reading them again."""
    day = today()
    completions = None if courses is None else [
        (status.lesson.id, status.progress.completed_at)
        for course in courses for status in course.lessons
        if status.has_quiz and status.progress is not None
    ]
    checks = followups.due_checks(db.session, person, day, completions)
    pulses = answering.open_for(db.session, person, clock(), g.get("newest_open_pulse", -1))
    if checks:
        followups.prepare(db.session, person, checks[0])
        return {"today": None, "checks": checks, "pulses": pulses}
    return {"today": daily.today_at_a_glance(db.session, person, day), "checks": [], "pulses": pulses}


def featured_reflections(lesson: LessonOutline | Lesson) -> list[featuring.Featured]:
    """"What managers wrote": the reflections on the lesson whose authors agreed to show them."""
    return featuring.featured_in_lesson(db.session, lesson.id)


def reflection_box(person: User, lesson: LessonOutline | Lesson) -> dict | None:
    """The lesson's reflection question and the person's answer; None when it has neither."""
    prompt, reflection = practice_reflections.prompt_and_reflection(db.session, person, lesson)
    if prompt is None and reflection is None:
        return None
    return {"prompt": prompt, "reflection": reflection, "lesson_id": lesson.id}
