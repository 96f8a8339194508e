"""A line manager's team (/team): HR's overview, People list, person pages and CSV exports, scoped to
the people who report to the signed-in person, directly or through others.

The pages are HR's own (hr/views.py renders them; the templates' links follow `report_pages`). Someone
nobody reports to gets a 404 for /team, and anyone outside the team is a 404 as well, whatever the
reader's role: HR and the president read everyone on /hr/, as before.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, fresh_login_required, login_required
from sqlalchemy import Select

from courseware.extensions import db
from courseware.hr import views as reports
from courseware.models import User
from courseware.services.people import reporting
from courseware.services.reports import team

bp = Blueprint("team", __name__, url_prefix="/team")
TEAM_PAGES = reports.ReportPages(overview="team.overview", people="team.people", person="team.person",
                                 export_progress="team.export_progress",
                                 export_attempts="team.export_attempts", team=True)


@bp.context_processor
def _team_pages() -> dict:
    return {"report_pages": TEAM_PAGES}


def _team() -> Select[tuple[int]]:
    """The signed-in person's team (its ids, read once); a 404 for someone nobody reports to."""
    if not reporting.has_reports(db.session, current_user.id):
        abort(404)
    return reporting.team(db.session, current_user.id)


@bp.get("")
@login_required
def overview() -> ResponseReturnValue:
    within = _team()
    course, courses = reports.chosen_course()
    if course is None:
        return render_template("hr/empty.html")
    return reports.overview_page(team.overview(db.session, course, within), courses)


@bp.get("/people")
@login_required
def people() -> ResponseReturnValue:
    within = _team()
    return reports.people_page(team.departments(db.session, within), within)


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int) -> ResponseReturnValue:
    _team()
    person = db.session.get(User, user_id)
    if person is None or not person.active or not reporting.in_team(db.session, current_user.id, user_id):
        abort(404)
    return reports.person_page(person)


@bp.get("/export/progress.csv")
@fresh_login_required
def export_progress() -> Response:
    return reports.export_csv("progress", _team(), scope=f"team of {current_user.username}")


@bp.get("/export/attempts.csv")
@fresh_login_required
def export_attempts() -> Response:
    return reports.export_csv("attempts", _team(), scope=f"team of {current_user.username}")
