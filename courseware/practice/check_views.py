"""Follow-up checks: two questions of a completed lesson, 30 and 90 days on. Never blocking."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.extensions import db
from courseware.inputs import bounded_int
from courseware.practice.common import clock, today
from courseware.services.errors import ValidationError
from courseware.services.learning import followups, quizzes

bp = Blueprint("checks", __name__, url_prefix="/checks")


Failed = tuple[followups.DueCheck, dict[str, list[str]], set[str], str]


def _render(status: int = 200, failed: Failed | None = None) -> ResponseReturnValue:
    """The checks waiting (each with its form) and those done; `failed` = (check, answers, missing, error)."""
    day = today()
    due = followups.due_checks(db.session, current_user, day)
    for check in due:
        followups.prepare(db.session, current_user, check)
    return render_template("practice/checks.html", due=due, failed=failed,
                           history=followups.history(db.session, current_user)), status


@bp.get("/")
def index():
    return _render()


@bp.post("/lessons/<int:lesson_id>/<int:stage>")
def answer(lesson_id: int, stage: int) -> ResponseReturnValue:
    try:
        due = followups.due_check(db.session, current_user, lesson_id, stage, today())
        answers = {qid: request.form.getlist(f"q-{qid}") for qid in due.question_ids}
        check = followups.answer_check(
            db.session, current_user, lesson_id, stage, request.form.get("version", type=bounded_int),
            answers, today=today(), now=clock())
    except followups.AlreadyDone as done:
        return redirect(url_for(".show", check_id=done.check_id), code=303)
    except quizzes.UnansweredQuestions as unanswered:
        return _render(422, failed=(due, answers, set(unanswered.question_ids),
                                    _("Answer both questions, or skip this check.")))
    except ValidationError as invalid:
        return _render(422, failed=(due, {}, set(), str(invalid)))
    if followups.review_mode(check) == quizzes.REVIEW_FULL:
        message = _("%(right)d of %(total)d right. The explanations are below.",
                    right=check.correct_count, total=check.question_count)
    else:
        message = _("%(right)d of %(total)d right. Your answers are below.",
                    right=check.correct_count, total=check.question_count)
    flash(message, "success" if check.correct_count == check.question_count else "info")
    return redirect(url_for(".show", check_id=check.id), code=303)


@bp.post("/lessons/<int:lesson_id>/<int:stage>/skip")
def skip(lesson_id: int, stage: int) -> ResponseReturnValue:
    try:
        followups.skip_check(db.session, current_user, lesson_id, stage, today=today(), now=clock())
    except followups.AlreadyDone:
        pass
    flash(_("Skipped. The next check comes when it is due."), "info")
    back = url_for("learn.dashboard") if request.form.get("back") == "dashboard" else url_for(".index")
    return redirect(back, code=303)


@bp.get("/<int:check_id>")
def show(check_id: int) -> ResponseReturnValue:
    check = followups.own_check(db.session, current_user, check_id)
    return render_template("practice/check.html", check=check, questions=followups.review(check),
                           mode=followups.review_mode(check))
