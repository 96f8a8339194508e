"""Questions on a lesson: asking (limited in rate), "I have this question too", and the president's
and hosts' answers, pins and moderation. Each POST leads back to the lesson page, at the question;
a form with errors comes back on the lesson page with them (422). The logic is in
services/discussion."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from courseware.errors import render_error
from courseware.extensions import db, limiter
from courseware.learn.forms import answer_form, ask_form, hide_form
from courseware.learn.views import lesson_page
from courseware.models import LessonQuestion
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.discussion import questions
from courseware.services.errors import InvalidFields
from courseware.services.learning import progress

bp = Blueprint("questions", __name__)

# How often one person may ask (per person, whatever their address): Flask-Limiter, as the sign-in
# routes are, in Redis when REDIS_URL is set.
ASK_LIMIT = "5 per 10 minutes; 20 per day"


def _person() -> str:
    return f"person:{current_user.get_id()}"


@bp.errorhandler(RateLimitExceeded)
def too_many_questions(_error: RateLimitExceeded) -> ResponseReturnValue:
    return render_error(429, _("You have asked several questions in a short time. Your question was not "
                               "saved: wait a few minutes, then ask again."))


def _back(question: LessonQuestion, anchor: str | None = None) -> ResponseReturnValue:
    lesson = question.lesson
    return redirect(url_for("learn.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug,
                            _anchor=anchor or f"question-{question.id}"), code=303)


def _again(lesson_id: int, form: FlaskForm, error: InvalidFields) -> ResponseReturnValue:
    """The lesson page again, with the form's errors."""
    db.session.rollback()
    for name, message in error.field_errors.items():
        field = form[name] if name is not None and name in form else None
        if field is not None:
            field.errors = [*field.errors, message]
    row = published.lesson(db.session, lesson_id)
    course = catalog.current(db.session).course_by_id(row.course_id)
    lesson = course.lesson(row.slug)
    return lesson_page(progress.course_progress(db.session, current_user, course), lesson, failed=form,
                       status=422)


@bp.post("/courses/<course_slug>/<lesson_slug>/questions")
@login_required
@limiter.limit(ASK_LIMIT, key_func=_person)
def ask(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    lesson = catalog.current(db.session).course(course_slug).lesson(lesson_slug)
    form = ask_form()
    try:
        question = questions.ask(db.session, current_user, lesson.id, form.body.data,
                                 bool(form.anonymous.data), now=utcnow())
    except InvalidFields as error:
        return _again(lesson.id, form, error)
    flash(_("Your question is posted. You will be told when it is answered."), "success")
    return _back(question)


@bp.post("/questions/<int:question_id>/me-too")
@login_required
def me_too(question_id: int) -> ResponseReturnValue:
    marked = questions.toggle_me_too(db.session, current_user, question_id, now=utcnow())
    flash(_("Marked: you have this question too.") if marked else _("Your “me too” is taken back."), "info")
    return _back(questions.visible_question(db.session, current_user, question_id))


@bp.post("/questions/<int:question_id>/answers")
@login_required
def answer(question_id: int) -> ResponseReturnValue:
    form = answer_form(question_id)
    try:
        reply = questions.answer(db.session, current_user, question_id, form.body.data, now=utcnow(),
                                 config=current_app.config)
    except InvalidFields as error:
        return _again(questions.visible_question(db.session, current_user, question_id).lesson_id,
                      form, error)
    flash(_("Your answer is posted; the asker is told."), "success")
    return _back(reply.question)


@bp.post("/answers/<int:answer_id>/pin")
@login_required
def pin(answer_id: int) -> ResponseReturnValue:
    pinned = questions.toggle_pin(db.session, current_user, answer_id, now=utcnow())
    reply = questions.visible_answer(db.session, current_user, answer_id)
    flash(_("Pinned into the lesson, under “From the questions”.") if pinned
          else _("No longer pinned into the lesson."), "success")
    return _back(reply.question)


@bp.post("/questions/<int:question_id>/hide")
@login_required
def hide(question_id: int) -> ResponseReturnValue:
    form = hide_form(question_id)
    try:
        question = questions.hide(db.session, current_user, question_id, form.reason.data, now=utcnow())
    except InvalidFields as error:
        return _again(questions.visible_question(db.session, current_user, question_id).lesson_id,
                      form, error)
    flash(_("The question is hidden: only its asker, the president and the hosts see it."), "success")
    return _back(question)


@bp.post("/questions/<int:question_id>/unhide")
@login_required
def unhide(question_id: int) -> ResponseReturnValue:
    question = questions.unhide(db.session, current_user, question_id)
    flash(_("The question is shown to everyone again."), "success")
    return _back(question)
