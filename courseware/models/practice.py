"""Practice: a person's goals, focus decisions, daily plans and summaries, lesson reflections and
follow-up checks. Everything here belongs to one person; only counts ever leave it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models._time import utcnow


class Goal(Model):
    """A long-term goal (no parent, with a period) or one of its short-term goals."""

    __tablename__ = "practice_goal"
    __table_args__ = (Index("ix_practice_goal_owner", "user_id", "deleted_at", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("practice_goal.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # What "done" looks like, so that progress can be judged rather than felt.
    measure: Mapped[str] = mapped_column(String(500), default="")
    # Long-term goals have a period; short-term goals only a target date inside it.
    starts_on: Mapped[date | None]
    target_on: Mapped[date]
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"))
    progress: Mapped[int] = mapped_column(default=0)  # percent, 0..100
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deleted goals are hidden, not removed, so that what was linked to them stays readable.
    deleted_at: Mapped[datetime | None]

    parent: Mapped[Goal | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Goal]] = relationship(
        back_populates="parent", order_by=lambda: (Goal.target_on, Goal.id)
    )
    lesson = relationship("Lesson")
    updates: Mapped[list[GoalUpdate]] = relationship(
        back_populates="goal", order_by=lambda: (GoalUpdate.created_at.desc(), GoalUpdate.id.desc())
    )

    @property
    def is_long_term(self) -> bool:
        return self.parent_id is None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def live_children(self) -> list[Goal]:
        return [child for child in self.children if child.deleted_at is None]

    @property
    def children_average(self) -> int | None:
        """The short-term goals' average progress, in percent."""
        children = self.live_children
        return round(sum(child.progress for child in children) / len(children)) if children else None


class GoalUpdate(Model):
    """One "mark progress": the percent reached and an optional note."""

    __tablename__ = "practice_goal_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("practice_goal.id"), index=True)
    progress: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="updates")


class FocusItem(Model):
    """A request or temptation, triaged: linked to one of the person's goals, or declined."""

    __tablename__ = "practice_focus_item"
    __table_args__ = (Index("ix_practice_focus_item_owner", "user_id", "declined", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(String(300))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("practice_goal.id"), index=True)
    declined: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal | None] = relationship()


class DailyEntry(Model):
    """One person's day: the morning plan and the evening summary, each optional."""

    __tablename__ = "practice_day"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        # Participation counts by day range, department by department.
        Index("ix_practice_day_day", "day", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date]
    most_important: Mapped[str | None] = mapped_column(String(300))
    do_well: Mapped[str | None] = mapped_column(String(300))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("practice_goal.id"))
    planned_at: Mapped[datetime | None]
    done: Mapped[str | None] = mapped_column(Text)
    learned: Mapped[str | None] = mapped_column(Text)
    tomorrow: Mapped[str | None] = mapped_column(Text)
    summarized_at: Mapped[datetime | None]

    goal: Mapped[Goal | None] = relationship()

    @property
    def is_planned(self) -> bool:
        return self.planned_at is not None

    @property
    def is_summarized(self) -> bool:
        return self.summarized_at is not None


class Reflection(Model):
    """A person's answer to a lesson's reflection prompt; private unless they share it."""

    __tablename__ = "practice_reflection"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    # The revision whose prompt was answered, and the prompt as it read then.
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_revision.id"))
    prompt: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user = relationship("User", foreign_keys=[user_id])
    lesson = relationship("Lesson")
    replied_by = relationship("User", foreign_keys=[replied_by_id])

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class FollowUpCheck(Model):
    """A follow-up check 30 or 90 days after completing a lesson: answered, or skipped."""

    __tablename__ = "practice_followup"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "stage"),
        Index("ix_practice_followup_lesson", "lesson_id", "stage", "skipped"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    stage: Mapped[int]  # days after completion: 30 or 90
    quiz_version_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_version.id"))
    due_on: Mapped[date]
    skipped: Mapped[bool] = mapped_column(default=False)
    correct_count: Mapped[int] = mapped_column(default=0)
    question_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson = relationship("Lesson")
    quiz_version = relationship("QuizVersion")
    answers: Mapped[list[FollowUpAnswer]] = relationship(
        back_populates="check", order_by="FollowUpAnswer.position"
    )


class FollowUpAnswer(Model):
    __tablename__ = "practice_followup_answer"
    __table_args__ = (UniqueConstraint("check_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("practice_followup.id"))
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    selected: Mapped[list] = mapped_column(JSON)  # option keys
    correct: Mapped[bool]

    check: Mapped[FollowUpCheck] = relationship(back_populates="answers")
