"""Totals of lesson progress that HR's reports read instead of aggregating every progress row.

Derived data: triggers on lesson_progress (migration 7c4e2b9d1a05) keep both tables current in the
same transaction as every write to it, whoever makes it, so no code writes them. They hold no
foreign keys (a person's rows go with their progress rows) and the copy between databases leaves
them out (`info["derived"]`): the target's triggers rebuild them from the copied progress. A row
counts under its lesson's course when written; no code moves a lesson to another course.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model


class CourseProgressTotals(Model):
    """A person's progress rows in one course's lessons (published or not), counted."""

    __tablename__ = "course_progress_totals"
    __table_args__ = (Index("ix_course_progress_totals_course", "course_id", "user_id"),
                      {"info": {"derived": True}})

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opened: Mapped[int]
    read: Mapped[int]
    quiz_passed: Mapped[int]
    completed: Mapped[int]
    seconds_spent: Mapped[int]
    last_opened_at: Mapped[datetime | None]


class LessonStageTotals(Model):
    """Everyone's progress rows in one lesson (the deactivated people's too), counted by stage."""

    __tablename__ = "lesson_stage_totals"
    __table_args__ = {"info": {"derived": True}}

    lesson_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opened: Mapped[int]
    read: Mapped[int]
    quiz_passed: Mapped[int]
    completed: Mapped[int]
