"""Reflections: written at the end of a lesson, private unless shared with the president."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.models import Reflection, Role
from courseware.practice.common import clock
from courseware.practice.forms import ReflectionForm, ReplyForm
from courseware.services.errors import InvalidFields
from courseware.services.practice import featuring
from courseware.services.practice import reflections as practice_reflections

bp = Blueprint("reflections", __name__, url_prefix="/reflections")


@bp.get("/")
def index():
    return render_template("practice/reflections.html",
                           reflections=practice_reflections.my_reflections(db.session, current_user))


@bp.route("/lessons/<int:lesson_id>", methods=["GET", "POST"])
def write(lesson_id: int) -> ResponseReturnValue:
    lesson = practice_reflections.get_published_lesson(db.session, lesson_id)
    reflection = practice_reflections.own_reflection(db.session, current_user, lesson)
    prompt = practice_reflections.prompt_of(lesson)
    if prompt is None:
        if reflection is not None:
            return redirect(url_for(".show", reflection_id=reflection.id))
        flash(_("This lesson asks no reflection question."), "info")
        return redirect(url_for("learn.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug))
    form = ReflectionForm()
    if not form.is_submitted():
        form.answer.data = reflection.answer if reflection else ""
        return render_template("practice/reflection_form.html", lesson=lesson, prompt=prompt, form=form,
                               reflection=reflection)
    if form.validate():
        try:
            saved = practice_reflections.save_reflection(db.session, current_user, lesson, form.answer.data,
                                                         now=clock())
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Your reflection is saved. Only you can read it, and the president, with whom you "
                    "shared it.") if saved.is_shared
                  else _("Your reflection is saved. Only you can read it."), "success")
            return redirect(url_for(".show", reflection_id=saved.id), code=303)
    return render_template("practice/reflection_form.html", lesson=lesson, prompt=prompt, form=form,
                           reflection=reflection), 422


def _render(reflection: Reflection, reply_form: ReplyForm | None = None,
            status: int = 200) -> ResponseReturnValue:
    if reply_form is None:
        reply_form = ReplyForm(formdata=None, data={"reply": reflection.reply or ""})
    return render_template(
        "practice/reflection.html", reflection=reflection, reply_form=reply_form,
        is_owner=reflection.user_id == current_user.id,
        current_prompt=practice_reflections.prompt_of(reflection.lesson),
        feature=featuring.feature_of(db.session, reflection),
    ), status


@bp.get("/<int:reflection_id>")
def show(reflection_id: int) -> ResponseReturnValue:
    return _render(practice_reflections.readable_reflection(db.session, current_user, reflection_id))


@bp.post("/<int:reflection_id>/share")
def share(reflection_id: int) -> ResponseReturnValue:
    practice_reflections.share(db.session, current_user, reflection_id, now=clock())
    flash(_("Shared with the president, who can read it and reply. You can stop sharing at any time."),
          "success")
    return redirect(url_for(".show", reflection_id=reflection_id), code=303)


@bp.post("/<int:reflection_id>/unshare")
def unshare(reflection_id: int) -> ResponseReturnValue:
    practice_reflections.unshare(db.session, current_user, reflection_id)
    flash(_("No longer shared: only you can read it."), "info")
    return redirect(url_for(".show", reflection_id=reflection_id), code=303)


@bp.post("/<int:reflection_id>/delete")
def delete(reflection_id: int) -> ResponseReturnValue:
    practice_reflections.delete(db.session, current_user, reflection_id)
    flash(_("Reflection deleted."), "info")
    return redirect(url_for(".index"), code=303)


@bp.get("/shared")
@role_required(Role.PRESIDENT.value)
def shared():
    return render_template("practice/shared.html",
                           reflections=practice_reflections.shared_with_president(db.session))


@bp.post("/<int:reflection_id>/reply")
@role_required(Role.PRESIDENT.value)
def reply(reflection_id: int) -> ResponseReturnValue:
    reflection = practice_reflections.readable_reflection(db.session, current_user, reflection_id)
    form = ReplyForm()
    if form.validate():
        try:
            practice_reflections.reply(db.session, current_user, reflection_id, form.reply.data, now=clock())
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Your reply is on %(name)s's reflection.", name=reflection.user.full_name), "success")
            return redirect(url_for(".show", reflection_id=reflection_id), code=303)
    return _render(reflection, reply_form=form, status=422)
