"""Totals of lesson progress that HR's reports read instead of aggregating every progress row.

Derived data: triggers on lesson_progress (migrations 7c4e2b9d1a05 and e4a8c2f6b1d9) keep them current
in the same transaction as every write to it, whoever makes it, so no code writes them. They hold no
foreign keys (a person's rows go with their progress rows) and the copy between databases leaves
them out (`info["derived"]`): the target's triggers rebuild them from the copied progress. A row
counts under its lesson's course when written; no code moves a lesson to another course.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
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
    # Which lessons of the course the person has opened, read, passed the quiz of and completed: bit
    # `LessonMaskBit.bit` of each lesson (bits 0 to 62; a lesson past them is left out of all four).
    opened_bits: Mapped[int] = mapped_column(BigInteger, server_default="0")
    read_bits: Mapped[int] = mapped_column(BigInteger, server_default="0")
    quiz_passed_bits: Mapped[int] = mapped_column(BigInteger, server_default="0")
    completed_bits: Mapped[int] = mapped_column(BigInteger, server_default="0")


class LessonStageTotals(Model):
    """Everyone's progress rows in one lesson (the deactivated people's too), counted by stage."""

    __tablename__ = "lesson_stage_totals"
    __table_args__ = {"info": {"derived": True}}

    lesson_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opened: Mapped[int]
    read: Mapped[int]
    quiz_passed: Mapped[int]
    completed: Mapped[int]


class LessonMaskBit(Model):
    """Each lesson's bit in its course's masks (`CourseProgressTotals.*_bits`), given once when the
    lesson is created (a trigger on lesson: the course's next free bit) and never reused."""

    __tablename__ = "lesson_mask_bits"
    __table_args__ = (UniqueConstraint("course_id", "bit"), {"info": {"derived": True}})

    lesson_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int]
    bit: Mapped[int]
