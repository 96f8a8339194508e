"""Refresh due: a person's certificate of a course enters its refresh window (the course's
`refresh_window_days` before it expires, as `learning.course_state` and `reports.course_states` say),
so a refresh check is due to renew it.

One message per person and refresh due date (the certificate's expiry, a day of the person's time
zone): its key is "person:course-<id>.refresh:<expiry>:channel". It is planned from the moment the
window opens until EXPIRED_GRACE after the expiry (then it says the certificate has expired), so a
run after downtime, or the first run after this was installed, still says it once; a renewed
certificate has a new expiry and so, one window later, a message of its own.

A refresh of a certificate is a reminder of required learning, like the reminders of an assigned
course: it may move to another channel but never be turned off (`Kind.REFRESH_DUE.mandatory`).
It is a person's own business: the group robots are not told.

Two queries, whatever the number of people: the current certificates whose window may be open, and
(when there are any) the refresh messages already claimed for their holders.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from courseware.models import Certificate, Course, Delivery, Lesson, User
from courseware.services.notifications import zones
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.planning import Event

# How long after the expiry a person who was never told (the window shorter than a run's gap, or
# this installed since) still is: the message then says the certificate has expired.
EXPIRED_GRACE = timedelta(days=30)
# The longest refresh window HR may set (learning.certificate_policy.MAX_WINDOW_DAYS): certificates
# expiring later than this cannot have their window open.
LONGEST_WINDOW = timedelta(days=365)
# Not planned longer than this after the window opened: the delivery log forgets a message after
# deliveries.KEEP_DAYS (180), and a message it forgot must not come up again.
CATCH_UP = timedelta(days=150)


def events(session: Session, now: datetime, people: dict[int, User],
           person_zones: dict[int, tzinfo]) -> list[Event]:
    """A `refresh_due` event for each active person whose current certificate's refresh window is
    open at `now` and who has not been told of this expiry yet."""
    published = select(Lesson.course_id).where(Lesson.is_published)
    expiring = (Certificate.replaced_by_id.is_(None), Certificate.expires_at.is_not(None),
                Certificate.expires_at > now - EXPIRED_GRACE, Certificate.expires_at <= now + LONGEST_WINDOW)
    rows = session.execute(
        select(Certificate.user_id, Certificate.expires_at, Course.id, Course.slug, Course.title,
               Course.refresh_window_days)
        .join(Course, Course.id == Certificate.course_id)
        .where(*expiring, Course.id.in_(published))
        .order_by(Certificate.id)
    ).all()
    told = _already_told(session, now, select(Certificate.user_id).where(*expiring)) if rows else set()
    found: dict[tuple[int, int], Event] = {}  # were there two current certificates, the newest wins
    for user_id, expires_at, course_id, slug, title, window_days in rows:
        opens = expires_at - timedelta(days=window_days)
        if user_id not in people or not opens <= now < opens + CATCH_UP:
            continue
        expires_on = zones.local_day(expires_at, person_zones[user_id])
        reason = f"course-{course_id}.refresh"
        if (user_id, reason, expires_on) in told:
            continue
        params = {"course_id": course_id, "course_title": title, "due_on": expires_on.isoformat(),
                  "expired": now >= expires_at}
        found[(user_id, course_id)] = Event(user_id, Kind.REFRESH_DUE, reason, expires_on,
                                            Kind.REFRESH_DUE.value, params, f"/courses/{slug}/refresh")
    return list(found.values())


def _already_told(session: Session, now: datetime,
                  holders: Select[tuple[int]]) -> set[tuple[int | None, str, date | None]]:
    """(person, reason, expiry) of the refresh messages claimed for expiries still in play: what the
    delivery keys would refuse anyway, left out of the plan so that a dry run does not list it. Read
    through the index of deliveries by person, for the holders of such certificates only."""
    rows = session.execute(
        select(Delivery.user_id, Delivery.reason, Delivery.due_on).distinct()
        .where(Delivery.user_id.in_(holders), Delivery.kind == Kind.REFRESH_DUE.value,
               Delivery.due_on >= (now - EXPIRED_GRACE - timedelta(days=1)).date()))
    return {(user_id, reason, due_on) for user_id, reason, due_on in rows}
