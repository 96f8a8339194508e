"""The synthetic company of bench/hr_reports.py: managers in departments under reporting lines (a
director at the top of each block of `team + 1` people), a 40-lesson course with a quiz per lesson,
everyone's progress in every lesson, a submitted attempt per completed lesson and a 12-month
certificate for everyone who completed the course.

Bulk loading: PostgreSQL's COPY (psycopg's `cursor.copy`), executemany in batches elsewhere. People
get their ids here (the database is empty), so reporting lines need no second pass.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, text
from werkzeug.security import generate_password_hash

from courseware.extensions import db
from courseware.models import (
    Certificate,
    Course,
    Department,
    Lesson,
    LessonRevision,
    Module,
    Quiz,
    QuizVersion,
)
from courseware.models.sql import table_of

LESSONS = 40
PASSWORD = "bench-password-1"
NOW = datetime(2026, 11, 1)
LEVEL_ONE, LEVEL_TWO = 10, 200  # a director's direct reports, and theirs

USER_COLUMNS = ("id", "username", "full_name", "role", "department_id", "manager_id", "password_hash",
                "session_token", "active", "created_at", "department_since", "password_is_temporary")
PROGRESS_COLUMNS = ("user_id", "lesson_id", "opened_at", "last_opened_at", "read_at", "quiz_passed_at",
                    "completed_at", "completed_revision_id", "seconds_spent")
ATTEMPT_COLUMNS = ("user_id", "quiz_id", "quiz_version_id", "number", "state", "started_at",
                   "submitted_at", "score", "correct_count", "question_count", "passed")


def bulk(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Load rows into a table: COPY on PostgreSQL (one statement: the progress totals' triggers run
    once, over every row), executemany in batches of 20,000 elsewhere."""
    count = 0
    if connection.dialect.name == "postgresql":
        raw: Any = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    statement = insert(db.metadata.tables[table])  # typed: times stored as the ORM stores them
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == 20000:
            connection.execute(statement, batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(statement, batch)
    return count + len(batch)


def manager_of(index: int, team: int) -> int | None:
    """The line manager's id of the person at `index` (id index + 1): blocks of a director and
    `team` people below, in three levels."""
    block, position = divmod(index, team + 1)
    director = block * (team + 1) + 1
    if position == 0:
        return None
    if position <= LEVEL_ONE:
        return director
    if position <= LEVEL_ONE + LEVEL_TWO:
        return director + 1 + (position - LEVEL_ONE - 1) % LEVEL_ONE
    return director + 1 + LEVEL_ONE + (position - LEVEL_ONE - LEVEL_TWO - 1) % LEVEL_TWO


def _content() -> tuple[int, list[tuple[int, int]], list[tuple[int, int]]]:
    """The course, its lessons (id, revision id) and quizzes (id, version id)."""
    course = Course(slug="bench", title="Bench Course", description="Synthetic", validity_months=12)
    db.session.add(course)
    db.session.flush()
    modules = [Module(course_id=course.id, title=f"Module {i}", position=i) for i in range(8)]
    db.session.add_all(modules)
    db.session.flush()
    questions = [{"id": f"q{i}", "type": "single", "prompt": f"Question {i}?",
                  "options": [{"key": "a", "text": "Right", "correct": True, "explain": "Yes."},
                              {"key": "b", "text": "Wrong", "correct": False, "explain": "No."}]}
                 for i in range(5)]
    lessons, quizzes = [], []
    for n in range(1, LESSONS + 1):
        lesson = Lesson(course_id=course.id, module_id=modules[(n - 1) // 5].id, slug=f"lesson-{n}",
                        position=n)
        db.session.add(lesson)
        db.session.flush()
        revision = LessonRevision(lesson_id=lesson.id, number=1, title=f"Lesson {n}", source="Text.",
                                  html="<p>Text.</p>", content_hash=str(n), published_at=NOW)
        quiz = Quiz(lesson_id=lesson.id)
        db.session.add_all([revision, quiz])
        db.session.flush()
        lesson.published_revision_id = revision.id
        version = QuizVersion(quiz_id=quiz.id, number=1, pass_mark=80, questions=questions,
                              content_hash=str(n), published_at=NOW)
        db.session.add(version)
        db.session.flush()
        quiz.current_version_id = version.id
        lessons.append((lesson.id, revision.id))
        quizzes.append((quiz.id, version.id))
    return course.id, lessons, quizzes


def _people(managers: int, department_ids: list[int], hr_department: int, team: int) -> Iterator[tuple]:
    password_hash = generate_password_hash(PASSWORD)
    for index in range(managers):
        yield (index + 1, f"m{index:05d}", f"Manager {index:05d}", "manager",
               department_ids[index % len(department_ids)], manager_of(index, team), password_hash,
               f"token-{index}", True, NOW, NOW, False)
    yield (managers + 1, "bench.hr", "Bench HR", "hr", hr_department, None, password_hash, "token-hr", True,
           NOW, NOW, False)


class Activity:
    """Everyone's progress and attempts, drawn once per person (the same seed, the same company)."""

    def __init__(self, managers: int, lessons: list[tuple[int, int]], quizzes: list[tuple[int, int]]):
        rng = random.Random(7)
        self.lessons, self.quizzes = lessons, quizzes
        # Everyone has opened every lesson; a random share of them, in order, are complete.
        self.completed = [rng.randint(0, LESSONS) for _ in range(managers)]
        self.seed = rng.random()

    def progress(self) -> Iterator[tuple]:
        rng = random.Random(self.seed)
        for index, completed in enumerate(self.completed):
            for position, (lesson_id, revision_id) in enumerate(self.lessons):
                opened = NOW + timedelta(minutes=rng.randint(0, 40000))
                done = opened if position < completed else None
                yield (index + 1, lesson_id, opened, opened, done, done, done,
                       revision_id if done else None, rng.randint(60, 900))

    def attempts(self) -> Iterator[tuple]:
        for index, completed in enumerate(self.completed):
            for quiz_id, version_id in self.quizzes[:completed]:
                at = NOW + timedelta(minutes=index % 40000)
                yield (index + 1, quiz_id, version_id, 1, "submitted", at, at, 100, 5, 5, True)


def build(managers: int, departments: int, team: int) -> str:
    """The company in the (empty, migrated) database of the app context; what was built."""
    course_id, lessons, quizzes = _content()
    made = [Department(name=f"Department {i:03d}") for i in range(departments)]
    made.append(Department(name="Human Resources"))
    db.session.add_all(made)
    db.session.flush()
    connection = db.session.connection()
    bulk(connection, "user_account", USER_COLUMNS,
         _people(managers, [d.id for d in made[:-1]], made[-1].id, team))
    activity = Activity(managers, lessons, quizzes)
    progress = bulk(connection, "lesson_progress", PROGRESS_COLUMNS, activity.progress())
    attempts = bulk(connection, "quiz_attempt", ATTEMPT_COLUMNS, activity.attempts())
    covered = [{"lesson_id": lesson_id, "revision_id": revision_id, "number": 1, "title": f"Lesson {n}"}
               for n, (lesson_id, revision_id) in enumerate(lessons, start=1)]
    rng = random.Random(11)
    certificates = []
    for index, completed in enumerate(activity.completed):
        if completed == LESSONS:
            issued = NOW - timedelta(days=rng.randint(0, 400))
            certificates.append({"user_id": index + 1, "course_id": course_id, "code": f"B-{index + 1:08d}",
                                 "issued_at": issued, "kind": "completion", "lessons": covered,
                                 "valid_from": issued, "expires_at": issued + timedelta(days=365)})
    if certificates:
        db.session.execute(insert(table_of(Certificate)), certificates)
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT setval(pg_get_serial_sequence('user_account', 'id'), "
                                "(SELECT max(id) FROM user_account))"))
    db.session.commit()
    return (f"{managers:,} managers, {departments} departments, {LESSONS} lessons, {progress:,} progress "
            f"rows, {attempts:,} attempts, {len(certificates):,} certificates, teams of {team:,}")
