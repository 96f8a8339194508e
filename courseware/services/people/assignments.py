"""Assigning a course to departments or people, and when each person's course is due."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import Assignment, Course, Department, User
from courseware.models._time import utcnow
from courseware.services.errors import NotFound, ValidationError

DUE_SOON_DAYS = 7


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
    # When the assignment that sets this date reached the person: its creation, or for a department
    # assignment the later of that and the day they joined (reminders count from it).
    assigned_at: datetime | None = None

    def state(self, complete: bool, today: date) -> DueState:
        if complete:
            return DueState.DONE
        if today > self.due_on:
            return DueState.OVERDUE
        if (self.due_on - today).days <= DUE_SOON_DAYS:
            return DueState.DUE_SOON
        return DueState.ON_TIME

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def today_utc() -> date:
    return utcnow().date()


def create_assignment(
    session: Session,
    *,
    course: Course,
    created_by: User,
    departments: Sequence[Department] = (),
    people: Sequence[User] = (),
    due_on: date | None = None,
    due_days: int | None = None,
    today: date | None = None,
) -> list[Assignment]:
    """One assignment per department and per person, all in one transaction."""
    if not departments and not people:
        raise ValidationError(_("Choose at least one department or person."), field="departments")
    if (due_on is None) == (due_days is None):
        raise ValidationError(_("Give either a due date or a number of days, not both."), field="due_on")
    if due_on is not None and due_on < (today or today_utc()):
        raise ValidationError(_("The due date is in the past."), field="due_on")
    if due_days is not None and not 1 <= due_days <= 730:
        raise ValidationError(_("The number of days must be between 1 and 730."), field="due_days")
    made = [
        Assignment(course=course, department=department, due_on=due_on, due_days=due_days,
                   created_by=created_by)
        for department in departments
    ] + [
        Assignment(course=course, user=person, due_on=due_on, due_days=due_days,
                   created_by=created_by)
        for person in people
    ]
    session.add_all(made)
    session.commit()
    return made


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
                  _assignment.c.due_on, _assignment.c.due_days, _assignment.c.created_at)
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
                   course_id: int) -> Due | None:
        """The earliest due date among the person's own and their department's assignments."""
        dates = [
            (_due_date(a, a.created_at), a.created_at)
            for a in self._by_user.get(user_id, ())
            if a.course_id == course_id
        ] + [
            # Someone who joined the department after the assignment gets their own days.
            (_due_date(a, max(a.created_at, department_since)), max(a.created_at, department_since))
            for a in self._by_department.get(department_id, ())
            if a.course_id == course_id
        ]
        return Due(course_id, *min(dates)) if dates else None

    def for_user(self, user: User, course_id: int) -> Due | None:
        return self.for_person(user.id, user.department_id, user.department_since, course_id)


def _due_date(assignment: Assignment | Row, start: datetime) -> date:
    if assignment.due_on is not None:
        return assignment.due_on
    assert assignment.due_days is not None  # an assignment has either a due date or a number of days
    return (start + timedelta(days=assignment.due_days)).date()
