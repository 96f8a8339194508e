"""The versions of a lesson page's shared boxes: the question board ("Ask about this lesson" and the
answers pinned into the lesson) and the featured reflections ("What managers wrote"). The lesson page
keeps each box as it rendered it, per lesson, language and version (courseware/learn/boxes.py); every
write that changes what a box shows bumps its version in its own transaction, so that every
instance, reading the version with the page, shows the change at once.

A lesson with no row is at version 0 of both; the first bump writes the row (an upsert, safe when
two people ask at once). A change to everyone's boxes (a host named or removed, a person erased)
bumps every row, and the migration wrote one for every lesson that existed then.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from courseware.extensions import Model
from courseware.models.sql import conflict_insert, rows_changed, table_of


class LessonBoardVersion(Model):
    __tablename__ = "lesson_board_version"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True)
    questions: Mapped[int] = mapped_column(default=0)
    featured: Mapped[int] = mapped_column(default=0)


def _bump(session: Session, column: str, lesson_id: int | None) -> None:
    table = table_of(LessonBoardVersion)
    counter = table.c[column]
    if lesson_id is None:
        session.execute(update(table).values({column: counter + 1}))
        return
    insert = conflict_insert(session.get_bind().dialect.name, table)
    first = {"lesson_id": lesson_id, "questions": 0, "featured": 0, column: 1}
    if insert is None:  # a database without ON CONFLICT (the site runs on SQLite and PostgreSQL)
        if rows_changed(session.execute(update(table).where(table.c.lesson_id == lesson_id)
                                        .values({column: counter + 1}))) == 0:
            session.execute(table.insert().values(first))
        return
    session.execute(insert.values(first).on_conflict_do_update(index_elements=[table.c.lesson_id],
                                                               set_={column: counter + 1}))


def bump_questions(session: Session, lesson_id: int | None) -> None:
    """The lesson's question board changed (every lesson's when `lesson_id` is None), in the caller's
    transaction."""
    _bump(session, "questions", lesson_id)


def bump_featured(session: Session, lesson_id: int | None) -> None:
    """The lesson's featured reflections changed (every lesson's when None), in the caller's transaction."""
    _bump(session, "featured", lesson_id)


def renamed(session: Session) -> None:
    """A person's name changed (or went, erased): every lesson's boxes may show it, in the caller's
    transaction."""
    bump_questions(session, None)
    bump_featured(session, None)
