"""Completing lessons: opening, reading and passing a lesson's quiz, and the certificate the last
completion earns (`course_state.decide`), all in the caller's or this module's one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask_babel import ngettext
from sqlalchemy import ColumnElement, Row, Select, bindparam
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from courseware.language import SOURCE_LANGUAGE
from courseware.models import Certificate, Course, Lesson, LessonProgress, User
from courseware.models._time import utcnow
from courseware.models.sql import conflict_insert, table_of
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


@dataclass(frozen=True, slots=True)
class PassRecord:
    """The person's record of a lesson as passing its quiz reads it (`with_pass_record`)."""

    id: int
    read_at: datetime | None
    quiz_passed_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class QuizPass:
    """What passing a lesson's quiz reads before the submission's first write (`before_quiz_pass`)."""

    lesson_id: int
    record: PassRecord | None
    # When the pass completes the lesson: the lesson and the record as objects, for the certificate.
    completing: tuple[Lesson, tuple[LessonProgress | None]] | None = None


_progress = table_of(LessonProgress)


def with_pass_record(query: Select[Any], user_id: ColumnElement[int],
                     lesson_id: ColumnElement[int]) -> Select[Any]:
    """`query` with the person's record of the lesson (`pass_record` reads it from a row): the query
    that reads the attempt to submit reads the record too, so that it costs no query of its own."""
    record = _progress.alias("pass_record")
    return query.add_columns(
        record.c.id.label("record_id"), record.c.read_at, record.c.quiz_passed_at, record.c.completed_at,
    ).outerjoin(record, (record.c.user_id == user_id) & (record.c.lesson_id == lesson_id))


def pass_record(row: Row[Any]) -> PassRecord | None:
    """The record in a row of a `with_pass_record` query; None when the person has none."""
    if row.record_id is None:
        return None
    return PassRecord(row.record_id, row.read_at, row.quiz_passed_at, row.completed_at)


_MARK_PASSED = (_progress.update()
                .where(_progress.c.id == bindparam("record_id"), _progress.c.quiz_passed_at.is_(None))
                .values(quiz_passed_at=bindparam("now")))


def before_quiz_pass(session: Session, user: User, lesson_id: int, record: PassRecord | None) -> QuizPass:
    """What record_quiz_pass needs, read before the submission's first write (as before_quiz_passed):
    nothing more than `record` (read with the attempt), unless the pass completes the lesson; then
    the objects a certificate needs, as before_quiz_passed reads them."""
    if record is None or record.read_at is None or record.completed_at is not None:
        return QuizPass(lesson_id, record)
    lesson = session.get_one(Lesson, lesson_id, options=[joinedload(Lesson.quiz), joinedload(Lesson.course)])
    return QuizPass(lesson_id, record, (lesson, before_quiz_passed(session, user, lesson)))


def record_quiz_pass(session: Session, user: User, passing: QuizPass) -> None:
    """record_quiz_passed with what before_quiz_pass read: at most one statement and no objects
    when the pass does not complete the lesson (a retake, or the lesson not read yet). The caller
    commits."""
    if passing.completing is not None:
        record_quiz_passed(session, user, *passing.completing)
        return
    connection, now = session.connection(), utcnow()
    if passing.record is not None:
        if passing.record.quiz_passed_at is None:
            connection.execute(_MARK_PASSED, {"record_id": passing.record.id, "now": now})
    elif not _insert_passed(connection, user.id, passing.lesson_id, now):
        # Another request made the record at the same moment: record_quiz_passed reads it.
        record_quiz_passed(session, user, session.get_one(Lesson, passing.lesson_id))


def _insert_passed(connection: Connection, user_id: int, lesson_id: int, now: datetime) -> bool:
    """A first record of the lesson, its quiz passed now; False when one exists already."""
    values = {"user_id": user_id, "lesson_id": lesson_id, "opened_at": now, "last_opened_at": now,
              "seconds_spent": 0, "quiz_passed_at": now}
    statement = _insert_unless_there(connection.dialect.name)
    if statement is not None:
        return connection.execute(statement, values).rowcount == 1
    try:
        with connection.begin_nested():
            connection.execute(_progress.insert(), values)
        return True
    except IntegrityError:
        return False


@cache
def _insert_unless_there(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on the person and lesson, built once per database kind. The
    rows it inserted are counted only when asked for (SQLAlchemy 2 counts an INSERT's rows on
    PostgreSQL only then: without it, every first pass would look like a conflict)."""
    insert = conflict_insert(dialect_name, _progress)
    if insert is None:
        return None
    return (insert.on_conflict_do_nothing(index_elements=[_progress.c.user_id, _progress.c.lesson_id])
            .execution_options(preserve_rowcount=True))


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
