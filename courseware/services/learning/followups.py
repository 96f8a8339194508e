"""Follow-up checks: 30 and 90 days after a person completes a lesson, two of its quiz questions come
back on their dashboard. The questions they missed first come first (earliest attempt, then question
order); the rest are drawn at random with a seed of their own, so a page reload shows the same two.

A check is short and never blocks anything: it can be skipped, and nothing else waits for it. When
both stages have come due, only the later one is offered. Answers are graded on the server by the
same question types as quizzes and kept as retention figures.
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import BindParameter, and_, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from courseware.content.translations import same_quiz
from courseware.language import content_language
from courseware.models import (
    AttemptAnswer,
    AttemptState,
    FollowUpAnswer,
    FollowUpCheck,
    Lesson,
    LessonProgress,
    LessonRevision,
    LessonTranslation,
    Quiz,
    QuizAttempt,
    QuizTranslation,
    QuizVersion,
    User,
)
from courseware.models.sql import shared_alias
from courseware.services.errors import Conflict, NotFound, ValidationError
from courseware.services.learning import draws, quizzes
from courseware.timezones import to_local, to_utc, zone_of

STAGES = (30, 90)
QUESTIONS_PER_CHECK = 2
HISTORY_LENGTH = 50


class AlreadyDone(Conflict):
    def __init__(self, check_id: int):
        super().__init__(_("This follow-up check was already answered or skipped."))
        self.check_id = check_id


class QuizChanged(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("The lesson's quiz changed since the page was opened; here are its questions "
                           "again."))


@dataclass
class DueCheck:
    lesson_id: int
    lesson_title: str
    lesson_position: int
    quiz_id: int
    stage: int
    completed_on: date
    version: QuizVersion
    question_ids: list[str] = field(default_factory=list)
    # Seeds the choice of questions and the order of their options (prepare sets it).
    seed: str = ""

    @property
    def due_on(self) -> date:
        return self.completed_on + timedelta(days=self.stage)

    @property
    def questions(self) -> list[quizzes.PublicQuestion]:
        """What the page may show: no correct flags, no explanations; options shuffled as in a
        quiz attempt (a pinned option last), the same way at every reload."""
        by_id = {q["id"]: q for q in self.version.questions}
        rng = random.Random(f"{self.seed}:options")
        shown = []
        for qid in self.question_ids:
            question = by_id[qid]
            options = {option["key"]: option for option in question["options"]}
            shown.append({**question, "options": [options[key]
                                                  for key in draws.option_order(question, rng)]})
        return quizzes.public_questions(shown)


@dataclass(frozen=True)
class _Questions:
    """The part of a quiz version that quizzes.grade() reads."""

    questions: list[dict]
    pass_mark: int = 0


def stage_due(completed_on: date, today: date) -> int | None:
    """The latest stage that has come due, if any."""
    reached = [stage for stage in STAGES if completed_on + timedelta(days=stage) <= today]
    return max(reached) if reached else None


# Made once and shared (models.sql.shared_alias: their columns built at import).
_TRANSLATED_REVISION = shared_alias(LessonRevision, name="translated_revision")
_TRANSLATED_VERSION = shared_alias(QuizVersion, name="translated_version")


@cache
def _due_statement():
    """The person's completed lessons with quizzes, each with its checks taken per stage and its
    version in the reader's language. Built once (with parameters): building it costs more than
    running it, and the dashboard runs it on every view once a completion is 30 days old."""
    translated_revision, translated_version = _TRANSLATED_REVISION, _TRANSLATED_VERSION
    taken = [exists().where(FollowUpCheck.user_id == bindparam("user_id"),
                            FollowUpCheck.lesson_id == Lesson.id, FollowUpCheck.stage == stage)
             for stage in STAGES]
    language: BindParameter[str] = bindparam("language")
    return (
        select(Lesson.id, LessonRevision.title, Lesson.position, Quiz.id, QuizVersion,
               translated_revision.title, translated_version, *taken)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .join(Quiz, Quiz.lesson_id == Lesson.id)
        .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .outerjoin(LessonTranslation, and_(LessonTranslation.lesson_id == Lesson.id,
                                           LessonTranslation.language == language))
        .outerjoin(translated_revision, translated_revision.id == LessonTranslation.published_revision_id)
        .outerjoin(QuizTranslation, and_(QuizTranslation.quiz_id == Quiz.id,
                                         QuizTranslation.language == language))
        .outerjoin(translated_version, translated_version.id == QuizTranslation.current_version_id)
        .where(Lesson.id.in_(bindparam("lesson_ids", expanding=True)), Quiz.archived_at.is_(None))
    )


def due_checks(session: Session, user: User, today: date,
               completions: Iterable[tuple[int, datetime | None]] | None = None,
               language: str | None = None) -> list[DueCheck]:
    """The checks waiting for the person today, the longest waiting first; prepare() one to show it.

    `completions` are the person's (lesson id, completed at) when the caller has them already (the
    dashboard does); then nothing is read until a completion is 30 days old, and one query after.
    Lesson titles and questions are in `language` (by default the reader's) where the lesson and its
    quiz have a published version in it with the same questions and keys, so grading is the same.
    """
    language = language or content_language()
    zone = zone_of(user)  # `today` is the person's day; so is the day of each completion
    cutoff = to_utc(datetime.combine(today - timedelta(days=min(STAGES) - 1), time.min), zone)
    if completions is None:
        completions = session.execute(
            select(LessonProgress.lesson_id, LessonProgress.completed_at).where(
                LessonProgress.user_id == user.id, LessonProgress.completed_at < cutoff)
        ).tuples()
    candidates = {lesson_id: at for lesson_id, at in completions if at is not None and at < cutoff}
    if not candidates:
        return []
    rows = session.execute(_due_statement(), {"user_id": user.id, "language": language,
                                              "lesson_ids": list(candidates)}).tuples()
    due = []
    for lesson_id, title, position, quiz_id, version, own_title, own_version, *flags in rows:
        title = own_title or title
        if own_version is not None and same_quiz(own_version, version):
            version = own_version
        completed_on = to_local(candidates[lesson_id], zone).date()
        stage = stage_due(completed_on, today)
        done = {each for each, flag in zip(STAGES, flags, strict=True) if flag}
        if stage is not None and stage not in done and version.questions:
            due.append(DueCheck(lesson_id, title, position, quiz_id, stage, completed_on, version))
    due.sort(key=lambda check: (check.due_on, check.lesson_position, check.lesson_id))
    return due


def prepare(session: Session, user: User, check: DueCheck) -> DueCheck:
    """Choose the check's questions: the same two every time for this person, lesson and stage."""
    check.seed = f"{user.id}:{check.lesson_id}:{check.stage}"
    # From the whole bank of the current version, not only the questions an attempt drew.
    check.question_ids = choose_questions(
        check.version.questions, missed_first(session, user, check.quiz_id), seed=check.seed)
    return check


def missed_first(session: Session, user: User, quiz_id: int) -> list[str]:
    """Question ids the person answered wrongly, in the order they first missed them (within one
    attempt, in the order of its version's bank, whatever order the attempt asked them in). One
    query: the dashboard runs it for every check waiting."""
    rows = session.execute(
        select(QuizAttempt.number, QuizVersion.questions, AttemptAnswer.question_id)
        .join(QuizAttempt, AttemptAnswer.attempt_id == QuizAttempt.id)
        .join(QuizVersion, QuizVersion.id == QuizAttempt.quiz_version_id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id,
               QuizAttempt.state == AttemptState.SUBMITTED.value, AttemptAnswer.correct.is_(False))
    ).tuples().all()

    def rank(row: tuple[int, list, str]) -> tuple[int, int]:
        number, bank, question_id = row
        ids = [question["id"] for question in bank]
        return number, ids.index(question_id) if question_id in ids else len(ids)

    return list(dict.fromkeys(question_id for _, _, question_id in sorted(rows, key=rank)))


def choose_questions(questions: list[dict], missed: list[str], *, seed: str,
                     count: int = QUESTIONS_PER_CHECK) -> list[str]:
    """Missed questions first (those still in the quiz), then a seeded random draw of the rest."""
    ids = [question["id"] for question in questions]
    chosen = [qid for qid in missed if qid in ids][:count]
    rest = [qid for qid in ids if qid not in chosen]
    chosen += random.Random(seed).sample(rest, min(count - len(chosen), len(rest)))
    return chosen


def due_check(session: Session, user: User, lesson_id: int, stage: int, today: date,
              language: str | None = None) -> DueCheck:
    """The check waiting for this lesson and stage; AlreadyDone or NotFound otherwise."""
    existing = session.scalar(select(FollowUpCheck.id).where(
        FollowUpCheck.user_id == user.id, FollowUpCheck.lesson_id == lesson_id,
        FollowUpCheck.stage == stage))
    if existing is not None:
        raise AlreadyDone(existing)
    check = next((c for c in due_checks(session, user, today, language=language)
                  if c.lesson_id == lesson_id and c.stage == stage), None)
    if check is None:
        raise NotFound(_("No follow-up check is waiting for this lesson."))
    return prepare(session, user, check)


def answer_check(session: Session, user: User, lesson_id: int, stage: int, version_id: int | None,
                 answers: dict[str, list[str]], *, today: date, now: datetime) -> FollowUpCheck:
    """Grade and keep the answers. Raises quizzes.UnansweredQuestions when one is missing."""
    due = due_check(session, user, lesson_id, stage, today)
    if version_id != due.version.id:
        raise QuizChanged()
    by_id = {question["id"]: question for question in due.version.questions}
    graded = quizzes.grade(_Questions([by_id[qid] for qid in due.question_ids]),
                           {qid: answers.get(qid) or [] for qid in due.question_ids})
    check = FollowUpCheck(
        user_id=user.id, lesson_id=lesson_id, stage=stage, quiz_version_id=due.version.id,
        due_on=due.due_on, correct_count=graded.correct_count, question_count=graded.question_count,
        created_at=now,
    )
    check.answers = [FollowUpAnswer(question_id=qid, position=position, selected=selected, correct=correct)
                     for position, (qid, selected, correct) in enumerate(graded.answers)]
    return _keep(session, check, user, lesson_id, stage)


def skip_check(session: Session, user: User, lesson_id: int, stage: int, *, today: date,
               now: datetime) -> FollowUpCheck:
    due = due_check(session, user, lesson_id, stage, today)
    check = FollowUpCheck(user_id=user.id, lesson_id=lesson_id, stage=stage, due_on=due.due_on,
                          quiz_version_id=due.version.id, skipped=True, created_at=now)
    return _keep(session, check, user, lesson_id, stage)


def _keep(session: Session, check: FollowUpCheck, user: User, lesson_id: int, stage: int) -> FollowUpCheck:
    session.add(check)
    try:
        session.commit()
    except IntegrityError:  # answered from a second tab a moment ago
        session.rollback()
        existing = session.scalar(select(FollowUpCheck.id).where(
            FollowUpCheck.user_id == user.id, FollowUpCheck.lesson_id == lesson_id,
            FollowUpCheck.stage == stage))
        assert existing is not None  # the IntegrityError was its row, there already
        raise AlreadyDone(existing) from None
    return check


def own_check(session: Session, user: User, check_id: int) -> FollowUpCheck:
    check = session.scalar(select(FollowUpCheck).where(FollowUpCheck.id == check_id,
                                                       FollowUpCheck.user_id == user.id))
    if check is None:
        raise NotFound(_("No such follow-up check."))
    return check


@dataclass
class ReviewedQuestion:
    question: dict
    selected: list[str]
    correct: bool


def review(check: FollowUpCheck) -> list[ReviewedQuestion]:
    """The answered questions with their options; review_mode() says how much of them a page shows."""
    by_id = {question["id"]: question for question in (check.quiz_version.questions
                                                       if check.quiz_version else [])}
    return [ReviewedQuestion(by_id[answer.question_id], answer.selected, answer.correct)
            for answer in check.answers if answer.question_id in by_id]


def review_mode(check: FollowUpCheck) -> str:
    """What the check's result may show, by the review policy of the quiz version it drew from: the
    person completed the lesson, so they have earned the key wherever the policy gives it after a
    pass; where it never does, they see their own answers (never less: they have just given them),
    never the key (quizzes.REVIEW_FULL or quizzes.REVIEW_ANSWERS)."""
    if check.quiz_version is None:
        return quizzes.REVIEW_ANSWERS
    mode = quizzes.policy_review(check.quiz_version.review_policy, key_earned=True)
    return quizzes.REVIEW_FULL if mode == quizzes.REVIEW_FULL else quizzes.REVIEW_ANSWERS


def history(session: Session, user: User) -> list[FollowUpCheck]:
    return list(session.scalars(
        select(FollowUpCheck).where(FollowUpCheck.user_id == user.id)
        .options(selectinload(FollowUpCheck.lesson))
        .order_by(FollowUpCheck.created_at.desc(), FollowUpCheck.id.desc()).limit(HISTORY_LENGTH)
    ))
