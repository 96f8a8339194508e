"""A line manager's team in HR's figures (/team, courseware/hr/team.py): the overview, per department
and per lesson, of the active people who report to them, directly or through others.

`within` is the team (people.reporting.team: its ids, read once by the recursive query); every figure
is the same SQL as HR's with that one condition added, so the number of queries never grows with
the team.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    any_,
    case,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from courseware.models import Course, CourseProgressTotals, Department, LessonProgress, User
from courseware.services.catalog import published
from courseware.services.people import reporting
from courseware.services.reports import completion, groups, totals


def departments(session: Session, within: completion.People) -> list[Department]:
    """The departments the team's active people are in, for the People list's filter."""
    used = select(User.department_id).where(User.id.in_(within), User.active.is_(True))
    found = session.scalars(select(Department).where(Department.id.in_(used))
                            .options(selectinload(Department.parent)))
    return sorted(found, key=lambda department: department.full_name.lower())


def overview(session: Session, course: Course, within: completion.People,
             today: date | None = None) -> completion.Overview:
    """The team's figures by department (the whole team in total), and where its people stall: from
    one pass over the team (`one_pass`) where the course allows, else question by question as HR's."""
    once = one_pass(session, course, within)
    if once is None:
        ordered = completion.department_summaries(session, course, within, today=today)
        stalls = funnel(session, course, within)
    else:
        ordered = completion.summaries(session, course, once.special, (once.judged_by, once.groups),
                                       today=today)
        stalls = once.funnel
    total = completion.DepartmentSummary(_("Whole team"), None)
    for summary in ordered:
        total.merge(summary)
    return completion.Overview(course, ordered, total, stalls)


@dataclass
class OnePass:
    """What the team's overview reads about everyone on the team, from one query."""

    special: Select[tuple[int]]  # the people to read one by one (groups.special_people), as a parameter
    judged_by: tuple[int, int]  # the course's lessons and quizzes, the groups' standing is judged by
    groups: list[Any]  # the others, counted in groups: groups.ordinary_groups's rows
    funnel: list[completion.FunnelRow]


def one_pass(session: Session, course: Course, within: completion.People) -> OnePass | None:
    """The team's special people, its ordinary groups and its funnel's masks from one query, which
    reads the team's people and progress totals once instead of once for each (each read of a
    team of 5,000 costs as much as the rest of the query). None when the course's figures cannot
    be read so (then `overview` asks as HR's overview does): progress in a withdrawn lesson, an
    assignment that may concern anyone, or a lesson with no bit in the masks."""
    if not groups.can_group(session, course):
        return None
    reasons = groups.special_reasons(session, course)
    lessons = session.execute(published.lessons_in_order(course.id)).all()
    bits = totals.lesson_bits(session, [lesson[0] for lesson in lessons]) if reasons is not None else None
    if reasons is None or bits is None:
        return None
    judged_by = completion.course_totals(session, course, published.lesson_ids(course.id))
    special: list[int] = []
    ordinary: list[Any] = []
    masks: list[Any] = []
    for kind, department_id, person_id, *standing, mask_0, mask_1, mask_2, mask_3, people, percents in (
            session.connection().execute(_one_pass_query(course, _in(session, within), reasons,
                                                         judged_by)).all()):
        if kind == _MASKS:
            masks.append((mask_0, mask_1, mask_2, mask_3, people))
        elif person_id is not None:
            special.append(person_id)
        else:
            ordinary.append((department_id, *standing, people, percents))
    return OnePass(reporting.ids_as_one_parameter(session, special, "special"), judged_by, ordinary,
                   _funnel_rows(lessons, totals.stages_of_mask_groups(masks, bits)))


_STANDINGS, _MASKS = 0, 1


def _in(session: Session, within: completion.People) -> ColumnElement[bool]:
    """Whether a person is one of `within`. On PostgreSQL a query of them (people.reporting.team) is
    read into one array (`= ANY(ARRAY(...))`), which the index of active people looks up in id
    order, instead of a semi-join that first hashes the 5,000 ids: the same people, and the one-pass
    query 10-15 % faster, whether the planner knows the team's size (a custom plan) or not."""
    if isinstance(within, Select) and session.connection().dialect.name == "postgresql":
        return User.id == any_(func.array(within.scalar_subquery()))
    return User.id.in_(within)


def _one_pass_query(course: Course, in_team: ColumnElement[bool], reasons: CompoundSelect,
                    judged_by: tuple[int, int]) -> CompoundSelect:
    """The team's active people once (a common table expression both halves read), then: per
    department and standing (groups.ordinary_groups), the people and their percents, a special
    person (`reasons`) a row of their own; and per set of four masks, the people who have it
    (totals.stages_from_masks). Both halves' rows in the same columns, told apart by the first."""
    progress = CourseProgressTotals
    opened, every_lesson, all_passed, percent = groups.standing(*judged_by)
    masks = (progress.opened_bits, progress.read_bits, progress.quiz_passed_bits, progress.completed_bits)
    team = (
        select(User.department_id, case((User.id.in_(reasons), User.id)).label("special_id"),
               opened.label("opened"), every_lesson.label("every_lesson"), all_passed.label("all_passed"),
               percent.label("percent"), *masks)
        .select_from(User)
        .outerjoin(progress, and_(progress.user_id == User.id, progress.course_id == course.id))
        .where(User.active.is_(True), in_team)
        .cte("team_people")
    )
    standing = (team.c.department_id, team.c.special_id, team.c.opened, team.c.every_lesson,
                team.c.all_passed)
    bits = (team.c.opened_bits, team.c.read_bits, team.c.quiz_passed_bits, team.c.completed_bits)
    by_standing = (select(literal(_STANDINGS), *standing, *(null() for _ in bits), func.count(),
                          func.sum(team.c.percent))
                   .group_by(*standing))
    by_masks = (select(literal(_MASKS), *(null() for _ in standing), *bits, func.count(), null())
                .where(team.c.opened_bits.is_not(None))  # no totals: nothing done, no bit to count
                .group_by(*bits))
    return union_all(by_standing, by_masks)


def funnel(session: Session, course: Course, within: completion.People) -> list[completion.FunnelRow]:
    """Per lesson, how many of the team's active people opened it, read it, passed its quiz and
    completed it: from each person's masks of lessons (one row per person), or from their progress
    rows when a lesson of the course has no bit in the masks."""
    people = select(User.id).where(User.id.in_(within), User.active.is_(True))
    lessons = session.execute(published.lessons_in_order(course.id)).all()
    bits = totals.lesson_bits(session, [lesson[0] for lesson in lessons])
    counts = (totals.stages_from_masks(session, course.id, people, bits) if bits is not None
              else _stages_from_progress(session, course, people))
    return _funnel_rows(lessons, counts)


def _funnel_rows(lessons: Sequence[Any], counts: dict[int, list[int]]) -> list[completion.FunnelRow]:
    """The funnel's rows, in the course's order (`lessons`: published.lessons_in_order's rows)."""
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
