"""The overview's people counted in groups, in SQL: most people hold no certificate of the course,
have no lesson to review and no assignment that could concern them, so their state follows from
three numbers (lessons opened, completed, quizzes passed) and their department. They are counted
by those in SQL, a group per department and state (a few rows a department, whatever its size), and
each group is judged once by the same rules as one person (`reports.completion`); everyone else ("special":
a certificate, a lesson to review, an assignment of the course naming them or their department) is
read person by person as before.

Used only while the progress totals count the published lessons only (`totals`); the groups read
them, one row per person.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, case, func, literal, or_, select, union
from sqlalchemy.orm import Session

from courseware.models import Assignment, Certificate, Course, CourseProgressTotals, User
from courseware.services.people import reporting
from courseware.services.reports import course_states, totals


def special_people(session: Session, course: Course,
                   within: Select[tuple[int]] | Collection[int] | None = None) -> Select[tuple[int]] | None:
    """The ids of the active people to read one by one (`within` a team, if given), read once and
    passed on as one parameter; None when an assignment of the course names neither a person nor
    a department (then anyone may be concerned: read everyone so)."""
    reasons = special_reasons(session, course)
    if reasons is None:
        return None
    special = select(User.id).where(User.active.is_(True), User.id.in_(reasons))
    if within is not None:
        special = special.where(User.id.in_(within))
    return reporting.ids_as_one_parameter(session, list(session.scalars(special)), "special")


def special_reasons(session: Session, course: Course) -> CompoundSelect | None:
    """The ids of everyone (active or not) with a reason to be read one by one: a current certificate
    of the course, a lesson to review, an assignment naming them or their department; None as for
    `special_people`."""
    if session.scalar(select(func.count()).where(Assignment.course_id == course.id,
                                                 Assignment.user_id.is_(None),
                                                 Assignment.department_id.is_(None))):
        return None
    certified = select(Certificate.user_id).where(Certificate.course_id == course.id,
                                                  Certificate.replaced_by_id.is_(None))
    reviewing = course_states.needs_review_counts(course, None).subquery()
    named = select(Assignment.user_id).where(Assignment.course_id == course.id,
                                             Assignment.user_id.is_not(None))
    in_department = select(User.id).where(User.department_id.in_(
        select(Assignment.department_id).where(Assignment.course_id == course.id,
                                               Assignment.department_id.is_not(None))))
    return union(certified, select(reviewing.c.user_id), named, in_department)


def ordinary_groups(session: Session, course: Course, special: Select[tuple[int]], lessons_total: int,
                    quizzes_total: int,
                    within: Select[tuple[int]] | Collection[int] | None = None) -> list[Any]:
    """(department_id, opened anything, every lesson completed, every quiz passed, people, sum of
    their percents) per group of the active people who are not special (`within` a team, if given):
    a few rows per department, the percents summed in SQL."""
    progress = CourseProgressTotals
    opened, every_lesson, all_passed, percent = standing(lessons_total, quizzes_total)
    query = (
        select(User.department_id, opened, every_lesson, all_passed, func.count(),
               func.sum(percent))
        .select_from(User)
        .outerjoin(progress, and_(progress.user_id == User.id, progress.course_id == course.id))
        .where(User.active.is_(True), User.id.not_in(special))
        .group_by(User.department_id, opened, every_lesson, all_passed)
    )
    if within is not None:
        query = query.where(User.id.in_(within))
    return list(session.connection().execute(query).all())


def standing(lessons_total: int, quizzes_total: int) -> tuple[ColumnElement[bool], ColumnElement[bool],
                                                          ColumnElement[bool], ColumnElement[int]]:
    """What a group is judged by, from a person's progress totals (CourseProgressTotals, outer-joined:
    no row is nothing done): opened anything, every lesson completed, every quiz passed; and the
    person's percent."""
    progress = CourseProgressTotals
    opened = func.coalesce(progress.opened, 0) > 0
    completed = func.coalesce(progress.completed, 0)
    passed = func.coalesce(progress.quiz_passed, 0)
    every_lesson = case((and_(literal(lessons_total) > 0, completed >= lessons_total), True), else_=False)
    all_passed = case((and_(passed > 0, passed >= quizzes_total), True), else_=False)
    return opened, every_lesson, all_passed, percent_of(completed, lessons_total)


def percent_of(completed: ColumnElement[int], lessons_total: int) -> ColumnElement[int]:
    """round(100 * completed / lessons_total) in integers, halves to even as Python's round()
    (PersonRow.percent) does, so that a group's sum is its people's."""
    if lessons_total <= 0:
        return literal(0)
    scaled = completed * 100
    quotient, remainder = scaled // lessons_total, scaled % lessons_total
    up = or_(remainder * 2 > lessons_total, and_(remainder * 2 == lessons_total, quotient % 2 == 1))
    return quotient + case((up, 1), else_=0)


def can_group(session: Session, course: Course) -> bool:
    return totals.totals_count_published_only(session, course.id)
