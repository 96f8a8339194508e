"""Questions on a lesson (services/discussion): a person's question under a lesson, the answers of
the president and the hosts they name (an answer may be pinned into the lesson page), the "I have
this question too" marks, and the hosts themselves. A hidden question keeps its text and the reason
(the asker still reads both); only the president and the hosts see who asked an anonymous one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models._time import utcnow


class LessonQuestion(Model):
    __tablename__ = "lesson_question"
    __table_args__ = (Index("ix_lesson_question_lesson", "lesson_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown, as typed
    html: Mapped[str] = mapped_column(Text)  # rendered and sanitized once, when asked
    anonymous: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user = relationship("User", foreign_keys=[user_id])
    lesson = relationship("Lesson")
    answers = relationship("QuestionAnswer", back_populates="question", order_by="QuestionAnswer.id",
                           cascade="all, delete-orphan")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class QuestionAnswer(Model):
    __tablename__ = "question_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("lesson_question.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Pinned into the lesson page as "From the questions".
    pinned_at: Mapped[datetime | None]

    question = relationship("LessonQuestion", back_populates="answers")
    author = relationship("User")


class QuestionMeToo(Model):
    """"I have this question too": one a person a question."""

    __tablename__ = "question_me_too"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("lesson_question.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionHost(Model):
    """A person the president named to answer and moderate the questions, beside the president."""

    __tablename__ = "question_host"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
