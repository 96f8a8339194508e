"""What is due to be said at one moment: every message, to whom, on which channel, with its unique
delivery key. Nothing is written here (deliveries.py claims and sends).

To each person who has not completed an assigned course (their due date: people.assignments):

- `assigned`  once, within ASSIGNED_WINDOW of the assignment reaching them;
- `due_soon`  7, 3 and 1 days before the due date (the last of these thresholds reached, in the
              person's time zone, and only if the course was assigned before that day);
- `overdue`   the day after the due date, then weekly, at most 4 times.

To each person whose certificate's refresh window is open: `refresh_due`, once per expiry
(refresh_due.py). To each line manager and department head: `digest`, once per ISO week from Monday
08:00 in their time zone (digest.py).

To each person who has started a course: `new_lesson` when one of its lessons is first published
or materially revised (within NEW_LESSON_WINDOW). The group robots get one message per course and
reason with how many people it concerns, never their names.

The key "person:reason:due-date:channel" (person "group" for a robot) makes each message one row,
however often this runs: a second run at the same moment, or a day later within the same window,
finds every key taken. The queries are a fixed number, whatever the number of people.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from courseware.language import SOURCE_LANGUAGE
from courseware.models import Course, DeliveryState, Lesson, LessonProgress, LessonRevision, User
from courseware.services.catalog import published
from courseware.services.notifications import channels, work_notices, zones
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.preferences import opted_out
from courseware.services.people.assignments import Due, DueDates
from courseware.services.reports.completion import person_rows

ASSIGNED_WINDOW = timedelta(days=7)
NEW_LESSON_WINDOW = timedelta(days=3)
DUE_SOON_DAYS = (7, 3, 1)
OVERDUE_TIMES = 4


@dataclass(frozen=True)
class Event:
    """Something to tell one person (or, `user_id` None, the group chats)."""

    user_id: int | None
    kind: Kind
    reason: str
    due_on: date | None
    message: str
    params: dict = field(hash=False)
    link: str | None


@dataclass(frozen=True)
class Planned:
    """One message on one channel, as it will be claimed."""

    event: Event
    channel: Channel
    state: DeliveryState
    not_before: datetime | None = None

    @cached_property  # read several times per message while claiming (bench/notifications.py)
    def key(self) -> str:
        who = "group" if self.event.user_id is None else str(self.event.user_id)
        due = self.event.due_on.isoformat() if self.event.due_on else "-"
        return f"{who}:{self.event.reason}:{due}:{self.channel.value}"


def plan(session: Session, now: datetime, config: Mapping) -> list[Planned]:
    """Every message due at `now` on the configured channels (already sent ones included: the keys
    tell them apart)."""
    people = {user.id: user for user in session.scalars(select(User).where(User.active.is_(True)))}
    person_zones = {user_id: zones.recipient_zone(user) for user_id, user in people.items()}
    events = course_reminders(session, now, people, person_zones) + new_lessons(session, now, people)
    events += group_summaries(events)
    # Each person's own business, never the group chats'. (Imported here: they build on Event.)
    from courseware.services.notifications import digest, refresh_due
    events += refresh_due.events(session, now, people, person_zones)
    events += digest.events(session, now, people, person_zones)
    return _on_channels(events, now, config, people, person_zones, opted_out(session),
                        work_notices.links(session, config))


def course_reminders(session: Session, now: datetime, people: dict[int, User],
                     person_zones: dict[int, tzinfo]) -> list[Event]:
    due_dates = DueDates(session)
    events: list[Event] = []
    for course in published.courses(session, published_only=True):
        for row in person_rows(session, course, with_activity=False):
            user = people.get(row.user_id)
            if user is None or row.is_complete or not due_dates.may_concern(user.id, user.department_id):
                continue
            due = due_dates.for_user(user, course.id)
            if due is not None:
                events += _reminders(user.id, course, due, now, person_zones[user.id])
    return events


def _reminders(user_id: int, course: Course, due: Due, now: datetime, zone: tzinfo) -> list[Event]:
    today = zones.local_day(now, zone)
    assigned_day = zones.local_day(due.assigned_at, zone) if due.assigned_at else date.min
    days = (due.due_on - today).days
    params = {"course_id": course.id, "course_title": course.title, "due_on": due.due_on.isoformat()}
    link = f"/courses/{course.slug}"

    def event(kind: Kind, reason: str, **extra: object) -> Event:
        return Event(user_id, kind, f"course-{course.id}.{reason}", due.due_on, kind.value,
                     {**params, **extra}, link)

    found = []
    if due.assigned_at is not None and now - ASSIGNED_WINDOW <= due.assigned_at <= now:
        found.append(event(Kind.ASSIGNED, "assigned"))
    threshold = next((n for n in reversed(DUE_SOON_DAYS) if days <= n), None)
    if days >= 0 and threshold is not None and assigned_day < due.due_on - timedelta(days=threshold):
        found.append(event(Kind.DUE_SOON, f"due-{threshold}", days=days))
    if days < 0 and (week := (-days - 1) // 7 + 1) <= OVERDUE_TIMES:
        found.append(event(Kind.OVERDUE, f"overdue-{week}", days=-days))
    return found


def new_lessons(session: Session, now: datetime, people: dict[int, User]) -> list[Event]:
    """A lesson first published or materially revised lately, to everyone who has started its course."""
    earlier = aliased(LessonRevision)
    revised = exists().where(earlier.lesson_id == LessonRevision.lesson_id,
                             earlier.language == SOURCE_LANGUAGE, earlier.number < LessonRevision.number,
                             earlier.published_at.is_not(None))
    revisions = session.execute(
        select(LessonRevision.lesson_id, LessonRevision.number, LessonRevision.title,
               revised.label("revised"), Lesson.slug, Course.id, Course.slug, Course.title)
        .join(Lesson, Lesson.id == LessonRevision.lesson_id).join(Course, Course.id == Lesson.course_id)
        .where(LessonRevision.language == SOURCE_LANGUAGE, LessonRevision.material.is_(True),
               LessonRevision.published_at > now - NEW_LESSON_WINDOW,
               LessonRevision.published_at <= now, Lesson.is_published)
    ).all()
    if not revisions:
        return []
    started = _people_who_started(session, {row[5] for row in revisions})
    events = []
    for lesson_id, number, title, is_revision, lesson_slug, course_id, course_slug, course_title in revisions:
        params = {"lesson_id": lesson_id, "lesson_title": title, "course_id": course_id,
                  "course_title": course_title, "revised": bool(is_revision)}
        link = f"/courses/{course_slug}/{lesson_slug}"
        for user_id in sorted(started.get(course_id, ())):
            if user_id in people:
                events.append(Event(user_id, Kind.NEW_LESSON, f"lesson-{lesson_id}.rev-{number}", None,
                                    Kind.NEW_LESSON.value, params, link))
        events.append(Event(None, Kind.NEW_LESSON, f"lesson-{lesson_id}.rev-{number}", None,
                            Kind.NEW_LESSON.value, params, link))
    return events


def _people_who_started(session: Session, course_ids: set[int]) -> dict[int, set[int]]:
    rows = session.execute(
        select(LessonProgress.user_id, Lesson.course_id).distinct()
        .join(Lesson, and_(Lesson.id == LessonProgress.lesson_id, Lesson.course_id.in_(course_ids))))
    started: dict[int, set[int]] = {}
    for user_id, course_id in rows:
        started.setdefault(course_id, set()).add(user_id)
    return started


def group_summaries(events: list[Event]) -> list[Event]:
    """One message for the group chats per course, reason and due date: how many people it concerns."""
    counts = Counter((e.reason, e.due_on) for e in events if e.user_id is not None and e.kind.mandatory)
    firsts = {(e.reason, e.due_on): e for e in reversed(events) if e.user_id is not None}
    return [Event(None, first.kind, reason, due_on, f"group_{first.kind.value}",
                  {**first.params, "count": count}, first.link)
            for (reason, due_on), count in counts.items() for first in [firsts[(reason, due_on)]]]


def _on_channels(events: list[Event], now: datetime, config: Mapping, people: dict[int, User],
                 person_zones: dict[int, tzinfo], off: set[tuple[int, str, str]],
                 linked: Mapping[int, object]) -> list[Planned]:
    person_channels = channels.configured(config, group=False)
    group_channels = channels.configured(config, group=True)
    company_quiet = zones.quiet_until(now, zones.company_zone())
    quiet_in: dict[tzinfo, datetime | None] = {}  # people share a few zones: each computed once
    planned = []
    for event in events:
        if event.user_id is None:
            planned += [Planned(event, channel, *_held(company_quiet)) for channel in group_channels]
            continue
        zone = person_zones[event.user_id]
        if zone not in quiet_in:
            quiet_in[zone] = zones.quiet_until(now, zone)
        quiet = quiet_in[zone]
        for channel in person_channels:
            # A channel the person turned off for this kind (preferences.py): suppressed, in the log.
            # The bell still records a reminder of an assigned course, as read (deliveries.claim).
            turned_off = (event.user_id, event.kind.value, channel.value) in off
            if channel is Channel.EMAIL and not people[event.user_id].email:
                continue
            if channel is Channel.WORK and event.user_id not in linked:  # no account on the platform
                continue
            if turned_off:
                planned.append(Planned(event, channel, DeliveryState.SUPPRESSED))
            elif channel is Channel.APP:
                planned.append(Planned(event, channel, DeliveryState.SENT))
            else:
                planned.append(Planned(event, channel, *_held(quiet)))
    return planned


def for_people(session: Session, events: list[Event], now: datetime, config: Mapping) -> list[Planned]:
    """The events (to people, e.g. HR's nudges) on each person's channels at `now`: their
    preferences, their quiet hours, as the periodic run plans its own."""
    ids = {event.user_id for event in events if event.user_id is not None}
    people = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
    person_zones = {user_id: zones.recipient_zone(user) for user_id, user in people.items()}
    return _on_channels(events, now, config, people, person_zones, opted_out(session, ids),
                        work_notices.links(session, config, ids))


def _held(quiet_until: datetime | None) -> tuple[DeliveryState, datetime | None]:
    return (DeliveryState.HELD, quiet_until) if quiet_until else (DeliveryState.QUEUED, None)
