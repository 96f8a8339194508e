"""The published course outline, kept in memory by each process.

Every page a learner opens needs the outline: courses, modules, the published lessons with the
title, summary and length of their published revision, which lessons have a quiz, and which
revisions were material. It changes only when content is published, unpublished, imported or moved,
so each process loads it once and keeps it, as plain immutable objects that threads share.

Invalidation works across processes and machines without a timer: `content_version` holds one
number, raised in the same transaction as every change to published content (the session hooks
below see every such change, whichever service makes it). Each request reads that number (one
primary-key lookup) and reloads the outline only when it differs from the one it has.

There is one outline per content language, all of the same version: in each, a lesson's `revision`
is what a reader of that language reads (its published revision in that language, else the source
language's), while `source` is the source language's published revision, which alone decides
progress states (completed on which revision, updated since). Course and module titles are in the
outline's language where a translation exists.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from courseware.i18n import SOURCE_LANGUAGE, content_language
from courseware.models import (
    ContentVersion,
    Course,
    Lesson,
    LessonRevision,
    LessonTranslation,
    Module,
    Quiz,
)
from courseware.models.content import translated
from courseware.services.errors import NotFound

EXTENSION_KEY = "outline_cache"
_CHANGED = "outline_changed"
# Rows of these tables are the outline: any change to one of them changes what learners see.
OUTLINE_MODELS = (Course, Module, Lesson, Quiz, LessonTranslation)


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
class CourseOutline:
    id: int
    slug: str
    title: str
    description: str
    position: int
    modules: tuple[ModuleOutline, ...]  # in order; modules without published lessons included
    lessons: tuple[LessonOutline, ...]  # published lessons in course order
    _by_slug: dict[str, LessonOutline] = field(repr=False, compare=False)

    def lesson(self, slug: str) -> LessonOutline:
        lesson = self._by_slug.get(slug)
        if lesson is None:
            raise NotFound(_("No such lesson."))
        return lesson


@dataclass(frozen=True, slots=True)
class Outline:
    version: int
    language: str
    courses: tuple[CourseOutline, ...]  # in order
    _by_slug: dict[str, CourseOutline] = field(repr=False, compare=False)
    _by_id: dict[int, CourseOutline] = field(repr=False, compare=False)
    _lesson_of_quiz: dict[int, LessonOutline] = field(repr=False, compare=False)

    def course(self, slug: str) -> CourseOutline:
        course = self._by_slug.get(slug)
        if course is None:
            raise NotFound(_("No such course."))
        return course

    def course_by_id(self, course_id: int) -> CourseOutline:
        course = self._by_id.get(course_id)
        if course is None:
            raise NotFound(_("No such course."))
        return course

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


class OutlineCache:
    """One per app (per process): the last outline loaded, and the version it was loaded at."""

    # Published lessons' HTML, read on first view: bounded, and emptied with every new outline.
    HTML_BUDGET = 8 * 1024 * 1024

    def __init__(self) -> None:
        # One outline per language, all of one content version.
        self._outlines: dict[str, Outline] = {}
        self._lock = threading.Lock()
        self.loads = 0
        self._html: dict[tuple[int, str], str] = {}
        self._html_size = 0

    def get(self, session: Session, language: str = SOURCE_LANGUAGE) -> Outline:
        version = read_version(session.connection())
        outline = self._outlines.get(language)
        if outline is not None and outline.version == version:
            return outline
        with self._lock:
            outline = self._outlines.get(language)
            if outline is None or outline.version != version:
                # On a connection of its own: only committed content, never the request's own
                # unfinished changes, goes into the cache that every thread shares.
                with session.get_bind().connect() as connection:
                    outline = load_outline(connection, language)
                if any(other.version != outline.version for other in self._outlines.values()):
                    self._outlines = {}
                    self._html, self._html_size = {}, 0
                self._outlines = {**self._outlines, language: outline}
                self.loads += 1
        return outline

    def html(self, session: Session, revision: RevisionOutline) -> str:
        """A published revision's sanitized HTML. Keyed by the revision and its content hash, so
        an entry can never show other text than the revision has."""
        key = (revision.id, revision.content_hash)
        html = self._html.get(key)
        if html is None:
            html = session.connection().execute(_HTML, {"revision_id": revision.id}).scalar_one()
            with self._lock:
                while self._html and self._html_size + len(html) > self.HTML_BUDGET:
                    self._html_size -= len(self._html.pop(next(iter(self._html))))
                self._html[key] = html
                self._html_size += len(html)
        return html

    def clear(self) -> None:
        self._outlines = {}


def current(session: Session, language: str | None = None) -> Outline:
    """The published outline in a language (by default the request's content language), as of the
    content version this request sees."""
    return current_app.extensions[EXTENSION_KEY].get(session, language or content_language())


def lesson_html(session: Session, lesson: LessonOutline) -> str:
    """The text of a lesson of the current outline, from memory after its first view."""
    return current_app.extensions[EXTENSION_KEY].html(session, lesson.revision)


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = OutlineCache()
    if not event.contains(Session, "before_flush", _note_outline_changes):
        event.listen(Session, "before_flush", _note_outline_changes)
        event.listen(Session, "do_orm_execute", _note_bulk_changes)
        event.listen(Session, "before_commit", _bump_if_changed)
        event.listen(Session, "after_rollback", _forget_changes)


# --- the version number ---

_VERSION = select(ContentVersion.version).where(ContentVersion.id == 1)
_HTML = select(LessonRevision.html).where(LessonRevision.id == bindparam("revision_id"))


def read_version(connection: Connection) -> int:
    return connection.execute(_VERSION).scalar() or 0


def bump(session: Session) -> None:
    """Raise the content version inside the session's transaction (the row is made if missing)."""
    table = ContentVersion.__table__
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        session.execute(
            insert(table).values(id=1, version=1).on_conflict_do_update(
                index_elements=[table.c.id], set_={"version": table.c.version + 1})
        )
        return
    raised = session.execute(update(table).where(table.c.id == 1).values(version=table.c.version + 1))
    if raised.rowcount == 0:
        session.execute(table.insert().values(id=1, version=1))


def _changes_outline(session: Session, instance) -> bool:
    if isinstance(instance, OUTLINE_MODELS):
        return instance in session.new or instance in session.deleted or session.is_modified(
            instance, include_collections=False)
    if isinstance(instance, LessonRevision):
        # Drafts are not in the outline; a published revision (or one being published) is.
        if instance in session.deleted:
            return True
        if instance in session.new:
            return instance.published_at is not None
        history = session.is_modified(instance, include_collections=False)
        was_published = _history_has(instance, "published_at")
        return history and (instance.published_at is not None or was_published)
    return False


def _history_has(instance, name: str) -> bool:
    return inspect(instance).attrs[name].history.has_changes()


def _note_outline_changes(session: Session, _flush_context, _instances) -> None:
    if session.info.get(_CHANGED):
        return
    for instance in chain(session.new, session.dirty, session.deleted):
        if _changes_outline(session, instance):
            session.info[_CHANGED] = True
            return


def _note_bulk_changes(state) -> None:
    """UPDATE and DELETE statements run through the session (e.g. claiming a scheduled revision)."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, (*OUTLINE_MODELS, LessonRevision)):
        state.session.info[_CHANGED] = True


def _bump_if_changed(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump(session)


def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)


# --- loading ---

def load_outline(connection: Connection, language: str = SOURCE_LANGUAGE) -> Outline:
    """The whole published outline in a language in five queries (six for a language other than
    the source one), whatever the number of lessons."""
    version = read_version(connection)
    modules = {
        row.id: (row.course_id, ModuleOutline(
            row.id, translated(row.translations, language, "title") or row.title, row.position))
        for row in connection.execute(
            select(Module.id, Module.course_id, Module.title, Module.position, Module.translations)
            .order_by(Module.position, Module.id))
    }
    quiz_of = dict(connection.execute(
        select(Quiz.lesson_id, Quiz.id).where(Quiz.current_version_id.is_not(None),
                                              Quiz.archived_at.is_(None))).all())
    material: dict[int, list[int]] = {}
    changed_at: dict[int, datetime] = {}
    for lesson_id, number, published_at in connection.execute(
        select(LessonRevision.lesson_id, LessonRevision.number, LessonRevision.published_at)
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .where(Lesson.published_revision_id.is_not(None), LessonRevision.material.is_(True),
               LessonRevision.language == SOURCE_LANGUAGE)
        .order_by(LessonRevision.number)
    ):
        material.setdefault(lesson_id, []).append(number)
        if published_at is not None:
            changed_at[lesson_id] = max(published_at, changed_at.get(lesson_id, published_at))
    translations = {} if language == SOURCE_LANGUAGE else _translated_revisions(connection, language)
    lessons: dict[int, list[LessonOutline]] = {}
    for row in connection.execute(
        select(Lesson.id, Lesson.slug, Lesson.position, Lesson.course_id, Lesson.module_id,
               LessonRevision.id.label("revision_id"), LessonRevision.number, LessonRevision.title,
               LessonRevision.summary, LessonRevision.minutes, LessonRevision.published_at,
               LessonRevision.material, LessonRevision.content_hash, LessonRevision.reflection)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .order_by(Lesson.position, Lesson.id)
    ):
        module = modules[row.module_id][1]
        source = RevisionOutline(row.revision_id, row.number, row.title, row.summary or "",
                                 row.minutes, row.published_at, bool(row.material),
                                 row.content_hash, reflection=row.reflection or None)
        lessons.setdefault(row.course_id, []).append(LessonOutline(
            row.id, row.slug, row.position, row.course_id, module, translations.get(row.id, source),
            quiz_of.get(row.id), tuple(material.get(row.id, ())), source, changed_at.get(row.id)))
    courses = []
    for row in connection.execute(
        select(Course.id, Course.slug, Course.title, Course.description, Course.position,
               Course.translations)
        .order_by(Course.position, Course.id)
    ):
        course_lessons = tuple(lessons.get(row.id, ()))
        courses.append(CourseOutline(
            row.id, row.slug, translated(row.translations, language, "title") or row.title,
            translated(row.translations, language, "description") or row.description or "",
            row.position,
            tuple(module for course_id, module in modules.values() if course_id == row.id),
            course_lessons, {lesson.slug: lesson for lesson in course_lessons}))
    return Outline(
        version, language, tuple(courses),
        {course.slug: course for course in courses}, {course.id: course for course in courses},
        {lesson.quiz_id: lesson for course in courses for lesson in course.lessons if lesson.quiz_id},
    )


def _translated_revisions(connection: Connection, language: str) -> dict[int, RevisionOutline]:
    """Each lesson's published revision in `language`, by lesson id."""
    rows = connection.execute(
        select(LessonTranslation.lesson_id, LessonRevision.id, LessonRevision.number,
               LessonRevision.title, LessonRevision.summary, LessonRevision.minutes,
               LessonRevision.published_at, LessonRevision.material, LessonRevision.content_hash,
               LessonRevision.reflection)
        .join(LessonRevision, LessonRevision.id == LessonTranslation.published_revision_id)
        .where(LessonTranslation.language == language))
    return {row.lesson_id: RevisionOutline(row.id, row.number, row.title, row.summary or "",
                                           row.minutes, row.published_at, bool(row.material),
                                           row.content_hash, language, row.reflection or None)
            for row in rows}
