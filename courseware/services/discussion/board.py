"""What a lesson page shows of its questions: each question the reader may see, with its answers,
its "me too" count and whether the reader marked it, and the answers pinned into the lesson.

Four queries at most, whatever the number of questions: whether the reader moderates (none for the
president), the questions with their askers, their answers with their authors (only when there are
questions), and the "me too" counts with the reader's own marks (likewise).

Most readers see the board everyone sees (`shared_board`): they asked nothing under the lesson, marked
no question and do not moderate. `reader_state` tells so in one query, with the board's version, so
that the lesson page shows the board it kept for that version (courseware/learn/boxes.py) and builds
the board per request only for the others (`board`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from courseware.models import (
    LessonBoardVersion,
    LessonQuestion,
    QuestionAnswer,
    QuestionHost,
    QuestionMeToo,
    Role,
    User,
)
from courseware.services.discussion import hosts


@dataclass(frozen=True)
class QuestionView:
    question: LessonQuestion
    asked_by: str          # a name, or "Anonymous", as this reader may see it
    mine: bool
    me_too: int
    marked: bool           # the reader's own "me too"
    answers: list[QuestionAnswer]

    @property
    def id(self) -> int:
        return self.question.id


@dataclass(frozen=True)
class Pinned:
    question: QuestionView
    answer: QuestionAnswer


@dataclass(frozen=True)
class Board:
    lesson_id: int
    questions: list[QuestionView]
    moderates: bool

    @property
    def pinned(self) -> list[Pinned]:
        """Pinned answers of questions everyone sees, in the order they were asked."""
        return [Pinned(view, reply) for view in self.questions if not view.question.is_hidden
                for reply in view.answers if reply.pinned_at is not None]


@dataclass(frozen=True)
class ReaderState:
    """The lesson's box versions (models/boards.py), and whether the reader sees a board of their own:
    they asked under the lesson, marked a question, or moderate."""

    questions_version: int
    featured_version: int
    own_board: bool


@cache
def _reader_state_query() -> Select:
    """Built once (building a statement costs more than running it from SQLAlchemy's cache)."""
    lesson_id, viewer_id = bindparam("lesson_id", type_=Integer), bindparam("viewer_id", type_=Integer)

    def version(column: Any) -> Any:
        return select(column).where(LessonBoardVersion.lesson_id == lesson_id).scalar_subquery()

    asked = exists().where(LessonQuestion.lesson_id == lesson_id, LessonQuestion.user_id == viewer_id)
    marked = exists().where(QuestionMeToo.user_id == viewer_id,
                            QuestionMeToo.question_id == LessonQuestion.id,
                            LessonQuestion.lesson_id == lesson_id)
    hosting = exists().where(QuestionHost.user_id == viewer_id)
    return select(version(LessonBoardVersion.questions), version(LessonBoardVersion.featured),
                  asked, marked, hosting)


def reader_state(session: Session, viewer: User, lesson_id: int) -> ReaderState:
    """One query: the versions, the reader's questions and marks under the lesson, whether they host."""
    row = session.execute(_reader_state_query(), {"lesson_id": lesson_id, "viewer_id": viewer.id}).one()
    moderates = viewer.active and (viewer.has_role(Role.PRESIDENT.value) or bool(row[4]))
    return ReaderState(row[0] or 0, row[1] or 0, bool(row[2] or row[3] or moderates))


def asked_by(question: LessonQuestion, viewer: User | None, moderates: bool) -> str:
    """The asker as the reader may know them: the president and hosts see through "anonymous"; the
    shared board (no viewer) says "Anonymous"."""
    if not question.anonymous:
        return question.user.full_name
    if viewer is not None and question.user_id == viewer.id:
        return _("You (asked anonymously)")
    if moderates:
        return _("%(name)s (asked anonymously)", name=question.user.full_name)
    return _("Anonymous")


def board(session: Session, viewer: User, lesson_id: int) -> Board:
    """The lesson's questions the reader may see, newest first."""
    return _board(session, viewer, hosts.can_moderate(session, viewer), lesson_id)


def shared_board(session: Session, lesson_id: int) -> Board:
    """The board as anyone sees it who asked nothing under the lesson, marked nothing and does not
    moderate: hidden questions left out, anonymous askers unnamed, no mark pressed."""
    return _board(session, None, False, lesson_id)


def _board(session: Session, viewer: User | None, moderates: bool, lesson_id: int) -> Board:
    viewer_id = viewer.id if viewer is not None else None
    query = (select(LessonQuestion).where(LessonQuestion.lesson_id == lesson_id)
             .options(joinedload(LessonQuestion.user),
                      selectinload(LessonQuestion.answers).joinedload(QuestionAnswer.author))
             .order_by(LessonQuestion.id.desc()))
    if not moderates:
        query = query.where(or_(LessonQuestion.hidden_at.is_(None), LessonQuestion.user_id == viewer_id))
    questions = list(session.scalars(query))
    counts = _me_too(session, viewer_id, [q.id for q in questions])
    views = [QuestionView(q, asked_by(q, viewer, moderates), q.user_id == viewer_id,
                          counts.get(q.id, (0, False))[0], counts.get(q.id, (0, False))[1],
                          list(q.answers)) for q in questions]
    return Board(lesson_id, views, moderates)


def _me_too(session: Session, viewer_id: int | None,
            question_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Each question's number of marks and whether the reader's is among them: one query."""
    if not question_ids:
        return {}
    mine = func.max(case((QuestionMeToo.user_id == viewer_id, 1), else_=0))
    rows = session.execute(select(QuestionMeToo.question_id, func.count(QuestionMeToo.id), mine)
                           .where(QuestionMeToo.question_id.in_(question_ids))
                           .group_by(QuestionMeToo.question_id))
    return {question_id: (count, bool(marked)) for question_id, count, marked in rows}
