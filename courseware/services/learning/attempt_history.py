"""A person's submitted attempts as pages list them: newest first, with the lesson's title in the
reader's language and the best score, each list in one query."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from courseware.language import SOURCE_LANGUAGE
from courseware.models import AttemptState, Lesson, LessonRevision, LessonTranslation, Quiz, QuizAttempt, User


def attempts_for(session: Session, user: User, quiz: Quiz | None = None,
                 limit: int | None = None) -> list[QuizAttempt]:
    """Submitted attempts, newest first, with their lesson's title loaded in the same query."""
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.state == AttemptState.SUBMITTED.value)
        .options(joinedload(QuizAttempt.quiz).joinedload(Quiz.lesson)
                 .joinedload(Lesson.published_revision).load_only(LessonRevision.title))
        .order_by(QuizAttempt.submitted_at.desc())
    )
    if quiz is not None:
        query = query.where(QuizAttempt.quiz_id == quiz.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def best_score_of(session: Session, user: User, quiz_id: int | None) -> int | None:
    """The person's best score on the quiz, from the index alone; None without attempts."""
    if quiz_id is None:
        return None
    return session.connection().execute(
        _BEST_SCORE, {"user_id": user.id, "quiz_id": quiz_id}).scalar()


_attempt = QuizAttempt.__table__
_BEST_SCORE = select(func.max(_attempt.c.score)).where(
    _attempt.c.user_id == bindparam("user_id"), _attempt.c.quiz_id == bindparam("quiz_id"),
    _attempt.c.state == AttemptState.SUBMITTED.value)


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """A submitted attempt as lists of attempts show it."""

    id: int
    number: int
    score: int
    passed: bool
    submitted_at: datetime
    quiz_id: int
    lesson_title: str


_quiz = Quiz.__table__
_lesson = Lesson.__table__
_published = LessonRevision.__table__.alias("published")
_latest = LessonRevision.__table__.alias("latest")
_translation = LessonTranslation.__table__
_translated = LessonRevision.__table__.alias("translated")
_SUMMARIES = (
    select(
        _attempt.c.id, _attempt.c.number, _attempt.c.score, _attempt.c.passed, _attempt.c.submitted_at,
        _attempt.c.quiz_id,
        # A lesson's title is its published revision's in the reader's language, else in the source
        # language, else its latest draft's (Lesson.title).
        func.coalesce(
            _translated.c.title,
            _published.c.title,
            select(_latest.c.title).where(_latest.c.lesson_id == _lesson.c.id,
                                          _latest.c.language == SOURCE_LANGUAGE)
            .order_by(_latest.c.number.desc()).limit(1).scalar_subquery(),
            _lesson.c.slug,
        ).label("lesson_title"),
    )
    .select_from(
        _attempt.join(_quiz, _quiz.c.id == _attempt.c.quiz_id)
        .join(_lesson, _lesson.c.id == _quiz.c.lesson_id)
        .outerjoin(_published, _published.c.id == _lesson.c.published_revision_id)
        .outerjoin(_translation, (_translation.c.lesson_id == _lesson.c.id)
                   & (_translation.c.language == bindparam("language")))
        .outerjoin(_translated, _translated.c.id == _translation.c.published_revision_id)
    )
    .where(_attempt.c.user_id == bindparam("user_id"),
           _attempt.c.state == AttemptState.SUBMITTED.value)
    .order_by(_attempt.c.submitted_at.desc(), _attempt.c.id.desc())
)
_SUMMARIES_OF_QUIZ = _SUMMARIES.where(_attempt.c.quiz_id == bindparam("quiz_id"))
_RECENT_SUMMARIES = _SUMMARIES.limit(bindparam("limit"))


def attempt_summaries(session: Session, user: User, quiz_id: int | None = None,
                      limit: int | None = None, language: str = SOURCE_LANGUAGE) -> list[AttemptSummary]:
    """The person's submitted attempts, newest first, with lesson titles in `language` where the
    lesson is published in it: one query, no objects to track (attempts_for returns the attempts
    themselves)."""
    if quiz_id is not None:
        statement, params = _SUMMARIES_OF_QUIZ, {"user_id": user.id, "quiz_id": quiz_id}
    elif limit is not None:
        statement, params = _RECENT_SUMMARIES, {"user_id": user.id, "limit": limit}
    else:
        statement, params = _SUMMARIES, {"user_id": user.id}
    rows = session.connection().execute(statement, {**params, "language": language})
    return [AttemptSummary(*row) for row in rows]


def best_score(attempts: Sequence[QuizAttempt | AttemptSummary]) -> int | None:
    scores = [attempt.score for attempt in attempts if attempt.score is not None]
    return max(scores) if scores else None
