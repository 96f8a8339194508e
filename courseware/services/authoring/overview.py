"""The lessons list of the authoring pages: every course, module and lesson with its state,
read without loading any lesson's text, and for each other language whether its version is behind."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES
from courseware.models import Course, Lesson, LessonRevision, Module


class LessonState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CHANGED = "changed"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft, never published",
            "published": "Published",
            "changed": "Published, with unpublished changes",
            "unpublished": "Unpublished",
        }[self.value]


@dataclass
class RevisionLine:
    """A revision without its text, for lists."""

    id: int
    number: int
    title: str
    content_hash: str
    published_at: datetime | None
    scheduled_for: datetime | None
    scheduled_material: bool
    language: str = SOURCE_LANGUAGE
    material: bool = False


@dataclass
class TranslationOverview:
    """A lesson's version in another language, as the lessons list shows it."""

    language: str
    latest: RevisionLine | None
    published: RevisionLine | None
    # No published revision in the language, or one older than the source language's latest
    # material publication: its readers miss something the source's readers have.
    behind: bool
    # The lesson's quiz has no published version in the language with the source's current
    # questions and keys, so its readers take the source language's.
    quiz_behind: bool = False

    @property
    def has_draft(self) -> bool:
        return self.latest is not None and (self.published is None or
                                            self.latest.number > self.published.number)


@dataclass
class LessonOverview:
    lesson: Lesson
    latest: RevisionLine
    published: RevisionLine | None
    state: LessonState
    scheduled: RevisionLine | None
    quiz_label: str
    translations: list[TranslationOverview] = field(default_factory=list)


@dataclass
class ModuleOverview:
    module: Module
    lessons: list[LessonOverview] = field(default_factory=list)


@dataclass
class CourseOverview:
    course: Course
    modules: list[ModuleOverview]


def state_of(published: RevisionLine | LessonRevision | None, latest: RevisionLine | LessonRevision,
             ever_published: bool) -> LessonState:
    if published is None:
        return LessonState.UNPUBLISHED if ever_published else LessonState.DRAFT
    if latest.number > published.number and latest.content_hash != published.content_hash:
        return LessonState.CHANGED
    return LessonState.PUBLISHED


def overview(session: Session) -> list[CourseOverview]:
    """Every course with its modules and lessons, each lesson with its state; no lesson text."""
    courses = list(session.scalars(select(Course).order_by(Course.position, Course.id)))
    lessons = list(session.scalars(select(Lesson).order_by(Lesson.position, Lesson.id)
                                   .options(selectinload(Lesson.translations))))
    lines: dict[int, list[RevisionLine]] = {}
    translated: dict[tuple[int, str], list[RevisionLine]] = {}
    for row in session.execute(
        select(LessonRevision.lesson_id, LessonRevision.id, LessonRevision.number,
               LessonRevision.title, LessonRevision.content_hash, LessonRevision.published_at,
               LessonRevision.scheduled_for, LessonRevision.scheduled_material,
               LessonRevision.language, LessonRevision.material)
        .order_by(LessonRevision.number)
    ):
        line = RevisionLine(*row[1:])
        if line.language == SOURCE_LANGUAGE:
            lines.setdefault(row.lesson_id, []).append(line)
        else:
            translated.setdefault((row.lesson_id, line.language), []).append(line)
    result = []
    for course in courses:
        modules = {module.id: ModuleOverview(module) for module in course.modules}
        for lesson in (each for each in lessons if each.course_id == course.id):
            revisions = lines.get(lesson.id)
            if not revisions:
                continue
            published = next((r for r in revisions if r.id == lesson.published_revision_id), None)
            latest = revisions[-1]
            ever = any(r.published_at is not None for r in revisions)
            modules.setdefault(lesson.module_id, ModuleOverview(lesson.module)).lessons.append(
                LessonOverview(
                    lesson=lesson, latest=latest, published=published,
                    state=state_of(published, latest, ever),
                    scheduled=next((r for r in revisions if r.scheduled_for is not None), None),
                    quiz_label=quiz_label(lesson),
                    translations=[translation_of(lesson, language, published, revisions,
                                                 translated.get((lesson.id, language), []))
                                  for language in TRANSLATION_LANGUAGES],
                )
            )
        result.append(CourseOverview(course, list(modules.values())))
    return result


def translation_of(lesson: Lesson, language: str, source_published: RevisionLine | None,
                   source_revisions: list[RevisionLine],
                   revisions: list[RevisionLine]) -> TranslationOverview:
    pointer = next((t for t in lesson.translations if t.language == language), None)
    published = next((r for r in revisions if pointer and r.id == pointer.published_revision_id), None)
    behind = False
    if source_published is not None:
        material = [r.published_at for r in source_revisions
                    if r.material and r.published_at is not None and r.number <= source_published.number]
        behind = published is None or (bool(material) and (published.published_at is None
                                                            or published.published_at < max(material)))
    return TranslationOverview(language, revisions[-1] if revisions else None, published, behind,
                               quiz_behind(lesson, language))


def quiz_behind(lesson: Lesson, language: str) -> bool:
    quiz = lesson.active_quiz
    if quiz is None or quiz.current_version is None:  # active: it has one
        return False
    translated = quiz.current_version_in(language)
    return translated is None or not same_quiz(translated, quiz.current_version)


def quiz_label(lesson: Lesson) -> str:
    quiz = lesson.quiz
    if quiz is None:
        return _("No quiz")
    versions = quiz.versions_in(SOURCE_LANGUAGE)
    draft = versions[-1] if versions and versions[-1].published_at is None else None
    if quiz.archived_at is not None:
        return _("Quiz archived")
    if quiz.current_version is None:
        return _("Quiz draft, not published") if draft else _("No quiz")
    number = quiz.current_version.number
    if draft:
        return _("Quiz v%(number)d, with a draft", number=number)
    return _("Quiz v%(number)d", number=number)
