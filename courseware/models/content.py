"""Courses, modules and lessons, with every revision of a lesson and every version of a quiz kept.

Content in two languages: the course is written in the source language (language.SOURCE_LANGUAGE,
English) first, and each lesson and quiz may have a version in another language beside it.
- Every LessonRevision and QuizVersion has a `language`, and numbers count within a language:
  each language has its own history (revision 1, 2, ... in English and 1, 2, ... in Chinese).
- The source language's published revision is `Lesson.published_revision` (and
  `Quiz.current_version`): it decides whether the lesson is in the course at all, and its material
  revisions decide when a completion needs review. Another language's published revision is
  `LessonTranslation.published_revision` (and `QuizTranslation.current_version`); learners reading
  that language see it while the lesson is published, else the source revision with a note.
- Progress, completions and attempts belong to the lesson and the quiz, never to a language.
- Course and module titles in other languages are in their `translations` (JSON by language).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, class_mapper, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from courseware.extensions import Model
from courseware.language import SOURCE_LANGUAGE, in_language
from courseware.models._time import utcnow


class _InLanguage(Protocol):
    language: Mapped[str]


Version = TypeVar("Version", bound=_InLanguage)


class Translatable(Generic[Version]):
    """A lesson or a quiz: written in the source language, with versions beside it in others.

    The source language's published version hangs on the row itself (`_PUBLISHED`); another
    language's on the row's translation for that language. Every version, of every language, is in
    the row's history (`_HISTORY`), numbered within its language.
    """

    _PUBLISHED: ClassVar[str]
    _HISTORY: ClassVar[str]
    translations: Any

    def translation(self, language: str) -> Any:
        """The row's translation record for a language other than the source one, or None."""
        return next((t for t in self.translations if t.language == language), None)

    def published_in(self, language: str) -> Version | None:
        """The version readers of `language` get; None when that language has none published."""
        holder = self if language == SOURCE_LANGUAGE else self.translation(language)
        return getattr(holder, self._PUBLISHED) if holder is not None else None

    def set_published_in(self, language: str, version: Version | None) -> None:
        """Make `version` the one readers of `language` get (None: that language has none)."""
        holder = self if language == SOURCE_LANGUAGE else self.translation(language)
        if holder is None:
            # A new LessonTranslation or QuizTranslation, saved with its row (cascade).
            holder = class_mapper(type(self)).relationships["translations"].mapper.class_(language=language)
            self.translations.append(holder)
        setattr(holder, self._PUBLISHED, version)

    def history_in(self, language: str) -> list[Version]:
        """Every version in `language`, oldest first."""
        return [version for version in getattr(self, self._HISTORY) if version.language == language]


class Course(Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # The title and description in other languages: {"zh_CN": {"title": ..., "description": ...}}.
    translations: Mapped[dict | None] = mapped_column(JSON)
    # How long a certificate stays valid (None: for ever), how many days before it expires a refresh
    # is due, and how many questions the refresh check asks.
    validity_months: Mapped[int | None]
    refresh_window_days: Mapped[int] = mapped_column(default=30, server_default="30")
    refresh_questions: Mapped[int] = mapped_column(default=8, server_default="8")

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position"
    )

    def title_in(self, language: str) -> str:
        return in_language(self.title, self.translations, language, "title")

    def description_in(self, language: str) -> str:
        return in_language(self.description, self.translations, language, "description")


class Module(Model):
    __tablename__ = "course_module"
    __table_args__ = (UniqueConstraint("course_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # The title in other languages: {"zh_CN": {"title": ...}}.
    translations: Mapped[dict | None] = mapped_column(JSON)

    course: Mapped[Course] = relationship(back_populates="modules")

    def title_in(self, language: str) -> str:
        return in_language(self.title, self.translations, language, "title")


class Lesson(Translatable["LessonRevision"], Model):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id"))
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    # The revision learners read; None while the lesson is unpublished.
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_revision.id", use_alter=True)
    )

    course: Mapped[Course] = relationship(back_populates="lessons")
    module: Mapped[Module] = relationship()
    published_revision: Mapped[LessonRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )
    revisions: Mapped[list[LessonRevision]] = relationship(
        back_populates="lesson",
        foreign_keys="LessonRevision.lesson_id",
        order_by="LessonRevision.number",
    )
    quiz: Mapped[Quiz | None] = relationship(back_populates="lesson")
    translations: Mapped[list[LessonTranslation]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan"
    )

    _PUBLISHED = "published_revision"
    _HISTORY = "revisions"
    # The revision learners read in a language (None when it has none published), and all of them.
    published_revision_in = Translatable.published_in
    revisions_in = Translatable.history_in

    def title_in(self, language: str) -> str:
        """The title a reader of `language` sees: its published revision's, else `title`.
        (Lists should load `translations` and their revisions with the lessons.)"""
        revision = self.published_revision_in(language)
        return revision.title if revision is not None else self.title

    @hybrid_property
    def is_published(self) -> bool:
        """In the course: the lesson has a published revision. Also usable in SQL
        (`select(Lesson).where(Lesson.is_published)`), the one definition every query uses."""
        return self.published_revision_id is not None

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls) -> ColumnElement[bool]:
        return cls.published_revision_id.is_not(None)

    @property
    def active_quiz(self) -> Quiz | None:
        """The quiz a learner must pass: published and not archived."""
        quiz = self.quiz
        if quiz is None or quiz.current_version_id is None or quiz.archived_at is not None:
            return None
        return quiz

    @property
    def title(self) -> str:
        drafts = self.revisions_in(SOURCE_LANGUAGE)
        revision = self.published_revision or (drafts[-1] if drafts else None)
        return revision.title if revision else self.slug


class LessonRevision(Model):
    __tablename__ = "lesson_revision"
    __table_args__ = (UniqueConstraint("lesson_id", "language", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    number: Mapped[int]
    # The language the revision is written in ('en', 'zh_CN'); numbers count within the language.
    language: Mapped[str] = mapped_column(String(16), default=SOURCE_LANGUAGE,
                                          server_default=SOURCE_LANGUAGE)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=5)
    source: Mapped[str] = mapped_column(Text)
    # Sanitized once at save time; pages never render markdown.
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # True when the change alters what a reader learns, so earlier completions need review.
    material: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the revision was (last) made the published one; None for drafts never published.
    published_at: Mapped[datetime | None]
    # A draft the president scheduled: published by the scheduler once this time has passed.
    scheduled_for: Mapped[datetime | None]
    # Whether the scheduled publication will be material; `material` is set only on publishing.
    scheduled_material: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The module the lesson sits in with this revision; publishing it moves the lesson there.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("course_module.id"))
    # The optional question a reader answers at the end of the lesson (front matter `reflection`).
    reflection: Mapped[str | None] = mapped_column(String(300))
    # What a reader can do after the lesson (front matter `objectives`): [{"id", "text"}], or None.
    objectives: Mapped[list | None] = mapped_column(JSON)
    # The team discussion guide (front matter `discussion`, content.discussion): {"opening", "case",
    # "questions": [3 texts], "record", "follow_up"}, or None.
    discussion: Mapped[dict | None] = mapped_column(JSON)

    lesson: Mapped[Lesson] = relationship(back_populates="revisions", foreign_keys=[lesson_id])
    author = relationship("User")
    module: Mapped[Module | None] = relationship()


class LessonTranslation(Model):
    """A lesson in a language other than the source one: which of its revisions learners read."""

    __tablename__ = "lesson_translation"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    # None while the language's revisions are all drafts (or it was unpublished).
    published_revision_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_revision.id"))

    lesson: Mapped[Lesson] = relationship(back_populates="translations")
    published_revision: Mapped[LessonRevision | None] = relationship()


class Quiz(Translatable["QuizVersion"], Model):
    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_version.id", use_alter=True)
    )
    # A quiz with attempts is never deleted; archiving takes it out of the lesson.
    archived_at: Mapped[datetime | None]

    lesson: Mapped[Lesson] = relationship(back_populates="quiz")
    current_version: Mapped[QuizVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuizVersion]] = relationship(
        back_populates="quiz", foreign_keys="QuizVersion.quiz_id", order_by="QuizVersion.number"
    )
    translations: Mapped[list[QuizTranslation]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan"
    )

    _PUBLISHED = "current_version"
    _HISTORY = "versions"
    # The version learners take in a language (None when it has none published), and all of them.
    current_version_in = Translatable.published_in
    versions_in = Translatable.history_in


class QuizVersion(Model):
    """An immutable snapshot of a quiz: attempts point at the version they were taken on."""

    __tablename__ = "quiz_version"
    __table_args__ = (UniqueConstraint("quiz_id", "language", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    number: Mapped[int]
    # The language of its prompts and options; every language has the same questions and keys.
    language: Mapped[str] = mapped_column(String(16), default=SOURCE_LANGUAGE,
                                          server_default=SOURCE_LANGUAGE)
    pass_mark: Mapped[int]
    max_attempts: Mapped[int | None]
    # [{"id", "type", "prompt", "objective"?, "options": [{"key", "text", "correct", "explain",
    #   "pinned"?}]}]: the bank an attempt draws from.
    questions: Mapped[list] = mapped_column(JSON)
    # Questions per attempt; None: content.quiz_files.DEFAULT_DRAW (all when the bank is smaller).
    draw: Mapped[int | None]
    # What an attempt's review shows: after_pass | always | never (content.quiz_files).
    review_policy: Mapped[str] = mapped_column(String(16), default="after_pass",
                                               server_default="after_pass")
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # None while the version is a draft in the quiz editor; versions never change once published.
    published_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="versions", foreign_keys=[quiz_id])


class QuizTranslation(Model):
    """A quiz in a language other than the source one: which of its versions learners take."""

    __tablename__ = "quiz_translation"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    current_version_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_version.id"))

    quiz: Mapped[Quiz] = relationship(back_populates="translations")
    current_version: Mapped[QuizVersion | None] = relationship()


class ContentFile(Model):
    """What each course file held when it was last imported: an unchanged file is left alone,
    so that importing again never undoes what the president changed in the browser."""

    __tablename__ = "content_file"

    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentVersion(Model):
    """One row whose number grows in the same transaction as every change to what learners see
    of the courses (publishing, unpublishing, importing, moving or renaming). Each process keeps
    the published outline in memory and reloads it when this number moves (services/catalog),
    so that every instance sees a publication at once, without a timer."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
