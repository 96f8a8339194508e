"""Completing lessons: opening, reading and passing a lesson's quiz, and the certificate the last
completion earns (`course_state.decide`), all in the caller's or this module's one transaction."""
from __future__ import annotations

from datetime import datetime

from flask_babel import ngettext
from sqlalchemy.orm import Session

from courseware.language import SOURCE_LANGUAGE
from courseware.models import Certificate, Course, Lesson, LessonProgress, User
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.errors import Conflict
from courseware.services.learning import certificates, course_state, progress, reading


class ReadingTooShort(Conflict):
    """Marked read before the lesson's minimum reading time (`reading`): `seconds_left` to go."""

    def __init__(self, seconds_left: int):
        self.seconds_left = seconds_left
        self.minutes_left = reading.minutes_left(seconds_left)
        super().__init__(ngettext(
            "You have not spent long enough on this lesson yet: about %(num)d minute of reading left.",
            "You have not spent long enough on this lesson yet: about %(num)d minutes of reading left.",
            self.minutes_left))


def record_open(session: Session, user: User, lesson: Lesson) -> LessonProgress:
    now = utcnow()
    record = reading.record_for(session, user, lesson, now)
    record.last_opened_at = now
    session.commit()
    return record


def mark_read(session: Session, user: User, lesson: Lesson, *, seconds_read: int = 0) -> LessonProgress:
    """The person has read the lesson (the button, or the page's script at its end): counts this
    visit's time on the server's clock, then marks the lesson read, and completes it if the quiz
    allows, once the time counted reaches the lesson's minimum (`reading`). Raises ReadingTooShort
    otherwise, after keeping the time counted.

    `seconds_read`: reading time measured away from a lesson page (the demo company's simulated
    readers, test fixtures); requests never pass it."""
    now = utcnow()
    record = reading.record_for(session, user, lesson, now)
    if record.read_at is None:
        minutes = reading.lesson_minutes(lesson)
        reading.count_time(session, record, now, minutes)
        if seconds_read > 0:
            record.seconds_spent = record.seconds_spent + seconds_read
        left = reading.seconds_left(minutes, record.seconds_spent)
        if left:
            session.commit()
            raise ReadingTooShort(left)
        record.read_at = now
    if record.completed_at is not None and record.completed_revision_id != lesson.published_revision_id:
        # Reading the latest revision again confirms a completion that needed review.
        record.completed_revision_id = lesson.published_revision_id
        session.flush()
        certify_if_earned(session, user, lesson.course, now)
    _complete_if_done(session, user, lesson, record)
    session.commit()
    return record


def before_quiz_passed(session: Session, user: User, lesson: Lesson) -> tuple[LessonProgress | None]:
    """What record_quiz_passed reads, read before the submission's first write: on SQLite that write
    takes the one write lock until the commit, and every read inside would make other writers wait.
    The person's record of the lesson, or (None,) when there is none yet."""
    if lesson.quiz is not None:  # loaded for lesson.active_quiz
        lesson.quiz.current_version_id  # noqa: B018 - loads the row now, not under the lock
    return (reading.existing_record(session, user, lesson),)


def record_quiz_passed(session: Session, user: User, lesson: Lesson,
                       found: tuple[LessonProgress | None] | None = None) -> None:
    """Called inside the quiz submission's transaction, with what before_quiz_passed read; the caller
    commits."""
    record = reading.record_for(session, user, lesson, utcnow(), found)
    if record.quiz_passed_at is None:
        record.quiz_passed_at = utcnow()
    _complete_if_done(session, user, lesson, record)


def _complete_if_done(session: Session, user: User, lesson: Lesson, record: LessonProgress) -> None:
    if record.completed_at is not None or record.read_at is None:
        return
    if lesson.active_quiz is not None and record.quiz_passed_at is None:
        return
    record.completed_at = utcnow()
    record.completed_revision_id = lesson.published_revision_id
    session.flush()
    certify_if_earned(session, user, lesson.course, record.completed_at)


def certify_if_earned(session: Session, user: User, course: Course,
                      now: datetime) -> Certificate | None:
    """Issue the certificate the person has just earned, if any (`course_state.decide`): a first
    one, one that supersedes a certificate the course has outgrown, or a renewal. Inside the
    caller's transaction, after its writes are flushed; the caller commits."""
    outline = catalog.current(session, SOURCE_LANGUAGE).course_by_id(course.id)
    standing_progress = progress.course_progress(session, user, outline)
    standing = standing_progress.standing(now)
    kind = course_state.decide(standing, standing_progress.lessons)
    if kind is None:
        return None
    covered = [certificates.CoveredLesson(status.lesson.id, status.lesson.source.id,
                                          status.lesson.source.number, status.lesson.source.title)
               for status in standing_progress.lessons]
    replaces = (certificates.current_certificate(session, user.id, course.id)
                if standing.certificate is not None else None)
    return certificates.issue(
        session, user, course, covered, now=now, kind=kind, replaces=replaces,
        reading_seconds=sum(s.progress.seconds_spent for s in standing_progress.lessons if s.progress))


def record_reading(session: Session, user: User, lesson: Lesson, seconds: int,
                   reached_end: bool) -> LessonProgress:
    """The lesson page's report: about `seconds` more spent reading (counted at most as the time since
    the visit opened or the last count, `reading.count_time`), and whether the reader has reached the
    end of the lesson (which marks it read, under the same rule as the button)."""
    now = utcnow()
    record = reading.record_for(session, user, lesson, now)
    reading.count_time(session, record, now, reading.lesson_minutes(lesson), claimed=seconds)
    if reached_end:
        return mark_read(session, user, lesson)
    session.commit()
    return record
