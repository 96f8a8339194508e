"""What HR asks: who has done what, by department and person. Aggregated in SQL, one query per
question, whatever the number of people, so that a company of thousands loads as fast as ten."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from courseware.models import (
    AttemptState,
    Course,
    Department,
    Lesson,
    LessonProgress,
    LessonRevision,
    Quiz,
    QuizAttempt,
    User,
)
from courseware.services.assignments import DueDates, DueState, today_utc


class PersonStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NEEDS_REVIEW = "needs_review"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete",
                "needs_review": "Needs review", "overdue": "Overdue"}[self.value]


@dataclass
class PersonRow:
    user_id: int
    username: str
    full_name: str
    role: str
    department_id: int | None
    department: str
    lessons_total: int
    quizzes_total: int = 0
    opened: int = 0
    read: int = 0
    quizzes_passed: int = 0
    completed: int = 0
    needs_review: int = 0
    seconds_spent: int = 0
    last_activity: datetime | None = None
    due_on: date | None = None
    due_state: DueState = DueState.NONE
    status: PersonStatus = PersonStatus.NOT_STARTED

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.lessons_total) if self.lessons_total else 0

    @property
    def is_complete(self) -> bool:
        return self.lessons_total > 0 and self.completed >= self.lessons_total


@dataclass
class Filters:
    department_id: int | None = None
    status: str | None = None
    search: str = ""
    role: str | None = None


def published_lesson_ids(course: Course):
    return select(Lesson.id).where(
        Lesson.course_id == course.id, Lesson.published_revision_id.is_not(None)
    )


def _department_names(session: Session) -> dict[int, str]:
    departments = session.scalars(select(Department)).all()
    by_id = {d.id: d for d in departments}
    return {
        d.id: (f"{by_id[d.parent_id].name} · {d.name}" if d.parent_id in by_id else d.name)
        for d in departments
    }


def person_rows(session: Session, course: Course, filters: Filters | None = None,
                today: date | None = None) -> list[PersonRow]:
    """One row per active person (after the filters), with their standing in the course."""
    filters = filters or Filters()
    today = today or today_utc()
    lesson_ids = published_lesson_ids(course)
    lessons_total = session.scalar(select(func.count()).select_from(lesson_ids.subquery())) or 0
    quizzes_total = session.scalar(
        select(func.count(Quiz.id)).where(Quiz.lesson_id.in_(lesson_ids), Quiz.archived_at.is_(None),
                                          Quiz.current_version_id.is_not(None))
    ) or 0

    people = select(User.id, User.username, User.full_name, User.role, User.department_id,
                    User.department_since).where(User.active.is_(True))
    if filters.department_id:
        people = people.where(
            or_(User.department_id == filters.department_id,
                User.department_id.in_(select(Department.id).where(
                    Department.parent_id == filters.department_id)))
        )
    if filters.role:
        people = people.where(User.role == filters.role)
    if filters.search.strip():
        pattern = f"%{filters.search.strip().lower()}%"
        people = people.where(or_(func.lower(User.full_name).like(pattern),
                                  func.lower(User.username).like(pattern)))
    people_rows = session.execute(people).all()
    people_ids = select(people.subquery().c.id)

    names = _department_names(session)
    due_dates = DueDates(session, course.id)
    rows: dict[int, PersonRow] = {}
    since: dict[int, datetime] = {}
    for user_id, username, full_name, role, department_id, department_since in people_rows:
        rows[user_id] = PersonRow(user_id, username, full_name, role, department_id,
                                  names.get(department_id, "—"), lessons_total, quizzes_total)
        since[user_id] = department_since

    for user_id, opened, read, passed, completed, review, seconds, last_opened in session.execute(
        _progress_totals(course, lesson_ids, people_ids)
    ):
        row = rows[user_id]
        row.opened, row.read, row.quizzes_passed, row.completed = opened, read, passed, completed
        row.needs_review, row.seconds_spent, row.last_activity = review or 0, seconds or 0, last_opened

    last_attempts = session.execute(
        select(QuizAttempt.user_id, func.max(QuizAttempt.submitted_at))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.lesson_id.in_(lesson_ids), QuizAttempt.user_id.in_(people_ids))
        .group_by(QuizAttempt.user_id)
    )
    for user_id, submitted in last_attempts:
        row = rows[user_id]
        if submitted and (row.last_activity is None or submitted > row.last_activity):
            row.last_activity = submitted

    for row in rows.values():
        due = due_dates.for_person(row.user_id, row.department_id, since[row.user_id], course.id)
        if due is not None:
            row.due_on = due.due_on
            row.due_state = due.state(row.is_complete, today)
        row.status = _status(row)

    result = list(rows.values())
    if filters.status:
        result = [row for row in result if row.status.value == filters.status]
    return result


def _progress_totals(course: Course, lesson_ids, people_ids):
    """Per person: lessons opened, read, quiz passed, completed, needing review; time; last visit."""
    published = aliased(LessonRevision)
    material = (
        select(LessonRevision.lesson_id, func.max(LessonRevision.number).label("number"))
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .join(published, published.id == Lesson.published_revision_id)
        .where(Lesson.course_id == course.id, LessonRevision.material.is_(True),
               LessonRevision.number <= published.number)
        .group_by(LessonRevision.lesson_id)
        .subquery()
    )
    completed_on = aliased(LessonRevision)
    progress = LessonProgress
    return (
        select(
            progress.user_id,
            func.count(progress.id),
            func.count(progress.read_at),
            func.count(progress.quiz_passed_at),
            func.count(progress.completed_at),
            func.sum(case((and_(progress.completed_at.is_not(None),
                                completed_on.number < material.c.number), 1), else_=0)),
            func.sum(progress.seconds_spent),
            func.max(progress.last_opened_at),
        )
        .outerjoin(completed_on, completed_on.id == progress.completed_revision_id)
        .outerjoin(material, material.c.lesson_id == progress.lesson_id)
        .where(progress.lesson_id.in_(lesson_ids), progress.user_id.in_(people_ids))
        .group_by(progress.user_id)
    )


def _status(row: PersonRow) -> PersonStatus:
    if row.is_complete:
        return PersonStatus.NEEDS_REVIEW if row.needs_review else PersonStatus.COMPLETE
    if row.due_state is DueState.OVERDUE:
        return PersonStatus.OVERDUE
    if row.needs_review:
        return PersonStatus.NEEDS_REVIEW
    return PersonStatus.IN_PROGRESS if row.opened else PersonStatus.NOT_STARTED


SORT_KEYS = {
    "name": lambda r: (r.full_name.lower(),),
    "department": lambda r: (r.department.lower(), r.full_name.lower()),
    "progress": lambda r: (-r.percent, r.full_name.lower()),
    "activity": lambda r: (-(r.last_activity.timestamp() if r.last_activity else 0), r.full_name.lower()),
    "due": lambda r: (r.due_on or date.max, r.full_name.lower()),
}


def sort_rows(rows: list[PersonRow], sort: str) -> list[PersonRow]:
    return sorted(rows, key=SORT_KEYS.get(sort, SORT_KEYS["name"]))


@dataclass
class DepartmentSummary:
    name: str
    department_id: int | None
    people: int = 0
    counts: Counter = field(default_factory=Counter)
    due: Counter = field(default_factory=Counter)
    percent_sum: int = 0

    def add(self, row: PersonRow) -> None:
        self.people += 1
        self.counts[row.status.value] += 1
        self.counts["started"] += 1 if row.opened else 0
        self.counts["completed"] += 1 if row.is_complete else 0
        self.counts["passed"] += 1 if row.quizzes_passed and row.quizzes_passed >= row.quizzes_total else 0
        self.due[row.due_state.value] += 1
        self.percent_sum += row.percent

    @property
    def average_percent(self) -> int:
        return round(self.percent_sum / self.people) if self.people else 0

    def share(self, status: str) -> float:
        return self.counts[status] / self.people if self.people else 0.0


@dataclass
class Overview:
    course: Course
    departments: list[DepartmentSummary]
    total: DepartmentSummary
    funnel: list[FunnelRow]


@dataclass
class FunnelRow:
    position: int
    title: str
    opened: int
    read: int
    quiz_passed: int
    completed: int
    has_quiz: bool

    def rate(self, value: int, people: int) -> int:
        return round(100 * value / people) if people else 0


def overview(session: Session, course: Course, today: date | None = None) -> Overview:
    rows = person_rows(session, course, today=today)
    by_department: dict[int | None, DepartmentSummary] = {}
    total = DepartmentSummary("All departments", None)
    for row in rows:
        summary = by_department.get(row.department_id)
        if summary is None:
            summary = by_department[row.department_id] = DepartmentSummary(row.department, row.department_id)
        summary.add(row)
        total.add(row)
    departments = sorted(by_department.values(), key=lambda s: s.name.lower())
    return Overview(course, departments, total, funnel(session, course))


def funnel(session: Session, course: Course) -> list[FunnelRow]:
    """Per lesson, how many active people opened it, read it, passed its quiz and completed it."""
    counts = defaultdict(lambda: (0, 0, 0, 0))
    for lesson_id, opened, read, passed, completed in session.execute(
        select(LessonProgress.lesson_id, func.count(LessonProgress.id),
               func.count(LessonProgress.read_at), func.count(LessonProgress.quiz_passed_at),
               func.count(LessonProgress.completed_at))
        .join(User, User.id == LessonProgress.user_id)
        .where(LessonProgress.lesson_id.in_(published_lesson_ids(course)), User.active.is_(True))
        .group_by(LessonProgress.lesson_id)
    ):
        counts[lesson_id] = (opened, read, passed, completed)
    lessons = session.execute(
        select(Lesson.id, Lesson.position, LessonRevision.title, Quiz.current_version_id)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .outerjoin(Quiz, Quiz.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id)
        .order_by(Lesson.position)
    )
    return [
        FunnelRow(position, title, *counts[lesson_id], has_quiz=version_id is not None)
        for lesson_id, position, title, version_id in lessons
    ]


def submitted_attempts_query(course: Course):
    return (
        select(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == course.id)),
               QuizAttempt.state == AttemptState.SUBMITTED.value)
    )
