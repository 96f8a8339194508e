"""The published course outline as plain immutable objects, and how it is loaded in one go.

An `Outline` holds, for one content language, every course with its modules and published lessons:
each lesson's title, summary and length from the revision a reader of that language reads, which
lessons have a quiz, and which revisions were material. In each language a lesson's `revision` is
what a reader of that language reads (its published revision in that language, else the source
language's), while `source` is the source language's published revision, which alone decides
progress states (completed on which revision, updated since). Course and module titles are in the
outline's language where a translation exists. courseware.services.catalog.cache keeps one per
language in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Row, select
from sqlalchemy.engine import Connection

from courseware.content.discussion import DiscussionGuide
from courseware.language import SOURCE_LANGUAGE, in_language
from courseware.models import Course, Lesson, LessonRevision, LessonTranslation, Module, Quiz
from courseware.services.catalog.content_version import read_version
from courseware.services.errors import found


@dataclass(frozen=True, slots=True)
class ModuleOutline:
    id: int
    title: str
    position: int


@dataclass(frozen=True, slots=True)
class RevisionOutline:
    """The published revision of a lesson, without its text (the lesson page loads that)."""

    id: int
    number: int
    title: str
    summary: str
    minutes: int
    published_at: datetime | None
    material: bool
    content_hash: str
    language: str = SOURCE_LANGUAGE
    # The question the lesson asks its readers at the end (practice reflections), if any.
    reflection: str | None = None
    # What a reader can do after the lesson, as (id, text) pairs; () when it lists none.
    objectives: tuple[tuple[str, str], ...] = ()
    # The team discussion guide a manager runs with their team, if the lesson has one.
    discussion: DiscussionGuide | None = None


@dataclass(frozen=True, slots=True)
class LessonOutline:
    id: int
    slug: str
    position: int
    course_id: int
    module: ModuleOutline
    revision: RevisionOutline
    quiz_id: int | None  # the quiz a learner must pass: published and not archived
    # Numbers of the lesson's material revisions: a completion older than one of them needs review.
    material_numbers: tuple[int, ...]
    # The source language's published revision (`revision` when the reader reads that language,
    # or the lesson has no published revision in theirs).
    source: RevisionOutline
    # When the source language's text last changed materially (None: never).
    source_changed_at: datetime | None = None

    @property
    def translation_behind(self) -> bool:
        """Read in another language whose version was published before the source text last
        changed materially: the reader may miss what changed."""
        return (self.revision.language != self.source.language and self.source_changed_at is not None
                and self.revision.published_at is not None
                and self.revision.published_at < self.source_changed_at)

    @property
    def discussion_revision(self) -> RevisionOutline | None:
        """The revision whose team discussion guide a reader gets: the one they read, else the
        source language's (a translation without a guide); None when neither has one."""
        return next((revision for revision in (self.revision, self.source)
                     if revision.discussion is not None), None)

    @property
    def module_id(self) -> int:
        return self.module.id

    @property
    def published_revision_id(self) -> int:
        return self.source.id

    @property
    def title(self) -> str:
        return self.revision.title

    @property
    def has_quiz(self) -> bool:
        return self.quiz_id is not None

    is_published = True


@dataclass(frozen=True, slots=True)
class CertificatePolicy:
    """How long a course's certificate stays valid (None: for ever), how many days before it expires
    a refresh is due, and how many questions the refresh check asks (HR sets them per course)."""

    validity_months: int | None = None
    refresh_window_days: int = 30
    refresh_questions: int = 8


@dataclass(frozen=True, slots=True)
class CourseOutline:
    id: int
    slug: str
    title: str
    description: str
    position: int
    modules: tuple[ModuleOutline, ...]  # in order; modules without published lessons included
    lessons: tuple[LessonOutline, ...]  # published lessons in course order
    _by_slug: dict[str, LessonOutline] = field(repr=False, compare=False)
    policy: CertificatePolicy = field(default_factory=lambda: CertificatePolicy())

    def lesson(self, slug: str) -> LessonOutline:
        return found(self._by_slug.get(slug), _("No such lesson."))


@dataclass(frozen=True, slots=True)
class Outline:
    version: int
    language: str
    courses: tuple[CourseOutline, ...]  # in order
    _by_slug: dict[str, CourseOutline] = field(repr=False, compare=False)
    _by_id: dict[int, CourseOutline] = field(repr=False, compare=False)
    _lesson_of_quiz: dict[int, LessonOutline] = field(repr=False, compare=False)

    def course(self, slug: str) -> CourseOutline:
        return found(self._by_slug.get(slug), _("No such course."))

    def course_by_id(self, course_id: int) -> CourseOutline:
        return found(self._by_id.get(course_id), _("No such course."))

    def lesson_of_quiz(self, quiz_id: int) -> LessonOutline | None:
        """The published lesson whose active quiz this is."""
        return self._lesson_of_quiz.get(quiz_id)

    def lesson_title(self, lesson_id: int) -> str | None:
        """A published lesson's title in this outline's language; None for a lesson not published."""
        for course in self.courses:
            for lesson in course.lessons:
                if lesson.id == lesson_id:
                    return lesson.title
        return None

    def course_title(self, course_id: int) -> str | None:
        course = self._by_id.get(course_id)
        return course.title if course is not None else None


# --- loading ---

def load_outline(connection: Connection, language: str = SOURCE_LANGUAGE) -> Outline:
    """The whole published outline in a language in five queries (six for a language other than
    the source one), whatever the number of lessons."""
    version = read_version(connection)
    modules = _modules(connection, language)
    lessons = _published_lessons(connection, language, {key: module for key, (_, module) in modules.items()})
    courses = []
    for row in connection.execute(
        select(Course.id, Course.slug, Course.title, Course.description, Course.position,
               Course.translations, Course.validity_months, Course.refresh_window_days,
               Course.refresh_questions)
        .order_by(Course.position, Course.id)
    ):
        course_lessons = tuple(lessons.get(row.id, ()))
        courses.append(CourseOutline(
            row.id, row.slug, in_language(row.title, row.translations, language, "title"),
            in_language(row.description or "", row.translations, language, "description"),
            row.position,
            tuple(module for course_id, module in modules.values() if course_id == row.id),
            course_lessons, {lesson.slug: lesson for lesson in course_lessons},
            CertificatePolicy(row.validity_months, row.refresh_window_days, row.refresh_questions)))
    return Outline(
        version, language, tuple(courses),
        {course.slug: course for course in courses}, {course.id: course for course in courses},
        {lesson.quiz_id: lesson for course in courses for lesson in course.lessons if lesson.quiz_id},
    )


def _modules(connection: Connection, language: str) -> dict[int, tuple[int, ModuleOutline]]:
    """Every module in order, by id, with its course's id."""
    return {
        row.id: (row.course_id, ModuleOutline(
            row.id, in_language(row.title, row.translations, language, "title"), row.position))
        for row in connection.execute(
            select(Module.id, Module.course_id, Module.title, Module.position, Module.translations)
            .order_by(Module.position, Module.id))
    }


def _published_lessons(connection: Connection, language: str,
                       modules: dict[int, ModuleOutline]) -> dict[int, list[LessonOutline]]:
    """The published lessons of every course, in course order, by course id."""
    quiz_of: dict[int, int] = {lesson_id: quiz_id for lesson_id, quiz_id in connection.execute(
        select(Quiz.lesson_id, Quiz.id).where(Quiz.current_version_id.is_not(None),
                                              Quiz.archived_at.is_(None)))}
    material, changed_at = _material_revisions(connection)
    translations = {} if language == SOURCE_LANGUAGE else _translated_revisions(connection, language)
    lessons: dict[int, list[LessonOutline]] = {}
    for row in connection.execute(
        select(Lesson.id, Lesson.slug, Lesson.position, Lesson.course_id, Lesson.module_id,
               LessonRevision.id.label("revision_id"), LessonRevision.number, LessonRevision.title,
               LessonRevision.summary, LessonRevision.minutes, LessonRevision.published_at,
               LessonRevision.material, LessonRevision.content_hash, LessonRevision.reflection,
               LessonRevision.objectives, LessonRevision.discussion)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .order_by(Lesson.position, Lesson.id)
    ):
        source = _revision(row, row.revision_id, SOURCE_LANGUAGE)
        lessons.setdefault(row.course_id, []).append(LessonOutline(
            row.id, row.slug, row.position, row.course_id, modules[row.module_id],
            translations.get(row.id, source), quiz_of.get(row.id), tuple(material.get(row.id, ())),
            source, changed_at.get(row.id)))
    return lessons


def _material_revisions(connection: Connection) -> tuple[dict[int, list[int]], dict[int, datetime]]:
    """Per published lesson: the numbers of its material source revisions, and when the last of
    them was published."""
    material: dict[int, list[int]] = {}
    changed_at: dict[int, datetime] = {}
    for lesson_id, number, published_at in connection.execute(
        select(LessonRevision.lesson_id, LessonRevision.number, LessonRevision.published_at)
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .where(Lesson.is_published, LessonRevision.material.is_(True),
               LessonRevision.language == SOURCE_LANGUAGE)
        .order_by(LessonRevision.number)
    ):
        material.setdefault(lesson_id, []).append(number)
        if published_at is not None:
            changed_at[lesson_id] = max(published_at, changed_at.get(lesson_id, published_at))
    return material, changed_at


def _translated_revisions(connection: Connection, language: str) -> dict[int, RevisionOutline]:
    """Each lesson's published revision in `language`, by lesson id."""
    rows = connection.execute(
        select(LessonTranslation.lesson_id, LessonRevision.id, LessonRevision.number,
               LessonRevision.title, LessonRevision.summary, LessonRevision.minutes,
               LessonRevision.published_at, LessonRevision.material, LessonRevision.content_hash,
               LessonRevision.reflection, LessonRevision.objectives, LessonRevision.discussion)
        .join(LessonRevision, LessonRevision.id == LessonTranslation.published_revision_id)
        .where(LessonTranslation.language == language))
    return {row.lesson_id: _revision(row, row.id, language) for row in rows}


def _revision(row: Row, revision_id: int, language: str) -> RevisionOutline:
    return RevisionOutline(revision_id, row.number, row.title, row.summary or "", row.minutes,
                           row.published_at, bool(row.material), row.content_hash, language,
                           row.reflection or None,
                           tuple((each["id"], each["text"]) for each in row.objectives or ()),
                           DiscussionGuide.of(row.discussion))
