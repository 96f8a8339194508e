"""CSV exports for HR: RFC 4180, UTF-8 with a byte-order mark (so Excel reads Chinese names),
streamed, and safe against formula injection. The header row and the status words are in the
reader's language; names, departments and lesson titles are as stored. Times are written
"YYYY-MM-DD HH:MM" in the company's time zone (COMPANY_TIMEZONE), which the header of each time column
names ("completed_on (Asia/Shanghai)"): a file is the same whoever downloads it, and a spreadsheet
reads the cells as times."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import Integer, String, Text, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
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
from courseware.services.catalog import published
from courseware.services.reports.completion import Filters, PersonRow, person_rows, submitted_attempts_query
from courseware.timezones import company_zone, to_local, zone_key

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_PEOPLE = 500


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return CompanyTimes(company_zone())(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class CompanyTimes:
    """Stored times (naive UTC, or as the database's text) as the exports write them: in the company's
    zone, to the minute ("2026-12-03 19:40"). Quick enough for hundreds of thousands of cells: the
    zone's offset is looked up once per quarter of an hour (every offset, and every change of
    offset, falls on one)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._offsets: dict[tuple[int, int, int, int, int], timedelta] = {}

    def __call__(self, value: datetime | str | None) -> str:
        if not value:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        key = (value.year, value.month, value.day, value.hour, value.minute // 15)
        offset = self._offsets.get(key)
        if offset is None:
            offset = self._offsets[key] = to_local(value, self.zone).utcoffset() or timedelta(0)
        return (value + offset).isoformat(" ", "minutes")


def in_company_zone(column: str) -> str:
    """A time column's header, naming the zone its times are in: 'completed_on (Asia/Shanghai)'."""
    return _("%(column)s (%(zone)s)", column=column, zone=zone_key(company_zone()))


def csv_stream(header: list[str], rows: Iterable[Iterable[object]], *, cells_are_safe: bool = False
               ) -> Iterator[str]:
    """Yield the CSV a few thousand rows at a time, starting with the byte-order mark.

    `cells_are_safe`: the rows were already passed through safe_cell (done once per person and
    lesson rather than once per cell, for the large exports).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row if cells_are_safe else [safe_cell(value) for value in row])
        if count % 2000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# The header rows in English, as they have always been; progress_header() and attempts_header() give
# them in the reader's language (the English catalog keeps these words).
PROGRESS_HEADER = ["username", "full_name", "department", "role", "course", "lesson_number", "lesson",
                   "state", "completed_on", "completed_revision", "best_score", "attempts",
                   "minutes_spent", "certificate", "certificate_issued", "certificate_expires",
                   "course_state"]
# A person's role as the export names it; the stored value never changes.
ROLE_WORDS = {"manager": _l("manager"), "hr": _l("hr"), "president": _l("president")}


def progress_header() -> list[str]:
    return [
        pgettext("CSV column", "username"), pgettext("CSV column", "full_name"),
        pgettext("CSV column", "department"), pgettext("CSV column", "role"),
        pgettext("CSV column", "course"), pgettext("CSV column", "lesson_number"),
        pgettext("CSV column", "lesson"), pgettext("CSV column", "state"),
        in_company_zone(pgettext("CSV column", "completed_on")), pgettext("CSV column", "completed_revision"),
        pgettext("CSV column", "best_score"), pgettext("CSV column", "attempts"),
        pgettext("CSV column", "minutes_spent"), pgettext("CSV column", "certificate"),
        pgettext("CSV column", "certificate_issued"), pgettext("CSV column", "certificate_expires"),
        pgettext("CSV column", "course_state"),
    ]


def _role_words() -> dict[str, str]:
    return {role: safe_cell(str(word)) for role, word in ROLE_WORDS.items()}


def _course_cells(person: PersonRow) -> list[str]:
    """The person's current certificate (code, issued, expires) and course state, as cells."""
    certificate = person.certificate
    if certificate is None:
        return ["", "", "", safe_cell(person.status.label)]
    expires = certificate.expires_at.date() if certificate.expires_at is not None else None
    return [safe_cell(certificate.code), safe_cell(certificate.issued_at.date()), safe_cell(expires),
            safe_cell(person.status.label)]


def progress_rows(session: Session, course: Course, filters: Filters) -> Iterator[list[object]]:
    """People × lessons: one row per person and published lesson, people in name order; each row
    ends with the person's certificate and state in the course."""
    people = sorted(person_rows(session, course, filters), key=lambda r: (r.full_name.lower(), r.user_id))
    lessons = session.execute(published.lessons_in_order(course.id)).all()
    lesson_ids = [lesson_id for lesson_id, *_ in lessons]
    course_title = safe_cell(course.title)
    lesson_rows = [(lesson_id, [course_title, position, safe_cell(title)], quiz_id)
                   for lesson_id, position, title, quiz_id, _version_id in lessons]
    # The words looked up once, in the language of the request the export streams for.
    roles = _role_words()
    not_started, completed_word = safe_cell(_("not started")), safe_cell(_("completed"))
    quiz_pending, opened = safe_cell(_("quiz pending")), safe_cell(_("opened"))
    # Everyone's progress in one query read through a server-side cursor, in the people's order, so
    # memory stays flat however large the company is; quiz scores in chunks of people. Core queries
    # on the session's connection, and timestamps read as text: no ORM objects, and a datetime only
    # for a completed lesson, to write its time in the company's zone.
    connection = session.connection()
    stream = _progress_in_order(session, [row.user_id for row in people], lesson_ids)
    pending = next(stream, None)
    for start in range(0, len(people), CHUNK_PEOPLE):
        chunk = people[start:start + CHUNK_PEOPLE]
        scores = _best_scores(connection, [row.user_id for row in chunk])
        for index, person in enumerate(chunk, start):
            progress = {}
            while pending is not None and pending[0] == index:
                progress[pending[1]] = pending[2:]
                pending = next(stream, None)
            who = [safe_cell(person.username), safe_cell(person.full_name), safe_cell(person.department),
                   roles.get(person.role) or safe_cell(person.role)]
            held = _course_cells(person)
            for lesson_id, lesson_cells, quiz_id in lesson_rows:
                record = progress.get(lesson_id)
                best, count = scores.get((person.user_id, quiz_id), ("", 0))
                if record is None:
                    yield [*who, *lesson_cells, not_started, "", "", best, count, 0, *held]
                    continue
                read, completed_on, number, seconds = record
                state = completed_word if completed_on else quiz_pending if read else opened
                yield [*who, *lesson_cells, state, completed_on, "" if number is None else number,
                       best, count, round((seconds or 0) / 60), *held]


def _best_scores(connection: Connection, ids: list[int]) -> dict[tuple[int, int], tuple[object, int]]:
    """Per person and quiz: the best submitted score and the number of submitted attempts."""
    return {
        (user_id, quiz_id): (best, count)
        for user_id, quiz_id, best, count in connection.execute(
            select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.max(QuizAttempt.score),
                   func.count(QuizAttempt.id))
            .where(QuizAttempt.user_id.in_(ids), QuizAttempt.state == "submitted")
            .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
        ).all()
    }


STREAM_ROWS = 2000  # rows fetched at a time from the server-side cursor


def _progress_in_order(session: Session, ids: list[int], lesson_ids: list[int]) -> Iterator[tuple]:
    """The people's progress rows in these lessons as (the person's index in `ids`, lesson id, read,
    completed on in the company's zone, completed revision's number, seconds spent), in the order of
    `ids`: one query whose rows come through a server-side cursor (`yield_per`), a batch at a time.
    The ids go as one parameter with their positions (an array WITH ORDINALITY on PostgreSQL, JSON
    on SQLite)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        array = bindparam("people", "{" + ",".join(str(int(i)) for i in ids) + "}", type_=Text)
        listed = (func.unnest(cast(array, ARRAY(Integer))).table_valued("value", with_ordinality="n")
                  .render_derived("listed"))
        person, position = listed.c.value, listed.c.n - 1
    else:
        listed = func.json_each(bindparam("people", json.dumps(ids))).table_valued("key", "value")
        person, position = listed.c.value, listed.c.key
    company_time = CompanyTimes(company_zone())
    query = (
        select(position, LessonProgress.lesson_id, LessonProgress.read_at.is_not(None),
               cast(LessonProgress.completed_at, String), LessonRevision.number, LessonProgress.seconds_spent)
        .select_from(listed)
        .join(LessonProgress, LessonProgress.user_id == person)
        .outerjoin(LessonRevision, LessonRevision.id == LessonProgress.completed_revision_id)
        .where(LessonProgress.lesson_id.in_(lesson_ids))
        .order_by(position)
    )
    for index, lesson_id, read, completed, number, seconds in connection.execute(
            query.execution_options(yield_per=STREAM_ROWS)):
        yield index, lesson_id, read, company_time(completed), number, seconds


ATTEMPTS_HEADER = ["username", "full_name", "department", "course", "lesson_number", "lesson",
                   "attempt", "quiz_version", "quiz_language", "score", "passed", "submitted_at"]


def attempts_header() -> list[str]:
    return [
        pgettext("CSV column", "username"), pgettext("CSV column", "full_name"),
        pgettext("CSV column", "department"), pgettext("CSV column", "course"),
        pgettext("CSV column", "lesson_number"), pgettext("CSV column", "lesson"),
        pgettext("CSV column", "attempt"), pgettext("CSV column", "quiz_version"),
        pgettext("CSV column", "quiz_language"), pgettext("CSV column", "score"),
        pgettext("CSV column", "passed"), in_company_zone(pgettext("CSV column", "submitted_at")),
    ]


def attempt_rows(session: Session, course: Course, filters: Filters) -> Iterator[list[object]]:
    people = {row.user_id: row for row in person_rows(session, course, filters)}
    attempts = submitted_attempts_query(course).subquery()
    query = (
        select(attempts.c.user_id, Lesson.position, LessonRevision.title, attempts.c.number,
               QuizVersion.number, QuizVersion.language, attempts.c.score, attempts.c.passed,
               attempts.c.submitted_at)
        .join(QuizVersion, QuizVersion.id == attempts.c.quiz_version_id)
        .join(Quiz, Quiz.id == attempts.c.quiz_id)
        .join(Lesson, Lesson.id == Quiz.lesson_id)
        .outerjoin(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .join(User, User.id == attempts.c.user_id)
        .order_by(User.full_name, Lesson.position, attempts.c.number)
    )
    answers = {True: _("yes"), False: _("no")}
    for user_id, position, title, number, version, language, score, passed, submitted in session.execute(
        query.execution_options(yield_per=1000)
    ):
        person = people.get(user_id)
        if person is None:
            continue
        yield [person.username, person.full_name, person.department, course.title, position, title,
               number, version, language, score, answers.get(passed, passed), submitted]
