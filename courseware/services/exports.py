"""CSV exports for HR: RFC 4180, UTF-8 with a byte-order mark (so Excel reads Chinese names),
streamed, and safe against formula injection."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import (
    Course,
    Lesson,
    LessonProgress,
    LessonRevision,
    Quiz,
    QuizAttempt,
    QuizVersion,
    User,
)
from courseware.services.reports import Filters, person_rows, submitted_attempts_query

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_PEOPLE = 500


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_stream(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield the CSV a few hundred rows at a time, starting with the byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


PROGRESS_HEADER = ["username", "full_name", "department", "role", "course", "lesson_number", "lesson",
                   "state", "completed_on", "completed_revision", "best_score", "attempts",
                   "minutes_spent"]


def progress_rows(session: Session, course: Course, filters: Filters) -> Iterator[list[object]]:
    """People × lessons: one row per person and published lesson, people in name order."""
    people = sorted(person_rows(session, course, filters), key=lambda r: (r.full_name.lower(), r.user_id))
    lessons = session.execute(
        select(Lesson.id, Lesson.position, LessonRevision.title, Quiz.id)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .outerjoin(Quiz, Quiz.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id)
        .order_by(Lesson.position)
    ).all()
    lesson_ids = [lesson_id for lesson_id, *_ in lessons]
    # In chunks of people, so memory stays flat however large the company is.
    for start in range(0, len(people), CHUNK_PEOPLE):
        chunk = people[start:start + CHUNK_PEOPLE]
        ids = [row.user_id for row in chunk]
        progress = {
            (user_id, lesson_id): (read_at, completed_at, number, seconds)
            for user_id, lesson_id, read_at, completed_at, number, seconds in session.execute(
                select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.read_at,
                       LessonProgress.completed_at, LessonRevision.number, LessonProgress.seconds_spent)
                .outerjoin(LessonRevision, LessonRevision.id == LessonProgress.completed_revision_id)
                .where(LessonProgress.user_id.in_(ids), LessonProgress.lesson_id.in_(lesson_ids))
            )
        }
        scores = {
            (user_id, quiz_id): (best, count)
            for user_id, quiz_id, best, count in session.execute(
                select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.max(QuizAttempt.score),
                       func.count(QuizAttempt.id))
                .where(QuizAttempt.user_id.in_(ids), QuizAttempt.state == "submitted")
                .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
            )
        }
        for person in chunk:
            for lesson_id, position, title, quiz_id in lessons:
                read_at, completed_at, number, seconds = progress.get(
                    (person.user_id, lesson_id), (None, None, None, 0))
                best, count = scores.get((person.user_id, quiz_id), (None, 0))
                state = ("completed" if completed_at else "quiz pending" if read_at
                         else "opened" if (person.user_id, lesson_id) in progress else "not started")
                yield [person.username, person.full_name, person.department, person.role,
                       course.title, position, title, state, completed_at, number, best, count,
                       round((seconds or 0) / 60)]


ATTEMPTS_HEADER = ["username", "full_name", "department", "course", "lesson_number", "lesson",
                   "attempt", "quiz_version", "score", "passed", "submitted_at"]


def attempt_rows(session: Session, course: Course, filters: Filters) -> Iterator[list[object]]:
    people = {row.user_id: row for row in person_rows(session, course, filters)}
    attempts = submitted_attempts_query(course).subquery()
    query = (
        select(attempts.c.user_id, Lesson.position, LessonRevision.title, attempts.c.number,
               QuizVersion.number, attempts.c.score, attempts.c.passed, attempts.c.submitted_at)
        .join(QuizVersion, QuizVersion.id == attempts.c.quiz_version_id)
        .join(Quiz, Quiz.id == attempts.c.quiz_id)
        .join(Lesson, Lesson.id == Quiz.lesson_id)
        .outerjoin(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .join(User, User.id == attempts.c.user_id)
        .order_by(User.full_name, Lesson.position, attempts.c.number)
    )
    for user_id, position, title, number, version, score, passed, submitted in session.execute(
        query.execution_options(yield_per=1000)
    ):
        person = people.get(user_id)
        if person is None:
            continue
        yield [person.username, person.full_name, person.department, course.title, position, title,
               number, version, score, passed, submitted]
