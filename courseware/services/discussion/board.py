"""What a lesson page shows of its questions: each question the reader may see, with its answers,
its "me too" count and whether the reader marked it, and the answers pinned into the lesson.

Four queries at most, whatever the number of questions: whether the reader moderates (none for the
president), the questions with their askers, their answers with their authors (only when there are
questions), and the "me too" counts with the reader's own marks (likewise).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from courseware.models import LessonQuestion, QuestionAnswer, QuestionMeToo, User
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


def asked_by(question: LessonQuestion, viewer: User, moderates: bool) -> str:
    """The asker as the reader may know them: the president and hosts see through "anonymous"."""
    if not question.anonymous:
        return question.user.full_name
    if question.user_id == viewer.id:
        return _("You (asked anonymously)")
    if moderates:
        return _("%(name)s (asked anonymously)", name=question.user.full_name)
    return _("Anonymous")


def board(session: Session, viewer: User, lesson_id: int) -> Board:
    """The lesson's questions the reader may see, newest first."""
    moderates = hosts.can_moderate(session, viewer)
    query = (select(LessonQuestion).where(LessonQuestion.lesson_id == lesson_id)
             .options(joinedload(LessonQuestion.user),
                      selectinload(LessonQuestion.answers).joinedload(QuestionAnswer.author))
             .order_by(LessonQuestion.id.desc()))
    if not moderates:
        query = query.where(or_(LessonQuestion.hidden_at.is_(None), LessonQuestion.user_id == viewer.id))
    questions = list(session.scalars(query))
    counts = _me_too(session, viewer, [q.id for q in questions])
    views = [QuestionView(q, asked_by(q, viewer, moderates), q.user_id == viewer.id,
                          counts.get(q.id, (0, False))[0], counts.get(q.id, (0, False))[1],
                          list(q.answers)) for q in questions]
    return Board(lesson_id, views, moderates)


def _me_too(session: Session, viewer: User, question_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Each question's number of marks and whether the reader's is among them: one query."""
    if not question_ids:
        return {}
    mine = func.max(case((QuestionMeToo.user_id == viewer.id, 1), else_=0))
    rows = session.execute(select(QuestionMeToo.question_id, func.count(QuestionMeToo.id), mine)
                           .where(QuestionMeToo.question_id.in_(question_ids))
                           .group_by(QuestionMeToo.question_id))
    return {question_id: (count, bool(marked)) for question_id, count, marked in rows}
