"""The focus check: is this request related to my goals? Link it to one, or decline it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.extensions import db
from courseware.forms import ConfirmForm, show_errors
from courseware.practice.common import clock
from courseware.practice.forms import FocusForm
from courseware.services.errors import InvalidFields
from courseware.services.practice import focus as practice_focus
from courseware.services.practice import goals as practice_goals

bp = Blueprint("focus", __name__, url_prefix="/focus")


@bp.route("/", methods=["GET", "POST"])
def index():
    goals = practice_goals.active_goals(db.session, current_user)
    form = FocusForm()
    form.set_goals(goals)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                item = practice_focus.triage(db.session, current_user, text=form.text.data,
                                             decision=form.decision.data, reason=form.reason.data,
                                             now=clock())
            except InvalidFields as error:
                show_errors(form, error)
            else:
                # triage declines exactly the items it links to no goal (declined == goal is None)
                flash(_("Declined: it is on your not-to-do list.") if item.goal is None
                      else _("Kept: it serves “%(goal)s”.", goal=item.goal.title), "success")
                return redirect(url_for(".index"), code=303)
        status = 422
    return render_template("practice/focus.html", form=form, goals=goals,
                           lists=practice_focus.focus_lists(db.session, current_user)), status


@bp.post("/<int:item_id>/delete")
def delete(item_id: int) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        practice_focus.delete_item(db.session, current_user, item_id)
        flash(_("Removed."), "info")
    return redirect(url_for(".index"), code=303)
