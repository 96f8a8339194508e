"""Taking a quiz: one open attempt at a time, graded on the server, finalised exactly once."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.content.question_types import question_type
from courseware.models import (
    AttemptAnswer,
    AttemptState,
    Lesson,
    Quiz,
    QuizAttempt,
    QuizVersion,
    User,
)
from courseware.models._time import utcnow
from courseware.services import progress
from courseware.services.errors import Conflict, Forbidden, NotFound, ValidationError


class AlreadySubmitted(Conflict):
    def __init__(self, attempt_id: int):
        super().__init__("This attempt was already submitted.")
        self.attempt_id = attempt_id


class UnansweredQuestions(ValidationError):
    def __init__(self, question_ids: list[str]):
        super().__init__("Answer every question before you submit.")
        self.question_ids = question_ids


@dataclass(frozen=True)
class PublicOption:
    key: str
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    """What the quiz page may show before submission: no correct flags, no explanations."""

    id: str
    type: str
    label: str
    prompt: str
    multiple: bool
    options: tuple[PublicOption, ...]


def public_questions(version: QuizVersion) -> list[PublicQuestion]:
    return [
        PublicQuestion(
            id=q["id"],
            type=q["type"],
            label=question_type(q["type"]).label,
            prompt=q["prompt"],
            multiple=question_type(q["type"]).multiple_answers,
            options=tuple(PublicOption(o["key"], o["text"]) for o in q["options"]),
        )
        for q in version.questions
    ]


def quiz_of(lesson: Lesson) -> Quiz:
    quiz = lesson.active_quiz
    if quiz is None:
        raise NotFound("This lesson has no quiz.")
    return quiz


def submitted_count(session: Session, user: User, quiz: Quiz) -> int:
    return session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == AttemptState.SUBMITTED.value,
        )
    )


def attempts_left(session: Session, user: User, quiz: Quiz) -> int | None:
    """None when unlimited."""
    limit = quiz.current_version.max_attempts
    if limit is None:
        return None
    return max(0, limit - submitted_count(session, user, quiz))


def open_attempt(session: Session, user: User, quiz: Quiz) -> QuizAttempt:
    """The person's open attempt on this quiz, started now if there is none."""
    for _ in range(3):
        attempt = _find_open(session, user, quiz)
        if attempt is not None:
            if attempt.quiz_version_id != quiz.current_version_id:
                # Nothing is answered yet, so the open attempt can move to the newest version.
                attempt.quiz_version_id = quiz.current_version_id
                session.commit()
            return attempt
        number = (
            session.scalar(
                select(func.max(QuizAttempt.number)).where(
                    QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id
                )
            )
            or 0
        ) + 1
        # Attempt numbers are unique per person and quiz, so checking the number (not a count
        # read earlier) keeps the limit even when two starts race.
        limit = quiz.current_version.max_attempts
        if limit is not None and number > limit:
            raise Forbidden("You have used all the attempts this quiz allows.")
        attempt = QuizAttempt(
            user_id=user.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
            number=number,
        )
        session.add(attempt)
        try:
            session.commit()
            return attempt
        except IntegrityError:
            # Another request (a second tab) opened one at the same moment: use that one.
            session.rollback()
    raise Conflict("Could not start the quiz; please try again.")


def _find_open(session: Session, user: User, quiz: Quiz) -> QuizAttempt | None:
    return session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == AttemptState.IN_PROGRESS.value,
        )
    )


def own_attempt(session: Session, user: User, attempt_id: int) -> QuizAttempt:
    """One of the person's own attempts; anyone else's is 'not found', never 'forbidden'."""
    attempt = session.scalar(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
    )
    if attempt is None:
        raise NotFound("No such attempt.")
    return attempt


def submit_attempt(
    session: Session, user: User, attempt_id: int, answers: dict[str, list[str]]
) -> QuizAttempt:
    """Grade and close the attempt. A second submission of it raises AlreadySubmitted."""
    attempt = own_attempt(session, user, attempt_id)
    if attempt.is_submitted:
        raise AlreadySubmitted(attempt.id)
    version = attempt.quiz_version
    graded = grade(version, answers)
    closed = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.IN_PROGRESS.value)
        .values(
            state=AttemptState.SUBMITTED.value,
            submitted_at=utcnow(),
            score=graded.score,
            correct_count=graded.correct_count,
            question_count=graded.question_count,
            passed=graded.passed,
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        session.rollback()
        raise AlreadySubmitted(attempt.id)
    for position, (question_id, selected, correct) in enumerate(graded.answers):
        session.add(
            AttemptAnswer(
                attempt_id=attempt.id, question_id=question_id, position=position,
                selected=selected, correct=correct,
            )
        )
    if graded.passed:
        progress.record_quiz_passed(session, user, attempt.quiz.lesson)
    session.commit()
    session.refresh(attempt)
    return attempt


@dataclass
class GradedAnswers:
    answers: list[tuple[str, list[str], bool]]
    correct_count: int
    question_count: int
    score: int
    passed: bool


def grade(version: QuizVersion, answers: dict[str, list[str]]) -> GradedAnswers:
    """Score the answers against the version's key. Unknown option keys are refused."""
    unanswered = []
    graded = []
    for question in version.questions:
        selected = sorted(set(answers.get(question["id"]) or []))
        keys = {option["key"] for option in question["options"]}
        if not selected:
            unanswered.append(question["id"])
            continue
        if not set(selected) <= keys:
            raise ValidationError("An answer does not match any option of its question.")
        qtype = question_type(question["type"])
        if not qtype.multiple_answers and len(selected) > 1:
            raise ValidationError("Choose only one option for a single-choice question.")
        graded.append((question["id"], selected, qtype.grade(question["options"], selected)))
    if unanswered:
        raise UnansweredQuestions(unanswered)
    correct_count = sum(1 for _, _, correct in graded if correct)
    total = len(version.questions)
    score = round(100 * correct_count / total) if total else 0
    return GradedAnswers(graded, correct_count, total, score, score >= version.pass_mark)


def attempts_for(session: Session, user: User, quiz: Quiz | None = None) -> list[QuizAttempt]:
    query = select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.state == AttemptState.SUBMITTED.value
    )
    if quiz is not None:
        query = query.where(QuizAttempt.quiz_id == quiz.id)
    return list(session.scalars(query.order_by(QuizAttempt.submitted_at.desc())))


def best_score(attempts: list[QuizAttempt]) -> int | None:
    scores = [attempt.score for attempt in attempts if attempt.score is not None]
    return max(scores) if scores else None
