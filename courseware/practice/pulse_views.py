"""/practice/pulses/<id>: a manager answers an open culture pulse, once. The answers are stored so that
nobody can tie them to the person (services/pulse/answering.py); the page says so."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.author.pulse_forms import answer_form
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.practice.common import clock
from courseware.services.errors import InvalidFields
from courseware.services.pulse import answering

bp = Blueprint("pulses", __name__, url_prefix="/pulses")


@bp.route("/<int:pulse_id>", methods=["GET", "POST"])
def answer(pulse_id: int) -> ResponseReturnValue:
    pulse = answering.answerable(db.session, current_user, pulse_id, clock())
    form = answer_form(pulse)
    if request.method == "GET":
        return render_template("practice/pulse.html", pulse=pulse, form=form)
    if form.validate():
        try:
            answering.answer(db.session, current_user, pulse_id, request.form, now=clock())
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Thank you: your answers are in, with nothing that ties them to you."), "success")
            return redirect(url_for("learn.dashboard"), code=303)
    return render_template("practice/pulse.html", pulse=pulse, form=form), 422
