"""/author/pulses: the president drafts a culture pulse, publishes it, and reads its figures and the
trends across pulses (HR reads the same pages under /hr/pulses: courseware/hr/insight_views.py)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courseware.author.pulse_forms import PulseForm
from courseware.extensions import db
from courseware.formatting import format_zone
from courseware.forms import ConfirmForm, show_errors
from courseware.models._time import utcnow
from courseware.services.errors import Conflict, InvalidFields
from courseware.services.pulse import pulses, results
from courseware.timezones import reader_zone

bp = Blueprint("pulses", __name__, url_prefix="/pulses")

# The endpoints the shared templates link to (HR's pages give theirs).
LINKS = {"index": "author.pulses.index", "show": "author.pulses.show", "trends": "author.pulses.trends",
         "insights": "author.insights.index"}


def clock():
    """Now, naive UTC (tests replace it)."""
    return utcnow()


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("author/pulses.html", pulses=pulses.all_pulses(db.session), now=clock(),
                           links=LINKS, can_edit=True)


def _form_page(form: PulseForm, pulse_id: int | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template("author/pulse_form.html", form=form, pulse_id=pulse_id,
                           zone_label=format_zone(reader_zone())), status


def _save(form: PulseForm, pulse_id: int | None) -> ResponseReturnValue:
    try:
        pulse = pulses.save_draft(db.session, form.to_fields(), reader_zone(), now=clock(), pulse_id=pulse_id)
    except InvalidFields as error:
        show_errors(form, error)
        return _form_page(form, pulse_id, 422)
    flash(_("The draft is saved. Managers see nothing until you publish it."), "success")
    return redirect(url_for(".show", pulse_id=pulse.id), code=303)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page(PulseForm(formdata=None))
    form = PulseForm()
    if not form.validate():
        return _form_page(form, status=422)
    return _save(form, None)


@bp.route("/<int:pulse_id>/edit", methods=["GET", "POST"])
def edit(pulse_id: int) -> ResponseReturnValue:
    pulse = pulses.get_pulse(db.session, pulse_id)
    if pulse.is_published:
        raise Conflict(_("This pulse is published: it can no longer be changed."))
    if request.method == "GET":
        return _form_page(PulseForm.from_fields(pulses.fields_of(pulse, reader_zone())), pulse_id)
    form = PulseForm()
    if not form.validate():
        return _form_page(form, pulse_id, 422)
    return _save(form, pulse_id)


@bp.post("/<int:pulse_id>/publish")
def publish(pulse_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(url_for(".show", pulse_id=pulse_id), code=303)
    pulses.publish(db.session, pulse_id, now=clock())
    flash(_("Published: managers see the pulse from its first day until its last."), "success")
    return redirect(url_for(".show", pulse_id=pulse_id), code=303)


@bp.get("/<int:pulse_id>")
def show(pulse_id: int) -> ResponseReturnValue:
    pulse = pulses.get_pulse(db.session, pulse_id)
    return render_template("author/pulse.html", pulse=pulse, now=clock(), links=LINKS, can_edit=True,
                           figures=results.results(db.session, pulse), confirm_form=ConfirmForm())


@bp.get("/trends")
def trends() -> ResponseReturnValue:
    return render_template("author/pulse_trends.html", trends=results.trends(db.session), links=LINKS)
