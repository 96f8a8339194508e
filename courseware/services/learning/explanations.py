"""Why a lesson or a course is not complete, in one sentence in the reader's language: what the
person sees on the outline, and HR on the person's page ("not opened", "read; quiz failed twice, one
attempt left", "completed an older revision", "refresh due on …")."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from courseware.formatting import format_date
from courseware.models import AttemptState, Quiz, QuizAttempt, QuizVersion
from courseware.services.learning import reading
from courseware.services.learning.course_state import CourseState, Standing
from courseware.services.learning.progress import CourseProgress, LessonState, LessonStatus


@dataclass(frozen=True, slots=True)
class QuizRecord:
    """A person's submitted attempts at one quiz: how many, how many failed, how many are left
    (None: no limit)."""

    submitted: int
    failed: int
    attempts_left: int | None


def quiz_records(session: Session, user_id: int, quiz_ids: Iterable[int]) -> dict[int, QuizRecord]:
    """The person's record at each quiz, in one query (quizzes without attempts included)."""
    ids = list(quiz_ids)
    if not ids:
        return {}
    submitted = (
        select(QuizAttempt.quiz_id, func.count().label("submitted"),
               func.sum(case((QuizAttempt.passed.is_(False), 1), else_=0)).label("failed"))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id.in_(ids),
               QuizAttempt.state == AttemptState.SUBMITTED.value)
        .group_by(QuizAttempt.quiz_id).subquery()
    )
    rows = session.execute(
        select(Quiz.id, QuizVersion.max_attempts, submitted.c.submitted, submitted.c.failed)
        .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .outerjoin(submitted, submitted.c.quiz_id == Quiz.id)
        .where(Quiz.id.in_(ids))
    )
    records = {}
    for quiz_id, limit, count, failed in rows:
        count = count or 0
        records[quiz_id] = QuizRecord(count, failed or 0, None if limit is None else max(0, limit - count))
    return records


def why_lesson(status: LessonStatus, quiz: QuizRecord | None) -> str | None:
    """What is missing for the lesson to count as complete now; None when nothing is."""
    if status.state == LessonState.NOT_STARTED:
        return _("Not opened yet.")
    if status.state == LessonState.IN_PROGRESS:
        minutes = reading.minutes_left(status.seconds_left)
        return ngettext("Opened, not yet read: about %(num)d minute of reading left.",
                        "Opened, not yet read: about %(num)d minutes of reading left.", minutes)
    if status.state == LessonState.QUIZ_PENDING:
        return _why_quiz(quiz)
    if status.state == LessonState.NEEDS_REVIEW:
        completed = status.progress.completed_number if status.progress else None
        return _("Completed revision %(old)s; revision %(new)s changed it materially: read it again.",
                 old=completed or "?", new=status.lesson.source.number)
    return None


def _why_quiz(quiz: QuizRecord | None) -> str:
    if quiz is None or quiz.submitted == 0:
        return _("Read; the quiz is not taken yet.")
    if quiz.attempts_left == 0:
        return ngettext("Read; quiz failed %(num)d time and no attempt is left: HR can allow more.",
                        "Read; quiz failed %(num)d times and no attempt is left: HR can allow more.",
                        quiz.failed)
    if quiz.attempts_left is None:
        return ngettext("Read; quiz failed %(num)d time, it can be taken again.",
                        "Read; quiz failed %(num)d times, it can be taken again.", quiz.failed)
    left = ngettext("%(num)d attempt left", "%(num)d attempts left", quiz.attempts_left)
    return ngettext("Read; quiz failed %(num)d time, %(left)s.", "Read; quiz failed %(num)d times, %(left)s.",
                    quiz.failed, left=left)


def why_course(standing: Standing, now: datetime) -> str | None:
    """The course as a whole, when its state asks for something beyond the lessons' sentences."""
    expires = standing.expires_at
    if standing.state == CourseState.EXPIRED and expires is not None:
        return _("The certificate expired on %(date)s: a refresh renews it.", date=format_date(expires))
    if standing.state == CourseState.REFRESH_DUE and expires is not None:
        if standing.check_needed:
            return _("Refresh due: the certificate expires on %(date)s; the refresh check is not passed yet.",
                     date=format_date(expires))
        return _("Refresh due: the check is passed; the changed lessons remain before %(date)s.",
                 date=format_date(expires))
    if standing.state == CourseState.UPDATED:
        return ngettext("Completed an earlier version: %(num)d lesson is new or changed since.",
                        "Completed an earlier version: %(num)d lessons are new or changed since.",
                        len(standing.waiting))
    return None


def explain(session: Session, user_id: int, course: CourseProgress) -> dict[int, str]:
    """Per lesson id, why the lesson is not complete (lessons that are complete are left out)."""
    records = quiz_records(session, user_id, [s.lesson.quiz_id for s in course.lessons
                                              if s.state == LessonState.QUIZ_PENDING and s.lesson.quiz_id])
    reasons = {}
    for status in course.lessons:
        reason = why_lesson(status, records.get(status.lesson.quiz_id or 0))
        if reason is not None:
            reasons[status.lesson.id] = reason
    return reasons
