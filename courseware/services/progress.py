"""Where each person stands in a course: opening, reading and completing lessons."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from courseware.models import Course, Lesson, LessonProgress, LessonRevision, Module, User
from courseware.models._time import utcnow
from courseware.services import certificates
from courseware.services.errors import NotFound


class LessonState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    QUIZ_PENDING = "quiz_pending"
    COMPLETED = "completed"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "quiz_pending": "Quiz to pass",
            "completed": "Completed",
            "needs_review": "Updated since you completed it",
        }[self.value]

    @property
    def is_complete(self) -> bool:
        return self in (LessonState.COMPLETED, LessonState.NEEDS_REVIEW)


@dataclass
class LessonStatus:
    lesson: Lesson
    revision: LessonRevision
    progress: LessonProgress | None
    state: LessonState
    has_quiz: bool
    # Published (or materially revised) since the person last opened it, or since they joined.
    is_new: bool = False


@dataclass
class ModuleStatus:
    module: Module
    lessons: list[LessonStatus] = field(default_factory=list)


@dataclass
class CourseProgress:
    course: Course
    lessons: list[LessonStatus]
    modules: list[ModuleStatus]
    certificate: object | None

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
        """Where to continue: the first lesson in course order that is not complete."""
        return next((s for s in self.lessons if not s.state.is_complete), None)

    def neighbours(self, lesson: Lesson) -> tuple[LessonStatus | None, LessonStatus | None]:
        index = next(i for i, status in enumerate(self.lessons) if status.lesson.id == lesson.id)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following

    def status_of(self, lesson: Lesson) -> LessonStatus:
        return next(status for status in self.lessons if status.lesson.id == lesson.id)


def list_courses(session: Session, published_only: bool = False) -> list[Course]:
    """Every course, or (for learners) only those with at least one published lesson."""
    query = select(Course).order_by(Course.position, Course.id)
    if published_only:
        query = query.where(Course.id.in_(
            select(Lesson.course_id).where(Lesson.published_revision_id.is_not(None))))
    return list(session.scalars(query))


def get_course(session: Session, slug: str) -> Course:
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound("No such course.")
    return course


def get_published_lesson(session: Session, course: Course, slug: str) -> Lesson:
    lesson = session.scalar(
        select(Lesson).where(
            Lesson.course_id == course.id,
            Lesson.slug == slug,
            Lesson.published_revision_id.is_not(None),
        )
    )
    if lesson is None:
        raise NotFound("No such lesson.")
    return lesson


def published_lessons(session: Session, course: Course) -> list[Lesson]:
    return list(
        session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.published_revision_id.is_not(None))
            .order_by(Lesson.position, Lesson.id)
            .options(
                selectinload(Lesson.published_revision),
                selectinload(Lesson.module),
                selectinload(Lesson.quiz),
            )
        )
    )


def progress_in_all_courses(session: Session, user: User) -> list[CourseProgress]:
    return [course_progress(session, user, course) for course in list_courses(session, published_only=True)]


def course_progress(session: Session, user: User, course: Course) -> CourseProgress:
    lessons = published_lessons(session, course)
    lesson_ids = [lesson.id for lesson in lessons]
    records = {
        record.lesson_id: record
        for record in session.scalars(
            select(LessonProgress).where(
                LessonProgress.user_id == user.id, LessonProgress.lesson_id.in_(lesson_ids)
            )
        )
    }
    material = _material_revision_numbers(session, lesson_ids)
    statuses = []
    for lesson in lessons:
        record = records.get(lesson.id)
        revision = lesson.published_revision
        statuses.append(
            LessonStatus(
                lesson=lesson,
                revision=revision,
                progress=record,
                state=_state_of(record, lesson, revision, material.get(lesson.id, []), session),
                has_quiz=lesson.active_quiz is not None,
                is_new=_is_new(user, record, revision),
            )
        )
    modules: dict[int, ModuleStatus] = {}
    for module in course.modules:
        modules[module.id] = ModuleStatus(module)
    for status in statuses:
        modules.setdefault(status.lesson.module_id, ModuleStatus(status.lesson.module))
        modules[status.lesson.module_id].lessons.append(status)
    return CourseProgress(
        course=course,
        lessons=statuses,
        modules=[m for m in modules.values() if m.lessons],
        certificate=certificates.certificate_for(session, user, course),
    )


def _material_revision_numbers(session: Session, lesson_ids: list[int]) -> dict[int, list[int]]:
    rows = session.execute(
        select(LessonRevision.lesson_id, LessonRevision.number).where(
            LessonRevision.lesson_id.in_(lesson_ids), LessonRevision.material.is_(True)
        )
    )
    numbers: dict[int, list[int]] = {}
    for lesson_id, number in rows:
        numbers.setdefault(lesson_id, []).append(number)
    return numbers


def _state_of(record, lesson, revision, material_numbers, session) -> LessonState:
    if record is None:
        return LessonState.NOT_STARTED
    if record.completed_at is not None:
        if material_numbers and record.completed_revision_id != revision.id:
            completed_number = session.get(LessonRevision, record.completed_revision_id).number
            if any(completed_number < n <= revision.number for n in material_numbers):
                return LessonState.NEEDS_REVIEW
        return LessonState.COMPLETED
    if record.read_at is not None:
        return LessonState.QUIZ_PENDING
    return LessonState.IN_PROGRESS


def _is_new(user: User, record: LessonProgress | None, revision: LessonRevision) -> bool:
    if revision.published_at is None:
        return False
    if record is None:
        return revision.published_at > user.created_at
    return revision.material and revision.published_at > record.last_opened_at


def _progress_record(session: Session, user: User, lesson: Lesson) -> LessonProgress:
    """The person's record for a lesson, created on first need; safe against a double request."""
    query = select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    )
    record = session.scalar(query)
    if record is not None:
        return record
    try:
        with session.begin_nested():
            record = LessonProgress(user_id=user.id, lesson_id=lesson.id)
            session.add(record)
        return record
    except IntegrityError:
        return session.scalar(query)


def record_open(session: Session, user: User, lesson: Lesson) -> LessonProgress:
    record = _progress_record(session, user, lesson)
    record.last_opened_at = utcnow()
    session.commit()
    return record


def mark_read(session: Session, user: User, lesson: Lesson) -> LessonProgress:
    """The person has read the lesson to its end (or said so); completes it if the quiz allows."""
    record = _progress_record(session, user, lesson)
    if record.read_at is None:
        record.read_at = utcnow()
    if record.completed_at is not None:
        # Reading the latest revision again confirms a completion that needed review.
        record.completed_revision_id = lesson.published_revision_id
    _complete_if_done(session, user, lesson, record)
    session.commit()
    return record


def record_quiz_passed(session: Session, user: User, lesson: Lesson) -> None:
    """Called inside the quiz submission's transaction; the caller commits."""
    record = _progress_record(session, user, lesson)
    if record.quiz_passed_at is None:
        record.quiz_passed_at = utcnow()
    _complete_if_done(session, user, lesson, record)


def _complete_if_done(session: Session, user: User, lesson: Lesson, record: LessonProgress):
    if record.completed_at is not None or record.read_at is None:
        return
    if lesson.active_quiz is not None and record.quiz_passed_at is None:
        return
    record.completed_at = utcnow()
    record.completed_revision_id = lesson.published_revision_id
    session.flush()
    certificates.issue_if_earned(session, user, lesson.course)
