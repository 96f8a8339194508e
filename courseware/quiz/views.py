"""Taking a lesson's quiz and reviewing one's own attempts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from courseware.errors import csrf_error
from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.inputs import bounded_int
from courseware.language import content_language
from courseware.models import Quiz, QuizAttempt
from courseware.services import catalog
from courseware.services.catalog import CourseOutline, LessonOutline
from courseware.services.errors import NotFound, ValidationError
from courseware.services.learning import attempt_history, progress, quizzes

bp = Blueprint("quiz", __name__)


@bp.route("/courses/<course_slug>/<lesson_slug>/quiz", methods=["GET", "POST"])
@login_required
def take(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    course = catalog.current(db.session).course(course_slug)
    lesson = course.lesson(lesson_slug)
    if lesson.quiz_id is None:
        raise NotFound(_("This lesson has no quiz."))
    if request.method == "POST":
        return _submit(course, lesson)
    quiz = quizzes.get_quiz(db.session, lesson.quiz_id)
    attempt = quizzes.open_attempt(db.session, current_user, quiz, content_language())
    return _render_quiz(course, lesson, quiz, attempt, answers={}, missing=[], error=None)


def _submit(course: CourseOutline, lesson: LessonOutline) -> ResponseReturnValue:
    attempt_id = request.form.get("attempt_id", type=bounded_int)
    if attempt_id is None:
        abort(400)
    submission = quizzes.submission(db.session, current_user, attempt_id)
    if submission.quiz_id != lesson.quiz_id:
        abort(404)
    answers = {
        question["id"]: request.form.getlist(f"q-{question['id']}") for question in submission.questions
    }
    try:
        quizzes.submit(db.session, current_user, submission, answers)
    except quizzes.AlreadySubmitted as done:
        flash(_("This attempt was already submitted; here is its result."), "info")
        return redirect(url_for("quiz.review", attempt_id=done.attempt_id), code=303)
    except quizzes.UnansweredQuestions as unanswered:
        attempt = quizzes.own_attempt(db.session, current_user, attempt_id)
        return _render_quiz(
            course, lesson, attempt.quiz, attempt, answers, unanswered.question_ids,
            str(unanswered), status=422,
        )
    except ValidationError as invalid:
        attempt = quizzes.own_attempt(db.session, current_user, attempt_id)
        return _render_quiz(course, lesson, attempt.quiz, attempt, {}, [], str(invalid), status=400)
    # No flash: the review's verdict card (and its title) says passed or not, the score and the mark.
    return redirect(url_for("quiz.review", attempt_id=attempt_id), code=303)


def _render_quiz(course: CourseOutline, lesson: LessonOutline, quiz: Quiz, attempt: QuizAttempt,
                 answers: dict[str, list[str]], missing: list[str], error: str | None,
                 status: int = 200) -> ResponseReturnValue:
    """The quiz page of a published lesson of the outline (in the reader's language)."""
    previous = attempt_history.attempt_summaries(db.session, current_user, quiz.id,
                                                 language=content_language())
    return render_template(
        "quiz/take.html",
        course=course,
        lesson=lesson,
        revision=lesson.revision,
        version=attempt.quiz_version,
        attempt=attempt,
        questions=quizzes.public_questions(quizzes.attempt_questions(attempt)),
        answers=answers,
        missing=set(missing),
        error=error,
        previous_attempts=previous,
        best_score=attempt_history.best_score(previous),
        attempts_left=quizzes.attempts_left(db.session, current_user, quiz, submitted=len(previous)),
    ), status


@bp.get("/attempts/<int:attempt_id>")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    attempt = quizzes.attempt_for_review(db.session, current_user, attempt_id)
    lesson = attempt.quiz.lesson
    if not attempt.is_submitted:
        return redirect(
            url_for("quiz.take", course_slug=lesson.course.slug, lesson_slug=lesson.slug)
        )
    answers = {answer.question_id: answer for answer in attempt.answers}
    status, following = None, None
    # Titles in the reader's language; the questions as they were asked (the version taken).
    lesson_title, course_title = lesson.title, lesson.course.title_in(content_language())
    if lesson.is_published:
        course = catalog.current(db.session).course_by_id(lesson.course_id)
        course_progress = progress.course_progress(db.session, current_user, course)
        status = course_progress.status_of(lesson)
        lesson_title, course_title = status.revision.title, course_progress.course.title
        following = _lesson_after(course, lesson.id)
    attempts_left = quizzes.attempts_left(db.session, current_user, attempt.quiz)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        lesson=lesson,
        lesson_title=lesson_title,
        course_title=course_title,
        status=status,
        form=ConfirmForm(),
        questions=quizzes.attempt_questions(attempt),
        answers=answers,
        attempts_left=attempts_left,
        mode=quizzes.review_mode(db.session, current_user, attempt, attempts_left),
        following=following,
    )


def _lesson_after(course: CourseOutline, lesson_id: int) -> LessonOutline | None:
    """The published lesson after this one in the course, if any."""
    ids = [each.id for each in course.lessons]
    index = ids.index(lesson_id) if lesson_id in ids else len(ids)
    return course.lessons[index + 1] if index + 1 < len(ids) else None


@bp.errorhandler(CSRFError)
def expired_token(error: CSRFError) -> ResponseReturnValue:
    """On a quiz submission, the answers are kept (below); elsewhere, the site's CSRF error page."""
    submitted = request.endpoint == "quiz.take" and request.method == "POST"
    return csrf_error(error, keep_answers_after_expired_token if submitted else None)


def keep_answers_after_expired_token():
    """The form's CSRF token expired while the quiz was open (or the session was renewed): show the
    quiz again with every answer kept and a fresh token, instead of an error page that loses them.
    Nothing is written. None when the request is not a submission of the person's open attempt."""
    attempt_id = request.form.get("attempt_id", type=bounded_int)
    if attempt_id is None or not current_user.is_authenticated:
        return None
    try:
        attempt = quizzes.own_attempt(db.session, current_user, attempt_id)
    except NotFound:
        return None
    if attempt.is_submitted:
        return None
    answers = {
        question["id"]: request.form.getlist(f"q-{question['id']}")
        for question in quizzes.attempt_questions(attempt)
    }
    shown = catalog.current(db.session).lesson_of_quiz(attempt.quiz_id)
    if shown is None:  # the lesson or its quiz was taken down meanwhile
        return None
    course = catalog.current(db.session).course_by_id(shown.course_id)
    return _render_quiz(
        course, shown, attempt.quiz, attempt, answers, [],
        _("This page was open so long that its security token expired. Your answers are kept: "
          "check them and submit again."), status=400,
    )
