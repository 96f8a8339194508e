"""What HR and the president see of practice: counts and rates by department, and follow-up
retention per lesson. Nothing anyone wrote is read here: the queries select counts only."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from courseware.models import (
    Course,
    DailyEntry,
    Department,
    FollowUpCheck,
    Goal,
    Lesson,
    LessonRevision,
    User,
)

WINDOW_DAYS = 30


def rate(part: int, whole: int) -> int | None:
    """A whole percent, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


@dataclass
class DepartmentFigures:
    department_id: int | None
    name: str
    people: int = 0
    with_goals: int = 0
    planning: int = 0           # people who planned at least one day in the window
    planned_days: int = 0
    summarized_days: int = 0

    @property
    def goals_rate(self) -> int | None:
        return rate(self.with_goals, self.people)

    @property
    def planned_rate(self) -> int | None:
        """Planned days as a share of all the days the department's people could have planned."""
        return rate(self.planned_days, self.people * WINDOW_DAYS)

    @property
    def summarized_rate(self) -> int | None:
        return rate(self.summarized_days, self.people * WINDOW_DAYS)

    def add(self, other: DepartmentFigures) -> None:
        for name in ("people", "with_goals", "planning", "planned_days", "summarized_days"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class StageFigures:
    answered: int = 0
    skipped: int = 0
    questions: int = 0
    correct: int = 0

    @property
    def retention(self) -> int | None:
        return rate(self.correct, self.questions)


@dataclass
class LessonRetention:
    lesson_id: int
    title: str
    position: int
    stages: dict[int, StageFigures] = field(default_factory=dict)


@dataclass
class Participation:
    since: date
    until: date
    departments: list[DepartmentFigures]
    total: DepartmentFigures
    retention: list[LessonRetention]


def participation(session: Session, today: date, department_id: int | None = None) -> Participation:
    since = today - timedelta(days=WINDOW_DAYS - 1)
    figures: dict[int | None, DepartmentFigures] = {}

    def row(dept_id: int | None) -> DepartmentFigures:
        return figures.setdefault(dept_id, DepartmentFigures(dept_id, ""))

    active = User.active.is_(True)
    for dept_id, people in session.execute(
            select(User.department_id, func.count(User.id)).where(active).group_by(User.department_id)):
        row(dept_id).people = people
    for dept_id, people in session.execute(
            select(User.department_id, func.count(distinct(Goal.user_id)))
            .join(Goal, Goal.user_id == User.id)
            .where(active, Goal.deleted_at.is_(None), Goal.done_at.is_(None))
            .group_by(User.department_id)):
        row(dept_id).with_goals = people
    planned = DailyEntry.planned_at.is_not(None)
    for dept_id, planned_days, summarized_days, planning in session.execute(
            select(User.department_id, func.count(DailyEntry.planned_at),
                   func.count(DailyEntry.summarized_at),
                   func.count(distinct(case((planned, DailyEntry.user_id)))))
            .join(DailyEntry, DailyEntry.user_id == User.id)
            .where(active, DailyEntry.day >= since, DailyEntry.day <= today)
            .group_by(User.department_id)):
        each = row(dept_id)
        each.planned_days, each.summarized_days, each.planning = planned_days, summarized_days, planning
    names = {d.id: d.full_name for d in session.scalars(select(Department))}
    for dept_id, each in figures.items():
        each.name = names[dept_id] if dept_id in names else _("No department")
    departments = sorted((f for f in figures.values() if f.people),
                         key=lambda f: (f.department_id is None, f.name.lower()))
    total = DepartmentFigures(None, _("All departments"))
    for each in departments:
        total.add(each)
    return Participation(since, today, departments, total, retention(session, department_id))


def retention(session: Session, department_id: int | None = None) -> list[LessonRetention]:
    """Answered and skipped follow-up checks per lesson and stage, with the share answered right."""
    query = (
        select(FollowUpCheck.lesson_id, FollowUpCheck.stage, func.count(FollowUpCheck.id),
               func.sum(case((FollowUpCheck.skipped.is_(True), 1), else_=0)),
               func.sum(FollowUpCheck.question_count), func.sum(FollowUpCheck.correct_count))
        .group_by(FollowUpCheck.lesson_id, FollowUpCheck.stage)
    )
    if department_id is not None:
        query = query.join(User, and_(User.id == FollowUpCheck.user_id, User.department_id == department_id))
    stages: dict[int, dict[int, StageFigures]] = defaultdict(dict)
    for lesson_id, stage, checks, skipped, questions, correct in session.execute(query):
        stages[lesson_id][stage] = StageFigures(checks - (skipped or 0), skipped or 0, questions or 0,
                                                correct or 0)
    if not stages:
        return []
    lessons = session.execute(
        select(Lesson.id, Lesson.position, LessonRevision.title, Course.position)
        .join(Course, Course.id == Lesson.course_id)
        .outerjoin(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .where(Lesson.id.in_(stages))
    ).all()
    ordered = sorted(lessons, key=lambda r: (r[3], r[1], r[0]))
    return [LessonRetention(lesson_id, title or _("(unpublished lesson)"), position, stages[lesson_id])
            for lesson_id, position, title, _ in ordered]
