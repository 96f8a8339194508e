"""What each person has read, answered and earned."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models._time import utcnow


class LessonProgress(Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        # Covering indexes for HR's reports: per lesson (the funnel) and per person (the totals) are
        # answered from the index alone, without reading the table.
        Index("ix_lesson_progress_lesson_stages", "lesson_id", "read_at", "quiz_passed_at", "completed_at"),
        Index("ix_lesson_progress_person_totals", "user_id", "lesson_id", "read_at", "quiz_passed_at",
              "completed_at", "seconds_spent", "last_opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    quiz_passed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # The revision the person completed, so that a material revision later can ask for review.
    completed_revision_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_revision.id"))
    # Reading time counted on the server's clock (services/learning/reading.py); 0 when unknown.
    seconds_spent: Mapped[int] = mapped_column(default=0)
    # Up to when reading time has been counted: the next count starts at the later of this and
    # `last_opened_at` (the visit's opening), so that no interval counts twice.
    reading_counted_at: Mapped[datetime | None]

    lesson = relationship("Lesson")


class AttemptState(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class QuizAttempt(Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_quiz_attempt_quiz_state", "quiz_id", "state"),
        Index("ix_quiz_attempt_person_scores", "user_id", "quiz_id", "state", "score", "submitted_at"),
        # At most one open attempt per person and quiz, even under concurrent requests.
        Index(
            "uq_quiz_attempt_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id"))
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default=AttemptState.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[int | None]  # percent, 0..100
    correct_count: Mapped[int | None]
    question_count: Mapped[int | None]
    passed: Mapped[bool | None]
    # The attempt's draw (services/learning/draws): the question ids asked, in the order shown, and
    # each question's option keys in the order shown, made from `draw_seed` when the attempt
    # started. None for attempts from before draws: every question of the version, in file order.
    question_ids: Mapped[list | None] = mapped_column(JSON)
    option_order: Mapped[dict | None] = mapped_column(JSON)
    draw_seed: Mapped[int | None]

    quiz = relationship("Quiz")
    quiz_version = relationship("QuizVersion")
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position"
    )

    @property
    def is_submitted(self) -> bool:
        return self.state == AttemptState.SUBMITTED


class AttemptAnswer(Model):
    __tablename__ = "attempt_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"))
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    selected: Mapped[list] = mapped_column(JSON)  # option keys
    correct: Mapped[bool]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class CertificateKind(StrEnum):
    COMPLETION = "completion"  # every published lesson completed
    RENEWAL = "renewal"  # a refresh passed before or after expiry


class Certificate(Model):
    """A person's certificate for a course as it stood when issued: the lessons and revisions it
    covers are kept with it, so that it stays true after the course changes. A newer certificate of
    the same person and course replaces it (`replaced_by`): superseded when the newer one is a
    completion of new content, renewed when it is a renewal. Nothing is ever deleted."""

    __tablename__ = "certificate"
    __table_args__ = (Index("ix_certificate_person_course", "user_id", "course_id", "replaced_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), default=CertificateKind.COMPLETION.value,
                                      server_default=CertificateKind.COMPLETION.value)
    # [{"lesson_id", "revision_id", "number", "title"}] in course order: what was completed, on which
    # source-language revision, with its title then.
    lessons: Mapped[list | None] = mapped_column(JSON)
    reading_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    # When its validity started: its issue, or for a certificate that superseded another (new
    # content completed) the start of the one it superseded; `expires_at` is this plus the validity.
    valid_from: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    replaced_at: Mapped[datetime | None]
    # Who signs it, as they were named when it was issued.
    signatory_name: Mapped[str | None] = mapped_column(String(120))
    signatory_title: Mapped[str | None] = mapped_column(String(120))

    user = relationship("User")
    course = relationship("Course")
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])


class RefreshCheck(Model):
    """The questions a refresh asks across every lesson of a course, drawn from the quiz banks when
    the person starts it (kept with the check, so that its grading and review never change)."""

    __tablename__ = "refresh_check"
    __table_args__ = (
        Index("ix_refresh_check_person_course", "user_id", "course_id", "submitted_at"),
        # At most one open check per person and course, even under concurrent requests.
        Index("uq_refresh_check_one_open", "user_id", "course_id", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    # The certificate being refreshed.
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # [{"lesson_id", "quiz_version_id", "question_id", "options": [keys in the order shown]}]
    questions: Mapped[list] = mapped_column(JSON)
    # [{"question_id", "quiz_version_id", "selected": [keys], "correct": bool}] once submitted.
    answers: Mapped[list | None] = mapped_column(JSON)
    correct_count: Mapped[int | None]
    score: Mapped[int | None]  # percent
    passed: Mapped[bool | None]

    course = relationship("Course")


class Assignment(Model):
    """HR asks a department or one person to complete a course by a date.

    The due date is either fixed (`due_on`) or `due_days` after the later of the assignment and
    the day the person joined the department, so that newcomers get time of their own.
    """

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date | None]
    due_days: Mapped[int | None]
    # What the assignment asks: "completion" (every lesson) or "refresh" (renew before expiry).
    purpose: Mapped[str] = mapped_column(String(16), default="completion", server_default="completion")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course")
    department = relationship("Department")
    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
