"""The reading-time rule: how long a person must spend on a lesson before it counts as read, and how
that time is counted on the server's clock, from the lesson page's reports and the no-script button.

A lesson counts as read once the time counted reaches a fraction (READ_MIN_FRACTION, 0.4 by default)
of its estimated minutes, and at least MIN_SECONDS. Time is counted from the later of the visit's
opening (`last_opened_at`) and the last count (`reading_counted_at`) up to now: a report from the
page counts at most what it claims, and at most MAX_SECONDS_PER_BEAT; the button alone (no script)
counts at most `visit_cap`. The same interval never counts twice, so HR's minutes cannot be inflated.
"""
from __future__ import annotations

import math
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from courseware.models import Lesson, LessonProgress, User
from courseware.models.sql import rows_changed

DEFAULT_MIN_FRACTION = 0.4
# Whatever its estimate, no lesson counts as read in less than this.
MIN_SECONDS = 30
# One report from a lesson page counts at most this much reading time.
MAX_SECONDS_PER_BEAT = 15 * 60


def min_fraction() -> float:
    """The share of a lesson's estimated minutes a person must spend on it (READ_MIN_FRACTION)."""
    fraction = current_app.config.get("READ_MIN_FRACTION") if has_app_context() else None
    return DEFAULT_MIN_FRACTION if fraction is None else min(max(float(fraction), 0.0), 1.0)


def minimum_seconds(minutes: int) -> int:
    """How long a lesson estimated at `minutes` must be read before it counts as read."""
    return max(MIN_SECONDS, math.ceil(minutes * 60 * min_fraction()))


def visit_cap(minutes: int) -> int:
    """The most one visit counts when the server measures alone (twice the estimate, at least a
    minute): a page left open overnight does not read the lesson."""
    return max(2 * minutes * 60, 60)


def seconds_left(minutes: int, seconds_spent: int) -> int:
    return max(0, minimum_seconds(minutes) - seconds_spent)


def minutes_left(seconds: int) -> int:
    """The time left as the pages say it: whole minutes, rounded up (at least 1 while any is left)."""
    return math.ceil(seconds / 60)


def existing_record(session: Session, user: User, lesson: Lesson) -> LessonProgress | None:
    """The person's record for a lesson, if there is one (a read, never a write)."""
    return session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    ))


def record_for(session: Session, user: User, lesson: Lesson, now: datetime,
               read: tuple[LessonProgress | None] | None = None) -> LessonProgress:
    """The person's record for a lesson, created on first need; safe against a double request.
    `read`: what existing_record found, when the caller read it already."""
    query = select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    )
    record = read[0] if read is not None else session.scalar(query)
    if record is not None:
        return record
    try:
        with session.begin_nested():
            record = LessonProgress(user_id=user.id, lesson_id=lesson.id, opened_at=now,
                                    last_opened_at=now, seconds_spent=0)
            session.add(record)
        return record
    except IntegrityError:  # the other request's row exists now
        return session.scalars(query).one()


def lesson_minutes(lesson: Lesson) -> int:
    """The lesson's estimated minutes (its published source revision's)."""
    return lesson.published_revision.minutes if lesson.published_revision is not None else 0


def count_time(session: Session, record: LessonProgress, now: datetime, minutes: int,
               claimed: int | None = None) -> int:
    """Count the reading time since the later of the visit's opening and the last count: at most
    `claimed` (a page's report, itself at most MAX_SECONDS_PER_BEAT), or `visit_cap` when the server
    measures alone. One conditional UPDATE, so that two reports at once count the interval once.
    Returns the seconds counted; the caller commits."""
    previous = record.reading_counted_at
    since = max(record.last_opened_at, previous) if previous is not None else record.last_opened_at
    elapsed = max(0, int((now - since).total_seconds()))
    limit = visit_cap(minutes) if claimed is None else max(0, min(claimed, MAX_SECONDS_PER_BEAT))
    seconds = min(elapsed, limit)
    same_count = (LessonProgress.reading_counted_at.is_(None) if previous is None
                  else LessonProgress.reading_counted_at == previous)
    statement = (
        update(LessonProgress)
        .where(LessonProgress.id == record.id, same_count)
        .values(seconds_spent=LessonProgress.seconds_spent + seconds, reading_counted_at=now)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(session.execute(statement)) != 1:
        return 0  # another report counted this interval at the same moment
    set_committed_value(record, "seconds_spent", record.seconds_spent + seconds)
    set_committed_value(record, "reading_counted_at", now)
    return seconds
