"""The refresh check of a course: the questions that renew a certificate whose refresh window is
open, and the result of each check the person took."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from courseware.errors import csrf_error
from courseware.extensions import db
from courseware.formatting import format_percent
from courseware.inputs import bounded_int
from courseware.language import content_language
from courseware.models import RefreshCheck
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.catalog import CourseOutline
from courseware.services.errors import NotFound, ValidationError
from courseware.services.learning import quizzes, refresh

bp = Blueprint("refresh", __name__)


@bp.get("/courses/<course_slug>/refresh")
@login_required
def take(course_slug: str) -> ResponseReturnValue:
    course = catalog.current(db.session).course(course_slug)
    try:
        opened = refresh.start_or_resume(db.session, current_user, course, utcnow(), content_language())
    except refresh.NoRefreshDue as none_due:
        flash(str(none_due), "info")
        return redirect(url_for("learn.course", course_slug=course.slug))
    return _render(course, opened)


@bp.post("/courses/<course_slug>/refresh")
@login_required
def submit(course_slug: str) -> ResponseReturnValue:
    course = catalog.current(db.session).course(course_slug)
    check_id = request.form.get("check_id", type=bounded_int)
    if check_id is None:  # not this page's form: show the check (or why there is none)
        return redirect(url_for(".take", course_slug=course.slug), code=303)
    check = refresh.own_check(db.session, current_user, check_id, course.id)
    answers = _answers(check)
    now = utcnow()
    try:
        check = refresh.submit(db.session, current_user, course, check.id, answers, now)
    except refresh.CheckSubmitted as done:
        flash(_("This refresh check was already submitted; here is its result."), "info")
        return redirect(url_for(".result", course_slug=course.slug, check_id=done.check_id), code=303)
    except quizzes.UnansweredQuestions as unanswered:
        return _render_again(course, check, answers, unanswered.question_ids, str(unanswered), 422)
    except ValidationError as invalid:
        return _render_again(course, check, {}, [], str(invalid), 400)
    if check.passed:
        flash(_("You passed the refresh check with %(score)s.", score=format_percent(check.score)), "success")
    else:
        flash(_("You scored %(score)s; the refresh check's pass mark is %(mark)s.",
                score=format_percent(check.score), mark=format_percent(refresh.REFRESH_PASS_PERCENT)),
              "warning")
    return redirect(url_for(".result", course_slug=course.slug, check_id=check.id), code=303)


@bp.get("/courses/<course_slug>/refresh/<int:check_id>")
@login_required
def result(course_slug: str, check_id: int) -> ResponseReturnValue:
    course = catalog.current(db.session).course(course_slug)
    check = refresh.own_check(db.session, current_user, check_id, course.id)
    if check.submitted_at is None:
        return redirect(url_for(".take", course_slug=course.slug))
    return render_template(
        "learn/refresh_result.html", course=course, pass_mark=refresh.REFRESH_PASS_PERCENT,
        result=refresh.result(db.session, current_user, course, check, utcnow(), content_language()),
        sources=_sources(course))


def _answers(check: RefreshCheck) -> dict[str, list[str]]:
    return {key: request.form.getlist(f"q-{key}") for key in refresh.question_keys(check)}


def _render_again(course: CourseOutline, check: RefreshCheck, answers: dict[str, list[str]],
                  missing: list[str], error: str, status: int) -> ResponseReturnValue:
    """The open check's form again, with what was answered and what is missing."""
    standing = refresh.standing_in(db.session, current_user, course, utcnow())
    opened = refresh.reopen(db.session, check, standing, content_language())
    return _render(course, opened, answers, missing, error, status)


def _render(course: CourseOutline, opened: refresh.OpenCheck, answers: dict[str, list[str]] | None = None,
            missing: list[str] | None = None, error: str | None = None,
            status: int = 200) -> ResponseReturnValue:
    titles = _sources(course)
    return render_template(
        "learn/refresh.html", course=course, opened=opened, questions=opened.public,
        sources={each.key: titles[each.lesson_id] for each in opened.questions if each.lesson_id in titles},
        answers=answers or {}, missing=set(missing or ()), error=error,
        pass_mark=refresh.REFRESH_PASS_PERCENT,
        earlier=refresh.checks_of(db.session, current_user, course.id),
    ), status


def _sources(course: CourseOutline) -> dict[int, str]:
    """Each published lesson's line under the questions drawn from it, by lesson id."""
    return {lesson.id: _("From the lesson “%(title)s”", title=lesson.title) for lesson in course.lessons}


@bp.errorhandler(CSRFError)
def expired_token(error: CSRFError) -> ResponseReturnValue:
    """A submission whose token expired keeps its answers (as a quiz does); elsewhere, the error page."""
    submitted = request.endpoint == "refresh.submit" and request.method == "POST"
    return csrf_error(error, _keep_answers if submitted else None)


def _keep_answers() -> ResponseReturnValue | None:
    """The check again with every answer kept and a fresh token; nothing is written. None when the
    request is not a submission of the person's open check."""
    if not current_user.is_authenticated or request.view_args is None:
        return None
    try:
        course = catalog.current(db.session).course(request.view_args.get("course_slug", ""))
        check = refresh.own_check(db.session, current_user, request.form.get("check_id", type=bounded_int),
                                  course.id)
    except NotFound:
        return None
    if check.submitted_at is not None:
        return None
    return _render_again(course, check, _answers(check), [],
                         _("This page was open so long that its security token expired. Your answers "
                           "are kept: check them and submit again."), 400)
