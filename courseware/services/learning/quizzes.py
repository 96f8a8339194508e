"""Taking a quiz: one open attempt at a time, graded on the server, finalised exactly once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from courseware.content.question_types import question_type
from courseware.content.quiz_files import REVIEW_AFTER_PASS, REVIEW_ALWAYS, REVIEW_NEVER
from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE
from courseware.models import (
    AttemptAnswer,
    AttemptState,
    Lesson,
    LessonRevision,
    Quiz,
    QuizAttempt,
    QuizTranslation,
    QuizVersion,
    User,
)
from courseware.models._time import utcnow
from courseware.models.sql import table_of
from courseware.services.errors import Conflict, Forbidden, NotFound, ValidationError
from courseware.services.learning import completion, draws
from courseware.services.learning.progress import commit_keeping_loaded


class AlreadySubmitted(Conflict):
    def __init__(self, attempt_id: int):
        super().__init__(_("This attempt was already submitted."))
        self.attempt_id = attempt_id


class UnansweredQuestions(ValidationError):
    def __init__(self, question_ids: list[str]):
        super().__init__(_("Answer every question before you submit."))
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


def public_questions(version: QuizVersion | list[dict]) -> list[PublicQuestion]:
    """The questions without their key: a version's in file order, or a list of questions (an
    attempt's draw, attempt_questions) in its order."""
    questions = version if isinstance(version, list) else version.questions
    return [
        PublicQuestion(
            id=q["id"],
            type=q["type"],
            label=str(question_type(q["type"]).label),
            prompt=q["prompt"],
            multiple=question_type(q["type"]).multiple_answers,
            options=tuple(PublicOption(o["key"], o["text"]) for o in q["options"]),
        )
        for q in questions
    ]


def attempt_questions(attempt: QuizAttempt) -> list[dict]:
    """What the attempt asks (its draw), in the order asked, options in the order shown."""
    return draws.questions_of(attempt)


def submitted_count(session: Session, user: User, quiz: Quiz) -> int:
    return session.scalars(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == AttemptState.SUBMITTED.value,
        )
    ).one()


def attempts_left(session: Session, user: User, quiz: Quiz, submitted: int | None = None) -> int | None:
    """None when unlimited. `submitted`: the person's submitted attempts, when already counted."""
    limit = _published_version(quiz).max_attempts
    if limit is None:
        return None
    if submitted is None:
        submitted = submitted_count(session, user, quiz)
    return max(0, limit - submitted)


def get_quiz(session: Session, quiz_id: int) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("This lesson has no quiz."))
    return quiz


def _published_version(quiz: Quiz) -> QuizVersion:
    """The quiz's current version: a quiz with none published cannot be taken."""
    if quiz.current_version is None:
        raise NotFound(_("This lesson has no quiz."))
    return quiz.current_version


def version_for(session: Session, quiz: Quiz, language: str) -> QuizVersion:
    """The version a reader of `language` takes: the quiz's published version in that language
    while it has the same questions and answers as the source language's current version (so that
    it is graded the same way), else the source language's."""
    current = _published_version(quiz)
    if language == SOURCE_LANGUAGE:
        return current
    translated = session.scalar(
        select(QuizVersion)
        .join(QuizTranslation, QuizTranslation.current_version_id == QuizVersion.id)
        .where(QuizTranslation.quiz_id == quiz.id, QuizTranslation.language == language))
    if translated is not None and same_quiz(translated, current):
        return translated
    return current


def open_attempt(session: Session, user: User, quiz: Quiz,
                 language: str = SOURCE_LANGUAGE) -> QuizAttempt:
    """The person's open attempt on this quiz, started now if there is none, on the version in
    their language. Attempts are the quiz's, whichever language they are taken in."""
    version = version_for(session, quiz, language)
    for _try in range(3):
        attempt = _find_open(session, user, quiz)
        if attempt is not None:
            _keep_on_version(session, user, attempt, version)
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
        limit = _published_version(quiz).max_attempts
        if limit is not None and number > limit:
            raise Forbidden(_("You have used all the attempts this quiz allows."))
        drawn = draws.make_draw(version.questions, version.draw, previous_questions(session, user, quiz))
        attempt = QuizAttempt(
            user_id=user.id, quiz_id=quiz.id, quiz_version_id=version.id, number=number,
            question_ids=drawn.question_ids, option_order=drawn.option_order, draw_seed=drawn.seed,
        )
        session.add(attempt)
        try:
            session.commit()
            return attempt
        except IntegrityError:
            # Another request (a second tab) opened one at the same moment: use that one.
            session.rollback()
    raise Conflict(_("Could not start the quiz; please try again."))


def _keep_on_version(session: Session, user: User, attempt: QuizAttempt, version: QuizVersion) -> None:
    """Nothing of an open attempt is answered yet, so it can move to the newest version (or to the
    reader's language, which has the same questions and keys: then its draw stays)."""
    if attempt.quiz_version_id == version.id:
        # The page shows this version: keep it loaded rather than read it again.
        set_committed_value(attempt, "quiz_version", version)
        return
    if attempt.question_ids is None or not same_quiz(attempt.quiz_version, version):
        drawn = draws.make_draw(version.questions, version.draw,
                                previous_questions(session, user, attempt.quiz))
        attempt.question_ids, attempt.option_order = drawn.question_ids, drawn.option_order
        attempt.draw_seed = drawn.seed
    attempt.quiz_version_id = version.id
    session.commit()


def previous_questions(session: Session, user: User, quiz: Quiz) -> list[str]:
    """The question ids the person's last submitted attempt asked, in the order asked."""
    last = (select(QuizAttempt.id)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id,
                   QuizAttempt.state == AttemptState.SUBMITTED.value)
            .order_by(QuizAttempt.number.desc()).limit(1).scalar_subquery())
    return list(session.scalars(select(AttemptAnswer.question_id)
                                .where(AttemptAnswer.attempt_id == last).order_by(AttemptAnswer.position)))


def _find_open(session: Session, user: User, quiz: Quiz) -> QuizAttempt | None:
    return session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == AttemptState.IN_PROGRESS.value,
        )
    )


def attempt_for_review(session: Session, user: User, attempt_id: int) -> QuizAttempt:
    """One of the person's attempts with what its review page shows, in two queries."""
    attempt = session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
        .options(
            joinedload(QuizAttempt.quiz).joinedload(Quiz.lesson).joinedload(Lesson.course),
            joinedload(QuizAttempt.quiz).joinedload(Quiz.lesson)
            .joinedload(Lesson.published_revision).load_only(LessonRevision.title),
            joinedload(QuizAttempt.quiz_version),
            selectinload(QuizAttempt.answers),
        )
    )
    if attempt is None:
        raise NotFound(_("No such attempt."))
    return attempt


def own_attempt(session: Session, user: User, attempt_id: int) -> QuizAttempt:
    """One of the person's own attempts; anyone else's is 'not found', never 'forbidden'."""
    attempt = session.scalar(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
        .options(*_WITH_QUIZ)
    )
    if attempt is None:
        raise NotFound(_("No such attempt."))
    return attempt


# What the quiz page shown again reads of an attempt, in the attempt's one query.
_WITH_QUIZ = (joinedload(QuizAttempt.quiz_version), joinedload(QuizAttempt.quiz))


def submit_attempt(session: Session, user: User, attempt_id: int | QuizAttempt,
                   answers: dict[str, list[str]]) -> QuizAttempt:
    """Grade and close the attempt (its id, or one of the person's attempts), then read it again
    with what its page shows (its version's pass mark). A second submission raises AlreadySubmitted."""
    attempt_id = attempt_id.id if isinstance(attempt_id, QuizAttempt) else attempt_id
    submit(session, user, submission(session, user, attempt_id), answers)
    session.expire_all()  # as a plain commit would: the caller's objects show what was written
    return session.scalars(select(QuizAttempt).where(QuizAttempt.id == attempt_id)
                           .options(joinedload(QuizAttempt.quiz_version))
                           .execution_options(populate_existing=True)).one()


@dataclass(frozen=True, slots=True)
class Submission:
    """An attempt as submit() reads it: one row, no objects to track (grade() reads it as a version)."""

    attempt_id: int
    quiz_id: int
    submitted: bool
    questions: list[dict]
    pass_mark: int
    lesson_id: int
    record: completion.PassRecord | None  # the person's record of the lesson


_attempt, _version, _quiz = table_of(QuizAttempt), table_of(QuizVersion), table_of(Quiz)
_SUBMISSION = completion.with_pass_record(
    select(_attempt.c.id, _attempt.c.quiz_id, _attempt.c.state, _version.c.questions, _attempt.c.question_ids,
           _attempt.c.option_order, _version.c.pass_mark, _quiz.c.lesson_id)
    .join_from(_attempt, _version, _version.c.id == _attempt.c.quiz_version_id)
    .join(_quiz, _quiz.c.id == _attempt.c.quiz_id)
    .where(_attempt.c.id == bindparam("attempt_id"), _attempt.c.user_id == bindparam("user_id")),
    _attempt.c.user_id, _quiz.c.lesson_id)
# Sets the parameters named after columns, on an open attempt only.
_CLOSE = _attempt.update().where(_attempt.c.id == bindparam("attempt_id"),
                                 _attempt.c.state == AttemptState.IN_PROGRESS.value)
_ADD_ANSWER = table_of(AttemptAnswer).insert()


def submission(session: Session, user: User, attempt_id: int) -> Submission:
    """One of the person's own attempts, as submit() takes it; anyone else's is 'not found'."""
    row = session.connection().execute(_SUBMISSION, {"attempt_id": attempt_id, "user_id": user.id}).first()
    if row is None:
        raise NotFound(_("No such attempt."))
    return Submission(row.id, row.quiz_id, row.state == AttemptState.SUBMITTED.value,
                      draws.drawn_questions(row.questions, row.question_ids, row.option_order),
                      row.pass_mark, row.lesson_id, completion.pass_record(row))


def submit(session: Session, user: User, attempt: Submission, answers: dict[str, list[str]]) -> int:
    """Grade and close the attempt exactly once (else AlreadySubmitted); returns its id. All reads come
    first (completion.before_quiz_passed says why); the writes are statements built once, not objects;
    the commit expires nothing the request loaded (the signed-in person)."""
    if attempt.submitted:
        raise AlreadySubmitted(attempt.attempt_id)
    graded = grade(attempt, answers, attempt.questions)
    passing = (completion.before_quiz_pass(session, user, attempt.lesson_id, attempt.record)
               if graded.passed else None)
    connection = session.connection()
    closed = connection.execute(_CLOSE, {
        "attempt_id": attempt.attempt_id, "state": AttemptState.SUBMITTED.value, "submitted_at": utcnow(),
        "score": graded.score, "correct_count": graded.correct_count,
        "question_count": graded.question_count, "passed": graded.passed})
    if closed.rowcount != 1:
        session.rollback()
        raise AlreadySubmitted(attempt.attempt_id)
    if graded.answers:  # one INSERT for all of them
        connection.execute(_ADD_ANSWER, [
            {"attempt_id": attempt.attempt_id, "question_id": question_id, "position": position,
             "selected": selected, "correct": correct}
            for position, (question_id, selected, correct) in enumerate(graded.answers)])
    if passing is not None:
        completion.record_quiz_pass(session, user, passing)
    commit_keeping_loaded(session)
    return attempt.attempt_id


@dataclass
class GradedAnswers:
    answers: list[tuple[str, list[str], bool]]
    correct_count: int
    question_count: int
    score: int
    passed: bool


class Gradable(Protocol):
    """What grade() reads of a quiz version (follow-up checks grade a part of one)."""

    @property
    def questions(self) -> list[dict]: ...

    @property
    def pass_mark(self) -> int: ...


def grade(version: Gradable, answers: dict[str, list[str]],
          questions: list[dict] | None = None) -> GradedAnswers:
    """Score the answers against the version's key, over `questions` (an attempt's draw; all the
    version's by default). Unknown option keys are refused."""
    questions = version.questions if questions is None else questions
    unanswered = []
    graded = []
    for question in questions:
        selected = sorted(set(answers.get(question["id"]) or []))
        keys = {option["key"] for option in question["options"]}
        if not selected:
            unanswered.append(question["id"])
            continue
        if not set(selected) <= keys:
            raise ValidationError(_("An answer does not match any option of its question."))
        qtype = question_type(question["type"])
        if not qtype.multiple_answers and len(selected) > 1:
            raise ValidationError(_("Choose only one option for a single-choice question."))
        graded.append((question["id"], selected, qtype.grade(question["options"], selected)))
    if unanswered:
        raise UnansweredQuestions(unanswered)
    correct_count = sum(1 for _, _, correct in graded if correct)
    total = len(questions)
    score = round(100 * correct_count / total) if total else 0
    return GradedAnswers(graded, correct_count, total, score, score >= version.pass_mark)


# What an attempt's review shows (content.quiz_files has the policies that decide it).
REVIEW_FULL = "full"  # every option, the right ones marked, every explanation
REVIEW_ANSWERS = "answers"  # the person's own answers, right or wrong, not the key
REVIEW_SCORE = "score"  # the score and which questions were wrong


def policy_review(policy: str, *, key_earned: bool) -> str:
    """What a review may show under a quiz version's review policy (the one place that decides, for
    attempts and follow-up checks alike): `always` the key, `never` never the key, `after_pass` the
    key once it is earned (`key_earned`), else only the person's own answers."""
    if policy == REVIEW_ALWAYS:
        return REVIEW_FULL
    if policy == REVIEW_NEVER:
        return REVIEW_SCORE
    return REVIEW_FULL if key_earned else REVIEW_ANSWERS


def review_mode(session: Session, user: User, attempt: QuizAttempt, attempts_left: int | None) -> str:
    """What the review of a submitted attempt may show its person, by its version's review policy:
    `after_pass` shows the key once they have passed the quiz or can no longer take it again."""
    policy = attempt.quiz_version.review_policy
    if policy != REVIEW_AFTER_PASS:
        return policy_review(policy, key_earned=False)
    lesson = attempt.quiz.lesson
    can_retake = (lesson.is_published and lesson.active_quiz is not None
                  and (attempts_left is None or attempts_left > 0))
    earned = not can_retake or attempt.passed or has_passed(session, user, attempt.quiz_id)
    return policy_review(policy, key_earned=earned)


def has_passed(session: Session, user: User, quiz_id: int) -> bool:
    return (session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id,
        QuizAttempt.passed.is_(True))) or 0) > 0
