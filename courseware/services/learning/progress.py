"""Where each person stands in a course: opening, reading and completing lessons."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session

from courseware.models import LessonProgress, LessonRevision, User, raw_statements
from courseware.models._time import utcnow
from courseware.models.sql import conflict_insert, table_of
from courseware.services import catalog
from courseware.services.catalog import CourseOutline, LessonOutline, ModuleOutline, RevisionOutline
from courseware.services.learning import certificates, course_state, reading
from courseware.services.people import page_versions


class HasId(Protocol):
    """A lesson as an outline object or a row: the states are found by id."""

    @property
    def id(self) -> int: ...


# The current certificate of a course (by id), if the person has one.
CertificateOf = Callable[[int], "certificates.CertificateCode | None"]
# Whether the person passed a refresh check for this certificate (id) since a moment.
RefreshPassed = Callable[[int, datetime], bool]


class LessonState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    QUIZ_PENDING = "quiz_pending"
    COMPLETED = "completed"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return {
            "not_started": _("Not started"),
            "in_progress": _("In progress"),
            "quiz_pending": _("Quiz to pass"),
            "completed": _("Completed"),
            "needs_review": _("Updated since you completed it"),
        }[self.value]

    @property
    def is_complete(self) -> bool:
        return self in (LessonState.COMPLETED, LessonState.NEEDS_REVIEW)


@dataclass(slots=True)
class ProgressRecord:
    """One person's progress in one lesson, as the pages read it (services write LessonProgress)."""

    id: int | None  # None for a record this request has just inserted
    lesson_id: int
    opened_at: datetime
    last_opened_at: datetime
    read_at: datetime | None
    quiz_passed_at: datetime | None
    completed_at: datetime | None
    completed_revision_id: int | None
    seconds_spent: int
    # The number of the revision the person completed (for "updated since you completed it").
    completed_number: int | None


@dataclass
class LessonStatus:
    lesson: LessonOutline
    # What the person reads: the revision in their language, else the source language's.
    revision: RevisionOutline
    progress: ProgressRecord | None
    state: LessonState
    has_quiz: bool
    # Published (or materially revised) since the person last opened it, or since they joined.
    is_new: bool = False

    @property
    def seconds_left(self) -> int:
        """Reading time still needed before the lesson counts as read (0 once read); the time
        follows the source language's estimate, as the states do."""
        if self.progress is not None and self.progress.read_at is not None:
            return 0
        spent = self.progress.seconds_spent if self.progress is not None else 0
        return reading.seconds_left(self.lesson.source.minutes, spent)

    @property
    def minutes_left(self) -> int:
        return reading.minutes_left(self.seconds_left)


@dataclass
class ModuleStatus:
    module: ModuleOutline
    lessons: list[LessonStatus] = field(default_factory=list)


class CourseProgress:
    """Where one person stands in one course; built from the cached outline and their records."""

    def __init__(self, course: CourseOutline, lessons: list[LessonStatus], certificate_of: CertificateOf,
                 refresh_passed: RefreshPassed):
        self.course = course
        self.lessons = lessons
        self._certificate_of = certificate_of
        self._refresh_passed = refresh_passed
        modules = {module.id: ModuleStatus(module) for module in course.modules}
        for status in lessons:
            modules.setdefault(status.lesson.module_id, ModuleStatus(status.lesson.module))
            modules[status.lesson.module_id].lessons.append(status)
        self.modules = [m for m in modules.values() if m.lessons]

    @cached_property
    def certificate(self) -> certificates.CertificateCode | None:
        """Loaded on first use: most pages never show it."""
        return self._certificate_of(self.course.id)

    def standing(self, now: datetime | None = None) -> course_state.Standing:
        """The person's state in the course as a whole (`course_state`), at `now` (default: now).
        Reads the certificate, and only once its refresh window is open, the refresh checks."""
        now = now or utcnow()
        certificate = self.certificate
        opens = course_state.refresh_opens_at(certificate, self.course.policy)
        passed = (certificate is not None and opens is not None and now >= opens
                  and self._refresh_passed(certificate.id, opens))
        return course_state.standing_of(self.lessons, certificate, self.course.policy, now,
                                        refresh_passed=passed, started=self.started)

    @cached_property
    def current_standing(self) -> course_state.Standing:
        """`standing()` now, for templates: computed once per page."""
        return self.standing()

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(1 for status in self.lessons if status.state.is_complete)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(status.progress is not None for status in self.lessons)

    @property
    def new_lessons(self) -> list[LessonStatus]:
        return [status for status in self.lessons if status.is_new]

    @property
    def next_lesson(self) -> LessonStatus | None:
        """Where to continue: the first lesson in course order that is not complete, else the first
        completed on a revision a material one has followed."""
        return (next((s for s in self.lessons if not s.state.is_complete), None)
                or next((s for s in self.lessons if s.state == LessonState.NEEDS_REVIEW), None))

    def neighbours(self, lesson: HasId) -> tuple[LessonStatus | None, LessonStatus | None]:
        index = next(i for i, status in enumerate(self.lessons) if status.lesson.id == lesson.id)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following

    def status_of(self, lesson: HasId) -> LessonStatus:
        return next(status for status in self.lessons if status.lesson.id == lesson.id)


def progress_in_all_courses(session: Session, user: User,
                            outline: catalog.Outline | None = None) -> list[CourseProgress]:
    """Every course with a published lesson, in three queries whatever the number of courses,
    lessons or people; `outline`: the one the request has read already (`catalog.current`)."""
    outline = outline or catalog.current(session)
    records = _records(session, user.id)
    certificates_of = _certificates_loader(session, user)
    refresh_passed = _refresh_loader(session, user)
    return [_course_progress(user.created_at, course, records, certificates_of, refresh_passed)
            for course in outline.courses if course.lessons]


def course_progress(session: Session, user: User, course: CourseOutline) -> CourseProgress:
    """The person's progress in one course of the published outline (`catalog.current`)."""
    records = _records(session, user.id)
    return _course_progress(user.created_at, course, records, _certificates_loader(session, user),
                            _refresh_loader(session, user))


# An opening this soon after the last one is the same visit (a reload, a look at the next lesson and
# back): it is not written again. The visit's start, from which the reading time counts, moves by
# less than this; HR's "last active" is as exact.
SAME_VISIT_SECONDS = 60


def open_lesson(session: Session, user: User, course: CourseOutline,
                lesson: LessonOutline) -> CourseProgress:
    """Record that the person opened the lesson (one write, none for the same visit) and return
    their progress."""
    records = _records(session, user.id)
    record = records.get(lesson.id)
    now = utcnow()
    if record is None or not _same_visit(record, lesson, now):
        connection = session.connection()
        if record is not None:
            # A reopening changes no page, unless it marks an update as seen.
            with nullcontext() if _is_new(user.created_at, record, lesson.source) else page_versions.quiet():
                connection.execute(_TOUCH, {"record_id": record.id, "now": now})
            record.last_opened_at = now
        elif _insert_first_open(connection, user.id, lesson.id, now):
            records[lesson.id] = ProgressRecord(None, lesson.id, now, now, None, None, None, None, 0, None)
        commit_keeping_loaded(session)
    if lesson.id not in records:  # another request opened it at the same moment
        records = _records(session, user.id)
    return _course_progress(user.created_at, course, records, _certificates_loader(session, user),
                            _refresh_loader(session, user))


def reopening_is_same_visit(last_opened_at: datetime | None) -> bool:
    """Whether opening the lesson now, last opened at that moment, would record nothing (when
    nothing was published since: the caller knows, courseware/page_cache.py by the content version)."""
    if last_opened_at is None:
        return False
    return 0 <= (utcnow() - last_opened_at).total_seconds() < SAME_VISIT_SECONDS


def record_reopening(engine: Engine, user_id: int, lesson_id: int) -> None:
    """A reopening that changes nothing a page shows (opened before, nothing published since, as the
    caller knows: courseware/page_cache.py), written as open_lesson writes it, in its own commit, on
    the DB-API cursor (quiet: no hook sees it)."""
    raw_statements.write(engine, _REOPEN, {"reader_id": user_id, "reopened_id": lesson_id, "now": utcnow()})


def _same_visit(record: ProgressRecord, lesson: LessonOutline, now: datetime) -> bool:
    """Opened within SAME_VISIT_SECONDS, and nothing published since that this opening would mark
    as seen (`_is_new`)."""
    published = lesson.source.published_at
    return (0 <= (now - record.last_opened_at).total_seconds() < SAME_VISIT_SECONDS
            and (published is None or published <= record.last_opened_at))


def commit_keeping_loaded(session: Session) -> None:
    """Commit one write without expiring what the request has loaded: the signed-in user would
    otherwise be read again (a query) the next time the page or a hook looks at it."""
    real = session() if isinstance(session, scoped_session) else session
    expire, real.expire_on_commit = real.expire_on_commit, False
    try:
        real.commit()
    finally:
        real.expire_on_commit = expire


def _insert_first_open(connection: Connection, user_id: int, lesson_id: int, now: datetime) -> bool:
    """The record of a first opening; False if one exists already (a double request)."""
    values = {"user_id": user_id, "lesson_id": lesson_id, "opened_at": now, "last_opened_at": now,
              "seconds_spent": 0}
    insert = conflict_insert(connection.dialect.name, _progress)
    if insert is not None:
        # PostgreSQL counts an INSERT's rows only when asked (SQLAlchemy 2).
        inserted = connection.execute(insert.values(values).on_conflict_do_nothing(
            index_elements=[_progress.c.user_id, _progress.c.lesson_id]).execution_options(
                preserve_rowcount=True))
        return inserted.rowcount == 1
    try:
        with connection.begin_nested():
            connection.execute(_progress.insert().values(values))
        return True
    except IntegrityError:
        return False


def _course_progress(joined: datetime, course: CourseOutline, records: dict[int, ProgressRecord],
                     certificates_of: CertificateOf, refresh_passed: RefreshPassed) -> CourseProgress:
    statuses = []
    for lesson in course.lessons:
        record = records.get(lesson.id)
        # States follow the source language's revision, whichever language the person reads.
        source = lesson.source
        statuses.append(
            LessonStatus(
                lesson=lesson,
                revision=lesson.revision,
                progress=record,
                state=_state_of(record, source, lesson.material_numbers),
                has_quiz=lesson.has_quiz,
                is_new=_is_new(joined, record, source),
            )
        )
    return CourseProgress(course, statuses, certificates_of, refresh_passed)


_progress = table_of(LessonProgress)
_revision = LessonRevision.__table__
_RECORDS = (
    select(_progress.c.id, _progress.c.lesson_id, _progress.c.opened_at, _progress.c.last_opened_at,
           _progress.c.read_at, _progress.c.quiz_passed_at, _progress.c.completed_at,
           _progress.c.completed_revision_id, _progress.c.seconds_spent,
           _revision.c.number.label("completed_number"))
    .outerjoin(_revision, _revision.c.id == _progress.c.completed_revision_id)
    .where(_progress.c.user_id == bindparam("user_id"))
)
_TOUCH = (
    _progress.update()
    .where(_progress.c.id == bindparam("record_id"))
    .values(last_opened_at=bindparam("now"))
)


_REOPEN = (
    _progress.update()
    .where(_progress.c.user_id == bindparam("reader_id"), _progress.c.lesson_id == bindparam("reopened_id"))
    .values(last_opened_at=bindparam("now"))
)


def _records(session: Session, user_id: int) -> dict[int, ProgressRecord]:
    """All the person's progress records (one per lesson opened), in one indexed query."""
    return {row.lesson_id: ProgressRecord(*row)
            for row in session.connection().execute(_RECORDS, {"user_id": user_id})}


def _certificates_loader(session: Session, user: User) -> CertificateOf:
    """The person's certificates by course, loaded (once) only if a page asks for one."""
    loaded: dict[int, certificates.CertificateCode] | None = None

    def certificate_of(course_id: int) -> certificates.CertificateCode | None:
        nonlocal loaded
        if loaded is None:
            loaded = certificates.codes_by_course(session, user)
        return loaded.get(course_id)

    return certificate_of


def _refresh_loader(session: Session, user: User) -> RefreshPassed:
    def refresh_passed(certificate_id: int, since: datetime) -> bool:
        return certificates.refresh_passed(session, user.id, certificate_id, since)

    return refresh_passed


def _state_of(record: ProgressRecord | None, revision: RevisionOutline,
              material_numbers: tuple[int, ...]) -> LessonState:
    if record is None:
        return LessonState.NOT_STARTED
    if record.completed_at is not None:
        if material_numbers and record.completed_revision_id != revision.id:
            completed_number = record.completed_number or 0
            if any(completed_number < n <= revision.number for n in material_numbers):
                return LessonState.NEEDS_REVIEW
        return LessonState.COMPLETED
    if record.read_at is not None:
        return LessonState.QUIZ_PENDING
    return LessonState.IN_PROGRESS


def _is_new(joined: datetime, record: ProgressRecord | None, revision: RevisionOutline) -> bool:
    """`joined`: when the person's account was made."""
    if revision.published_at is None:
        return False
    if record is None:
        return revision.published_at > joined
    return revision.material and revision.published_at > record.last_opened_at
