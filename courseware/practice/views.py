"""/practice/: a person's own practice of what the course teaches. Every page here shows only the
signed-in person's entries (HR and the president see counts on the participation page, and the
president the reflections shared with them)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required

from courseware.auth.decorators import role_required
from courseware.extensions import db, login_manager
from courseware.forms import show_errors
from courseware.inputs import bounded_int
from courseware.models import Role
from courseware.practice import (
    check_views,
    featuring_views,
    focus_views,
    goal_views,
    pulse_views,
    reflection_views,
)
from courseware.practice.common import clock, local_hour, today
from courseware.practice.forms import PlanForm, SummaryForm
from courseware.services.errors import InvalidFields
from courseware.services.ops import audit
from courseware.services.people import account_admin
from courseware.services.practice import daily
from courseware.services.practice import export as practice_export
from courseware.services.practice import goals as practice_goals
from courseware.services.practice.common import parse_day
from courseware.services.reports import exports
from courseware.services.reports import participation as practice_participation

bp = Blueprint("practice", __name__, url_prefix="/practice")
for child in (goal_views.bp, focus_views.bp, reflection_views.bp, featuring_views.bp, check_views.bp,
              pulse_views.bp):
    bp.register_blueprint(child)


@bp.before_request
def signed_in_only() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.get("/")
def index():
    return redirect(url_for(".today"))


# --- today: the morning plan and the evening summary ------------------------------------------------

def _render_today(plan_form: PlanForm | None = None, summary_form: SummaryForm | None = None,
                  status: int = 200) -> ResponseReturnValue:
    day = today()
    entry = daily.entry_for(db.session, current_user, day)
    goals = practice_goals.active_goals(db.session, current_user)
    if plan_form is None:
        plan_form = PlanForm(formdata=None)
        if entry is not None and entry.is_planned:
            plan_form.most_important.data, plan_form.do_well.data = entry.most_important, entry.do_well
            plan_form.goal_id.data = entry.goal_id or 0
    if summary_form is None:
        summary_form = SummaryForm(formdata=None)
        if entry is not None and entry.is_summarized:
            summary_form.done.data, summary_form.learned.data = entry.done, entry.learned
            summary_form.tomorrow.data = entry.tomorrow
    plan_form.set_goals(goals)
    return render_template(
        "practice/today.html", day=day, entry=entry, plan_form=plan_form, summary_form=summary_form,
        previous=daily.previous_tomorrow(db.session, current_user, day),
        calendar=daily.calendar(db.session, current_user, day),
        streak=daily.streak(db.session, current_user, day),
        has_goals=bool(goals), evening=local_hour() >= 16,
    ), status


@bp.get("/today", endpoint="today")
def today_page():
    return _render_today()


@bp.post("/today/plan")
def save_plan():
    form = PlanForm()
    form.set_goals(practice_goals.active_goals(db.session, current_user))
    if form.validate():
        try:
            daily.save_plan(db.session, current_user, today(), now=clock(),
                                     most_important=form.most_important.data, do_well=form.do_well.data,
                                     goal_id=form.goal_id.data or None)
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Today's plan is saved. Come back in the evening for the summary."), "success")
            return redirect(url_for(".today"), code=303)
    return _render_today(plan_form=form, status=422)


@bp.post("/today/summary")
def save_summary():
    form = SummaryForm()
    if form.validate():
        try:
            daily.save_summary(db.session, current_user, today(), now=clock(),
                                        done=form.done.data, learned=form.learned.data,
                                        tomorrow=form.tomorrow.data)
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Today's summary is saved."), "success")
            return redirect(url_for(".today", _anchor="calendar"), code=303)
    return _render_today(summary_form=form, status=422)


@bp.get("/days/<day>", endpoint="day")
def day_page(day: str) -> ResponseReturnValue:
    when = parse_day(day)
    if when is None or when > today():
        abort(404)
    if when == today():
        return redirect(url_for(".today"))
    entry = daily.entry_for(db.session, current_user, when)
    return render_template("practice/day.html", day=when, entry=entry)


# --- export of one's own entries ------------------------------------------------------------------------

@bp.get("/export.md")
@fresh_login_required
def export_markdown():
    _audit_export("markdown")
    body = practice_export.markdown(db.session, current_user, today())
    return _download(body, "text/markdown", "md")


@bp.get("/export.csv")
@fresh_login_required
def export_csv():
    _audit_export("csv")
    body = "".join(exports.csv_stream(practice_export.csv_header(),
                                      practice_export.csv_rows(db.session, current_user)))
    return _download(body, "text/csv", "csv")


def _audit_export(kind: str) -> None:
    audit.record(db.session, "export", actor=current_user, target="own practice entries",
                 details=f"format={kind}", commit=True)


def _download(body: str, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)  # Werkzeug adds "; charset=utf-8" to text types
    name = re.sub(r"[^A-Za-z0-9._-]", "-", current_user.username)
    filename = f"practice-{name}-{today().isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- what HR and the president see: counts and rates -----------------------------------------------------

@bp.get("/participation")
@role_required(Role.HR.value, Role.PRESIDENT.value)
def participation():
    departments = account_admin.departments(db.session)
    department_id = request.args.get("department", type=bounded_int) or None
    if department_id is not None and all(d.id != department_id for d in departments):
        abort(404)
    return render_template(
        "practice/participation.html", departments=departments, department_id=department_id,
        report=practice_participation.participation(db.session, today(), department_id),
        window=practice_participation.WINDOW_DAYS,
    )
