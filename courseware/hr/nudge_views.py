"""HR's nudge: /hr/nudge?user=…&user=… previews what each selected person will get (or why they are
skipped); a POST to /hr/nudge with the same people sends it (services/notifications/nudges.py). HR
only. The people are chosen on the People page (checkboxes) or a person's page (its Nudge button)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import jobs
from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.hr.forms import NudgeForm
from courseware.inputs import bounded_int
from courseware.services.errors import ValidationError
from courseware.services.notifications import nudges

bp = Blueprint("hr_nudge", __name__, url_prefix="/hr")


def _chosen() -> list[int]:
    # A value that is no id is dropped (then, if none is left, the service says to select someone).
    return request.values.getlist("user", type=bounded_int)


@bp.get("/nudge")
@role_required("hr")
def preview() -> ResponseReturnValue:
    form = NudgeForm(formdata=request.args, meta={"csrf": False})
    return _preview_page(form, _chosen(), form.note.data or "")


def _preview_page(form: NudgeForm, user_ids: list[int], note: str, status: int = 200,
                  refused: str | None = None) -> ResponseReturnValue:
    try:
        shown = nudges.preview(db.session, current_user, user_ids, jobs.now(), current_app.config, note)
    except ValidationError as error:
        if error.field != "note":
            flash(str(error), "error")
            return redirect(url_for("hr.people"), 303)
        show_errors(form, error)
        shown = nudges.preview(db.session, current_user, user_ids, jobs.now(), current_app.config)
        status = 422
    return render_template("hr/nudge.html", form=form, send_form=NudgeForm(), shown=shown,
                           user_ids=user_ids, refused=refused, nudge_hours=nudges.NUDGE_EVERY.days * 24,
                           note_length=nudges.NOTE_LENGTH), status


@bp.post("/nudge")
@role_required("hr")
def send() -> ResponseReturnValue:
    form = NudgeForm()
    if not form.validate_on_submit():
        abort(400)
    user_ids, note = _chosen(), form.note.data or ""
    try:
        result = nudges.send(db.session, current_user, user_ids, jobs.now(), current_app.config, note)
    except ValidationError:
        db.session.rollback()
        return _preview_page(form, user_ids, note)
    if not result.sent:
        return _preview_page(form, user_ids, note, status=409, refused=_(
            "Nobody was nudged: each person selected is skipped, for the reason shown."))
    jobs.dispatch(jobs.now())
    flash(ngettext("Nudge sent to %(num)d person.", "Nudge sent to %(num)d people.", len(result.sent)),
          "success")
    if result.skipped:
        flash(_("Skipped: %(names)s.", names=", ".join(
            f"{s.user.full_name} ({s.reason.label})" for s in result.skipped)), "warning")
    return redirect(url_for("hr_notifications.overview", kind="nudge"), 303)
