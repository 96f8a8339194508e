"""What HR asks: who has done what, by department and person. Aggregated in SQL, one query per
question, whatever the number of people, so that a company of thousands loads as fast as ten."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from courseware.models import (
    AttemptState,
    Course,
    Department,
    Lesson,
    Quiz,
    QuizAttempt,
    User,
)
from courseware.models._time import utcnow
from courseware.models.accounts import localized_name
from courseware.services.catalog import published
from courseware.services.people.assignments import DueDates, DueState
from courseware.services.reports import course_states, groups, totals
from courseware.services.reports.course_states import EXPIRING, HeldCertificate, PersonStatus


@dataclass(slots=True)
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
    title: str | None = None  # the job title
    certificate: HeldCertificate | None = None  # the current one
    expiring: bool = False  # the certificate expires within course_states.EXPIRING_DAYS

    @property
    def expires_at(self) -> datetime | None:
        return self.certificate.expires_at if self.certificate is not None else None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.lessons_total) if self.lessons_total else 0

    @property
    def is_complete(self) -> bool:
        return self.lessons_total > 0 and self.completed >= self.lessons_total


# Some people: their ids, or a query of them (a line manager's team: people.reporting.team).
People = Select[tuple[int]] | Collection[int]


@dataclass
class Filters:
    department_id: int | None = None
    status: str | None = None
    search: str = ""
    role: str | None = None
    # Only these people: their ids, or a query of them (a line manager's team, reports.team).
    within: People | None = None


def department_names(session: Session) -> dict[int, str]:
    """Each department's name with its parent's, in the reader's language (Department.full_name), from
    plain rows: the ORM's objects cost three times as much as the query."""
    rows = session.connection().execute(
        select(Department.id, Department.name, Department.name_zh, Department.parent_id)).all()
    local = {id_: localized_name(name, name_zh) for id_, name, name_zh, _parent_id in rows}
    return {id_: (f"{local[parent_id]} · {local[id_]}" if parent_id in local else local[id_])
            for id_, _name, _name_zh, parent_id in rows}


def person_rows(session: Session, course: Course, filters: Filters | None = None,
                today: date | None = None, with_activity: bool = True,
                now: datetime | None = None) -> list[PersonRow]:
    """One row per active person (after the filters), with their standing in the course at `now`
    (default: the clock's now; `today`, the day due dates are judged on, defaults to its date).

    `with_activity=False` skips the last-activity figures, which the overview does not show.
    """
    filters = filters or Filters()
    now = now or utcnow()
    lesson_ids = published.lesson_ids(course.id)
    lesson_id_list = list(session.scalars(lesson_ids))
    people = people_query(filters, department_ids(session, filters.department_id))
    # Everyone: no filter on people at all, so that the index on progress is read straight through.
    narrowed = bool(filters.department_id or filters.role or filters.search.strip()
                    or filters.within is not None)
    people_ids = select(people.subquery().c.id) if narrowed else None
    rows, since = _rows_of_people(session, course, people, lesson_ids)
    # Core queries on the session's connection: thousands of rows without ORM bookkeeping.
    # Fetched at once (.all()): a row at a time costs more than the query for 50,000 people.
    for user_id, opened, read, passed, completed, seconds, last_opened in session.connection().execute(
        totals.person_totals(session, course.id, lesson_id_list, people_ids, with_activity)
    ).all():
        row = rows.get(user_id)
        if row is not None:  # not a deactivated person
            row.opened, row.read, row.quizzes_passed, row.completed = opened, read, passed, completed
            row.seconds_spent, row.last_activity = seconds or 0, last_opened
    for user_id, count in session.execute(course_states.needs_review_counts(course, people_ids)):
        if user_id in rows:
            rows[user_id].needs_review = count
    for user_id, certificate in course_states.held_certificates(session, course, people_ids).items():
        if user_id in rows:
            rows[user_id].certificate = certificate
            rows[user_id].expiring = certificate.is_expiring(now)
    if with_activity:
        _add_last_attempts(session, rows, lesson_id_list, people_ids)
    _add_due_dates_and_status(session, course, rows, since, now, today or now.date())
    result = list(rows.values())
    if filters.status == EXPIRING:
        result = [row for row in result if row.expiring]
    elif filters.status:
        result = [row for row in result if row.status.value == filters.status]
    return result


def department_ids(session: Session, department_id: int | None) -> list[int]:
    """The department and those directly under it, as ids: a list the database's planner can count
    (an OR with a subquery it guesses at half the company)."""
    if not department_id:
        return []
    below = session.scalars(select(Department.id).where(Department.parent_id == department_id))
    return [department_id, *below]


def people_query(filters: Filters, department_ids: list[int]) -> Select[Any]:
    """The active people the filters keep; department_since as text, parsed only for the few people
    whose department has an assignment."""
    people = select(User.id, User.username, User.full_name, User.role, User.department_id,
                    cast(User.department_since, String), User.title).where(User.active.is_(True))
    if department_ids:
        people = people.where(User.department_id.in_(department_ids))
    if filters.role:
        people = people.where(User.role == filters.role)
    if filters.within is not None:
        people = people.where(User.id.in_(filters.within))
    if filters.search.strip():
        pattern = f"%{filters.search.strip().lower()}%"
        people = people.where(or_(func.lower(User.full_name).like(pattern),
                                  func.lower(User.username).like(pattern)))
    return people


def _rows_of_people(session: Session, course: Course, people: Select[Any],
                    lesson_ids: Select[tuple[int]]) -> tuple[dict[int, PersonRow], dict[int, str]]:
    """An empty row per person, and when each joined their department (as text)."""
    lessons_total, quizzes_total = course_totals(session, course, lesson_ids)
    names = department_names(session)
    rows: dict[int, PersonRow] = {}
    since: dict[int, str] = {}
    for user_id, username, full_name, role, department_id, department_since, title in (
            session.connection().execute(people).all()):
        rows[user_id] = PersonRow(user_id, username, full_name, role, department_id,
                                  names.get(department_id, "—"), lessons_total, quizzes_total, title=title)
        since[user_id] = department_since
    return rows, since


def course_totals(session: Session, course: Course, lesson_ids: Select[tuple[int]]) -> tuple[int, int]:
    """How many lessons the course has published, and how many of them have a quiz to pass (one query)."""
    lessons = select(func.count()).select_from(lesson_ids.subquery()).scalar_subquery()
    quizzes = select(func.count(Quiz.id)).where(Quiz.lesson_id.in_(lesson_ids), Quiz.archived_at.is_(None),
                                                Quiz.current_version_id.is_not(None)).scalar_subquery()
    lessons_total, quizzes_total = session.connection().execute(select(lessons, quizzes)).one()
    return lessons_total or 0, quizzes_total or 0


def _add_last_attempts(session: Session, rows: dict[int, PersonRow], lesson_ids: list[int],
                       people_ids: Select[tuple[int]] | None) -> None:
    """A quiz submitted after the last lesson opened is the person's last activity."""
    last_attempts = (
        select(QuizAttempt.user_id, func.max(QuizAttempt.submitted_at))
        .where((QuizAttempt.quiz_id + 0).in_(select(Quiz.id).where(Quiz.lesson_id.in_(lesson_ids))))
    )
    if people_ids is not None:
        last_attempts = last_attempts.where(QuizAttempt.user_id.in_(people_ids))
    for user_id, submitted in session.execute(last_attempts.group_by(QuizAttempt.user_id)):
        row = rows.get(user_id)
        if row is not None and submitted and (row.last_activity is None or submitted > row.last_activity):
            row.last_activity = submitted


def _add_due_dates_and_status(session: Session, course: Course, rows: dict[int, PersonRow],
                              since: dict[int, str], now: datetime, today: date) -> None:
    due_dates = DueDates(session, course.id)
    window = course.refresh_window_days
    for row in rows.values():
        due = None
        certified_at = row.certificate.issued_at if row.certificate is not None else None
        if due_dates.may_concern(row.user_id, row.department_id):
            due = due_dates.for_person(row.user_id, row.department_id, _parse_time(since[row.user_id]),
                                       course.id, complete=row.is_complete, certified_at=certified_at)
        if due is not None:
            row.due_on = due.due_on
            row.due_state = due.state(row.is_complete, today, certified_at)
        row.status = course_states.status_of(
            row.certificate, lessons_total=row.lessons_total, complete_now=row.completed - row.needs_review,
            opened=row.opened, overdue=row.due_state is DueState.OVERDUE, window_days=window, now=now)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


SORT_KEYS = {
    "name": lambda r: (r.full_name.lower(),),
    "department": lambda r: (r.department.lower(), r.full_name.lower()),
    "progress": lambda r: (-r.percent, r.full_name.lower()),
    "activity": lambda r: (-(r.last_activity.timestamp() if r.last_activity else 0), r.full_name.lower()),
    "due": lambda r: (r.due_on or date.max, r.full_name.lower()),
    "expiry": lambda r: (*_expiry_key(r), r.full_name.lower()),
}


def _expiry_key(row: PersonRow) -> tuple[int, datetime]:
    """The soonest expiry first; then certificates that never expire; people without one last."""
    if row.certificate is None:
        return 2, datetime.max
    return (0, row.certificate.expires_at) if row.certificate.expires_at is not None else (1, datetime.max)


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

    def add(self, row: PersonRow, times: int = 1, percents: int | None = None) -> None:
        """Count the person (or `times` people in the same standing, whose `percents` sum to so
        much: reports.groups)."""
        counts = self.counts
        self.people += times
        counts[row.status] += times
        if row.opened:
            counts["started"] += times
        if row.completed >= row.lessons_total > 0:
            counts["completed"] += times
        if row.quizzes_passed and row.quizzes_passed >= row.quizzes_total:
            counts["passed"] += times
        if row.expiring:
            counts[EXPIRING] += times
        self.due[row.due_state] += times
        self.percent_sum += row.percent * times if percents is None else percents

    def merge(self, other: DepartmentSummary) -> None:
        self.people += other.people
        self.counts.update(other.counts)
        self.due.update(other.due)
        self.percent_sum += other.percent_sum

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
    lesson_id: int | None = None

    def rate(self, value: int, people: int) -> int:
        return round(100 * value / people) if people else 0


def overview(session: Session, course: Course, today: date | None = None,
             now: datetime | None = None) -> Overview:
    """Each department's people counted once each, in their state (`course_states`), and in total."""
    departments = department_summaries(session, course, today=today, now=now)
    total = DepartmentSummary(_("All departments"), None)
    for summary in departments:
        total.merge(summary)
    return Overview(course, departments, total, funnel(session, course))


def department_summaries(session: Session, course: Course, within: People | None = None,
                         today: date | None = None, now: datetime | None = None) -> list[DepartmentSummary]:
    """Per department, its active people (`within` a team, if given) counted in their states, in
    name order: the special people one by one, the others in groups (`reports.groups`)."""
    special = groups.special_people(session, course, within) if groups.can_group(session, course) else None
    if special is None:
        return summaries(session, course, within, today=today, now=now)
    judged_by = course_totals(session, course, published.lesson_ids(course.id))
    grouped = groups.ordinary_groups(session, course, special, *judged_by, within)
    return summaries(session, course, special, (judged_by, grouped), today=today, now=now)


def summaries(session: Session, course: Course, one_by_one: People | None,
              grouped: tuple[tuple[int, int], list[Any]] | None = None, today: date | None = None,
              now: datetime | None = None) -> list[DepartmentSummary]:
    """Per department, in name order: the active people `one_by_one` (None: everyone) counted person
    by person, and the `grouped` rows a group at a time: the course's (lessons, quizzes) totals they
    were judged by, and the rows (department_id, opened anything, every lesson completed, every quiz
    passed, people, sum of their percents: `groups.ordinary_groups`)."""
    now = now or utcnow()
    by_department: dict[int | None, DepartmentSummary] = {}

    def count(row: PersonRow, times: int, percents: int | None = None) -> None:
        summary = by_department.get(row.department_id)
        if summary is None:
            summary = by_department[row.department_id] = DepartmentSummary(row.department, row.department_id)
        summary.add(row, times, percents)

    for row in person_rows(session, course, Filters(within=one_by_one), today=today, with_activity=False,
                           now=now):
        count(row, 1)
    if grouped is not None:
        for row, times, percents in _group_rows(session, course, *grouped, now):
            count(row, times, percents)
    return sorted(by_department.values(), key=lambda s: s.name.lower())


def _group_rows(session: Session, course: Course, judged_by: tuple[int, int], grouped: list[Any],
                now: datetime) -> Iterator[tuple[PersonRow, int, int]]:
    """A row standing for each group of people who are not special, judged by the same rules, with
    the group's size and the sum of its people's percents."""
    lessons_total, quizzes_total = judged_by
    names = department_names(session)
    for department_id, opened, every_lesson, all_passed, people, percents in grouped:
        row = PersonRow(0, "", "", "", department_id, names.get(department_id, "—"), lessons_total,
                        quizzes_total, opened=int(opened), completed=lessons_total if every_lesson else 0,
                        quizzes_passed=quizzes_total if all_passed else 0)
        row.status = course_states.status_of(
            None, lessons_total=lessons_total, complete_now=row.completed, opened=row.opened, overdue=False,
            window_days=course.refresh_window_days, now=now)
        yield row, people, int(percents or 0)


def funnel(session: Session, course: Course) -> list[FunnelRow]:
    """Per lesson, how many active people opened it, read it, passed its quiz and completed it."""
    lesson_ids = list(session.scalars(published.lesson_ids(course.id)))
    counts = totals.lesson_stages(session, lesson_ids)
    rows = []
    for lesson_id, position, title, _quiz_id, version_id in session.execute(
            published.lessons_in_order(course.id)):
        opened, read, quiz_passed, completed = counts.get(lesson_id, (0, 0, 0, 0))
        rows.append(FunnelRow(position, title, opened, read, quiz_passed, completed,
                              has_quiz=version_id is not None, lesson_id=lesson_id))
    return rows


def submitted_attempts_query(course: Course) -> Select[tuple[QuizAttempt]]:
    return (
        select(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == course.id)),
               QuizAttempt.state == AttemptState.SUBMITTED.value)
    )
