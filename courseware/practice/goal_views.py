"""My goals and the focus check."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.extensions import db
from courseware.formatting import format_percent
from courseware.forms import ConfirmForm, show_errors
from courseware.models import Goal
from courseware.practice.common import clock, today
from courseware.practice.forms import GoalForm, ProgressForm
from courseware.services.errors import InvalidFields
from courseware.services.practice import goals as practice_goals

bp = Blueprint("goals", __name__)


def _goal_form(formdata: bool = True) -> GoalForm:
    form = GoalForm() if formdata else GoalForm(formdata=None)
    form.set_lessons(practice_goals.lesson_choices(db.session))
    return form


@bp.route("/goals", methods=["GET", "POST"])
def index():
    form = _goal_form().long_term()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                goal = practice_goals.create_goal(db.session, current_user, form.fields(), today=today(),
                                                  now=clock())
            except InvalidFields as error:
                show_errors(form, error)
            else:
                flash(_("“%(goal)s” is set. Now break it into short-term goals.", goal=goal.title), "success")
                return redirect(url_for(".show", goal_id=goal.id, _anchor="new-short-term"), code=303)
        status = 422
    else:
        form.suggest_period(today())
    return render_template("practice/goals.html", form=form,
                           goals=practice_goals.long_term_goals(db.session, current_user)), status


def _render_goal(goal: Goal, status: int = 200, short_form: GoalForm | None = None,
                 progress_form: ProgressForm | None = None) -> ResponseReturnValue:
    short_form = short_form or _goal_form(formdata=False)
    return render_template(
        "practice/goal.html", goal=goal, short_form=short_form,
        progress_form=progress_form or ProgressForm(formdata=None, data={"progress": goal.progress}),
        linked=practice_goals.linked_focus_items(db.session, goal), today=today(),
    ), status


@bp.get("/goals/<int:goal_id>")
def show(goal_id: int) -> ResponseReturnValue:
    return _render_goal(practice_goals.get_own_goal(db.session, current_user, goal_id, include_deleted=True))


@bp.post("/goals/<int:goal_id>/short-term")
def add_short_term(goal_id: int) -> ResponseReturnValue:
    parent = practice_goals.get_own_goal(db.session, current_user, goal_id)
    form = _goal_form()
    if form.validate():
        try:
            goal = practice_goals.create_goal(db.session, current_user, form.fields(), today=today(),
                                              now=clock(), parent=parent)
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Short-term goal “%(goal)s” added.", goal=goal.title), "success")
            return redirect(url_for(".show", goal_id=parent.id, _anchor=f"goal-{goal.id}"), code=303)
    return _render_goal(parent, 422, short_form=form)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit(goal_id: int) -> ResponseReturnValue:
    goal = practice_goals.get_own_goal(db.session, current_user, goal_id)
    form = _goal_form().long_term() if goal.is_long_term else _goal_form()
    if not form.is_submitted():
        form.fill(goal)
        return render_template("practice/goal_edit.html", goal=goal, form=form)
    if form.validate():
        try:
            practice_goals.update_goal(db.session, goal, form.fields(), today=today(), now=clock())
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Goal saved."), "success")
            return redirect(url_for(".show", goal_id=goal.id), code=303)
    db.session.refresh(goal)
    return render_template("practice/goal_edit.html", goal=goal, form=form), 422


@bp.post("/goals/<int:goal_id>/progress")
def progress(goal_id: int) -> ResponseReturnValue:
    goal = practice_goals.get_own_goal(db.session, current_user, goal_id)
    form = ProgressForm()
    if form.validate():
        try:
            practice_goals.mark_progress(db.session, goal, form.progress.data, form.note.data or "",
                                         now=clock())
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("“%(goal)s” is done. Well kept.", goal=goal.title) if goal.is_done
                  else _("Progress on “%(goal)s”: %(progress)s.", goal=goal.title,
                                                             progress=format_percent(goal.progress)),
                  "success")
            target = goal.parent_id or goal.id
            return redirect(url_for(".show", goal_id=target, _anchor=f"goal-{goal.id}"), code=303)
    return _render_goal(goal, 422, progress_form=form)


@bp.route("/goals/<int:goal_id>/delete", methods=["GET", "POST"])
def delete(goal_id: int) -> ResponseReturnValue:
    goal = practice_goals.get_own_goal(db.session, current_user, goal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        parent_id = goal.parent_id
        practice_goals.delete_goal(db.session, goal, now=clock())
        flash(_("“%(goal)s” was deleted. What was linked to it still shows it.", goal=goal.title), "info")
        return redirect(url_for(".show", goal_id=parent_id) if parent_id else url_for(".index"), code=303)
    return render_template("practice/goal_delete.html", goal=goal, form=form,
                           effects=practice_goals.deletion_effects(db.session, goal))


@bp.post("/goals/<int:goal_id>/restore")
def restore(goal_id: int) -> ResponseReturnValue:
    goal = practice_goals.get_own_goal(db.session, current_user, goal_id, include_deleted=True)
    practice_goals.restore_goal(db.session, goal)
    flash(_("“%(goal)s” is back.", goal=goal.title), "success")
    return redirect(url_for(".show", goal_id=goal.id), code=303)
