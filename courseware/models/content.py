"""Courses, modules and lessons, with every revision of a lesson and every version of a quiz kept."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import db
from courseware.models._time import utcnow


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position"
    )


class Module(db.Model):
    __tablename__ = "course_module"
    __table_args__ = (UniqueConstraint("course_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="modules")


class Lesson(db.Model):
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

    @property
    def is_published(self) -> bool:
        return self.published_revision_id is not None

    @property
    def active_quiz(self) -> Quiz | None:
        """The quiz a learner must pass: published and not archived."""
        quiz = self.quiz
        if quiz is None or quiz.current_version_id is None or quiz.archived_at is not None:
            return None
        return quiz

    @property
    def title(self) -> str:
        revision = self.published_revision or (self.revisions[-1] if self.revisions else None)
        return revision.title if revision else self.slug


class LessonRevision(db.Model):
    __tablename__ = "lesson_revision"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    number: Mapped[int]
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

    lesson: Mapped[Lesson] = relationship(back_populates="revisions", foreign_keys=[lesson_id])
    author = relationship("User")
    module: Mapped[Module | None] = relationship()


class Quiz(db.Model):
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


class QuizVersion(db.Model):
    """An immutable snapshot of a quiz: attempts point at the version they were taken on."""

    __tablename__ = "quiz_version"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    number: Mapped[int]
    pass_mark: Mapped[int]
    max_attempts: Mapped[int | None]
    # [{"id", "type", "prompt", "options": [{"key", "text", "correct", "explain"}]}]
    questions: Mapped[list] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # None while the version is a draft in the quiz editor; versions never change once published.
    published_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="versions", foreign_keys=[quiz_id])


class ContentFile(db.Model):
    """What each course file held when it was last imported: an unchanged file is left alone,
    so that importing again never undoes what the president changed in the browser."""

    __tablename__ = "content_file"

    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentVersion(db.Model):
    """One row whose number grows in the same transaction as every change to what learners see
    of the courses (publishing, unpublishing, importing, moving or renaming). Each process keeps
    the published outline in memory and reloads it when this number moves (services/outline_cache),
    so that every instance sees a publication at once, without a timer."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
