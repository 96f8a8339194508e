"""The refresh check: the questions a person answers, across every lesson of a course, to renew a
certificate whose refresh window is open (`course_state`).

A check is drawn once, when the person starts it, from the current quiz version of every published
lesson (the source language's bank; ids and keys are the same in every language), and kept with it
(RefreshCheck.questions), so that its page, grading and review never change. The draw spreads the
course's number of questions (`CertificatePolicy.refresh_questions`) over the lessons: lessons in
random order, one question each before any gets a second; within a lesson a different learning
objective each time, questions the person got wrong in the lesson's quiz first, the rest at random;
a retake avoids the previous check's questions where the banks allow. Options are shuffled as in a
quiz (a pinned option last).

A check is passed with REFRESH_PASS_PERCENT. A passed check renews the certificate in the same
transaction when every lesson is complete (`completion.certify_if_earned`); while lessons changed
since are still waiting, the renewal comes when the last of them is completed. A failed check may
be taken again. Its review shows the key only once passed; after a fail, the person's own answers.
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from courseware.content.translations import same_quiz
from courseware.formatting import format_date
from courseware.language import SOURCE_LANGUAGE
from courseware.models import (
    Certificate,
    CertificateKind,
    Course,
    Quiz,
    QuizTranslation,
    QuizVersion,
    RefreshCheck,
    User,
)
from courseware.models.sql import rows_changed
from courseware.services.catalog import CourseOutline
from courseware.services.errors import Conflict, NotFound
from courseware.services.learning import completion, course_state, draws, followups, progress, quizzes

# The share of a refresh check's questions a person must answer right to pass it, whatever the pass
# marks of the lessons' quizzes: a refresh asks across the whole course, from memory.
REFRESH_PASS_PERCENT = 75
# Ids beyond what the database's integer columns hold are nobody's check.
_MAX_ID = 2**31 - 1
_DUE = (course_state.CourseState.REFRESH_DUE, course_state.CourseState.EXPIRED)


class NoRefreshDue(NotFound):
    """No check to take: the message says why (`not_due`)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("No refresh is due for this course."))


def not_due(standing: course_state.Standing) -> NoRefreshDue:
    """Why the person has no refresh check to take now."""
    if standing.state in _DUE:  # the check is passed; the renewal waits for the changed lessons
        return NoRefreshDue(_("You have passed the refresh check. Complete the changed lessons to renew "
                              "your certificate."))
    if standing.refresh_opens_at is not None:
        return NoRefreshDue(_("No refresh is due for this course yet: the refresh check opens on %(date)s.",
                              date=format_date(standing.refresh_opens_at)))
    return NoRefreshDue()


class CheckSubmitted(Conflict):
    def __init__(self, check_id: int):
        super().__init__(_("This refresh check was already submitted."))
        self.check_id = check_id


@dataclass(frozen=True)
class CheckQuestion:
    """A question of a check as the page shows it: in the reader's language where the lesson's quiz
    has the same questions and keys in it, options in the order drawn. `key` names it in the form
    and the answers ("<lesson id>-<question id>": question ids repeat across lessons)."""

    key: str
    lesson_id: int
    quiz_version_id: int
    question: dict
    # The language its text is in: the reader's, or the source language's as a fallback.
    language: str = SOURCE_LANGUAGE


@dataclass(frozen=True)
class OpenCheck:
    """The person's open check, what it asks and why (their standing in the course)."""

    check: RefreshCheck
    questions: list[CheckQuestion]
    standing: course_state.Standing

    @property
    def public(self) -> list[quizzes.PublicQuestion]:
        """What the form may show: no correct flags, no explanations."""
        return quizzes.public_questions([{**each.question, "id": each.key} for each in self.questions])


@dataclass(frozen=True)
class CheckResult:
    """A submitted check with its review and the person's next step."""

    check: RefreshCheck
    questions: list[CheckQuestion]
    # key -> the stored answer ({"selected": [...], "correct": bool, ...})
    answers: dict[str, dict]
    standing: course_state.Standing
    # The certificate this check renewed, once it has.
    renewal: Certificate | None

    @property
    def mode(self) -> str:
        """A passed check shows the key and every explanation; a failed one the person's answers."""
        return quizzes.REVIEW_FULL if self.check.passed else quizzes.REVIEW_ANSWERS

    @property
    def can_retake(self) -> bool:
        return self.standing.state in _DUE and self.standing.check_needed


@dataclass(frozen=True)
class _Bank:
    lesson_id: int
    version: QuizVersion
    missed: frozenset[str]


def key_of(lesson_id: int, question_id: str) -> str:
    return f"{lesson_id}-{question_id}"


def question_keys(check: RefreshCheck) -> list[str]:
    """The form's names of the check's questions, in the order asked."""
    return [key_of(each["lesson_id"], each["question_id"]) for each in check.questions]


# --- starting ---

def start_or_resume(session: Session, user: User, course: CourseOutline, now: datetime,
                    language: str) -> OpenCheck:
    """The person's open check of the course, drawn now if there is none; NoRefreshDue unless the
    refresh window of their certificate is open and no check has been passed in it."""
    standing = standing_in(session, user, course, now)
    if standing.state not in _DUE or not standing.check_needed or standing.certificate is None:
        raise not_due(standing)
    certificate_id = standing.certificate.id
    for _try in range(3):
        check = _find_open(session, user, course.id)
        if check is not None:
            if check.certificate_id != certificate_id:
                check.certificate_id = certificate_id
                session.commit()
            return reopen(session, check, standing, language)
        check = RefreshCheck(user_id=user.id, course_id=course.id, certificate_id=certificate_id,
                             started_at=now, questions=_draw_for(session, user, course))
        session.add(check)
        try:
            session.commit()
            return reopen(session, check, standing, language)
        except IntegrityError:
            # Another request (a second tab) opened one at the same moment: use that one.
            session.rollback()
    raise Conflict(_("Could not start the refresh check; please try again."))


def reopen(session: Session, check: RefreshCheck, standing: course_state.Standing,
           language: str) -> OpenCheck:
    """The open check's page again (after a refused submission): its questions in `language`."""
    return OpenCheck(check, shown_questions(session, check, language), standing)


def standing_in(session: Session, user: User, course: CourseOutline, now: datetime) -> course_state.Standing:
    """The person's state in the course at `now` (`course_state.standing_of`)."""
    return progress.course_progress(session, user, course).standing(now)


def _find_open(session: Session, user: User, course_id: int) -> RefreshCheck | None:
    return session.scalar(select(RefreshCheck).where(
        RefreshCheck.user_id == user.id, RefreshCheck.course_id == course_id,
        RefreshCheck.submitted_at.is_(None)))


def _draw_for(session: Session, user: User, course: CourseOutline) -> list[dict]:
    """A new draw from the current quiz version of every published lesson with a quiz."""
    quiz_lessons = {lesson.quiz_id: lesson.id for lesson in course.lessons if lesson.quiz_id is not None}
    found = session.scalars(select(Quiz).where(Quiz.id.in_(quiz_lessons))
                            .options(joinedload(Quiz.current_version))).all()
    position = {lesson.id: index for index, lesson in enumerate(course.lessons)}
    banks = sorted((_Bank(quiz_lessons[quiz.id], quiz.current_version,
                          frozenset(followups.missed_first(session, user, quiz.id)))
                    for quiz in found if quiz.current_version is not None and quiz.current_version.questions),
                   key=lambda bank: position[bank.lesson_id])
    return draw(banks, course.policy.refresh_questions, _previous_questions(session, user, course.id),
                random.Random(secrets.randbelow(2**31)))


def _previous_questions(session: Session, user: User, course_id: int) -> set[tuple[int, str]]:
    """(lesson id, question id) of every question the person's last submitted check asked."""
    last = session.scalar(select(RefreshCheck.questions).where(
        RefreshCheck.user_id == user.id, RefreshCheck.course_id == course_id,
        RefreshCheck.submitted_at.is_not(None)).order_by(RefreshCheck.submitted_at.desc(),
                                                         RefreshCheck.id.desc()).limit(1))
    return {(each["lesson_id"], each["question_id"]) for each in last or ()}


def draw(banks: Sequence[_Bank], count: int, previous: set[tuple[int, str]],
         rng: random.Random) -> list[dict]:
    """`count` questions (all there are, when fewer) spread over the banks' lessons round by round,
    lessons in random order; each as stored: lesson, quiz version, question id, option keys shown."""
    order = list(banks)
    rng.shuffle(order)
    ranks = {bank.lesson_id: {q["id"]: rng.random() for q in bank.version.questions} for bank in order}
    taken: dict[int, list[dict]] = {bank.lesson_id: [] for bank in order}
    chosen: list[dict] = []
    while len(chosen) < count:
        added = False
        for bank in order:
            if len(chosen) == count:
                break
            question = _next_question(bank, taken[bank.lesson_id], previous, ranks[bank.lesson_id])
            if question is None:
                continue
            taken[bank.lesson_id].append(question)
            chosen.append({"lesson_id": bank.lesson_id, "quiz_version_id": bank.version.id,
                           "question_id": question["id"], "options": draws.option_order(question, rng)})
            added = True
        if not added:
            break
    return chosen


def _next_question(bank: _Bank, taken: list[dict], previous: set[tuple[int, str]],
                   rank: Mapping[str, float]) -> dict | None:
    """The lesson's next question: one the previous check did not ask, on the objective asked least
    so far, one the person got wrong in the quiz, else at random."""
    taken_ids = {question["id"] for question in taken}
    left = [question for question in bank.version.questions if question["id"] not in taken_ids]
    if not left:
        return None
    uses: dict[str, int] = {}
    for question in taken:
        if question.get("objective"):
            uses[question["objective"]] = uses.get(question["objective"], 0) + 1
    return min(left, key=lambda q: ((bank.lesson_id, q["id"]) in previous,
                                    uses.get(q.get("objective") or "", 0),
                                    q["id"] not in bank.missed, rank[q["id"]]))


# --- showing ---

def shown_questions(session: Session, check: RefreshCheck, language: str) -> list[CheckQuestion]:
    """The check's questions in the order asked, options in the order drawn, each in `language`
    where its quiz's published version in it has the same questions and keys, else as drawn."""
    versions = _versions(session, check, language)
    shown = []
    for each in check.questions:
        version = versions.get(each["quiz_version_id"])
        bank = version.questions if version is not None else ()
        question = next((q for q in bank if q["id"] == each["question_id"]), None)
        if question is None:  # not in its version: never, as versions do not change
            continue
        options = {option["key"]: option for option in question["options"]}
        order = [key for key in each["options"] if key in options]
        order += [key for key in options if key not in order]
        shown.append(CheckQuestion(key_of(each["lesson_id"], each["question_id"]), each["lesson_id"],
                                   each["quiz_version_id"],
                                   {**question, "options": [options[key] for key in order]},
                                   version.language if version is not None else SOURCE_LANGUAGE))
    return shown


def _versions(session: Session, check: RefreshCheck, language: str) -> dict[int, QuizVersion]:
    """The check's quiz versions by id, each replaced by its quiz's version in `language` where that
    one is drawn and graded the same way (two queries)."""
    ids = {each["quiz_version_id"] for each in check.questions}
    versions = {version.id: version
                for version in session.scalars(select(QuizVersion).where(QuizVersion.id.in_(ids)))}
    if language == SOURCE_LANGUAGE or not versions:
        return versions
    translated = {quiz_id: version for quiz_id, version in session.execute(
        select(QuizTranslation.quiz_id, QuizVersion)
        .join(QuizVersion, QuizVersion.id == QuizTranslation.current_version_id)
        .where(QuizTranslation.quiz_id.in_({v.quiz_id for v in versions.values()}),
               QuizTranslation.language == language)).tuples()}
    for version_id, version in list(versions.items()):
        own = translated.get(version.quiz_id)
        if own is not None and same_quiz(own, version):
            versions[version_id] = own
    return versions


# --- submitting and reviewing ---

@dataclass(frozen=True)
class _Asked:
    """The part of a quiz version that quizzes.grade() reads: the check's questions, its pass mark."""

    questions: list[dict]
    pass_mark: int = REFRESH_PASS_PERCENT


def own_check(session: Session, user: User, check_id: int | None, course_id: int) -> RefreshCheck:
    """One of the person's checks of the course; anyone else's, or none, is 'not found'."""
    check = None
    if check_id is not None and 0 < check_id <= _MAX_ID:
        check = session.scalar(select(RefreshCheck).where(RefreshCheck.id == check_id,
                                                          RefreshCheck.user_id == user.id,
                                                          RefreshCheck.course_id == course_id))
    if check is None:
        raise NotFound(_("No such refresh check."))
    return check


def submit(session: Session, user: User, course: CourseOutline, check_id: int | None,
           answers: Mapping[str, Sequence[str]], now: datetime) -> RefreshCheck:
    """Grade the check (every question needs an answer: quizzes.UnansweredQuestions) and close it,
    exactly once (CheckSubmitted after); a pass renews the certificate if every lesson is complete.
    One commit."""
    check = own_check(session, user, check_id, course.id)
    if check.submitted_at is not None:
        raise CheckSubmitted(check.id)
    asked = shown_questions(session, check, SOURCE_LANGUAGE)
    graded = quizzes.grade(_Asked([{**each.question, "id": each.key} for each in asked]),
                           {each.key: list(answers.get(each.key) or ()) for each in asked})
    by_key = {each.key: each for each in asked}
    stored = [{"lesson_id": by_key[key].lesson_id, "question_id": by_key[key].question["id"],
               "quiz_version_id": by_key[key].quiz_version_id, "selected": selected, "correct": correct}
              for key, selected, correct in graded.answers]
    # A course without quiz questions has nothing to ask: its check passes when confirmed.
    passed, score = (graded.passed, graded.score) if asked else (True, 100)
    closed = session.execute(
        update(RefreshCheck)
        .where(RefreshCheck.id == check.id, RefreshCheck.submitted_at.is_(None))
        .values(submitted_at=now, answers=stored, correct_count=graded.correct_count, score=score,
                passed=passed)
        .execution_options(synchronize_session=False))
    if rows_changed(closed) != 1:  # submitted from a second tab a moment ago
        session.rollback()
        raise CheckSubmitted(check.id)
    if passed:
        course_row = session.get(Course, course.id)
        if course_row is not None:
            completion.certify_if_earned(session, user, course_row, now)
    session.commit()
    session.refresh(check)
    return check


def result(session: Session, user: User, course: CourseOutline, check: RefreshCheck, now: datetime,
           language: str) -> CheckResult:
    """A submitted check's review and what comes next: the renewal it brought, the lessons still to
    complete for it, or another try."""
    answers = {key_of(each["lesson_id"], each["question_id"]): each for each in check.answers or ()}
    standing = standing_in(session, user, course, now)
    renewal = None
    if check.passed and check.certificate_id is not None:
        refreshed = session.get(Certificate, check.certificate_id)
        newer = refreshed.replaced_by if refreshed is not None else None
        renewal = newer if newer is not None and newer.kind == CertificateKind.RENEWAL else None
    return CheckResult(check, shown_questions(session, check, language), answers, standing, renewal)


def checks_of(session: Session, user: User, course_id: int) -> list[RefreshCheck]:
    """The person's submitted checks of the course, the newest first."""
    return list(session.scalars(select(RefreshCheck).where(
        RefreshCheck.user_id == user.id, RefreshCheck.course_id == course_id,
        RefreshCheck.submitted_at.is_not(None)).order_by(RefreshCheck.submitted_at.desc(),
                                                         RefreshCheck.id.desc())))
