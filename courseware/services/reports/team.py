"""A line manager's team in HR's figures (/team, courseware/hr/team.py): the overview, per department
and per lesson, of the active people who report to them, directly or through others.

`within` is the team (people.reporting.team: its ids, read once by the recursive query); every figure
is the same SQL as HR's with that one condition added, so the number of queries never grows with
the team.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import Course, Department, LessonProgress, User
from courseware.services.catalog import published
from courseware.services.reports import completion, totals


def departments(session: Session, within: completion.People) -> list[Department]:
    """The departments the team's active people are in, for the People list's filter."""
    used = select(User.department_id).where(User.id.in_(within), User.active.is_(True))
    found = session.scalars(select(Department).where(Department.id.in_(used))
                            .options(selectinload(Department.parent)))
    return sorted(found, key=lambda department: department.full_name.lower())


def overview(session: Session, course: Course, within: completion.People,
             today: date | None = None) -> completion.Overview:
    """The team's figures by department (the whole team in total), and where its people stall."""
    ordered = completion.department_summaries(session, course, within, today=today)
    total = completion.DepartmentSummary(_("Whole team"), None)
    for summary in ordered:
        total.merge(summary)
    return completion.Overview(course, ordered, total, funnel(session, course, within))


def funnel(session: Session, course: Course, within: completion.People) -> list[completion.FunnelRow]:
    """Per lesson, how many of the team's active people opened it, read it, passed its quiz and
    completed it: from each person's masks of lessons (one row per person), or from their progress
    rows when a lesson of the course has no bit in the masks."""
    people = select(User.id).where(User.id.in_(within), User.active.is_(True))
    lessons = session.execute(published.lessons_in_order(course.id)).all()
    bits = totals.lesson_bits(session, [lesson[0] for lesson in lessons])
    counts = (totals.stages_from_masks(session, course.id, people, bits) if bits is not None
              else _stages_from_progress(session, course, people))
    rows = []
    for lesson_id, position, title, _quiz_id, version_id in lessons:
        opened, read, quiz_passed, completed = counts.get(lesson_id, (0, 0, 0, 0))
        rows.append(completion.FunnelRow(position, title, opened, read, quiz_passed, completed,
                                         has_quiz=version_id is not None, lesson_id=lesson_id))
    return rows


def _stages_from_progress(session: Session, course: Course,
                          people: Select[tuple[int]]) -> dict[int, list[int]]:
    """The same counts from the people's progress rows, lesson by lesson."""
    return {
        lesson_id: values for lesson_id, *values in session.execute(
            select(LessonProgress.lesson_id, func.count(), func.count(LessonProgress.read_at),
                   func.count(LessonProgress.quiz_passed_at), func.count(LessonProgress.completed_at))
            # "+ 0": each person's rows from the person-ordered covering index, not every row of
            # each lesson checked against the team (SQLite would choose that).
            .where((LessonProgress.lesson_id + 0).in_(published.lesson_ids(course.id)),
                   LessonProgress.user_id.in_(people))
            .group_by(LessonProgress.lesson_id))
    }
