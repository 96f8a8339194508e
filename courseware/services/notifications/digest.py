"""The line managers' weekly digest: once a week, to each person others report to, how their people
stand in the courses assigned to them.

Who gets it:
- everyone with an active direct report (User.manager_id; the same people /team opens for): their
  whole team, directly or through others, as `people.reporting.team_ids` reads it;
- a department head (Department.head_id) with no line reports: the active people of the department
  and of every department under it (the head left out).

When: from Monday 08:00 in the recipient's time zone (their `zones.recipient_zone`: the start of
the working week, and the end of quiet hours, so it is never held), once per ISO week: its key is
"person:digest:<that Monday>:channel". A run that comes later in the working week (the site was
down on Monday, or someone became a manager on Thursday) still sends that week's digest, once, until
the end of Friday; at the weekend and on Monday before 08:00 nothing is planned (the next Monday's
digest is the one to come), so two digests never come together.

What: over the (person, course) pairs where the course is assigned to the person (a due date from
people.assignments), how many are completed, in progress, not started, overdue and due for a refresh
(expired ones included), by the one state `reports.course_states` gives each pair, and by name those
overdue, due within DUE_SOON_DAYS, or whose certificate needs its refresh within DUE_SOON_DAYS or has
expired (at most LISTED names; the rest counted). Nothing is sent to someone whose people have no
course assigned. The words are made in the reader's language when read (messages.py).

The digest is optional: its mail carries the signed unsubscribe link (`preferences`), and a person
who followed it gets no more digest e-mails (the notice in the site stays, as for news of lessons).

Queries: the people's reporting lines and the departments (one each), the digests claimed this week
(one), then, only when someone's digest is due and not yet claimed, each published course's states
for everyone at once (`reports.completion.person_rows`, as HR's overview reads them): a fixed number
per course, never one per manager or per person.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Course, Delivery, Department, Role, User
from courseware.services.catalog import published
from courseware.services.notifications import zones
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.planning import Event
from courseware.services.people.assignments import DueState
from courseware.services.reports.completion import PersonRow, person_rows
from courseware.services.reports.course_states import PersonStatus

DIGEST_WEEKDAY = 0  # Monday (date.weekday())
DIGEST_TIME = time(8, 0)
LAST_WEEKDAY = 4  # Friday: no catching up at the weekend
DUE_SOON_DAYS = 7
LISTED = 30
REASON = "digest"
# The state each person's course is counted in, by the state HR's reports give it.
CATEGORIES = {
    PersonStatus.COMPLETE: "completed", PersonStatus.UPDATED: "completed",
    PersonStatus.IN_PROGRESS: "in_progress", PersonStatus.NOT_STARTED: "not_started",
    PersonStatus.OVERDUE: "overdue", PersonStatus.REFRESH_DUE: "refresh_due",
    PersonStatus.EXPIRED: "refresh_due",
}
COUNTED = ("completed", "in_progress", "not_started", "overdue", "refresh_due")
# The order of the named list: the most urgent first.
LISTED_ORDER = ("overdue", "expired", "due_soon", "refresh_due")


@dataclass
class Recipient:
    user: User
    week: date  # the Monday of the recipient's week
    members: set[int] = field(default_factory=set)
    team: bool = True  # line reports (False: a department head's department)
    department_id: int | None = None


def week_of(now: datetime, zone: tzinfo) -> date | None:
    """The Monday of the week whose digest is due at `now` in `zone`: from Monday DIGEST_TIME to the
    end of Friday (a run that missed Monday catches up in the working week); None before Monday
    DIGEST_TIME and at the weekend (then the next Monday's is the one to come)."""
    here = zones.local(now, zone)
    monday = here.date() - timedelta(days=(here.weekday() - DIGEST_WEEKDAY) % 7)
    if here.weekday() > LAST_WEEKDAY or (here.date() == monday and here.time() < DIGEST_TIME):
        return None
    return monday


def events(session: Session, now: datetime, people: dict[int, User],
           person_zones: dict[int, tzinfo]) -> list[Event]:
    """A `digest` event for each manager and head whose week's digest is due at `now`, not yet
    claimed, and about at least one course assigned to their people."""
    recipients = _recipients(session, now, people, person_zones)
    if not recipients:
        return []
    courses, rows = _assigned_rows(session, now)
    found = []
    for recipient in recipients:
        params = summary([row for member in sorted(recipient.members) for row in rows.get(member, ())],
                         courses, _company_today(now))
        if params is None:
            continue
        params["team"] = recipient.team
        found.append(Event(recipient.user.id, Kind.DIGEST, REASON, recipient.week, Kind.DIGEST.value,
                           params, _link(recipient)))
    return found


def _recipients(session: Session, now: datetime, people: dict[int, User],
                person_zones: dict[int, tzinfo]) -> list[Recipient]:
    """Whoever's digest is due and not claimed yet, with the ids of their active people."""
    reports: dict[int, list[int]] = defaultdict(list)
    for user_id, manager_id in session.execute(select(User.id, User.manager_id)
                                               .where(User.manager_id.is_not(None))):
        reports[manager_id].append(user_id)
    departments = session.execute(select(Department.id, Department.parent_id, Department.head_id)).all()
    told = set(session.execute(select(Delivery.user_id, Delivery.due_on).distinct().where(
        Delivery.kind == Kind.DIGEST.value, Delivery.created_at >= now - timedelta(days=8))).tuples())
    found: dict[int, Recipient] = {}
    by_department: dict[int | None, set[int]] = defaultdict(set)
    for user_id, user in people.items():
        by_department[user.department_id].add(user_id)
    for user_id, user in people.items():
        if any(report in people for report in reports.get(user_id, ())):
            week = week_of(now, person_zones[user_id])
            if week is not None and (user_id, week) not in told:
                found[user_id] = Recipient(user, week, _below(user_id, reports) & people.keys())
    for department_id, head_id in _headed(departments, people, reports):
        week = week_of(now, person_zones[head_id])
        if week is None or (head_id, week) in told:
            continue
        recipient = found.setdefault(head_id, Recipient(people[head_id], week, team=False,
                                                        department_id=department_id))
        for within in _department_tree(department_id, departments):
            recipient.members |= by_department.get(within, set()) - {head_id}
    return list(found.values())


def _headed(departments: Iterable, people: dict[int, User],
            reports: dict[int, list[int]]) -> list[tuple[int, int]]:
    """(department, head) for each head who is active and has no active line report."""
    return [(department_id, head_id) for department_id, _parent, head_id in departments
            if head_id in people and not any(r in people for r in reports.get(head_id, ()))]


def _below(manager_id: int, reports: dict[int, list[int]]) -> set[int]:
    """Everyone who reports to the person, directly or through others (the person never)."""
    found: set[int] = set()
    waiting = list(reports.get(manager_id, ()))
    while waiting:
        person = waiting.pop()
        if person not in found and person != manager_id:
            found.add(person)
            waiting += reports.get(person, ())
    return found


def _department_tree(department_id: int, departments: Iterable) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for child_id, parent_id, _head in departments:
        children[parent_id].append(child_id)
    found, waiting = set(), [department_id]
    while waiting:
        current = waiting.pop()
        if current not in found:
            found.add(current)
            waiting += children.get(current, ())
    return found


def _company_today(now: datetime) -> date:
    return zones.local_day(now, zones.company_zone())


Assigned = tuple[int, PersonRow]  # a course's id and the person's row in it


def _assigned_rows(session: Session, now: datetime) -> tuple[dict[int, Course], dict[int, list[Assigned]]]:
    """Per person, their row in each published course assigned to them: each course's states for
    everyone in a fixed number of queries."""
    courses = {course.id: course for course in published.courses(session, published_only=True)}
    rows: dict[int, list[Assigned]] = defaultdict(list)
    today = _company_today(now)
    for course in courses.values():
        for row in person_rows(session, course, with_activity=False, now=now, today=today):
            if row.due_on is not None:
                rows[row.user_id].append((course.id, row))
    return courses, rows


def summary(rows: list[Assigned], courses: dict[int, Course], today: date) -> dict | None:
    """The digest's parameters (stored with it, rendered when read), or None for nothing assigned."""
    if not rows:
        return None
    counts = Counter(CATEGORIES[row.status] for _course, row in rows)
    listed = sorted((entry for course_id, row in rows
                     if (entry := _listed(row, courses[course_id], today)) is not None),
                    key=lambda e: (LISTED_ORDER.index(e["state"]), e["on"], e["name"]))
    return {"counts": {name: counts[name] for name in COUNTED}, "listed": listed[:LISTED],
            "more": max(0, len(listed) - LISTED)}


def _listed(row: PersonRow, course: Course, today: date) -> dict | None:
    """The row as a line of the named list, when it is overdue, due soon or its refresh is near."""
    state, on = None, None
    expires_on = zones.local_day(row.expires_at, zones.company_zone()) if row.expires_at else None
    if row.status is PersonStatus.OVERDUE:
        state, on = "overdue", row.due_on
    elif row.status is PersonStatus.EXPIRED:
        state, on = "expired", expires_on
    elif row.status is PersonStatus.REFRESH_DUE:
        if expires_on is not None and (expires_on - today).days <= DUE_SOON_DAYS:
            state, on = "refresh_due", expires_on
    elif row.due_state is DueState.DUE_SOON:
        state, on = "due_soon", row.due_on
    if state is None or on is None:
        return None
    return {"name": row.full_name, "user_id": row.user_id, "course_id": course.id,
            "course_title": course.title, "state": state, "on": on.isoformat()}


def _link(recipient: Recipient) -> str | None:
    """Where the digest leads: /team for a line manager; HR's People list of the department for a
    head who works in HR or is the president; nowhere for any other head (no page shows them
    their department)."""
    if recipient.team:
        return "/team"
    if recipient.user.role in (Role.HR.value, Role.PRESIDENT.value):
        return f"/hr/people?department={recipient.department_id}"
    return None
