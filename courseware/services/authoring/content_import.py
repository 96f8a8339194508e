"""Turns the course files into database rows: a new revision only where content changed.

Versions in other languages (lessons/<course>/zh_CN/, quizzes/zh_CN/) become revisions and quiz
versions in that language of the same lesson and quiz, published for that language
(models/content explains the model)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.content.loader import ContentSet, CourseFile, LessonFile, QuizFile, load_content
from courseware.content.rendering import content_hash, lesson_hash, quiz_hash, render_markdown
from courseware.content.yamlfile import ContentError
from courseware.language import SOURCE_LANGUAGE
from courseware.models import (
    ContentFile,
    Course,
    Lesson,
    LessonRevision,
    Module,
    Quiz,
    QuizVersion,
)
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


def check_content(lessons_dir: Path | str, quizzes_dir: Path | str) -> ContentSet:
    return load_content(lessons_dir, quizzes_dir)


def import_content(session: Session, lessons_dir: Path | str, quizzes_dir: Path | str) -> ImportReport:
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
        for translated in content.translated_courses:
            if translated.slug == course_file.slug:
                _in_own_transaction(session, report, translated.path, _import_course_translation,
                                    session, course, course_file, translated)
        for lesson_file in content.translated_lessons:
            if lesson_file.course_slug == course_file.slug:
                _in_own_transaction(session, report, lesson_file.path, _import_lesson,
                                    session, course, lesson_file, report)
    course_of_lesson = {lesson.slug: lesson.course_slug for lesson in content.lessons}
    for quiz_file in (*content.quizzes, *content.translated_quizzes):
        _in_own_transaction(session, report, quiz_file.path, _import_quiz,
                            session, course_of_lesson[quiz_file.lesson_slug], quiz_file, report)
    return report


def _in_own_transaction(session: Session, report: ImportReport, path: str, work: Callable[..., object],
                        *args: object) -> None:
    try:
        work(*args)
        session.commit()
    except Exception as exc:  # one file's failure must not stop the others
        session.rollback()
        report.errors.append(ContentError(path, _("could not be imported: %(reason)s",
                                                  reason=_short_reason(exc))))


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


def _import_course(session: Session, course_file: CourseFile, report: ImportReport) -> Course | None:
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
        report.errors.append(ContentError(course_file.path, _("could not be imported: %(reason)s",
                                                              reason=_short_reason(exc))))
        return None


def _import_course_translation(session: Session, course: Course, original: CourseFile,
                               translated: CourseFile) -> None:
    """The course's and its modules' titles in the translation's language (modules by position)."""
    fingerprint = content_hash("course-translation", translated.language, translated.title,
                               translated.description, original.modules, translated.modules)
    if _unchanged_since_last_import(session, translated.path, fingerprint):
        return
    language = translated.language
    course.translations = {**(course.translations or {}),
                           language: {"title": translated.title, "description": translated.description}}
    modules = {module.title: module for module in course.modules}
    for title, translated_title in zip(original.modules, translated.modules, strict=True):
        module = modules.get(title)
        if module is not None:
            module.translations = {**(module.translations or {}), language: {"title": translated_title}}


def _import_lesson(session: Session, course: Course, lesson_file: LessonFile,
                   report: ImportReport) -> None:
    """A lesson file, or its version in another language (`lesson_file.language`)."""
    language = lesson_file.language
    source = language == SOURCE_LANGUAGE
    lesson = session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_file.slug)
    )
    if source:
        found = session.scalar(
            select(Module).where(Module.course_id == course.id, Module.title == lesson_file.module))
        if found is None:  # the loader checked the module is listed in course.yaml, which made it
            raise ContentError(lesson_file.path, _("no module %(title)s in the course",
                                                   title=repr(lesson_file.module)))
        module = found
    elif lesson is None:
        raise ContentError(lesson_file.path, _("no lesson %(slug)s to translate",
                                               slug=repr(lesson_file.slug)))
    else:
        # The translation's module is the lesson's own (the loader checked they are the same one).
        module = lesson.module
    # A translation's module is its lesson's, not part of it: its hash leaves it out, as the
    # editor's does, so that moving the lesson never makes its translations look changed.
    digest = lesson_hash(lesson_file.title, lesson_file.summary, lesson_file.minutes,
                         lesson_file.module if source else "", lesson_file.body, lesson_file.reflection,
                         lesson_file.objectives, lesson_file.discussion)
    kind = "lesson-file" if source else f"lesson-file-{language}"
    fingerprint = content_hash(kind, course.slug, lesson_file.order, digest)
    if _unchanged_since_last_import(session, lesson_file.path, fingerprint) and lesson:
        report.unchanged += 1
        return
    if lesson is None:
        lesson = Lesson(course=course, slug=lesson_file.slug)
        session.add(lesson)
        report.created.append(lesson_file.path)
    if source:
        lesson.module = module
        lesson.position = lesson_file.order
    _publish_lesson_file(session, lesson, lesson_file, module, digest, report)


def _publish_lesson_file(session: Session, lesson: Lesson, lesson_file: LessonFile, module: Module,
                         digest: str, report: ImportReport) -> None:
    """Make the file's text the lesson's published revision in its language: unchanged when it is
    already, its latest draft when that holds the same text, else a new revision."""
    language = lesson_file.language
    in_language = lesson.revisions_in(language)
    latest = in_language[-1] if in_language else None
    published = lesson.published_revision_in(language)
    if published is not None and published.content_hash == digest:
        report.unchanged += 1
        return
    if latest is not None and latest.content_hash == digest:
        # The file holds the lesson's latest draft: publish that rather than copy it.
        lesson.set_published_in(language, latest)
        latest.published_at = utcnow()
        latest.scheduled_for = None
        return
    revision = LessonRevision(
        lesson=lesson, number=(latest.number + 1) if latest else 1, language=language,
        title=lesson_file.title, summary=lesson_file.summary, minutes=lesson_file.minutes,
        source=lesson_file.body, html=render_markdown(lesson_file.body), content_hash=digest,
        note=f"Imported from {lesson_file.path}", module_id=module.id,
        reflection=lesson_file.reflection or None, objectives=lesson_file.objectives or None,
        discussion=lesson_file.discussion,
    )
    revision.published_at = utcnow()
    session.add(revision)
    session.flush()
    lesson.set_published_in(language, revision)
    if latest is not None:
        report.revised.append(lesson_file.path)
    elif language != SOURCE_LANGUAGE:
        report.created.append(lesson_file.path)


def _import_quiz(session: Session, course_slug: str, quiz_file: QuizFile, report: ImportReport) -> None:
    """A quiz file, or its version in another language (`quiz_file.language`)."""
    language = quiz_file.language
    source = language == SOURCE_LANGUAGE
    lesson = session.scalar(
        select(Lesson)
        .join(Course)
        .where(Course.slug == course_slug, Lesson.slug == quiz_file.lesson_slug)
    )
    if lesson is None:
        raise ContentError(quiz_file.path, _("no lesson named %(slug)s", slug=repr(quiz_file.lesson_slug)))
    digest = quiz_hash(quiz_file.pass_mark, quiz_file.max_attempts, quiz_file.questions,
                       quiz_file.draw, quiz_file.review)
    quiz = lesson.quiz
    kind = "quiz-file" if source else f"quiz-file-{language}"
    fingerprint = content_hash(kind, course_slug, quiz_file.lesson_slug, digest)
    if _unchanged_since_last_import(session, quiz_file.path, fingerprint) and quiz:
        report.unchanged += 1
        return
    if quiz is None:
        if not source:
            raise ContentError(quiz_file.path, "the lesson has no quiz in the original language")
        quiz = Quiz(lesson=lesson)
        session.add(quiz)
        report.created.append(quiz_file.path)
    in_language = quiz.versions_in(language)
    latest = in_language[-1] if in_language else None
    current = quiz.current_version_in(language)
    if current is not None and current.content_hash == digest:
        report.unchanged += 1
        return
    if latest is not None and latest.content_hash == digest:
        # The file holds the quiz's draft: publish that rather than copy it.
        quiz.set_published_in(language, latest)
        latest.published_at = latest.published_at or utcnow()
        return
    version = QuizVersion(
        quiz=quiz,
        number=(latest.number + 1) if latest else 1,
        language=language,
        pass_mark=quiz_file.pass_mark,
        max_attempts=quiz_file.max_attempts,
        questions=quiz_file.questions,
        draw=quiz_file.draw,
        review_policy=quiz_file.review,
        content_hash=digest,
        note=f"Imported from {quiz_file.path}",
        published_at=utcnow(),
    )
    session.add(version)
    session.flush()
    quiz.set_published_in(language, version)
    if latest is not None:
        report.revised.append(quiz_file.path)
    elif not source:
        report.created.append(quiz_file.path)
