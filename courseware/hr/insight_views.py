"""HR's read-only copies of the president's pages of what managers apply and of the culture pulse:
/hr/insights, /hr/pulses, /hr/pulses/<id>, /hr/pulses/trends. The same figures and templates as
/author/insights and /author/pulses (courseware/author/insight_views.py, pulse_views.py), without the
drafting and publishing."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courseware.auth.decorators import role_required
from courseware.author.insight_views import insights_page
from courseware.extensions import db
from courseware.models._time import utcnow
from courseware.services.errors import NotFound
from courseware.services.pulse import pulses, results

bp = Blueprint("hr_insights", __name__, url_prefix="/hr")
READERS = ("hr", "president")
LINKS = {"index": "hr_insights.pulse_list", "show": "hr_insights.pulse", "trends": "hr_insights.trends",
         "insights": "hr_insights.insights"}


@bp.get("/insights")
@role_required(*READERS)
def insights() -> ResponseReturnValue:
    return insights_page("hr_insights.insights", LINKS)


@bp.get("/pulses")
@role_required(*READERS)
def pulse_list() -> ResponseReturnValue:
    published = [pulse for pulse in pulses.all_pulses(db.session) if pulse.is_published]
    return render_template("author/pulses.html", pulses=published, now=utcnow(), links=LINKS, can_edit=False)


@bp.get("/pulses/<int:pulse_id>")
@role_required(*READERS)
def pulse(pulse_id: int) -> ResponseReturnValue:
    found = pulses.get_pulse(db.session, pulse_id)
    if not found.is_published:
        raise NotFound(_("No such pulse."))
    return render_template("author/pulse.html", pulse=found, now=utcnow(), links=LINKS, can_edit=False,
                           figures=results.results(db.session, found), confirm_form=None)


@bp.get("/pulses/trends")
@role_required(*READERS)
def trends() -> ResponseReturnValue:
    return render_template("author/pulse_trends.html", trends=results.trends(db.session), links=LINKS)
