"""/author/insights: what managers apply, lesson by lesson (HR reads the same at /hr/insights:
courseware/hr/insight_views.py). Counts and rates only (services/reports/insights.py)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from courseware.extensions import db
from courseware.hr.views import chosen_course
from courseware.language import current_language
from courseware.services.reports import insights

bp = Blueprint("insights", __name__)
LINKS = {"index": "author.pulses.index", "trends": "author.pulses.trends",
         "insights": "author.insights.index"}


def insights_page(endpoint: str, links: dict[str, str] | None = None) -> ResponseReturnValue:
    """The page for the course the request asks for; `endpoint` is the page's own (its course switch)."""
    course, courses = chosen_course()
    if course is None:
        return render_template("hr/empty.html")
    found = insights.course_insights(db.session, course, current_language())
    return render_template("author/insights.html", insights=found, totals=insights.totals(found),
                           course=course, courses=courses, endpoint=endpoint, links=links or LINKS)


@bp.get("/insights")
def index() -> ResponseReturnValue:
    return insights_page("author.insights.index")
