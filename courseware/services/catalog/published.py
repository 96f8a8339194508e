"""Published lessons read from the database: for writes, which need the rows, and for totals computed
in SQL (HR reports, certificates), which join them with progress. Pages that only show published
content read the in-memory outline instead (courseware.services.catalog.cache.current).

"Published" has one definition, `Lesson.is_published` (a SQL expression too): a lesson is in the
course while it has a published revision in the source language.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import Course, Lesson, LessonRevision, Quiz
from courseware.services.errors import found


def lesson_ids(course_id: int) -> Select[tuple[int]]:
    """The ids of a course's published lessons: a subquery for IN (...) and counts."""
    return select(Lesson.id).where(Lesson.course_id == course_id, Lesson.is_published)


def lessons_query(course_id: int) -> Select[tuple[Lesson]]:
    """A course's published lessons in course order."""
    return (select(Lesson).where(Lesson.course_id == course_id, Lesson.is_published)
            .order_by(Lesson.position, Lesson.id))


def lessons_in_order(course_id: int) -> Select[tuple[int, int, str, int, int | None]]:
    """A course's published lessons as reports list them: id, position, published title (source
    language), the quiz's id and its current version's id (None without a quiz)."""
    return (
        select(Lesson.id, Lesson.position, LessonRevision.title, Quiz.id, Quiz.current_version_id)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .outerjoin(Quiz, Quiz.lesson_id == Lesson.id)
        .where(Lesson.course_id == course_id)
        .order_by(Lesson.position)
    )


def lessons(session: Session, course: Course) -> list[Lesson]:
    """A course's published lessons in course order, with what a page or a write reads of each."""
    return list(session.scalars(lessons_query(course.id).options(
        selectinload(Lesson.published_revision), selectinload(Lesson.module), selectinload(Lesson.quiz))))


def lesson(session: Session, lesson_id: int) -> Lesson:
    """A published lesson's row by id; NotFound for an unknown or unpublished lesson."""
    return found(session.scalar(select(Lesson).where(Lesson.id == lesson_id, Lesson.is_published)),
                 _("No such lesson."))


def is_published(session: Session, lesson_id: int) -> bool:
    return session.scalar(select(Lesson.id).where(Lesson.id == lesson_id, Lesson.is_published)) is not None


def courses(session: Session, published_only: bool = False) -> list[Course]:
    """Every course in order, or (for learners) only those with at least one published lesson."""
    query = select(Course).order_by(Course.position, Course.id)
    if published_only:
        query = query.where(Course.id.in_(select(Lesson.course_id).where(Lesson.is_published)))
    return list(session.scalars(query))
