"""Turns the course files into database rows: a new revision only where content changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.content.loader import ContentSet, CourseFile, LessonFile, QuizFile, load_content
from courseware.content.rendering import content_hash, render_markdown
from courseware.content.yamlfile import ContentError
from courseware.models import ContentFile, Course, Lesson, LessonRevision, Module, Quiz, QuizVersion
from courseware.models._time import utcnow


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_content(lessons_dir, quizzes_dir) -> ContentSet:
    return load_content(lessons_dir, quizzes_dir)


def import_content(session: Session, lessons_dir, quizzes_dir) -> ImportReport:
    """Import every valid file; each file is written whole or not at all."""
    content = load_content(lessons_dir, quizzes_dir)
    report = ImportReport(errors=list(content.errors))
    for course_file in content.courses:
        course = _import_course(session, course_file, report)
        if course is None:
            continue
        for lesson_file in content.lessons_of(course_file.slug):
            _in_own_transaction(session, report, lesson_file.path, _import_lesson,
                                session, course, lesson_file, report)
    course_of_lesson = {lesson.slug: lesson.course_slug for lesson in content.lessons}
    for quiz_file in content.quizzes:
        _in_own_transaction(session, report, quiz_file.path, _import_quiz,
                            session, course_of_lesson[quiz_file.lesson_slug], quiz_file, report)
    return report


def _in_own_transaction(session: Session, report: ImportReport, path: str, work, *args) -> None:
    try:
        work(*args)
        session.commit()
    except Exception as exc:  # one file's failure must not stop the others
        session.rollback()
        report.errors.append(ContentError(path, f"could not be imported: {_short_reason(exc)}"))


def _short_reason(exc: Exception) -> str:
    """The database's own one-line reason, not the statement and parameters around it."""
    if isinstance(exc, ContentError):
        return exc.message
    reason = str(getattr(exc, "orig", None) or exc)
    return reason.splitlines()[0] if reason else exc.__class__.__name__


def _unchanged_since_last_import(session: Session, path: str, fingerprint: str) -> bool:
    """True when the file held the same content at its last import; else remembers it now.

    An unchanged file is left alone, so that importing again (as `make run` does at every start)
    never undoes what the president changed in the browser since.
    """
    key = str(Path(path).resolve())
    record = session.get(ContentFile, key)
    if record is not None and record.fingerprint == fingerprint:
        return True
    record = record or ContentFile(path=key)
    record.fingerprint = fingerprint
    record.imported_at = utcnow()
    session.add(record)
    return False


def _import_course(session: Session, course_file: CourseFile, report: ImportReport):
    try:
        course = session.scalar(select(Course).where(Course.slug == course_file.slug))
        fingerprint = content_hash("course", course_file.title, course_file.description,
                                   course_file.modules)
        if _unchanged_since_last_import(session, course_file.path, fingerprint) and course:
            return course
        if course is None:
            position = session.scalar(select(func.count(Course.id))) or 0
            course = Course(slug=course_file.slug, position=position)
            session.add(course)
            report.created.append(course_file.path)
        course.title = course_file.title
        course.description = course_file.description
        existing = {module.title: module for module in course.modules}
        for position, title in enumerate(course_file.modules):
            module = existing.get(title) or Module(course=course, title=title)
            module.position = position
            session.add(module)
        # Modules made in the browser and not (yet) in the file come after the file's own.
        extra = [module for module in course.modules if module.title not in course_file.modules]
        for position, module in enumerate(extra, start=len(course_file.modules)):
            module.position = position
        session.commit()
        return course
    except Exception as exc:
        session.rollback()
        report.errors.append(ContentError(course_file.path, f"could not be imported: {_short_reason(exc)}"))
        return None


def lesson_hash(title: str, summary: str, minutes: int, module: str, body: str,
                reflection: str | None = None) -> str:
    # The reflection prompt counts only when there is one, so that every revision written before
    # the field existed keeps its hash (and importing unchanged files creates nothing).
    if reflection:
        return content_hash("lesson", title, summary, minutes, module, body, reflection)
    return content_hash("lesson", title, summary, minutes, module, body)


def _import_lesson(session: Session, course: Course, lesson_file: LessonFile,
                   report: ImportReport) -> None:
    module = session.scalar(
        select(Module).where(Module.course_id == course.id, Module.title == lesson_file.module)
    )
    lesson = session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_file.slug)
    )
    digest = lesson_hash(lesson_file.title, lesson_file.summary, lesson_file.minutes,
                         lesson_file.module, lesson_file.body, lesson_file.reflection)
    fingerprint = content_hash("lesson-file", course.slug, lesson_file.order, digest)
    if _unchanged_since_last_import(session, lesson_file.path, fingerprint) and lesson:
        report.unchanged += 1
        return
    if lesson is None:
        lesson = Lesson(course=course, slug=lesson_file.slug)
        session.add(lesson)
        report.created.append(lesson_file.path)
        latest = None
    else:
        latest = lesson.revisions[-1] if lesson.revisions else None
    lesson.module = module
    lesson.position = lesson_file.order
    published = lesson.published_revision
    if published is not None and published.content_hash == digest:
        report.unchanged += 1
        return
    if latest is not None and latest.content_hash == digest:
        # The file holds the lesson's latest draft: publish that rather than copy it.
        lesson.published_revision = latest
        latest.published_at = utcnow()
        latest.scheduled_for = None
        return
    revision = LessonRevision(
        lesson=lesson,
        number=(latest.number + 1) if latest else 1,
        title=lesson_file.title,
        summary=lesson_file.summary,
        minutes=lesson_file.minutes,
        source=lesson_file.body,
        html=render_markdown(lesson_file.body),
        content_hash=digest,
        note=f"Imported from {lesson_file.path}",
        module_id=module.id,
        reflection=lesson_file.reflection or None,
    )
    revision.published_at = utcnow()
    session.add(revision)
    session.flush()
    lesson.published_revision = revision
    if latest is not None:
        report.revised.append(lesson_file.path)


def quiz_hash(pass_mark: int, max_attempts: int | None, questions: list[dict]) -> str:
    return content_hash("quiz", pass_mark, max_attempts, questions)


def _import_quiz(session: Session, course_slug: str, quiz_file: QuizFile, report: ImportReport) -> None:
    lesson = session.scalar(
        select(Lesson)
        .join(Course)
        .where(Course.slug == course_slug, Lesson.slug == quiz_file.lesson_slug)
    )
    if lesson is None:
        raise ContentError(quiz_file.path, f"no lesson named {quiz_file.lesson_slug!r}")
    digest = quiz_hash(quiz_file.pass_mark, quiz_file.max_attempts, quiz_file.questions)
    quiz = lesson.quiz
    fingerprint = content_hash("quiz-file", course_slug, quiz_file.lesson_slug, digest)
    if _unchanged_since_last_import(session, quiz_file.path, fingerprint) and quiz:
        report.unchanged += 1
        return
    if quiz is None:
        quiz = Quiz(lesson=lesson)
        session.add(quiz)
        report.created.append(quiz_file.path)
        latest = None
    else:
        latest = quiz.versions[-1] if quiz.versions else None
    current = quiz.current_version
    if current is not None and current.content_hash == digest:
        report.unchanged += 1
        return
    if latest is not None and latest.content_hash == digest:
        # The file holds the quiz's draft: publish that rather than copy it.
        quiz.current_version = latest
        latest.published_at = latest.published_at or utcnow()
        return
    version = QuizVersion(
        quiz=quiz,
        number=(latest.number + 1) if latest else 1,
        pass_mark=quiz_file.pass_mark,
        max_attempts=quiz_file.max_attempts,
        questions=quiz_file.questions,
        content_hash=digest,
        note=f"Imported from {quiz_file.path}",
        published_at=utcnow(),
    )
    session.add(version)
    session.flush()
    quiz.current_version = version
    if latest is not None:
        report.revised.append(quiz_file.path)
