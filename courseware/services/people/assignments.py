"""Assigning a course to departments or people, and when each person's course is due.

An assignment asks either for the course's completion or for a refresh of its certificate
(`Purpose`). A completion assignment is met once every lesson is complete; a refresh assignment once
the person's current certificate was issued after the assignment was made (a renewal, or a
completion issued since). Of a person's assignments of one course, the one that counts is the
earliest due that is not met yet (all met: the course is done).

A due date is a day of the company's calendar (COMPANY_TIMEZONE, courseware.timezones): a course due
on 5 December is due until 5 December 23:59 there and overdue from 6 December 00:00 there, for
everyone, whatever zone they chose to read times in, so that the person's dashboard, HR's reports and
the reminders always agree. "In 10 days" counts from the company's day of the assignment (or of the
person joining the department)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import Assignment, Course, Department, User
from courseware.models._time import utcnow
from courseware.services.errors import NotFound, ValidationError
from courseware.timezones import company_zone, local_today, to_local

DUE_SOON_DAYS = 7


class Purpose(StrEnum):
    """What an assignment asks (the stored `Assignment.purpose`)."""

    COMPLETION = "completion"
    REFRESH = "refresh"

    @property
    def label(self) -> str:
        return str(_PURPOSE_LABELS[self.value])


_PURPOSE_LABELS = {"completion": _l("Complete the course"), "refresh": _l("Refresh the certificate")}


class DueState(StrEnum):
    NONE = "none"          # not assigned
    ON_TIME = "on_time"    # assigned, more than a week left
    DUE_SOON = "due_soon"  # a week or less left
    OVERDUE = "overdue"    # the date has passed and the course is not complete
    DONE = "done"          # complete

    @property
    def label(self) -> str:
        """The state in the reader's language (the value is what the code and the styles use)."""
        return str(_DUE_STATE_LABELS[self.value])


_DUE_STATE_LABELS = {
    "none": _l("Not assigned"), "on_time": _l("On time"), "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"), "done": _l("Complete"),
}


@dataclass(frozen=True)
class Due:
    course_id: int
    due_on: date
    # "completion" or "refresh" (Purpose).
    purpose: str = Purpose.COMPLETION.value
    # When the assignment that sets this date reached the person: its creation, or for a department
    # assignment the later of that and the day they joined (reminders count from it, and a refresh
    # is met by a certificate issued since).
    assigned_at: datetime | None = None

    @property
    def is_refresh(self) -> bool:
        return self.purpose == Purpose.REFRESH

    def met(self, complete: bool, certified_at: datetime | None = None) -> bool:
        """Whether the assignment is done: every lesson complete (`complete`), or for a refresh, a
        certificate issued (`certified_at`: the current one's issue) since the assignment."""
        if self.is_refresh:
            return (certified_at is not None and self.assigned_at is not None
                    and certified_at >= self.assigned_at)
        return complete

    def state(self, complete: bool, today: date, certified_at: datetime | None = None) -> DueState:
        if self.met(complete, certified_at):
            return DueState.DONE
        if today > self.due_on:
            return DueState.OVERDUE
        if (self.due_on - today).days <= DUE_SOON_DAYS:
            return DueState.DUE_SOON
        return DueState.ON_TIME

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def company_today(now: datetime | None = None) -> date:
    """The company's calendar day at `now` (naive UTC; the current time by default): the day due
    dates are compared with."""
    return local_today(company_zone(), now or utcnow())


def today_utc() -> date:
    """The old name of company_today (services/reports still calls it): the company's day, not UTC's."""
    return company_today()


def create_assignment(
    session: Session,
    *,
    course: Course,
    created_by: User,
    departments: Sequence[Department] = (),
    people: Sequence[User] = (),
    due_on: date | None = None,
    due_days: int | None = None,
    purpose: str = Purpose.COMPLETION.value,
    today: date | None = None,
) -> list[Assignment]:
    """One assignment per department and per person, all in one transaction."""
    if not departments and not people:
        raise ValidationError(_("Choose at least one department or person."), field="departments")
    if (due_on is None) == (due_days is None):
        raise ValidationError(_("Give either a due date or a number of days, not both."), field="due_on")
    if due_on is not None and due_on < (today or company_today()):
        raise ValidationError(_("The due date is in the past."), field="due_on")
    if due_days is not None and not 1 <= due_days <= 730:
        raise ValidationError(_("The number of days must be between 1 and 730."), field="due_days")
    if purpose not in {p.value for p in Purpose}:
        raise ValidationError(_("Choose what the assignment asks for."), field="purpose")
    made = [
        Assignment(course=course, department=department, due_on=due_on, due_days=due_days,
                   purpose=purpose, created_by=created_by)
        for department in departments
    ] + [
        Assignment(course=course, user=person, due_on=due_on, due_days=due_days, purpose=purpose,
                   created_by=created_by)
        for person in people
    ]
    session.add_all(made)
    session.commit()
    return made


@dataclass(frozen=True)
class DepartmentNode:
    """A department in the tree HR ticks departments in, with its sub-departments."""

    department: Department
    children: list[DepartmentNode]


def department_tree(session: Session) -> list[DepartmentNode]:
    """Every department under its parent, each level by name (one query)."""
    departments = sorted(session.scalars(select(Department)), key=lambda d: d.name.lower())
    known = {d.id for d in departments}
    below: dict[int | None, list[Department]] = defaultdict(list)
    for department in departments:
        # A parent that is not there (never: a foreign key) would hide a department: it goes on top.
        below[department.parent_id if department.parent_id in known else None].append(department)

    def nodes(parent_id: int | None, path: frozenset[int]) -> list[DepartmentNode]:
        return [DepartmentNode(d, nodes(d.id, path | {d.id})) for d in below[parent_id] if d.id not in path]

    return nodes(None, frozenset())


def with_sub_departments(session: Session, department_ids: Sequence[int]) -> list[Department]:
    """The departments ticked and every department below them: ticking a department includes its
    sub-departments (the form works without script). An id that is no department is refused."""
    departments = {d.id: d for d in session.scalars(select(Department))}
    unknown = [i for i in department_ids if i not in departments]
    if unknown:
        raise ValidationError(_("A department chosen no longer exists; choose again from the list."),
                              field="department_ids")
    children: dict[int | None, list[int]] = defaultdict(list)
    for department in departments.values():
        children[department.parent_id].append(department.id)
    chosen: set[int] = set()
    waiting = list(department_ids)
    while waiting:
        department_id = waiting.pop()
        if department_id not in chosen:
            chosen.add(department_id)
            waiting.extend(children[department_id])
    return sorted((departments[i] for i in chosen), key=lambda d: d.full_name.lower())


MAX_MATCHES = 50


def find_people(session: Session, query: str) -> list[User]:
    """Active people whose name, username or department's name holds `query` (any case), by name; at
    most MAX_MATCHES. An empty query finds nobody."""
    words = query.strip().lower()[:100]
    if not words:
        return []
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    department_names = select(Department.id).where(func.lower(Department.name).like(pattern, escape="\\"))
    return list(session.scalars(
        select(User).options(selectinload(User.department))
        .where(User.active.is_(True),
               or_(func.lower(User.full_name).like(pattern, escape="\\"),
                   func.lower(User.username).like(pattern, escape="\\"),
                   User.department_id.in_(department_names)))
        .order_by(User.full_name, User.username).limit(MAX_MATCHES)))


def chosen_people(session: Session, user_ids: Sequence[int]) -> list[User]:
    """The people ticked, by name; someone without an active account is refused by name."""
    if not user_ids:
        return []
    people = list(session.scalars(select(User).options(selectinload(User.department))
                                  .where(User.id.in_(set(user_ids))).order_by(User.full_name)))
    gone = [p.full_name for p in people if not p.active]
    if gone or len(people) < len(set(user_ids)):
        raise ValidationError(_("Someone chosen no longer has an active account: %(names)s. They are "
                                "taken off the list: assign again.", names=", ".join(gone) or "?"),
                              field="user_ids")
    return people


def delete_assignment(session: Session, assignment_id: int) -> None:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(_("No such assignment."))
    session.delete(assignment)
    session.commit()


def list_assignments(session: Session) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.course), selectinload(Assignment.department),
                     selectinload(Assignment.user))
            .order_by(Assignment.created_at.desc())
        )
    )


_assignment = Assignment.__table__
_DUE_ALL = select(_assignment.c.course_id, _assignment.c.user_id, _assignment.c.department_id,
                  _assignment.c.due_on, _assignment.c.due_days, _assignment.c.created_at,
                  _assignment.c.purpose)
_DUE_FOR_COURSE = _DUE_ALL.where(_assignment.c.course_id == bindparam("course_id"))
_DUE_FOR_PERSON = _DUE_ALL.where(or_(_assignment.c.user_id == bindparam("user_id"),
                                     _assignment.c.department_id == bindparam("department_id")))


class DueDates:
    """Every assignment loaded once; answers 'when is this person's course due?' without queries."""

    def __init__(self, session: Session, course_id: int | None = None, person: User | None = None):
        # Rows, not objects: only the dates are needed, and HR's reports load every assignment.
        if person is not None:
            # Only what can concern this person: their own and their department's assignments.
            statement, params = _DUE_FOR_PERSON, {"user_id": person.id,
                                                  "department_id": person.department_id}
        elif course_id is not None:
            statement, params = _DUE_FOR_COURSE, {"course_id": course_id}
        else:
            statement, params = _DUE_ALL, {}
        self._zone = company_zone()
        # Looked up by a person's department_id, which is None for someone in none.
        self._by_department: dict[int | None, list[Row]] = defaultdict(list)
        self._by_user: dict[int, list[Row]] = defaultdict(list)
        for assignment in session.connection().execute(statement, params):
            if course_id is not None and assignment.course_id != course_id:
                continue
            if assignment.user_id is not None:
                self._by_user[assignment.user_id].append(assignment)
            else:
                self._by_department[assignment.department_id].append(assignment)

    def may_concern(self, user_id: int, department_id: int | None) -> bool:
        """False when no assignment names this person or their department (then no due date)."""
        return user_id in self._by_user or department_id in self._by_department

    def for_person(self, user_id: int, department_id: int | None, department_since: datetime,
                   course_id: int, *, complete: bool = False,
                   certified_at: datetime | None = None) -> Due | None:
        """The assignment that counts among the person's own and their department's: the earliest
        due that is not met (`Due.met`, with `complete` and `certified_at` as there), else the
        earliest of them all."""
        dues = [
            _due(a, a.created_at, course_id, self._zone)
            for a in self._by_user.get(user_id, ())
            if a.course_id == course_id
        ] + [
            # Someone who joined the department after the assignment gets their own days.
            _due(a, max(a.created_at, department_since), course_id, self._zone)
            for a in self._by_department.get(department_id, ())
            if a.course_id == course_id
        ]
        if not dues:
            return None
        open_dues = [due for due in dues if not due.met(complete, certified_at)]
        return min(open_dues or dues, key=lambda due: due.due_on)

    def for_user(self, user: User, course_id: int, *, complete: bool = False,
                 certified_at: datetime | None = None) -> Due | None:
        return self.for_person(user.id, user.department_id, user.department_since, course_id,
                               complete=complete, certified_at=certified_at)


def _due(assignment: Row, start: datetime, course_id: int, zone: tzinfo) -> Due:
    return Due(course_id, _due_date(assignment, start, zone),
               assignment.purpose or Purpose.COMPLETION.value, start)


def _due_date(assignment: Assignment | Row, start: datetime, zone: tzinfo) -> date:
    if assignment.due_on is not None:
        return assignment.due_on
    assert assignment.due_days is not None  # an assignment has either a due date or a number of days
    return to_local(start, zone).date() + timedelta(days=assignment.due_days)
